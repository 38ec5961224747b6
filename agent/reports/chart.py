"""The trend chart: weekly acceptance per model with 95% Wilson intervals."""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from agent.reports.data import Report


def cutoff_position(weeks: list[str], cutoff: date) -> float | None:
    """Where a training cutoff falls on the week axis (weeks are at 0, 1, ...): inside
    its ISO week's slot, between the neighbouring weeks when that week has no data;
    None when it is outside the weeks shown."""
    if not weeks:
        return None
    y, w, d = cutoff.isocalendar()
    week = f"{y}-W{w:02d}"
    if week < weeks[0] or week > weeks[-1]:
        return None
    if week in weeks:
        return weeks.index(week) - 0.5 + d / 7  # the end of the cutoff day, within the week's slot
    return next(i for i, w in enumerate(weeks) if w > week) - 0.5


def trend_chart(report: Report, fmt: str = "svg") -> bytes:
    """PNG or SVG bytes of `trend_figure`."""
    fig = trend_figure(report)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return buf.getvalue()


def trend_figure(report: Report) -> Figure:
    """An empty-but-labelled chart when there is no data. Each model's training
    cutoff is a dashed vertical line in its colour; the legend sits to the right of
    the plot, outside the data."""
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=110)
    weeks = sorted({w for m in report.models for w, _ in m.trend})
    x_of = {w: i for i, w in enumerate(weeks)}
    for k, m in enumerate(report.models):
        colour = f"C{k % 10}"
        pts = [(x_of[w] + (k - (len(report.models) - 1) / 2) * 0.04, r) for w, r in m.trend if r.n]
        if pts:
            xs = [x for x, _ in pts]
            ys = [100 * (r.value or 0) for _, r in pts]
            lo = [100 * ((r.value or 0) - r.interval[0]) for _, r in pts]  # type: ignore[index]
            hi = [100 * (r.interval[1] - (r.value or 0)) for _, r in pts]  # type: ignore[index]
            ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=3, label=m.label, color=colour)
        at = cutoff_position(weeks, m.training_cutoff) if m.training_cutoff else None
        if at is not None:
            ax.axvline(at, color=colour, linestyle="--", linewidth=1, label=f"{m.label} cutoff {m.training_cutoff}")
    ax.set_xticks(range(len(weeks)), weeks, rotation=45, ha="right")
    ax.set_xlim(-0.6, max(len(weeks), 1) - 0.4)  # one week sits in the middle, not at an edge
    ax.set_ylim(-2, 102)
    ax.set_ylabel("acceptance (%), 95% Wilson interval")
    ax.set_title("Weekly acceptance per model" if weeks else "Weekly acceptance per model: no data")
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", borderaxespad=0)
    fig.tight_layout()
    return fig
