"""The submission's answers as the host reads them.

PID 1 forwards each accepted answer's JSON text unread (`judge.harness.frame`);
the host parses it here, with bounds, and attaches it to its result message as
`output`, or, when it cannot be read as a value, as `output_error` (a Wrong
Answer naming the reason). Before any comparison, `checked_answer` holds the
value to the declared type: the result channel is the submission's to write, and
an int answer sent as a float would otherwise meet the float tolerance. The host never asks an object of the submission's
making anything: these are JSON values the host parsed itself.
"""

from __future__ import annotations

import json
from typing import Any

from judge import harness
from judge.signature import DesignSignature, FunctionSignature, answer_mismatch

MAX_DEPTH = 64  # no LeetCode answer nests deeper; comparison and storage recurse


def depth(value: Any) -> int:
    """Nesting depth of a JSON value, without recursion (stops past MAX_DEPTH)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            break
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


def read_answer(payload: bytes) -> tuple[Any, str | None]:
    """(value, None), or (None, why it is not a value)."""
    try:
        value = json.loads(payload)
    except RecursionError:
        return None, f"the answer is nested deeper than {MAX_DEPTH} levels"
    except ValueError as e:
        return None, f"the answer is not valid JSON ({e})"
    if depth(value) > MAX_DEPTH:
        return None, f"the answer is nested deeper than {MAX_DEPTH} levels"
    return value, None


def attach_answers(report: dict[str, Any], payloads: dict[int, list[bytes]]) -> None:
    """Give every answer message of `report` its value (`output`) or the reason it
    has none (`output_error`); payloads of messages PID 1 never completed are
    dropped."""
    messages = report.get("messages")
    if not isinstance(messages, list):
        return
    for index, msg in enumerate(messages):
        if not (isinstance(msg, dict) and msg.get("t") == "test" and msg.get("ok") is True):
            continue
        data = b"".join(payloads.get(index, []))
        if len(data) != msg.get("n"):
            msg["output_error"] = f"the answer arrived incomplete ({len(data)} of {msg.get('n')} bytes)"
            continue
        value, error = read_answer(data)
        if error is None:
            msg["output"] = value
        else:
            msg["output_error"] = error


def checked_answer(signature: FunctionSignature | DesignSignature, input_text: str,
                   msg: dict[str, Any]) -> tuple[Any, str | None]:
    """An answer message's value and, when it is no answer of the declared type, why
    (a Wrong Answer): unreadable, missing, or of another type than the signature
    declares. The same check for verdicts and for reference outputs."""
    if "output_error" in msg:
        return None, str(msg["output_error"])
    if "output" not in msg:
        return None, "the answer is missing"
    got = msg["output"]
    try:
        values = harness.split_input(input_text) if isinstance(signature, DesignSignature) else []
    except ValueError:
        values = []
    return got, answer_mismatch(signature, values, got)
