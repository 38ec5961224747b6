"""Canned queries over the dashboard views, `lcagent query`, and `lcagent dashboard`
(Datasette serving the SQLite results database read-only, with these queries and
charts).

Whoever reaches the dashboard must not read hidden tests or their expected
outputs: Datasette runs with arbitrary SQL off (`allow_sql: false`, also
`default_allow_sql off`, so `?sql=` and `?_where=` are refused), no database
download, and every table denied (`allow: false`: its pages, JSON, CSV and row
pages answer 403) except the few in PUBLIC_TABLES, which hold no test data. The
views (v_*) and the canned queries, which carry no expected output, are what it
serves. The denial is an allow-list: a table added later is denied until it is
named here.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# A percentage to one decimal, rounded half up from the exact fraction (integer
# arithmetic: 56.25 is 56.3 on SQLite and PostgreSQL alike, as in the report).
PERCENT = "(2000 * accepted + attempts) / (2 * attempts) / 10.0 AS percent"
CI = "round(100.0 * ci_low, 1) AS ci_low, round(100.0 * ci_high, 1) AS ci_high"  # 95% Wilson, percent

CANNED: dict[str, dict[str, str]] = {
    "acceptance_by_week": {
        "title": "Acceptance per model and week",
        "sql": f"SELECT config_label AS model_config, release_week, accepted, attempts, {PERCENT}, {CI} "
               "FROM v_acceptance_model_week ORDER BY release_week, config_label",
    },
    "contest_matrix": {
        "title": "Accepted / attempts per model and contest",
        "sql": f"SELECT config_label AS model_config, contest, contest_start, accepted, attempts, {PERCENT}, {CI} "
               "FROM v_acceptance_model_contest ORDER BY contest_start, config_label",
    },
    "by_difficulty": {
        "title": "Acceptance per model and difficulty",
        "sql": f"SELECT config_label AS model_config, difficulty, accepted, attempts, {PERCENT}, {CI} "
               "FROM v_acceptance_difficulty ORDER BY config_label, difficulty",
    },
    "contamination": {
        "title": "Before / after each model's training cutoff",
        "sql": "SELECT config_label AS model_config, training_cutoff, CASE after_cutoff WHEN 1 THEN 'after' "
               f"ELSE 'before' END AS side, accepted, attempts, {PERCENT}, {CI} FROM v_contamination "
               "ORDER BY config_label, after_cutoff",
    },
    "verdict_mix": {
        "title": "Results per model and week (verdicts, no code, truncated)",
        "sql": "SELECT config_label AS model_config, release_week, result, n FROM v_verdict_mix "
               "ORDER BY release_week, config_label, n DESC",
    },
    "usage": {
        "title": "Latency and token usage per model and week",
        "sql": "SELECT config_label AS model_config, release_week, generations, "
               "round(avg_latency_ms) AS avg_latency_ms, prompt_tokens, completion_tokens, "
               "round(avg_completion_tokens) AS avg_completion_tokens, truncated FROM v_usage "
               "ORDER BY release_week, config_label",
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


# Tables without test inputs, expected outputs or reference solutions. Denied:
# test_case (inputs, expected outputs), judgement (the first failing test's input
# and expected output), leetcode_judgement (LeetCode's last test and its expected
# output), problem_version (reference solutions), alembic_version, the scheduler's
# jobs, and any table not named here.
PUBLIC_TABLES = frozenset({"contest", "problem", "model", "model_config", "run", "unit", "generation",
                           "result_count", "result_week_count", "test_set", "test_generation"})


def database_tables(db_path: Path) -> list[str]:
    """The tables (not views) of the SQLite file, read without writing to it."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        conn.close()


def datasette_metadata(db_name: str, tables: list[str]) -> dict[str, Any]:
    """Canned queries, a vega chart for the weekly acceptance (datasette-vega), no
    arbitrary SQL, and every table of `tables` outside PUBLIC_TABLES denied."""
    return {
        "title": "lcagent results",
        "description": "Read-only view of the lcagent results database. Views v_* have stable columns.",
        "allow_sql": False,
        "databases": {db_name: {
            "allow_sql": False,
            "queries": {name: {"title": q["title"], "sql": q["sql"]} for name, q in CANNED.items()},
            "tables": {t: {"allow": False} for t in tables if t not in PUBLIC_TABLES},
        }},
        "plugins": {"datasette-vega": {}},
    }


def datasette_command(db_path: Path, host: str, port: int, metadata_path: Path) -> list[str]:
    """The Datasette command line: read-only (`--immutable` would cache counts, so the
    file is opened normally; Datasette never writes without a write plugin), no
    arbitrary SQL, no download, the non-public tables denied (see the module)."""
    metadata_path.parent.mkdir(parents=True, exist_ok=True)
    metadata = datasette_metadata(db_path.stem, database_tables(db_path))
    metadata_path.write_text(json.dumps(metadata), encoding="utf-8")
    return ["datasette", "serve", str(db_path), "--host", host, "--port", str(port),
            "--metadata", str(metadata_path), "--setting", "sql_time_limit_ms", "5000",
            "--setting", "default_page_size", "200", "--setting", "default_allow_sql", "off",
            "--setting", "allow_download", "off"]
