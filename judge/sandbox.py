"""Hardened judge containers, driven through the Docker SDK.

Each container runs the harness as PID 1 and serves jobs over its attached
stdin/stdout: one JSON line in, one JSON line out. A container is reused for many
submissions, and each submission still gets a fresh process (forked by the
harness), its own rlimits, a wiped scratch filesystem and no surviving process of
its predecessor. Containers are replaced after `recycle_after` jobs, whenever the
harness reports a dirty sandbox, and whenever anything unexpected happens.

Container hardening: no network, read-only root, small tmpfs scratch, every
capability dropped, no-new-privileges, a non-root user, pids limit, memory limit
with swap off, a CPU quota, file-size and open-file rlimits; containers carry
labels so that a crashed run's leftovers are swept at the next start.

Any Docker trouble becomes `SandboxUnavailable`: the caller retries, it never
records a verdict.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
import requests.exceptions

from judge.errors import JudgeImageMissing, SandboxUnavailable

log = logging.getLogger(__name__)

LABEL = "org.lcagent.judge"
SANDBOX_UID = "10001:10001"
HARNESS_PATH = "/opt/lcjudge/harness.py"
_DOCKER_ERRORS = (docker.errors.DockerException, requests.exceptions.RequestException, OSError)
_LIVE_POOLS: set[str] = set()  # pools of this process not closed yet (their containers are not orphans)


@dataclass(frozen=True)
class SandboxConfig:
    image: str
    parallelism: int = max(1, os.cpu_count() or 1)
    container_memory_mb: int = 2560  # cgroup ceiling; each submission has its own RLIMIT_AS
    cpus: float = 1.0
    pids_limit: int = 128
    scratch_mb: int = 64
    file_bytes: int = 16 << 20
    output_bytes: int = 16 << 20  # submission's stdout+stderr before Output Limit Exceeded
    result_bytes: int = 64 << 20  # returned values, all tests together
    recycle_after: int = 1000
    host_grace_s: float = 15.0  # beyond the in-container deadline, before giving up


def docker_client() -> docker.DockerClient:
    try:
        client = docker.from_env(timeout=60)
        client.ping()
        return client
    except _DOCKER_ERRORS as e:
        raise SandboxUnavailable(f"cannot reach the Docker engine ({e})") from None


class Sandbox:
    """One judge container; used by one thread at a time."""

    def __init__(self, client: docker.DockerClient, config: SandboxConfig, pool_id: str, n: int) -> None:
        self.client, self.config = client, config
        self.jobs = 0
        self._buf = b""
        self._out = b""
        try:
            self.container = client.containers.create(
                config.image,
                # not -I: it would ignore PYTHONHASHSEED; the environment is ours anyway
                command=["python3", "-s", "-B", "-P", HARNESS_PATH, "serve"],
                name=f"lcagent-judge-{pool_id}-{n}",
                labels={LABEL: "1", f"{LABEL}.pool": pool_id, f"{LABEL}.pid": str(os.getpid()),
                        f"{LABEL}.host": socket.gethostname()},
                stdin_open=True,
                user=SANDBOX_UID,
                working_dir="/tmp",
                network_mode="none",
                read_only=True,
                tmpfs={
                    "/tmp": f"rw,nosuid,nodev,size={config.scratch_mb}m,mode=1777",
                },
                shm_size=f"{config.scratch_mb}m",
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                pids_limit=config.pids_limit,
                mem_limit=f"{config.container_memory_mb}m",
                memswap_limit=f"{config.container_memory_mb}m",
                nano_cpus=int(config.cpus * 1e9),
                ipc_mode="private",
                ulimits=[
                    docker.types.Ulimit(name="stack", soft=1 << 30, hard=1 << 30),
                    docker.types.Ulimit(name="nofile", soft=256, hard=256),
                    docker.types.Ulimit(name="fsize", soft=config.file_bytes, hard=config.file_bytes),
                    docker.types.Ulimit(name="core", soft=0, hard=0),
                ],
                environment={"MALLOC_ARENA_MAX": "2", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"},
            )
            sock = client.api.attach_socket(
                self.container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            self._sock: socket.socket = sock._sock
            self.container.start()
            pong = self.request({"ping": True}, timeout_s=30)
            if not pong.get("pong"):
                raise SandboxUnavailable(f"harness did not answer a ping: {pong}")
        except docker.errors.ImageNotFound:
            self.close()
            raise JudgeImageMissing(config.image) from None
        except _DOCKER_ERRORS as e:
            self.close()
            raise SandboxUnavailable(f"cannot start a judge container: {e}") from None

    def request(self, job: dict, timeout_s: float) -> dict:
        """Send one job, wait for its one-line answer."""
        deadline = time.monotonic() + timeout_s
        try:
            self._sock.sendall(json.dumps(job, separators=(",", ":")).encode() + b"\n")
            while b"\n" not in self._out:
                self._out += self._read_frame(deadline)
        except TimeoutError:
            raise SandboxUnavailable(f"no answer from the judge container within {timeout_s:.0f} s") from None
        except OSError as e:
            raise SandboxUnavailable(f"judge container connection failed: {e}") from None
        line, _, self._out = self._out.partition(b"\n")
        self.jobs += 1
        try:
            answer = json.loads(line)
        except ValueError:
            raise SandboxUnavailable(f"judge container sent garbage: {line[:200]!r}") from None
        if "harness_error" in answer:
            raise SandboxUnavailable(f"harness rejected the job: {answer['harness_error']}")
        return answer

    def _read_frame(self, deadline: float) -> bytes:
        """One stdout payload of Docker's multiplexed stream (8-byte headers)."""
        while True:
            while len(self._buf) < 8:
                self._recv(deadline)
            stream, size = struct.unpack(">BxxxL", self._buf[:8])
            while len(self._buf) < 8 + size:
                self._recv(deadline)
            payload, self._buf = self._buf[8 : 8 + size], self._buf[8 + size :]
            if stream == 1:
                return payload
            log.warning("judge container stderr: %s", payload.decode("utf-8", "replace").rstrip())

    def _recv(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self._sock.settimeout(remaining)
        data = self._sock.recv(1 << 20)
        if not data:
            raise SandboxUnavailable(f"judge container {self.container.name} closed its stream ({self._state()})")
        self._buf += data

    def _state(self) -> str:
        try:
            self.container.reload()
            st = self.container.attrs["State"]
            return f"status {st.get('Status')}, exit {st.get('ExitCode')}, oom {st.get('OOMKilled')}"
        except _DOCKER_ERRORS as e:
            return f"state unknown: {e}"

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._sock.close()
        with contextlib.suppress(Exception):
            self.container.remove(force=True)


class SandboxPool:
    """`parallelism` warm containers shared by worker threads."""

    def __init__(self, config: SandboxConfig, client: docker.DockerClient | None = None) -> None:
        self.config = config
        self.client = client or docker_client()
        self.pool_id = uuid.uuid4().hex[:10]
        _LIVE_POOLS.add(self.pool_id)
        self._idle: queue.Queue[Sandbox] = queue.Queue()
        self._count = 0
        self._serial = 0
        self._lock = threading.Lock()
        self._closed = False
        self.image_id = self._image_id()
        sweep_orphans(self.client)

    def _image_id(self) -> str:
        try:
            return self.client.images.get(self.config.image).id
        except docker.errors.ImageNotFound:
            raise JudgeImageMissing(self.config.image) from None
        except _DOCKER_ERRORS as e:
            raise SandboxUnavailable(f"cannot inspect the judge image: {e}") from None

    @property
    def image_ref(self) -> str:
        """What a verdict records: the content-versioned tag and the image digest."""
        return f"{self.config.image}@{self.image_id}"

    def _acquire(self) -> Sandbox:
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            with self._lock:
                if self._count < self.config.parallelism:
                    self._count += 1
                    self._serial += 1
                    n = self._serial
                    break
            try:  # all busy: wait for one, but re-check, a failed one frees a slot
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue
        try:
            return Sandbox(self.client, self.config, self.pool_id, n)
        except BaseException:
            with self._lock:
                self._count -= 1
            raise

    def _release(self, box: Sandbox, healthy: bool) -> None:
        if healthy and not self._closed and box.jobs < self.config.recycle_after:
            self._idle.put(box)
            return
        box.close()
        with self._lock:
            self._count -= 1

    def run(self, job: dict, wall_s: float) -> dict:
        """Run one job in some container; SandboxUnavailable on any Docker trouble."""
        if self._closed:
            raise SandboxUnavailable("the sandbox pool is closed")
        box = self._acquire()
        healthy = False
        try:
            report = box.request(job, timeout_s=wall_s + self.config.host_grace_s)
            healthy = bool(report.get("clean", False))
            return report
        finally:
            self._release(box, healthy)

    def close(self) -> None:
        self._closed = True
        _LIVE_POOLS.discard(self.pool_id)
        while True:
            try:
                box = self._idle.get_nowait()
            except queue.Empty:
                break
            box.close()

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def sweep_orphans(client: docker.DockerClient) -> int:
    """Remove judge containers left by processes on this host that no longer exist."""
    removed = 0
    try:  # the low-level listing: no per-container inspect that races with removals
        containers = client.api.containers(all=True, filters={"label": LABEL})
    except _DOCKER_ERRORS as e:
        raise SandboxUnavailable(f"cannot list containers: {e}") from None
    host = socket.gethostname()
    for c in containers:
        labels = c.get("Labels") or {}
        pid = labels.get(f"{LABEL}.pid", "")
        mine_but_closed = pid == str(os.getpid()) and labels.get(f"{LABEL}.pool") not in _LIVE_POOLS
        if labels.get(f"{LABEL}.host") != host or (pid.isdigit() and _alive(int(pid)) and not mine_but_closed):
            continue
        with contextlib.suppress(*_DOCKER_ERRORS):
            client.api.remove_container(c["Id"], force=True)
            removed += 1
    if removed:
        log.info("removed %d judge containers left by a crashed run", removed)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
