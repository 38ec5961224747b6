"""Several OS processes on one database, as the daemon's workers, a dashboard and a
second daemon would be: no unit is claimed twice, readers never fail and always see
a consistent state, the rollup stays exact under concurrent writers."""

from __future__ import annotations

import os
import random
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

import storage
from judge.verdict import Verdict
from storage import migrate, repo
from storage.engine import session_scope
from storage.models import Generation, Judgement, Outcome, ResultCount, TestSet, Unit, UnitState

from .conftest import (
    assert_rollup_consistent,
    is_sqlite,
    judge_result,
    make_problem,
    start_line,
    start_together,
)


def _setup(engine: Engine, n_problems: int, attempts: int) -> int:
    with session_scope(engine) as session:
        ids = [repo.upsert_problem(session, make_problem(f"cc-{i}"))[0].id for i in range(n_problems)]
        model = repo.upsert_model(session, "alpha", "org/alpha", [], None)
        config = repo.upsert_model_config(session, model, "greedy", {"temperature": 0.0}, "default", "v1",
                                          attempts)
        assert repo.ensure_units(session, config, ids) == n_problems * attempts
        return config.id


# -------------------------------------------------------------- claim workers


def claim_worker(url: str, start_dir: str, name: str) -> dict[str, Any]:
    """Claim 7 units at a time until none is left; report each committed claim."""
    report: dict[str, Any] = {"pid": os.getpid(), "claims": [], "error": None}
    try:
        engine = storage.open_database(url)
        start_line(start_dir, name)
        n = 0
        while True:
            token = f"{name}-{n}"
            with session_scope(engine) as session:
                units = repo.claim_units(session, UnitState.PENDING, UnitState.GENERATING, 7, token)
                ids = [u.id for u in units]
                time.sleep(0.002)  # hold the transaction open: a wider window for a race
            if not ids:
                break
            report["claims"].append([token, ids])
            n += 1
            time.sleep(0.003)  # the work on the claimed units, outside the transaction
        engine.dispose()
    except Exception:
        report["error"] = traceback.format_exc()
    return report


def test_two_processes_never_claim_the_same_unit(
        engine: Engine, db_url: str, tmp_path: Path, process_pool: ProcessPoolExecutor) -> None:
    _setup(engine, n_problems=40, attempts=10)  # 400 pending units
    reports = start_together(process_pool, tmp_path / "start", [(claim_worker, (db_url,))] * 2)
    assert [r["error"] for r in reports] == [None, None]
    assert reports[0]["pid"] != reports[1]["pid"] != os.getpid()

    claimed: dict[int, str] = {}
    for report in reports:
        for token, ids in report["claims"]:
            assert 1 <= len(ids) <= 7
            for unit_id in ids:
                assert unit_id not in claimed, f"unit {unit_id} claimed by {claimed[unit_id]} and {token}"
                claimed[unit_id] = token
    assert len(claimed) == 400
    assert all(r["claims"] for r in reports), "one worker got everything: the claims did not overlap"
    with session_scope(engine) as session:
        units = session.exec(select(Unit)).all()
        assert {u.id for u in units} == set(claimed)
        assert all(u.state == UnitState.GENERATING and u.claim_token == claimed[u.id] for u in units)


# -------------------------------------------------------- reader while writing


def writer_worker(url: str, seconds: float, done_file: str, start_dir: str, name: str) -> dict[str, Any]:
    """Generate, judge and re-judge, one small transaction at a time, until the time is up."""
    rng = random.Random(7)
    report: dict[str, Any] = {"pid": os.getpid(), "transactions": 0, "error": None}
    try:
        engine = storage.open_database(url)
        start_line(start_dir, name)
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            n += 1
            with session_scope(engine) as session:
                units = repo.claim_units(session, UnitState.PENDING, UnitState.GENERATING, 2, f"writer-{n}")
                for unit in units:
                    outcome = rng.choice([Outcome.CODE, Outcome.CODE, Outcome.CODE, Outcome.NO_CODE])
                    gen = repo.record_generation(session, unit, outcome=outcome, extracted_code="x")
                    if outcome is Outcome.CODE:
                        ts = repo.current_test_set(session, unit.problem_id)
                        for _ in range(rng.choice([1, 1, 2])):  # sometimes re-judged
                            repo.record_judgement(session, gen, unit, ts.id, judge_result(
                                rng.choice(list(Verdict)), test_set_version=ts.version))
            report["transactions"] += 1
            if not units:
                break
        engine.dispose()
    except Exception:
        report["error"] = traceback.format_exc()
    finally:
        Path(done_file).touch()
    return report


def reader_worker(url: str, read_only: bool, writer_done: str, start_dir: str, name: str) -> dict[str, Any]:
    """Read in a loop while the writer writes; never fail, never go backwards."""
    time.sleep(0.05)  # let the writer's first transaction begin
    report: dict[str, Any] = {"pid": os.getpid(), "reads": 0, "errors": [], "inconsistent": [], "states": 0}
    g, j, rc = Generation.__table__, Judgement.__table__, ResultCount.__table__
    snapshot = sa.select(  # one statement: one consistent snapshot on every backend
        sa.select(sa.func.count()).select_from(g).scalar_subquery().label("generations"),
        sa.select(sa.func.count()).select_from(g).where(g.c.outcome != Outcome.CODE.value)
        .scalar_subquery().label("final_outcomes"),
        sa.select(sa.func.count()).select_from(j).scalar_subquery().label("judgements"),
        sa.select(sa.func.count()).select_from(j).where(j.c.is_current)
        .scalar_subquery().label("current"),
        sa.select(sa.func.coalesce(sa.func.sum(rc.c.n), 0)).scalar_subquery().label("rollup"),
    )
    try:
        engine = storage.open_database(url, read_only=read_only)
        start_line(start_dir, name)
        last = (0, 0, 0, 0)
        seen = set()
        while True:
            finished = Path(writer_done).exists()
            try:
                with session_scope(engine) as session:
                    gens, final, judgements, current, rollup = session.execute(snapshot).one()
                    attempts = sum(r.attempts for r in repo.acceptance_by_model_week(session))
                    repo.verdict_mix_by_week(session)
                    repo.unit_counts(session)
            except Exception as e:  # "database is locked" and the like
                report["errors"].append(repr(e)[:500])
                if len(report["errors"]) > 20:
                    break
                continue
            report["reads"] += 1
            state = (gens, judgements, rollup, attempts)
            seen.add(state[:3])
            if rollup != final + current:
                report["inconsistent"].append(f"rollup {rollup} != {final} final outcomes + {current} current")
            if any(now < before for now, before in zip(state, last, strict=True)):
                report["inconsistent"].append(f"went backwards: {last} -> {state}")
            if attempts < rollup:
                report["inconsistent"].append(f"report saw {attempts} attempts after {rollup} results")
            last = state
            if finished:
                break
        report["states"] = len(seen)
        engine.dispose()
    except Exception:
        report["errors"].append(traceback.format_exc())
    return report


def test_reader_keeps_reading_a_consistent_state_while_a_writer_writes(
        engine: Engine, db_url: str, tmp_path: Path, process_pool: ProcessPoolExecutor) -> None:
    _setup(engine, n_problems=10, attempts=60)
    done = tmp_path / "writer-done"
    w, *readers = start_together(process_pool, tmp_path / "start", [
        (writer_worker, (db_url, 1.5, str(done))),
        (reader_worker, (db_url, True, str(done))),  # a dashboard, `lcagent status`: read-only engine
        (reader_worker, (db_url, False, str(done))),  # reports in the daemon: the default engine
    ])
    assert len({w["pid"]} | {r["pid"] for r in readers}) == 3
    assert w["error"] is None, w["error"]
    assert w["transactions"] >= 5, f"the writer barely wrote: {w}"
    for kind, r in zip(("read-only", "default"), readers, strict=True):
        assert r["errors"] == [], (kind, r["errors"][:3])
        assert r["inconsistent"] == [], (kind, r["inconsistent"][:5])
        assert r["reads"] >= 2, f"the {kind} reader barely read: {r}"
    # The read-only reader reads between the writer's commits. (On SQLite the default
    # engine begins every transaction, reads included, with BEGIN IMMEDIATE: a reader
    # on it queues with the writers, and may only get in before and after a burst.)
    ro = readers[0]
    assert ro["reads"] >= 10 and ro["states"] >= 3, f"the read-only reader did not read while the writer wrote: {ro}"
    assert_rollup_consistent(engine)


def test_an_open_read_transaction_does_not_block_a_writer(engine: Engine, db_url: str) -> None:
    """A dashboard that keeps a read transaction open (read-only engine) while the
    daemon commits: the daemon does not wait for it."""
    _setup(engine, n_problems=1, attempts=3)
    reader = storage.open_database(db_url, read_only=True)
    finished = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with session_scope(engine) as session:
                repo.claim_units(session, UnitState.PENDING, UnitState.GENERATING, 1, "daemon")
            finished.set()
        except BaseException as e:
            errors.append(e)

    try:
        with session_scope(reader) as session:
            before = repo.unit_counts(session)
            thread = threading.Thread(target=write, daemon=True)
            thread.start()
            wrote_while_reading = finished.wait(5)
            if is_sqlite(db_url):  # and the reader's snapshot did not move
                assert repo.unit_counts(session) == before
        thread.join(60)
    finally:
        reader.dispose()
    assert not errors, errors
    assert wrote_while_reading, "the writer waited for the reader's transaction to end"


# ------------------------------------------------------ concurrent writers


def result_worker(url: str, start_dir: str, name: str) -> dict[str, Any]:
    """Claim one unit at a time and store its result: every transaction bumps the
    same result_count row as the other worker's."""
    report: dict[str, Any] = {"stored": 0, "error": None}
    try:
        engine = storage.open_database(url)
        start_line(start_dir, name)
        n = 0
        while True:
            n += 1
            with session_scope(engine) as session:
                units = repo.claim_units(session, UnitState.PENDING, UnitState.GENERATING, 1, f"{name}-{n}")
                for unit in units:
                    if unit.attempt % 2:
                        repo.record_generation(session, unit, outcome=Outcome.NO_CODE)
                    else:
                        gen = repo.record_generation(session, unit, outcome=Outcome.CODE, extracted_code="x")
                        ts = session.exec(select(TestSet).where(TestSet.problem_id == unit.problem_id)).one()
                        repo.record_judgement(session, gen, unit, ts.id,
                                              judge_result(Verdict.ACCEPTED, test_set_version=ts.version))
            if not units:
                break
            report["stored"] += 1
        engine.dispose()
    except Exception:
        report["error"] = traceback.format_exc()
    return report


def test_concurrent_writers_keep_the_rollup_exact(
        engine: Engine, db_url: str, tmp_path: Path, process_pool: ProcessPoolExecutor) -> None:
    _setup(engine, n_problems=1, attempts=120)  # one (configuration, problem): one hot rollup row
    reports = start_together(process_pool, tmp_path / "start", [(result_worker, (db_url,))] * 2)
    errors = [r["error"] for r in reports if r["error"]]
    assert not errors, errors[0]
    assert sum(r["stored"] for r in reports) == 120
    with session_scope(engine) as session:
        counts = {r.result: r.n for r in session.exec(select(ResultCount)).all()}
    assert counts == {"no code": 60, "Accepted": 60}, "concurrent bumps of one rollup row were lost"
    assert_rollup_consistent(engine)


# ------------------------------------------------------ concurrent migrations


def open_worker(url: str, start_dir: str, name: str) -> dict[str, Any]:
    report: dict[str, Any] = {"revision": None, "error": None}
    start_line(start_dir, name)
    try:
        engine = storage.open_database(url)
        report["revision"] = migrate.current_revision(engine)
        engine.dispose()
    except Exception:
        report["error"] = traceback.format_exc()
    return report


def test_two_processes_starting_on_an_empty_database_both_succeed(
        db_url: str, tmp_path: Path, process_pool: ProcessPoolExecutor) -> None:
    """Two daemons (or a daemon and `lcagent db upgrade`) starting at once on a new
    database: both end on the newest schema, neither fails."""
    reports = start_together(process_pool, tmp_path / "start", [(open_worker, (db_url,))] * 2)
    errors = [r["error"] for r in reports if r["error"]]
    assert not errors, errors[0]
    assert [r["revision"] for r in reports] == [migrate.head_revision()] * 2
