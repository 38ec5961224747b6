"""The judge service (`judge.remote`): a real JudgeServer on 127.0.0.1 in front of
the real Docker judge, and RemoteJudge / raw sockets as its callers.

It runs code next to the Docker socket, so: no service without a token (unless
asked for explicitly), every request's limits capped server-side (refused, never
clamped), slow or idle connections closed, connections beyond the cap refused."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from judge.errors import ProblemError, SandboxUnavailable, ServiceConfigError
from judge.problem import Limits
from judge.remote import JudgeServer, RemoteJudge, ServiceCaps, check_token
from judge.verdict import Verdict
from tests.support import function_problem

TOKEN = "t" * 32
ADD = function_problem("add", [("a", "integer"), ("b", "integer")], "integer", [("1\n2", 3), ("5\n5", 10)],
                       limits={"time_ms": 2000, "total_time_ms": 10_000, "memory_mb": 256})
RIGHT = "class Solution:\n    def add(self, a, b):\n        return a + b\n"
WRONG = "class Solution:\n    def add(self, a, b):\n        return a - b\n"
CAPS = ServiceCaps(limits=Limits(time_ms=5000, total_time_ms=20_000, memory_mb=512),
                   idle_timeout_s=1.0, request_timeout_s=2.0, max_connections=3)


@pytest.fixture(scope="module")
def server(judge) -> Iterator[JudgeServer]:
    srv = JudgeServer(judge, "127.0.0.1", 0, TOKEN, caps=CAPS)
    srv.start_background()
    yield srv
    srv.close()


def post(server: JudgeServer, body: dict, token: str | None = TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{server.url}/v1/judge", json=body, headers=headers, timeout=60)


def body(limits: dict | None = None, problem_limits: dict | None = None) -> dict:
    problem = ADD.model_dump(mode="json", by_alias=True)
    if problem_limits:
        problem["limits"] = problem_limits
    return {"problem": problem, "code": RIGHT, "limits": limits}


@pytest.mark.parametrize("token", [None, ""])
def test_the_service_refuses_to_start_without_a_token(judge, token: str | None) -> None:
    with pytest.raises(ServiceConfigError, match="bearer token"):
        JudgeServer(judge, "127.0.0.1", 0, token)


def test_a_short_token_is_refused_and_no_token_needs_the_explicit_flag(judge) -> None:
    with pytest.raises(ServiceConfigError, match="5 characters"):
        check_token("short")
    check_token(None, insecure_no_token=True)  # the explicit opt-out
    srv = JudgeServer(judge, "127.0.0.1", 0, None, insecure_no_token=True)
    try:
        srv.start_background()
        assert httpx.get(f"{srv.url}/v1/health", timeout=10).status_code == 200
    finally:
        srv.close()


@pytest.mark.docker
def test_remote_verdicts_are_the_local_judges(server: JudgeServer) -> None:
    remote = RemoteJudge(server.url, TOKEN)
    try:
        assert remote.judge(ADD, RIGHT).verdict is Verdict.ACCEPTED
        wrong = remote.judge(ADD, WRONG)
        assert wrong.verdict is Verdict.WRONG_ANSWER and wrong.first_failure is not None
        assert wrong.first_failure.test == 0
    finally:
        remote.close()


@pytest.mark.parametrize("token", [None, "wrong-token-of-some-length", TOKEN + "x"])
def test_requests_without_the_right_token_are_refused(server: JudgeServer, token: str | None) -> None:
    assert post(server, body(), token).status_code == 401
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    assert httpx.get(f"{server.url}/v1/health", headers=headers, timeout=10).status_code == 401
    with pytest.raises(SandboxUnavailable, match="401"):
        RemoteJudge(server.url, token)


@pytest.mark.parametrize(("limits", "problem_limits", "field"), [
    ({"time_ms": 5001, "total_time_ms": 10_000, "memory_mb": 256}, None, "limits.time_ms"),
    ({"time_ms": 1000, "total_time_ms": 10**9, "memory_mb": 256}, None, "limits.total_time_ms"),
    ({"time_ms": 1000, "total_time_ms": 10_000, "memory_mb": 1 << 20}, None, "limits.memory_mb"),
    (None, {"time_ms": 1000, "total_time_ms": 7 * 86_400_000, "memory_mb": 256}, "problem.limits.total_time_ms"),
])
def test_limits_above_the_caps_are_refused_not_clamped(server: JudgeServer, limits: dict | None,
                                                      problem_limits: dict | None, field: str) -> None:
    r = post(server, body(limits, problem_limits))
    assert r.status_code == 422, r.text
    assert field in r.json()["error"] and "cap" in r.json()["error"]
    problem = ADD.model_copy(update={"limits": Limits.model_validate(problem_limits)}) if problem_limits else ADD
    remote = RemoteJudge(server.url, TOKEN)
    try:
        with pytest.raises(ProblemError, match=field.replace(".", r"\.")):
            remote.judge(problem, RIGHT, Limits.model_validate(limits) if limits else None)
    finally:
        remote.close()


def test_limits_at_the_caps_are_judged(server: JudgeServer) -> None:
    r = post(server, body(CAPS.limits.model_dump(mode="json")))
    assert r.status_code == 200, r.text
    assert r.json()["verdict"] == Verdict.ACCEPTED


@pytest.fixture(scope="module")
def patient_server(judge) -> Iterator[JudgeServer]:
    """Idle connections may wait long here, so only the request timeout or the
    connection cap can explain a close."""
    caps = ServiceCaps(idle_timeout_s=60.0, request_timeout_s=2.0, max_connections=3)
    srv = JudgeServer(judge, "127.0.0.1", 0, TOKEN, caps=caps)
    srv.start_background()
    yield srv
    srv.close()


def _raw(server: JudgeServer) -> socket.socket:
    host, port = server.httpd.server_address[:2]
    return socket.create_connection((host, port), timeout=30)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the server closes (or answers and closes) within `seconds`."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(65536):
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return False


def _post_head(length: int) -> bytes:
    return (f"POST /v1/judge HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()


def test_an_idle_connection_is_closed(server: JudgeServer) -> None:
    with _raw(server) as s:
        assert _closed_within(s, CAPS.idle_timeout_s + 10)


def test_a_stalled_body_is_answered_408(server: JudgeServer) -> None:
    payload = json.dumps(body()).encode()
    with _raw(server) as s:
        s.sendall(_post_head(len(payload)) + payload[:10])
        s.settimeout(CAPS.idle_timeout_s + 10)
        assert s.recv(65536).startswith(b"HTTP/1.1 408")


def test_a_body_trickled_slower_than_the_request_timeout_is_cut_off(patient_server: JudgeServer) -> None:
    """Each byte arrives well within the idle timeout; the whole body never does."""
    with _raw(patient_server) as s:
        s.sendall(_post_head(10_000))
        deadline = time.monotonic() + patient_server.caps.request_timeout_s + 15
        s.settimeout(0.3)
        ended = False
        while not ended and time.monotonic() < deadline:
            try:
                s.sendall(b" ")
                ended = s.recv(65536) == b"" or True  # an answer (408) or a close: cut off
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                ended = True
        assert ended, "a trickling client held its connection past the request timeout"


def test_a_body_above_the_cap_is_refused_unread(server: JudgeServer) -> None:
    with _raw(server) as s:
        s.sendall(_post_head(CAPS.max_body_bytes + 1))
        s.settimeout(10)
        assert s.recv(65536).startswith(b"HTTP/1.1 413")


def test_connections_beyond_the_cap_are_closed_at_once(patient_server: JudgeServer) -> None:
    held = [_raw(patient_server) for _ in range(patient_server.caps.max_connections)]
    try:
        # accepted in order from the listen backlog: the extra one finds every slot taken
        with _raw(patient_server) as extra:
            assert _closed_within(extra, 10), "a connection beyond the cap was kept open"
        with _raw(patient_server) as extra:
            assert _closed_within(extra, 10)
    finally:
        for s in held:
            s.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the slots come back once the held ones are gone
        try:
            if httpx.get(f"{patient_server.url}/v1/health", headers={"Authorization": f"Bearer {TOKEN}"},
                         timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        pytest.fail("the service did not serve again after the held connections closed")
