"""`lcagent rejudge` on a database judged by an earlier judge image: every stored
generation is judged again under the current image, the change report names what
moved (per judge image pair and verdict class), and the old verdicts stay as
history. The database is a real run recorded with the image before judge
hardening round 3 (tests/data/rejudge/README.md), which gave three false
Accepted."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from agent.cli import app
from agent.rejudge import RejudgeReport
from judge.image import image_tag
from storage import models, open_database
from storage.engine import session_scope
from storage.rejudge_queries import Rejudged
from tests.pipeline.conftest import invariant_violations, lcagent_env

FIXTURE = Path(__file__).parents[1] / "data" / "rejudge" / "judged-by-a79232a565a4.sql"
OLD_IMAGE = "lcagent-judge:a79232a565a4@"


def load_fixture(directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "lcagent.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(FIXTURE.read_text(encoding="utf-8"))
    return f"sqlite:///{path}"


def verdicts(url: str, current: bool) -> dict[str, str]:
    q = (sa.select(models.Problem.slug, models.Judgement.verdict).select_from(models.Judgement)
         .join(models.Generation, models.Generation.id == models.Judgement.generation_id)
         .join(models.Unit, models.Unit.id == models.Generation.unit_id)
         .join(models.Problem, models.Problem.id == models.Unit.problem_id)
         .where(models.Judgement.is_current == current))
    with session_scope(open_database(url)) as s:
        return {slug: str(v) for slug, v in s.execute(q).all()}


@pytest.mark.docker
def test_rejudge_judges_everything_again_under_the_new_image_and_reports_the_changes(tmp_path: Path) -> None:
    url = load_fixture(tmp_path)
    assert verdicts(url, True) == {"rejudge-add": "Accepted", "rejudge-subtract": "Wrong Answer",
                                   "rejudge-big-number": "Accepted", "rejudge-two-halves": "Accepted",
                                   "rejudge-look-ahead": "Accepted"}
    env = lcagent_env(tmp_path, [], extra={"LCAGENT_DATABASE_URL": url, "LCAGENT_JUDGE__PARALLELISM": "1"})
    result = CliRunner().invoke(app, ["rejudge", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    assert "5 generations to judge again" in result.output
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert (report["requeued"], report["judged_again"]) == (5, 5)
    [image] = report["images"]
    assert image["before"].startswith(OLD_IMAGE) and image["after"].startswith(image_tag() + "@"), image
    assert (image["judged_again"], image["changed"]) == (5, 3)
    assert image["by_verdict"] == {"Accepted": 4, "Wrong Answer": 1}
    moves = {(m["before"], m["after"]): m["n"] for m in image["moves"]}
    assert moves == {("Accepted", "Wrong Answer"): 2, ("Accepted", "Memory Limit Exceeded"): 1}
    assert sorted(c["problem"] for c in report["changed"]) == [
        "rejudge-big-number", "rejudge-look-ahead", "rejudge-two-halves"]

    # the new verdicts are current, the old ones history
    assert verdicts(url, True) == {"rejudge-add": "Accepted", "rejudge-subtract": "Wrong Answer",
                                   "rejudge-big-number": "Wrong Answer", "rejudge-two-halves": "Memory Limit Exceeded",
                                   "rejudge-look-ahead": "Wrong Answer"}
    assert verdicts(url, False)["rejudge-two-halves"] == "Accepted"
    assert invariant_violations(open_database(url)) == []

    again = CliRunner().invoke(app, ["rejudge"], env=env)
    assert again.exit_code == 0 and "0 generations to judge again" in again.output, again.output


def test_the_change_report_groups_by_image_pair_and_verdict_class() -> None:
    rows = [Rejudged(1, "m", "p1", 1, "Accepted", "old@1", "Wrong Answer", "new@2"),
            Rejudged(2, "m", "p2", 1, "Accepted", "old@1", "Accepted", "new@2"),
            Rejudged(3, "m", "p3", 2, "Runtime Error", "older@0", "Accepted", "new@2")]
    report = RejudgeReport(4, rows)
    assert [(i.before, i.judged, i.changed) for i in report.images] == [("old@1", 2, 1), ("older@0", 1, 1)]
    assert report.lines() == [
        "judged again: 3 of 4 generations sent back",
        "  1 still wait for the judge (`lcagent status` says why)",
        "old@1 -> new@2: 2 judged again, 1 changed",
        "  Accepted: 2 (1 now Wrong Answer)",
        "older@0 -> new@2: 1 judged again, 1 changed",
        "  Runtime Error: 1 (1 now Accepted)",
        "verdicts that changed:",
        "  m p1 attempt 1: Accepted -> Wrong Answer",
        "  m p3 attempt 2: Runtime Error -> Accepted",
    ]
