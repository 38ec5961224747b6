"""Import LeetCodeDataset rows (JSONL, optionally gzipped) as lcagent problems.

Two schemas are read: v0.3.x (`starter_code`, `estimated_date`, `problem_description`,
`question_id`, `difficulty`, `tags`) and the older one with a `meta` dict
(`question_id`, `difficulty`, `question_title` holding the statement, `lang_code`
holding the starter code). In both, the tests come from the `check(candidate)`
asserts, which are authoritative (`input_output` holds error strings for ~4% of
pairs); the signature comes from the starter code's annotations; the canonical
`completion` is kept as the reference solution. A row that cannot be converted is
reported with its reason, never dropped silently.
"""

from __future__ import annotations

import ast
import gzip
import json
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from judge import harness
from judge.checkers import checker_for_statement
from judge.constants import DEFAULT_SITE
from judge.errors import ProblemError
from judge.problem import Problem, Source, Test, check_slug, parse_problem
from judge.signature import FunctionSignature, Param, check_input, conforms

_SIMPLE_TYPES = {"int": "integer", "float": "double", "bool": "boolean", "str": "string",
                 "ListNode": "ListNode", "TreeNode": "TreeNode", "None": "void"}


class RowError(ProblemError):
    """A dataset row that cannot become a problem."""


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (task_id or line, reason)
    skipped_tests: list[tuple[str, str]] = field(default_factory=list)  # (task_id, reason)


def read_rows(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, row, error) for each non-empty line of a .jsonl or .jsonl.gz."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                yield n, None, f"line {n} is not JSON: {e}"
                continue
            if not isinstance(row, dict):
                yield n, None, f"line {n} is not a JSON object"
                continue
            yield n, row, None


def import_file(path: Path) -> ImportReport:
    report = ImportReport()
    for n, row, error in read_rows(path):
        if row is None:
            report.failures.append((f"{path.name}:{n}", error or "unreadable"))
            continue
        name = str(row.get("task_id") or f"{path.name}:{n}")
        try:
            problem = convert_row(row, dataset=path.name)
        except ProblemError as e:
            report.failures.append((name, e.reason))
            continue
        report.problems.append(problem)
        report.skipped_tests += [(name, why) for why in problem.meta.get("skipped_tests", [])]
    return report


# ----------------------------------------------------------------- conversion


def convert_row(row: dict, dataset: str = "LeetCodeDataset") -> Problem:
    slug = row.get("task_id")
    if not isinstance(slug, str) or not slug:
        raise RowError("<row>", "no task_id")
    check_slug(slug, "task_id")  # it becomes the problem's slug, and a file name
    meta = row.get("meta") if isinstance(row.get("meta"), dict) else {}
    starter = row.get("starter_code") or meta.get("lang_code")
    statement = row.get("problem_description") or meta.get("question_title") or ""
    entry = row.get("entry_point", "")
    if not isinstance(starter, str) or not starter.strip():
        raise RowError(slug, "no starter code")
    if not isinstance(entry, str) or not entry.startswith("Solution()."):
        raise RowError(slug, f"entry point {entry!r} is not Solution().<method>")
    signature = signature_from_starter(starter, entry.removeprefix("Solution()."), slug)
    tests, skipped = tests_from_check(row.get("test", ""), signature, slug)
    if not tests:
        raise RowError(slug, "no usable assert in check(): " + "; ".join(skipped[:3]))
    released = row.get("estimated_date")
    question_id = row.get("question_id", meta.get("question_id"))
    doc = {
        "slug": slug,
        "frontend_id": str(question_id) if question_id is not None else None,
        "title": slug.replace("-", " ").title(),
        "source": Source(kind="leetcodedataset", site=DEFAULT_SITE, dataset=dataset,
                         url=f"https://leetcode.com/problems/{slug}/").model_dump(),
        "release_time": _date(released),
        "release_time_source": "estimated" if released else "unknown",
        "difficulty": row.get("difficulty") or meta.get("difficulty"),
        "tags": list(row.get("tags") or []),
        "statement": statement,
        "starter_code": starter,
        "signature": signature.model_dump(by_alias=True),
        "tests": [t.model_dump() for t in tests],
        "checker": checker_for_statement(statement).model_dump(),
        "reference_solution": row.get("completion"),
        "meta": {"skipped_tests": skipped} if skipped else {},
    }
    return parse_problem(doc, slug)


def _date(value: Any) -> str | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC).isoformat()
    except ValueError:
        return None


def python_type_to_leetcode(node: ast.expr | None, slug: str) -> str:
    """`List[List[int]]` -> `integer[][]`, `Optional[ListNode]` -> `ListNode`, ..."""
    if node is None:
        raise RowError(slug, "starter code has an unannotated parameter or return")
    if isinstance(node, ast.Constant) and node.value is None:
        return "void"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "ListNode"
        return python_type_to_leetcode(ast.parse(node.value, mode="eval").body, slug)
    if isinstance(node, ast.Name) and node.id in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[node.id]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        outer = node.value.id
        if outer in ("List", "list"):
            return python_type_to_leetcode(node.slice, slug) + "[]"
        if outer == "Optional":
            return python_type_to_leetcode(node.slice, slug)
    raise RowError(slug, f"unsupported annotation {ast.unparse(node)!r}")


def _parse_header(lines: list[str]) -> ast.FunctionDef | None:
    """The shortest prefix of lines that parses as a `def` header (a signature may
    span lines, and other methods may follow it)."""
    for k in range(1, len(lines) + 1):
        try:
            node = ast.parse(textwrap.dedent("\n".join(lines[:k])) + "\n    pass\n").body[0]
        except SyntaxError:
            continue
        return node if isinstance(node, ast.FunctionDef) else None
    return None


def signature_from_starter(starter: str, method: str, slug: str) -> FunctionSignature:
    found = re.search(rf"def\s+{re.escape(method)}\s*\(", starter)
    if found is None:
        raise RowError(slug, f"starter code does not define {method}")
    fn = _parse_header(starter[found.start():].splitlines())
    if fn is None:
        raise RowError(slug, f"starter code signature of {method} does not parse")
    args = fn.args.args[1:]  # drop self
    params = [Param(name=a.arg, type=python_type_to_leetcode(a.annotation, slug)) for a in args]
    returns = python_type_to_leetcode(fn.returns, slug)
    if returns == "void":
        raise RowError(slug, "in-place (void) problems are not in this dataset's test format")
    return FunctionSignature(name=method, params=params, returns=returns)


# --------------------------------------------------------------------- tests


def _value(node: ast.expr, slug: str) -> Any:
    """A literal, or a `list_node([...])` / `tree_node([...])` call, as JSON."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list_node", "tree_node"):
        if len(node.args) != 1 or node.keywords:
            raise RowError(slug, f"unexpected {node.func.id} call {ast.unparse(node)[:80]}")
        return _value(node.args[0], slug)
    try:
        return _jsonable(ast.literal_eval(node))
    except (ValueError, SyntaxError, TypeError):
        raise RowError(slug, f"test value is not a literal: {ast.unparse(node)[:80]}") from None


def _jsonable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        raise ValueError("non-finite float")
    if isinstance(v, (set, dict, complex, bytes)):
        raise TypeError(type(v).__name__)
    return v


def _call_args(call: ast.expr, signature: FunctionSignature, slug: str) -> list:
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "candidate"):
        raise RowError(slug, f"assert does not call candidate: {ast.unparse(call)[:80]}")
    names = [p.name for p in signature.params]
    if len(call.args) > len(names):
        raise RowError(slug, f"candidate called with {len(call.args)} positional arguments for {len(names)}")
    values: dict[str, Any] = dict(zip(names, (_value(a, slug) for a in call.args), strict=False))
    for kw in call.keywords:
        if kw.arg not in names:
            raise RowError(slug, f"candidate called with unknown argument {kw.arg!r}")
        if kw.arg in values:
            raise RowError(slug, f"candidate given {kw.arg!r} twice")
        values[kw.arg] = _value(kw.value, slug)
    missing = [n for n in names if n not in values]
    if missing:
        raise RowError(slug, f"candidate called without {', '.join(missing)}")
    return [values[n] for n in names]


def _is_candidate_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "candidate"


def _assert_parts(test: ast.expr, slug: str) -> tuple[ast.expr, ast.expr | None]:
    """(the candidate call, the expected expression) from one assert."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op = test.ops[0]
        if isinstance(op, ast.Eq):
            left, right = test.left, test.comparators[0]
            if _is_candidate_call(right) and not _is_candidate_call(left):
                left, right = right, left  # `expected == candidate(...)`
            return left, right
        if isinstance(op, ast.Is) and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
            return test.left, test.comparators[0]
    if (isinstance(test, ast.Call) and isinstance(test.func, ast.Name)
            and test.func.id in ("is_same_list", "is_same_tree") and len(test.args) == 2):
        return test.args[0], test.args[1]
    raise RowError(slug, f"unsupported assert form: {ast.unparse(test)[:80]}")


def tests_from_check(source: str, signature: FunctionSignature, slug: str) -> tuple[list[Test], list[str]]:
    """The tests, and a reason for each assert that could not become one (a value
    that is not a literal, an input that does not fit the signature, ...)."""
    try:
        module = ast.parse(source or "")
    except SyntaxError as e:
        raise RowError(slug, f"test code does not parse: {e.msg}") from None
    check = next((n for n in module.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None)
    if check is None:
        raise RowError(slug, "test code has no check(candidate) function")
    returns = harness.parse_type(signature.returns)
    tests: list[Test] = []
    skipped: list[str] = []
    body = [st for st in check.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]
    for n, stmt in enumerate(body, 1):  # docstrings do not count
        try:
            if not isinstance(stmt, ast.Assert):
                raise RowError(slug, f"check() holds a {type(stmt).__name__}, not an assert")
            call, expected_node = _assert_parts(stmt.test, slug)
            expected = _value(expected_node, slug) if expected_node is not None else None
            if returns == "TreeNode":  # level order as the harness writes it
                expected = harness.tree_to_json(harness.build_tree(expected))
            elif expected is None and returns == "ListNode":
                expected = []  # an empty list serializes as []
            if not conforms(returns, expected):
                raise RowError(slug, f"expected value {json.dumps(expected)[:60]} is not a {signature.returns}")
            values = _call_args(call, signature, slug)
            check_input(signature, values, slug)
        except ProblemError as e:
            skipped.append(f"assert {n}: {e.reason}")
            continue
        tests.append(Test(input=harness.format_input(values), expected=expected, source="dataset"))
    return tests, skipped


def write_problems(report: ImportReport, out: Path) -> list[Path]:
    from judge.problem import save_problem

    return [save_problem(p, out) for p in report.problems]
