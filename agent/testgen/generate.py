"""`generate_inputs`: distinct, valid LeetCode input texts for a problem.

Refuses (empty `inputs`, `skipped_reason` set) when the constraints are not fully
understood or not enough to generate from, and when any of the problem's own
tests violates the parsed constraints -- those inputs are valid by construction,
so a violation means the parse is wrong. Every input returned has passed
`validate_input`.

Budget: the schedule puts the expensive cases first (minimum, then two at the
maximum size, each allowed `MAX_SHARE` of `max_input_bytes`); the rest are
small or medium. A case over its share is rebuilt smaller.
"""

from __future__ import annotations

import random

from agent.testgen.build import InputBuilder, Profile
from agent.testgen.constraints import parse_constraints
from agent.testgen.model import GeneratedInputs
from agent.testgen.validate import validate_input
from judge import harness
from judge.problem import Problem

MAX_SHARE = 0.35  # of max_input_bytes, for each of the (two) maximum-size cases
OTHER_SHARE = 0.25  # of max_input_bytes, for all the other cases together
ATTEMPTS = 12  # per case
# tests valid by construction; LeetCodeDataset's are model-written and some break
# the statement (an empty string where 1 <= s.length), so they cannot vouch for a parse
TRUSTED_SOURCES = ("example", "official")

_FIRST = (
    Profile("min", "min"),
    Profile("max", "random"),
    Profile("max", "extreme", shape="complete"),
    Profile("min", "max"),
    Profile("small", "equal"),
    Profile("small", "sorted", shape="left"),
    Profile("small", "reversed", shape="right"),
    Profile("small", "extreme", shape="path"),
    Profile("medium", "random"),
    Profile("large", "narrow", shape="star"),
)
_CYCLE = (
    Profile("small", "random"),
    Profile("small", "narrow"),
    Profile("small", "random", shape="zigzag"),
    Profile("medium", "random", shape="caterpillar"),
    Profile("small", "random", shape="complete"),
    Profile("small", "extreme"),
    Profile("small", "min"),
    Profile("small", "max"),
    Profile("medium", "narrow"),
    Profile("small", "random", shape="star"),
)


def schedule(count: int) -> list[Profile]:
    out = list(_FIRST[:count])
    while len(out) < count:
        out.append(_CYCLE[(len(out) - len(_FIRST)) % len(_CYCLE)])
    return out


def canonical_text(text: str) -> str:
    """One spelling per input (whitespace inside JSON does not make a new test)."""
    return harness.format_input(harness.split_input(text))


def generate_inputs(problem: Problem, *, seed: int, count: int = 40,
                    max_input_bytes: int = 2_000_000) -> GeneratedInputs:
    signature = problem.signature
    cons = parse_constraints(problem.statement, signature)
    base = {"seed": seed, "constraints": cons, "unknown_clauses": list(cons.unknown)}
    if cons.blocking:
        return GeneratedInputs(**base, skipped_reason="; ".join(cons.blocking))
    for k, test in enumerate(problem.tests):
        if test.source not in TRUSTED_SOURCES:
            continue
        violations = validate_input(cons, test.input, signature)
        if violations:
            return GeneratedInputs(**base, skipped_reason=(
                f"the problem's test {k + 1} ({test.source}) violates the parsed constraints, "
                f"so the parse is wrong: {violations[0]}"))
    builder = InputBuilder(cons, signature)
    seen = {canonical_text(t.input) for t in problem.tests}
    inputs: list[str] = []
    used = rejected = 0
    others_budget = int(max_input_bytes * OTHER_SHARE)
    for k, profile in enumerate(schedule(count)):
        big = profile.size == "max"
        for attempt in range(ATTEMPTS):
            rng = random.Random(f"{seed}:{k}:{attempt}")
            cap = int(max_input_bytes * MAX_SHARE) if big else max(1, others_budget // max(1, count))
            cap = min(cap, max_input_bytes - used)
            values = builder.build(profile, rng)
            if values is None:
                rejected += 1
                continue
            text = harness.format_input(values)
            size = len(text.encode())
            if size > cap:
                if cap <= 0:
                    break
                profile = profile.shrunk(0.9 * cap / size)
                continue
            if text in seen:
                continue
            if validate_input(cons, text, signature):
                rejected += 1
                continue
            seen.add(text)
            inputs.append(text)
            used += size
            break
    reason = None if inputs else f"no valid input found in {count * ATTEMPTS} attempts"
    return GeneratedInputs(**base, inputs=inputs, skipped_reason=reason, rejected=rejected)
