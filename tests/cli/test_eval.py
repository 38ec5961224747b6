"""The score at a glance: `lcagent eval` (a model not in the configuration, one shot)
and `lcagent run` end with a per-model table on standard output, and the counts
agree with `lcagent status`. Output piped (a subprocess): plain lines, progress as
`generate n/N done, judge n/N done`.

Real components: the fake LeetCode (a weekly contest of five problems), the fake
vLLM serving model-a (reference solutions) and model-b (wrong code, prose for one
problem), the real Docker judge, a SQLite file."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.leetcode_server import FakeLeetCode
from tests.fakes.openai_server import FakeOpenAI
from tests.pipeline.conftest import (
    ANSWERS,
    CONTEST,
    LCAGENT,
    A,
    B,
    add_recent_contest,
    per_model_responder,
)

from .conftest import clean_env, lines

pytestmark = [pytest.mark.docker, pytest.mark.integration]

HEADER = ["model", "accepted", "rate", "95%", "CI", "tests", "no", "code", "truncated", "not", "judged"]


@pytest.fixture(scope="module")
def fakes() -> Iterator[tuple[FakeLeetCode, FakeOpenAI]]:
    with FakeLeetCode.from_fixtures() as leetcode:
        add_recent_contest(leetcode)
        vllm = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS))
        vllm.start()
        try:
            yield leetcode, vllm
        finally:
            vllm.stop()


def env_for(tmp_path: Path, leetcode: FakeLeetCode, **extra: str) -> dict[str, str]:
    return clean_env({"LCAGENT_DATA_DIR": str(tmp_path / "data"), "LCAGENT_LEETCODE__BASE_URL": leetcode.url,
                      "LCAGENT_LEETCODE__MIN_INTERVAL_S": "0", "LCAGENT_JUDGE__PARALLELISM": "2",
                      "LCAGENT_PIPELINE__JUDGE_PARALLELISM": "2", **extra})


def lcagent(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LCAGENT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


def table(stdout: str) -> dict[str, list[str]]:
    rows = [line.split() for line in lines(stdout)]
    assert rows[0] == HEADER, rows
    return {r[0]: r[1:] for r in rows[1:]}


def status_scores(env: dict[str, str], cwd: Path) -> dict[str, list[str]]:
    out = lcagent(["status"], env, cwd).stdout.splitlines()
    i = out.index("scores (judged attempts; no code and truncated count as failed):")
    block = []
    for line in out[i + 1:]:
        if not line.startswith("  "):
            break
        block.append(line.strip())
    return table("\n".join(block))


def test_eval_prints_the_score_and_status_agrees(tmp_path: Path, fakes: tuple[FakeLeetCode, FakeOpenAI]) -> None:
    leetcode, vllm = fakes
    env = env_for(tmp_path, leetcode)
    a = lcagent(["eval", "--base-url", vllm.base_url, "--model", A, "--contest", CONTEST, "--attempts", "2"],
                env, tmp_path)
    assert a.returncode == 0, a.stderr
    assert table(a.stdout) == {A: ["10/10", "100.0%", "[72.2,", "100.0]", "examples", "only", "10", "0", "0", "0"]}
    err = lines(a.stderr)
    assert err[:3] == [f"syncing {CONTEST}", "sync: 1 contests, 5 problems stored, 0 failures", "5 problems selected"]
    progress = [line for line in err if line.endswith(" done")]
    assert progress[0] == "generate 0/10 done, judge 0/10 done"
    assert progress[-1] == "generate 10/10 done, judge 10/10 done"
    assert "\x1b" not in a.stderr + a.stdout  # plain text in a pipe

    b = lcagent(["eval", "--base-url", vllm.base_url, "--model", B, "--name", "b-wrong", "--since", "2020-01-01",
                 "--attempts", "2", "--no-sync"], env, tmp_path)
    assert b.returncode == 0, b.stderr
    # one problem answered in prose twice: 2 no code, never judged; 8 wrong answers judged on the examples
    assert table(b.stdout) == {"b-wrong": ["0/10", "0.0%", "[0.0,", "27.8]", "examples", "only", "8", "2", "0", "0"]}
    assert [line for line in lines(b.stderr) if line.endswith(" done")][-1] == "generate 10/10 done, judge 8/8 done"

    assert status_scores(env, tmp_path) == {**table(a.stdout), **table(b.stdout)}


def test_eval_without_problems_says_so(tmp_path: Path, fakes: tuple[FakeLeetCode, FakeOpenAI]) -> None:
    leetcode, vllm = fakes
    env = env_for(tmp_path, leetcode, LCAGENT_SYNC_LEETCODE="false")
    done = lcagent(["eval", "--base-url", vllm.base_url, "--model", A, "--contest", "weekly-contest-1"], env, tmp_path)
    assert done.returncode == 1
    assert lines(done.stderr) == ["error: no problems stored for contest weekly-contest-1"]
    assert done.stdout == ""


def test_run_ends_with_every_model_score(tmp_path: Path, fakes: tuple[FakeLeetCode, FakeOpenAI]) -> None:
    leetcode, vllm = fakes
    models = [{"name": n, "served_id": n, "base_urls": [vllm.base_url], "attempts": 1, "retries": 1}
              for n in (A, B)]
    env = env_for(tmp_path, leetcode, LCAGENT_MODELS=json.dumps(models))
    done = lcagent(["run"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    scores = table(done.stdout)
    assert scores == {A: ["5/5", "100.0%", "[56.6,", "100.0]", "examples", "only", "5", "0", "0", "0"],
                      B: ["0/5", "0.0%", "[0.0,", "43.4]", "examples", "only", "4", "1", "0", "0"]}
    assert [line for line in lines(done.stderr) if line.endswith(" done")][-1] == \
        "generate 10/10 done, judge 9/9 done"
    assert status_scores(env, tmp_path) == scores
    # one command from the run to every failure with the model's code
    (hint,) = [line for line in lines(done.stderr) if "lcagent report --format html" in line]
    shown = lcagent(["report", "--format", "html", "--out", str(tmp_path / "report.html")], env, tmp_path)
    assert shown.returncode == 0, shown.stderr
    attempts = (tmp_path / "report-attempts.html").read_text(encoding="utf-8")
    assert attempts.count("Wrong Answer") >= 4 and "class Solution" in attempts, hint
