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
import html
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
PLUGINS = Path(__file__).parent / "datasette_plugins"

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


def run_query(engine: Engine, name: str) -> tuple[list[str], list[tuple]]:
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


def configuration_labels(db_path: Path) -> list[str]:
    """The configuration labels with results in the SQLite file (the matrix's columns)."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute(LABELS_SQL)]
    except sqlite3.Error:  # an older schema without the view: no columns yet
        return []
    finally:
        conn.close()


# The documented views, as the README describes them, first on the dashboard.
VIEWS = {
    "v_results": "one row per unit (problem x configuration x attempt): verdict, tokens, latency, test basis",
    "v_acceptance_model_week": "acceptance per configuration and release week, with the 95% Wilson interval",
    "v_acceptance_model_contest": "acceptance per configuration and contest, with the 95% Wilson interval",
    "v_acceptance_difficulty": "acceptance per configuration and difficulty, with the 95% Wilson interval",
    "v_contamination": "before / after each model's training cutoff, with the 95% Wilson interval",
    "v_problem_model": "acceptance per problem and configuration",
    "v_verdict_mix": "results per configuration and week: verdicts, no code, truncated",
    "v_usage": "generations, latency and tokens per configuration and week",
    "v_leetcode_agreement": "local and LeetCode verdicts of the same generations",
}
# datasette-vega charts, as the plugin reads them from the page's fragment
CHARTS = {
    "acceptance_by_week": {"mark": "line", "x_column": "release_week", "x_type": "ordinal",
                           "y_column": "percent", "y_type": "quantitative", "color_column": "model_config"},
    "contest_matrix": {"mark": "bar", "x_column": "contest", "x_type": "ordinal", "y_column": "percent",
                       "y_type": "quantitative", "color_column": "model_config"},
}


def chart_fragment(name: str) -> str:
    return "#" + "&".join(f"g.{k}={v}" for k, v in CHARTS[name].items())


def home_html(db_name: str, queries: dict[str, dict[str, str]]) -> str:
    """What the home and database pages lead with: the canned queries (with their
    charts) and the documented views; the tables come after, as Datasette lists them."""
    def link(path: str, text: str) -> str:
        return f'<a href="/{html.escape(db_name)}/{html.escape(path)}">{html.escape(text)}</a>'

    items = [f"<li>{link(name, q['title'])}"
             + (f" ({link(name + chart_fragment(name), 'chart')})" if name in CHARTS else "") + "</li>"
             for name, q in queries.items()]
    views = [f"<li>{link(name, name)}: {html.escape(text)}</li>" for name, text in VIEWS.items()]
    return ('<div id="lcagent-home"><h2>Canned queries</h2><ul>' + "".join(items) + "</ul>"
            "<h2>Views (stable columns)</h2><ul>" + "".join(views) + "</ul>"
            "<p>Each configuration is a row of its own (<code>config_label</code>: the name, or "
            "<code>name#hash</code> when a name has several configurations). Hidden tests and their expected "
            "outputs are not served here.</p></div>")


def datasette_metadata(db_name: str, tables: list[str], labels: list[str] | None = None) -> dict[str, Any]:
    """Canned queries (with the problem x model matrix over `labels`), the home page
    leading with them and the views, vega charts (datasette-vega), no arbitrary SQL,
    and every table of `tables` outside PUBLIC_TABLES denied."""
    queries = canned_queries(labels or [])
    attempt = {"title": "One attempt: statement, prompt, answer, code, verdict (v_results' unit_id links here)",
               "sql": ATTEMPT_SQL}
    return {
        "title": "lcagent results",
        "description_html": home_html(db_name, queries),
        "allow_sql": False,
        "databases": {db_name: {
            "description_html": home_html(db_name, queries),
            "allow_sql": False,
            "queries": {**{name: {"title": q["title"], "sql": q["sql"]} for name, q in queries.items()},
                        ATTEMPT: attempt},
            "tables": {t: {"allow": False} for t in tables if t not in PUBLIC_TABLES},
        }},
        "plugins": {"datasette-vega": {}},
    }


def datasette_command(db_path: Path, host: str, port: int, metadata_path: Path) -> list[str]:
    """The Datasette command line: read-only (`--immutable` would cache counts, so the
    file is opened normally; Datasette never writes without a write plugin), no
    arbitrary SQL, no download, the non-public tables denied (see the module)."""
    metadata_path.parent.mkdir(parents=True, exist_ok=True)
    metadata = datasette_metadata(db_path.stem, database_tables(db_path), configuration_labels(db_path))
    metadata_path.write_text(json.dumps(metadata), encoding="utf-8")
    return ["datasette", "serve", str(db_path), "--host", host, "--port", str(port),
            "--metadata", str(metadata_path), "--setting", "sql_time_limit_ms", "5000",
            "--setting", "default_page_size", "200", "--setting", "default_allow_sql", "off",
            "--setting", "allow_download", "off", "--plugins-dir", str(PLUGINS)]
