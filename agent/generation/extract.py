"""From a model's answer to code (pure functions).

Reasoning comes from the response's `reasoning_content` field or from
`<think>...</think>` in the content; code is taken from the answer part only, so
a draft inside the reasoning is never graded. Among fenced blocks, the last one
that defines the required class and method wins (a trailing usage example does
not); unterminated fences, language tags (python, py, python3, none), `~~~`
fences and several blocks are handled; an answer that is bare code is taken
whole when it parses and defines the class.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from agent.generation.errors import GenerationError

_OPEN_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+.#-]*)[^\n]*$", re.M)
@functools.cache
def extractor_version() -> str:
    """`extract@<hash of this module's source>`, recorded with every generation (in
    its `sampling` record, beside the prompt template's version): answers extracted
    by different code are never taken for one another, and no edit can forget to
    bump it."""
    return f"extract@{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]}"


_PYTHON_TAG = re.compile(r"(py|python)?[\d.]*")  # "", py, py3, python, python3, python3.12, ...


@dataclass(frozen=True)
class Block:
    lang: str
    code: str
    closed: bool


@dataclass(frozen=True)
class Extracted:
    answer: str  # the content with reasoning removed
    reasoning: str | None
    code: str | None
    outcome: str  # "code" | "no code" | "truncated"


def split_reasoning(content: str, reasoning_field: str | None = None) -> tuple[str, str | None]:
    """(answer, reasoning). Handles `<think>` blocks, a closing `</think>` without
    its opening tag (some chat templates put `<think>` in the prompt), and an
    unterminated `<think>` (the whole rest is reasoning, there is no answer)."""
    parts = [reasoning_field] if reasoning_field else []
    answer = content or ""
    if "</think>" in answer:
        thought, answer = answer.rsplit("</think>", 1)
        parts.append(thought.replace("<think>", "").strip())
    elif "<think>" in answer:
        before, thought = answer.split("<think>", 1)
        parts.append(thought.strip())
        answer = before
    reasoning = "\n\n".join(p for p in parts if p) or None
    return answer.strip(), reasoning


def fenced_blocks(text: str) -> list[Block]:
    blocks, pos = [], 0
    while True:
        m = _OPEN_FENCE.search(text, pos)
        if m is None:
            return blocks
        fence = m.group("fence")
        body_start = m.end() + 1
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M).search(text, body_start)
        body = text[body_start:] if close is None else text[body_start:close.start()]
        # a fence indented in a list item indents its code too (CommonMark strips it)
        blocks.append(Block(m.group("lang").lower(), textwrap.dedent(body).rstrip() + "\n", close is not None))
        if close is None:  # unterminated: the block runs to the end
            return blocks
        pos = close.end()


def defines(code: str, classname: str, method: str | None) -> bool:
    """Does the code define `class <classname>` (with `def <method>` if given)?"""
    # [ \t]*, not \s*: with re.M, ^\s* rescans a run of blank lines from each of its
    # lines, quadratic in a degenerate answer
    if not re.search(rf"^[ \t]*class[ \t]+{re.escape(classname)}\b", code, re.M):
        return False
    return method is None or re.search(rf"^[ \t]*(async[ \t]+)?def[ \t]+{re.escape(method)}[ \t]*\(",
                                       code, re.M) is not None


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def extract_code(answer: str, classname: str = "Solution", method: str | None = None) -> str | None:
    blocks = [b for b in fenced_blocks(answer) if _PYTHON_TAG.fullmatch(b.lang) and b.code.strip()]
    defining = [b for b in blocks if defines(b.code, classname, method)]
    if defining:
        complete = [b for b in defining if b.closed] or defining
        return complete[-1].code
    if blocks:  # code, but not the required class: the judge will say why
        return blocks[-1].code
    if defines(answer, classname, method) and _parses(answer):
        return answer.strip() + "\n"
    return None


def extract(content: str | None, reasoning_field: str | None, finish_reason: str | None,
            classname: str = "Solution", method: str | None = None) -> Extracted:
    if content is not None and not isinstance(content, str):
        raise GenerationError(f"response content is {type(content).__name__}, not text")
    if reasoning_field is not None and not isinstance(reasoning_field, str):
        raise GenerationError(f"response reasoning is {type(reasoning_field).__name__}, not text")
    answer, reasoning = split_reasoning((content or "").replace("\r\n", "\n"), reasoning_field)
    code = extract_code(answer, classname, method)
    # hitting the token limit is "truncated" whatever was extracted: never judged
    outcome = "truncated" if finish_reason == "length" else "code" if code else "no code"
    return Extracted(answer, reasoning, code, outcome)
