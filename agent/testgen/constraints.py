"""Statement + signature -> `Constraints`: every clause of the constraints section
either becomes structured constraints or is reported in `unknown` (which blocks
generation). Nothing is guessed: a clause is understood only when all of it is.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from agent.testgen import expr
from agent.testgen.chains import pairs, split_chain
from agent.testgen.charsets import charset_phrase, word_choices
from agent.testgen.model import (
    CallLimit,
    Charset,
    Constraints,
    Distinct,
    NoLeadingZero,
    OneOf,
    Relation,
    SearchTree,
    Sorted,
    TreeEdges,
)
from agent.testgen.text import constraints_section, unflatten
from agent.testgen.types import NODE_TYPES, depth, params_of
from judge.signature import DesignSignature, FunctionSignature

_GUARANTEE = re.compile(
    r"^(?:the (?:input|inputs|test ?cases?|tests?|input data) (?:is|are) (?:generated|given|chosen) "
    r"(?:such|so) that|it is guaranteed that|it's guaranteed that|it is guaranteed|you may assume "
    r"(?:that )?|it can be shown that|the input is such that|guaranteed that)\s*:?\s*", re.I)
_ALIAS = re.compile(r"\b([A-Za-z]\w*)\[([a-z])\]\s*={1,2}\s*\[([^\[\]]+)\]")
_ANSWER_BITS = re.compile(
    r"\b(?:answer|result|output|return value|final answer)\b.*\bfits?\b.*\b(32|64)[- ]bit\b", re.I)
_PROSE_LENGTH = re.compile(
    r"\b(?:array|string|list|sequence|permutation)\s+([A-Za-z]\w*)\s+of\s+(?:length|size)\s+"
    r"([A-Za-z]\w*(?:\s*[-+]\s*\d+)?)(?=\s*(?:[.,;:)]|$|\s(?:and|where|that|with|consisting|"
    r"containing|representing|in|which|such)\b))")
_PROSE_GRID = re.compile(
    r"\b([a-z]\w*)\s*x\s*([a-z]\w*)\s+(?:0-indexed\s+|integer\s+|binary\s+|character\s+|2D\s+|"
    r"positive\s+|non-negative\s+)*(?:matrix|grid|board|array)\s+([A-Za-z]\w*)\b")


@dataclass
class _Builder:
    params: dict[str, str]
    kinds: dict[str, str] = field(default_factory=dict)  # name -> "int" | "list" | "node" ...
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)  # token -> {param: expr}
    relations: list[Relation] = field(default_factory=list)
    charsets: list[Charset] = field(default_factory=list)
    one_of: list[OneOf] = field(default_factory=list)
    distinct: list[Distinct] = field(default_factory=list)
    sorted: list[Sorted] = field(default_factory=list)
    no_leading_zero: list[NoLeadingZero] = field(default_factory=list)
    tree_edges: list[TreeEdges] = field(default_factory=list)
    search_trees: list[SearchTree] = field(default_factory=list)
    call_limits: list[CallLimit] = field(default_factory=list)
    answer_range: tuple[int, int] | None = None
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)

    @property
    def node_params(self) -> list[str]:
        return [p for p, t in self.params.items() if t in NODE_TYPES]


def parse_constraints(statement: str, signature: FunctionSignature | DesignSignature) -> Constraints:
    params = params_of(signature)
    b = _Builder(params)
    if isinstance(signature, DesignSignature):
        b.methods = [m.name for m in signature.methods]
    section = constraints_section(statement)
    prose = section.prose
    if section.flattened:
        b.notes.append("powers written flat (10^5 as 105, 2^31 as 231) were read as powers")
        prose = unflatten(prose)
    _collect_aliases(b, prose)
    for clause in section.clauses:
        if not _clause(b, clause):
            b.unknown.append(clause)
    _prose_definitions(b, prose)
    from agent.testgen.plan import check_plan  # the generator's view decides sufficiency

    cons = Constraints(
        params=params, relations=_dedup(b.relations), charsets=b.charsets, one_of=b.one_of,
        distinct=b.distinct, sorted=b.sorted, no_leading_zero=b.no_leading_zero,
        tree_edges=b.tree_edges, search_trees=b.search_trees, call_limits=b.call_limits,
        answer_range=b.answer_range, clauses=section.clauses, unknown=b.unknown, notes=b.notes,
    )
    blocking = [f"clause not understood: {c!r}" for c in b.unknown]
    if not section.found:
        blocking.append("the statement has no constraints section")
    per_call = None
    if isinstance(signature, DesignSignature):
        per_call = {q.name for m in signature.methods for q in m.params} - {q.name for q in signature.constructor}
    blocking += check_plan(cons, per_call)
    return cons.model_copy(update={"blocking": blocking})


def _dedup(relations: list[Relation]) -> list[Relation]:
    seen, out = set(), []
    for r in relations:
        if r.text() not in seen:
            seen.add(r.text())
            out.append(r)
    return out


# ------------------------------------------------------------------ definitions


def _collect_aliases(b: _Builder, prose: str) -> None:
    """`queries[i] = [l_i, r_i, val_i]` -> l_i, li stand for queries[i][0] ..."""
    for m in _ALIAS.finditer(prose):
        name, parts = m.group(1), [p.strip() for p in m.group(3).split(",")]
        if name not in b.params or not all(re.fullmatch(r"[A-Za-z]\w*", p) for p in parts):
            continue
        for k, token in enumerate(parts):
            for variant in {token, token.replace("_", "")}:
                if variant not in b.params and variant != "i":
                    b.aliases.setdefault(variant, {})[name] = f"{name}[i][{k}]"


def _prose_definitions(b: _Builder, prose: str) -> None:
    """"an array nums of length n", "an m x n matrix grid": lengths the constraints
    section then bounds through n and m. Used only when the symbol is otherwise
    undefined (an explicit `n == nums.length` wins)."""
    defined = _symbols_defined(b)
    for m in _ALIAS.finditer(prose):  # "points[i] = [xi, yi]": each row has two fields
        param, parts = m.group(1), [p.strip() for p in m.group(3).split(",")]
        row = f"len({param}[i])"
        if (param in b.params and depth(b.params[param]) >= 2
                and all(re.fullmatch(r"[A-Za-z]\w*", p) for p in parts)
                and not any(row in (r.left, r.right) for r in b.relations)):
            b.relations.append(Relation(left=row, op="==", right=str(len(parts)), clause=f"prose: {m.group()}"))
    for m in _PROSE_LENGTH.finditer(prose):
        param, size = m.group(1), m.group(2).replace(" ", "")
        if param in b.params and b.params[param] not in ("integer", "long", "double", "boolean"):
            _define(b, f"len({param})", size, defined, f"prose: {m.group()}")
    for m in _PROSE_GRID.finditer(prose):
        rows, cols, param = m.group(1), m.group(2), m.group(3)
        if param in b.params and b.params[param].count("[]") + b.params[param].count("list<") >= 2:
            _define(b, f"len({param})", rows, defined, f"prose: {m.group()}")
            _define(b, f"len({param}[i])", cols, defined, f"prose: {m.group()}")


def _define(b: _Builder, observable: str, size: str, defined: set[str], clause: str) -> None:
    try:
        node = expr.parse_term(size, expr.Names(frozenset(b.params), {}))
    except expr.ExprError:
        return
    symbols = expr.value_names(node) - set(b.params)
    if symbols and symbols <= defined:
        return  # already tied to an observable by the constraints section
    relation = Relation(left=observable, op="==", right=expr.unparse(node), clause=clause)
    if all(relation.text() != r.text() for r in b.relations):
        b.relations.append(relation)


def _symbols_defined(b: _Builder) -> set[str]:
    out = set()
    for r in b.relations:
        if r.op == "==":
            for side in (r.left, r.right):
                node = expr.parse_canonical(side)
                if isinstance(node, ast.Name) and node.id not in b.params:
                    out.add(node.id)
    return out


# ------------------------------------------------------------------ clauses


def _clause(b: _Builder, clause: str) -> bool:
    """Understand one clause (adding its constraints to `b`); False if not understood."""
    text = clause.strip()
    if text.endswith(":") and _GUARANTEE.match(text):
        return True  # "The input is generated such that:" heads the clauses below it
    stripped = _GUARANTEE.sub("", text)
    if stripped != text and stripped:
        return _clause(b, stripped[0].lower() + stripped[1:] if stripped[:2].istitle() else stripped)
    for recognizer in _RECOGNIZERS:
        result = recognizer(b, text)
        if result is not None:
            return result
    return False


def _answer(b: _Builder, text: str) -> bool | None:
    m = _ANSWER_BITS.search(text)
    if not m or re.search(r"\b(?:input|nums|array)\b", text[: m.start(1)], re.I):
        return None
    bits = int(m.group(1))
    b.answer_range = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    return True


def _alias_clause(b: _Builder, text: str) -> bool | None:
    m = _ALIAS.fullmatch(text.strip())
    if not m or m.group(1) not in b.params:
        return None
    count = len(m.group(3).split(","))
    b.relations.append(Relation(left=f"len({m.group(1)}[i])", op="==", right=str(count), clause=text))
    return True


_NODE_KIND = r"(?P<kind>tree|trees|binary tree|binary search tree|bst|linked lists?|lists?|graph)"
_NODE_RANGE = re.compile(
    r"^(?:the )?(?:total )?number of (?:the )?nodes in (?:the |each |both |a |all )?(?:given )?"
    + _NODE_KIND + r"(?: \w+)? (?:will be |is |are )?(?:in |within )?(?:the )?range "
    r"(?P<lb>[\[(])(?P<a>[^,]+), (?P<b>[^\])]+)(?P<rb>[\])])$", re.I)
_NODE_EQ = re.compile(
    r"^(?:the )?number of (?:the )?nodes in (?:the |each |both )?(?:given )?" + _NODE_KIND
    + r" is (?P<n>[A-Za-z]\w*)$", re.I)
_NODE_MAX = re.compile(
    r"^(?:the )?number of (?:the )?nodes(?: in (?:the |each )?(?:given )?" + _NODE_KIND
    + r")? (?:will not|won't|does not|doesn't) exceed (?P<n>.+)$", re.I)
_NODE_BETWEEN = re.compile(
    r"^(?:the |each )?(?:given )?" + _NODE_KIND + r" (?:will )?contains? between (?P<a>.+) and "
    r"(?P<b>.+) nodes$", re.I)
_NODE_NONEMPTY = re.compile(r"^(?:the |each )?(?:given )?" + _NODE_KIND + r" (?:is|will be) not empty$", re.I)


def _node_targets(b: _Builder, kind: str | None) -> list[str]:
    wanted = "ListNode" if kind and "list" in kind.lower() else "TreeNode" if kind else None
    return [p for p in b.node_params if wanted is None or b.params[p] == wanted]


def _node_count(b: _Builder, text: str) -> bool | None:
    m = _NODE_RANGE.match(text)
    chains: list[str] = []
    if m:
        lo_op = "<=" if m.group("lb") == "[" else "<"
        hi_op = "<=" if m.group("rb") == "]" else "<"
        chains = [f"{m.group('a')} {lo_op} len({{t}}) {hi_op} {m.group('b')}"]
    elif (m := _NODE_EQ.match(text)):
        chains = [f"len({{t}}) == {m.group('n')}"]
    elif (m := _NODE_MAX.match(text)):
        chains = [f"len({{t}}) <= {m.group('n')}"]
    elif (m := _NODE_BETWEEN.match(text)):
        chains = [f"{m.group('a')} <= len({{t}}) <= {m.group('b')}"]
    elif (m := _NODE_NONEMPTY.match(text)):
        chains = ["1 <= len({t})"]
    if not m:
        return None
    targets = _node_targets(b, m.groupdict().get("kind"))
    if not targets:
        return False
    return all(_chain(b, c.format(t=t), text) for c in chains for t in targets)


_CALLS = re.compile(
    r"^(?:at most|there will be at most|a maximum of) (?P<n>.+?) (?:total )?(?:calls|queries|"
    r"operations|function calls|method calls)(?: in total)?(?: will be| are| would be)?"
    r"(?: made| called| performed)?(?: in total)?(?: to (?P<m>.+))?$", re.I)
_CALLS_TOTAL = re.compile(
    r"^the (?:total )?number of (?:calls|queries|operations)(?: made)?(?: to (?P<m>.+?))? "
    r"(?:will not exceed|does not exceed|is at most|won't exceed|<=) (?P<n>.+)$", re.I)


def _call_limit(b: _Builder, text: str) -> bool | None:
    m = _CALLS.match(text) or _CALLS_TOTAL.match(text)
    if not m or not b.methods:
        return None
    limit = _closed_expr(b, m.group("n"))
    if limit is None:
        return False
    target = (m.group("m") or "").strip()
    target = re.sub(r"\s+(?:in total|combined|functions?|methods?)$", "", target, flags=re.I)
    if not target or re.fullmatch(r"(?:all |the )?(?:functions|methods|apis)", target, re.I):
        b.call_limits.append(CallLimit(limit=limit, methods=[], clause=text))
        return True
    if re.fullmatch(r"each (?:function|method|api)", target, re.I):
        b.call_limits += [CallLimit(limit=limit, methods=[x], clause=text) for x in b.methods]
        return True
    names = [n for n in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", target) if n]
    names = [re.sub(r"\(.*\)$", "", n).strip() for n in names]
    if not names or any(n not in b.methods for n in names):
        return False
    b.call_limits.append(CallLimit(limit=limit, methods=names, clause=text))
    return True


def _closed_expr(b: _Builder, text: str) -> str | None:
    try:
        node = expr.parse_term(text, _names(b, {}))
    except expr.ExprError:
        return None
    if expr.value_names(node) - set(b.params) or expr.index_names(node, b.params):
        return None
    return expr.unparse(node)


_SUBJECT_VERB = re.compile(
    r"^(?P<s>.+?) (?:consists?|contains?|is made up|are made up|is composed|are composed|only "
    r"contains?|comprises?|consist only|consists only|contain only|contains only|will only "
    r"contain|has only|have only|only consists?|is formed|are formed)\b(?P<rest>.*)$", re.I)
_SUBJECT_IS = re.compile(
    r"^(?:each character (?:of|in) |every character (?:of|in) |all (?:the )?characters (?:of|in) |"
    r"each (?:element|value|entry|cell|string|word) (?:of|in) |each )?(?P<s>[A-Za-z]\w*(?:\[[a-z]\])*"
    r"|node\.val|node's value) (?:is|are|will be|can be|must be) (?P<rest>.+)$", re.I)


def _subjects(b: _Builder, text: str) -> list[str] | None:
    """"s and t", "words[i]", "board[i][j]", "Node.val" -> the parameters they name."""
    out = []
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", text.strip()):
        part = re.sub(r"^(?:the |each |every |all (?:the )?)?(?:strings? |arrays? |words? )?", "", part.strip(), flags=re.I)
        part = re.sub(r"(?:\[[a-z]\])+$", "", part)
        if part.lower() in ("node.val", "node's value", "node values"):
            if not b.node_params:
                return None
            out += b.node_params
        elif part in b.params:
            out.append(part)
        else:
            return None
    return out or None


def _charset(b: _Builder, text: str) -> bool | None:
    m = _SUBJECT_VERB.match(text) or _SUBJECT_IS.match(text)
    if not m:
        return None
    subjects = _subjects(b, m.group("s"))
    if subjects is None:
        return None
    rest = m.group("rest")
    leaf = {s: b.params[s].replace("[]", "").lower() for s in subjects}
    if all(leaf[s] in ("string", "character", "list<string>", "list<character>") or "string" in leaf[s]
           or "character" in leaf[s] for s in subjects):
        words = word_choices(rest)
        if words is not None and any(len(w) > 1 for w in words):
            b.one_of += [OneOf(target=s, values=list(words), clause=text) for s in subjects]
            return True
        chars = charset_phrase(rest)
        if chars is None:
            return None
        b.charsets += [Charset(target=s, chars=chars, clause=text) for s in subjects]
        return True
    numbers = _number_choices(rest)
    if numbers is None:
        return None
    b.one_of += [OneOf(target=s, values=list(numbers), clause=text) for s in subjects]
    return True


def _number_choices(text: str) -> list[int] | None:
    """"either 0 or 1", "one of 1, 2, 3" -> the integers, when that is all it says."""
    m = re.fullmatch(r"(?:either |one of |only |in )?(-?\d+(?:\s*,\s*-?\d+)*)(?:,)?\s*(?:or|and)\s*(-?\d+)",
                     text.strip(), re.I)
    if not m:
        return None
    return [int(x) for x in re.findall(r"-?\d+", m.group(1))] + [int(m.group(2))]


_DISTINCT = [re.compile(p, re.I) for p in (
    r"^all (?:of )?(?:the )?(?:given )?(?:integers|elements|values|numbers|strings|words|pairs|"
    r"points|entries|items)? ?(?:of|in) (?:the (?:array|list) )?(?P<s>\S+) are (?:unique|distinct|pairwise distinct|different)$",
    r"^all (?:the )?(?:given )?(?:values )?(?P<s>\S+) are (?:unique|distinct|pairwise distinct|different)$",
    r"^(?P<s>\S+) (?:contains|consists of|has|will contain) (?:only )?(?:unique|distinct|pairwise distinct) "
    r"(?:integers|elements|values|numbers|strings|words|characters|points)$",
    r"^(?:the )?(?:values|integers|elements|numbers) (?:of|in) (?P<s>\S+) are (?:all )?(?:unique|distinct|pairwise distinct)$",
    r"^(?:all )?(?:the )?values of (?:the )?(?P<s>nodes) in (?:the )?(?:tree|list|linked list) are unique$",
    r"^(?:the )?values? of (?:each|every|all) (?P<s>nodes?) (?:in the (?:tree|list|linked list) )?(?:is|are) unique$",
    r"^(?:each|every) (?P<s>node) (?:in the (?:tree|list) )?has a unique value$",
    r"^all (?:the )?(?P<s>values) (?:of|in) the (?:tree|list|linked list) are unique$",
    r"^all (?:the )?values (?P<s>node\.val) are unique$",
    r"^(?P<s>\S+) (?:is|are) (?:pairwise )?(?:distinct|unique)$",
)]


def _distinct(b: _Builder, text: str) -> bool | None:
    for pattern in _DISTINCT:
        m = pattern.match(text)
        if m:
            subject = m.group("s")
            if subject.lower() in ("nodes", "node", "values"):
                subject = "node.val"
            targets = _subjects(b, subject)
            if targets is None:
                return None
            b.distinct += [Distinct(target=t, clause=text) for t in targets]
            return True
    return None


_ORDERS = {"non-decreasing": "non-decreasing", "nondecreasing": "non-decreasing",
           "ascending": "non-decreasing", "increasing": "increasing",
           "strictly increasing": "increasing", "non-increasing": "non-increasing",
           "descending": "non-increasing", "decreasing": "decreasing",
           "strictly decreasing": "decreasing", "strictly ascending": "increasing"}
_SORTED = re.compile(
    r"^(?P<s>.+?) (?:is|are) (?:guaranteed to be )?sorted in (?P<o>(?:strictly )?[\w-]+) order$", re.I)
_SORTED_PAIR = re.compile(r"^(?P<s>\w+)\[i\] (?P<op><=|<|>=|>) (?P=s)\[i ?\+ ?1\]$")


def _sorted(b: _Builder, text: str) -> bool | None:
    m = _SORTED.match(text)
    if m:
        order = _ORDERS.get(m.group("o").lower())
        subject = re.sub(r"^(?:the |array |list )+", "", m.group("s"), flags=re.I)
        if subject.lower() in ("list", "linked list", "tree"):
            subject = "node.val"
        targets = _subjects(b, subject)
        if order is None or targets is None:
            return None
        b.sorted += [Sorted(target=t, order=order, clause=text) for t in targets]  # type: ignore[arg-type]
        return True
    m = _SORTED_PAIR.match(text.replace(" ", " "))
    if m and m.group("s") in b.params:
        order = {"<=": "non-decreasing", "<": "increasing", ">=": "non-increasing", ">": "decreasing"}
        b.sorted.append(Sorted(target=m.group("s"), order=order[m.group("op")], clause=text))  # type: ignore[arg-type]
        return True
    return None


_LEADING = re.compile(
    r"^(?P<s>.+?) (?:does not|doesn't|will not|won't|do not|don't) (?:contain|have) (?:any )?leading zeros?$"
    r"|^(?P<s2>.+?) (?:has|have|contains?) no leading zeros?$", re.I)


def _leading_zero(b: _Builder, text: str) -> bool | None:
    m = _LEADING.match(text)
    if not m:
        return None
    targets = _subjects(b, m.group("s") or m.group("s2"))
    if targets is None or any("string" not in b.params[t].lower() for t in targets):
        return None
    b.no_leading_zero += [NoLeadingZero(target=t, clause=text) for t in targets]
    return True


_PARITY = re.compile(r"^(?P<s>[A-Za-z]\w*(?:\.length)?) is (?:an? )?(?P<p>odd|even)(?: number| integer)?$", re.I)


def _parity(b: _Builder, text: str) -> bool | None:
    m = _PARITY.match(text)
    if not m:
        return None
    return _chain(b, f"{m.group('s')} % 2 == {1 if m.group('p').lower() == 'odd' else 0}", text)


_VALID_TREE = re.compile(
    r"^(?:the (?:given )?)?(?P<s>.+?) (?:represents?|forms?|is|are|make up|describes?) (?:a )?valid "
    r"(?:undirected )?trees?$", re.I)
_BST = re.compile(r"^(?P<s>\w+) is (?:guaranteed to be )?(?:a )?(?:valid )?binary search tree$", re.I)


def _structure(b: _Builder, text: str) -> bool | None:
    m = _BST.match(text)
    if m and m.group("s") in b.params and b.params[m.group("s")] == "TreeNode":
        b.search_trees.append(SearchTree(target=m.group("s"), clause=text))
        return True
    m = _VALID_TREE.match(text)
    if not m:
        return None
    subject = m.group("s")  # "edges", or "the edges in edgeList" -> edgeList
    targets = _subjects(b, subject if subject in b.params else re.sub(r"^edges? (?:of |in )?", "", subject))
    if targets is None:
        return None
    for t in targets:
        if b.params[t].replace(" ", "").lower() not in ("integer[][]", "list<list<integer>>"):
            return None
        b.tree_edges.append(TreeEdges(target=t, nodes=f"len({t}) + 1", clause=text))
    return True


_RANGE = re.compile(
    r"^(?P<s>.+?) (?:is|are|will be|lies?|lie) (?:all )?(?:in|within|inside) (?:the )?(?:range|interval) "
    r"(?P<lb>[\[(])(?P<a>[^,]+),(?P<b>[^\])]+)(?P<rb>[\])])(?: \(inclusive\))?$", re.I)
_BETWEEN = re.compile(r"^(?P<s>.+?) (?:is|are|will be) between (?P<a>.+?) and (?P<b>.+?)(?: \(?inclusive\)?)?$", re.I)


def _range(b: _Builder, text: str) -> bool | None:
    m = _RANGE.match(text)
    if m:
        lo = "<=" if m.group("lb") == "[" else "<"
        hi = "<=" if m.group("rb") == "]" else "<"
        subject = re.sub(r"\s+and\s+", ", ", m.group("s"))
        return _chain(b, f"{m.group('a')} {lo} {subject} {hi} {m.group('b')}", text)
    m = _BETWEEN.match(text)
    if m:
        subject = re.sub(r"\s+and\s+", ", ", m.group("s"))
        return _chain(b, f"{m.group('a')} <= {subject} <= {m.group('b')}", text)
    return None


_NODE_VAL = re.compile(r"\b(?:node|Node|root|head)\.val\b|\bNode\.value\b")
_EACH_NODE = re.compile(r"^(?:each|every) node (?:in (?:the|each) (?:tree|list|linked list) )?has ", re.I)


def _comparison(b: _Builder, text: str) -> bool | None:
    text = _EACH_NODE.sub("", text)
    if split_chain(text) is None:
        return None
    return _chain(b, text, text)


def _chain(b: _Builder, text: str, clause: str) -> bool:
    """A comparison chain -> relations (one copy per node parameter for `Node.val`,
    per parameter for a name defined for several)."""
    variants = [text]
    if _NODE_VAL.search(text):
        if not b.node_params:
            return False
        variants = [_NODE_VAL.sub(f"{p}[{_fresh_index(text)}]", text) for p in b.node_params]
    found: list[Relation] = []
    for variant in variants:
        for aliases in _alias_choices(b, variant):
            split = split_chain(variant)
            if split is None:
                return False
            for left, op, right in pairs(*split):
                if right.startswith("[") and left in b.params:
                    return False
                try:
                    names = _names(b, aliases)
                    lnode, rnode = expr.parse_term(left, names), expr.parse_term(right, names)
                except expr.ExprError:
                    return False
                found.append(Relation(left=expr.unparse(lnode), op=op, right=expr.unparse(rnode),  # type: ignore[arg-type]
                                      clause=clause))
    if not found or not all(_meaningful(b, r) for r in found):
        return False
    b.relations += found
    return True


def _meaningful(b: _Builder, r: Relation) -> bool:
    """A relation must mention something of the input (not `1 <= i < n` about an
    index name alone)."""
    both = ast.Tuple([expr.parse_canonical(r.left), expr.parse_canonical(r.right)], ast.Load())
    names = expr.value_names(both) | {n for n, _ in expr.walk_names(both) if n in b.params}
    return bool(names) and not (names <= {"i", "j", "k"} - set(b.params))


def _fresh_index(text: str) -> str:
    return next(n for n in ("i", "j", "k", "p", "q") if not re.search(rf"\b{n}\b", text))


def _alias_choices(b: _Builder, text: str) -> list[dict[str, str]]:
    """One alias table per reading: a token defined for several parameters
    (`ai` in `edges1[i] = [ai, bi]` and `edges2[i] = [ai, bi]`) gives one reading each."""
    used = {t: owners for t, owners in b.aliases.items() if re.search(rf"\b{re.escape(t)}\b", text)}
    if not used:
        return [{}]
    owners = sorted({p for o in used.values() for p in o})
    choices = []
    for p in owners:
        table = {}
        for token, by_param in used.items():
            table[token] = by_param[p] if p in by_param else next(iter(by_param.values())) if len(by_param) == 1 else None
        if all(v is not None for v in table.values()):
            choices.append({k: v for k, v in table.items() if v is not None})
    unique = {tuple(sorted(c.items())) for c in choices}
    return [dict(c) for c in sorted(unique)] or [{}]


def _names(b: _Builder, aliases: dict[str, str]) -> expr.Names:
    return expr.Names(frozenset(b.params), aliases)


_RECOGNIZERS = (_answer, _alias_clause, _node_count, _call_limit, _structure, _sorted,
                _distinct, _leading_zero, _parity, _charset, _range, _comparison)
