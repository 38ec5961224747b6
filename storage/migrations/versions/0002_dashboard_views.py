"""dashboard views

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Append-only: never edit a migration that has been released; add a new one.
The view text is frozen here (not imported), so a later change of storage/views.py
needs a new migration.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AFTER = {
    "sqlite": "date(p.release_time)",
    "postgresql": "CAST(p.release_time AS DATE)",
}
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
_AGGREGATES = [
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
_NAMES = ["v_results", "v_acceptance_model_week", "v_acceptance_model_contest", "v_acceptance_difficulty",
          "v_verdict_mix", "v_contamination", "v_usage"]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute(_RESULTS.format(day=_AFTER.get(dialect, "CAST(p.release_time AS DATE)")))
    for ddl in _AGGREGATES:
        op.execute(ddl)


def downgrade() -> None:
    for name in reversed(_NAMES):
        op.execute(f"DROP VIEW IF EXISTS {name}")
