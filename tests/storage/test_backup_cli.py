"""`lcagent db backup` / storage.backup on a live database, and the database side of
`lcagent db` and `lcagent import leetcodedataset`, through typer's CliRunner."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine, make_url
from sqlmodel import select
from typer.testing import CliRunner

import storage
from agent.cli import app
from storage import repo
from storage.backup import backup
from storage.engine import session_scope
from storage.errors import StorageError
from storage.models import Problem as ProblemRow

from .conftest import is_sqlite, make_problem, row_counts, sqlite_url, start_line

BACKUP_TIMEOUT_S = 5  # copying 40 MiB takes a fraction of a second
DATASET = Path(__file__).parents[1] / "data" / "leetcodedataset" / "v0.2.0-train-nodes-dev.jsonl.gz"


def _check_copy(path: Path) -> dict[str, int]:
    """The copy is a sound SQLite database with the whole schema; its row counts."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    copy = storage.make_engine(sqlite_url(path), read_only=True)
    try:
        return row_counts(copy)
    finally:
        copy.dispose()


def backup_writer(url: str, stop_file: str, start_dir: str, name: str) -> dict[str, Any]:
    """The daemon: commit small transactions back to back until told to stop."""
    report: dict[str, Any] = {"pid": os.getpid(), "commits": 0, "error": None}
    try:
        engine = storage.open_database(url)
        start_line(start_dir, name)
        while not Path(stop_file).exists():
            with session_scope(engine) as session:
                repo.start_run(session, "judge", host=f"live-{report['commits']}")
            report["commits"] += 1
            time.sleep(0.001)
        engine.dispose()
    except Exception:
        report["error"] = traceback.format_exc()
    return report


def test_backup_of_a_live_database_while_a_writer_writes(
        engine: Engine, db_url: str, tmp_path: Path, process_pool: ProcessPoolExecutor) -> None:
    """A copy taken while the daemon keeps committing: consistent, and with every row
    committed before the backup began. The database (40 MiB) spans several steps of
    storage.backup's online copy (4096 pages, 16 MiB each): results databases grow to
    hundreds of megabytes while the daemon commits every few seconds or faster."""
    dest = tmp_path / "copies" / "results-copy.sqlite3"
    if not is_sqlite(db_url):
        with pytest.raises(StorageError, match="pg_dump"):
            backup(db_url, dest)
        assert not dest.exists() and not dest.parent.exists()
        return

    statement = "Long statement. " * 65_536  # 1 MiB
    with session_scope(engine) as session:
        for i in range(40):
            repo.upsert_problem(session, make_problem(f"big-{i}", statement=f"{i} {statement}"))
    start_dir, stop_file = tmp_path / "start", tmp_path / "stop"
    start_dir.mkdir()
    writer = process_pool.submit(backup_writer, db_url, str(stop_file), str(start_dir), "writer")
    result: dict[str, Any] = {}
    thread: threading.Thread | None = None
    try:
        deadline = time.monotonic() + 60
        while not (start_dir / "ready-writer").exists():
            assert not writer.done(), writer.result()
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.01)
        (start_dir / "go").touch()
        while row_counts(engine)["run"] < 5:  # the writer is committing
            assert not writer.done(), writer.result()
            time.sleep(0.01)
        committed_before = row_counts(engine)

        def run_backup() -> None:
            try:
                result["path"] = backup(db_url, dest)
            except BaseException as e:
                result["error"] = e

        thread = threading.Thread(target=run_backup, daemon=True)
        started = time.monotonic()
        thread.start()
        thread.join(BACKUP_TIMEOUT_S)
        result["seconds"] = time.monotonic() - started
        result["finished_while_writing"] = not thread.is_alive()
    finally:
        stop_file.touch()
        report = writer.result(timeout=60)
    if thread is not None:
        thread.join(60)
    assert report["error"] is None, report["error"]
    assert "error" not in result, result["error"]
    assert result["finished_while_writing"], (
        f"the backup did not finish within {BACKUP_TIMEOUT_S} s while the writer kept committing "
        f"({report['commits']} commits): the online backup restarts after every commit")
    assert result["path"] == dest and dest.exists()
    assert not dest.with_name(dest.name + ".partial").exists()
    copied = _check_copy(dest)
    for table, n in committed_before.items():
        assert copied[table] >= n, f"{table}: {n} rows committed before the backup, {copied[table]} copied"
    assert copied["run"] <= row_counts(engine)["run"]


def test_backup_refuses_what_is_not_a_sqlite_file(tmp_path: Path) -> None:
    dest = tmp_path / "copy.sqlite3"
    with pytest.raises(StorageError) as info:
        backup("postgresql+psycopg://lcagent:s3cret@db.example:5432/results", dest)
    message = str(info.value)
    assert "not a SQLite file" in message and "pg_dump" in message
    assert "s3cret" not in message, "the password leaked into the error message"
    with pytest.raises(StorageError, match="SQLite"):
        backup("sqlite://", dest)  # in memory: nothing to copy
    with pytest.raises(StorageError, match="no database at"):
        backup(sqlite_url(tmp_path / "missing.sqlite3"), dest)
    assert not dest.exists()


def test_cli_db_backup(engine: Engine, db_url: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    with session_scope(engine) as session:
        for i in range(3):
            repo.upsert_problem(session, make_problem(f"cli-{i}"))
    dest = tmp_path / "backups" / "copy.sqlite3"
    result = CliRunner().invoke(app, ["db", "backup", str(dest)], env=cli_env)
    if not is_sqlite(db_url):
        assert result.exit_code == 1
        assert "pg_dump" in result.output and "Traceback" not in result.output
        password = make_url(db_url).password
        assert not password or password not in result.output
        assert not dest.exists()
        return
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(dest)
    assert _check_copy(dest) == row_counts(engine)


def test_cli_import_leetcodedataset_into_the_database(
        db_url: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "problems"
    runner = CliRunner()
    counts = []
    for _ in range(2):
        result = runner.invoke(app, ["import", "leetcodedataset", str(DATASET), "--out", str(out)], env=cli_env)
        assert result.exit_code == 0, result.output
        assert "32 problems stored in the results database" in result.output
        files = sorted(out.glob("*.json"))
        assert len(files) == 32
        engine = storage.open_database(db_url)
        try:
            counts.append(row_counts(engine))
            with session_scope(engine) as session:
                slugs = set(session.exec(select(ProblemRow.slug)).all())
                sample = repo.get_problem(session, json.loads(files[0].read_text())["slug"])
                loaded = repo.load_problem(session, sample.id)
        finally:
            engine.dispose()
        assert slugs == {json.loads(f.read_text())["slug"] for f in files}
        assert loaded.to_json() == files[0].read_text()
    first, second = counts
    assert first["problem"] == first["problem_version"] == first["test_set"] == 32
    assert first["test_case"] > 32
    assert second == first, "importing the same file twice duplicated rows"
