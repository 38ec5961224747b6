"""Parameter types, seen through `judge.harness.parse_type` (the one definition of
LeetCode's type grammar), and the value view constraints talk about."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from judge import harness
from judge.signature import DesignSignature, FunctionSignature

NODE_TYPES = ("ListNode", "TreeNode")
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


def params_of(signature: FunctionSignature | DesignSignature) -> dict[str, str]:
    """Parameter name -> LeetCode type name (design: constructor and method parameters;
    a name used twice keeps its first type)."""
    if isinstance(signature, FunctionSignature):
        return {p.name: harness_name(p.type) for p in signature.params}
    out: dict[str, str] = {}
    for p in [*signature.constructor, *(q for m in signature.methods for q in m.params)]:
        out.setdefault(p.name, harness_name(p.type))
    return out


def harness_name(type_name: str) -> str:
    """A canonical spelling: `list<String>` -> `string[]`, `int` -> `integer`."""
    return render(harness.parse_type(type_name))


def render(t: Any) -> str:
    if isinstance(t, tuple):
        return render(t[1]) + "[]"
    return str(t)


def depth(type_name: str) -> int:
    """List nesting depth: `integer` 0, `integer[]` 1, `string[]` 1, `integer[][]` 2."""
    return type_name.count("[]")


def leaf(type_name: str) -> str:
    return type_name.replace("[]", "")


def is_numeric(type_name: str) -> bool:
    return leaf(type_name) in ("integer", "long", "double")


def int_range(type_name: str, wide: bool = False) -> tuple[int, int] | None:
    """The values a LeetCode integer type can hold (inputs outside are rejected).
    `wide`: the statement allows more than 32 bits, so `integer` was a guess (a
    LeetCodeDataset signature read from Python's `int`) and 64 bits hold."""
    base = leaf(type_name)
    if base in ("integer", "ListNode", "TreeNode"):
        return INT64 if wide else INT32
    if base == "long":
        return INT64
    return None


def view(type_name: str, value: Any) -> Any:
    """The value constraints see: ListNode/TreeNode -> the list of node values."""
    if type_name in NODE_TYPES:
        return [v for v in (value or []) if v is not None]
    return value


def wide_params(relations: Iterable[tuple[str, str]], params: dict[str, str]) -> frozenset[str]:
    """Parameters a relation bounds directly by a constant beyond 32 bits
    (`s <= 10^15`, `nums[i] <= 10^12`). An aggregate (`sum(nums) <= 10^15`,
    `nums[i] * k <= 10^10`) widens nothing: its terms keep their own bounds, and a
    value beyond 32 bits in an `integer` parameter is one LeetCode's int refuses."""
    import ast

    from agent.testgen.expr import parse_canonical
    from agent.testgen.solver import interval

    out: set[str] = set()
    for left, right in relations:
        sides = [parse_canonical(left), parse_canonical(right)]
        for k, side in enumerate(sides):
            lo, hi = interval(side, {})
            if lo == hi and abs(lo) != float("inf") and not INT32[0] <= lo <= INT32[1]:
                other = sides[1 - k]
                bounded = other.value if isinstance(other, ast.Subscript) else other
                if isinstance(bounded, ast.Name) and bounded.id in params:
                    out.add(bounded.id)
    return frozenset(out)
