"""Host-side comparison of a submission's plain JSON output with the expected value.

Runs outside the sandbox on data the harness produced as JSON text and the host
parsed itself, so no object of the submission's making is ever asked whether it
is equal to anything. Equality is type-strict where Python's is not: `true` is
not `1`, and `1` is not `"1"`; integers and floats compare by value, floats
within the checker's tolerance (LeetCode's 1e-5), never NaN.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from judge.problem import Checker

# A float differing by no more than this fraction is a rounding artefact of a
# different evaluation order, not a different answer (1e15 has an ulp of 0.125).
_RELATIVE_ROUNDING = 1e-12


def numbers_match(expected: float, got: float, tolerance: float) -> bool:
    if math.isnan(expected) or math.isnan(got):
        return False
    if math.isinf(expected) or math.isinf(got):
        return expected == got
    diff = abs(expected - got)
    return diff <= tolerance or diff <= _RELATIVE_ROUNDING * abs(expected)


def values_match(expected: Any, got: Any, tolerance: float = 1e-5) -> bool:
    """Deep, type-strict equality over JSON values; floats within `tolerance`."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        if isinstance(expected, int) and isinstance(got, int):
            return expected == got
        return numbers_match(float(expected), float(got), tolerance)
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(
            values_match(e, g, tolerance) for e, g in zip(expected, got, strict=True)
        )
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(
            values_match(expected[k], got[k], tolerance) for k in expected
        )
    if expected is None or got is None:
        return expected is None and got is None
    return type(expected) is type(got) and expected == got


def _canonical(v: Any, depth: int) -> Any:
    """Sort lists down to `depth` levels by a canonical text key (order-insensitive)."""
    if depth <= 0 or not isinstance(v, list):
        return v
    items = [_canonical(x, depth - 1) for x in v]
    return sorted(items, key=lambda x: json.dumps(x, sort_keys=True))


def unordered_match(expected: Any, got: Any, depth: int, tolerance: float) -> bool:
    return values_match(_canonical(expected, depth), _canonical(got, depth), tolerance)


def _case_insensitive(expected: Any, got: Any, tolerance: float) -> bool:
    fold = lambda v: json.loads(json.dumps(v).lower())  # noqa: E731
    return values_match(fold(expected), fold(got), tolerance)


def _unordered_unique(expected: Any, got: Any, tolerance: float) -> bool:
    """Set semantics: order and repetitions in the top-level list do not matter."""
    if not isinstance(expected, list) or not isinstance(got, list):
        return values_match(expected, got, tolerance)
    key = lambda x: json.dumps(x, sort_keys=True)  # noqa: E731
    dedup = lambda v: sorted({key(x): x for x in v}.values(), key=key)  # noqa: E731
    return values_match(dedup(expected), dedup(got), tolerance)


CustomChecker = Callable[[Any, Any, float], bool]
CUSTOM_CHECKERS: dict[str, CustomChecker] = {
    "case_insensitive": _case_insensitive,
    "unordered_unique": _unordered_unique,
}


def outputs_match(checker: Checker, expected: Any, got: Any) -> bool:
    if checker.kind == "unordered":
        return unordered_match(expected, got, checker.depth, checker.tolerance)
    if checker.kind == "custom":
        return CUSTOM_CHECKERS[checker.name or ""](expected, got, checker.tolerance)
    return values_match(expected, got, checker.tolerance)


# "Return the answer in any order", "The answer can be returned in any order": the
# phrase must share a sentence with the answer, since inputs can be in any order too.
_ANY_ORDER = re.compile(r"\b(?:return|returned|answer|output)\b[^.\n]{0,120}?\bin any order\b", re.I)
# "within 10^-5", "within 10<sup>-5</sup>", or flattened text "within 10-5".
_WITHIN = re.compile(r"within\s+10\s*(?:\^|<sup>)?\s*[-\u2212]\s*(\d+)", re.I)


def checker_for_statement(statement: str) -> Checker:
    """The checker LeetCode uses, as its statement announces it."""
    within = _WITHIN.search(statement)
    if _ANY_ORDER.search(statement):
        return Checker(kind="unordered", depth=1)
    if within:
        return Checker(kind="float", tolerance=10.0 ** -int(within.group(1)))
    return Checker()
