"""Generator properties: every generated input satisfies the parsed constraints
(checked by `validate_input` and by predicates written independently here and in
the fake LeetCode), seeds reproduce, the schedule reaches the extremes; and the
validator rejects each kind of violation."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from agent.sources.leetcode_parse import question_to_problem
from agent.testgen import generate_inputs, parse_constraints, validate_input
from judge import harness
from judge.problem import Problem
from judge.problem import Test as Case
from tests.fakes.leetcode_judge import SPECS
from tests.fakes.leetcode_server import CONTEST_DIR
from tests.testgen.conftest import signature, statement

SEEDS = (0, 1, 2)
COUNT = 25


def problem_of(clauses: list[str], params: list[tuple[str, str]], example: str, prose: str = "<p>Solve.</p>",
               ret: str = "integer") -> Problem:
    return Problem(slug="testgen-case", title="t", statement=statement(*clauses, prose=prose),
                   signature=signature(*params, ret=ret), tests=[Case(input=example, expected=0)])


def is_int_list(v: Any, lo: int, hi: int) -> bool:
    return isinstance(v, list) and all(type(x) is int and lo <= x <= hi for x in v)


def tree_vals(root: list) -> list:
    return [v for v in root if v is not None]


def check_tree_shape(root: list) -> bool:
    """LeetCode's level order: every non-null entry after the root has a parent slot."""
    if not root:
        return True
    if root[0] is None or root[-1] is None:
        return False
    slots, k = 2, 1
    while k < len(root):
        take = root[k:k + slots]
        k += slots
        slots = 2 * sum(v is not None for v in take)
        if slots == 0 and k < len(root):
            return False
    return True


def inorder_increasing(root: list) -> bool:
    """The in-order walk of a level-order tree is strictly increasing."""
    children: dict[int, list[int | None]] = {}
    queue, k = [0], 1
    while queue and k < len(root):
        i = queue.pop(0)
        kids: list[int | None] = []
        for _ in range(2):
            present = k < len(root) and root[k] is not None
            kids.append(k if present else None)
            if present:
                queue.append(k)
            k += 1
        children[i] = kids
    out: list = []

    def visit(i: int | None) -> None:
        if i is not None:
            left, right = children.get(i, [None, None])
            visit(left)
            out.append(root[i])
            visit(right)

    visit(0 if root else None)
    return all(a < b for a, b in itertools.pairwise(out))


def is_tree(n: int, edges: list) -> bool:
    """n - 1 edges that reach every node from node 0 (a walk, not the validator's union-find)."""
    adjacent: dict[int, list[int]] = {v: [] for v in range(n)}
    for a, b in edges:
        adjacent[a].append(b)
        adjacent[b].append(a)
    seen, stack = {0}, [0]
    while stack:
        for w in adjacent[stack.pop()]:
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return len(edges) == n - 1 and len(seen) == n


# (clauses, params, an example input, independent predicate on the values, sizes seen)
CASES = [
    pytest.param(
        ["1 &lt;= nums.length &lt;= 50", "-10<sup>9</sup> &lt;= nums[i] &lt;= 10<sup>9</sup>",
         "1 &lt;= k &lt;= nums.length"], [("nums", "integer[]"), ("k", "integer")], "[1,2]\n1",
        lambda nums, k: 1 <= len(nums) <= 50 and is_int_list(nums, -10**9, 10**9) and 1 <= k <= len(nums),
        lambda nums, k: len(nums), id="list-and-symbolic-k"),
    pytest.param(
        ["1 &lt;= s.length &lt;= 40", "<code>s</code> consists of lowercase English letters."],
        [("s", "string")], '"ab"',
        lambda s: isinstance(s, str) and 1 <= len(s) <= 40 and s.isascii() and s.isalpha() and s.islower(),
        lambda s: len(s), id="lowercase-string"),
    pytest.param(
        ["m == grid.length", "n == grid[i].length", "1 &lt;= m, n &lt;= 8", "grid[i][j] is either 0 or 1."],
        [("grid", "integer[][]")], "[[0,1],[1,0]]",
        lambda g: 1 <= len(g) <= 8 and len({len(r) for r in g}) == 1 and 1 <= len(g[0]) <= 8
        and all(is_int_list(r, 0, 1) for r in g),
        lambda g: len(g) * len(g[0]), id="rectangular-binary-grid"),
    pytest.param(
        ["1 &lt;= nums.length &lt;= 30", "1 &lt;= nums[i] &lt;= 1000",
         "All the integers of <code>nums</code> are <strong>unique</strong>.",
         "<code>nums</code> is sorted in <strong>ascending</strong> order."], [("nums", "integer[]")], "[1,5]",
        lambda nums: 1 <= len(nums) <= 30 and is_int_list(nums, 1, 1000) and nums == sorted(set(nums)),
        lambda nums: len(nums), id="distinct-sorted"),
    pytest.param(
        ["The number of nodes in the tree is in the range <code>[1, 60]</code>.",
         "<code>-100 &lt;= Node.val &lt;= 100</code>"], [("root", "TreeNode")], "[1,null,2]",
        lambda root: check_tree_shape(root) and 1 <= len(tree_vals(root)) <= 60
        and is_int_list(tree_vals(root), -100, 100),
        lambda root: len(tree_vals(root)), id="tree"),
    pytest.param(
        ["The number of nodes in the tree is in the range <code>[1, 40]</code>.",
         "0 &lt;= Node.val &lt;= 10<sup>5</sup>", "<code>root</code> is a binary search tree."],
        [("root", "TreeNode")], "[2,1,3]",
        lambda root: check_tree_shape(root) and 1 <= len(tree_vals(root)) <= 40 and inorder_increasing(root)
        and is_int_list(tree_vals(root), 0, 10**5),
        lambda root: len(tree_vals(root)), id="binary-search-tree"),
    pytest.param(
        ["The number of nodes in the list is in the range <code>[0, 30]</code>.",
         "<code>-5000 &lt;= Node.val &lt;= 5000</code>"], [("head", "ListNode")], "[1,2]",
        lambda head: 0 <= len(head) <= 30 and is_int_list(head, -5000, 5000),
        lambda head: len(head), id="linked-list"),
    pytest.param(
        ["1 &lt;= n &lt;= 100", "1 &lt;= queries.length &lt;= 20", "queries[i] = [l<sub>i</sub>, r<sub>i</sub>]",
         "0 &lt;= l<sub>i</sub> &lt;= r<sub>i</sub> &lt; n"], [("n", "integer"), ("queries", "integer[][]")],
        "5\n[[0,1]]",
        lambda n, qs: 1 <= n <= 100 and 1 <= len(qs) <= 20 and all(len(q) == 2 and 0 <= q[0] <= q[1] < n for q in qs),
        lambda n, qs: len(qs), id="queries-ordered-within-n"),
    pytest.param(
        ["2 &lt;= n &lt;= 30", "edges.length == n - 1", "edges[i] = [a<sub>i</sub>, b<sub>i</sub>]",
         "0 &lt;= a<sub>i</sub>, b<sub>i</sub> &lt; n",
         "The input is generated such that <code>edges</code> represents a valid tree."],
        [("n", "integer"), ("edges", "integer[][]")], "2\n[[0,1]]",
        lambda n, edges: 2 <= n <= 30 and all(len(e) == 2 and min(e) >= 0 and max(e) < n for e in edges)
        and is_tree(n, edges),
        lambda n, edges: n, id="tree-edges"),
    pytest.param(
        ["1 &lt;= words.length &lt;= 12", "1 &lt;= words[i].length &lt;= 6",
         "words[i] consists of lowercase English letters."], [("words", "string[]")], '["ab"]',
        lambda w: 1 <= len(w) <= 12 and all(1 <= len(x) <= 6 and x.isalpha() and x.islower() for x in w),
        lambda w: len(w), id="words"),
    pytest.param(
        ["1 &lt;= num.length &lt;= 30", "<code>num</code> consists of only digits.",
         "<code>num</code> does not have any leading zeros."], [("num", "string")], '"12"',
        lambda num: 1 <= len(num) <= 30 and num.isdigit() and (num == "0" or num[0] != "0"),
        lambda num: len(num), id="digits-no-leading-zero"),
    pytest.param(
        ["1 &lt;= a &lt;= b &lt;= 10<sup>12</sup>"], [("a", "long"), ("b", "long")], "1\n2",
        lambda a, b: 1 <= a <= b <= 10**12, lambda a, b: b, id="long-chain"),
]


@pytest.mark.parametrize(("clauses", "params", "example", "holds", "size"), CASES)
def test_every_generated_input_satisfies_the_constraints(clauses: list[str], params: list, example: str,
                                                         holds: Callable[..., bool],
                                                         size: Callable[..., int]) -> None:
    problem = problem_of(clauses, params, example)
    runs = []
    for seed in SEEDS:
        result = generate_inputs(problem, seed=seed, count=COUNT)
        assert result.skipped_reason is None, result.skipped_reason
        assert len(result.inputs) >= COUNT * 0.8, len(result.inputs)  # duplicates may be dropped
        assert len(set(result.inputs)) == len(result.inputs) and example not in result.inputs
        for text in result.inputs:
            values = harness.split_input(text)
            assert holds(*values), text[:300]
            assert validate_input(result.constraints, text, problem.signature) == [], text[:300]
        runs.append(result.inputs)
        again = generate_inputs(problem, seed=seed, count=COUNT)
        assert again.inputs == result.inputs  # the seed reproduces
    assert runs[0] != runs[1] != runs[2]
    sizes = [size(*harness.split_input(t)) for run in runs for t in run]
    assert len(set(sizes)) >= 3  # minimum, maximum and sizes between


def test_the_schedule_reaches_minimum_and_maximum_sizes() -> None:
    problem = problem_of(["1 &lt;= nums.length &lt;= 50", "1 &lt;= nums[i] &lt;= 7"], [("nums", "integer[]")], "[3]")
    result = generate_inputs(problem, seed=0, count=20)
    lengths = [len(harness.split_input(t)[0]) for t in result.inputs]
    assert min(lengths) == 1 and max(lengths) == 50
    values = [v for t in result.inputs for v in harness.split_input(t)[0]]
    assert min(values) == 1 and max(values) == 7
    assert any(len(set(harness.split_input(t)[0])) == 1 and len(harness.split_input(t)[0]) > 1
               for t in result.inputs)  # an all-equal case


def test_the_size_budget_keeps_maximum_cases_few_and_within_bytes() -> None:
    problem = problem_of(["1 &lt;= nums.length &lt;= 10<sup>5</sup>", "1 &lt;= nums[i] &lt;= 10<sup>9</sup>"],
                         [("nums", "integer[]")], "[3]")
    budget = 400_000
    result = generate_inputs(problem, seed=0, count=30, max_input_bytes=budget)
    sizes = [len(t.encode()) for t in result.inputs]
    assert sum(sizes) <= budget
    assert sum(s > budget * 0.1 for s in sizes) <= 2  # the two maximum-size cases, at most


@pytest.mark.parametrize("slug", sorted(SPECS))
def test_fake_contest_inputs_pass_the_fake_leetcodes_own_validator(slug: str) -> None:
    q = json.loads((CONTEST_DIR / f"question-{slug}.json").read_text(encoding="utf-8"))["data"]["question"]
    problem = question_to_problem(q)
    result = generate_inputs(problem, seed=0, count=30)
    assert result.skipped_reason is None and len(result.inputs) >= 30
    for text in result.inputs:
        assert SPECS[slug].validate(harness.split_input(text)) is None, text[:300]


def test_a_problem_whose_own_example_breaks_the_parse_is_refused() -> None:
    problem = problem_of(["1 &lt;= nums.length &lt;= 5", "1 &lt;= nums[i] &lt;= 9"], [("nums", "integer[]")],
                         "[1,2,3,4,5,6,7]")
    result = generate_inputs(problem, seed=0)
    assert result.inputs == [] and "violates the parsed constraints" in (result.skipped_reason or "")


@pytest.mark.parametrize(("clauses", "params", "bad"), [
    (["1 &lt;= nums.length &lt;= 5", "1 &lt;= nums[i] &lt;= 9"], [("nums", "integer[]")], "[1,2,3,4,5,6]"),
    (["1 &lt;= nums.length &lt;= 5", "1 &lt;= nums[i] &lt;= 9"], [("nums", "integer[]")], "[0]"),
    (["1 &lt;= nums.length &lt;= 5", "1 &lt;= nums[i] &lt;= 9"], [("nums", "integer[]")], "[]"),
    (["1 &lt;= nums.length &lt;= 5", "1 &lt;= nums[i] &lt;= 9", "All values of nums are unique."],
     [("nums", "integer[]")], "[2,2]"),
    (["1 &lt;= nums.length &lt;= 5", "1 &lt;= nums[i] &lt;= 9", "nums is sorted in non-decreasing order."],
     [("nums", "integer[]")], "[3,2]"),
    (["1 &lt;= s.length &lt;= 5", "s consists of lowercase English letters."], [("s", "string")], '"aB"'),
    (["1 &lt;= num.length &lt;= 5", "num consists of only digits.", "num does not have any leading zeros."],
     [("num", "string")], '"012"'),
    (["m == grid.length", "n == grid[i].length", "1 &lt;= m, n &lt;= 5", "grid[i][j] is either 0 or 1."],
     [("grid", "integer[][]")], "[[0,1],[1]]"),
    (["m == grid.length", "n == grid[i].length", "1 &lt;= m, n &lt;= 5", "grid[i][j] is either 0 or 1."],
     [("grid", "integer[][]")], "[[0,2]]"),
    (["1 &lt;= n &lt;= 9", "1 &lt;= k &lt;= n"], [("n", "integer"), ("k", "integer")], "3\n4"),
    (["1 &lt;= nums.length &lt;= 5", "-10<sup>9</sup> &lt;= nums[i] &lt;= 10<sup>9</sup>"],
     [("nums", "integer[]")], "[3000000000]"),
    (["2 &lt;= n &lt;= 9", "edges.length == n - 1", "edges[i] = [a<sub>i</sub>, b<sub>i</sub>]",
      "0 &lt;= a<sub>i</sub>, b<sub>i</sub> &lt; n", "The input is generated such that edges represents a valid tree."],
     [("n", "integer"), ("edges", "integer[][]")], "4\n[[0,1],[1,0],[2,3]]"),
])
def test_the_validator_names_each_kind_of_violation(clauses: list[str], params: list, bad: str) -> None:
    sig = signature(*params)
    cons = parse_constraints(statement(*clauses), sig)
    assert cons.blocking == [], cons.blocking
    assert validate_input(cons, bad, sig) != []
