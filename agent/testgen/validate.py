"""Check one LeetCode input text against parsed constraints: the list of violations
(empty when the input is valid). Used on every generated input, and meant for
inputs from any other source (model-written generators) before they are used."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from agent.testgen import expr
from agent.testgen.model import Constraints, Relation
from agent.testgen.types import NODE_TYPES, int_range, leaf, view, wide_params
from judge import harness
from judge.errors import ProblemError
from judge.signature import DesignSignature, FunctionSignature, check_input

_MAX_VIOLATIONS = 20


def validate_input(cons: Constraints, input_text: str,
                   signature: FunctionSignature | DesignSignature) -> list[str]:
    try:
        values = harness.split_input(input_text)
    except ValueError as e:
        return [f"input is not one JSON value per line: {e}"]
    try:
        check_input(signature, values, "input")
    except ProblemError as e:
        return [e.reason]
    if isinstance(signature, FunctionSignature):
        raw = {p.name: v for p, v in zip(signature.params, values, strict=True)}
        return _check_env(cons, raw)[:_MAX_VIOLATIONS]
    return _check_design(cons, signature, values)[:_MAX_VIOLATIONS]


def _check_design(cons: Constraints, sig: DesignSignature, values: list) -> list[str]:
    calls, args = values
    out: list[str] = []
    for limit in cons.call_limits:
        bound = expr.compile_value(expr.parse_canonical(limit.limit))({})
        counted = sum(1 for c in calls[1:] if not limit.methods or c in limit.methods)
        if counted > bound:
            out.append(f"{counted} calls to {', '.join(limit.methods) or 'the methods'}, at most {bound} "
                       f"allowed ({limit.clause})")
    base = {p.name: v for p, v in zip(sig.constructor, args[0], strict=True)}
    methods = {m.name: m for m in sig.methods}
    out += _check_env(cons, base, partial=True)
    for k, (name, argv) in enumerate(zip(calls[1:], args[1:], strict=True), 1):
        env = dict(base) | {p.name: v for p, v in zip(methods[name].params, argv, strict=True)}
        for problem in _check_env(cons, env, partial=True, skip=set(base)):
            out.append(f"call {k} ({name}): {problem}")
            if len(out) >= _MAX_VIOLATIONS:
                return out
    return out


def _check_env(cons: Constraints, raw: dict[str, Any], *, partial: bool = False,
               skip: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """`partial`: a design call binds only some parameters; a relation about others
    is not checked here. `skip`: parameters already checked on their own."""
    types = cons.params
    env = {name: view(types[name], v) for name, v in raw.items()}
    wide = _wide(tuple((r.left, r.right) for r in cons.relations), tuple(sorted(types.items())))
    out = _type_ranges(types, raw, skip, wide)
    out += _structure(cons, raw, env, skip)
    symbols = bind_symbols(cons.relations, env)
    env |= symbols
    for r in cons.relations:
        check, needed = _compiled(r.left, r.op, r.right, frozenset(types))
        if not needed <= env.keys():
            if partial or needed - env.keys() - set(types):
                missing = sorted(needed - env.keys() - set(types))
                if missing and not partial:
                    out.append(f"{r.text()}: {', '.join(missing)} is not defined by the input ({r.clause})")
                continue
            continue
        if skip and needed <= skip | symbols.keys():
            continue
        try:
            bad = check(env)
        except (IndexError, TypeError, ValueError, ZeroDivisionError, KeyError) as e:
            out.append(f"{r.text()} cannot be evaluated: {type(e).__name__}: {e} ({r.clause})")
            continue
        for binding in bad:
            where = ", ".join(f"{k}={v}" for k, v in binding.items())
            out.append(f"{r.text()} is false{' at ' + where if where else ''} ({r.clause})")
    return out


@lru_cache(maxsize=4096)
def _compiled(left: str, op: str, right: str, params: frozenset[str]
              ) -> tuple[Callable[[dict[str, Any]], list[dict[str, int]]], set[str]]:
    return expr.compile_check(expr.parse_canonical(left), op, expr.parse_canonical(right), params)


@lru_cache(maxsize=4096)
def _value_fn(text: str) -> Callable[[dict[str, Any]], Any]:
    return expr.compile_value(expr.parse_canonical(text))


def bind_symbols(relations: Iterable[Relation], env: dict[str, Any]) -> dict[str, Any]:
    """Values of the statement's symbols (`n` in `n == nums.length`), from equalities
    whose other side the input determines (`n - 1 == edges.length` solved for n)."""
    relations = [r for r in relations if r.op == "=="]
    bound: dict[str, Any] = {}
    changed = True
    while changed:
        changed = False
        for r in relations:
            for this, other in ((r.left, r.right), (r.right, r.left)):
                solved = _solve_for_symbol(expr.parse_canonical(this), env.keys() | bound.keys())
                if solved is None:
                    continue
                name, inverse = solved
                other_node = expr.parse_canonical(other)
                if not expr.value_names(other_node) <= env.keys() | bound.keys():
                    continue
                first = _first_row(other_node, env.keys())  # n == len(grid[i]): row 0 says n
                try:
                    value = inverse(_value_fn(first)(env | bound))
                except (IndexError, TypeError, ValueError, ZeroDivisionError, KeyError):
                    continue
                bound[name] = value
                changed = True
    return bound


def _first_row(node: ast.expr, known: Iterable[str]) -> str:
    """The expression with every free index set to 0 (the relation itself is still
    checked for every index)."""
    free = expr.index_names(node, known)

    class Zero(ast.NodeTransformer):
        def visit_Subscript(self, n: ast.Subscript) -> ast.expr:
            value = self.visit(n.value)
            index = ast.Constant(0) if isinstance(n.slice, ast.Name) and n.slice.id in free else n.slice
            return ast.Subscript(value, index, ast.Load())

    return expr.unparse(Zero().visit(expr.parse_canonical(expr.unparse(node)))) if free else expr.unparse(node)


def _solve_for_symbol(node: ast.expr, known: Iterable[str]) -> tuple[str, Callable[[Any], Any]] | None:
    """`n` / `n - 1` / `n + 2` / `2 * n` with n unknown -> (n, value of the side -> n)."""
    known = set(known)
    if isinstance(node, ast.Name) and node.id not in known:
        return node.id, lambda v: v
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Name) and node.left.id not in known \
            and isinstance(node.right, ast.Constant) and type(node.right.value) is int:
        c = node.right.value
        if isinstance(node.op, ast.Sub):
            return node.left.id, lambda v: v + c
        if isinstance(node.op, ast.Add):
            return node.left.id, lambda v: v - c
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.right, ast.Name) \
            and node.right.id not in known and isinstance(node.left, ast.Constant) and type(node.left.value) is int \
            and node.left.value:
        c = node.left.value
        return node.right.id, lambda v: v // c if v % c == 0 else v / c
    return None


def _leaves(value: Any) -> Iterable[Any]:
    if isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


@lru_cache(maxsize=1024)
def _wide(relations: tuple[tuple[str, str], ...], params: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return wide_params(relations, dict(params))


def _type_ranges(types: dict[str, str], raw: dict[str, Any], skip: set[str],
                 wide: frozenset[str]) -> list[str]:
    out = []
    for name, value in raw.items():
        bounds = int_range(types[name], name in wide) if name not in skip else None
        if bounds is None:
            continue
        lo, hi = bounds
        for v in _leaves(value):
            if isinstance(v, int) and not lo <= v <= hi:
                out.append(f"{name} holds {v}, outside the {leaf(types[name])} range")
                break
    return out


def _structure(cons: Constraints, raw: dict[str, Any], env: dict[str, Any], skip: set[str]) -> list[str]:
    out: list[str] = []
    for name, value in raw.items():
        if name in skip:
            continue
        t = cons.params[name]
        if t == "TreeNode" and value:
            trimmed = list(value)
            while trimmed and trimmed[-1] is None:
                trimmed.pop()
            if harness.tree_to_json(harness.build_tree(trimmed)) != trimmed:
                out.append(f"{name} is not a level-order tree")
        if t == "ListNode" and value and any(v is None for v in value):
            out.append(f"{name} has a null node value")
    present = [c for c in cons.charsets if c.target in env and c.target not in skip]
    for c in present:
        allowed = set(c.chars)
        for s in _leaves(env[c.target]):
            if isinstance(s, str) and not set(s) <= allowed:
                out.append(f"{c.target} has {sorted(set(s) - allowed)[:5]} outside the allowed characters ({c.clause})")
                break
    for o in (o for o in cons.one_of if o.target in env and o.target not in skip):
        allowed_values = set(o.values)
        odd = [v for v in _leaves(env[o.target]) if v not in allowed_values]
        if odd:
            out.append(f"{o.target} holds {odd[0]!r}, not one of {o.values} ({o.clause})")
    for d in (d for d in cons.distinct if d.target in env and d.target not in skip):
        items = [_hashable(v) for v in _elements(env[d.target])]
        if len(set(items)) != len(items):
            out.append(f"{d.target} has repeated elements ({d.clause})")
    for s in (s for s in cons.sorted if s.target in env and s.target not in skip):
        items = list(_elements(env[s.target]))
        if not all(_in_order(a, b, s.order) for a, b in itertools.pairwise(items)):
            out.append(f"{s.target} is not in {s.order} order ({s.clause})")
    for z in (z for z in cons.no_leading_zero if z.target in env and z.target not in skip):
        for s in _leaves(env[z.target]):
            if isinstance(s, str) and len(s) > 1 and s[0] == "0":
                out.append(f"{z.target} has a leading zero ({z.clause})")
                break
    for t in (t for t in cons.tree_edges if t.target in env and t.target not in skip):
        problem = _tree_problem(env[t.target], t.first)
        if problem:
            out.append(f"{t.target} {problem} ({t.clause})")
    for st in (st for st in cons.search_trees if st.target in raw and st.target not in skip):
        order = _inorder(raw[st.target])
        if any(a >= b for a, b in itertools.pairwise(order)):
            out.append(f"{st.target} is not a binary search tree ({st.clause})")
    return out


def _elements(value: Any) -> list:
    return list(value) if isinstance(value, (list, str)) else []


def _hashable(v: Any) -> Any:
    return tuple(_hashable(x) for x in v) if isinstance(v, list) else v


def _in_order(a: Any, b: Any, order: str) -> bool:
    try:
        return {"non-decreasing": a <= b, "increasing": a < b,
                "non-increasing": a >= b, "decreasing": a > b}[order]
    except TypeError:
        return False


def _tree_problem(edges: Any, first: int) -> str | None:
    """None when `edges` is a tree on the labels first .. first + len(edges)."""
    n = len(edges) + 1
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        if not (isinstance(e, list) and len(e) == 2 and all(isinstance(x, int) for x in e)):
            return f"has an edge {e!r} that is not a pair of labels"
        a, c = e[0] - first, e[1] - first
        if not (0 <= a < n and 0 <= c < n):
            return f"has an edge {e} with a label outside {first}..{first + n - 1}"
        ra, rc = find(a), find(c)
        if ra == rc:
            return f"is not a tree (edge {e} closes a cycle or repeats)"
        parent[ra] = rc
    return None


def _inorder(level_order: list | None) -> list:
    out: list = []
    stack: list = []
    node = harness.build_tree(level_order)
    while stack or node is not None:
        while node is not None:
            stack.append(node)
            node = node.left
        node = stack.pop()
        out.append(node.val)
        node = node.right
    return out


__all__ = ["NODE_TYPES", "bind_symbols", "validate_input"]
