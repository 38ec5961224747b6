"""Markdown from untrusted text: model names, slugs, results and messages come from
configuration, LeetCode and solutions, and must show as written, not as
formatting, links, HTML or extra table columns. Pure.

- `md_text(s)`: text for a paragraph, list item or table cell;
- `md_code(s)`: a code span holding `s` whatever backticks it contains;
- `md_table(header, rows)`: a GFM table; plain `str` cells are escaped with
  `md_text`, `Md` cells (already Markdown, e.g. a code span) are kept; in every
  cell `|` is escaped and line breaks become spaces, so a cell stays one cell.

Escaping leaves the report's own text (numbers, `96.1% (123/128)`,
`[91.2, 98.3]`, `paper-3b`) unchanged: only characters that start inline
syntax are escaped, and `[`/`]` only where they would open a link.
"""

from __future__ import annotations

import re

from judge.text import safe_text

_INLINE = re.compile(r"([\\`*_<>~&])")  # emphasis, code, raw HTML, entities, strikethrough
# a `[` that a later `]` could close as a link, an image, a reference or a link
# definition (`](url)`, `][ref]`, `]: url`); link text may nest brackets
_LINK = re.compile(r"(!?)\[(?=.*\]\s*[(\[:])")
# what opens a block at the start of a one-line paragraph: a heading, a list item,
# a thematic break (`*`/`_` ones are escaped already; leading spaces are dropped,
# so no indented code block)
_BLOCK = re.compile(r"^(#|[-+](?=\s|$)|-(?=[-\s]*$)|\d{1,9}(?=[.)](?:\s|$)))")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


class Md(str):
    """Text that is Markdown already (built by this module): not escaped again."""


def _one_line(s: str) -> str:
    return _BREAKS.sub(" ", safe_text(s))


def md_text(s: object) -> Md:
    """`s` as literal text: no emphasis, code, HTML, entity, link or line break."""
    text = _INLINE.sub(r"\\\1", _one_line(str(s)))
    text = _LINK.sub(lambda m: (m.group(1) and "\\!") + "\\[", text)
    return Md(_BLOCK.sub(_escape_block, text.lstrip(" "), count=1))


def _escape_block(m: re.Match[str]) -> str:
    """`# x` -> `\\# x`, `- x` -> `\\- x`; `1. x` -> `1\\. x` (the digits stay)."""
    marker = m.group(1)
    return f"{marker}\\" if marker[0].isdigit() else f"\\{marker}"


def md_code(s: object) -> Md:
    """A code span of `s`: a fence longer than any backtick run inside, padded
    when `s` starts or ends with a backtick or a space (CommonMark strips one)."""
    text = _one_line(str(s))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return Md(f"{fence}{pad}{text}{pad}{fence}")


def _cell(value: str) -> str:
    text = value if isinstance(value, Md) else md_text(value)
    return _one_line(text).replace("|", "\\|")


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """Left-aligned first column, the others centred (the report's layout)."""
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join(["---"] + [":-:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)
