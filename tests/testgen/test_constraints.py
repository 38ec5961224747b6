"""The constraint parser on real statement texts (the two recorded LeetCode
responses, the fake contest's statements) and on hand-written tricky clauses:
every clause becomes structured constraints or is reported as unknown, and an
unknown clause blocks generation (never guessed)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent.sources.leetcode_parse import question_to_problem
from agent.testgen import parse_constraints
from tests.fakes.leetcode_server import CONTEST_DIR, DATA
from tests.testgen.conftest import signature, statement

INT_LIST = ("nums", "integer[]")


def relations(cons: Any) -> set[str]:
    return {r.text() for r in cons.relations}


# (clauses, params, expected relations (a subset), other expected fields)
CLAUSES = [
    pytest.param(["1 &lt;= nums.length &lt;= 10<sup>5</sup>", "-10<sup>9</sup> &lt;= nums[i] &lt;= 10<sup>9</sup>",
                  "1 &lt;= k &lt;= nums.length"], [INT_LIST, ("k", "integer")],
                 {"1 <= len(nums)", "len(nums) <= 10 ** 5", "-10 ** 9 <= nums[i]", "nums[i] <= 10 ** 9",
                  "1 <= k", "k <= len(nums)"}, {}, id="lengths-values-and-a-symbolic-bound"),
    pytest.param(["1 &lt;= s.length &lt;= 1000", "<code>s</code> consists of lowercase English letters."],
                 [("s", "string")], {"1 <= len(s)", "len(s) <= 1000"},
                 {"charsets": [("s", "abcdefghijklmnopqrstuvwxyz")]}, id="lowercase-letters"),
    pytest.param(["m == grid.length", "n == grid[i].length", "1 &lt;= m, n &lt;= 50",
                  "grid[i][j] is either 0 or 1."], [("grid", "integer[][]")],
                 {"m == len(grid)", "n == len(grid[i])", "1 <= m", "1 <= n", "m <= 50", "n <= 50"},
                 {"one_of": [("grid", [0, 1])]}, id="grid-symbols-and-either-or"),
    pytest.param(["1 &lt;= nums.length &lt;= 100", "1 &lt;= nums[i] &lt;= 1000",
                  "All the integers of <code>nums</code> are <strong>unique</strong>.",
                  "<code>nums</code> is sorted in <strong>ascending</strong> order."], [INT_LIST],
                 {"1 <= nums[i]"}, {"distinct": ["nums"], "sorted": [("nums", "non-decreasing")]},
                 id="distinct-and-sorted"),
    pytest.param(["1 &lt;= n &lt;= 45", "The answer is guaranteed to fit in a <strong>32-bit</strong> integer."],
                 [("n", "integer")], {"n <= 45"}, {"answer_range": (-(2**31), 2**31 - 1)}, id="answer-32-bit"),
    pytest.param(["The number of nodes in the tree is in the range <code>[1, 10<sup>4</sup>]</code>.",
                  "<code>-100 &lt;= Node.val &lt;= 100</code>"], [("root", "TreeNode")],
                 {"1 <= len(root)", "len(root) <= 10 ** 4", "-100 <= root[i]", "root[i] <= 100"}, {},
                 id="tree-node-count-and-values"),
    pytest.param(["The number of nodes in the list is in the range <code>[0, 5000]</code>.",
                  "<code>-5000 &lt;= Node.val &lt;= 5000</code>"], [("head", "ListNode")],
                 {"0 <= len(head)", "len(head) <= 5000"}, {}, id="linked-list-may-be-empty"),
    pytest.param(["The number of nodes in the tree is in the range <code>[1, 100]</code>.",
                  "0 &lt;= Node.val &lt;= 10<sup>5</sup>", "<code>root</code> is a binary search tree."],
                 [("root", "TreeNode")], {"root[i] <= 10 ** 5"}, {"search_trees": ["root"]}, id="bst"),
    pytest.param(["1 &lt;= n &lt;= 10<sup>5</sup>", "1 &lt;= queries.length &lt;= 10<sup>5</sup>",
                  "queries[i] = [l<sub>i</sub>, r<sub>i</sub>]", "0 &lt;= l<sub>i</sub> &lt;= r<sub>i</sub> &lt; n"],
                 [("queries", "integer[][]"), ("n", "integer")],
                 {"len(queries[i]) == 2", "0 <= queries[i][0]", "queries[i][0] <= queries[i][1]",
                  "queries[i][1] < n"}, {}, id="row-aliases-with-subscripts"),
    pytest.param(["2 &lt;= n &lt;= 10<sup>4</sup>", "edges.length == n - 1", "edges[i] = [a<sub>i</sub>, b<sub>i</sub>]",
                  "0 &lt;= a<sub>i</sub>, b<sub>i</sub> &lt; n",
                  "The input is generated such that <code>edges</code> represents a valid tree."],
                 [("n", "integer"), ("edges", "integer[][]")], {"len(edges) == n - 1", "edges[i][1] < n"},
                 {"tree_edges": ["edges"]}, id="guarantee-valid-tree"),
    pytest.param(["1 &lt;= words.length &lt;= 100", "1 &lt;= words[i].length &lt;= 10",
                  "words[i] consists of lowercase English letters.", "sum(words[i].length) &lt;= 10<sup>3</sup>"],
                 [("words", "string[]")], {"len(words[i]) <= 10", "sum(len(words[i])) <= 10 ** 3"},
                 {"charsets": [("words", "abcdefghijklmnopqrstuvwxyz")]}, id="string-list-and-a-sum"),
    pytest.param(["1 ≤ nums.length ≤ 10⁵", "0 ≤ nums[i] ≤ 10⁹", "1 ≤ k ≤ nums.length"],
                 [INT_LIST, ("k", "integer")], {"len(nums) <= 10 ** 5", "nums[i] <= 10 ** 9", "k <= len(nums)"},
                 {}, id="unicode-operators-and-superscripts"),
    pytest.param(["1 &lt;= num.length &lt;= 10<sup>5</sup>", "<code>num</code> consists of only digits.",
                  "<code>num</code> does not have any leading zeros."], [("num", "string")],
                 {"len(num) <= 10 ** 5"}, {"charsets": [("num", "0123456789")], "no_leading_zero": ["num"]},
                 id="digit-string-no-leading-zero"),
    pytest.param(["1 &lt;= ops.length &lt;= 100", "ops[i] is either \"++X\", \"X++\", \"--X\", or \"X--\"."],
                 [("ops", "string[]")], {"len(ops) <= 100"}, {"one_of": [("ops", ["++X", "X++", "--X", "X--"])]},
                 id="one-of-quoted-words"),
    pytest.param(["1 &lt;= a &lt;= b &lt;= 10<sup>9</sup>"], [("a", "integer"), ("b", "integer")],
                 {"1 <= a", "a <= b", "b <= 10 ** 9"}, {}, id="chain-of-three"),
]


@pytest.mark.parametrize(("clauses", "params", "expected", "other"), CLAUSES)
def test_hand_written_clauses(clauses: list[str], params: list, expected: set[str], other: dict) -> None:
    cons = parse_constraints(statement(*clauses), signature(*params))
    assert cons.unknown == [] and cons.blocking == [], (cons.unknown, cons.blocking)
    assert expected <= relations(cons), relations(cons)
    assert [(c.target, c.chars) for c in cons.charsets] == other.get("charsets", [])
    assert [(o.target, o.values) for o in cons.one_of] == other.get("one_of", [])
    assert [d.target for d in cons.distinct] == other.get("distinct", [])
    assert [(s.target, s.order) for s in cons.sorted] == other.get("sorted", [])
    assert [n.target for n in cons.no_leading_zero] == other.get("no_leading_zero", [])
    assert [t.target for t in cons.tree_edges] == other.get("tree_edges", [])
    assert [t.target for t in cons.search_trees] == other.get("search_trees", [])
    assert cons.answer_range == other.get("answer_range")


def test_flattened_powers_are_read_as_powers_and_said() -> None:
    cons = parse_constraints(statement("1 &lt;= nums.length &lt;= 105", "-231 &lt;= nums[i] &lt;= 231 - 1"),
                             signature(INT_LIST))
    assert {"len(nums) <= 10 ** 5", "-2 ** 31 <= nums[i]", "nums[i] <= 2 ** 31 - 1"} <= relations(cons)
    assert cons.notes and "flat" in cons.notes[0]


def test_a_row_width_stated_in_the_prose_only() -> None:
    prose = "<p>You are given <code>points</code> where <code>points[i] = [x<sub>i</sub>, y<sub>i</sub>]</code>.</p>"
    clauses = ("1 &lt;= points.length &lt;= 100", "-10<sup>4</sup> &lt;= x<sub>i</sub>, y<sub>i</sub> &lt;= 10<sup>4</sup>")
    cons = parse_constraints(statement(*clauses, prose=prose), signature(("points", "integer[][]")))
    assert {"len(points[i]) == 2", "-10 ** 4 <= points[i][0]", "points[i][1] <= 10 ** 4"} <= relations(cons)
    assert cons.blocking == []
    without = parse_constraints(statement(*clauses), signature(("points", "integer[][]")))
    assert any("len(points[i])" in b for b in without.blocking)  # nothing said about the width: refused


@pytest.mark.parametrize(("clauses", "unknown"), [
    pytest.param(["1 &lt;= nums.length &lt;= 10", "1 &lt;= nums[i] &lt;= 10", "nums is a mountain array that sings."],
                 ["nums is a mountain array that sings"], id="prose-property"),
    pytest.param(["1 &lt;= nums.length &lt;= 10", "1 &lt;= nums[i] &lt;= 10", "Only one valid answer exists."],
                 ["Only one valid answer exists"], id="uniqueness-of-the-answer"),
])
def test_unknown_clauses_are_kept_reported_and_block(clauses: list[str], unknown: list[str]) -> None:
    cons = parse_constraints(statement(*clauses), signature(INT_LIST, ("k", "integer")))
    assert cons.unknown == unknown
    assert [f"clause not understood: {u!r}" for u in unknown] == [b for b in cons.blocking if "clause" in b]
    assert "1 <= nums[i]" in relations(cons)  # the clauses understood are kept


@pytest.mark.parametrize(("clauses", "param", "reason"), [
    (["1 &lt;= nums.length &lt;= 10"], INT_LIST, "nums: no bounds on the values nums[i]"),
    (["1 &lt;= nums[i] &lt;= 10"], INT_LIST, "no bound on the length len(nums)"),
    (["1 &lt;= s.length &lt;= 10"], ("s", "string"), "s: no character set given"),
])
def test_missing_bounds_block_generation(clauses: list[str], param: tuple, reason: str) -> None:
    cons = parse_constraints(statement(*clauses), signature(param))
    assert any(reason in b for b in cons.blocking), cons.blocking


def test_no_constraints_section() -> None:
    cons = parse_constraints("<p>Return the sum.</p>", signature(INT_LIST))
    assert "the statement has no constraints section" in cons.blocking


def _question(path: Any) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["data"]["question"]


def test_real_two_sum_constraints() -> None:
    p = question_to_problem(_question(DATA / "question-two-sum.json"))
    cons = parse_constraints(p.statement, p.signature)
    assert relations(cons) == {"2 <= len(nums)", "len(nums) <= 10 ** 4", "-10 ** 9 <= nums[i]",
                               "nums[i] <= 10 ** 9", "-10 ** 9 <= target", "target <= 10 ** 9"}
    # "Only one valid answer exists" restricts the inputs in a way no rule knows: reported, blocks
    assert cons.unknown == ["Only one valid answer exists"] and len(cons.blocking) == 1


def test_real_2017_statement_without_a_constraints_section() -> None:
    q = _question(DATA / "question-find-the-difference-2017.json")
    q.setdefault("titleSlug", "find-the-difference")
    p = question_to_problem(q)
    cons = parse_constraints(p.statement, p.signature)
    assert cons.clauses == [] and "the statement has no constraints section" in cons.blocking
    assert "s: no character set given" in cons.blocking


@pytest.mark.parametrize("slug", ["values-with-exact-frequency", "remove-leaves-below-threshold",
                                  "sort-even-positions", "ticket-queue", "mean-distance-to-origin",
                                  "remove-marked-values"])
def test_the_fake_contest_statements_are_understood_completely(slug: str) -> None:
    p = question_to_problem(_question(CONTEST_DIR / f"question-{slug}.json"))
    cons = parse_constraints(p.statement, p.signature)
    assert cons.clauses and cons.unknown == [] and cons.blocking == [], (cons.unknown, cons.blocking)


def test_design_call_limits_and_method_parameters() -> None:
    p = question_to_problem(_question(CONTEST_DIR / "question-ticket-queue.json"))
    cons = parse_constraints(p.statement, p.signature)
    assert cons.call_limits and cons.call_limits[0].limit.replace(" ", "") in ("10**5", "10^5")
    assert {"name", "priority", "capacity"} <= set(cons.params)


@pytest.mark.parametrize(("relations", "wide"), [
    ([("n", "10**12")], {"n"}),  # bounded directly: the parameter holds 64-bit values
    ([("nums[i]", "10**12")], {"nums"}),
    ([("sum(nums)", "10**15")], set()),  # an aggregate: each element keeps its own bound
    ([("nums[i] * k", "10**10")], set()),
    ([("len(s)", "10**10")], set()),
    ([("n", "10**9")], set()),  # within 32 bits
])
def test_only_a_direct_bound_beyond_32_bits_widens_an_integer(relations: list, wide: set[str]) -> None:
    from agent.testgen.types import wide_params

    params = {"n": "integer", "nums": "integer[]", "k": "integer", "s": "string"}
    assert wide_params(relations, params) == wide
