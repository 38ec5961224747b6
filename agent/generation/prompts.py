"""Versioned prompt templates. The version recorded with every generation is the
template's name plus a hash of its text, so an edited template can never pass
for the old one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from agent.generation.config import ModelSpec, PromptOverride
from judge.problem import Problem

# LiveCodeBench's prompt for chat models, verbatim: lcb_runner/prompts/code_generation.py of
# github.com/LiveCodeBench/LiveCodeBench at commit 28fef95ea8c9f7a547c8329f2cd3d32b92c1fa24,
# `PromptConstants.SYSTEM_MESSAGE_GENERIC` as the system message and
# `get_generic_question_template_answer` (its starter-code branch: LeetCode problems all
# have one) as the user message, as `format_prompt_generation` sends them for
# `LMStyle.OpenAIChat`; for models without a system role (`render(..., system_role=False)`)
# the two joined by a blank line in one user message, as for `LMStyle.OpenAIReason`.
# (Earlier LiveCodeBench commits ended the system message with "You will NOT return
# anything except for the program."; this is the later text.) The one liberty taken: the
# statement and the starter code are inserted trimmed of surrounding whitespace.
LCB_SYSTEM = (
    "You are an expert Python programmer. You will be given a question (problem specification) "
    "and will generate a correct Python program that matches the specification and passes all tests."
)
LCB_USER = (
    "### Question:\n{statement}\n\n"
    "### Format: You will use the following starter code to write the solution to the problem "
    "and enclose your code within delimiters.\n"
    "```python\n{starter_code}\n```\n\n"
    "### Answer: (use the provided format with backticks)\n\n"
)


@dataclass(frozen=True)
class Template:
    name: str
    system: str | None
    user: str

    @property
    def version(self) -> str:
        digest = hashlib.sha256(f"{self.system}\x00{self.user}".encode()).hexdigest()[:8]
        return f"{self.name}@{digest}"


TEMPLATES = {"lcb-v1": Template("lcb-v1", LCB_SYSTEM, LCB_USER)}


def template_for(spec: ModelSpec) -> Template:
    override: PromptOverride | None = spec.prompt_override
    if override is not None:
        return Template(override.name, override.system, override.user)
    try:
        return TEMPLATES[spec.prompt_template]
    except KeyError:
        raise ValueError(f"model {spec.name}: unknown prompt template {spec.prompt_template!r} "
                         f"(known: {', '.join(TEMPLATES)})") from None


def render(template: Template, problem: Problem, system_role: bool = True) -> list[dict[str, str]]:
    """Chat messages for one problem. Without a system role, the system line
    opens the user message (for models whose chat template has none)."""
    try:
        user = template.user.format(statement=problem.statement.strip(), starter_code=problem.starter_code.rstrip())
    except (KeyError, IndexError) as e:
        raise ValueError(f"prompt template {template.name}: unknown placeholder {{{e.args[0]}}} "
                         "(known: {statement}, {starter_code})") from None
    if template.system is None:
        return [{"role": "user", "content": user}]
    if system_role:
        return [{"role": "system", "content": template.system}, {"role": "user", "content": user}]
    return [{"role": "user", "content": f"{template.system}\n\n{user}"}]


def template_version(spec: ModelSpec) -> str:
    """Recorded with every generation: template text hash, and the role variant."""
    t = template_for(spec)
    return t.version if spec.system_role or t.system is None else f"{t.version}+nosystem"
