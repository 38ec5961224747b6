"""The Markdown report shows untrusted names and text (model configuration names,
slugs, failing outputs, error messages) as written: no formatting, link, image,
raw HTML or extra table column comes out of them. Checked by rendering with a
real CommonMark + GFM-tables parser (markdown-it-py), pure functions first, then
the report built from a real SQLite file."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from sqlmodel import select

from agent.reports.markdown import Md, md_code, md_table, md_text
from agent.reports.weekly import make_report, render
from judge.verdict import Failure, Verdict
from storage import open_database, repo
from storage.engine import session_scope
from storage.models import Unit
from tests.reports import builders as b
from tests.support import function_problem

HOSTILE = [
    "evil|name",
    "*bold* _em_ ~~strike~~",
    "[click](http://evil.example/)",
    "![img](http://evil.example/x.png)",
    "<img src=x onerror=alert(1)>",
    "a `code` span",
    "back\\slash \\| pipe",
    "&amp; &lt;entity&gt;",
    "two\nlines\r\nthree",
    "```fence```",
    "[a [nested] link](http://evil.example/)",
    "[[x]](http://evil.example/)",
    "[ref]: http://evil.example/",
    "# heading",
    "1. ordered",
    "2) ordered",
    "- bullet",
    "+ bullet",
    "---",
]


def render_html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def one_line(s: str) -> str:
    return re.sub(r"[\r\n]+", " ", s)


@pytest.mark.parametrize("raw", [*HOSTILE, "    indented code"])
def test_md_text_renders_as_the_literal_text(raw: str) -> None:
    out = render_html(md_text(raw)).strip()
    assert out.startswith("<p>") and out.endswith("</p>")
    inner = out[3:-4]
    assert not re.search(r"<(?!/?p>)[a-z/]", inner), inner  # no element at all: no a, img, em, code, del
    assert text_of(inner) == one_line(raw).strip()  # a paragraph drops leading spaces anyway


@pytest.mark.parametrize("raw", [*HOSTILE, "`", "``double``", " lead", "trail ", "`edge`"])
def test_md_code_is_one_code_span_of_the_text(raw: str) -> None:
    out = render_html("x " + md_code(raw)).strip()
    spans = re.findall(r"<code>(.*?)</code>", out, flags=re.S)
    assert len(spans) == 1, out
    assert html.unescape(spans[0]) == one_line(raw)


def test_md_table_keeps_every_cell_in_its_column() -> None:
    rows = [[raw, "1/2", Md(md_code(raw))] for raw in HOSTILE]
    tables = b.html_tables(render_html(md_table(["Model", "Cell", "Code"], rows)))
    assert len(tables) == 1
    header, *body = tables[0][1]
    assert header == ["Model", "Cell", "Code"]
    assert body == [[one_line(raw), "1/2", one_line(raw)] for raw in HOSTILE]


def test_the_reports_own_cells_are_unchanged() -> None:
    cells = ["paper-3b", "96.1% (123/128)", "[91.2, 98.3]", "16/16", "–", "1.0e-04", "pass@1 (mean over problems)",
             "hidden tests (pack)", "generated + oracle outputs"]
    assert [md_text(c) for c in cells] == cells


def test_the_report_escapes_names_and_failure_text(tmp_path: Path) -> None:
    """A configuration named with Markdown and HTML, a failure whose output and
    message are hostile: the rendered report shows them literally, in place."""
    engine = open_database(f"sqlite:///{tmp_path / 'lcagent.sqlite3'}")
    name = "evil|*model* [x](http://evil.example/) <b>"
    got, message = "a`b|c\n<script>alert(1)</script>", "boom *x* [y](http://e.example/) | ~~z~~"
    problem = function_problem("add", [("a", "integer")], "integer", [("1", 1), ("2", 2)], slug="add-one")
    with session_scope(engine) as s:
        problem_id = repo.upsert_problem(s, problem)[0].id
        model = repo.upsert_model(s, "m", "org/m", ["http://127.0.0.1:8000/v1"], date(2025, 1, 1))
        config = repo.upsert_model_config(s, model, name, {}, "default", "v1", 1)
        repo.ensure_units(s, config, [problem_id])
        unit = s.exec(select(Unit)).one()
        gen = repo.record_generation(s, unit, content="x", extracted_code="pass", outcome="code")
        ts = repo.current_test_set(s, problem_id)
        result = b.judge_result("Wrong Answer", 2, ts.version).model_copy(update={
            "verdict": Verdict.WRONG_ANSWER, "first_failure": Failure(test=1, input="2", expected=2, got=got,
                                                                      message=message)})
        repo.record_judgement(s, gen, unit, ts.id, result)
    markdown = render(make_report(engine), "md")
    page = render_html(markdown)
    assert "evil.example" not in " ".join(re.findall(r"<a [^>]*>", page))
    assert not re.search(r"<(a|img|script|b|em|del)[ >]", page), page
    matrix = next(rows for _, rows in b.html_tables(page) if rows[0][0] == "Model")
    assert [r[0] for r in matrix[1:]] == [name]
    assert len(matrix[1]) == len(matrix[0])  # the pipe in the name made no extra column
    failure = next(li for li in re.findall(r"<li>(.*?)</li>", page, flags=re.S) if "attempt 1" in li)
    codes = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", failure)]
    assert codes == ["add-one", "2", "2", one_line(got).replace("\n", " ")]
    assert text_of(failure).startswith(f"{name} add-one attempt 1: Wrong Answer on test 2")  # index 1
    assert text_of(failure).endswith(f"— {message}")
