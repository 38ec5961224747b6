"""agent.reports.stats against values computed by hand: Wilson intervals from the
closed form, Fisher's exact test from the hypergeometric probabilities of tiny
tables (enumerated here with math.comb, not taken from scipy), pass@1, and the
paper's `96.1% (123/128)` format."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from agent.reports.stats import Rate, compare_cutoff, interval_text, pass_at_1, percent, wilson
from tests.reports import builders as b

Z95 = 1.959963984540054  # the 97.5% normal quantile


def wilson_closed_form(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def fisher_two_sided(table: list[list[int]]) -> Fraction:
    """Sum of the hypergeometric probabilities of every table with the same
    margins that is no more likely than the observed one (exact fractions)."""
    (a, b), (c, d) = table
    row1, col1, n = a + b, a + c, a + b + c + d
    total = math.comb(n, row1)

    def prob(x: int) -> Fraction:
        return Fraction(math.comb(col1, x) * math.comb(n - col1, row1 - x), total)

    observed = prob(a)
    return sum((prob(x) for x in range(max(0, row1 + col1 - n), min(row1, col1) + 1) if prob(x) <= observed),
               Fraction(0))


# ---------------------------------------------------------------- Wilson


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    (123, 128, 0.911813, 0.983201),  # the paper's overall number
    (0, 4, 0.0, 0.489891),  # 0/4: the normal approximation would say [0, 0]
    (16, 16, 0.806392, 1.0),  # 16/16: ... and [1, 1] here
    (15, 16, 0.716713, 0.988881),
    (1, 2, 0.094531, 0.905469),
])
def test_wilson_known_values(k: int, n: int, low: float, high: float) -> None:
    got = wilson(k, n)
    assert got is not None
    assert got == pytest.approx((low, high), abs=1e-6)
    assert got == pytest.approx(wilson_closed_form(k, n), abs=1e-9)


def test_wilson_is_symmetric_and_contains_the_estimate() -> None:
    for n in (1, 4, 16, 128):
        for k in range(n + 1):
            low, high = wilson(k, n)  # type: ignore[misc]
            assert 0.0 <= low <= k / n <= high <= 1.0
            mirror = wilson(n - k, n)
            assert mirror == pytest.approx((1 - high, 1 - low), abs=1e-12)


def test_wilson_narrows_with_more_trials() -> None:
    widths = [(lambda ci: ci[1] - ci[0])(wilson(15 * m, 16 * m)) for m in (1, 2, 8)]  # type: ignore[index]
    assert widths == sorted(widths, reverse=True)


def test_wilson_other_confidence_level() -> None:
    z90 = 1.6448536269514722
    assert wilson(123, 128, 0.90) == pytest.approx(wilson_closed_form(123, 128, z90), abs=1e-9)


def test_wilson_without_trials_is_none() -> None:
    assert wilson(0, 0) is None
    assert Rate(0, 0).interval is None
    assert Rate(0, 0).value is None


@pytest.mark.parametrize(("k", "n"), [(5, 4), (-1, 4), (17, 16)])
def test_wilson_refuses_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError, match=f"{k} successes in {n} trials"):
        wilson(k, n)


def test_rate_adds_counts() -> None:
    total = Rate(16, 16) + Rate(15, 16) + Rate(0, 0)
    assert total == Rate(31, 32)
    assert total.value == 31 / 32
    assert total.interval == wilson(31, 32)


# ---------------------------------------------------------------- pass@1


def test_pass_at_1_is_the_mean_over_problems() -> None:
    assert pass_at_1([(4, 4), (2, 4), (0, 4)]) == pytest.approx(0.5)
    assert pass_at_1([(4, 4), (4, 4), (3, 4), (4, 4)]) == pytest.approx(15 / 16)


def test_pass_at_1_weights_problems_equally_not_attempts() -> None:
    # pooled it would be 1/4; per problem it is (1 + 0) / 2
    assert pass_at_1([(1, 1), (0, 3)]) == pytest.approx(0.5)


def test_pass_at_1_skips_problems_without_attempts() -> None:
    assert pass_at_1([(3, 4), (0, 0)]) == pytest.approx(0.75)
    assert pass_at_1([(0, 0)]) is None
    assert pass_at_1([]) is None
    assert pass_at_1(iter([(1, 2), (2, 2)])) == pytest.approx(0.75)  # any iterable, read once


# ---------------------------------------------------------------- Fisher


@pytest.mark.parametrize(("table", "exact"), [
    ([[1, 0], [0, 1]], Fraction(1)),  # P(a=0) = P(a=1) = 1/2
    ([[3, 0], [0, 3]], Fraction(1, 10)),  # 1/20 + 1/20
    ([[3, 1], [1, 3]], Fraction(34, 70)),  # the lady tasting tea: (1 + 16 + 16 + 1) / 70
    ([[1, 3], [4, 0]], Fraction(10, 70)),  # margins 4,4 / 5,3: 5/70 + 5/70
    ([[2, 2], [2, 2]], Fraction(1)),
    ([[47, 1], [76, 4]], None),  # the paper model's before/after split
    ([[62, 2], [44, 17]], None),  # the baseline's
])
def test_fisher_exact_two_sided(table: list[list[int]], exact: Fraction | None) -> None:
    by_hand = fisher_two_sided(table)
    if exact is not None:
        assert by_hand == exact  # the enumeration itself, checked against the values worked out on paper
    (a, b), (c, d) = table
    result = compare_cutoff(Rate(a, a + b), Rate(c, c + d))
    assert result.p_value == pytest.approx(float(by_hand), rel=1e-9)
    assert result.before == Rate(a, a + b)
    assert result.after == Rate(c, c + d)


def test_fisher_hand_values_for_the_tiny_tables() -> None:
    # the hypergeometric terms of the tea table: C(4,k) C(4,4-k) / C(8,4)
    assert [math.comb(4, k) * math.comb(4, 4 - k) for k in range(5)] == [1, 16, 36, 16, 1]
    assert math.comb(8, 4) == 70
    assert compare_cutoff(Rate(3, 4), Rate(1, 4)).p_value == pytest.approx(34 / 70, abs=1e-12)
    assert compare_cutoff(Rate(3, 3), Rate(0, 3)).p_value == pytest.approx(0.1, abs=1e-12)


def test_fisher_odds_ratio() -> None:
    assert compare_cutoff(Rate(3, 4), Rate(1, 4)).odds_ratio == pytest.approx(9.0)  # (3*3)/(1*1)
    assert compare_cutoff(Rate(2, 4), Rate(2, 4)).odds_ratio == pytest.approx(1.0)


def test_fisher_odds_ratio_at_the_edges() -> None:
    assert compare_cutoff(Rate(4, 4), Rate(2, 4)).odds_ratio == math.inf  # x/0
    assert compare_cutoff(Rate(4, 4), Rate(4, 4)).odds_ratio is None  # 0/0
    assert compare_cutoff(Rate(0, 4), Rate(2, 4)).odds_ratio == 0.0


def test_fisher_on_large_tables_matches_the_enumeration() -> None:
    """Thousands of attempts: the log-space sum stays exact to float precision."""
    for table in ([[1200, 300], [1100, 400]], [[5, 2995], [30, 2970]]):
        p = compare_cutoff(Rate(table[0][0], sum(table[0])), Rate(table[1][0], sum(table[1]))).p_value
        assert p == pytest.approx(b.fisher_p(table), rel=1e-9)


def test_fisher_needs_data_on_both_sides() -> None:
    for before, after in ((Rate(0, 0), Rate(3, 4)), (Rate(3, 4), Rate(0, 0)), (Rate(0, 0), Rate(0, 0))):
        result = compare_cutoff(before, after)
        assert result.p_value is None and result.odds_ratio is None


def test_fisher_a_drop_after_the_cutoff_is_significant() -> None:
    assert compare_cutoff(Rate(62, 64), Rate(44, 61)).p_value < 0.001  # type: ignore[operator]
    assert compare_cutoff(Rate(47, 48), Rate(76, 80)).p_value > 0.5  # type: ignore[operator]


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(("rate", "text"), [
    (Rate(123, 128), "96.1% (123/128)"),
    (Rate(16, 16), "100.0% (16/16)"),
    (Rate(0, 4), "0.0% (0/4)"),
    (Rate(15, 16), "93.8% (15/16)"),
    (Rate(0, 0), "– (0/0)"),
])
def test_percent_is_the_paper_format(rate: Rate, text: str) -> None:
    assert percent(rate) == text


def test_percent_digits() -> None:
    assert percent(Rate(1, 3), digits=2) == "33.33% (1/3)"
    assert percent(Rate(123, 128), digits=0) == "96% (123/128)"


def test_interval_text() -> None:
    assert interval_text(Rate(123, 128)) == "[91.2, 98.3]"
    assert interval_text(Rate(16, 16)) == "[80.6, 100.0]"
    assert interval_text(Rate(0, 4)) == "[0.0, 49.0]"
    assert interval_text(Rate(0, 0)) == "–"
