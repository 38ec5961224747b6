"""`lcagent status` explains: whether a daemon runs (pid, host, since), a daemon
that stopped or was killed, what each waiting model waits for, recent errors
(sync with its time), the next jobs only in the future; and a sync against an
unreachable LeetCode names the host and says what to do instead.

Real `lcagent` processes on a real SQLite file; the endpoint and LeetCode are
closed loopback ports."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
from pathlib import Path

from tests.pipeline.conftest import LCAGENT, Lcagent, free_port, wait_for

from .conftest import clean_env, lines

TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    port = free_port()  # nothing listens there
    return clean_env({
        "LCAGENT_DATA_DIR": str(tmp_path / "data"),
        "LCAGENT_MODELS": json.dumps([{"name": "m-down", "served_id": "m", "base_urls": [f"http://127.0.0.1:{port}/v1"],
                                       "retries": 1, "retry_backoff_s": 0}]),
        "LCAGENT_SYNC_LEETCODE": "false",
        "LCAGENT_PIPELINE__SOURCES": '["pack"]',
        **extra,
    })


def lcagent(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LCAGENT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def status(env: dict[str, str], cwd: Path) -> list[str]:
    done = lcagent(["status"], env, cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_waiting_model_and_unreachable_leetcode_are_explained(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    assert status(env, tmp_path) == [f"no results yet in sqlite:///{tmp_path}/data/lcagent.sqlite3: `lcagent run`, "
                                     "`lcagent eval` or `lcagent daemon` fill it"]
    pack = Path(__file__).parents[1] / "data" / "packs" / "demo"
    assert lcagent(["import", "pack", str(pack)], env, tmp_path).returncode == 0
    run = lcagent(["run", "--no-sync"], env, tmp_path)
    assert run.returncode == 1
    assert "model m-down waits:" in run.stderr

    lc_port = free_port()
    sync = lcagent(["sync"], {**env, "LCAGENT_LEETCODE__BASE_URL": f"http://127.0.0.1:{lc_port}",
                              "LCAGENT_LEETCODE__ATTEMPTS": "1", "LCAGENT_LEETCODE__BACKOFF_S": "0"}, tmp_path)
    assert sync.returncode == 1
    err = lines(sync.stderr)
    assert err[0].startswith(f"failed contest list: LeetCode at 127.0.0.1:{lc_port} is unreachable (POST /graphql/: "
                             "ConnectError"), err
    assert err[1] == ("hint: without LeetCode, evaluate on problem packs: `lcagent import pack DIR` stores them, and "
                      "LCAGENT_SYNC_LEETCODE=false (or `lcagent run --no-sync`) skips the sync")

    out = status(env, tmp_path)
    assert out[0] == "daemon: never started on this database"
    k = out.index(next(line for line in out if line.startswith("last sync")))
    assert re.fullmatch(rf"last sync: {TIME} \(\d+ s ago\): failed, see recent errors", out[k]), out
    assert out[k + 1] == "  " + err[1]  # the hint
    i = out.index(next(line for line in out if line.startswith("waiting")))
    assert re.fullmatch(rf"waiting \(since {TIME}, last checked {TIME}\):", out[i]), out[i]
    assert out[i + 1].startswith("  m-down: waits for its endpoint: http://127.0.0.1:"), out[i + 1]
    errors = out[out.index("recent errors:") + 1:]
    assert re.match(rf"  {TIME}  sync: contest list: LeetCode at 127.0.0.1:{lc_port} is unreachable", errors[0]), errors
    assert out[-1] == "next jobs: none (no daemon is running; `lcagent daemon` schedules them)"

    # the same trouble again is the same row, seen later; once the endpoint answers it clears
    assert lcagent(["run", "--no-sync"], env, tmp_path).returncode == 1
    again = status(env, tmp_path)
    assert sum(line.startswith("  m-down: waits for") for line in again) == 1


def test_daemon_running_stopped_and_killed(tmp_path: Path, lcagent_procs: list[Lcagent]) -> None:
    env = env_for(tmp_path, LCAGENT_DAEMON__PROCESS_INTERVAL_S="1")
    host = socket.gethostname()
    daemon = Lcagent(["daemon"], env, tmp_path / "daemon.log", tmp_path)
    lcagent_procs.append(daemon)
    running = rf"daemon: running \(pid {daemon.pid} on {re.escape(host)}, since {TIME}\)"
    out = wait_for(lambda: (lambda o: o if re.fullmatch(running, o[0]) else None)(status(env, tmp_path)), 60,
                   0.3, "the daemon in status")
    jobs = out[out.index("next jobs:") + 1:]
    assert all(re.fullmatch(rf"job [a-z-]+: next run {TIME} \(in \d+ (s|min|h|d); [a-z ]+\)", line) or
               re.fullmatch(rf"job process: next run {TIME} \(due now; generate and judge\)", line)
               for line in jobs), jobs  # no stale time shown as a next run
    assert "job weekly-report" in "\n".join(jobs) and "sync" not in "\n".join(jobs)  # sync_leetcode is false
    # the endpoint is down: the daemon's cycle says why, and status shows it
    wait_for(lambda: any(line.startswith("  m-down: waits for its endpoint") for line in status(env, tmp_path)),
             60, 0.3, "the waiting model")

    daemon.signal(signal.SIGTERM)
    assert daemon.wait(60) == 0
    out = status(env, tmp_path)
    assert re.fullmatch(rf"daemon: not running \(the last one, pid {daemon.pid} on {re.escape(host)}, "
                        rf"ran {TIME} to {TIME}\)", out[0]), out[0]
    # the stored jobs whose time is still to come, said not to run without a daemon
    jobs = out[out.index("next jobs (stored; they run only while a daemon runs, none does now):") + 1:]
    assert "job weekly-report" in [line.split(":")[0] for line in jobs], out
    assert all(re.fullmatch(rf"job [a-z-]+: next run {TIME} \(in \d+ (s|min|h|d); [a-z ]+\)", line)
               for line in jobs), jobs

    killed = Lcagent(["daemon"], env, tmp_path / "daemon2.log", tmp_path)
    lcagent_procs.append(killed)
    wait_for(lambda: status(env, tmp_path)[0].startswith(f"daemon: running (pid {killed.pid} "), 60, 0.3,
             "the second daemon")
    killed.signal(signal.SIGKILL)
    killed.wait(30)
    out = status(env, tmp_path)
    assert re.fullmatch(rf"daemon: not running \(pid {killed.pid} on {re.escape(host)}, started {TIME}, "
                        r"did not stop cleanly: crashed or killed\)", out[0]), out[0]
