"""Progress bars for `lcagent run` / `generate` / `rejudge` (rich, on a terminal)."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.engine import Engine

from agent.pipeline import Pipeline
from agent.pipeline import Progress as PipelineProgress
from storage import repo
from storage.engine import session_scope


class PipelineView:
    def __init__(self, console: Console, engine: Engine, generate: bool = True, judge: bool = True) -> None:
        self.engine = engine
        self.bars = Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.fields[info]}"), TimeRemainingColumn(),
                             console=console, disable=not console.is_terminal)
        self.gen = self.bars.add_task("generate", total=None, info="", visible=generate)
        self.jud = self.bars.add_task("judge", total=None, info="", visible=judge)
        self._last = 0.0

    def __enter__(self) -> PipelineView:
        self.bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.__exit__(*exc)  # type: ignore[arg-type]

    def ready(self, pipeline: Pipeline) -> None:
        with session_scope(self.engine) as s:
            counts = repo.unit_counts(s)
        pending = counts.get("pending", 0) + counts.get("generating", 0)
        self.bars.update(self.gen, total=pending)
        self.bars.update(self.jud, total=pending + counts.get("generated", 0) + counts.get("judging", 0))

    def update(self, p: PipelineProgress) -> None:
        now = time.monotonic()
        if now - self._last < 0.2:
            return
        self._last = now
        rate = p.completion_tokens / max(1e-9, now - p.started)
        self.bars.update(self.gen, completed=p.generated, info=f"{p.in_flight} in flight, {rate:,.0f} tok/s")
        self.bars.update(self.jud, completed=p.judged, info=f"{p.failed} failed, {p.retried} retried")
