"""The score at a glance, per model configuration: what `lcagent run`, `lcagent eval`
and `lcagent status` print.

    model     accepted  rate   95% CI         tests             no code  truncated  not judged
    model-a   10/10     100.0  [72.2, 100.0]  examples only 10  0        0          0

`accepted/attempts` counts judged units as the report does (`no code` and
`truncated` are failed attempts, counted in the attempts and shown apart);
`not judged` are units still pending, in flight or given up on (no result yet, not
in the attempts). `tests` says what the verdicts rest on (examples only, hidden
tests from a pack, generated inputs with an oracle's outputs), in judged attempts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from agent.reports.data import basis_label
from agent.reports.stats import Rate, wilson
from storage.engine import session_scope
from storage.status_queries import score_rows

ACCEPTED = "Accepted"


@dataclass
class Score:
    label: str
    config_id: int
    accepted: int = 0
    attempts: int = 0  # judged units: verdicts, no code, truncated
    no_code: int = 0
    truncated: int = 0
    not_judged: int = 0  # pending, generating, generated, judging, failed
    tests: dict[str, int] = field(default_factory=dict)  # what verdicts rest on -> judged attempts with code

    def cells(self) -> list[str]:
        rate, ci = Rate(self.accepted, self.attempts).value, wilson(self.accepted, self.attempts)
        tests = ", ".join(f"{k} {n}" for k, n in sorted(self.tests.items())) or "-"
        return [self.label, f"{self.accepted}/{self.attempts}",
                "–" if rate is None else f"{100 * rate:.1f}%",
                "–" if ci is None else f"[{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]",
                tests, str(self.no_code), str(self.truncated), str(self.not_judged)]


HEADER = ["model", "accepted", "rate", "95% CI", "tests", "no code", "truncated", "not judged"]


def read_scores(engine: Engine, *, config_ids: Sequence[int] | None = None,
                problem_ids: Sequence[int] | None = None) -> list[Score]:
    """One Score per model configuration with units (of these problems), by label."""
    with session_scope(engine) as s:
        rows = score_rows(s, config_ids=config_ids, problem_ids=problem_ids)
    hashes: dict[str, set[str]] = defaultdict(set)
    for _, name, h, *_rest in rows:
        hashes[name].add(h)
    scores: dict[int, Score] = {}
    for cid, name, h, state, outcome, verdict, basis, oracle, n in rows:
        label = name if len(hashes[name]) == 1 else f"{name}#{h[:6]}"
        sc = scores.setdefault(cid, Score(label, cid))
        if str(state) != "judged":
            sc.not_judged += n
            continue
        sc.attempts += n
        if outcome is not None and str(outcome) == "no code":
            sc.no_code += n
        elif outcome is not None and str(outcome) == "truncated":
            sc.truncated += n
        elif verdict is not None:
            if str(verdict) == ACCEPTED:
                sc.accepted += n
            key = basis_label(basis, oracle)
            sc.tests[key] = sc.tests.get(key, 0) + n
    return sorted(scores.values(), key=lambda s: s.label)


def plain_table(scores: Sequence[Score]) -> list[str]:
    """Aligned plain-text lines (for pipes, logs and `lcagent status`)."""
    rows = [HEADER, *(s.cells() for s in scores)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def rich_table(scores: Sequence[Score], title: str | None = None) -> object:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, h in enumerate(HEADER):
        table.add_column(h, justify="left" if i in (0, 4) else "right")
    for s in scores:
        table.add_row(*s.cells())
    return table
