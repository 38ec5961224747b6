"""Statistics for acceptance rates (pure functions).

- Wilson score intervals: a 95% interval that behaves at 0/4 and 16/16, where
  the normal approximation gives nonsense.
- pass@1 from k attempts per problem: the mean over problems of each problem's
  fraction of accepted attempts (an unbiased estimate of single-attempt accuracy,
  each problem weighted equally).
- Fisher's exact test on before/after-cutoff acceptance: a model that does much
  worse after its training cutoff is showing the signature of contamination.
- The difference of two models' rates with Newcombe's hybrid score interval
  (method 10 of Newcombe 1998: the two Wilson intervals combined), for
  independent samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist


@dataclass(frozen=True)
class Rate:
    k: int
    n: int

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.k, self.n)

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.k + other.k, self.n + other.n)


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for k successes in n trials (None when n == 0)."""
    if n == 0:
        return None
    if not 0 <= k <= n:
        raise ValueError(f"{k} successes in {n} trials")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # at 0/n and n/n the bound is exactly 0 or 1 (the closed form only to rounding)
    return (0.0 if k == 0 else max(0.0, centre - half), 1.0 if k == n else min(1.0, centre + half))


def fisher_exact_two_sided(table: list[list[int]]) -> tuple[float, float | None]:
    """(p-value, sample odds ratio) of Fisher's exact test on a 2x2 table: the sum
    of the hypergeometric probabilities of every table with the observed margins
    that is no more likely than the observed one (with scipy's relative tolerance
    of 1e-7 for ties). The odds ratio is None when it is 0/0, inf when x/0."""
    (a, b), (c, d) = table
    row1, col1, n = a + b, a + c, a + b + c + d

    def log_comb(m: int, j: int) -> float:
        return math.lgamma(m + 1) - math.lgamma(j + 1) - math.lgamma(m - j + 1)

    def log_prob(x: int) -> float:
        return log_comb(col1, x) + log_comb(n - col1, row1 - x) - log_comb(n, row1)

    observed = log_prob(a) + math.log1p(1e-7)
    p = sum(math.exp(lp) for x in range(max(0, row1 + col1 - n), min(row1, col1) + 1)
            if (lp := log_prob(x)) <= observed)
    odds = None if a * d == 0 and b * c == 0 else (math.inf if b * c == 0 else a * d / (b * c))
    return min(1.0, p), odds


def pass_at_1(per_problem: Iterable[tuple[int, int]]) -> float | None:
    """Mean over problems of accepted/attempts; problems without attempts are skipped."""
    fractions = [k / n for k, n in per_problem if n]
    return sum(fractions) / len(fractions) if fractions else None


@dataclass(frozen=True)
class CutoffComparison:
    before: Rate
    after: Rate
    p_value: float | None  # two-sided Fisher exact test; None without data on both sides
    odds_ratio: float | None


def compare_cutoff(before: Rate, after: Rate) -> CutoffComparison:
    if before.n == 0 or after.n == 0:
        return CutoffComparison(before, after, None, None)
    table = [[before.k, before.n - before.k], [after.k, after.n - after.k]]
    p_value, odds = fisher_exact_two_sided(table)
    return CutoffComparison(before, after, p_value, odds)


@dataclass(frozen=True)
class Difference:
    a: Rate
    b: Rate
    value: float  # rate a - rate b
    interval: tuple[float, float]  # 95%, Newcombe's hybrid score interval


def difference(a: Rate, b: Rate) -> Difference | None:
    """a - b with its 95% interval; None when either has no attempts."""
    if a.n == 0 or b.n == 0 or a.value is None or b.value is None:
        return None
    (la, ua), (lb, ub) = wilson(a.k, a.n), wilson(b.k, b.n)  # type: ignore[misc]
    pa, pb = a.value, b.value
    d = pa - pb
    low = d - math.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    high = d + math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    return Difference(a, b, d, (max(-1.0, low), min(1.0, high)))


def signed_points(x: float) -> str:
    """A difference of rates in percentage points: `+11.3`, `-4.0`, `0.0` (half away from zero)."""
    text = half_up(100 * abs(Fraction(x)))
    return text if text == "0.0" else ("-" if x < 0 else "+") + text


def half_up(x: Fraction | float, digits: int = 1) -> str:
    """`x` (>= 0) to `digits` decimals, a half rounded up — as SQL's round() and the
    dashboard's canned queries do (Python's format rounds 56.25 to 56.2)."""
    scale = 10 ** digits
    units = math.floor(Fraction(x) * scale + Fraction(1, 2))
    return f"{units // scale}.{units % scale:0{digits}d}" if digits else str(units)


def percent(rate: Rate, digits: int = 1) -> str:
    """`96.1% (123/128)` — the seed paper's format, rounded half up from the exact fraction."""
    if rate.n == 0:
        return "– (0/0)"
    return f"{half_up(Fraction(100 * rate.k, rate.n), digits)}% ({rate.k}/{rate.n})"


def percent_of(fraction: Fraction | float | None) -> str:
    """A fraction as a percentage (pass@1, agreement), rounded as `percent`."""
    return "–" if fraction is None else f"{half_up(100 * Fraction(fraction))}%"


def interval_text(rate: Rate) -> str:
    ci = rate.interval
    return "–" if ci is None else f"[{half_up(100 * Fraction(ci[0]))}, {half_up(100 * Fraction(ci[1]))}]"
