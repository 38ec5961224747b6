"""The fixture posts of the fake contest, through the whole chain the community
oracle will use, in the real sandbox: fetched from the fake LeetCode without a
cookie, extracted, made independent, run on the statement's examples and on
more inputs, and agreed on. Checks what the fixtures promise (every correct
post right everywhere, the popular wrong post right on the examples and wrong
on its `wrong_on` inputs) and that the consensus finds exactly the reference's
outputs, dropping the popular wrong post as the one outlier."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from agent.oracle.community_posts import independent, solutions_of
from agent.oracle.consensus import Abstain, consensus
from agent.sources.community import top_posts
from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.leetcode_parse import question_to_problem
from judge.checkers import outputs_match
from judge.outputs import run_outputs
from judge.problem import Problem
from judge.sandbox import SandboxPool
from tests.fakes.leetcode_server import CONTEST_DIR, FakeLeetCode, load_posts
from tests.sources.conftest import solution

pytestmark = [pytest.mark.docker, pytest.mark.integration]

# inputs beyond the examples and the wrong posts' `wrong_on` (LeetCode's input text)
MORE = {
    "values-with-exact-frequency": ["[3,3,3]\n3", "[1]\n1", "[2,2,1,1,3,3,3]\n2", "[1000000000,5,1000000000]\n2"],
    "remove-leaves-below-threshold": ["[1,2,3,4,5,6,7]\n4", "[10]\n1", "[5,1,null,1,null,1]\n2",
                                      "[3,9,1,null,null,8,2]\n3"],
    "sort-even-positions": ["[1,2]", "[-5,0,-7,3,2]", "[1000000000,-1000000000,-1000000000]", "[4,4,4,4]"],
    "ticket-queue": ['["TicketQueue","serve","size","join","size"]\n[[1],[],[],["a b",3],[]]',
                     '["TicketQueue","join","join","join","serve","serve","serve"]\n[[2],["x",1],["y",2],["z",3],[],[],[]]'],
    "mean-distance-to-origin": ["[[-3,-4]]", "[[10000,10000],[-10000,-10000]]", "[[0,0]]", "[[1,2],[3,-4],[-5,6]]"],
}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLeetCode]:
    with FakeLeetCode.from_fixtures() as f:
        yield f


def problem(slug: str) -> Problem:
    q = json.loads((CONTEST_DIR / f"question-{slug}.json").read_text(encoding="utf-8"))["data"]["question"]
    return question_to_problem(q)


@pytest.mark.parametrize("slug", sorted(MORE))
def test_the_fixture_posts_through_the_chain(slug: str, fake: FakeLeetCode, sandbox_pool: SandboxPool) -> None:
    p = problem(slug)
    meta = {post.topic_id: post.meta for post in load_posts(CONTEST_DIR / "posts" / slug)}
    wrong_id = next(t for t, m in meta.items() if m["role"] == "wrong")
    examples = [t.input for t in p.tests]
    inputs = examples + list(meta[wrong_id]["wrong_on"]) + MORE[slug]

    with LeetCodeClient(base_url=fake.url, min_interval_s=0, backoff_s=0) as client:
        posts = top_posts(client, slug, limit=30)
    assert len(posts) == len(meta)
    candidates = [c for post in posts for c in solutions_of(post, p.signature)]
    reference = run_outputs(sandbox_pool, p, solution(slug), inputs)
    assert all(o.ok for o in reference), reference
    truth = [o.value for o in reference]

    def same(expected: object, got: object) -> bool:
        return outputs_match(p.checker, expected, got)

    answers: dict[str, list[object]] = {}
    for c in candidates:
        out = run_outputs(sandbox_pool, p, c.code, inputs)
        answers[c.post_id] = [o.value if o.ok else Abstain(o.error or "failed") for o in out]
        right = [o.ok and same(t, o.value) for o, t in zip(out, truth, strict=True)]
        assert all(right[: len(examples)]), f"post {c.post_id} fails an example"  # every post passes them
        if c.post_id == str(wrong_id):
            caught = right[len(examples): len(examples) + len(meta[wrong_id]["wrong_on"])]
            assert not any(caught), f"the wrong post {wrong_id} is right on a wrong_on input"
        else:
            assert all(right), f"post {c.post_id} is wrong on {[i for i, r in zip(inputs, right, strict=True) if not r]}"

    kept, _ = independent(candidates)
    assert kept[0].post_id == str(wrong_id)  # the most voted
    result = consensus({c.post_id: answers[c.post_id] for c in kept}, same, 3)
    assert [o.post for o in result.outliers] == [str(wrong_id)]
    assert result.outliers[0].index == len(examples)  # its first wrong_on input
    assert result.answered == len(inputs) and result.no_agreement == 0
    assert all(r.agreed and same(t, r.expected) for r, t in zip(result.inputs, truth, strict=True))
    assert all(r.cookies == {} for r in fake.requests)
