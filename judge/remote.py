"""The judge as a small HTTP service, so the process that talks to the outside
world (LeetCode, model endpoints) needs no access to the Docker engine.

`lcagent judge-server` runs `JudgeServer` next to the engine; `RemoteJudge` is a
drop-in for `Judge` in the agent. The service accepts only (problem, code,
limits) and always applies the judge's own hardened container settings: a
caller cannot ask for a privileged container or a host mount, which anyone
holding the Docker socket can.

    POST /v1/judge   {"problem": <problem document>, "code": "...", "limits": {...}?}
                     200 JudgeResult | 422 problem error | 503 sandbox unavailable
    GET  /v1/health  {"judge_image": "..."}

A bearer token (`Authorization: Bearer <token>`) is required when configured.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from judge.errors import JudgeImageMissing, ProblemError, SandboxUnavailable
from judge.judging import Judge
from judge.problem import Limits, Problem, parse_problem
from judge.verdict import JudgeResult

log = logging.getLogger(__name__)
MAX_BODY = 256 << 20


class JudgeServer:
    def __init__(self, judge: Judge, host: str = "127.0.0.1", port: int = 7000, token: str | None = None) -> None:
        self.judge, self.token = judge, token
        owner = self

        class Handler(_Handler):
            server_owner = owner

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
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

    def _send(self, status: int, payload: dict) -> None:
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

    def do_GET(self) -> None:
        if self.path != "/v1/health":
            self._send(404, {"error": f"no route {self.path}"})
        elif not self._authorized():
            self._send(401, {"error": "missing or wrong bearer token"})
        else:
            self._send(200, {"judge_image": self.server_owner.judge.pool.image_ref})

    def do_POST(self) -> None:
        if self.path != "/v1/judge":
            self._send(404, {"error": f"no route {self.path}"})
            return
        if not self._authorized():
            self._send(401, {"error": "missing or wrong bearer token"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            self._send(413 if length > MAX_BODY else 400, {"error": "body size"})
            return
        try:
            body = json.loads(self.rfile.read(length))
            problem = parse_problem(body["problem"], "request")
            limits = Limits.model_validate(body["limits"]) if body.get("limits") else None
            code = body["code"]
            if not isinstance(code, str):
                raise ProblemError("request", "code is not a string")
        except ProblemError as e:
            self._send(422, {"error": str(e), "kind": "problem"})
            return
        except (ValueError, KeyError, TypeError) as e:
            self._send(400, {"error": f"bad request: {e}"})
            return
        try:
            result = self.server_owner.judge.judge(problem, code, limits)
        except ProblemError as e:
            self._send(422, {"error": str(e), "kind": "problem"})
        except JudgeImageMissing as e:
            self._send(503, {"error": str(e), "kind": "image"})
        except SandboxUnavailable as e:
            self._send(503, {"error": e.reason, "kind": "sandbox"})
        else:
            self._send(200, result.model_dump(mode="json"))


@dataclass
class _RemoteConfig:
    parallelism: int


class _RemotePool:
    """What the pipeline reads from a judge's pool: its parallelism and image."""

    def __init__(self, parallelism: int, image_ref: str) -> None:
        self.config = _RemoteConfig(parallelism)
        self.image_ref = image_ref


class RemoteJudge:
    """`Judge`'s interface over HTTP. Transport trouble is SandboxUnavailable
    (the unit waits); a problem the server rejects is ProblemError."""

    def __init__(self, url: str, token: str | None = None, parallelism: int = 2, timeout_s: float = 900) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=url.rstrip("/"), headers=headers,
                                  timeout=httpx.Timeout(timeout_s, connect=10))
        self.url = url
        try:
            health = self._call("GET", "/v1/health")
        except SandboxUnavailable:
            self._http.close()
            raise
        self.pool = _RemotePool(parallelism, str(health.get("judge_image", "")))

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        try:
            r = self._http.request(method, path, json=body)
        except httpx.HTTPError as e:
            raise SandboxUnavailable(f"judge service {self.url} unreachable: {e}") from None
        try:
            payload = r.json()
        except ValueError:
            raise SandboxUnavailable(f"judge service answered HTTP {r.status_code} without JSON") from None
        if r.status_code == 422:
            raise ProblemError("remote", payload.get("error", "rejected"))
        if r.status_code != 200:
            raise SandboxUnavailable(f"judge service: HTTP {r.status_code}: {payload.get('error')}")
        return payload

    def judge(self, problem: Problem, code: str, limits: Limits | None = None) -> JudgeResult:
        body = {"problem": problem.model_dump(mode="json", by_alias=True), "code": code,
                "limits": limits.model_dump(mode="json") if limits else None}
        return JudgeResult.model_validate(self._call("POST", "/v1/judge", body))

    def close(self) -> None:
        self._http.close()
