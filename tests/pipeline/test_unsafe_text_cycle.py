"""Text that is valid JSON but not valid UTF-8 (a lone surrogate, `"\\ud800"`) from
every outside source at once — a LeetCode contest and question title, a model's
answer and reasoning, a solution's output, exception message and stdout — goes
through `lcagent run`, `status`, `report` and `judge` in real subprocesses (their
standard streams are strict UTF-8 pipes): every unit gets its verdict, nothing is
stuck, and every stored or printed string is valid UTF-8 with the surrogate
backslash-escaped."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import sqlalchemy as sa

from storage import models, open_database, repo
from storage.engine import session_scope
from tests.fakes.leetcode_server import FakeLeetCode, clone_question
from tests.fakes.openai_server import FakeOpenAI, Reply

from .conftest import (
    CONTEST_SLUGS,
    LCAGENT,
    fenced,
    invariant_violations,
    lcagent_env,
    model_spec,
    per_model_responder,
    reference_reply,
)

LONE = "\ud800"  # what json.loads makes of "\ud800"
ESCAPED = "\\ud800"  # how it is stored and shown
CONTEST = "weekly-contest-9200"
A, B = "model-a", "model-b"

# model B's hostile solutions (the escapes are in the source: a lone surrogate at run time)
HOSTILE = {
    "values-with-exact-frequency": (  # an encoded surrogate (invalid UTF-8) written to stderr, a wrong answer
        "import os\nclass Solution:\n    def exactValues(self, *a, **k):\n"
        "        os.write(2, 'e\\ud800'.encode('utf-8', 'surrogatepass'))\n        return [1]\n",
        "Wrong Answer"),
    "sort-even-positions": (  # an exception message
        "class Solution:\n    def sortEvenPositions(self, *a, **k):\n        raise ValueError('bad \\ud800 value')\n",
        "Runtime Error"),
    "remove-leaves-below-threshold": (  # standard streams (strict UTF-8, as on LeetCode: an error)
        "import sys\nclass Solution:\n    def removeLeaves(self, *a, **k):\n"
        "        sys.stderr.write('err \\ud800')\n        sys.stdout.write('out \\ud800')\n",
        "Runtime Error"),
}


def answer_a(slug: str) -> str:
    return f"Thinking {LONE} done.\n" + reference_reply(slug)


def answer_b(slug: str) -> str:
    code, _ = HOSTILE.get(slug, ("", ""))
    return fenced(code) if code else f"No idea {LONE}."


def utf8_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *utf8_strings(v)]]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in utf8_strings(v)]
    return []


def lcagent(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([LCAGENT, *args], env=env, cwd=cwd, capture_output=True, timeout=600)


def test_lone_surrogates_from_every_source_never_stop_the_pipeline(tmp_path: Path) -> None:
    with FakeLeetCode.from_fixtures() as leetcode:
        start = int(time.time() - 2 * 86400 - 5400)
        questions = [(leetcode.questions[s], 3 + i) for i, s in enumerate(CONTEST_SLUGS)]
        first, credit = questions[0]
        questions[0] = (clone_question(first, first["titleSlug"], title=f"Exact {LONE} Values"), credit)
        leetcode.add_contest(CONTEST, start, questions, title=f"Weekly Contest {LONE} 9200")
        fake = FakeOpenAI(models=[A, B], responder=lambda body: Reply(
            content=per_model_responder({A: answer_a, B: answer_b})(body).content,
            reasoning=f"reasoning {LONE}"))
        fake.start()
        try:
            env = lcagent_env(tmp_path, [model_spec(A, fake.base_url, attempts=1),
                                         model_spec(B, fake.base_url, attempts=1)], leetcode_url=leetcode.url)
            run = lcagent(["run"], env, tmp_path)
        finally:
            fake.stop()
    out = run.stdout + run.stderr
    assert run.returncode == 0, out.decode("utf-8", "replace")
    out.decode("utf-8")  # strict: a lone surrogate would have crashed the command before this

    engine = open_database(env["LCAGENT_DATABASE_URL"])
    with session_scope(engine) as s:
        units = s.execute(sa.select(models.Unit, models.Problem, models.ModelConfig)
                          .join(models.Problem, models.Problem.id == models.Unit.problem_id)
                          .join(models.ModelConfig, models.ModelConfig.id == models.Unit.model_config_id)).all()
        verdicts = {(c.name, p.slug): j.verdict for j, u, p, c in s.execute(
            sa.select(models.Judgement, models.Unit, models.Problem, models.ModelConfig)
            .join(models.Generation, models.Generation.id == models.Judgement.generation_id)
            .join(models.Unit, models.Unit.id == models.Generation.unit_id)
            .join(models.Problem, models.Problem.id == models.Unit.problem_id)
            .join(models.ModelConfig, models.ModelConfig.id == models.Unit.model_config_id))}
        failures = [j.first_failure for j in s.execute(sa.select(models.Judgement)).scalars()]
        texts = [*(g.content for g in s.execute(sa.select(models.Generation)).scalars()),
                 *(g.reasoning for g in s.execute(sa.select(models.Generation)).scalars()),
                 *(p.title for p in s.execute(sa.select(models.Problem)).scalars()),
                 *(c.title for c in s.execute(sa.select(models.Contest)).scalars())]
    assert len(units) == 2 * len(CONTEST_SLUGS)
    assert {u.state for u, _, _ in units} <= {"judged", "no_code"}, [(p.slug, u.state, u.last_error)
                                                                    for u, p, _ in units]
    assert invariant_violations(engine) == []
    assert all(verdicts[(A, slug)] == "Accepted" for slug in CONTEST_SLUGS), verdicts
    for slug, (_, verdict) in HOSTILE.items():
        assert verdicts[(B, slug)] == verdict, (slug, verdicts)
    strings = [t for t in texts if t] + [x for f in failures for x in utf8_strings(f)]
    for text in strings:
        text.encode("utf-8")  # strict
    assert any(ESCAPED in t for t in texts if t and t.startswith("Thinking")), "the answer kept its text"
    assert f"Exact {ESCAPED} Values" in texts and f"Weekly Contest {ESCAPED} 9200" in texts
    assert any(ESCAPED in x for f in failures for x in utf8_strings(f)), failures

    for args in (["status"], ["report"], ["report", "--format", "html"], ["report", "--format", "json"],
                 ["query", "verdict_mix"]):
        done = lcagent(args, env, tmp_path)
        assert done.returncode == 0, (args, done.stderr.decode("utf-8", "replace"))
        (done.stdout + done.stderr).decode("utf-8")

    # `lcagent judge` on a file of submissions whose outputs and messages carry lone surrogates
    problems = tmp_path / "problems"
    problems.mkdir()
    with session_scope(engine) as s:
        for slug in HOSTILE:
            problem = repo.load_problem(s, repo.get_problem(s, slug).id)  # type: ignore[union-attr]
            (problems / f"{slug}.json").write_text(problem.model_dump_json(by_alias=True), encoding="utf-8")
    subs = tmp_path / "subs.jsonl"
    subs.write_text("".join(json.dumps({"id": f"s{i}", "problem": slug, "code": code}) + "\n"
                            for i, (slug, (code, _)) in enumerate(HOSTILE.items())), encoding="utf-8")
    out_file = tmp_path / "verdicts.jsonl"
    done = lcagent(["judge", str(subs), "--problems", str(problems), "--out", str(out_file)], env, tmp_path)
    assert done.returncode == 0, (done.stdout + done.stderr).decode("utf-8", "replace")
    lines = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [line["verdict"] for line in lines] == [v for _, v in HOSTILE.values()], lines
    for line in lines:
        for text in utf8_strings(line):
            text.encode("utf-8")
    assert ESCAPED in json.dumps(lines, ensure_ascii=False)
