"""How a problem's inputs are generated, derived from its constraints, and whether
that is safe (`check_plan`: the reasons it is not).

Two levels of unknowns:
- *slots*: scalars fixed once per test -- scalar parameters, symbols (`n`),
  lengths (`len(nums)`) and the row length of a 2-D list (`len(grid[i])`: rows
  are generated with one length, a rectangle, which satisfies any per-row bound);
  solved together by `solver.solve`;
- *fields*: per-element values (`nums[i]`, `queries[i][0]`, `grid[i][j]`,
  `len(words[i])`, node values), each drawn from the interval its relations give
  once the slots are known; relations tying several fields of one element
  (`queries[i][0] < queries[i][1]`) are checked per element.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from agent.testgen import expr
from agent.testgen.model import Constraints
from agent.testgen.solver import Rel, Var
from agent.testgen.types import NODE_TYPES, depth, int_range, leaf, wide_params

Key = tuple  # ("nums", ("*",)), ("queries", ("*", 0)), ("len", "words", ("*",))
_INDEX_NAMES = ("i", "j", "k", "p", "q", "r")
_SCALARS = ("integer", "long", "double")


@dataclass
class Side:
    node: ast.expr
    key: Key | None  # the field or slot this side is, when it is one alone


@dataclass
class ElementRelation:
    left: Side
    op: str
    right: Side
    text: str
    params: frozenset[str]  # parameters whose elements it reads
    canonical: tuple[str, str, str]  # (left, op, right) with indices renamed, for checks


@dataclass
class Plan:
    params: dict[str, str]
    slots: dict[str, Var] = field(default_factory=dict)  # slot text -> bounds
    slot_ids: dict[str, str] = field(default_factory=dict)  # slot text -> solver name
    global_rels: list[Rel] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # solver names
    size_slots: set[str] = field(default_factory=set)  # solver names of length-like slots
    element_rels: list[ElementRelation] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)  # relations only checked (sum(...), ...)
    problems: list[str] = field(default_factory=list)
    per_call: frozenset[str] = frozenset()  # design: method parameters, drawn per call
    wide: frozenset[str] = frozenset()  # integer parameters the statement allows past 32 bits

    def slot_name(self, text: str) -> str:
        return self.slot_ids[text]


def is_rectangular(type_name: str) -> bool:
    """2-D lists of numbers, booleans or characters are generated as rectangles."""
    return depth(type_name) == 2 and leaf(type_name) != "string"


def slot_of(node: ast.expr, params: dict[str, str]) -> str | None:
    """The slot an expression is, if it is one: `k`, `n`, `len(nums)`, `len(grid[i])`."""
    if isinstance(node, ast.Name):
        t = params.get(node.id)
        return node.id if t is None or t in _SCALARS else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" \
            and len(node.args) == 1:
        arg = node.args[0]
        if isinstance(arg, ast.Name) and arg.id in params:
            return f"len({arg.id})"
        if isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name) \
                and isinstance(arg.slice, ast.Name) and arg.slice.id not in params \
                and is_rectangular(params.get(arg.value.id, "")):
            return f"len({arg.value.id}[i])"
    return None


def key_of(node: ast.expr, params: dict[str, str], per_call: frozenset[str] = frozenset()) -> Key | None:
    """The field an expression is: a subscript chain of a parameter (free index -> "*"),
    the length of one, or a design method's parameter (drawn per call)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        inner = key_of(node.args[0], params, per_call)
        return ("len", *inner) if inner and (inner[1] or inner[0] in per_call) else None
    if isinstance(node, ast.Name) and node.id in per_call:
        return (node.id, ())
    path: list[object] = []
    while isinstance(node, ast.Subscript):
        index = node.slice
        if isinstance(index, ast.Constant):
            path.append(index.value)
        elif isinstance(index, ast.Name) and index.id not in params:
            path.append("*")
        else:
            return None
        node = node.value
    if isinstance(node, ast.Name) and node.id in params and path:
        return (node.id, tuple(reversed(path)))
    return None


def canonical_indices(left: ast.expr, right: ast.expr, params: dict[str, str]) -> tuple[ast.expr, ast.expr]:
    """Free index names renamed i, j, k... in order of appearance (`grid[r][c]` ->
    `grid[i][j]`), so fields of different relations compare equal."""
    both = ast.Tuple([left, right], ast.Load())
    seen: list[str] = []
    for n, as_index in expr.walk_names(both):
        if as_index and n not in params and n not in seen:
            seen.append(n)
    taken = expr.value_names(both) | set(params)
    free_names = [x for x in _INDEX_NAMES if x not in taken]
    mapping = dict(zip(seen, free_names, strict=False))

    class Rename(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
            value = self.visit(node.value)
            index = node.slice
            if isinstance(index, ast.Name) and index.id in mapping:
                index = ast.Name(mapping[index.id], ast.Load())
            return ast.Subscript(value, index, ast.Load())

    fresh = [expr.parse_canonical(expr.unparse(x)) for x in (left, right)]
    return Rename().visit(fresh[0]), Rename().visit(fresh[1])


def _replace_slots(node: ast.expr, plan: Plan) -> ast.expr:
    params = plan.params

    class Sub(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> ast.expr:
            s = slot_of(n, params)
            return ast.Name(plan.slot_ids[s], ast.Load()) if s in plan.slot_ids else n

        def visit_Call(self, n: ast.Call) -> ast.expr:
            s = slot_of(n, params)
            if s is not None and s in plan.slot_ids:
                return ast.Name(plan.slot_ids[s], ast.Load())
            return ast.Call(n.func, [self.visit(a) for a in n.args], [])

    return Sub().visit(expr.parse_canonical(expr.unparse(node)))


def _slots_in(node: ast.expr, params: dict[str, str]) -> set[str]:
    """Slots an expression reads (a name inside `len(...)` or a subscript is not one)."""
    out: set[str] = set()

    def visit(n: ast.expr) -> None:
        s = slot_of(n, params)
        if s is not None:
            out.add(s)
        elif isinstance(n, ast.Call):
            for a in n.args:
                visit(a)
        elif isinstance(n, ast.BinOp):
            visit(n.left)
            visit(n.right)
        elif isinstance(n, ast.UnaryOp):
            visit(n.operand)

    visit(node)
    return out


def make_plan(cons: Constraints, design_params: set[str] | None = None) -> Plan:
    """`design_params`: method parameters (drawn per call, not slots)."""
    params = cons.params
    plan = Plan(params=params, per_call=frozenset(design_params or ()),
                wide=wide_params(((r.left, r.right) for r in cons.relations), params))
    per_call = plan.per_call
    texts: list[str] = []
    for name, t in params.items():
        if name in per_call:
            continue
        if t in _SCALARS:
            texts.append(name)
        elif t not in ("boolean", "character"):
            texts.append(f"len({name})")
            if is_rectangular(t):
                texts.append(f"len({name}[i])")
    parsed = []
    for r in cons.relations:
        left, right = canonical_indices(expr.parse_canonical(r.left), expr.parse_canonical(r.right), params)
        parsed.append((left, r.op, right, r))
        for side in (left, right):
            for s in sorted(_slots_in(side, params)):
                if s not in texts and s.split("[")[0].removeprefix("len(").rstrip(")") not in per_call:
                    texts.append(s)
    for k, text in enumerate(texts):
        plan.slot_ids[text] = f"v{k}"
        plan.slots[text] = _slot_bounds(text, params, plan.wide)
    lengths = {plan.slot_ids[t] for t in texts if t.startswith("len(")}
    for left, op, right, r in parsed:
        both = ast.Tuple([left, right], ast.Load())
        replaced = ast.Tuple([_replace_slots(left, plan), _replace_slots(right, plan)], ast.Load())
        free = expr.index_names(replaced, params) - _sum_bound(replaced)
        uses_per_call = expr.value_names(replaced) & per_call
        has_fields = any(isinstance(s, ast.Subscript) for s in ast.walk(replaced))
        if not uses_per_call and not has_fields and not free and not _has_aggregate(both):
            plan.global_rels.append(Rel(*replaced.elts[:1], op, replaced.elts[1]))  # type: ignore[misc]
        elif _has_aggregate(both) or (not free and has_fields):
            plan.opaque.append(r.text())
        else:
            plan.element_rels.append(ElementRelation(
                Side(left, key_of(left, params, per_call)), op, Side(right, key_of(right, params, per_call)),
                r.text(),
                frozenset(p for p in params if any(isinstance(n, ast.Name) and n.id == p
                                                   for n in ast.walk(both)) and params[p] not in _SCALARS),
                (expr.unparse(left), op, expr.unparse(right))))
    plan.size_slots = _size_like(plan, lengths)
    plan.order = _order(plan)
    return plan


def _sum_bound(node: ast.expr) -> set[str]:
    out: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "sum":
            out |= {n for n, as_index in expr.walk_names(sub) if as_index}
    return out


def _has_aggregate(node: ast.expr) -> bool:
    return any(isinstance(s, ast.Call) and isinstance(s.func, ast.Name) and s.func.id == "sum"
               for s in ast.walk(node))


def _slot_bounds(text: str, params: dict[str, str], wide: frozenset[str]) -> Var:
    if text.startswith("len("):
        return Var(0, float("inf"), True)
    t = params.get(text)
    if t is None:  # a symbol
        return Var(integral=True)
    bounds = int_range(t, text in wide)
    if bounds is None:
        return Var(integral=False)
    return Var(bounds[0], bounds[1], True)


def _size_like(plan: Plan, lengths: set[str]) -> set[str]:
    """Lengths, and whatever an equality ties to one (`n` in `n == nums.length`)."""
    sizes = set(lengths)
    changed = True
    while changed:
        changed = False
        for r in plan.global_rels:
            if r.op != "==":
                continue
            if r.names & sizes and not r.names <= sizes:
                sizes |= r.names
                changed = True
    return sizes


def _order(plan: Plan) -> list[str]:
    """Bigger first: in `a <= b`, b is chosen before a (`k <= nums.length`: the length
    first, then k within it); the side of an equality that is an expression first."""
    names = list(plan.slot_ids.values())
    before: dict[str, set[str]] = {n: set() for n in names}
    for r in plan.global_rels:
        left, right = r.left, r.right
        lone_left = isinstance(left, ast.Name) and left.id in before
        lone_right = isinstance(right, ast.Name) and right.id in before
        lv = {n.id for n in ast.walk(left) if isinstance(n, ast.Name) and n.id in before}
        rv = {n.id for n in ast.walk(right) if isinstance(n, ast.Name) and n.id in before}
        if r.op in ("<", "<=") and lone_left:
            before[left.id] |= rv  # type: ignore[attr-defined]
        elif r.op in ("<", "<=") and lone_right:
            before[right.id] |= lv  # type: ignore[attr-defined]
        elif r.op == "==" and lone_left and not lone_right:
            before[left.id] |= rv  # type: ignore[attr-defined]
        elif r.op == "==" and lone_right and not lone_left:
            before[right.id] |= lv  # type: ignore[attr-defined]
    order: list[str] = []
    remaining = list(names)
    while remaining:
        ready = [n for n in remaining if before[n] - {n} <= set(order)]
        nxt = ready[0] if ready else remaining[0]
        order.append(nxt)
        remaining.remove(nxt)
    return order


# ------------------------------------------------------------------ sufficiency


def check_plan(cons: Constraints, design_params: set[str] | None = None) -> list[str]:
    """Why inputs generated from these constraints could violate the statement: a
    value without bounds, a symbol the input never defines, a shape not handled."""
    from agent.testgen.solver import propagate

    problems: list[str] = []
    try:
        plan = make_plan(cons, design_params)
    except expr.ExprError as e:
        return [f"cannot plan generation: {e}"]
    variables = {plan.slot_ids[t]: Var(v.lo, v.hi, v.integral) for t, v in plan.slots.items()}
    if not propagate(variables, plan.global_rels, rounds=30):
        return ["the constraints on sizes and scalars contradict each other"]
    by_id = {v: k for k, v in plan.slot_ids.items()}
    for sid, var in variables.items():
        text = by_id[sid]
        if var.lo == float("-inf") or var.hi == float("inf"):
            what = "length" if text.startswith("len(") else "value"
            problems.append(f"no bound on the {what} {text}")
    problems += _shape_problems(cons, plan, design_params or set())
    problems += [f"relation only checkable after the fact: {t}" for t in plan.opaque
                 if not t.startswith("sum(") and "sum(" not in t]
    return problems


def _shape_problems(cons: Constraints, plan: Plan, per_call: set[str]) -> list[str]:
    out = []
    charsets = {c.target for c in cons.charsets}
    one_of = {o.target for o in cons.one_of}
    bounded = _bounded_fields(plan)
    for name, t in cons.params.items():
        d, base = depth(t), leaf(t)
        if d > 2 or (d == 2 and base == "string"):
            out.append(f"{name}: lists of type {t} are not generated")
            continue
        if base in ("string", "character") and name not in charsets and name not in one_of:
            out.append(f"{name}: no character set given")
        if base == "string" and d == 1 and name not in one_of and ("len", name, ("*",)) not in bounded:
            out.append(f"{name}: no bound on the length of its strings")
        if name in per_call and t in ("integer", "long", "double") and (name, ()) not in bounded:
            out.append(f"{name}: no bounds given")
        if name in per_call and base == "string" and d == 0 and name not in one_of \
                and ("len", name, ()) not in bounded:
            out.append(f"{name}: no bound on its length")
        if name in per_call and d >= 1:
            out.append(f"{name}: list arguments of design methods are not generated")
        needs_values = (base in ("integer", "long", "double") and d >= 1) or t in NODE_TYPES
        if needs_values and name not in one_of:
            missing = _unbounded_components(name, t, plan, bounded)
            out += [f"{name}: no bounds on the values {m}" for m in missing]
    return out


def _bounded_fields(plan: Plan) -> set[Key]:
    """Fields with a lower and an upper bound from relations with a lone field side."""
    lower: set[Key] = set()
    upper: set[Key] = set()
    for r in plan.element_rels:
        for this, other, is_left in ((r.left, r.right, True), (r.right, r.left, False)):
            if this.key is None or (other.key is not None and other.key == this.key):
                continue
            if _field_free(other.node, plan.params, plan.per_call):
                if r.op == "==":
                    lower.add(this.key)
                    upper.add(this.key)
                elif r.op in ("<", "<="):
                    (upper if is_left else lower).add(this.key)
    for _ in range(4):  # `a <= b <= 10^9`: b's upper bound is a's too
        for a, op, c in field_orders(plan):
            if any(key_matches(k, c) for k in upper):
                upper.add(a)
            if any(key_matches(k, a) for k in lower):
                lower.add(c)
            if op == "==":
                if any(key_matches(k, a) for k in upper):
                    upper.add(c)
                if any(key_matches(k, c) for k in lower):
                    lower.add(a)
    # bounded: a lower bound about the field or a more general one, and an upper one
    return {k for k in lower | upper
            if any(key_matches(lo, k) for lo in lower) and any(key_matches(u, k) for u in upper)}


def field_orders(plan: Plan) -> list[tuple[Key, str, Key]]:
    """`a op b` between two lone fields (`queries[i][0] <= queries[i][1]`), op in <, <=, ==."""
    return [(r.left.key, r.op, r.right.key) for r in plan.element_rels
            if r.left.key is not None and r.right.key is not None and r.op in ("<", "<=", "==")]


def key_matches(general: Key, specific: Key) -> bool:
    """Does a relation about `general` (`grid[i][j]`) speak of `specific` (`grid[i][0]`)?"""
    if len(general) != len(specific) or general[:-1] != specific[:-1]:
        return False
    gp, sp = general[-1], specific[-1]
    return len(gp) == len(sp) and all(g == "*" or g == s for g, s in zip(gp, sp, strict=True))


def _field_free(node: ast.expr, params: dict[str, str], per_call: frozenset[str] = frozenset()) -> bool:
    """No field inside: only slots, constants and functions of them."""
    return not any(key_of(s, params, per_call) for s in ast.walk(node)
                   if isinstance(s, (ast.Subscript, ast.Call, ast.Name)))


def _unbounded_components(name: str, t: str, plan: Plan, bounded: set[Key]) -> list[str]:
    d = 1 if t in NODE_TYPES else depth(t)
    general = (name, ("*",) * d)
    if general in bounded:
        return []
    if d == 2:
        specific = {k[1][1] for k in bounded if k[0] == name and len(k[1]) == 2 and k[1][0] == "*"}
        width = _fixed_width(name, plan)
        if width is not None and set(range(width)) <= specific:
            return []
        return [f"{name}[i][j]"]
    return [f"{name}[i]"]


def _fixed_width(name: str, plan: Plan) -> int | None:
    sid = plan.slot_ids.get(f"len({name}[i])")
    if sid is None:
        return None
    for r in plan.global_rels:
        if r.op == "==":
            for a, b in ((r.left, r.right), (r.right, r.left)):
                if isinstance(a, ast.Name) and a.id == sid and isinstance(b, ast.Constant):
                    return int(b.value)
    return None
