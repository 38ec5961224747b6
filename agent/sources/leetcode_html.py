"""LeetCode statement HTML: its examples, its text, its markdown (pure, no I/O).

An example is a top-level `div.example-block` (new style; a block nested in an
explanation belongs to its example and is never an example itself) or a `<pre>`
outside any block holding an Input label (old style, 2017 plain text included;
several Input labels in one `<pre>` are several examples), in document order.

A labelled line is read whole, as text: a value written partly outside its
`example-io` span (`Output: 2<span>2</span>` is 22), an Output line with no span,
a value split over several spans or with markup inside all read as what the line
says. A line ends at the next label (`Explanation`, and the typos `Explantion`,
`Explaination`), at the end of its paragraph once it has text, or at the end of
its example: it never reads into the next example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment
from markdownify import MarkdownConverter

# A label on its own (`<strong>Output:</strong>`) or starting a bold run
# (`<strong>Output: 3</strong>`). Typos seen in real statements included.
_LABEL_WORDS = (r"Input|Output|Expla[a-z]*ion|Explanations?|Notes?|Constraints?|Follow[- ]?up|"
                r"输入|输出|解释|提示|注意|说明")
_LABEL = re.compile(rf"^\s*({_LABEL_WORDS})\s*(?:[:：]|$)\s*")
_KIND = {"Input": "input", "输入": "input", "Output": "output", "输出": "output"}
_BLOCKS = frozenset({"p", "div", "pre", "ul", "ol", "li", "table", "img", "blockquote", "h1", "h2", "h3", "h4"})
# In `<pre>` text: labels at the start of a line. Input/Output need a colon (or the
# end of the line) so that prose such as "Input array" in a code block is no label.
_PRE_INPUT = re.compile(r"^[ \t]*(?:Input|输入)[ \t]*(?:[:：]|$)", re.M)
_PRE_END = r"(?:Expla[a-z]*ion|Explanations?|Notes?|Constraints?|Follow[- ]?up|解释|提示|注意|说明)"
_PRE_OUTPUT = re.compile(
    rf"(?:Output|输出)[ \t]*[:：]?\s*(.*?)\s*(?=\n[ \t]*{_PRE_END}\b|[ \t]+{_PRE_END}[ \t]*[:：]|\n[ \t]*\n|\Z)", re.S)
_PRE_INPUT_TEXT = re.compile(r"(?:Input|输入)[ \t]*[:：]?\s*(.*?)\s*(?=(?:Output|输出)[ \t]*[:：]?|\Z)", re.S)


@dataclass(frozen=True)
class Example:
    """What the statement shows for one example: its Input and Output lines as
    text (None when the example has no such line)."""

    input: str | None
    output: str | None


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html.replace("\r\n", "\n").replace("\r", "\n"), "html.parser")


def _is_block(tag: Tag) -> bool:
    return tag.name == "div" and "example-block" in (tag.get("class") or [])


def _owner(tag: Tag) -> Tag | None:
    """The example block a tag belongs to (the innermost one around it)."""
    return tag.find_parent(_is_block)


def _inside(node: object, ancestor: Tag) -> bool:
    return any(p is ancestor for p in getattr(node, "parents", ()))


def _label(tag: Tag) -> tuple[str, str] | None:
    """(label word, text after it inside the tag) for a label tag, else None."""
    if tag.name not in ("strong", "b"):
        return None
    m = _LABEL.match(tag.get_text())
    if m is None:
        return None
    return m.group(1), tag.get_text()[m.end():]


def _clean(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.replace("\xa0", " ").split("\n")).strip()


def _line_after(label: Tag, block: Tag) -> str:
    """The whole text of the line a label opens, within its example block."""
    found = _label(label)
    parts = [found[1] if found else ""]
    container = label.find_parent(lambda t: t is block or t.name in _BLOCKS)
    for node in label.next_elements:
        if _inside(node, label):
            continue  # the label's own text, taken above
        if not _inside(node, block):
            break  # the end of the example
        started = bool("".join(parts).strip())
        if container is not None and container is not block and not _inside(node, container):
            if started:
                break  # the line's paragraph ended
            # the label stood alone in its paragraph: its value is in what follows
            container = node if isinstance(node, Tag) and node.name in _BLOCKS else block
        if isinstance(node, Tag):
            if _is_block(node) or _label(node):
                break
            if node.name == "br":
                parts.append("\n")
            elif container is block and node.name in _BLOCKS and started:
                break
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            parts.append(str(node))
    return _clean("".join(parts))


def _from_block(block: Tag) -> Example:
    lines: dict[str, str] = {}
    for tag in block.find_all(["strong", "b"]):
        found = _label(tag)
        kind = _KIND.get(found[0]) if found else None
        if kind and kind not in lines and _owner(tag) is block:
            lines[kind] = _line_after(tag, block)
    return Example(input=lines.get("input"), output=lines.get("output"))


def _from_pre(text: str) -> list[Example]:
    starts = [m.start() for m in _PRE_INPUT.finditer(text)]
    out = []
    for i, start in enumerate(starts):
        segment = text[start: starts[i + 1] if i + 1 < len(starts) else len(text)]
        m_in = _PRE_INPUT_TEXT.match(segment)
        m_out = _PRE_OUTPUT.search(segment)
        out.append(Example(input=_clean(m_in.group(1)) if m_in else None,
                           output=_clean(m_out.group(1)) if m_out else None))
    return out


def examples(content_html: str) -> list[Example]:
    """The statement's examples, in order."""
    soup = _soup(content_html)
    found: list[Example] = []
    for tag in soup.find_all(lambda t: _is_block(t) or t.name == "pre"):
        if _owner(tag) is not None:
            continue  # inside an example block: part of that example
        if _is_block(tag):
            found.append(_from_block(tag))
        else:
            found += _from_pre(tag.get_text())
    return found


def statement_text(content_html: str) -> str:
    """Plain text with one line per block element (inline markup joins its words)."""
    soup = _soup(content_html)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCKS - {"img"}):
        tag.insert_after("\n")
    return re.sub(r"\n\s*\n+", "\n\n", soup.get_text().replace("\xa0", " ")).strip()


class _Converter(MarkdownConverter):
    """markdownify, except that example blocks reach the model verbatim: no
    backslash before `*` or `_` in `["S","*","#"]` or `[2,2,_,_]`."""

    def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str:
        if _is_block(node):
            parent_tags = {*(parent_tags or ()), "_example"}
        return super().process_tag(node, parent_tags)

    def escape(self, text: str, parent_tags: set[str]) -> str:
        if "_example" in parent_tags:
            return text
        return super().escape(text, parent_tags)


def statement_markdown(content_html: str) -> str:
    soup = _soup(content_html)
    for tag, mark in (("sup", "^"), ("sub", "_")):  # 10<sup>5</sup> -> 10^5, not 105
        for t in soup.find_all(tag):
            t.replace_with(mark + t.get_text())
    md = _Converter(heading_style="ATX", bullets="-", strip=["font"]).convert_soup(soup)
    return re.sub(r"\n{3,}", "\n\n", md.replace("\xa0", " ")).strip() + "\n"
