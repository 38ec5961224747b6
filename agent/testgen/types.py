"""Parameter types, seen through `judge.harness.parse_type` (the one definition of
LeetCode's type grammar), and the value view constraints talk about."""

from __future__ import annotations

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


def int_range(type_name: str) -> tuple[int, int] | None:
    """The values a LeetCode integer type can hold (inputs outside are rejected)."""
    base = leaf(type_name)
    if base in ("integer", "ListNode", "TreeNode"):
        return INT32
    if base == "long":
        return INT64
    return None


def view(type_name: str, value: Any) -> Any:
    """The value constraints see: ListNode/TreeNode -> the list of node values."""
    if type_name in NODE_TYPES:
        return [v for v in (value or []) if v is not None]
    return value
