"""The harness's type grammar and LeetCode value conversions (pure, host-side)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from typing import Any

import pytest

from judge.harness import (
    EncodeError,
    ListNode,
    TreeNode,
    UnsupportedType,
    build_list,
    build_tree,
    decode,
    encode,
    format_input,
    list_to_json,
    parse_type,
    split_input,
    tree_to_json,
)

L = "list"  # the parsed form of an array type is ("list", inner)

# ------------------------------------------------------------------ parse_type

KNOWN_TYPES: list[tuple[str, Any]] = [
    # scalars, as LeetCode's metaData spells them
    ("integer", "integer"),
    ("long", "long"),
    ("double", "double"),
    ("boolean", "boolean"),
    ("character", "character"),
    ("string", "string"),
    ("String", "string"),
    ("void", "void"),
    ("ListNode", "ListNode"),
    ("TreeNode", "TreeNode"),
    # aliases seen over the years
    ("int", "integer"),
    ("Integer", "integer"),
    ("Long", "long"),
    ("float", "double"),
    ("Double", "double"),
    ("bool", "boolean"),
    ("Boolean", "boolean"),
    ("char", "character"),
    ("Character", "character"),
    ("str", "string"),
    # arrays
    ("integer[]", (L, "integer")),
    ("integer[][]", (L, (L, "integer"))),
    ("long[]", (L, "long")),
    ("double[]", (L, "double")),
    ("boolean[]", (L, "boolean")),
    ("string[]", (L, "string")),
    ("String[]", (L, "string")),
    ("String[][]", (L, (L, "string"))),
    ("character[]", (L, "character")),
    ("character[][]", (L, (L, "character"))),
    ("ListNode[]", (L, "ListNode")),
    ("TreeNode[]", (L, "TreeNode")),
    ("integer[][][]", (L, (L, (L, "integer")))),
    # list<T> forms, any case, nested, mixed with arrays
    ("list<integer>", (L, "integer")),
    ("list<list<integer>>", (L, (L, "integer"))),
    ("list<String>", (L, "string")),
    ("list<string>", (L, "string")),
    ("list<double>", (L, "double")),
    ("list<boolean>", (L, "boolean")),
    ("list<TreeNode>", (L, "TreeNode")),
    ("list<ListNode>", (L, "ListNode")),
    ("List<Integer>", (L, "integer")),
    ("List<List<Integer>>", (L, (L, "integer"))),
    ("LIST<integer>", (L, "integer")),
    ("List<list<String>>", (L, (L, "string"))),
    ("list<integer[]>", (L, (L, "integer"))),
    ("list<integer>[]", (L, (L, "integer"))),
    ("list<list<list<integer>>>", (L, (L, (L, "integer")))),
    # whitespace
    ("  integer  ", "integer"),
    ("\tinteger[]\n", (L, "integer")),
    ("integer []", (L, "integer")),
    ("list< integer >", (L, "integer")),
    ("list < integer >", (L, "integer")),
    ("list<list<integer> >", (L, (L, "integer"))),
    (" List< List< String > > ", (L, (L, "string"))),
]


@pytest.mark.parametrize(("text", "parsed"), KNOWN_TYPES, ids=[repr(t) for t, _ in KNOWN_TYPES])
def test_parse_type_known(text: str, parsed: Any) -> None:
    assert parse_type(text) == parsed


UNKNOWN_TYPES = [
    ("NestedInteger", "NestedInteger"),
    ("Node", "Node"),
    ("", ""),
    ("   ", "   "),
    ("integer[", "integer["),
    ("list<>", "list<>"),
    ("list<integer", "list<integer"),
    ("integer]", "integer]"),
    ("Map<integer,integer>", "Map<integer,integer>"),
    ("object", "object"),
]


@pytest.mark.parametrize(("text", "named"), UNKNOWN_TYPES, ids=[repr(t) for t, _ in UNKNOWN_TYPES])
def test_parse_type_unknown_is_a_clear_error(text: str, named: str) -> None:
    with pytest.raises(UnsupportedType) as info:
        parse_type(text)
    assert isinstance(info.value, ValueError)
    assert info.value.type_name == named
    assert str(info.value) == f"unsupported type {named!r}"


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        ("NestedInteger[]", "NestedInteger"),
        ("list<Node>", "Node"),
        ("List<NestedInteger>", "NestedInteger"),
        ("Node[][]", "Node"),
        ("list<list<Employee>>", "Employee"),
    ],
    ids=["NestedInteger[]", "list<Node>", "List<NestedInteger>", "Node[][]", "list<list<Employee>>"],
)
def test_parse_type_unknown_element_names_the_element(text: str, culprit: str) -> None:
    with pytest.raises(UnsupportedType) as info:
        parse_type(text)
    assert culprit in str(info.value)


@pytest.mark.parametrize("value", [None, 3, ["integer"]], ids=["None", "int", "list"])
def test_parse_type_non_string_is_unsupported(value: Any) -> None:
    with pytest.raises(UnsupportedType):
        parse_type(value)


# ----------------------------------------------------------------- helpers


def chain(head: Any) -> list:
    """ListNode -> Python list, checking every link is a ListNode."""
    out = []
    while head is not None:
        assert isinstance(head, ListNode)
        out.append(head.val)
        head = head.next
    return out


def shape(node: Any) -> Any:
    """TreeNode -> nested (val, left, right) tuples, checking node types."""
    if node is None:
        return None
    assert isinstance(node, TreeNode)
    return (node.val, shape(node.left), shape(node.right))


def tree(val: Any, left: Any = None, right: Any = None) -> TreeNode:
    return TreeNode(val, left, right)


# ---------------------------------------------------------------------- decode

DECODE_CASES: list[tuple[str, Any, Any, Any]] = [
    # id, type text, JSON value, expected Python value
    ("integer", "integer", 5, 5),
    ("integer-negative", "integer", -7, -7),
    ("long-big", "long", 2**62, 2**62),
    ("double-int-becomes-float", "double", 2, 2.0),
    ("double-float", "double", 2.5, 2.5),
    ("double-negative-int", "double", -3, -3.0),
    ("boolean-true", "boolean", True, True),
    ("boolean-false", "boolean", False, False),
    ("character", "character", "a", "a"),
    ("string", "string", "hello", "hello"),
    ("string-empty", "string", "", ""),
    ("integer[]", "integer[]", [1, 2, 3], [1, 2, 3]),
    ("integer[]-empty", "integer[]", [], []),
    ("integer[]-null", "integer[]", None, None),
    ("integer[][]", "integer[][]", [[1, 2], [], [3]], [[1, 2], [], [3]]),
    ("double[]-ints", "double[]", [1, 2.5], [1.0, 2.5]),
    ("list<list<double>>", "list<list<double>>", [[1], [2.5, 3]], [[1.0], [2.5, 3.0]]),
    ("character[][]", "character[][]", [["1", "0"], ["0", "1"]], [["1", "0"], ["0", "1"]]),
    ("list<String>", "list<String>", ["a", "b"], ["a", "b"]),
    ("boolean[]", "boolean[]", [True, False], [True, False]),
]


@pytest.mark.parametrize(
    ("type_text", "value", "expected"),
    [c[1:] for c in DECODE_CASES],
    ids=[c[0] for c in DECODE_CASES],
)
def test_decode_plain_values(type_text: str, value: Any, expected: Any) -> None:
    got = decode(parse_type(type_text), value)
    assert got == expected
    assert type(got) is type(expected)
    if isinstance(expected, list):
        for g, e in zip(got, expected, strict=True):
            assert type(g) is type(e)


def test_decode_double_keeps_booleans_out_of_float_conversion() -> None:
    # True is an int subclass; the double conversion must not turn it into 1.0
    assert decode("double", True) is True


def test_decode_does_not_alias_the_input_list() -> None:
    value = [1, 2, 3]
    got = decode(parse_type("integer[]"), value)
    got.append(4)
    assert value == [1, 2, 3]


@pytest.mark.parametrize(
    "values", [[1], [1, 2, 3], [-1, 0, 1], [5, 5, 5, 5]], ids=lambda v: repr(v)
)
def test_decode_listnode(values: list) -> None:
    head = decode("ListNode", values)
    assert chain(head) == values


@pytest.mark.parametrize("value", [[], None], ids=["empty", "null"])
def test_decode_empty_listnode_is_none(value: Any) -> None:
    assert decode("ListNode", value) is None


@pytest.mark.parametrize(
    ("values", "expected_shape"),
    [
        ([1], (1, None, None)),
        ([3, 9, 20, None, None, 15, 7], (3, (9, None, None), (20, (15, None, None), (7, None, None)))),
        ([1, None, 2], (1, None, (2, None, None))),
        ([1, None, 2, 3], (1, None, (2, (3, None, None), None))),
        ([1, 2], (1, (2, None, None), None)),
        ([1, 2, 3, 4, None, None, 5], (1, (2, (4, None, None), None), (3, None, (5, None, None)))),
        ([0, -1, 1], (0, (-1, None, None), (1, None, None))),
        # trailing nulls are tolerated on input
        ([1, 2, None, None, None], (1, (2, None, None), None)),
    ],
    ids=["single", "leetcode-example", "right-child", "right-left", "left-only", "skewed-both", "negative", "trailing-nulls"],
)
def test_decode_treenode(values: list, expected_shape: Any) -> None:
    assert shape(decode("TreeNode", values)) == expected_shape


@pytest.mark.parametrize("value", [[], None, [None]], ids=["empty", "null", "null-root"])
def test_decode_empty_treenode_is_none(value: Any) -> None:
    assert decode("TreeNode", value) is None


def test_decode_list_of_listnodes() -> None:
    heads = decode(parse_type("ListNode[]"), [[1, 4, 5], [], [2]])
    assert [chain(h) if h is not None else None for h in heads] == [[1, 4, 5], None, [2]]


def test_decode_list_of_treenodes() -> None:
    roots = decode(parse_type("list<TreeNode>"), [[1, None, 2], []])
    assert [shape(r) for r in roots] == [(1, None, (2, None, None)), None]


# ---------------------------------------------------------------------- encode

ENCODE_CASES: list[tuple[str, str, Any, Any]] = [
    # id, type text, returned Python value, expected JSON value
    ("integer", "integer", 42, 42),
    ("integer-true-is-1", "integer", True, 1),
    ("integer-false-is-0", "integer", False, 0),
    ("integer-integral-float", "integer", 3.0, 3),
    ("integer-negative-integral-float", "integer", -2.0, -2),
    ("long-big", "long", 2**63 - 1, 2**63 - 1),
    ("long-integral-float", "long", 1e15, 10**15),
    ("double-float", "double", 2.5, 2.5),
    ("double-int-becomes-float", "double", 2, 2.0),
    ("double-fraction", "double", Fraction(1, 4), 0.25),
    ("boolean-true", "boolean", True, True),
    ("boolean-false", "boolean", False, False),
    ("boolean-1", "boolean", 1, True),
    ("boolean-0", "boolean", 0, False),
    ("character", "character", "x", "x"),
    ("string", "string", "hi there", "hi there"),
    ("String", "String", "", ""),
    ("void-anything", "void", 123, None),
    ("void-none", "void", None, None),
    ("integer-none", "integer", None, None),
    ("integer[]", "integer[]", [0, 1], [0, 1]),
    ("integer[]-tuple", "integer[]", (0, 1), [0, 1]),
    ("integer[]-bools", "integer[]", [True, False], [1, 0]),
    ("integer[]-integral-floats", "integer[]", [1.0, 2.0], [1, 2]),
    ("integer[]-range", "integer[]", range(3), [0, 1, 2]),
    ("integer[]-none", "integer[]", None, None),
    ("integer[]-empty", "integer[]", [], []),
    ("integer[][]-tuples", "integer[][]", ((1, 2), [3], ()), [[1, 2], [3], []]),
    ("list<list<integer>>", "list<list<integer>>", [[1], [2, 3]], [[1], [2, 3]]),
    ("double[]-ints", "double[]", [1, 2], [1.0, 2.0]),
    ("boolean[]-ints", "boolean[]", [1, 0, True], [True, False, True]),
    ("list<String>", "list<String>", ("a", "b"), ["a", "b"]),
    ("character[][]", "character[][]", [["1", "0"], ["0", "1"]], [["1", "0"], ["0", "1"]]),
]


@pytest.mark.parametrize(
    ("type_text", "value", "expected"),
    [c[1:] for c in ENCODE_CASES],
    ids=[c[0] for c in ENCODE_CASES],
)
def test_encode(type_text: str, value: Any, expected: Any) -> None:
    got = encode(parse_type(type_text), value)
    assert got == expected
    assert type(got) is type(expected)


def test_encode_nested_lists_have_plain_types() -> None:
    got = encode(parse_type("integer[][]"), ((True, 2.0), (3,)))
    assert got == [[1, 2], [3]]
    assert all(type(x) is int for row in got for x in row)
    assert all(type(row) is list for row in got)


class MyInt(int):
    pass


class MyStr(str):
    pass


def test_encode_subclasses_become_plain_values() -> None:
    assert type(encode("integer", MyInt(4))) is int
    assert type(encode("string", MyStr("ab"))) is str


ENCODE_ERRORS: list[tuple[str, str, Any]] = [
    ("integer-str", "integer", "5"),
    ("integer-non-integral-float", "integer", 2.5),
    ("integer-nan", "integer", float("nan")),
    ("integer-inf", "integer", float("inf")),
    ("integer-list", "integer", [1]),
    ("long-str", "long", "1"),
    ("double-str", "double", "2.5"),
    ("double-list", "double", [2.5]),
    ("boolean-2", "boolean", 2),
    ("boolean-minus-1", "boolean", -1),
    ("boolean-str", "boolean", "true"),
    ("boolean-float", "boolean", 1.0),
    ("string-int", "string", 5),
    ("string-list", "string", ["a"]),
    ("string-bytes", "string", b"abc"),
    ("character-int", "character", 97),
    ("list-int", "integer[]", 5),
    ("list-str", "integer[]", "123"),
    ("list-bytes", "integer[]", b"\x01\x02"),
    ("list-dict", "integer[]", {0: 1}),
    ("list-set", "integer[]", {1, 2, 3}),
    ("list-frozenset", "integer[]", frozenset({1, 2})),
    ("list-of-str-for-integers", "integer[]", ["1", "2"]),
    ("list-of-floats-for-integers", "integer[]", [1.5]),
    ("list<String>-str", "list<String>", "ab"),
    ("nested-flat", "integer[][]", [1, 2]),
    ("nested-strings", "integer[][]", ["12", "34"]),
    ("nested-dict", "list<list<integer>>", [{1: 2}]),
    ("character[][]-strings", "character[][]", [5]),
]


@pytest.mark.parametrize(
    ("type_text", "value"), [c[1:] for c in ENCODE_ERRORS], ids=[c[0] for c in ENCODE_ERRORS]
)
def test_encode_wrong_type_is_an_encode_error(type_text: str, value: Any) -> None:
    with pytest.raises(EncodeError):
        encode(parse_type(type_text), value)


def test_encode_error_message_names_the_types() -> None:
    with pytest.raises(EncodeError, match="expected integer, got str"):
        encode("integer", "5")
    with pytest.raises(EncodeError, match="expected a list, got dict"):
        encode(parse_type("integer[]"), {})


# ------------------------------------------------------------ ListNode / TreeNode


@pytest.mark.parametrize(
    "values", [[], [1], [1, 2, 3], [-5, 0, 5], ["a", "b"], [1.5, 2]], ids=lambda v: repr(v)
)
def test_listnode_round_trip(values: list) -> None:
    assert encode("ListNode", build_list(values)) == values


def test_encode_listnode_none_is_empty_list() -> None:
    assert encode("ListNode", None) == []


def test_encode_listnode_by_hand() -> None:
    head = ListNode(1, ListNode(2, ListNode(3)))
    assert encode("ListNode", head) == [1, 2, 3]


def test_encode_listnode_plain_values() -> None:
    got = encode("ListNode", ListNode(MyInt(1), ListNode(True, ListNode(Fraction(1, 2)))))
    assert got == [1, True, 0.5]
    assert [type(x) for x in got] == [int, bool, float]


def test_encode_listnode_accepts_duck_typed_nodes() -> None:
    class Node:  # a solution may define its own node class
        def __init__(self, val: int, next: Any = None) -> None:
            self.val, self.next = val, next

    assert encode("ListNode", Node(7, Node(8))) == [7, 8]


@pytest.mark.parametrize("loop_to", [0, 1, 2], ids=["to-head", "to-middle", "self-loop-at-tail"])
def test_encode_listnode_cycle_is_an_encode_error(loop_to: int) -> None:
    nodes = [ListNode(i) for i in range(3)]
    for a, b in itertools.pairwise(nodes):
        a.next = b
    nodes[-1].next = nodes[loop_to]
    with pytest.raises(EncodeError, match="cycle"):
        encode("ListNode", nodes[0])


@pytest.mark.parametrize(
    "value",
    [[1, 2, 3], 5, "abc", ListNode([1], None), ListNode({"a": 1}, None), ListNode(1, 5)],
    ids=["python-list", "int", "str", "list-val", "dict-val", "next-not-a-node"],
)
def test_encode_listnode_wrong_shape_is_an_encode_error(value: Any) -> None:
    with pytest.raises(EncodeError):
        encode("ListNode", value)


def test_encode_list_of_listnodes() -> None:
    got = encode(parse_type("ListNode[]"), [build_list([1, 2]), None, build_list([3])])
    assert got == [[1, 2], [], [3]]


TREE_CASES: list[tuple[str, TreeNode | None, list]] = [
    ("empty", None, []),
    ("single", tree(1), [1]),
    ("leetcode-example", tree(3, tree(9), tree(20, tree(15), tree(7))), [3, 9, 20, None, None, 15, 7]),
    ("right-only", tree(1, None, tree(2)), [1, None, 2]),
    ("left-only", tree(1, tree(2)), [1, 2]),
    ("right-then-left", tree(1, None, tree(2, tree(3))), [1, None, 2, 3]),
    ("deep-left-chain", tree(1, tree(2, tree(3, tree(4)))), [1, 2, None, 3, None, 4]),
    ("deep-right-chain", tree(1, None, tree(2, None, tree(3))), [1, None, 2, None, 3]),
    (
        "holes-in-middle",
        tree(5, tree(4, tree(11, tree(7), tree(2))), tree(8, tree(13), tree(4, None, tree(1)))),
        [5, 4, 8, 11, None, 13, 4, 7, 2, None, None, None, 1],
    ),
    ("strings", tree("a", tree("b")), ["a", "b"]),
    ("zero-values", tree(0, tree(0), tree(0)), [0, 0, 0]),
]


@pytest.mark.parametrize(
    ("root", "expected"), [c[1:] for c in TREE_CASES], ids=[c[0] for c in TREE_CASES]
)
def test_encode_treenode_level_order(root: TreeNode | None, expected: list) -> None:
    got = encode("TreeNode", root)
    assert got == expected
    assert not got or got[-1] is not None  # trailing nulls trimmed


@pytest.mark.parametrize(
    "make_cycle",
    [
        lambda r: setattr(r, "left", r),
        lambda r: setattr(r.right, "right", r),
        lambda r: setattr(r.left, "left", r.left),
        # a shared node is not a tree either (and a DAG can expand exponentially)
        lambda r: setattr(r.right, "left", r.left),
    ],
    ids=["root-self", "back-to-root", "node-self", "shared-subtree"],
)
def test_encode_treenode_cycle_is_an_encode_error(make_cycle: Any) -> None:
    root = tree(1, tree(2), tree(3))
    make_cycle(root)
    with pytest.raises(EncodeError):
        encode("TreeNode", root)


@pytest.mark.parametrize(
    "value",
    [[1, 2, 3], 7, tree([1]), tree(1, left=5), tree(1, right="x")],
    ids=["python-list", "int", "list-val", "left-not-a-node", "right-not-a-node"],
)
def test_encode_treenode_wrong_shape_is_an_encode_error(value: Any) -> None:
    with pytest.raises(EncodeError):
        encode("TreeNode", value)


def test_encode_list_of_treenodes() -> None:
    got = encode(parse_type("TreeNode[]"), (tree(1, None, tree(2)), None))
    assert got == [[1, None, 2], []]


def test_deep_structures_do_not_recurse() -> None:
    n = 50_000  # far beyond the recursion limit
    assert list_to_json(build_list(list(range(n)))) == list(range(n))
    root = tree(0)
    node = root
    for i in range(1, n):
        node.right = tree(i)
        node = node.right
    got = tree_to_json(root)
    assert len(got) == 2 * n - 1 and got[-1] == n - 1


# --------------------------------------------------- tree round trip (property)

CANONICAL_TREES = [c[2] for c in TREE_CASES] + [
    [1, 2, 3, 4, 5, 6, 7],
    [1, None, 2, None, 3, None, 4],
    [2, 1, 3],
    [1, 2, 2, 3, 4, 4, 3],
    [1, 2, 2, None, 3, None, 3],
    [4, 2, 7, 1, 3, 6, 9],
    [-10, 9, 20, None, None, 15, 7],
    [1, None, 2, 3, None, None, 4],
]


@pytest.mark.parametrize("values", CANONICAL_TREES, ids=lambda v: repr(v))
def test_tree_round_trip_table(values: list) -> None:
    assert tree_to_json(build_tree(values)) == values


def random_shape(rng: random.Random, size: int) -> Any:
    """A random binary tree as nested (val, left, right) tuples, `size` nodes."""
    if size == 0:
        return None
    left = rng.randint(0, size - 1)
    return (rng.randint(-1000, 1000), random_shape(rng, left), random_shape(rng, size - 1 - left))


def level_order(t: Any) -> list:
    """Oracle: LeetCode's canonical level order of a (val, left, right) tuple tree."""
    out: list = []
    layer = [t] if t is not None else []
    while layer:
        nxt = []
        for node in layer:
            if node is None:
                out.append(None)
            else:
                out.append(node[0])
                nxt += [node[1], node[2]]
        layer = nxt
    while out and out[-1] is None:
        out.pop()
    return out


def from_shape(t: Any) -> TreeNode | None:
    return None if t is None else TreeNode(t[0], from_shape(t[1]), from_shape(t[2]))


@pytest.mark.parametrize("seed", range(40), ids=lambda s: f"seed{s}")
def test_tree_round_trip_random(seed: int) -> None:
    rng = random.Random(seed)
    t = random_shape(rng, rng.randint(0, 60))
    values = level_order(t)
    assert shape(build_tree(values)) == t  # build_tree rebuilds that exact shape
    assert tree_to_json(build_tree(values)) == values  # and serializing gives it back
    assert encode("TreeNode", from_shape(t)) == values


# -------------------------------------------------------- split_input / format_input

FUNCTION_INPUTS: list[tuple[str, str, list]] = [
    ("two-sum", "[2,7,11,15]\n9", [[2, 7, 11, 15], 9]),
    ("negatives", "[-1,-2,-3]\n-4", [[-1, -2, -3], -4]),
    ("single-int", "0", [0]),
    ("nested", "[[1,2],[3],[]]\n[[[1]]]", [[[1, 2], [3], []], [[[1]]]]),
    ("strings", '"abcd"\n"abcde"', ["abcd", "abcde"]),
    ("empty-string", '""', [""]),
    ("quotes-and-escapes", '"say \\"hi\\"\\\\n"', ['say "hi"\\n']),
    ("escaped-newline-tab", '"a\\nb\\tc"', ["a\nb\tc"]),
    ("unicode", '"héllo 世界 😀"', ["héllo 世界 😀"]),
    ("line-separator-in-string", '"a\u2028b\u2029c"', ["a\u2028b\u2029c"]),
    ("characters-grid", '[["1","0"],["0","1"]]', [[["1", "0"], ["0", "1"]]]),
    ("booleans-null", "true\nfalse\nnull", [True, False, None]),
    ("tree", "[3,9,20,null,null,15,7]", [[3, 9, 20, None, None, 15, 7]]),
    ("doubles", "2.5\n[1.5,-0.25]", [2.5, [1.5, -0.25]]),
    ("big-int", "9223372036854775807", [2**63 - 1]),
    ("list-of-strings", '["a","b,c","d\\"e"]', [["a", "b,c", 'd"e']]),
    ("empty", "", []),
]
DESIGN_INPUTS: list[tuple[str, str, list]] = [
    (
        "lru-cache",
        '["LRUCache","put","get"]\n[[2],[1,1],[1]]',
        [["LRUCache", "put", "get"], [[2], [1, 1], [1]]],
    ),
    (
        "exam-room",
        '["ExamRoom","seat","seat","leave"]\n[[10],[],[],[0]]',
        [["ExamRoom", "seat", "seat", "leave"], [[10], [], [], [0]]],
    ),
    (
        "trie-strings",
        '["Trie","insert","search"]\n[[],["apple"],["app"]]',
        [["Trie", "insert", "search"], [[], ["apple"], ["app"]]],
    ),
]
CANONICAL_INPUTS = FUNCTION_INPUTS + DESIGN_INPUTS


@pytest.mark.parametrize(
    ("text", "values"), [c[1:] for c in CANONICAL_INPUTS], ids=[c[0] for c in CANONICAL_INPUTS]
)
def test_split_input(text: str, values: list) -> None:
    assert split_input(text) == values


@pytest.mark.parametrize(
    ("text", "values"), [c[1:] for c in CANONICAL_INPUTS], ids=[c[0] for c in CANONICAL_INPUTS]
)
def test_format_input_gives_canonical_text(text: str, values: list) -> None:
    formatted = format_input(values)
    assert formatted == text
    assert split_input(formatted) == values
    assert formatted.count("\n") == max(len(values) - 1, 0)  # one value per line


LENIENT_INPUTS: list[tuple[str, str, list]] = [
    ("crlf", "[1,2]\r\n3", [[1, 2], 3]),
    ("spaces-after-commas", "[1, 2, 3]\n[ [1] , [] ]", [[1, 2, 3], [[1], []]]),
    ("blank-lines", "\n1\n\n2\n", [1, 2]),
    ("trailing-newline", '"a"\n', ["a"]),
    ("indented", "  5\n\t[1]", [5, [1]]),
    ("design-with-spaces", '["LRUCache", "get"]\n[[2], [1]]', [["LRUCache", "get"], [[2], [1]]]),
]


@pytest.mark.parametrize(
    ("text", "values"), [c[1:] for c in LENIENT_INPUTS], ids=[c[0] for c in LENIENT_INPUTS]
)
def test_split_input_tolerates_leetcode_whitespace(text: str, values: list) -> None:
    assert split_input(text) == values
    assert split_input(format_input(values)) == values


@pytest.mark.parametrize(
    "text",
    ["[1,2", "1 2", "abc", "'single'", "[1,]", '{"a":'],
    ids=["unclosed", "two-values-one-line", "bare-word", "single-quotes", "trailing-comma", "open-object"],
)
def test_split_input_rejects_bad_lines(text: str) -> None:
    with pytest.raises(ValueError):
        split_input(text)


def test_format_input_values_round_trip_random() -> None:
    rng = random.Random(7)
    alphabet = ["a", "Z", '"', "\\", "\n", "\r", "\t", "é", "世", "😀", ",", "[", " ", "\u2028"]

    def value(depth: int) -> Any:
        kind = rng.randrange(6 if depth < 3 else 4)
        if kind == 0:
            return rng.randint(-(10**12), 10**12)
        if kind == 1:
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        if kind == 2:
            return rng.choice([True, False, None])
        if kind == 3:
            return rng.uniform(-1e6, 1e6)
        return [value(depth + 1) for _ in range(rng.randint(0, 4))]

    for _ in range(300):
        values = [value(0) for _ in range(rng.randint(1, 4))]
        text = format_input(values)
        assert text.count("\n") == len(values) - 1
        assert split_input(text) == values
