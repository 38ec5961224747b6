"""Canned queries over the dashboard views, `lcagent query`, and `lcagent dashboard`
(Datasette serving the SQLite results database read-only, with these queries and
charts)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

CANNED: dict[str, dict[str, str]] = {
    "acceptance_by_week": {
        "title": "Acceptance per model and week",
        "sql": "SELECT model_config, release_week, accepted, attempts, round(100.0 * rate, 1) AS percent "
               "FROM v_acceptance_model_week ORDER BY release_week, model_config",
    },
    "contest_matrix": {
        "title": "Accepted / attempts per model and contest",
        "sql": "SELECT model_config, contest, contest_start, accepted, attempts, round(100.0 * rate, 1) AS percent "
               "FROM v_acceptance_model_contest ORDER BY contest_start, model_config",
    },
    "by_difficulty": {
        "title": "Acceptance per model and difficulty",
        "sql": "SELECT model_config, difficulty, accepted, attempts, round(100.0 * rate, 1) AS percent "
               "FROM v_acceptance_difficulty ORDER BY model_config, difficulty",
    },
    "contamination": {
        "title": "Before / after each model's training cutoff",
        "sql": "SELECT model_config, training_cutoff, CASE after_cutoff WHEN 1 THEN 'after' ELSE 'before' END "
               "AS side, accepted, attempts, round(100.0 * rate, 1) AS percent FROM v_contamination "
               "ORDER BY model_config, after_cutoff",
    },
    "verdict_mix": {
        "title": "Results per model and week (verdicts, no code, truncated)",
        "sql": "SELECT model_config, release_week, result, n FROM v_verdict_mix "
               "ORDER BY release_week, model_config, n DESC",
    },
    "usage": {
        "title": "Latency and token usage per model and week",
        "sql": "SELECT model_config, release_week, generations, round(avg_latency_ms) AS avg_latency_ms, "
               "prompt_tokens, completion_tokens, round(avg_completion_tokens) AS avg_completion_tokens, "
               "truncated FROM v_usage ORDER BY release_week, model_config",
    },
}


def run_query(engine: Engine, name: str) -> tuple[list[str], list[tuple]]:
    if name not in CANNED:
        raise ValueError(f"unknown query {name!r} (known: {', '.join(CANNED)})")
    with engine.connect() as conn:
        result = conn.execute(sa.text(CANNED[name]["sql"]))
        # PostgreSQL returns numeric as Decimal: plain numbers, as SQLite does
        return list(result.keys()), [tuple(float(v) if isinstance(v, Decimal) else v for v in r)
                                     for r in result.all()]


def format_rows(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
        return buf.getvalue()
    if fmt == "table":
        cells = [columns] + [["" if v is None else str(v) for v in r] for r in rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r} (table, csv, json)")


def datasette_metadata(db_name: str) -> dict[str, Any]:
    """Canned queries, and a vega chart for the weekly acceptance (datasette-vega)."""
    return {
        "title": "lcagent results",
        "description": "Read-only view of the lcagent results database. Views v_* have stable columns.",
        "databases": {db_name: {"queries": {name: {"title": q["title"], "sql": q["sql"]}
                                            for name, q in CANNED.items()}}},
        "plugins": {"datasette-vega": {}},
    }


def datasette_command(db_path: Path, host: str, port: int, metadata_path: Path) -> list[str]:
    """The Datasette command line: read-only (`--immutable` would cache counts, so the
    file is opened normally; Datasette never writes without a write plugin)."""
    metadata_path.parent.mkdir(parents=True, exist_ok=True)
    metadata_path.write_text(json.dumps(datasette_metadata(db_path.stem)), encoding="utf-8")
    return ["datasette", "serve", str(db_path), "--host", host, "--port", str(port),
            "--metadata", str(metadata_path), "--setting", "sql_time_limit_ms", "5000",
            "--setting", "default_page_size", "200"]
