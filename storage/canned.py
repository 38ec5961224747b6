"""The canned queries over the dashboard views (`lcagent query`, `lcagent dashboard`):
their names, titles and SQL, the problem x model matrix built over the stored
configuration labels, the attempt page's query, and the reads of the SQLite file
the dashboard serves (its tables, its labels), which open it read-only.

The views (v_*) these queries read are created by the migrations; agent/dashboard.py
serves these queries and decides what Datasette may show."""

from __future__ import annotations

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


# The dashboard's page of one attempt (SQLite: Datasette only, not `lcagent query`):
# what the model saw and answered and its verdict, with the failing test's number
# (from 1) and message but not its input or expected output, which stay hidden.
ATTEMPT = "attempt"
ATTEMPT_SQL = """SELECT u.id AS unit_id, g.id AS generation_id, mc.name AS model_config, mc.config_hash,
  p.slug AS problem, p.title, u.attempt, u.state, COALESCE(j.verdict, g.outcome) AS result, j.passed, j.total,
  json_extract(j.first_failure, '$.test') + 1 AS failing_test, json_extract(j.first_failure, '$.message') AS message,
  ts.version AS test_set, ts.basis AS test_basis, g.extracted_code, g.content AS answer, g.reasoning,
  g.prompt, COALESCE(pv.statement, cur.statement) AS statement, g.finish_reason, g.completion_tokens, g.latency_ms
FROM unit u JOIN model_config mc ON mc.id = u.model_config_id JOIN problem p ON p.id = u.problem_id
LEFT JOIN generation g ON g.unit_id = u.id
LEFT JOIN problem_version pv ON pv.id = g.problem_version_id
LEFT JOIN problem_version cur ON cur.problem_id = p.id AND cur.is_current
LEFT JOIN judgement j ON j.generation_id = g.id AND j.is_current
LEFT JOIN test_set ts ON ts.id = j.test_set_id
WHERE u.id = :unit_id"""

MATRIX = "problem_matrix"
MATRIX_TITLE = "Problem x model matrix: accepted / attempts per problem and configuration"
LABELS_SQL = "SELECT DISTINCT config_label FROM v_problem_model ORDER BY config_label"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def problem_matrix_sql(labels: list[str]) -> str:
    """One row per problem, one column per configuration label (`accepted/attempts`):
    SQL has no dynamic pivot, so the columns are the labels stored when it is built."""
    cells = "".join(f", MAX(CASE WHEN config_label = {_literal(label)} THEN accepted || '/' || attempts END) "
                    f"AS {_identifier(label)}" for label in labels)
    return (f"SELECT problem, contest, difficulty{cells} FROM v_problem_model "
            "GROUP BY problem, contest, contest_start, difficulty, release_time ORDER BY release_time, problem")


def canned_queries(labels: list[str]) -> dict[str, dict[str, str]]:
    """CANNED, and the problem x model matrix over these configuration labels."""
    return {**CANNED, MATRIX: {"title": MATRIX_TITLE, "sql": problem_matrix_sql(labels)}}


def run_query(engine: Engine, name: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(columns, rows) of a canned query or the problem x model matrix (ValueError
    for an unknown name)."""
    known = [*CANNED, MATRIX]
    if name not in known:
        raise ValueError(f"unknown query {name!r} (known: {', '.join(known)})")
    with engine.connect() as conn:
        sql = CANNED[name]["sql"] if name in CANNED else problem_matrix_sql(
            [r[0] for r in conn.execute(sa.text(LABELS_SQL)).all()])
        result = conn.execute(sa.text(sql))
        # PostgreSQL returns numeric as Decimal: plain numbers, as SQLite does
        return list(result.keys()), [tuple(float(v) if isinstance(v, Decimal) else v for v in r)
                                     for r in result.all()]


def database_tables(db_path: Path) -> list[str]:
    """The tables (not views) of the SQLite file, read without writing to it."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        conn.close()


def configuration_labels(db_path: Path) -> list[str]:
    """The configuration labels with results in the SQLite file (the matrix's columns)."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute(LABELS_SQL)]
    except sqlite3.Error:  # an older schema without the view: no columns yet
        return []
    finally:
        conn.close()
