"""Small builders for tests."""

from __future__ import annotations

from typing import Any

from judge.problem import Problem, parse_problem


def function_problem(
    name: str,
    params: list[tuple[str, str]],
    returns: str,
    tests: list[tuple[str, Any]],
    *,
    slug: str = "test-problem",
    output_param: int | None = None,
    checker: dict | None = None,
    limits: dict | None = None,
) -> Problem:
    """A function problem; `tests` are (LeetCode input text, expected) pairs."""
    doc: dict[str, Any] = {
        "slug": slug,
        "signature": {
            "kind": "function",
            "name": name,
            "params": [{"name": n, "type": t} for n, t in params],
            "return": returns,
            "output_param": output_param,
        },
        "tests": [{"input": i, "expected": e} for i, e in tests],
    }
    if checker:
        doc["checker"] = checker
    if limits:
        doc["limits"] = limits
    return parse_problem(doc)


def design_problem(
    classname: str,
    constructor: list[tuple[str, str]],
    methods: dict[str, tuple[list[tuple[str, str]], str]],
    tests: list[tuple[str, Any]],
    *,
    slug: str = "test-design",
) -> Problem:
    doc = {
        "slug": slug,
        "signature": {
            "kind": "design",
            "classname": classname,
            "constructor": [{"name": n, "type": t} for n, t in constructor],
            "methods": [
                {"name": m, "params": [{"name": n, "type": t} for n, t in ps], "return": r}
                for m, (ps, r) in methods.items()
            ],
        },
        "tests": [{"input": i, "expected": e} for i, e in tests],
    }
    return parse_problem(doc)
