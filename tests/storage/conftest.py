"""Fixtures for the results-database suite: every test runs on a fresh SQLite file
and on a fresh database of a real PostgreSQL server (`make test` starts one with
scripts/ensure-postgres.sh and exports LCAGENT_TEST_POSTGRES_URL)."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import sqlite3
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import storage
from judge.problem import Limits, Problem, parse_problem
from judge.verdict import Failure, JudgeResult, TestOutcome, Verdict
from storage.engine import session_scope
from storage.models import Generation, Judgement, Outcome, ResultCount, Unit
from storage.models import Problem as ProblemRow

POSTGRES_ENV = "LCAGENT_TEST_POSTGRES_URL"


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: the storage suite runs on PostgreSQL too. "
            "Run `make test`, or `export "
            f"{POSTGRES_ENV}=$(scripts/ensure-postgres.sh)` before pytest.",
            pytrace=False,
        )
    return url


def _admin_engine(server_url: str) -> Engine:
    admin = make_url(server_url).set(database="postgres")
    return sa.create_engine(admin, isolation_level="AUTOCOMMIT")


def create_postgres_database(server_url: str, template: str | None = None) -> str:
    name = f"lcagent_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(server_url)
    try:
        with admin.connect() as conn:
            copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    admin = _admin_engine(server_url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database (no tables): a SQLite file under tmp_path, or a new
    database on the test PostgreSQL server, dropped afterwards. When the test also
    uses `engine`, the fresh database starts as a copy of a migrated template
    (migrating every test's database from scratch would dominate the suite's time;
    test_migrations migrates empty databases explicitly)."""
    templates: _Templates | None = (
        request.getfixturevalue("_templates") if "engine" in request.fixturenames else None)
    if request.param == "sqlite":
        path = tmp_path / "results.sqlite3"
        if templates is not None:
            shutil.copyfile(templates.sqlite_template(), path)
        yield sqlite_url(path)
        return
    server = postgres_server_url()
    template = None if templates is None else make_url(templates.postgres_template(server)).database
    url = create_postgres_database(server, template=template)
    try:
        yield url
    finally:
        drop_postgres_database(server, url)


class _Templates:
    """One database per backend and test session, migrated by storage.open_database;
    tests that want a migrated database get a copy."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.sqlite: Path | None = None
        self.postgres: str | None = None

    def sqlite_template(self) -> Path:
        if self.sqlite is None:
            path = self.directory / "template.sqlite3"
            storage.open_database(sqlite_url(path)).dispose()
            conn = sqlite3.connect(path)  # fold the WAL into the file before copying it
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            self.sqlite = path
        return self.sqlite

    def postgres_template(self, server: str) -> str:
        if self.postgres is None:
            url = create_postgres_database(server)
            try:
                storage.open_database(url).dispose()
            except BaseException:
                drop_postgres_database(server, url)
                raise
            self.postgres = url
        return self.postgres

    def drop(self) -> None:
        if self.postgres is not None:
            drop_postgres_database(postgres_server_url(), self.postgres)


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """storage.open_database(db_url): the database at the newest schema."""
    eng = storage.open_database(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture(scope="session")
def process_pool() -> Iterator[ProcessPoolExecutor]:
    """Spawned OS processes, started once (an interpreter importing sqlalchemy,
    alembic and pydantic takes a second or two on a small machine)."""
    with ProcessPoolExecutor(max_workers=3, mp_context=mp.get_context("spawn")) as pool:
        yield pool


def start_line(directory: str, name: str, timeout_s: float = 30) -> None:
    """Worker side: say "ready", then wait for the start signal (see `start_together`)."""
    Path(directory, f"ready-{name}").touch()
    deadline = time.monotonic() + timeout_s
    while not Path(directory, "go").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("no start signal")
        time.sleep(0.001)


def start_together(pool: ProcessPoolExecutor, directory: Path,
                   jobs: list[tuple[Callable[..., Any], tuple]], timeout_s: float = 60) -> list[Any]:
    """Run jobs in separate pool processes, all starting at the same instant; each job
    is called as fn(*args, start_dir, name) and must call start_line(start_dir, name)."""
    directory.mkdir(parents=True, exist_ok=True)
    futures = [pool.submit(fn, *args, str(directory), f"job{i}") for i, (fn, args) in enumerate(jobs)]
    try:
        deadline = time.monotonic() + timeout_s
        while len(list(directory.glob("ready-*"))) < len(jobs):
            done = [f for f in futures if f.done()]
            for f in done:
                f.result()  # a job that failed before its start line: raise its error
            assert time.monotonic() < deadline, "the workers did not get ready"
            time.sleep(0.005)
    finally:
        (directory / "go").touch()
    return [f.result(timeout=timeout_s) for f in futures]


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for `lcagent` commands run through typer's CliRunner: the test's
    database, data under tmp_path, no lcagent.toml picked up from the cwd."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LCAGENT_CONFIG", raising=False)
    return {
        "LCAGENT_DATABASE_URL": db_url,
        "LCAGENT_DATA_DIR": str(tmp_path / "data"),
        "LCAGENT_CACHE_DIR": str(tmp_path / "cache"),
    }


# ------------------------------------------------------------------ builders
# Plain functions (not fixtures) shared by the storage tests.

T0 = datetime(2026, 5, 3, 2, 30, tzinfo=UTC)  # a Sunday: ISO week 2026-W18


def make_problem(
    slug: str,
    *,
    statement: str = "Add two integers.",
    tests: list[tuple[str, Any]] | None = None,
    contest: dict | None = None,
    release_time: datetime | None = None,
    difficulty: str | None = "Easy",
    meta: dict | None = None,
    limits: dict | None = None,
) -> Problem:
    """A small function problem (`add(a, b) -> int`); contest, when given, also sets
    the release time, as the LeetCode source does."""
    doc: dict[str, Any] = {
        "slug": slug,
        "frontend_id": str(zlib.crc32(slug.encode()) % 10_000),
        "title": slug.replace("-", " ").title(),
        "source": {"kind": "leetcode", "site": "leetcode.com",
                   "url": f"https://leetcode.com/problems/{slug}/"},
        "difficulty": difficulty,
        "tags": ["Math"],
        "statement": statement,
        "starter_code": "class Solution:\n    def add(self, a: int, b: int) -> int:\n",
        "signature": {"kind": "function", "name": "add",
                      "params": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
                      "return": "integer", "output_param": None},
        "tests": [{"input": i, "expected": e, "source": "example"}
                  for i, e in (tests or [("1\n2", 3), ("-1\n1", 0)])],
        "meta": meta or {},
        "reference_solution": "class Solution:\n    def add(self, a, b):\n        return a + b\n",
    }
    if contest is not None:
        doc["contest"] = contest
        doc["release_time"] = contest["start_time"]
        doc["release_time_source"] = "contest"
    elif release_time is not None:
        doc["release_time"] = release_time
        doc["release_time_source"] = "estimated"
    if limits:
        doc["limits"] = limits
    return parse_problem(doc, slug)


def contest_doc(number: int, start: datetime, *, biweekly: bool = False, points: int = 4) -> dict:
    kind = "biweekly-contest" if biweekly else "weekly-contest"
    return {"slug": f"{kind}-{number}", "title": f"{kind.replace('-', ' ').title()} {number}",
            "start_time": start, "duration_s": 5400, "points": points}


def judge_result(verdict: Verdict, *, total: int = 2, test_set_version: str = "",
                 judge_image: str = "lcagent-judge:test") -> JudgeResult:
    """A real JudgeResult as judge.verdict.decide would build it (no Docker)."""
    ok = verdict is Verdict.ACCEPTED
    passed = total if ok else max(0, total - 1)
    statuses = ["AC"] * passed + ([] if ok else ["WA"]) + ["not run"] * max(0, total - passed - 1)
    failure = None if ok else Failure(test=passed, input="1\n2", expected=3, got=4, message=str(verdict))
    return JudgeResult(
        verdict=verdict, passed=passed, total=total, first_failure=failure, runtime_ms=12.5,
        memory_kb=20_480, judge_image=judge_image, test_set_version=test_set_version,
        limits=Limits(), tests=[TestOutcome(status=s, cpu_ms=1.0) for s in statuses[:total]],
    )


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the schema."""
    with engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables}


def stored_result_counts(session: Session) -> dict[tuple[int, int, str], int]:
    """The rollup table, without rows that dropped back to zero."""
    rows = session.execute(sa.select(ResultCount.model_config_id, ResultCount.problem_id,
                                     ResultCount.result, ResultCount.n)).all()
    return {(c, p, r): n for c, p, r, n in rows if n != 0}


def recomputed_result_counts(session: Session) -> dict[tuple[int, int, str], int]:
    """What result_count must hold, recomputed from the base rows: every generation
    that never reached the judge counts its outcome, every current judgement its
    verdict."""
    counts: Counter[tuple[int, int, str]] = Counter()
    gens = session.execute(
        sa.select(Generation.model_config_id, Unit.problem_id, Generation.outcome)
        .join(Unit, Unit.id == Generation.unit_id)
        .where(Generation.outcome != Outcome.CODE)).all()
    for config_id, problem_id, outcome in gens:
        counts[(config_id, problem_id, str(outcome))] += 1
    judged = session.execute(
        sa.select(Generation.model_config_id, Unit.problem_id, Judgement.verdict)
        .join(Generation, Generation.id == Judgement.generation_id)
        .join(Unit, Unit.id == Generation.unit_id)
        .where(Judgement.is_current)).all()
    for config_id, problem_id, verdict in judged:
        counts[(config_id, problem_id, str(verdict))] += 1
    return dict(counts)


def week_rollups(session: Session) -> tuple[dict, dict] | None:
    """(stored, recomputed) for the per-week rollup, when the schema has one: the
    results of result_count summed over each problem's ISO release week ("" when
    the problem has no release time)."""
    table = SQLModel.metadata.tables.get("result_week_count")
    if table is None:
        return None
    rows = session.execute(sa.select(table.c.model_config_id, table.c.release_week, table.c.result,
                                     table.c.n)).all()
    stored = {(c, w, r): n for c, w, r, n in rows if n != 0}
    weeks = dict(session.execute(sa.select(ProblemRow.id, ProblemRow.release_week)).all())
    recomputed: Counter[tuple[int, str, str]] = Counter()
    for (config_id, problem_id, result), n in recomputed_result_counts(session).items():
        recomputed[(config_id, weeks[problem_id] or "", result)] += n
    return stored, dict(recomputed)


def rollup_differences(session: Session) -> list[str]:
    """Every rollup table against a recomputation from the base rows."""
    problems = []
    stored, recomputed = stored_result_counts(session), recomputed_result_counts(session)
    if stored != recomputed:
        problems.append(f"result_count {stored} != recomputed {recomputed}")
    weekly = week_rollups(session)
    if weekly is not None and weekly[0] != weekly[1]:
        problems.append(f"result_week_count {weekly[0]} != recomputed {weekly[1]}")
    for table in (SQLModel.metadata.tables.get(name) for name in ("result_count", "result_week_count")):
        if table is not None:
            negative = session.execute(sa.select(table).where(table.c.n < 0)).all()
            if negative:
                problems.append(f"negative counts in {table.name}: {negative}")
    return problems


def assert_rollup_consistent(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert rollup_differences(session) == []
