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
    # a few ulps of slack: 1.00001 - 1.0 is 1.0000000000065512e-05 in binary
    return diff <= tolerance * (1 + 1e-9) or diff <= _RELATIVE_ROUNDING * abs(expected)


def _as_float(v: int | float) -> float | None:
    try:
        return float(v)
    except OverflowError:  # an int too large for a float
        return None


def values_match(expected: Any, got: Any, tolerance: float = 1e-5) -> bool:
    """Deep, type-strict equality over JSON values; floats within `tolerance`."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        if isinstance(expected, int) and isinstance(got, int):
            return expected == got
        e, g = _as_float(expected), _as_float(got)
        return e is not None and g is not None and numbers_match(e, g, tolerance)
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


def _order_key(v: Any) -> tuple:
    """Total order over JSON values; numbers by value (not by their text, which
    would separate 9.999999 from 10.0) so tolerance-equal lists line up."""
    if v is None:
        return (0,)
    if isinstance(v, bool):
        return (1, v)
    if isinstance(v, (int, float)):
        f = _as_float(v)
        return (2, 0.0 if f is None or math.isnan(f) else f, str(v))
    if isinstance(v, str):
        return (3, v)
    if isinstance(v, list):
        return (4, len(v), tuple(_order_key(x) for x in v))
    return (5, json.dumps(v, sort_keys=True, default=str))


def _canonical(v: Any, depth: int) -> Any:
    """Sort lists down to `depth` levels (order-insensitive comparison)."""
    if depth <= 0 or not isinstance(v, list):
        return v
    return sorted((_canonical(x, depth - 1) for x in v), key=_order_key)


def unordered_match(expected: Any, got: Any, depth: int, tolerance: float) -> bool:
    return values_match(_canonical(expected, depth), _canonical(got, depth), tolerance)


def _fold_case(v: Any) -> Any:
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, list):
        return [_fold_case(x) for x in v]
    return v


def _case_insensitive(expected: Any, got: Any, tolerance: float) -> bool:
    return values_match(_fold_case(expected), _fold_case(got), tolerance)


def _unordered_unique(expected: Any, got: Any, tolerance: float) -> bool:
    """Set semantics: order and repetitions in the top-level list do not matter."""
    if not isinstance(expected, list) or not isinstance(got, list):
        return values_match(expected, got, tolerance)

    def dedup(v: list) -> list:
        out: list = []
        for x in sorted(v, key=_order_key):
            if not out or not values_match(out[-1], x, tolerance):
                out.append(x)
        return out

    return values_match(dedup(expected), dedup(got), tolerance)


CustomChecker = Callable[[Any, Any, float], bool]
CUSTOM_CHECKERS: dict[str, CustomChecker] = {
    "case_insensitive": _case_insensitive,
    "unordered_unique": _unordered_unique,
}


def outputs_match(checker: Checker, expected: Any, got: Any) -> bool:
    """Never raises on what a submission returned: anything odd is a mismatch."""
    try:
        if checker.kind == "unordered":
            return unordered_match(expected, got, checker.depth, checker.tolerance)
        if checker.kind == "custom":
            return CUSTOM_CHECKERS[checker.name or ""](expected, got, checker.tolerance)
        return values_match(expected, got, checker.tolerance)
    except (ValueError, TypeError, OverflowError, RecursionError):
        return False


# "in any order" marks an order-free answer only when it is the answer that is
# returned in any order: "You may return the answer in any order", "The answer
# can be returned in any order", "Return them in any order". Not when something
# else happens in any order ("the queries may be processed in any order").
_IN_ANY_ORDER = re.compile(r"\bin\s+any\s+order\b", re.I)
# leetcode.cn: "你可以按 任意顺序 返回答案", "按任意顺序返回"
_ANY_ORDER_ZH = re.compile(r"(?:按|以)\s*任意\s*顺序\s*返回|返回[^。！？\n]{0,40}任意\s*顺序")
_ANCHORS = {"return", "returned", "answer", "answers"}
_NOT_ABOUT_ANSWER = {"given", "processed", "performed", "applied", "visited", "rearranged", "arranged",
                     "chosen", "taken", "made", "done", "placed", "sorted", "executed", "added", "removed",
                     "considered", "picked", "selected", "used", "swapped", "moved", "concatenated"}
# "within 10^-5", "within 10<sup>-5</sup>", "within <code>10<sup>-6</sup></code>",
# markdown "within `10-6`", or flattened text "within 10-5".
_WITHIN = re.compile(r"within\s+(?:<code>|`)?\s*10\s*(?:\^|<sup>)?\s*[-\u2212]\s*(\d+)", re.I)


def says_any_order(statement: str) -> bool:
    text = re.sub(r"<[^>]+>", " ", statement)
    if _ANY_ORDER_ZH.search(text):
        return True
    for m in _IN_ANY_ORDER.finditer(text):
        sentence = re.split(r"[.!?\n]", text[: m.start()])[-1]
        words = re.findall(r"[a-z']+", sentence.lower())[-20:]
        anchors = [i for i, w in enumerate(words) if w in _ANCHORS]
        if anchors and not _NOT_ABOUT_ANSWER & set(words[anchors[-1]:]):
            return True
    return False


def checker_for_statement(statement: str) -> Checker:
    """The checker LeetCode uses, as its statement announces it."""
    within = _WITHIN.search(statement)
    tolerance = 10.0 ** -int(within.group(1)) if within else 1e-5
    if says_any_order(statement):
        return Checker(kind="unordered", depth=1, tolerance=tolerance)
    if within:
        return Checker(kind="float", tolerance=tolerance)
    return Checker()
