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
from collections import Counter
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


def _order_key(v: Any) -> tuple[Any, ...]:
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


# ------------------------------------------------------------------ bounded work
# A submission's output is untrusted and may be huge (millions of nested
# elements). Sorting it, copying it or building keys for it would cost the host
# gigabytes; counting its nodes up to the expected value's count costs nothing.
# So every comparison that builds anything from the output first checks cheap
# properties (node count, then type and length at every level), and the work
# left is bounded by the size of the expected value, which the host chose.


def _size(v: Any, limit: float = math.inf) -> int:
    """Nodes in a JSON value (each list, dict, key and scalar counts one); stops
    counting just past `limit`, so a huge value costs `limit` steps and no copy
    (a stack of iterators, never a stack holding a huge list's elements)."""
    n, stack = 0, [iter((v,))]
    while stack:
        for x in stack[-1]:
            n += 1 + (len(x) if isinstance(x, dict) else 0)
            if n > limit:
                return n
            if isinstance(x, (list, dict)):
                stack.append(iter(x if isinstance(x, list) else x.values()))
                break
        else:
            stack.pop()
    return n


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


def _profile(v: Any) -> Counter[Any]:
    """(level, kind, length) of every node: equal values, in any order at any
    level, have equal profiles. Called only on values already known to be small."""
    profile: Counter[Any] = Counter()
    stack = [(v, 0)]
    while stack:
        x, level = stack.pop()
        length = len(x) if isinstance(x, (list, dict, str)) else None
        profile[(level, _kind(x), length)] += 1
        if isinstance(x, list):
            stack.extend((y, level + 1) for y in x)
        elif isinstance(x, dict):
            stack.extend((y, level + 1) for y in x.values())
    return profile


def same_size(expected: Any, got: Any) -> bool:
    """As many nodes in `got` as in `expected` (a mismatch is found in at most
    size(expected) + 1 steps, however big `got` is)."""
    n = _size(expected)
    return _size(got, n) == n


def _canonical(v: Any, depth: int) -> Any:
    """Sort lists down to `depth` levels (order-insensitive comparison)."""
    if depth <= 0 or not isinstance(v, list):
        return v
    return sorted((_canonical(x, depth - 1) for x in v), key=_order_key)


def unordered_match(expected: Any, got: Any, depth: int, tolerance: float) -> bool:
    if not same_size(expected, got) or _profile(expected) != _profile(got):
        return False
    return values_match(_canonical(expected, depth), _canonical(got, depth), tolerance)


def _fold_case(v: Any) -> Any:
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, list):
        return [_fold_case(x) for x in v]
    return v


def _case_insensitive(expected: Any, got: Any, tolerance: float) -> bool:
    return same_size(expected, got) and values_match(_fold_case(expected), _fold_case(got), tolerance)


def _freeze(v: Any) -> Any:
    """A hashable exact form of a JSON value that keeps `true` apart from `1`."""
    if isinstance(v, list):
        return ("list", tuple(_freeze(x) for x in v))
    if isinstance(v, dict):
        return ("dict", tuple(sorted((k, _freeze(x)) for k, x in v.items())))
    return (_kind(v), v)


def _unordered_unique(expected: Any, got: Any, tolerance: float) -> bool:
    """Set semantics: order and repetitions in the top-level list do not matter."""
    if not isinstance(expected, list) or not isinstance(got, list):
        return values_match(expected, got, tolerance)
    # Repetitions make `got` legitimately longer than `expected`, so its size cannot
    # be bounded; its distinct values can: each must be tolerance-equal to one of
    # expected's, and more than a few spellings of each (1.0, 1.000001) is no answer.
    biggest = max((_size(e) for e in expected), default=0)
    cap = 4 * len(expected) + 16
    distinct: dict[Any, Any] = {}
    for x in got:
        if _size(x, biggest) > biggest:
            return False
        key = _freeze(x)
        if key not in distinct:
            if len(distinct) >= cap:
                return False
            distinct[key] = x

    def dedup(v: list[Any]) -> list[Any]:
        out: list[Any] = []
        for x in sorted(v, key=_order_key):
            if not out or not values_match(out[-1], x, tolerance):
                out.append(x)
        return out

    return values_match(dedup(expected), dedup(list(distinct.values())), tolerance)


def _char_multiset(expected: Any, got: Any, tolerance: float) -> bool:
    """A string answer whose characters may come in any order ("return the
    string ... in any order"): the same characters, as many times each."""
    if isinstance(expected, str) and isinstance(got, str):
        return len(expected) == len(got) and Counter(expected) == Counter(got)
    return values_match(expected, got, tolerance)


def _unordered_each(expected: Any, got: Any, tolerance: float) -> bool:
    """Design problems: the list of call results keeps its order (call i's result
    is at i); a call that returns a list may return it in any order."""
    if not isinstance(expected, list) or not isinstance(got, list) or len(expected) != len(got):
        return values_match(expected, got, tolerance)
    return all(unordered_match(e, g, 1, tolerance) if isinstance(e, list) else values_match(e, g, tolerance)
               for e, g in zip(expected, got, strict=True))


CustomChecker = Callable[[Any, Any, float], bool]
CUSTOM_CHECKERS: dict[str, CustomChecker] = {
    "case_insensitive": _case_insensitive,
    "unordered_unique": _unordered_unique,
    "char_multiset": _char_multiset,
    "unordered_each": _unordered_each,
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


# The checker a statement announces: judge/checker_choice.py (re-exported here).
from judge.checker_choice import CheckerChoice, checker_for_statement, choose_checker  # noqa: E402

__all__ = ["CUSTOM_CHECKERS", "CheckerChoice", "checker_for_statement", "choose_checker", "numbers_match",
           "outputs_match", "same_size", "unordered_match", "values_match"]
