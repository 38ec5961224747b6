"""Problem packs: a directory of problem files or a JSONL of problem documents
(private or hand-curated contests), and the common source interface."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from judge.errors import ProblemError
from judge.problem import Problem, load_problem, parse_problem


@dataclass
class Loaded:
    problems: list[Problem] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)


class ProblemSource(Protocol):
    """Anything that yields judge-ready problems and says what it could not read."""

    def load(self) -> Loaded: ...


@dataclass
class PackSource:
    path: Path

    def load(self) -> Loaded:
        out = Loaded()
        for where, result in self._documents():
            if isinstance(result, Problem):
                out.problems.append(result)
            else:
                out.failures.append((where, result))
        return out

    def _documents(self) -> Iterator[tuple[str, Problem | str]]:
        if self.path.is_dir():
            for f in sorted(self.path.rglob("*.json")):
                try:
                    yield str(f), load_problem(f)
                except ProblemError as e:
                    yield str(f), e.reason
            return
        with open(self.path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{self.path}:{n}"
                try:
                    yield where, parse_problem(json.loads(line), where)
                except ValueError as e:  # JSON errors and ProblemError alike
                    yield where, getattr(e, "reason", str(e))


@dataclass
class DatasetSource:
    """LeetCodeDataset JSONL(.gz) behind the same interface."""

    path: Path

    def load(self) -> Loaded:
        from agent.sources.leetcodedataset import import_file

        report = import_file(self.path)
        return Loaded(report.problems, report.failures)
