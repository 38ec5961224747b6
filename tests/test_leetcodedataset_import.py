"""LeetCodeDataset importer: both real schemas, synthetic rows for every assert form
and every row failure, and the real sample corpus. Pure, no Docker."""

from __future__ import annotations

import ast
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent.sources.leetcodedataset import (
    ImportReport,
    RowError,
    convert_row,
    import_file,
    write_problems,
)
from judge import harness
from judge.errors import ProblemError
from judge.problem import Problem, load_problem
from judge.signature import conforms
from tests.conftest import CORPUS, CORPUS_FILES

V03, V02 = CORPUS_FILES

# ------------------------------------------------------------------ builders

STARTER = "class Solution:\n    def f(self, nums: List[int], k: int) -> int:\n        "
LIST_STARTER = (
    "# Definition for singly-linked list.\n# class ListNode:\n"
    "#     def __init__(self, val=0, next=None):\n#         self.val = val\n"
    "#         self.next = next\nclass Solution:\n"
    "    def f(self, head: Optional[ListNode]) -> Optional[ListNode]:"
)
TREE_STARTER = (
    "# Definition for a binary tree node.\n# class TreeNode:\n"
    "#     def __init__(self, val=0, left=None, right=None):\n"
    "#         self.val = val\n#         self.left = left\n#         self.right = right\n"
    "class Solution:\n    def f(self, root: Optional[TreeNode]) -> Optional[TreeNode]:"
)


def check(*asserts: str) -> str:
    return "def check(candidate):\n" + "".join(f"    assert {a}\n" for a in asserts)


def row(test: str, starter: str = STARTER, entry: str = "Solution().f", **extra: Any) -> dict:
    """A row of the v0.3.x schema."""
    return {
        "task_id": "synthetic-problem",
        "question_id": 9999,
        "difficulty": "Medium",
        "tags": ["Array", "Math"],
        "problem_description": "Return the sum of nums plus k.",
        "starter_code": starter,
        "entry_point": entry,
        "test": test,
        "estimated_date": "2024-09-01",
        "completion": "class Solution:\n    def f(self, nums, k):\n        return sum(nums) + k\n",
        "prompt": "from typing import *\n",
        "input_output": [],
        **extra,
    }


def old_row(test: str, starter: str = STARTER, entry: str = "Solution().f") -> dict:
    """A row of the older schema, with a `meta` dict."""
    return {
        "task_id": "synthetic-old",
        "prompt": "from typing import *\n",
        "completion": "class Solution: pass\n",
        "entry_point": entry,
        "test": test,
        "input_output": [],
        "meta": {"question_id": 77, "difficulty": "Hard",
                 "question_title": "You may return the answer in any order.", "lang_code": starter},
    }


def pairs(problem: Problem) -> list[tuple[str, Any]]:
    return [(t.input, t.expected) for t in problem.tests]


def skipped(problem: Problem) -> list[str]:
    return problem.meta.get("skipped_tests", [])


def reason(r: dict) -> str:
    with pytest.raises(ProblemError) as e:
        convert_row(r)
    assert isinstance(e.value, RowError)
    return e.value.reason


# ------------------------------------------------------------------ real rows


def _rows(name: str) -> dict[str, dict]:
    with gzip.open(CORPUS / name, "rt", encoding="utf-8") as f:
        return {r["task_id"]: r for r in map(json.loads, f)}


@pytest.fixture(scope="module")
def v03_rows() -> dict[str, dict]:
    return _rows(V03)


@pytest.fixture(scope="module")
def v02_rows() -> dict[str, dict]:
    return _rows(V02)


def test_real_v03_row(v03_rows: dict[str, dict]) -> None:
    p = convert_row(v03_rows["snake-in-matrix"], dataset=V03)
    assert p.slug == "snake-in-matrix" and p.title == "Snake In Matrix"
    assert (p.frontend_id, p.difficulty, p.tags) == ("3248", "Easy", ["Array", "String", "Simulation"])
    assert p.release_time == datetime(2024, 8, 11, tzinfo=UTC)
    assert p.release_time_source == "estimated"
    assert (p.source.kind, p.source.dataset) == ("leetcodedataset", V03)
    assert p.source.url == "https://leetcode.com/problems/snake-in-matrix/"
    sig = p.signature
    assert (sig.name, [(q.name, q.type) for q in sig.params], sig.returns) == (
        "finalPositionOfSnake", [("n", "integer"), ("commands", "string[]")], "integer",
    )
    assert len(p.tests) == 81
    assert pairs(p)[:2] == [('2\n["RIGHT","DOWN"]', 3), ('5\n["RIGHT","DOWN","RIGHT","DOWN","RIGHT","DOWN"]', 18)]
    assert all(t.source == "dataset" and t.comparable for t in p.tests)
    assert p.statement.startswith("There is a snake in an n x n matrix grid")
    assert p.starter_code == v03_rows["snake-in-matrix"]["starter_code"]
    assert p.reference_solution == v03_rows["snake-in-matrix"]["completion"]
    assert p.checker.kind == "exact"
    assert p.meta == {}


def test_real_v02_list_row(v02_rows: dict[str, dict]) -> None:
    p = convert_row(v02_rows["remove-linked-list-elements"], dataset=V02)
    assert (p.frontend_id, p.difficulty, p.tags) == ("203", "Easy", [])
    assert (p.release_time, p.release_time_source) == (None, "unknown")
    assert [(q.name, q.type) for q in p.signature.params] == [("head", "ListNode"), ("val", "integer")]
    assert p.signature.returns == "ListNode"
    assert pairs(p) == [("[1,2,6,3,4,5,6]\n6", [1, 2, 3, 4, 5]), ("[]\n1", []), ("[7,7,7,7]\n7", [])]
    assert p.statement.startswith("Given the head of a linked list and an integer val")
    assert p.starter_code == v02_rows["remove-linked-list-elements"]["meta"]["lang_code"]


@pytest.mark.parametrize(
    ("slug", "expected_pairs", "returns", "checker"),
    [
        pytest.param("distribute-coins-in-binary-tree", [("[3,0,0]", 2), ("[0,3,0]", 3)], "integer", "exact",
                     id="tree-input"),
        pytest.param("invert-binary-tree",
                     [("[4,2,7,1,3,6,9]", [4, 7, 2, 9, 6, 3, 1]), ("[2,1,3]", [2, 3, 1]), ("[]", [])],
                     "TreeNode", "exact", id="is-same-tree"),
        pytest.param("most-frequent-subtree-sum", [("[5,2,-3]", [2, -3, 4]), ("[5,2,-5]", [2])],
                     "integer[]", "unordered", id="any-order-statement"),
    ],
)
def test_real_v02_tree_rows(
    v02_rows: dict[str, dict], slug: str, expected_pairs: list, returns: str, checker: str
) -> None:
    p = convert_row(v02_rows[slug], dataset=V02)
    assert pairs(p) == expected_pairs
    assert p.signature.returns == returns
    assert p.checker.kind == checker


def test_real_row_with_a_non_literal_expected_value(v03_rows: dict[str, dict]) -> None:
    p = convert_row(v03_rows["find-maximum-removals-from-source-string"])
    assert skipped(p) == ["assert 71: test value is not a literal: -inf"]
    n_asserts = v03_rows["find-maximum-removals-from-source-string"]["test"].count("assert candidate")
    assert len(p.tests) == n_asserts - 1


# ------------------------------------------------------------------ calls and values


@pytest.mark.parametrize(
    "call",
    [
        pytest.param("candidate(nums = [1, 2], k = 3)", id="keywords"),
        pytest.param("candidate(k = 3, nums = [1, 2])", id="keywords-reordered"),
        pytest.param("candidate([1, 2], 3)", id="positional"),
        pytest.param("candidate([1, 2], k = 3)", id="mixed"),
        pytest.param("candidate(nums = (1, 2), k = 3)", id="tuple-literal"),
        pytest.param("candidate(nums=[1,2],k=3)", id="no-spaces"),
    ],
)
def test_candidate_arguments(call: str) -> None:
    p = convert_row(row(check(f"{call} == 6")))
    assert pairs(p) == [("[1,2]\n3", 6)]
    assert p.tests[0].source == "dataset"


@pytest.mark.parametrize(
    ("starter", "call", "expected", "test_input", "stored"),
    [
        pytest.param("def f(self, s: str, t: List[str]) -> str:", "candidate(s = 'a\"b', t = ['x', \"y\"])",
                     "'é'", '"a\\"b"\n["x","y"]', "é", id="strings"),
        pytest.param("def f(self, grid: List[List[int]]) -> List[List[int]]:",
                     "candidate(grid = [[-1, 2], []])", "[[1], [-2, 3]]", "[[-1,2],[]]", [[1], [-2, 3]],
                     id="nested-lists-negatives"),
        pytest.param("def f(self, x: float, flags: List[bool]) -> float:", "candidate(x = 2, flags = [True])",
                     "2.5", "2\n[true]", 2.5, id="float-and-bools"),
        pytest.param("def f(self, n: int) -> bool:", "candidate(n = -5)", "False", "-5", False, id="bool"),
        pytest.param("def f(self, n: int) -> List[str]:", "candidate(n = 0)", "[]", "0", [], id="empty-list"),
    ],
)
def test_literal_values(starter: str, call: str, expected: str, test_input: str, stored: Any) -> None:
    r = row(check(f"{call} == {expected}"), starter="class Solution:\n    " + starter + "\n        ")
    p = convert_row(r)
    assert pairs(p) == [(test_input, stored)]


def test_list_node_input_and_is_same_list() -> None:
    p = convert_row(row(check(
        "is_same_list(candidate(head = list_node([1, 2, 3])), list_node([3, 2, 1]))",
        "is_same_list(candidate(list_node([])), list_node([]))",
        "is_same_list(candidate(head = list_node([5])), list_node([5]))",
    ), starter=LIST_STARTER))
    assert p.signature.params[0].type == "ListNode" and p.signature.returns == "ListNode"
    assert pairs(p) == [("[1,2,3]", [3, 2, 1]), ("[]", []), ("[5]", [5])]


def test_tree_node_input_and_is_same_tree() -> None:
    p = convert_row(row(check(
        "is_same_tree(candidate(root = tree_node([4, 2, 7, 1, 3, None, 9])), tree_node([4, 7, 2, 9, None, 3, 1]))",
        "is_same_tree(candidate(root = tree_node([])), tree_node([]))",
        "is_same_tree(candidate(tree_node([1, None, 2])), tree_node([1, 2]))",
    ), starter=TREE_STARTER))
    assert p.signature.params[0].type == "TreeNode" and p.signature.returns == "TreeNode"
    assert pairs(p) == [
        ("[4,2,7,1,3,null,9]", [4, 7, 2, 9, None, 3, 1]), ("[]", []), ("[1,null,2]", [1, 2]),
    ]


def test_node_values_compared_with_equals() -> None:
    starter = "class Solution:\n    def f(self, root: Optional[TreeNode]) -> List[int]:\n        "
    p = convert_row(row(check("candidate(root = tree_node([3, 9, 20, None, None, 15, 7])) == [3, 20, 7]"),
                        starter=starter))
    assert pairs(p) == [("[3,9,20,null,null,15,7]", [3, 20, 7])]


@pytest.mark.parametrize(
    ("starter", "assertion"),
    [
        pytest.param(LIST_STARTER, "candidate(head = list_node([1])) == None", id="list-eq-none"),
        pytest.param(LIST_STARTER, "candidate(head = list_node([1])) is None", id="list-is-none"),
        pytest.param(LIST_STARTER, "is_same_list(candidate(head = list_node([1])), None)", id="list-same-as-none"),
        pytest.param(LIST_STARTER, "candidate(head = list_node([1])) == list_node([])", id="list-eq-empty-node"),
        pytest.param(TREE_STARTER.replace("root", "head"), "candidate(head = tree_node([1])) == None",
                     id="tree-eq-none"),
        pytest.param(TREE_STARTER.replace("root", "head"), "candidate(head = tree_node([1])) is None",
                     id="tree-is-none"),
        pytest.param(TREE_STARTER.replace("root", "head"), "is_same_tree(candidate(head = tree_node([1])), None)",
                     id="tree-same-as-none"),
    ],
)
def test_none_for_a_node_return_is_the_empty_serialization(starter: str, assertion: str) -> None:
    assert pairs(convert_row(row(check(assertion), starter=starter))) == [("[1]", [])]


def test_none_for_a_plain_return_stays_null() -> None:
    starter = "class Solution:\n    def f(self, n: int) -> Optional[List[int]]:\n        "
    assert pairs(convert_row(row(check("candidate(n = 1) is None", "candidate(n = 2) == None"),
                                 starter=starter))) == [("1", None), ("2", None)]


# ------------------------------------------------------------------ per-assert skipping


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        pytest.param("candidate(nums = list(range(5)), k = 1) == 11", "test value is not a literal: list(range(5))",
                     id="non-literal-input"),
        pytest.param("candidate(nums = [1], k = 1) == inf", "test value is not a literal: inf",
                     id="non-literal-expected"),
        pytest.param("candidate(nums = [1], k = 1) == -inf", "test value is not a literal: -inf", id="minus-inf"),
        pytest.param("candidate(nums = [1], k = 1) == {1, 2}", "test value is not a literal: {1, 2}", id="set"),
        pytest.param("candidate(nums = [1], k = 1) == {'a': 1}", "test value is not a literal: {'a': 1}", id="dict"),
        pytest.param("candidate(nums = [1], k = float('nan')) == 1",
                     "test value is not a literal: float('nan')", id="nan-call"),
        pytest.param("candidate(nums = [1, 2.5], k = 1) == 3", "input nums=[1, 2.5] is not a integer[]",
                     id="float-in-int-list"),
        pytest.param("candidate(nums = [1], k = '1') == 3", 'input k="1" is not a integer', id="string-for-int"),
        pytest.param("candidate(nums = [1], k = True) == 3", "input k=true is not a integer", id="bool-for-int"),
        pytest.param("candidate(nums = 1, k = 1) == 3", "input nums=1 is not a integer[]", id="scalar-for-list"),
        pytest.param("candidate(nums = [1]) == 3", "candidate called without k", id="missing-argument"),
        pytest.param("candidate(nums = [1], k = 1, j = 2) == 3", "candidate called with unknown argument 'j'",
                     id="unknown-keyword"),
        pytest.param("candidate(nums = [1], k = 1) != 3", "unsupported assert form: candidate(nums=[1], k=1) != 3",
                     id="not-equal"),
        pytest.param("candidate(nums = [1], k = 1) in (2, 3)",
                     "unsupported assert form: candidate(nums=[1], k=1) in (2, 3)", id="in"),
        pytest.param("candidate(nums = [1], k = 1)", "unsupported assert form: candidate(nums=[1], k=1)",
                     id="bare-call"),
        pytest.param("f(nums = [1], k = 1) == 2", "assert does not call candidate: f(nums=[1], k=1)",
                     id="other-function"),
        pytest.param("candidate(nums = [1], k = 1) is True",
                     "unsupported assert form: candidate(nums=[1], k=1) is True", id="is-not-none"),
        pytest.param("candidate(nums = [10**3], k = 1) == 2", "test value is not a literal: [10 ** 3]",
                     id="arithmetic"),
        pytest.param("candidate(nums = tree_node([1], 2), k = 1) == 2",
                     "unexpected tree_node call tree_node([1], 2)", id="tree-node-two-args"),
    ],
)
def test_an_unusable_assert_is_skipped_with_a_reason(bad: str, why: str) -> None:
    p = convert_row(row(check("candidate(nums = [1, 2], k = 3) == 6", bad, "candidate([5], 0) == 5")))
    assert pairs(p) == [("[1,2]\n3", 6), ("[5]\n0", 5)]
    assert skipped(p) == [f"assert 2: {why}"]


def test_a_reversed_comparison_is_read_the_right_way_round() -> None:
    p = convert_row(row(check("6 == candidate(nums = [1, 2], k = 3)")))
    assert pairs(p) == [("[1,2]\n3", 6)]
    assert skipped(p) == []


def test_a_statement_that_is_not_an_assert_is_skipped() -> None:
    test = "def check(candidate):\n    x = 1\n    assert candidate([1], 1) == 2\n"
    p = convert_row(row(test))
    assert skipped(p) == ["assert 1: check() holds a Assign, not an assert"]
    assert pairs(p) == [("[1]\n1", 2)]


def test_a_docstring_in_check_is_not_skipped() -> None:
    test = 'def check(candidate):\n    """Tests."""\n    assert candidate([1], 1) == 2\n'
    p = convert_row(row(test))
    assert skipped(p) == [] and p.meta == {}
    assert len(p.tests) == 1


def test_extra_positional_argument_is_skipped_not_dropped() -> None:
    # Python would raise TypeError on candidate([1], 1, 99): the input does not fit
    # the signature, so the assert must not become a test of ([1], 1).
    p = convert_row(row(check("candidate([1, 2], 3) == 6", "candidate([1], 1, 99) == 2")))
    assert pairs(p) == [("[1,2]\n3", 6)]
    assert len(skipped(p)) == 1 and skipped(p)[0].startswith("assert 2: ")


@pytest.mark.parametrize(
    ("returns", "expected", "valid"),
    [
        pytest.param("int", "True", "5", id="bool-for-int"),
        pytest.param("bool", "1", "True", id="int-for-bool"),
        pytest.param("str", "1", "'x'", id="int-for-str"),
        pytest.param("List[int]", "[True, 2]", "[5]", id="bool-in-int-list"),
    ],
)
def test_expected_value_fits_the_return_type_or_is_skipped(returns: str, expected: str, valid: str) -> None:
    # The dataset compares with Python's ==, where True == 1; the judge is type-strict,
    # so storing `True` for an int answer would fail every correct solution.
    starter = f"class Solution:\n    def f(self, n: int) -> {returns}:\n        "
    p = convert_row(row(check(f"candidate(n = 1) == {expected}", f"candidate(n = 2) == {valid}"),
                        starter=starter))
    t = harness.parse_type(p.signature.returns)
    assert all(conforms(t, test.expected) for test in p.tests), pairs(p)
    assert len(p.tests) + len(skipped(p)) == 2


def test_expected_tree_is_stored_as_the_judge_serializes_it() -> None:
    # tree_node([1, 2, None]) is the same tree as tree_node([1, 2]); the harness
    # serializes a returned tree without trailing nulls, so the expected value must
    # be normalized or a correct solution is judged wrong.
    p = convert_row(row(check(
        "is_same_tree(candidate(root = tree_node([1, 2])), tree_node([1, 2, None]))",
        "is_same_tree(candidate(root = tree_node([1])), tree_node([1, None, 3, None, None]))",
    ), starter=TREE_STARTER))
    for test in p.tests:
        assert test.expected == harness.tree_to_json(harness.build_tree(test.expected))


# ------------------------------------------------------------------ signatures


@pytest.mark.parametrize(
    ("header", "params", "returns"),
    [
        pytest.param("def f(self, nums: List[int], k: int) -> int:", [("nums", "integer[]"), ("k", "integer")],
                     "integer", id="plain"),
        pytest.param("def f (self, nums: List[int], k: int) -> int:", [("nums", "integer[]"), ("k", "integer")],
                     "integer", id="space-before-paren"),
        pytest.param("def f(\n        self,\n        nums: List[int],\n        k: int,\n    ) -> int:",
                     [("nums", "integer[]"), ("k", "integer")], "integer", id="multi-line"),
        pytest.param("def f(self, nums: List[int],\n          k: int) -> List[List[str]]:",
                     [("nums", "integer[]"), ("k", "integer")], "string[][]", id="continuation-line"),
        pytest.param("def f(self, a: list[int], b: Optional[List[int]]) -> list[list[int]]:",
                     [("a", "integer[]"), ("b", "integer[]")], "integer[][]", id="builtin-list-optional"),
        pytest.param("def f(self, x: float, y: bool, s: str) -> float:",
                     [("x", "double"), ("y", "boolean"), ("s", "string")], "double", id="scalars"),
        pytest.param("def f(self, root: 'TreeNode', p: \"TreeNode\") -> 'TreeNode':",
                     [("root", "TreeNode"), ("p", "TreeNode")], "TreeNode", id="string-annotations"),
        pytest.param("def f(self, lists: List[Optional[ListNode]]) -> Optional[ListNode]:",
                     [("lists", "ListNode[]")], "ListNode", id="list-of-nodes"),
        pytest.param("def f(self) -> int:", [], "integer", id="no-params"),
    ],
)
def test_signature_from_starter(header: str, params: list[tuple[str, str]], returns: str) -> None:
    starter = "class Solution:\n    " + header + "\n        "
    names = [n for n, _ in params]
    args = ", ".join(f"{n} = {'[]' if t.endswith('[]') or t in ('ListNode', 'TreeNode') else _scalar(t)}"
                     for n, t in params)
    r = row(check(f"candidate({args}) == {_sample(returns)}"), starter=starter)
    p = convert_row(r)
    assert [(q.name, q.type) for q in p.signature.params] == params
    assert [q.name for q in p.signature.params] == names
    assert p.signature.returns == returns


def _scalar(t: str) -> str:
    return {"integer": "1", "double": "1.5", "boolean": "True", "string": "'s'"}[t]


def _sample(t: str) -> str:
    return "[]" if t.endswith("[]") or t in ("ListNode", "TreeNode") else _scalar(t)


def test_signature_of_the_entry_point_among_several_methods() -> None:
    starter = (
        "class Solution:\n    def helper(self, x: Dict[str, int]) -> Set[int]:\n        pass\n\n"
        "    def f(self, n: int) -> int:\n        "
    )
    p = convert_row(row(check("candidate(n = 1) == 1"), starter=starter))
    assert p.signature.name == "f" and p.signature.params[0].type == "integer"


def test_signature_of_an_entry_point_followed_by_another_method() -> None:
    starter = (
        "class Solution:\n    def f(self, n: int) -> int:\n        return n\n\n"
        "    def helper(self, x: int) -> int:\n        "
    )
    p = convert_row(row(check("candidate(n = 1) == 1"), starter=starter))
    assert [(q.name, q.type) for q in p.signature.params] == [("n", "integer")]


@pytest.mark.parametrize(
    ("header", "why"),
    [
        pytest.param("def f(self, d: Dict[str, int]) -> int:", "unsupported annotation 'Dict[str, int]'", id="dict"),
        pytest.param("def f(self, s: Set[int]) -> int:", "unsupported annotation 'Set[int]'", id="set"),
        pytest.param("def f(self, n: int) -> Tuple[int, int]:", "unsupported annotation 'Tuple[int, int]'",
                     id="tuple-return"),
        pytest.param("def f(self, node: Optional['Node']) -> 'Node':", "unsupported annotation 'Node'",
                     id="n-ary-node"),
        pytest.param("def f(self, x: Union[int, str]) -> int:", "unsupported annotation 'Union[int, str]'",
                     id="union"),
        pytest.param("def f(self, x: Any) -> int:", "unsupported annotation 'Any'", id="any"),
        pytest.param("def f(self, x) -> int:", "starter code has an unannotated parameter or return",
                     id="unannotated-param"),
        pytest.param("def f(self, x: int):", "starter code has an unannotated parameter or return",
                     id="unannotated-return"),
        pytest.param("def f(self, nums: List[int]) -> None:",
                     "in-place (void) problems are not in this dataset's test format", id="void"),
        pytest.param("def f(self, x: int -> int:", "starter code signature of f does not parse", id="syntax"),
    ],
)
def test_unsupported_signature_is_a_row_failure(header: str, why: str) -> None:
    got = reason(row(check("candidate(1) == 1"), starter="class Solution:\n    " + header + "\n        "))
    assert got.startswith(why)


# ------------------------------------------------------------------ row failures


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        pytest.param({"task_id": ""}, "no task_id", id="empty-task-id"),
        pytest.param({"task_id": None}, "no task_id", id="null-task-id"),
        pytest.param({"starter_code": ""}, "no starter code", id="empty-starter"),
        pytest.param({"starter_code": "   \n"}, "no starter code", id="blank-starter"),
        pytest.param({"starter_code": None}, "no starter code", id="missing-starter"),
        pytest.param({"entry_point": "f"}, "entry point 'f' is not Solution().<method>", id="bare-entry"),
        pytest.param({"entry_point": "Solution.f"}, "entry point 'Solution.f' is not Solution().<method>",
                     id="class-attribute-entry"),
        pytest.param({"entry_point": None}, "entry point None is not Solution().<method>", id="null-entry"),
        pytest.param({"entry_point": "Solution().g"}, "starter code does not define g", id="unknown-method"),
        pytest.param({"entry_point": "Solution().ff"}, "starter code does not define ff", id="prefix-method"),
        pytest.param({"test": ""}, "test code has no check(candidate) function", id="empty-test"),
        pytest.param({"test": "def test(candidate):\n    assert candidate([1], 1) == 2\n"},
                     "test code has no check(candidate) function", id="no-check-function"),
        pytest.param({"test": "def check(candidate):\n    pass\n"},
                     "no usable assert in check(): assert 1: check() holds a Pass, not an assert", id="no-asserts"),
        pytest.param({"test": 'def check(candidate):\n    """only a docstring"""\n'},
                     "no usable assert in check(): ", id="only-docstring"),
        pytest.param({"test": check("candidate(nums = x, k = 1) == 1")},
                     "no usable assert in check(): assert 1: test value is not a literal: x", id="all-skipped"),
        pytest.param({"test": "def check(candidate):\n    assert candidate(\n"},
                     "test code does not parse: ", id="test-syntax-error"),
    ],
)
def test_row_failure_reasons(changes: dict, why: str) -> None:
    r = row(check("candidate([1], 1) == 2"))
    r.update(changes)
    got = reason(r)
    assert got.startswith(why) if why.endswith(": ") else got == why


def test_a_row_failure_names_the_row() -> None:
    with pytest.raises(RowError) as e:
        convert_row(row(check("candidate([1], 1) == 2"), entry_point="nope"))
    assert e.value.problem == "synthetic-problem"
    assert str(e.value).startswith("problem synthetic-problem: ")


# ------------------------------------------------------------------ metadata of both schemas


def test_v03_metadata() -> None:
    r = row(check("candidate([1], 1) == 2"), problem_description="You may return the answer in any order.")
    p = convert_row(r, dataset="mine.jsonl")
    assert (p.slug, p.frontend_id, p.difficulty, p.tags) == ("synthetic-problem", "9999", "Medium",
                                                              ["Array", "Math"])
    assert p.title == "Synthetic Problem"
    assert (p.release_time, p.release_time_source) == (datetime(2024, 9, 1, tzinfo=UTC), "estimated")
    assert p.source.dataset == "mine.jsonl" and p.source.kind == "leetcodedataset"
    assert p.checker.kind == "unordered"
    assert p.reference_solution == r["completion"]
    assert p.starter_code == STARTER


@pytest.mark.parametrize(
    ("date", "released", "source"),
    [
        pytest.param("2025-03-02", datetime(2025, 3, 2, tzinfo=UTC), "estimated", id="date"),
        pytest.param("2025-03-02T10:30:00", datetime(2025, 3, 2, 10, 30, tzinfo=UTC), "estimated", id="datetime"),
        pytest.param(None, None, "unknown", id="none"),
        pytest.param("", None, "unknown", id="empty"),
    ],
)
def test_release_date(date: str | None, released: datetime | None, source: str) -> None:
    p = convert_row(row(check("candidate([1], 1) == 2"), estimated_date=date))
    assert (p.release_time, p.release_time_source) == (released, source)


def test_old_schema_metadata() -> None:
    p = convert_row(old_row(check("candidate([1], 1) == 2")))
    assert (p.slug, p.frontend_id, p.difficulty, p.tags) == ("synthetic-old", "77", "Hard", [])
    assert p.statement == "You may return the answer in any order."
    assert p.checker.kind == "unordered"
    assert p.starter_code == STARTER
    assert (p.release_time, p.release_time_source) == (None, "unknown")
    assert pairs(p) == [("[1]\n1", 2)]


def test_old_schema_without_lang_code_fails() -> None:
    r = old_row(check("candidate([1], 1) == 2"))
    del r["meta"]["lang_code"]
    assert reason(r) == "no starter code"


def test_converted_problem_round_trips_through_the_problem_file(tmp_path: Path) -> None:
    report = ImportReport(problems=[convert_row(row(check("candidate([1], 1) == 2")))])
    (path,) = write_problems(report, tmp_path)
    assert load_problem(path) == report.problems[0]


# ------------------------------------------------------------------ import_file


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("name", ["rows.jsonl", "rows.jsonl.gz"])
def test_import_file_reports_bad_lines_and_keeps_good_rows(tmp_path: Path, name: str) -> None:
    good = row(check("candidate([1], 1) == 2", "candidate([1], 1) == inf"))
    bad = {**row(check("candidate([1], 1) == 2")), "task_id": "bad-entry", "entry_point": "f"}
    no_id = {**row(check("candidate([1], 1) == 2")), "task_id": None}
    path = _write_jsonl(tmp_path / name, [
        json.dumps(good), "", "{not json", "[1, 2]", json.dumps(bad), json.dumps(no_id),
    ])
    report = import_file(path)
    assert [p.slug for p in report.problems] == ["synthetic-problem"]
    assert [f[0] for f in report.failures] == [f"{name}:3", f"{name}:4", "bad-entry", f"{name}:6"]
    assert report.failures[0][1].startswith("line 3 is not JSON")
    assert report.failures[1][1] == "line 4 is not a JSON object"
    assert report.failures[2][1] == "entry point 'f' is not Solution().<method>"
    assert report.failures[3][1] == "no task_id"
    assert report.skipped_tests == [("synthetic-problem", "assert 2: test value is not a literal: inf")]
    assert report.problems[0].source.dataset == name


def test_import_file_of_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    report = import_file(path)
    assert (report.problems, report.failures, report.skipped_tests) == ([], [], [])


# ------------------------------------------------------------------ the real corpus

CORPUS_SKIPPED = [
    ("find-maximum-removals-from-source-string", "assert 71: test value is not a literal: -inf"),
    ("count-subarrays-of-length-three-with-a-condition",
     "assert 29: input nums=[25, 50, 25, 75, 37.5, 75, 37.5, 100, 50, 100, 50, 150, 75] is not a integer[]"),
    ("count-subarrays-of-length-three-with-a-condition",
     "assert 34: input nums=[7, 14, 7, 21, 10.5, 21, 14, 28, 14] is not a integer[]"),
    ("count-subarrays-of-length-three-with-a-condition",
     "assert 125: input nums=[99, 198, 99, 297, 148.5, 297, 148.5, 396, 198, 396, 198,... is not a integer[]"),
]


@pytest.fixture(scope="module")
def corpus_reports() -> dict[str, ImportReport]:
    return {name: import_file(CORPUS / name) for name in CORPUS_FILES}


@pytest.mark.parametrize(
    ("name", "rows", "tests", "skips"),
    [
        pytest.param(V03, 57, 5771, CORPUS_SKIPPED, id="v0.3.1-test"),
        pytest.param(V02, 32, 85, [], id="v0.2.0-train-nodes"),
    ],
)
def test_every_corpus_row_converts(
    corpus_reports: dict[str, ImportReport], name: str, rows: int, tests: int, skips: list
) -> None:
    report = corpus_reports[name]
    assert report.failures == []
    assert len(report.problems) == rows
    assert len({p.slug for p in report.problems}) == rows
    assert sum(len(p.tests) for p in report.problems) == tests
    assert report.skipped_tests == skips


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_tests_are_every_assert_but_the_skipped(corpus_reports: dict[str, ImportReport], name: str) -> None:
    rows = _rows(name)
    for p in corpus_reports[name].problems:
        check_fn = ast.parse(rows[p.slug]["test"]).body[0]
        assert isinstance(check_fn, ast.FunctionDef)
        asserts = sum(isinstance(s, ast.Assert) for s in check_fn.body)
        assert len(p.tests) + len(skipped(p)) == asserts, p.slug


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_expected_values_fit_the_return_type(corpus_reports: dict[str, ImportReport], name: str) -> None:
    for p in corpus_reports[name].problems:
        t = harness.parse_type(p.signature.returns)
        for test in p.tests:
            assert conforms(t, test.expected), (p.slug, test.input[:80], test.expected)
            if t == "TreeNode":
                assert test.expected == harness.tree_to_json(harness.build_tree(test.expected)), p.slug


def test_corpus_checkers(corpus_reports: dict[str, ImportReport]) -> None:
    kinds = {p.slug: p.checker.kind for r in corpus_reports.values() for p in r.problems}
    assert sorted(s for s, k in kinds.items() if k != "exact") == ["most-frequent-subtree-sum"]
