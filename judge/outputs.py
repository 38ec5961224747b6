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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from judge import harness
from judge.errors import JudgeImageMissing, ProblemError, SandboxUnavailable
from judge.judging import build_job, wall_ms
from judge.problem import Limits, Problem, Test
from judge.sandbox import SandboxPool
from judge.signature import check_input

CPU_SLACK = 1.05  # as judge.verdict: the harness reads the CPU clock a little after each result


@dataclass(frozen=True)
class Output:
    """What the code answered on one input, or why it did not."""

    ok: bool
    value: Any = None
    error: str | None = None  # "TLE: ...", "MLE: ...", "RE: ...", "CE: ...", "bad input: ..."
    cpu_ms: float | None = None


def _retryable(e: BaseException) -> bool:
    return isinstance(e, SandboxUnavailable) and not isinstance(e, JudgeImageMissing)


def _process_end(report: dict[str, Any]) -> str:
    if report.get("killed"):
        return f"killed ({report['killed']} limit)"
    if report.get("signal") is not None:
        return f"killed by signal {report['signal']}"
    return f"exited (code {report.get('exit_code')}) before answering"


def _read(report: dict[str, Any], n: int, limits: Limits) -> tuple[dict[int, Output], str | None]:
    """Outputs by position in this job, and the error that ended the whole job (a
    compile or module error) if any."""
    out: dict[int, Output] = {}
    for m in report.get("messages", []):
        if not isinstance(m, dict):
            continue
        if m.get("t") in ("compile_error", "module_error"):
            return out, f"{'CE' if m['t'] == 'compile_error' else m.get('kind', 'RE')}: {m.get('message', '')}"
        i = m.get("i")
        if type(i) is not int or not 0 <= i < n or i in out:
            continue
        cpu = m.get("cpu_ms") if isinstance(m.get("cpu_ms"), (int, float)) else None
        if m.get("t") == "bad_test":
            out[i] = Output(False, error=f"bad input: {m.get('message', '')}")
        elif m.get("t") == "test" and not m.get("ok"):
            out[i] = Output(False, error=f"{m.get('kind', 'RE')}: {m.get('message', '')}", cpu_ms=cpu)
        elif m.get("t") == "test":
            if cpu is not None and cpu > limits.time_ms * CPU_SLACK + 50:
                out[i] = Output(False, error=f"TLE: {cpu:.0f} ms of CPU time", cpu_ms=cpu)
            else:
                out[i] = Output(True, value=m.get("output"), cpu_ms=cpu)
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
    run = retry(retry=retry_if_exception(_retryable), stop=stop_after_attempt(attempts),
                wait=wait_exponential(multiplier=0.5, max=5), reraise=True)(pool.run)
    remaining = [i for i in range(len(inputs)) if i not in results]
    while remaining:
        batch = problem.model_copy(update={"tests": [Test(input=inputs[i]) for i in remaining]})
        job = build_job(batch, code, limits, pool.config)
        report = run(job, job["limits"]["wall_ms"] / 1000 if "wall_ms" in job["limits"]
                     else wall_ms(limits, len(remaining)) / 1000)
        got, fatal = _read(report, len(remaining), limits)
        if fatal is not None:  # the code cannot run at all: every input shares the error
            results.update({i: Output(False, error=fatal) for i in remaining})
            break
        for k, output in got.items():
            results[remaining[k]] = output
        missing = [k for k in range(len(remaining)) if k not in got]
        stopped = any(o.error and o.error[:3] in ("TLE", "MLE") for o in got.values())
        if missing and not stopped:  # the process died on this input: its error; the rest run again
            results[remaining[missing[0]]] = Output(False, error=f"RE: {_process_end(report)}")
        remaining = [i for i in remaining if i not in results]
    return [results[i] for i in range(len(inputs))]
