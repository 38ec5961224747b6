"""Expected outputs from independent community posts that agree (pure).

Input: for each kept post (in the caller's order, most trusted first), for each
test input, the post's answer or an `Abstain` (it timed out, crashed, or its
answer was unreadable there); `same(expected, got)`, the problem's checker; K.

Rules (issue 19):
- An input's expected output is an answer that at least K posts agree on under
  the checker AND that is a strict majority of the posts that answered it.
- A post that disagrees with that majority is an outlier: it is dropped for
  the whole problem and counted, and the input is kept (the inputs a wrong post
  gets wrong are the ones that catch wrong solutions). Then everything is
  decided again without it, until no post is dropped: an outlier no longer
  counts anywhere.
- A post that abstains on an input counts neither for nor against there.
- An input without such an agreement is dropped and counted.

Grouping under a tolerance. A checker need not be transitive (floats within
1e-5: a ≈ b and b ≈ c while a ≉ c), so answers cannot be split into classes.
The rule here: each answer is a candidate expected output; its support is the
set of answering posts whose answer `same(candidate, answer)` accepts, exactly
the posts a judge with that expected output would accept. The candidate with
the largest support wins, ties going to the earlier post in the caller's order.
For a chain a ≈ b ≈ c the middle answer b wins with all three posts, whatever
the order; the order decides only between candidates of equal support. Because
the support is judged with the checker itself, an outlier is precisely a post
that would fail this test.

Dropping happens in rounds: in each round every input is decided with the posts
still trusted, every post that disagrees with some input's majority is dropped
at once (named with the first such input), and the next round starts. So the
result does not depend on the order of the inputs. A post dropped in a round is
not taken back if the majority it disagreed with later shrinks (dropping is
final, like the rule says). At most one round per post, plus one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_K = 3


@dataclass(frozen=True)
class Abstain:
    """A post gave no answer on an input: it timed out, crashed, or its answer
    could not be read. It counts neither for nor against."""

    reason: str = "abstained"


@dataclass(frozen=True)
class InputResult:
    index: int
    agreed: bool
    expected: Any = None  # the winning answer: of the first post (caller's order) with the largest support
    agreeing: tuple[str, ...] = ()  # the trusted posts whose answers the checker accepts (caller's order)
    answered: int = 0  # trusted posts that answered this input (abstentions excluded)
    reason: str | None = None  # why there is no expected output


@dataclass(frozen=True)
class Outlier:
    post: str
    index: int  # the first input where it disagreed with the majority
    answer: Any  # its answer there
    expected: Any  # the majority's answer there
    round: int  # the round that dropped it (1 = decided with every post)


@dataclass(frozen=True)
class Consensus:
    inputs: tuple[InputResult, ...]
    outliers: tuple[Outlier, ...]  # in the order they were dropped (round, then caller's order)
    trusted: tuple[str, ...]  # the posts never dropped, in the caller's order
    rounds: int

    @property
    def answered(self) -> int:
        """Inputs with an expected output."""
        return sum(1 for r in self.inputs if r.agreed)

    @property
    def no_agreement(self) -> int:
        """Inputs dropped for want of an agreement."""
        return sum(1 for r in self.inputs if not r.agreed)

    @property
    def dropped_posts(self) -> int:
        """Posts dropped as outliers."""
        return len(self.outliers)


def decide(answers: Sequence[tuple[str, Any]], same: Callable[[Any, Any], bool], k: int,
           index: int = 0) -> InputResult:
    """One input's outcome from (post, answer) pairs of the posts that answered."""
    n = len(answers)
    if n == 0:
        return InputResult(index, False, reason="no post answered")
    best: tuple[Any, list[str]] | None = None
    for _, candidate in answers:
        support = [post for post, answer in answers if same(candidate, answer)]
        if best is None or len(support) > len(best[1]):
            best = (candidate, support)
    assert best is not None
    expected, support = best
    if len(support) < k:
        return InputResult(index, False, answered=n,
                           reason=f"at most {len(support)} of {n} answering posts agree ({k} needed)")
    if 2 * len(support) <= n:
        return InputResult(index, False, answered=n,
                           reason=f"the largest agreement, {len(support)} of {n} answering posts, is no "
                                  "strict majority")
    return InputResult(index, True, expected=expected, agreeing=tuple(support), answered=n)


def consensus(answers: Mapping[str, Sequence[Any]], same: Callable[[Any, Any], bool], k: int = DEFAULT_K,
              *, inputs: int | None = None) -> Consensus:
    """Expected outputs by agreement of `answers` (post -> one answer or Abstain
    per input; the mapping's order is the tie-break order, most trusted first).
    `inputs` gives the number of inputs when there may be no post at all."""
    if k < 1:
        raise ValueError(f"K must be at least 1, not {k}")
    lengths = {len(v) for v in answers.values()}
    n_inputs = inputs if inputs is not None else (lengths.pop() if len(lengths) == 1 else 0)
    if any(len(v) != n_inputs for v in answers.values()):
        raise ValueError(f"every post needs one answer or Abstain per input ({n_inputs}); got lengths "
                         f"{sorted({len(v) for v in answers.values()})}")
    trusted = list(answers)
    outliers: list[Outlier] = []
    rounds = 0
    while True:
        rounds += 1
        results = []
        for i in range(n_inputs):
            given = [(p, answers[p][i]) for p in trusted if not isinstance(answers[p][i], Abstain)]
            results.append(decide(given, same, k, i))
        fresh: dict[str, Outlier] = {}
        for r in results:  # input order: each outlier is named with its first disagreement
            if not r.agreed:
                continue
            for p in trusted:
                a = answers[p][r.index]
                if p not in fresh and not isinstance(a, Abstain) and p not in r.agreeing:
                    fresh[p] = Outlier(p, r.index, a, r.expected, rounds)
        if not fresh:
            return Consensus(tuple(results), tuple(outliers), tuple(trusted), rounds)
        outliers += [fresh[p] for p in trusted if p in fresh]
        trusted = [p for p in trusted if p not in fresh]
