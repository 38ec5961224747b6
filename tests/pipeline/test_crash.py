"""Crash safety: `lcagent run --no-sync` in a subprocess over 20 problems × 2
models × 2 attempts (80 units, the fake vLLM answering in 0.3 s), SIGKILLed at
seeded random moments — while units are generating, while they are judging, and
at any time — restarted after each kill, then run to completion. The final
database must equal that of an uninterrupted run on a fresh database: the same
(problem, configuration, attempt, outcome, extracted code, verdict) per unit,
one generation per unit, one current judgement per generation, nothing left in
flight, the result_count rollup equal to the base rows; and nothing paid for
twice but what was in flight when the process died.
"""

from __future__ import annotations

import json
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent.generation.prompts import LCB_SYSTEM, TEMPLATES, render
from agent.problem_store import store_problems
from judge.problem import Problem
from storage import models, open_database
from storage.engine import session_scope
from tests.fakes.openai_server import FakeOpenAI
from tests.pipeline.conftest import (
    Lcagent,
    count_rows,
    fenced,
    invariant_violations,
    lcagent_env,
    model_spec,
    per_model_responder,
    slug_of,
    state_counts,
    unit_outcomes,
    wait_for,
)

pytestmark = [pytest.mark.docker, pytest.mark.integration]

SEED = 20261129
KILLS = 12
# LeetCodeDataset problems whose reference solutions judge in well under 0.2 s
PROBLEMS = [
    "convert-date-to-binary", "minimum-element-after-replacement-with-digit-sum",
    "find-the-k-th-character-in-string-game-i", "reverse-linked-list", "sum-of-consecutive-subarrays",
    "remove-linked-list-elements", "find-the-sequence-of-strings-appeared-on-the-screen",
    "stone-removal-game", "binary-tree-postorder-traversal", "add-two-numbers",
    "zero-array-transformation-ii", "sum-of-good-numbers", "rotate-list", "minimum-positive-sum-subarray",
    "check-balanced-string", "same-tree", "balanced-binary-tree",
    "final-array-state-after-k-multiplication-operations-i", "snake-in-matrix",
    "count-subarrays-of-length-three-with-a-condition",
]
GOOD, BAD = "crash-good", "crash-bad"
UNITS = len(PROBLEMS) * 2 * 2


def prompt_keys(problems: dict[str, Problem]) -> dict[str, str]:
    """A substring of each problem's prompt (as the server sees it: JSON) -> slug."""
    keys = {}
    for slug in PROBLEMS:
        first = problems[slug].statement.strip().splitlines()[0][:120]
        keys[json.dumps(first)[1:-1]] = slug
    return keys


# every answer's code takes a quarter second to load, so that judging lasts long
# enough to be killed in the middle of it (the verdicts do not change)
SLOW = "import time\ntime.sleep(0.25)\n\n"


def answers(problems: dict[str, Problem]) -> dict:
    def good(slug: str) -> str:
        return fenced(SLOW + (problems[slug].reference_solution or ""))

    def bad(slug: str) -> str:  # the bare starter code for half, prose for the other half
        if PROBLEMS.index(slug) % 2:
            return "Think about it step by step; I will not write the code."
        return fenced(SLOW + problems[slug].starter_code.rstrip() + "\n        pass")

    return {GOOD: good, BAD: bad}


@pytest.fixture(scope="module")
def problems(corpus_problems: dict[str, Problem]) -> dict[str, Problem]:
    chosen = {slug: corpus_problems[slug] for slug in PROBLEMS}
    keys = prompt_keys(chosen)
    assert len(keys) == len(PROBLEMS)
    for slug, p in chosen.items():  # each prompt names exactly its own problem
        body = {"messages": render(TEMPLATES["lcb-v1"], p)}
        assert slug_of(body, keys) == slug, slug
        assert body["messages"][0]["content"] == LCB_SYSTEM
    return chosen


@pytest.fixture
def vllm(problems: dict[str, Problem]) -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(models=[GOOD, BAD], responder=per_model_responder(answers(problems), prompt_keys(problems)),
                      latency_s=0.3, capacity=8)
    fake.start()
    yield fake
    fake.stop()


def claims(engine: Engine, state: str) -> set[str]:
    with session_scope(engine) as s:
        return {t for t in s.execute(sa.select(models.Unit.claim_token).where(models.Unit.state == state))
                .scalars() if t}


def prepare(directory: Path, problems: dict[str, Problem], fake: FakeOpenAI) -> dict[str, str]:
    directory.mkdir(parents=True, exist_ok=True)
    env = lcagent_env(directory, [model_spec(GOOD, fake.base_url), model_spec(BAD, fake.base_url)],
                      sources=["leetcodedataset"], backoff_s=0.5)
    engine = open_database(env["LCAGENT_DATABASE_URL"])
    assert store_problems(engine, problems.values()) == (len(problems), [])
    return env


def run_to_the_end(directory: Path, env: dict[str, str], name: str) -> Lcagent:
    p = Lcagent(["run", "--no-sync"], env, directory / f"{name}.log", directory)
    code = p.wait(240)
    assert code == 0, p.text()[-4000:]
    return p


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
        tmp_path: Path, problems: dict[str, Problem], vllm: FakeOpenAI, lcagent_procs: list[Lcagent],
        no_leaked_containers: None) -> None:
    # the uninterrupted run
    reference_env = prepare(tmp_path / "reference", problems, vllm)
    run_to_the_end(tmp_path / "reference", reference_env, "reference")
    reference_db = open_database(reference_env["LCAGENT_DATABASE_URL"], read_only=True)
    reference = unit_outcomes(reference_db)
    assert len(reference) == UNITS
    assert invariant_violations(reference_db) == []
    assert {(cfg, v or out) for _s, cfg, _a, _st, out, _c, v in reference} == {
        (GOOD, "Accepted"), (BAD, "Wrong Answer"), (BAD, "no code")}, reference
    assert vllm.completed == UNITS

    # the same, killed again and again
    before = vllm.completed
    directory = tmp_path / "killed"
    env = prepare(directory, problems, vllm)
    db = open_database(env["LCAGENT_DATABASE_URL"], read_only=True)
    rng = random.Random(SEED)
    kills: list[tuple[str, float, dict[str, int]]] = []
    stale: set[str] = set()  # claims of the processes killed so far
    for i in range(KILLS):
        target = ("generating", "judging", "anytime")[i % 3]
        p = Lcagent(["run", "--no-sync"], env, directory / f"life-{i}.log", directory)
        lcagent_procs.append(p)
        if target == "anytime":
            time.sleep(rng.uniform(1.0, 5.0))
        else:
            # this process has recorded something of the kind, and has a unit of
            # the kind in flight (the killed one's are released at its start)
            table = models.Generation if target == "generating" else models.Judgement
            start = count_rows(db, table)
            wait_for(lambda t=target, p=p, old=stale, tb=table, n=start:
                     (count_rows(db, tb) > n and claims(db, t) - old) or not p.alive(), 60, 0.01,
                     f"a unit {target}")
            time.sleep(rng.uniform(0.0, 0.3 if target == "generating" else 0.15))
        if not p.alive():
            pytest.fail(f"the run finished before kill {i + 1} of {KILLS}: {p.text()[-2000:]}")
        p.signal(signal.SIGKILL)
        p.wait(30)
        left = state_counts(db)
        stale |= claims(db, "generating") | claims(db, "judging")
        kills.append((target, time.monotonic() - p.started, left))
    run_to_the_end(directory, env, "final")

    in_flight_at_kills = [(k[2].get("generating", 0), k[2].get("judging", 0)) for k in kills]
    assert sum(1 for g, _ in in_flight_at_kills if g) >= 3, kills
    assert sum(1 for _, j in in_flight_at_kills if j) >= 3, kills
    judged = [k[2].get("judged", 0) for k in kills]
    assert judged == sorted(judged) and judged[-1] > 0, kills  # work kept between kills, never undone

    assert unit_outcomes(db) == reference
    assert invariant_violations(db) == []
    # paid for twice: at most the generations in flight when the process died
    asked_again = vllm.completed - before - UNITS
    assert 0 <= asked_again <= sum(g for g, _ in in_flight_at_kills), (asked_again, kills)
