"""Signatures from LeetCode's metaData, and test inputs checked against them (pure)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from judge.errors import ProblemError, UnsupportedTypeError
from judge.harness import parse_type, split_input
from judge.signature import (
    DesignSignature,
    FunctionSignature,
    Method,
    Param,
    check_input,
    check_types,
    conforms,
    from_metadata,
)

LEETCODE = Path(__file__).parent / "data" / "leetcode"


def question(name: str) -> dict:
    return json.loads((LEETCODE / name).read_text(encoding="utf-8"))["data"]["question"]


TWO_SUM = question("question-two-sum.json")
FIND_THE_DIFFERENCE = question("question-find-the-difference-2017.json")

LRU_META = {
    "classname": "LRUCache",
    "constructor": {"params": [{"type": "integer", "name": "capacity"}]},
    "methods": [
        {"params": [{"type": "integer", "name": "key"}], "name": "get", "return": {"type": "integer"}},
        {
            "params": [{"type": "integer", "name": "key"}, {"type": "integer", "name": "value"}],
            "name": "put",
            "return": {"type": "void"},
        },
    ],
    "return": {"type": "boolean"},
    "systemdesign": True,
}
EXAM_ROOM_META = {
    "classname": "ExamRoom",
    "constructor": {"params": [{"type": "integer", "name": "n"}]},
    "methods": [
        {"name": "seat", "params": [], "return": {"type": "integer"}},
        {"name": "leave", "params": [{"type": "integer", "name": "p"}], "return": {"type": "void"}},
    ],
    "systemdesign": True,
}
MOVE_ZEROES_META = {
    "name": "moveZeroes",
    "params": [{"name": "nums", "type": "integer[]"}],
    "return": {"type": "void"},
    "output": {"paramindex": 0},
}


# ----------------------------------------------------------------- from_metadata


def test_from_metadata_two_sum_fixture() -> None:
    assert "\n" in TWO_SUM["metaData"]
    sig = from_metadata(TWO_SUM["metaData"], "two-sum")
    assert sig == FunctionSignature(
        name="twoSum",
        params=[Param(name="nums", type="integer[]"), Param(name="target", type="integer")],
        returns="integer[]",
        output_param=None,
    )
    assert sig.kind == "function"
    assert sig.answer_type() == "integer[]"


def test_from_metadata_crlf_fixture() -> None:
    assert "\r\n" in FIND_THE_DIFFERENCE["metaData"]
    sig = from_metadata(FIND_THE_DIFFERENCE["metaData"], "find-the-difference")
    assert isinstance(sig, FunctionSignature)
    assert sig.name == "findTheDifference"
    assert [(p.name, p.type) for p in sig.params] == [("s", "string"), ("t", "string")]
    assert sig.returns == "character"
    assert sig.output_param is None


@pytest.mark.parametrize(
    ("q", "slug"),
    [(TWO_SUM, "two-sum"), (FIND_THE_DIFFERENCE, "find-the-difference")],
    ids=["two-sum", "find-the-difference"],
)
def test_fixture_sample_test_case_fits_its_signature(q: dict, slug: str) -> None:
    sig = from_metadata(q["metaData"], slug)
    check_input(sig, split_input(q["sampleTestCase"]), slug)  # raises if it does not fit
    with pytest.raises(ProblemError):
        check_input(sig, split_input(q["sampleTestCase"])[:-1], slug)


def test_from_metadata_accepts_a_dict() -> None:
    assert from_metadata(json.loads(TWO_SUM["metaData"]), "two-sum") == from_metadata(
        TWO_SUM["metaData"], "two-sum"
    )


def test_from_metadata_design_lru_cache() -> None:
    sig = from_metadata(json.dumps(LRU_META), "lru-cache")
    assert sig == DesignSignature(
        classname="LRUCache",
        constructor=[Param(name="capacity", type="integer")],
        methods=[
            Method(name="get", params=[Param(name="key", type="integer")], returns="integer"),
            Method(
                name="put",
                params=[Param(name="key", type="integer"), Param(name="value", type="integer")],
                returns="void",
            ),
        ],
    )
    assert sig.kind == "design"


def test_from_metadata_design_exam_room() -> None:
    sig = from_metadata(EXAM_ROOM_META, "exam-room")
    assert isinstance(sig, DesignSignature)
    assert sig.classname == "ExamRoom"
    assert [(p.name, p.type) for p in sig.constructor] == [("n", "integer")]
    assert [(m.name, [p.type for p in m.params], m.returns) for m in sig.methods] == [
        ("seat", [], "integer"),
        ("leave", ["integer"], "void"),
    ]


@pytest.mark.parametrize(
    "meta",
    [
        {"classname": "Foo", "methods": [{"name": "bar"}]},  # no systemdesign flag, no ctor
        {"systemdesign": True, "classname": "Foo", "constructor": {}, "methods": [{"name": "bar", "params": []}]},
    ],
    ids=["classname-only", "empty-constructor"],
)
def test_from_metadata_design_defaults(meta: dict) -> None:
    sig = from_metadata(meta, "foo")
    assert sig == DesignSignature(
        classname="Foo", constructor=[], methods=[Method(name="bar", params=[], returns="void")]
    )


def test_from_metadata_in_place() -> None:
    sig = from_metadata(json.dumps(MOVE_ZEROES_META), "move-zeroes")
    assert isinstance(sig, FunctionSignature)
    assert sig.returns == "void"
    assert sig.output_param == 0
    assert sig.answer_type() == "integer[]"


def test_from_metadata_in_place_index_as_string() -> None:
    meta = dict(MOVE_ZEROES_META, output={"paramindex": "0"})
    assert from_metadata(meta, "move-zeroes").output_param == 0


@pytest.mark.parametrize(
    "meta",
    [
        {"name": "f", "params": []},
        {"name": "f", "params": [], "return": None},
        {"name": "f", "params": [], "return": {}},
        {"name": "f", "return": {"type": "void"}},
    ],
    ids=["no-return", "null-return", "empty-return", "no-params"],
)
def test_from_metadata_function_defaults(meta: dict) -> None:
    sig = from_metadata(meta, "f")
    assert isinstance(sig, FunctionSignature)
    assert sig.params == []
    assert sig.returns == "void"


ALL_TYPES = [
    "integer", "long", "double", "boolean", "character", "string", "String",
    "ListNode", "TreeNode", "integer[]", "integer[][]", "character[][]", "ListNode[]",
    "TreeNode[]", "string[]", "double[]", "boolean[]", "long[]", "list<integer>",
    "list<list<integer>>", "list<String>", "List<Integer>", "list<list<string>>",
]  # fmt: skip


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_from_metadata_every_type(type_name: str) -> None:
    meta = {"name": "f", "params": [{"name": "x", "type": type_name}], "return": {"type": type_name}}
    sig = from_metadata(json.dumps(meta), "p")
    assert sig.params == [Param(name="x", type=type_name)]  # kept verbatim
    assert sig.returns == type_name


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_from_metadata_every_type_in_design(type_name: str) -> None:
    meta = {
        "classname": "C",
        "constructor": {"params": [{"name": "a", "type": type_name}]},
        "methods": [{"name": "m", "params": [{"name": "b", "type": type_name}], "return": {"type": type_name}}],
        "systemdesign": True,
    }
    sig = from_metadata(meta, "p")
    assert isinstance(sig, DesignSignature)
    assert sig.types() == [type_name] * 3


BAD_METADATA: list[tuple[str, Any, str]] = [
    # id, metaData, a fragment the reason must contain
    ("not-json", "{not json", "not JSON"),
    ("empty-string", "", "not JSON"),
    ("json-list", "[1, 2]", "unexpected shape"),
    ("json-null", "null", "unexpected shape"),
    ("json-number", "3", "unexpected shape"),
    ("missing-name", {"params": [], "return": {"type": "integer"}}, "name"),
    ("design-missing-methods", {"classname": "C", "systemdesign": True}, "methods"),
    ("design-missing-classname", {"systemdesign": True, "methods": []}, "classname"),
    ("method-missing-name", {"classname": "C", "methods": [{"params": []}]}, "name"),
    ("return-not-object", {"name": "f", "params": [], "return": "integer"}, "is not an object"),
    ("name-not-string", {"name": 5, "params": []}, "unexpected shape"),
    ("paramindex-not-int", dict(MOVE_ZEROES_META, output={"paramindex": "x"}), "unexpected shape"),
    ("paramindex-out-of-range", dict(MOVE_ZEROES_META, output={"paramindex": 1}), "out of range"),
    ("paramindex-negative", dict(MOVE_ZEROES_META, output={"paramindex": -1}), "out of range"),
]


@pytest.mark.parametrize(
    ("meta", "fragment"), [c[1:] for c in BAD_METADATA], ids=[c[0] for c in BAD_METADATA]
)
def test_from_metadata_bad_input_is_a_problem_error(meta: Any, fragment: str) -> None:
    with pytest.raises(ProblemError) as info:
        from_metadata(meta, "bad-problem")
    assert info.value.problem == "bad-problem"
    assert fragment in info.value.reason
    assert str(info.value).startswith("problem bad-problem: ")


BAD_PARAMS: list[tuple[str, Any, str]] = [
    ("params-not-a-list", {"name": "f", "params": {"x": "integer"}}, "params is not a list"),
    ("params-a-string", {"name": "f", "params": "integer"}, "params is not a list"),
    ("param-without-type", {"name": "f", "params": [{"name": "x"}]}, "'type'"),
    ("param-without-name", {"name": "f", "params": [{"type": "integer"}]}, "'name'"),
    ("param-not-an-object", {"name": "f", "params": ["integer"]}, "param"),
    (
        "ctor-params-not-a-list",
        {"classname": "C", "constructor": {"params": 3}, "methods": []},
        "params is not a list",
    ),
    (
        "method-param-without-type",
        {"classname": "C", "methods": [{"name": "m", "params": [{"name": "x"}]}]},
        "'type'",
    ),
]


@pytest.mark.parametrize(
    ("meta", "fragment"), [c[1:] for c in BAD_PARAMS], ids=[c[0] for c in BAD_PARAMS]
)
def test_from_metadata_bad_params_message_is_readable(meta: Any, fragment: str) -> None:
    with pytest.raises(ProblemError) as info:
        from_metadata(meta, "bad-problem")
    assert info.value.problem == "bad-problem"
    assert fragment in info.value.reason
    # said once: "problem bad-problem: metaData params is not a list", not nested twice
    assert str(info.value).count("bad-problem") == 1, str(info.value)


UNKNOWN_TYPE_METADATA: list[tuple[str, dict, str]] = [
    (
        "param-NestedInteger",
        {"name": "depthSum", "params": [{"name": "l", "type": "list<NestedInteger>"}], "return": {"type": "integer"}},
        "list<NestedInteger>",
    ),
    (
        "return-Node",
        {"name": "cloneGraph", "params": [{"name": "node", "type": "integer"}], "return": {"type": "Node"}},
        "Node",
    ),
    (
        "ctor-param",
        {"classname": "C", "constructor": {"params": [{"name": "m", "type": "Map"}]}, "methods": []},
        "Map",
    ),
    (
        "method-param",
        {"classname": "C", "methods": [{"name": "m", "params": [{"name": "x", "type": "Employee[]"}]}]},
        "Employee[]",
    ),
    (
        "method-return",
        {"classname": "C", "methods": [{"name": "m", "params": [], "return": {"type": "Iterator"}}]},
        "Iterator",
    ),
    ("empty-type", {"name": "f", "params": [{"name": "x", "type": ""}]}, ""),
]


@pytest.mark.parametrize(
    ("meta", "type_name"),
    [c[1:] for c in UNKNOWN_TYPE_METADATA],
    ids=[c[0] for c in UNKNOWN_TYPE_METADATA],
)
def test_from_metadata_unknown_type(meta: dict, type_name: str) -> None:
    with pytest.raises(UnsupportedTypeError) as info:
        from_metadata(json.dumps(meta), "weird-problem")
    err = info.value
    assert isinstance(err, ProblemError)
    assert err.type_name == type_name
    assert err.problem == "weird-problem"
    assert repr(type_name) in str(err)
    assert "weird-problem" in str(err)
    assert "unsupported type" in str(err)


def test_check_types_direct() -> None:
    ok = FunctionSignature(name="f", params=[Param(name="x", type="integer")], returns="void")
    check_types(ok, "p")  # does not raise
    bad = ok.model_copy(update={"returns": "Node"})
    with pytest.raises(UnsupportedTypeError, match="Node"):
        check_types(bad, "p")


def test_signature_serializes_return_by_alias() -> None:
    sig = from_metadata(MOVE_ZEROES_META, "move-zeroes")
    dumped = sig.model_dump(mode="json")
    assert dumped == {
        "kind": "function",
        "name": "moveZeroes",
        "params": [{"name": "nums", "type": "integer[]"}],
        "return": "void",
        "output_param": 0,
    }
    assert FunctionSignature.model_validate(dumped) == sig


# --------------------------------------------------------------------- conforms

CONFORMS: list[tuple[str, str, Any, bool]] = [
    # id, type text, JSON value, fits?
    ("integer-int", "integer", 3, True),
    ("integer-negative", "integer", -3, True),
    ("integer-bool", "integer", True, False),
    ("integer-float", "integer", 3.0, False),
    ("integer-str", "integer", "3", False),
    ("integer-null", "integer", None, False),
    ("long-big", "long", 2**63 - 1, True),
    ("long-str", "long", "1", False),
    ("double-float", "double", 2.5, True),
    ("double-int", "double", 2, True),
    ("double-bool", "double", False, False),
    ("double-str", "double", "2.5", False),
    ("boolean-true", "boolean", True, True),
    ("boolean-false", "boolean", False, True),
    ("boolean-int", "boolean", 1, False),
    ("boolean-str", "boolean", "true", False),
    ("character-one", "character", "a", True),
    ("character-unicode", "character", "é", True),
    ("character-two", "character", "ab", False),
    ("character-empty", "character", "", False),
    ("character-int", "character", 97, False),
    ("string", "string", "abc", True),
    ("string-empty", "String", "", True),
    ("string-int", "string", 1, False),
    ("string-list", "string", ["a"], False),
    ("void-null", "void", None, True),
    ("void-int", "void", 0, False),
    ("listnode", "ListNode", [1, 2, 3], True),
    ("listnode-empty", "ListNode", [], True),
    ("listnode-null", "ListNode", None, True),
    ("listnode-int", "ListNode", 1, False),
    ("listnode-nested", "ListNode", [[1]], False),
    ("listnode-bool", "ListNode", [True], False),
    ("treenode", "TreeNode", [3, 9, 20, None, None, 15, 7], True),
    ("treenode-empty", "TreeNode", [], True),
    ("treenode-str", "TreeNode", "[1,2]", False),
    ("treenode-nested", "TreeNode", [1, [2]], False),
    ("int-array", "integer[]", [1, 2], True),
    ("int-array-empty", "integer[]", [], True),
    ("int-array-null", "integer[]", None, True),
    ("int-array-with-null", "integer[]", [1, None], False),
    ("int-array-with-str", "integer[]", [1, "2"], False),
    ("int-array-scalar", "integer[]", 1, False),
    ("int-array-nested", "integer[]", [[1]], False),
    ("int-matrix", "integer[][]", [[1, 2], [], [3]], True),
    ("int-matrix-flat", "integer[][]", [1, 2], False),
    ("char-grid", "character[][]", [["1", "0"], ["0", "1"]], True),
    ("char-grid-strings", "character[][]", [["10"], ["01"]], False),
    ("char-grid-rows-as-strings", "character[][]", ["10", "01"], False),
    ("listnode-array", "ListNode[]", [[1, 4, 5], [], [2]], True),
    ("listnode-array-flat", "ListNode[]", [1, 2], False),
    ("list<integer>", "list<integer>", [1], True),
    ("list<list<integer>>", "list<list<integer>>", [[1], [2, 3]], True),
    ("list<list<integer>>-flat", "list<list<integer>>", [1], False),
    ("list<String>", "list<String>", ["a", "bc"], True),
    ("list<String>-int", "list<String>", ["a", 1], False),
    ("double-array-mixed", "double[]", [1, 2.5], True),
    ("boolean-array", "boolean[]", [True, False], True),
    ("boolean-array-ints", "boolean[]", [1, 0], False),
]


@pytest.mark.parametrize(
    ("type_text", "value", "fits"), [c[1:] for c in CONFORMS], ids=[c[0] for c in CONFORMS]
)
def test_conforms(type_text: str, value: Any, fits: bool) -> None:
    assert conforms(parse_type(type_text), value) is fits


# ------------------------------------------------------------------ check_input

TWO_SUM_SIG = from_metadata(TWO_SUM["metaData"], "two-sum")
LRU_SIG = from_metadata(LRU_META, "lru-cache")
EXAM_SIG = from_metadata(EXAM_ROOM_META, "exam-room")
GRID_SIG = FunctionSignature(
    name="numIslands", params=[Param(name="grid", type="character[][]")], returns="integer"
)
TREE_SIG = FunctionSignature(
    name="f",
    params=[Param(name="root", type="TreeNode"), Param(name="lists", type="ListNode[]"), Param(name="x", type="double")],
    returns="boolean",
)

ACCEPTED_INPUTS: list[tuple[str, Any, str]] = [
    ("two-sum", TWO_SUM_SIG, "[2,7,11,15]\n9"),
    ("two-sum-negatives", TWO_SUM_SIG, "[-1,-2,-3,-4,-5]\n-8"),
    ("two-sum-empty-array", TWO_SUM_SIG, "[]\n0"),
    ("grid", GRID_SIG, '[["1","0"],["0","1"]]'),
    ("tree-lists-double", TREE_SIG, "[1,null,2]\n[[1,2],[]]\n2"),
    ("tree-empty", TREE_SIG, "[]\n[]\n2.5"),
    ("lru", LRU_SIG, '["LRUCache","put","get"]\n[[2],[1,1],[1]]'),
    ("lru-constructor-only", LRU_SIG, '["LRUCache"]\n[[2]]'),
    (
        "lru-long",
        LRU_SIG,
        '["LRUCache","put","put","get","put","get","put","get","get","get"]\n'
        "[[2],[1,1],[2,2],[1],[3,3],[2],[4,4],[1],[3],[4]]",
    ),
    ("exam-room", EXAM_SIG, '["ExamRoom","seat","seat","seat","seat","leave","seat"]\n[[10],[],[],[],[],[4],[]]'),
]


@pytest.mark.parametrize(
    ("sig", "text"), [c[1:] for c in ACCEPTED_INPUTS], ids=[c[0] for c in ACCEPTED_INPUTS]
)
def test_check_input_accepts(sig: Any, text: str) -> None:
    assert check_input(sig, split_input(text), "p") is None


REJECTED_INPUTS: list[tuple[str, Any, list, str]] = [
    # id, signature, values, fragment of the reason
    ("too-few", TWO_SUM_SIG, [[2, 7]], "1 input values for 2 parameters"),
    ("too-many", TWO_SUM_SIG, [[2, 7], 9, 1], "3 input values for 2 parameters"),
    ("none", TWO_SUM_SIG, [], "0 input values for 2 parameters"),
    ("array-for-int", TWO_SUM_SIG, [[2, 7], [9]], "target=[9] is not a integer"),
    ("int-for-array", TWO_SUM_SIG, [2, 9], "nums=2 is not a integer[]"),
    ("strings-in-array", TWO_SUM_SIG, [["2", "7"], 9], "nums="),
    ("bool-for-int", TWO_SUM_SIG, [[1], True], "target=true"),
    ("float-for-int", TWO_SUM_SIG, [[1], 9.5], "target=9.5"),
    ("grid-of-strings", GRID_SIG, [["10", "01"]], "grid="),
    ("grid-of-ints", GRID_SIG, [[[1, 0]]], "grid="),
    ("tree-nested", TREE_SIG, [[1, [2]], [], 1.0], "root="),
    ("lists-flat", TREE_SIG, [[1], [1, 2], 1.0], "lists="),
    ("double-str", TREE_SIG, [[1], [], "1.0"], "x="),
    # design
    ("design-one-line", LRU_SIG, [["LRUCache"]], "two lines"),
    ("design-three-lines", LRU_SIG, [["LRUCache"], [[2]], [[2]]], "two lines"),
    ("design-line-not-list", LRU_SIG, ["LRUCache", [[2]]], "two lines"),
    ("design-empty", LRU_SIG, [[], []], "0 calls and 0 argument lists"),
    ("design-length-mismatch", LRU_SIG, [["LRUCache", "get"], [[2]]], "2 calls and 1 argument lists"),
    ("design-length-mismatch-2", LRU_SIG, [["LRUCache"], [[2], [1]]], "1 calls and 2 argument lists"),
    ("design-wrong-first-call", LRU_SIG, [["get", "LRUCache"], [[1], [2]]], "starts with 'get', not 'LRUCache'"),
    ("design-wrong-class", LRU_SIG, [["Cache", "get"], [[2], [1]]], "starts with 'Cache'"),
    ("design-unknown-method", LRU_SIG, [["LRUCache", "delete"], [[2], [1]]], "unknown method 'delete'"),
    ("design-constructor-again", LRU_SIG, [["LRUCache", "LRUCache"], [[2], [2]]], "unknown method 'LRUCache'"),
    ("design-method-not-a-string", LRU_SIG, [["LRUCache", 5], [[2], [1]]], "unknown method 5"),
    ("design-method-is-a-list", LRU_SIG, [["LRUCache", ["get"]], [[2], [1]]], "unknown method"),
    ("design-method-is-an-object", LRU_SIG, [["LRUCache", {"m": 1}], [[2], [1]]], "unknown method"),
    ("design-ctor-arity", LRU_SIG, [["LRUCache"], [[]]], "call LRUCache has arguments []"),
    ("design-method-arity", LRU_SIG, [["LRUCache", "put"], [[2], [1]]], "call put has arguments [1], wants 2"),
    ("design-args-not-a-list", LRU_SIG, [["LRUCache", "get"], [[2], 1]], "call get has arguments 1"),
    ("design-arg-type", LRU_SIG, [["LRUCache", "get"], [[2], ["1"]]], 'argument key="1" of get'),
    ("design-ctor-arg-type", EXAM_SIG, [["ExamRoom"], [[1.5]]], "argument n=1.5 of ExamRoom"),
    ("design-args-for-no-param-method", EXAM_SIG, [["ExamRoom", "seat"], [[10], [1]]], "call seat"),
]


@pytest.mark.parametrize(
    ("sig", "values", "fragment"), [c[1:] for c in REJECTED_INPUTS], ids=[c[0] for c in REJECTED_INPUTS]
)
def test_check_input_rejects(sig: Any, values: list, fragment: str) -> None:
    with pytest.raises(ProblemError) as info:
        check_input(sig, values, "the-problem")
    assert info.value.problem == "the-problem"
    assert fragment in info.value.reason


def test_check_input_shortens_long_values() -> None:
    with pytest.raises(ProblemError) as info:
        check_input(TWO_SUM_SIG, [list(range(1000)), "x"], "p")
    assert 'target="x"' in info.value.reason
    with pytest.raises(ProblemError) as info:
        check_input(TWO_SUM_SIG, [["s"] * 1000, 1], "p")
    assert len(info.value.reason) < 200
    assert "..." in info.value.reason
