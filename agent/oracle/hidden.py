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
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from agent.oracle import Answer, Oracle, OracleReport
from agent.oracle.limits import derive_limits
from agent.oracle.steer import DOMINANT_SHARE, perturbations
from judge import harness
from judge.errors import ProblemError
from judge.problem import Limits, Problem, Test
from judge.signature import check_input

STEER_BUDGET = 20  # perturbed inputs asked of the oracle per problem, when one answer dominates


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
    generate_inputs = source.generate
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
    inputs, invalid, duplicates = _valid(problem, source, generated.constraints, generated.inputs, seen)
    stats.update(invalid=len(invalid), duplicates=duplicates, invalid_examples=invalid[:3])
    if not inputs:
        return HiddenTests(problem.slug, "skipped", reason="no generated input passed validation", stats=stats)
    started = time.perf_counter()
    report = oracle.answer(problem, inputs)
    stats["oracle_s"] = round(time.perf_counter() - started, 4)
    stats.update(oracle_calls=report.calls, rejected=report.count("rejected"), failed=report.count("failed"),
                 drop_examples=[a.reason for a in report.answers if not a.ok][:3])
    if report.notes:
        stats["oracle_notes"] = report.notes
    bounds = getattr(generated.constraints, "answer_range", None)
    answered = [(t, a) for t, a in zip(inputs, report.answers, strict=True) if a.ok]
    kept = [(t, a) for t, a in answered if _within(a.expected, bounds)]
    stats["answer_out_of_range"] = len(answered) - len(kept)
    refs = list(report.refs)
    if not kept:
        return HiddenTests(problem.slug, "skipped", reason=f"oracle {oracle.name} answered none of {len(inputs)} "
                           f"inputs (first: {stats['drop_examples'][:1]})", refs=refs, stats=stats)
    steered = _steer(problem, oracle, source, generated.constraints, kept, seen, seed, bounds)
    if steered is not None:
        extra, steer_report, stats["steered"] = steered
        kept += extra
        refs += [r for r in steer_report.refs if r not in refs]
        stats["oracle_calls"] += steer_report.calls
    tests = [Test(input=text, expected=a.expected, source="generated", note=f"seed {seed} #{i}, {oracle.name}")
             for i, (text, a) in enumerate(kept)]
    stats["kept"] = len(tests)
    stats["answers"] = answer_spread([a.expected for _, a in kept])
    derived = derive_limits(problem.limits, [a.cpu_ms for _, a in kept])
    limits, rule = derived if derived else (None, None)
    return HiddenTests(problem.slug, "done", tests=tests, refs=refs, stats=stats, limits=limits, limits_rule=rule)


def _valid(problem: Problem, source: InputSource, constraints: Any, texts: list[str],
           seen: set[str]) -> tuple[list[str], list[str], int]:
    """The new inputs the signature and the source's validator accept (added to
    `seen`), the first violation of each refused one, and the duplicates."""
    inputs: list[str] = []
    invalid: list[str] = []
    duplicates = 0
    for text in texts:
        if text in seen:
            duplicates += 1
            continue
        seen.add(text)
        try:
            check_input(problem.signature, harness.split_input(text), problem.slug)
            violations = source.validate(constraints, text, problem.signature)
        except (ValueError, ProblemError) as e:
            violations = [str(e)]
        if violations:
            invalid.append(f"{violations[0]}"[:200])
            continue
        inputs.append(text)
    return inputs, invalid, duplicates


def _steer(problem: Problem, oracle: Oracle, source: InputSource, constraints: Any, kept: list[tuple[str, Answer]],
           seen: set[str], seed: int, bounds: tuple[int, int] | None) -> tuple[list, OracleReport, dict] | None:
    """When one answer dominates the tests, one-step perturbations of the examples
    and of the minority's inputs (agent/oracle/steer.py), validated and answered
    like any input; those with another answer join. None when no steering was
    needed or possible."""
    spread = answer_spread([a.expected for _, a in kept])
    if spread["most_common_share"] < DOMINANT_SHARE or len(kept) < 5:
        return None
    common = Counter(_key(a.expected) for _, a in kept).most_common(1)[0][0]
    starts = [t.input for t in problem.tests if t.comparable and _key(t.expected) != common]
    starts += [text for text, a in kept if _key(a.expected) != common]
    starts += [t.input for t in problem.tests if t.comparable]
    rng = random.Random(f"steer:{seed}")
    candidates: list[str] = []
    for text in starts:
        try:
            values = harness.split_input(text)
        except ValueError:
            continue
        candidates += [harness.format_input(v) for v in perturbations(values, rng)]
    inputs, _, _ = _valid(problem, source, constraints, candidates, seen)
    inputs = inputs[:STEER_BUDGET]
    if not inputs:
        return None
    report = oracle.answer(problem, inputs)
    extra = [(t, a) for t, a in zip(inputs, report.answers, strict=True)
             if a.ok and _within(a.expected, bounds) and _key(a.expected) != common]
    record = {"share_before": spread["most_common_share"], "asked": len(inputs), "other_answers": len(extra),
              "share_after": answer_spread([a.expected for _, a in kept + extra])["most_common_share"]}
    return extra, report, record


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def answer_spread(answers: list[Any]) -> dict[str, Any]:
    """How varied the expected outputs are: distinct answers, the most common one's
    share. Tests that nearly all expect one answer (0, false) catch little."""
    keys = [_key(a)[:200] for a in answers]
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
