"""Report renderers: Markdown (the paper's table, reproducible exactly), HTML
(self-contained: the chart is inline, nothing is fetched), JSON."""

from __future__ import annotations

import base64
import dataclasses
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from agent.reports.data import (
    EXAMPLES_MARK,
    LEETCODE_SUBMIT,
    Report,
    basis_label,
    contest_name,
    examples_mark,
)
from agent.reports.markdown import md_code, md_table, md_text
from agent.reports.stats import Rate, interval_text, percent, percent_of, signed_points
from judge.verdict import Verdict
from storage.queries import ProvenanceRow

COMPILE_ERROR, WRONG_ANSWER = str(Verdict.COMPILE_ERROR), str(Verdict.WRONG_ANSWER)


def cell(rate: Rate | None) -> str:
    return "–" if rate is None or rate.n == 0 else f"{rate.k}/{rate.n}"


def _p(value: float | None) -> str:
    return "–" if value is None else (f"{value:.3f}" if value >= 0.001 else f"{value:.1e}")


def matrix_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """The contest matrix: Model | <contest> x/n ... | Overall | 95% CI; a cell or an
    Overall resting partly on example tests only carries EXAMPLES_MARK."""
    header = ["Model", *[c.label for c in report.contests], "Overall", "95% CI"]
    rows = [[m.label, *[cell(m.cells.get(c.label)) + examples_mark(m.cell_basis.get(c.label, {}))
                        for c in report.contests],
             percent(m.overall) + examples_mark(m.basis), interval_text(m.overall)] for m in report.models]
    return header, rows


COMPARISON_NOTE = ("Overall rate of the first model minus the second's, in percentage points, with a 95% "
                   "interval (Newcombe's hybrid score interval, each model's attempts taken as independent); "
                   "an interval that excludes 0 is a difference the data support.")


def comparison_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    header = ["Model A", "Model B", "A", "B", "A − B (points)", "95% CI"]
    return header, [[a, b, percent(d.a), percent(d.b), signed_points(d.value),
                     f"[{signed_points(d.interval[0])}, {signed_points(d.interval[1])}]"]
                    for a, b, d in report.comparisons]


def empty_note(report: Report) -> str:
    return f"No problems released {report.selection} have any attempts: nothing to report."


def matrix_note(report: Report) -> str | None:
    """What the mark in the matrix means, when it is there."""
    if not any(examples_mark(m.basis) for m in report.models):
        return None
    return (f"{EXAMPLES_MARK} Includes attempts judged on example tests only (problems without hidden "
            "tests): an example-pass rate, not acceptance on hidden tests. See Test provenance.")


def _table(header: list[str], rows: list[list[str]]) -> str:
    return md_table(header, rows)  # cells escaped: names and slugs come from outside


def _window(report: Report) -> str:
    start = report.start.date().isoformat() if report.start else "the beginning"
    end = report.end.date().isoformat() if report.end else "now"
    return f"problems released from {start} to {end} (end exclusive)"


def to_markdown(report: Report, chart_path: str | None = None) -> str:
    out = [f"# {md_text(report.title)}", "", f"{_window(report)}; generated {report.generated_at:%Y-%m-%d %H:%M} UTC.", ""]
    if not report.models:
        return "\n".join([*out, empty_note(report)]) + "\n"
    out += ["## Acceptance by contest", "",
            "Each cell: first attempts accepted / first attempts made. Overall with a 95% Wilson interval.", ""]
    out += [_table(*matrix_rows(report)), ""]
    note = matrix_note(report)
    if note:
        out += [md_text(note), ""]
    pending = [f"{md_text(m.label)}: {m.pending}" for m in report.models if m.pending]
    if pending:
        out += [f"Not yet finished (not counted): {', '.join(pending)}.", ""]
    failed = [f"{md_text(m.label)}: {m.failed}" for m in report.models if m.failed]
    if failed:
        out += [f"Given up after infrastructure errors (no verdict, not counted): {', '.join(failed)}.", ""]
    header, rows = basis_rows(report)
    if rows:
        out += ["The tests these rates rest on (judged attempts per model):", "", _table(header, rows), ""]
    header, rows = comparison_rows(report)
    if rows:
        out += ["## Model comparison", "", COMPARISON_NOTE, "", _table(header, rows), ""]
    out += ["## Contamination-free view", "",
            "Only problems released after each model's declared training cutoff; the before/after comparison "
            "uses Fisher's exact test (a much lower rate after the cutoff is the signature of contamination).", ""]
    rows = []
    for m in report.models:
        if m.cutoff is None:
            rows.append([m.label, "not declared", "–", "–", "–", "–"])
            continue
        c = m.cutoff
        rows.append([m.label, str(m.training_cutoff), percent(c.after), interval_text(c.after),
                     percent(c.before), _p(c.p_value)])
    out += [_table(["Model", "Cutoff", "After cutoff", "95% CI", "Before cutoff", "Fisher p"], rows), ""]
    difficulties = _difficulties(report)
    out += ["## By difficulty", "", _table(["Model", *difficulties, "pass@1 (mean over problems)"], [
        [m.label, *[percent(m.by_difficulty[d]) if d in m.by_difficulty else "–" for d in difficulties],
         percent_of(m.pass1)] for m in report.models]), ""]
    results = sorted({r for m in report.models for r in m.mix})
    out += ["## Results", "", "Verdicts of judged code, and generations that never reached the judge "
            "(`no code`, `truncated`), as counts.", "",
            _table(["Model", *results], [[m.label, *[str(m.mix.get(r, 0)) for r in results]]
                                         for m in report.models]), ""]
    if chart_path:
        out += ["## Trend", "", f"![weekly acceptance]({chart_path})", ""]
    out += ["## Test provenance", ""]
    if report.examples_only:
        out += ["Rates on these problems rest on **example tests only** (no hidden tests): "
                + ", ".join(md_code(s) for s in report.examples_only) + ".", ""]
    out += [_table(["Problem", "Tests", "Provenance", "Test set", "Rates rest on"],
                   [[p.slug, tests_text(p), provenance_text(p),
                     md_code(p.test_set_version), basis_label(p.basis, p.oracle)] for p in report.provenance]), ""]
    out += leetcode_markdown(report)
    out += ["## Failures", ""]
    if not report.failures:
        out += ["None.", ""]
    for f in report.failures:
        d = failure_detail(f.result, f.first_failure)
        line = f"- **{md_text(f.config_name)}** {md_code(f.slug)} attempt {f.attempt}: {md_text(d.headline)}"
        if d.test is not None:
            line += f": input {md_code(d.input)}, expected {md_code(d.expected)}"
            if d.got is not None:
                line += f", got {md_code(d.got)}"
        if d.message:
            line += f" — {md_text(d.message)}"
        out.append(line)
    return "\n".join(out).rstrip() + "\n"


@dataclass(frozen=True)
class FailureDetail:
    """How a failed attempt reads: the verdict, and the test it failed on (1-based,
    as LeetCode numbers them) with its input, expected output and what the code
    returned; a failure of the whole submission (compile error, a crash before
    any test) names no test."""

    headline: str  # "Wrong Answer on test 6", "Compile Error", "Runtime Error before any test"
    test: int | None  # 1-based
    input: str | None
    expected: str | None
    got: str | None  # shown for a wrong answer only: other verdicts returned nothing
    message: str


def failure_detail(result: str, ff: dict | None, limit: int | None = 80) -> FailureDetail:
    """`limit`: values shortened to one line of at most this many characters (the
    report's lists); None: as stored, line breaks kept (the per-attempt viewer)."""
    def show(v: Any, n: int | None = limit) -> str:
        if n is None:
            return v if isinstance(v, str) else json.dumps(v)
        return _short(v, n)

    if not ff:
        return FailureDetail(result, None, None, None, None, "")
    message = show(ff.get("message"), 120 if limit else None) if ff.get("message") else ""
    test = ff.get("test")
    if not isinstance(test, int) or isinstance(test, bool):  # the whole submission failed
        headline = result if result == COMPILE_ERROR else f"{result} before any test"
        return FailureDetail(headline, None, None, None, None, message)
    got = show(ff.get("got")) if result == WRONG_ANSWER else None
    return FailureDetail(f"{result} on test {test + 1}", test + 1, show(ff.get("input")), show(ff.get("expected")),
                         got, message)


def provenance_text(p: ProvenanceRow) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(p.provenance.items()))


def tests_text(p: ProvenanceRow) -> str:
    """The tests a verdict compares; examples stored as not comparable said apart."""
    return str(p.n_tests) + (f" (+{p.not_compared} not compared)" if p.not_compared else "")


def basis_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """Model | <what the rates rest on> ...: judged attempts per kind of test set."""
    labels = sorted({b for m in report.models for b in m.basis}, key=lambda b: (b == "examples only", b))
    if not labels:
        return [], []
    return ["Model", *labels], [[m.label, *[str(m.basis.get(b, 0)) for b in labels]] for m in report.models]


def leetcode_markdown(report: Report) -> list[str]:
    """LeetCode's own verdicts (submit backend) and their agreement with ours."""
    if not report.leetcode:
        return []
    out = ["## LeetCode's own verdicts", "",
           f"First attempts submitted to LeetCode; the rate rests on {LEETCODE_SUBMIT} (LeetCode's hidden tests).", "",
           _table(["Model", LEETCODE_SUBMIT, "95% CI"],
                  [[m.label, percent(m.leetcode), interval_text(m.leetcode)] for m in report.models if m.leetcode]),
           "", "Local and LeetCode verdicts of the same generations, by LeetCode's verdict:", "",
           _table(["LeetCode verdict", "Judged by both", "Agree", "Disagree", "Agreement"],
                  [[a.verdict, str(a.both), str(a.agree), str(a.disagree), percent_of(Fraction(a.agree, a.both))]
                   for a in report.agreement]), ""]
    if not report.disagreements:
        return [*out, "No disagreements.", ""]
    out += ["Disagreements:", ""]
    out += [f"- **{md_text(d.config_name)}** {md_code(d.slug)} attempt {d.attempt}: local {md_text(d.local)} "
            f"(on {basis_label(d.basis)}), LeetCode {md_text(d.leetcode)}" + (f" ({d.passed}/{d.total} tests)" if d.total else "")
            for d in report.disagreements]
    return [*out, ""]


def _difficulties(report: Report) -> list[str]:
    """The difficulties present, Easy/Medium/Hard first, then others (Unknown)."""
    return sorted({d for m in report.models for d in m.by_difficulty},
                  key=lambda d: ["Easy", "Medium", "Hard"].index(d) if d in ("Easy", "Medium", "Hard") else 9)


def _short(v: Any, limit: int = 80) -> str:
    text = v if isinstance(v, str) else json.dumps(v)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def contest_url(slug: str | None) -> str | None:
    """LeetCode's page of a weekly or biweekly contest."""
    return f"https://leetcode.com/contest/{slug}/" if contest_name(slug) != slug and slug else None


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None  # JSON has no Infinity (the odds ratio when one side never fails)
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, Rate):
        return {"accepted": v.k, "attempts": v.n, "rate": v.value, "ci95": v.interval}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: _jsonable(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [_jsonable(x) for x in v]
    return v


def to_json(report: Report) -> str:
    doc = _jsonable(report)
    doc.pop("attempts", None)  # the viewer's page holds them
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


_env = Environment(loader=PackageLoader("agent.reports", "templates"), autoescape=select_autoescape(["html"]))


def to_html(report: Report, chart_svg: bytes, attempts_href: str | None = None) -> str:
    """`attempts_href`: the per-attempt viewer's page, linked from each failure."""
    header, rows = matrix_rows(report)
    basis_header, basis = basis_rows(report)
    comparison_header, comparison = comparison_rows(report)
    results = sorted({r for m in report.models for r in m.mix})
    contests = [(c.label, contest_name(c.slug), contest_url(c.slug)) for c in report.contests]
    return _env.get_template("report.html").render(
        report=report, header=header, rows=rows, matrix_note=matrix_note(report), empty_note=empty_note(report),
        comparison_header=comparison_header, comparison=comparison, comparison_note=COMPARISON_NOTE,
        results=results, contests=contests, links=report.links, attempts_href=attempts_href, window=_window(report), percent=percent,
        basis_header=basis_header, basis=basis, basis_label=basis_label, leetcode_submit=LEETCODE_SUBMIT,
        difficulties=_difficulties(report),
        interval_text=interval_text, p=_p, cell=cell, tests_text=tests_text, provenance_text=provenance_text, percent_of=percent_of, fraction=Fraction,
        chart_data_uri="data:image/svg+xml;base64," + base64.b64encode(chart_svg).decode(),
        failures=[(f, failure_detail(f.result, f.first_failure)) for f in report.failures],
    )
