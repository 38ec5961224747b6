"""Problem packs (a directory or a JSONL of problem files) and the LeetCodeDataset
importer behind the one source interface: problems out, failures named."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from agent.sources.leetcode_parse import question_to_problem
from agent.sources.pack import DatasetSource, Loaded, PackSource, ProblemSource
from judge.problem import Problem, save_problem
from tests.conftest import CORPUS
from tests.fakes.leetcode_server import CONTEST_DIR
from tests.support import design_problem, function_problem


def contest_problem(slug: str) -> Problem:
    q = json.loads((CONTEST_DIR / f"question-{slug}.json").read_text())["data"]["question"]
    return question_to_problem(q)


def small_problems() -> list[Problem]:
    return [
        function_problem("add", [("a", "integer"), ("b", "integer")], "integer", [("1\n2", 3)], slug="add"),
        design_problem("Counter", [], {"inc": ([], "integer")}, [('["Counter","inc"]\n[[],[]]', [None, 1])],
                       slug="counter"),
        contest_problem("ticket-queue"),
        contest_problem("sort-even-positions"),
    ]


def as_jsonl(problems: list[Problem]) -> list[str]:
    return [p.model_dump_json() for p in problems]


# ===================================================================== directory packs


def test_directory_pack_loads_every_problem_file_recursively(tmp_path: Path) -> None:
    problems = small_problems()
    save_problem(problems[0], tmp_path)
    save_problem(problems[1], tmp_path / "private")
    save_problem(problems[2], tmp_path / "weekly-contest-9001")
    save_problem(problems[3], tmp_path / "weekly-contest-9001")
    loaded = PackSource(tmp_path).load()
    assert loaded.failures == []
    assert sorted(p.slug for p in loaded.problems) == ["add", "counter", "sort-even-positions", "ticket-queue"]
    by_slug = {p.slug: p for p in loaded.problems}
    assert by_slug["ticket-queue"] == problems[2]  # a LeetCode problem round-trips through a pack unchanged
    assert by_slug["sort-even-positions"].signature.output_param == 0  # type: ignore[union-attr]


def test_directory_pack_reports_bad_files_and_keeps_the_good(tmp_path: Path) -> None:
    save_problem(small_problems()[0], tmp_path)
    (tmp_path / "broken.json").write_text('{"slug": "broken", "signature": ', encoding="utf-8")
    (tmp_path / "no-signature.json").write_text('{"slug": "no-signature"}', encoding="utf-8")
    bad_type = json.loads(small_problems()[0].to_json())
    bad_type["slug"] = "bad-type"
    bad_type["signature"]["params"][0]["type"] = "NestedInteger"
    (tmp_path / "bad-type.json").write_text(json.dumps(bad_type), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a problem", encoding="utf-8")
    loaded = PackSource(tmp_path).load()
    assert [p.slug for p in loaded.problems] == ["add"]
    failures = dict(loaded.failures)
    assert set(failures) == {str(tmp_path / n) for n in ("broken.json", "no-signature.json", "bad-type.json")}
    assert "signature" in failures[str(tmp_path / "no-signature.json")]
    assert "NestedInteger" in failures[str(tmp_path / "bad-type.json")]


def test_empty_directory_pack(tmp_path: Path) -> None:
    assert PackSource(tmp_path).load() == Loaded()


# ===================================================================== JSONL packs


def test_jsonl_pack_reports_a_malformed_line_with_its_line_number(tmp_path: Path) -> None:
    lines = as_jsonl(small_problems())
    lines.insert(2, '{"slug": "half a line", "signature": {"kind": "func')
    lines.insert(3, "")  # blank lines are skipped, not failures
    path = tmp_path / "pack.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = PackSource(path).load()
    assert [p.slug for p in loaded.problems] == ["add", "counter", "ticket-queue", "sort-even-positions"]
    assert len(loaded.failures) == 1
    where, reason = loaded.failures[0]
    assert where == f"{path}:3"
    assert reason


def test_jsonl_pack_reports_invalid_documents_by_line(tmp_path: Path) -> None:
    good = as_jsonl(small_problems()[:1])[0]
    bad_test = json.loads(good)
    bad_test["tests"][0]["input"] = '"one"\n2'  # a string for an integer parameter
    lines = [good, json.dumps(bad_test), "[1, 2, 3]", json.dumps({"slug": ""})]
    path = tmp_path / "pack.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    loaded = PackSource(path).load()
    assert [p.slug for p in loaded.problems] == ["add"]
    assert [w for w, _ in loaded.failures] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "is not a integer" in loaded.failures[0][1]


# ===================================================================== LeetCodeDataset


def test_dataset_source_imports_the_sample() -> None:
    loaded = DatasetSource(CORPUS / "v0.3.1-test-dev.jsonl.gz").load()
    assert loaded.failures == []
    assert len(loaded.problems) == 57
    p = loaded.problems[0]
    assert p.source.kind == "leetcodedataset"
    assert p.release_time_source == "estimated" and p.release_time is not None
    assert p.reference_solution and p.tests


def test_dataset_source_reports_malformed_rows_with_their_line(tmp_path: Path) -> None:
    with gzip.open(CORPUS / "v0.3.1-test-dev.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [line for line in f.read().splitlines() if line.strip()][:2]
    no_entry = json.loads(rows[1])
    no_entry["entry_point"] = "main"
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join([rows[0], "{truncated", json.dumps(no_entry)]) + "\n", encoding="utf-8")
    loaded = DatasetSource(path).load()
    assert len(loaded.problems) == 1
    assert loaded.failures[0] == ("rows.jsonl:2", loaded.failures[0][1])
    assert "line 2 is not JSON" in loaded.failures[0][1]
    assert loaded.failures[1][0] == no_entry["task_id"] and "entry point" in loaded.failures[1][1]


@pytest.mark.parametrize("source_type", [PackSource, DatasetSource])
def test_sources_share_one_interface(source_type: type, tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    source: ProblemSource = source_type(path)
    assert source.load() == Loaded()
