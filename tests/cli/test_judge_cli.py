"""`lcagent judge` with a broken problem file among good ones: the good problems'
submissions are judged in the real sandbox, the broken file is named with its
reason, its submissions get an error naming the file, and the first few lines
not judged are printed with their reasons."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from judge.problem import save_problem
from tests.support import function_problem

from .conftest import lines

pytestmark = pytest.mark.docker

ADD = "class Solution:\n    def add(self, a: int, b: int) -> int:\n        return a + b\n"
WRONG = "class Solution:\n    def add(self, a: int, b: int) -> int:\n        return a - b\n"


def test_a_broken_problem_file_does_not_stop_the_others(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    problems = tmp_path / "problems"
    add = function_problem("add", [("a", "int"), ("b", "int")], "int", [("1\n2", 3), ("5\n-1", 4)], slug="add-two")
    save_problem(add, problems)
    (problems / "broken-one.json").write_text('{"slug": "broken-one", "signature": ', encoding="utf-8")
    (problems / "not-a-problem.json").write_text('{"slug": "not-a-problem"}', encoding="utf-8")
    subs = tmp_path / "subs.jsonl"
    rows = [{"id": 1, "problem": "add-two", "code": ADD},
            {"id": 2, "problem": "broken-one", "code": ADD},
            {"id": 3, "problem": "add-two", "code": WRONG},
            {"id": 4, "problem": "nowhere", "code": ADD},
            {"id": 5, "problem": "not-a-problem", "code": ADD}]
    subs.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{not json\n", encoding="utf-8")
    out = tmp_path / "verdicts.jsonl"

    result = run_cli("judge", str(subs), "--problems", str(problems), "--out", str(out),
                     env={"LCAGENT_JUDGE__PARALLELISM": "2"})

    assert result.exit_code == 1, result.output
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["verdict"]) for r in got] == [(1, "Accepted"), (2, None), (3, "Wrong Answer"), (4, None),
                                                      (5, None), (None, None)]
    assert got[1]["error"].startswith("line 2: problem file broken-one.json is broken: ")
    assert got[3]["error"] == "line 4: unknown problem 'nowhere'"
    assert got[4]["error"].startswith("line 5: problem file not-a-problem.json is broken: ")
    err = lines(result.stderr)
    broken = [line for line in err if line.startswith("broken problem file")]
    assert [line.split(":")[0] for line in broken] == [f"broken problem file {problems / 'broken-one.json'}",
                                                       f"broken problem file {problems / 'not-a-problem.json'}"]
    assert f"wrote {out} (Accepted: 1, Wrong Answer: 1, error: 4)" in err
    not_judged = [line for line in err if line.startswith("not judged")]
    assert not_judged == [f"not judged id 2 (broken-one): {got[1]['error']}",
                          "not judged id 4 (nowhere): line 4: unknown problem 'nowhere'",
                          f"not judged id 5 (not-a-problem): {got[4]['error']}"]
    assert err[-1] == f'... and 1 more lines not judged ("verdict": null in {out})'
