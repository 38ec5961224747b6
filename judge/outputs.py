"""Running code on inputs in the sandbox for its outputs, not for a verdict.

An oracle runs a problem's reference solution on generated inputs to get their
expected outputs. The job is the judge's own (`judge.judging.build_job`, run by
`SandboxPool.run`), so the reference runs under the same limits and LeetCode
semantics as the submissions it will judge; nothing is compared here.

An input on which the code fails (time or memory limit, an exception, an
unencodable answer) comes back as an error for that input alone: the harness
stops at a time or memory limit, so the inputs after it run in a fresh job.
Docker trouble stays `SandboxUnavailable` (retried a few times, then raised):
never an error of an input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from judge import harness
from judge.answers import checked_answer
from judge.errors import ProblemError, SandboxCrashed
from judge.judging import build_job, retryable
from judge.problem import Limits, Problem, Test
from judge.protocol import Output
from judge.sandbox import SandboxPool
from judge.signature import check_input


def _process_end(report: dict[str, Any]) -> str:
    """Why the process stopped before answering an input, as an error."""
    if report.get("killed") == "memory":
        return "MLE: a process was killed for lack of memory"
    if report.get("killed"):
        return f"RE: killed ({report['killed']} limit)"
    if report.get("signal") is not None:
        return f"RE: killed by signal {report['signal']}"
    return f"RE: exited (code {report.get('exit_code')}) before answering"


def _read(report: dict[str, Any], batch: Problem, limits: Limits) -> tuple[dict[int, Output], str | None]:
    """Outputs by position in this job, and the error that ended the whole job (a
    compile or module error) if any. The messages are read under the judge's own
    rules: the result-channel rule, the per-test CPU budget, the container's OOM
    kills counted against the test they happened in, and the declared type."""
    out: dict[int, Output] = {}
    n = len(batch.tests)
    next_test, oom_seen = 0, 0.0
    for m in report.get("messages", []):
        if not harness.accepts_message(m, next_test, n):
            continue
        if m["t"] in ("compile_error", "module_error"):
            return out, f"{'CE' if m['t'] == 'compile_error' else m.get('kind', 'RE')}: {m['message']}"
        if m["t"] == "done":
            continue
        i, next_test = m["i"], next_test + 1
        cpu = m.get("cpu_ms") if isinstance(m.get("cpu_ms"), (int, float)) else None
        oom = m.get("oom_kills") if isinstance(m.get("oom_kills"), (int, float)) else 0.0
        if m["t"] == "bad_test":
            out[i] = Output(False, error=f"bad input: {m.get('message', '')}")
        elif oom > oom_seen:
            out[i] = Output(False, error="MLE: a process was killed for lack of memory", cpu_ms=cpu)
        elif not m["ok"]:
            out[i] = Output(False, error=f"{m['kind']}: {m['message']}", cpu_ms=cpu)
        elif cpu is not None and cpu > harness.cpu_budget_ms(limits.time_ms):
            out[i] = Output(False, error=f"TLE: {cpu:.0f} ms of CPU time", cpu_ms=cpu)
        else:
            value, wrong = checked_answer(batch.signature, batch.tests[i].input, m)
            out[i] = Output(wrong is None, value=value if wrong is None else None,
                            error=None if wrong is None else f"WA: {wrong}", cpu_ms=cpu)
        oom_seen = max(oom_seen, oom)
    return out, None


def run_outputs(pool: SandboxPool, problem: Problem, code: str, inputs: Sequence[str], *,
                limits: Limits | None = None, attempts: int = 3) -> list[Output]:
    """`code`'s output on each input, in order (see the module doc)."""
    limits = limits or problem.limits
    results: dict[int, Output] = {}
    for i, text in enumerate(inputs):  # never send the sandbox an input the signature refuses
        try:
            check_input(problem.signature, harness.split_input(text), problem.slug)
        except (ValueError, ProblemError) as e:
            results[i] = Output(False, error=f"bad input: {e}")
    run = retry(retry=retry_if_exception(retryable), stop=stop_after_attempt(attempts),
                wait=wait_exponential(multiplier=0.5, max=5), reraise=True)(pool.run)
    remaining = [i for i in range(len(inputs)) if i not in results]
    alone = False  # after a batch took two containers down: one input per job, to find which
    while remaining:
        batch = problem.model_copy(update={"tests": [Test(input=inputs[i]) for i in remaining[:1 if alone else None]]})
        job = build_job(batch, code, limits, pool.config)
        try:
            report = _run_twice_on_crash(run, job)
        except SandboxCrashed as e:
            if not alone and len(remaining) > 1:
                alone = True
                continue
            # this input takes a fresh container down every time: the code's failure
            results[remaining[0]] = Output(False, error=f"RE: the sandbox went down on this input twice: {e.reason}")
            remaining = remaining[1:]
            continue
        got, fatal = _read(report, batch, limits)
        if fatal is not None:  # the code cannot run at all: every input shares the error
            results.update({i: Output(False, error=fatal) for i in remaining})
            break
        for k, output in got.items():
            results[remaining[k]] = output
        missing = [k for k in range(len(batch.tests)) if k not in got]
        stopped = any(o.error and o.error[:3] in ("TLE", "MLE") for o in got.values())
        if missing and not stopped:  # the process died on this input: its error; the rest run again
            results[remaining[missing[0]]] = Output(False, error=_process_end(report))
        remaining = [i for i in remaining if i not in results]
    return [results[i] for i in range(len(inputs))]


def _run_twice_on_crash(run: Callable[..., dict[str, Any]], job: dict[str, Any]) -> dict[str, Any]:
    """The job's report; a container that died during it gets one rerun in a fresh
    one (a crash is the code's only when it happens again: SandboxCrashed)."""
    wall_s = job["limits"]["wall_ms"] / 1000
    try:
        return run(job, wall_s)
    except SandboxCrashed:
        return run(job, wall_s, fresh=True)
