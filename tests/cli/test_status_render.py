"""`lcagent status` from a real SQLite file set up through the library: the judge's
and the endpoint's unit errors with their times, what each model waits for (an
endpoint, retries after errors, units given up on), the judge's own waiting
reason, and of the stored jobs only those still to come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from agent.activity import daemon_started, daemon_stopped, record_waiting
from agent.daemon import build_scheduler
from agent.generation.config import ModelSpec
from agent.pipeline import plan_units, register_model
from agent.problem_store import store_problems
from agent.settings import load_settings
from agent.sources.pack import PackSource
from agent.status import fmt, read_status, render
from storage import models, open_database
from storage.engine import session_scope

PACK = Path(__file__).parents[1] / "data" / "packs" / "demo"


def unit_ids(engine: sa.Engine, config_id: int) -> list[int]:
    with session_scope(engine) as s:
        return list(s.execute(sa.select(models.Unit.id).where(models.Unit.model_config_id == config_id)
                              .order_by(models.Unit.id)).scalars())


def set_unit(engine: sa.Engine, uid: int, **values: object) -> None:
    with session_scope(engine) as s:
        s.execute(sa.update(models.Unit).where(models.Unit.id == uid).values(**values))


def test_status_explains_errors_waits_and_jobs(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", sync_leetcode=False,
                             pipeline={"sources": ["pack"]}, daemon={"process_interval_s": 60})
    engine = open_database(settings.db_url())
    loaded = PackSource(PACK).load()
    assert store_problems(engine, loaded.problems)[1] == []
    n = len(loaded.problems)
    a = register_model(engine, ModelSpec(name="alpha", served_id="a"), "a")
    b = register_model(engine, ModelSpec(name="beta", served_id="b"), "b")
    assert plan_units(engine, a, None, ("pack",)) == n and plan_units(engine, b, None, ("pack",)) == n
    ua, ub = unit_ids(engine, a), unit_ids(engine, b)
    t0, t1, t2 = (datetime(2029, 12, 1, h, m, tzinfo=UTC) for h, m in ((7, 0), (8, 0), (9, 30)))
    # alpha: one unit generated whose judging failed; one retrying later after an endpoint error
    set_unit(engine, ua[0], state="generated", last_error="sandbox unavailable: Docker does not answer",
             updated_at=t1)
    set_unit(engine, ua[1], state="pending", last_error="HTTP 500 from http://gpu1:8000/v1",
             next_attempt_at=(retry_at := datetime.now(UTC) + timedelta(hours=1)), updated_at=t2)
    # beta: every unit given up on but one, which is judged
    for uid in ub[1:]:
        set_unit(engine, uid, state="failed", last_error="endpoint timed out", updated_at=t0)
    set_unit(engine, ub[0], state="judged")
    record_waiting(engine, ["model alpha waits: http://gpu1:8000/v1 is not reachable: Connection error.",
                            "judging waits: sandbox unavailable: Docker does not answer"])
    scheduler = build_scheduler(settings, engine)
    scheduler.start(paused=True)  # the jobs are stored, none runs
    scheduler.shutdown(wait=False)
    run_id = daemon_started(engine)  # this process plays the daemon
    now = datetime.now(UTC) + timedelta(seconds=30)  # after the jobs' first runs, before the weekly report

    st = read_status(engine, now=now)
    out = render(st, now=now)

    assert out[0].startswith("daemon: running (pid ")
    i = out.index(next(line for line in out if line.startswith("waiting (since ")))
    assert out[i + 1] == (f"  alpha: {n - 1} units wait for its endpoint: http://gpu1:8000/v1 is not reachable: "
                          f"Connection error.; 1 unit retrying from {fmt(retry_at)} after errors, "
                          "the last: HTTP 500 from http://gpu1:8000/v1; 1 generated unit waits for the judge")
    assert out[i + 2] == f"  beta: {n - 1} units given up after errors (`lcagent retry-failed` queues them again)"
    assert out[i + 3] == "  judging waits: sandbox unavailable: Docker does not answer"
    errors = out[out.index("recent errors:") + 1:out.index("next jobs:")]
    assert errors[0] == (f"  2029-12-01 09:30:00 UTC  endpoint, unit {ua[1]} (alpha, {loaded.problems[1].slug} #1, "
                         "pending): HTTP 500 from http://gpu1:8000/v1")
    assert errors[1] == (f"  2029-12-01 08:00:00 UTC  judge, unit {ua[0]} (alpha, {loaded.problems[0].slug} #1, "
                         "generated): sandbox unavailable: Docker does not answer")
    assert errors[2].startswith(f"  2029-12-01 07:00:00 UTC  given up, unit {ub[-1]} (beta, ")  # the latest first
    # stored jobs: the processing job was due at start (due now, for a running daemon), the weekly report
    # is to come
    jobs = out[out.index("next jobs:") + 1:]
    assert [line.split(":")[0] for line in jobs] == ["job process", "job weekly-report"], jobs
    assert jobs[0].startswith("job process: next run ") and jobs[0].endswith(" (due now; generate and judge)")
    assert jobs[1].startswith("job weekly-report: next run ") and jobs[1].endswith("; weekly report)")
    assert " (in " in jobs[1]
    scores = out[out.index("scores (judged attempts; no code and truncated count as failed):") + 1:]
    assert scores[1].split()[:2] == ["alpha", "0/0"] and scores[1].split()[-1] == str(n)
    assert scores[2].split()[:2] == ["beta", "0/1"] and scores[2].split()[-1] == str(n - 1)

    # without a daemon, a job whose time has passed is stale: only those still to come are listed
    daemon_stopped(engine, run_id)
    out = render(read_status(engine, now=now), now=now)
    jobs = out[out.index("next jobs (stored; they run only while a daemon runs, none does now):") + 1:]
    assert [line.split(":")[0] for line in jobs] == ["job weekly-report"], jobs
