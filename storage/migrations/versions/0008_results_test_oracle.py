"""v_results names the oracle of the tests a verdict rests on

Revision ID: 0008
Revises: 0007

A generated test set's outputs come from an oracle -- LeetCode's run-code, a
pack's reference solution, or the community consensus (issue 19) -- and a rate
on them should say which. v_results gains `test_oracle` (at the end): the
current test set's `oracle`, NULL for sets that are not generated. The other
views are 0007's, re-created unchanged (they read v_results by column name).

The view text is frozen here; the aggregates are 0007's frozen text. Downgrade
re-creates 0007's views.

Append-only: never edit a migration that has been released; add a new one.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
       ts.basis AS test_basis, lj.verdict AS leetcode_verdict,
       CASE WHEN (SELECT COUNT(DISTINCT o.config_hash) FROM model_config o WHERE o.name = mc.name) > 1
            THEN mc.name || '#' || substr(mc.config_hash, 1, 6) ELSE mc.name END AS config_label,
       ts.oracle AS test_oracle
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


def _revision_0007() -> ModuleType:
    path = Path(__file__).with_name("0007_views_per_configuration.py")
    spec = importlib.util.spec_from_file_location("lcagent_migration_0007", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    previous = _revision_0007()
    previous._drop_views()
    dialect = op.get_bind().dialect.name
    op.execute(_RESULTS.format(day=_AFTER.get(dialect, "CAST(p.release_time AS DATE)")))
    for ddl in previous._AGGREGATES:
        op.execute(ddl)


def downgrade() -> None:
    _revision_0007().upgrade()
