"""The `Judge` protocol (`judge.protocol`) and its two implementations: the local
Docker judge and the judge service's client, a real JudgeServer on 127.0.0.1 in
front of the real Docker judge. The same tests, and `lcagent judge`, run against
both; what a caller sees must not depend on which one it holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.oracle.reference import ReferenceOracle
from judge.errors import JudgeError, ProblemError, SandboxUnavailable
from judge.image import image_tag
from judge.judging import DockerJudge
from judge.problem import Limits
from judge.protocol import Judge
from judge.remote import JudgeServer, RemoteJudge
from judge.sandbox import SandboxConfig, SandboxPool
from judge.verdict import JudgeResult, Verdict
from tests.pipeline.conftest import lcagent_env
from tests.support import function_problem

pytestmark = pytest.mark.docker

TOKEN = "protocol-test-token-0123456789"
LIMITS = {"time_ms": 2000, "total_time_ms": 10_000, "memory_mb": 256}
ADD = function_problem("add", [("a", "integer"), ("b", "integer")], "integer", [("1\n2", 3), ("5\n5", 10)],
                       slug="add-two", limits=LIMITS)
RIGHT = "class Solution:\n    def add(self, a, b):\n        return a + b\n"
WRONG = "class Solution:\n    def add(self, a, b):\n        return a - b\n"
# nothing to compare against: the judge refuses it (ProblemError), on both sides
UNJUDGEABLE = ADD.model_copy(update={"slug": "no-expected",
                                     "tests": [t.model_copy(update={"comparable": False}) for t in ADD.tests]})


@pytest.fixture(scope="module")
def server(judge: DockerJudge) -> Iterator[JudgeServer]:
    srv = JudgeServer(judge, "127.0.0.1", 0, TOKEN)
    srv.start_background()
    yield srv
    srv.close()


@pytest.fixture(params=["local", "remote"])
def any_judge(request: pytest.FixtureRequest, judge: DockerJudge, server: JudgeServer) -> Iterator[Judge]:
    """Each implementation, typed as the protocol. The local one is the session's
    (its pool is shared, so it is not closed here)."""
    if request.param == "local":
        yield judge
        return
    remote = RemoteJudge(server.url, TOKEN, parallelism=2)
    yield remote
    remote.close()


def test_one_submission(any_judge: Judge) -> None:
    assert any_judge.judge(ADD, RIGHT).verdict is Verdict.ACCEPTED
    wrong = any_judge.judge(ADD, WRONG)
    assert wrong.verdict is Verdict.WRONG_ANSWER
    assert wrong.first_failure is not None and wrong.first_failure.test == 0
    with pytest.raises(ProblemError):
        any_judge.judge(UNJUDGEABLE, RIGHT)


def test_many_submissions_in_input_order_with_errors_in_place(any_judge: Judge) -> None:
    items = [(ADD, WRONG), (UNJUDGEABLE, RIGHT), (ADD, RIGHT), (ADD, RIGHT), (ADD, WRONG)]
    seen: dict[int, JudgeResult | JudgeError] = {}
    results = any_judge.judge_many(items, on_done=lambda i, r: seen.__setitem__(i, r))
    shown = [r.verdict if isinstance(r, JudgeResult) else type(r) for r in results]
    assert shown == [Verdict.WRONG_ANSWER, ProblemError, Verdict.ACCEPTED, Verdict.ACCEPTED, Verdict.WRONG_ANSWER]
    assert seen == dict(enumerate(results))


def test_health_names_the_image_the_verdicts_record(any_judge: Judge, judge: DockerJudge) -> None:
    health = any_judge.health()
    assert health.judge_image == judge.pool.image_ref
    assert health.judge_image.startswith(image_tag() + "@sha256:")
    assert health.parallelism == 2
    assert any_judge.judge(ADD, RIGHT).judge_image == health.judge_image


def test_a_closed_judge_is_unavailable_not_a_verdict(judge: DockerJudge, server: JudgeServer) -> None:
    local = DockerJudge(SandboxPool(SandboxConfig(image=image_tag(), parallelism=1)))
    remote = RemoteJudge(server.url, TOKEN)
    for j in (local, remote):
        assert j.judge(ADD, RIGHT).verdict is Verdict.ACCEPTED
        j.close()
        with pytest.raises(SandboxUnavailable):
            j.judge(ADD, RIGHT)
        with pytest.raises(SandboxUnavailable):
            j.health()
        assert isinstance(j.judge_many([(ADD, RIGHT)])[0], SandboxUnavailable)


def test_the_service_reports_its_judge_unhealthy() -> None:
    """A service whose own judge cannot take submissions answers /v1/health with
    503, so a client is SandboxUnavailable before it takes any unit."""
    down = DockerJudge(SandboxPool(SandboxConfig(image=image_tag(), parallelism=1)))
    down.close()
    srv = JudgeServer(down, "127.0.0.1", 0, TOKEN)
    srv.start_background()
    try:
        with pytest.raises(SandboxUnavailable, match="503"):
            RemoteJudge(srv.url, TOKEN)
    finally:
        srv.close()


# ------------------------------------------------------------------ `lcagent judge`


def judge_cli(tmp_path: Path, extra_env: dict[str, str]) -> list[dict]:
    problems = tmp_path / "problems"
    problems.mkdir(parents=True)
    (problems / "add-two.json").write_text(json.dumps(ADD.model_dump(mode="json", by_alias=True)))
    subs = tmp_path / "subs.jsonl"
    subs.write_text("".join(json.dumps(s) + "\n" for s in [
        {"id": 1, "problem": "add-two", "code": RIGHT},
        {"id": 2, "problem": "add-two", "code": WRONG},
        {"id": 3, "problem": "unknown-problem", "code": RIGHT},
        {"id": 4, "problem": "add-two", "code": "class Solution:\n    def add(self, a, b)\n"},
    ]))
    out = tmp_path / "verdicts.jsonl"
    env = lcagent_env(tmp_path, [], extra=extra_env)
    result = CliRunner().invoke(app, ["judge", str(subs), "--problems", str(problems), "--out", str(out)], env=env)
    assert result.exit_code == 1, (result.output, result.exception)  # the unknown problem is not judged
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_lcagent_judge_gives_the_same_verdicts_locally_and_through_the_service(
        tmp_path: Path, server: JudgeServer, judge: DockerJudge) -> None:
    local = judge_cli(tmp_path / "local", {})
    remote = judge_cli(tmp_path / "remote", {"LCAGENT_JUDGE__URL": server.url, "LCAGENT_JUDGE__TOKEN": TOKEN})
    assert [r["verdict"] for r in local] == ["Accepted", "Wrong Answer", None, "Compile Error"]
    assert "unknown problem" in local[2]["error"]

    def comparable(rec: dict) -> dict:
        return {k: v for k, v in rec.items() if k not in ("runtime_ms", "memory_kb")}

    assert [comparable(r) for r in remote] == [comparable(r) for r in local]
    assert {r["judge_image"] for r in remote if r["verdict"]} == {judge.pool.image_ref}


def test_lcagent_judge_against_a_service_that_is_down(tmp_path: Path) -> None:
    """Not a traceback, not a verdict: one line naming the service."""
    env = lcagent_env(tmp_path, [], extra={"LCAGENT_JUDGE__URL": "http://127.0.0.1:9", "LCAGENT_JUDGE__TOKEN": TOKEN})
    (tmp_path / "problems").mkdir()
    subs = tmp_path / "subs.jsonl"
    subs.write_text(json.dumps({"id": 1, "problem": "add-two", "code": RIGHT}) + "\n")
    result = CliRunner().invoke(app, ["judge", str(subs), "--problems", str(tmp_path / "problems"),
                                      "--out", str(tmp_path / "out.jsonl")], env=env)
    assert result.exit_code == 1, (result.output, result.exception)
    assert "judge service http://127.0.0.1:9 unreachable" in result.output, result.output
    assert "Traceback" not in result.output


# ------------------------------------------------------------------ run for outputs

SLOW_ON_NEGATIVE = ("class Solution:\n    def add(self, a, b):\n"
                    "        while a < 0:\n            pass\n        return a + b\n")


def test_run_outputs(any_judge: Judge) -> None:
    """The code's answers, an error for an input it fails on (here: a time limit),
    and the inputs after that one still answered."""
    outputs = any_judge.run_outputs(ADD, SLOW_ON_NEGATIVE, ["1\n2", "-1\n5", "7\n8"],
                                    limits=Limits(time_ms=300, total_time_ms=2000, memory_mb=256))
    assert [(o.ok, o.value) for o in outputs] == [(True, 3), (False, None), (True, 15)]
    assert outputs[1].error is not None and outputs[1].error.startswith("TLE")


def test_run_outputs_of_code_that_does_not_compile(any_judge: Judge) -> None:
    outputs = any_judge.run_outputs(ADD, "class Solution:\n    def add(self, a, b)\n", ["1\n2", "3\n4"])
    assert all(not o.ok and o.error and o.error.startswith("CE") for o in outputs), outputs


def test_the_reference_oracle_works_through_the_service(server: JudgeServer) -> None:
    with_reference = ADD.model_copy(update={"reference_solution": RIGHT})
    remote = RemoteJudge(server.url, TOKEN)
    try:
        report = ReferenceOracle(remote).answer(with_reference, ["10\n20", "-4\n4"])
    finally:
        remote.close()
    assert [a.expected for a in report.answers] == [30, 0]
    assert report.refs and report.refs[0].startswith("reference:" + image_tag())


def test_the_service_refuses_inputs_that_are_not_strings(server: JudgeServer) -> None:
    import httpx

    body = {"problem": ADD.model_dump(mode="json", by_alias=True), "code": RIGHT, "inputs": [1, 2]}
    r = httpx.post(server.url + "/v1/outputs", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 422 and "inputs" in r.json()["error"]
