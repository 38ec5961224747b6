"""result week rollup

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:27:46.310447

Append-only: never edit a migration that has been released; add a new one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "result_week_count",
        sa.Column("model_config_id", sa.Integer(), nullable=False),
        sa.Column("release_week", sa.String(length=10), nullable=False),
        sa.Column("result", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_config_id"],
            ["model_config.id"],
        ),
        sa.PrimaryKeyConstraint("model_config_id", "release_week", "result"),
    )
    # existing results, rolled up by week: nothing recorded before is lost
    op.execute(
        "INSERT INTO result_week_count (model_config_id, release_week, result, n) "
        "SELECT rc.model_config_id, COALESCE(p.release_week, ''), rc.result, SUM(rc.n) "
        "FROM result_count rc JOIN problem p ON p.id = rc.problem_id "
        "GROUP BY rc.model_config_id, COALESCE(p.release_week, ''), rc.result"
    )


def downgrade() -> None:

    op.drop_table("result_week_count")
