"""`lcagent daemon`: its contest trigger, tested with explicit "now" values (never
by sleeping), and the daemon itself in a subprocess: it processes units, stops
on SIGTERM within its grace period leaving nothing in flight, waits (and says
why) when its endpoint is unreachable, persists its jobs in the results
database, and `lcagent status` shows units and next jobs.

Contest schedule used for the expected values below (computed by hand from the
anchors weekly-contest-403 = 2024-06-23 02:30 UTC and biweekly-contest-133 =
2024-06-22 14:30 UTC, 90 minutes each; a 15-minute delay after the end):

    2026-10-24 Sat 16:15 UTC  biweekly-contest-194     2026-12-06 Sun 04:15 UTC  weekly-contest-531
    2026-10-25 Sun 04:15 UTC  weekly-contest-525       2026-12-13 Sun 04:15 UTC  weekly-contest-532
    2026-11-21 Sat 16:15 UTC  biweekly-contest-196     2026-12-19 Sat 16:15 UTC  biweekly-contest-198
    2026-11-22 Sun 04:15 UTC  weekly-contest-529       2026-12-20 Sun 04:15 UTC  weekly-contest-533
    2026-11-29 Sun 04:15 UTC  weekly-contest-530       2027-03-27 Sat 16:15 UTC  biweekly-contest-205
    2026-12-05 Sat 16:15 UTC  biweekly-contest-197     2027-03-28 Sun 04:15 UTC  weekly-contest-547
"""

from __future__ import annotations

import asyncio
import os
import pickle
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from agent.cycle import run_cycle
from agent.daemon import JOBS_TABLE, ContestEndTrigger, next_jobs
from agent.problem_store import store_problems
from judge.problem import Problem
from storage import models, open_database
from tests.fakes.leetcode_server import FakeLeetCode
from tests.fakes.openai_server import FakeOpenAI
from tests.pipeline.conftest import (
    ANSWERS,
    CONTEST,
    CONTEST_SLUGS,
    LCAGENT,
    A,
    B,
    Lcagent,
    count_rows,
    free_port,
    invariant_violations,
    lcagent_env,
    make_settings,
    model_spec,
    per_model_responder,
    state_counts,
    unit_outcomes,
    wait_for,
)

T = timedelta
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


TRIGGER = ContestEndTrigger(T(minutes=15))

# ======================================================================= trigger


@pytest.mark.parametrize(("now", "expected"), [
    # Sunday before the weekly contest -> its end + 15 min
    (utc(2026, 11, 29, 0, 11), utc(2026, 11, 29, 4, 15)),
    # during the weekly contest, and right after it ended but before the delay
    (utc(2026, 11, 29, 3, 0), utc(2026, 11, 29, 4, 15)),
    (utc(2026, 11, 29, 4, 0), utc(2026, 11, 29, 4, 15)),
    # exactly the fire time fires now; a microsecond later, the next contest's
    (utc(2026, 11, 29, 4, 15), utc(2026, 11, 29, 4, 15)),
    (utc(2026, 11, 29, 4, 15, 0) + T(microseconds=1), utc(2026, 12, 5, 16, 15)),
    # a Saturday without biweekly contest (odd week) -> Sunday's weekly
    (utc(2026, 11, 28, 15, 0), utc(2026, 11, 29, 4, 15)),
    # a Saturday with one: during it, and before it
    (utc(2026, 12, 5, 15, 0), utc(2026, 12, 5, 16, 15)),
    (utc(2026, 12, 1, 9, 0), utc(2026, 12, 5, 16, 15)),
    # between a biweekly and the next morning's weekly
    (utc(2026, 12, 5, 16, 16), utc(2026, 12, 6, 4, 15)),
    # the anchors themselves
    (utc(2024, 6, 22, 0, 0), utc(2024, 6, 22, 16, 15)),
    (utc(2024, 6, 22, 16, 16), utc(2024, 6, 23, 4, 15)),
])
def test_trigger_fires_after_the_next_contest_ends(now: datetime, expected: datetime) -> None:
    fire = TRIGGER.get_next_fire_time(None, now)
    assert fire == expected
    assert fire is not None and fire.utcoffset() == T(0)


def test_trigger_chains_from_the_previous_fire_time() -> None:
    """The scheduler passes the previous fire time; `now` no longer matters."""
    expected = [utc(2026, 11, 29, 4, 15), utc(2026, 12, 5, 16, 15), utc(2026, 12, 6, 4, 15),
                utc(2026, 12, 13, 4, 15), utc(2026, 12, 19, 16, 15), utc(2026, 12, 20, 4, 15),
                utc(2026, 12, 27, 4, 15), utc(2027, 1, 2, 16, 15), utc(2027, 1, 3, 4, 15)]
    fires: list[datetime] = []
    previous = None
    for _ in expected:
        fire = TRIGGER.get_next_fire_time(previous, utc(2026, 11, 29, 0, 11))
        assert fire is not None
        fires.append(fire)
        previous = fire
    assert fires == expected
    # what APScheduler does after a run: previous = the run time, now = a bit later
    assert TRIGGER.get_next_fire_time(utc(2026, 12, 5, 16, 15), utc(2026, 12, 5, 16, 15, 3)) == \
        utc(2026, 12, 6, 4, 15)
    # after downtime: chaining from an old fire time walks through the missed ones
    assert TRIGGER.get_next_fire_time(utc(2026, 11, 21, 16, 15), utc(2026, 12, 5, 0, 0)) == \
        utc(2026, 11, 22, 4, 15)


def test_trigger_delay_is_configurable() -> None:
    assert ContestEndTrigger(T(0)).get_next_fire_time(None, utc(2026, 11, 29, 0, 0)) == utc(2026, 11, 29, 4, 0)
    # a delay long enough to pass the next contest's start still fires in order
    late = ContestEndTrigger(T(hours=13))
    assert late.get_next_fire_time(None, utc(2026, 12, 5, 12, 0)) == utc(2026, 12, 6, 5, 0)  # biweekly of 12-05
    assert late.get_next_fire_time(utc(2026, 12, 6, 5, 0), utc(2026, 12, 6, 5, 0)) == utc(2026, 12, 6, 17, 0)


def test_trigger_is_utc_through_daylight_saving_changes() -> None:
    """Contests follow UTC: the fire time never moves with Europe's clock change
    (2026-10-25 and 2027-03-28 at 01:00 UTC)."""
    chain = []
    previous = None
    for _ in range(3):
        previous = TRIGGER.get_next_fire_time(previous, utc(2026, 10, 24, 12, 0))
        chain.append(previous)
    assert chain == [utc(2026, 10, 24, 16, 15), utc(2026, 10, 25, 4, 15), utc(2026, 11, 1, 4, 15)]
    assert [f.hour for f in chain if f is not None] == [16, 4, 4]


def test_trigger_with_a_non_utc_scheduler_timezone() -> None:
    """With a scheduler in Europe/Berlin, "now" arrives in Berlin time: the fire
    times are the same instants, expressed in Berlin time (whose offset changes)."""
    now = datetime(2027, 3, 27, 12, 0, tzinfo=BERLIN)  # = 11:00 UTC, CET
    fires = []
    previous = None
    for _ in range(3):
        previous = TRIGGER.get_next_fire_time(previous, now)
        assert previous is not None
        fires.append(previous)
    assert fires == [utc(2027, 3, 27, 16, 15), utc(2027, 3, 28, 4, 15), utc(2027, 4, 4, 4, 15)]
    assert [f.tzinfo for f in fires] == [BERLIN] * 3
    assert [(f.hour, f.minute, f.utcoffset()) for f in fires] == [
        (17, 15, T(hours=1)),  # Saturday, still CET
        (6, 15, T(hours=2)),   # Sunday after the switch: CEST, same 04:15 UTC
        (6, 15, T(hours=2)),
    ]
    # a naive "now" is not what APScheduler passes, but it must not shift the instant
    ny = datetime(2026, 11, 28, 19, 0, tzinfo=ZoneInfo("America/New_York"))  # = 2026-11-29 00:00 UTC
    assert TRIGGER.get_next_fire_time(None, ny) == utc(2026, 11, 29, 4, 15)


def test_trigger_survives_the_job_store() -> None:
    """Jobs are pickled into the database: the trigger must come back the same."""
    back = pickle.loads(pickle.dumps(ContestEndTrigger(T(minutes=42))))
    assert back.delay == T(minutes=42)
    assert back.get_next_fire_time(None, utc(2026, 11, 29, 0, 0)) == utc(2026, 11, 29, 4, 42)
    assert str(back) == "contest end + 0:42:00"


# ======================================================================= the daemon

DAEMON_ENV = {
    "LCAGENT_DAEMON__PROCESS_INTERVAL_S": "0.5",
    "LCAGENT_DAEMON__SHUTDOWN_GRACE_S": "5",
}
SYNC_JOBS = ("sync-after-contest", "sync-catchup")
MOCK_PROBLEMS = ["convert-date-to-binary", "minimum-element-after-replacement-with-digit-sum",
                 "find-the-k-th-character-in-string-game-i", "stone-removal-game", "check-balanced-string"]


def daemon(tmp_path: Path, env: dict[str, str], procs: list[Lcagent], name: str = "daemon") -> Lcagent:
    p = Lcagent(["daemon"], env, tmp_path / f"{name}.log", tmp_path)
    procs.append(p)
    return p


def stop_with_sigterm(p: Lcagent, within_s: float) -> tuple[int, float]:
    sent = time.monotonic()
    p.signal(signal.SIGTERM)
    code = p.wait(within_s + 15)
    return code, time.monotonic() - sent


def status(env: dict[str, str], cwd: Path) -> str:
    out = subprocess.run([LCAGENT, "status"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture
def synced_contest(tmp_path: Path, contest: FakeLeetCode) -> Path:
    """The fake contest synced into the test's database (for daemons that do not sync)."""
    settings = make_settings(tmp_path, [], leetcode_url=contest.url)
    report = asyncio.run(run_cycle(settings, open_database(settings.db_url()), generate=False, judge=False))
    assert report.sync is not None and len(report.sync.stored) == len(CONTEST_SLUGS)
    return tmp_path


@pytest.mark.docker
@pytest.mark.integration
def test_daemon_with_the_mock_model_processes_units_and_stops_on_sigterm(
        tmp_path: Path, corpus_problems: dict[str, Problem], lcagent_procs: list[Lcagent]) -> None:
    models_ = [{"name": "mock-ref", "provider": "mock", "mock_mode": "reference", "attempts": 2},
               {"name": "mock-prose", "provider": "mock", "mock_mode": "no-code", "attempts": 1}]
    env = lcagent_env(tmp_path, models_, sources=["leetcodedataset"], extra=DAEMON_ENV)
    engine = open_database(env["LCAGENT_DATABASE_URL"])
    assert store_problems(engine, [corpus_problems[s] for s in MOCK_PROBLEMS]) == (len(MOCK_PROBLEMS), [])

    p = daemon(tmp_path, env, lcagent_procs)
    wait_for(lambda: state_counts(engine).get("judged") == 15 or not p.alive(), 90, 0.2, "15 judged units")
    assert p.alive(), p.text()
    code, took = stop_with_sigterm(p, 5)
    assert code == 0, p.text()
    assert took < 5 + 3, took
    log = p.text()
    assert "SIGTERM received: stopping" in log and log.rstrip().endswith("stopped"), log[-2000:]
    assert "Traceback" not in log, log
    assert state_counts(engine) == {"judged": 15}
    assert invariant_violations(engine) == []
    verdicts = {(slug, cfg, v or out) for slug, cfg, _a, _st, out, _code, v in unit_outcomes(engine)}
    assert verdicts == {(s, "mock-ref", "Accepted") for s in MOCK_PROBLEMS} | \
        {(s, "mock-prose", "no code") for s in MOCK_PROBLEMS}
    jobs = {job for job, _ in next_jobs(engine)}
    assert "process" in jobs and not jobs & set(SYNC_JOBS), jobs  # no LeetCode sync configured


@pytest.mark.docker
@pytest.mark.integration
def test_daemon_syncs_processes_and_persists_its_jobs(
        tmp_path: Path, contest: FakeLeetCode, lcagent_procs: list[Lcagent]) -> None:
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS), latency_s=0.05)
    fake.start()
    try:
        env = lcagent_env(tmp_path, [model_spec(A, fake.base_url), model_spec(B, fake.base_url)],
                          leetcode_url=contest.url, extra=DAEMON_ENV)
        p = daemon(tmp_path, env, lcagent_procs)
        engine = wait_for(lambda: _engine_when_ready(env), 30, 0.2, "the database")
        wait_for(lambda: state_counts(engine).get("judged") == 20 or not p.alive(), 120, 0.2, "20 judged units")
        assert p.alive(), p.text()

        # jobs in the same database, with their explicit ids
        with engine.connect() as c:
            ids = {r[0] for r in c.execute(sa.text(f"SELECT id FROM {JOBS_TABLE}"))}
        assert {*SYNC_JOBS, "process"} <= ids, ids
        jobs = dict(next_jobs(engine))
        after_contest = jobs["sync-after-contest"]
        assert after_contest is not None
        now = datetime.now(UTC)
        assert now < after_contest <= now + T(days=7)
        fire = after_contest.astimezone(UTC)
        assert (fire.strftime("%a %H:%M") in ("Sun 04:15", "Sat 16:15")), fire
        assert jobs["sync-catchup"] is not None and jobs["sync-catchup"] <= now + T(minutes=61)

        # `lcagent status` while it runs: contests, units per state, next jobs
        shown = status(env, tmp_path)
        assert f"contests: 1 (latest: {CONTEST}" in shown, shown
        assert "problems: 5" in shown and "units: judged 20" in shown, shown
        for job in ("sync-after-contest", "sync-catchup", "process"):
            assert re.search(rf"^job {job}: next run \d{{4}}-\d\d-\d\d", shown, re.M), shown

        code, took = stop_with_sigterm(p, 5)
    finally:
        fake.stop()
    assert code == 0 and took < 8, (code, took, p.text()[-3000:])
    log = p.text()
    assert "Traceback" not in log and "processing failed" not in log, log[-3000:]
    assert re.search(r"job sync-after-contest \(contest end \+ 0:15:00\): next run", log), log[:3000]
    assert "sync: 1 contests, 5 problems stored" in log
    assert invariant_violations(engine) == []
    assert fake.completed == 20  # each unit generated once
    # the jobs outlive the process (stored); status says that no daemon runs them now
    assert {*SYNC_JOBS, "process"} <= {j for j, _ in next_jobs(engine)}
    assert "daemon: not running (the last one" in status(env, tmp_path)


def _engine_when_ready(env: dict[str, str]) -> sa.Engine | None:
    engine = open_database(env["LCAGENT_DATABASE_URL"])
    try:
        return engine if count_rows(engine, models.Problem) else None
    except sa.exc.OperationalError:
        return None


@pytest.mark.docker
@pytest.mark.integration
def test_sigterm_lets_in_flight_units_finish_within_the_grace(
        synced_contest: Path, lcagent_procs: list[Lcagent]) -> None:
    tmp_path = synced_contest
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS), latency_s=2.0)
    fake.start()
    try:
        env = lcagent_env(tmp_path, [model_spec(A, fake.base_url), model_spec(B, fake.base_url)],
                          extra=DAEMON_ENV)
        engine = open_database(env["LCAGENT_DATABASE_URL"])
        p = daemon(tmp_path, env, lcagent_procs)
        wait_for(lambda: state_counts(engine).get("generating", 0) > 0 or not p.alive(), 60, 0.05,
                 "units in flight")
        in_flight = state_counts(engine).get("generating", 0)
        code, took = stop_with_sigterm(p, 5)
    finally:
        fake.stop()
    assert code == 0, p.text()[-3000:]
    assert took < 5 + 2, took  # the 2 s generations finish inside the 5 s grace
    counts = state_counts(engine)
    assert "generating" not in counts and "judging" not in counts, counts
    # what was in flight was finished and recorded, not thrown away
    assert count_rows(engine, models.Generation) >= in_flight >= 1
    assert fake.completed == count_rows(engine, models.Generation)
    assert invariant_violations(engine, finished=False) == []
    assert "did not finish within" not in p.text()


@pytest.mark.docker
@pytest.mark.integration
def test_sigterm_releases_units_that_outlast_the_grace(
        synced_contest: Path, lcagent_procs: list[Lcagent]) -> None:
    tmp_path = synced_contest
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS), latency_s=60.0)
    fake.start()
    try:
        env = lcagent_env(tmp_path, [model_spec(A, fake.base_url), model_spec(B, fake.base_url)],
                          extra={**DAEMON_ENV, "LCAGENT_DAEMON__SHUTDOWN_GRACE_S": "2"})
        engine = open_database(env["LCAGENT_DATABASE_URL"])
        p = daemon(tmp_path, env, lcagent_procs)
        wait_for(lambda: state_counts(engine).get("generating", 0) > 0 or not p.alive(), 60, 0.05,
                 "units in flight")
        code, took = stop_with_sigterm(p, 2)
    finally:
        fake.stop()
    assert code == 0, p.text()[-3000:]
    assert took < 2 + 5, took
    assert "did not finish within 2 s: releasing them" in p.text()
    assert state_counts(engine) == {"pending": 20}
    assert count_rows(engine, models.Generation) == 0
    assert invariant_violations(engine, finished=False) == []


@pytest.mark.integration
def test_daemon_with_an_unreachable_endpoint_waits_and_says_why(
        synced_contest: Path, lcagent_procs: list[Lcagent]) -> None:
    tmp_path = synced_contest
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    env = lcagent_env(tmp_path, [model_spec(A, url)], extra=DAEMON_ENV)
    p = daemon(tmp_path, env, lcagent_procs)
    wait_for(lambda: p.text().count("not reachable") >= 3 or not p.alive(), 60, 0.2, "three waits logged")
    assert p.alive(), p.text()
    log = p.text()
    assert re.search(rf"model {A} waits: {re.escape(url)} is not reachable: .*\(retrying every [\d.]+ s\)", log), log
    assert "job process (interval" in log and "next run" in log
    code, took = stop_with_sigterm(p, 5)
    assert code == 0 and took < 8, (code, took, p.text()[-2000:])
    assert "Traceback" not in p.text()
    engine = open_database(env["LCAGENT_DATABASE_URL"])
    assert count_rows(engine, models.Unit) == 0  # nothing planned, nothing judged
    assert count_rows(engine, models.Judgement) == 0


def test_sigterm_delivered_to_a_worker_thread_still_stops_the_daemon(
        tmp_path: Path, lcagent_procs: list[Lcagent]) -> None:
    """The kernel hands a process-directed SIGTERM to any of its threads. Sent here
    to a thread that is not the main one (tgkill), as happens on a loaded machine:
    the main thread must still run the handler and stop the daemon."""
    import ctypes

    env = lcagent_env(tmp_path, [model_spec(A, f"http://127.0.0.1:{free_port()}/v1")], extra=DAEMON_ENV)
    env["LCAGENT_SYNC_LEETCODE"] = "false"
    p = daemon(tmp_path, env, lcagent_procs)
    wait_for(lambda: "job process (interval" in p.text() or not p.alive(), 60, 0.1, "the scheduler")
    workers = [int(t) for t in os.listdir(f"/proc/{p.pid}/task") if int(t) != p.pid]
    assert workers, "the daemon runs worker threads"
    libc = ctypes.CDLL(None, use_errno=True)
    sys_tgkill = 234 if os.uname().machine == "x86_64" else 131  # x86_64, aarch64
    assert libc.syscall(sys_tgkill, p.pid, workers[0], signal.SIGTERM) == 0, ctypes.get_errno()
    code = p.wait(20)
    assert code == 0 and "SIGTERM received" in p.text(), p.text()[-2000:]


def test_sigterm_during_a_sync_still_retrying_leetcode_ends_without_a_traceback(
        tmp_path: Path, lcagent_procs: list[Lcagent]) -> None:
    """The sync's thread outlives the scheduler at shutdown (it is retrying an
    unreachable LeetCode): it stops quietly instead of crashing on the
    interpreter's closed thread pools."""
    leetcode = f"http://127.0.0.1:{free_port()}"
    env = lcagent_env(tmp_path, [model_spec(A, f"http://127.0.0.1:{free_port()}/v1")], leetcode_url=leetcode,
                      extra={**DAEMON_ENV, "LCAGENT_LEETCODE__ATTEMPTS": "4", "LCAGENT_LEETCODE__BACKOFF_S": "1"})
    p = daemon(tmp_path, env, lcagent_procs)
    wait_for(lambda: "retry 1" in p.text() or not p.alive(), 60, 0.1, "the sync retrying LeetCode")
    assert p.alive(), p.text()
    code, _ = stop_with_sigterm(p, 30)
    assert code == 0, p.text()[-2000:]
    assert "Traceback" not in p.text(), p.text()[-3000:]


@pytest.mark.docker
@pytest.mark.integration
def test_a_catchup_sync_during_processing_does_not_release_in_flight_units(
        tmp_path: Path, contest: FakeLeetCode, lcagent_procs: list[Lcagent]) -> None:
    """The catch-up sync runs beside `process` (every hour in production; every
    1.2 s here). Units the running pipeline has in flight must stay its own:
    releasing them makes the pipeline claim them again — the endpoint is asked
    twice for one unit and the second answer cannot be stored."""
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS), latency_s=1.0)
    fake.start()
    try:
        env = lcagent_env(tmp_path, [model_spec(A, fake.base_url, attempts=1),
                                     model_spec(B, fake.base_url, attempts=1)],
                          leetcode_url=contest.url,
                          extra={**DAEMON_ENV, "LCAGENT_DAEMON__CATCHUP_MINUTES": "0.02"})
        p = daemon(tmp_path, env, lcagent_procs)
        engine = wait_for(lambda: _engine_when_ready(env), 30, 0.2, "the database")
        wait_for(lambda: state_counts(engine).get("judged") == 10 or not p.alive(), 90, 0.2, "10 judged units")
        code, _ = stop_with_sigterm(p, 5)
    finally:
        fake.stop()
    log = p.text()
    assert code == 0
    assert "processing failed" not in log, log[-4000:]
    assert fake.requests == 10, f"{fake.requests} requests for 10 units"
    assert invariant_violations(engine) == []


@pytest.mark.docker
@pytest.mark.integration
def test_a_restarted_daemon_releases_what_a_crash_left_in_flight(
        synced_contest: Path, lcagent_procs: list[Lcagent]) -> None:
    tmp_path = synced_contest
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS), latency_s=0.5)
    fake.start()
    try:
        env = lcagent_env(tmp_path, [model_spec(A, fake.base_url), model_spec(B, fake.base_url)],
                          extra=DAEMON_ENV)
        engine = open_database(env["LCAGENT_DATABASE_URL"])
        first = daemon(tmp_path, env, lcagent_procs, "first")
        wait_for(lambda: state_counts(engine).get("generating", 0) > 0 or not first.alive(), 60, 0.05,
                 "units in flight")
        first.signal(signal.SIGKILL)
        first.wait(30)
        left = state_counts(engine).get("generating", 0)
        assert left > 0
        second = daemon(tmp_path, env, lcagent_procs, "second")
        wait_for(lambda: state_counts(engine).get("judged") == 20 or not second.alive(), 120, 0.2,
                 "20 judged units")
        code, _ = stop_with_sigterm(second, 5)
    finally:
        fake.stop()
    assert code == 0
    assert re.search(r"released (\d+) units a crash left in flight", second.text()), second.text()[:3000]
    assert invariant_violations(engine) == []
    assert count_rows(engine, models.Generation) == 20


# ======================================================================= shutdown, in-process


class _CancelAsItArrives:
    """A model whose answer arrives just as the daemon's grace runs out: the
    daemon cancels every task (agent.daemon._stop_pipeline's cancel_all) in the
    loop iteration after the completion returned."""

    def __init__(self, spec: object) -> None:
        self.spec, self.model_id, self.calls = spec, "cancel-model", 0

    async def check(self) -> None:
        return None

    async def complete(self, messages: list[dict[str, str]], problem: Problem, attempt: int) -> object:
        from agent.generation.providers import Completion

        self.calls += 1
        loop = asyncio.get_running_loop()
        loop.call_soon(lambda: [t.cancel() for t in asyncio.all_tasks(loop)])
        return Completion("fake://", self.model_id, fenced_code(problem), None, "stop", 10, 10, 1.0, {})

    async def aclose(self) -> None:
        return None


def fenced_code(problem: Problem) -> str:
    return f"```python\n{problem.reference_solution}\n```\n"


def test_a_unit_cancelled_while_its_generation_is_recorded_is_not_left_generating(
        tmp_path: Path, corpus_problems: dict[str, Problem]) -> None:
    """Cancellation at shutdown must put every unit back where it came from, or
    record what arrived: never leave it `generating` with its answer dropped."""
    from agent.generation.config import ModelSpec
    from agent.pipeline import Model, Pipeline, plan_units, register_model

    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store_problems(engine, [corpus_problems[MOCK_PROBLEMS[0]]])
    spec = ModelSpec(name="cancel-model", provider="mock", attempts=1)
    config_id = register_model(engine, spec, spec.model_id)
    assert plan_units(engine, config_id) == 1
    provider = _CancelAsItArrives(spec)
    pipeline = Pipeline(engine, [Model(spec, provider, config_id)], None)  # type: ignore[arg-type]

    async def main() -> None:
        await pipeline.run(judge=False)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(main())
    assert provider.calls == 1
    counts = state_counts(engine)
    assert "generating" not in counts, (counts, count_rows(engine, models.Generation))
    assert counts in ({"pending": 1}, {"generated": 1})
    assert count_rows(engine, models.Generation) == (1 if counts == {"generated": 1} else 0)


class _BuggyFirstRequest:
    """A model whose first request dies of an unforeseen error (a bug: a fatal stop
    of the generation stage) while the others are in flight; the rest answer."""

    def __init__(self, spec: object, buggy: bool = True) -> None:
        self.spec, self.model_id, self.calls, self.buggy = spec, "buggy-model", 0, buggy

    async def check(self) -> None:
        return None

    async def complete(self, messages: list[dict[str, str]], problem: Problem, attempt: int) -> object:
        from agent.generation.providers import Completion

        self.calls += 1
        if self.buggy and self.calls == 1:
            await asyncio.sleep(0.05)
            raise RuntimeError("a provider bug")
        await asyncio.sleep(0.2)
        return Completion("fake://", self.model_id, fenced_code(problem), None, "stop", 10, 10, 1.0, {})

    async def aclose(self) -> None:
        return None


def _claimed(engine: sa.Engine) -> list[tuple[int, str, str | None]]:
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(sa.select(models.Unit.id, models.Unit.state, models.Unit.claim_token)
                                            .where(models.Unit.claim_token.is_not(None)))]


def test_a_fatal_stop_in_a_long_running_process_releases_its_claims(
        tmp_path: Path, corpus_problems: dict[str, Problem]) -> None:
    """The daemon runs one pipeline per processing job, in one process that lives
    on: a generation stage that stops on a fatal error must give back every unit it
    claimed (by its claim token), since nobody releases a live process's claims
    (`release_crashed`, at the start of each cycle, only takes dead ones'); the
    next job then generates them."""
    from agent.generation.config import ModelSpec
    from agent.pipeline import Model, Pipeline, plan_units, register_model, release_crashed

    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store_problems(engine, [corpus_problems[s] for s in MOCK_PROBLEMS])
    spec = ModelSpec(name="buggy-model", provider="mock", attempts=1, concurrency=3)
    config_id = register_model(engine, spec, spec.model_id)
    assert plan_units(engine, config_id) == len(MOCK_PROBLEMS)

    buggy = _BuggyFirstRequest(spec)
    with pytest.raises(RuntimeError, match="a provider bug"):
        asyncio.run(Pipeline(engine, [Model(spec, buggy, config_id)], None).run(judge=False))
    assert buggy.calls >= 2  # others were in flight when it failed
    assert _claimed(engine) == []  # nothing left claimed by this (live) process
    assert "generating" not in state_counts(engine), state_counts(engine)

    assert release_crashed(engine) == 0  # the next job's start: nothing for it to recover
    healthy = _BuggyFirstRequest(spec, buggy=False)
    asyncio.run(Pipeline(engine, [Model(spec, healthy, config_id)], None).run(judge=False))
    assert state_counts(engine) == {"generated": len(MOCK_PROBLEMS)}
    assert count_rows(engine, models.Generation) == len(MOCK_PROBLEMS)
    assert invariant_violations(engine, finished=False) == []


def test_python_m_agent_cli_is_the_cli() -> None:
    """`python -m agent.cli ...` (as documented for subprocess use) runs the CLI."""
    out = subprocess.run([sys.executable, "-m", "agent.cli", "--help"], capture_output=True, text=True,
                         timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert "daemon" in out.stdout and "rejudge" in out.stdout, (out.stdout, out.stderr)
