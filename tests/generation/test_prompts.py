"""Prompt templates (pure): LiveCodeBench-style content, the variant for models
without a system role, per-model overrides, and the version recorded with every
generation."""

from __future__ import annotations

import pytest

from agent.generation.config import ModelSpec, PromptOverride
from agent.generation.prompts import (
    LCB_SYSTEM,
    LCB_USER,
    TEMPLATES,
    Template,
    render,
    template_for,
    template_version,
)
from judge.problem import Problem
from tests.support import function_problem

STATEMENT = "Given an array `nums` and a dict-like {key: value} map, return the answer.\n\nExample 1: ..."
STARTER = "class Solution:\n    def solve(self, nums: List[int]) -> int:\n        "


def problem(statement: str = STATEMENT, starter: str = STARTER) -> Problem:
    p = function_problem("solve", [("nums", "integer[]")], "integer", [("[1,2]", 3)], slug="solve-it")
    return p.model_copy(update={"statement": statement, "starter_code": starter})


def spec(**kw: object) -> ModelSpec:
    return ModelSpec(name="m", **kw)  # type: ignore[arg-type]


def test_lcb_template_content() -> None:
    messages = render(template_for(spec()), problem())
    assert [m["role"] for m in messages] == ["system", "user"]
    system, user = messages[0]["content"], messages[1]["content"]
    assert system.startswith("You are an expert Python programmer.")
    assert "passes all tests" in system
    assert user.startswith("### Question:\n" + STATEMENT.strip())
    fenced_starter = "```python\n" + STARTER.rstrip() + "\n```"
    assert fenced_starter in user
    i_question, i_format = user.index("### Question:"), user.index("### Format:")
    i_starter, i_answer = user.index(fenced_starter), user.index("### Answer:")
    assert i_question < i_format < i_starter < i_answer
    assert "starter code" in user[i_format:i_starter]
    assert user.rstrip().endswith("### Answer: (use the provided format with backticks)")


def test_statement_and_starter_with_braces_are_taken_verbatim() -> None:
    p = problem(statement="Return {a, b} as {0}.", starter="class Solution:\n    def f(self) -> Dict[str, int]: {}")
    user = render(template_for(spec()), p)[1]["content"]
    assert "Return {a, b} as {0}." in user
    assert "def f(self) -> Dict[str, int]: {}" in user


def test_no_system_variant_is_one_user_message() -> None:
    messages = render(template_for(spec(system_role=False)), problem(), system_role=False)
    assert len(messages) == 1 and messages[0]["role"] == "user"
    content = messages[0]["content"]
    assert content.startswith(LCB_SYSTEM + "\n\n### Question:\n")
    with_system = render(template_for(spec()), problem())
    assert content == with_system[0]["content"] + "\n\n" + with_system[1]["content"]


def test_per_model_override_with_a_system_line() -> None:
    override = PromptOverride(name="terse-v2", system="Be brief.", user="Solve:\n{statement}\nStart:\n{starter_code}")
    s = spec(prompt_override=override)
    t = template_for(s)
    assert t.name == "terse-v2"
    messages = render(t, problem(), s.system_role)
    assert messages == [{"role": "system", "content": "Be brief."},
                        {"role": "user", "content": f"Solve:\n{STATEMENT.strip()}\nStart:\n{STARTER.rstrip()}"}]
    assert template_version(s).startswith("terse-v2@")


def test_per_model_override_without_system_line() -> None:
    s = spec(prompt_override=PromptOverride(name="plain", user="{statement}"))
    messages = render(template_for(s), problem(), s.system_role)
    assert messages == [{"role": "user", "content": STATEMENT.strip()}]
    # no system line to fold in: no "+nosystem" variant either
    assert "+nosystem" not in template_version(spec(prompt_override=s.prompt_override, system_role=False))


def test_override_wins_over_the_template_name() -> None:
    s = spec(prompt_template="no-such-template", prompt_override=PromptOverride(name="x", user="{statement}"))
    assert template_for(s).name == "x"


def test_template_version_is_name_and_text_hash() -> None:
    v = template_version(spec())
    assert v == TEMPLATES["lcb-v1"].version
    name, digest = v.split("@")
    assert name == "lcb-v1" and len(digest) == 8 and int(digest, 16) >= 0
    assert template_version(spec()) == v  # stable


def test_template_version_changes_when_the_text_changes() -> None:
    base = Template("lcb-v1", LCB_SYSTEM, LCB_USER)
    assert Template("lcb-v1", LCB_SYSTEM, LCB_USER + " ").version != base.version
    assert Template("lcb-v1", LCB_SYSTEM + ".", LCB_USER).version != base.version
    assert Template("lcb-v1", None, LCB_USER).version != base.version
    # the separator makes moving text between system and user a change too
    assert Template("t", "ab", "c").version != Template("t", "a", "bc").version
    a = spec(prompt_override=PromptOverride(name="o", user="{statement}"))
    b = spec(prompt_override=PromptOverride(name="o", user="{statement}\n"))
    assert template_version(a) != template_version(b)


def test_template_version_carries_nosystem() -> None:
    with_role, without = template_version(spec()), template_version(spec(system_role=False))
    assert without == with_role + "+nosystem"


def test_unknown_template_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"model m: unknown prompt template 'lcb-v9' \(known: lcb-v1\)"):
        template_for(spec(prompt_template="lcb-v9"))
    with pytest.raises(ValueError, match="lcb-v9"):
        template_version(spec(prompt_template="lcb-v9"))


def test_override_with_an_unknown_placeholder_is_a_clear_error() -> None:
    # a typo in a per-model template must be a configuration error that names it
    # (ValueError, which the pipeline turns into a failed unit), not a bare KeyError
    # that stops the whole run as if it were a bug
    s = spec(prompt_override=PromptOverride(name="typo", user="{statment}\n{starter_code}"))
    with pytest.raises(ValueError, match="statment"):
        render(template_for(s), problem(), s.system_role)


def test_lcb_template_is_livecodebenchs_text() -> None:
    """Character for character what LiveCodeBench (lcb_runner/prompts/code_generation.py,
    commit 28fef95) sends a chat model for a problem with starter code, written out
    here independently of agent/generation/prompts.py."""
    messages = render(template_for(spec()), problem())
    assert messages[0] == {"role": "system", "content": (
        "You are an expert Python programmer. You will be given a question (problem specification) and will "
        "generate a correct Python program that matches the specification and passes all tests.")}
    assert messages[1] == {"role": "user", "content": (
        f"### Question:\n{STATEMENT}\n\n"
        "### Format: You will use the following starter code to write the solution to the problem and enclose "
        "your code within delimiters.\n"
        f"```python\n{STARTER.rstrip()}\n```\n\n"
        "### Answer: (use the provided format with backticks)\n\n")}
    # without a system role: LMStyle.OpenAIReason's single user message
    (single,) = render(template_for(spec()), problem(), system_role=False)
    assert single == {"role": "user", "content": messages[0]["content"] + "\n\n" + messages[1]["content"]}
