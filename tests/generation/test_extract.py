"""Extraction from a model's answer (pure): where the reasoning is, which fenced block
is the answer, and the outcome. Answers here are hostile on purpose: drafts in the
reasoning, trailing usage examples and test blocks, unterminated and nested fences,
non-Python blocks, prose, truncation, and content that is not text at all.

The `lcb_*` cases are LiveCodeBench's documented failure modes
(../shared/reference/peers.md): it grades the text between the last two ``` lines
and does not strip `<think>`, so a usage example or a draft gets graded, and a
truncated generation is indistinguishable from a wrong answer.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import pytest

from agent.generation.config import Sampling
from agent.generation.errors import GenerationError
from agent.generation.extract import (
    Extracted,
    defines,
    extract,
    extract_code,
    fenced_blocks,
    split_reasoning,
)

F = "```"  # a fence, to keep the cases readable

SOLUTION = (
    "class Solution:\n"
    "    def twoSum(self, nums: List[int], target: int) -> List[int]:\n"
    "        seen = {}\n"
    "        for i, x in enumerate(nums):\n"
    "            if target - x in seen:\n"
    "                return [seen[target - x], i]\n"
    "            seen[x] = i\n"
    "        return []\n"
)
DRAFT = (
    "class Solution:\n"
    "    def twoSum(self, nums, target):\n"
    "        return [0, 1]  # DRAFT\n"
)
USAGE = (
    "sol = Solution()\n"
    "print(sol.twoSum([2, 7, 11, 15], 9))  # [0, 1]\n"
)
TESTS = (
    "import unittest\n\n"
    "class TestSolution(unittest.TestCase):\n"
    "    def test_twoSum(self):\n"
    "        self.assertEqual(Solution().twoSum([3, 3], 6), [0, 1])\n\n"
    "if __name__ == '__main__':\n"
    "    unittest.main()\n"
)


def fenced(code: str, tag: str = "python", fence: str = F) -> str:
    return f"{fence}{tag}\n{code.rstrip()}\n{fence}\n"


def ex(content: object, reasoning: str | None = None, finish: str | None = "stop",
       classname: str = "Solution", method: str | None = "twoSum") -> Extracted:
    return extract(content, reasoning, finish, classname, method)  # type: ignore[arg-type]


def lcb_extract(text: str) -> str:
    """LiveCodeBench's extraction: the text between the last two ``` lines."""
    lines = text.split("\n")
    idx = [i for i, line in enumerate(lines) if "```" in line]
    if len(idx) < 2:
        return ""
    return "\n".join(lines[idx[-2] + 1: idx[-1]])


# ------------------------------------------------------------------ reasoning


def test_reasoning_from_reasoning_content_field() -> None:
    r = ex(fenced(SOLUTION), reasoning="First I think about hash maps.")
    assert r.reasoning == "First I think about hash maps."
    assert r.code == SOLUTION and r.outcome == "code"


def test_reasoning_from_think_tags() -> None:
    r = ex(f"<think>\nUse a dict.\n</think>\n\nHere it is:\n{fenced(SOLUTION)}")
    assert r.reasoning == "Use a dict."
    assert r.answer.startswith("Here it is:") and "<think>" not in r.answer and "</think>" not in r.answer
    assert r.code == SOLUTION


def test_closing_think_without_opening_tag() -> None:
    # chat templates that put <think> into the prompt: the content starts inside the thought
    r = ex(f"Hmm, a dict gives O(n).\n</think>\n\n{fenced(SOLUTION)}")
    assert r.reasoning == "Hmm, a dict gives O(n)."
    assert r.code == SOLUTION and r.outcome == "code"


def test_unterminated_think_means_no_answer() -> None:
    r = ex(f"<think>\nLet me try:\n{fenced(DRAFT)}\nand then I keep thinking and thinking")
    assert r.answer == ""
    assert r.reasoning is not None and "DRAFT" in r.reasoning
    assert r.code is None and r.outcome == "no code"


def test_unterminated_think_cut_by_the_token_limit_is_truncated() -> None:
    r = ex(f"<think>\nLet me try:\n{fenced(DRAFT)}\nand", finish="length")
    assert r.code is None and r.outcome == "truncated"


def test_reasoning_field_and_think_tags_are_both_kept() -> None:
    r = ex(f"<think>second</think>\n{fenced(SOLUTION)}", reasoning="first")
    assert r.reasoning == "first\n\nsecond"


def test_several_think_blocks_only_the_text_after_the_last_is_the_answer() -> None:
    content = f"<think>a</think>\n{fenced(DRAFT)}\n<think>b</think>\n{fenced(SOLUTION)}"
    r = ex(content)
    assert r.code == SOLUTION
    assert r.reasoning is not None and "DRAFT" in r.reasoning


def test_split_reasoning_without_any_reasoning() -> None:
    assert split_reasoning("  just an answer \n") == ("just an answer", None)
    assert split_reasoning("") == ("", None)
    assert split_reasoning("<think></think>answer") == ("answer", None)


# ------------------------------------------------- code from the answer only


def test_lcb_draft_in_reasoning_field_is_never_taken() -> None:
    r = ex("I could not finish.", reasoning=f"Draft:\n{fenced(DRAFT)}")
    assert r.code is None and r.outcome == "no code"


def test_lcb_draft_in_think_tags_is_never_taken() -> None:
    content = f"<think>\nDraft:\n{fenced(DRAFT)}\nThat is wrong.\n</think>\nSorry, no solution."
    assert lcb_extract(content).strip() == DRAFT.strip()  # what LiveCodeBench would grade
    r = ex(content)
    assert r.code is None and r.outcome == "no code"


def test_lcb_draft_in_think_tags_and_final_answer_after() -> None:
    content = f"<think>\n{fenced(DRAFT)}\n</think>\nFinal:\n{fenced(SOLUTION)}"
    r = ex(content)
    assert r.code == SOLUTION and "DRAFT" not in (r.code or "")


# ------------------------------------------------------ which block is chosen


def test_lcb_trailing_usage_example_is_not_taken() -> None:
    content = f"Solution:\n{fenced(SOLUTION)}\nExample usage:\n{fenced(USAGE)}"
    assert lcb_extract(content).strip() == USAGE.strip()  # what LiveCodeBench would grade
    assert ex(content).code == SOLUTION


def test_lcb_trailing_test_block_is_not_taken() -> None:
    content = f"{fenced(SOLUTION)}\nAnd some tests:\n{fenced(TESTS)}"
    assert lcb_extract(content).strip() == TESTS.strip()
    assert ex(content).code == SOLUTION


def test_lcb_trailing_output_block_without_tag_is_not_taken() -> None:
    content = f"{fenced(SOLUTION)}\nOutput:\n{fenced('[0, 1]', tag='')}"
    assert lcb_extract(content).strip() == "[0, 1]"
    assert ex(content).code == SOLUTION


def test_the_last_defining_block_wins_over_an_earlier_attempt() -> None:
    content = f"First try:\n{fenced(DRAFT)}\nWait, that is wrong. Fixed:\n{fenced(SOLUTION)}\n{fenced(USAGE)}"
    assert ex(content).code == SOLUTION


def test_a_block_with_another_method_does_not_count_as_defining() -> None:
    other = "class Solution:\n    def helper(self):\n        return 1\n"
    content = f"{fenced(SOLUTION)}\nA helper too:\n{fenced(other)}"
    assert ex(content).code == SOLUTION


def test_a_class_with_a_longer_name_does_not_count() -> None:
    assert not defines("class SolutionTest:\n    def twoSum(self): pass\n", "Solution", "twoSum")
    assert not defines("class Solution_old:\n    def twoSum(self): pass\n", "Solution", "twoSum")
    assert not defines("class Solution:\n    def twoSumAll(self): pass\n", "Solution", "twoSum")
    assert defines("class Solution(object):\n    async def twoSum (self): pass\n", "Solution", "twoSum")


def test_without_a_defining_block_the_last_python_block_is_taken() -> None:
    # code, but not the required class: the judge will say why (a compile/runtime error)
    func = "def two_sum(nums, target):\n    return []\n"
    content = f"{fenced(func)}\n{fenced('x = 1')}"
    assert ex(content).code == "x = 1\n"
    assert ex(content).outcome == "code"


def test_a_defining_block_in_the_middle_beats_python_blocks_around_it() -> None:
    content = f"{fenced('import sys')}\n{fenced(SOLUTION)}\n{fenced(USAGE)}\n{fenced('print(1)')}"
    assert ex(content).code == SOLUTION


# ---------------------------------------------------------- fences and tags


@pytest.mark.parametrize("tag", ["python", "py", "Python3", "python3", "PYTHON", "py3", "", " python", "python title=a.py"])
def test_python_language_tags(tag: str) -> None:
    assert ex(f"Here:\n{fenced(SOLUTION, tag=tag)}\nDone.").code == SOLUTION


def test_python_tag_with_a_minor_version() -> None:
    assert ex(f"Here:\n{fenced(SOLUTION, tag='python3.12')}\nDone.").code == SOLUTION


def test_tilde_fences() -> None:
    assert ex(f"Here:\n{fenced(SOLUTION, fence='~~~')}\n").code == SOLUTION
    assert ex(f"Here:\n{fenced(SOLUTION, tag='', fence='~~~~')}\n").code == SOLUTION


def test_four_backtick_fence_containing_three_backticks() -> None:
    code = (
        "class Solution:\n"
        "    def twoSum(self, nums, target):\n"
        "        '''Markdown in a docstring:\n"
        "        ```\n"
        "        example\n"
        "        ```\n"
        "        '''\n"
        "        return []\n"
    )
    r = ex(f"````python\n{code}````\n\n{fenced(USAGE)}")
    assert r.code == code
    assert ast.parse(r.code or "")


def test_tilde_fence_containing_backticks() -> None:
    code = "class Solution:\n    def twoSum(self, nums, target):\n        s = '```'\n        return []\n"
    assert ex(f"~~~python\n{code}~~~\n").code == code


def test_closing_fence_longer_than_the_opening_one_closes_it() -> None:
    blocks = fenced_blocks(f"{F}python\nx = 1\n`````\nprose\n")
    assert [(b.code, b.closed) for b in blocks] == [("x = 1\n", True)]


def test_tilde_does_not_close_backticks() -> None:
    blocks = fenced_blocks(f"{F}python\nx = 1\n~~~\ny = 2\n{F}\n")
    assert [b.code for b in blocks] == ["x = 1\n~~~\ny = 2\n"]


@pytest.mark.parametrize("tag", ["json", "text", "bash", "sh", "console", "cpp", "java", "output", "pycon"])
def test_non_python_blocks_are_ignored(tag: str) -> None:
    other = '{"nums": [2, 7], "target": 9}' if tag == "json" else "python solution.py\n[0, 1]"
    content = f"{fenced(SOLUTION)}\n{fenced(other, tag=tag)}"
    assert ex(content).code == SOLUTION
    assert ex(fenced(other, tag=tag)).code is None
    assert ex(fenced(other, tag=tag)).outcome == "no code"


def test_a_non_python_block_that_defines_the_class_is_still_ignored() -> None:
    java = "class Solution {\n    public int[] twoSum(int[] nums, int target) { return null; }\n}\n"
    assert ex(fenced(java, tag="java")).outcome == "no code"


def test_unterminated_fence_runs_to_the_end() -> None:
    r = ex(f"Here is the solution:\n{F}python\n{SOLUTION}")
    assert r.code == SOLUTION and r.outcome == "code"


def test_a_closed_defining_block_is_preferred_over_an_unterminated_one() -> None:
    content = f"{fenced(SOLUTION)}\nAlternative:\n{F}python\nclass Solution:\n    def twoSum(self, nums, t"
    assert ex(content).code == SOLUTION


def test_unterminated_block_after_a_usage_example() -> None:
    content = f"{fenced(USAGE)}\n{F}python\n{SOLUTION}"
    assert ex(content).code == SOLUTION


def test_empty_blocks_are_skipped() -> None:
    content = f"{fenced(SOLUTION)}\n{F}python\n\n{F}\n"
    assert ex(content).code == SOLUTION


def test_fence_indented_in_a_list_item_gives_code_that_parses() -> None:
    indented = "".join(f"   {line}\n" if line else "\n" for line in SOLUTION.splitlines())
    content = f"1. Use a dict.\n2. The code:\n\n   {F}python\n{indented}   {F}\n"
    code = ex(content).code
    assert code is not None
    ast.parse(code)


def test_crlf_line_endings() -> None:
    content = fenced(SOLUTION).replace("\n", "\r\n") + "\r\nThis runs in O(n).\r\n"
    code = ex(content).code
    assert code is not None and "```" not in code and "O(n)" not in code
    ast.parse(code)


# -------------------------------------------------------- prose and bare code


@pytest.mark.parametrize("content", [
    "I am sorry, but I cannot help with that.",
    "Use a hash map: for each x, look up target - x. This class Solution would be O(n).",
    "class Solution is what you need, with a method twoSum.\nIt returns two indices.",
    "The answer uses `twoSum` inside ``class Solution``.",
])
def test_prose_only_answers_are_no_code(content: str) -> None:
    r = ex(content)
    assert r.code is None and r.outcome == "no code"


def test_bare_code_answer_without_fences() -> None:
    r = ex(SOLUTION)
    assert r.code == SOLUTION and r.outcome == "code"


def test_bare_code_after_think() -> None:
    assert ex(f"<think>easy</think>\n{SOLUTION}").code == SOLUTION


def test_bare_code_that_does_not_parse_is_no_code() -> None:
    assert ex(SOLUTION + "\nThis solution is O(n).\n").outcome == "no code"


def test_bare_code_without_the_required_method_is_no_code() -> None:
    assert ex("class Solution:\n    def other(self):\n        return 1\n").outcome == "no code"


# ----------------------------------------------------------------- outcomes


def test_finish_length_is_truncated_even_with_code() -> None:
    r = ex(fenced(SOLUTION), finish="length")
    assert r.code == SOLUTION and r.outcome == "truncated"


def test_lcb_truncated_is_not_a_wrong_answer() -> None:
    # LiveCodeBench grades a cut generation like any other; here it never reaches the judge
    r = ex(f"{F}python\nclass Solution:\n    def twoSum(self, nums, target):\n        for", finish="length")
    assert r.outcome == "truncated"


def test_lcb_no_default_stop_or_token_cap() -> None:
    # LiveCodeBench's stop="###" cuts reasoning models that write markdown headers
    kwargs = Sampling().request_kwargs()
    assert "stop" not in kwargs and "max_tokens" not in kwargs


def test_markdown_headers_in_the_answer_do_not_matter() -> None:
    content = f"### Approach\nA dict.\n\n### Code\n{fenced(SOLUTION)}\n### Complexity\nO(n)"
    assert ex(content).code == SOLUTION


@pytest.mark.parametrize("finish", ["stop", None, "eos", "abort"])
def test_other_finish_reasons_follow_the_code(finish: str | None) -> None:
    assert ex(fenced(SOLUTION), finish=finish).outcome == "code"
    assert ex("no code here", finish=finish).outcome == "no code"


# ------------------------------------------------------------ design problems


LRU = (
    "class LRUCache:\n\n"
    "    def __init__(self, capacity: int):\n"
    "        self.capacity = capacity\n\n"
    "    def get(self, key: int) -> int:\n"
    "        return -1\n"
)


def test_design_problem_takes_the_class_over_a_usage_example() -> None:
    usage = "obj = LRUCache(2)\nobj.put(1, 1)\nprint(obj.get(1))\n"
    r = ex(f"{fenced(LRU)}\nUsage:\n{fenced(usage)}", classname="LRUCache", method=None)
    assert r.code == LRU and r.outcome == "code"


def test_design_problem_ignores_a_solution_class() -> None:
    r = ex(f"{fenced(LRU)}\n{fenced(SOLUTION)}", classname="LRUCache", method=None)
    assert r.code == LRU


def test_design_problem_bare_code() -> None:
    assert ex(LRU, classname="LRUCache", method=None).code == LRU


# -------------------------------------------------- empty, huge, not text


@pytest.mark.parametrize("content", [None, "", "   \n\t  ", "<think></think>", "```python\n```"])
def test_empty_content_is_no_code(content: str | None) -> None:
    r = ex(content)
    assert r.code is None and r.outcome == "no code"


def test_empty_content_cut_by_the_limit_is_truncated() -> None:
    assert ex(None, finish="length").outcome == "truncated"


@pytest.mark.parametrize("content", [123, 4.5, b"class Solution: pass", ["text"], {"text": "x"},
                                     [{"type": "text", "text": "x"}]])
def test_non_text_content_is_a_generation_error(content: object) -> None:
    with pytest.raises(GenerationError, match="not text"):
        ex(content)


@pytest.mark.parametrize("reasoning", [123, ["thought"], {"text": "thought"}])
def test_non_text_reasoning_is_a_generation_error(reasoning: object) -> None:
    # the replay provider passes a stored "reasoning" through unchecked
    with pytest.raises(GenerationError):
        ex(fenced(SOLUTION), reasoning=reasoning)  # type: ignore[arg-type]


# Degenerate answers of MBs: what extraction returns is checked here, how long it
# takes (and that it grows linearly) by bench/extract_bench.py.


def test_huge_content_many_blocks() -> None:
    noise = "".join(f"Step {i}:\n{fenced(f'x{i} = {i}')}\n" for i in range(5000))
    content = f"<think>{'thinking... ' * 200_000}</think>\n{noise}{fenced(SOLUTION)}{fenced(USAGE)}"
    assert len(content) > 2_000_000
    assert ex(content).code == SOLUTION


def test_huge_unterminated_block() -> None:
    content = f"{F}python\n{SOLUTION}" + "        x = 1\n" * 200_000
    r = ex(content, finish="length")
    assert r.outcome == "truncated" and r.code is not None and r.code.startswith("class Solution:")


def test_degenerate_run_of_blank_lines() -> None:
    # a looping model: hundreds of thousands of newlines between two words, no fence
    # (a quadratic `^\s*class` scan took minutes on this, blocking the event loop)
    content = "Let me think." + "\n" * 200_000 + "Done."
    r = ex(content, finish="length")
    assert r.outcome == "truncated" and r.code is None


# ---------------------------------------------------------------- the table

@dataclass(frozen=True)
class Case:
    name: str
    content: str | None
    reasoning: str | None
    finish: str | None
    code: str | None
    outcome: str


CASES = [
    Case("lcb-usage-example-last", f"{fenced(SOLUTION)}{fenced(USAGE)}", None, "stop", SOLUTION, "code"),
    Case("lcb-draft-in-think", f"<think>{fenced(DRAFT)}</think>prose", None, "stop", None, "no code"),
    Case("lcb-draft-in-field", "prose", fenced(DRAFT), "stop", None, "no code"),
    Case("lcb-header-in-answer", f"### Solution\n{fenced(SOLUTION)}", None, "stop", SOLUTION, "code"),
    Case("lcb-truncated", f"{F}python\nclass Solution:\n    def twoSum(", None, "length",
         "class Solution:\n    def twoSum(\n", "truncated"),
    Case("prose", "No idea.", None, "stop", None, "no code"),
    Case("bare", SOLUTION, None, "stop", SOLUTION, "code"),
    Case("tests-last", f"{fenced(SOLUTION)}{fenced(TESTS)}", None, "stop", SOLUTION, "code"),
    Case("json-last", f"{fenced(SOLUTION)}{fenced('[1]', tag='json')}", None, "stop", SOLUTION, "code"),
    Case("only-usage", fenced(USAGE), None, "stop", USAGE, "code"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_table(case: Case) -> None:
    r = extract(case.content, case.reasoning, case.finish, "Solution", "twoSum")
    assert (r.code, r.outcome) == (case.code, case.outcome)


def test_extract_code_directly() -> None:
    assert extract_code(f"{fenced(SOLUTION)}{fenced(USAGE)}", "Solution", "twoSum") == SOLUTION
    assert extract_code("", "Solution", "twoSum") is None
