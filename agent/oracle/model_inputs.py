"""Model-written input generators, for the problems the constraint parser refuses
(issue 19, item 2; the generator-validator agents of CodeContests+ do the same).

The parser (agent.testgen) stays first. For a problem it refuses -- a clause it
does not understand, such as "grid contains exactly one 'S' and exactly one 'T'"
-- a configured generator model writes, from the statement, a class

    class InputGenerator:
        def generate(self, seed: int, size: str) -> str   # a whole input, LeetCode's text
        def validate(self, text: str) -> bool             # every constraint of the statement

Clauses such as "strictly increasing", "a permutation" or "a valid tree" shape
the whole input, so the generator writes whole inputs rather than a filter over
random ones. Its code is outside code: it runs only in the sandbox, through the
`Judge`'s run-for-outputs, with limits. It is trusted only as far as it is
checked:

- its validator must accept every example input, and reject every input that
  breaks a constraint the parser did understand (inputs made from the examples
  by pushing one value out of range, kept only where the parser's own validator
  refuses them);
- every input it generates must pass the signature, the parsed constraints and
  its own validator.

The test set records where the inputs came from: model, endpoint, prompt
version, a hash of the code, and what the validator was checked against.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from agent.generation.config import ModelSpec
from agent.generation.extract import extract_code, split_reasoning
from agent.generation.providers import make_provider
from agent.oracle.hidden import InputSource
from judge import harness
from judge.errors import ProblemError
from judge.problem import Limits, Problem
from judge.protocol import Judge, Output
from judge.signature import FunctionSignature, check_input

PROMPT_VERSION = "inputgen-v1"
CLASS = "InputGenerator"
SIZES = ("small", "small", "small", "medium", "small", "medium", "large")  # two large ones per 14
RUN_LIMITS = Limits(time_ms=5_000, total_time_ms=120_000, memory_mb=1024)
BROKEN_PER_EXAMPLE = 8


@dataclass
class ModelGenerated:
    """Shaped like agent.testgen's result, plus where the inputs came from."""

    inputs: list[str] = field(default_factory=list)
    constraints: Any = None
    skipped_reason: str | None = None
    unknown_clauses: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)


def prompt(problem: Problem, understood: list[str], unknown: list[str], max_input_bytes: int) -> list[dict[str, str]]:
    """The messages asking for an input generator and validator."""
    sig = problem.signature
    if isinstance(sig, FunctionSignature):
        layout = "one JSON value per line, the parameters in this order: " + ", ".join(
            f"{p.name} ({p.type})" for p in sig.params)
    else:
        layout = ("two lines: a JSON list of the calls (the constructor first), then a JSON list of each "
                  "call's argument list")
    examples = "\n\n".join(t.input for t in problem.tests if t.source in ("example", "official"))[:4000]
    return [
        {"role": "system", "content": "You write test-input generators and validators for programming problems."},
        {"role": "user", "content": f"""Problem statement:

{problem.statement}

Starter code:
```python
{problem.starter_code}
```

An input is text: {layout}. Example inputs:
```
{examples}
```

Constraints a parser already understood: {json.dumps(understood)}
Constraints it did not understand (your generator and validator must honour them exactly):
{json.dumps(unknown)}

Write one Python 3 code block (standard library only) defining:

```python
class {CLASS}:
    def generate(self, seed: int, size: str) -> str:
        # a whole valid input as text; deterministic for a seed (use random.Random(seed));
        # size is "small" (tiny), "medium", or "large" (the largest the constraints allow,
        # at most {max_input_bytes // 3} bytes of text); vary the inputs' shapes and answers
        ...
    def validate(self, text: str) -> bool:
        # True exactly when the text is an input that satisfies EVERY constraint above
        ...
```"""},
    ]


def _wrapped(code: str, method: str, body: str) -> str:
    return f"{code}\n\nclass Solution:\n    def {method}(self, a, b=None):\n        {body}\n"


def _problem(slug: str, name: str, params: list[tuple[str, str]], returns: str, placeholder: str) -> Problem:
    """A problem to run the model's code as: a signature, limits and one input
    (a problem has tests; run-for-outputs brings its own inputs)."""
    from judge.problem import parse_problem

    return parse_problem({"slug": slug, "limits": RUN_LIMITS.model_dump(),
                          "signature": {"kind": "function", "name": name, "return": returns,
                                        "params": [{"name": n, "type": t} for n, t in params]},
                          "tests": [{"input": placeholder, "expected": None, "comparable": False}]})


def _broken_variants(values: list[Any]) -> Iterator[list[Any]]:
    """Each example's values with one of them pushed out of any sane range."""
    for k, v in enumerate(values):
        pushed: list[Any] = []
        if isinstance(v, bool):
            continue
        if isinstance(v, int):
            pushed = [v + 10**12, -(10**12) - abs(v)]
        elif isinstance(v, str):
            pushed = ["", v + "\u00e9#~"]
        elif isinstance(v, list):
            pushed = [[]]
            if v and isinstance(v[0], int) and not isinstance(v[0], bool):
                pushed.append([10**12, *v[1:]])
        for p in pushed:
            yield [*values[:k], p, *values[k + 1:]]


class ModelInputs:
    """The parser's inputs, or, for a problem it refuses, a model's."""

    def __init__(self, judge: Judge, spec: ModelSpec) -> None:
        self.judge, self.spec = judge, spec

    def source(self) -> InputSource:
        return InputSource(self.generate, self.validate, name=f"agent.testgen, else model {self.spec.name}")

    @staticmethod
    def validate(constraints: Any, text: str, signature: Any) -> list[str]:
        from agent.testgen import validate_input

        return validate_input(constraints, text, signature)

    def generate(self, problem: Problem, *, seed: int, count: int = 40, max_input_bytes: int = 2_000_000) -> Any:
        from agent.testgen import generate_inputs

        parsed = generate_inputs(problem, seed=seed, count=count, max_input_bytes=max_input_bytes)
        if not parsed.skipped_reason:
            return parsed
        cons = parsed.constraints
        base = ModelGenerated(constraints=cons, unknown_clauses=list(parsed.unknown_clauses or []))
        unknown = list(getattr(cons, "unknown", []) or [])
        understood = [c for c in getattr(cons, "clauses", []) or [] if c not in unknown]
        completion = asyncio.run(self._ask(problem, understood, unknown, max_input_bytes))
        answer, _ = split_reasoning(completion.content or "", completion.reasoning)
        code = extract_code(answer, CLASS, "generate")
        provenance: dict[str, Any] = {
            "input_source": "model", "model": self.spec.name, "served_model": completion.served_model,
            "endpoint": completion.endpoint, "prompt_version": PROMPT_VERSION,
            "parser_refused": parsed.skipped_reason[:300],
        }
        base.provenance = provenance
        if code is None:
            base.skipped_reason = f"the generator model wrote no {CLASS} class"
            return base
        provenance["code_sha256"] = hashlib.sha256(code.encode()).hexdigest()
        why = self._check_validator(problem, code, cons, provenance)
        if why:
            base.skipped_reason = f"the generator model's validator {why}"
            return base
        base.inputs = self._generated(problem, code, cons, seed, count, provenance)
        if not base.inputs:
            base.skipped_reason = "the generator model's inputs all failed the checks"
        return base

    async def _ask(self, problem: Problem, understood: list[str], unknown: list[str], max_input_bytes: int) -> Any:
        provider = make_provider(self.spec)
        try:
            return await provider.complete(prompt(problem, understood, unknown, max_input_bytes), problem, 1)
        finally:
            await provider.aclose()

    def _validator(self, code: str, texts: list[str]) -> list[Output]:
        checker = _problem("model-validator", "val", [("a", "string")], "boolean", '""')
        return self.judge.run_outputs(checker, _wrapped(code, "val", f"return bool({CLASS}().validate(a))"),
                                      [json.dumps(t) for t in texts])

    def _check_validator(self, problem: Problem, code: str, cons: Any, provenance: dict[str, Any]) -> str | None:
        """Why the model's validator cannot be trusted, or None."""
        examples = [t.input for t in problem.tests if t.source in ("example", "official")]
        broken = []
        for t in examples:
            try:
                values = harness.split_input(t)
            except ValueError:
                continue
            for variant in list(_broken_variants(values))[:BROKEN_PER_EXAMPLE]:
                text = harness.format_input(variant)
                if self.validate(cons, text, problem.signature):  # the parser says it breaks a constraint
                    broken.append(text)
        verdicts = self._validator(code, examples + broken)
        provenance["validator"] = {"examples": len(examples), "broken": len(broken)}
        for text, out in zip(examples, verdicts, strict=False):
            if not (out.ok and out.value is True):
                return f"refuses the example input {text[:80]!r} ({out.error or out.value})"
        for text, out in zip(broken, verdicts[len(examples):], strict=False):
            if not (out.ok and out.value is False):
                return f"accepts {text[:80]!r}, which breaks a constraint the parser understood"
        return None

    def _generated(self, problem: Problem, code: str, cons: Any, seed: int, count: int,
                   provenance: dict[str, Any]) -> list[str]:
        """Up to `count` new inputs that pass the signature, the parsed constraints and
        the model's validator (twice as many are asked for)."""
        maker = _problem("model-generator", "gen", [("a", "integer"), ("b", "string")], "string", '0\n"small"')
        asks = [f"{seed * 100_000 + k}\n{json.dumps(SIZES[k % len(SIZES)])}" for k in range(2 * count)]
        outs = self.judge.run_outputs(maker, _wrapped(code, "gen", f"return {CLASS}().generate(a, b)"), asks)
        seen = {t.input for t in problem.tests}
        candidates, dropped = [], {"failed": 0, "unreadable": 0, "invalid": 0, "duplicate": 0}
        for out in outs:
            if not (out.ok and isinstance(out.value, str)):
                dropped["failed"] += 1
                continue
            try:
                values = harness.split_input(out.value)
                check_input(problem.signature, values, problem.slug)
            except (ValueError, ProblemError):
                dropped["unreadable"] += 1
                continue
            text = harness.format_input(values)
            if text in seen:
                dropped["duplicate"] += 1
            elif self.validate(cons, text, problem.signature):
                dropped["invalid"] += 1
            else:
                seen.add(text)
                candidates.append(text)
        own = self._validator(code, candidates) if candidates else []
        kept = [t for t, o in zip(candidates, own, strict=True) if o.ok and o.value is True]
        dropped["own_validator"] = len(candidates) - len(kept)
        provenance.update(asked=len(asks), dropped=dropped, kept=min(len(kept), count))
        return kept[:count]

