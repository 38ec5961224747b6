"""What the service did and why it waits, kept in `run` rows for `lcagent status`.

- `daemon`: one row per daemon start; `host` is its owner token (`host:pid:start:`,
  as in unit claims), status `running` until it stops (`stopped`). A row left
  `running` whose process is gone is a daemon that crashed or was killed.
- `sync`: the outcome of each sync (`done` or `failed`, the failures in `note`).
- `waiting`: why work waits after a cycle (`waiting`, one reason per line in
  `note`: "model m waits: ...", "judging waits: ..."), `cleared` once nothing does.

A row that would repeat the previous one of its kind (same status, same note) is
not added: the previous one's `finished_at` moves instead, so a day of an
unreachable endpoint is one row, first seen (`started_at`) to last seen.
"""

from __future__ import annotations

import os
import socket

from sqlalchemy.engine import Engine

from agent.sources.sync import SyncReport
from agent.sync_hint import unreachable_hint
from storage import repo
from storage.engine import session_scope
from storage.models import id_of, utcnow

DAEMON, SYNC, WAITING = "daemon", "sync", "waiting"


def daemon_started(engine: Engine) -> int:
    with session_scope(engine) as s:
        return repo.start_run(s, DAEMON, host=repo.claim_owner(),
                              settings={"pid": os.getpid(), "hostname": socket.gethostname()}).id  # type: ignore[return-value]


def daemon_stopped(engine: Engine, run_id: int) -> None:
    with session_scope(engine) as s:
        repo.finish_run(s, run_id, "stopped")


def _note(engine: Engine, kind: str, status: str, note: str | None) -> None:
    now = utcnow()
    with session_scope(engine) as s:
        last = repo.latest_run(s, kind)
        if last is not None and last.status == status and (last.note or None) == note:
            repo.extend_run(s, id_of(last), now)
            return
        repo.add_run(s, kind, status, host=socket.gethostname(), note=note, at=now)


def record_sync(engine: Engine, report: SyncReport) -> None:
    lines = [f"{where}: {reason}" for where, reason in report.failures]
    if report.stopped:
        lines.append(report.stopped)
    hint = unreachable_hint(report.failures)
    if hint:
        lines.append(f"hint: {hint}")
    _note(engine, SYNC, "failed" if lines else "done", "\n".join(lines) or report.summary())


def record_waiting(engine: Engine, reasons: list[str]) -> None:
    """After a cycle: why work waits (nothing: the last waiting row is cleared)."""
    if reasons:
        _note(engine, WAITING, "waiting", "\n".join(reasons))
        return
    with session_scope(engine) as s:
        last = repo.latest_run(s, WAITING)
        if last is not None and last.status == "waiting":
            repo.set_run_status(s, id_of(last), "cleared")


def record_cycle(engine: Engine, report: object, *, waiting: bool = True) -> None:
    """A cycle's sync outcome and (with `waiting`) its waiting reasons."""
    sync = getattr(report, "sync", None)
    if sync is not None:
        record_sync(engine, sync)
    if waiting:
        record_waiting(engine, list(getattr(report, "waiting", [])))
