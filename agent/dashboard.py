"""`lcagent query` and `lcagent dashboard` (Datasette serving the SQLite results
database read-only, with the canned queries over the dashboard views and charts).
The queries and their SQL live in storage/canned.py; this module serves them.

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
from pathlib import Path
from typing import Any

from storage.canned import (
    ATTEMPT,
    ATTEMPT_SQL,
    canned_queries,
    configuration_labels,
    database_tables,
)

# the queries themselves live in storage/canned.py; `lcagent query` and the tests reach them here too
from storage.canned import CANNED as CANNED
from storage.canned import MATRIX as MATRIX
from storage.canned import run_query as run_query

PLUGINS = Path(__file__).parent / "datasette_plugins"


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
