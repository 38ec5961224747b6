"""Sandboxed judge vs. a plain in-process baseline, on the LeetCodeDataset corpus.

    .venv/bin/python bench/judge_bench.py [--repeat N] [--problems K]

One run, same problems, same canonical solutions:

(b) baseline: a `multiprocessing` pool of one process per core; each task takes
    one problem, exec's the LeetCode prelude the sandbox uses
    (`judge.harness._namespace()`), exec's the solution, and for each test
    decodes the input, calls a fresh `Solution()`, encodes the result (the
    harness's own conversions) and compares it with `judge.checkers.outputs_match`.
    No sandbox, no fork per submission, no JSON on the wire.
(a) sandboxed: `SandboxPool(parallelism=cpu_count)` + `DockerJudge.judge_many`; the pool
    is warmed first (one trivial job per container), its start-up reported apart.

Then, per submission, the sandbox overhead: the latency of `SandboxPool.run` seen
by the host minus the `wall_ms` the harness measured inside the container (fork
to reap of the submission's process); and the round trip of a trivial one-test
job against `docker run --rm <image> python3 -c pass` and `exec_run` into a
running container, timed in the same run. The machine is shared: every number is
compared with a baseline measured in the same run, and `--repeat N` prints the
median of each metric over N rounds.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.sources.leetcodedataset import import_file
from judge import harness
from judge.checkers import outputs_match
from judge.image import image_present, image_tag
from judge.judging import DockerJudge, build_job
from judge.problem import Problem, parse_problem
from judge.sandbox import LABEL, SandboxConfig, SandboxPool, docker_client
from judge.signature import FunctionSignature
from judge.verdict import JudgeResult

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "leetcodedataset"
CORPUS_FILES = ("v0.3.1-test-dev.jsonl.gz", "v0.2.0-train-nodes-dev.jsonl.gz")

TRIVIAL_CODE = """
class Solution:
    def f(self, x: int) -> int:
        return x
"""
TRIVIAL_PROBLEM = parse_problem(
    {
        "slug": "bench-trivial",
        "signature": {"kind": "function", "name": "f",
                      "params": [{"name": "x", "type": "integer"}], "return": "integer"},
        "tests": [{"input": "1", "expected": 1}],
    }
)


# ------------------------------------------------------------------ statistics


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def p90(xs: list[float]) -> float:
    if len(xs) < 2:
        return xs[0] if xs else float("nan")
    return statistics.quantiles(xs, n=10, method="inclusive")[8]


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# ------------------------------------------------------------------ the corpus


def load_corpus(limit: int | None) -> list[Problem]:
    problems: list[Problem] = []
    for name in CORPUS_FILES:
        report = import_file(CORPUS / name)
        for task, reason in report.failures:
            print(f"  import failure {task}: {reason}")
        problems += report.problems
    usable = [p for p in problems if p.reference_solution and isinstance(p.signature, FunctionSignature)]
    if len(usable) < len(problems):
        print(f"  {len(problems) - len(usable)} problems without a canonical function solution left out")
    return usable[:limit] if limit else usable


# ---------------------------------------------------------- (b) the baseline

_WORKER_PROBLEMS: list[Problem] = []
_WORKER_BARRIER: Any = None


def _init_worker(problems: list[Problem], barrier: Any) -> None:
    global _WORKER_PROBLEMS, _WORKER_BARRIER
    _WORKER_PROBLEMS, _WORKER_BARRIER = problems, barrier
    harness._namespace()  # import the prelude's modules once, as the harness server does


def _all_workers_ready(_: int) -> None:
    _WORKER_BARRIER.wait(timeout=120)


def _baseline_task(i: int) -> tuple[int, float, float, list[str]]:
    """Judge problem i in-process: (i, wall s, cpu s, failures)."""
    problem = _WORKER_PROBLEMS[i]
    sig = problem.signature
    assert isinstance(sig, FunctionSignature)
    w0, c0 = time.perf_counter(), time.process_time()
    failures: list[str] = []
    params = [harness.parse_type(p.type) for p in sig.params]
    returns = harness.parse_type(sig.returns)
    ns = harness._namespace()
    try:
        exec(compile(problem.reference_solution or "", "solution.py", "exec"), ns)
        cls = ns["Solution"]
    except Exception as e:
        return i, time.perf_counter() - w0, time.process_time() - c0, [f"module: {e!r}"]
    for k, test in enumerate(problem.tests):
        try:
            args = [harness.decode(t, v) for t, v in
                    zip(params, harness.split_input(test.input), strict=True)]
            ret = getattr(cls(), sig.name)(*args)  # a fresh object per test, like the judge
            if sig.output_param is not None:
                got = harness.encode(params[sig.output_param], args[sig.output_param])
            else:
                got = harness.encode(returns, ret)
        except Exception as e:
            failures.append(f"test {k}: {type(e).__name__}: {e}"[:200])
            continue
        if test.comparable and not outputs_match(problem.checker, test.expected, got):
            failures.append(f"test {k}: wrong answer")
    return i, time.perf_counter() - w0, time.process_time() - c0, failures


def run_baseline(problems: list[Problem], procs: int, python: str) -> dict[str, Any]:
    """One worker process per core, started with interpreter `python` (spawn: the
    workers import this module and the project from the parent's sys.path)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the editable install's import hook is not inherited
    ctx = multiprocessing.get_context("spawn")
    ctx.set_executable(python)
    try:
        barrier = ctx.Barrier(procs)
        with ctx.Pool(procs, initializer=_init_worker, initargs=(problems, barrier)) as pool:
            pool.map(_all_workers_ready, range(procs), chunksize=1)  # every worker is up
            t0 = time.perf_counter()
            rows = list(pool.imap_unordered(_baseline_task, range(len(problems)), chunksize=1))
            wall = time.perf_counter() - t0
    finally:
        ctx.set_executable(sys.executable)
    rejected = {problems[i].slug: f[0] for i, _, _, f in rows if f}
    return {"wall": wall, "task_sum": sum(w for _, w, _, _ in rows),
            "task_max": max((w for _, w, _, _ in rows), default=0.0),
            "task_median": median([w for _, w, _, _ in rows]),
            "cpu": sum(c for _, _, c, _ in rows), "rejected": rejected}


def interpreter_version(python: str) -> str:
    out = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def cgroup_note() -> str:
    """How the CPU is split between containers and host processes, which decides
    the sandbox's share on a busy machine."""
    v1 = Path("/sys/fs/cgroup/cpu/docker/cpu.shares")
    if v1.exists():
        return (f"cgroup v1: all containers share the `docker` cpu cgroup (cpu.shares "
                f"{v1.read_text().strip()}); a host process in the root cgroup weighs 1024")
    if Path("/sys/fs/cgroup/cgroup.controllers").exists():
        return "cgroup v2"
    return "cgroup layout unknown"


def default_baselines() -> list[str]:
    """This interpreter, and the system python3 when it is another build of the same
    version: on a Debian host it is the build the judge image runs, so the ratio
    against it is not skewed by how the venv's interpreter was compiled."""
    found = [sys.executable]
    system = "/usr/bin/python3"
    if os.path.exists(system) and os.path.realpath(system) != os.path.realpath(sys.executable):
        v = interpreter_version(system).split()[0].split(".")[:2]
        if v == [str(sys.version_info[0]), str(sys.version_info[1])]:
            found.append(system)
    return found


# --------------------------------------------------------- (a) the sandbox


def warm_pool(pool: SandboxPool, n: int) -> list[float]:
    """Start all n containers concurrently and send each a trivial job; the
    seconds each container took to come up and answer."""
    job = build_job(TRIVIAL_PROBLEM, TRIVIAL_CODE, TRIVIAL_PROBLEM.limits, pool.config)
    times: list[float] = [0.0] * n
    errors: list[BaseException] = []
    boxes: list[Any] = []
    lock = threading.Lock()

    def start(k: int) -> None:
        try:
            t0 = time.perf_counter()
            box = pool._acquire()  # nobody releases until all are up: n fresh containers
            box.run(job, timeout_s=60)
            times[k] = time.perf_counter() - t0
            with lock:
                boxes.append(box)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=start, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for box in boxes:
        pool._release(box, True)
    if errors:
        raise errors[0]
    return times


def run_sandboxed(problems: list[Problem], parallelism: int, image: str) -> dict[str, Any]:
    config = SandboxConfig(image=image, parallelism=parallelism)
    with SandboxPool(config) as pool:
        t0 = time.perf_counter()
        per_container = warm_pool(pool, parallelism)
        startup = time.perf_counter() - t0

        samples: list[tuple[float, float, float]] = []  # host latency, harness wall, cpu (s)
        lock = threading.Lock()
        plain_run = pool.run

        def instrumented(job: dict, wall_s: float, *, fresh: bool = False) -> dict:
            t = time.perf_counter()
            report = plain_run(job, wall_s, fresh=fresh)
            latency = time.perf_counter() - t
            with lock:
                samples.append((latency, report["wall_ms"] / 1e3, report["cpu_ms"] / 1e3))
            return report

        pool.run = instrumented  # type: ignore[method-assign]
        judge = DockerJudge(pool)
        items = [(p, p.reference_solution or "") for p in problems]
        t0, c0 = time.perf_counter(), time.process_time()
        results = judge.judge_many(items)
        wall, host_cpu = time.perf_counter() - t0, time.process_time() - c0
        pool.run = plain_run  # type: ignore[method-assign]

        rejected = {}
        for p, r in zip(problems, results, strict=True):
            if not isinstance(r, JudgeResult):
                rejected[p.slug] = f"{type(r).__name__}: {r}"
            elif not r.accepted:
                rejected[p.slug] = f"{r.verdict.value} {r.first_failure.message[:120] if r.first_failure else ''}"

        trivial = trivial_round_trips(pool, 50)
        docker = docker_baselines(pool)
    overhead = [lat - inner for lat, inner, _ in samples]
    return {
        "wall": wall, "startup": startup, "per_container": per_container, "rejected": rejected,
        "latency_sum": sum(s[0] for s in samples), "inner_sum": sum(s[1] for s in samples),
        "inner_max": max((s[1] for s in samples), default=0.0),
        "latency_median": median([s[0] for s in samples]),
        "cpu": sum(s[2] for s in samples), "host_cpu": host_cpu, "overhead": overhead,
        **trivial, **docker,
    }


def trivial_round_trips(pool: SandboxPool, n: int) -> dict[str, float]:
    """pool.run of a one-test job that does nothing, one at a time."""
    job = build_job(TRIVIAL_PROBLEM, TRIVIAL_CODE, TRIVIAL_PROBLEM.limits, pool.config)
    wall_s = job["limits"]["wall_ms"] / 1e3
    rtts, inner = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        report = pool.run(job, wall_s)
        rtts.append(time.perf_counter() - t0)
        inner.append(report["wall_ms"] / 1e3)
        assert report["messages"][-1] == {"t": "done"}, report
    return {"trivial_rtt": median(rtts), "trivial_rtt_p90": p90(rtts), "trivial_inner": median(inner)}


def docker_baselines(pool: SandboxPool, runs: int = 5, execs: int = 20) -> dict[str, float]:
    """`docker run --rm <image> python3 -c pass`, and exec_run into a running container."""
    client, image = pool.client, pool.config.image
    labels = {LABEL: "1", f"{LABEL}.pid": str(os.getpid()), f"{LABEL}.host": socket.gethostname()}
    cmd = ["python3", "-c", "pass"]
    run = [timed(lambda: client.containers.run(image, cmd, remove=True, network_mode="none",
                                               labels=labels))
           for _ in range(runs)]
    box = client.containers.run(image, ["sleep", "infinity"], detach=True, network_mode="none",
                                labels=labels, user="10001:10001")
    try:
        exec_py = [timed(lambda: box.exec_run(cmd)) for _ in range(execs)]
        exec_true = [timed(lambda: box.exec_run(["true"])) for _ in range(execs)]
    finally:
        with contextlib.suppress(Exception):
            box.remove(force=True)
    return {"docker_run": median(run), "exec_python": median(exec_py), "exec_true": median(exec_true)}


# ----------------------------------------------------------------------- main


def one_round(problems: list[Problem], procs: int, baselines: dict[str, str], image: str,
              sandbox_first: bool) -> dict[str, float]:
    base: dict[str, dict[str, Any]] = {}
    if sandbox_first:
        sb = run_sandboxed(problems, procs, image)
    for label, python in baselines.items():
        base[label] = run_baseline(problems, procs, python)
    if not sandbox_first:
        sb = run_sandboxed(problems, procs, image)
    for name, rejected in [*((f"baseline {k}", b["rejected"]) for k, b in base.items()),
                           ("sandbox", sb["rejected"])]:
        for slug, why in sorted(rejected.items()):
            print(f"  {name} did not accept {slug}: {why}")
    n = len(problems)
    m: dict[str, float] = {"sandboxed wall (s)": sb["wall"]}
    for label, b in base.items():
        m[f"baseline wall [{label}] (s)"] = b["wall"]
        m[f"ratio sandboxed/baseline [{label}]"] = sb["wall"] / b["wall"]
    m["sandbox accepted"] = n - len(sb["rejected"])
    for label, b in base.items():
        m[f"baseline accepted [{label}]"] = n - len(b["rejected"])
    for label, b in base.items():
        m[f"median submission: sandbox latency / baseline task [{label}]"] = (
            sb["latency_median"] / b["task_median"])
    m["median submission: sandbox host latency (ms)"] = sb["latency_median"] * 1e3
    for label, b in base.items():
        m[f"median submission: baseline task wall [{label}] (ms)"] = b["task_median"] * 1e3
    m["sandbox sum of host latencies (s)"] = sb["latency_sum"]
    m["sandbox sum of in-container walls (s)"] = sb["inner_sum"]
    m["sandbox longest in-container wall (s)"] = sb["inner_max"]
    m["sandbox submission CPU (s)"] = sb["cpu"]
    m["sandbox host-side judge CPU (s)"] = sb["host_cpu"]
    m["sandbox CPU share obtained (cpu / wall x cores)"] = sb["cpu"] / (sb["wall"] * procs)
    for label, b in base.items():
        m[f"baseline sum of task walls [{label}] (s)"] = b["task_sum"]
        m[f"baseline longest task wall [{label}] (s)"] = b["task_max"]
        m[f"baseline CPU [{label}] (s)"] = b["cpu"]
        m[f"baseline CPU share obtained [{label}]"] = b["cpu"] / (b["wall"] * procs)
    m |= {
        "pool start-up, 1 trivial job each (s, excluded)": sb["startup"],
        "overhead per submission median (ms)": median(sb["overhead"]) * 1e3,
        "overhead per submission p90 (ms)": p90(sb["overhead"]) * 1e3,
        "trivial submission round trip median (ms)": sb["trivial_rtt"] * 1e3,
        "trivial submission round trip p90 (ms)": sb["trivial_rtt_p90"] * 1e3,
        "trivial submission in-container wall (ms)": sb["trivial_inner"] * 1e3,
        "docker run --rm python3 -c pass (ms)": sb["docker_run"] * 1e3,
        "exec_run python3 -c pass (ms)": sb["exec_python"] * 1e3,
        "exec_run true (ms)": sb["exec_true"] * 1e3,
    }
    rtt = m["trivial submission round trip median (ms)"]
    m["ratio trivial/docker run"] = rtt / m["docker run --rm python3 -c pass (ms)"]
    m["ratio trivial/exec python"] = rtt / m["exec_run python3 -c pass (ms)"]
    return m


def fmt(v: float) -> str:
    if float(v).is_integer() and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="rounds; the median of each metric is printed")
    ap.add_argument("--problems", type=int, default=None, help="only the first K problems of the corpus")
    ap.add_argument("--baseline-python", action="append", metavar="PATH",
                    help="interpreter(s) for the baseline workers (default: this one, and "
                         "/usr/bin/python3 when it is another build of the same version)")
    args = ap.parse_args()
    if importlib.util.find_spec("sortedcontainers") is None:
        print("the baseline runs the judge's prelude, which imports sortedcontainers: "
              "pip install sortedcontainers", file=sys.stderr)
        return 2
    client = docker_client()
    image = image_tag()  # fixed now: an edit of the harness mid-run must not switch images
    if not image_present(client, image):
        print(f"judge image {image} missing: lcagent judge-image build --offline", file=sys.stderr)
        return 2
    procs = os.cpu_count() or 1
    pythons = args.baseline_python or default_baselines()
    baselines = {("venv" if p == sys.executable else p): p for p in pythons}
    problems = load_corpus(args.problems)
    tests = sum(len(p.tests) for p in problems)
    image_python = client.containers.run(image, ["python3", "-c", "import sys; print(sys.version)"],
                                         remove=True, network_mode="none").decode().strip()
    print(f"corpus: {len(problems)} problems, {tests} tests; {procs} cores")
    print(f"judge image {image}: Python {image_python}")
    for label, python in baselines.items():
        print(f"baseline [{label}] {python}: Python {interpreter_version(python)}")
    print(cgroup_note())
    rounds: list[dict[str, float]] = []
    for r in range(args.repeat):
        sandbox_first = r % 2 == 1  # alternate, so neither side always runs on a cooler machine
        print(f"round {r + 1}/{args.repeat} ({'sandbox' if sandbox_first else 'baseline'} first)")
        load0 = os.getloadavg()[0]
        m = one_round(problems, procs, baselines, image, sandbox_first)
        m["load average, 1 min (mean of round start and end)"] = (load0 + os.getloadavg()[0]) / 2
        rounds.append(m)
        heads = ("sandboxed wall", "baseline wall", "ratio sandboxed")
        print("  " + "; ".join(f"{k} {fmt(v)}" for k, v in m.items() if k.startswith(heads)))
    med = {k: median([m[k] for m in rounds]) for k in rounds[0]}
    print(f"\n{'median of ' + str(len(rounds)) + ' rounds' if len(rounds) > 1 else 'results'}:")
    width = max(len(k) for k in med)
    for key, value in med.items():
        print(f"  {key:<{width}}  {fmt(value)}")
    print("\ntargets:")
    for label in baselines:
        ratio = med[f"ratio sandboxed/baseline [{label}]"]
        print(f"  sandboxed <= 1.5x baseline [{label}]: {fmt(ratio)}x -> {'met' if ratio <= 1.5 else 'MISSED'}")
    over = med["overhead per submission median (ms)"]
    print(f"  median overhead per submission <= 100 ms: {fmt(over)} ms -> {'met' if over <= 100 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
