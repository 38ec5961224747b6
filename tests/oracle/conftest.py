"""Fixtures of the hidden-tests suite. The database fixtures are the storage
suite's (a fresh SQLite file and a fresh PostgreSQL database per test)."""

from __future__ import annotations

from tests.storage.conftest import _templates, db_url, engine  # noqa: F401  (fixtures)
