"""Real contest statements through the product's parser.

tests/data/leetcode/real-contests/ holds the 200 problems of the 50 weekly and
biweekly contests before 2025-11 as leetcode.cn's GraphQL `question` responses
(see its README). Each goes through `question_to_problem`, the function the sync
calls, with its contest; each must parse, and its examples too: every example
input is read, and its output compared, except where the README says why not.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache

import pytest

from agent.sources import leetcode_api
from agent.sources.leetcode_html import examples
from agent.sources.leetcode_parse import flag_reason, question_to_problem
from judge import harness
from judge.problem import ContestRef, Problem
from tests.fakes.leetcode_server import DATA

REAL = DATA / "real-contests"
BEFORE = datetime(2025, 11, 1, tzinfo=UTC)
N_CONTESTS = 50
# examples the parser keeps but does not compare, and why (also in the README)
NOT_COMPARED = {
    # Example 1's <div class="example-block"> is never closed, so Examples 2 and 3
    # sit inside it: the statement reads as one example for three inputs
    "inverse-coin-change": "output does not pair with an input",
}


@cache
def contests() -> list[dict]:
    return json.loads((REAL / "contests.json").read_text())["contests"]


def slugs() -> list[str]:
    return [s for c in contests() for s in c["question_slugs"]]


def question(slug: str) -> dict:
    return json.loads((REAL / f"question-{slug}.json").read_text(encoding="utf-8"))["data"]["question"]


@cache
def parsed(slug: str) -> Problem:
    contest = next(c for c in contests() if slug in c["question_slugs"])
    ref = ContestRef(slug=contest["slug"], title=contest["title"], duration_s=contest["duration_s"],
                     start_time=datetime.fromtimestamp(contest["start_time"], UTC))
    return question_to_problem(question(slug), site="leetcode.cn", contest=ref)


def test_contests_are_the_last_fifty_before_november_2025() -> None:
    cs = contests()
    assert len(cs) == N_CONTESTS
    starts = [datetime.fromtimestamp(c["start_time"], UTC) for c in cs]
    assert starts == sorted(starts) and starts[-1] < BEFORE
    assert cs[-1]["slug"] == "weekly-contest-473"  # 2025-10-26; weekly-contest-474 is on 2025-11-02
    for kind in ("weekly", "biweekly"):  # consecutive: no contest of either series skipped
        numbers = [int(c["slug"].rsplit("-", 1)[1]) for c in cs if c["slug"].startswith(f"{kind}-contest-")]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert all(len(c["question_slugs"]) == 4 for c in cs)
    assert len(set(slugs())) == 4 * N_CONTESTS


def test_one_file_per_problem_in_the_query_field_set() -> None:
    files = {p.name.removeprefix("question-").removesuffix(".json") for p in REAL.glob("question-*.json")}
    assert files == set(slugs())
    asked = set(re.findall(r"[A-Za-z_]\w*", leetcode_api.QUESTION))
    for slug in slugs():
        q = question(slug)
        assert set(q) <= asked, slug
        assert q["titleSlug"] == slug
        assert "exampleTestcaseList" not in q  # the source lacks it: exampleTestcases is read instead
        for tag in q.get("topicTags") or []:
            assert set(tag) <= {"name", "slug"}


@pytest.mark.parametrize("slug", slugs())
def test_real_problem_parses_with_its_examples(slug: str) -> None:
    problem = parsed(slug)
    q = question(slug)
    assert problem.slug == slug and problem.frontend_id == q["questionFrontendId"]
    assert problem.contest is not None and slug in next(
        c["question_slugs"] for c in contests() if c["slug"] == problem.contest.slug)
    assert problem.statement and problem.starter_code
    assert problem.meta.get("statement_language") is None  # the English statement, not translatedContent
    assert problem.tests
    shown = examples(q["content"])
    for t in problem.tests:
        harness.split_input(t.input)
        if slug in NOT_COMPARED:
            continue
        assert t.comparable, f"{slug}: {t.note}"
    if slug not in NOT_COMPARED:
        assert len(shown) == len(problem.tests)


def test_examples_not_compared_are_the_known_ones() -> None:
    for slug, reason in NOT_COMPARED.items():
        notes = {flag_reason(t.note) for t in parsed(slug).tests if not t.comparable}
        assert notes <= {reason}, slug
