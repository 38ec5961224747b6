"""Schema migrations (Alembic, append-only), applied at start or by `lcagent db upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def all_revisions() -> list[str]:
    """Oldest first."""
    script = ScriptDirectory.from_config(_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _pragma(conn: Connection, setting: str) -> None:
    """A SQLite pragma on the DBAPI connection itself, outside any transaction
    (inside one, some pragmas are silently ignored)."""
    dbapi = conn.connection.driver_connection
    if dbapi is None:
        raise RuntimeError("the SQLite connection is closed")
    dbapi.execute(f"PRAGMA {setting}")


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database to `revision` (default: the newest). Idempotent."""
    cfg = _config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations copy a table and drop the old one: with foreign keys on,
            # dropping a referenced table fails once it has rows. The pragma is a no-op
            # inside a transaction, so it is set on the DBAPI connection before BEGIN.
            _pragma(conn, "foreign_keys=OFF")
            # ... and renaming the copy must not re-check the views that name the table
            _pragma(conn, "legacy_alter_table=ON")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # two processes starting on a new database: the second waits for the
                    # first, then finds the schema up to date
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7428061)")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migrating to {revision} broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                _pragma(conn, "legacy_alter_table=OFF")
                _pragma(conn, "foreign_keys=ON")
    return current_revision(engine)


def make_revision(engine: Engine, message: str) -> None:
    """Developers: autogenerate the next migration from the models (then review it)."""
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
