"""Integer and real variables under relations: interval propagation, then one value
at a time (lengths, scalar parameters, symbols; or the fields of one list element).

Relations are ASTs over variable names and constants. Propagation is sound
(interval arithmetic only over-approximates), so it never removes a feasible
value; a relation it cannot use (`m * n <= 10^5` before m or n is known, `1 < b - a`)
is solved when a single variable of it is left, by searching the values that
satisfy it, and every relation is checked on the final assignment. A dead end
returns None and the caller draws again.
"""

from __future__ import annotations

import ast
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.testgen.expr import FUNCTIONS, compile_value

INF = math.inf
Interval = tuple[float, float]


@dataclass
class Var:
    lo: float = -INF
    hi: float = INF
    integral: bool = True


@dataclass
class Rel:
    left: ast.expr
    op: str
    right: ast.expr
    names: frozenset[str] = frozenset()
    test: Callable[[dict[str, Any]], bool] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        both = ast.Tuple([self.left, self.right], ast.Load())
        self.names = frozenset(n.id for n in ast.walk(both) if isinstance(n, ast.Name)
                               and n.id not in FUNCTIONS)
        left, right = compile_value(self.left), compile_value(self.right)
        op = self.op

        def test(env: dict[str, Any]) -> bool:
            a, b = left(env), right(env)
            return bool({"<=": a <= b, "<": a < b, "==": a == b, "!=": a != b}[op])

        self.test = test

    def holds(self, env: dict[str, Any]) -> bool:
        try:
            return self.test(env)  # type: ignore[misc]
        except (ArithmeticError, TypeError, ValueError, KeyError):
            return False


# ------------------------------------------------------------- interval arithmetic


def interval(node: ast.expr, dom: dict[str, Interval]) -> Interval:
    """Bounds of an expression given bounds of its names (-inf..inf when unknown)."""
    if isinstance(node, ast.Constant):
        v = node.value
        return (v, v) if isinstance(v, (int, float)) and not isinstance(v, bool) else (-INF, INF)
    if isinstance(node, ast.Name):
        return dom.get(node.id, (-INF, INF))
    if isinstance(node, ast.UnaryOp):
        lo, hi = interval(node.operand, dom)
        return (-hi, -lo) if isinstance(node.op, ast.USub) else (lo, hi)
    if isinstance(node, ast.BinOp):
        return _binop(node.op, interval(node.left, dom), interval(node.right, dom))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = [interval(a, dom) for a in node.args]
        f = node.func.id
        if f == "min":
            return (min(a[0] for a in args), min(a[1] for a in args))
        if f == "max":
            return (max(a[0] for a in args), max(a[1] for a in args))
        if f in ("floor", "ceil") and len(args) == 1:
            lo, hi = args[0]
            fn = math.floor if f == "floor" else math.ceil
            return (fn(lo) if lo > -INF else lo, fn(hi) if hi < INF else hi)
        if f == "abs" and len(args) == 1:
            lo, hi = args[0]
            if lo >= 0:
                return (lo, hi)
            if hi <= 0:
                return (-hi, -lo)
            return (0, max(-lo, hi))
    return (-INF, INF)


def _mul(a: float, b: float) -> float:
    if a == 0 or b == 0:
        return 0
    return a * b


def _binop(op: ast.operator, a: Interval, b: Interval) -> Interval:
    if isinstance(op, ast.Add):
        return (a[0] + b[0], a[1] + b[1])
    if isinstance(op, ast.Sub):
        return (a[0] - b[1], a[1] - b[0])
    if isinstance(op, ast.Mult):
        products = [_mul(x, y) for x in a for y in b]
        return (min(products), max(products))
    if isinstance(op, (ast.Div, ast.FloorDiv)):
        if b[0] <= 0 <= b[1]:
            return (-INF, INF)
        quotients = [x / y if abs(y) != INF else 0.0 for x in a for y in b]
        lo, hi = min(quotients), max(quotients)
        if isinstance(op, ast.FloorDiv):
            lo, hi = (math.floor(lo) if lo > -INF else lo), (math.floor(hi) if hi < INF else hi)
        return (lo, hi)
    if isinstance(op, ast.Mod) and b[0] == b[1] and b[0] > 0:
        return (0, b[0] - 1)
    if isinstance(op, ast.Pow) and a[0] == a[1] and b[0] == b[1]:
        try:
            v = a[0] ** b[0]
        except (OverflowError, ZeroDivisionError):
            return (-INF, INF)
        return (v, v)
    return (-INF, INF)


# ------------------------------------------------------------------ solving


def _single(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def propagate(variables: dict[str, Var], relations: list[Rel], rounds: int = 8) -> bool:
    """Tighten bounds from relations with a lone variable on one side. False if some
    variable's bounds become empty."""
    for _ in range(rounds):
        changed = False
        dom = {n: (v.lo, v.hi) for n, v in variables.items()}
        for r in relations:
            for side, other, upper in ((r.left, r.right, True), (r.right, r.left, False)):
                name = _single(side)
                if name is None or name not in variables:
                    continue
                var = variables[name]
                lo, hi = interval(other, dom)
                strict = r.op == "<"
                if r.op == "==":
                    new_lo, new_hi = max(var.lo, lo), min(var.hi, hi)
                elif r.op in ("<=", "<") and upper:  # name <(=) other
                    new_lo, new_hi = var.lo, min(var.hi, hi - 1 if strict and var.integral else hi)
                elif r.op in ("<=", "<"):  # other <(=) name
                    new_lo, new_hi = max(var.lo, lo + 1 if strict and var.integral else lo), var.hi
                else:
                    continue
                if var.integral:
                    new_lo = math.ceil(new_lo) if new_lo > -INF else new_lo
                    new_hi = math.floor(new_hi) if new_hi < INF else new_hi
                if (new_lo, new_hi) != (var.lo, var.hi):
                    var.lo, var.hi = new_lo, new_hi
                    dom[name] = (new_lo, new_hi)
                    changed = True
                if var.lo > var.hi:
                    return False
        if not changed:
            return True
    return True


Picker = Callable[[str, Var, random.Random], float]


def solve(variables: dict[str, Var], relations: list[Rel], order: list[str],
          pick: Picker, rng: random.Random, fixed: dict[str, Any] | None = None
          ) -> dict[str, Any] | None:
    """Assign every variable in `order` (bounds propagated before each choice);
    None on a dead end. `fixed` values are constants the relations may read."""
    fixed = dict(fixed or {})
    variables = {n: Var(v.lo, v.hi, v.integral) for n, v in variables.items()}
    consts = [Rel(_bind(r.left, fixed), r.op, _bind(r.right, fixed)) if r.names & fixed.keys() else r
              for r in relations]
    assigned: dict[str, Any] = {}
    for name in order:
        if not propagate(variables, consts):
            return None
        var = variables[name]
        if var.lo > var.hi:
            return None
        value = pick(name, var, rng)
        pending = [r for r in consts if name in r.names and r.names - {name} <= assigned.keys() | fixed.keys()]
        if pending:
            value = _satisfy(name, var, value, pending, assigned | fixed, rng)
            if value is None:
                return None
        assigned[name] = value
        var.lo = var.hi = value
    env = assigned | fixed
    if not all(r.holds(env) for r in consts if r.names <= env.keys()):
        return None
    return assigned


def _bind(node: ast.expr, values: dict[str, Any]) -> ast.expr:
    class Sub(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> ast.expr:
            return ast.Constant(values[n.id]) if n.id in values else n

    return Sub().visit(ast.parse(ast.unparse(node), mode="eval").body)


def _satisfy(name: str, var: Var, preferred: float, rels: list[Rel], env: dict[str, Any],
             rng: random.Random) -> float | None:
    """A value of `name` near `preferred` that satisfies `rels` (all other names known);
    assumes the satisfying values form an interval, as for every monotone relation."""

    def ok(x: float) -> bool:
        e = env | {name: x}
        return all(r.holds(e) for r in rels)

    if ok(preferred):
        return preferred
    lo, hi = var.lo, var.hi
    candidates = [c for c in (lo, hi) if c not in (-INF, INF)]
    finite_lo = lo if lo > -INF else -(10**18)
    finite_hi = hi if hi < INF else 10**18
    for _ in range(24):
        x = rng.uniform(finite_lo, finite_hi)
        candidates.append(round(x) if var.integral else x)
    good = next((c for c in candidates if ok(c)), None)
    if good is None:
        return None
    a, b = (good, preferred)  # a satisfies, b does not: move a toward b
    for _ in range(80):
        if var.integral and abs(a - b) <= 1:
            break
        if not var.integral and abs(a - b) <= 1e-9 * max(1.0, abs(a)):
            break
        mid = (a + b) // 2 if var.integral else (a + b) / 2
        if ok(mid):
            a = mid
        else:
            b = mid
    return a
