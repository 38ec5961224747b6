"""Engines and sessions.

SQLite by default (a file under the data directory): WAL so readers never block
the writer, foreign keys on, a busy timeout so concurrent writers queue instead
of failing, and BEGIN IMMEDIATE for write transactions so two processes never
deadlock upgrading read locks. Any SQLAlchemy URL works (PostgreSQL in
production when one machine is not enough).

Every string bound to a statement passes through `judge.text.safe_text`: a lone
surrogate (valid JSON, not UTF-8) from a model, a solution or LeetCode is stored
backslash-escaped instead of failing the whole transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_random

from judge.text import is_safe, safe_text

SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_url(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'lcagent.sqlite3'}"


def make_engine(url: str, *, read_only: bool = False, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine, read_only)
    else:
        engine = sa.create_engine(url, echo=echo, pool_pre_ping=True)
    event.listen(engine, "before_cursor_execute", _safe_parameters, retval=True)
    return engine


def _safe_value(value: Any) -> Any:
    """The value with unencodable strings made safe; the same object when nothing changes."""
    if isinstance(value, str):
        return value if is_safe(value) else safe_text(value)
    if isinstance(value, (tuple, list)):
        items = [_safe_value(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        safe = {k: _safe_value(v) for k, v in value.items()}
        return value if all(safe[k] is v for k, v in value.items()) else safe
    return value


def _safe_parameters(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                     executemany: bool) -> tuple[str, Any]:
    return statement, _safe_value(parameters)


@retry(retry=retry_if_exception_type(sqlite3.OperationalError), stop=stop_after_delay(SQLITE_BUSY_TIMEOUT_MS / 1000),
       wait=wait_random(0.01, 0.2), reraise=True)
def _use_wal(cur: sqlite3.Cursor) -> None:
    """WAL is a property of the file, set once; switching needs an exclusive lock
    and fails at once (no busy wait) while another process opens the new file."""
    if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        cur.execute("PRAGMA journal_mode=WAL")


def _configure_sqlite(engine: Engine, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode up to the last checkpoint
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock at the start: a deferred transaction that reads and
        # then writes can fail with SQLITE_BUSY without waiting.
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
