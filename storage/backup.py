"""`lcagent db backup`: a consistent copy of a live SQLite database.

Uses SQLite's online backup API, which copies a consistent snapshot while the
daemon keeps writing (WAL mode). PostgreSQL users back up with pg_dump.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.errors import StorageError


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise StorageError(f"{parsed.render_as_string(hide_password=True)} is not a SQLite file; use pg_dump")
    return Path(parsed.database)


def backup(url: str, dest: Path) -> Path:
    src_path = sqlite_path(url)
    if not src_path.exists():
        raise StorageError(f"no database at {src_path}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(tmp)
        try:
            # One step, under one read snapshot: in WAL mode writers are not held up,
            # whereas a backup taken in steps restarts whenever another connection
            # commits between two steps (it never ends while the daemon keeps writing).
            src.backup(dst)
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise StorageError(f"backup of {src_path} failed its integrity check: {ok}")
    tmp.replace(dest)
    return dest
