"""The weekly report on a database holding the seed paper's outcomes: `lcagent
report` must print the paper's table exactly (each x/16 cell and
`96.1% (123/128)`), with its Wilson interval, in Markdown (golden file), JSON and
HTML; and the contamination-free view, difficulty, failures, provenance, pending
units, week selection and format errors. Every test runs on SQLite and on
PostgreSQL."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result

from agent.reports.weekly import make_report, render, weekly_report
from tests.reports import builders as b
from tests.reports.builders import BASELINE_7B, PAPER, PAPER_3B, Expected, Layout, ModelSpec
from tests.reports.conftest import Cli, Db

START = datetime(2026, 4, 25, tzinfo=UTC)
END = datetime(2026, 6, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
WINDOW = ("--from", "2026-04-25", "--to", "2026-06-01")
GOLDEN = Path(__file__).parent / "golden" / "paper.md"
REGENERATE = "LCAGENT_REGENERATE_GOLDEN"  # =1: write the golden file (the test then fails: review it)

PAPER_HEADER = ["Model", "BW181", "W499", "W500", "BW182", "W502", "BW183", "W503", "W504", "Overall", "95% CI"]
MARK = "†"  # W504's w504-q2 has example tests only: its cell and Overall carry the mark
PAPER_ROW = ["paper-3b", "16/16", "16/16", "15/16", "16/16", "15/16", "15/16", "15/16", "15/16" + MARK,
             "96.1% (123/128)" + MARK, "[91.2, 98.3]"]
EXPECT = Expected(PAPER, START, END)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def report_cli(lcagent: Cli, db: Db, *args: str) -> str:
    return ok(lcagent(db.url, "report", *args))


def pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f}% ({k}/{n})"


def ci(k: int, n: int) -> str:
    low, high = b.wilson_interval(k, n)
    return f"[{100 * low:.1f}, {100 * high:.1f}]"


def p_text(p: float) -> str:
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def json_rate(k: int, n: int) -> dict:
    return {"accepted": k, "attempts": n, "rate": pytest.approx(k / n),
            "ci95": pytest.approx(list(b.wilson_interval(k, n)), abs=1e-9)}


def without_generated_line(md: str) -> str:
    return re.sub(r"; generated \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", "; generated <time> UTC.", md)


# ------------------------------------------------------------------ the matrix


def test_cli_reproduces_the_paper_table(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW, "--format", "md")
    header, rows = b.md_table(md, "Acceptance by contest")
    assert header == PAPER_HEADER
    by_model = {r[0]: r for r in rows}
    assert by_model["paper-3b"] == PAPER_ROW
    assert "96.1% (123/128)" in md
    # the interval is the Wilson score interval of 123/128, worked out from its closed form
    low, high = b.wilson_interval(123, 128)
    assert (round(100 * low, 1), round(100 * high, 1)) == (91.2, 98.3)


def test_cli_second_model_row(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW)  # md is the default format
    _, rows = b.md_table(md, "Acceptance by contest")
    assert [r[0] for r in rows] == ["baseline-7b", "paper-3b"]
    row = rows[0]
    cells = EXPECT.cells(BASELINE_7B)
    assert row[1:9] == [f"{k}/{n}" + (MARK if label == "W504" else "") for label, (k, n) in cells.items()]
    assert row[1:9] == ["16/16", "15/16", "16/16", "15/16", "12/16", "11/16", "12/16", "9/13" + MARK]
    k, n = EXPECT.overall(BASELINE_7B)
    assert (k, n) == (106, 125)
    assert row[9:] == [pct(k, n) + MARK, ci(k, n)] == ["84.8% (106/125)" + MARK, "[77.5, 90.0]"]


def test_every_cell_matches_the_outcomes(paper: Db) -> None:
    report = make_report(paper.engine, start=START, end=END, now=NOW)
    assert [c.label for c in report.contests] == [c.label for c in b.PAPER_CONTESTS]
    assert [c.slug for c in report.contests] == [c.slug for c in b.PAPER_CONTESTS]
    assert [c.start for c in report.contests] == [c.start for c in b.PAPER_CONTESTS]
    assert all(len(c.problems) == 4 for c in report.contests)
    for spec in PAPER.models:
        row = next(m for m in report.models if m.label == spec.name)
        assert {label: (r.k, r.n) for label, r in row.cells.items()} == EXPECT.cells(spec)
        assert (row.overall.k, row.overall.n) == EXPECT.overall(spec)
    paper_row = next(m for m in report.models if m.label == "paper-3b")
    assert [paper_row.cells[c.label].k for c in b.PAPER_CONTESTS] == [16, 16, 15, 16, 15, 15, 15, 15]
    assert {paper_row.cells[c.label].n for c in b.PAPER_CONTESTS} == {16}


# ------------------------------------------------------------------ golden file


def test_markdown_report_matches_the_golden_file(paper: Db) -> None:
    md = render(make_report(paper.engine, start=START, end=END, now=NOW), "md")
    if os.environ.get(REGENERATE) == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(md, encoding="utf-8")
        pytest.fail(f"{GOLDEN} written: review it by eye, then run again without {REGENERATE}")
    assert md == GOLDEN.read_text(encoding="utf-8")


def test_cli_markdown_is_the_golden_file_but_for_the_time(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW, "--format", "md")
    assert without_generated_line(md) == without_generated_line(GOLDEN.read_text(encoding="utf-8"))


def test_out_option_writes_the_file(paper: Db, lcagent: Cli, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "report.md"
    result = lcagent(paper.url, "report", *WINDOW, "--out", str(out))
    ok(result)
    assert f"wrote {out}" in result.stderr.replace("\n", "")
    assert without_generated_line(out.read_text(encoding="utf-8")) == \
        without_generated_line(GOLDEN.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ JSON


def strict_json(text: str) -> dict:
    """JSON as other languages read it: NaN and Infinity are not JSON."""
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not valid JSON")
    return json.loads(text, parse_constant=refuse)


def test_json_values(paper: Db, lcagent: Cli) -> None:
    doc = strict_json(report_cli(lcagent, paper, *WINDOW, "--format", "json"))
    assert doc["start"] == "2026-04-25T00:00:00+00:00"
    assert doc["end"] == "2026-06-01T00:00:00+00:00"
    assert [c["label"] for c in doc["contests"]] == PAPER_HEADER[1:9]
    assert [c["slug"] for c in doc["contests"]] == [c.slug for c in b.PAPER_CONTESTS]
    assert [datetime.fromisoformat(c["start"]) for c in doc["contests"]] == [c.start for c in b.PAPER_CONTESTS]
    assert doc["contests"][0]["problems"] == ["bw181-q1", "bw181-q2", "bw181-q3", "bw181-q4"]
    models = {m["label"]: m for m in doc["models"]}
    assert list(models) == ["baseline-7b", "paper-3b"]
    for spec in PAPER.models:
        m = models[spec.name]
        assert m["model"] == spec.name and m["served_id"] == spec.served_id
        assert m["training_cutoff"] == spec.training_cutoff.isoformat()  # type: ignore[union-attr]
        assert m["cells"] == {label: json_rate(k, n) for label, (k, n) in EXPECT.cells(spec).items()}
        assert m["overall"] == json_rate(*EXPECT.overall(spec))
        assert m["pending"] == EXPECT.pending(spec)
        assert m["pass1"] == pytest.approx(EXPECT.pass1(spec))
        assert m["by_difficulty"] == {d: json_rate(k, n) for d, (k, n) in EXPECT.by_difficulty(spec).items()}
        assert m["mix"] == EXPECT.mix(spec)
        assert m["trend"] == [[w, json_rate(k, n)] for w, (k, n) in EXPECT.by_week(spec).items()]
        (bk, bn), (ak, an) = EXPECT.split(spec)
        assert m["after_cutoff"] == json_rate(ak, an)
        assert m["cutoff"]["before"] == json_rate(bk, bn)
        assert m["cutoff"]["after"] == json_rate(ak, an)
        assert m["cutoff"]["p_value"] == pytest.approx(b.fisher_p([[bk, bn - bk], [ak, an - ak]]), rel=1e-9)
    paper_model = models["paper-3b"]
    assert paper_model["overall"]["accepted"] == 123 and paper_model["overall"]["attempts"] == 128
    assert paper_model["overall"]["ci95"] == pytest.approx([0.911813, 0.983201], abs=1e-6)
    assert doc["examples_only"] == [b.EXAMPLES_ONLY]
    assert len(doc["failures"]) == sum(len(EXPECT.failures(s)) for s in PAPER.models)


def test_json_is_strict_json_when_a_model_never_failed_before_its_cutoff(empty: Db, lcagent: Cli) -> None:
    """All accepted before the cutoff makes the odds ratio infinite; the JSON
    report must still be JSON (a browser's JSON.parse refuses `Infinity`)."""
    model = ModelSpec("flawless-before", date(2026, 5, 10), 2, {("w502-q1", 1): b.WA})
    layout = Layout([p for p in PAPER.problems if p.slug.startswith(("bw182", "w502"))], [model])
    b.build(empty.engine, layout)
    text = report_cli(lcagent, empty, "--format", "json")
    doc = strict_json(text)
    cutoff = doc["models"][0]["cutoff"]
    assert (cutoff["before"]["accepted"], cutoff["before"]["attempts"]) == (8, 8)
    assert (cutoff["after"]["accepted"], cutoff["after"]["attempts"]) == (7, 8)
    assert cutoff["p_value"] == pytest.approx(1.0)


# ------------------------------------------------------------------ HTML


def test_html_has_the_table_and_an_inline_chart(paper: Db, lcagent: Cli) -> None:
    html = report_cli(lcagent, paper, *WINDOW, "--format", "html")
    matrix = b.html_table(html, "contest-matrix")
    # contests named as LeetCode names them, each linked to its page
    assert matrix[0] == ["Model", *[("Biweekly" if c.slug.startswith("bi") else "Weekly") + " Contest "
                                    + c.slug.rsplit("-", 1)[1] for c in b.PAPER_CONTESTS], "Overall", "95% CI"]
    assert matrix[0][1:3] == ["Biweekly Contest 181", "Weekly Contest 499"]
    for c in b.PAPER_CONTESTS:
        assert f'<a href="https://leetcode.com/contest/{c.slug}/" title="{c.label}">' in html
    assert PAPER_ROW in matrix[1:]
    assert b.html_table(html, "contamination")[1:] == [
        ["baseline-7b", "2026-05-16", "72.1% (44/61)", ci(44, 61), "96.9% (62/64)",
         p_text(b.fisher_p([[62, 2], [44, 17]]))],
        ["paper-3b", "2026-05-08", "95.0% (76/80)", ci(76, 80), "97.9% (47/48)",
         p_text(b.fisher_p([[47, 1], [76, 4]]))],
    ]
    assert [r[0] for r in b.html_table(html, "provenance")[1:]] == [p.slug for p in PAPER.problems]
    assert "baseline-7b: 3 attempts not finished (not counted)" in html
    assert "example tests only" in html and f"<code>{b.EXAMPLES_ONLY}</code>" in html
    charts = [img for img in b.html_images(html) if img.get("id") == "trend-chart"]
    assert len(charts) == 1
    src = charts[0]["src"] or ""
    prefix = "data:image/svg+xml;base64,"
    assert src.startswith(prefix), "the chart must be inline (nothing fetched)"
    svg = ET.fromstring(base64.b64decode(src[len(prefix):]))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(list(svg.iter("{http://www.w3.org/2000/svg}path"))) > 20  # axes, points, error bars
    # self-contained: nothing the page loads comes from another host; links (to
    # LeetCode's problem and contest pages) are followed only when clicked
    for tag, attrs in b.html_attributes(html):
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if tag == "a" and name == "href":
                assert value.startswith("https://leetcode.com/"), value
                continue
            assert not re.match(r"(https?:)?//", value), (tag, name, value)


# ------------------------------------------------------------------ sections


def test_contamination_free_view(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW)
    header, rows = b.md_table(md, "Contamination-free view")
    assert header == ["Model", "Cutoff", "After cutoff", "95% CI", "Before cutoff", "Fisher p"]
    by_model = {r[0]: r for r in rows}
    # paper-3b: cutoff 2026-05-08, so BW181, W499, W500 before (47/48) and the five later contests after (76/80)
    assert EXPECT.split(PAPER_3B) == ((47, 48), (76, 80))
    p = b.fisher_p([[47, 1], [76, 4]])
    assert p == pytest.approx(0.6498, abs=1e-4)
    assert by_model["paper-3b"] == ["paper-3b", "2026-05-08", "95.0% (76/80)", "[87.8, 98.0]", "97.9% (47/48)",
                                    "0.650"]
    # baseline-7b: cutoff 2026-05-16, 62/64 before, 44/61 after: the signature of contamination
    assert EXPECT.split(BASELINE_7B) == ((62, 64), (44, 61))
    p = b.fisher_p([[62, 2], [44, 17]])
    assert p < 0.001
    assert by_model["baseline-7b"] == ["baseline-7b", "2026-05-16", pct(44, 61), ci(44, 61), pct(62, 64),
                                       p_text(p)]


def test_a_problem_released_on_the_cutoff_day_counts_as_before(empty: Db, lcagent: Cli) -> None:
    """BW182 starts 2026-05-09 14:30 UTC: with the cutoff on 2026-05-09 it is before,
    with the cutoff on 2026-05-08 after; W502 (2026-05-17) is after both."""
    on_day = ModelSpec("cutoff-on-day", date(2026, 5, 9), 1, {("bw182-q1", 1): b.WA, ("w502-q1", 1): b.WA,
                                                              ("w502-q2", 1): b.WA})
    day_before = ModelSpec("cutoff-day-before", date(2026, 5, 8), 1, {("bw182-q1", 1): b.WA, ("w502-q1", 1): b.WA,
                                                                      ("w502-q2", 1): b.WA})
    layout = Layout([p for p in PAPER.problems if p.slug.startswith(("bw182", "w502"))], [on_day, day_before])
    b.build(empty.engine, layout)
    doc = strict_json(report_cli(lcagent, empty, "--format", "json"))
    models = {m["label"]: m["cutoff"] for m in doc["models"]}
    assert (models["cutoff-on-day"]["before"]["accepted"], models["cutoff-on-day"]["before"]["attempts"]) == (3, 4)
    assert (models["cutoff-on-day"]["after"]["accepted"], models["cutoff-on-day"]["after"]["attempts"]) == (2, 4)
    assert models["cutoff-day-before"]["before"]["attempts"] == 0
    assert (models["cutoff-day-before"]["after"]["accepted"],
            models["cutoff-day-before"]["after"]["attempts"]) == (5, 8)
    assert models["cutoff-day-before"]["p_value"] is None  # nothing before: no test
    # the dashboard view draws the line on the same day
    with empty.engine.connect() as conn:
        view = {(m, int(a)): (int(k), int(n)) for m, a, k, n in conn.execute(sa.text(
            "SELECT model_config, after_cutoff, accepted, attempts FROM v_contamination"))}
    assert view == {("cutoff-on-day", 0): (3, 4), ("cutoff-on-day", 1): (2, 4), ("cutoff-day-before", 1): (5, 8)}


def test_by_difficulty(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW)
    header, rows = b.md_table(md, "By difficulty")
    assert header == ["Model", "Easy", "Medium", "Hard", "pass@1 (mean over problems)"]
    for row in rows:
        spec = next(s for s in PAPER.models if s.name == row[0])
        diff = EXPECT.by_difficulty(spec)
        assert row[1:4] == [pct(*diff["Easy"]), pct(*diff["Medium"]), pct(*diff["Hard"])]
        assert row[4] == f"{100 * EXPECT.pass1(spec):.1f}%"
    assert {r[0]: r[1:] for r in rows}["paper-3b"] == ["100.0% (32/32)", "96.9% (62/64)", "90.6% (29/32)", "96.1%"]


def test_html_and_markdown_show_the_same_difficulties(empty: Db, lcagent: Cli) -> None:
    """A problem without a difficulty (a pack problem) is counted under `Unknown`
    in the Markdown report; the HTML report of the same data must not drop it."""
    undifficult = b.ProblemSpec("pack-q", None, None, datetime(2026, 5, 20, tzinfo=UTC), ("example",) * 2)
    spec = ModelSpec("solo", None, 2, {("pack-q", 1): b.WA})
    b.build(empty.engine, Layout([PAPER.problem("w502-q1"), undifficult], [spec]))
    md = report_cli(lcagent, empty, "--format", "md")
    html = report_cli(lcagent, empty, "--format", "html")
    md_header, md_rows = b.md_table(md, "By difficulty")
    assert md_header[1:-1] == ["Easy", "Unknown"] and md_rows[0][1:-1] == ["100.0% (2/2)", "50.0% (1/2)"]
    html_rows = b.html_table(html, "difficulty")
    html_cells = dict(zip(html_rows[0][1:-1], html_rows[1][1:-1], strict=True))
    assert {d: html_cells.get(d) for d in md_header[1:-1]} == dict(zip(md_header[1:-1], md_rows[0][1:-1],
                                                                         strict=True))


def test_results_mix(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW)
    header, rows = b.md_table(md, "Results")
    for row in rows:
        spec = next(s for s in PAPER.models if s.name == row[0])
        mix = EXPECT.mix(spec)
        assert {h: int(c) for h, c in zip(header[1:], row[1:], strict=True) if int(c)} == mix
    assert {r[0]: dict(zip(header[1:], r[1:], strict=True)) for r in rows}["paper-3b"] == {
        "Accepted": "123", "Compile Error": "0", "Memory Limit Exceeded": "0", "Output Limit Exceeded": "0",
        "Runtime Error": "1", "Time Limit Exceeded": "1", "Wrong Answer": "1", "no code": "1", "truncated": "1"}


def test_failures_show_the_verdict_and_the_first_failing_test(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW)
    lines = [line for line in b.md_section(md, "Failures").splitlines() if line.startswith("- ")]
    expected = sorted(((p, a, r, s.name) for s in PAPER.models for p, a, r in EXPECT.failures(s)),
                      key=lambda t: (PAPER.problem(t[0]).release_time, t[0], t[3], t[1]))
    assert len(lines) == len(expected) == 24
    for line, (slug, attempt, result, model) in zip(lines, expected, strict=True):
        head = f"- **{model}** `{slug}` attempt {attempt}: {result}"
        if result in (b.NO_CODE, b.TRUNCATED):
            assert line == head
            continue
        n_tests = len(PAPER.problem(slug).sources)
        f = b.first_failure(result, n_tests)
        if f.test is None:  # a compile error blames no test: no input, no expected output
            assert line == f"{head} — {f.message}"
            continue
        got = f", got `{json.dumps(f.got)}`" if result == b.WA else ""  # other verdicts returned nothing
        assert line == (f"{head} on test {f.test + 1}: input `{' '.join(f.input.split())}`, expected "
                        f"`{json.dumps(f.expected)}`{got} — {f.message}")
    # tests are numbered from 1, as LeetCode numbers them: the 6th test is index 5, input "5 6"
    assert "- **paper-3b** `w500-q4` attempt 2: Wrong Answer on test 6: input `5 6`, expected `11`, got `12`" \
           " — wrong answer" in lines
    assert "- **baseline-7b** `w502-q3` attempt 4: Compile Error — SyntaxError: invalid syntax (line 3)" in lines
    assert "- **baseline-7b** `bw183-q2` attempt 2: Runtime Error on test 4: input `3 4`, expected `7`" \
           " — ZeroDivisionError: division by zero" in lines
    assert "- **paper-3b** `w504-q4` attempt 1: no code" in lines
    assert "- **paper-3b** `bw183-q4` attempt 4: truncated" in lines


def test_html_failures_read_as_the_markdown_ones(paper: Db, lcagent: Cli) -> None:
    """The HTML failure list: the same lines as the Markdown one (tests numbered
    from 1, a compile error tied to no test)."""
    page = report_cli(lcagent, paper, *WINDOW, "--format", "html")
    block = page.split('<ul id="failures">', 1)[1].split("</ul>", 1)[0]
    items = [html.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
    md = report_cli(lcagent, paper, *WINDOW)
    md_lines = [line[2:].replace("**", "").replace("`", "") for line in b.md_section(md, "Failures").splitlines()
                if line.startswith("- ")]
    assert items == md_lines and len(items) == 24
    assert "baseline-7b w502-q3 attempt 4: Compile Error — SyntaxError: invalid syntax (line 3)" in items
    assert not any("on test None" in i or "on test 0" in i for i in items)


def test_provenance_labels_examples_only_problems(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW)
    section = b.md_section(md, "Test provenance")
    assert ("Rates on these problems rest on **example tests only** (no hidden tests): "
            f"`{b.EXAMPLES_ONLY}`.") in section
    _, rows = b.md_table(md, "Test provenance")
    by_slug = {r[0]: r for r in rows}
    assert list(by_slug) == [p.slug for p in PAPER.problems]
    assert by_slug[b.EXAMPLES_ONLY][1:3] == ["3", "example 3"]
    for slug, row in by_slug.items():
        if slug != b.EXAMPLES_ONLY:
            assert row[1:3] == ["15", "example 3, official 12"]
        assert re.fullmatch(r"`[0-9a-f]{16}`", row[3])


def test_pending_units_are_reported_as_not_counted(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW)
    assert EXPECT.pending(BASELINE_7B) == 3 and EXPECT.pending(PAPER_3B) == 0
    assert "Not yet finished (not counted): baseline-7b: 3." in md
    _, rows = b.md_table(md, "Acceptance by contest")
    assert {r[0]: r for r in rows}["baseline-7b"][8] == "9/13" + MARK  # W504: 16 units, 3 not finished


@pytest.mark.parametrize(("week", "labels", "window"), [
    ("2026-W19", ["BW182"], "from 2026-05-04 to 2026-05-11"),
    ("2026-W17", ["BW181", "W499"], "from 2026-04-20 to 2026-04-27"),
    ("2026-W18", ["W500"], "from 2026-04-27 to 2026-05-04"),
    ("2026-W21", ["BW183", "W503"], "from 2026-05-18 to 2026-05-25"),
])
def test_week_selects_the_contests_released_in_it(paper: Db, lcagent: Cli, week: str, labels: list[str],
                                                  window: str) -> None:
    md = report_cli(lcagent, paper, "--week", week)
    assert md.startswith(f"# lcagent acceptance report, {week}\n")
    assert f"problems released {window} (end exclusive)" in md
    header, rows = b.md_table(md, "Acceptance by contest")
    assert header == ["Model", *labels, "Overall", "95% CI"]
    expect = Expected(PAPER, *[datetime.fromisoformat(d).replace(tzinfo=UTC)
                               for d in window.removeprefix("from ").split(" to ")])
    for row in rows:
        spec = next(s for s in PAPER.models if s.name == row[0])
        assert row[1:-2] == [f"{k}/{n}" for k, n in expect.cells(spec).values()]
        assert row[-2] == pct(*expect.overall(spec))


def test_models_option_selects_configurations(paper: Db, lcagent: Cli) -> None:
    md = report_cli(lcagent, paper, *WINDOW, "--models", "paper-3b")
    _, rows = b.md_table(md, "Acceptance by contest")
    assert rows == [PAPER_ROW]
    assert "baseline-7b" not in b.md_section(md, "Failures")


def test_unknown_format_is_a_clear_error(paper: Db, lcagent: Cli) -> None:
    result = lcagent(paper.url, "report", *WINDOW, "--format", "pdf")
    assert result.exit_code == 1
    assert "error: unknown report format 'pdf' (md, html, json)" in " ".join(result.stderr.split())
    assert result.stdout == ""
    assert isinstance(result.exception, SystemExit)  # a clean exit, no traceback


def test_malformed_week_is_a_clear_error(paper: Db, lcagent: Cli) -> None:
    result = lcagent(paper.url, "report", "--week", "2026-21")
    assert result.exit_code == 1
    assert "week '2026-21' is not like 2026-W21" in " ".join(result.stderr.split())


def test_problems_outside_weekly_contests_and_undated_ones(empty: Db, lcagent: Cli) -> None:
    """A special contest keeps its slug as the column label; a pack problem
    without contest or release time is its own `(no contest)` column and
    `undated` week, and falls outside every dated window."""
    cup = b.ContestSpec("spring-cup-2026", datetime(2026, 5, 16, 8, tzinfo=UTC))
    special = b.ProblemSpec("cup-q1", cup, "Hard", cup.start, ("example",) * 2 + ("official",) * 4)
    undated = b.ProblemSpec("pack-q", None, "Easy", None, ("example",) * 2 + ("generated",) * 6)
    spec = ModelSpec("solo", date(2026, 5, 1), 2)  # everything accepted
    b.build(empty.engine, Layout([PAPER.problem("w502-q1"), special, undated], [spec]))
    md = report_cli(lcagent, empty)
    header, rows = b.md_table(md, "Acceptance by contest")
    assert header == ["Model", "spring-cup-2026", "W502", "(no contest)", "Overall", "95% CI"]
    assert rows == [["solo", "2/2", "2/2", "2/2", "100.0% (6/6)", ci(6, 6)]]
    assert b.md_section(md, "Failures").strip() == "None."
    doc = strict_json(report_cli(lcagent, empty, "--format", "json"))
    assert [w for w, _ in doc["models"][0]["trend"]] == ["2026-W20", "undated"]
    assert doc["models"][0]["cutoff"]["after"]["attempts"] == 4  # the undated problem is on neither side
    assert doc["models"][0]["cutoff"]["before"]["attempts"] == 0
    windowed = report_cli(lcagent, empty, "--from", "2026-05-01", "--to", "2026-06-01")
    assert b.md_table(windowed, "Acceptance by contest")[1] == [["solo", "2/2", "2/2", "100.0% (4/4)", ci(4, 4)]]


# ------------------------------------------------------------------ weekly job


def test_weekly_report_writes_every_format(paper: Db, tmp_path: Path) -> None:
    paths = weekly_report(paper.engine, tmp_path, week="2026-W22", now=NOW)
    folder = tmp_path / "reports" / "2026-W22"
    assert sorted(p.name for p in paths) == sorted(
        ["report-trend.png", "report-trend.svg", "report.md", "report.html", "report.json", "report-attempts.html"])
    assert all(p.parent == folder and p.stat().st_size > 0 for p in paths)
    assert not list(folder.glob("*.tmp"))
    assert (folder / "report-trend.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# lcagent acceptance report, 2026-W22\n")
    assert "![weekly acceptance](report-trend.png)" in md
    _, rows = b.md_table(md, "Acceptance by contest")
    assert PAPER_ROW in rows  # everything released up to the end of the week
    strict_json((folder / "report.json").read_text(encoding="utf-8"))


def test_weekly_report_defaults_to_the_last_full_week(paper: Db, tmp_path: Path) -> None:
    paths = weekly_report(paper.engine, tmp_path, now=datetime(2026, 6, 1, 6, 0, tzinfo=UTC))  # a Monday
    assert {p.parent.name for p in paths} == {"2026-W22"}
    md = (tmp_path / "reports" / "2026-W22" / "report.md").read_text(encoding="utf-8")
    assert "problems released from the beginning to 2026-06-01 (end exclusive)" in md
    assert PAPER_ROW in b.md_table(md, "Acceptance by contest")[1]
