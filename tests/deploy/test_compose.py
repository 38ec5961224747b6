"""The deployment, end to end, with Debian's docker-compose (1.29): the shipped
docker-compose.yml passes `docker-compose config` unmodified, and the stack comes
up and completes a cycle with the `vllm` service replaced by the fake
OpenAI-compatible server (tests/deploy/docker-compose.test.yml).

The stack is real: the agent image is built from ./Dockerfile on the locally
built Debian base (scripts/build-base-image.sh, no registry) with the wheelhouse
(scripts/build-wheelhouse.sh); the judge service holds the Docker socket and
starts the real judge containers; the daemon generates against the fake server,
judges through the judge service, and records in SQLite on the named volume,
which a throwaway container then reads; the dashboard answers on a free host
port. Each run has its own compose project and image tag, so runs can overlap;
everything a run creates (containers, the judge containers its judge service
started, volumes, network, image tag) is removed at the end, pass or fail.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = [pytest.mark.docker, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
OVERRIDE = "tests/deploy/docker-compose.test.yml"
PACK = ROOT / "tests/data/packs/demo"
REPLIES = ROOT / "tests/data/packs/demo.replies.json"
BASE_IMAGE = "lcagent-base:bookworm"
BUILD_LOCK = Path("/tmp/lcagent-deploy-build.lock")  # deploy/wheels is shared by concurrent runs
JUDGE_LABEL = "org.lcagent.judge"
MODEL_NAME, SERVED_NAME = "demo-coder", "demo-coder-served"
EXPECTED = {  # what the fake model's answers (demo.replies.json) must get
    "demo-add-two-integers": "Accepted",
    "demo-reverse-words": "Accepted",
    "demo-maximum-subarray": "Accepted",
    "demo-count-even-numbers": "Wrong Answer",
}
CYCLE_TIMEOUT_S = 180
UP_TIMEOUT_S = 240


def _clean_env() -> dict[str, str]:
    """This process's environment without anything that would override the env
    file (shell variables win over --env-file in docker-compose)."""
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = {line.split("=", 1)[0].strip() for line in example.splitlines()
             if "=" in line and not line.lstrip().startswith("#")}
    return {k: v for k, v in os.environ.items() if k not in names and not k.startswith("COMPOSE_")}


def _run(cmd: list[str], timeout: float, *, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env or _clean_env(), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"{' '.join(cmd)} did not finish within {timeout} s\n"
                             f"{_text(e.stdout)[-3000:]}\n{_text(e.stderr)[-3000:]}") from None
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({done.returncode})\n"
                             f"stdout: {done.stdout[-4000:]}\nstderr: {done.stderr[-4000:]}")
    return done


def _text(b: bytes | str | None) -> str:
    return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(url: str, data: bytes | None = None, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# --------------------------------------------------------------- the shipped file


def _volumes(service: dict) -> list[tuple[str, str]]:
    """(source, target) of a service's volumes, in either syntax `config` prints."""
    out = []
    for v in service.get("volumes", []):
        if isinstance(v, dict):
            out.append((str(v.get("source", "")), str(v["target"])))
        else:
            parts = str(v).split(":")
            out.append((parts[0], parts[1] if len(parts) > 1 else parts[0]))
    return out


def _ports(service: dict) -> list[tuple[str, int]]:
    """(host address, container port) of a service's published ports, in either syntax."""
    out = []
    for p in service.get("ports", []):
        if isinstance(p, dict):
            out.append((str(p.get("host_ip") or "0.0.0.0"), int(p["target"])))
        else:
            parts = str(p).split("/")[0].split(":")
            out.append((parts[0] if len(parts) == 3 else "0.0.0.0", int(parts[-1])))
    return out


def test_the_shipped_compose_file_needs_a_judge_token(tmp_path: Path) -> None:
    """No known default token: without JUDGE_TOKEN the file does not even load."""
    for content in ("", "JUDGE_TOKEN=\n"):
        env = tmp_path / "no-token.env"
        env.write_text(content)
        done = _run(["docker-compose", "--env-file", str(env), "-f", "docker-compose.yml", "config"], 60,
                     check=False)
        assert done.returncode != 0, done.stdout
        assert "JUDGE_TOKEN" in done.stderr, done.stderr
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "change-me" not in example and "change-me" not in (ROOT / "docker-compose.yml").read_text()


def test_the_shipped_compose_file_passes_config_unmodified(tmp_path: Path) -> None:
    defaults = tmp_path / "defaults.env"  # the defaults, whatever .env a checkout has, and the one required value
    token = secrets.token_hex(16)
    defaults.write_text(f"JUDGE_TOKEN={token}\n")
    done = _run(["docker-compose", "--env-file", str(defaults), "-f", "docker-compose.yml", "config"], 60)
    cfg = yaml.safe_load(done.stdout)
    services = cfg["services"]
    assert set(services) == {"vllm", "agent", "judge", "dashboard"}

    agent, judge, dashboard, vllm = (services[n] for n in ("agent", "judge", "dashboard", "vllm"))
    assert agent["depends_on"] == {"vllm": {"condition": "service_healthy"},
                                   "judge": {"condition": "service_healthy"}}
    assert vllm["healthcheck"]["test"] and judge["healthcheck"]["test"]
    devices = vllm["deploy"]["resources"]["reservations"]["devices"]
    assert devices and devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]

    sock = "/var/run/docker.sock"
    with_socket = {name for name, s in services.items() if any(sock in (src, dst) for src, dst in _volumes(s))}
    assert with_socket == {"judge"}, f"only the judge service may hold the Docker socket: {with_socket}"

    named = set(cfg.get("volumes") or {})
    data_mounts = {name: src for name, s in services.items() for src, dst in _volumes(s) if dst == "/data"}
    assert data_mounts == {"agent": "lcagent-data", "dashboard": "lcagent-data"}
    assert "lcagent-data" in named

    env = agent["environment"]
    assert env["LCAGENT_JUDGE__URL"] == "http://judge:7000"
    assert env["LCAGENT_DATA_DIR"] == dashboard["environment"]["LCAGENT_DATA_DIR"] == "/data"
    assert env["LCAGENT_JUDGE__TOKEN"] == judge["environment"]["LCAGENT_JUDGE__TOKEN"] == token
    models = json.loads(env["LCAGENT_MODELS"])
    assert models[0]["base_urls"] == ["http://vllm:8000/v1"]
    assert agent["image"] == dashboard["image"] == judge["image"]
    assert judge["build"]["args"]["BASE_IMAGE"]
    assert _ports(dashboard) == [("127.0.0.1", 8001)], "the dashboard is published on loopback by default"
    assert not judge.get("ports"), "the judge service is reachable inside the compose network only"


def test_the_demo_pack_and_its_replies() -> None:
    """The pack the stack test imports: valid problem files whose reference
    solutions are what the fake model answers, except one it answers wrongly."""
    from agent.generation.extract import extract
    from agent.sources.pack import PackSource

    loaded = PackSource(PACK).load()
    assert not loaded.failures
    assert {p.slug for p in loaded.problems} == set(EXPECTED)
    replies = json.loads(REPLIES.read_text(encoding="utf-8"))
    for p in loaded.problems:
        assert p.reference_solution and p.tests and p.contest is not None
        keys = [k for k in replies if k in p.starter_code]
        assert len(keys) == 1, p.slug
        code = extract(replies[keys[0]], None, "stop", "Solution", p.signature.name).code  # type: ignore[union-attr]
        assert (code == p.reference_solution) == (EXPECTED[p.slug] == "Accepted"), p.slug


# ---------------------------------------------------------------------- the stack


@dataclass
class Stack:
    project: str
    image: str
    env_file: Path
    dashboard_port: int
    judge_hosts: set[str] = field(default_factory=set)

    def compose(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _run(["docker-compose", "--env-file", str(self.env_file), "-p", self.project,
                     "-f", "docker-compose.yml", "-f", OVERRIDE, *args], timeout, check=check)

    def container(self, service: str) -> dict[str, Any]:
        ids = _run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={self.project}",
                    "--filter", f"label=com.docker.compose.service={service}",
                    "--filter", "label=com.docker.compose.oneoff=False"], 30).stdout.split()
        assert len(ids) == 1, f"{service}: {len(ids)} containers\n{self.logs()}"
        return json.loads(_run(["docker", "inspect", ids[0]], 30).stdout)[0]

    def logs(self) -> str:
        ps = self.compose("ps", timeout=60, check=False)
        logs = self.compose("logs", "--no-color", "--tail", "150", timeout=60, check=False)
        return f"--- docker-compose ps\n{ps.stdout}{ps.stderr}\n--- logs\n{logs.stdout[-20000:]}{logs.stderr[-2000:]}"

    def remember_judge_hosts(self) -> None:
        """The judge service's hostnames: its judge containers carry them as a label."""
        ids = _run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={self.project}",
                    "--filter", "label=com.docker.compose.service=judge"], 30, check=False).stdout.split()
        for cid in ids:
            host = _run(["docker", "inspect", "-f", "{{.Config.Hostname}}", cid], 30, check=False).stdout.strip()
            if host:
                self.judge_hosts.add(host)

    def judge_containers(self) -> list[str]:
        ids: list[str] = []
        for host in sorted(self.judge_hosts):
            ids += _run(["docker", "ps", "-aq", "--filter", f"label={JUDGE_LABEL}.host={host}"], 30,
                        check=False).stdout.split()
        return ids

    def units(self) -> dict[str, int]:
        """Unit states from `lcagent status` inside the running agent."""
        done = self.compose("exec", "-T", "agent", "lcagent", "status", timeout=60, check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith("units: ")), None)
        if done.returncode != 0 or line is None or line == "units: none":
            return {}
        return {k: int(v) for k, v in (part.rsplit(" ", 1) for part in line[len("units: "):].split(", "))}


def _build(stack: Stack) -> None:
    """Base image (cached by tag), wheelhouse, agent image; serialised between runs
    because the wheelhouse directory is shared."""
    BUILD_LOCK.touch(exist_ok=True)
    with open(BUILD_LOCK) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _run(["scripts/build-base-image.sh", BASE_IMAGE], 600)
            _run(["scripts/build-wheelhouse.sh", BASE_IMAGE], 300)
            stack.compose("build", "judge", timeout=600)
            # the judge service needs the judge image of this code; build it when missing
            lcagent = str(ROOT / ".venv/bin/lcagent")
            if _run([lcagent, "judge-image", "show"], 60, check=False).returncode != 0:
                _run([lcagent, "judge-image", "build", "--offline"], 600)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _teardown(stack: Stack) -> None:
    """Always: the project's containers, network and volumes, the judge containers
    its judge service started, and the image tag (its layers stay as build cache)."""
    stack.remember_judge_hosts()
    down = stack.compose("down", "-v", "--remove-orphans", "-t", "10", timeout=180, check=False)
    if down.returncode != 0:
        print(f"docker-compose down failed: {down.stderr[-2000:]}")
    leftovers = stack.judge_containers()
    leftovers += _run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={stack.project}"],
                      30, check=False).stdout.split()
    if leftovers:
        _run(["docker", "rm", "-f", "-v", *sorted(set(leftovers))], 120, check=False)
    for kind in ("volume", "network"):
        names = _run(["docker", kind, "ls", "-q", "--filter", f"label=com.docker.compose.project={stack.project}"],
                     30, check=False).stdout.split()
        if names:
            _run(["docker", kind, "rm", *names], 60, check=False)
    _run(["docker", "rmi", "--no-prune", stack.image], 120, check=False)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    run_id = uuid.uuid4().hex[:10]
    env_file = tmp_path_factory.mktemp("compose") / "stack.env"
    s = Stack(project=f"lcagenttest{run_id}", image=f"lcagent-agent:deploytest-{run_id}",
              env_file=env_file, dashboard_port=_free_port())
    env_file.write_text("\n".join([
        f"AGENT_IMAGE={s.image}",
        f"AGENT_BASE_IMAGE={BASE_IMAGE}",
        "SYNC_LEETCODE=false",  # -> LCAGENT_SYNC_LEETCODE: no LeetCode from CI
        f"DASHBOARD_PORT=127.0.0.1:{s.dashboard_port}",
        f"VLLM_PORT={_free_port()}",
        f"JUDGE_TOKEN={secrets.token_hex(16)}",
        "JUDGE_PARALLELISM=2",
        f"MODEL_NAME={MODEL_NAME}",
        f"SERVED_MODEL_NAME={SERVED_NAME}",
        "",
    ]))
    started = time.monotonic()
    try:
        _build(s)
        print(f"\n[deploy] images built in {time.monotonic() - started:.0f} s ({s.image})")
        up = s.compose("up", "-d", timeout=UP_TIMEOUT_S, check=False)
        s.remember_judge_hosts()
        assert up.returncode == 0, f"docker-compose up failed:\n{up.stdout}\n{up.stderr}\n{s.logs()}"
        imported = s.compose("run", "--rm", "--no-deps", "-T", "-v", f"{ROOT / 'tests'}:/app/tests:ro",
                             "agent", "lcagent", "import", "pack", "/app/tests/data/packs/demo", timeout=120)
        assert f"{len(EXPECTED)} problems stored, 0 not imported" in imported.stderr, imported.stderr
        _wait_for_cycle(s)
        print(f"[deploy] stack up and cycle done after {time.monotonic() - started:.0f} s")
        yield s
    finally:
        _teardown(s)
        print(f"[deploy] torn down after {time.monotonic() - started:.0f} s")


def _wait_for_cycle(s: Stack) -> None:
    deadline = time.monotonic() + CYCLE_TIMEOUT_S
    units: dict[str, int] = {}
    while time.monotonic() < deadline:
        units = s.units()
        if units.get("failed"):
            pytest.fail(f"units failed: {units}\n{s.logs()}")
        if units == {"judged": len(EXPECTED)}:
            return
        time.sleep(3)
    pytest.fail(f"the daemon did not judge all {len(EXPECTED)} units within {CYCLE_TIMEOUT_S} s "
                f"(units: {units or 'none'})\n{s.logs()}")


_READ_VOLUME = """
import json, sqlite3
db = sqlite3.connect("file:/data/lcagent.sqlite3?mode=ro", uri=True)
rows = db.execute("SELECT problem, model_config, state, outcome, verdict, passed, total, judge_image, endpoint "
                  "FROM v_results ORDER BY problem").fetchall()
print(json.dumps(rows))
"""


def test_verdicts_land_in_the_database_on_the_volume(stack: Stack) -> None:
    agent = stack.container("agent")
    mounts = {m["Destination"]: m for m in agent["Mounts"]}
    data = mounts["/data"]
    assert data["Type"] == "volume" and data["Name"] == f"{stack.project}_lcagent-data"
    # a throwaway container on the same volume, no network: the file itself
    done = _run(["docker", "run", "--rm", "--network", "none", "-v", f"{data['Name']}:/data",
                 stack.image, "python3", "-c", _READ_VOLUME], 60)
    rows = json.loads(done.stdout)
    verdicts = {problem: verdict for problem, _, _, _, verdict, *_ in rows}
    assert verdicts == EXPECTED, stack.logs()
    for problem, config, state, outcome, verdict, passed, total, judge_image, endpoint in rows:
        assert (config, state, outcome) == (MODEL_NAME, "judged", "code"), problem
        assert total >= 3 and (passed == total) == (verdict == "Accepted"), problem
        assert judge_image.startswith("lcagent-judge:"), problem
        assert endpoint == "http://vllm:8000/v1", problem


def test_canned_query_in_the_running_agent(stack: Stack) -> None:
    done = stack.compose("exec", "-T", "agent", "lcagent", "query", "contest_matrix", "--format", "json")
    rows = json.loads(done.stdout)
    assert [(r["model_config"], r["contest"], r["accepted"], r["attempts"]) for r in rows] == [
        (MODEL_NAME, "demo-weekly-1", 3, 4)]


def test_the_dashboard_answers_on_its_published_port(stack: Stack) -> None:
    from agent.dashboard import CANNED

    base = f"http://127.0.0.1:{stack.dashboard_port}"
    deadline, status = time.monotonic() + 60, 0
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            status, _ = _http(base + "/")
            if status == 200:
                break
        time.sleep(1)
    assert status == 200, f"dashboard on {base}: {status}\n{stack.logs()}"
    for name in CANNED:
        status, body = _http(f"{base}/lcagent/{name}.json?_shape=array")
        assert status == 200, f"{name}: {status} {body[:300]!r}"
        assert isinstance(json.loads(body), list), name
    _, body = _http(f"{base}/lcagent/contest_matrix.json?_shape=array")
    assert [(r["model_config"], r["accepted"], r["attempts"]) for r in json.loads(body)] == [(MODEL_NAME, 3, 4)]
    _, body = _http(f"{base}/lcagent/verdict_mix.json?_shape=array")
    assert {r["result"]: r["n"] for r in json.loads(body)} == {"Accepted": 3, "Wrong Answer": 1}
    # read-only: no SQL that writes, no write endpoint
    status, _ = _http(f"{base}/lcagent.json?sql=DELETE+FROM+unit")
    assert status >= 400
    status, _ = _http(f"{base}/lcagent", data=b"sql=DELETE FROM unit")
    assert status >= 400
    assert stack.units() == {"judged": len(EXPECTED)}


def test_the_wiring_of_the_running_stack(stack: Stack) -> None:
    """No GPU container, LeetCode sync off, only the judge service holds the Docker
    socket, and judging ran in hardened sibling containers that service started."""
    ids = _run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={stack.project}",
                "--filter", "label=com.docker.compose.service=vllm"], 30).stdout.split()
    assert ids == []
    containers = {name: stack.container(name) for name in ("agent", "judge", "dashboard", "fake-vllm")}
    for name, c in containers.items():
        assert c["State"]["Running"], f"{name} is not running\n{stack.logs()}"
        has_socket = any(m["Source"] == "/var/run/docker.sock" for m in c["Mounts"])
        assert has_socket == (name == "judge"), name
    assert "LCAGENT_SYNC_LEETCODE=false" in containers["agent"]["Config"]["Env"]
    status = stack.compose("exec", "-T", "agent", "lcagent", "status").stdout
    assert "job sync" not in status and "job process" in status, status

    judge_boxes = stack.judge_containers()
    assert judge_boxes, "the judge service started no judge container"
    for box in json.loads(_run(["docker", "inspect", *judge_boxes], 30).stdout):
        host = box["HostConfig"]
        assert host["NetworkMode"] == "none" and host["ReadonlyRootfs"] is True
        assert host["CapDrop"] == ["ALL"] and host["Privileged"] is False and not box["Mounts"]
        # root only to drop to the harness's uid with three capabilities (SETPCAP empties the
        # bounding set first); the submissions run under the container's own uid with none
        assert sorted(c.removeprefix("CAP_") for c in host["CapAdd"]) == ["KILL", "SETGID", "SETPCAP", "SETUID"]
        assert box["Config"]["User"] == "0:0" and "no-new-privileges" in host["SecurityOpt"]
        processes = _run(["docker", "top", box["Id"], "-eo", "pid,uid,args"], 30).stdout.splitlines()[1:]
        harness = [line.split(None, 2)[1:] for line in processes if "harness.py serve" in line]
        assert harness and all(uid == "10000" for uid, _ in harness), processes
    base_layers = json.loads(_run(["docker", "image", "inspect", "-f", "{{json .RootFS.Layers}}", BASE_IMAGE],
                                  30).stdout)
    agent_layers = json.loads(_run(["docker", "image", "inspect", "-f", "{{json .RootFS.Layers}}", stack.image],
                                   30).stdout)
    assert agent_layers[:len(base_layers)] == base_layers, "the agent image is not built on the local base"
