"""Constraint expressions: statement text -> a checked Python AST -> evaluation.

The statement's notation (`nums.length`, `10^5`, `grid[i][j]`, `min(70, n)`)
is close to Python, so Python's own parser reads it; a whitelist then keeps
only the small subset described in `model.py` (no attribute access beyond
`.length`/`.size`, no calls beyond `len min max abs floor ceil sum`), which
makes compiling the subset for fast evaluation safe.
"""

from __future__ import annotations

import ast
import copy
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

FUNCTIONS = {"len": len, "min": min, "max": max, "abs": abs, "floor": math.floor,
             "ceil": math.ceil, "sum": sum}
_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_IMPLICIT_PRODUCT = re.compile(r"(?<![\w.])(\d+)([A-Za-z_]\w*)")  # "2n" -> "2 * n"


class ExprError(ValueError):
    """Text that is not an expression of the constraint language."""


@dataclass(frozen=True)
class Names:
    params: frozenset[str]
    aliases: dict[str, str]  # `l_i` -> `queries[i][0]`


def parse_term(text: str, names: Names) -> ast.expr:
    """One expression (no comparison) -> its normalized AST."""
    source = text.strip().replace("^", "**")
    source = _IMPLICIT_PRODUCT.sub(lambda m: m.group() if m.group(2).startswith("e")
                                   else f"{m.group(1)} * {m.group(2)}", source)
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        raise ExprError(f"not an expression: {text!r}") from None
    return _Normalizer(names).visit(tree)


def unparse(node: ast.expr) -> str:
    return ast.unparse(node)


def parse_canonical(text: str) -> ast.expr:
    """Stored canonical text back to its AST (already normalized)."""
    return ast.parse(text, mode="eval").body


class _Normalizer(ast.NodeTransformer):
    def __init__(self, names: Names) -> None:
        self.names = names

    def generic_visit(self, node: ast.AST) -> ast.AST:
        raise ExprError(f"unsupported notation {ast.unparse(node)!r}")

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float, str)):
            raise ExprError(f"unsupported constant {node.value!r}")
        return node

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.names.aliases:
            return parse_canonical(self.names.aliases[node.id])
        if node.id in self.names.params or node.id in FUNCTIONS:
            return node
        folded = [p for p in self.names.params if p.lower() == node.id.lower()]
        if len(folded) == 1:  # "1 <= K <= 10" for a parameter k
            return ast.Name(folded[0], ast.Load())
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        if node.attr in ("length", "size"):
            return _len(self.visit(node.value))
        raise ExprError(f"unsupported attribute .{node.attr}")

    def visit_Call(self, node: ast.Call) -> ast.expr:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("length", "size") and not node.args:
            return _len(self.visit(func.value))
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS or node.keywords or not node.args:
            raise ExprError(f"unsupported call {ast.unparse(node)!r}")
        return ast.Call(func, [self.visit(a) for a in node.args], [])

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        index = node.slice
        ok = isinstance(index, ast.Name) or (
            isinstance(index, ast.Constant) and type(index.value) is int and index.value >= 0)
        if not ok:
            raise ExprError(f"unsupported index {ast.unparse(index)!r}")
        if isinstance(index, ast.Name) and index.id in self.names.aliases:
            raise ExprError(f"index {index.id!r} is also a defined name")
        return ast.Subscript(self.visit(node.value), index, ast.Load())

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        if not isinstance(node.op, _OPS):
            raise ExprError(f"unsupported operator in {ast.unparse(node)!r}")
        return ast.BinOp(self.visit(node.left), node.op, self.visit(node.right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ExprError(f"unsupported operator in {ast.unparse(node)!r}")
        return ast.UnaryOp(node.op, self.visit(node.operand))


def _len(node: ast.expr) -> ast.expr:
    return ast.Call(ast.Name("len", ast.Load()), [node], [])


# ------------------------------------------------------------------ analysis


def walk_names(node: ast.expr) -> Iterable[tuple[str, bool]]:
    """(name, used as an index) for every name that is not a called function."""
    slots = {id(s.slice) for s in ast.walk(node) if isinstance(s, ast.Subscript)}
    funcs = {id(s.func) for s in ast.walk(node) if isinstance(s, ast.Call)}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and id(sub) not in funcs:
            yield sub.id, id(sub) in slots


def index_names(node: ast.expr, params: Iterable[str]) -> set[str]:
    known = set(params)
    return {n for n, as_index in walk_names(node) if as_index and n not in known}


def value_names(node: ast.expr) -> set[str]:
    return {n for n, as_index in walk_names(node) if not as_index}


def root_param(node: ast.expr) -> str | None:
    """`queries[i][0]` / `len(grid[i])` -> `queries` / `grid`."""
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
            node = node.args[0]
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def loop_plan(node: ast.expr, free: set[str]) -> list[tuple[str, ast.expr]]:
    """Order in which the free index names are bound: `(i, grid)`, `(j, grid[i])` --
    each ranges over the indices of the expression it subscripts."""
    subscripts = [s for s in ast.walk(node) if isinstance(s, ast.Subscript)
                  and isinstance(s.slice, ast.Name) and s.slice.id in free]
    plan: list[tuple[str, ast.expr]] = []
    bound: set[str] = set()
    while len(bound) < len(free):
        for s in subscripts:
            name = s.slice.id  # type: ignore[attr-defined]
            if name in bound:
                continue
            if index_names(s.value, ()) & free <= bound:
                plan.append((name, s.value))
                bound.add(name)
                break
        else:
            raise ExprError(f"cannot range the indices of {ast.unparse(node)!r}")
    return plan


# ------------------------------------------------------------------ compiling


class _Renamer(ast.NodeTransformer):
    """Names -> `P_x` (values) / `I_x` (indices) / `F_x` (functions); `sum(e)` with a
    free index inside -> a generator over that index."""

    def __init__(self, indices: set[str]) -> None:
        self.indices = indices

    def visit_Name(self, node: ast.Name) -> ast.expr:
        prefix = "I_" if node.id in self.indices else "P_"
        return ast.Name(prefix + node.id, ast.Load())

    def visit_Call(self, node: ast.Call) -> ast.expr:
        assert isinstance(node.func, ast.Name)
        if node.func.id == "sum" and len(node.args) == 1:
            arg = node.args[0]
            inner = index_names(arg, ()) & self.indices
            if inner:
                plan = loop_plan(arg, inner)
                body = self.visit(copy.deepcopy(arg))
                gens = [ast.comprehension(ast.Name("I_" + name, ast.Store()),
                                          _range_of(self.visit(copy.deepcopy(base))), [], 0)
                        for name, base in plan]
                return ast.Call(ast.Name("F_sum", ast.Load()), [ast.GeneratorExp(body, gens)], [])
        return ast.Call(ast.Name("F_" + node.func.id, ast.Load()),
                        [self.visit(a) for a in node.args], [])


def _renamed(renamer: _Renamer, node: ast.expr) -> str:
    """Source of a renamed copy (a NodeTransformer edits the tree it visits)."""
    return ast.unparse(renamer.visit(copy.deepcopy(node)))


def _range_of(node: ast.expr) -> ast.expr:
    length = ast.Call(ast.Name("F_len", ast.Load()), [node], [])
    return ast.Call(ast.Name("range", ast.Load()), [length], [])


def _sum_bound(node: ast.expr) -> set[str]:
    """Index names bound inside `sum(...)` calls (not free in the relation)."""
    out: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "sum":
            out |= {n for n, as_index in walk_names(sub) if as_index}
    return out


_NAMESPACE: dict[str, Any] = {"F_" + k: v for k, v in FUNCTIONS.items()}
_NAMESPACE["range"] = range
_NAMESPACE["__builtins__"] = {}


def compile_check(left: ast.expr, op: str, right: ast.expr, params: Iterable[str]
                  ) -> tuple[Callable[[dict[str, Any]], list[dict[str, int]]], set[str]]:
    """A function env -> the index bindings (at most 3) where `left op right` is false,
    and the value names it reads. Errors while evaluating propagate to the caller."""
    params = set(params)
    both = ast.Tuple([left, right], ast.Load())
    indices = index_names(both, params)
    free = indices - _sum_bound(both)
    plan = loop_plan(both, free)
    needed = {n for n, _ in walk_names(both)} - indices
    renamer = _Renamer(indices)
    test = f"({_renamed(renamer, left)}) {op} ({_renamed(renamer, right)})"
    lines = ["def _check(E):"]
    lines += [f"    P_{n} = E[{n!r}]" for n in sorted(needed)]
    lines.append("    bad = []")
    indent = "    "
    for name, base in plan:
        lines.append(f"{indent}for I_{name} in range(F_len({_renamed(renamer, base)})):")
        indent += "    "
    binding = "{" + ", ".join(f"{n!r}: I_{n}" for n, _ in plan) + "}"
    lines.append(f"{indent}if not ({test}):")
    lines.append(f"{indent}    bad.append({binding})")
    lines.append(f"{indent}    if F_len(bad) >= 3: return bad")
    lines.append("    return bad")
    namespace = dict(_NAMESPACE)
    exec(compile("\n".join(lines), "<constraint>", "exec"), namespace)  # our own checked subset
    return namespace["_check"], needed


def compile_value(node: ast.expr) -> Callable[[dict[str, Any]], Any]:
    """A closed expression (no free index) -> a function env -> its value."""
    indices = index_names(node, ()) & _sum_bound(node)
    renamer = _Renamer(indices)
    needed = {n for n, _ in walk_names(node)} - indices
    lines = ["def _value(E):"]
    lines += [f"    P_{n} = E[{n!r}]" for n in sorted(needed)]
    lines.append(f"    return {_renamed(renamer, node)}")
    namespace = dict(_NAMESPACE)
    exec(compile("\n".join(lines), "<constraint>", "exec"), namespace)
    return namespace["_value"]
