"""Numbers that say what they are (issue 13, item 9): the headline matrix carries
the test-provenance mark itself; the report and the dashboard round the same way
(56.25 is 56.3 in both, as SQL rounds); a problem's test count leaves out examples
stored as not comparable; a compile error names no test."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest

from agent.reports.render import failure_detail
from agent.reports.stats import Rate, half_up, interval_text, percent, percent_of
from agent.reports.weekly import make_report
from storage import repo
from storage.engine import session_scope
from tests.reports import builders as b
from tests.reports.builders import PAPER, Layout, ModelSpec, ProblemSpec
from tests.reports.conftest import Cli, Db

W502 = [p for p in PAPER.problems if p.slug.startswith("w502")]


def ok(result: object) -> str:
    assert result.exit_code == 0, (result.output, result.exception)  # type: ignore[attr-defined]
    return result.stdout  # type: ignore[attr-defined]


def test_half_up_rounding() -> None:
    assert percent(Rate(9, 16)) == "56.3% (9/16)"  # Python's format says 56.2
    assert f"{100 * 9 / 16:.1f}" == "56.2"
    assert percent(Rate(1, 16)) == "6.3% (1/16)"
    assert percent(Rate(1, 3)) == "33.3% (1/3)" and percent(Rate(2, 3)) == "66.7% (2/3)"
    assert percent(Rate(0, 5)) == "0.0% (0/5)" and percent(Rate(5, 5)) == "100.0% (5/5)"
    assert percent(Rate(0, 0)) == "– (0/0)"
    assert half_up(Fraction(1, 20)) == "0.1" and half_up(Fraction(1, 40), 2) == "0.03" and half_up(2.5, 0) == "3"
    assert percent_of(0.5625) == "56.3%" and percent_of(Fraction(1, 8)) == "12.5%" and percent_of(None) == "–"
    assert interval_text(Rate(0, 0)) == "–"


def test_report_and_dashboard_show_the_same_digits(empty: Db, lcagent: Cli) -> None:
    """9 of 16 accepted: 56.25%. The report and the canned queries both say 56.3,
    and the same interval digits, per contest and per difficulty."""
    failing = {(p.slug, a): b.WA for p in W502[:2] for a in (1, 2, 3)} | {(W502[2].slug, 1): b.RE}
    spec = ModelSpec("round", date(2026, 1, 1), 4, failing)
    b.build(empty.engine, Layout(W502, [spec]))
    md = ok(lcagent(empty.url, "report"))
    _, rows = b.md_table(md, "Acceptance by contest")
    assert rows == [["round", "9/16", "56.3% (9/16)", interval_text(Rate(9, 16))]]
    matrix = json.loads(ok(lcagent(empty.url, "query", "contest_matrix", "--format", "json")))
    assert [(r["accepted"], r["attempts"], r["percent"]) for r in matrix] == [(9, 16, 56.3)]
    assert f"[{matrix[0]['ci_low']:.1f}, {matrix[0]['ci_high']:.1f}]" == interval_text(Rate(9, 16))
    report = make_report(empty.engine)
    by_difficulty = json.loads(ok(lcagent(empty.url, "query", "by_difficulty", "--format", "json")))
    row = report.models[0]
    for r in by_difficulty:
        rate = row.by_difficulty[r["difficulty"]]
        assert percent(rate) == f"{r['percent']:.1f}% ({r['accepted']}/{r['attempts']})"
        assert interval_text(rate) == f"[{r['ci_low']:.1f}, {r['ci_high']:.1f}]"


def test_test_count_leaves_out_examples_not_compared(empty: Db, lcagent: Cli) -> None:
    spec = ProblemSpec("w502-q1", W502[0].contest, "Easy", W502[0].release_time, ("example",) * 3 + ("official",) * 5)
    b.build(empty.engine, Layout([spec], [ModelSpec("m", None, 1)]))
    problem = b.judge_problem(spec)  # synced again, its second example now stored as not comparable
    tests = list(problem.tests)
    tests[1] = tests[1].model_copy(update={"comparable": False, "note": "nums = [2,2,_,_]"})
    with session_scope(empty.engine) as s:
        repo.upsert_problem(s, problem.model_copy(update={"tests": tests}))
    md = ok(lcagent(empty.url, "report"))
    _, rows = b.md_table(md, "Test provenance")
    assert rows[0][:3] == ["w502-q1", "7 (+1 not compared)", "example 2, official 5"]
    html = ok(lcagent(empty.url, "report", "--format", "html"))
    provenance = b.html_table(html, "provenance")
    assert provenance[1][:3] == ["w502-q1", "7 (+1 not compared)", "example 2, official 5"]


@pytest.mark.parametrize(("result", "ff", "headline"), [
    ("Compile Error", {"test": None, "input": "", "message": "SyntaxError"}, "Compile Error"),
    ("Runtime Error", {"test": None, "input": "", "message": "ImportError"}, "Runtime Error before any test"),
    ("Wrong Answer", {"test": 0, "input": "1", "expected": 2, "got": 3}, "Wrong Answer on test 1"),
    ("Time Limit Exceeded", {"test": 4, "input": "1", "expected": 2, "got": None}, "Time Limit Exceeded on test 5"),
])
def test_a_failure_names_its_test_from_one_or_none(result: str, ff: dict, headline: str) -> None:
    d = failure_detail(result, ff)
    assert d.headline == headline
    if ff["test"] is None:
        assert (d.test, d.input, d.expected, d.got) == (None, None, None, None)
    else:
        assert d.test == ff["test"] + 1 and d.input == ff["input"] and d.expected == json.dumps(ff["expected"])
        assert (d.got is None) == (result != "Wrong Answer")
