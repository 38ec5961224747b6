"""LeetCode `question` JSON -> judge-ready problem: pure, no I/O beyond reading fixtures.

Real recorded responses: tests/data/leetcode/question-two-sum.json (2023, old <pre>)
and question-find-the-difference-2017.json (2017, plain-text examples,
codeDefinition, CRLF metaData). Everything under tests/data/leetcode/contest/ is
written for these tests in the shapes public clients describe (see its README).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from agent.sources.errors import PaidOnly, UnexpectedShape
from agent.sources.leetcode_parse import (
    Flag,
    contest_ref,
    example_inputs,
    example_inputs_from_statement,
    example_outputs,
    flag_reason,
    parse_output,
    python3_starter,
    question_to_problem,
    statement_markdown,
)
from judge.errors import ProblemError, UnsupportedTypeError
from judge.signature import DesignSignature, FunctionSignature
from tests.fakes.leetcode_server import CN_DIR, CONTEST_DIR, DATA

W9001_START = datetime(2026, 4, 19, 2, 30, tzinfo=UTC)


def question(slug: str) -> dict:
    return copy.deepcopy(json.loads((CONTEST_DIR / f"question-{slug}.json").read_text())["data"]["question"])


def real(name: str) -> dict:
    return copy.deepcopy(json.loads((DATA / name).read_text())["data"]["question"])


def contest_info(name: str = "contest-weekly-contest-9001.json", directory: Any = CONTEST_DIR) -> dict:
    return json.loads((directory / name).read_text())


def parse_in_contest(slug: str) -> Any:
    return question_to_problem(question(slug), contest=contest_ref(contest_info(), slug))


def with_content(q: dict, content: str) -> dict:
    q = copy.deepcopy(q)
    q["content"] = content
    return q


# ===================================================================== real recorded: two-sum


def test_real_two_sum_parses_completely() -> None:
    p = question_to_problem(real("question-two-sum.json"))
    assert (p.slug, p.frontend_id, p.backend_id, p.title) == ("two-sum", "1", "1", "Two Sum")
    assert p.difficulty == "Easy"
    assert p.tags == ["Array", "Hash Table"]
    assert p.source.kind == "leetcode" and p.source.site == "leetcode.com"
    assert p.source.url == "https://leetcode.com/problems/two-sum/"
    assert isinstance(p.signature, FunctionSignature)
    assert p.signature.name == "twoSum"
    assert [(x.name, x.type) for x in p.signature.params] == [("nums", "integer[]"), ("target", "integer")]
    assert p.signature.returns == "integer[]"
    assert p.starter_code.startswith("class Solution:\n    def twoSum(self, nums: List[int], target: int)")
    # no contest: the release time is unknown, never guessed
    assert p.contest is None and p.release_time is None and p.release_time_source == "unknown"


def test_real_two_sum_recovers_all_examples_from_the_statement() -> None:
    # The recorded response has only sampleTestCase (the first example); the other
    # two examples' inputs are read back from the old-style <pre> blocks.
    p = question_to_problem(real("question-two-sum.json"))
    assert [(t.input, t.expected, t.comparable) for t in p.tests] == [
        ("[2,7,11,15]\n9", [0, 1], True),
        ("[3,2,4]\n6", [1, 2], True),
        ("[3,3]\n6", [0, 1], True),
    ]
    assert all(t.source == "example" and t.note is None for t in p.tests)


def test_real_two_sum_any_order_gives_the_unordered_checker() -> None:
    p = question_to_problem(real("question-two-sum.json"))  # "You can return the answer in any order."
    assert (p.checker.kind, p.checker.depth) == ("unordered", 1)


def test_real_two_sum_statement_markdown() -> None:
    md = question_to_problem(real("question-two-sum.json")).statement
    assert md.startswith("Given an array of integers `nums` and an integer `target`")
    assert "**Example 1:**" in md and "**Constraints:**" in md
    assert "Input: nums = [2,7,11,15], target = 9\nOutput: [0,1]" in md  # <pre> stays a code block
    assert "```" in md
    assert "&nbsp;" not in md and "\xa0" not in md and "<p>" not in md
    assert "\n\n\n" not in md and md.endswith("\n")


def test_real_two_sum_statement_keeps_exponents() -> None:
    # `10<sup>4</sup>` must not become "104": the model reads these bounds.
    md = question_to_problem(real("question-two-sum.json")).statement
    assert "nums.length <= 104" not in md
    assert "10^4" in md or "10<sup>4</sup>" in md
    assert "O(n^2)" in md or "O(n<sup>2</sup>)" in md


# ===================================================================== real recorded: 2017


def test_real_2017_response_without_title_slug_is_an_unexpected_shape_naming_it() -> None:
    # The 2017 query did not ask for titleSlug: a clear error, not a crash or junk.
    with pytest.raises(UnexpectedShape) as e:
        question_to_problem(real("question-find-the-difference-2017.json"))
    assert e.value.field == "titleSlug"
    assert "titleSlug" in str(e.value)


def _find_the_difference() -> dict:
    q = real("question-find-the-difference-2017.json")
    q["titleSlug"] = "find-the-difference"  # what our query asks for
    return q


def test_real_2017_code_definition_crlf_metadata_and_plain_text_output() -> None:
    p = question_to_problem(_find_the_difference())
    assert isinstance(p.signature, FunctionSignature)
    assert p.signature.name == "findTheDifference"
    assert [x.type for x in p.signature.params] == ["string", "string"]
    assert p.signature.returns == "character"
    assert p.starter_code.startswith("class Solution:\n    def findTheDifference(self, s, t):")
    assert "\r" not in p.starter_code
    # "Output:\r\ne\r\n": a bare character answer, comparable as "e"
    assert [(t.input, t.expected, t.comparable) for t in p.tests] == [('"abcd"\n"abcde"', "e", True)]
    assert p.checker.kind == "exact"
    assert p.title == "find-the-difference"  # no title in the response: the slug stands in


def test_real_2017_statement_has_no_carriage_returns() -> None:
    md = question_to_problem(_find_the_difference()).statement
    assert "Find the letter that was added in ***t***." in md
    assert "\r" not in md


# ===================================================================== the fake contest


def test_new_style_function_problem_with_example_testcase_list() -> None:
    p = parse_in_contest("values-with-exact-frequency")
    assert (p.slug, p.frontend_id, p.backend_id) == ("values-with-exact-frequency", "3931", "4211")
    assert p.title == "Values With Exact Frequency"
    assert p.difficulty == "Easy"
    assert p.tags == ["Array", "Hash Table", "Counting"]
    assert isinstance(p.signature, FunctionSignature)
    assert p.signature.returns == "list<integer>"
    assert [(t.input, t.expected, t.comparable) for t in p.tests] == [
        ("[4,1,4,2,2,3]\n2", [4, 2], True),
        ("[5,5,5,1]\n1", [1], True),
        ("[9]\n2", [], True),
    ]
    assert p.starter_code == "class Solution:\n    def exactValues(self, nums: List[int], k: int) -> List[int]:\n        "


def test_any_order_in_real_html_markup_gives_the_unordered_checker() -> None:
    # LeetCode writes "You may return the answer in <strong>any order</strong>."
    p = parse_in_contest("values-with-exact-frequency")
    assert (p.checker.kind, p.checker.depth) == ("unordered", 1)


def test_contest_fields_release_time_is_contest_start_and_points_from_contest_info() -> None:
    points = {}
    for slug in ("values-with-exact-frequency", "remove-leaves-below-threshold", "sort-even-positions",
                 "ticket-queue"):
        p = parse_in_contest(slug)
        assert p.contest is not None
        assert p.contest.slug == "weekly-contest-9001"
        assert p.contest.title == "Weekly Contest 9001"
        assert p.contest.start_time == W9001_START
        assert p.contest.duration_s == 5400
        assert p.release_time == W9001_START
        assert p.release_time_source == "contest"
        points[slug] = p.contest.points
    assert list(points.values()) == [3, 4, 5, 6]


def test_old_style_tree_problem_with_example_testcases() -> None:
    q = question("remove-leaves-below-threshold")
    assert q["exampleTestcaseList"] is None  # only the concatenated form
    p = question_to_problem(q)
    assert [x.type for x in p.signature.params] == ["TreeNode", "integer"]
    assert p.signature.returns == "TreeNode"
    assert [(t.input, t.expected) for t in p.tests] == [
        ("[5,2,8,1,null,null,3]\n4", [5, None, 8]),
        ("[1,1,1]\n2", []),
        ("[7,3,9,null,6]\n5", [7, 3, 9, None, 6]),
    ]
    assert all(t.comparable for t in p.tests)
    assert p.checker.kind == "exact"
    assert p.starter_code.startswith("# Definition for a binary tree node.")


def test_in_place_void_problem_expects_the_modified_argument() -> None:
    p = parse_in_contest("sort-even-positions")
    sig = p.signature
    assert isinstance(sig, FunctionSignature)
    assert (sig.returns, sig.output_param, sig.answer_type()) == ("void", 0, "integer[]")
    assert [(t.input, t.expected, t.comparable) for t in p.tests] == [
        ("[5,1,3,2,4]", [3, 1, 4, 2, 5], True),
        ("[2]", [2], True),
        ("[9,8,7,6]", [7, 8, 9, 6], True),
    ]


def test_design_problem_old_style_output_without_colon_quot_and_spaces() -> None:
    p = parse_in_contest("ticket-queue")
    sig = p.signature
    assert isinstance(sig, DesignSignature)
    assert sig.classname == "TicketQueue"
    assert [(x.name, x.type) for x in sig.constructor] == [("capacity", "integer")]
    assert [(m.name, [x.type for x in m.params], m.returns) for m in sig.methods] == [
        ("join", ["string", "integer"], "void"),
        ("serve", [], "string"),
        ("size", [], "integer"),
    ]
    [test] = p.tests
    assert test.input == ('["TicketQueue","join","join","join","serve","size","join","serve","serve","serve"]\n'
                          '[[2],["ann lee",5],["bob",7],["cy",9],[],[],["dee",5],[],[],[]]')
    # `&quot;` decoded, the space inside "ann lee" kept, spaces after commas ignored
    assert test.expected == [None, None, None, None, "bob", 1, None, "ann lee", "dee", ""]
    assert test.comparable
    assert p.checker.kind == "exact"
    assert p.starter_code.startswith("class TicketQueue:\n\n    def __init__(self, capacity: int):")


def test_float_answers_are_parsed_as_numbers() -> None:
    p = question_to_problem(question("mean-distance-to-origin"))
    assert p.signature.returns == "double"
    assert [t.expected for t in p.tests] == [2.5, 1.41421, 2.0]


def test_within_ten_to_the_minus_five_in_real_html_gives_the_float_checker() -> None:
    # LeetCode writes "Answers within <code>10<sup>-5</sup></code> of the actual answer".
    p = question_to_problem(question("mean-distance-to-origin"))
    assert p.checker.kind == "float"
    assert p.checker.tolerance == pytest.approx(1e-5)


def test_custom_judged_outputs_are_flagged_not_compared() -> None:
    p = question_to_problem(question("remove-marked-values"))
    assert [t.input for t in p.tests] == ["[3,2,2,3]\n3", "[0,1,2,2,3,0,4,2]\n2"]
    assert [(t.comparable, t.expected) for t in p.tests] == [(False, None), (False, None)]


def test_custom_judged_outputs_are_flagged_for_the_right_reason() -> None:
    # The statement's "Custom Judge" code block (`// Input array`) is not an example:
    # each flag must name the example's own non-JSON output.
    p = question_to_problem(question("remove-marked-values"))
    assert "2, nums = [2,2,_,_]" in (p.tests[0].note or "")
    assert "5, nums = [0,1,4,0,3,_,_,_]" in (p.tests[1].note or "")


def test_a_code_block_mentioning_input_does_not_unpair_the_examples() -> None:
    q = question("values-with-exact-frequency")
    old_style = (
        "<p>Return the values that appear exactly k times.</p>\n"
        "<pre>\nfor x in nums:  # Input is read once\n    count[x] += 1\n</pre>\n"
        "<p><strong class=\"example\">Example 1:</strong></p>\n"
        "<pre>\n<strong>Input:</strong> nums = [4,1,4,2,2,3], k = 2\n<strong>Output:</strong> [4,2]\n</pre>\n"
        "<p><strong class=\"example\">Example 2:</strong></p>\n"
        "<pre>\n<strong>Input:</strong> nums = [5,5,5,1], k = 1\n<strong>Output:</strong> [1]\n</pre>\n"
        "<p><strong class=\"example\">Example 3:</strong></p>\n"
        "<pre>\n<strong>Input:</strong> nums = [9], k = 2\n<strong>Output:</strong> []\n</pre>\n"
    )
    p = question_to_problem(with_content(q, old_style))
    assert [(t.expected, t.comparable) for t in p.tests] == [([4, 2], True), ([1], True), ([], True)]


# ===================================================================== leetcode.cn


def _cn_question() -> dict:
    return json.loads((CN_DIR / "question-values-with-exact-frequency.json").read_text())["data"]["question"]


def test_leetcode_cn_chinese_labels_titles_and_site() -> None:
    info = contest_info("contest-weekly-contest-9001.json", CN_DIR)
    p = question_to_problem(_cn_question(), site="leetcode.cn", language="zh",
                            contest=contest_ref(info, "values-with-exact-frequency"))
    assert [(t.input, t.expected, t.comparable) for t in p.tests] == [
        ("[4,1,4,2,2,3]\n2", [4, 2], True),
        ("[5,5,5,1]\n1", [1], True),
        ("[9]\n2", [], True),
    ]
    assert p.title == "Values With Exact Frequency"
    assert p.meta == {"translated_title": "恰好出现 K 次的值", "checker_rules": ["answer-in-any-order-zh"],
                      "statement_language": "zh"}
    assert p.source.site == "leetcode.cn"
    assert p.source.url == "https://leetcode.cn/problems/values-with-exact-frequency/"
    assert p.contest is not None and p.contest.title == "第 9001 场周赛" and p.contest.points == 3
    assert "输入：nums = [4,1,4,2,2,3], k = 2\n输出：[4,2]" in p.statement


def test_leetcode_cn_statement_in_chinese_picks_the_same_checker_as_its_english_twin() -> None:
    # "你可以按 <strong>任意顺序</strong> 返回答案" is "You may return the answer in any order".
    zh = question_to_problem(_cn_question(), site="leetcode.cn", language="zh")
    en = question_to_problem(_cn_question(), site="leetcode.cn")
    assert zh.checker == en.checker and zh.checker.kind == "unordered"
    assert zh.tests == en.tests


def test_leetcode_cn_title_falls_back_to_english_title_then_translated_title() -> None:
    q = _cn_question()
    q["english_title"] = "Values With Exact Frequency (en)"
    assert question_to_problem(q, site="leetcode.cn").title == "Values With Exact Frequency (en)"
    q = _cn_question()
    q["title"] = None
    assert question_to_problem(q, site="leetcode.cn").title == "恰好出现 K 次的值"


# ===================================================================== outputs in every style

OUTPUT_STYLES = [
    pytest.param(
        "<pre>\n<strong>Input:</strong> nums = [2,7,11,15], target = 9\n<strong>Output:</strong> [0,1]\n"
        "<strong>Explanation:</strong> Because nums[0] + nums[1] == 9.\n</pre>",
        ["[0,1]"], id="old-pre-colon",
    ),
    pytest.param(
        "<pre><strong>Input:</strong> s = &quot;ab&quot;\n<strong>Output:</strong> &quot;ba&quot;</pre>",
        ['"ba"'], id="old-pre-quot-no-explanation",
    ),
    pytest.param(
        "<pre>\n<strong>Input</strong>\n[&quot;LRUCache&quot;, &quot;put&quot;, &quot;get&quot;]\n[[2], [1, 1], [1]]\n"
        "<strong>Output</strong>\n[null, null, 1]\n\n<strong>Explanation</strong>\nLRUCache c = new LRUCache(2);\n</pre>",
        ["[null, null, 1]"], id="old-design-no-colon",
    ),
    pytest.param(
        "<pre>\r\nInput:\r\ns = \"abcd\"\r\nt = \"abcde\"\r\n\r\nOutput:\r\ne\r\n\r\nExplanation:\r\n'e' is added.\r\n</pre>",
        ["e"], id="2017-plain-text",
    ),
    pytest.param(
        "<pre><b>Input:</b> n = 3\n<b>Output:</b> 6\n<b>Note:</b> n is small.</pre>",
        ["6"], id="old-b-labels-note",
    ),
    pytest.param(
        '<div class="example-block"><p><strong>Input:</strong> <span class="example-io">nums = [1,2,3,1]</span></p>'
        '<p><strong>Output:</strong> <span class="example-io">true</span></p>'
        "<p><strong>Explanation:</strong></p><p>1 occurs twice.</p></div>"
        '<div class="example-block"><p><strong>Input:</strong> <span class="example-io">nums = [1,2]</span></p>'
        '<p><strong>Output:</strong> <span class="example-io">false</span></p></div>',
        ["true", "false"], id="new-example-io",
    ),
    pytest.param(
        '<div class="example-block"><p><strong>Input:</strong><br />'
        '<span class="example-io">[&quot;Router&quot;, &quot;add&quot;]<br />[[3], [1, 4]]</span></p>'
        '<p><strong>Output:</strong><br /><span class="example-io">[null, true]</span></p></div>',
        ["[null, true]"], id="new-design-br",
    ),
    pytest.param(
        "<pre><strong>输入：</strong>nums = [2,7,11,15], target = 9\n<strong>输出：</strong>[0,1]\n"
        "<strong>解释：</strong>因为 nums[0] + nums[1] == 9 。\n</pre>",
        ["[0,1]"], id="cn-strong-labels",
    ),
    pytest.param(
        "<pre><b>输入：</b>n = 3\n<b>输出：</b>6\n</pre>",
        ["6"], id="cn-b-labels",
    ),
    pytest.param(
        '<div class="example-block"><p><strong>输入：</strong><span class="example-io">nums = [1,2]</span></p>'
        '<p><strong>输出：</strong><span class="example-io">[2,1]</span></p></div>',
        ["[2,1]"], id="cn-new-example-io",
    ),
    pytest.param(
        "<pre>\n<strong>Input:</strong> nums = [3,2,2,3], val = 3\n<strong>Output:</strong> 2, nums = [2,2,_,_]\n"
        "<strong>Explanation:</strong> Your function should return k = 2.\n</pre>",
        ["2, nums = [2,2,_,_]"], id="custom-judged-text",
    ),
    pytest.param(
        "<pre>\n<strong>Input:</strong> grid = [[1,2],\n               [3,4]]\n<strong>Output:</strong> [[1,3],\n [2,4]]\n</pre>",
        ["[[1,3],\n[2,4]]"], id="multi-line-output",
    ),
    pytest.param("<p>No examples here.</p><pre>x = 1</pre>", [], id="no-examples"),
]


@pytest.mark.parametrize(("html", "outputs"), OUTPUT_STYLES)
def test_example_outputs_in_every_known_style(html: str, outputs: list[str]) -> None:
    assert example_outputs(html) == outputs


@pytest.mark.parametrize(
    ("text", "answer_type", "expected"),
    [
        pytest.param("[0,1]", "integer[]", (True, [0, 1]), id="list"),
        pytest.param("[null, null, 1]", None, (True, [None, None, 1]), id="design"),
        pytest.param("true", "boolean", (True, True), id="bool"),
        pytest.param('"ba"', "string", (True, "ba"), id="string"),
        pytest.param("2.00000", "double", (True, 2.0), id="double"),
        pytest.param("-3", "integer", (True, -3), id="negative"),
        pytest.param("[]", "TreeNode", (True, []), id="empty-tree"),
        pytest.param("e", "character", (True, "e"), id="bare-character"),
        pytest.param("e", "string", (False, None), id="bare-word-not-a-character-answer"),
        pytest.param("ab", "character", (False, None), id="two-letters-not-a-character"),
        pytest.param("2, nums = [2,2,_,_]", "integer", (False, None), id="custom-judged"),
        pytest.param("[1,2,_]", "integer[]", (False, None), id="underscores"),
        pytest.param("", "integer", (False, None), id="empty"),
        pytest.param("See the figure.", "integer", (False, None), id="prose"),
    ],
)
def test_parse_output(text: str, answer_type: str | None, expected: tuple) -> None:
    assert parse_output(text, answer_type) == expected


# ===================================================================== inputs


def test_example_testcase_list_wins_over_example_testcases() -> None:
    q = {"exampleTestcaseList": ["[1]\r\n2", "[3]\n4\n"], "exampleTestcases": "junk", "sampleTestCase": "junk"}
    assert example_inputs(q, 2, "x") == ["[1]\n2", "[3]\n4"]


def test_example_testcases_are_grouped_by_parameter_count() -> None:
    q = {"exampleTestcaseList": [], "exampleTestcases": "[1,2]\r\n3\r\n\r\n[4]\n5\n"}
    assert example_inputs(q, 2, "x") == ["[1,2]\n3", "[4]\n5"]


def test_sample_test_case_is_the_last_resort() -> None:
    assert example_inputs({"sampleTestCase": '"abcd"\n"abcde"'}, 2, "x") == ['"abcd"\n"abcde"']


def test_design_inputs_are_two_lines_each() -> None:
    q = {"exampleTestcases": '["A","f"]\n[[],[1]]\n["A"]\n[[]]'}
    assert example_inputs(q, 2, "x") == ['["A","f"]\n[[],[1]]', '["A"]\n[[]]']


@pytest.mark.parametrize(
    "q",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"exampleTestcases": "", "sampleTestCase": "  "}, id="blank"),
        pytest.param({"exampleTestcases": None, "exampleTestcaseList": None}, id="nulls"),
    ],
)
def test_no_example_inputs_is_an_unexpected_shape(q: dict) -> None:
    with pytest.raises(UnexpectedShape) as e:
        example_inputs(q, 1, "some-problem")
    assert e.value.field == "exampleTestcases"
    assert "some-problem" in str(e.value)


def test_example_testcases_not_a_multiple_of_the_parameter_count() -> None:
    with pytest.raises(UnexpectedShape, match="3 lines, not a multiple of 2"):
        example_inputs({"exampleTestcases": "[1]\n2\n[3]"}, 2, "x")


def test_inputs_recovered_from_statement_in_each_style() -> None:
    names = ["nums", "target"]
    old = ("<pre><strong>Input:</strong> nums = [2,7,11,15], target = 9\n<strong>Output:</strong> [0,1]</pre>"
           "<pre><strong>Input:</strong> nums = [3,2,4], target = 6\n<strong>Output:</strong> [1,2]</pre>")
    new = ('<div class="example-block"><p><strong>Input:</strong> <span class="example-io">nums = [3,3], '
           'target = 6</span></p><p><strong>Output:</strong> <span class="example-io">[0,1]</span></p></div>')
    cn = "<pre><strong>输入：</strong>nums = [1,5], target = 6\n<strong>输出：</strong>[0,1]</pre>"
    assert example_inputs_from_statement(old, names) == ["[2,7,11,15]\n9", "[3,2,4]\n6"]
    assert example_inputs_from_statement(new, names) == ["[3,3]\n6"]
    assert example_inputs_from_statement(cn, names) == ["[1,5]\n6"]


def test_inputs_from_statement_give_up_rather_than_guess() -> None:
    names = ["s", "t"]
    assert example_inputs_from_statement("<pre>Input: s = [1,\nOutput: 2</pre>", ["s"]) == []
    assert example_inputs_from_statement("<pre>Input: x = 1\nOutput: 2</pre>", names) == []


def test_statement_recovery_only_extends_matching_inputs() -> None:
    # sampleTestCase disagrees with the statement's first example: keep what the API
    # said, and do not pair it with an output shown for another input.
    q = real("question-two-sum.json")
    q["sampleTestCase"] = "[1,8]\n9"
    p = question_to_problem(q)
    assert [t.input for t in p.tests] == ["[1,8]\n9"]
    assert [(t.expected, t.comparable) for t in p.tests] == [(None, False)]
    assert flag_reason(p.tests[0].note) == Flag.UNPAIRED
    assert "[2,7,11,15]" in (p.tests[0].note or "")


def test_more_examples_than_outputs_flags_them_all() -> None:
    q = question("values-with-exact-frequency")
    q["exampleTestcaseList"].append("[1,1]\n2")
    p = question_to_problem(q)
    assert len(p.tests) == 4
    assert not any(t.comparable for t in p.tests)
    assert all(t.expected is None for t in p.tests)
    assert p.tests[0].note == "output does not pair with an input: the statement shows 3 examples for 4 inputs"


def test_fewer_examples_than_outputs_are_completed_from_the_statement() -> None:
    q = question("sort-even-positions")
    q["exampleTestcaseList"] = q["exampleTestcaseList"][:2]
    p = question_to_problem(q)
    assert [(t.input, t.expected, t.comparable) for t in p.tests] == [
        ("[5,1,3,2,4]", [3, 1, 4, 2, 5], True), ("[2]", [2], True), ("[9,8,7,6]", [7, 8, 9, 6], True)]


def test_fewer_examples_than_outputs_that_the_statement_cannot_explain_are_all_flagged() -> None:
    q = question("sort-even-positions")
    q["exampleTestcaseList"] = ["[5,1,3,2,4]", "[9,8,7,6]"]  # example 2 missing: pairing would be wrong
    p = question_to_problem(q)
    assert [(t.comparable, t.expected) for t in p.tests] == [(False, None), (False, None)]
    assert p.tests[1].note == "output does not pair with an input: the statement shows 3 examples for 2 inputs"


def test_a_single_example_pairs_with_the_first_output() -> None:
    q = question("ticket-queue")
    q["content"] += "<pre><strong>Input</strong>\n[&quot;TicketQueue&quot;]\n[[1]]\n<strong>Output</strong>\n[null]</pre>"
    q["content"] += "<pre><strong>Input</strong>\n[&quot;TicketQueue&quot;]\n[[1]\n<strong>Output</strong>\n[null]</pre>"
    p = question_to_problem(q)  # the third example's input cannot be read: nothing is recovered
    assert [(t.comparable, t.expected[4]) for t in p.tests] == [(True, "bob")]


def test_design_examples_missing_from_the_api_are_recovered_from_the_statement() -> None:
    q = question("ticket-queue")
    q["content"] += "<pre><strong>Input</strong>\n[&quot;TicketQueue&quot;]\n[[1]]\n<strong>Output</strong>\n[null]</pre>"
    p = question_to_problem(q)
    assert [(t.input, t.comparable) for t in p.tests][1] == ('["TicketQueue"]\n[[1]]', True)
    assert p.tests[1].expected == [None]


def test_example_that_does_not_fit_the_signature_names_it() -> None:
    q = question("values-with-exact-frequency")
    q["exampleTestcaseList"][1] = '[5,5,5,1]\n"one"'
    with pytest.raises(UnexpectedShape) as e:
        question_to_problem(q)
    assert e.value.field == "exampleTestcases"
    assert "example 2" in str(e.value)


def test_example_that_is_not_json_names_it() -> None:
    q = question("values-with-exact-frequency")
    q["exampleTestcaseList"][0] = "[4,1,4\n2"
    with pytest.raises(UnexpectedShape, match="example 1"):
        question_to_problem(q)


# ===================================================================== starter code


def test_python3_snippet_is_chosen_over_python2() -> None:
    q = question("values-with-exact-frequency")
    assert "class Solution(object)" in q["codeSnippets"][2]["code"]
    assert python3_starter(q, "x").startswith("class Solution:\n    def exactValues(self, nums: List[int]")


def test_code_definition_is_read_when_there_are_no_snippets() -> None:
    q = {"codeDefinition": json.dumps([{"value": "cpp", "text": "C++", "defaultCode": "class Solution {};"},
                                       {"value": "python3", "text": "Python3",
                                        "defaultCode": "class Solution:\r\n    def f(self):\r\n        "}])}
    assert python3_starter(q, "x") == "class Solution:\n    def f(self):\n        "


@pytest.mark.parametrize(
    ("q", "field"),
    [
        pytest.param({"codeSnippets": [{"langSlug": "cpp", "code": "x"}]}, "codeSnippets", id="no-python3"),
        pytest.param({"codeSnippets": None}, "codeSnippets", id="null"),
        pytest.param({"codeDefinition": "not json"}, "codeDefinition", id="bad-definition"),
        pytest.param({"codeDefinition": json.dumps({"python3": "x"})}, "codeDefinition", id="definition-dict"),
    ],
)
def test_missing_starter_code_names_the_field(q: dict, field: str) -> None:
    with pytest.raises(UnexpectedShape) as e:
        python3_starter(q, "x")
    assert e.value.field == field


# ===================================================================== paid-only, changed shapes


def test_paid_only_problem() -> None:
    q = question("secret-warehouse-routes")
    with pytest.raises(PaidOnly) as e:
        question_to_problem(q)
    assert e.value.slug == "secret-warehouse-routes"
    assert "paid-only" in str(e.value)


def test_paid_only_with_a_teaser_statement_but_no_metadata() -> None:
    q = question("secret-warehouse-routes")
    q["content"] = "<p>Subscribe to unlock.</p>"
    with pytest.raises(PaidOnly):
        question_to_problem(q)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("metaData", None, id="metaData-missing"),
        pytest.param("metaData", "", id="metaData-empty"),
        pytest.param("content", None, id="content-missing"),
        pytest.param("content", ["<p>"], id="content-a-list"),
        pytest.param("codeSnippets", [], id="codeSnippets-empty"),
        pytest.param("titleSlug", None, id="titleSlug-missing"),
    ],
)
def test_missing_or_changed_field_is_an_unexpected_shape_naming_it(field: str, value: Any) -> None:
    q = question("sort-even-positions")
    q[field] = value
    with pytest.raises(UnexpectedShape) as e:
        question_to_problem(q)
    assert e.value.field == field
    assert repr(field) in str(e.value)


def test_question_that_is_not_an_object() -> None:
    with pytest.raises(UnexpectedShape) as e:
        question_to_problem(["not", "a", "question"])  # type: ignore[arg-type]
    assert e.value.field == "question"


@pytest.mark.parametrize(
    "meta",
    [
        pytest.param("{not json", id="not-json"),
        pytest.param('{"params": [{"name": "nums", "type": "integer[]"}], "return": {"type": "void"}}', id="no-name"),
        pytest.param('{"name": "f", "params": [{"type": "integer"}], "return": {"type": "integer"}}',
                     id="param-without-name"),
    ],
)
def test_changed_metadata_is_a_clear_error_naming_it(meta: str) -> None:
    q = question("sort-even-positions")
    q["metaData"] = meta
    with pytest.raises((UnexpectedShape, ProblemError)) as e:
        question_to_problem(q)
    assert "metaData" in str(e.value)
    assert "sort-even-positions" in str(e.value)


@pytest.mark.parametrize("type_name", ["NestedInteger", "Node", "integer[][][][]x", "map<string,integer>"])
def test_unsupported_metadata_type_names_type_and_problem(type_name: str) -> None:
    q = question("values-with-exact-frequency")
    meta = json.loads(q["metaData"])
    meta["params"][0]["type"] = type_name
    q["metaData"] = json.dumps(meta)
    with pytest.raises(UnsupportedTypeError) as e:
        question_to_problem(q)
    assert e.value.type_name == type_name
    assert e.value.problem == "values-with-exact-frequency"
    assert type_name in str(e.value) and "values-with-exact-frequency" in str(e.value)


def test_unsupported_type_in_a_design_method() -> None:
    q = question("ticket-queue")
    meta = json.loads(q["metaData"])
    meta["methods"][1]["return"]["type"] = "Iterator"
    q["metaData"] = json.dumps(meta)
    with pytest.raises(UnsupportedTypeError, match="Iterator"):
        question_to_problem(q)


def test_unknown_difficulty_and_odd_tags_do_not_fail() -> None:
    q = question("sort-even-positions")
    q["difficulty"] = "Impossible"
    q["topicTags"] = [{"name": "Array"}, {"slug": "no-name"}, "junk", None]
    p = question_to_problem(q)
    assert p.difficulty is None
    assert p.tags == ["Array"]


# ===================================================================== checker, statement


@pytest.mark.parametrize(
    ("slug", "kind"),
    [
        pytest.param("remove-leaves-below-threshold", "exact", id="tree"),
        pytest.param("sort-even-positions", "exact", id="in-place"),
        pytest.param("ticket-queue", "exact", id="design"),
    ],
)
def test_checker_is_exact_unless_the_statement_says_otherwise(slug: str, kind: str) -> None:
    assert question_to_problem(question(slug)).checker.kind == kind


def test_plain_text_statement_phrases_choose_the_checker() -> None:
    q = question("sort-even-positions")
    p = question_to_problem(with_content(q, q["content"] + "<p>Return the answer in any order.</p>"))
    assert p.checker.kind == "unordered"
    p = question_to_problem(with_content(q, q["content"] + "<p>Answers within 10<sup>-6</sup> are accepted.</p>"))
    assert (p.checker.kind, p.checker.tolerance) == ("float", pytest.approx(1e-6))


def test_statement_markdown_of_new_style_html() -> None:
    md = statement_markdown(question("values-with-exact-frequency")["content"])
    assert "**Example 1:**" in md
    assert "**Input:** nums = [4,1,4,2,2,3], k = 2" in md
    assert "**Output:** [4,2]" in md
    assert "- `1 <= k <= 10^5`" in md
    assert "\xa0" not in md and "<" not in md.replace("<=", "")


def test_statement_markdown_keeps_exponents_and_subscripts() -> None:
    md = statement_markdown(question("mean-distance-to-origin")["content"])
    assert "10^5" in md or "10<sup>5</sup>" in md
    assert "105" not in md


# ===================================================================== contest_ref


def test_contest_ref_points_and_times() -> None:
    info = contest_info()
    ref = contest_ref(info, "ticket-queue")
    assert (ref.slug, ref.title, ref.start_time, ref.duration_s, ref.points) == (
        "weekly-contest-9001", "Weekly Contest 9001", W9001_START, 5400, 6)
    assert contest_ref(info, "not-in-this-contest").points is None


def test_contest_ref_changed_shapes_name_the_field() -> None:
    with pytest.raises(UnexpectedShape) as e:
        contest_ref({"questions": []}, "q")
    assert e.value.field == "contest"
    info = contest_info()
    info["contest"]["start_time"] = "yesterday"
    with pytest.raises(UnexpectedShape) as e:
        contest_ref(info, "q")
    assert e.value.field == "contest.start_time"


def test_contest_ref_with_a_non_numeric_credit_is_an_unexpected_shape() -> None:
    info = contest_info()
    info["questions"][0]["credit"] = "three"
    with pytest.raises(UnexpectedShape) as e:
        contest_ref(info, "values-with-exact-frequency")
    assert "credit" in str(e.value)
