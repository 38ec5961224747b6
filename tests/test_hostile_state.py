"""Hostile submissions, round 2: nothing carries over from one submission to the
next, every process's CPU counts per test, the result channel has one rule, and
no submission escapes a verdict by taking its sandbox down.

All of it runs in the real judge image. The carry-over tests use a pool of one
container, so the next submission surely runs where the previous one did (and
they check it did: the harness must clean up in place, not by luck of recycling).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator

import docker
import pytest

from judge.errors import SandboxCrashed, SandboxUnavailable
from judge.image import image_tag
from judge.judging import DockerJudge
from judge.outputs import run_outputs
from judge.problem import Limits
from judge.sandbox import LABEL, Sandbox, SandboxConfig, SandboxPool, docker_client
from judge.verdict import JudgeResult, Verdict
from tests.support import function_problem
from tests.test_hostile import (
    ADD,
    ADD_ONE,
    FAST,
    GOOD_ADD,
    MLE,
    PROBE,
    RE,
    ROOMY,
    TLE,
    assert_contained,
    assert_verdict,
    container_of,
    explain,
    judged,
    probe,
    probe_problem,
    solution,
)

AC = Verdict.ACCEPTED


@pytest.fixture(scope="module")
def judge(one_container_judge):
    """Hostile submissions and their neighbours share one container (tests/conftest.py)."""
    return one_container_judge


@pytest.fixture(scope="module")
def one_box(one_container_judge: DockerJudge) -> DockerJudge:
    return one_container_judge


# ------------------------------------------- 1. no earlier submission in memory

PREVIOUS = "LCPREV-" + secrets.token_hex(16)
ANSWER_PREVIOUS = function_problem("probe", [("x", "string")], "string", [('"go"', PREVIOUS)],
                                   slug="hostile-previous")

# Reads every readable mapping of its own process (what a fork of the server
# would have inherited), its inherited descriptors, and every /proc file it can.
SCAN_OWN_MEMORY = probe(r"""
    import ctypes, os, re
    pattern = re.compile(("LC" + "PREV-[0-9a-f]{32}").encode())
    found, regions = [], 0
    for line in open("/proc/self/maps"):
        parts = line.split()
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        name = parts[5] if len(parts) > 5 else ""
        if parts[1][0] != "r" or name in ("[vvar]", "[vsyscall]", "[vvar_vclock]") or hi - lo > 512 << 20:
            continue
        regions += 1
        if m := pattern.search(ctypes.string_at(lo, hi - lo)):
            found.append(f"memory {name or hex(lo)}: {m.group().decode()}")
    for fd in os.listdir("/proc/self/fd"):
        try:
            if m := pattern.search(os.pread(int(fd), 1 << 22, 0)):
                found.append(f"fd {fd}")
        except OSError:
            pass
    print(f"regions={regions} found={found}")
    return "escaped" if found else "contained"
""", show_container=True)


@pytest.mark.docker
def test_a_submission_cannot_read_the_previous_one_from_its_memory(one_box):
    # its answer, and many copies on stdout: buffers the harness reads and frees
    # (freed heap keeps its bytes, and a fork would inherit them)
    leave = f"print(({PREVIOUS!r} + chr(10)) * 2000); return {PREVIOUS!r}"
    first = judged(one_box, ANSWER_PREVIOUS, solution(leave, method="probe", args="x"))
    assert first.verdict is AC, explain(first)
    second = one_box.judge(PROBE, SCAN_OWN_MEMORY, limits=ROOMY)
    assert_contained(second)
    assert "regions=" in second.stdout and "regions=0 " not in second.stdout, second.stdout


# --------------------------------------------- 2. no IPC state between submissions

PLANT_IPC = probe(r"""
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    secret = b"LCPLANT-left-for-the-next-one"
    planted = []
    shmid = libc.shmget(0x4C43, 1 << 20, 0o1666)  # IPC_CREAT | 0666
    if shmid >= 0:
        libc.shmat.restype = ctypes.c_void_p
        addr = libc.shmat(shmid, None, 0)
        ctypes.memmove(addr, secret, len(secret))
        libc.shmdt(ctypes.c_void_p(addr))  # detached: no process holds it any more
        planted.append("shm")
    msqid = libc.msgget(0x4C44, 0o1666)
    if msqid >= 0:
        class Msg(ctypes.Structure):
            _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 64)]
        if libc.msgsnd(msqid, ctypes.byref(Msg(1, secret)), len(secret), 0) == 0:
            planted.append("msg")
    if libc.semget(0x4C45, 4, 0o1666) >= 0:
        planted.append("sem")
    libc.mq_open.restype = ctypes.c_int
    mq = libc.mq_open(b"/lcplant", os.O_CREAT | os.O_RDWR, 0o666, None)
    if mq >= 0 and libc.mq_send(mq, secret, len(secret), 0) == 0:
        planted.append("mqueue")
    print("planted", planted, os.strerror(ctypes.get_errno()))
    return "planted" if len(planted) == 4 else "failed to plant"
""", show_container=True)

LOOK_FOR_IPC = probe(r"""
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    left = []
    for kind in ("shm", "msg", "sem"):
        rows = open(f"/proc/sysvipc/{kind}").read().splitlines()[1:]
        left += [f"{kind}: {row.split()[:2]}" for row in rows if row.strip()]
    if libc.shmget(0x4C43, 0, 0) >= 0:
        left.append("shmget finds the planted key")
    if libc.msgget(0x4C44, 0) >= 0:
        left.append("msgget finds the planted key")
    left += ["mqueue " + name for name in os.listdir("/dev/mqueue")]
    print("left", left)
    return "escaped" if left else "contained"
""", show_container=True)


@pytest.mark.docker
def test_ipc_objects_do_not_survive_a_submission(one_box):
    first = judged(one_box, probe_problem("planted"), PLANT_IPC)
    assert first.verdict is AC, explain(first)
    second = one_box.judge(PROBE, LOOK_FOR_IPC, limits=FAST)
    assert_contained(second)
    assert container_of(first) == container_of(second), "cleaned by recycling, not in place"


HOARD_SHARED_MEMORY = solution(r"""
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    segments = 0
    while segments < 600:  # 2.4 GB in IPC_PRIVATE segments, filled and detached:
        shmid = libc.shmget(0, 4 << 20, 0o1600)  # memory no process owns, charged to the container
        if shmid < 0:
            break
        addr = libc.shmat(shmid, None, 0)
        if addr in (None, ctypes.c_void_p(-1).value):
            break
        ctypes.memset(addr, 1, 4 << 20)
        libc.shmdt(ctypes.c_void_p(addr))
        segments += 1
    mb = 0
    try:  # and the POSIX side: shared memory files and message queues
        while True:
            with open(f"/dev/shm/hoard{mb}", "wb") as f:
                f.write(b"\1" * (4 << 20))
            mb += 4
    except OSError:
        pass
    print("segments", segments, "dev/shm MB", mb, os.strerror(ctypes.get_errno()))
    return a + b
""")

# The next submission needs most of its memory limit.
NEEDS_ITS_MEMORY = solution("""
    block = bytearray(b"\\1") * (180 << 20)
    return a + b + block[-1] - 1
""")


@pytest.mark.docker
def test_a_memory_hoard_in_ipc_does_not_reach_the_next_submission(one_box):
    limits = Limits(time_ms=5000, total_time_ms=10000, memory_mb=256)
    # whatever the hoard's own verdict: the next submission's is the point (before
    # IPC quotas and cleanup it was Memory Limit Exceeded, in the same container)
    one_box.judge(ADD_ONE, HOARD_SHARED_MEMORY, limits=Limits(time_ms=30_000, total_time_ms=60_000, memory_mb=256))
    after = one_box.judge(ADD_ONE, NEEDS_ITS_MEMORY, limits=limits)
    assert after.verdict is AC, explain(after)


# ------------------------------------------- 3. the CPU of every process, per test

PER_TEST = Limits(time_ms=100, total_time_ms=5000, memory_mb=256)

CPU_ELSEWHERE = [
    pytest.param(solution("""
        import os, time
        pid = os.fork()
        if pid == 0:
            end = time.process_time() + 0.6
            while time.process_time() < end:
                pass
            os._exit(0)
        os.waitpid(pid, 0)
        return a + b
    """),
        id="forked-child"),
    pytest.param(solution("""
        import subprocess, sys
        subprocess.run([sys.executable, "-c",
                        "import time\\nend = time.process_time() + 0.6\\nwhile time.process_time() < end: pass"])
        return a + b
    """), id="subprocess"),
    pytest.param(solution("""
        import multiprocessing
        workers = [multiprocessing.get_context("fork").Process(target=_burn, args=(0.3,)) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return a + b
    """, prelude="""
        import time
        def _burn(seconds):
            end = time.process_time() + seconds
            while time.process_time() < end:
                pass
    """), id="multiprocessing"),
    pytest.param(solution("""
        import threading, time
        def burn():
            end = time.thread_time() + 0.6
            while time.thread_time() < end:
                pass
        t = threading.Thread(target=burn)
        t.start()
        t.join()
        return a + b
    """), id="thread"),
]


@pytest.mark.docker
@pytest.mark.parametrize("code", CPU_ELSEWHERE)
def test_cpu_spent_in_other_processes_counts_for_the_test(judge, code):
    """0.6 s of CPU for a test allowed 0.1 s, done by a helper while the solution's
    own process waits: Time Limit Exceeded, not Accepted."""
    assert_verdict(judged(judge, ADD_ONE, code, PER_TEST), TLE)


@pytest.mark.docker
@pytest.mark.parametrize("index", ["0.0", "true", "1e0", '"0"'])
def test_forged_results_with_non_integer_indexes_do_not_reset_the_clock(judge, index):
    """A slow solution writes a result line with an index that equals the next test
    in Python (0.0, true) every few milliseconds, hoping PID 1 counts a new test
    each time: one rule on both sides says such a line is not a result."""
    code = solution(f"""
        import os, signal, time
        signal.signal(signal.SIGPROF, signal.SIG_IGN)  # its own timer off: only PID 1's clock is left
        signal.setitimer(signal.ITIMER_PROF, 0)
        clock = time.process_time
        end = clock() + 0.6
        while clock() < end:
            os.write(3, b'{{"t":"test","i":{index},"ok":true,"output":3}}\\n')
            stop = clock() + 0.02
            while clock() < stop:
                pass
        return a + b
    """)
    assert_verdict(judged(judge, ADD_ONE, code, PER_TEST), TLE)


# ------------------------------------------------------ 4. no dodging the verdict


MARK = "3.14159"  # `sleep 3.14159`: what the container killer looks for (the canary never runs it)

TAKE_ME_DOWN = solution(f"""
    import subprocess
    subprocess.run(["sleep", "{MARK}"])
    return a + b
""")


def _kill_when_running(client: docker.DockerClient, times: int, stop: threading.Event) -> list[str]:
    """In the background: kill (as the kernel would kill the harness) each judge
    container in which `TAKE_ME_DOWN` is running, up to `times` containers."""
    killed: list[str] = []

    def loop() -> None:
        while len(killed) < times and not stop.is_set():
            for c in client.containers.list(filters={"label": LABEL}):
                try:
                    procs = c.top(ps_args="-eo pid,args")["Processes"] or []
                    if c.id not in killed and any(p[-1] == f"sleep {MARK}" for p in procs):
                        c.kill()
                        killed.append(c.id)
                except docker.errors.APIError:
                    continue
            time.sleep(0.05)

    threading.Thread(target=loop, daemon=True).start()
    return killed


@pytest.fixture()
def crash_judge() -> Iterator[DockerJudge]:
    with SandboxPool(SandboxConfig(image=image_tag(), parallelism=1)) as pool:
        yield DockerJudge(pool)


def _judged_while_killing(judge: DockerJudge, times: int) -> tuple[list[str], JudgeResult]:
    """TAKE_ME_DOWN judged while the first `times` containers running it are killed."""
    stop = threading.Event()
    killed = _kill_when_running(judge.pool.client, times, stop)
    try:
        return killed, judge.judge(ADD_ONE, TAKE_ME_DOWN, limits=ROOMY)
    finally:
        stop.set()


@pytest.mark.docker
def test_a_submission_that_takes_two_fresh_sandboxes_down_gets_a_verdict(crash_judge):
    killed, result = _judged_while_killing(crash_judge, 2)
    assert len(killed) == 2, f"the harness should have rerun it once in a fresh container: {killed}"
    assert result.verdict is RE, explain(result)
    assert result.first_failure is not None and result.first_failure.test is None
    assert "down twice" in result.first_failure.message
    assert crash_judge.judge(ADD, GOOD_ADD, limits=FAST).verdict is AC


@pytest.mark.docker
def test_one_crash_then_a_clean_rerun_is_judged_by_the_rerun(crash_judge):
    killed, result = _judged_while_killing(crash_judge, 1)
    assert len(killed) == 1
    assert result.verdict is AC, explain(result)


@pytest.mark.docker
def test_code_that_takes_the_sandbox_down_on_one_input_fails_that_input_only(crash_judge):
    """The outputs runner (the reference oracle's) finds the input that takes a
    fresh container down every time and fails it alone; the others are answered."""
    code = solution(f"""
        if a == 2:
            import subprocess
            subprocess.run(["sleep", "{MARK}"])
        return a + b
    """)
    stop = threading.Event()
    killed = _kill_when_running(crash_judge.pool.client, 4, stop)
    try:
        outputs = run_outputs(crash_judge.pool, ADD_ONE, code, ["1\n1", "2\n2", "3\n3"], limits=ROOMY)
    finally:
        stop.set()
    assert len(killed) == 4, killed  # the batch twice, then the one input twice
    assert [(o.ok, o.value) for o in outputs] == [(True, 2), (False, None), (True, 6)], outputs
    assert outputs[1].error is not None and "went down on this input twice" in outputs[1].error


@pytest.mark.docker
def test_a_container_that_fails_to_start_is_removed_and_blames_nothing(monkeypatch):
    """A crash before any job (the start-up ping) is infrastructure, and the
    container does not outlive it."""
    def silent(self: Sandbox, request: object, deadline: float) -> dict:
        raise SandboxCrashed("no answer from the judge container within 30 s")

    monkeypatch.setattr(Sandbox, "_exchange", silent)
    client = docker_client()
    pool_id = "start-" + secrets.token_hex(4)
    with pytest.raises(SandboxUnavailable) as failure:
        Sandbox(client, SandboxConfig(image=image_tag()), pool_id, 0)
    assert not isinstance(failure.value, SandboxCrashed) and "did not start" in failure.value.reason
    assert client.containers.list(all=True, filters={"label": f"{LABEL}.pool={pool_id}"}) == []


@pytest.mark.docker
def test_a_failing_canary_is_infrastructure_not_a_verdict(crash_judge, monkeypatch):
    """When even a trivial correct submission fails in a fresh container, the
    engine is at fault: no verdict, the unit waits."""
    import judge.judging as judging

    broken = dict(judging.CANARY_JOB, code="class Solution:\n    def add(self, a, b):\n        return a - b\n")
    monkeypatch.setattr(judging, "CANARY_JOB", broken)
    client = crash_judge.pool.client
    stop = threading.Event()
    _kill_when_running(client, 1, stop)
    try:
        with pytest.raises(SandboxUnavailable, match="canary"):
            crash_judge.judge(ADD_ONE, TAKE_ME_DOWN, limits=ROOMY)
    finally:
        stop.set()


EXHAUST_THE_CONTAINER = solution("""
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    while libc.shmget(0, 4 << 20, 0o1600) >= 0:  # detached segments: memory no process owns
        pass
    for n in range(64):
        try:
            with open(f"/dev/shm/fill{n}", "wb") as f:
                f.write(b"\\1" * (4 << 20))
            with open(f"/tmp/fill{n}", "wb") as f:
                f.write(b"\\1" * (4 << 20))
        except OSError:
            break
    for _ in range(8):  # then as many processes as it takes, each near its own limit
        if os.fork() == 0:
            try:
                block = bytearray(b"\\1") * (200 << 20)
                import time
                time.sleep(5)
            finally:
                os._exit(0)
    import time
    time.sleep(2)
    return a + b
""")


@pytest.mark.docker
def test_exhausting_the_container_memory_is_a_memory_verdict(judge):
    result = judged(judge, ADD_ONE, EXHAUST_THE_CONTAINER, Limits(time_ms=5000, total_time_ms=10000, memory_mb=256))
    assert_verdict(result, MLE)
