"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 23:58:28.603575

Append-only: never edit a migration that has been released; add a new one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "contest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "weekly",
                "biweekly",
                "other",
                name="contestkind_enum",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("start_time", sa.DateTime(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("n_questions", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site", "slug", name="uq_contest_site_slug"),
    )
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contest_start_time"), ["start_time"], unique=False)

    op.create_table(
        "model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("served_id", sa.String(length=256), nullable=False),
        sa.Column("endpoints", sa.JSON(), nullable=False),
        sa.Column("training_cutoff", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "model_config",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("config_hash", sa.String(length=64), nullable=False),
        sa.Column("sampling", sa.JSON(), nullable=False),
        sa.Column("prompt_template", sa.String(length=128), nullable=False),
        sa.Column("prompt_template_version", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["model.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("model_id", "config_hash", name="uq_model_config_hash"),
    )
    with op.batch_alter_table("model_config", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_config_model_id"), ["model_id"], unique=False)

    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=256), nullable=False),
        sa.Column("frontend_id", sa.String(), nullable=True),
        sa.Column("backend_id", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("difficulty", sa.String(length=16), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("release_time", sa.DateTime(), nullable=True),
        sa.Column("release_week", sa.String(length=10), nullable=True),
        sa.Column("release_time_source", sa.String(length=16), nullable=False),
        sa.Column("source_kind", sa.String(length=64), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"],
            ["contest.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site", "slug", name="uq_problem_site_slug"),
    )
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problem_contest_id"), ["contest_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_problem_release_time"), ["release_time"], unique=False)
        batch_op.create_index(batch_op.f("ix_problem_release_week"), ["release_week"], unique=False)

    op.create_table(
        "problem_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("statement", sa.String(), nullable=False),
        sa.Column("starter_code", sa.String(), nullable=False),
        sa.Column("signature", sa.JSON(), nullable=False),
        sa.Column("reference_solution", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("problem_id", "content_hash", name="uq_problem_version_hash"),
        sa.UniqueConstraint("problem_id", "version", name="uq_problem_version"),
    )
    with op.batch_alter_table("problem_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_problem_version_problem_id"), ["problem_id"], unique=False
        )

    op.create_table(
        "result_count",
        sa.Column("model_config_id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_config_id"],
            ["model_config.id"],
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
        ),
        sa.PrimaryKeyConstraint("model_config_id", "problem_id", "result"),
    )
    with op.batch_alter_table("result_count", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_result_count_problem_id"), ["problem_id"], unique=False
        )

    op.create_table(
        "test_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("checker", sa.JSON(), nullable=False),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("n_tests", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("problem_id", "version", name="uq_test_set_version"),
    )
    with op.batch_alter_table("test_set", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_set_problem_id"), ["problem_id"], unique=False)

    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("model_config_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "generating",
                "generated",
                "judging",
                "judged",
                "failed",
                name="unitstate_enum",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("claim_token", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_config_id"],
            ["model_config.id"],
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("problem_id", "model_config_id", "attempt", name="uq_unit_key"),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index("ix_unit_claim", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_claim_token"), ["claim_token"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_unit_model_config_id"), ["model_config_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_unit_problem_id"), ["problem_id"], unique=False)

    op.create_table(
        "generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("model_config_id", sa.Integer(), nullable=False),
        sa.Column("problem_version_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("endpoint", sa.String(), nullable=False),
        sa.Column("served_model", sa.String(), nullable=False),
        sa.Column("sampling", sa.JSON(), nullable=False),
        sa.Column("prompt_template_version", sa.String(length=64), nullable=False),
        sa.Column("prompt", sa.JSON(), nullable=False),
        sa.Column("raw_response", sa.JSON(), nullable=False),
        sa.Column("content", sa.String(), nullable=False),
        sa.Column("reasoning", sa.String(), nullable=True),
        sa.Column("extracted_code", sa.String(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "code",
                "no code",
                "truncated",
                name="outcome_enum",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("finish_reason", sa.String(length=32), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_config_id"],
            ["model_config.id"],
        ),
        sa.ForeignKeyConstraint(
            ["problem_version_id"],
            ["problem_version.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id"),
    )
    with op.batch_alter_table("generation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_generation_model_config_id"), ["model_config_id"], unique=False
        )

    op.create_table(
        "test_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_set_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("input", sa.String(), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("comparable", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["test_set_id"],
            ["test_set.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("test_set_id", "idx", name="uq_test_case_idx"),
    )
    with op.batch_alter_table("test_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_case_test_set_id"), ["test_set_id"], unique=False)

    op.create_table(
        "judgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation_id", sa.Integer(), nullable=False),
        sa.Column("test_set_id", sa.Integer(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum(
                "Accepted",
                "Wrong Answer",
                "Time Limit Exceeded",
                "Memory Limit Exceeded",
                "Runtime Error",
                "Compile Error",
                "Output Limit Exceeded",
                name="verdict_enum",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("per_test", sa.JSON(), nullable=False),
        sa.Column("first_failure", sa.JSON(), nullable=True),
        sa.Column("runtime_ms", sa.Float(), nullable=True),
        sa.Column("memory_kb", sa.Integer(), nullable=True),
        sa.Column("judge_image", sa.String(), nullable=False),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["generation_id"],
            ["generation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["test_set_id"],
            ["test_set.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("judgement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_judgement_generation_id"), ["generation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_judgement_test_set_id"), ["test_set_id"], unique=False)
        batch_op.create_index(
            "uq_judgement_current",
            ["generation_id", "test_set_id"],
            unique=True,
            sqlite_where=sa.text("is_current = 1"),
            postgresql_where=sa.text("is_current"),
        )


def downgrade() -> None:

    with op.batch_alter_table("judgement", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_judgement_current",
            sqlite_where=sa.text("is_current = 1"),
            postgresql_where=sa.text("is_current"),
        )
        batch_op.drop_index(batch_op.f("ix_judgement_test_set_id"))
        batch_op.drop_index(batch_op.f("ix_judgement_generation_id"))

    op.drop_table("judgement")
    with op.batch_alter_table("test_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_case_test_set_id"))

    op.drop_table("test_case")
    with op.batch_alter_table("generation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generation_model_config_id"))

    op.drop_table("generation")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_problem_id"))
        batch_op.drop_index(batch_op.f("ix_unit_model_config_id"))
        batch_op.drop_index(batch_op.f("ix_unit_claim_token"))
        batch_op.drop_index("ix_unit_claim")

    op.drop_table("unit")
    with op.batch_alter_table("test_set", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_set_problem_id"))

    op.drop_table("test_set")
    with op.batch_alter_table("result_count", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_count_problem_id"))

    op.drop_table("result_count")
    with op.batch_alter_table("problem_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_version_problem_id"))

    op.drop_table("problem_version")
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_release_week"))
        batch_op.drop_index(batch_op.f("ix_problem_release_time"))
        batch_op.drop_index(batch_op.f("ix_problem_contest_id"))

    op.drop_table("problem")
    with op.batch_alter_table("model_config", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_config_model_id"))

    op.drop_table("model_config")
    op.drop_table("run")
    op.drop_table("model")
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_start_time"))

    op.drop_table("contest")
