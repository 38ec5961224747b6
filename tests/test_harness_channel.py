"""The harness's result channel and input feeder, as PID 1 runs them (pure, host-side).

`_Channel` reads framed messages (a header line, then an answer's bytes), keeps
only what passes `accepts_message`, forwards answers unread in chunks and skips
a rejected header's answer; `_Feeder` writes inputs one test at a time without
ever blocking. Both are driven here with hand-made bytes, split at every
position, so no framing bug can hide behind a lucky read size. Answer payloads
are read back on the host by `judge.answers`.
"""

from __future__ import annotations

import json
import os
import selectors

import pytest

from judge.answers import attach_answers, checked_answer, read_answer
from judge.harness import HEADER_BYTES, _Channel, _Feeder, frame
from judge.signature import DesignSignature, FunctionSignature, Method, Param


class Recorder:
    def __init__(self, n_tests: int = 3, answer_bytes: int = 1 << 20, max_bytes: int = 1 << 24) -> None:
        self.chunks: dict[int, list[bytes]] = {}
        self.fed: list[int] = []
        self.channel = _Channel(n_tests, answer_bytes, max_bytes, self.forward, self.fed.append)

    def forward(self, index: int, chunk: bytes) -> None:
        self.chunks.setdefault(index, []).append(chunk)

    def feed(self, data: bytes, step: int | None = None) -> None:
        step = step or len(data) or 1
        for k in range(0, len(data), step):
            self.channel.feed(data[k:k + step], cpu_now=float(k), oom_kills=0)

    def report(self) -> dict:
        report = {"messages": self.channel.messages}
        attach_answers(report, self.chunks)
        return report


READY = frame({"t": "ready"})
STREAM = (READY + frame({"t": "test", "i": 0, "ok": True}, b"[1,2,3]")
          + frame({"t": "test", "i": 1, "ok": False, "kind": "RE", "message": "boom"})
          + frame({"t": "test", "i": 2, "ok": True}, b'"a\\nb"') + frame({"t": "done"}))


@pytest.mark.parametrize("step", [1, 2, 3, 7, 64, None])
def test_framed_messages_survive_any_split(step: int | None) -> None:
    r = Recorder()
    r.feed(STREAM, step)
    msgs = r.report()["messages"]
    assert [(m["t"], m.get("i")) for m in msgs] == [("test", 0), ("test", 1), ("test", 2), ("done", None)]
    assert msgs[0]["output"] == [1, 2, 3] and msgs[2]["output"] == "a\nb"
    assert msgs[1]["message"] == "boom" and "output" not in msgs[1]
    assert r.fed == [1, 2, 3]  # the next input is asked for as each result completes
    assert r.channel.malformed == 0


def test_a_rejected_header_has_its_answer_skipped_not_read_as_headers() -> None:
    r = Recorder()
    junk = b'{"t":"done"}\n' * 3  # would be messages if read as header lines
    r.feed(READY + frame({"t": "test", "i": 5, "ok": True}, junk) + frame({"t": "test", "i": 0, "ok": True}, b"7"))
    msgs = r.report()["messages"]
    assert [(m["i"], m["output"]) for m in msgs] == [(0, 7)]
    assert r.channel.malformed == 1 and 5 not in r.chunks


def test_an_answer_counts_once_complete_and_a_cut_one_not_at_all() -> None:
    r = Recorder()
    whole = frame({"t": "test", "i": 0, "ok": True}, b"[" + b"1," * 1000 + b"1]")
    r.feed(READY + whole[:-10])
    assert r.channel.messages == [] and r.fed == []  # incomplete: not a result, no next input
    assert r.report()["messages"] == []
    r.feed(whole[-10:])
    assert len(r.report()["messages"][0]["output"]) == 1001 and r.fed == [1]


def test_cpu_per_test_is_charged_when_the_answer_is_complete() -> None:
    r = Recorder()
    r.channel.feed(READY, cpu_now=10.0, oom_kills=0)
    msg = frame({"t": "test", "i": 0, "ok": True}, b"12345")
    r.channel.feed(msg[:-2], cpu_now=50.0, oom_kills=0)
    r.channel.feed(msg[-2:], cpu_now=80.0, oom_kills=1)
    [m] = r.channel.messages
    assert (m["cpu_ms"], m["oom_kills"]) == (70.0, 1)


def test_only_known_fields_travel_on() -> None:
    r = Recorder()
    forged = {"t": "test", "i": 0, "ok": True, "cpu_ms": 0, "oom_kills": 0, "extra": [[[[]]]]}
    r.feed(READY + frame(forged, b"1"))
    [m] = r.channel.messages
    assert (set(m) == {"t", "i", "ok", "n", "cpu_ms", "oom_kills"} and m["cpu_ms"] != 0) or m["cpu_ms"] == 0.0


def test_an_answer_over_the_output_limit_floods_without_being_read() -> None:
    r = Recorder(answer_bytes=100)
    r.feed(READY + frame({"t": "test", "i": 0, "ok": True}, b"1" * 101))
    assert r.channel.flooded and r.chunks == {}


def test_an_over_long_header_line_is_malformed_and_skipped() -> None:
    r = Recorder()
    r.feed(READY + b"[" * (HEADER_BYTES + 10) + b"\n" + frame({"t": "test", "i": 0, "ok": True}, b"2"), 4096)
    assert not r.channel.flooded and r.channel.malformed == 1
    assert r.report()["messages"][0]["output"] == 2


def test_the_channel_total_is_capped() -> None:
    r = Recorder(max_bytes=1000)
    r.feed(READY + frame({"t": "test", "i": 0, "ok": True}, b"1" * 2000))
    assert r.channel.flooded


@pytest.mark.parametrize(("payload", "error"), [
    (b"[1,", "not valid JSON"),
    (b"[" * 65 + b"]" * 65, "nested deeper than 64"),
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 64"),
])
def test_unreadable_answers_become_errors_not_crashes(payload: bytes, error: str) -> None:
    value, why = read_answer(payload)
    assert value is None and why is not None and error in why


def test_an_answer_of_the_wrong_length_is_an_error() -> None:
    report = {"messages": [{"t": "test", "i": 0, "ok": True, "n": 5}]}
    attach_answers(report, {0: [b"12"]})
    assert "incomplete" in report["messages"][0]["output_error"]


# ------------------------------------------------------------------ declared types

FUNC = FunctionSignature(name="f", params=[Param(name="x", type="integer[]")], returns="long")
IN_PLACE = FunctionSignature(name="f", params=[Param(name="x", type="integer[]")], returns="void", output_param=0)
DESIGN = DesignSignature(classname="C", constructor=[], methods=[
    Method(name="get", params=[], returns="long"), Method(name="ok", params=[], returns="boolean"),
    Method(name="put", params=[Param(name="v", type="integer")], returns="void")])


@pytest.mark.parametrize(("signature", "text", "output", "why"), [
    (FUNC, "[1]", 10 ** 18, None),
    (FUNC, "[1]", 1e18, "a float where a long is declared"),
    (FUNC, "[1]", True, "a boolean where a long is declared"),
    (FUNC, "[1]", None, None),  # null only ever equals an expected null
    (IN_PLACE, "[1]", [1, 2], None),
    (IN_PLACE, "[1]", [1, 2.0], "[1] a float where an integer is declared"),
    (DESIGN, '["C","get","ok","put"]\n[[],[],[],[3]]', [None, 5, True, None], None),
    (DESIGN, '["C","get","ok","put"]\n[[],[],[],[3]]', [None, 5.0, True, None], "call 1 (get) answered a float"),
    (DESIGN, '["C","get","ok","put"]\n[[],[],[],[3]]', [None, 5, 1, None], "call 2 (ok) answered an integer"),
    (DESIGN, '["C","get","ok","put"]\n[[],[],[],[3]]', [None, 5, True, 0], "call 3 (put) answered an integer"),
    (DESIGN, '["C","get","ok","put"]\n[[],[],[],[3]]', [7, 5, True, None], "call 0 (C) answered an integer"),
    (DESIGN, '["C","get"]\n[[],[]]', 5, "the answer is an integer, not a list"),
])
def test_answers_are_held_to_the_declared_type(signature, text: str, output, why: str | None) -> None:
    n = len(json.dumps(output))
    value, wrong = checked_answer(signature, text, {"t": "test", "i": 0, "ok": True, "n": n, "output": output})
    assert value == output
    if why is None:
        assert wrong is None
    else:
        assert wrong is not None and why in wrong, wrong


# ------------------------------------------------------------------ the feeder

def test_the_feeder_sends_one_test_at_a_time_and_never_blocks() -> None:
    r, w = os.pipe()
    sel = selectors.DefaultSelector()
    big = "x" * (1 << 20)  # far more than a pipe holds
    feeder = _Feeder(w, sel, b'{"job":1}\n', ["first", big, "third"])
    for _ in range(100):  # nobody reads: writing stops at the pipe's capacity, never blocks
        feeder.write()
    os.set_blocking(r, False)
    head = os.read(r, 1 << 20)
    assert head == b'{"job":1}\n"first"\n'  # test 1 is not sent before test 0's result
    feeder.queue(2)  # out of turn: ignored
    feeder.queue(1)
    for _ in range(100):
        feeder.write()
    got = os.read(r, 1 << 20)
    assert 0 < len(got) < len(big) and got.startswith(b'"xxx')  # partial: the pipe is full
    os.close(r)
    feeder.write()  # the reader is gone: no exception, the feeder closes
    assert feeder.fd == -1
    sel.close()
