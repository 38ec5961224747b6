"""hidden tests: test-set provenance, test generation, LeetCode's own verdicts

Revision ID: 0006
Revises: 0005

- test_set: `kind` (source | merged | generated), `basis` (examples | hidden |
  generated: what a verdict on it rests on), `parent_id` (the set it extends),
  `oracle`, `seed`, `origin` (the rule that made it, generator counts, oracle
  response ids). Existing sets are `source` sets; their basis is read from their
  provenance counts.
- test_generation: one row per (problem, oracle), the state of its hidden tests.
- leetcode_judgement: LeetCode's verdict on a generation (the submit backend).
- views: v_results gains `test_basis` and `leetcode_verdict` (at the end, so
  dashboards keep their columns); v_leetcode_agreement pairs local and LeetCode
  verdicts. The view text is frozen here, as in 0002.

Append-only: never edit a migration that has been released; add a new one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VERDICTS = ("Accepted", "Wrong Answer", "Time Limit Exceeded", "Memory Limit Exceeded", "Runtime Error",
             "Compile Error", "Output Limit Exceeded")


def _json() -> sa.types.TypeEngine:
    """JSON as TEXT on SQLite (see 0005), JSON elsewhere."""
    return sa.Text() if op.get_bind().dialect.name == "sqlite" else sa.JSON()


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


# ------------------------------------------------------------------- views

_AFTER = {"sqlite": "date(p.release_time)", "postgresql": "CAST(p.release_time AS DATE)"}
_RESULTS = """
CREATE VIEW v_results AS
SELECT u.id AS unit_id, mc.name AS model_config, mc.config_hash, m.name AS model, m.served_id,
       m.training_cutoff, p.slug AS problem, p.title, p.difficulty, c.slug AS contest,
       c.start_time AS contest_start, p.release_time, p.release_week, u.attempt, u.state,
       g.outcome, g.finish_reason, g.prompt_tokens, g.completion_tokens, g.latency_ms, g.endpoint,
       j.verdict, j.passed, j.total, j.runtime_ms, j.memory_kb, j.judge_image,
       CASE WHEN u.state = 'judged' THEN COALESCE(j.verdict, g.outcome) END AS result,
       CASE WHEN u.state <> 'judged' THEN NULL WHEN j.verdict = 'Accepted' THEN 1 ELSE 0 END AS accepted,
       CASE WHEN m.training_cutoff IS NULL OR p.release_time IS NULL THEN NULL
            WHEN {day} > m.training_cutoff THEN 1 ELSE 0 END AS after_cutoff,
       ts.basis AS test_basis, lj.verdict AS leetcode_verdict
FROM unit u
JOIN model_config mc ON mc.id = u.model_config_id
JOIN model m ON m.id = mc.model_id
JOIN problem p ON p.id = u.problem_id
LEFT JOIN contest c ON c.id = p.contest_id
LEFT JOIN generation g ON g.unit_id = u.id
LEFT JOIN judgement j ON j.generation_id = g.id AND j.is_current
LEFT JOIN test_set ts ON ts.id = j.test_set_id
LEFT JOIN leetcode_judgement lj ON lj.generation_id = g.id AND lj.state = 'judged'
"""
_RESULTS_0002 = """
CREATE VIEW v_results AS
SELECT u.id AS unit_id, mc.name AS model_config, mc.config_hash, m.name AS model, m.served_id,
       m.training_cutoff, p.slug AS problem, p.title, p.difficulty, c.slug AS contest,
       c.start_time AS contest_start, p.release_time, p.release_week, u.attempt, u.state,
       g.outcome, g.finish_reason, g.prompt_tokens, g.completion_tokens, g.latency_ms, g.endpoint,
       j.verdict, j.passed, j.total, j.runtime_ms, j.memory_kb, j.judge_image,
       CASE WHEN u.state = 'judged' THEN COALESCE(j.verdict, g.outcome) END AS result,
       CASE WHEN u.state <> 'judged' THEN NULL WHEN j.verdict = 'Accepted' THEN 1 ELSE 0 END AS accepted,
       CASE WHEN m.training_cutoff IS NULL OR p.release_time IS NULL THEN NULL
            WHEN {day} > m.training_cutoff THEN 1 ELSE 0 END AS after_cutoff
FROM unit u
JOIN model_config mc ON mc.id = u.model_config_id
JOIN model m ON m.id = mc.model_id
JOIN problem p ON p.id = u.problem_id
LEFT JOIN contest c ON c.id = p.contest_id
LEFT JOIN generation g ON g.unit_id = u.id
LEFT JOIN judgement j ON j.generation_id = g.id AND j.is_current
"""
_RATE = "SUM(accepted) AS accepted, COUNT(*) AS attempts, 1.0 * SUM(accepted) / COUNT(*) AS rate"
_AGGREGATES = [  # unchanged from 0002; re-created because they read v_results
    f"""CREATE VIEW v_acceptance_model_week AS
SELECT model_config, release_week, {_RATE} FROM v_results WHERE result IS NOT NULL
GROUP BY model_config, release_week""",
    f"""CREATE VIEW v_acceptance_model_contest AS
SELECT model_config, contest, contest_start, {_RATE} FROM v_results
WHERE result IS NOT NULL AND contest IS NOT NULL GROUP BY model_config, contest, contest_start""",
    f"""CREATE VIEW v_acceptance_difficulty AS
SELECT model_config, difficulty, {_RATE} FROM v_results WHERE result IS NOT NULL
GROUP BY model_config, difficulty""",
    """CREATE VIEW v_verdict_mix AS
SELECT model_config, release_week, result, COUNT(*) AS n FROM v_results WHERE result IS NOT NULL
GROUP BY model_config, release_week, result""",
    f"""CREATE VIEW v_contamination AS
SELECT model_config, training_cutoff, after_cutoff, {_RATE} FROM v_results
WHERE result IS NOT NULL AND after_cutoff IS NOT NULL GROUP BY model_config, training_cutoff, after_cutoff""",
    """CREATE VIEW v_usage AS
SELECT model_config, release_week, COUNT(outcome) AS generations, AVG(latency_ms) AS avg_latency_ms,
       SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,
       AVG(completion_tokens) AS avg_completion_tokens,
       SUM(CASE WHEN outcome = 'truncated' THEN 1 ELSE 0 END) AS truncated
FROM v_results WHERE outcome IS NOT NULL GROUP BY model_config, release_week""",
]
_AGREEMENT = """CREATE VIEW v_leetcode_agreement AS
SELECT model_config, problem, contest, attempt, test_basis, verdict AS local_verdict, leetcode_verdict,
       CASE WHEN verdict = leetcode_verdict THEN 1 ELSE 0 END AS agree
FROM v_results WHERE verdict IS NOT NULL AND leetcode_verdict IS NOT NULL"""
_NAMES_0002 = ["v_results", "v_acceptance_model_week", "v_acceptance_model_contest", "v_acceptance_difficulty",
               "v_verdict_mix", "v_contamination", "v_usage"]


def _drop_views() -> None:
    op.execute("DROP VIEW IF EXISTS v_leetcode_agreement")
    for name in reversed(_NAMES_0002):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def _create_views(results: str) -> None:
    dialect = op.get_bind().dialect.name
    op.execute(results.format(day=_AFTER.get(dialect, "CAST(p.release_time AS DATE)")))
    for ddl in _AGGREGATES:
        op.execute(ddl)


# ------------------------------------------------------------------ upgrade


def _basis(provenance: object) -> str:
    """A set stored before 0006: examples-only when every test is an example."""
    if isinstance(provenance, str):
        import json

        provenance = json.loads(provenance)
    if isinstance(provenance, dict) and provenance and set(provenance) != {"example"}:
        return "hidden"
    return "examples"


def upgrade() -> None:
    _drop_views()  # SQLite's batch copy of test_set must not meet views that name it
    with op.batch_alter_table("test_set", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="source"))
        batch_op.add_column(sa.Column("basis", sa.String(length=16), nullable=False, server_default="examples"))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("oracle", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("seed", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("origin", _json(), nullable=False, server_default="{}"))
        batch_op.create_foreign_key("fk_test_set_parent_id_test_set", "test_set", ["parent_id"], ["id"])
    conn = op.get_bind()
    test_set = sa.table("test_set", sa.column("id", sa.Integer()), sa.column("provenance", _json()),
                        sa.column("basis", sa.String()))
    for set_id, provenance in conn.execute(sa.select(test_set.c.id, test_set.c.provenance)).all():
        if _basis(provenance) != "examples":
            conn.execute(test_set.update().where(test_set.c.id == set_id).values(basis="hidden"))
    with op.batch_alter_table("test_set", schema=None) as batch_op:
        for column in ("kind", "basis", "origin"):
            batch_op.alter_column(column, server_default=None)

    op.create_table(
        "test_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("oracle", sa.String(length=32), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("state", _enum("testgenstate_enum", "pending", "done", "skipped"), nullable=False),
        sa.Column("test_set_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("stats", _json(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"]),
        sa.ForeignKeyConstraint(["test_set_id"], ["test_set.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("problem_id", "oracle", name="uq_test_generation"),
    )
    with op.batch_alter_table("test_generation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_generation_problem_id"), ["problem_id"], unique=False)

    op.create_table(
        "leetcode_judgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation_id", sa.Integer(), nullable=False),
        sa.Column("state", _enum("submitstate_enum", "submitting", "checking", "judged", "error"), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.String(length=32), nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=True),
        sa.Column("verdict", _enum("verdict_enum", *_VERDICTS), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("status_msg", sa.String(), nullable=True),
        sa.Column("passed", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("runtime_ms", sa.Float(), nullable=True),
        sa.Column("memory_kb", sa.Integer(), nullable=True),
        sa.Column("detail", _json(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("judged_at", sa.DateTime(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["generation_id"], ["generation.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("generation_id"),
    )
    with op.batch_alter_table("leetcode_judgement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leetcode_judgement_submitted_at"), ["submitted_at"], unique=False)

    _create_views(_RESULTS)
    op.execute(_AGREEMENT)


def downgrade() -> None:
    _drop_views()
    with op.batch_alter_table("leetcode_judgement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leetcode_judgement_submitted_at"))
    op.drop_table("leetcode_judgement")
    with op.batch_alter_table("test_generation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_generation_problem_id"))
    op.drop_table("test_generation")
    with op.batch_alter_table("test_set", schema=None) as batch_op:
        batch_op.drop_constraint("fk_test_set_parent_id_test_set", type_="foreignkey")
        for column in ("origin", "seed", "oracle", "parent_id", "basis", "kind"):
            batch_op.drop_column(column)
    _create_views(_RESULTS_0002)
