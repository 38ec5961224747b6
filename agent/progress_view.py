"""Progress for `lcagent run` / `eval` / `generate` / `rejudge`: rich bars on a
terminal; plain `generate n/N done, judge n/N done` lines when the output is piped
or logged (at every tenth of the work, and when it ends)."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.engine import Engine

from agent.pipeline import Pipeline
from agent.pipeline import Progress as PipelineProgress
from storage import repo
from storage.engine import session_scope
from storage.models import utcnow
from storage.status_queries import generations_without_code


class PipelineView:
    def __init__(self, console: Console, engine: Engine, generate: bool = True, judge: bool = True) -> None:
        self.engine = engine
        self.bars = Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.fields[info]}"), TimeRemainingColumn(),
                             console=console, disable=not console.is_terminal)
        self.gen = self.bars.add_task("generate", total=None, info="", visible=generate)
        self.jud = self.bars.add_task("judge", total=None, info="", visible=judge)
        self._last = 0.0
        self.console, self.plain = console, not console.is_terminal
        self.show = {"generate": generate, "judge": judge}
        self.totals = {"generate": 0, "judge": 0}
        self.done = {"generate": 0, "judge": 0}
        self._said: tuple[int, ...] | None = None  # the tenths said last (plain lines)
        self.config_ids: list[int] = []  # the configurations the pipeline works for
        self.started = utcnow()

    def __enter__(self) -> PipelineView:
        self.bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            # answers without code (or cut off) are never judged: not in the judge's total
            self.totals["judge"] = max(self.done["judge"], self.totals["judge"] - self._not_for_the_judge())
            self.bars.update(self.jud, total=self.totals["judge"])
        self.bars.__exit__(*exc)  # type: ignore[arg-type]
        if self.plain and exc[0] is None and any(self.totals.values()):  # nothing to do: nothing to say
            self._say(final=True)

    def _not_for_the_judge(self) -> int:
        if not self.config_ids:
            return 0
        with session_scope(self.engine) as s:
            return generations_without_code(s, self.config_ids, self.started)

    def line(self) -> str:
        """`generate 12/40 done, judge 8/40 done` (the stages this command runs)."""
        return ", ".join(f"{k} {self.done[k]}/{self.totals[k]} done" for k in ("generate", "judge") if self.show[k])

    def _say(self, final: bool = False) -> None:
        tenths = tuple(10 * self.done[k] // self.totals[k] if self.totals[k] else 10 for k in ("generate", "judge"))
        if tenths != self._said or (final and self._said is None):
            self._said = tenths
            self.console.print(self.line(), markup=False, highlight=False)

    def ready(self, pipeline: Pipeline) -> None:
        with session_scope(self.engine) as s:
            counts = repo.unit_counts(s)
        pending = counts.get("pending", 0) + counts.get("generating", 0)
        self.totals = {"generate": pending, "judge": pending + counts.get("generated", 0) + counts.get("judging", 0)}
        self.config_ids = [m.config_id for m in pipeline.models]
        self.bars.update(self.gen, total=self.totals["generate"])
        self.bars.update(self.jud, total=self.totals["judge"])

    def update(self, p: PipelineProgress) -> None:
        self.done = {"generate": p.generated, "judge": p.judged}
        if self.plain:
            self._say()
            return
        now = time.monotonic()
        if now - self._last < 0.2:
            return
        self._last = now
        rate = p.completion_tokens / max(1e-9, now - p.started)
        self.bars.update(self.gen, completed=p.generated, info=f"{p.in_flight} in flight, {rate:,.0f} tok/s")
        self.bars.update(self.jud, completed=p.judged, info=f"{p.failed} failed, {p.retried} retried")
