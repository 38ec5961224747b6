"""Hardened judge containers, driven through the Docker SDK.

Each container runs the harness as PID 1 and serves jobs over its attached
stdin/stdout: one JSON line in; answer payload chunks, one report line and one
`idle` line out. A container is reused for many submissions, and each submission
still gets a fresh interpreter (exec'd by the harness), its own rlimits, a wiped
scratch filesystem, no System V or POSIX IPC object and no surviving process of
its predecessor. Containers are replaced after `recycle_after` jobs, whenever the
harness reports a dirty sandbox, and whenever anything unexpected happens.

Two identities per container: the harness (PID 1) starts as root with only
CAP_KILL, CAP_SETGID, CAP_SETUID and CAP_SETPCAP, empties the capability bounding
set, and becomes uid 10000 keeping the first three; the
submissions run under a sandbox uid of this container's own (a random uid no
other live judge container has, so per-uid kernel counters -- message queue bytes,
inotify instances, pending signals -- are not shared between containers judging
at once), with no capability and no-new-privileges.

Container hardening: no network, read-only root, small tmpfs scratch, every other
capability dropped, no-new-privileges, pids limit, a memory limit that follows
each job's (see `memory_limit_bytes`) with swap off, small System V / POSIX IPC
quotas, a CPU quota, open-file rlimits, no container log (the result stream is
attached, never logged); containers carry labels so that a crashed run's
leftovers are swept at the next start.

Any Docker trouble becomes `SandboxUnavailable`: the caller retries, it never
records a verdict. A container that dies or goes silent while it runs a job is
`SandboxCrashed`, which `judge.judging` reruns and may blame on the submission;
so is a harness failure in a container where a submission has run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import random
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

from judge.answers import attach_answers
from judge.errors import JudgeImageMissing, SandboxCrashed, SandboxUnavailable
from judge.harness import START_CAPS

log = logging.getLogger(__name__)

LABEL = "org.lcagent.judge"
# Sandbox uids: drawn per container from a range no host account uses.
SANDBOX_UIDS = range(1_000_000_000, 1_100_000_000)
_CAP_NAMES = {5: "KILL", 6: "SETGID", 7: "SETUID", 8: "SETPCAP"}
HARNESS_PATH = "/opt/lcjudge/harness.py"
_DOCKER_ERRORS = (docker.errors.DockerException, requests.exceptions.RequestException, OSError)
_LIVE_POOLS: set[str] = set()  # pools of this process not closed yet (their containers are not orphans)


@dataclass(frozen=True)
class SandboxConfig:
    image: str
    parallelism: int = max(1, os.cpu_count() or 1)
    # Beside the job's own limit, the container's memory limit holds what the
    # harness measured it holds between jobs, the job's data in PID 1, and this:
    # the interpreter's file pages and the kernel's per-process memory.
    memory_slack_mb: int = 16
    cpus: float = 1.0
    pids_limit: int = 128
    scratch_mb: int = 64
    file_bytes: int = 16 << 20
    output_bytes: int = 16 << 20  # submission's stdout+stderr before Output Limit Exceeded
    result_bytes: int = 64 << 20  # returned values, all tests together
    recycle_after: int = 1000
    host_grace_s: float = 15.0  # beyond the in-container deadline, before giving up
    initial_memory_mb: int = 1024  # a new container's job memory limit until a job says otherwise

    def memory_limit_bytes(self, job_mb: int, harness_bytes: int, job_bytes: int) -> int:
        """The container's memory limit for one job: the job's limit for all the
        submission's processes together (their memory, the files they write in
        /tmp and /dev/shm, IPC memory), plus what PID 1 holds: its memory between
        jobs as measured (`harness_bytes`), the job's data while it runs (about
        three copies of the job line: the line, the parsed job, the input being
        fed), and `memory_slack_mb`."""
        return (job_mb << 20) + harness_bytes + 3 * job_bytes + (self.memory_slack_mb << 20)

    def ipc_sysctls(self) -> dict[str, str]:
        """IPC quotas of the container's own IPC namespace: System V shared memory
        within the scratch size, a few small message queues and semaphore sets, a few
        small POSIX queues. Memory held there survives its processes; bounded, it can
        neither starve the harness nor outlast the wipe unseen."""
        page = 4096
        shm = self.scratch_mb << 20
        return {
            "kernel.shmmax": str(shm), "kernel.shmall": str(shm // page), "kernel.shmmni": "32",
            "kernel.msgmni": "16", "kernel.msgmax": "8192", "kernel.msgmnb": "65536",
            "kernel.sem": "64 1024 64 32",
            "fs.mqueue.queues_max": "16", "fs.mqueue.msg_max": "16", "fs.mqueue.msgsize_max": "8192",
        }


def docker_client() -> docker.DockerClient:
    try:
        client = docker.from_env(timeout=60)
        client.ping()
        return client
    except _DOCKER_ERRORS as e:
        raise SandboxUnavailable(f"cannot reach the Docker engine ({e})") from None


_MIB = 1 << 20
_LIMIT_STEP = 4 * _MIB  # the limit moves only when off by more (a Docker update costs ~25 ms)


def _free_sandbox_uid(client: docker.DockerClient) -> int:
    """A sandbox uid that no live judge container on this engine uses."""
    try:
        taken = {(c.get("Labels") or {}).get(f"{LABEL}.uid") for c in
                 client.api.containers(all=True, filters={"label": LABEL})}
    except _DOCKER_ERRORS as e:
        raise SandboxUnavailable(f"cannot list containers: {e}") from None
    while True:
        uid = random.choice(SANDBOX_UIDS)
        if str(uid) not in taken:
            return uid


class Sandbox:
    """One judge container; used by one thread at a time."""

    def __init__(self, client: docker.DockerClient, config: SandboxConfig, pool_id: str, n: int) -> None:
        self.client, self.config = client, config
        self.jobs = 0  # submissions sent here
        self.uid = _free_sandbox_uid(client)
        self.limit_bytes = (config.initial_memory_mb + 256) * _MIB
        self.harness_bytes = 0  # what PID 1 holds between jobs, as it last measured
        self._idle_due = False  # the harness's line after a job's report is still to read
        self._buf = b""
        self._out = b""
        try:
            self.container = client.containers.create(
                config.image,
                # not -I: it would ignore PYTHONHASHSEED; the environment is ours anyway
                command=["python3", "-s", "-B", "-P", HARNESS_PATH, "serve", str(self.uid)],
                name=f"lcagent-judge-{pool_id}-{n}",
                labels={LABEL: "1", f"{LABEL}.pool": pool_id, f"{LABEL}.pid": str(os.getpid()),
                        f"{LABEL}.host": socket.gethostname(), f"{LABEL}.uid": str(self.uid)},
                stdin_open=True,
                # root only to become the harness's uid with three capabilities (and
                # SETPCAP to empty the bounding set first); the submissions run under
                # self.uid with none (judge.harness)
                user="0:0",
                cap_drop=["ALL"],
                cap_add=[_CAP_NAMES[c] for c in START_CAPS],
                working_dir="/tmp",
                network_mode="none",
                read_only=True,
                tmpfs={
                    "/tmp": f"rw,nosuid,nodev,size={config.scratch_mb}m,mode=1777",
                },
                shm_size=f"{config.scratch_mb}m",
                sysctls=config.ipc_sysctls(),
                log_config=docker.types.LogConfig(type="none"),
                security_opt=["no-new-privileges"],
                pids_limit=config.pids_limit,
                mem_limit=self.limit_bytes,
                memswap_limit=self.limit_bytes,
                nano_cpus=int(config.cpus * 1e9),
                ipc_mode="private",
                # its own cgroup namespace: /sys/fs/cgroup is the container's cgroup, whose
                # counters the harness reads (CPU per test, OOM kills), on v1 and v2 alike
                cgroupns="private",
                ulimits=[
                    docker.types.Ulimit(name="stack", soft=1 << 30, hard=1 << 30),
                    docker.types.Ulimit(name="nofile", soft=256, hard=256),
                    docker.types.Ulimit(name="core", soft=0, hard=0),
                ],
                environment={"MALLOC_ARENA_MAX": "2", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"},
            )
            if self.container.id is None:
                self.close()
                raise SandboxUnavailable("Docker created a judge container without an id")
            sock = client.api.attach_socket(
                self.container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            self._sock: socket.socket = sock._sock
            self.container.start()
            try:
                pong = self._exchange({"ping": True}, time.monotonic() + 30)
            except SandboxUnavailable as e:  # a crash before any job ran blames no submission
                raise SandboxUnavailable(f"the judge container did not start: {e.reason}") from None
            if not pong.get("pong"):
                raise SandboxUnavailable(f"harness did not answer a ping: {pong}")
            self._note_memory(pong.get("memory"))
        except SandboxUnavailable:
            self.close()  # no container outlives a failed start
            raise
        except docker.errors.ImageNotFound:
            self.close()
            raise JudgeImageMissing(config.image) from None
        except _DOCKER_ERRORS as e:
            self.close()
            raise SandboxUnavailable(f"cannot start a judge container: {e}") from None

    def _note_memory(self, memory: Any) -> None:
        """What PID 1 says it holds between jobs; without a cgroup reading, its RSS
        and twice the slack."""
        held = memory.get("bytes") if isinstance(memory, dict) else None
        if isinstance(held, int) and held >= 0:
            self.harness_bytes = held
        else:
            rss = memory.get("rss_kb", 0) if isinstance(memory, dict) else 0
            self.harness_bytes = (rss if isinstance(rss, int) else 0) * 1024 + (self.config.memory_slack_mb << 20)

    def fit_memory(self, job_mb: int, job_bytes: int) -> None:
        """Make the container's memory limit follow this job (a Docker update, only
        when the limit it has is below what the job needs or above it by more than
        `_LIMIT_STEP`)."""
        want = self.config.memory_limit_bytes(job_mb, self.harness_bytes, job_bytes)
        if want <= self.limit_bytes <= want + _LIMIT_STEP:
            return
        limit = -(-want // _MIB) * _MIB
        try:
            self.container.update(mem_limit=limit, memswap_limit=limit)
        except _DOCKER_ERRORS as e:
            raise SandboxUnavailable(f"cannot set the judge container's memory limit to {limit} bytes: {e}") from None
        self.limit_bytes = limit

    def run(self, job: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Run one job here: its report, with every answer's value attached.
        SandboxCrashed when the container dies or says nothing sensible in time, or
        when the harness fails in a container where a submission has run."""
        deadline = time.monotonic() + timeout_s
        if self._idle_due:
            self._note_memory(self._read_answer(deadline, "the harness's idle line").get("idle"))
            self._idle_due = False
        line = json.dumps(job, separators=(",", ":")).encode() + b"\n"
        self.fit_memory(int(job["limits"]["memory_mb"]), len(line))
        ran_before = self.jobs > 0
        self.jobs += 1
        report = self._exchange(line, deadline)
        self._idle_due = True
        if "harness_error" in report:
            reason = f"harness error: {report['harness_error']}"
            if ran_before or report.get("submission_ran"):  # the failure may be a submission's doing
                raise self._crashed(reason)
            raise SandboxUnavailable(reason)
        return report

    def _exchange(self, request: dict[str, Any] | bytes, deadline: float) -> dict[str, Any]:
        """Send one request line, read the answer: payload chunks, then the line."""
        data = request if isinstance(request, bytes) else json.dumps(request).encode() + b"\n"
        try:
            self._sock.sendall(data)
        except OSError as e:
            raise self._crashed(f"judge container connection failed: {e}") from None
        payloads: dict[int, list[bytes]] = {}
        while True:
            answer = self._read_answer(deadline, "an answer")
            if "chunk" not in answer:
                attach_answers(answer, payloads)
                return answer
            index, size = answer.get("chunk"), answer.get("n")
            if not (isinstance(index, int) and isinstance(size, int) and 0 <= size <= 1 << 26):
                raise self._crashed(f"judge container sent a bad chunk header: {answer}")
            payloads.setdefault(index, []).append(self._read_exactly(size, deadline))

    def _read_answer(self, deadline: float, what: str) -> dict[str, Any]:
        """One JSON object line from the harness."""
        try:
            while b"\n" not in self._out:
                self._out += self._read_frame(deadline)
        except TimeoutError:
            raise self._crashed(f"no {what} from the judge container in time") from None
        except OSError as e:
            raise self._crashed(f"judge container connection failed: {e}") from None
        line, _, self._out = self._out.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise self._crashed(f"judge container sent garbage: {line[:200]!r}")
        return answer

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        try:
            while len(self._out) < size:
                self._out += self._read_frame(deadline)
        except TimeoutError:
            raise self._crashed("the judge container stopped in the middle of an answer") from None
        except OSError as e:
            raise self._crashed(f"judge container connection failed: {e}") from None
        data, self._out = self._out[:size], self._out[size:]
        return data

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
            raise self._crashed(f"judge container {self.container.name} closed its stream")
        self._buf += data

    def _crashed(self, reason: str) -> SandboxCrashed:
        try:
            self.container.reload()
            st = self.container.attrs["State"]
            oom = bool(st.get("OOMKilled"))
            state = f"status {st.get('Status')}, exit {st.get('ExitCode')}, oom {oom}"
        except _DOCKER_ERRORS as e:
            oom, state = False, f"state unknown: {e}"
        return SandboxCrashed(f"{reason} ({state})", oom_killed=oom)

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
        self.jobs = 0  # jobs sent to containers of this pool
        self.recycled = 0  # containers replaced because a job left them unclean or broke them
        self._count = 0
        self._serial = 0
        self._lock = threading.Lock()
        self._closed = False
        self.image_id = self._image_id()
        sweep_orphans(self.client)

    def _image_id(self) -> str:
        try:
            image_id = self.client.images.get(self.config.image).id
        except docker.errors.ImageNotFound:
            raise JudgeImageMissing(self.config.image) from None
        except _DOCKER_ERRORS as e:
            raise SandboxUnavailable(f"cannot inspect the judge image: {e}") from None
        if not image_id:
            raise SandboxUnavailable(f"Docker reports no id for the judge image {self.config.image}")
        return image_id

    @property
    def image_ref(self) -> str:
        """What a verdict records: the content-versioned tag and the image digest."""
        return f"{self.config.image}@{self.image_id}"

    def check(self) -> None:
        """SandboxUnavailable unless the engine answers and the judge image is
        still there (JudgeImageMissing), and the pool is open."""
        if self._closed:
            raise SandboxUnavailable("the sandbox pool is closed")
        try:
            self.client.ping()
        except _DOCKER_ERRORS as e:
            raise SandboxUnavailable(f"the Docker engine does not answer: {e}") from None
        self._image_id()

    def _acquire(self, fresh: bool = False) -> Sandbox:
        box = self._take_slot()
        if fresh and box.jobs:  # a container that has run nothing yet, in the same slot
            self.recycled += 1
            box.close()
            try:
                box = Sandbox(self.client, self.config, self.pool_id, self._next_serial())
            except BaseException:
                with self._lock:
                    self._count -= 1
                raise
        return box

    def _next_serial(self) -> int:
        with self._lock:
            self._serial += 1
            return self._serial

    def _take_slot(self) -> Sandbox:
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
        self.recycled += not healthy
        box.close()
        with self._lock:
            self._count -= 1

    def run(self, job: dict[str, Any], wall_s: float, *, fresh: bool = False) -> dict[str, Any]:
        """Run one job in some container (`fresh`: one that has run nothing before);
        SandboxUnavailable on any Docker trouble, SandboxCrashed when the container
        died or went silent during the job."""
        if self._closed:
            raise SandboxUnavailable("the sandbox pool is closed")
        box = self._acquire(fresh)
        healthy = False
        try:
            self.jobs += 1
            report = box.run(job, timeout_s=wall_s + self.config.host_grace_s)
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
