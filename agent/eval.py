"""`lcagent eval`: one model that is not in the configuration, in one shot.

The model is a configuration of its own (name, endpoint, sampling), stored like a
configured one, so its results show in reports, `status` and the dashboard. The
problems: the `--contest` ones (synced first), those released `--since` a date, or
every stored problem of the pipeline's sources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from agent.generation.config import ModelSpec, Sampling
from agent.settings import Settings
from agent.sources.sync import SyncReport
from storage import repo
from storage.engine import session_scope


@dataclass
class EvalOptions:
    base_url: str
    model: str
    name: str | None = None
    contests: list[str] = field(default_factory=list)
    since: datetime | None = None
    attempts: int = 1
    temperature: float | None = None
    max_tokens: int | None = None
    training_cutoff: date | None = None
    concurrency: int = 16
    api_key: str | None = None
    sync: bool = True


@dataclass
class EvalPlan:
    settings: Settings  # with this one model configured
    spec: ModelSpec
    sync: SyncReport | None
    problem_slugs: list[str] | None  # None: every problem
    problem_ids: list[int] | None


def model_spec(o: EvalOptions) -> ModelSpec:
    return ModelSpec(name=o.name or o.model, served_id=o.model, base_urls=[o.base_url],
                     api_key=SecretStr(o.api_key or "EMPTY"), attempts=o.attempts, concurrency=o.concurrency,
                     sampling=Sampling(temperature=o.temperature, max_tokens=o.max_tokens),
                     training_cutoff=o.training_cutoff)


def selected_problems(engine: Engine, contests: list[str], since: datetime | None) -> list[tuple[int, str]]:
    """(id, slug) of the problems of these contests released at or after `since`."""
    with session_scope(engine) as s:
        return repo.released_problems(s, contests, since)


def prepare_eval(settings: Settings, engine: Engine, o: EvalOptions,
                 on_contest: Callable[[str], None] | None = None) -> EvalPlan:
    """Sync (when asked and allowed), choose the problems, configure the model.
    ValueError when the selection is empty, saying why."""
    from agent.sources.sync import sync
    from agent.wiring import leetcode_client

    since = o.since.replace(tzinfo=UTC) if o.since is not None and o.since.tzinfo is None else o.since
    spec = model_spec(o)
    report = None
    if o.sync and settings.sync_leetcode:
        with leetcode_client(settings) as client:
            report = sync(client, engine, contests=o.contests or None, since=since, on_contest=on_contest)
    slugs: list[str] | None = None
    ids: list[int] | None = None
    if o.contests or since is not None:
        found = selected_problems(engine, o.contests, since)
        if not found:
            what = (f"contest {', '.join(o.contests)}" if o.contests else "") + \
                (" " if o.contests and since else "") + (f"released since {since:%Y-%m-%d}" if since else "")
            why = " (the sync failed: see above)" if report is not None and report.failures else ""
            raise ValueError(f"no problems stored for {what.strip()}{why}")
        ids, slugs = [i for i, _ in found], [s for _, s in found]
    return EvalPlan(settings.model_copy(update={"models": [spec]}), spec, report, slugs, ids)
