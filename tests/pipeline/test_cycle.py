"""Whole cycles against real components: the fake LeetCode server, the fake vLLM,
the real Docker judge and a real SQLite file.

- `lcagent run` syncs the fake contest and, for two models with two attempts
  each, generates and judges every unit: model A (the reference solutions) is
  Accepted everywhere, model B (wrong solutions, prose for one problem) gets
  Wrong Answer / "no code"; provenance is recorded; a second run does nothing.
- The endpoint down (nothing listening, then failing every request) leaves
  units waiting and records nothing; when it is back, the next cycle completes.
- The Docker engine going away mid-run (a socket proxy that starts refusing)
  leaves generated units waiting with no verdict; the next cycle judges them;
  the containers the pool could not remove then are removed once it is back.
- `lcagent rejudge` after a test-set change judges again and keeps the old
  verdicts as history.
- The problem judged is the stored test set (its content hash survives the
  database), and two models on two endpoints are generated side by side.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from agent.cli import app
from agent.cycle import run_cycle
from agent.generation.extract import extractor_version
from agent.generation.prompts import TEMPLATES
from agent.pipeline import Progress
from agent.problem_store import store_problems
from agent.sources.leetcode_parse import question_to_problem
from judge.errors import SandboxUnavailable
from judge.image import image_tag
from judge.judging import DockerJudge
from judge.problem import Problem
from judge.remote import JudgeServer
from storage import models, open_database, repo
from storage.backup import backup
from storage.engine import session_scope
from tests.fakes.leetcode_server import FakeLeetCode
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.pipeline.conftest import (
    ANSWERS,
    CONTEST,
    CONTEST_SLUGS,
    A,
    B,
    DockerProxy,
    add_recent_contest,
    count_rows,
    db_url,
    expected_outcome,
    free_port,
    invariant_violations,
    judge_containers,
    lcagent_env,
    make_settings,
    model_spec,
    per_model_responder,
    state_counts,
    unit_outcomes,
    wait_for,
)

pytestmark = [pytest.mark.docker, pytest.mark.integration]

N_UNITS = len(CONTEST_SLUGS) * 2 * 2  # problems × models × attempts
NO_CODE = 2  # model B answers one problem in prose, twice


def expected_rows(attempts: int = 2) -> list[tuple]:
    """What the database must hold per unit once the fake contest is processed."""
    from tests.sources.conftest import solution

    rows = []
    for slug in CONTEST_SLUGS:
        for model in (A, B):
            outcome, verdict = expected_outcome(model, slug)
            code = None
            if outcome == "code":
                code = solution(slug, wrong=model == B).rstrip()
            for attempt in range(1, attempts + 1):
                rows.append((slug, model, attempt, "judged", outcome, code, verdict))
    return sorted(rows)


def check_code_matches(engine: Engine, attempts: int = 2) -> None:
    """Every unit judged with the right verdict, the extracted code being the
    reply's fenced code (modulo surrounding blank lines)."""
    for got, want in zip(unit_outcomes(engine), expected_rows(attempts), strict=True):
        assert got[:5] == want[:5] and got[6] == want[6], (got, want)
        assert (got[5] or "").strip() == (want[5] or "").strip(), got[:3]


# ======================================================================= full cycle


@pytest.fixture(scope="module")
def leetcode() -> Iterator[FakeLeetCode]:
    with FakeLeetCode.from_fixtures() as fake:
        add_recent_contest(fake)
        yield fake


@pytest.fixture(scope="module")
def vllm() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS), latency_s=0.02, capacity=4)
    fake.start()
    yield fake
    fake.stop()


SEED_A = 100


@pytest.fixture(scope="module")
def full_cycle(tmp_path_factory: pytest.TempPathFactory, leetcode: FakeLeetCode,
               vllm: FakeOpenAI) -> Iterator[tuple[Path, dict[str, str], str]]:
    """`lcagent run` once over the fake contest; (directory, env, CLI output)."""
    directory = tmp_path_factory.mktemp("cycle")
    env = lcagent_env(directory, [model_spec(A, vllm.base_url, sampling={"seed": SEED_A}),
                                  model_spec(B, vllm.base_url)],
                      leetcode_url=leetcode.url)
    result = CliRunner().invoke(app, ["run"], env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    yield directory, env, result.output


def copy_of(directory: Path, dest: Path) -> str:
    """A consistent copy of the cycle's database, for tests that change it."""
    dest.mkdir(parents=True, exist_ok=True)
    backup(db_url(directory), dest / "lcagent.sqlite3")
    return db_url(dest)


def test_run_judges_every_unit_with_the_right_verdict(full_cycle: tuple[Path, dict, str]) -> None:
    directory, _, output = full_cycle
    engine = open_database(db_url(directory))
    assert "sync: 1 contests, 5 problems stored, 0 failures" in output, output
    assert f"{N_UNITS} generated, {N_UNITS - NO_CODE} judged, 0 retried, 0 failed" in output, output
    assert state_counts(engine) == {"judged": N_UNITS}
    check_code_matches(engine)
    assert invariant_violations(engine) == []
    with session_scope(engine) as s:
        counts = {(cfg, r): n for cfg, r, n in s.execute(
            sa.select(models.ModelConfig.name, models.ResultCount.result, sa.func.sum(models.ResultCount.n))
            .join(models.ModelConfig, models.ModelConfig.id == models.ResultCount.model_config_id)
            .group_by(models.ModelConfig.name, models.ResultCount.result)).all()}
    assert counts == {(A, "Accepted"): 10, (B, "Wrong Answer"): 8, (B, "no code"): 2}


def test_run_through_the_judge_service_gives_the_local_judges_verdicts(
        full_cycle: tuple[Path, dict, str], leetcode: FakeLeetCode, vllm: FakeOpenAI, judge: DockerJudge,
        tmp_path: Path) -> None:
    """The same `lcagent run` with `judge.url` set: the pipeline judges through a
    real JudgeServer on 127.0.0.1 (in front of the real Docker judge) and stores
    what the local judge stored."""
    token = "cycle-test-token-0123456789"
    server = JudgeServer(judge, "127.0.0.1", 0, token)
    server.start_background()
    try:
        env = lcagent_env(tmp_path, [model_spec(A, vllm.base_url, sampling={"seed": SEED_A}),
                                     model_spec(B, vllm.base_url)], leetcode_url=leetcode.url,
                          extra={"LCAGENT_JUDGE__URL": server.url, "LCAGENT_JUDGE__TOKEN": token})
        result = CliRunner().invoke(app, ["run"], env=env)
    finally:
        server.close()
    assert result.exit_code == 0, (result.output, result.exception)
    assert f"{N_UNITS} generated, {N_UNITS - NO_CODE} judged, 0 retried, 0 failed" in result.output, result.output
    remote = open_database(db_url(tmp_path))
    assert invariant_violations(remote) == []
    assert unit_outcomes(remote) == unit_outcomes(open_database(db_url(full_cycle[0])))
    with session_scope(remote) as s:
        images = set(s.exec(sa.select(models.Judgement.judge_image)).scalars())
    assert images == {judge.pool.image_ref}


def synced_problems(leetcode: FakeLeetCode) -> dict[str, Problem]:
    """The contest's problems as the sync parsed them from the fake server."""
    return {slug: question_to_problem(leetcode.questions[slug]) for slug in CONTEST_SLUGS}


def test_run_records_provenance(full_cycle: tuple[Path, dict, str], vllm: FakeOpenAI,
                                leetcode: FakeLeetCode) -> None:
    directory, _, _ = full_cycle
    synced = synced_problems(leetcode)
    engine = open_database(db_url(directory))
    with session_scope(engine) as s:
        contest = s.execute(sa.select(models.Contest).where(models.Contest.slug == CONTEST)).scalar_one()
        configs = {c.name: c for c in s.execute(sa.select(models.ModelConfig)).scalars()}
        gens = s.execute(sa.select(models.Generation, models.Unit, models.Problem)
                         .join(models.Unit, models.Unit.id == models.Generation.unit_id)
                         .join(models.Problem, models.Problem.id == models.Unit.problem_id)).all()
        judgements = s.execute(sa.select(models.Judgement, models.TestSet, models.Problem)
                               .join(models.TestSet, models.TestSet.id == models.Judgement.test_set_id)
                               .join(models.Problem, models.Problem.id == models.TestSet.problem_id)).all()
        versions = {p: v for p, v in s.execute(sa.select(models.ProblemVersion.problem_id, models.ProblemVersion.id))}
        loaded = {slug: repo.load_problem(s, repo.get_problem(s, slug).id) for slug in CONTEST_SLUGS}  # type: ignore[arg-type]
    assert set(configs) == {A, B}
    template, extractor = TEMPLATES["lcb-v1"].version, extractor_version()
    assert re.fullmatch(r"extract@[0-9a-f]{8}", extractor)
    for c in configs.values():
        assert c.prompt_template == "lcb-v1" and c.prompt_template_version == template and c.attempts == 2
    assert len(gens) == N_UNITS
    for g, unit, problem in gens:
        assert problem.contest_id == contest.id and problem.release_time == contest.start_time
        assert g.endpoint == vllm.base_url
        config = next(c for c in configs.values() if c.id == unit.model_config_id)
        assert g.model_config_id == config.id and g.served_model == config.name  # served id = name here
        if config.name == A:  # a configured seed: attempt n sends seed + n - 1, k attempts are k samples
            assert g.sampling == {**config.sampling, "seed": SEED_A + unit.attempt - 1, "extractor": extractor}
        else:
            assert g.sampling == {**config.sampling, "extractor": extractor} and "seed" not in g.sampling
        assert g.prompt_template_version == template
        assert g.problem_version_id == versions[problem.id]
        assert [m["role"] for m in g.prompt] == ["system", "user"]
        assert loaded[problem.slug].starter_code.strip() in g.prompt[1]["content"]
        replied = g.raw_response["choices"][0]["message"]["content"]
        assert replied == ANSWERS[config.name](problem.slug)
        assert (g.extracted_code or "").strip() in replied
        assert g.finish_reason == "stop" and g.prompt_tokens and g.completion_tokens
        assert g.latency_ms is not None and g.latency_ms >= 15  # the fake's 20 ms
    assert len(judgements) == N_UNITS - NO_CODE
    for j, test_set, problem in judgements:
        assert j.is_current
        assert test_set.is_current and test_set.version == synced[problem.slug].test_set_version()
        assert j.judge_image.startswith(f"{image_tag()}@sha256:"), j.judge_image
        assert j.limits == loaded[problem.slug].limits.model_dump(mode="json")
        assert j.total == test_set.n_tests and len(j.per_test) == j.total
        assert (j.first_failure is None) == (str(j.verdict) == "Accepted")


def test_the_judged_problem_has_the_stored_test_set_version(full_cycle: tuple[Path, dict, str],
                                                             leetcode: FakeLeetCode) -> None:
    """What the pipeline loads back from the database and judges against must be
    the test set the verdict names: its content hash must not change on the way."""
    directory, _, _ = full_cycle
    engine = open_database(db_url(directory))
    synced = synced_problems(leetcode)
    with session_scope(engine) as s:
        for slug in CONTEST_SLUGS:
            pid = repo.get_problem(s, slug).id
            stored = repo.current_test_set(s, pid)  # type: ignore[arg-type]
            loaded = repo.load_problem(s, pid)  # type: ignore[arg-type]
            assert stored.version == synced[slug].test_set_version()
            assert [t.expected for t in loaded.tests] == [t.expected for t in synced[slug].tests]
            assert [type(t.expected) for t in loaded.tests] == [type(t.expected) for t in synced[slug].tests], slug
            assert loaded.test_set_version() == stored.version, slug


def test_a_second_run_does_nothing(full_cycle: tuple[Path, dict, str], vllm: FakeOpenAI,
                                   tmp_path: Path) -> None:
    directory, env, _ = full_cycle
    url = copy_of(directory, tmp_path)
    requests = vllm.requests
    result = CliRunner().invoke(app, ["run"], env={**env, "LCAGENT_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "0 generated, 0 judged, 0 retried, 0 failed" in result.output
    assert vllm.requests == requests
    engine = open_database(url)
    check_code_matches(engine)
    assert count_rows(engine, models.Judgement) == N_UNITS - NO_CODE


def test_rejudge_after_a_test_set_change_keeps_the_old_verdicts(full_cycle: tuple[Path, dict, str],
                                                                tmp_path: Path) -> None:
    directory, env, _ = full_cycle
    url = copy_of(directory, tmp_path)
    engine = open_database(url)
    slug = "sort-even-positions"
    with session_scope(engine) as s:
        pid = repo.get_problem(s, slug).id
        old_ts = repo.current_test_set(s, pid)  # type: ignore[arg-type]
        problem = repo.load_problem(s, pid)  # type: ignore[arg-type]
    # a re-sync found one more example: a new test set, now the current one
    changed = problem.model_copy(update={"tests": [*problem.tests, problem.tests[0]]})
    assert changed.test_set_version() != problem.test_set_version()
    assert store_problems(engine, [changed]) == (1, [])

    result = CliRunner().invoke(app, ["rejudge"], env={**env, "LCAGENT_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "4 generations to judge again" in result.output  # A's two and B's two; none of others
    assert "0 generated, 4 judged, 0 retried, 0 failed" in result.output

    with session_scope(engine) as s:
        new_ts = repo.current_test_set(s, pid)  # type: ignore[arg-type]
        rows = s.execute(sa.select(models.Judgement, models.Unit)
                         .join(models.Generation, models.Generation.id == models.Judgement.generation_id)
                         .join(models.Unit, models.Unit.id == models.Generation.unit_id)
                         .where(models.Unit.problem_id == pid)).all()
    assert new_ts.id != old_ts.id and new_ts.n_tests == old_ts.n_tests + 1
    by_gen: dict[int, list] = {}
    for j, _unit in rows:
        by_gen.setdefault(j.generation_id, []).append(j)
    assert len(by_gen) == 4
    for history in by_gen.values():
        old = [j for j in history if not j.is_current]
        new = [j for j in history if j.is_current]
        assert len(old) == 1 and len(new) == 1, history
        assert old[0].test_set_id == old_ts.id and new[0].test_set_id == new_ts.id
        assert old[0].verdict == new[0].verdict  # the same code, one more (duplicate) test
        assert new[0].total == old[0].total + 1
    assert count_rows(engine, models.Judgement) == N_UNITS - NO_CODE + 4
    check_code_matches(engine)
    assert invariant_violations(engine) == []

    again = CliRunner().invoke(app, ["rejudge"], env={**env, "LCAGENT_DATABASE_URL": url})
    assert again.exit_code == 0 and "0 generations to judge again" in again.output
    assert count_rows(engine, models.Judgement) == N_UNITS - NO_CODE + 4


# ======================================================================= endpoint down


def test_endpoint_down_units_wait_and_nothing_is_judged(tmp_path: Path, contest: FakeLeetCode) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    settings = make_settings(tmp_path, [model_spec(A, url), model_spec(B, url)], leetcode_url=contest.url,
                             backoff_s=4.0)
    engine = open_database(settings.db_url())

    # 1. nothing listens: the cycle syncs, then says both models wait
    report = asyncio.run(run_cycle(settings, engine))
    assert report.sync is not None and sorted(report.sync.stored) == sorted(CONTEST_SLUGS)
    assert len(report.waiting) == 2, report.waiting
    assert all("waits" in w and "not reachable" in w and str(port) in w for w in report.waiting)
    assert count_rows(engine, models.Generation) == 0
    assert count_rows(engine, models.Judgement) == 0 and count_rows(engine, models.ResultCount) == 0

    # 2. it answers GET /models, then fails every completion (HTTP 500 and dropped
    #    connections): every unit goes back to pending with a retry time
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS))
    fake.start(port=port)
    try:
        fake.add_faults(*(["500", "drop"] * (N_UNITS // 2)))
        before = datetime.now(UTC)
        report = asyncio.run(run_cycle(settings, engine, do_sync=False))
        assert len(report.waiting) == 2, report.waiting  # both models say why their units wait
        for model, w in zip((A, B), report.waiting, strict=True):
            assert w.startswith(f"model {model} waits: 10 units pending after errors"), w
        assert report.progress is not None
        assert (report.progress.generated, report.progress.judged, report.progress.retried,
                report.progress.failed) == (0, 0, N_UNITS, 0)
        assert not fake.faults and fake.completed == 0
        with session_scope(engine) as s:
            units = s.execute(sa.select(models.Unit)).scalars().all()
        assert len(units) == N_UNITS
        for u in units:
            assert u.state == "pending" and u.tries == 1, (u.state, u.tries)
            assert u.next_attempt_at is not None and u.next_attempt_at > before
            assert u.last_error and ("InternalServerError" in u.last_error or "Connection" in u.last_error)
        assert count_rows(engine, models.Generation) == 0
        assert count_rows(engine, models.Judgement) == 0 and count_rows(engine, models.ResultCount) == 0

        # 3. before the backoff is over, a cycle leaves them alone
        assert datetime.now(UTC) < min(u.next_attempt_at for u in units)  # type: ignore[type-var]
        report = asyncio.run(run_cycle(settings, engine, do_sync=False))
        assert report.progress is not None and report.progress.generated == 0 and fake.requests == N_UNITS

        # 4. it is back and the backoff is over: the next cycle completes
        wait_for(lambda: datetime.now(UTC) > max(u.next_attempt_at for u in units), 10, what="the backoff")
        report = asyncio.run(run_cycle(settings, engine, do_sync=False))
    finally:
        fake.stop()
    assert report.waiting == [] and report.progress is not None
    assert (report.progress.generated, report.progress.failed) == (N_UNITS, 0)
    assert fake.completed == N_UNITS
    check_code_matches(engine)
    assert invariant_violations(engine) == []


# ======================================================================= Docker down


def test_docker_engine_gone_mid_run_units_wait_without_verdict(
        tmp_path: Path, contest: FakeLeetCode, docker_proxy: DockerProxy,
        monkeypatch: pytest.MonkeyPatch, no_leaked_containers: None) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_proxy.url)
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS), latency_s=0.05)
    fake.start()
    # one attempt each (10 units, 9 to judge) and a backoff longer than the judge's
    # own retries of all units, so that each waiting unit is tried once in this cycle
    settings = make_settings(tmp_path, [model_spec(A, fake.base_url, attempts=1),
                                        model_spec(B, fake.base_url, attempts=1)],
                             leetcode_url=contest.url, backoff_s=12.0)
    engine = open_database(settings.db_url())
    units = len(CONTEST_SLUGS) * 2  # B's prose for one problem needs no judge
    seen: dict[str, int] = {}

    def on_progress(p: Progress) -> None:
        if p.judged >= 2 and not seen:  # two verdicts recorded: the engine goes away
            docker_proxy.down()
            seen["judged_when_down"] = p.judged

    try:
        before = datetime.now(UTC)
        report = asyncio.run(run_cycle(settings, engine, on_progress=on_progress))
        first_waiting = report.waiting
        assert seen, "the engine never went away: fewer than two verdicts"
        assert docker_proxy.accepted > 0  # the judge did talk through the proxy
        p = report.progress
        assert p is not None and p.generated == units and p.failed == 0 and p.retried >= 1
        judged_units = p.judged
        with session_scope(engine) as s:
            rows = s.execute(sa.select(models.Unit, models.Generation)
                             .join(models.Generation, models.Generation.unit_id == models.Unit.id)).all()
        waiting = [u for u, g in rows if u.state == "generated"]
        assert len(waiting) == units - 1 - judged_units >= 1
        for u in waiting:
            assert u.tries == 1 and u.next_attempt_at is not None and u.next_attempt_at > before
            assert "sandbox unavailable" in (u.last_error or ""), u.last_error
        # no verdict for any of them, and the verdicts recorded before are right
        assert count_rows(engine, models.Judgement) == judged_units
        assert invariant_violations(engine, finished=False) == []
        done = {(*r[:5], (r[5] or "").strip(), r[6]) for r in unit_outcomes(engine) if r[3] == "judged"}
        assert len(done) == judged_units + 1
        assert done <= {(*r[:5], (r[5] or "").strip(), r[6]) for r in expected_rows(attempts=1)}

        # the engine is back: the next cycle judges the waiting units
        docker_proxy.up()
        wait_for(lambda: datetime.now(UTC) > max(u.next_attempt_at for u in waiting), 30, what="the backoff")
        report = asyncio.run(run_cycle(settings, engine, do_sync=False))
    finally:
        fake.stop()
    assert report.waiting == [] and report.progress is not None
    assert (report.progress.generated, report.progress.judged, report.progress.failed) == (0, len(waiting), 0)
    assert fake.completed == units
    check_code_matches(engine, attempts=1)
    assert invariant_violations(engine) == []
    assert count_rows(engine, models.Judgement) == units - 1  # each judged once, no history
    # like units an endpoint error sent back ("model X waits: N units pending after
    # errors"), units the judge could not take must be reported as waiting
    assert any(w.startswith("judging waits") for w in first_waiting), first_waiting


def test_docker_engine_away_at_start_generation_goes_on(
        tmp_path: Path, contest: FakeLeetCode, docker_proxy: DockerProxy,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_proxy.url)
    docker_proxy.down()
    fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS))
    fake.start()
    try:
        settings = make_settings(tmp_path, [model_spec(A, fake.base_url), model_spec(B, fake.base_url)],
                                 leetcode_url=contest.url)
        engine = open_database(settings.db_url())
        report = asyncio.run(run_cycle(settings, engine))
    finally:
        fake.stop()
    assert any("judging waits" in w and "Docker" in w for w in report.waiting), report.waiting
    assert report.progress is not None and report.progress.generated == N_UNITS
    assert state_counts(engine) == {"generated": N_UNITS - NO_CODE, "judged": NO_CODE}  # B's prose needs no judge
    assert count_rows(engine, models.Judgement) == 0
    assert invariant_violations(engine, finished=False) == []


def test_judge_containers_do_not_outlive_an_engine_outage(
        docker_proxy: DockerProxy, monkeypatch: pytest.MonkeyPatch, no_leaked_containers: None) -> None:
    """A container the pool could not remove while the engine was away must go
    once the engine is back (the next pool's sweep skips this live process's)."""
    from judge.judging import DockerJudge
    from judge.sandbox import SandboxConfig, SandboxPool
    from judge.verdict import Verdict
    from tests.support import function_problem

    monkeypatch.setenv("DOCKER_HOST", docker_proxy.url)
    mine = judge_containers(os.getpid())
    problem = function_problem("f", [("x", "integer")], "integer", [("1", 1)])
    code = "class Solution:\n    def f(self, x: int) -> int:\n        return x\n"
    with SandboxPool(SandboxConfig(image=image_tag(), parallelism=1)) as pool:
        assert DockerJudge(pool).judge(problem, code).verdict is Verdict.ACCEPTED
        docker_proxy.down()
        with pytest.raises(SandboxUnavailable):
            DockerJudge(pool, attempts=1).judge(problem, code)
    docker_proxy.up()
    with SandboxPool(SandboxConfig(image=image_tag(), parallelism=1)) as pool:
        assert DockerJudge(pool).judge(problem, code).verdict is Verdict.ACCEPTED
    assert judge_containers(os.getpid()) - mine == set()


# ======================================================================= two endpoints


def test_two_models_on_two_endpoints_are_generated_side_by_side(tmp_path: Path, contest: FakeLeetCode) -> None:
    """Each model has its own endpoint and concurrency; one model's queue must not
    leave the other's endpoint idle. Generation only (judge=False)."""
    arrivals: dict[str, list[float]] = {A: [], B: []}

    def recording(model: str) -> FakeOpenAI:
        respond = per_model_responder(ANSWERS)

        def responder(body: dict) -> Reply:
            return respond(body)

        fake = FakeOpenAI(models=[model], responder=responder, latency_s=0.4, capacity=2)
        original = fake._completion

        def completion(body: dict) -> dict:  # called once the latency is served
            arrivals[model].append(time.monotonic() - fake.latency_s)
            return original(body)

        fake._completion = completion  # type: ignore[method-assign]
        return fake

    fakes = {m: recording(m) for m in (A, B)}
    for f in fakes.values():
        f.start()
    try:
        settings = make_settings(tmp_path, [model_spec(A, fakes[A].base_url, attempts=1, concurrency=2),
                                            model_spec(B, fakes[B].base_url, attempts=1, concurrency=2)],
                                 leetcode_url=contest.url)
        engine = open_database(settings.db_url())
        started = time.monotonic()
        report = asyncio.run(run_cycle(settings, engine, judge=False))
        wall = time.monotonic() - started
    finally:
        for f in fakes.values():
            f.stop()
    assert report.progress is not None and report.progress.generated == 10
    # 5 requests per endpoint, 2 at a time, 0.4 s each: 3 waves = 1.2 s when both
    # endpoints work side by side, 2.4 s+ when one waits for the other's queue
    first_a, first_b = min(arrivals[A]), min(arrivals[B])
    assert abs(first_b - first_a) < 0.2, (
        f"model B's first request came {first_b - first_a:.2f} s after model A's: its endpoint sat idle "
        f"while A's queue was served (cycle {wall:.2f} s)")


# ======================================================================= helpers' own check


def test_the_fake_contest_is_synced_with_its_start_time(tmp_path: Path, contest: FakeLeetCode) -> None:
    """Guards the fixture: the contest is new enough for a plain sync (real clock)."""
    settings = make_settings(tmp_path, [], leetcode_url=contest.url)
    engine = open_database(settings.db_url())
    report = asyncio.run(run_cycle(settings, engine, generate=False, judge=False))
    assert report.sync is not None and report.sync.contests == [CONTEST] and report.sync.failures == []
    with session_scope(engine) as s:
        c = s.execute(sa.select(models.Contest).where(models.Contest.slug == CONTEST)).scalar_one()
    assert c.start_time == datetime.fromtimestamp(contest.contests[CONTEST]["contest"]["start_time"], UTC)
