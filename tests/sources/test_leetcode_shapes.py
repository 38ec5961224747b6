"""Issue 15's markup shapes, one fixture each (tests/data/leetcode/shapes/, written
for these tests in the field set of the recorded responses): each parses to its
expected examples, or to a named, reported reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.sources.errors import NoStatement
from agent.sources.leetcode_parse import Flag, flag_reason, question_to_problem
from judge.signature import DesignSignature

SHAPES = Path(__file__).resolve().parents[1] / "data" / "leetcode" / "shapes"
SOLUTIONS = SHAPES / "solutions"
NOT_JSON = Flag.NOT_JSON.value

# slug -> [(input, expected output or None, the flag reason when not compared)]
EXPECTED: dict[str, list[tuple[str, Any, str | None]]] = {
    "split-output-total": [("[1,2]", 3, None), ("[10,12]", 22, None), ("[4,0]", None, NOT_JSON)],
    "output-without-span": [("2", 4, None), ("7", 14, None)],
    "several-spans": [("1", [0], None), ("3", [0, 1, 2], None), ("2", [0, 1], None)],
    "nested-example-block": [("[2,4,6]", 3, None), ("[1,8]", 1, None)],
    "group-by-letters": [('["ab","ba","c"]', [["ab", "ba"], ["c"]], None), ('["x"]', [["x"]], None)],
    "explanation-typos": [("2", 3, None), ("5", 6, None)],
    "kth-largest-stream": [('["KthLargestStream","add","add","add"]\n[[2,[1,5]],[3],[6],[0]]', [None, 3, 5, 5], None)],
    "star-tokens": [('"S*#"', ["S", "*", "#"], None), ('"__"', ["_", "_"], None), ('"#"', ["#"], None)],
}
JUDGED = sorted(EXPECTED)


def shape_question(slug: str) -> dict:
    return json.loads((SHAPES / f"question-{slug}.json").read_text(encoding="utf-8"))["data"]["question"]


def shape_solution(slug: str, wrong: bool = False) -> str:
    return (SOLUTIONS / f"{slug}{'.wrong' if wrong else ''}.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", JUDGED)
def test_every_shape_parses_to_its_examples(slug: str) -> None:
    p = question_to_problem(shape_question(slug))
    got = [(t.input, t.expected if t.comparable else None, flag_reason(t.note)) for t in p.tests]
    assert got == EXPECTED[slug]
    assert all(t.comparable == (reason is None) for t, (_, _, reason) in zip(p.tests, EXPECTED[slug], strict=True))


def test_an_output_partly_outside_its_span_is_read_whole() -> None:
    assert question_to_problem(shape_question("split-output-total")).tests[1].expected == 22


def test_an_ambiguous_output_is_flagged_with_its_reason_never_guessed() -> None:
    test = question_to_problem(shape_question("split-output-total")).tests[2]
    assert not test.comparable and test.expected is None
    assert test.note == f"{NOT_JSON}: output '4 or 40'"


def test_any_order_of_nested_groups_compares_every_level() -> None:
    p = question_to_problem(shape_question("group-by-letters"))
    assert (p.checker.kind, p.checker.depth) == ("unordered", 2)


def test_a_c_only_constructor_parameter_is_dropped_for_python() -> None:
    p = question_to_problem(shape_question("kth-largest-stream"))
    assert isinstance(p.signature, DesignSignature)
    assert [q.name for q in p.signature.constructor] == ["k", "nums"]


def test_example_inputs_keep_no_carriage_return() -> None:
    q = shape_question("explanation-typos")
    assert "\r\n" in q["exampleTestcases"]
    assert all("\r" not in t.input for t in question_to_problem(q).tests)


def test_example_values_reach_the_model_verbatim() -> None:
    statement = question_to_problem(shape_question("star-tokens")).statement
    assert '["S","*","#"]' in statement and '["_","_"]' in statement
    assert "\\*" not in statement.split("Example 1")[1] and "\\_" not in statement.split("Example 1")[1]


def test_both_statement_fields_are_read_and_the_configured_language_wins() -> None:
    q = shape_question("split-output-total")
    assert "return <em>the sum" in q["content"] and "返回其元素之和" in q["translatedContent"]
    english = question_to_problem(q)
    assert "Given an integer array" in english.statement and len(english.tests) == 3
    chinese = question_to_problem(q, language="zh")
    assert "返回其元素之和" in chinese.statement


def test_a_placeholder_without_any_statement_is_a_named_error() -> None:
    with pytest.raises(NoStatement, match=r"English description is not available.*'translatedContent' is empty"):
        question_to_problem(shape_question("placeholder-only"), site="leetcode.cn")
