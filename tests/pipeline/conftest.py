"""Fixtures and helpers of the pipeline tests.

- a fake LeetCode (tests/fakes/leetcode_server.py) holding a new weekly contest
  that ended two days ago, made of the five judgeable fixture questions;
- a fake vLLM (tests/fakes/openai_server.py) whose responder answers per model:
  a correct reference solution, a wrong one, or prose;
- settings and subprocess environments pointing lcagent at them and at a SQLite
  file under the test's temporary directory;
- a unix-socket proxy in front of the real Docker engine that the test can make
  refuse connections (DOCKER_HOST=unix://...), so "the engine went away" is
  simulated without touching the engine;
- what the tests assert on: the database's outcome per unit, and its invariants
  (one generation per unit, one current judgement per generation, nothing left
  in flight, the result_count rollup equal to the base rows).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent.settings import Settings, load_settings
from storage import models
from storage.engine import session_scope
from tests.fakes.leetcode_server import FakeLeetCode
from tests.fakes.openai_server import Reply
from tests.sources.conftest import solution

CONTEST = "weekly-contest-9100"
# a name from each problem's starter code (it is in the prompt) -> the problem
PROMPT_KEYS = {
    "exactValues": "values-with-exact-frequency",
    "removeLeaves": "remove-leaves-below-threshold",
    "sortEvenPositions": "sort-even-positions",
    "TicketQueue": "ticket-queue",
    "meanDistance": "mean-distance-to-origin",
}
CONTEST_SLUGS = list(PROMPT_KEYS.values())
PROSE = "I would rather explain the idea in words: sort, count, and return the answer."


# ------------------------------------------------------------------ replies


def fenced(code: str) -> str:
    return f"Here is my solution.\n\n```python\n{code.rstrip()}\n```\n"


def prompt_text(body: dict) -> str:
    return json.dumps(body.get("messages", []))


def slug_of(body: dict, keys: dict[str, str] = PROMPT_KEYS) -> str | None:
    text = prompt_text(body)
    found = {slug for key, slug in keys.items() if key in text}
    return found.pop() if len(found) == 1 else None


def reference_reply(slug: str) -> str:
    return fenced(solution(slug))


def wrong_reply(slug: str) -> str:
    return PROSE if slug == "mean-distance-to-origin" else fenced(solution(slug, wrong=True))


def per_model_responder(answers: dict[str, Callable[[str], str]],
                        keys: dict[str, str] = PROMPT_KEYS) -> Callable[[dict], Reply]:
    """The fake vLLM's responder: the model named in the request answers for the
    problem named in the prompt."""

    def respond(body: dict) -> Reply:
        slug = slug_of(body, keys)
        if slug is None:
            return Reply(content="I do not know this problem.")
        return Reply(content=answers[body["model"]](slug))

    return respond


A, B = "model-a", "model-b"
ANSWERS: dict[str, Callable[[str], str]] = {A: reference_reply, B: wrong_reply}


def expected_outcome(model: str, slug: str) -> tuple[str, str | None]:
    """(generation outcome, verdict) the fake models must end with."""
    if model == A:
        return "code", "Accepted"
    if slug == "mean-distance-to-origin":
        return "no code", None
    return "code", "Wrong Answer"


# ------------------------------------------------------------------ fake LeetCode


def add_recent_contest(fake: FakeLeetCode, slug: str = CONTEST, *, ended_ago_s: float = 2 * 86400) -> int:
    """A weekly contest of the five judgeable fixture questions that ended a while
    ago (inside the sync's look-back from the real clock); returns its start."""
    start = int(time.time() - ended_ago_s - 5400)
    fake.add_contest(slug, start, [(fake.questions[s], 3 + i) for i, s in enumerate(CONTEST_SLUGS)])
    return start


@pytest.fixture
def contest() -> Iterator[FakeLeetCode]:
    with FakeLeetCode.from_fixtures() as fake:
        add_recent_contest(fake)
        yield fake


# ------------------------------------------------------------------ settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def model_spec(name: str, base_url: str, *, attempts: int = 2, concurrency: int = 2, retries: int = 1,
               **extra: Any) -> dict:
    """A model configuration for a fake endpoint: no client-side retries by default,
    so an endpoint fault reaches the pipeline at once."""
    return {"name": name, "served_id": name, "base_urls": [base_url], "attempts": attempts,
            "concurrency": concurrency, "retries": retries, "retry_backoff_s": 0.0,
            "request_timeout_s": 60.0, **extra}


def db_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'lcagent.sqlite3'}"


def settings_values(directory: Path, models_: list[dict], *, leetcode_url: str | None = None,
                    backoff_s: float = 0.5, sources: list[str] | None = None,
                    judge_parallelism: int = 2) -> dict[str, Any]:
    return {
        "data_dir": directory / "data",
        "cache_dir": directory / "cache",
        "database_url": db_url(directory),
        "models": models_,
        "sync_leetcode": leetcode_url is not None,
        "leetcode": {"base_url": leetcode_url, "min_interval_s": 0.0, "attempts": 2, "backoff_s": 0.0},
        "pipeline": {"backoff_s": backoff_s, "judge_parallelism": judge_parallelism, "max_tries": 5,
                     "sources": sources or ["leetcode", "pack"]},
        "judge": {"parallelism": judge_parallelism},
    }


def make_settings(directory: Path, models_: list[dict], **kw: Any) -> Settings:
    return load_settings(**settings_values(directory, models_, **kw))


def lcagent_env(directory: Path, models_: list[dict], *, extra: dict[str, str] | None = None,
                **kw: Any) -> dict[str, str]:
    """The same settings as `LCAGENT_*` variables, for `lcagent` in a subprocess
    (and for typer's CliRunner)."""
    v = settings_values(directory, models_, **kw)
    env = {k: val for k, val in os.environ.items() if not k.startswith("LCAGENT_")}
    env.update({
        "LCAGENT_DATA_DIR": str(v["data_dir"]),
        "LCAGENT_CACHE_DIR": str(v["cache_dir"]),
        "LCAGENT_DATABASE_URL": v["database_url"],
        "LCAGENT_MODELS": json.dumps(v["models"]),
        "LCAGENT_SYNC_LEETCODE": "true" if v["sync_leetcode"] else "false",
        "LCAGENT_LEETCODE__MIN_INTERVAL_S": "0",
        "LCAGENT_LEETCODE__ATTEMPTS": "2",
        "LCAGENT_LEETCODE__BACKOFF_S": "0",
        "LCAGENT_PIPELINE__BACKOFF_S": str(v["pipeline"]["backoff_s"]),
        "LCAGENT_PIPELINE__JUDGE_PARALLELISM": str(v["pipeline"]["judge_parallelism"]),
        "LCAGENT_PIPELINE__SOURCES": json.dumps(v["pipeline"]["sources"]),
        "LCAGENT_JUDGE__PARALLELISM": str(v["judge"]["parallelism"]),
        "PYTHONUNBUFFERED": "1",
    })
    if v["leetcode"]["base_url"]:
        env["LCAGENT_LEETCODE__BASE_URL"] = v["leetcode"]["base_url"]
    env.update(extra or {})
    return env


# ------------------------------------------------------------------ database views


def _str(x: Any) -> str | None:
    return None if x is None else str(x)


def unit_outcomes(engine: Engine) -> list[tuple]:
    """Per unit: (problem, configuration, attempt, state, outcome, extracted code,
    current verdict), sorted. What "the same database" means for the crash test."""
    U, G, J = models.Unit, models.Generation, models.Judgement
    q = (sa.select(models.Problem.slug, models.ModelConfig.name, U.attempt, U.state, G.outcome,
                   G.extracted_code, J.verdict)
         .select_from(U)
         .join(models.Problem, models.Problem.id == U.problem_id)
         .join(models.ModelConfig, models.ModelConfig.id == U.model_config_id)
         .outerjoin(G, G.unit_id == U.id)
         .outerjoin(J, (J.generation_id == G.id) & J.is_current))
    with session_scope(engine) as s:
        rows = s.execute(q).all()
    return sorted((slug, cfg, att, _str(st), _str(out), code, _str(v)) for slug, cfg, att, st, out, code, v in rows)


def state_counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        rows = s.execute(sa.select(models.Unit.state, sa.func.count()).group_by(models.Unit.state)).all()
    return {str(st): n for st, n in rows}


def count_rows(engine: Engine, table: type, *where: Any) -> int:
    with session_scope(engine) as s:
        q = sa.select(sa.func.count()).select_from(table)
        for w in where:
            q = q.where(w)
        return int(s.execute(q).scalar_one())


def invariant_violations(engine: Engine, *, finished: bool = True) -> list[str]:
    """Everything that breaks the pipeline's promises; empty when all is well.
    `finished`: also require every unit to be judged (or failed)."""
    U, G, J, RC = models.Unit, models.Generation, models.Judgement, models.ResultCount
    bad: list[str] = []
    with session_scope(engine) as s:
        busy = s.execute(sa.select(U.id, U.state).where(U.state.in_(["generating", "judging"]))).all()
        if busy:
            bad.append(f"units left in flight: {busy}")
        dup_units = s.execute(sa.select(U.problem_id, U.model_config_id, U.attempt, sa.func.count())
                              .group_by(U.problem_id, U.model_config_id, U.attempt)
                              .having(sa.func.count() > 1)).all()
        if dup_units:
            bad.append(f"duplicate units: {dup_units}")
        gens = {u: n for u, n in s.execute(sa.select(G.unit_id, sa.func.count()).group_by(G.unit_id)).all()}
        if any(n != 1 for n in gens.values()):
            bad.append(f"units with several generations: {[u for u, n in gens.items() if n != 1]}")
        current = {g: n for g, n in s.execute(sa.select(J.generation_id, sa.func.count()).where(J.is_current)
                                               .group_by(J.generation_id)).all()}
        if any(n != 1 for n in current.values()):
            bad.append(f"generations with several current judgements: {current}")
        for uid, state, gid, outcome in s.execute(
                sa.select(U.id, U.state, G.id, G.outcome).outerjoin(G, G.unit_id == U.id)).all():
            state, outcome = str(state), _str(outcome)
            has_verdict = gid in current
            if state == "pending" and gid is not None:
                bad.append(f"unit {uid} is pending but has a generation")
            if state == "generated" and (outcome != "code" or has_verdict):
                bad.append(f"unit {uid} is generated with outcome {outcome}, verdict {has_verdict}")
            if state == "judged" and (gid is None or (outcome == "code") != has_verdict):
                bad.append(f"unit {uid} is judged with outcome {outcome}, current verdict {has_verdict}")
            if finished and state not in ("judged", "failed"):
                bad.append(f"unit {uid} is {state}")
        # the rollup equals the base rows
        want: dict[tuple, int] = {}
        for cfg, pid, verdict in s.execute(
                sa.select(U.model_config_id, U.problem_id, J.verdict).select_from(J)
                .join(G, G.id == J.generation_id).join(U, U.id == G.unit_id).where(J.is_current)).all():
            want[(cfg, pid, str(verdict))] = want.get((cfg, pid, str(verdict)), 0) + 1
        for cfg, pid, outcome in s.execute(
                sa.select(U.model_config_id, U.problem_id, G.outcome).select_from(G)
                .join(U, U.id == G.unit_id).where(G.outcome != "code")).all():
            want[(cfg, pid, str(outcome))] = want.get((cfg, pid, str(outcome)), 0) + 1
        have = {(c, p, r): n for c, p, r, n in s.execute(
            sa.select(RC.model_config_id, RC.problem_id, RC.result, RC.n)).all() if n}
        if have != want:
            bad.append(f"result_count {sorted(have.items())} != base rows {sorted(want.items())}")
    return bad


def wait_for(predicate: Callable[[], Any], timeout_s: float, interval_s: float = 0.05, what: str = "") -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what or predicate}")
        time.sleep(interval_s)


# ------------------------------------------------------------------ Docker

# the engine the session started with (tests point DOCKER_HOST elsewhere)
REAL_DOCKER_HOST = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


class DockerProxy:
    """A unix socket forwarding byte for byte to the real Docker engine's socket.
    `down()` drops every open connection (attached container streams included)
    and refuses new ones; `up()` serves again. The engine itself is never touched."""

    def __init__(self, path: Path, target: str = REAL_DOCKER_HOST.removeprefix("unix://")) -> None:
        self.path, self.target = path, target
        self._server: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.accepted = 0

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def up(self) -> DockerProxy:
        self.path.unlink(missing_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        server.listen(64)
        server.settimeout(0.05)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), name="docker-proxy", daemon=True).start()
        return self

    def down(self) -> None:
        """The engine "goes away": the socket file stays, connecting is refused."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        with self._lock:
            conns, self._conns = self._conns, set()
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                c.close()

    def close(self) -> None:
        self.down()
        self.path.unlink(missing_ok=True)

    def _accept(self, server: socket.socket) -> None:
        while self._server is server:
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns |= {client, upstream}
                self.accepted += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(1 << 16):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)


@pytest.fixture
def docker_proxy() -> Iterator[DockerProxy]:
    directory = Path(tempfile.mkdtemp(prefix="lcdk"))  # short: unix socket paths are limited
    proxy = DockerProxy(directory / "docker.sock").up()
    try:
        yield proxy
    finally:
        proxy.close()
        with contextlib.suppress(OSError):
            directory.rmdir()


def real_docker() -> Any:
    """A client of the real engine, whatever DOCKER_HOST a test has set since."""
    import docker

    return docker.DockerClient(base_url=REAL_DOCKER_HOST, timeout=60)


def judge_containers(pid: int | None = None) -> set[str]:
    from judge.sandbox import LABEL

    label = [LABEL] if pid is None else [LABEL, f"{LABEL}.pid={pid}"]
    return {c["Id"] for c in real_docker().api.containers(all=True, filters={"label": label})}


@pytest.fixture
def no_leaked_containers() -> Iterator[None]:
    """Removes the judge containers this process started during the test that
    its pools could not remove (the engine was "away" when they were closed);
    those of other processes and of earlier fixtures are left alone."""
    from judge.sandbox import sweep_orphans

    before = judge_containers(os.getpid())
    yield
    client = real_docker()
    for cid in judge_containers(os.getpid()) - before:
        with contextlib.suppress(Exception):
            client.api.remove_container(cid, force=True)
    sweep_orphans(client)  # and those of lcagent subprocesses the test killed


# ------------------------------------------------------------------ subprocesses

LCAGENT = str(Path(sys.executable).parent / "lcagent")


class Lcagent:
    """`lcagent <args>` in a subprocess of its own session; output to a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, cwd: Path) -> None:
        self.log = log
        self._out = log.open("ab")
        self.proc = subprocess.Popen([LCAGENT, *args], env=env, cwd=cwd, stdout=self._out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.started = time.monotonic()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: int) -> None:
        if self.alive():
            self.proc.send_signal(sig)

    def wait(self, timeout_s: float) -> int:
        try:
            return self.proc.wait(timeout_s)
        finally:
            self._out.close()

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        self.wait(30)


@pytest.fixture
def lcagent_procs() -> Iterator[list[Lcagent]]:
    """Processes a test starts; any still running at the end is killed."""
    procs: list[Lcagent] = []
    yield procs
    for p in procs:
        p.kill()
