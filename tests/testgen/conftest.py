"""Helpers of the input-generation tests: statements and signatures written inline."""

from __future__ import annotations

import json

from judge.signature import DesignSignature, FunctionSignature, from_metadata


def signature(*params: tuple[str, str], ret: str = "integer") -> FunctionSignature | DesignSignature:
    meta = {"name": "f", "params": [{"name": n, "type": t} for n, t in params], "return": {"type": ret}}
    return from_metadata(json.dumps(meta), "testgen")


def statement(*clauses: str, prose: str = "<p>Solve it.</p>") -> str:
    """LeetCode's HTML: the prose, then a constraints list (clauses are HTML)."""
    items = "".join(f"<li>{c}</li>" for c in clauses)
    return f"{prose}<p>&nbsp;</p><p><strong>Constraints:</strong></p><ul>{items}</ul>"
