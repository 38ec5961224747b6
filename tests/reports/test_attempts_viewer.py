"""The per-attempt viewer (issue 13, item 2): `lcagent report --format html --out
report.html` also writes `report-attempts.html`, one static page with every attempt
(statement, prompt, full answer with the reasoning folded, the extracted code
highlighted, the verdict, the first failing test numbered from 1 with its input,
expected output and what the code returned, and the tests the verdict rests on);
each failure in the report links to its attempt; the JSON report carries the unit
and generation ids; the weekly report directory holds the page too."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from agent.reports.attempts import highlight_python
from agent.reports.weekly import weekly_report
from tests.reports import builders as b
from tests.reports.builders import PAPER
from tests.reports.conftest import Cli, Db

WINDOW = ("--from", "2026-04-25", "--to", "2026-06-01")


def ok(result: object) -> str:
    assert result.exit_code == 0, (result.output, result.exception)  # type: ignore[attr-defined]
    return result.stdout  # type: ignore[attr-defined]


def article(page: str, unit_id: int) -> str:
    m = re.search(rf'<article id="u{unit_id}">(.*?)</article>', page, re.S)
    assert m, f"no attempt u{unit_id} on the page"
    return m.group(1)


def unit_ids(db: Db) -> dict[tuple[str, str, int], tuple[int, int | None]]:
    """(configuration, problem, attempt) -> (unit id, generation id)."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT mc.name, p.slug, u.attempt, u.id, g.id FROM unit u JOIN model_config mc ON mc.id = u.model_config_id "
            "JOIN problem p ON p.id = u.problem_id LEFT JOIN generation g ON g.unit_id = u.id")).all()
    return {(n, s, a): (u, g) for n, s, a, u, g in rows}


def test_the_report_links_each_failure_to_its_attempt(paper: Db, lcagent: Cli, tmp_path: Path) -> None:
    out = tmp_path / "site" / "report.html"
    result = lcagent(paper.url, "report", *WINDOW, "--format", "html", "--out", str(out))
    ok(result)
    viewer = out.with_name("report-attempts.html")
    assert f"wrote {viewer}" in result.stderr.replace("\n", "")
    page, report = viewer.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    ids = unit_ids(paper)
    # every attempt of the window is on the page, once
    assert sorted(int(i) for i in re.findall(r'<article id="u(\d+)">', page)) == sorted(u for u, _ in ids.values())
    # every failure of the report links to an attempt that is on the page
    failures = report.split('<ul id="failures">', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a class="attempt" href="report-attempts.html#u(\d+)">attempt (\d+)</a>', failures)
    assert len(links) == 24 == failures.count("<li>")
    for unit_id, _ in links:
        assert f'<article id="u{unit_id}">' in page
    # a wrong answer: its test numbered from 1, input, expected, got, and the code
    unit_id, gen_id = ids[("paper-3b", "w500-q4", 2)]
    assert f'href="report-attempts.html#u{unit_id}">attempt 2</a>' in failures
    a = article(page, unit_id)
    assert "paper-3b attempt 2:" in html.unescape(re.sub(r"<[^>]+>", "", a))
    assert "<dt>Wrong Answer on test 6</dt>" in a
    assert '<pre class="input">5\n6</pre>' in a and '<pre class="expected">11</pre>' in a
    assert '<pre class="got">12</pre>' in a
    assert f"unit {unit_id}, generation {gen_id}" in a
    assert "Judged on test set <code>" in a and "hidden tests (pack)" in a
    code = re.search(r'<pre class="code"><code>(.*?)</code></pre>', a, re.S)
    assert code and '<span class="tok-keyword" style="color:#d73a49">class</span>' in code.group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", code.group(1))) == \
        "class Solution:\n    def add(self, a, b):\n        return a + b\n"
    # the answer in full, the reasoning and the prompt folded
    assert re.search(r'<details class="reasoning"><summary>Reasoning</summary><pre>Thinking about attempt 2', a)
    assert '<details class="answer"><summary>Answer</summary><pre>```python\nclass Solution:' in a
    assert "<strong>system</strong>" in a and "Solve the problem (attempt 2)." in a
    # the statement, once per problem
    section = page.split('<section id="p-w500-q4">', 1)[1].split("</section>", 1)[0]
    assert section.count('<pre class="statement">Return a + b (w500-q4).</pre>') == 1
    # a compile error names no test; no code and truncated say so
    ce_unit, _ = ids[("baseline-7b", "w502-q3", 4)]
    ce = article(page, ce_unit)
    assert "<dt>Compile Error</dt>" in ce and 'class="input"' not in ce and 'class="expected"' not in ce
    assert "SyntaxError: invalid syntax (line 3)" in ce
    no_code, _ = ids[("baseline-7b", "bw183-q4", 3)]
    assert "No code was extracted from the answer." in article(page, no_code)
    # an accepted attempt shows its code and no failure
    ac_unit, _ = ids[("paper-3b", "w499-q1", 1)]
    accepted = article(page, ac_unit)
    assert "Accepted" in accepted and '<dl class="failure">' not in accepted and 'class="code"' in accepted


def test_the_json_report_carries_unit_and_generation_ids(paper: Db, lcagent: Cli) -> None:
    doc = json.loads(ok(lcagent(paper.url, "report", *WINDOW, "--format", "json")))
    ids = unit_ids(paper)
    assert "attempts" not in doc
    for f in doc["failures"]:
        assert (f["unit_id"], f["generation_id"]) == ids[(f["config_name"], f["slug"], f["attempt"])]


def test_report_to_stdout_writes_no_viewer(paper: Db, lcagent: Cli, tmp_path: Path) -> None:
    page = ok(lcagent(paper.url, "report", *WINDOW, "--format", "html"))
    assert 'class="attempt"' not in page  # nothing to link to
    assert not list(tmp_path.rglob("*-attempts.html"))


def test_the_weekly_report_directory_holds_the_viewer(paper: Db, tmp_path: Path) -> None:
    paths = weekly_report(paper.engine, tmp_path, week="2026-W22", now=datetime(2026, 6, 1, 6, tzinfo=UTC))
    viewer = tmp_path / "reports" / "2026-W22" / "report-attempts.html"
    assert viewer in paths
    report = (tmp_path / "reports" / "2026-W22" / "report.html").read_text(encoding="utf-8")
    assert 'href="report-attempts.html#u' in report
    assert len(re.findall(r'<article id="u\d+">', viewer.read_text(encoding="utf-8"))) == \
        sum(len(b.Expected(PAPER).results(s)) for s in PAPER.models)


def test_highlighting_escapes_and_keeps_the_text() -> None:
    code = 'def f(x):  # <b>\n    return "</pre>" if x > 1 else None\n'
    out = highlight_python(code)
    assert "<b>" not in out and "</pre>" not in out
    assert html.unescape(re.sub(r"<[^>]+>", "", str(out))) == code
    assert '<span class="tok-keyword" style="color:#d73a49">def</span>' in out
    assert '<span class="tok-comment" style="color:#6a737d"># &lt;b&gt;</span>' in out
    assert '<span class="tok-string" style="color:#032f62">&quot;&lt;/pre&gt;&quot;</span>' in out
    unfinished = 'x = """never closed\nprint(1)'
    assert html.unescape(re.sub(r"<[^>]+>", "", str(highlight_python(unfinished)))) == unfinished
