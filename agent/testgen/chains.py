"""Comparison chains: `1 <= m, n <= 200`, `3 <= m == board.length <= 100`,
`0 <= queries[i][0] < queries[i][1] < n` -> pairwise relations.

Each side of an operator may list several terms separated by top-level commas;
every term on one side relates to every term on the next side.
"""

from __future__ import annotations

import re

_OPERATORS = re.compile(r"<=|>=|==|!=|<|>|=")
_FLIP = {">=": "<=", ">": "<"}


def split_top(text: str, separator: str = ",") -> list[str]:
    """Split at separators outside brackets and quotes."""
    out, depth, quote, start = [], 0, "", 0
    for k, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == separator and depth == 0:
            out.append(text[start:k])
            start = k + 1
    out.append(text[start:])
    return [p.strip() for p in out]


def split_chain(text: str) -> tuple[list[str], list[str]] | None:
    """`a <= b < c` -> (["a", "b", "c"], ["<=", "<"]); None without an operator."""
    parts, ops, depth, quote, start, k = [], [], 0, "", 0, 0
    while k < len(text):
        ch = text[k]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            m = _OPERATORS.match(text, k)
            if m:
                parts.append(text[start:k].strip())
                ops.append("==" if m.group() == "=" else m.group())
                k = start = m.end()
                continue
        k += 1
    parts.append(text[start:].strip())
    if not ops or any(not p for p in parts):
        return None
    return parts, ops


def pairs(parts: list[str], ops: list[str]) -> list[tuple[str, str, str]]:
    """Adjacent sides -> (left term, op, right term), with `>`/`>=` turned around."""
    out = []
    for k, op in enumerate(ops):
        for left in split_top(parts[k]):
            for right in split_top(parts[k + 1]):
                if op in _FLIP:
                    out.append((right, _FLIP[op], left))
                else:
                    out.append((left, op, right))
    return out
