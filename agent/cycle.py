"""One cycle: sync new contests -> hidden tests -> generate -> judge -> record (->
LeetCode's own verdicts, when the submit backend is on). Used by `lcagent
run`, `lcagent generate` and the daemon's jobs, so they all behave the same.

Outside trouble never crashes a cycle: an endpoint that does not answer leaves
its model's units pending ("waiting for <endpoint>"), a Docker engine that does
not answer leaves generated units waiting for the judge, LeetCode trouble is
reported by the sync. Configuration errors (a model the endpoint does not serve,
a missing judge image) stop the cycle with a message that says what to fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from agent.generation.config import ModelSpec
from agent.generation.errors import EndpointUnavailable
from agent.generation.providers import make_provider
from agent.oracle.runner import TestGenReport
from agent.pipeline import (
    Model,
    Pipeline,
    PipelineOptions,
    Progress,
    plan_units,
    register_model,
    release_crashed,
)
from agent.settings import Settings
from agent.sources.sync import SyncReport, sync
from agent.submit import SubmitReport
from judge.errors import JudgeImageMissing, SandboxUnavailable
from judge.protocol import Judge
from storage import models, repo, test_sets
from storage.engine import session_scope
from storage.models import utcnow

log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    sync: SyncReport | None = None
    progress: Progress | None = None
    waiting: list[str] = field(default_factory=list)  # why some work waits (endpoint, Docker)
    testgen: TestGenReport | None = None  # hidden tests made this cycle
    submit: SubmitReport | None = None  # LeetCode's verdicts fetched this cycle


def hidden_tests(settings: Settings, engine: Engine, report: CycleReport) -> TestGenReport | None:
    """Hidden tests for the problems due (after a sync, before judging); trouble
    becomes a line in `report.waiting`, and the problems' units keep waiting."""
    from agent.oracle import OracleConfigError
    from agent.oracle.runner import TestGenOptions, generate_hidden_tests
    from agent.wiring import open_input_source, open_oracle

    t = settings.testgen
    if t.oracle is None:
        return None
    with session_scope(engine) as s:
        if not test_sets.due_for_tests(s, t.oracle, t.sources, utcnow()):
            return None
    options = TestGenOptions(seed=t.seed, count=t.count, max_input_bytes=t.max_input_bytes, backoff_s=t.backoff_s)
    try:
        with open_oracle(settings) as oracle, open_input_source(settings) as inputs:
            done = generate_hidden_tests(engine, oracle, options, sources=t.sources, inputs=inputs)
    except (OracleConfigError, SandboxUnavailable) as e:
        report.waiting.append(f"hidden tests wait: {e}")
        return None
    if done.stopped:
        report.waiting.append(f"hidden tests wait: {done.stopped}")
    elif done.waiting:
        report.waiting.append(f"hidden tests wait for {len(done.waiting)} problems: {done.waiting[-1][1]}")
    return done


def submit_to_leetcode(settings: Settings, engine: Engine, report: CycleReport) -> SubmitReport | None:
    """LeetCode's own verdicts on first attempts, when the submit backend is on."""
    from agent.sources.errors import SessionExpired
    from agent.submit import submit_first_attempts
    from agent.wiring import leetcode_client, leetcode_judge_api

    sub = settings.submit
    if not sub.enabled:
        return None
    with leetcode_client(settings) as client:
        try:
            api = leetcode_judge_api(settings, client, sub.min_interval_s)
        except SessionExpired as e:
            report.waiting.append(f"LeetCode submissions wait: {e}")
            return None
        done = submit_first_attempts(engine, api, attempts=sub.attempts, daily_cap=sub.daily_cap)
    if done.stopped:
        report.waiting.append(f"LeetCode submissions wait: {done.stopped}")
    return done


def _held_units(engine: Engine, settings: Settings) -> int:
    """Generated units whose problems still wait for hidden tests."""
    t = settings.testgen
    if t.oracle is None:
        return 0
    with session_scope(engine) as s:
        return repo.count_units(s, models.UnitState.GENERATED, test_sets.awaiting_tests(t.oracle, t.sources))


def select_specs(settings: Settings, names: list[str] | None, attempts: int | None = None) -> list[ModelSpec]:
    specs = settings.model_specs()
    if names:
        known = {s.name: s for s in specs}
        missing = [n for n in names if n not in known]
        if missing:
            raise ValueError(f"unknown model {', '.join(missing)} (configured: {', '.join(known)})")
        specs = [known[n] for n in names]
    if attempts is not None:
        specs = [s.model_copy(update={"attempts": attempts}) for s in specs]
    return specs


def problem_ids(engine: Engine, slugs: list[str] | None) -> list[int] | None:
    if not slugs:
        return None
    with session_scope(engine) as s:
        return [repo.get_problem(s, slug).id for slug in slugs]  # type: ignore[misc]


async def prepare_models(engine: Engine, specs: list[ModelSpec], settings: Settings,
                         only_problems: list[int] | None, report: CycleReport) -> list[Model]:
    """Check each endpoint, register the configuration, plan its units."""
    ready = []
    for spec in specs:
        provider = make_provider(spec)
        try:
            await provider.check()
        except EndpointUnavailable as e:
            report.waiting.append(f"model {spec.name} waits: {e}")
            await provider.aclose()
            continue
        config_id = register_model(engine, spec, provider.model_id)
        plan_units(engine, config_id, only_problems, tuple(settings.pipeline.sources))
        ready.append(Model(spec, provider, config_id))
    return ready


def _has_units(engine: Engine, state: models.UnitState) -> bool:
    with session_scope(engine) as s:
        return repo.has_units(s, state)


def _waiting_after_errors(engine: Engine, config_id: int | None,
                          state: models.UnitState = models.UnitState.PENDING) -> str | None:
    with session_scope(engine) as s:
        units = repo.units_waiting_after_errors(s, state, config_id)
        if not units:
            return None
        return f"{len(units)} units {state} after errors, the last: {units[-1].last_error}"


@contextlib.contextmanager
def open_judge_or_wait(settings: Settings, report: CycleReport) -> Iterator[Judge | None]:
    """A judge, or None (with the reason in the report) when Docker does not answer."""
    from agent.wiring import open_judge

    try:
        with open_judge(settings) as judge:
            yield judge
    except JudgeImageMissing:
        raise
    except SandboxUnavailable as e:
        report.waiting.append(f"judging waits: {e}")
        yield None


async def run_cycle(
    settings: Settings,
    engine: Engine,
    *,
    do_sync: bool = True,
    generate: bool = True,
    judge: bool = True,
    model_names: list[str] | None = None,
    problem_slugs: list[str] | None = None,
    attempts: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    pipeline_ready: Callable[[Pipeline], None] | None = None,
) -> CycleReport:
    report = CycleReport()
    if do_sync and settings.sync_leetcode:
        from agent.wiring import leetcode_client

        with leetcode_client(settings) as client:
            report.sync = await asyncio.to_thread(sync, client, engine)
    released = release_crashed(engine)
    if released:
        log.info("released %d units a previous run left in flight", released)
    report.testgen = await asyncio.to_thread(hidden_tests, settings, engine, report)
    ready: list[Model] = []
    if generate:
        specs = select_specs(settings, model_names, attempts)
        ready = await prepare_models(engine, specs, settings, problem_ids(engine, problem_slugs), report)
    options = PipelineOptions(max_tries=settings.pipeline.max_tries, backoff_s=settings.pipeline.backoff_s,
                              judge_parallelism=min(settings.pipeline.judge_parallelism, settings.judge.parallelism),
                              hold_oracle=settings.testgen.oracle, hold_sources=tuple(settings.testgen.sources))
    try:
        need_judge = judge and (ready or _has_units(engine, models.UnitState.GENERATED))
        with (open_judge_or_wait(settings, report) if need_judge else contextlib.nullcontext()) as the_judge:
            pipeline = Pipeline(engine, ready, the_judge, options, on_progress)
            if pipeline_ready:
                pipeline_ready(pipeline)
            report.progress = await pipeline.run(generate=generate, judge=judge and the_judge is not None)
        for m in ready:  # units an endpoint error sent back wait for it, as when it is down at start
            waiting = _waiting_after_errors(engine, m.config_id)
            if waiting:
                report.waiting.append(f"model {m.spec.name} waits: {waiting}")
        if the_judge is not None:  # and units the judge could not take wait for it
            waiting = _waiting_after_errors(engine, None, models.UnitState.GENERATED)
            if waiting:
                report.waiting.append(f"judging waits: {waiting}")
    finally:
        for m in ready:
            await m.provider.aclose()
    held = _held_units(engine, settings)
    if held:
        report.waiting.append(f"{held} generated units wait for their problems' hidden tests")
    if judge:
        report.submit = await asyncio.to_thread(submit_to_leetcode, settings, engine, report)
    return report
