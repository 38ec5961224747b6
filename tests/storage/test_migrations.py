"""Schema migrations: from an empty database to head, the migrated schema equals the
models, upgrading is idempotent, and upgrading from every earlier revision with data
in it loses nothing.

Adding a migration? When revision N stops being head, SEEDS must hold a seed for N:
a function that fills a database at revision N using that revision's own tables
(reflected, core inserts only: the models describe head, not N).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command as alembic_command
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

import storage
from agent.cli import app
from judge.verdict import Verdict
from storage import migrate, repo
from storage.engine import make_engine, session_scope
from storage.errors import IntegrityViolation
from storage.models import Generation, JSONDoc, Outcome, Unit

from .conftest import assert_rollup_consistent, judge_result, make_problem, row_counts

Rows = dict[str, list[dict[str, Any]]]


# --------------------------------------------------------------------- seeds


def _insert(conn: Connection, tables: dict[str, sa.Table], rows: Rows, table_name: str, /,
            **values: Any) -> int:
    """Insert one row with a core insert (ids from the database's own sequence, so
    later inserts by the access layer do not collide); remember it with its id."""
    table = _json_aware(tables[table_name])  # JSON is TEXT on SQLite since 0005: bind as the models do
    for column, fill in _FILL.get(table_name, {}).items():  # columns later revisions added
        if column in table.c and column not in values:
            values[column] = fill(values)
    result = conn.execute(table.insert().values(**values))
    stored = dict(values)
    row_id = None
    if "id" in table.c:
        row_id = stored["id"] = result.inserted_primary_key[0]
    rows.setdefault(table_name, []).append(stored)
    return row_id  # type: ignore[return-value]


def _json_aware(table: sa.Table) -> sa.Table:
    """The reflected table, but JSON columns typed as the models type them (TEXT on
    SQLite since revision 0005); everything else raw, so CHECKs are the database's."""
    model = SQLModel.metadata.tables[table.name]
    columns = [sa.Column(c.name, JSONDoc() if isinstance(model.c[c.name].type, JSONDoc) else c.type,
                         primary_key=c.primary_key) for c in table.c]
    return sa.Table(table.name, sa.MetaData(), *columns)


def _decoded(table: str, column: str, value: Any) -> Any:
    """A raw stored value as the models read it (JSON is text in SQLite since 0005)."""
    model_table = SQLModel.metadata.tables.get(table)
    if model_table is not None and column in model_table.c and isinstance(model_table.c[column].type, JSONDoc) \
            and isinstance(value, str):
        return json.loads(value)
    return value


# Values for NOT NULL columns that later revisions added without a default, so the
# older seeds also run at those revisions: {table: {column: values -> value}}.
_FILL: dict[str, dict[str, Callable[[dict], Any]]] = {
    "problem_version": {"is_current": lambda v: v["version"] == 2},  # 0004: seed_0001 stores 2 versions
    # 0006: how a test set came to be (seed_0001's sets are examples a source delivered)
    "test_set": {"kind": lambda v: "source", "basis": lambda v: "examples", "origin": lambda v: {}},
}


def seed_0001(conn: Connection) -> Rows:
    """Every table of revision 0001, with a problem in two versions, a test set that
    was replaced, a generation re-judged (history), and one that never had code."""
    md = sa.MetaData()
    md.reflect(conn)
    t = md.tables
    rows: Rows = {}
    start = datetime(2026, 5, 3, 2, 30)  # naive UTC, as revision 0001 stores it
    later = datetime(2026, 5, 4, 9, 15, 30, 123456)

    contest = _insert(conn, t, rows, "contest", site="leetcode.com", slug="weekly-contest-450",
                      title="Weekly Contest 450", kind="weekly", start_time=start, duration_s=5400,
                      created_at=later)
    model = _insert(conn, t, rows, "model", name="seed-model", served_id="org/seed-coder-7b",
                    endpoints=["http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1"],
                    training_cutoff=date(2025, 12, 31), created_at=later)
    run = _insert(conn, t, rows, "run", kind="cycle", status="done", host="seed-host",
                  settings={"judge": {"parallelism": 4}}, started_at=later, finished_at=later,
                  note="seeded")
    config = _insert(conn, t, rows, "model_config", model_id=model, name="seed-greedy",
                     config_hash="0123456789abcdef",
                     sampling={"temperature": 0.0, "max_tokens": 4096, "stop": ["```\n"]},
                     prompt_template="default", prompt_template_version="v1", attempts=2,
                     created_at=later)
    problem = _insert(conn, t, rows, "problem", site="leetcode.com", slug="seed-add",
                      frontend_id="3500", backend_id="3800", title="Seed Add", difficulty="Medium",
                      tags=["Math", "Array"], contest_id=contest, points=4, release_time=start,
                      release_week="2026-W18", release_time_source="contest", source_kind="leetcode",
                      source={"kind": "leetcode", "site": "leetcode.com",
                              "url": "https://leetcode.com/problems/seed-add/", "dataset": None},
                      meta={"likes": 10, "unicode": "été ✓"}, created_at=later, updated_at=later)
    signature = {"kind": "function", "name": "add",
                 "params": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
                 "return": "integer", "output_param": None}
    versions = []
    for v, statement in ((1, "Add a and b."), (2, "Return a + b.\n\n**Note**: `ints` only.")):
        versions.append(_insert(conn, t, rows, "problem_version", problem_id=problem, version=v,
                                content_hash=f"hash-v{v}", statement=statement,
                                starter_code="class Solution:\n    def add(self, a: int, b: int) -> int:\n",
                                signature=signature, reference_solution="return a + b",
                                created_at=later))
    checker = {"kind": "exact", "tolerance": 1e-05, "depth": 1, "name": None}
    limits = {"time_ms": 10000, "total_time_ms": 120000, "memory_mb": 1024}
    test_sets = []
    for version, current, cases in (("old-tests", False, [("1\n2", 3)]),
                                    ("new-tests", True, [("1\n2", 3), ("-5\n5", 0), ("7\n-9", -2)])):
        ts = _insert(conn, t, rows, "test_set", problem_id=problem, version=version, checker=checker,
                     limits=limits, n_tests=len(cases), provenance={"example": len(cases)},
                     is_current=current, created_at=later)
        test_sets.append(ts)
        for i, (inp, expected) in enumerate(cases):
            _insert(conn, t, rows, "test_case", test_set_id=ts, idx=i, input=inp, expected=expected,
                    source="example", comparable=True, note="from the statement" if i == 0 else None)
    units = [_insert(conn, t, rows, "unit", problem_id=problem, model_config_id=config, attempt=a,
                     state="judged", tries=a - 1, last_error="endpoint timeout" if a == 2 else None,
                     claim_token=None, claimed_at=later, next_attempt_at=None, run_id=run,
                     created_at=later, updated_at=later)
             for a in (1, 2)]
    common = {"model_config_id": config, "problem_version_id": versions[1], "run_id": run,
              "endpoint": "http://127.0.0.1:8000/v1", "served_model": "org/seed-coder-7b",
              "sampling": {"temperature": 0.0}, "prompt_template_version": "v1",
              "prompt": [{"role": "user", "content": "Solve it"}], "created_at": later}
    gen = _insert(conn, t, rows, "generation", unit_id=units[0], **common,
                  raw_response={"choices": [{"message": {"content": "```python\n...```"}}]},
                  content="```python\nclass Solution: ...\n```", reasoning="think",
                  extracted_code="class Solution: ...", outcome="code", finish_reason="stop",
                  prompt_tokens=120, completion_tokens=80, latency_ms=1234.5)
    _insert(conn, t, rows, "generation", unit_id=units[1], **common,
            raw_response={"choices": []}, content="I cannot", reasoning=None, extracted_code=None,
            outcome="no code", finish_reason="stop", prompt_tokens=120, completion_tokens=3,
            latency_ms=99.0)
    for ts, verdict, current in ((test_sets[0], "Wrong Answer", False), (test_sets[1], "Accepted", True)):
        _insert(conn, t, rows, "judgement", generation_id=gen, test_set_id=ts, verdict=verdict,
                passed=3 if current else 0, total=3 if current else 1, per_test=["AC" if current else "WA"],
                first_failure=None if current else {"test": 0, "input": "1\n2", "expected": 3, "got": 4},
                runtime_ms=15.25, memory_kb=30000, judge_image="lcagent-judge:abc",
                limits=limits, is_current=current, run_id=run, created_at=later)
    for result in ("Accepted", "no code"):
        _insert(conn, t, rows, "result_count", model_config_id=config, problem_id=problem,
                result=result, n=1)
    return rows


def seed_0003(conn: Connection) -> Rows:
    """0001's rows, and the per-week rollup that 0003 added, in step with result_count."""
    rows = seed_0001(conn)
    md = sa.MetaData()
    md.reflect(conn, only=["result_week_count"])
    week = rows["problem"][0]["release_week"]
    for rc in rows["result_count"]:
        _insert(conn, md.tables, rows, "result_week_count", model_config_id=rc["model_config_id"],
                release_week=week, result=rc["result"], n=rc["n"])
    return rows


def seed_0006(conn: Connection) -> Rows:
    """0003's rows (test sets with 0006's provenance columns filled), hidden tests
    generated for the problem, and LeetCode's own verdict on the judged generation."""
    rows = seed_0003(conn)
    md = sa.MetaData()
    md.reflect(conn, only=["test_generation", "leetcode_judgement"])
    later = datetime(2026, 5, 5, 10, 0)
    problem = rows["problem"][0]["id"]
    current = next(ts["id"] for ts in rows["test_set"] if ts["is_current"])
    _insert(conn, md.tables, rows, "test_generation", problem_id=problem, oracle="leetcode", seed=7, count=40,
            state="done", test_set_id=current, reason=None, tries=1, next_attempt_at=None,
            stats={"generated": 40, "valid": 38, "oracle_calls": 4}, run_id=rows["run"][0]["id"],
            created_at=later, updated_at=later)
    code = next(g for g in rows["generation"] if g["outcome"] == "code")
    _insert(conn, md.tables, rows, "leetcode_judgement", generation_id=code["id"], state="judged",
            site="leetcode.com", question_id="3800", submission_id="1234567", verdict="Accepted",
            status_code=10, status_msg="Accepted", passed=100, total=100, runtime_ms=40.0, memory_kb=17000,
            detail={"lang": "python3"}, tries=1, error=None, submitted_at=later, judged_at=later,
            run_id=rows["run"][0]["id"], created_at=later)
    return rows


SEEDS: dict[str, Callable[[Connection], Rows]] = {
    "0001": seed_0001,
    "0002": seed_0001,  # 0002 added views only: the tables, and so the seed, are 0001's
    "0003": seed_0003,
    "0004": seed_0003,  # 0004 added problem_version.is_current (filled by _FILL)
    "0005": seed_0003,  # 0005 retyped JSON columns on SQLite only
    "0006": seed_0006,
    "0007": seed_0006,  # 0007 changed views only
}


def seeded_revisions() -> list[str]:
    head = migrate.head_revision()
    return [r for r in migrate.all_revisions() if r in SEEDS or r != head]


# --------------------------------------------------------------------- helpers


def schema_differences(engine: Engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "compare_server_default": True})
        return compare_metadata(ctx, SQLModel.metadata)


def _primary_key(table: sa.Table, row: dict[str, Any]) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


# ----------------------------------------------------------------------- tests


def test_revisions_form_one_line() -> None:
    script = ScriptDirectory.from_config(migrate._config())
    assert len(script.get_heads()) == 1, "migrations must stay a single line (append-only)"
    revisions = migrate.all_revisions()
    files = [p for p in (migrate.MIGRATIONS / "versions").glob("*.py") if not p.name.startswith("_")]
    assert len(revisions) == len(files)
    assert revisions[-1] == migrate.head_revision()
    assert script.get_revision(revisions[0]).down_revision is None


def test_every_earlier_revision_has_a_seed() -> None:
    head = migrate.head_revision()
    missing = [r for r in migrate.all_revisions() if r != head and r not in SEEDS]
    assert not missing, f"add a seed to SEEDS for revision(s) {missing} (see the module docstring)"
    assert set(SEEDS) <= set(migrate.all_revisions()), "SEEDS names a revision that does not exist"


def test_empty_database_to_head(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None
        assert sa.inspect(engine).get_table_names() == []
        assert migrate.upgrade(engine) == migrate.head_revision()
        tables = set(sa.inspect(engine).get_table_names())
        assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
        assert schema_differences(engine) == []
        with engine.connect() as conn:  # views (dashboards) are valid SQL on this backend
            for view in sa.inspect(engine).get_view_names():
                conn.execute(sa.text(f"SELECT * FROM {view}")).all()
    finally:
        engine.dispose()


def test_migrated_schema_equals_the_models(engine: Engine) -> None:
    assert schema_differences(engine) == []


def test_upgrade_is_idempotent(db_url: str) -> None:
    first = storage.open_database(db_url)
    try:
        with session_scope(first) as session:
            repo.upsert_model(session, "m", "org/m", ["http://x"], None)
        counts = row_counts(first)
    finally:
        first.dispose()
    for _ in range(2):
        again = storage.open_database(db_url)
        try:
            assert migrate.upgrade(again) == migrate.head_revision()
            assert row_counts(again) == counts
            with again.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar_one() == 1
            assert schema_differences(again) == []
        finally:
            again.dispose()


def test_migrated_schema_enforces_the_declared_constraints(engine: Engine) -> None:
    """compare_metadata does not see CHECK constraints or partial indexes: check
    their effect on raw rows instead."""
    md = sa.MetaData()
    md.reflect(engine)
    t = {name: _json_aware(table) for name, table in md.tables.items() if name in SQLModel.metadata.tables}
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(t["contest"].insert().values(site="s", slug="c", title="", kind="monthly",
                                                  start_time=now, duration_s=1, created_at=now))
    with pytest.raises(IntegrityError), engine.begin() as conn:  # foreign keys are on
        conn.execute(t["problem_version"].insert().values(
            problem_id=12345, version=1, content_hash="h", statement="", starter_code="",
            signature={}, created_at=now))

    with session_scope(engine) as session:
        problem, _, ts = repo.upsert_problem(session, make_problem("constraints"))
        model = repo.upsert_model(session, "m", "org/m", [], None)
        config = repo.upsert_model_config(session, model, "c", {}, "default", "v1", 1)
        repo.ensure_units(session, config, [problem.id])
        unit = session.exec(select(Unit)).one()
        gen = repo.record_generation(session, unit, outcome=Outcome.CODE, extracted_code="x")
        gen_id, ts_id = gen.id, ts.id

    def judgement(current: bool) -> dict:
        return {"generation_id": gen_id, "test_set_id": ts_id, "verdict": "Accepted", "passed": 1,
                "total": 1, "per_test": [], "judge_image": "", "limits": {}, "is_current": current,
                "created_at": now}

    with engine.begin() as conn:  # history: any number of non-current judgements
        conn.execute(t["judgement"].insert(), [judgement(False), judgement(False), judgement(True)])
    with pytest.raises(IntegrityError), engine.begin() as conn:  # one current per generation × set
        conn.execute(t["judgement"].insert().values(**judgement(True)))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(t["judgement"].insert().values(**{**judgement(False), "verdict": "Great"}))


def test_a_batch_migration_of_a_referenced_table_keeps_its_rows(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the next migration that alters `problem` will do (on SQLite, render_as_batch
    copies the table, drops the old one and renames the copy), run by migrate.upgrade
    on a database with rows that reference it and views that read it. Dropping a
    referenced table fails while foreign keys are on, and renaming a table that views
    name fails unless SQLite's legacy ALTER TABLE behaviour is on (or the migration
    drops and re-creates the views); afterwards foreign keys must be enforced again."""
    with session_scope(engine) as session:
        problem, _, _ = repo.upsert_problem(session, make_problem("referenced"))
        model = repo.upsert_model(session, "m", "org/m", [], None)
        config = repo.upsert_model_config(session, model, "c", {}, "default", "v1", 2)
        repo.ensure_units(session, config, [problem.id])
    before = row_counts(engine)

    def next_migration(cfg: Any, revision: str) -> None:  # stands in for alembic's command.upgrade
        conn = cfg.attributes["connection"]
        ops = Operations(MigrationContext.configure(conn))
        recreate = "always" if conn.dialect.name == "sqlite" else "auto"
        with ops.batch_alter_table("problem", recreate=recreate) as batch:
            batch.alter_column("title", existing_type=sa.String(), existing_nullable=False)

    monkeypatch.setattr(alembic_command, "upgrade", next_migration)
    migrate.upgrade(engine)
    monkeypatch.undo()
    assert row_counts(engine) == before
    assert schema_differences(engine) == []
    with engine.connect() as conn:
        for view in sa.inspect(engine).get_view_names():
            conn.execute(sa.text(f"SELECT * FROM {view}")).all()
    with pytest.raises(IntegrityViolation), session_scope(engine) as session:  # foreign keys are on again
        repo.ensure_units(session, config, [987654])


@pytest.mark.parametrize("revision", seeded_revisions())
def test_upgrade_from_revision_with_data_loses_nothing(db_url: str, revision: str) -> None:
    assert revision in SEEDS, f"no seed for revision {revision}: add one to SEEDS"
    old = make_engine(db_url)
    try:
        assert migrate.upgrade(old, revision) == revision
        with old.begin() as conn:
            seeded = SEEDS[revision](conn)
    finally:
        old.dispose()
    assert seeded, "the seed inserted nothing"

    engine = storage.open_database(db_url)  # what the service does at start
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        md = sa.MetaData()
        md.reflect(engine)
        with engine.connect() as conn:
            for name, rows in seeded.items():
                assert name in md.tables, f"table {name} (seeded at {revision}) is gone at head"
                table = md.tables[name]
                stored = {_primary_key(table, r._asdict()): r._asdict()
                          for r in conn.execute(sa.select(table))}
                assert len(stored) == len(rows), f"{name}: {len(rows)} rows seeded, {len(stored)} at head"
                for row in rows:
                    now = stored.get(_primary_key(table, row))
                    assert now is not None, f"{name}: row {row} lost"
                    for column, value in row.items():
                        assert column in now, f"{name}.{column} (seeded at {revision}) is gone at head"
                        got = _decoded(name, column, now[column])
                        assert got == value, f"{name}.{column}: {value!r} became {got!r}"

        # views read the old rows; the access layer of head reads them and keeps
        # writing next to them
        with engine.connect() as conn:
            for view in sa.inspect(engine).get_view_names():
                conn.execute(sa.text(f"SELECT * FROM {view}")).all()
        with session_scope(engine) as session:
            for row in seeded.get("problem", []):
                repo.load_problem(session, row["id"])
            repo.acceptance_by_model_week(session)
            repo.verdict_mix_by_week(session)
            for row in seeded.get("model_config", []):
                repo.contest_matrix(session, row["id"])
        assert_rollup_consistent(engine)
        with session_scope(engine) as session:
            for gen in session.exec(select(Generation).where(Generation.outcome == Outcome.CODE)).all():
                unit = session.get(Unit, gen.unit_id)
                ts = repo.current_test_set(session, unit.problem_id)
                repo.record_judgement(session, gen, unit, ts.id,
                                      judge_result(Verdict.RUNTIME_ERROR, test_set_version=ts.version))
        assert_rollup_consistent(engine)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_views_per_configuration_downgrade_and_upgrade_again(db_url: str) -> None:
    """0007 rebuilt the dashboard views per configuration; going back to 0006 brings
    0006's views back (valid SQL, no `config_label`, no v_problem_model), and
    upgrading again restores 0007's."""
    engine = make_engine(db_url)
    try:
        assert migrate.upgrade(engine) == migrate.head_revision()
        cfg = migrate._config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            alembic_command.downgrade(cfg, "0006")
        assert migrate.current_revision(engine) == "0006"
        views = set(sa.inspect(engine).get_view_names())
        assert "v_problem_model" not in views and "v_leetcode_agreement" in views
        with engine.connect() as conn:
            for view in views:
                conn.execute(sa.text(f"SELECT * FROM {view}")).all()
            assert "config_label" not in list(conn.execute(sa.text("SELECT * FROM v_results LIMIT 0")).keys())
            assert "config_hash" not in list(conn.execute(sa.text("SELECT * FROM v_usage LIMIT 0")).keys())
        assert migrate.upgrade(engine) == migrate.head_revision()
        with engine.connect() as conn:
            assert list(conn.execute(sa.text("SELECT * FROM v_acceptance_model_week LIMIT 0")).keys())[-4:] == [
                "config_hash", "config_label", "ci_low", "ci_high"]
            conn.execute(sa.text("SELECT * FROM v_problem_model")).all()
    finally:
        engine.dispose()


def test_seed_0001_reads_back_through_the_access_layer(db_url: str) -> None:
    """The seeded problem as the current code sees it: latest statement, current tests."""
    old = make_engine(db_url)
    try:
        migrate.upgrade(old, "0001")
        with old.begin() as conn:
            seeded = seed_0001(conn)
    finally:
        old.dispose()
    engine = storage.open_database(db_url)
    try:
        with session_scope(engine) as session:
            problem_id = seeded["problem"][0]["id"]
            p = repo.load_problem(session, problem_id)
            assert p.statement == "Return a + b.\n\n**Note**: `ints` only."
            assert [(t.input, t.expected) for t in p.tests] == [("1\n2", 3), ("-5\n5", 0), ("7\n-9", -2)]
            assert p.contest is not None and p.contest.slug == "weekly-contest-450"
            assert p.release_time is not None and p.release_time.tzinfo is not None
            assert p.meta == {"likes": 10, "unicode": "été ✓"}
            rows = [(r.name, r.release_week, r.accepted, r.attempts)
                    for r in repo.acceptance_by_model_week(session)]
            assert rows == [("seed-greedy", "2026-W18", 1, 2)]
    finally:
        engine.dispose()


def test_cli_db_upgrade(db_url: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    head = migrate.head_revision()
    first = runner.invoke(app, ["db", "upgrade"], env=cli_env)
    assert first.exit_code == 0, first.output
    assert f"schema empty -> {head}" in first.output
    second = runner.invoke(app, ["db", "upgrade"], env=cli_env)
    assert second.exit_code == 0, second.output
    assert f"schema {head} -> {head}" in second.output
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) == head
        assert schema_differences(engine) == []
    finally:
        engine.dispose()
