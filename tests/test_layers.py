"""The layer rules of README's architecture section, read from the source (every
import statement, including those inside functions):

    judge/              nothing else of the project
    storage/            judge/
    agent/generation/   judge/
    agent/testgen/      judge/
    agent/sources/      judge/, storage/, agent.problem_store
    agent/oracle/       judge/, storage/, agent/sources/, agent/testgen/, agent/generation/ (a
                        model writes input generators), agent/settings
    agent/reports/      judge/, storage/
    the rest of agent/  anything (the pipeline, cycle, daemon, wiring, CLI)

and the constants more than one layer needs are spelled once (judge/constants.py);
no module of agent/ builds SQL: its queries are storage's (the access layer)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> the project modules it may import (prefixes); anything else of the project is refused
ALLOWED: dict[str, tuple[str, ...]] = {
    "judge": ("judge",),
    "storage": ("storage", "judge"),
    "agent.generation": ("agent.generation", "judge"),
    "agent.testgen": ("agent.testgen", "judge"),
    "agent.sources": ("agent.sources", "judge", "storage", "agent.problem_store"),
    "agent.oracle": ("agent.oracle", "judge", "storage", "agent.sources", "agent.testgen", "agent.generation",
                     "agent.settings"),
    "agent.reports": ("agent.reports", "judge", "storage"),
}
PROJECT = ("agent", "judge", "storage")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) of every import of the project in `path`, relative ones resolved."""
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                found.append((node.lineno, ".".join([*base, *([node.module] if node.module else [])])))
            elif node.module:
                found.append((node.lineno, node.module))
    return [(line, m) for line, m in found if m.split(".")[0] in PROJECT]


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(package: str, root: Path = ROOT) -> list[str]:
    files = sorted((root / package.replace(".", "/")).rglob("*.py"))
    assert files, f"no modules in {package}"
    out = []
    for f in files:
        for line, m in imports(f, root):
            if not any(within(m, allowed) for allowed in ALLOWED[package]):
                out.append(f"{f.relative_to(root)}:{line} imports {m}")
    return out


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(package: str) -> None:
    assert violations(package) == []


def test_the_rules_catch_a_forbidden_import(tmp_path: Path) -> None:
    """The scanner sees imports inside functions, relative ones, and allows the layer's own."""
    (tmp_path / "judge" / "sub").mkdir(parents=True)
    (tmp_path / "judge" / "ok.py").write_text("from judge import errors\nfrom . import problem\n", encoding="utf-8")
    (tmp_path / "judge" / "sub" / "bad.py").write_text(
        "import json\ndef f():\n    from storage.repo import get_problem\n    from ...agent import cli\n",
        encoding="utf-8")
    assert violations("judge", tmp_path) == ["judge/sub/bad.py:3 imports storage.repo", "judge/sub/bad.py:4 imports agent"]


def test_the_contest_length_is_spelled_once() -> None:
    """5400 (seconds) as a number appears in judge/constants.py only."""
    spelled = []
    for package in PROJECT:
        for f in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in f.parts:
                continue  # history, frozen as released
            for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and type(node.value) is int and node.value == 5400:
                    spelled.append(f"{f.relative_to(ROOT)}:{node.lineno}")
    assert spelled == ["judge/constants.py:6"]


# Every module of the agent reads and writes the database through storage's access
# layer (storage/repo.py, storage/queries.py, storage/status_queries.py,
# storage/canned.py, ...): it may name SQLAlchemy's Engine and errors, but builds no
# query itself, and opens no database file with sqlite3. No module is exempt; one
# that truly had to be would be listed in NO_SQL_EXEMPT with the reason.
NO_SQL_EXEMPT: dict[str, str] = {}  # module (path) -> why it builds SQL itself
NO_SQL = sorted(m for m in (str(f.relative_to(ROOT)) for f in (ROOT / "agent").rglob("*.py"))
                if m not in NO_SQL_EXEMPT)
SQL_BUILDERS = ("sqlmodel", "sqlalchemy", "sqlite3")
SQL_ALLOWED = ("sqlalchemy.engine", "sqlalchemy.exc")


def sql_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
        found += [f"{path.name}:{node.lineno} imports {m}" for m in names
                  if m.split(".")[0] in SQL_BUILDERS and not any(within(m, ok) for ok in SQL_ALLOWED)]
    return found


@pytest.mark.parametrize("module", NO_SQL)
def test_the_orchestration_builds_no_sql(module: str) -> None:
    assert sql_imports(ROOT / module) == []


def test_the_sql_rule_covers_the_whole_agent() -> None:
    """The walk finds every package of the agent, not a few chosen modules."""
    for module in ("agent/pipeline.py", "agent/cycle.py", "agent/rejudge.py", "agent/queries.py", "agent/cli.py",
                   "agent/status.py", "agent/scoreboard.py", "agent/dashboard.py", "agent/sources/sync.py",
                   "agent/oracle/show.py", "agent/reports/weekly.py", "agent/generation/__init__.py"):
        assert module in NO_SQL, module
    assert all((ROOT / m).is_file() for m in NO_SQL_EXEMPT)


def test_the_sql_rule_sees_query_builders(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import sqlalchemy as sa\nfrom sqlalchemy.engine import Engine\nfrom sqlmodel import select\n"
                     "from sqlalchemy.exc import SQLAlchemyError\nimport sqlite3\n", encoding="utf-8")
    assert sql_imports(probe) == ["probe.py:1 imports sqlalchemy", "probe.py:3 imports sqlmodel",
                                  "probe.py:5 imports sqlite3"]
