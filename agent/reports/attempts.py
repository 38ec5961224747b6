"""The per-attempt viewer: one static, self-contained HTML page listing every
attempt of a report's problems — the statement the model saw, the prompt, the full
answer with its reasoning folded, the extracted code highlighted, the verdict, the
first failing test (numbered from 1, as LeetCode numbers them) with its input,
expected output and what the code returned, and the tests the verdict rests on.
The report's failure list links to each attempt (`#u<unit id>`). Pure: rows in,
HTML out."""

from __future__ import annotations

import html
import keyword
import re
from collections.abc import Iterable
from datetime import datetime
from itertools import groupby
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from agent.reports.data import basis_label
from agent.reports.render import failure_detail
from storage.queries import AttemptRow

_TOKEN = re.compile(
    r"(?P<comment>#[^\n]*)"
    r"|(?P<string>[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?(?:\"\"\"|$)|'''[\s\S]*?(?:'''|$)|\"(?:\\.|[^\"\\\n])*\"?"
    r"|'(?:\\.|[^'\\\n])*'?))"
    r"|(?P<word>\b[A-Za-z_][A-Za-z0-9_]*\b)"
    r"|(?P<number>\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?\b)")
_COLOURS = {"comment": "#6a737d", "string": "#032f62", "keyword": "#d73a49", "builtin": "#005cc5",
            "number": "#005cc5"}
_BUILTINS = {"self", "True", "False", "None", "len", "range", "min", "max", "sum", "sorted", "list", "dict", "set",
             "int", "str", "float", "print", "enumerate", "zip", "abs", "map", "any", "all", "tuple"}


def highlight_python(code: str) -> Markup:
    """Python source as HTML with inline colours (no stylesheet, no script):
    comments, strings, keywords, common builtins, numbers. Text is escaped; code
    that does not parse is highlighted as far as the patterns reach."""
    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(code):
        out.append(html.escape(code[pos:m.start()]))
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "word":
            kind = "keyword" if keyword.iskeyword(text) else "builtin" if text in _BUILTINS else ""
        escaped = html.escape(text)
        out.append(f'<span class="tok-{kind}" style="color:{_COLOURS[kind]}">{escaped}</span>' if kind else escaped)
        pos = m.end()
    out.append(html.escape(code[pos:]))
    return Markup("".join(out))


def _messages(prompt: Any) -> list[tuple[str, str]]:
    """(role, text) of each message sent; anything else shown as it is."""
    if isinstance(prompt, list):
        return [(str(m.get("role", "?")), str(m.get("content", ""))) if isinstance(m, dict) else ("?", str(m))
                for m in prompt]
    return [] if prompt is None else [("prompt", str(prompt))]


def attempt_view(row: AttemptRow) -> dict[str, Any]:
    result = row.verdict or row.outcome or row.state
    return {
        "row": row,
        "result": result,
        "detail": failure_detail(result, row.first_failure, limit=None) if row.verdict != "Accepted" else None,
        "messages": _messages(row.prompt),
        "code": highlight_python(row.extracted_code) if row.extracted_code else None,
        "rests_on": basis_label(row.basis, row.oracle) if row.test_set_version else None,
    }


_env = Environment(loader=PackageLoader("agent.reports", "templates"), autoescape=select_autoescape(["html"]))


def attempts_html(rows: Iterable[AttemptRow], *, title: str, selection: str, generated_at: datetime) -> str:
    problems = [(slug, [attempt_view(r) for r in group]) for slug, group in groupby(rows, key=lambda r: r.slug)]
    return _env.get_template("attempts.html").render(title=title, selection=selection, generated_at=generated_at,
                                                     problems=problems)
