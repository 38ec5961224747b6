"""The dashboard does not hand hidden tests' expected outputs to whoever reaches it.

A copy of the paper's database gets a marker string in every place an expected
output (or what computes one) is stored: a hidden test's `test_case.expected`,
a judgement's first failing test, LeetCode's judgement detail, a reference
solution. `lcagent dashboard` then runs for real (Datasette on a free loopback
port) and is asked for the marker every way Datasette offers: each table's
HTML, JSON, CSV and row pages (names in any case, foreign keys expanded),
arbitrary SQL (`?sql=` on the database, JSON and CSV), `?_where=` on a view,
the canned queries, and every page linked from the home page two levels deep.
No answer may contain the marker. A control run of plain `datasette serve` on the
same file finds it through the same probes, so the probes can see a leak.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from agent.dashboard import CANNED, PUBLIC_TABLES
from tests.reports.test_browser import free_port, lcagent_env, serving

pytestmark = pytest.mark.integration

SECRET = "LCAGENTSECRETEXPECTED7d1f"
DENIED = ["test_case", "judgement", "leetcode_judgement", "problem_version", "alembic_version"]


def plant_secrets(db: Path) -> None:
    """The marker in every column that holds a hidden test's expected output."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("UPDATE test_case SET expected = ? WHERE source = 'official'", (json.dumps(SECRET),))
            conn.execute("UPDATE judgement SET first_failure = ? WHERE first_failure IS NOT NULL",
                         (json.dumps({"test": 5, "input": "5\n6", "expected": SECRET, "got": 12}),))
            conn.execute("UPDATE problem_version SET reference_solution = ?", (f"# returns {SECRET}\n",))
            generation = conn.execute("SELECT min(id) FROM generation").fetchone()[0]
            conn.execute(
                "INSERT INTO leetcode_judgement (generation_id, state, site, question_id, verdict, detail, tries, "
                "created_at) VALUES (?, 'judged', 'leetcode.com', '1', 'Wrong Answer', ?, 1, '2026-06-01 00:00:00')",
                (generation, json.dumps({"last_testcase": "5\n6", "expected_output": SECRET})))
        # the marker is there to be found: the probes below could see a leak
        for table, column in (("test_case", "expected"), ("judgement", "first_failure"),
                              ("leetcode_judgement", "detail"), ("problem_version", "reference_solution")):
            n = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} LIKE ?", (f"%{SECRET}%",)).fetchone()[0]
            assert n > 0, table
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def failed_units(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(
            "SELECT g.unit_id FROM judgement j JOIN generation g ON g.id = j.generation_id "
            "WHERE j.first_failure IS NOT NULL AND j.is_current")]
    finally:
        conn.close()


def tables_and_views(db: Path) -> tuple[list[str], list[str]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
    finally:
        conn.close()
    return sorted(n for t, n in rows if t == "table"), sorted(n for t, n in rows if t == "view")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v for k, v in attrs if k == "href" and v]


def links(base: str, page_url: str, body: str) -> list[str]:
    parser = _Links()
    parser.feed(body)
    out = []
    for href in parser.hrefs:
        url = urllib.parse.urljoin(page_url, href)
        if urlsplit(url).netloc == urlsplit(base).netloc:
            out.append(url.split("#", 1)[0])
    return out


def probe_urls(base: str, db: str, tables: list[str], views: list[str]) -> list[str]:
    """Every way to ask Datasette for a table's rows or for the result of some SQL."""
    urls = []
    for name in [*tables, *views]:
        for suffix in ("", ".json", ".json?_shape=array&_labels=on", ".csv?_stream=1", "/1.json"):
            urls.append(f"{base}/{db}/{urllib.parse.quote(name)}{suffix}")
    for name in DENIED:
        urls += [f"{base}/{db}/{name.upper()}.json", f"{base}/{db}/{name}/1"]
    urls += [f"{base}/{db}/test_case?_facet=expected", f"{base}/{db}/test_case.json?_col=expected"]
    for sql in SQL:
        q = urllib.parse.urlencode({"sql": sql})
        urls += [f"{base}/{db}?{q}", f"{base}/{db}.json?{q}&_shape=array", f"{base}/{db}.csv?{q}"]
    urls.append(f"{base}/{db}/v_results.json?{WHERE}")
    urls += [f"{base}/{db}/{name}{suffix}" for name in CANNED for suffix in ("", ".json")]
    urls += [f"{base}/{db}.db", f"{base}/-/metadata.json", f"{base}/-/databases.json", f"{base}/{db}.json"]
    return urls


SQL = ["SELECT expected FROM test_case", "SELECT first_failure FROM judgement", "SELECT detail FROM leetcode_judgement",
       "SELECT reference_solution FROM problem_version"]
# a boolean oracle: rows come back only while some expected output is like the guess
WHERE = urllib.parse.urlencode({"_where": f"EXISTS (SELECT 1 FROM test_case WHERE expected LIKE '%{SECRET[:8]}%')",
                                "_shape": "array"})


def crawl(base: str, start: list[str], depth: int, limit: int = 150) -> dict[str, tuple[int, str]]:
    """Pages reachable from `start` by links on the dashboard itself (no `?sql=`)."""
    seen: dict[str, tuple[int, str]] = {}
    frontier = list(start)
    for _ in range(depth + 1):
        following: list[str] = []
        for url in frontier:
            if url in seen or len(seen) >= limit:
                continue
            seen[url] = fetch(url)
            status, body = seen[url]
            if status == 200 and "sql=" not in url:
                following += links(base, url, body)
        frontier = following
    return seen


@pytest.fixture(scope="module")
def secret_db(tmp_path_factory: pytest.TempPathFactory, paper_sqlite_template: Path) -> Path:
    folder = tmp_path_factory.mktemp("exposure")
    db = folder / "paper.sqlite3"
    db.write_bytes(paper_sqlite_template.read_bytes())
    plant_secrets(db)
    return db


def test_the_dashboard_serves_no_expected_output(secret_db: Path) -> None:
    folder = secret_db.parent / "dashboard"
    folder.mkdir()
    port = free_port()
    lcagent = str(Path(sys.executable).with_name("lcagent"))
    tables, views = tables_and_views(secret_db)
    assert set(DENIED) <= set(tables) and "v_results" in views
    with serving([lcagent, "dashboard", "--host", "127.0.0.1", "--port", str(port)],
                 lcagent_env(secret_db, folder / "data"), folder, folder / "dashboard.log", port) as base:
        answers = {url: fetch(url) for url in probe_urls(base, "paper", tables, views)}
        for unit_id in failed_units(secret_db):  # the attempt pages of every failure (its first failing test)
            answers.update({url: fetch(url) for url in (f"{base}/paper/attempt?unit_id={unit_id}",
                                                        f"{base}/paper/attempt.json?unit_id={unit_id}")})
        answers.update(crawl(base, [f"{base}/", f"{base}/paper"], depth=2))
        leaks = [url for url, (_, body) in answers.items() if SECRET in body]
        assert leaks == [], f"the marker was served at {leaks[:10]}"
        # what is denied says so, and what is public still works
        for name in DENIED:
            assert answers[f"{base}/paper/{name}.json"][0] == 403, name
            assert answers[f"{base}/paper/{name.upper()}.json"][0] in (403, 404), name
        assert all(t in PUBLIC_TABLES or answers[f"{base}/paper/{t}"][0] == 403 for t in tables)
        sql = urllib.parse.urlencode({"sql": "SELECT expected FROM test_case"})
        assert answers[f"{base}/paper.json?{sql}&_shape=array"][0] == 403
        assert answers[f"{base}/paper/v_results.json?{WHERE}"][0] == 403
        for view in views:
            assert answers[f"{base}/paper/{view}.json"][0] == 200, view
        for name in CANNED:
            assert answers[f"{base}/paper/{name}.json"][0] == 200, name
        unit_id = failed_units(secret_db)[0]
        status, body = answers[f"{base}/paper/attempt.json?unit_id={unit_id}"]
        assert status == 200 and '"failing_test"' in body and '"extracted_code"' in body  # the attempt is there
        status, body = answers[f"{base}/paper/v_results.json?_shape=array&_labels=on"]
        assert status == 200 and len(json.loads(body)) == 200  # a page of units
        assert answers[f"{base}/paper/unit.json"][0] == 200  # a public table


def test_plain_datasette_would_leak_through_the_same_probes(secret_db: Path) -> None:
    """The control: the same probes against Datasette without lcagent's settings
    find the marker in each place it was planted."""
    folder = secret_db.parent / "plain"
    folder.mkdir()
    port = free_port()
    datasette = str(Path(sys.executable).with_name("datasette"))
    probes = [f"/paper/{name}.json" for name in DENIED[:4]]
    probes += ["/paper.json?" + urllib.parse.urlencode({"sql": sql}) for sql in SQL]
    with serving([datasette, "serve", str(secret_db), "--host", "127.0.0.1", "--port", str(port)],
                 lcagent_env(secret_db, folder / "data"), folder, folder / "datasette.log", port) as base:
        answers = {url: fetch(base + url) for url in probes}
        status, body = fetch(f"{base}/paper/v_results.json?{WHERE}")
    assert [url for url, (_, body) in answers.items() if SECRET not in body] == []
    assert status == 200 and json.loads(body), "the ?_where= oracle answers on plain Datasette"
