"""Host-side comparison: type strictness, float tolerance, unordered answers,
custom checkers, bounded work on huge outputs, and the checker a statement
announces (every phrasing in judge/checker_choice.RULES). Pure, no Docker."""

from __future__ import annotations

import math
import random
import tracemalloc
from typing import Any

import pytest

from judge import checkers
from judge.checker_choice import RULES, choose_checker, plain_sentences
from judge.checkers import (
    CUSTOM_CHECKERS,
    checker_for_statement,
    numbers_match,
    outputs_match,
    same_size,
    unordered_match,
    values_match,
)
from judge.problem import Checker

INF, NAN = float("inf"), float("nan")

# ------------------------------------------------------------------ type strictness

EQUAL = [
    pytest.param(1, 1, id="int"),
    pytest.param(1, 1.0, id="int-vs-integral-float"),
    pytest.param(2.0, 2, id="integral-float-vs-int"),
    pytest.param(True, True, id="bool"),
    pytest.param(False, False, id="false"),
    pytest.param("abc", "abc", id="string"),
    pytest.param("", "", id="empty-string"),
    pytest.param(None, None, id="null"),
    pytest.param([], [], id="empty-list"),
    pytest.param([[1, 2], [3]], [[1, 2], [3]], id="nested-list"),
    pytest.param([[1, 2], [3]], [[1.0, 2], [3.0]], id="nested-int-float"),
    pytest.param([1, None, 2], [1, None, 2], id="tree-with-holes"),
    pytest.param([None, 6, 8, None], [None, 6, 8, None], id="design-results"),
    pytest.param({"a": [1, 2]}, {"a": [1, 2]}, id="dict"),
    pytest.param(10**30, 10**30, id="big-int"),
]

DIFFERENT = [
    pytest.param(True, 1, id="true-vs-1"),
    pytest.param(1, True, id="1-vs-true"),
    pytest.param(False, 0, id="false-vs-0"),
    pytest.param(0, False, id="0-vs-false"),
    pytest.param(1.0, True, id="1.0-vs-true"),
    pytest.param(1, "1", id="int-vs-string"),
    pytest.param("1", 1, id="string-vs-int"),
    pytest.param("a", ["a"], id="char-vs-list"),
    pytest.param("true", True, id="string-true-vs-bool"),
    pytest.param(None, 0, id="null-vs-0"),
    pytest.param(0, None, id="0-vs-null"),
    pytest.param(None, [], id="null-vs-empty-list"),
    pytest.param([], None, id="empty-list-vs-null"),
    pytest.param(None, "", id="null-vs-empty-string"),
    pytest.param(None, False, id="null-vs-false"),
    pytest.param([1, 2], [1, 2, 3], id="shorter-expected"),
    pytest.param([1, 2, 3], [1, 2], id="longer-expected"),
    pytest.param([1, 2], [2, 1], id="order-matters"),
    pytest.param([[1, 2], [3]], [[1, 2], 3], id="nested-shape"),
    pytest.param([[1, 2], [3]], [[1, 2], [3, 4]], id="nested-length"),
    pytest.param([1, None], [1, 0], id="hole-vs-zero"),
    pytest.param(10**30, 10**30 + 1, id="big-int-exact"),
    pytest.param({"a": 1}, {"a": 1, "b": 2}, id="dict-keys"),
    pytest.param({"a": 1}, {"a": True}, id="dict-value-type"),
    pytest.param([True, False], [1, 0], id="bool-list-vs-int-list"),
    pytest.param("abc", "ABC", id="case"),
    pytest.param("abc", "abc ", id="trailing-space"),
]


@pytest.mark.parametrize(("expected", "got"), EQUAL)
def test_equal_values_match(expected: Any, got: Any) -> None:
    assert values_match(expected, got)


@pytest.mark.parametrize(("expected", "got"), DIFFERENT)
def test_different_values_do_not_match(expected: Any, got: Any) -> None:
    assert not values_match(expected, got)


# ------------------------------------------------------------------ float tolerance

FLOAT_EQUAL = [
    pytest.param(1.0, 1.0, id="same"),
    pytest.param(0.1 + 0.2, 0.3, id="rounding"),
    pytest.param(2.5, 2.500009, id="within-1e-5-above"),
    pytest.param(2.5, 2.499991, id="within-1e-5-below"),
    pytest.param(0.0, 9e-6, id="near-zero"),
    pytest.param(-3.0, -3.000004, id="negative"),
    pytest.param(1e15, 1e15 + 0.125, id="1e15-one-ulp"),
    pytest.param(1e15, 1e15 - 0.5, id="1e15-rounding"),
    pytest.param(1e20, 1e20 * (1 + 4e-16), id="1e20-rounding"),
    pytest.param(123456789012.345, 123456789012.34502, id="large-mantissa"),
    pytest.param(INF, INF, id="inf"),
    pytest.param(-INF, -INF, id="minus-inf"),
    pytest.param(3, 3.000001, id="int-expected-float-got"),
]

FLOAT_DIFFERENT = [
    pytest.param(1.0, 1.0001, id="1e-4-above"),
    pytest.param(1.0, 0.9999, id="1e-4-below"),
    pytest.param(0.0, 2e-5, id="2e-5-near-zero"),
    pytest.param(1e15, 1e15 + 1024, id="1e15-off-by-1024"),
    pytest.param(1e9, 1e9 + 0.01, id="1e9-off-by-0.01"),
    pytest.param(NAN, NAN, id="nan-nan"),
    pytest.param(1.0, NAN, id="1-nan"),
    pytest.param(NAN, 1.0, id="nan-1"),
    pytest.param(INF, -INF, id="inf-vs-minus-inf"),
    pytest.param(INF, 1e308, id="inf-vs-max"),
    pytest.param(1e308, INF, id="max-vs-inf"),
    pytest.param(INF, NAN, id="inf-vs-nan"),
    pytest.param(-INF, -1e308, id="minus-inf-vs-min"),
    pytest.param(5, 5.0001, id="int-expected-off"),
]


@pytest.mark.parametrize(("expected", "got"), FLOAT_EQUAL)
def test_floats_within_tolerance_match(expected: float, got: float) -> None:
    assert values_match(expected, got)
    assert values_match([expected], [got])


@pytest.mark.parametrize(("expected", "got"), FLOAT_DIFFERENT)
def test_floats_outside_tolerance_do_not_match(expected: float, got: float) -> None:
    assert not values_match(expected, got)
    assert not values_match([expected], [got])


def test_nan_never_equals_itself_even_nested() -> None:
    assert not values_match([1.0, NAN], [1.0, NAN])
    assert not numbers_match(NAN, NAN, 1.0)


@pytest.mark.parametrize(
    ("tolerance", "expected", "got", "match"),
    [
        pytest.param(1e-6, 1.0, 1.000005, False, id="1e-6-rejects-5e-6"),
        pytest.param(1e-6, 1.0, 1.0000005, True, id="1e-6-accepts-5e-7"),
        pytest.param(1e-2, 1.0, 1.005, True, id="1e-2-accepts-5e-3"),
        pytest.param(1e-2, 1.0, 1.05, False, id="1e-2-rejects-5e-2"),
    ],
)
def test_tolerance_parameter(tolerance: float, expected: float, got: float, match: bool) -> None:
    assert values_match(expected, got, tolerance) is match
    assert outputs_match(Checker(kind="float", tolerance=tolerance), expected, got) is match


def test_huge_int_against_float_is_a_mismatch_not_a_crash() -> None:
    # A forged result line (the submission can write to the result pipe) may carry
    # an int too large for a float; comparing it must not raise on the host.
    assert not values_match(2.5, 10**400)
    assert not values_match(10**400, 2.5)


# ------------------------------------------------------------------ unordered


@pytest.mark.parametrize(
    ("expected", "got", "depth", "match"),
    [
        pytest.param([0, 1], [1, 0], 1, True, id="two-sum-swapped"),
        pytest.param([1, 2, 3], [3, 1, 2], 1, True, id="permuted"),
        pytest.param([], [], 1, True, id="empty"),
        pytest.param([1, 1, 2], [1, 2, 1], 1, True, id="duplicates-permuted"),
        pytest.param([1, 1, 2], [1, 2, 2], 1, False, id="multiset-not-set"),
        pytest.param([1, 2], [1, 2, 2], 1, False, id="extra-duplicate"),
        pytest.param([1, 2, 2], [1, 2], 1, False, id="missing-duplicate"),
        pytest.param([1, 2], [1, 3], 1, False, id="different-element"),
        pytest.param([True, 1], [1, True], 1, True, id="bool-int-permuted"),
        pytest.param([True, 1], [1, 1], 1, False, id="bool-is-not-int"),
        pytest.param([1, "1"], ["1", 1], 1, True, id="int-string-permuted"),
        pytest.param([1, "1"], ["1", "1"], 1, False, id="int-is-not-string"),
        pytest.param([[1, 2], [3]], [[3], [1, 2]], 1, True, id="depth1-outer"),
        pytest.param([[1, 2], [3]], [[3], [2, 1]], 1, False, id="depth1-keeps-inner-order"),
        pytest.param([[1, 2], [3]], [[3], [2, 1]], 2, True, id="depth2-inner"),
        pytest.param(
            [["bat"], ["nat", "tan"], ["ate", "eat", "tea"]],
            [["eat", "tea", "ate"], ["tan", "nat"], ["bat"]],
            2, True, id="group-anagrams",
        ),
        pytest.param(
            [["bat"], ["nat", "tan"], ["ate", "eat", "tea"]],
            [["eat", "tea"], ["ate", "tan", "nat"], ["bat"]],
            2, False, id="group-anagrams-regrouped",
        ),
        pytest.param(
            [["a", "b"], ["a", "b"]], [["b", "a"], ["a", "b"]], 2, True, id="depth2-duplicate-groups",
        ),
        pytest.param(
            [["a", "b"], ["a", "b"]], [["b", "a"], ["a", "a"]], 2, False, id="depth2-duplicate-groups-off",
        ),
        pytest.param([[1, [2, 3]]], [[[3, 2], 1]], 2, False, id="depth2-not-depth3"),
        pytest.param([[1, [2, 3]]], [[[3, 2], 1]], 3, True, id="depth3"),
        pytest.param([0.5, 1.25], [1.2500001, 0.4999999], 1, True, id="floats-within-tolerance"),
        pytest.param([0.5, 1.25], [1.25, 0.6], 1, False, id="floats-off"),
        pytest.param([1, 2], None, 1, False, id="null-answer"),
        pytest.param([1, 2], 3, 1, False, id="scalar-answer"),
        pytest.param(None, None, 1, True, id="both-null"),
        pytest.param(3, 3, 1, True, id="scalar-is-exact"),
    ],
)
def test_unordered_match(expected: Any, got: Any, depth: int, match: bool) -> None:
    assert unordered_match(expected, got, depth, 1e-5) is match
    assert outputs_match(Checker(kind="unordered", depth=depth), expected, got) is match


@pytest.mark.parametrize(
    ("expected", "got"),
    [
        # Each element of `got` is within 1e-5 of one of `expected`, but sorting by
        # JSON text pairs them up differently ("10.000001" sorts before "20",
        # "20.0" before "9.999999"; "0.0" before "0.5" before "1e-05").
        pytest.param([9.999999, 20.0], [20.0, 10.000001], id="crossing-a-decade"),
        pytest.param([1e-05, 0.5], [0.5, 0.0], id="exponent-notation"),
    ],
)
def test_unordered_floats_within_tolerance_match_whatever_their_text(expected: list, got: list) -> None:
    assert unordered_match(expected, got, 1, 1e-5)


# ------------------------------------------------------------------ custom checkers


@pytest.mark.parametrize(
    ("name", "expected", "got", "match"),
    [
        pytest.param("case_insensitive", "Hello", "hELLO", True, id="ci-string"),
        pytest.param("case_insensitive", ["Ab", "cD"], ["aB", "Cd"], True, id="ci-list"),
        pytest.param("case_insensitive", "Hello", "Hell", False, id="ci-different"),
        pytest.param("case_insensitive", ["a", "b"], ["B", "A"], False, id="ci-keeps-order"),
        pytest.param("case_insensitive", True, True, True, id="ci-bool"),
        pytest.param("case_insensitive", True, 1, False, id="ci-still-type-strict"),
        pytest.param("case_insensitive", "1", 1, False, id="ci-string-vs-int"),
        pytest.param("case_insensitive", 1.5, 1.500001, True, id="ci-float-tolerance"),
        pytest.param("unordered_unique", [1, 2, 3], [3, 2, 1], True, id="uu-permuted"),
        pytest.param("unordered_unique", [1, 2], [2, 1, 2, 1], True, id="uu-repetitions"),
        pytest.param("unordered_unique", [1, 2, 3], [1, 2], False, id="uu-missing"),
        pytest.param("unordered_unique", [1, 2], [1, 2, 4], False, id="uu-extra"),
        pytest.param("unordered_unique", [[1, 2], [3]], [[3], [1, 2], [3]], True, id="uu-nested-items"),
        pytest.param("unordered_unique", [[1, 2]], [[2, 1]], False, id="uu-inner-order-kept"),
        pytest.param("unordered_unique", [1], [True], False, id="uu-type-strict"),
        pytest.param("unordered_unique", 5, 5, True, id="uu-scalar"),
        pytest.param("unordered_unique", [1], None, False, id="uu-null-answer"),
    ],
)
def test_custom_checkers(name: str, expected: Any, got: Any, match: bool) -> None:
    assert CUSTOM_CHECKERS[name](expected, got, 1e-5) is match
    assert outputs_match(Checker(kind="custom", name=name), expected, got) is match


@pytest.mark.parametrize(
    "got",
    [pytest.param(NAN, id="nan"), pytest.param([INF], id="inf-in-list"), pytest.param(-INF, id="minus-inf")],
)
def test_case_insensitive_on_non_finite_output_is_a_mismatch_not_a_crash(got: Any) -> None:
    # json.dumps writes NaN/Infinity, which lower-cased no longer parse.
    assert CUSTOM_CHECKERS["case_insensitive"]("abc", got, 1e-5) is False


# ------------------------------------------------------------------ dispatch


@pytest.mark.parametrize(
    ("checker", "expected", "got", "match"),
    [
        pytest.param(Checker(), [1, 2], [2, 1], False, id="exact-order"),
        pytest.param(Checker(), 1.0, 1.000001, True, id="exact-still-has-float-tolerance"),
        pytest.param(Checker(kind="float", tolerance=1e-9), 1.0, 1.000001, False, id="float-tight"),
        pytest.param(Checker(kind="unordered"), [1, 2], [2, 1], True, id="unordered"),
        pytest.param(Checker(kind="unordered"), [[1, 2]], [[2, 1]], False, id="unordered-depth1"),
        pytest.param(Checker(kind="unordered", depth=2), [[1, 2]], [[2, 1]], True, id="unordered-depth2"),
        pytest.param(Checker(kind="custom", name="case_insensitive"), "A", "a", True, id="custom"),
        pytest.param(Checker(kind="custom", name="unordered_unique"), [1], [1, 1], True, id="custom-uu"),
        pytest.param(Checker(), True, 1, False, id="exact-type-strict"),
    ],
)
def test_outputs_match_dispatch(checker: Checker, expected: Any, got: Any, match: bool) -> None:
    assert outputs_match(checker, expected, got) is match


# ------------------------------------------------------------------ statements

UNORDERED_STATEMENTS = [
    pytest.param("You may return the answer in any order.", id="may-return-the-answer"),
    pytest.param("You can return the answer in any order.", id="can-return-the-answer"),
    pytest.param(
        "Return the indices of the two numbers such that they add up to target, in any order",
        id="return-the-indices",
    ),
    pytest.param("The answer can be returned in any order.", id="can-be-returned"),
    pytest.param("Return them in any order.", id="return-them"),
    pytest.param("The pairs may be returned in any order.", id="pairs-may-be-returned"),
    pytest.param(
        "Given an array of strings strs, group the anagrams together. You can return the answer in any order.",
        id="group-anagrams",
    ),
    pytest.param(
        "If there is a tie, return all the values with the highest frequency in any order.",
        id="most-frequent-subtree-sum",
    ),
    pytest.param("YOU MAY RETURN THE ANSWER IN ANY ORDER.", id="upper-case"),
    pytest.param("Example text.\nYou may return the answer in any order.\nConstraints:", id="own-line"),
]


@pytest.mark.parametrize("statement", UNORDERED_STATEMENTS)
def test_any_order_statements_are_unordered(statement: str) -> None:
    checker = checker_for_statement(statement)
    assert (checker.kind, checker.depth) == ("unordered", 1)


@pytest.mark.parametrize(
    ("statement", "tolerance"),
    [
        pytest.param("Answers within 10^-5 of the actual answer will be accepted.", 1e-5, id="caret"),
        pytest.param("Answers within 10-5 of the actual answer will be accepted.", 1e-5, id="flattened"),
        pytest.param("Answers within 10<sup>-5</sup> of the actual value will be accepted.", 1e-5, id="html-sup"),
        pytest.param("Answers within 10^-6 of the actual answer will be accepted.", 1e-6, id="caret-6"),
        pytest.param("answers within 10 ^ -2 of the actual answer", 1e-2, id="spaces"),
        pytest.param("Answers within 10\u22125 of the actual answer", 1e-5, id="unicode-minus"),
        pytest.param("Answers within 10<sup>\u22126</sup> are accepted", 1e-6, id="html-unicode-minus"),
    ],
)
def test_within_statements_set_the_tolerance(statement: str, tolerance: float) -> None:
    checker = checker_for_statement(statement)
    assert checker.kind == "float"
    assert checker.tolerance == pytest.approx(tolerance)


@pytest.mark.parametrize(
    ("statement", "tolerance"),
    [
        # LeetCode's HTML wraps the number in <code>; markdown renders it in backticks.
        pytest.param(
            "Answers within <code>10<sup>-6</sup></code> of the actual answer will be accepted.",
            1e-6, id="html-code-sup",
        ),
        pytest.param("Answers within `10-6` of the actual answer will be accepted.", 1e-6, id="markdown-code"),
        pytest.param(
            "Return the centers in any order. Answers within 10^-6 of the actual values are accepted.",
            1e-6, id="any-order-and-within",
        ),
    ],
)
def test_announced_tolerance_is_not_lost(statement: str, tolerance: float) -> None:
    assert checker_for_statement(statement).tolerance == pytest.approx(tolerance)


EXACT_STATEMENTS = [
    pytest.param("", id="empty"),
    pytest.param("Return the sum of nums.", id="plain"),
    pytest.param(
        "Given an integer array nums. The elements of nums may be given in any order. Return the maximum sum.",
        id="input-in-any-order-own-sentence",
    ),
    pytest.param("the elements of nums may be given in any order", id="input-in-any-order-bare"),
    pytest.param(
        "Split arr into any number of contiguous subarrays and rearrange these subarrays in any order. "
        "This operation has a fixed cost of k.\nReturn the minimum total cost to make arr equal to brr.",
        id="real-rearrange-in-any-order",
    ),
    pytest.param("If there are multiple answers, return any of them.", id="return-any-of-them"),
    pytest.param("Return any valid answer.", id="any-valid-answer"),
    pytest.param("You may perform the operations in any order.", id="operations-in-any-order"),
    pytest.param("Return the answer.\nThe queries can be processed in any order.", id="next-line"),
    pytest.param("It's guaranteed that the snake will remain within the grid boundaries.", id="within-grid"),
    pytest.param("A subarray is a contiguous sequence of elements within an array.", id="within-array"),
    pytest.param('Output: "100000100000-10-11101"', id="date-digits"),
    pytest.param("Return an array sorted in ascending order.", id="ascending-order"),
    pytest.param("Return the answer modulo 10^9 + 7.", id="modulo"),
]


@pytest.mark.parametrize("statement", EXACT_STATEMENTS)
def test_other_statements_stay_exact(statement: str) -> None:
    assert checker_for_statement(statement) == Checker()


def test_any_order_about_the_input_in_the_answers_sentence_stays_exact() -> None:
    # The answer is positional (answer[i] belongs to query i); "in any order" is
    # about processing the queries. Accepting a permutation would be a false AC.
    statement = (
        "Return an array answer where answer[i] is the result of the ith query, "
        "and the queries may be processed in any order."
    )
    assert checker_for_statement(statement).kind == "exact"


# ------------------------------------------------------------------ properties
# hypothesis is not installed in the project's venv: a seeded generator instead.


def _json_value(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["null", "bool", "int", "float", "str"] + (["list"] * 3 if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, 1, -1, rng.randint(-10**6, 10**6), rng.randint(-10**20, 10**20)])
    if kind == "float":
        return rng.choice([0.0, -0.5, 1e-7, rng.uniform(-1e6, 1e6), INF, -INF])
    if kind == "str":
        return "".join(rng.choice("aAbZ1 _\u00e9") for _ in range(rng.randint(0, 4)))
    return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def _mutate(rng: random.Random, v: Any) -> Any:
    """A value that must not match `v` under any checker's exact semantics."""
    if isinstance(v, list):
        choices = ["append", "scalar"] + (["drop", "inner"] if v else [])
        how = rng.choice(choices)
        if how == "append":
            return [*v, _json_value(rng, 2)]
        if how == "drop":
            i = rng.randrange(len(v))
            return v[:i] + v[i + 1:]
        if how == "inner":
            i = rng.randrange(len(v))
            return [*v[:i], _mutate(rng, v[i]), *v[i + 1:]]
        return 0
    if v is None:
        return rng.choice([0, False, "", [], "null"])
    if isinstance(v, bool):
        return rng.choice([not v, int(v), str(v).lower(), None])
    if isinstance(v, int):
        return rng.choice([v + 1, v - 1, str(v), [v], None, *([bool(v)] if v in (0, 1) else [])])
    if isinstance(v, float):
        if math.isinf(v):
            return rng.choice([-v, 1e308 if v > 0 else -1e308, NAN])
        return rng.choice([v + 1.0, v - 0.001, NAN, str(v), None])
    return rng.choice([v + "x", v[1:] if v else "x", v.upper() if v.upper() != v else v + "A", None])


SEEDS = range(8)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_property_every_value_matches_itself(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(250):
        v = _json_value(rng)
        assert values_match(v, v), v
        assert unordered_match(v, v, 2, 1e-5), v


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_property_a_mutated_value_never_matches(seed: int) -> None:
    rng = random.Random(1000 + seed)
    for _ in range(250):
        v = _json_value(rng)
        m = _mutate(rng, v)
        assert not values_match(v, m), (v, m)
        assert not values_match(m, v), (m, v)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_property_unordered_accepts_permutations_and_rejects_multiset_changes(seed: int) -> None:
    rng = random.Random(2000 + seed)
    for _ in range(200):
        v = [rng.choice([1, 2, 3, "a", True, None, [1, 2]]) for _ in range(rng.randint(1, 6))]
        shuffled = rng.sample(v, len(v))
        assert unordered_match(v, shuffled, 1, 1e-5), (v, shuffled)
        changed = [*shuffled[:-1], rng.choice([4, "b", False, [2, 1]])]
        assert not unordered_match(v, changed, 1, 1e-5), (v, changed)


# ------------------------------------------------------------------ new custom checkers


@pytest.mark.parametrize(
    ("name", "expected", "got", "match"),
    [
        pytest.param("char_multiset", "aabc", "cbaa", True, id="chars-permuted"),
        pytest.param("char_multiset", "aabc", "abcc", False, id="chars-other-counts"),
        pytest.param("char_multiset", "abc", "abcd", False, id="chars-longer"),
        pytest.param("char_multiset", "", "", True, id="chars-empty"),
        pytest.param("char_multiset", "ab", ["a", "b"], False, id="chars-list-is-not-a-string"),
        pytest.param("char_multiset", "ab", None, False, id="chars-null"),
        pytest.param("unordered_each", [None, [1, 2], 3], [None, [2, 1], 3], True, id="each-list-result-permuted"),
        pytest.param("unordered_each", [None, [1, 2], 3], [None, 3, [2, 1]], False, id="each-calls-keep-order"),
        pytest.param("unordered_each", [None, [1, 2]], [None, [1, 3]], False, id="each-different"),
        pytest.param("unordered_each", [None, [[1, 2]]], [None, [[2, 1]]], False, id="each-depth-one-only"),
        pytest.param("unordered_each", [None, 1], [None, 1, 2], False, id="each-extra-call"),
    ],
)
def test_new_custom_checkers(name: str, expected: Any, got: Any, match: bool) -> None:
    assert CUSTOM_CHECKERS[name](expected, got, 1e-5) is match
    assert outputs_match(Checker(kind="custom", name=name), expected, got) is match


# ------------------------------------------------------------------ bounded work on huge outputs
# A forged result line can carry millions of nested elements. Rejecting it must
# cost what the expected value costs, not what the output costs: measured with
# tracemalloc (bytes allocated by the comparison) and by counting nodes visited.

HUGE_CHECKERS = [
    pytest.param(Checker(kind="unordered", depth=1), id="unordered-1"),
    pytest.param(Checker(kind="unordered", depth=2), id="unordered-2"),
    pytest.param(Checker(kind="unordered", depth=3), id="unordered-3"),
    pytest.param(Checker(kind="custom", name="case_insensitive"), id="case-insensitive"),
    pytest.param(Checker(kind="custom", name="unordered_unique"), id="unordered-unique"),
    pytest.param(Checker(kind="custom", name="unordered_each"), id="unordered-each"),
    pytest.param(Checker(), id="exact"),
]


def _peak_bytes(fn: Any) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def huge_outputs() -> list[Any]:
    """Outputs with about two million nodes each, built before any measurement."""
    wide = [[i % 7 for i in range(1000)] for _ in range(2000)]  # 2M ints in 2000 lists
    one_long = [[1, 2], list(range(2_000_000))]  # the same top-level length as the expected
    many = list(range(2_000_000))
    return [wide, one_long, many]


@pytest.mark.parametrize("checker", HUGE_CHECKERS)
def test_a_huge_mismatching_output_is_rejected_with_bounded_memory(checker: Checker, huge_outputs: list) -> None:
    expected = [[2, 1], [3, 4]]
    for got in huge_outputs:
        matched, peak = _peak_bytes(lambda got=got: outputs_match(checker, expected, got))
        assert matched is False
        # sorting or copying two million elements costs well over 50 MB; the
        # bounded comparison allocates a few small lists
        assert peak < 64 * 1024, f"{peak} bytes allocated to reject a huge output"


def test_a_huge_output_is_counted_only_up_to_the_expected_size(huge_outputs: list,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    visits = 0
    real = checkers._size

    def counting(v: Any, limit: float = math.inf) -> int:
        nonlocal visits
        n = real(v, limit)
        visits += n
        return n

    monkeypatch.setattr(checkers, "_size", counting)
    expected = [[2, 1], [3, 4]]  # 7 nodes
    for got in huge_outputs:
        visits = 0
        assert not unordered_match(expected, got, 2, 1e-5)
        assert visits <= 7 + 8  # the expected value once, the output up to one node past it


def test_size_and_shape_checks_do_not_reject_equal_values() -> None:
    assert same_size([[1, 2], [3]], [[3], [2, 1]])
    assert not same_size([[1, 2], [3]], [[1, 2, 3]])
    # same node count, different shape: the per-level profile rejects it cheaply
    assert not unordered_match([[1, 2], [3, 4]], [[1, 2, 3], [4]], 2, 1e-5)
    assert not unordered_match([[1, 2], [3, 4]], [[1, 2], ["3", 4]], 2, 1e-5)
    assert unordered_match([[1.0, 2], [3, 4]], [[4, 3], [2, 1.000001]], 2, 1e-5)


def test_unordered_unique_rejects_too_many_distinct_values_without_sorting_them() -> None:
    got = [float(i) for i in range(1_000_000)]
    matched, peak = _peak_bytes(lambda: CUSTOM_CHECKERS["unordered_unique"]([1.0, 2.0], got, 1e-5))
    assert matched is False
    assert peak < 64 * 1024
    # repetitions of right values are still accepted
    assert CUSTOM_CHECKERS["unordered_unique"]([1, 2], [2, 1] * 50_000, 1e-5)


# ------------------------------------------------------------------ the phrasing table


def _answer_type_for(rule_name: str) -> str:
    return "list<list<string>>" if "inner" in rule_name or "groups" in rule_name else "integer[]"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_rule_recognises_its_own_example(rule: Any) -> None:
    choice = choose_checker(rule.example, _answer_type_for(rule.name))
    assert choice.rules == [rule.name]
    assert choice.unmatched == []
    if not rule.levels:
        assert choice.checker == Checker()
    else:
        assert (choice.checker.kind, choice.checker.depth) == ("unordered", max(rule.levels))


PHRASINGS = [
    # (statement, answer type, expected checker kind, depth or custom name)
    pytest.param("Notice that the order of the output and the order of the triplets does not matter.",
                 "list<list<integer>>", "unordered", 2, id="3sum-output-and-triplets"),
    pytest.param("The order of the output and the order of the integers within each list do not matter.",
                 "list<list<integer>>", "unordered", 2, id="output-and-within-each-list"),
    pytest.param("Return the answer in any order.", "list<list<integer>>", "unordered", 1,
                 id="return-the-answer-nested-outer-only"),
    pytest.param("You may return the combinations in any order.", "list<list<integer>>", "unordered", 1,
                 id="you-may-return-the-combinations"),
    pytest.param("Return all the possible permutations. You can return the answer in any order.",
                 "list<list<integer>>", "unordered", 1, id="permutations-keep-inner-order"),
    pytest.param("Given an array of strings strs, group the anagrams together. You can return the answer in any "
                 "order.", "list<list<string>>", "unordered", 2, id="group-anagrams-both-levels"),
    pytest.param("Group all strings[i] that belong to the same shifting sequence. You may return the answer in "
                 "any order.", "list<list<string>>", "unordered", 2, id="group-shifted-strings"),
    pytest.param("Group the anagrams together. You can return the answer in any order.", "list<string>",
                 "unordered", 1, id="grouping-with-a-flat-answer"),
    pytest.param("The order of the output does not matter.", "integer[]", "unordered", 1, id="output-order"),
    pytest.param("Return the string with the letters rearranged; you may return the string in any order.",
                 "string", "custom", "char_multiset", id="string-in-any-order"),
    pytest.param("Return the resulting string. The characters of the answer can be returned in any order.",
                 "String", "custom", "char_multiset", id="string-alias"),
    pytest.param("Return all full binary trees. You may return the final list of trees in any order.",
                 "list<TreeNode>", "unordered", 1, id="list-of-trees"),
    pytest.param("Notice that the order of the output and the order of the triplets does not matter.",
                 "integer[]", "unordered", 1, id="depth-never-beyond-the-answer-lists"),
    pytest.param("你可以按 任意顺序 返回答案。", "list<list<integer>>", "unordered", 1, id="zh-any-order"),
    pytest.param("注意，输出的顺序和三元组的顺序并不重要。", "list<list<integer>>", "unordered", 2, id="zh-triplets"),
    pytest.param("Return the answer in any order.", None, "unordered", 1, id="unknown-answer-type"),
]


@pytest.mark.parametrize(("statement", "answer_type", "kind", "detail"), PHRASINGS)
def test_phrasings_choose_the_checker(statement: str, answer_type: str | None, kind: str, detail: Any) -> None:
    choice = choose_checker(statement, answer_type)
    assert choice.checker.kind == kind, choice
    if kind == "custom":
        assert choice.checker.name == detail
    else:
        assert choice.checker.depth == detail
    assert choice.unmatched == []


def test_design_problem_keeps_its_calls_in_order() -> None:
    choice = choose_checker("getAll() returns the values; you may return the answer in any order.", design=True)
    assert choice.checker == Checker(kind="custom", name="unordered_each")


@pytest.mark.parametrize(
    ("statement", "answer_type"),
    [
        pytest.param("Return any permutation of s that satisfies this property.", "string", id="any-permutation"),
        pytest.param("The order of the elements in each group does not matter.", "list<list<integer>>",
                     id="inner-order-only"),
        pytest.param("Return the root of the tree. The nodes may be returned in any order.", "TreeNode",
                     id="tree-in-any-order"),
        pytest.param("Values can be in arbitrary order.", "integer[]", id="arbitrary-order"),
        pytest.param("结果的顺序无关。", "integer[]", id="zh-order-irrelevant"),
    ],
)
def test_order_mentions_no_rule_explains_are_reported_and_judged_exactly(statement: str, answer_type: str) -> None:
    choice = choose_checker(statement, answer_type)
    assert choice.unmatched, choice
    assert choice.checker == Checker()


def test_unrelated_order_words_are_not_reported() -> None:
    for statement in ("Return the array sorted in ascending order.", "Process the queries in order.",
                      "Return the answer modulo 10^9 + 7.", "You may perform the operations in any order."):
        assert choose_checker(statement, "integer[]").unmatched == []


def test_sentences_of_html_markdown_and_text() -> None:
    assert plain_sentences("<p>First one.</p><p>Return them in <strong>any order</strong>.</p>") == [
        "First one.", "Return them in any order ."]
    assert plain_sentences("Return **any order**.\n\nNext") == ["Return any order .", "Next"]
    assert plain_sentences("答案一。返回任意顺序") == ["答案一。", "返回任意顺序"]
