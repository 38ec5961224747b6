"""Text that is safe to store, encode and print.

JSON can carry code points that UTF-8 cannot: a lone surrogate such as
`"\\ud800"` decodes to a Python `str` that every UTF-8 writer (SQLite,
PostgreSQL, files, the terminal) refuses. Such strings come from anywhere
outside: a solution's output, an exception message, a model's answer, a LeetCode
title. `safe_text` turns each lone surrogate into the six characters `\\ud800`
(and joins a well-formed surrogate pair into the character it encodes), so the
text stays readable and nothing downstream crashes. Normal text is returned
unchanged, so applying it twice changes nothing.

Standard library only: every layer (judge, storage, agent) imports it.
"""

from __future__ import annotations

import re
from typing import Any

_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _join_pair(m: re.Match[str]) -> str:
    return m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def is_safe(s: str) -> bool:
    """True when `s` encodes as UTF-8 (no surrogate code points)."""
    if s.isascii():
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def safe_text(s: str) -> str:
    """`s` with every lone surrogate backslash-escaped (`\\ud800`); unchanged when
    it already encodes as UTF-8."""
    if is_safe(s):
        return s
    return _SURROGATE.sub(_escape, _PAIR.sub(_join_pair, s))


def safe_json(value: Any) -> Any:
    """A JSON-like value (dicts, lists, tuples, strings, numbers) with every string,
    keys included, made safe by `safe_text`; other values are returned as they are."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_text(k) if isinstance(k, str) else k: safe_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [safe_json(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return value
