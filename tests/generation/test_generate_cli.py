"""`lcagent generate` end to end through typer's CliRunner: a real SQLite file, models
configured by `LCAGENT_MODELS`, the fake OpenAI-compatible server on 127.0.0.1.
Every generation is recorded with its provenance, none is lost or duplicated under
faults, a 400 fails only its unit, and configuration or endpoint trouble gives a
non-zero exit with a message that says what is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner, Result

from agent.cli import app
from agent.generation.config import ModelSpec
from agent.generation.extract import extractor_version
from agent.generation.prompts import render, template_for, template_version
from agent.pipeline import plan_units, register_model
from agent.problem_store import store_problems
from judge.problem import Problem
from storage import open_database
from storage.engine import session_scope
from storage.models import Generation, Model, ModelConfig, Outcome, Unit, UnitState
from tests.fakes.openai_server import Reply

from .conftest import RecordingFake, closed_port_url

pytestmark = pytest.mark.integration

CODE, PROSE, CUT = "snake-in-matrix", "convert-date-to-binary", "find-the-largest-palindrome-divisible-by-k"
MORE = ["shortest-distance-after-road-addition-queries-ii", "final-array-state-after-k-multiplication-operations-i"]
SAMPLING = {"temperature": 1.0, "top_p": 0.95, "top_k": -1}


def model_entry(url: str, **kw: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": "m1", "served_id": "fake-model", "base_urls": [url], "sampling": SAMPLING,
                             "concurrency": 4, "retries": 10, "retry_backoff_s": 0.0, "request_timeout_s": 20.0}
    entry.update(kw)
    return entry


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lcagent.sqlite3'}"


@pytest.fixture
def engine(db_url: str, corpus_problems: dict[str, Problem]) -> Engine:
    eng = open_database(db_url)
    stored, failed = store_problems(eng, [corpus_problems[s] for s in (CODE, PROSE, CUT, *MORE)])
    assert (stored, failed) == (5, [])
    return eng


@pytest.fixture
def invoke(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `lcagent generate ...` with the test's database and these models."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LCAGENT_CONFIG", raising=False)

    def go(models: list[dict[str, Any]], *args: str) -> Result:
        env = {"LCAGENT_DATABASE_URL": db_url, "LCAGENT_DATA_DIR": str(tmp_path / "data"),
               "LCAGENT_CACHE_DIR": str(tmp_path / "cache"), "LCAGENT_SYNC_LEETCODE": "false",
               "LCAGENT_MODELS": json.dumps(models), "COLUMNS": "400"}
        return CliRunner().invoke(app, ["generate", *args], env=env)

    return go


def flat(result: Result) -> str:
    return " ".join(result.output.split())


def by_method(problems: dict[str, Problem], replies: dict[str, Reply]) -> Callable[[dict], Reply]:
    """Answer each problem by the method name its starter code shows."""
    keys = {f"def {problems[slug].signature.name}(": reply for slug, reply in replies.items()}  # type: ignore[union-attr]

    def respond(body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        for key, reply in keys.items():
            if key in prompt:
                return reply
        return Reply(content="unknown problem")

    return respond


def rows(engine: Engine) -> tuple[list[Unit], list[Generation]]:
    with session_scope(engine) as s:
        units = list(s.exec(select(Unit).order_by(Unit.id)).all())
        gens = list(s.exec(select(Generation).order_by(Generation.id)).all())
        s.expunge_all()
    return units, gens


def slug_of(engine: Engine, problem_id: int) -> str:
    with session_scope(engine) as s:
        return s.execute(sa.text("select slug from problem where id = :i"), {"i": problem_id}).scalar_one()


def usage(problem: Problem) -> str:
    return f"sol = Solution()\nprint(sol.{problem.signature.name}())\n"  # type: ignore[union-attr]


# ----------------------------------------------------------- everything recorded


def test_generate_records_everything(make_fake: Callable[..., RecordingFake], engine: Engine,
                                     invoke: Callable[..., Result], corpus_problems: dict[str, Problem]) -> None:
    code_problem = corpus_problems[CODE]
    ref = (code_problem.reference_solution or "").rstrip() + "\n"
    code_reply = Reply(content=f"Here it is.\n```python\n{ref}```\nUsage:\n```python\n{usage(code_problem)}```\n",
                       reasoning="Simulate the moves.", completion_tokens=321)
    prose_reply = Reply(content="<think>\nA draft:\n```python\nclass Solution: pass\n```\n</think>\nSorry, no idea.",
                        completion_tokens=55)
    cut_reply = Reply(content=f"```python\n{corpus_problems[CUT].reference_solution}", finish_reason="length",
                      completion_tokens=32768)
    fake = make_fake(latency_s=0.05, responder=by_method(corpus_problems, {CODE: code_reply, PROSE: prose_reply,
                                                                          CUT: cut_reply}))
    entry = model_entry(fake.base_url)
    result = invoke([entry], "--model", "m1", "--problems", CODE, "--problems", PROSE, "--problems", CUT,
                    "--attempts", "2")
    assert result.exit_code == 0, result.output
    assert "6 generated, 0 judged, 0 retried, 0 failed" in flat(result)

    spec = ModelSpec.model_validate(entry).model_copy(update={"attempts": 2})
    units, gens = rows(engine)
    assert len(units) == 6 and len(gens) == 6 and fake.completed == 6
    assert sorted((slug_of(engine, u.problem_id), u.attempt) for u in units) == \
        sorted((s, a) for s in (CODE, PROSE, CUT) for a in (1, 2))
    assert {g.unit_id for g in gens} == {u.id for u in units}
    unit_by_id = {u.id: u for u in units}
    for g in gens:
        unit = unit_by_id[g.unit_id]
        slug = slug_of(engine, unit.problem_id)
        problem = corpus_problems[slug]
        reply = {CODE: code_reply, PROSE: prose_reply, CUT: cut_reply}[slug]
        assert g.raw_response["choices"][0]["message"]["content"] == reply.content
        assert g.raw_response["usage"]["completion_tokens"] == reply.completion_tokens
        assert g.finish_reason == reply.finish_reason
        assert g.completion_tokens == reply.completion_tokens
        assert g.prompt_tokens is not None and g.prompt_tokens > 100
        assert g.latency_ms is not None and g.latency_ms >= 50
        assert g.endpoint == fake.base_url and g.served_model == "fake-model"
        assert g.sampling == {**SAMPLING, "extra_body": {}, "extractor": extractor_version()}
        assert g.prompt_template_version == template_version(spec)
        assert g.prompt_template_version.startswith("lcb-v1@")
        assert g.prompt == render(template_for(spec), problem)
        assert g.problem_version_id is not None
        assert g.model_config_id == unit.model_config_id
        if slug == CODE:
            assert (g.outcome, g.extracted_code, g.reasoning) == (Outcome.CODE, ref, "Simulate the moves.")
            assert g.content == reply.content.strip()
            assert unit.state is UnitState.GENERATED
        elif slug == PROSE:
            assert (g.outcome, g.extracted_code) == (Outcome.NO_CODE, None)
            assert g.reasoning is not None and "A draft" in g.reasoning
            assert g.content == "Sorry, no idea."
            assert unit.state is UnitState.JUDGED
        else:
            assert g.outcome is Outcome.TRUNCATED and g.extracted_code is not None
            assert unit.state is UnitState.JUDGED
    # what reached the server: the model's sampling, vLLM extras included
    assert len(fake.bodies) == 6
    assert all(b["temperature"] == 1.0 and b["top_p"] == 0.95 and b["top_k"] == -1 for b in fake.bodies)
    assert all("stop" not in b and "max_tokens" not in b for b in fake.bodies)
    with session_scope(engine) as s:
        (config,) = s.exec(select(ModelConfig)).all()
        (model,) = s.exec(select(Model)).all()
        assert (config.name, config.attempts, config.sampling) == ("m1", 2, {**SAMPLING, "extra_body": {}})
        assert config.prompt_template_version == template_version(spec)
        assert (model.name, model.served_id, model.endpoints) == ("m1", "fake-model", [fake.base_url])

    again = invoke([entry], "--model", "m1", "--problems", CODE, "--problems", PROSE, "--problems", CUT,
                   "--attempts", "2")
    assert again.exit_code == 0, again.output
    assert "0 generated" in flat(again)
    assert fake.requests == 6 and len(rows(engine)[1]) == 6


# -------------------------------------------------------------------- faults


def test_no_generation_lost_or_duplicated_under_faults(make_fake: Callable[..., RecordingFake], engine: Engine,
                                                       invoke: Callable[..., Result],
                                                       corpus_problems: dict[str, Problem]) -> None:
    slugs = [CODE, PROSE, CUT, *MORE]
    replies = {s: Reply(content=f"```python\n{corpus_problems[s].reference_solution}\n```") for s in slugs}
    fake = make_fake(latency_s=0.02, responder=by_method(corpus_problems, replies))
    faults = ["500", "429", "drop", "malformed", "500", "drop", "429", "malformed", "drop", "500"]
    fake.add_faults(*faults)
    args = [a for s in slugs for a in ("--problems", s)]
    result = invoke([model_entry(fake.base_url, retries=len(faults) + 1)], "--model", "m1", *args,
                    "--attempts", "3")
    assert result.exit_code == 0, result.output
    units, gens = rows(engine)
    assert len(units) == 15
    assert len(gens) == 15 and len({g.unit_id for g in gens}) == 15  # exactly one per unit
    assert fake.completed == 15  # every answer the server completed is stored
    assert fake.requests == 15 + len(faults) and not fake.faults
    assert all(u.state is UnitState.GENERATED and u.tries == 0 for u in units)
    assert all(g.outcome is Outcome.CODE for g in gens)
    assert "15 generated, 0 judged, 0 retried, 0 failed" in flat(result)


def test_a_400_after_successes_fails_only_its_unit(make_fake: Callable[..., RecordingFake], engine: Engine,
                                                  invoke: Callable[..., Result]) -> None:
    """Once the model has answered, a rejected request is that request's fault."""
    fake = make_fake(latency_s=0.02)
    fake.add_faults("none", "400")  # the first request is served, the second rejected
    result = invoke([model_entry(fake.base_url, concurrency=1)],
                    "--problems", CODE, "--problems", PROSE, "--attempts", "2")
    assert result.exit_code == 1, result.output
    assert "3 generated, 0 judged, 0 retried, 1 failed" in flat(result)
    units, gens = rows(engine)
    failed = [u for u in units if u.state is UnitState.FAILED]
    assert len(failed) == 1
    assert "HTTP 400" in (failed[0].last_error or "") and "injected fault 400" in (failed[0].last_error or "")
    assert failed[0].id not in {g.unit_id for g in gens}
    assert len(gens) == 3 and {g.unit_id for g in gens} == {u.id for u in units} - {failed[0].id}
    assert fake.requests == 4  # the 400 was not retried


def test_a_400_before_any_success_stops_early(make_fake: Callable[..., RecordingFake], engine: Engine,
                                             invoke: Callable[..., Result]) -> None:
    """Rejected before anything worked: the configuration is wrong. Stop at once with
    the endpoint's message; no unit is burnt, all wait for a fixed configuration."""
    fake = make_fake()
    fake.add_faults(*["400"] * 4)
    result = invoke([model_entry(fake.base_url, concurrency=1)],
                    "--problems", CODE, "--problems", PROSE, "--attempts", "2")
    assert result.exit_code == 1, result.output
    assert "stopping" in flat(result) and "HTTP 400" in flat(result) and "injected fault 400" in flat(result)
    assert "Traceback" not in result.output
    units, gens = rows(engine)
    assert gens == [] and len(units) == 4
    assert all(u.state is UnitState.PENDING for u in units)
    assert fake.requests == 1 and fake.completed == 0


# ------------------------------------------------------ configuration, endpoint


def test_model_not_served(make_fake: Callable[..., RecordingFake], engine: Engine,
                          invoke: Callable[..., Result]) -> None:
    fake = make_fake()
    result = invoke([model_entry(fake.base_url, served_id="org/nope")], "--problems", CODE)
    assert result.exit_code == 1, result.output
    assert f"error: {fake.base_url} does not serve model 'org/nope' (it serves: fake-model)" in flat(result)
    assert "Traceback" not in result.output
    units, gens = rows(engine)
    assert units == [] and gens == [] and fake.requests == 0


def test_unknown_model_name(make_fake: Callable[..., RecordingFake], engine: Engine,
                            invoke: Callable[..., Result]) -> None:
    fake = make_fake()
    result = invoke([model_entry(fake.base_url)], "--model", "m2", "--problems", CODE)
    assert result.exit_code == 1
    assert "unknown model m2 (configured: m1)" in flat(result)
    assert rows(engine) == ([], [])


def test_endpoint_down_leaves_units_pending(engine: Engine, invoke: Callable[..., Result]) -> None:
    entry = model_entry(closed_port_url())
    spec = ModelSpec.model_validate(entry)
    # units planned by an earlier run of this configuration
    config_id = register_model(engine, spec, spec.model_id)
    with session_scope(engine) as s:
        ids = [s.execute(sa.text("select id from problem where slug = :s"), {"s": slug}).scalar_one()
               for slug in (CODE, PROSE)]
    assert plan_units(engine, config_id, ids) == 2
    result = invoke([entry], "--problems", CODE, "--problems", PROSE)
    assert result.exit_code != 0, result.output
    text = flat(result)
    assert "model m1 waits" in text and "is not reachable" in text
    units, gens = rows(engine)
    assert gens == [] and len(units) == 2
    assert all(u.state is UnitState.PENDING and u.tries == 0 for u in units)


def test_endpoint_failing_during_the_run_leaves_units_pending_and_says_so(
        make_fake: Callable[..., RecordingFake], engine: Engine, invoke: Callable[..., Result]) -> None:
    # the start check passes, then every request is dropped: nothing can be generated
    fake = make_fake()
    fake.add_faults(*["drop"] * 20)
    result = invoke([model_entry(fake.base_url, retries=2)], "--problems", CODE, "--problems", PROSE)
    units, gens = rows(engine)
    assert gens == [] and len(units) == 2
    assert all(u.state is UnitState.PENDING and u.tries == 1 and u.next_attempt_at is not None for u in units)
    assert all("APIConnectionError" in (u.last_error or "") for u in units)
    assert fake.requests == 4
    assert "0 generated, 0 judged, 2 retried, 0 failed" in flat(result)
    # the units wait for the endpoint: like an endpoint down at start, say so and exit non-zero
    assert result.exit_code != 0, result.output
    assert "waits" in flat(result)


def test_prompt_override_with_a_typo_is_a_clear_error(make_fake: Callable[..., RecordingFake], engine: Engine,
                                                      invoke: Callable[..., Result]) -> None:
    fake = make_fake()
    entry = model_entry(fake.base_url, prompt_override={"name": "mine", "user": "{statment}\n{starter_code}"})
    result = invoke([entry], "--problems", CODE)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # a message, not a traceback
    units, gens = rows(engine)
    assert gens == [] and fake.requests == 0
    assert all(u.state is not UnitState.GENERATING for u in units)  # not left claimed
    # the error names the placeholder: printed, or kept with the unit (`lcagent status`)
    assert "statment" in flat(result) or any("statment" in (u.last_error or "") for u in units)
