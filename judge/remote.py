"""The judge as a small HTTP service, so the process that talks to the outside
world (LeetCode, model endpoints) needs no access to the Docker engine.

`lcagent judge-server` runs `JudgeServer` in front of a `DockerJudge` next to
the engine; `RemoteJudge` is the same `Judge` protocol (`judge.protocol`) over HTTP. The service accepts only (problem, code,
limits) and always applies the judge's own hardened container settings: a
caller cannot ask for a privileged container or a host mount, which anyone
holding the Docker socket can.

    POST /v1/judge   {"problem": <problem document>, "code": "...", "limits": {...}?}
                     200 JudgeResult | 422 problem error | 503 sandbox unavailable
    POST /v1/outputs {"problem", "code", "inputs": ["..."], "limits"?}   the code's answers
                     200 {"outputs": [{"ok", "value", "error", "cpu_ms"}]} | 422 | 503
    GET  /v1/health  200 {"judge_image": "...", "parallelism": n} | 503 sandbox unavailable

Every request needs the bearer token (`Authorization: Bearer <token>`); the
service refuses to start without one (or with a short one) unless told
`insecure_no_token`. Whatever a caller sends, the service caps it: the limits
(the request's and the problem's own) at `ServiceCaps.limits` (a request above
them is refused with 422, never clamped: that would change the verdict), the
body size, and the time a connection may sit idle or take to send its request;
connections beyond `max_connections` are closed at once.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from judge.errors import JudgeImageMissing, ProblemError, SandboxUnavailable, ServiceConfigError
from judge.problem import Limits, Problem, parse_problem
from judge.protocol import Judge, JudgeHealth, OnDone, Outcome, Output, judge_concurrently
from judge.verdict import JudgeResult

log = logging.getLogger(__name__)
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class ServiceCaps:
    """The most the judge service grants any caller. The default limits keep the
    longest job (wall backstop 2 x 300 s + 5 s) inside RemoteJudge's read timeout."""

    limits: Limits = field(default_factory=lambda: Limits(time_ms=60_000, total_time_ms=300_000, memory_mb=4096))
    max_body_bytes: int = 256 << 20
    idle_timeout_s: float = 30.0  # a connection silent this long (between or within requests) is closed
    request_timeout_s: float = 120.0  # the whole request body must arrive within this
    max_connections: int = 64


def over_caps(limits: Limits, caps: Limits, where: str) -> str | None:
    """Why `limits` exceed `caps`, or None."""
    for name in ("time_ms", "total_time_ms", "memory_mb"):
        value, cap = getattr(limits, name), getattr(caps, name)
        if value > cap:
            return f"{where}.{name} {value} is above the judge service's cap of {cap}"
    return None


class _Server(ThreadingHTTPServer):
    """At most `max_connections` at once: more are closed unanswered, so idle or
    slow clients cannot pile up threads."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, max_connections: int) -> None:
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            log.warning("judge-server: %d connections open; refusing %s", self.max_connections, client_address)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def check_token(token: str | None, insecure_no_token: bool = False) -> None:
    """ServiceConfigError unless there is a token long enough not to be guessed
    (or serving without one is asked for explicitly)."""
    if not token and not insecure_no_token:
        raise ServiceConfigError(
            "the judge service needs a bearer token (LCAGENT_JUDGE__TOKEN, e.g. `openssl rand -hex 32`): "
            "whoever reaches it runs code next to the Docker socket; --insecure-no-token serves without "
            "one, for a trusted loopback only")
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise ServiceConfigError(f"the judge service's bearer token has {len(token)} characters; "
                                 f"use at least {MIN_TOKEN_LENGTH} (e.g. `openssl rand -hex 32`)")


class JudgeServer:
    def __init__(self, judge: Judge, host: str = "127.0.0.1", port: int = 7000, token: str | None = None, *,
                 insecure_no_token: bool = False, caps: ServiceCaps | None = None) -> None:
        check_token(token, insecure_no_token)
        self.judge, self.token = judge, token or None
        self.caps = caps or ServiceCaps()
        owner = self

        class Handler(_Handler):
            server_owner = owner
            timeout = self.caps.idle_timeout_s  # socket timeout: idle keep-alive and every read

        self.httpd = _Server((host, port), Handler, self.caps.max_connections)
        if self.token is None:
            log.warning("judge service on %s without a bearer token: anyone who reaches it can run code", self.url)

    @property
    def url(self) -> str:
        host, port = self.httpd.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start_background(self) -> str:
        threading.Thread(target=self.serve_forever, name="judge-server", daemon=True).start()
        return self.url

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    server_owner: JudgeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("judge-server: " + fmt, *args)

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        token = self.server_owner.token
        if not token:
            return True
        given = self.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    def _refuse(self, status: int, error: str) -> None:
        """Answer without reading the body, and close: an unread body would be
        taken for the next request."""
        self.close_connection = True
        self._send(status, {"error": error})

    def do_GET(self) -> None:
        if self.path != "/v1/health":
            self._refuse(404, f"no route {self.path}")
        elif not self._authorized():
            self._refuse(401, "missing or wrong bearer token")
        else:
            try:
                health = self.server_owner.judge.health()
            except JudgeImageMissing as e:
                self._send(503, {"error": str(e), "kind": "image"})
            except SandboxUnavailable as e:
                self._send(503, {"error": e.reason, "kind": "sandbox"})
            else:
                self._send(200, {"judge_image": health.judge_image, "parallelism": health.parallelism})

    def _read_body(self, length: int) -> bytes | None:
        """The body, or None when it does not arrive within the request timeout
        (each read also has the idle timeout: a stalled client cannot hold a thread)."""
        deadline = time.monotonic() + self.server_owner.caps.request_timeout_s
        chunks, left = [], length
        while left > 0:
            if time.monotonic() > deadline:
                return None
            try:
                chunk = self.rfile.read1(min(left, 1 << 16))
            except TimeoutError:
                return None
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def do_POST(self) -> None:
        caps = self.server_owner.caps
        if self.path not in ("/v1/judge", "/v1/outputs"):
            self._refuse(404, f"no route {self.path}")
            return
        if not self._authorized():
            self._refuse(401, "missing or wrong bearer token")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length <= 0 or length > caps.max_body_bytes:
            self._refuse(413 if length > caps.max_body_bytes else 400,
                         f"body size {length} (1 to {caps.max_body_bytes} bytes, with Content-Length)")
            return
        raw = self._read_body(length)
        if raw is None:
            self._refuse(408, f"the request body did not arrive within {caps.request_timeout_s:g} s")
            return
        try:
            body = json.loads(raw)
            problem = parse_problem(body["problem"], "request")
            limits = Limits.model_validate(body["limits"]) if body.get("limits") else None
            code = body["code"]
            if not isinstance(code, str):
                raise ProblemError("request", "code is not a string")
            inputs = body.get("inputs") if self.path == "/v1/outputs" else None
            if inputs is not None and not (isinstance(inputs, list) and all(isinstance(i, str) for i in inputs)):
                raise ProblemError("request", "inputs is not a list of strings")
            # the limits the judge will apply: the request's, else the problem's
            over = (over_caps(limits, caps.limits, "limits") if limits
                    else over_caps(problem.limits, caps.limits, "problem.limits"))
            if over:
                raise ProblemError(problem.slug, over)
        except ProblemError as e:
            self._send(422, {"error": str(e), "kind": "problem"})
            return
        except (ValueError, KeyError, TypeError) as e:
            self._send(400, {"error": f"bad request: {e}"})
            return
        judge = self.server_owner.judge
        try:
            if inputs is None:
                answer = judge.judge(problem, code, limits).model_dump(mode="json")
            else:
                answer = {"outputs": [asdict(o) for o in judge.run_outputs(problem, code, inputs, limits)]}
        except ProblemError as e:
            self._send(422, {"error": str(e), "kind": "problem"})
        except JudgeImageMissing as e:
            self._send(503, {"error": str(e), "kind": "image"})
        except SandboxUnavailable as e:
            self._send(503, {"error": e.reason, "kind": "sandbox"})
        else:
            self._send(200, answer)


class RemoteJudge(Judge):
    """The `Judge` protocol over HTTP. Transport trouble is SandboxUnavailable
    (the unit waits); a problem the server rejects is ProblemError. The service
    is asked for its health once here, so a judge that does not answer is
    SandboxUnavailable before any unit is taken. `parallelism`: the submissions
    `judge_many` sends at once."""

    # long enough for the service's slowest answer at its default caps: a job that
    # crashes its sandbox runs twice at its wall backstop (2 x 300 s + 5 s, plus
    # grace) and two canaries before the verdict comes back
    def __init__(self, url: str, token: str | None = None, parallelism: int = 2, timeout_s: float = 1800) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=url.rstrip("/"), headers=headers,
                                  timeout=httpx.Timeout(timeout_s, connect=10))
        self.url, self.parallelism = url, parallelism
        try:
            self.health()
        except SandboxUnavailable:
            self._http.close()
            raise

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        if self._http.is_closed:
            raise SandboxUnavailable(f"the client of the judge service {self.url} is closed")
        try:
            r = self._http.request(method, path, json=body)
        except httpx.HTTPError as e:
            raise SandboxUnavailable(f"judge service {self.url} unreachable: {e}") from None
        try:
            payload = r.json()
        except ValueError:
            raise SandboxUnavailable(f"judge service answered HTTP {r.status_code} without JSON") from None
        if not isinstance(payload, dict):
            raise SandboxUnavailable(f"judge service answered HTTP {r.status_code} with JSON that is not an object")
        if r.status_code == 422:
            raise ProblemError("remote", payload.get("error", "rejected"))
        if r.status_code != 200:
            raise SandboxUnavailable(f"judge service: HTTP {r.status_code}: {payload.get('error')}")
        return payload

    def judge(self, problem: Problem, code: str, limits: Limits | None = None) -> JudgeResult:
        body = {"problem": problem.model_dump(mode="json", by_alias=True), "code": code,
                "limits": limits.model_dump(mode="json") if limits else None}
        return JudgeResult.model_validate(self._call("POST", "/v1/judge", body))

    def judge_many(self, items: Sequence[tuple[Problem, str]], on_done: OnDone | None = None) -> list[Outcome]:
        return judge_concurrently(self.judge, items, self.parallelism, on_done)

    def run_outputs(self, problem: Problem, code: str, inputs: Sequence[str],
                    limits: Limits | None = None) -> list[Output]:
        body = {"problem": problem.model_dump(mode="json", by_alias=True), "code": code, "inputs": list(inputs),
                "limits": limits.model_dump(mode="json") if limits else None}
        rows = self._call("POST", "/v1/outputs", body).get("outputs")
        if not isinstance(rows, list) or len(rows) != len(inputs):
            raise SandboxUnavailable(f"judge service answered {type(rows).__name__} for {len(inputs)} inputs' outputs")
        try:
            return [Output(ok=bool(r["ok"]), value=r.get("value"), error=r.get("error"), cpu_ms=r.get("cpu_ms"))
                    for r in rows]
        except (TypeError, KeyError) as e:
            raise SandboxUnavailable(f"judge service answered outputs of another shape: {e}") from None

    def health(self) -> JudgeHealth:
        """The service's judge image (SandboxUnavailable when it or its engine
        does not answer); the parallelism is this client's."""
        return JudgeHealth(str(self._call("GET", "/v1/health").get("judge_image", "")), self.parallelism)

    def close(self) -> None:
        self._http.close()
