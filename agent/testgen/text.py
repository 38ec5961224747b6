"""A statement (HTML, the project's markdown, or LeetCodeDataset's plain text) ->
the clauses of its constraints section, and the definitions its prose makes.

LeetCode writes powers as `10<sup>5</sup>`; the project's markdown keeps them as
`10^5`, but LeetCodeDataset's text flattened them to `105` (and `2<sup>31</sup>`
to `231`, `x<sub>i</sub>` to `xi`). When a constraints section has no `^` at
all and shows such numbers, they are read back as powers, and a note says so.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

_HTML = re.compile(r"<(?:li|p|code|ul|pre|strong|sup|sub|div|em|br)\b", re.I)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_UNICODE = {"≤": "<=", "≥": ">=", "≠": "!=", "×": "*", "−": "-", "–": "-", "\xa0": " ",
            "‘": "'", "’": "'", "“": '"', "”": '"', "\u200b": ""}
_HEADER = re.compile(r"^\s*(?:#+\s*)?(?:\*\*|__)?\s*constraints?\s*(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*:?\s*$", re.I)
_SECTION_END = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*|__)?\s*(?:follow[- ]?up|note|notes|custom judge|example|hint|"
    r"进阶|提示|示例)\b", re.I)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
# 10^d flattened to "10d" (d = 2..18) and 2^31, 2^32, 2^63, 2^64 to "231" ...
_FLAT_POWER = re.compile(r"(?<![\w.^'\"])(10)([2-9]|1[0-8])(?![\w.'\"])")
_FLAT_TWO = re.compile(r"(?<![\w.^'\"])(2)(31|32|63|64)(?![\w.'\"])")


@dataclass
class Section:
    clauses: list[str] = field(default_factory=list)
    prose: str = ""  # the whole statement as plain text (for definitions)
    flattened: bool = False  # exponents were restored from flattened text
    found: bool = False  # a constraints section exists


def plain_text(statement: str) -> str:
    """Markup-free text, one block per line; `<sup>`/`<sub>` kept as `^`/`_`."""
    text = statement.replace("\r\n", "\n")
    if _HTML.search(text):
        soup = BeautifulSoup(text, "html.parser")
        for tag, mark in (("sup", "^"), ("sub", "_")):
            for t in soup.find_all(tag):
                t.replace_with(mark + t.get_text())
        for t in soup.find_all(["li", "p", "br", "div", "pre", "ul", "ol"]):
            t.insert_before("\n")
            t.insert_after("\n")
        text = soup.get_text()
    else:
        text = html.unescape(text)
    for k, v in _UNICODE.items():
        text = text.replace(k, v)
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", lambda m: "^" + m.group().translate(_SUPERSCRIPT), text)
    return _strip_markdown(text)


def _strip_markdown(text: str) -> str:
    text = text.replace("`", "").replace("**", "").replace("__", "")
    text = re.sub(r"\\([*_\[\]()#+\-.!<>|{}])", r"\1", text)  # markdownify's escapes
    # *italic*: a star glued to a word on both inner sides (never "2 * n")
    return re.sub(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])", r"\1", text)


def constraints_section(statement: str) -> Section:
    text = plain_text(statement)
    lines = text.split("\n")
    section = Section(prose=text)
    start = next((k for k, ln in enumerate(lines) if _HEADER.match(ln)), None)
    if start is None:
        return section
    section.found = True
    raw: list[str] = []
    for line in lines[start + 1:]:
        if _SECTION_END.match(line):
            break
        clause = _BULLET.sub("", line).strip()
        clause = re.sub(r"\s+", " ", clause).rstrip(".;").strip()
        if clause and re.search(r"\w", clause):
            raw.append(clause)
    body = "\n".join(raw)
    if "^" not in body and (_FLAT_POWER.search(body) or _FLAT_TWO.search(body)):
        section.flattened = True
        raw = [unflatten(c) for c in raw]
    section.clauses = raw
    return section


def unflatten(clause: str) -> str:
    """`1 <= n <= 105` -> `1 <= n <= 10^5`, `-231` -> `-2^31` (outside quotes)."""
    parts = re.split(r"('[^']*'|\"[^\"]*\")", clause)
    for k in range(0, len(parts), 2):
        parts[k] = _FLAT_TWO.sub(r"\1^\2", _FLAT_POWER.sub(r"\1^\2", parts[k]))
    return "".join(parts)
