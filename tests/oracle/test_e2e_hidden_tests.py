"""End to end, real components: the fake LeetCode (contest, "Run code" oracle and
submit endpoints running its own reference solutions on its own hidden tests),
the fake vLLM, agent.testgen's input generator, the real Docker judge, a SQLite
file. One cycle: sync -> hidden tests (generated inputs, LeetCode's outputs) ->
generate -> judge -> LeetCode submit.

- every synced problem gets >= 30 validated hidden tests with the oracle's outputs
  in that one cycle, and the report labels its rate accordingly;
- model `exact` (the reference solutions) is Accepted everywhere;
- model `subtle` answers with solutions that pass every example but are wrong on
  larger inputs (quadratic, or an edge mishandled): Accepted on the examples-only
  test set, rejected on the hidden one;
- local verdicts agree with the fake LeetCode's submit verdicts on every unit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent.cycle import CycleReport, run_cycle
from agent.reports.weekly import make_report, render
from agent.settings import load_settings
from judge.judging import Judge
from judge.verdict import Verdict
from storage import models, open_database, repo
from storage.engine import session_scope
from tests.fakes.leetcode_judge import FakeJudge
from tests.fakes.leetcode_server import FakeLeetCode
from tests.fakes.openai_server import FakeOpenAI
from tests.pipeline.conftest import (
    CONTEST_SLUGS,
    add_recent_contest,
    fenced,
    model_spec,
    per_model_responder,
    settings_values,
)
from tests.sources.conftest import solution

pytestmark = [pytest.mark.docker, pytest.mark.integration]
EXACT, SUBTLE = "exact", "subtle"

# Each passes every example of its problem and fails on larger or other inputs.
SUBTLE_CODE = {
    # quadratic: list.count per distinct value
    "values-with-exact-frequency": """class Solution:
    def exactValues(self, nums: List[int], k: int) -> List[int]:
        return sorted({v for v in nums if nums.count(v) == k})
""",
    # only the first ten positions are looked at
    "sort-even-positions": """class Solution:
    def sortEvenPositions(self, nums: List[int]) -> None:
        nums[0:10:2] = sorted(nums[0:10:2])
""",
    # only the first hundred points count
    "mean-distance-to-origin": """class Solution:
    def meanDistance(self, points: List[List[int]]) -> float:
        head = points[:100]
        return sum(math.hypot(x, y) for x, y in head) / len(head)
""",
    # leaves equal to the threshold are removed too
    "remove-leaves-below-threshold": """class Solution:
    def removeLeaves(self, root: Optional[TreeNode], threshold: int) -> Optional[TreeNode]:
        def prune(node):
            if node is None:
                return None
            node.left, node.right = prune(node.left), prune(node.right)
            if node.left is None and node.right is None and node.val <= threshold:
                return None
            return node
        return prune(root)
""",
    # the capacity is honoured only up to three waiting tickets
    "ticket-queue": solution("ticket-queue").replace("len(self.heap) < self.capacity",
                                                     "len(self.heap) < min(self.capacity, 3)"),
}
assert "min(self.capacity, 3)" in SUBTLE_CODE["ticket-queue"]
ANSWERS = {EXACT: lambda slug: fenced(solution(slug)), SUBTLE: lambda slug: fenced(SUBTLE_CODE[slug])}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, CycleReport, FakeJudge, Any]]:
    directory = tmp_path_factory.mktemp("hidden-e2e")
    with FakeLeetCode.from_fixtures() as lc:
        add_recent_contest(lc)
        judge = FakeJudge.attach(lc, pending_polls=1, started_polls=1, time_limit_s=2.0)
        vllm = FakeOpenAI(models=[EXACT, SUBTLE], responder=per_model_responder(ANSWERS), capacity=4)
        vllm.start()
        try:
            values = settings_values(directory, [model_spec(EXACT, vllm.base_url, attempts=1),
                                                 model_spec(SUBTLE, vllm.base_url, attempts=1)],
                                     leetcode_url=lc.url)
            values["leetcode"].update(session=judge.session, csrftoken=judge.csrftoken)
            values["testgen"] = {"oracle": "leetcode", "count": 40, "min_interval_s": 0, "poll_interval_s": 0.02}
            values["submit"] = {"enabled": True, "attempts": 1, "daily_cap": 100, "min_interval_s": 0}
            settings = load_settings(**values)
            engine = open_database(settings.db_url())
            report = asyncio.run(run_cycle(settings, engine))
            yield engine, report, judge, settings
        finally:
            vllm.stop()


def test_one_cycle_gives_every_synced_problem_hidden_tests(cycle: tuple) -> None:
    engine, report, _, _ = cycle
    assert report.sync is not None and sorted(report.sync.stored) == sorted(CONTEST_SLUGS)
    assert report.testgen is not None and sorted(report.testgen.done) == sorted(CONTEST_SLUGS), report.testgen
    assert report.waiting == [], report.waiting
    with session_scope(engine) as s:
        for slug in CONTEST_SLUGS:
            pid = repo.get_problem(s, slug).id
            ts = repo.current_test_set(s, pid)  # type: ignore[arg-type]
            assert (ts.basis, ts.kind, ts.oracle) == ("generated", "generated", "leetcode"), slug
            assert ts.provenance.get("generated", 0) >= 30, (slug, ts.provenance, ts.origin)
            assert ts.origin["oracle_refs"] and ts.origin["oracle_calls"] >= 1


def test_the_right_solutions_pass_and_the_subtle_ones_are_rejected(cycle: tuple) -> None:
    engine, _, _, _ = cycle
    with session_scope(engine) as s:
        rows = s.execute(sa.select(models.ModelConfig.name, models.Problem.slug, models.Judgement.verdict,
                                   models.TestSet.basis)
                         .join(models.Generation, models.Generation.id == models.Judgement.generation_id)
                         .join(models.Unit, models.Unit.id == models.Generation.unit_id)
                         .join(models.ModelConfig, models.ModelConfig.id == models.Unit.model_config_id)
                         .join(models.Problem, models.Problem.id == models.Unit.problem_id)
                         .join(models.TestSet, models.TestSet.id == models.Judgement.test_set_id)
                         .where(models.Judgement.is_current)).all()
    got = {(name, slug): (str(v), basis) for name, slug, v, basis in rows}
    for slug in CONTEST_SLUGS:
        assert got[(EXACT, slug)] == ("Accepted", "generated"), slug
        assert got[(SUBTLE, slug)][0] != "Accepted" and got[(SUBTLE, slug)][1] == "generated", slug


def test_the_subtle_solutions_pass_the_examples_only_sets(cycle: tuple, judge: Judge) -> None:
    engine, _, _, _ = cycle
    with session_scope(engine) as s:
        for slug in CONTEST_SLUGS:
            pid = repo.get_problem(s, slug).id
            examples = s.execute(sa.select(models.TestSet.id).where(
                models.TestSet.problem_id == pid, models.TestSet.basis == "examples")).scalar_one()
            problem = repo.load_problem(s, pid, examples)  # type: ignore[arg-type]
            assert judge.judge(problem, SUBTLE_CODE[slug]).verdict is Verdict.ACCEPTED, slug


def test_local_verdicts_agree_with_leetcodes_on_every_unit(cycle: tuple) -> None:
    engine, report, judge, _ = cycle
    assert report.submit is not None and len(report.submit.judged) == 2 * len(CONTEST_SLUGS)
    assert report.submit.errors == []
    with session_scope(engine) as s:
        pairs = s.execute(sa.text("SELECT model_config, problem, local_verdict, leetcode_verdict, agree "
                                  "FROM v_leetcode_agreement")).all()
    assert len(pairs) == 2 * len(CONTEST_SLUGS)
    assert [p for p in pairs if not p.agree] == [], pairs
    assert len(judge.posts("submit")) == 2 * len(CONTEST_SLUGS)


def test_the_report_says_what_the_rates_rest_on(cycle: tuple) -> None:
    engine, _, _, _ = cycle
    md = render(make_report(engine), "md")
    assert "| Model | generated + leetcode outputs |" in md
    assert "examples only |" not in md.split("## Contamination-free view")[0]
    assert "## LeetCode's own verdicts" in md and "No disagreements." in md
    assert f"| {EXACT} | 100.0% (5/5) |" in md and f"| {SUBTLE} | 0.0% (0/5) |" in md


def test_a_second_cycle_does_nothing_new(cycle: tuple, tmp_path: Path) -> None:
    engine, _, judge, settings = cycle
    before = len(judge.posts("interpret")), len(judge.posts("submit"))
    again = asyncio.run(run_cycle(settings, engine))
    assert again.testgen is None and (again.submit is None or again.submit.judged == [])
    assert (len(judge.posts("interpret")), len(judge.posts("submit"))) == before
    assert again.progress is not None and (again.progress.generated, again.progress.judged) == (0, 0)
