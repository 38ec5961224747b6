"""The trend chart: weekly acceptance per model with 95% Wilson intervals."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt

from agent.reports.data import Report


def trend_chart(report: Report, fmt: str = "svg") -> bytes:
    """PNG or SVG bytes; an empty-but-labelled chart when there is no data."""
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=110)
    weeks = sorted({w for m in report.models for w, _ in m.trend})
    x_of = {w: i for i, w in enumerate(weeks)}
    for k, m in enumerate(report.models):
        pts = [(x_of[w] + (k - len(report.models) / 2) * 0.04, r) for w, r in m.trend if r.n]
        if not pts:
            continue
        xs = [x for x, _ in pts]
        ys = [100 * (r.value or 0) for _, r in pts]
        lo = [100 * ((r.value or 0) - r.interval[0]) for _, r in pts]  # type: ignore[index]
        hi = [100 * (r.interval[1] - (r.value or 0)) for _, r in pts]  # type: ignore[index]
        ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=3, label=m.label)
    ax.set_xticks(range(len(weeks)), weeks, rotation=45, ha="right")
    ax.set_ylim(-2, 102)
    ax.set_ylabel("acceptance (%), 95% Wilson interval")
    ax.set_title("Weekly acceptance per model")
    ax.grid(alpha=0.3)
    if report.models:
        ax.legend(loc="lower left", fontsize="small")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return buf.getvalue()
