"""The results database: tables, engines, migrations, the access layer."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage.engine import default_url, make_engine
from storage.migrate import upgrade


def open_database(url: str, *, migrate: bool = True, read_only: bool = False) -> Engine:
    """An engine on `url`, migrated to the newest schema unless told otherwise."""
    engine = make_engine(url, read_only=read_only)
    if migrate and not read_only:
        upgrade(engine)
    return engine


__all__ = ["default_url", "make_engine", "open_database", "upgrade"]
