"""The problem file format, version `lcagent.problem/1` (one JSON document per problem).

    {
      "format": "lcagent.problem/1",
      "slug": "two-sum", "frontend_id": "1", "backend_id": "1", "title": "Two Sum",
      "source": {"kind": "leetcode", "site": "leetcode.com", "url": "..."},
      "contest": {"slug": "weekly-contest-1", "start_time": "2026-05-03T02:30:00Z",
                  "duration_s": 5400, "points": 3} | null,
      "release_time": "2026-05-03T02:30:00Z" | null,
      "release_time_source": "contest" | "estimated" | "unknown",
      "difficulty": "Easy" | "Medium" | "Hard" | null,
      "tags": ["Array"],
      "statement": "markdown", "starter_code": "class Solution: ...",
      "signature": {"kind": "function", "name": "twoSum",
                    "params": [{"name": "nums", "type": "integer[]"}, ...],
                    "return": "integer[]", "output_param": null}
                 | {"kind": "design", "classname": "LRUCache",
                    "constructor": [{"name": "capacity", "type": "integer"}],
                    "methods": [{"name": "get", "params": [...], "return": "integer"}]},
      "tests": [{"input": "[2,7,11,15]\\n9", "expected": [0, 1], "source": "example",
                 "comparable": true, "note": null}],
      "checker": {"kind": "exact" | "float" | "unordered" | "custom",
                  "tolerance": 1e-5, "depth": 1, "name": null},
      "limits": {"time_ms": 4000, "total_time_ms": 60000, "memory_mb": 1024},
      "reference_solution": "class Solution: ..." | null,
      "meta": {}
    }

`input` is LeetCode's own test text: one JSON value per line per parameter (design
problems: two lines, the calls and their argument lists), so it round-trips with
LeetCode's `exampleTestcases` exactly. `expected` is a JSON value: for in-place
problems the named argument after the call; for design problems the list of
results (null for the constructor and void methods). A test whose expected output
is not machine-comparable (e.g. LeetCode's `2, nums = [2,2,_,_]`) has
`comparable: false`: it still runs, and an error on it still fails the
submission, but its output is not compared.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from judge import harness
from judge.errors import InvalidSlug, ProblemError
from judge.signature import FunctionSignature, Signature, check_input, check_types
from judge.text import safe_json

FORMAT: Final = "lcagent.problem/1"
TestSource = Literal["example", "dataset", "generated", "official"]

# LeetCode's slug alphabet: `two-sum`, `3sum`, `weekly-contest-400`, and on
# leetcode.cn mixed case (`0H97ZC`, LCR/LCP problems). Slugs come from outside
# (LeetCode, packs, datasets) and name files: nothing else may pass.
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_SLUG_CHAR = re.compile(r"[A-Za-z0-9-]")
# A file name holds 255 bytes: the temporary `<name>.<8 random>.json.tmp`, where
# the name of an all-capital slug is twice its length (see `slug_file_name`).
MAX_SLUG_LENGTH = 118
# Marks a capital in a file name: macOS and Windows compare names without case,
# so `0H97ZC` and `0h97zc` must not both be `0h97zc.json`. Not a slug character,
# so the name still says which slug it is; lowercase slugs keep their names.
_CAPITAL_MARK = "_"
_CAPITAL = re.compile(r"[A-Z]")


def check_slug(slug: object, what: str = "problem slug") -> str:
    """The slug, or InvalidSlug naming it and the reason."""
    if not isinstance(slug, str):
        raise InvalidSlug(str(slug), f"is not a string but {type(slug).__name__}", what)
    if not slug:
        raise InvalidSlug(slug, "is empty", what)
    if len(slug) > MAX_SLUG_LENGTH:
        raise InvalidSlug(slug[:40] + "...", f"is {len(slug)} characters long (at most {MAX_SLUG_LENGTH})", what)
    if slug.startswith("-"):
        raise InvalidSlug(slug, "starts with a hyphen", what)
    if not _SLUG.fullmatch(slug):
        i, ch = next((i, c) for i, c in enumerate(slug) if not _SLUG_CHAR.fullmatch(c))
        raise InvalidSlug(slug, f"has {ch!r} at position {i} (a slug is ASCII letters, digits and hyphens)",
                          what)
    return slug


def slug_file_name(slug: str) -> str:
    """The file or directory name of a slug: the slug, each capital after `_`
    (`0H97ZC` -> `0_H97_Z_C`), so slugs differing only in case get names that
    differ on a case-insensitive file system too. InvalidSlug for a non-slug."""
    return _CAPITAL.sub(lambda m: _CAPITAL_MARK + m.group(), check_slug(slug))


def problem_file_name(slug: str) -> str:
    """`<name>.json`, the problem file `save_problem` writes for this slug."""
    return f"{slug_file_name(slug)}.json"


class Test(BaseModel):
    model_config = ConfigDict(frozen=True)
    input: str
    expected: Any = None
    source: TestSource = "example"
    comparable: bool = True
    note: str | None = None

    def values(self) -> list[Any]:
        return harness.split_input(self.input)


class Checker(BaseModel):
    """How outputs are compared, on the host. Floats always compare within
    `tolerance` (LeetCode accepts answers within 1e-5); `unordered` ignores the
    order of the top-level list (depth 1) or of nested lists too (depth 2)."""

    model_config = ConfigDict(frozen=True)
    kind: Literal["exact", "float", "unordered", "custom"] = "exact"
    tolerance: float = 1e-5
    depth: int = Field(default=1, ge=1, le=3)
    name: str | None = None


class Limits(BaseModel):
    """CPU time counts, not wall time, so a verdict does not move with machine load.
    `time_ms` bounds each test, `total_time_ms` the whole submission (kernel-enforced)."""

    model_config = ConfigDict(frozen=True)
    time_ms: int = Field(default=10_000, gt=0)
    total_time_ms: int = Field(default=120_000, gt=0)
    memory_mb: int = Field(default=1024, ge=64)


class Source(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: str = "pack"
    site: str | None = None
    url: str | None = None
    dataset: str | None = None


class ContestRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    slug: str

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        return check_slug(v, "contest slug")

    title: str | None = None
    start_time: datetime
    duration_s: int | None = None
    points: int | None = None


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)
    format: Literal["lcagent.problem/1"] = FORMAT
    slug: str = Field(min_length=1)
    frontend_id: str | None = None
    backend_id: str | None = None
    title: str = ""
    source: Source = Source()
    contest: ContestRef | None = None
    release_time: datetime | None = None
    release_time_source: Literal["contest", "estimated", "unknown"] = "unknown"
    difficulty: Literal["Easy", "Medium", "Hard"] | None = None
    tags: list[str] = []
    statement: str = ""
    starter_code: str = ""
    signature: Signature
    tests: list[Test] = []
    checker: Checker = Checker()
    limits: Limits = Limits()
    reference_solution: str | None = None
    meta: dict[str, Any] = {}

    @model_validator(mode="before")
    @classmethod
    def _safe_strings(cls, data: Any) -> Any:
        # lone surrogates (valid JSON, not UTF-8) escaped on the way in, so no
        # writer (file, database, judge service) fails on this problem later
        return safe_json(data) if isinstance(data, dict) else data

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        return check_slug(v) if v else v  # empty: the length check names it

    @model_validator(mode="after")
    def _tests_fit_signature(self) -> Problem:
        check_types(self.signature, self.slug)
        for i, test in enumerate(self.tests):
            try:
                values = test.values()
            except ValueError as e:
                raise ProblemError(self.slug, f"test {i} input is not one JSON value per line: {e}") from None
            try:
                check_input(self.signature, values, self.slug)
            except ProblemError as e:
                raise ProblemError(self.slug, f"test {i}: {e.reason}") from None
        if self.checker.kind == "custom":
            from judge.checkers import CUSTOM_CHECKERS

            if self.checker.name not in CUSTOM_CHECKERS:
                raise ProblemError(self.slug, f"unknown custom checker {self.checker.name!r}")
        return self

    @property
    def is_design(self) -> bool:
        return not isinstance(self.signature, FunctionSignature)

    def test_set_version(self) -> str:
        """Content hash of what decides verdicts: tests, checker, signature, limits."""
        blob = json.dumps(
            {
                "tests": [t.model_dump(mode="json", exclude={"note"}) for t in self.tests],
                "checker": self.checker.model_dump(mode="json"),
                "signature": self.signature.model_dump(mode="json"),
                "limits": self.limits.model_dump(mode="json"),
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=False) + "\n"


def parse_problem(data: str | bytes | dict[str, Any], origin: str = "<problem>") -> Problem:
    """Validate a problem document; every failure is a ProblemError naming the origin."""
    try:
        if isinstance(data, dict):
            return Problem.model_validate(data)
        return Problem.model_validate_json(data)
    except ProblemError:
        raise
    except ValidationError as e:
        # a ProblemError raised inside a validator arrives wrapped: unwrap its reason
        first = e.errors()[0]
        ctx_error = (first.get("ctx") or {}).get("error")
        if isinstance(ctx_error, ProblemError):
            raise ctx_error.with_traceback(None) from None  # keeps its class (UnsupportedTypeError, ...)
        where = ".".join(str(x) for x in first["loc"]) or "document"
        raise ProblemError(origin, f"{where}: {first['msg']}") from None


def load_problem(path: Path) -> Problem:
    try:
        text = path.read_bytes()
    except OSError as e:
        raise ProblemError(str(path), f"cannot read: {e.strerror}") from None
    return parse_problem(text, str(path))


def load_problems(directory: Path) -> dict[str, Problem]:
    """Every `*.json` problem file in a directory, by slug."""
    problems: dict[str, Problem] = {}
    for path in sorted(directory.glob("*.json")):
        p = load_problem(path)
        if p.slug in problems:
            raise ProblemError(p.slug, f"defined twice in {directory}")
        problems[p.slug] = p
    return problems


def save_problem(problem: Problem, directory: Path) -> Path:
    """Write `problem_file_name(slug)` atomically: a reader never sees half a file."""
    import tempfile

    path = directory / problem_file_name(problem.slug)  # checks the slug, also of a model built without validation
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{path.stem}.", suffix=".json.tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.write_text(problem.to_json(), encoding="utf-8")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
