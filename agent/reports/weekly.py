"""Building and writing reports from the results database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from agent.reports.attempts import attempts_html
from agent.reports.chart import trend_chart
from agent.reports.data import Report, build_report, iso_week, week_bounds
from agent.reports.render import to_html, to_json, to_markdown
from storage import queries
from storage.engine import session_scope

FORMATS = ("md", "html", "json")


def make_report(engine: Engine, *, start: datetime | None = None, end: datetime | None = None,
                models: list[str] | None = None, title: str | None = None,
                now: datetime | None = None, with_attempts: bool = False) -> Report:
    """The report of the problems released in [start, end); `with_attempts`: also
    every attempt, for the per-attempt viewer (`write_attempts`)."""
    models = [n.strip() for m in models or [] for n in m.split(",") if n.strip()] or None  # `--models a,b`
    with session_scope(engine) as s:
        if models:
            known = queries.config_names(s)
            unknown = [m for m in models if m not in known]
            if unknown:
                raise ValueError(f"unknown model configuration {', '.join(map(repr, unknown))} "
                                 f"(known: {', '.join(known) or 'none yet'})")
        rows = queries.results(s, start, end, models)
        failures = queries.failures(s, start, end, models)
        provenance = queries.test_provenance(s, start, end)
        leetcode = queries.leetcode_verdicts(s, start, end, models)
        attempts = queries.attempts(s, start, end, models) if with_attempts else None
    report = build_report(rows, failures, provenance, title=title or "lcagent acceptance report",
                          start=start, end=end, generated_at=now, leetcode=leetcode)
    report.attempts = attempts
    return report


def attempts_name(report_path: Path) -> str:
    """The per-attempt viewer's file next to a report: `report.html` -> `report-attempts.html`."""
    return f"{report_path.stem}-attempts.html"


def write_attempts(report: Report, report_path: Path) -> Path | None:
    """The per-attempt viewer next to the report's HTML, when the report holds the
    attempts (make_report(with_attempts=True)); written atomically."""
    if report.attempts is None:
        return None
    path = report_path.with_name(attempts_name(report_path))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(attempts_html(report.attempts, title=report.title, selection=report.selection,
                                 generated_at=report.generated_at), encoding="utf-8")
    tmp.replace(path)
    return path


def render(report: Report, fmt: str, chart_name: str | None = None, attempts_href: str | None = None) -> str:
    if fmt == "md":
        return to_markdown(report, chart_name)
    if fmt == "html":
        return to_html(report, trend_chart(report, "svg"), attempts_href)
    if fmt == "json":
        return to_json(report)
    raise ValueError(f"unknown report format {fmt!r} (md, html, json)")


def write_report(report: Report, directory: Path, stem: str = "report") -> list[Path]:
    """Every format plus the chart as PNG and SVG, written atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    href = attempts_name(directory / f"{stem}.html") if report.attempts is not None else None
    for name, data in ((f"{stem}-trend.png", trend_chart(report, "png")),
                       (f"{stem}-trend.svg", trend_chart(report, "svg")),
                       *((f"{stem}.{fmt}", render(report, fmt, f"{stem}-trend.png", href).encode())
                         for fmt in FORMATS)):
        path = directory / name
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    page = write_attempts(report, directory / f"{stem}.html")
    return written + ([page] if page else [])


def last_full_week(now: datetime) -> str:
    return iso_week(now - timedelta(days=7))


def weekly_report(engine: Engine, data_dir: Path, week: str | None = None,
                  now: datetime | None = None) -> list[Path]:
    """The week's report (default: last full ISO week), into <data_dir>/reports/<week>/.

    The matrix covers everything released up to the end of the week, so the
    trend and totals grow week after week; the title names the week."""
    now = now or datetime.now(UTC)
    week = week or last_full_week(now)
    _, end = week_bounds(week)
    report = make_report(engine, end=end, title=f"lcagent acceptance report, {week}", now=now, with_attempts=True)
    return write_report(report, data_dir / "reports" / week)
