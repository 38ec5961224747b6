"""JSON columns as TEXT on SQLite

Revision ID: 0005
Revises: 0004

A column declared JSON has numeric affinity in SQLite, which rewrites stored
numbers (`2.0` came back as `2`, `10**20` as `1e+20`). From here SQLite keeps
JSON as TEXT; PostgreSQL is unchanged. Values already rewritten cannot be
restored (they are still the same numbers, only their spelling changed).

Append-only: never edit a migration that has been released; add a new one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_COLUMNS = {
    "model": ["endpoints"],
    "run": ["settings"],
    "model_config": ["sampling"],
    "problem": ["tags", "source", "meta"],
    "problem_version": ["signature"],
    "test_set": ["checker", "limits", "provenance"],
    "generation": ["sampling", "prompt", "raw_response"],
    "test_case": ["expected"],
    "judgement": ["per_test", "first_failure", "limits"],
}


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in JSON_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=new, existing_type=old)


def upgrade() -> None:
    _retype(sa.JSON(), sa.Text())


def downgrade() -> None:
    _retype(sa.Text(), sa.JSON())
