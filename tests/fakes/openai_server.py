"""A fake OpenAI-compatible server that behaves like vLLM's, for tests and benchmarks.

A real HTTP/1.1 server on 127.0.0.1 (keep-alive, one thread per connection)
implementing `GET /v1/models` and `POST /v1/chat/completions` with vLLM's
response shape (`reasoning_content`, `usage`, `finish_reason`, its 404 body for
a model it does not serve). Configurable:

- `latency_s`: how long a request takes once it is being served;
- `capacity`: how many requests it serves at once at full speed (the batch);
  more wait for a slot, as requests queue in vLLM when its batch is full;
- `faults`: a queue of faults, one consumed per chat request: "500", "429",
  "400", "drop" (close the connection without an answer), "hang" (answer after
  `hang_s`), "malformed" (HTTP 200 with a body that is not JSON);
- `responder(request_body) -> Reply`: what the model says (default: an echo).

Run standalone (for subprocess tests and docker-compose):
`python -m tests.fakes.openai_server --port 8000 --model m --replies replies.json`
where replies.json maps a substring of the prompt to a reply content.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Reply:
    content: str
    reasoning: str | None = None
    finish_reason: str = "stop"
    completion_tokens: int | None = None


def echo_responder(body: dict) -> Reply:
    last = body.get("messages", [{}])[-1].get("content", "")
    return Reply(content=f"You said: {str(last)[:200]}")


@dataclass
class FakeOpenAI:
    models: list[str] = field(default_factory=lambda: ["fake-model"])
    latency_s: float = 0.0
    capacity: int = 64
    hang_s: float = 30.0
    backlog: int = 1024  # vLLM's uvicorn takes 2048; http.server's default 5 stalls bursts for 1 s
    responder: Callable[[dict], Reply] = echo_responder
    faults: collections.deque = field(default_factory=collections.deque)
    # observations
    requests: int = 0
    completed: int = 0
    in_flight: int = 0
    max_in_flight: int = 0  # requests being served at once (at most `capacity`)
    max_open: int = 0  # requests received at once, served or waiting
    prompts: collections.Counter = field(default_factory=collections.Counter)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(self.capacity)
        self._open = 0
        self._server: ThreadingHTTPServer | None = None

    # --------------------------------------------------------------- control

    def add_faults(self, *kinds: str) -> None:
        with self._lock:
            self.faults.extend(kinds)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        fake = self

        class Handler(_Handler):
            owner = fake

        server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": self.backlog})
        self._server = server_class((host, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-openai", daemon=True).start()
        return self.base_url

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -------------------------------------------------------------- behaviour

    def _next_fault(self) -> str | None:
        with self._lock:
            return self.faults.popleft() if self.faults else None

    def _completion(self, body: dict) -> dict:
        reply = self.responder(body)
        prompt_text = json.dumps(body.get("messages", []), sort_keys=True)
        prompt_tokens = max(1, len(prompt_text) // 4)
        completion_tokens = reply.completion_tokens or max(1, len(reply.content) // 4)
        message: dict[str, Any] = {"role": "assistant", "content": reply.content, "tool_calls": []}
        if reply.reasoning is not None:
            message["reasoning_content"] = reply.reasoning
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": reply.finish_reason, "stop_reason": None}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }


class _Handler(BaseHTTPRequestHandler):
    owner: FakeOpenAI
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        return

    def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, kind: str) -> None:
        self._send(status, {"object": "error", "message": message, "type": kind, "param": None, "code": status})

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            self._send(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "vllm", "root": m, "max_model_len": 32768}
                for m in self.owner.models]})
        elif self.path == "/health":
            self._send(200, {})
        else:
            self._error(404, f"no route {self.path}", "NotFoundError")

    def do_POST(self) -> None:
        fake = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._error(404, f"no route {self.path}", "NotFoundError")
            return
        try:
            body = json.loads(raw)
            if not isinstance(body.get("messages"), list) or not body["messages"]:
                raise ValueError("messages must be a non-empty list")
        except (ValueError, AttributeError) as e:
            self._error(400, f"invalid request: {e}", "BadRequestError")
            return
        with fake._lock:
            fake.requests += 1
            fake._open += 1
            fake.max_open = max(fake.max_open, fake._open)
            fake.prompts[hashlib.sha256(raw).hexdigest()] += 1
        try:
            self._serve(fake, body)
        finally:
            with fake._lock:
                fake._open -= 1

    def _serve(self, fake: FakeOpenAI, body: dict) -> None:
        if body.get("model") not in fake.models:
            self._error(404, f"The model `{body.get('model')}` does not exist.", "NotFoundError")
            return
        fault = fake._next_fault()
        if fault == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if fault in ("500", "429", "400"):
            status = int(fault)
            self._error(status, f"injected fault {status}", {500: "InternalServerError", 429: "RateLimitError",
                                                             400: "BadRequestError"}[status])
            return
        with fake._slots:
            with fake._lock:
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
            try:
                time.sleep(fake.hang_s if fault == "hang" else fake.latency_s)
                payload = fake._completion(body)
            finally:
                with fake._lock:
                    fake.in_flight -= 1
        if fault == "malformed":
            self._send(200, None, raw=b'{"id": "chatcmpl-x", "choices": [{"index": 0, "mess')
            return
        with fake._lock:
            fake.completed += 1
        self._send(200, payload)


def substring_responder(replies: dict[str, str], default: str = "I cannot help.") -> Callable[[dict], Reply]:
    """Reply with the content of the first key found in the prompt."""

    def respond(body: dict) -> Reply:
        prompt = json.dumps(body.get("messages", []))
        for key, content in replies.items():
            if json.dumps(key)[1:-1] in prompt:
                return Reply(content=content)
        return Reply(content=default)

    return respond


@contextlib.contextmanager
def subprocess_server(model: str, replies: dict[str, str], workdir: Path, *, latency: float = 0.0,
                      capacity: int = 64, backlog: int = 1024) -> Iterator[str]:
    """The fake in its own process (so a benchmark measures the client's CPU
    alone); yields its base URL."""
    path = workdir / f"replies-{model}.json"
    path.write_text(json.dumps(replies))
    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, "-m", "tests.fakes.openai_server", "--port", "0", "--model", model,
           "--latency", str(latency), "--capacity", str(capacity), "--backlog", str(backlog), "--replies", str(path)]
    proc = subprocess.Popen(cmd, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the fake server did not start (exit code {proc.poll()})")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--model", action="append", default=None)
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--capacity", type=int, default=64)
    ap.add_argument("--backlog", type=int, default=1024)
    ap.add_argument("--replies", help="JSON file: {prompt substring: reply content}")
    args = ap.parse_args()
    responder = echo_responder
    if args.replies:
        with open(args.replies, encoding="utf-8") as f:
            responder = substring_responder(json.load(f))
    fake = FakeOpenAI(models=args.model or ["fake-model"], latency_s=args.latency, capacity=args.capacity,
                      responder=responder, backlog=args.backlog)
    print(fake.start(args.host, args.port), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
