"""Hostile submissions, round 3: nothing a submission does reaches the process
that judges it, or any later submission through it.

The judging process (the harness, PID 1 of the container) runs under a uid the
submission does not share, so `prlimit`, `setpriority`, `sched_setscheduler`,
`sched_setaffinity` and `ioprio_set` on it fail; each submission's process has
every limit and scheduling property set explicitly; a harness failure after a
submission ran goes the crash path (canary, rerun, verdict), never "sandbox
unavailable"; PID 1 keeps nothing of a job once its report is sent; and two
containers judging at once do not share a uid's kernel quotas.

Each carry-over test runs in a pool of one container (`one_box`), so the victim
surely runs where the attacker did.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from textwrap import dedent, indent

import pytest

from judge.errors import SandboxCrashed, SandboxUnavailable
from judge.image import image_tag
from judge.judging import CANARY_JOB, DockerJudge
from judge.problem import Limits
from judge.sandbox import SandboxConfig, SandboxPool
from judge.verdict import Verdict
from tests.conftest import counted_judge
from tests.support import function_problem
from tests.test_hostile import (
    ADD_ONE,
    FAST,
    PROBE,
    WA,
    assert_contained,
    container_of,
    explain,
    judged,
    probe,
    solution,
)

AC = Verdict.ACCEPTED


@pytest.fixture(scope="module")
def judge(one_container_judge):
    """Hostile submissions and their neighbours share one container (tests/conftest.py)."""
    return one_container_judge
ROOMY = Limits(time_ms=10_000, total_time_ms=20_000, memory_mb=1024)


@pytest.fixture()
def one_box(request: pytest.FixtureRequest) -> Iterator[DockerJudge]:
    """A fresh pool of one container per test: each attack starts from a clean judge."""
    with counted_judge(request.node.name) as judge:
        yield judge


# ------------------------------------------------- 1. PID 1 is out of the submission's reach

# Each tampers with PID 1 (the harness) and still answers right, so that only the
# next, correct submission in the same container shows the damage.
def _tamper(body: str) -> str:
    return solution(
        "import ctypes, os, platform, resource\ndone = []\ntry:\n"
        + indent(dedent(body).strip("\n"), "    ")
        + '\n    done.append("changed")\nexcept OSError as e:\n    done.append(f"refused: {e}")\n'
        + 'print("tamper", done)\nreturn a + b'
    )


def _pid1_cpu_seconds() -> str:
    """Source of an expression: PID 1's CPU seconds so far, rounded up."""
    return "-(-sum(int(x) for x in open('/proc/1/stat').read().rsplit(')', 1)[1].split()[11:13]) // os.sysconf('SC_CLK_TCK'))"


# ioprio_set / ioprio_get: the syscall numbers of the two architectures we run on.
IOPRIO = """
_IOPRIO = {"x86_64": (251, 252), "aarch64": (30, 31)}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)
"""

TAMPER_PID1 = {
    "stack": "resource.prlimit(1, resource.RLIMIT_STACK, (8 << 20, 8 << 20))",
    "address-space": "resource.prlimit(1, resource.RLIMIT_AS, (600 << 20, 600 << 20))",
    "cpu": f"v = {_pid1_cpu_seconds()} + 2\nresource.prlimit(1, resource.RLIMIT_CPU, (v, v))",
    "open-files": "resource.prlimit(1, resource.RLIMIT_NOFILE, (16, 16))",
    "nice": "os.setpriority(os.PRIO_PROCESS, 1, 19)",
    "policy": "os.sched_setscheduler(1, os.SCHED_IDLE, os.sched_param(0))",
    "affinity": "os.sched_setaffinity(1, {min(os.sched_getaffinity(1))})",
    "io-priority": IOPRIO + """
if libc.syscall(_IOPRIO[0], 1, 1, 3 << 13) != 0:  # IOPRIO_WHO_PROCESS, pid 1, class idle
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
""",
}

# What a submission's process looks like from inside: every rlimit, nice value,
# scheduling policy, CPU set and I/O priority.
SHOW_STATE = probe(IOPRIO + dedent(r"""
    import os, resource
    state = {n: resource.getrlimit(getattr(resource, n)) for n in sorted(dir(resource)) if n.startswith("RLIMIT_")}
    state["nice"] = os.getpriority(os.PRIO_PROCESS, 0)
    state["policy"] = os.sched_getscheduler(0)
    state["affinity"] = sorted(os.sched_getaffinity(0))
    state["ioprio"] = libc.syscall(_IOPRIO[1], 1, 0)
    print("state=" + repr(sorted(state.items())))
    return "contained"
"""), prelude="import ctypes, platform", show_container=True)


def _state(judge: DockerJudge) -> tuple[str, str]:
    result = judge.judge(PROBE, SHOW_STATE, limits=FAST)
    line = next((s for s in result.stdout.splitlines() if s.startswith("state=")), None)
    assert line, explain(result)
    return container_of(result), line


@pytest.mark.docker
@pytest.mark.parametrize("tamper", TAMPER_PID1.values(), ids=TAMPER_PID1.keys())
def test_a_submission_cannot_change_what_the_next_one_inherits(one_box, tamper):
    """Limits, nice value, policy, CPU set and I/O priority of the next submission
    are what they were before the tampering one ran, in the same container."""
    box_before, before = _state(one_box)
    tampering = one_box.judge(ADD_ONE, _tamper(tamper), limits=FAST)
    assert tampering.verdict is AC, explain(tampering)
    box_after, after = _state(one_box)
    assert box_before == box_after, "the container was replaced: the test proves nothing"
    assert after == before, f"{tampering.stdout}\nbefore: {before}\nafter:  {after}"


DEEP_MEMOISED_RECURSION = solution("""
    from functools import lru_cache
    @lru_cache(None)
    def depth(k):
        return 0 if k == 0 else depth(k - 1) + 1
    return depth(100_000) - 100_000 + a + b
""")
BIG_BUFFER = solution("""
    block = bytearray(b"\\1") * (800 << 20)
    return a + b + block[-1] - 1
""")
BURN_3S = solution("""
    import time
    end = time.process_time() + 3.0
    while time.process_time() < end:
        pass
    return a + b
""")


@pytest.mark.docker
@pytest.mark.parametrize(("tamper", "victim"), [
    pytest.param(TAMPER_PID1["stack"], DEEP_MEMOISED_RECURSION, id="stack-vs-deep-recursion"),
    pytest.param(TAMPER_PID1["address-space"], BIG_BUFFER, id="address-space-vs-800MB"),
    pytest.param(TAMPER_PID1["cpu"], BURN_3S, id="cpu-vs-3s-of-work"),
])
def test_a_correct_submission_after_a_tampering_one_is_accepted(one_box, tamper, victim):
    tampering = one_box.judge(ADD_ONE, _tamper(tamper), limits=FAST)
    assert tampering.verdict is AC, explain(tampering)
    after = one_box.judge(ADD_ONE, victim, limits=ROOMY)
    assert after.verdict is AC, f"after: {explain(after)}\ntampering: {tampering.stdout}"


# ------------------------------------------------ 2. breaking PID 1 does not dodge a verdict

@pytest.mark.docker
def test_breaking_the_judging_process_does_not_dodge_the_verdict(one_box):
    """A wrong answer that first tries to starve PID 1 of descriptors (so that its
    next cgroup read fails) is Wrong Answer, not "sandbox unavailable"."""
    code = _tamper("resource.prlimit(1, resource.RLIMIT_NOFILE, (3, 3))").replace("return a + b", "return a - b")
    result = judged(one_box, ADD_ONE, code, FAST)
    assert result.verdict is WA, explain(result)


@pytest.mark.docker
def test_a_harness_failure_after_a_submission_ran_goes_the_crash_path():
    """A job the harness cannot run in a container that has run a submission blames
    that container's history, not the engine: SandboxCrashed (canary, rerun, verdict).
    The same failure in a container that never ran a submission is infrastructure."""
    limits = {k: v for k, v in CANARY_JOB["limits"].items() if k != "wall_ms"}
    broken = dict(CANARY_JOB, limits=limits)  # the harness cannot run it
    with SandboxPool(SandboxConfig(image=image_tag(), parallelism=1)) as pool:
        with pytest.raises(SandboxUnavailable) as fresh:
            pool.run(broken, 30)
        assert not isinstance(fresh.value, SandboxCrashed), fresh.value
        pool.run(CANARY_JOB, 30)  # a submission runs here
        with pytest.raises(SandboxCrashed):
            pool.run(broken, 30)


@pytest.mark.docker
def test_an_interpreter_that_never_starts_after_earlier_jobs_gets_a_verdict(one_box):
    """A 40 MB submission under a 64 MB limit: its interpreter cannot even read its
    job, so it never says it is ready. After an earlier job in the container that is
    the crash path, and in the end a verdict (the canary, with its own limits,
    passes), not "sandbox unavailable"."""
    assert one_box.judge(ADD_ONE, solution("return a + b"), limits=FAST).verdict is AC
    tiny = Limits(time_ms=1000, total_time_ms=2000, memory_mb=64)
    code = solution("return a + b") + "#" * (40 << 20)
    result = judged(one_box, ADD_ONE, code, tiny)
    assert result.verdict in (Verdict.MEMORY_LIMIT, Verdict.RUNTIME_ERROR), explain(result)


# ------------------------------------------------ 6. PID 1 keeps nothing of a finished job

HUGE_RESULT = solution("""
    return list(range(10 ** 6, 10 ** 6 + 3_000_000))  # a 24 MB result line
""", method="big", args="n")
BIG = function_problem("big", [("n", "integer")], "integer[]", [("1", [1])], slug="hostile-big-result")


@pytest.mark.docker
def test_a_huge_result_line_is_an_output_limit_and_leaves_no_memory_behind(one_box):
    """A 24 MB result line is over the per-test output limit (16 MB): Output Limit
    Exceeded without being parsed, quickly; and the next correct submission that
    needs 800 MB of its 1024 MB is Accepted in the same container."""
    started = time.monotonic()
    flood = one_box.judge(BIG, HUGE_RESULT, limits=ROOMY)
    took = time.monotonic() - started
    assert flood.verdict is Verdict.OUTPUT_LIMIT, explain(flood)
    assert took < 10, f"judging a 24 MB result line took {took:.1f} s"
    after = one_box.judge(ADD_ONE, BIG_BUFFER, limits=ROOMY)
    assert after.verdict is AC, explain(after)


LARGE_ANSWER = function_problem("big", [("n", "integer")], "integer[]",
                                [("1", list(range(10 ** 6, 10 ** 6 + 1_500_000)))], slug="hostile-large-answer")


@pytest.mark.docker
def test_a_large_correct_answer_is_accepted_and_its_parsing_charged_to_nobody(one_box):
    """A 12 MB answer (under the output limit) is parsed by PID 1 and the host; that
    time is theirs, not the submission's: Accepted, under tight limits."""
    code = solution("return list(range(10 ** 6, 10 ** 6 + 1_500_000))", method="big", args="n")
    result = judged(one_box, LARGE_ANSWER, code, Limits(time_ms=1000, total_time_ms=2000, memory_mb=512))
    assert result.verdict is AC, explain(result)
    after = one_box.judge(ADD_ONE, BIG_BUFFER, limits=ROOMY)
    assert after.verdict is AC, explain(after)


# ------------------------------------- per-uid kernel quotas between concurrent containers

# Holds what a uid may hold at most: POSIX message queue bytes (RLIMIT_MSGQUEUE is
# per uid, across every container of that uid) and inotify instances
# (fs.inotify.max_user_instances, per uid), for 8 seconds.
HOARD_PER_UID = probe(r"""
    import ctypes, os, time
    libc = ctypes.CDLL(None, use_errno=True)
    class Attr(ctypes.Structure):
        _fields_ = [("flags", ctypes.c_long), ("maxmsg", ctypes.c_long), ("msgsize", ctypes.c_long),
                    ("curmsgs", ctypes.c_long), ("pad", ctypes.c_long * 4)]
    queues = 0
    for n in range(16):
        if libc.mq_open(f"/hoard{n}".encode(), os.O_CREAT | os.O_RDWR, 0o600, ctypes.byref(Attr(0, 16, 8192))) < 0:
            break
        queues += 1
    held = []
    for _ in range(3):  # 64 descriptors a process: three processes of inotify instances
        if os.fork() == 0:
            fds = [libc.inotify_init() for _ in range(60)]
            time.sleep(8)
            os._exit(0)
    time.sleep(8)
    print("queues", queues)
    return "contained"
""")

# Meanwhile, in another container: can it open a message queue, an inotify
# instance, a process? Tries for 4 seconds.
NEEDS_PER_UID = probe(r"""
    import ctypes, os, time
    libc = ctypes.CDLL(None, use_errno=True)
    refused = []
    end = time.monotonic() + 4
    while time.monotonic() < end and not refused:
        q = libc.mq_open(b"/mine", os.O_CREAT | os.O_RDWR, 0o600, None)
        if q < 0:
            refused.append("mq_open: " + os.strerror(ctypes.get_errno()))
        else:
            os.close(q)
            libc.mq_unlink(b"/mine")
        fd = libc.inotify_init()
        if fd < 0:
            refused.append("inotify_init: " + os.strerror(ctypes.get_errno()))
        else:
            os.close(fd)
        try:
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
        except OSError as e:
            refused.append(f"fork: {e}")
        time.sleep(0.05)
    print("refused", refused)
    return "escaped" if refused else "contained"
""")


@pytest.mark.docker
def test_concurrent_containers_do_not_share_per_uid_quotas():
    slow = Limits(time_ms=10_000, total_time_ms=20_000, memory_mb=256)
    with SandboxPool(SandboxConfig(image=image_tag(), parallelism=2)) as pool:
        judge = DockerJudge(pool)
        judge.judge_many([(ADD_ONE, solution("return a + b"))] * 2)  # both containers warm
        hoard = threading.Thread(target=judge.judge, args=(PROBE, HOARD_PER_UID, slow))
        hoard.start()
        time.sleep(1.0)
        victim = judge.judge(PROBE, NEEDS_PER_UID, limits=slow)
        hoard.join()
    assert_contained(victim)


# ------------------------------------------------- the template interpreter

KILL_THE_TEMPLATE = ("import os\n"
                     "for p in os.listdir('/proc'):\n"
                     "    if p.isdigit() and p != '1':\n"
                     "        argv = open(f'/proc/{p}/cmdline', 'rb').read().split(b'\\0')\n"
                     "        if argv[1:6] == [b'-s', b'-B', b'-P', b'/opt/lcjudge/harness.py', b'serve']:\n"
                     "            os.kill(int(p), 9)\n"
                     "            print('killed', p)\n")


@pytest.mark.docker
def test_a_lost_template_is_survived_and_its_container_replaced(one_box):
    """Nothing a submission can do kills the template (another uid); if it dies
    anyway (here: killed from outside), the job runs in a freshly exec'd
    interpreter, is judged right, and the container is replaced."""
    assert one_box.judge(ADD_ONE, solution("return a + b"), limits=FAST).verdict is AC
    [box] = list(one_box.pool._idle.queue)
    done = box.container.exec_run(["python3", "-c", KILL_THE_TEMPLATE], user="0:0")
    assert b"killed" in done.output, done.output
    jobs, recycled = one_box.pool.jobs, one_box.pool.recycled
    result = one_box.judge(ADD_ONE, solution("return a + b"), limits=FAST)
    assert result.verdict is AC, explain(result)
    assert one_box.pool.recycled == recycled + 1 and one_box.pool.jobs == jobs + 1
    assert one_box.judge(ADD_ONE, solution("return a - b"), limits=FAST).verdict is WA
