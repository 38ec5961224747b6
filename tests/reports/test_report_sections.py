"""The report as a researcher reads it (issue 13, item 5): the HTML report has every
section of the Markdown one, problems and contests link to LeetCode under the names
LeetCode gives them, the trend chart marks each training cutoff with its legend
outside the data (one week too), two models are compared with an interval on the
difference, an empty selection says so, and `--models` names known configurations
(repeated or comma-separated) or is an error."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

import matplotlib.pyplot as plt
import pytest
from matplotlib.lines import Line2D

from agent.reports.chart import cutoff_position, trend_figure
from agent.reports.weekly import make_report, render
from tests.reports import builders as b
from tests.reports.builders import PAPER, Layout, ModelSpec
from tests.reports.conftest import Cli, Db

WINDOW = ("--from", "2026-04-25", "--to", "2026-06-01")
START, END = datetime(2026, 4, 25, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)


def ok(result: object) -> str:
    assert result.exit_code == 0, (result.output, result.exception)  # type: ignore[attr-defined]
    return result.stdout  # type: ignore[attr-defined]


def html_text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def test_html_has_every_markdown_section(paper: Db) -> None:
    report = make_report(paper.engine, start=START, end=END)
    md = render(report, "md", chart_name="trend.png")
    page = render(report, "html")
    md_sections = re.findall(r"^## (.+)$", md, re.M)
    html_sections = [html_text(h) for h in re.findall(r"<h2>(.*?)</h2>", page, re.S)]
    assert html_sections == md_sections
    assert {"Model comparison", "Results", "Trend", "Test provenance", "Failures"} <= set(html_sections)
    # the tables hold the same cells (the matrix header names contests in full in HTML)
    for heading, table_id in (("Results", "results"), ("Model comparison", "comparison"),
                              ("By difficulty", "difficulty"), ("Contamination-free view", "contamination")):
        header, rows = b.md_table(md, heading)
        assert b.html_table(page, table_id) == [header, *rows], heading
    _, rows = b.md_table(md, "Acceptance by contest")
    assert b.html_table(page, "contest-matrix")[1:] == rows
    assert html_text(page.split('id="matrix-note">', 1)[1].split("</p>", 1)[0]) in md


def test_html_links_problems_to_leetcode(paper: Db) -> None:
    page = render(make_report(paper.engine, start=START, end=END), "html")
    provenance = page.split('id="provenance"', 1)[1].split("</table>", 1)[0]
    for p in PAPER.problems:
        assert f'<a href="https://leetcode.com/problems/{p.slug}/"><code>{p.slug}</code></a>' in provenance
    failures = page.split('id="failures"', 1)[1].split("</ul>", 1)[0]
    assert '<a href="https://leetcode.com/problems/w500-q4/"><code>w500-q4</code></a> attempt 2' in failures


def test_model_comparison_with_an_interval_on_the_difference(paper: Db, lcagent: Cli) -> None:
    """baseline-7b 106/125 against paper-3b 123/128: the difference and Newcombe's
    hybrid score interval, from the two Wilson intervals."""
    md = ok(lcagent(paper.url, "report", *WINDOW))
    header, rows = b.md_table(md, "Model comparison")
    assert header == ["Model A", "Model B", "A", "B", "A − B (points)", "95% CI"]
    p1, p2 = 106 / 125, 123 / 128
    (l1, u1), (l2, u2) = b.wilson_interval(106, 125), b.wilson_interval(123, 128)
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert rows == [["baseline-7b", "paper-3b", "84.8% (106/125)", "96.1% (123/128)",
                     f"{100 * (p1 - p2):.1f}", f"[{100 * low:.1f}, {100 * high:.1f}]"]]
    assert rows[0][4:] == ["-11.3", "[-18.9, -4.1]"]  # the interval excludes 0


def test_one_model_has_no_comparison(empty: Db, lcagent: Cli) -> None:
    b.build(empty.engine, Layout(PAPER.problems[:4], [ModelSpec("solo", None, 1)]))
    md = ok(lcagent(empty.url, "report"))
    assert "## Model comparison" not in md and "## Acceptance by contest" in md


def test_an_empty_selection_says_so(paper: Db, lcagent: Cli) -> None:
    md = ok(lcagent(paper.url, "report", "--week", "2026-W48"))
    assert md.splitlines()[-1] == "No problems released in 2026-W48 have any attempts: nothing to report."
    assert "## " not in md
    page = ok(lcagent(paper.url, "report", "--week", "2026-W48", "--format", "html"))
    assert '<p id="empty">No problems released in 2026-W48 have any attempts: nothing to report.</p>' in page
    assert "<h2>" not in page
    md = ok(lcagent(paper.url, "report", "--from", "2030-01-01"))
    assert "No problems released from 2030-01-01 to now (end exclusive) have any attempts" in md


def test_unknown_model_names_are_an_error(paper: Db, lcagent: Cli) -> None:
    result = lcagent(paper.url, "report", "--models", "paper-3b", "--models", "nope")
    assert result.exit_code == 1 and result.stdout == ""
    assert " ".join(result.stderr.split()) == \
        "error: unknown model configuration 'nope' (known: baseline-7b, paper-3b)"


@pytest.mark.parametrize("args", [("--models", "paper-3b", "--models", "baseline-7b"),
                                  ("--models", "paper-3b,baseline-7b"), ("--models", "baseline-7b, paper-3b")])
def test_models_repeated_or_comma_separated(paper: Db, lcagent: Cli, args: tuple[str, ...]) -> None:
    _, rows = b.md_table(ok(lcagent(paper.url, "report", *WINDOW, *args)), "Acceptance by contest")
    assert [r[0] for r in rows] == ["baseline-7b", "paper-3b"]
    _, rows = b.md_table(ok(lcagent(paper.url, "report", *WINDOW, "--models", "paper-3b")), "Acceptance by contest")
    assert [r[0] for r in rows] == ["paper-3b"]


# ------------------------------------------------------------------ the chart


def test_cutoff_position_on_the_week_axis() -> None:
    weeks = ["2026-W18", "2026-W19", "2026-W21"]
    assert cutoff_position(weeks, date(2026, 5, 3)) == pytest.approx(0.5)  # Sunday of W18: the slot's end
    assert cutoff_position(weeks, date(2026, 4, 27)) == pytest.approx(-0.5 + 1 / 7)  # Monday of W18
    assert cutoff_position(weeks, date(2026, 5, 13)) == pytest.approx(1.5)  # W20 has no data: between W19 and W21
    assert cutoff_position(weeks, date(2026, 1, 1)) is None and cutoff_position(weeks, date(2027, 1, 1)) is None
    assert cutoff_position([], date(2026, 5, 3)) is None


def test_chart_marks_each_cutoff_and_keeps_the_legend_outside(paper: Db) -> None:
    report = make_report(paper.engine, start=START, end=END)
    fig = trend_figure(report)
    try:
        ax = fig.axes[0]
        weeks = [t.get_text() for t in ax.get_xticklabels()]
        lines = {ln.get_label(): ln.get_xdata()[0] for ln in ax.get_lines()
                 if isinstance(ln, Line2D) and "cutoff" in str(ln.get_label())}
        assert lines == {f"{m.label} cutoff {m.training_cutoff}": pytest.approx(
            cutoff_position(weeks, m.training_cutoff)) for m in report.models}  # type: ignore[arg-type]
        fig.canvas.draw()
        legend = ax.get_legend().get_window_extent()
        plot = ax.get_window_extent()
        assert legend.x0 >= plot.x1, (legend, plot)  # to the right of the data, not over it
        assert legend.x1 <= fig.bbox.x1 + 1  # and still in the picture
        assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"paper-3b", "baseline-7b"}
    finally:
        plt.close(fig)


def test_a_single_week_sits_in_the_middle(empty: Db) -> None:
    spec = ModelSpec("one-week", date(2026, 5, 1), 2)
    b.build(empty.engine, Layout([p for p in PAPER.problems if p.slug.startswith("w502")], [spec]))
    fig = trend_figure(make_report(empty.engine))
    try:
        ax = fig.axes[0]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2026-W20"]
        low, high = ax.get_xlim()
        point = next(ln for ln in ax.get_lines() if ln.get_label() != "" and "cutoff" not in str(ln.get_label())
                     and len(ln.get_xdata()) == 1)
        x = float(point.get_xdata()[0])
        assert low < x < high and abs((x - low) - (high - x)) < 0.1 * (high - low)  # centred
    finally:
        plt.close(fig)
