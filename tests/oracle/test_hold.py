"""With an oracle configured, nothing is judged on examples alone: while LeetCode
is unavailable the problems wait for their hidden tests and so do their units
(generated, not judged); the next cycle makes the tests and judges the units on
them. Problems the generator cannot serve are judged on their examples, labelled.
Real fake LeetCode, fake vLLM, Docker judge, SQLite; hand-picked inputs stand in
for agent.testgen (its own tests cover it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from agent.cycle import run_cycle
from agent.settings import load_settings
from storage import models, open_database
from storage.engine import session_scope
from tests.fakes.leetcode_judge import FakeJudge
from tests.fakes.leetcode_server import FakeLeetCode
from tests.fakes.openai_server import FakeOpenAI
from tests.oracle.test_runner import INPUTS, hand_picked
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


def verdicts(engine: sa.Engine) -> dict[str, tuple[str, str | None, str | None]]:
    with session_scope(engine) as s:
        rows = s.execute(sa.text("SELECT problem, state, verdict, test_basis, test_oracle FROM v_results")).all()
    # the dashboard names the oracle of a generated basis, and only of one
    assert all((oracle is not None) == (basis == "generated") for _, _, _, basis, oracle in rows), rows
    assert {oracle for *_, oracle in rows} <= {None, "leetcode"}, rows
    return {p: (state, verdict, basis) for p, state, verdict, basis, _ in rows}


def test_units_wait_for_hidden_tests_instead_of_being_judged_on_examples(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agent.oracle.hidden.default_inputs", hand_picked)
    with FakeLeetCode.from_fixtures() as lc:
        add_recent_contest(lc)
        judge = FakeJudge.attach(lc, pending_polls=0, started_polls=0)
        vllm = FakeOpenAI(models=["m"], responder=per_model_responder({"m": lambda s: fenced(solution(s))}))
        vllm.start()
        try:
            values = settings_values(tmp_path, [model_spec("m", vllm.base_url, attempts=1)], leetcode_url=lc.url)
            values["leetcode"].update(session=judge.session, csrftoken=judge.csrftoken)
            values["testgen"] = {"oracle": "leetcode", "min_interval_s": 0, "poll_interval_s": 0.01,
                                 "backoff_s": 0}
            settings = load_settings(**values)
            engine = open_database(settings.db_url())

            lc.fail("interpret", "status", status=503, times=10**6)  # LeetCode's judge is down
            first = asyncio.run(run_cycle(settings, engine))
            assert first.progress is not None and first.progress.generated == len(CONTEST_SLUGS)
            assert any(w.startswith("hidden tests wait for 2 problems") for w in first.waiting), first.waiting
            assert any("2 generated units wait for their problems' hidden tests" in w for w in first.waiting)
            got = verdicts(engine)
            for slug in INPUTS:  # held: generated, not judged
                assert got[slug] == ("generated", None, None), slug
            for slug in set(CONTEST_SLUGS) - set(INPUTS):  # no inputs to be had: judged on examples
                assert got[slug] == ("judged", "Accepted", "examples"), slug

            with lc._lock:
                lc._faults.clear()
            second = asyncio.run(run_cycle(settings, engine))
            assert second.testgen is not None and sorted(second.testgen.done) == sorted(INPUTS)
            assert second.waiting == [] and second.progress is not None and second.progress.judged == 2
            got = verdicts(engine)
            for slug in INPUTS:
                assert got[slug] == ("judged", "Accepted", "generated"), slug
            with session_scope(engine) as s:  # one judgement per unit: nothing was judged on examples first
                assert s.execute(sa.select(sa.func.count()).select_from(models.Judgement)).scalar_one() == 5
        finally:
            vllm.stop()
