"""Consensus of community posts (agent/oracle/consensus.py), pure: K, strict
majority, outliers dropped for the whole problem and everything decided again,
abstentions, inputs without agreement, tolerance (a non-transitive checker),
ties; and seeded random properties (hypothesis is not installed)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from agent.oracle.consensus import Abstain, Consensus, consensus, decide
from judge.checkers import outputs_match
from judge.problem import Checker

X = Abstain("timeout")
C = Abstain("crashed")


def eq(a: Any, b: Any) -> bool:
    return bool(a == b)


def run(table: dict[str, list[Any]], k: int = 3, same: Callable[[Any, Any], bool] = eq) -> Consensus:
    return consensus(table, same, k)


def expected(c: Consensus) -> list[Any]:
    """Per input: the expected value, or the reason it was dropped."""
    return [r.expected if r.agreed else f"dropped: {r.reason}" for r in c.inputs]


def outliers(c: Consensus) -> dict[str, int]:
    return {o.post: o.index for o in c.outliers}


# ===================================================================== K and majority


def test_unanimous_posts_give_every_input() -> None:
    c = run({"a": [1, 2, 3], "b": [1, 2, 3], "c": [1, 2, 3]})
    assert expected(c) == [1, 2, 3] and c.outliers == () and c.trusted == ("a", "b", "c")
    assert [r.agreeing for r in c.inputs] == [("a", "b", "c")] * 3
    assert (c.answered, c.no_agreement, c.dropped_posts, c.rounds) == (3, 0, 0, 1)


def test_fewer_than_k_agreeing_posts_drop_the_input() -> None:
    c = run({"a": [1], "b": [1]})
    assert not c.inputs[0].agreed and c.inputs[0].reason == "at most 2 of 2 answering posts agree (3 needed)"
    assert run({"a": [1], "b": [1]}, k=2).inputs[0].expected == 1
    assert run({"a": [7]}, k=1).inputs[0].expected == 7


def test_k_agreeing_posts_that_are_no_strict_majority_drop_the_input() -> None:
    c = run({"a": [1], "b": [1], "c": [1], "d": [2], "e": [2], "f": [2]})
    assert not c.inputs[0].agreed and c.outliers == ()
    assert c.inputs[0].reason == "the largest agreement, 3 of 6 answering posts, is no strict majority"
    c = run({"a": [1], "b": [1], "c": [1], "d": [2], "e": [3], "f": [4]})  # 3 of 6 is not more than half
    assert not c.inputs[0].agreed


def test_a_strict_majority_of_k_wins_and_the_minority_are_outliers() -> None:
    c = run({"a": [1, 5], "b": [1, 5], "c": [2, 5], "d": [1, 5], "e": [3, 5]})
    assert expected(c) == [1, 5]
    assert outliers(c) == {"c": 0, "e": 0} and c.trusted == ("a", "b", "d")
    [oc, oe] = c.outliers
    assert (oc.answer, oc.expected, oc.round) == (2, 1, 1) and (oe.answer, oe.expected) == (3, 1)
    assert c.inputs[1].agreeing == ("a", "b", "d")  # dropped posts no longer count, even where they agreed
    assert (c.answered, c.no_agreement, c.dropped_posts, c.rounds) == (2, 0, 2, 2)


def test_an_outlier_is_named_with_its_first_disagreement() -> None:
    c = run({"a": [1, 2, 3], "b": [1, 2, 3], "c": [1, 2, 3], "w": [1, 9, 9]})
    assert outliers(c) == {"w": 1} and c.outliers[0].answer == 9


# ===================================================================== outliers, recomputed


def test_dropping_a_wrong_post_lets_a_tied_input_agree() -> None:
    # input 1 is a tie while w counts (2 against 2 with v); w is wrong on input 0, so it goes,
    # and v alone no longer ties
    table = {"a": [1, 4], "b": [1, 4], "c": [1, X], "w": [2, 5], "v": [1, 5]}
    c = run(table, k=2)
    assert outliers(c) == {"w": 0, "v": 1} and expected(c) == [1, 4]
    assert [o.round for o in c.outliers] == [1, 2] and c.rounds == 3


def test_an_outlier_no_longer_counts_anywhere_even_for_a_k_th_vote() -> None:
    # the popular wrong post w agrees on input 1 and is the third vote there; once it is
    # dropped for input 0, input 1 has only two posts and is dropped
    table = {"w": [9, 4], "a": [1, 4], "b": [1, 4], "c": [1, X], "d": [1, X]}
    c = run(table)
    assert outliers(c) == {"w": 0}
    assert expected(c) == [1, "dropped: at most 2 of 2 answering posts agree (3 needed)"]


def test_a_popular_wrong_post_is_outvoted_where_it_is_wrong_and_the_input_kept() -> None:
    # most voted first: the wrong post is right on the examples and the easy inputs
    wrong = [1, 2, 3, 4, 99, 6]
    right = [1, 2, 3, 4, 5, 6]
    c = run({"popular-wrong": wrong, "p1": right, "p2": right, "p3": right[:], "p4": right})
    assert expected(c) == right  # input 4, the one that catches it, is kept
    assert c.outliers[0].post == "popular-wrong" and c.outliers[0].index == 4
    assert c.trusted == ("p1", "p2", "p3", "p4")


def test_outliers_of_one_round_are_dropped_together_whatever_the_input_order() -> None:
    # d disagrees on input 0 with a majority that includes a, and a is an outlier on
    # input 1 in the same round: both go in round 1 (the rule is applied to every input at once)
    table = {"a": [1, 7], "b": [1, 3], "c": [1, 3], "d": [2, 3], "e": [X, 3]}
    c = run(table)
    assert outliers(c) == {"a": 1, "d": 0} and all(o.round == 1 for o in c.outliers)
    assert expected(c)[1] == 3 and not c.inputs[0].agreed  # b and c alone are fewer than K
    flipped = run({p: v[::-1] for p, v in table.items()})
    assert outliers(flipped) == {"a": 0, "d": 1}


def test_rounds_stop_when_nothing_changes() -> None:
    c = run({"a": [1, 1], "b": [1, 1], "c": [1, 1], "d": [2, 1], "e": [1, 2]})
    assert c.rounds == 2 and outliers(c) == {"d": 0, "e": 1}
    assert all(r.agreed and r.agreeing == ("a", "b", "c") for r in c.inputs)


# ===================================================================== abstentions


def test_abstentions_count_neither_for_nor_against() -> None:
    c = run({"a": [1], "b": [1], "c": [1], "t": [X], "r": [C]})
    r = c.inputs[0]
    assert r.agreed and r.answered == 3 and r.agreeing == ("a", "b", "c") and c.outliers == ()
    # 3 for, 1 against, 2 abstaining: 3 of the 4 that answered
    c = run({"a": [1], "b": [1], "c": [1], "w": [2], "t": [X], "r": [C]})
    assert c.inputs[0].agreed and outliers(c) == {"w": 0}


def test_an_abstaining_post_is_not_an_outlier_and_still_counts_elsewhere() -> None:
    c = run({"a": [1, 2], "b": [1, 2], "c": [X, 2], "d": [1, 2]})
    assert c.outliers == () and c.inputs[1].agreeing == ("a", "b", "c", "d")


def test_an_input_no_post_answered() -> None:
    c = run({"a": [X], "b": [C], "c": [X]})
    assert c.inputs[0].reason == "no post answered" and c.inputs[0].answered == 0


def test_abstentions_can_leave_too_few() -> None:
    c = run({"a": [1], "b": [1], "c": [X], "d": [X]})
    assert not c.inputs[0].agreed and c.no_agreement == 1


def test_null_is_an_answer_not_an_abstention() -> None:
    c = run({"a": [None], "b": [None], "c": [None], "d": [0]})
    assert c.inputs[0].agreed and c.inputs[0].expected is None and outliers(c) == {"d": 0}


# ===================================================================== tolerance


FLOAT = Checker(kind="float", tolerance=1e-5)


def close(a: Any, b: Any) -> bool:
    return outputs_match(FLOAT, a, b)


def test_floats_within_the_tolerance_agree() -> None:
    c = run({"a": [2.5], "b": [2.5000001], "c": [2.4999995], "w": [3.5]}, same=close)
    assert c.inputs[0].agreed and c.inputs[0].expected == 2.5 and outliers(c) == {"w": 0}


@pytest.mark.parametrize("order", [("a", "b", "c"), ("c", "b", "a"), ("b", "a", "c"), ("a", "c", "b"),
                                   ("c", "a", "b"), ("b", "c", "a")])
def test_a_chain_is_won_by_its_middle_whatever_the_post_order(order: tuple[str, ...]) -> None:
    # a ~ b and b ~ c within 1e-5, but a and c are 1.4e-5 apart
    value = {"a": 1.0, "b": 1.000007, "c": 1.000014}
    assert close(value["a"], value["b"]) and close(value["b"], value["c"]) and not close(value["a"], value["c"])
    c = run({p: [value[p]] for p in order}, same=close)
    r = c.inputs[0]
    assert r.agreed and r.expected == value["b"] and set(r.agreeing) == {"a", "b", "c"} and c.outliers == ()


def test_a_chain_end_that_the_middle_does_not_accept_is_an_outlier() -> None:
    value = {"a": 1.0, "b": 1.000007, "c": 1.000014, "d": 1.000007, "e": 1.00003}
    c = run({p: [v] for p, v in value.items()}, same=close)
    assert c.inputs[0].expected == 1.000007 and outliers(c) == {"e": 0}


def test_equal_supports_go_to_the_earlier_post() -> None:
    # within 0.5: 0.4 accepts {0.4, 0.6, 0.0}; 0.6 accepts {0.4, 0.6, 1.0}; both 3 of 4
    def near(a: float, b: float) -> bool:
        return abs(a - b) <= 0.5

    first = run({"p": [0.4], "q": [0.6], "r": [0.0], "s": [1.0]}, same=near)
    assert first.inputs[0].expected == 0.4 and outliers(first) == {"s": 0}
    second = run({"q": [0.6], "p": [0.4], "r": [0.0], "s": [1.0]}, same=near)
    assert second.inputs[0].expected == 0.6 and outliers(second) == {"r": 0}


def test_the_support_is_judged_with_the_candidate_as_expected() -> None:
    calls: list[tuple[Any, Any]] = []

    def same(expected: Any, got: Any) -> bool:
        calls.append((expected, got))
        return bool(expected == got)

    decide([("a", 1), ("b", 2)], same, 1)
    assert (1, 2) in calls and (2, 1) in calls and len(calls) == 4


def test_an_order_insensitive_checker_groups_permutations() -> None:
    unordered = Checker(kind="unordered")
    c = consensus({"a": [[4, 2]], "b": [[2, 4]], "c": [[4, 2]], "w": [[4, 2, 4, 2]]},
                  lambda e, g: outputs_match(unordered, e, g), 3)
    assert c.inputs[0].expected == [4, 2] and outliers(c) == {"w": 0}


# ===================================================================== arguments


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="K must be at least 1"):
        consensus({"a": [1]}, eq, 0)
    with pytest.raises(ValueError, match="one answer or Abstain per input"):
        consensus({"a": [1, 2], "b": [1]}, eq, 1)
    with pytest.raises(ValueError, match="one answer or Abstain per input"):
        consensus({"a": [1, 2]}, eq, 1, inputs=3)


def test_no_posts_at_all() -> None:
    c = consensus({}, eq, 3, inputs=2)
    assert [r.reason for r in c.inputs] == ["no post answered"] * 2 and c.trusted == ()
    assert consensus({}, eq).inputs == ()


# ===================================================================== properties (seeded)


def random_table(rng: random.Random, posts: int, inputs: int, values: int = 3) -> dict[str, list[Any]]:
    table: dict[str, list[Any]] = {}
    for p in range(posts):
        row: list[Any] = []
        for _ in range(inputs):
            roll = rng.random()
            row.append(X if roll < 0.15 else rng.randrange(values) if roll < 0.45 else 0)
        table[f"p{p}"] = row
    return table


def test_properties_of_every_result() -> None:
    rng = random.Random(1919)
    for _ in range(400):
        k = rng.randrange(1, 5)
        table = random_table(rng, rng.randrange(0, 8), rng.randrange(1, 7))
        c = consensus(table, eq, k, inputs=len(next(iter(table.values()), [0])))
        dropped = {o.post for o in c.outliers}
        assert set(c.trusted) | dropped == set(table) and not set(c.trusted) & dropped
        assert list(c.trusted) == [p for p in table if p in set(c.trusted)]
        for r in c.inputs:
            answering = [p for p in c.trusted if not isinstance(table[p][r.index], Abstain)]
            assert r.answered == len(answering)
            if r.agreed:
                assert len(r.agreeing) >= k and 2 * len(r.agreeing) > r.answered
                # stable: every trusted post that answered agrees with the expected value
                assert list(r.agreeing) == answering
                assert all(table[p][r.index] == r.expected for p in r.agreeing)
            else:
                assert r.reason
        for o in c.outliers:
            assert table[o.post][o.index] == o.answer != o.expected
        assert c.answered + c.no_agreement == len(c.inputs) and c.dropped_posts == len(c.outliers)
        assert c.rounds <= len(table) + 1


def test_the_input_order_does_not_change_the_result() -> None:
    rng = random.Random(2024)
    for _ in range(300):
        table = random_table(rng, rng.randrange(1, 8), rng.randrange(1, 7))
        n = len(next(iter(table.values())))
        perm = list(range(n))
        rng.shuffle(perm)
        a = consensus(table, eq, 2)
        b = consensus({p: [v[i] for i in perm] for p, v in table.items()}, eq, 2)
        assert [b.inputs[perm.index(i)].expected for i in range(n)] == [r.expected for r in a.inputs]
        assert [b.inputs[perm.index(i)].agreed for i in range(n)] == [r.agreed for r in a.inputs]
        assert {o.post for o in a.outliers} == {o.post for o in b.outliers} and a.trusted == b.trusted


def test_with_exact_equality_the_post_order_does_not_change_the_result() -> None:
    # two disjoint classes cannot both be strict majorities: no tie can matter
    rng = random.Random(7)
    for _ in range(300):
        table = random_table(rng, rng.randrange(1, 8), rng.randrange(1, 6))
        names = list(table)
        rng.shuffle(names)
        a = consensus(table, eq, 2)
        b = consensus({p: table[p] for p in names}, eq, 2)
        assert [r.expected for r in a.inputs] == [r.expected for r in b.inputs]
        assert [set(r.agreeing) for r in a.inputs] == [set(r.agreeing) for r in b.inputs]
        assert {(o.post, o.index) for o in a.outliers} == {(o.post, o.index) for o in b.outliers}


def test_a_majority_of_correct_posts_always_wins_over_wrong_ones() -> None:
    # K correct posts and fewer wrong ones (each wrong on random inputs, differently):
    # every input any correct post answers is answered right, every wrong post that erred is dropped
    rng = random.Random(99)
    for _ in range(200):
        n_inputs, k = rng.randrange(1, 10), 3
        truth = [rng.randrange(100) for _ in range(n_inputs)]
        table: dict[str, list[Any]] = {f"ok{i}": truth[:] for i in range(k + rng.randrange(3))}
        wrong_posts = rng.randrange(0, len(table))
        for w in range(wrong_posts):
            table[f"bad{w}"] = [t + 1 + w if rng.random() < 0.4 else t for t in truth]
        names = list(table)
        rng.shuffle(names)
        c = consensus({p: table[p] for p in names}, eq, k)
        assert [r.expected for r in c.inputs] == truth
        erred = {p for p in table if table[p] != truth}
        assert {o.post for o in c.outliers} == erred
