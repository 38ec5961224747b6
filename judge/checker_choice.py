"""The checker a LeetCode statement announces (pure: statement text in, checker out).

LeetCode judges some problems order-insensitively and says so in the statement.
Every phrasing recognised is a row of `RULES`, with a real example the tests run.
A sentence is read by the first rule that matches it; a rule's `levels` say
which list levels of the answer may come in any order (1 = the answer list,
2 = the lists inside it), or none when the sentence is about something else
("the queries may be processed in any order"). The answer type narrows the
result: a string answer in any order is a multiset of characters, a design
problem keeps its call sequence in order, a tree never has its level order
sorted, and no level deeper than the answer's lists is ever sorted.

A sentence that speaks of order freedom ("any order", "order does not matter",
"任意顺序", ...) but matches no rule is returned in `unmatched`, so a new
phrasing is reported instead of silently judged exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from judge import harness
from judge.problem import Checker

# "within 10^-5", "within 10<sup>-5</sup>", "within <code>10<sup>-6</sup></code>",
# markdown "within `10-6`", or flattened text "within 10-5".
_WITHIN = re.compile(r"within\s+(?:<code>|`)?\s*10\s*(?:\^|<sup>)?\s*[-\u2212]\s*(\d+)", re.I)

# ----------------------------------------------------------------- "in any order" about the answer
# Marks an order-free answer only when it is the answer that is returned in any
# order: "You may return the answer in any order", "The answer can be returned in
# any order", "Return them in any order". Not when something else happens in any
# order ("the queries may be processed in any order").
_IN_ANY_ORDER = re.compile(r"\bin\s+any\s+order\b", re.I)
_ANCHORS = {"return", "returned", "answer", "answers", "output"}
_NOT_ABOUT_ANSWER = {"given", "processed", "performed", "applied", "visited", "rearranged", "arranged",
                     "chosen", "taken", "made", "done", "placed", "sorted", "executed", "added", "removed",
                     "considered", "picked", "selected", "used", "swapped", "moved", "concatenated"}


def _answer_in_any_order(sentence: str) -> bool:
    for m in _IN_ANY_ORDER.finditer(sentence):
        words = re.findall(r"[a-z']+", sentence[: m.start()].lower())[-20:]
        anchors = [i for i, w in enumerate(words) if w in _ANCHORS]
        if anchors and not _NOT_ABOUT_ANSWER & set(words[anchors[-1]:]):
            return True
    return False


def _regex(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern, re.I)
    return lambda sentence: compiled.search(sentence) is not None


_NOT = r"(?:does|do|is|are)\s*(?:not|n't)|doesn't|don't|isn't|aren't"
_OUTPUT = r"(?:the\s+)?(?:output|answer|result|returned\s+\w+|\w+\s+in\s+the\s+(?:output|answer))s?"
_GROUPING = re.compile(r"\bgroup(?:s|ed)?\b[^.]{0,60}\btogether\b|\b(?:into|in)\s+groups\b|\bgroup\s+(?:all|the)\b",
                       re.I)


@dataclass(frozen=True)
class Rule:
    name: str
    levels: frozenset[int]  # list levels of the answer in any order; empty: not about the answer
    matches: Callable[[str], bool]
    example: str  # a real phrasing (the tests check each rule on its example)
    needs: str = ""  # "grouping": only when the statement groups items and the answer nests lists


RULES: tuple[Rule, ...] = (
    Rule("order-of-output-and-inner-lists", frozenset({1, 2}), _regex(
        rf"\border\s+of\s+{_OUTPUT}\b.{{0,60}}?\band\s+(?:the\s+)?order\s+(?:of|in|within)\s+(?:the\s+|each\s+)?"
        rf"[\w ]{{1,30}}?\s+(?:{_NOT})\s+matter"),
         "Notice that the order of the output and the order of the triplets does not matter."),
    Rule("order-of-output-does-not-matter", frozenset({1}), _regex(
        rf"\border\s+of\s+{_OUTPUT}\b.{{0,40}}?\b(?:{_NOT})\s+(?:matter|important|relevant)"),
         "The order of the output does not matter."),
    Rule("groups-in-any-order", frozenset({1, 2}), _answer_in_any_order,
         "Given an array of strings strs, group the anagrams together. You can return the answer in any order.",
         needs="grouping"),
    Rule("answer-in-any-order", frozenset({1}), _answer_in_any_order,
         "You may return the answer in any order."),
    Rule("answer-in-any-order-zh", frozenset({1}), _regex(
        r"(?:按|以)\s*任意\s*顺序\s*返回|返回[^。！？\n]{0,40}任意\s*顺序"), "你可以按 任意顺序 返回答案。"),
    Rule("order-of-output-and-inner-lists-zh", frozenset({1, 2}), _regex(
        r"输出的顺序和[^。！？\n]{1,12}的顺序(?:并)?不重要"), "注意，输出的顺序和三元组的顺序并不重要。"),
    # about something other than the answer: the answer stays exact, nothing to report
    Rule("input-in-any-order", frozenset(), _regex(
        r"\b(?:given|provided|listed|appear|appears|arrive|arrives|stored)\b[^.]{0,40}\bin\s+any\s+order"),
         "The elements of nums may be given in any order."),
    Rule("operations-in-any-order", frozenset(), _regex(
        r"\b(?:perform|performed|apply|applied|process|processed|do|done|execute|executed|make|made|visit|visited|"
        r"choose|chosen|pick|picked|take|taken|use|used|rearrange|rearranged|arrange|arranged|place|placed|swap|"
        r"swapped|move|moved|concatenate|concatenated|remove|removed|add|added|select|selected|considered|"
        r"combine|combined|merge|merged)\b[^.]{0,80}\bin\s+any\s+order"),
         "You may perform the operations in any order."),
)

# Sentences that speak of order freedom: each must be explained by a rule above.
_MENTIONS_ORDER = re.compile(
    rf"\bany\s+order\b|\barbitrary\s+order\b|\bno\s+particular\s+order\b|\border\b[^.]{{0,60}}?(?:{_NOT})\s+"
    r"(?:matter|important|relevant|significant)|\b(?:regardless|irrespective)\s+of\s+(?:the\s+)?order\b|"
    r"\bany\s+permutation\b|任意\s*顺序|顺序\S{0,2}不重要|不考虑顺序|顺序无关", re.I)


@dataclass(frozen=True)
class CheckerChoice:
    checker: Checker
    rules: list[str] = field(default_factory=list)  # names of the rules that decided
    unmatched: list[str] = field(default_factory=list)  # order-freedom sentences no rule explains


def plain_sentences(statement: str) -> list[str]:
    """Sentences of a statement given as HTML, markdown or plain text."""
    text = re.sub(r"<[^>]+>", " ", statement)
    text = re.sub(r"[*`]+|&nbsp;|\xa0", " ", text)
    parts = re.split(r"(?<=[.!?])\s+|(?<=[。！？])|\n\s*\n|\n(?=\s*[-\u2022]\s)", text)
    return [s for s in (" ".join(p.split()) for p in parts) if s]


def _parsed(answer_type: str) -> object:
    try:
        return harness.parse_type(answer_type)
    except harness.UnsupportedType:
        return None


def _list_levels(answer_type: str | None) -> int | None:
    """Nested list levels of the answer (`integer[][]` 2, `list<TreeNode>` 1, a
    tree 0), or None when it is unknown."""
    t = _parsed(answer_type) if answer_type is not None else None
    if t is None:
        return None
    levels = 0
    while isinstance(t, tuple):
        levels, t = levels + 1, t[1]
    return levels


def choose_checker(statement: str, answer_type: str | None = None, *, design: bool = False) -> CheckerChoice:
    """The checker LeetCode uses, as the statement announces it, with the rules
    that decided and the order-freedom sentences nothing explained."""
    within = _WITHIN.search(statement)
    tolerance = 10.0 ** -int(within.group(1)) if within else 1e-5
    levels: set[int] = set()
    rules: list[str] = []
    unmatched: list[str] = []
    deciding: list[str] = []  # the sentences that made the answer order-free
    nested = (_list_levels(answer_type) or 0) >= 2
    grouping = nested and _GROUPING.search(re.sub(r"<[^>]+>", " ", statement)) is not None
    for sentence in plain_sentences(statement):
        rule = next((r for r in RULES if (r.needs != "grouping" or grouping) and r.matches(sentence)), None)
        if rule is None:
            if _MENTIONS_ORDER.search(sentence):
                unmatched.append(sentence)
            continue
        if rule.name not in rules:
            rules.append(rule.name)
        levels |= rule.levels
        if rule.levels:
            deciding.append(sentence)
    base = Checker(kind="float", tolerance=tolerance) if within else Checker()
    if not levels:
        return CheckerChoice(base, rules, unmatched)
    depth = 1 if levels == {1} else 2 if levels == {1, 2} else 0
    if depth == 0:  # inner lists in any order but not the answer list: nothing compares that
        return CheckerChoice(base, rules, [*unmatched, *(f"{s} (only inner lists in any order: not supported)"
                                                         for s in deciding)])
    if design:
        return CheckerChoice(Checker(kind="custom", name="unordered_each", tolerance=tolerance), rules, unmatched)
    list_levels = _list_levels(answer_type)
    if answer_type is not None and _parsed(answer_type) == "string":
        return CheckerChoice(Checker(kind="custom", name="char_multiset", tolerance=tolerance), rules, unmatched)
    if list_levels == 0:  # a scalar, a tree or a linked list: there is no list to reorder
        return CheckerChoice(base, rules, [*unmatched, *(f"{s} (the answer type {answer_type} has no list "
                                                         "to reorder)" for s in deciding)])
    if list_levels is not None:
        depth = min(depth, list_levels)
    return CheckerChoice(Checker(kind="unordered", depth=depth, tolerance=tolerance), rules, unmatched)


def checker_for_statement(statement: str, answer_type: str | None = None, *, design: bool = False) -> Checker:
    """The checker LeetCode uses, as its statement announces it."""
    return choose_checker(statement, answer_type, design=design).checker
