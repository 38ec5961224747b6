"""views per model configuration, with 95% Wilson intervals; v_problem_model

Revision ID: 0007
Revises: 0006

Two configurations may share a name (a model run with other sampling or another
prompt): the report keeps them apart, and so must the dashboards.

- v_results gains `config_label` (at the end): the configuration's name, or
  `name#<first 6 of its hash>` when several configurations of the database share
  the name, as the report labels them.
- Every aggregate view groups by configuration (`model_config, config_hash,
  config_label`), never by name alone, and gains `config_hash, config_label` at the
  end; the rate views also gain `ci_low, ci_high`, the 95% Wilson score interval
  of accepted/attempts (fractions, like `rate`).
- v_leetcode_agreement gains `config_hash, config_label` at the end.
- New: v_problem_model, acceptance per problem and configuration (the problem x
  model matrix of the dashboard).

The view text is frozen here, as in 0002 and 0006. Downgrade re-creates 0006's
views from 0006's own (frozen) text.

Append-only: never edit a migration that has been released; add a new one.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
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
            THEN mc.name || '#' || substr(mc.config_hash, 1, 6) ELSE mc.name END AS config_label
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
_CONFIG = "model_config, config_hash, config_label"
_Z = "1.959963984540054"  # the 97.5th percentile of the standard normal


def _rate_view(name: str, keys: str, where: str = "") -> str:
    """accepted/attempts/rate per configuration and `keys`, then the Wilson interval:
    centre (p + z²/2n) / (1 + z²/n), half-width z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n),
    clipped to [0, 1]."""
    return f"""CREATE VIEW {name} AS
SELECT model_config, {keys}, accepted, attempts, rate, config_hash, config_label,
       CASE WHEN centre - half < 0 THEN 0.0 ELSE centre - half END AS ci_low,
       CASE WHEN centre + half > 1 THEN 1.0 ELSE centre + half END AS ci_high
FROM (SELECT a.*, (rate + {_Z} * {_Z} / (2.0 * attempts)) / (1 + {_Z} * {_Z} / attempts) AS centre,
             {_Z} * sqrt(rate * (1 - rate) / attempts + {_Z} * {_Z} / (4.0 * attempts * attempts))
             / (1 + {_Z} * {_Z} / attempts) AS half
      FROM (SELECT {_CONFIG}, {keys}, SUM(accepted) AS accepted, COUNT(*) AS attempts,
                   1.0 * SUM(accepted) / COUNT(*) AS rate
            FROM v_results WHERE result IS NOT NULL {where}
            GROUP BY {_CONFIG}, {keys}) a) w"""


_AGGREGATES = [
    _rate_view("v_acceptance_model_week", "release_week"),
    _rate_view("v_acceptance_model_contest", "contest, contest_start", "AND contest IS NOT NULL"),
    _rate_view("v_acceptance_difficulty", "difficulty"),
    f"""CREATE VIEW v_verdict_mix AS
SELECT model_config, release_week, result, COUNT(*) AS n, config_hash, config_label FROM v_results
WHERE result IS NOT NULL GROUP BY {_CONFIG}, release_week, result""",
    _rate_view("v_contamination", "training_cutoff, after_cutoff", "AND after_cutoff IS NOT NULL"),
    f"""CREATE VIEW v_usage AS
SELECT model_config, release_week, COUNT(outcome) AS generations, AVG(latency_ms) AS avg_latency_ms,
       SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,
       AVG(completion_tokens) AS avg_completion_tokens,
       SUM(CASE WHEN outcome = 'truncated' THEN 1 ELSE 0 END) AS truncated, config_hash, config_label
FROM v_results WHERE outcome IS NOT NULL GROUP BY {_CONFIG}, release_week""",
    """CREATE VIEW v_leetcode_agreement AS
SELECT model_config, problem, contest, attempt, test_basis, verdict AS local_verdict, leetcode_verdict,
       CASE WHEN verdict = leetcode_verdict THEN 1 ELSE 0 END AS agree, config_hash, config_label
FROM v_results WHERE verdict IS NOT NULL AND leetcode_verdict IS NOT NULL""",
    _rate_view("v_problem_model", "problem, title, contest, contest_start, difficulty, release_time"),
]
_NAMES = ["v_results", "v_acceptance_model_week", "v_acceptance_model_contest", "v_acceptance_difficulty",
          "v_verdict_mix", "v_contamination", "v_usage", "v_leetcode_agreement", "v_problem_model"]


def _drop_views() -> None:
    for name in reversed(_NAMES):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def _revision_0006() -> ModuleType:
    path = Path(__file__).with_name("0006_hidden_tests_and_leetcode_verdicts.py")
    spec = importlib.util.spec_from_file_location("lcagent_migration_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    _drop_views()
    dialect = op.get_bind().dialect.name
    op.execute(_RESULTS.format(day=_AFTER.get(dialect, "CAST(p.release_time AS DATE)")))
    for ddl in _AGGREGATES:
        op.execute(ddl)


def downgrade() -> None:
    _drop_views()
    previous = _revision_0006()
    previous._create_views(previous._RESULTS)
    op.execute(previous._AGREEMENT)
