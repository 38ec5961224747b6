"""`lcagent daemon`: LeetCode's schedule drives sync -> generate -> judge -> record.

APScheduler 3 with its job store in the results database; explicit job ids with
`replace_existing`, `coalesce`, `max_instances=1` and a misfire grace. Jobs:

- `sync-after-contest`: shortly after each predicted weekly/biweekly contest ends
  (start + 90 min + `sync_delay_minutes`), look for newly public contests, then
  make hidden tests for the new problems when an oracle is configured (their
  units wait for them instead of being judged on examples);
- `sync-catchup`: the same every `catchup_minutes` (schedules change; the API's
  start times are what count);
- `process`: every `process_interval_s`, generate and judge whatever is due
  (hidden tests that waited for the oracle are tried again first; with the
  submit backend on, first attempts then go to LeetCode);
- `weekly-report`: every Monday (`report_cron`), the last full week's report into
  `<data_dir>/reports/<ISO week>/` (Markdown, HTML, JSON, trend chart).

SIGTERM/SIGINT: stop claiming, let in-flight units finish within the grace
period, cancel (and so release) the rest, exit 0. On start, units a crash left
in flight are released. Job callbacks only call library functions.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from agent.activity import daemon_started, daemon_stopped, record_cycle, record_waiting
from agent.cycle import run_cycle
from agent.pipeline import Pipeline, release_crashed
from agent.settings import Settings
from agent.sources.schedule import DURATION, next_contests
from agent.sync_hint import unreachable_hint

log = logging.getLogger(__name__)
JOBS_TABLE = "apscheduler_jobs"


class ContestEndTrigger(BaseTrigger):
    """Fires `delay` after each predicted contest ends. Pure: next fire time
    after `previous_fire_time` (or from `now`), computed from the schedule."""

    def __init__(self, delay: timedelta) -> None:
        self.delay = delay

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        after = previous_fire_time + timedelta(seconds=1) if previous_fire_time else now
        for contest in next_contests(after - DURATION - self.delay, count=4):
            fire = contest.end_time + self.delay
            if fire >= after:
                return fire.astimezone(now.tzinfo or UTC)
        return None  # pragma: no cover  (four contests always include a later one)

    def __str__(self) -> str:
        return f"contest end + {self.delay}"

    def __getstate__(self) -> dict:
        return {"version": 1, "delay": self.delay.total_seconds()}

    def __setstate__(self, state: dict) -> None:
        self.delay = timedelta(seconds=state["delay"])


@dataclass
class _Context:
    """What job callbacks need; set once when the daemon starts (jobs are stored by
    reference, so they cannot carry live objects)."""

    settings: Settings
    engine: Engine
    stopping: threading.Event = field(default_factory=threading.Event)
    loop: asyncio.AbstractEventLoop | None = None
    pipeline: Pipeline | None = None
    busy: threading.Lock = field(default_factory=threading.Lock)


_context: _Context | None = None


def _ctx() -> _Context:
    if _context is None:
        raise RuntimeError("the daemon is not running")
    return _context


def job_sync() -> None:
    ctx = _ctx()
    if ctx.stopping.is_set():
        return
    try:
        report = asyncio.run(run_cycle(ctx.settings, ctx.engine, generate=False, judge=False))
    except RuntimeError:
        if not ctx.stopping.is_set():
            raise
        # the interpreter is shutting down under a sync still retrying LeetCode:
        # its thread pools refuse new work; what it stored so far stays stored
        log.info("sync stopped at shutdown")
        return
    record_cycle(ctx.engine, report, waiting=False)  # for `lcagent status`
    s = report.sync
    if s is not None:
        log.info("sync: %s, %d not public yet", s.summary(), len(s.not_public))
        for line in s.warnings():
            log.warning("sync: %s", line)
        for where, reason in s.failures:
            log.warning("sync failed for %s: %s", where, reason)
        hint = unreachable_hint(s.failures)
        if hint:
            log.warning("sync: %s", hint)
    _log_tests(report)


def _log_tests(report: Any) -> None:
    t = report.testgen
    if t is not None and (t.done or t.skipped or t.waiting):
        log.info("hidden tests: %d problems done, %d skipped, %d waiting; %d judged units to judge again",
                 len(t.done), len(t.skipped), len(t.waiting), t.requeued)
    for reason in report.waiting:
        if reason.startswith("hidden tests"):
            log.warning("%s", reason)


def job_process() -> None:
    ctx = _ctx()
    if ctx.stopping.is_set() or not ctx.busy.acquire(blocking=False):
        return
    try:
        def ready(p: Pipeline) -> None:
            ctx.pipeline = p

        async def cycle() -> Any:
            ctx.loop = asyncio.get_running_loop()
            return await run_cycle(ctx.settings, ctx.engine, do_sync=False, pipeline_ready=ready)

        try:
            report = asyncio.run(cycle())
        except asyncio.CancelledError:
            log.info("processing cancelled at shutdown; in-flight units released")
            return
        record_waiting(ctx.engine, report.waiting)  # for `lcagent status`
        for reason in report.waiting:
            log.warning("%s (retrying every %.0f s)", reason, ctx.settings.daemon.process_interval_s)
        if report.testgen is not None and report.testgen.done:
            log.info("hidden tests: %d problems done", len(report.testgen.done))
        if report.submit is not None and (report.submit.judged or report.submit.errors):
            log.info("LeetCode judged %d first attempts (%d errors%s)", len(report.submit.judged),
                     len(report.submit.errors), ", daily cap reached" if report.submit.capped else "")
        p = report.progress
        if p and (p.generated or p.judged or p.failed):
            log.info("processed: %d generated, %d judged, %d retried, %d failed",
                     p.generated, p.judged, p.retried, p.failed)
    except Exception:
        log.exception("processing failed; the daemon keeps running")
    finally:
        ctx.pipeline, ctx.loop = None, None
        ctx.busy.release()


def job_report() -> None:
    from agent.reports.weekly import weekly_report

    ctx = _ctx()
    paths = weekly_report(ctx.engine, ctx.settings.data_dir)
    log.info("weekly report written: %s", paths[0].parent)


class _Scheduler(BackgroundScheduler):
    """APScheduler 3 wakes its thread once more after shutdown and would try to
    submit due jobs to the stopped executor (logging an error): skip that round."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def build_scheduler(settings: Settings, engine: Engine) -> BackgroundScheduler:
    d = settings.daemon
    scheduler = _Scheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        timezone=d.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": d.misfire_grace_s},
    )
    common = {"replace_existing": True}
    if settings.sync_leetcode:
        scheduler.add_job("agent.daemon:job_sync", ContestEndTrigger(timedelta(minutes=d.sync_delay_minutes)),
                          id="sync-after-contest", name="sync after each contest", **common)
        scheduler.add_job("agent.daemon:job_sync", IntervalTrigger(minutes=d.catchup_minutes, timezone=d.timezone),
                          id="sync-catchup", name="catch-up sync", next_run_time=datetime.now(UTC), **common)
    scheduler.add_job("agent.daemon:job_report", CronTrigger.from_crontab(d.report_cron, timezone=d.timezone),
                      id="weekly-report", name="weekly report", **common)
    scheduler.add_job("agent.daemon:job_process", IntervalTrigger(seconds=d.process_interval_s, timezone=d.timezone),
                      id="process", name="generate and judge", next_run_time=datetime.now(UTC), **common)
    return scheduler


def next_jobs(engine: Engine) -> list[tuple[str, datetime | None]]:
    """(job id, next run time) from the job store: for `lcagent status`."""
    store = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)
    store.start(None, "default")  # type: ignore[arg-type]
    try:
        return [(j.id, j.next_run_time) for j in store.get_all_jobs()]
    finally:
        store.shutdown()


def run_daemon(settings: Settings, engine: Engine, stop: threading.Event | None = None) -> int:
    """Run until SIGTERM/SIGINT (or `stop` is set); returns the exit code."""
    global _context
    _context = ctx = _Context(settings, engine)
    released = release_crashed(engine)
    if released:
        log.info("released %d units a crash left in flight", released)
    stop = stop or threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("%s received: stopping (grace %.0f s)", signal.Signals(signum).name, settings.daemon.shutdown_grace_s)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    scheduler = build_scheduler(settings, engine)
    run_id = daemon_started(engine)  # `lcagent status`: running, pid, host, since
    try:
        scheduler.start()
        for job in scheduler.get_jobs():
            log.info("job %s (%s): next run %s", job.id, job.trigger, job.next_run_time)
        # A timed wait: a SIGTERM the kernel hands to another thread only sets
        # Python's flag, and a main thread asleep in an untimed wait would never
        # run the handler (seen on a loaded machine: the daemon ignored SIGTERM)
        while not stop.wait(0.25):
            pass
        ctx.stopping.set()
        scheduler.shutdown(wait=False)  # no new jobs; a running one is handled below
        _stop_pipeline(ctx, settings.daemon.shutdown_grace_s)
    finally:
        daemon_stopped(engine, run_id)
    _context = None
    log.info("stopped")
    return 0


def _stop_pipeline(ctx: _Context, grace_s: float) -> None:
    """Stop claiming; give in-flight units `grace_s` to finish, then cancel them
    (cancellation puts each unit back where it came from)."""
    if ctx.loop is not None and ctx.pipeline is not None:
        ctx.loop.call_soon_threadsafe(ctx.pipeline.stop)
    if ctx.busy.acquire(timeout=grace_s):
        ctx.busy.release()
        return
    log.warning("in-flight units did not finish within %.0f s: releasing them", grace_s)

    def cancel_all() -> None:
        for task in asyncio.all_tasks():
            task.cancel()

    if ctx.loop is not None:
        ctx.loop.call_soon_threadsafe(cancel_all)
    if ctx.busy.acquire(timeout=30):
        ctx.busy.release()
