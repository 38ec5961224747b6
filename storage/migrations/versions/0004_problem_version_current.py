"""problem_version.is_current: the statement stored last is the current one

Revision ID: 0004
Revises: 0003

Append-only: never edit a migration that has been released; add a new one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("problem_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_current", sa.Boolean(), nullable=False, server_default=sa.false()))
    # until now the highest version was taken as the current one
    op.execute(
        "UPDATE problem_version SET is_current = (version = (SELECT max(v.version) FROM problem_version v"
        " WHERE v.problem_id = problem_version.problem_id))"
    )
    with op.batch_alter_table("problem_version", schema=None) as batch_op:
        batch_op.alter_column("is_current", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("problem_version", schema=None) as batch_op:
        batch_op.drop_column("is_current")
