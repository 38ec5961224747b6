"""The pipeline: units of work through generate -> judge, resumable at any instant.

A unit is (problem × model configuration × attempt). States:

    pending ─claim─> generating ─response─> generated ─claim─> judging ─verdict─> judged
       ^                 │  └─ no code / truncated ─────────────────────────────> judged
       └── infrastructure error (endpoint down, Docker down): back, with backoff;
           after `max_tries` -> failed, with the error. Never a verdict.

Units are claimed atomically through the database, so two workers (or two
processes) never take the same unit. A generation is written to the database the
moment it arrives (it was paid for); judging starts with the first generation and
runs beside generation, with its own parallelism. On start, units a crash left
`generating` or `judging` go back to `pending` / `generated`.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from agent.generation.config import ModelSpec
from agent.generation.errors import (
    EndpointUnavailable,
    GenerationConfigError,
    GenerationError,
    RequestRejected,
)
from agent.generation.extract import extract, extractor_version
from agent.generation.prompts import render, template_for, template_version
from agent.generation.providers import Completion, Provider
from judge.errors import JudgeImageMissing, ProblemError, SandboxUnavailable
from judge.problem import Problem as JudgeProblem
from judge.protocol import Judge
from judge.signature import DesignSignature
from judge.text import safe_text
from storage import models, repo, test_sets
from storage.engine import session_scope
from storage.errors import StorageError
from storage.models import AnySelect, Outcome, UnitState, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PipelineOptions:
    max_tries: int = 5  # infrastructure failures before a unit is marked failed
    backoff_s: float = 30.0
    backoff_cap_s: float = 3600.0
    judge_parallelism: int = 2
    idle_poll_s: float = 0.2
    # problems of these sources wait for hidden tests from this oracle before their
    # units are judged (a verdict on example tests alone would be recorded)
    hold_oracle: str | None = None
    hold_sources: tuple[str, ...] = ()


@dataclass
class Progress:
    generated: int = 0
    judged: int = 0
    retried: int = 0
    failed: int = 0
    in_flight: int = 0
    completion_tokens: int = 0
    started: float = field(default_factory=time.monotonic)
    errors: list[str] = field(default_factory=list)


@dataclass
class Model:
    """A configured model: its spec, its provider, and its configuration row."""

    spec: ModelSpec
    provider: Provider
    config_id: int


def register_model(engine: Engine, spec: ModelSpec, served_id: str) -> int:
    """Upsert the model and this exact configuration; returns the configuration id."""
    with session_scope(engine) as s:
        model = repo.upsert_model(s, spec.name, served_id, spec.base_urls, spec.training_cutoff)
        config = repo.upsert_model_config(
            s, model, spec.name, spec.sampling.model_dump(mode="json", exclude_none=True),
            template_for(spec).name, template_version(spec), spec.attempts,
        )
        assert config.id is not None
        return config.id


def plan_units(engine: Engine, config_id: int, problem_ids: list[int] | None = None,
               sources: tuple[str, ...] | None = None) -> int:
    """Create the missing units for a configuration; returns how many were new."""
    with session_scope(engine) as s:
        config = s.get(models.ModelConfig, config_id)
        assert config is not None
        if problem_ids is None:
            problem_ids = repo.problem_ids(s, sources)
        return repo.ensure_units(s, config, problem_ids)


@dataclass
class _Pending:
    """A generation received and waiting to be committed."""

    unit: models.Unit
    model: Model
    problem: JudgeProblem
    messages: list[dict[str, str]]
    completion: Completion


class Pipeline:
    def __init__(self, engine: Engine, models_: list[Model], judge: Judge | None,
                 options: PipelineOptions = PipelineOptions(),
                 on_progress: Callable[[Progress], None] | None = None) -> None:
        self.engine, self.models, self.judge, self.options = engine, models_, judge, options
        self.by_config = {m.config_id: m for m in models_}
        self.progress = Progress()
        self.on_progress = on_progress
        self.stopping = asyncio.Event()
        self.fatal: BaseException | None = None
        self._problems: dict[tuple[int, int | None], JudgeProblem] = {}
        self._token = repo.claim_owner() + uuid.uuid4().hex[:8]
        self._succeeded: dict[int, bool] = {}  # configuration -> a request has worked
        self._run_id: int | None = None  # the `run` row of this pipeline's work (provenance)
        self._kind = "cycle"
        self._versions: dict[int, int | None] = {}  # problem -> its latest version's id
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._writer: asyncio.Task | None = None

    # ------------------------------------------------------------------ helpers

    def _problem(self, problem_id: int, test_set_id: int | None = None, with_tests: bool = True) -> JudgeProblem:
        key = (problem_id, test_set_id if with_tests else -1)
        if key not in self._problems:
            with session_scope(self.engine) as s:
                self._problems[key] = repo.load_problem(s, problem_id, test_set_id, with_tests=with_tests)
        return self._problems[key]

    def _claim(self, from_state: UnitState, to_state: UnitState, limit: int,
               configs: list[int] | None = None) -> list[models.Unit]:
        # pending units of configurations this process has no provider for stay put
        if configs is None and from_state is UnitState.PENDING:
            configs = list(self.by_config)
        with session_scope(self.engine) as s:
            units = repo.claim_units(s, from_state, to_state, limit, f"{self._token}-{uuid.uuid4().hex[:6]}",
                                     config_ids=configs, exclude_problems=self._held(from_state))
            if units and self._run_id is None:  # a run is recorded once there is work
                self._run_id = repo.start_run(s, self._kind, host=socket.gethostname(), settings={
                    "models": [m.spec.name for m in self.models], "options": dataclasses.asdict(self.options)}).id
            if from_state is UnitState.PENDING:  # the prompts' problems, in a few queries
                wanted = [u.problem_id for u in units if (u.problem_id, -1) not in self._problems]
                if wanted:
                    try:
                        loaded = repo.load_prompt_problems(s, wanted)
                    except (ProblemError, StorageError):
                        loaded = {}  # each unit then loads (and fails) on its own
                    for pid, (problem, version_id) in loaded.items():
                        self._problems[(pid, -1)] = problem
                        self._versions[pid] = version_id
        return units

    def _held(self, state: UnitState) -> AnySelect | None:
        """The problems whose units wait for hidden tests instead of the judge."""
        if state is not UnitState.GENERATED or self.options.hold_oracle is None:
            return None
        return test_sets.awaiting_tests(self.options.hold_oracle, self.options.hold_sources)

    def _finish_run(self, status: str) -> None:
        if self._run_id is None:
            return
        p = self.progress
        with session_scope(self.engine) as s:
            repo.finish_run(s, self._run_id, status, note=f"{p.generated} generated, {p.judged} judged, "
                                                          f"{p.retried} retried, {p.failed} failed")

    def _retry_later(self, unit: models.Unit, back_to: UnitState, error: str) -> None:
        tries = unit.tries + 1
        with session_scope(self.engine) as s:
            if tries >= self.options.max_tries:
                repo.set_unit_state(s, unit.id, UnitState.FAILED, error=error, count_try=True)  # type: ignore[arg-type]
                self.progress.failed += 1
            else:
                delay = min(self.options.backoff_cap_s, self.options.backoff_s * 2 ** (tries - 1))
                repo.set_unit_state(s, unit.id, back_to, error=error, count_try=True,  # type: ignore[arg-type]
                                    retry_at=utcnow() + timedelta(seconds=delay))
                self.progress.retried += 1
        self._note_error(error)
        log.warning("unit %s: %s (try %d of %d)", unit.id, error, tries, self.options.max_tries)

    def _fail(self, unit: models.Unit, error: str) -> None:
        with session_scope(self.engine) as s:
            repo.set_unit_state(s, unit.id, UnitState.FAILED, error=error)  # type: ignore[arg-type]
        self.progress.failed += 1
        self._note_error(error)
        log.error("unit %s failed: %s", unit.id, error)

    def _note_error(self, error: str) -> None:
        self.progress.errors = [*self.progress.errors, error][-20:]

    def _tick(self) -> None:
        if self.on_progress:
            self.on_progress(self.progress)

    # --------------------------------------------------------------- generation

    async def _generate(self, unit: models.Unit) -> None:
        model = self.by_config[unit.model_config_id]
        try:
            problem = self._problem(unit.problem_id, with_tests=False)  # a prompt needs no tests
            messages = render(template_for(model.spec), problem, model.spec.system_role)
        except (ProblemError, ValueError) as e:
            self._fail(unit, f"cannot build the prompt: {e}")
            return
        self.progress.in_flight += 1
        self._tick()
        try:
            completion = await model.provider.complete(messages, problem, unit.attempt)
        except EndpointUnavailable as e:
            self._retry_later(unit, UnitState.PENDING, str(e))
            return
        except RequestRejected as e:
            if self._succeeded.get(unit.model_config_id):
                self._fail(unit, str(e))  # this request is wrong, the others were fine
            else:  # nothing of this model has worked: its configuration is wrong
                self._release(unit, UnitState.PENDING)
                self._stop_fatally(GenerationConfigError(f"stopping: {e}"))
            return
        except GenerationConfigError as e:
            self._release(unit, UnitState.PENDING)
            self._stop_fatally(e)
            return
        except asyncio.CancelledError:
            self._release(unit, UnitState.PENDING)
            raise
        finally:
            self.progress.in_flight -= 1
        self._succeeded[unit.model_config_id] = True
        # Committed by the writer in a moment; the slot is free now, since the
        # endpoint does not wait for our database. (A crash before the commit loses
        # the answer either way: the unit is still "generating" and is asked again.)
        self._enqueue(_Pending(unit, model, problem, messages, completion))

    def _enqueue(self, item: _Pending) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_loop())
        self._queue.put_nowait(item)

    async def _write_loop(self) -> None:
        """Commit generations in batches: one transaction for whatever arrived
        meanwhile. In the loop thread: a thread would fight the loop for the GIL."""
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < 256:
                batch.append(self._queue.get_nowait())
            try:
                self._write(batch)
            except Exception as e:  # a storage bug: stop; the units stay "generating"
                self._stop_fatally(e)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _write(self, batch: list[_Pending]) -> None:
        for item in self._write_batch(batch):
            self.progress.generated += 1
            self.progress.completion_tokens += item.completion.completion_tokens or 0
        self._tick()

    def _flush_now(self) -> None:
        """At cancellation: answers received and paid for are stored before going."""
        batch = []
        while not self._queue.empty():
            batch.append(self._queue.get_nowait())
            self._queue.task_done()
        if batch:
            self._write(batch)

    def _write_batch(self, batch: list[_Pending]) -> list[_Pending]:
        """One transaction for the batch; when it fails, each generation alone, and
        one that cannot be stored fails its unit only (the database being
        unreachable is not a unit's fault: that stops the run, units stay put)."""
        try:
            rows = [self._generation_fields(item) for item in batch]
            with session_scope(self.engine) as s:
                repo.record_generations(s, [(item.unit, fields) for item, fields in zip(batch, rows, strict=True)])
            return batch
        except OperationalError:
            raise
        except Exception:
            pass
        return [item for item in batch if self._store_one(item)]  # find the one at fault

    def _store_one(self, item: _Pending) -> bool:
        try:
            fields = self._generation_fields(item)
            with session_scope(self.engine) as s:
                repo.record_generation(s, item.unit, **fields)
            return True
        except OperationalError:
            raise
        except Exception as e:
            log.exception("unit %s: cannot store its generation", item.unit.id)
            self._fail(item.unit, f"cannot store the generation: {_describe(e)}")
            return False

    def _generation_fields(self, item: _Pending) -> dict:
        unit, model, c, sig = item.unit, item.model, item.completion, item.problem.signature
        classname, method = (sig.classname, None) if isinstance(sig, DesignSignature) else ("Solution", sig.name)
        try:
            ex = extract(c.content, c.reasoning, c.finish_reason, classname, method)
            answer, reasoning, code, outcome = ex.answer, ex.reasoning, ex.code, Outcome(ex.outcome)
        except GenerationError as e:  # hostile content: keep the raw response, no code
            answer, reasoning, code, outcome = str(c.content)[:100_000], None, None, Outcome.NO_CODE
            log.warning("unit %s: %s", unit.id, e)
        return dict(
            problem_version_id=self._version_id(unit.problem_id), run_id=self._run_id, endpoint=c.endpoint,
            served_model=c.served_model,
            # what was sent, and the extractor's version (no column of its own yet)
            sampling={**model.spec.sampling.for_attempt(unit.attempt).model_dump(mode="json", exclude_none=True),
                      "extractor": extractor_version()},
            prompt_template_version=template_version(model.spec), prompt=item.messages, raw_response=c.raw,
            content=answer, reasoning=reasoning, extracted_code=code, outcome=outcome,
            finish_reason=c.finish_reason, prompt_tokens=c.prompt_tokens,
            completion_tokens=c.completion_tokens, latency_ms=c.latency_ms,
        )

    def _version_id(self, problem_id: int) -> int | None:
        if problem_id not in self._versions:
            with session_scope(self.engine) as s:
                self._versions[problem_id] = repo.latest_version_id(s, problem_id)
        return self._versions[problem_id]

    def _release(self, unit: models.Unit, state: UnitState) -> None:
        with session_scope(self.engine) as s:
            repo.set_unit_state(s, unit.id, state)  # type: ignore[arg-type]

    def _stop_fatally(self, error: BaseException) -> None:
        if self.fatal is None:
            self.fatal = error
            log.error("stopping: %s", error)
        self.stopping.set()

    # ------------------------------------------------------------------ judging

    async def _judge_unit(self, unit: models.Unit) -> None:
        assert self.judge is not None
        with session_scope(self.engine) as s:
            gen = repo.generation_of(s, models.id_of(unit))
            test_set = repo.current_test_set(s, unit.problem_id) if gen else None
        if gen is None or test_set is None or gen.extracted_code is None:
            self._fail(unit, "generated unit without a generation holding code")
            return
        try:
            problem = self._problem(unit.problem_id, test_set.id)
            result = await asyncio.to_thread(self.judge.judge, problem, gen.extracted_code)
        except JudgeImageMissing as e:
            self._release(unit, UnitState.GENERATED)
            self._stop_fatally(e)
            return
        except SandboxUnavailable as e:
            self._retry_later(unit, UnitState.GENERATED, str(e))
            return
        except (ProblemError, StorageError) as e:
            self._fail(unit, str(e))
            return
        except asyncio.CancelledError:
            self._release(unit, UnitState.GENERATED)
            raise
        except Exception as e:  # unforeseen: retried, then failed; the other units go on
            log.exception("unit %s: judging failed", unit.id)
            self._retry_later(unit, UnitState.GENERATED, f"judging failed: {_describe(e)}")
            return
        try:
            with session_scope(self.engine) as s:
                repo.record_judgement(s, gen, unit, test_set.id, result, self._run_id)  # type: ignore[arg-type]
        except OperationalError:
            raise  # the database is unreachable: stop; the unit is released on the next start
        except Exception as e:  # this unit's result cannot be stored: the others go on
            log.exception("unit %s: cannot store its verdict", unit.id)
            self._fail(unit, f"cannot store the verdict: {_describe(e)}")
            return
        self.progress.judged += 1
        self._tick()

    # -------------------------------------------------------------------- loop

    async def _worker(self, from_state: UnitState, to_state: UnitState, width: int,
                      handle: Callable[[models.Unit], object], other_busy: Callable[[], bool],
                      configs: list[int] | None = None) -> None:
        """Keep up to `width` units of one stage (of `configs`) in flight until nothing
        is left. Generation claims a quarter more ahead (a claim is a transaction),
        so a slot that frees starts its next request at once."""
        running: set[asyncio.Task] = set()
        ahead: collections.deque[models.Unit] = collections.deque()
        spare = width // 4 if from_state is UnitState.PENDING else 0
        try:
            while True:
                want = width + spare - len(running) - len(ahead)
                if not self.stopping.is_set() and want > 0 and (
                        want >= max(1, width // 8) or not (running or ahead)):
                    ahead.extend(self._claim(from_state, to_state, want, configs))
                while ahead and len(running) < width and not self.stopping.is_set():
                    running.add(asyncio.create_task(handle(ahead.popleft())))  # type: ignore[arg-type]
                if not running:
                    if self.stopping.is_set() or not (ahead or other_busy() or self._due(from_state, configs)):
                        if from_state is UnitState.PENDING:
                            await self._queue.join()  # the stage ends with its answers committed
                        return
                    await asyncio.sleep(self.options.idle_poll_s)
                    continue
                done, running = await asyncio.wait(running, timeout=self.options.idle_poll_s,
                                                   return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    if t.exception() and not isinstance(t.exception(), asyncio.CancelledError):
                        self._stop_fatally(t.exception())  # a bug: stop, do not spin
        finally:
            for t in running:  # cancelled with the stage: each releases its unit
                t.cancel()
            try:
                await asyncio.gather(*running, return_exceptions=True)
            finally:
                for unit in ahead:  # claimed but never started: back where they came from
                    self._release(unit, from_state)

    def _due(self, state: UnitState, configs: list[int] | None = None) -> bool:
        if configs is None and state is UnitState.PENDING:
            configs = list(self.by_config)
        with session_scope(self.engine) as s:
            return repo.has_due_units(s, state, config_ids=configs, exclude_problems=self._held(state))

    async def run(self, generate: bool = True, judge: bool = True) -> Progress:
        """Process every due unit; returns when nothing is due or in flight (units
        waiting for a retry stay for the next run)."""
        self._kind = "cycle" if generate and judge else "generate" if generate else "judge"
        tasks: list[asyncio.Task] = []
        gen_tasks: list[asyncio.Task] = []
        if generate:  # one generation stage per model: each endpoint kept busy at its own concurrency
            gen_tasks = [asyncio.create_task(self._worker(
                UnitState.PENDING, UnitState.GENERATING, m.spec.concurrency, self._generate, lambda: False,
                [m.config_id])) for m in self.models]
            tasks += gen_tasks
        if judge and self.judge is not None:
            tasks.append(asyncio.create_task(self._worker(
                UnitState.GENERATED, UnitState.JUDGING, self.options.judge_parallelism, self._judge_unit,
                lambda: any(not t.done() for t in gen_tasks))))
        try:
            await asyncio.gather(*tasks)
        finally:
            stages = [t for t in [*tasks, self._writer] if t is not None]
            for t in stages:
                t.cancel()
            try:
                await asyncio.gather(*stages, return_exceptions=True)
            finally:
                self._flush_now()
                self._release_own_claims()
                self._finish_run("failed" if self.fatal else "stopped" if self.stopping.is_set() else "done")
        if self.fatal is not None:
            raise self.fatal
        return self.progress

    def _release_own_claims(self) -> None:
        """Whatever this pipeline still holds when it stops (a unit whose handler
        died of a bug, a batch the writer could not store) goes back by its claim
        token: the process may live on (the daemon) and nobody else releases the
        claims of a live process."""
        with session_scope(self.engine) as s:
            n = repo.release_claims(s, self._token)
        if n:
            log.warning("released %d units this pipeline still held as it stopped", n)

    def stop(self) -> None:
        """Stop claiming; in-flight units finish (or are released when cancelled)."""
        self.stopping.set()


def _describe(e: BaseException) -> str:
    return safe_text(f"{type(e).__name__}: {e}")[:2000]


def release_crashed(engine: Engine) -> int:
    with session_scope(engine) as s:
        return repo.release_in_flight(s)
