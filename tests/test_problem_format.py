"""The problem file format: parse, validate, save, load, test-set version (pure + tmp files)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from judge.errors import ProblemError, UnsupportedTypeError
from judge.problem import (
    FORMAT,
    Problem,
    load_problem,
    load_problems,
    parse_problem,
    save_problem,
)


def full_document() -> dict[str, Any]:
    """A problem document with every field set to a non-default value."""
    return {
        "format": "lcagent.problem/1",
        "slug": "two-sum",
        "frontend_id": "1",
        "backend_id": "1",
        "title": "Two Sum",
        "source": {
            "kind": "leetcode",
            "site": "leetcode.com",
            "url": "https://leetcode.com/problems/two-sum/",
            "dataset": None,
        },
        "contest": {
            "slug": "weekly-contest-1",
            "title": "Weekly Contest 1",
            "start_time": "2026-05-03T02:30:00Z",
            "duration_s": 5400,
            "points": 3,
        },
        "release_time": "2026-05-03T02:30:00Z",
        "release_time_source": "contest",
        "difficulty": "Easy",
        "tags": ["Array", "Hash Table"],
        "statement": "Given an array of integers `nums` and an integer `target`, return indices… 🙂",
        "starter_code": "class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n        ",
        "signature": {
            "kind": "function",
            "name": "twoSum",
            "params": [{"name": "nums", "type": "integer[]"}, {"name": "target", "type": "integer"}],
            "return": "integer[]",
            "output_param": None,
        },
        "tests": [
            {"input": "[2,7,11,15]\n9", "expected": [0, 1], "source": "example", "comparable": True, "note": None},
            {"input": "[3,2,4]\n6", "expected": [1, 2], "source": "official", "comparable": True, "note": "example 2"},
            {"input": "[3,3]\n6", "expected": None, "source": "generated", "comparable": False, "note": "no answer"},
            {"input": "[-1,-2]\n-3", "expected": [0, 1], "source": "dataset", "comparable": True, "note": None},
        ],
        "checker": {"kind": "unordered", "tolerance": 1e-6, "depth": 2, "name": None},
        "limits": {"time_ms": 2000, "total_time_ms": 30000, "memory_mb": 256},
        "reference_solution": "class Solution:\n    def twoSum(self, nums, target):\n        return [0, 1]\n",
        "meta": {"likes": 10, "nested": {"a": [1, "b"]}, "unicode": "日本"},
    }


def design_document() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "slug": "lru-cache",
        "signature": {
            "kind": "design",
            "classname": "LRUCache",
            "constructor": [{"name": "capacity", "type": "integer"}],
            "methods": [
                {"name": "get", "params": [{"name": "key", "type": "integer"}], "return": "integer"},
                {
                    "name": "put",
                    "params": [{"name": "key", "type": "integer"}, {"name": "value", "type": "integer"}],
                    "return": "void",
                },
            ],
        },
        "tests": [
            {
                "input": '["LRUCache","put","put","get","put","get"]\n[[2],[1,1],[2,2],[1],[3,3],[2]]',
                "expected": [None, None, None, 1, None, -1],
            }
        ],
    }


def in_place_document() -> dict[str, Any]:
    return {
        "slug": "move-zeroes",
        "signature": {
            "kind": "function",
            "name": "moveZeroes",
            "params": [{"name": "nums", "type": "integer[]"}],
            "return": "void",
            "output_param": 0,
        },
        "tests": [{"input": "[0,1,0,3,12]", "expected": [1, 3, 12, 0, 0]}],
        "checker": {"kind": "custom", "name": "unordered_unique"},
    }


# --------------------------------------------------------------------- round trip


@pytest.mark.parametrize(
    "make", [full_document, design_document, in_place_document], ids=["full", "design", "in-place"]
)
@pytest.mark.parametrize("as_type", ["dict", "str", "bytes"])
def test_parse_accepts_dict_str_bytes(make: Any, as_type: str) -> None:
    doc = make()
    data = {"dict": doc, "str": json.dumps(doc), "bytes": json.dumps(doc).encode()}[as_type]
    problem = parse_problem(data)
    assert problem.slug == doc["slug"]
    assert problem == parse_problem(doc)


def test_full_document_fields() -> None:
    p = parse_problem(full_document())
    assert p.format == FORMAT
    assert (p.frontend_id, p.backend_id, p.title) == ("1", "1", "Two Sum")
    assert p.source.kind == "leetcode"
    assert p.contest is not None
    assert p.contest.start_time == datetime(2026, 5, 3, 2, 30, tzinfo=UTC)
    assert p.release_time == p.contest.start_time
    assert p.difficulty == "Easy"
    assert p.tags == ["Array", "Hash Table"]
    assert p.signature.kind == "function"
    assert [t.source for t in p.tests] == ["example", "official", "generated", "dataset"]
    assert p.tests[0].values() == [[2, 7, 11, 15], 9]
    assert p.tests[2].comparable is False
    assert (p.checker.kind, p.checker.tolerance, p.checker.depth) == ("unordered", 1e-6, 2)
    assert (p.limits.time_ms, p.limits.total_time_ms, p.limits.memory_mb) == (2000, 30000, 256)
    assert p.meta["nested"] == {"a": [1, "b"]}
    assert not p.is_design


def test_to_json_reproduces_the_full_document() -> None:
    doc = full_document()
    assert json.loads(parse_problem(doc).to_json()) == doc


@pytest.mark.parametrize(
    "make", [full_document, design_document, in_place_document], ids=["full", "design", "in-place"]
)
def test_to_json_parse_round_trip(make: Any) -> None:
    p = parse_problem(make())
    text = p.to_json()
    assert text.endswith("\n")
    again = parse_problem(text)
    assert again == p
    assert again.to_json() == text


def test_minimal_document_gets_defaults() -> None:
    p = parse_problem(in_place_document())
    assert p.format == FORMAT
    assert p.release_time_source == "unknown"
    assert p.limits.time_ms > 0 and p.limits.memory_mb >= 64
    assert p.tests[0].source == "example" and p.tests[0].comparable
    assert p.signature.output_param == 0


def test_design_document() -> None:
    p = parse_problem(design_document())
    assert p.is_design
    assert p.signature.classname == "LRUCache"
    assert [m.returns for m in p.signature.methods] == ["integer", "void"]


@pytest.mark.parametrize(
    "make", [full_document, design_document, in_place_document], ids=["full", "design", "in-place"]
)
def test_save_load_round_trip(tmp_path: Path, make: Any) -> None:
    p = parse_problem(make())
    path = save_problem(p, tmp_path / "pack")
    assert path == tmp_path / "pack" / f"{p.slug}.json"
    assert path.read_text(encoding="utf-8") == p.to_json()
    loaded = load_problem(path)
    assert loaded == p
    assert loaded.test_set_version() == p.test_set_version()


def test_saved_file_is_utf8_json(tmp_path: Path) -> None:
    p = parse_problem(full_document())
    path = save_problem(p, tmp_path)
    data = json.loads(path.read_bytes().decode("utf-8"))
    assert data["statement"].endswith("🙂")
    assert data["format"] == FORMAT


# ------------------------------------------------------------------ save is atomic


def test_save_leaves_no_temp_file(tmp_path: Path) -> None:
    p = parse_problem(full_document())
    save_problem(p, tmp_path)
    save_problem(p, tmp_path)  # overwriting too
    assert sorted(x.name for x in tmp_path.iterdir()) == ["two-sum.json"]


def test_save_writes_a_temp_file_then_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = parse_problem(full_document())
    target = save_problem(old, tmp_path)
    new = parse_problem(dict(full_document(), title="Two Sum, again"))
    seen: list[tuple[str, str, str]] = []
    real_replace = Path.replace

    def spy(self: Path, dest: Any) -> Any:
        # at the moment of the rename the target is still whole and old
        seen.append((self.name, Path(dest).name, Path(dest).read_text(encoding="utf-8")))
        assert self.read_text(encoding="utf-8") == new.to_json()
        return real_replace(self, dest)

    monkeypatch.setattr(Path, "replace", spy)
    save_problem(new, tmp_path)
    assert len(seen) == 1
    tmp_name, dest_name, dest_before = seen[0]
    assert tmp_name != "two-sum.json" and tmp_name.startswith("two-sum")
    assert dest_name == "two-sum.json"
    assert dest_before == old.to_json()
    assert target.read_text(encoding="utf-8") == new.to_json()


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = parse_problem(full_document())
    target = save_problem(old, tmp_path)
    real_write_text = Path.write_text

    def disk_full(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        real_write_text(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    with pytest.raises(OSError):
        save_problem(parse_problem(dict(full_document(), title="New")), tmp_path)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == old.to_json()
    assert load_problems(tmp_path) == {"two-sum": old}  # a half-written temp file is not loaded


# --------------------------------------------------------------- test_set_version


def version_of(doc: dict) -> str:
    return parse_problem(doc).test_set_version()


def test_test_set_version_shape_and_stability(tmp_path: Path) -> None:
    v = version_of(full_document())
    assert len(v) == 16 and all(c in "0123456789abcdef" for c in v)
    assert version_of(full_document()) == v
    assert version_of(json.loads(json.dumps(full_document()))) == v
    p = parse_problem(full_document())
    assert load_problem(save_problem(p, tmp_path)).test_set_version() == v
    assert parse_problem(p.to_json()).test_set_version() == v


def _edit(path: str, value: Any) -> Any:
    """A function setting doc[a][b]... (ints index lists) to value."""

    def apply(doc: dict) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
        target: Any = doc
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value

    return apply


def _remove_test(doc: dict) -> None:
    doc["tests"].pop()


def _add_test(doc: dict) -> None:
    doc["tests"].append({"input": "[1,2]\n3", "expected": [0, 1]})


def _swap_tests(doc: dict) -> None:
    doc["tests"][0], doc["tests"][1] = doc["tests"][1], doc["tests"][0]


CHANGES_VERSION = [
    ("test-input", _edit("tests.0.input", "[2,7,11,16]\n9")),
    ("test-expected", _edit("tests.0.expected", [1, 0])),
    ("test-comparable", _edit("tests.0.comparable", False)),
    ("test-source", _edit("tests.0.source", "generated")),
    ("test-removed", _remove_test),
    ("test-added", _add_test),
    ("tests-reordered", _swap_tests),
    ("checker-kind", _edit("checker.kind", "exact")),
    ("checker-tolerance", _edit("checker.tolerance", 1e-4)),
    ("checker-depth", _edit("checker.depth", 1)),
    ("checker-custom", lambda d: d.update(checker={"kind": "custom", "name": "case_insensitive"})),
    ("limit-time", _edit("limits.time_ms", 2001)),
    ("limit-total-time", _edit("limits.total_time_ms", 60000)),
    ("limit-memory", _edit("limits.memory_mb", 512)),
    ("signature-name", _edit("signature.name", "twoSum2")),
    ("signature-param-type", _edit("signature.params.1.type", "long")),
]
KEEPS_VERSION = [
    ("statement", _edit("statement", "A different statement.")),
    ("title", _edit("title", "Two Sum (renamed)")),
    ("tags", _edit("tags", [])),
    ("difficulty", _edit("difficulty", "Hard")),
    ("starter-code", _edit("starter_code", "")),
    ("reference-solution", _edit("reference_solution", None)),
    ("meta", _edit("meta", {})),
    ("source", _edit("source.url", None)),
    ("contest", _edit("contest", None)),
    ("release-time", _edit("release_time", "2020-01-01T00:00:00Z")),
    ("test-note", _edit("tests.1.note", "a note does not decide a verdict")),
    ("ids", _edit("frontend_id", "9999")),
]


@pytest.mark.parametrize("change", [c[1] for c in CHANGES_VERSION], ids=[c[0] for c in CHANGES_VERSION])
def test_test_set_version_changes_with_what_decides_verdicts(change: Any) -> None:
    doc = full_document()
    change(doc)
    assert version_of(doc) != version_of(full_document())


@pytest.mark.parametrize("change", [c[1] for c in KEEPS_VERSION], ids=[c[0] for c in KEEPS_VERSION])
def test_test_set_version_ignores_the_rest(change: Any) -> None:
    doc = full_document()
    change(doc)
    assert parse_problem(doc) != parse_problem(full_document())  # the edit did change the problem
    assert version_of(doc) == version_of(full_document())


# ----------------------------------------------------------------- validation errors


def _with(**fields: Any) -> dict:
    doc = full_document()
    doc.update(fields)
    return doc


def _without(key: str) -> dict:
    doc = full_document()
    del doc[key]
    return doc


def _signature(**fields: Any) -> dict:
    doc = full_document()
    doc["signature"] = dict(doc["signature"], **fields)
    return doc


def _test_input(text: str) -> dict:
    doc = full_document()
    doc["tests"][1]["input"] = text
    return doc


ORIGIN = "packs/two-sum.json"
INVALID: list[tuple[str, dict | str, str, list[str]]] = [
    # id, document, the problem named, fragments of the reason
    ("arity-too-few", _test_input("[3,2,4]"), "two-sum", ["test 1", "1 input values for 2 parameters"]),
    ("arity-too-many", _test_input("[3,2,4]\n6\n7"), "two-sum", ["test 1", "3 input values for 2 parameters"]),
    ("wrong-value-type", _test_input('[3,2,4]\n"6"'), "two-sum", ["test 1", "target", "integer"]),
    ("unparsable-line", _test_input("[3,2,4\n6"), "two-sum", ["test 1", "not one JSON value per line"]),
    ("two-values-on-a-line", _test_input("[3,2,4] 6"), "two-sum", ["test 1", "not one JSON value per line"]),
    ("unsupported-param-type", _signature(params=[{"name": "n", "type": "NestedInteger"}]), "two-sum", ["unsupported type", "'NestedInteger'"]),
    ("unsupported-return-type", _signature(**{"return": "Node"}), "two-sum", ["unsupported type", "'Node'"]),
    ("output-param-out-of-range", _signature(output_param=5), "two-sum", ["output param index 5"]),
    ("unknown-custom-checker", _with(checker={"kind": "custom", "name": "nope"}), "two-sum", ["unknown custom checker 'nope'"]),
    ("custom-checker-without-name", _with(checker={"kind": "custom"}), "two-sum", ["unknown custom checker None"]),
    ("wrong-format-version", _with(format="lcagent.problem/2"), ORIGIN, ["format", "lcagent.problem/1"]),
    ("missing-signature", _without("signature"), ORIGIN, ["signature", "required"]),
    ("missing-slug", _without("slug"), ORIGIN, ["slug", "required"]),
    ("empty-slug", _with(slug=""), ORIGIN, ["slug"]),
    ("signature-without-kind", _signature(kind=None), ORIGIN, ["signature"]),
    ("unknown-checker-kind", _with(checker={"kind": "fuzzy"}), ORIGIN, ["checker.kind"]),
    ("zero-time-limit", _with(limits={"time_ms": 0}), ORIGIN, ["limits.time_ms"]),
    ("tiny-memory-limit", _with(limits={"memory_mb": 1}), ORIGIN, ["limits.memory_mb"]),
    ("bad-difficulty", _with(difficulty="Trivial"), ORIGIN, ["difficulty"]),
    ("bad-test-source", _with(tests=[{"input": "[1]\n1", "source": "web"}]), ORIGIN, ["tests.0.source"]),
    ("bad-release-time", _with(release_time="next sunday"), ORIGIN, ["release_time"]),
    ("not-json", "{this is not json", ORIGIN, ["document", "JSON"]),
    ("json-array", "[1, 2]", ORIGIN, ["document"]),
]


@pytest.mark.parametrize(
    ("doc", "problem", "fragments"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_document_is_a_problem_error(doc: dict | str, problem: str, fragments: list[str]) -> None:
    with pytest.raises(ProblemError) as info:
        parse_problem(copy.deepcopy(doc), ORIGIN)
    err = info.value
    assert err.problem == problem
    for fragment in fragments:
        assert fragment in err.reason, (fragment, err.reason)
    assert str(err) == f"problem {problem}: {err.reason}"


def test_invalid_design_test_is_a_problem_error() -> None:
    doc = design_document()
    doc["tests"].append({"input": '["LRUCache","evict"]\n[[2],[]]', "expected": [None, None]})
    with pytest.raises(ProblemError) as info:
        parse_problem(doc)
    assert info.value.problem == "lru-cache"
    assert "test 1" in info.value.reason and "unknown method 'evict'" in info.value.reason


@pytest.mark.parametrize(
    "calls", ['["LRUCache",["get"]]', '["LRUCache",{"get":1}]'], ids=["list-as-method", "object-as-method"]
)
def test_malformed_design_call_is_a_problem_error(calls: str) -> None:
    doc = design_document()
    doc["tests"] = [{"input": f"{calls}\n[[2],[1]]", "expected": [None, 1]}]
    with pytest.raises(ProblemError) as info:
        parse_problem(doc)
    assert info.value.problem == "lru-cache"


def test_unsupported_type_keeps_its_error_class() -> None:
    with pytest.raises(UnsupportedTypeError) as info:
        parse_problem(_signature(params=[{"name": "n", "type": "NestedInteger"}]))
    assert info.value.type_name == "NestedInteger"
    assert info.value.problem == "two-sum"


def test_problem_is_immutable() -> None:
    p = parse_problem(full_document())
    with pytest.raises(ValueError):
        p.slug = "other"  # type: ignore[misc]


# ------------------------------------------------------------------ load_problem(s)


def test_load_problem_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(_with(format="old")), encoding="utf-8")
    with pytest.raises(ProblemError) as info:
        load_problem(path)
    assert info.value.problem == str(path)
    assert "format" in info.value.reason


def test_load_problem_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(ProblemError) as info:
        load_problem(path)
    assert info.value.problem == str(path)
    assert "cannot read" in info.value.reason


def test_load_problems_directory(tmp_path: Path) -> None:
    a = parse_problem(full_document())
    b = parse_problem(design_document())
    save_problem(a, tmp_path)
    save_problem(b, tmp_path)
    (tmp_path / "README.md").write_text("not a problem", encoding="utf-8")
    (tmp_path / "stale.json.tmp").write_text("{half", encoding="utf-8")
    problems = load_problems(tmp_path)
    assert problems == {"two-sum": a, "lru-cache": b}
    assert list(problems) == sorted(problems)  # files are read in name order


def test_load_problems_empty_directory(tmp_path: Path) -> None:
    assert load_problems(tmp_path) == {}


def test_load_problems_duplicate_slugs(tmp_path: Path) -> None:
    text = parse_problem(full_document()).to_json()
    (tmp_path / "a.json").write_text(text, encoding="utf-8")
    (tmp_path / "b.json").write_text(text, encoding="utf-8")
    with pytest.raises(ProblemError) as info:
        load_problems(tmp_path)
    assert info.value.problem == "two-sum"
    assert "defined twice" in info.value.reason
    assert str(tmp_path) in info.value.reason


def test_load_problems_stops_on_an_invalid_file(tmp_path: Path) -> None:
    save_problem(parse_problem(full_document()), tmp_path)
    (tmp_path / "zz.json").write_text(json.dumps(_test_input("[1")), encoding="utf-8")
    with pytest.raises(ProblemError) as info:
        load_problems(tmp_path)
    assert "test 1" in info.value.reason


def test_problem_model_is_the_document_schema() -> None:
    # every top-level key of the documented format is a field, and nothing else
    assert set(Problem.model_fields) == set(full_document())
