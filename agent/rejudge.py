"""`lcagent rejudge`: judge stored generations again, against the current test sets
and under the current judge image.

The units go back to `generated`; the pipeline's judge stage then records a new
current judgement and keeps the old one as history. Afterwards the change report
says what the new judge changed: per pair of judge images (before -> now), how
many verdicts were judged again and how many changed, which verdict classes
moved to which, and every changed generation by name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from storage import test_sets
from storage.engine import session_scope
from storage.rejudge_queries import Rejudged, rejudged_since


def mark_for_rejudge(engine: Engine, *, everything: bool = False, model: str | None = None,
                     judge_image: str | None = None) -> int:
    """Units whose current verdict used an outdated test set or, given `judge_image`,
    another judge image (all judged units with code when `everything`) go back to
    `generated`; returns how many."""
    with session_scope(engine) as s:
        return test_sets.requeue_judged(s, everything=everything, config_name=model, judge_image=judge_image)


@dataclass(frozen=True)
class ImageChange:
    """What judging again under `after` did to the verdicts `before` had given."""

    before: str
    after: str
    judged: int
    changed: int
    by_class: dict[str, int]  # old verdict -> how many of its verdicts were judged again
    moves: dict[tuple[str, str], int]  # (old verdict, new verdict) -> how many, changed ones only


@dataclass(frozen=True)
class RejudgeReport:
    requeued: int
    rows: list[Rejudged]

    @property
    def images(self) -> list[ImageChange]:
        pairs: dict[tuple[str, str], list[Rejudged]] = {}
        for r in self.rows:
            pairs.setdefault((r.before_image, r.after_image), []).append(r)
        return [ImageChange(before, after, len(rows), sum(r.changed for r in rows),
                            dict(sorted(Counter(r.before for r in rows).items())),
                            dict(sorted(Counter((r.before, r.after) for r in rows if r.changed).items())))
                for (before, after), rows in sorted(pairs.items())]

    @property
    def changed(self) -> list[Rejudged]:
        return [r for r in self.rows if r.changed]

    def lines(self) -> list[str]:
        """The report as plain text lines."""
        out = [f"judged again: {len(self.rows)} of {self.requeued} generations sent back"]
        if len(self.rows) < self.requeued:
            out.append(f"  {self.requeued - len(self.rows)} still wait for the judge (`lcagent status` says why)")
        for image in self.images:
            out.append(f"{image.before} -> {image.after}: {image.judged} judged again, {image.changed} changed")
            for verdict, n in image.by_class.items():
                moved = {new: k for (old, new), k in image.moves.items() if old == verdict}
                detail = ", ".join(f"{k} now {new}" for new, k in moved.items()) or "none changed"
                out.append(f"  {verdict}: {n} ({detail})")
        if self.changed:
            out.append("verdicts that changed:")
            out += [f"  {r.config} {r.problem} attempt {r.attempt}: {r.before} -> {r.after}" for r in self.changed]
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "requeued": self.requeued,
            "judged_again": len(self.rows),
            "images": [{"before": i.before, "after": i.after, "judged_again": i.judged, "changed": i.changed,
                        "by_verdict": i.by_class,
                        "moves": [{"before": a, "after": b, "n": n} for (a, b), n in i.moves.items()]}
                       for i in self.images],
            "changed": [{"generation_id": r.generation_id, "config": r.config, "problem": r.problem,
                         "attempt": r.attempt, "before": r.before, "before_image": r.before_image,
                         "after": r.after, "after_image": r.after_image} for r in self.changed],
        }


def rejudge_report(engine: Engine, requeued: int, since: datetime, model: str | None = None) -> RejudgeReport:
    """What the judging since `since` changed (old verdicts are read from history)."""
    with session_scope(engine) as s:
        return RejudgeReport(requeued, rejudged_since(s, since, model))
