"""`lcagent status`: what the service has seen, whether it runs, what waits and why,
what went wrong lately, what is next."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from agent.activity import DAEMON, SYNC, WAITING
from agent.scoreboard import Score, read_scores
from storage import repo
from storage import status_queries as q
from storage.engine import session_scope

_WAITS = re.compile(r"^model (.+?) waits: (.*)$", re.DOTALL)
JOB_NAMES = {"sync-after-contest": "sync after each contest", "sync-catchup": "catch-up sync",
             "process": "generate and judge", "weekly-report": "weekly report"}


@dataclass
class Daemon:
    state: str  # running | stopped | crashed | unknown (another host's) | never
    pid: int | None = None
    host: str | None = None
    since: datetime | None = None
    stopped_at: datetime | None = None


@dataclass
class ModelWait:
    model: str
    pending: int  # units without a result yet (pending, generated)
    reasons: list[str] = field(default_factory=list)


@dataclass
class Status:
    contests: int = 0
    latest_contest: str | None = None
    latest_contest_start: datetime | None = None
    problems: int = 0
    units: dict[str, int] = field(default_factory=dict)
    daemon: Daemon = field(default_factory=lambda: Daemon("never"))
    scores: list[Score] = field(default_factory=list)
    last_sync: tuple[datetime, str, str] | None = None  # (when, done|failed, note)
    waiting: list[str] = field(default_factory=list)  # reasons after the last cycle
    waiting_since: tuple[datetime, datetime] | None = None  # first seen, last seen
    models_waiting: list[ModelWait] = field(default_factory=list)
    recent_errors: list[tuple[datetime, str, str]] = field(default_factory=list)  # (when, what, error)
    next_jobs: list[tuple[str, datetime]] = field(default_factory=list)  # in the future only
    due_jobs: list[tuple[str, datetime]] = field(default_factory=list)  # their time has come (running, or stale)


def _utc(t: datetime | None) -> datetime | None:
    return None if t is None else (t.replace(tzinfo=UTC) if t.tzinfo is None else t)


def _daemon(s: Any) -> Daemon:
    row = repo.latest_run(s, DAEMON)
    if row is None:
        return Daemon("never")
    parts = (row.host or "").split(":")
    pid = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else (row.settings or {}).get("pid")
    host = (row.settings or {}).get("hostname") or parts[0] or None
    d = Daemon("stopped", pid, host, _utc(row.started_at), _utc(row.finished_at))
    if row.status == "running":
        if repo._owner_gone(row.host):  # same host, the process is gone (or the pid is another's)
            d.state = "crashed"
        elif parts[0] != repo.claim_owner().split(":")[0]:
            d.state = "unknown"  # another host's daemon: it cannot be checked from here
        else:
            d.state = "running"
    return d


def _units(n: int, what: str = "units") -> str:
    return f"{n} {what[:-1] if n == 1 and what.endswith('s') else what}"


def _model_waits(s: Any, now: datetime, waiting: list[str], daemon_runs: bool) -> list[ModelWait]:
    """Per model: what its unfinished units wait for, generation and judging apart."""
    count: dict[str, dict[str, int]] = {}
    later: dict[tuple[str, str], list[tuple[datetime, str | None]]] = {}  # (model, stage) -> retries
    for name, state, next_at, error in q.unfinished_units(s):
        stage = {"pending": "generate", "generating": "generate", "generated": "judge", "judging": "judge"}.get(
            str(state), "failed")
        c = count.setdefault(name, {"generate": 0, "judge": 0, "failed": 0})
        c[stage] += 1
        next_at = _utc(next_at)
        if stage != "failed" and next_at is not None and next_at > now:
            later.setdefault((name, stage), []).append((next_at, error))
    said: dict[str, list[str]] = {}
    for r in waiting:  # "model m waits: <why>" (agent.cycle)
        m = _WAITS.match(r)
        if m:
            said.setdefault(m.group(1), []).append(m.group(2))
            count.setdefault(m.group(1), {"generate": 0, "judge": 0, "failed": 0})  # waits before it has units
    idle = ("the next processing run (the daemon's, every minute)" if daemon_runs
            else "a cycle: no daemon is running (`lcagent run`, or start `lcagent daemon`)")
    out = []
    for name, c in sorted(count.items()):
        w = ModelWait(name, c["generate"] + c["judge"])
        for stage, whom in (("generate", "its endpoint"), ("judge", "the judge")):
            why = [f"{whom}: {r}" for r in said.get(name, [])] if stage == "generate" else []
            retries = later.get((name, stage), [])
            if retries:
                why.append(f"{_units(len(retries))} retrying from {fmt(min(t for t, _ in retries))} after errors"
                           + (f", the last: {retries[-1][1][:200]}" if retries[-1][1] else ""))
            if c[stage] or why:
                what = "units" if stage == "generate" else "generated units"
                head = (f"{_units(c[stage], what)} {'waits' if c[stage] == 1 else 'wait'} for " if c[stage]
                        else "waits for ")
                w.reasons.append(head + ("; ".join(why) if why else (idle if stage == "generate" else "the judge")))
        if c["failed"]:
            w.reasons.append(f"{_units(c['failed'])} given up after errors (`lcagent retry-failed` queues them again)")
        out.append(w)
    return out


def fmt(t: datetime | None) -> str:
    return "-" if t is None else f"{_utc(t):%Y-%m-%d %H:%M:%S} UTC"


def read_status(engine: Engine, now: datetime | None = None) -> Status:
    now = now or datetime.now(UTC)
    st = Status()
    with session_scope(engine) as s:
        st.contests = q.contest_count(s)
        latest = q.latest_contest(s)
        if latest:
            st.latest_contest, st.latest_contest_start = latest.slug, latest.start_time
        st.problems = q.problem_count(s)
        st.units = repo.unit_counts(s)
        st.daemon = _daemon(s)
        sync_row = repo.latest_run(s, SYNC)
        if sync_row is not None:
            st.last_sync = (_utc(sync_row.finished_at or sync_row.started_at), sync_row.status, sync_row.note or "")  # type: ignore[assignment]
        wait_row = repo.latest_run(s, WAITING)
        if wait_row is not None and wait_row.status == "waiting":
            st.waiting = (wait_row.note or "").splitlines()
            st.waiting_since = (_utc(wait_row.started_at), _utc(wait_row.finished_at or wait_row.started_at))  # type: ignore[assignment]
        st.models_waiting = _model_waits(s, now, st.waiting, st.daemon.state in ("running", "unknown"))
        errors: list[tuple[datetime, str, str]] = []
        for r in q.recent_runs(s, SYNC, "failed", 3):
            for line in (r.note or "").splitlines():
                if not line.startswith("hint: "):
                    errors.append((_utc(r.finished_at or r.started_at), "sync", line))  # type: ignore[arg-type]
        for uid, state, attempt, error, updated, name, slug in q.recent_unit_errors(s, 5):
            what = {"generated": "judge", "pending": "endpoint", "failed": "given up"}.get(str(state), str(state))
            errors.append((_utc(updated), f"{what}, unit {uid} ({name}, {slug} #{attempt}, {state})",  # type: ignore[arg-type]
                           error or ""))
        st.recent_errors = sorted(errors, key=lambda e: e[0], reverse=True)[:8]
    st.scores = read_scores(engine)
    try:
        from agent.daemon import next_jobs

        jobs = next_jobs(engine)
    except SQLAlchemyError:  # no job table yet: the daemon never ran
        jobs = []
    st.next_jobs = sorted(((i, t) for i, t in jobs if t is not None and _utc(t) > now), key=lambda j: j[1])  # type: ignore[misc]
    st.due_jobs = sorted(((i, t) for i, t in jobs if t is not None and _utc(t) <= now), key=lambda j: j[1])  # type: ignore[misc]
    return st


def _ago(t: datetime, now: datetime) -> str:
    s = (t - now).total_seconds()
    sign, s = ("in ", s) if s >= 0 else ("", -s)
    for unit, n in (("d", 86400), ("h", 3600), ("min", 60)):
        if s >= n:
            return f"{sign}{s / n:.0f} {unit}" + ("" if sign else " ago")
    return f"{sign}{s:.0f} s" + ("" if sign else " ago")


def render(st: Status, now: datetime | None = None) -> list[str]:
    """`lcagent status` as plain lines."""
    from agent.scoreboard import plain_table

    now = now or datetime.now(UTC)
    d = st.daemon
    who = f"pid {d.pid} on {d.host}"
    lines = [{
        "never": "daemon: never started on this database",
        "running": f"daemon: running ({who}, since {fmt(d.since)})",
        "unknown": f"daemon: running on another host ({who}, since {fmt(d.since)}; not checked from here)",
        "stopped": f"daemon: not running (the last one, {who}, ran {fmt(d.since)} to {fmt(d.stopped_at)})",
        "crashed": f"daemon: not running ({who}, started {fmt(d.since)}, did not stop cleanly: crashed or killed)",
    }[d.state]]
    lines.append(f"contests: {st.contests} (latest: {st.latest_contest or '-'}"
                 + (f", {fmt(st.latest_contest_start)})" if st.latest_contest_start else ")"))
    lines.append(f"problems: {st.problems}")
    lines.append("units: " + (", ".join(f"{k} {v}" for k, v in sorted(st.units.items())) or "none"))
    if st.scores:
        lines.append("scores (judged attempts; no code and truncated count as failed):")
        lines += [f"  {line}" for line in plain_table(st.scores)]
    if st.last_sync:
        when, state, note = st.last_sync
        lines.append(f"last sync: {fmt(when)} ({_ago(when, now)}): "
                     + (note.splitlines()[0] if state == "done" else "failed, see recent errors"))
        lines += [f"  {line}" for line in note.splitlines() if state != "done" and line.startswith("hint: ")]
    else:
        lines.append("last sync: none recorded")
    waiting = [w for w in st.models_waiting if w.pending or w.reasons]
    if waiting or st.waiting:
        since = f" (since {fmt(st.waiting_since[0])}, last checked {fmt(st.waiting_since[1])})" \
            if st.waiting_since else ""
        lines.append(f"waiting{since}:")
        for w in waiting:
            lines.append(f"  {w.model}: " + "; ".join(w.reasons))
        lines += [f"  {r}" for r in st.waiting if not r.startswith("model ")]  # the judge, hidden tests
    if st.recent_errors:
        lines.append("recent errors:")
        for when, what, error in st.recent_errors:
            lines.append(f"  {fmt(when)}  {what}: {' '.join(error.split())[:300]}")
    runs = d.state in ("running", "unknown")
    due = st.due_jobs if runs else []  # a running daemon's job whose time has come; without one: stale, not shown
    if not st.next_jobs and not due:
        lines.append("next jobs: none scheduled" if runs
                     else "next jobs: none (no daemon is running; `lcagent daemon` schedules them)")
    else:
        lines.append("next jobs:" if runs else "next jobs (stored; they run only while a daemon runs, none does now):")
        for job, when in due:
            lines.append(f"job {job}: next run {fmt(when)} (due now; {JOB_NAMES.get(job, job)})")
        for job, when in st.next_jobs:
            lines.append(f"job {job}: next run {fmt(when)} ({_ago(when, now)}; {JOB_NAMES.get(job, job)})")
    return lines
