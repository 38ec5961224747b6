"""Fixtures of the generation suite: the fake OpenAI-compatible server (real HTTP on
127.0.0.1), extended to remember the request bodies it served, and a port where
nothing listens (an endpoint that is down)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, TypeVar

import pytest

from tests.fakes.openai_server import FakeOpenAI, _Handler

T = TypeVar("T")


@dataclass
class RecordingFake(FakeOpenAI):
    """FakeOpenAI that keeps every chat request body it served (faults excluded)."""

    bodies: list[dict] = field(default_factory=list)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """As FakeOpenAI.start, with a short poll interval: stop() returns in
        milliseconds instead of half a second (the suite starts ~100 servers)."""
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         name="fake-openai", daemon=True).start()
        return self.base_url

    def _completion(self, body: dict) -> dict:
        with self._lock:
            self.bodies.append(body)
        return super()._completion(body)


@pytest.fixture
def make_fake() -> Iterator[Callable[..., RecordingFake]]:
    """Start as many fakes as a test needs; all are stopped at the end."""
    started: list[RecordingFake] = []

    def make(**options: Any) -> RecordingFake:
        fake = RecordingFake(**options)
        fake.start(port=0)
        started.append(fake)
        return fake

    yield make
    for fake in started:
        fake.stop()


@pytest.fixture
def fake_openai(make_fake: Callable[..., RecordingFake]) -> RecordingFake:
    """A fresh fake vLLM on 127.0.0.1 serving `fake-model` (its state is the test's to change)."""
    return make_fake()


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)
