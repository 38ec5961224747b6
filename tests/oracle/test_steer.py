"""One-step perturbations (agent/oracle/steer.py), pure."""

from __future__ import annotations

import random

import pytest

from agent.oracle.steer import PER_INPUT, perturbations


@pytest.mark.parametrize("values", [[[1, 2, 3], 2], ["abc", 5], [[[1, 2], [3, 4]]], [7], [["a", "b"], "zz"]])
def test_each_variant_differs_in_exactly_one_value_by_one_step(values: list) -> None:
    variants = perturbations(values, random.Random(1))
    assert 0 < len(variants) <= PER_INPUT and len({repr(v) for v in variants}) == len(variants)
    for v in variants:
        assert v != values and len(v) == len(values)
        assert sum(a != b for a, b in zip(v, values, strict=True)) == 1


def test_integers_move_by_one() -> None:
    assert sorted(perturbations([5], random.Random(0))) == [[4], [6]]


def test_booleans_and_nulls_stay() -> None:
    assert perturbations([True, None], random.Random(0)) == []


def test_seeded() -> None:
    values = [[3, 1, 4, 1, 5, 9, 2, 6], "hello", 42]
    assert perturbations(values, random.Random("s")) == perturbations(values, random.Random("s"))
