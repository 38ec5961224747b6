"""Hidden tests for one problem: generated inputs, validated, answered by an oracle.

    inputs  = agent.testgen.generate_inputs(problem, seed=..., count=...)   (pure, seeded)
    valid   = those the parsed constraints and the signature accept, new ones only
    answers = oracle.answer(problem, valid)                                 (LeetCode / reference)
    tests   = the answered inputs, source "generated", with the oracle's outputs

Pure apart from the oracle (no database here: agent/oracle/runner.py stores).
Every input that does not become a test is counted by why: invalid, duplicate,
rejected by the oracle, failed (its reference erred), an answer outside the range
the statement guarantees ("fits in a 32-bit integer": answer_out_of_range).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from agent.oracle import Oracle
from agent.oracle.limits import derive_limits
from judge import harness
from judge.errors import ProblemError
from judge.problem import Limits, Problem, Test
from judge.signature import check_input


@dataclass
class HiddenTests:
    slug: str
    state: Literal["done", "skipped"]
    tests: list[Test] = field(default_factory=list)
    reason: str | None = None  # why skipped
    refs: list[str] = field(default_factory=list)  # the oracle's response ids
    stats: dict[str, Any] = field(default_factory=dict)
    limits: Limits | None = None  # derived from a local reference's CPU time (agent/oracle/limits.py)
    limits_rule: dict[str, Any] | None = None


@dataclass(frozen=True)
class InputSource:
    """Where inputs come from and what checks them (agent.testgen by default):
    `generate(problem, seed=, count=, max_input_bytes=)` returns an object with
    `inputs`, `constraints`, `skipped_reason`, `unknown_clauses`;
    `validate(constraints, input_text, signature)` returns the violations."""

    generate: Callable[..., Any]
    validate: Callable[[Any, str, Any], list[str]]
    name: str = "agent.testgen"


def default_inputs() -> InputSource:
    from agent.testgen import generate_inputs, validate_input

    return InputSource(generate_inputs, validate_input)


def make_hidden_tests(problem: Problem, oracle: Oracle, *, seed: int, count: int = 40,
                      max_input_bytes: int = 2_000_000, source: InputSource | None = None) -> HiddenTests:
    """Generate, validate and answer; OracleUnavailable/OracleConfigError pass through."""
    source = source or default_inputs()
    generate_inputs, validate_input = source.generate, source.validate
    stats: dict[str, Any] = {"requested": count, "seed": seed, "oracle": oracle.name, "generator": source.name}
    if problem.tests and not any(t.comparable for t in problem.tests):
        return HiddenTests(problem.slug, "skipped", reason="no example has a comparable output (LeetCode judges "
                           "it with its own checker): generated outputs could not be compared either", stats=stats)
    started = time.perf_counter()
    generated = generate_inputs(problem, seed=seed, count=count, max_input_bytes=max_input_bytes)
    stats["generate_s"] = round(time.perf_counter() - started, 4)
    if getattr(generated, "provenance", None):  # a model wrote the inputs: which, how, checked how
        stats["generator"] = generated.provenance
    stats["generated"] = len(generated.inputs)
    stats["unknown_clauses"] = list(generated.unknown_clauses or [])
    if generated.skipped_reason:
        return HiddenTests(problem.slug, "skipped", reason=f"input generator: {generated.skipped_reason}",
                           stats=stats)
    seen = {t.input for t in problem.tests}
    inputs: list[str] = []
    invalid: list[str] = []
    duplicates = 0
    for text in generated.inputs:
        if text in seen:
            duplicates += 1
            continue
        seen.add(text)
        try:
            check_input(problem.signature, harness.split_input(text), problem.slug)
            violations = validate_input(generated.constraints, text, problem.signature)
        except (ValueError, ProblemError) as e:
            violations = [str(e)]
        if violations:
            invalid.append(f"{violations[0]}"[:200])
            continue
        inputs.append(text)
    stats.update(invalid=len(invalid), duplicates=duplicates, invalid_examples=invalid[:3])
    if not inputs:
        return HiddenTests(problem.slug, "skipped", reason="no generated input passed validation", stats=stats)
    started = time.perf_counter()
    report = oracle.answer(problem, inputs)
    stats["oracle_s"] = round(time.perf_counter() - started, 4)
    stats.update(oracle_calls=report.calls, rejected=report.count("rejected"), failed=report.count("failed"),
                 drop_examples=[a.reason for a in report.answers if not a.ok][:3])
    bounds = getattr(generated.constraints, "answer_range", None)
    out_of_range = [i for i, a in enumerate(report.answers) if a.ok and not _within(a.expected, bounds)]
    tests = [Test(input=text, expected=a.expected, source="generated", note=f"seed {seed} #{i}, {oracle.name}")
             for i, (text, a) in enumerate(zip(inputs, report.answers, strict=True))
             if a.ok and i not in out_of_range]
    stats["answer_out_of_range"] = len(out_of_range)
    stats["kept"] = len(tests)
    if not tests:
        return HiddenTests(problem.slug, "skipped", reason=f"oracle {oracle.name} answered none of {len(inputs)} "
                           f"inputs (first: {stats['drop_examples'][:1]})", refs=report.refs, stats=stats)
    kept = [a for i, a in enumerate(report.answers) if a.ok and i not in out_of_range]
    stats["answers"] = answer_spread([a.expected for a in kept])
    derived = derive_limits(problem.limits, [a.cpu_ms for a in kept])
    limits, rule = derived if derived else (None, None)
    return HiddenTests(problem.slug, "done", tests=tests, refs=report.refs, stats=stats, limits=limits,
                       limits_rule=rule)


def answer_spread(answers: list[Any]) -> dict[str, Any]:
    """How varied the expected outputs are: distinct answers, the most common one's
    share. Tests that nearly all expect one answer (0, false) catch little."""
    keys = [json.dumps(a, sort_keys=True, separators=(",", ":"))[:200] for a in answers]
    counts = Counter(keys)
    top, n = counts.most_common(1)[0] if counts else ("", 0)
    return {"distinct": len(counts), "most_common": top[:60], "most_common_share": round(n / max(len(keys), 1), 3)}


def _within(expected: Any, bounds: tuple[int, int] | None) -> bool:
    """Every integer of the answer within the range the statement guarantees ("the
    answer fits in a 32-bit integer"): outside it the input broke the guarantee and
    the oracle's answer may have overflowed."""
    if bounds is None:
        return True
    if isinstance(expected, list):
        return all(_within(v, bounds) for v in expected)
    if isinstance(expected, int) and not isinstance(expected, bool):
        return bounds[0] <= expected <= bounds[1]
    return True
