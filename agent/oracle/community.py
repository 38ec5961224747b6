"""The `community` oracle: expected outputs on which independent community
solution posts agree, without any LeetCode login (issue 19, item 1).

After a contest, participants post solution articles; LeetCode's public GraphQL
serves them without cookies (agent/sources/community.py). For a problem:

1. the most voted posts are fetched, their whole Python solutions extracted and
   made independent: distinct authors and distinct code after normalisation
   (agent/oracle/community_posts.py);
2. each solution runs -- only in the sandbox, through the `Judge` -- on the
   statement's examples; a solution that fails any is discarded;
3. the survivors run on the generated inputs (`Judge.run_outputs`); a solution
   that times out or crashes on an input abstains there;
4. an input's expected output is the answer at least K of them agree on under the
   problem's checker, and a strict majority of those that answered
   (agent/oracle/consensus.py): a solution that disagrees with a majority is an
   outlier and drops out of the whole problem; an input without agreement is
   dropped.

Fewer than K usable solutions: the problem waits (OracleUnavailable, retried
with a backoff) until `wait_h` hours after its release -- posts appear hours
after a contest -- and is then left on its tests (NotAnswerable). The answers
carry the CPU time of the fastest agreeing solution, from which the test set's
time limits are set (agent/oracle/limits.py). Everything the oracle decided --
posts, drops and why, outliers, inputs without agreement -- is in the report's
notes, and so in the test set's origin, with the article ids as its refs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from agent.oracle import Answer, NotAnswerable, OracleReport, OracleUnavailable
from agent.oracle.community_posts import Candidate, independent, solutions_of
from agent.oracle.consensus import DEFAULT_K, Abstain, consensus
from agent.sources.community import top_posts
from agent.sources.errors import SourceError
from agent.sources.leetcode_client import LeetCodeClient
from judge.checkers import outputs_match
from judge.errors import JudgeImageMissing, ProblemError, SandboxUnavailable
from judge.problem import Problem
from judge.protocol import Judge, Output
from judge.verdict import Verdict


def _utcnow() -> datetime:
    from storage.models import utcnow

    return utcnow()


@dataclass
class CommunityOracle:
    client: LeetCodeClient
    judge: Judge
    k: int = DEFAULT_K
    posts: int = 20  # the most voted posts read per problem
    wait_h: float = 72.0  # after a problem's release: how long to wait for enough posts
    now: Callable[[], datetime] = field(default=_utcnow)
    name: str = "community"

    def answer(self, problem: Problem, inputs: Sequence[str]) -> OracleReport:
        notes: dict[str, Any] = {"k": self.k}
        usable = self._usable(problem, notes)
        if len(usable) < self.k:
            self._too_few(problem, len(usable), notes)
        runs: dict[str, list[Output]] = {}
        for c in usable:
            try:
                runs[c.post_id] = self.judge.run_outputs(problem, c.code, inputs)
            except ProblemError as e:
                raise NotAnswerable(self.name, problem.slug, str(e)) from None
            except SandboxUnavailable as e:
                raise OracleUnavailable(self.name, str(e)) from None
        answers = {p: [o.value if o.ok else Abstain(o.error or "failed") for o in outs] for p, outs in runs.items()}
        agreed = consensus(answers, lambda a, b: outputs_match(problem.checker, a, b), self.k, inputs=len(inputs))
        fastest = _fastest(agreed.trusted, runs)
        refs = [f"community:{p}" for p in agreed.trusted]
        result = []
        for r in agreed.inputs:
            if r.agreed:
                cpu = runs[fastest][r.index].cpu_ms if fastest else None
                result.append(Answer("ok", expected=r.expected, ref=f"community:{len(r.agreeing)}/{r.answered}",
                                     cpu_ms=cpu))
            else:
                result.append(Answer("failed", reason=f"no agreement: {r.reason}"))
        notes.update(trusted=list(agreed.trusted), rounds=agreed.rounds, no_agreement=agreed.no_agreement,
                     outliers=[{"post": o.post, "input": o.index, "answer": str(o.answer)[:200],
                                "expected": str(o.expected)[:200]} for o in agreed.outliers],
                     timed_by=fastest)
        return OracleReport(result, refs=refs, calls=len(runs), notes=notes)

    def _usable(self, problem: Problem, notes: dict[str, Any]) -> list[Candidate]:
        """The independent solutions that pass every example, most voted first."""
        try:
            posts = top_posts(self.client, problem.slug, limit=self.posts)
        except SourceError as e:
            raise OracleUnavailable(self.name, str(e)) from None
        candidates = [c for p in posts for c in solutions_of(p, problem.signature)]
        kept, dropped = independent(candidates)
        examples = problem.model_copy(update={"tests": [t for t in problem.tests if t.comparable]})
        if not examples.tests:
            raise NotAnswerable(self.name, problem.slug, "no example has a comparable output to check posts on")
        usable, failing = [], []
        for c in kept:
            try:
                verdict = self.judge.judge(examples, c.code).verdict
            except (JudgeImageMissing, SandboxUnavailable) as e:
                raise OracleUnavailable(self.name, str(e)) from None
            (usable if verdict is Verdict.ACCEPTED else failing).append((c, verdict))
        notes.update(posts=[p.topic_id for p in posts], solutions=len(candidates),
                     not_independent=[{"post": d.candidate.post_id, "why": d.reason} for d in dropped],
                     failed_examples=[{"post": c.post_id, "verdict": str(v)} for c, v in failing])
        return [c for c, _ in usable]

    def _too_few(self, problem: Problem, usable: int, notes: dict[str, Any]) -> None:
        why = (f"{usable} usable community solutions of {len(notes.get('posts', []))} posts "
               f"({self.k} independent ones passing every example are needed)")
        release = problem.release_time
        if release is not None and self.now() < release + timedelta(hours=self.wait_h):
            raise OracleUnavailable(self.name, f"{why}; posts appear hours after a contest: waiting until "
                                               f"{(release + timedelta(hours=self.wait_h)):%Y-%m-%d %H:%M} UTC")
        raise NotAnswerable(self.name, problem.slug, why)


def _fastest(trusted: Sequence[str], runs: dict[str, list[Output]]) -> str | None:
    """The trusted solution with the least CPU over the inputs it answered all of."""
    timed = [(sum(o.cpu_ms or 0.0 for o in runs[p]), p) for p in trusted
             if all(o.ok and o.cpu_ms is not None for o in runs[p])]
    return min(timed)[1] if timed else None
