"""Building and writing reports from the results database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from agent.reports.chart import trend_chart
from agent.reports.data import Report, build_report, iso_week, week_bounds
from agent.reports.render import to_html, to_json, to_markdown
from storage import queries
from storage.engine import session_scope

FORMATS = ("md", "html", "json")


def make_report(engine: Engine, *, start: datetime | None = None, end: datetime | None = None,
                models: list[str] | None = None, title: str | None = None,
                now: datetime | None = None) -> Report:
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
    return build_report(rows, failures, provenance, title=title or "lcagent acceptance report",
                        start=start, end=end, generated_at=now, leetcode=leetcode)


def render(report: Report, fmt: str, chart_name: str | None = None) -> str:
    if fmt == "md":
        return to_markdown(report, chart_name)
    if fmt == "html":
        return to_html(report, trend_chart(report, "svg"))
    if fmt == "json":
        return to_json(report)
    raise ValueError(f"unknown report format {fmt!r} (md, html, json)")


def write_report(report: Report, directory: Path, stem: str = "report") -> list[Path]:
    """Every format plus the chart as PNG and SVG, written atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in ((f"{stem}-trend.png", trend_chart(report, "png")),
                       (f"{stem}-trend.svg", trend_chart(report, "svg")),
                       *((f"{stem}.{fmt}", render(report, fmt, f"{stem}-trend.png").encode()) for fmt in FORMATS)):
        path = directory / name
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    return written


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
    report = make_report(engine, end=end, title=f"lcagent acceptance report, {week}", now=now)
    return write_report(report, data_dir / "reports" / week)
