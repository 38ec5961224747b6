"""One input from a plan and a profile: slots solved, then every parameter's value
built field by field (see `plan.py`). Returns None on a dead end; the caller
validates whatever it returns, so a value built here is never trusted blindly."""

from __future__ import annotations

import ast
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from agent.testgen import expr, values
from agent.testgen.model import Constraints
from agent.testgen.plan import (
    ElementRelation,
    Key,
    Plan,
    _replace_slots,
    field_orders,
    key_matches,
    make_plan,
)
from agent.testgen.solver import INF, Var, interval, solve
from agent.testgen.types import NODE_TYPES, depth, int_range, leaf
from judge.signature import DesignSignature, FunctionSignature

SIZE_CAPS = {"min": 0, "small": 10, "medium": 1000, "large": 10_000, "max": None}
DEFAULT_CALLS = 1000  # design problems that state no limit on calls
_ROW_TRIES = 60


@dataclass(frozen=True)
class Profile:
    size: str = "small"  # min | small | medium | large | max
    values: str = "random"  # one of values.VALUE_MODES
    shape: str = "random"  # tree / edge-list shape
    scale: float = 1.0  # shrinks sizes when a test is over its byte budget

    def shrunk(self, factor: float) -> Profile:
        return replace(self, scale=max(1e-6, self.scale * factor))


@dataclass
class _Bound:
    key: Key
    op: str  # "<=" "<" "==" as `key op other` / reversed when `upper` is False
    other: ast.expr  # slots replaced by solver names
    upper: bool


class InputBuilder:
    def __init__(self, cons: Constraints, signature: FunctionSignature | DesignSignature) -> None:
        self.cons = cons
        self.signature = signature
        self.per_call: set[str] = set()
        if isinstance(signature, DesignSignature):
            self.per_call = ({q.name for m in signature.methods for q in m.params}
                             - {q.name for q in signature.constructor})
        self.plan: Plan = make_plan(cons, self.per_call)
        self.bounds: list[_Bound] = []
        self.coupled: list[ElementRelation] = []
        for r in self.plan.element_rels:
            lone = [(s, o, up) for s, o, up in ((r.left, r.right, True), (r.right, r.left, False))
                    if s.key is not None and not _has_field(o.node, self.plan)]
            if lone:
                side, other, upper = lone[0]
                self.bounds.append(_Bound(side.key, r.op, _replace_slots(other.node, self.plan), upper))  # type: ignore[arg-type]
            else:
                self.coupled.append(r)
        self.charsets = {c.target: c.chars for c in cons.charsets}
        self.one_of = {o.target: o.values for o in cons.one_of}
        self.distinct = {d.target for d in cons.distinct}
        self.sorted = {s.target: s.order for s in cons.sorted}
        self.no_leading_zero = {z.target for z in cons.no_leading_zero}
        self.edges = {t.target: t.first for t in cons.tree_edges}
        self.search = {s.target for s in cons.search_trees}
        self.checks = {r.text: expr.compile_check(*_canon(r), cons.params) for r in self.coupled}
        self.orders = field_orders(self.plan)

    # ---------------------------------------------------------------- slots

    def solve_slots(self, profile: Profile, rng: random.Random) -> dict[str, Any] | None:
        plan = self.plan
        variables = {plan.slot_ids[t]: Var(v.lo, v.hi, v.integral) for t, v in plan.slots.items()}

        def pick(name: str, var: Var, r: random.Random) -> float:
            lo, hi = var.lo, var.hi
            if name in plan.size_slots:
                hi = _capped(lo, hi, profile)
                if profile.size == "max" or not var.integral:
                    return hi
                if profile.size in ("medium", "large") and hi - lo > 10:  # log-uniform: sizes of every order
                    return min(hi, lo + math.floor(math.exp(r.uniform(0, math.log(hi - lo + 1)))) - 1)
                return r.randint(int(lo), int(hi))
            if lo == -INF or hi == INF:
                lo, hi = _finite(lo, hi)
            return values.number(lo, hi, profile.values if profile.values in ("min", "max", "extreme")
                                 else "random", r, var.integral)

        slots = solve(variables, plan.global_rels, plan.order, pick, rng)
        if slots is None:
            return None
        return slots

    def named(self, slots: dict[str, Any]) -> dict[str, Any]:
        """Slot values by the names relations use (`k`, `n`), for element checks."""
        return {t: slots[sid] for t, sid in self.plan.slot_ids.items() if "(" not in t}

    # ---------------------------------------------------------------- fields

    def domain(self, key: Key, slots: dict[str, Any], base: Var, _hops: int = 3) -> Var:
        """The range of a field: its own bounds, and through field orders the bounds
        of the fields it is ordered with (`0 <= l <= r < n`: l < n and 0 <= r), so
        that a row put in order by `_swap_pairs` stays within every field's range."""
        var = self._own_domain(key, slots, base)
        for a, op, c in self.orders if _hops else ():
            for this, other, below in ((a, c, True), (c, a, False)):
                if this == other or not key_matches(this, key):
                    continue
                bound = self.domain(other, slots, self._type_of(other), _hops - 1)
                step = 1 if op == "<" and var.integral else 0
                if below or op == "==":
                    var.hi = min(var.hi, bound.hi - (step if below else 0))
                if not below or op == "==":
                    var.lo = max(var.lo, bound.lo + (0 if below else step))
        return var

    def _type_of(self, key: Key) -> Var:
        if key[0] == "len":
            return Var(0, INF, True)
        name = key[0]
        return _type_var(leaf(self.cons.params[name]), name in self.plan.wide)

    def _own_domain(self, key: Key, slots: dict[str, Any], base: Var) -> Var:
        var = Var(base.lo, base.hi, base.integral)
        dom = {k: (v, v) for k, v in slots.items()}
        for b in self.bounds:
            if not key_matches(b.key, key):
                continue
            lo, hi = interval(b.other, dom)
            strict = b.op == "<"
            if b.op == "==":
                var.lo, var.hi = max(var.lo, lo), min(var.hi, hi)
            elif b.upper:
                var.hi = min(var.hi, hi - 1 if strict and var.integral else hi)
            else:
                var.lo = max(var.lo, lo + 1 if strict and var.integral else lo)
        if var.integral:
            var.lo = math.ceil(var.lo) if var.lo > -INF else var.lo
            var.hi = math.floor(var.hi) if var.hi < INF else var.hi
        return var

    def value(self, name: str, t: str, slots: dict[str, Any], profile: Profile,
              rng: random.Random) -> Any:
        """One parameter's value; raises _DeadEnd when its constraints cannot be met."""
        plan = self.plan
        if t in ("integer", "long", "double"):
            sid = plan.slot_ids.get(name)
            if sid is not None:
                return slots[sid]
            return self._number((name, ()), t, slots, profile.values, rng)
        if t == "boolean":
            return rng.random() < 0.5
        if t == "character":
            return self._chars(name, 1, profile, rng)
        if t == "string":
            n = self._length(name, ("len", name, ()), slots, profile, rng)
            return self._chars(name, n, profile, rng)
        n = self._length(name, ("len", name, ()), slots, profile, rng)
        if name in self.edges:
            return self._edges(name, n, slots, profile, rng)
        if self.coupled_params(name):
            return None  # built with its group
        if t in NODE_TYPES:
            return self._nodes(name, t, n, slots, profile, rng)
        return self._list(name, t, n, slots, profile, rng)

    def coupled_params(self, name: str) -> frozenset[str]:
        group: set[str] = set()
        for r in self.coupled:
            if name in r.params:
                group |= r.params
        return frozenset(group)

    def _length(self, name: str, key: Key, slots: dict[str, Any], profile: Profile,
                rng: random.Random) -> int:
        sid = self.plan.slot_ids.get(f"len({name})")
        if sid is not None and key == ("len", name, ()):
            return int(slots[sid])
        var = self.domain(key, slots, Var(0, INF, True))
        if var.hi == INF:
            raise _DeadEnd(f"no bound on {key}")
        hi = _capped(var.lo, var.hi, profile)
        if var.lo > hi:
            raise _DeadEnd(f"empty length range for {key}")
        return hi if profile.size == "max" else rng.randint(int(var.lo), int(hi))

    def _number(self, key: Key, t: str, slots: dict[str, Any], mode: str, rng: random.Random) -> Any:
        name = key[0]
        if name in self.one_of:
            return rng.choice(self.one_of[name])
        base = _type_var(t, name in self.plan.wide)
        var = self.domain(key, slots, base)
        if var.lo > var.hi or var.lo == -INF or var.hi == INF:
            raise _DeadEnd(f"no range for {key}")
        return values.number(var.lo, var.hi, mode if mode in ("min", "max", "extreme") else "random",
                             rng, var.integral)

    def _chars(self, name: str, n: int, profile: Profile, rng: random.Random) -> Any:
        if name in self.one_of:
            return rng.choice(self.one_of[name])
        chars = self.charsets.get(name)
        if not chars:
            raise _DeadEnd(f"no character set for {name}")
        out = values.text(n, chars, profile.values, rng, no_leading_zero=name in self.no_leading_zero)
        if out is None:
            raise _DeadEnd(f"no string for {name}")
        return out

    def _list(self, name: str, t: str, n: int, slots: dict[str, Any], profile: Profile,
              rng: random.Random) -> list:
        d, base = depth(t), leaf(t)
        if d == 1:
            if base == "string":
                return [self._word(name, slots, profile, rng) for _ in range(n)]
            if base in ("character", "boolean"):
                return [self.value(name, base, slots, profile, rng) for _ in range(n)]
            return self._flat(name, base, (name, ("*",)), n, slots, profile, rng)
        width = int(slots[self.plan.slot_ids[f"len({name}[i])"]])
        if name in self.one_of:  # "grid[i][j] is either 0 or 1"
            return [self._flat(name, base, (name, ("*", 0)), width, slots, profile, rng) for _ in range(n)]
        if base in ("character", "boolean"):
            return [[self.value(name, base, slots, profile, rng) for _ in range(width)] for _ in range(n)]
        return self._rows({name: (base, width)}, n, slots, profile, rng)[name]

    def _word(self, name: str, slots: dict[str, Any], profile: Profile, rng: random.Random) -> str:
        if name in self.one_of:
            return rng.choice(self.one_of[name])
        length = self._length(name, ("len", name, ("*",)), slots, profile, rng)
        return self._chars(name, length, profile, rng)

    def _flat(self, name: str, base: str, key: Key, n: int, slots: dict[str, Any], profile: Profile,
              rng: random.Random) -> list:
        if name in self.one_of:
            choices = self.one_of[name]
            if profile.values == "equal":
                return [rng.choice(choices)] * n
            return [rng.choice(choices) for _ in range(n)]
        var = self.domain(key, slots, _type_var(base, name in self.plan.wide))
        if var.lo > var.hi or var.lo == -INF or var.hi == INF:
            raise _DeadEnd(f"no range for {name}")
        order = self.sorted.get(name)
        distinct = name in self.distinct or order in ("increasing", "decreasing")
        out = values.numbers(n, var.lo, var.hi, profile.values, rng, distinct=distinct,
                             integral=var.integral)
        if out is None:
            raise _DeadEnd(f"{n} distinct values do not fit the range of {name}")
        if order:
            out.sort(reverse=order in ("non-increasing", "decreasing"))
        return out

    def _nodes(self, name: str, t: str, n: int, slots: dict[str, Any], profile: Profile,
               rng: random.Random) -> list:
        if name in self.search:
            var = self.domain((name, ("*",)), slots, _type_var("integer", name in self.plan.wide))
            vals = values.numbers(n, var.lo, var.hi, "random", rng, distinct=True)
            if vals is None:
                raise _DeadEnd(f"{n} distinct values do not fit the range of {name}")
            return values.tree(sorted(vals), profile.shape, rng, in_order=True)
        vals = self._flat(name, "integer", (name, ("*",)), n, slots, profile, rng)
        if t == "ListNode":
            return vals
        return values.tree(vals, profile.shape, rng)

    def _edges(self, name: str, n: int, slots: dict[str, Any], profile: Profile,
               rng: random.Random) -> list:
        first = self.edges[name]
        shape = profile.shape if profile.shape in values.EDGE_SHAPES else "random"
        edges = values.tree_edges(n + 1, first, shape, rng)
        width = int(slots.get(self.plan.slot_ids.get(f"len({name}[i])", ""), 2))
        if width > 2:
            extra = self._rows({name: ("integer", width)}, n, slots, profile, rng, skip=2)[name]
            edges = [e + row[2:] for e, row in zip(edges, extra, strict=True)]
        return edges

    def _rows(self, shapes: dict[str, tuple[str, int | None]], n: int, slots: dict[str, Any],
              profile: Profile, rng: random.Random, skip: int = 0) -> dict[str, list]:
        """n elements of each parameter in a group, built index by index: `shapes` maps
        a parameter to (leaf type, row width or None for a flat list)."""
        fields: list[tuple[str, int | None, Var]] = []
        for name, (base, width) in shapes.items():
            if width is None:
                fields.append((name, None, self.domain((name, ("*",)), slots, _type_var(base, name in self.plan.wide))))
            else:
                fields += [(name, c, self.domain((name, ("*", c)), slots, _type_var(base, name in self.plan.wide)))
                           for c in range(width)]
        for _, _, var in fields:
            if var.lo > var.hi or var.lo == -INF or var.hi == INF:
                raise _DeadEnd("a field has no range")
        samplers = [_sampler(var, profile.values, rng) for _, _, var in fields]
        checks = [self.checks[r.text] for r in self.coupled if r.params <= shapes.keys()]
        named = self.named(slots)
        out: dict[str, list] = {name: [] for name in shapes}
        distinct = [name for name in shapes if name in self.distinct]
        seen: dict[str, set] = {name: set() for name in distinct}
        for _ in range(n):
            for _attempt in range(_ROW_TRIES):
                row: dict[str, Any] = {name: ([None] * w if w is not None else None)
                                       for name, (_, w) in shapes.items()}
                for (name, c, _), sample in zip(fields, samplers, strict=True):
                    if c is None:
                        row[name] = sample()
                    elif c >= skip:
                        row[name][c] = sample()
                if checks and not self._row_ok(row, checks, named):
                    self._swap_pairs(row, fields)
                    if not self._row_ok(row, checks, named):
                        continue
                if any(_frozen(row[name]) in seen[name] for name in distinct):
                    continue
                for name in distinct:
                    seen[name].add(_frozen(row[name]))
                for name in shapes:
                    out[name].append(row[name])
                break
            else:
                raise _DeadEnd("no element satisfies the relations between its fields")
        for name, order in self.sorted.items():
            if name in out:
                out[name].sort(reverse=order in ("non-increasing", "decreasing"))
        return out

    def _row_ok(self, row: dict[str, Any], checks: list, named: dict[str, Any]) -> bool:
        env = named | {name: [v] for name, v in row.items()}
        try:
            return all(not check(env) for check, _ in checks)
        except (IndexError, TypeError, ValueError, ZeroDivisionError, KeyError):
            return False

    def _swap_pairs(self, row: dict[str, Any], fields: list) -> None:
        """`a < b` between two fields of one element: order the drawn values (most such
        relations are orderings, which independent draws meet half the time)."""
        for r in self.coupled:
            keys = (r.left.key, r.right.key)
            if r.op not in ("<", "<=") or None in keys:
                continue
            a, b = (_get(row, k) for k in keys)
            if a is not None and b is not None and a > b:
                _put(row, keys[0], b)
                _put(row, keys[1], a)

    def group_values(self, group: frozenset[str], slots: dict[str, Any], profile: Profile,
                     rng: random.Random) -> dict[str, list]:
        """Parameters whose elements relations tie index by index (`start[i] < end[i]`)."""
        lengths = {int(slots[self.plan.slot_ids[f"len({p})"]]) for p in group}
        if len(lengths) != 1:
            raise _DeadEnd("related lists have different lengths")
        shapes: dict[str, tuple[str, int | None]] = {}
        for p in group:
            t = self.cons.params[p]
            if depth(t) == 1 and leaf(t) in ("integer", "long", "double"):
                shapes[p] = (leaf(t), None)
            elif depth(t) == 2 and leaf(t) in ("integer", "long", "double"):
                shapes[p] = (leaf(t), int(slots[self.plan.slot_ids[f"len({p}[i])"]]))
            else:
                raise _DeadEnd(f"elements of {p} ({t}) cannot be built with a related list")
        return self._rows(shapes, lengths.pop(), slots, profile, rng)

    # ---------------------------------------------------------------- inputs

    def build(self, profile: Profile, rng: random.Random) -> list | None:
        try:
            slots = self.solve_slots(profile, rng)
            if slots is None:
                return None
            if isinstance(self.signature, DesignSignature):
                return self._design(slots, profile, rng)
            return self._function(slots, profile, rng)
        except _DeadEnd:
            return None

    def _function(self, slots: dict[str, Any], profile: Profile, rng: random.Random) -> list:
        out: dict[str, Any] = {}
        params = self.signature.params  # type: ignore[union-attr]
        for p in params:
            if p.name in out:
                continue
            t = self.cons.params[p.name]
            group = self.coupled_params(p.name) if p.name not in self.edges else frozenset()
            if len(group) > 1 or (group and depth(t) >= 1 and t not in NODE_TYPES):
                out |= self.group_values(group, slots, profile, rng)
            else:
                out[p.name] = self.value(p.name, t, slots, profile, rng)
        return [out[p.name] for p in params]

    def _design(self, slots: dict[str, Any], profile: Profile, rng: random.Random) -> list:
        sig = self.signature
        assert isinstance(sig, DesignSignature)
        ctor = [self.value(p.name, self.cons.params[p.name], slots, profile, rng) for p in sig.constructor]
        total, per_method = self._call_budget(slots, profile, rng)
        named = self.named(slots)
        calls, args = [sig.classname], [ctor]
        checks = [(r, self.checks[r.text]) for r in self.coupled]
        remaining = dict(per_method)
        for _ in range(total):
            open_methods = [m for m in sig.methods if remaining.get(m.name, 1) > 0]
            if not open_methods:
                break
            method = rng.choice(open_methods)
            for _attempt in range(_ROW_TRIES):
                argv = [self.value(p.name, self.cons.params[p.name], slots, profile, rng)
                        for p in method.params]
                env = named | {p.name: v for p, v in zip(method.params, argv, strict=True)}
                if all(not check(env) for r, (check, needed) in checks if needed <= env.keys()):
                    break
            else:
                raise _DeadEnd(f"no arguments for {method.name} satisfy the relations")
            calls.append(method.name)
            args.append(argv)
            if method.name in remaining:
                remaining[method.name] -= 1
        return [calls, args]

    def _call_budget(self, slots: dict[str, Any], profile: Profile, rng: random.Random
                     ) -> tuple[int, dict[str, int]]:
        total = DEFAULT_CALLS
        per_method: dict[str, int] = {}
        for limit in self.cons.call_limits:
            bound = int(expr.compile_value(expr.parse_canonical(limit.limit))({}))
            if limit.methods and len(limit.methods) == 1:
                per_method[limit.methods[0]] = min(per_method.get(limit.methods[0], bound), bound)
            elif limit.methods and set(limit.methods) != {m.name for m in self.signature.methods}:  # type: ignore[union-attr]
                for m in limit.methods:  # a shared limit: split it
                    per_method[m] = min(per_method.get(m, bound), bound // len(limit.methods))
            else:
                total = min(total, bound)
        if per_method and not any(not lim.methods for lim in self.cons.call_limits):
            total = sum(per_method.values()) if len(per_method) == len(self.signature.methods) else total  # type: ignore[union-attr]
        hi = _capped(1, total, profile)
        n = hi if profile.size == "max" else rng.randint(1, max(1, int(hi)))
        return int(n), per_method


class _DeadEnd(Exception):
    """The drawn slots leave some value without a valid choice."""


def _has_field(node: ast.expr, plan: Plan) -> bool:
    from agent.testgen.plan import key_of

    return any(key_of(s, plan.params, plan.per_call) for s in ast.walk(node)
               if isinstance(s, (ast.Subscript, ast.Call, ast.Name)))


def _canon(r: ElementRelation) -> tuple[ast.expr, str, ast.expr]:
    left, op, right = r.canonical
    return expr.parse_canonical(left), op, expr.parse_canonical(right)


def _type_var(base: str, wide: bool = False) -> Var:
    bounds = int_range(base, wide)
    if bounds is not None:
        return Var(bounds[0], bounds[1], True)
    return Var(-INF, INF, base != "double")


def _capped(lo: float, hi: float, profile: Profile) -> float:
    cap = SIZE_CAPS[profile.size]
    top = hi if cap is None else min(hi, max(lo, cap))
    if profile.scale < 1 and top < INF:
        top = lo + math.floor((top - lo) * profile.scale)
    return max(lo, top)


def _finite(lo: float, hi: float) -> tuple[float, float]:
    return (lo if lo > -INF else -(2**31)), (hi if hi < INF else 2**31 - 1)


def _sampler(var: Var, mode: str, rng: random.Random) -> Callable[[], Any]:
    lo, hi = var.lo, var.hi
    if mode == "equal":
        fixed = values.number(lo, hi, "random", rng, var.integral)
        return lambda: fixed
    if mode == "narrow" and var.integral:
        width = max(1, min(int(hi - lo + 1), rng.choice([2, 3, 5, 10])))
        start = rng.randint(int(lo), int(hi - width + 1))
        return lambda: rng.randint(start, start + width - 1)
    draw_mode = mode if mode in ("min", "max", "extreme") else "random"
    return lambda: values.number(lo, hi, draw_mode, rng, var.integral)


def _frozen(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def _get(row: dict[str, Any], key: Key) -> Any:
    name, path = key[0], key[1]
    if name not in row or key[0] == "len":
        return None
    v = row[name]
    if len(path) == 1:
        return v if not isinstance(v, list) else None
    if len(path) == 2 and isinstance(path[1], int) and isinstance(v, list) and path[1] < len(v):
        return v[path[1]]
    return None


def _put(row: dict[str, Any], key: Key, value: Any) -> None:
    name, path = key[0], key[1]
    if len(path) == 1:
        row[name] = value
    else:
        row[name][path[1]] = value
