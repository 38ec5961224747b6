"""The community solutions client (agent/sources/community.py) against the fake
LeetCode on 127.0.0.1: listing (order, language tag, pages, the discuss-era
fallback), article bodies, shapes that differ (each named), no cookie."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from agent.sources import community
from agent.sources.community import (
    SolutionPost,
    fetch_article,
    fetch_content,
    list_posts,
    top_posts,
)
from agent.sources.errors import NotFound, SourceUnavailable, UnexpectedShape
from agent.sources.leetcode_client import LeetCodeClient
from tests.fakes.leetcode_server import (
    POSTS_DIR,
    FakeLeetCode,
    FakePost,
    drop_path,
    load_posts,
    set_path,
)

pytestmark = pytest.mark.integration

SLUG = "values-with-exact-frequency"


def fixtures(slug: str = SLUG) -> list[FakePost]:
    return load_posts(POSTS_DIR / slug)


def by_votes(posts: list[FakePost]) -> list[int]:
    return [p.topic_id for p in sorted(posts, key=lambda p: (-p.votes, p.topic_id))]


# ===================================================================== listing


def test_posts_are_listed_most_voted_first_with_typed_fields(fake_leetcode: FakeLeetCode,
                                                             make_client: Callable[..., LeetCodeClient]) -> None:
    posts = list_posts(make_client(), SLUG)
    assert [p.topic_id for p in posts] == by_votes(fixtures())
    first = posts[0]
    assert first == SolutionPost(
        question_slug=SLUG, topic_id=700101, title="✅ One pass, keeps the input order | Beats 100% 🔥",
        author="arjun_codes", votes=412, created_at=datetime(2026, 4, 19, 4, 3, 41, tzinfo=UTC), hit_count=15890,
        slug="one-pass-keeps-the-input-order-beats-100", author_name="Arjun", listing="ugc", content=None)
    assert first.url == f"https://leetcode.com/problems/{SLUG}/solutions/700101/one-pass-keeps-the-input-order-beats-100/"
    [request] = fake_leetcode.requests_for("ugcArticleSolutionArticles")
    assert request.variables == {"questionSlug": SLUG, "orderBy": "MOST_VOTES", "userInput": "",
                                 "tagSlugs": ["python3"], "skip": 0, "first": 15}
    assert "ugcArticleSolutionArticles(" in request.body["query"]
    assert not fake_leetcode.requests_for("communitySolutions")  # the UGC listing had posts


@pytest.mark.parametrize(("order", "key"), [
    ("HOT", lambda p: (-p.hit_count, p.topic_id)),
    ("MOST_RECENT", lambda p: (p.created_at, p.topic_id)),
])
def test_other_orders_are_asked_for(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient],
                                    order: community.Order, key: Callable[[FakePost], Any]) -> None:
    want = [p.topic_id for p in sorted(fixtures(), key=key, reverse=order == "MOST_RECENT")]
    assert [p.topic_id for p in list_posts(make_client(), SLUG, order=order)] == want
    assert fake_leetcode.requests_for("ugcArticleSolutionArticles")[0].variables["orderBy"] == order


def test_only_posts_tagged_with_the_language_are_listed(fake_leetcode: FakeLeetCode,
                                                        make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.add_posts(SLUG, [FakePost(799001, "Rust, zero-cost", "rustacean", "```rust\nfn main() {}\n```",
                                            votes=999, tags=["rust"])])
    client = make_client()
    assert 799001 not in [p.topic_id for p in list_posts(client, SLUG)]
    everything = list_posts(client, SLUG, language="")
    assert everything[0].topic_id == 799001
    assert fake_leetcode.requests_for("ugcArticleSolutionArticles")[-1].variables["tagSlugs"] == []


def test_only_upvotes_count_as_votes(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.add_posts("two-sum", [FakePost(1, "Hash map", "ann", "x", votes=3, reactions=[
        {"count": 40, "reactionType": "CONFUSED"}, {"count": 2, "reactionType": "UPVOTE"}])])
    [post] = list_posts(make_client(), "two-sum")
    assert post.votes == 5


def test_pages_are_fetched_until_the_limit(fake_leetcode: FakeLeetCode,
                                           make_client: Callable[..., LeetCodeClient]) -> None:
    posts = list_posts(make_client(), SLUG, limit=10, page_size=4)
    assert [p.topic_id for p in posts] == by_votes(fixtures())[:10]
    assert [(r.variables["skip"], r.variables["first"]) for r in
            fake_leetcode.requests_for("ugcArticleSolutionArticles")] == [(0, 4), (4, 4), (8, 2)]


def test_pages_stop_at_the_end_of_the_listing(fake_leetcode: FakeLeetCode,
                                              make_client: Callable[..., LeetCodeClient]) -> None:
    posts = list_posts(make_client(), SLUG, limit=50, page_size=4)
    assert len(posts) == len(fixtures()) == 11
    assert [r.variables["skip"] for r in fake_leetcode.requests_for("ugcArticleSolutionArticles")] == [0, 4, 8]


def test_without_page_info_the_total_decides(fake_leetcode: FakeLeetCode,
                                             make_client: Callable[..., LeetCodeClient]) -> None:
    for _ in range(3):
        fake_leetcode.fail("ugcArticleSolutionArticles", "shape",
                           mutate=drop_path(["data", "ugcArticleSolutionArticles", "pageInfo"]))
    assert len(list_posts(make_client(), SLUG, limit=50, page_size=4)) == 11
    assert len(fake_leetcode.requests_for("ugcArticleSolutionArticles")) == 3


def test_a_listing_that_repeats_itself_does_not_loop(fake_leetcode: FakeLeetCode,
                                                     make_client: Callable[..., LeetCodeClient]) -> None:
    first_page = [{"node": p.node()} for p in sorted(fixtures(), key=lambda p: -p.votes)[:4]]

    def same_page_again(doc: Any) -> Any:
        doc["data"]["ugcArticleSolutionArticles"]["edges"] = first_page
        doc["data"]["ugcArticleSolutionArticles"]["pageInfo"]["hasNextPage"] = True
        return doc

    fake_leetcode.fail("ugcArticleSolutionArticles", "shape", times=5, mutate=same_page_again)
    posts = list_posts(make_client(), SLUG, limit=50, page_size=4)
    assert [p.topic_id for p in posts] == by_votes(fixtures())[:4]
    assert len(fake_leetcode.requests_for("ugcArticleSolutionArticles")) == 2


def test_an_older_problem_is_listed_by_the_discuss_era_query(fake_leetcode: FakeLeetCode,
                                                             make_client: Callable[..., LeetCodeClient]) -> None:
    old = [FakePost(31, "Python dict, one pass", "lee215", "```python\nclass Solution: pass\n```", votes=5000,
                    hit_count=900000, created_at="2017-05-01T10:00:00+00:00"),
           FakePost(32, "Brute force", "stefan", "```python\n...\n```", votes=120, hit_count=40000,
                    created_at="2016-01-01T00:00:00+00:00"),
           FakePost(33, "Java", "javaman", "```java\n```", votes=9000, tags=["java"])]
    fake_leetcode.add_posts("two-sum", old, legacy=True)
    client = make_client()
    posts = list_posts(client, "two-sum", page_size=1)
    assert [(p.topic_id, p.author, p.votes, p.hit_count, p.listing) for p in posts] == [
        (31, "lee215", 5000, 900000, "legacy"), (32, "stefan", 120, 40000, "legacy")]
    assert posts[0].created_at == datetime(2017, 5, 1, 10, 0, tzinfo=UTC)
    assert len(fake_leetcode.requests_for("ugcArticleSolutionArticles")) == 1  # asked once, answered nothing
    legacy = fake_leetcode.requests_for("communitySolutions")
    assert [(r.variables["skip"], r.variables["first"]) for r in legacy] == [(0, 1), (1, 1)]
    assert legacy[0].variables["orderBy"] == "most_votes" and legacy[0].variables["languageTags"] == ["python3"]
    assert "questionSolutions(" in legacy[0].body["query"]
    assert fetch_content(client, posts[0]).content == old[0].content


def test_a_question_without_posts_lists_nothing(fake_leetcode: FakeLeetCode,
                                                make_client: Callable[..., LeetCodeClient]) -> None:
    assert list_posts(make_client(), "no-such-problem") == []
    assert len(fake_leetcode.requests_for("ugcArticleSolutionArticles")) == 1
    assert len(fake_leetcode.requests_for("communitySolutions")) == 1


def test_bad_arguments_are_refused_before_any_request(fake_leetcode: FakeLeetCode,
                                                      make_client: Callable[..., LeetCodeClient]) -> None:
    with pytest.raises(ValueError, match="order"):
        list_posts(make_client(), SLUG, order="BEST")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="page_size"):
        list_posts(make_client(), SLUG, page_size=0)
    with pytest.raises(ValueError, match="limit"):
        list_posts(make_client(), SLUG, limit=0)
    assert fake_leetcode.requests == []


# ===================================================================== bodies


def test_an_article_body_is_its_markdown(fake_leetcode: FakeLeetCode,
                                         make_client: Callable[..., LeetCodeClient]) -> None:
    want = next(p for p in fixtures() if p.topic_id == 700106)
    content = fetch_article(make_client(), SLUG, 700106)
    assert content == want.content and "```Python3 []" in content and "```C++ []" in content
    [r] = fake_leetcode.requests_for("ugcArticleSolutionArticle")
    assert r.variables == {"topicId": "700106"} and r.operation == "ugcArticleSolutionArticle"


def test_top_posts_are_listed_and_read(fake_leetcode: FakeLeetCode,
                                       make_client: Callable[..., LeetCodeClient]) -> None:
    posts = top_posts(make_client(), "ticket-queue", limit=6)
    fixture = {p.topic_id: p for p in fixtures("ticket-queue")}
    assert [p.topic_id for p in posts] == by_votes(list(fixture.values()))[:6]
    assert all(p.content == fixture[p.topic_id].content for p in posts)
    assert [r.slug for r in fake_leetcode.requests_for("ugcArticleSolutionArticle")] == [
        str(p.topic_id) for p in posts]


def test_a_post_deleted_after_the_listing_is_left_out(fake_leetcode: FakeLeetCode,
                                                      make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("ugcArticleSolutionArticle:700102", "shape",
                       mutate=set_path(["data", "ugcArticleSolutionArticle"], None))
    posts = top_posts(make_client(), SLUG, limit=3)
    assert [p.topic_id for p in posts] == [700101, 700103]
    with pytest.raises(NotFound, match=f"solution article 999 of {SLUG} not found"):
        fetch_article(make_client(), SLUG, 999)


def test_transient_failures_are_retried(fake_leetcode: FakeLeetCode,
                                        make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail(f"ugcArticleSolutionArticles:{SLUG}", "status", status=503, times=2)
    fake_leetcode.fail("ugcArticleSolutionArticle:700101", "truncated")
    posts = top_posts(make_client(), SLUG, limit=1)
    assert posts[0].content and fake_leetcode.faults_left() == 0
    fake_leetcode.fail("ugcArticleSolutionArticles", "status", status=502, times=3)
    with pytest.raises(SourceUnavailable):
        list_posts(make_client(), SLUG)


# ===================================================================== shapes

LIST = ["data", "ugcArticleSolutionArticles"]
NODE = [*LIST, "edges", 0, "node"]


@pytest.mark.parametrize(("mutate", "field", "detail"), [
    (set_path(LIST, None), "ugcArticleSolutionArticles", "is missing"),
    (set_path(LIST, []), "ugcArticleSolutionArticles", "is a list, not an object"),
    (set_path([*LIST, "edges"], {"0": {}}), "edges", "is an object, not a list"),
    (drop_path([*LIST, "edges"]), "edges", "is missing"),
    (set_path([*LIST, "totalNum"], "11"), "totalNum", "is the text '11', not a count"),
    (set_path([*LIST, "pageInfo"], "yes"), "pageInfo", "is the text 'yes', not an object"),
    (set_path([*LIST, "edges", 0], None), "edges[0]", "is missing"),
    (drop_path([*LIST, "edges", 0, "node"]), "edges[0].node", "is missing"),
    (drop_path([*NODE, "topicId"]), "edges[0].node.topicId", "is missing"),
    (set_path([*NODE, "topicId"], "abc"), "edges[0].node.topicId", "is the text 'abc', not a topic id"),
    (set_path([*NODE, "topicId"], -4), "edges[0].node.topicId", "is the number -4, not a topic id"),
    (set_path([*NODE, "title"], None), "edges[0].node.title", "is missing"),
    (set_path([*NODE, "author"], None), "edges[0].node.author", "is missing"),
    (drop_path([*NODE, "author", "userSlug"]), "edges[0].node.author.userSlug", "is missing"),
    (set_path([*NODE, "author", "userSlug"], ""), "edges[0].node.author.userSlug", "is empty"),
    (set_path([*NODE, "reactions"], {"UPVOTE": 3}), "edges[0].node.reactions", "is an object, not a list"),
    (set_path([*NODE, "reactions", 0, "count"], "many"), "edges[0].node.reactions[0].count",
     "is the text 'many', not a count"),
    (set_path([*NODE, "reactions", 0], 3), "edges[0].node.reactions[0]", "is the number 3, not an object"),
    (set_path([*NODE, "createdAt"], "yesterday"), "edges[0].node.createdAt", "is 'yesterday', not a time"),
    (set_path([*NODE, "createdAt"], True), "edges[0].node.createdAt", "is a boolean, not a time"),
    (set_path([*NODE, "hitCount"], 1.5), "edges[0].node.hitCount", "is the number 1.5, not a count"),
])
def test_a_listing_of_another_shape_is_named(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient],
                                             mutate: Callable[[Any], Any], field: str, detail: str) -> None:
    fake_leetcode.fail("ugcArticleSolutionArticles", "shape", mutate=mutate)
    with pytest.raises(UnexpectedShape) as e:
        list_posts(make_client(), SLUG)
    assert e.value.field == field and str(e.value) == (
        f"community solutions of {SLUG}: unexpected response shape: field {field!r} {detail}")


def test_optional_listing_fields_may_be_null(fake_leetcode: FakeLeetCode,
                                             make_client: Callable[..., LeetCodeClient]) -> None:
    def nulls(doc: Any) -> Any:
        node = doc["data"]["ugcArticleSolutionArticles"]["edges"][0]["node"]
        node.update(reactions=None, hitCount=None, createdAt=None, slug=None, summary=None)
        node["author"]["userName"] = None
        return doc

    fake_leetcode.fail("ugcArticleSolutionArticles", "shape", mutate=nulls)
    post = list_posts(make_client(), SLUG)[0]
    assert (post.votes, post.hit_count, post.created_at, post.slug, post.author_name) == (0, 0, None, "", "")


def test_a_topic_id_given_as_text_is_read(fake_leetcode: FakeLeetCode,
                                          make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("ugcArticleSolutionArticles", "shape", mutate=set_path([*NODE, "topicId"], "700101"))
    assert list_posts(make_client(), SLUG)[0].topic_id == 700101


LEGACY = ["data", "questionSolutions"]


@pytest.mark.parametrize(("mutate", "field"), [
    (set_path(LEGACY, None), "questionSolutions"),
    (drop_path([*LEGACY, "solutions"]), "solutions"),
    (drop_path([*LEGACY, "solutions", 0, "post"]), "solutions[0].post"),
    (drop_path([*LEGACY, "solutions", 0, "post", "author", "username"]), "solutions[0].post.author.username"),
    (set_path([*LEGACY, "solutions", 0, "post", "voteCount"], "lots"), "solutions[0].post.voteCount"),
    (set_path([*LEGACY, "solutions", 0, "post", "creationDate"], [2017]), "solutions[0].post.creationDate"),
    (set_path([*LEGACY, "solutions", 0, "id"], None), "solutions[0].id"),
])
def test_a_discuss_era_listing_of_another_shape_is_named(fake_leetcode: FakeLeetCode,
                                                         make_client: Callable[..., LeetCodeClient],
                                                         mutate: Callable[[Any], Any], field: str) -> None:
    fake_leetcode.add_posts("two-sum", [FakePost(31, "Dict", "lee215", "x", votes=5)], legacy=True)
    fake_leetcode.fail("communitySolutions", "shape", mutate=mutate)
    with pytest.raises(UnexpectedShape) as e:
        list_posts(make_client(), "two-sum")
    assert e.value.field == field
    assert str(e.value).startswith("community solutions (discuss listing) of two-sum: unexpected response shape")


ARTICLE = ["data", "ugcArticleSolutionArticle"]


@pytest.mark.parametrize(("mutate", "field", "detail"), [
    (drop_path([*ARTICLE, "content"]), "content", "is missing"),
    (set_path([*ARTICLE, "content"], ["```python"]), "content", "is a list, not text"),
    (set_path(ARTICLE, "gone"), "ugcArticleSolutionArticle", "is the text 'gone', not an object"),
    (set_path([*ARTICLE, "topicId"], 700102), "topicId", "is 700102, another article"),
])
def test_an_article_of_another_shape_is_named(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient],
                                              mutate: Callable[[Any], Any], field: str, detail: str) -> None:
    fake_leetcode.fail("ugcArticleSolutionArticle", "shape", mutate=mutate)
    with pytest.raises(UnexpectedShape) as e:
        fetch_article(make_client(), SLUG, 700101)
    assert str(e.value) == f"solution article 700101 of {SLUG}: unexpected response shape: field {field!r} {detail}"


def test_a_graphql_error_is_reported_with_its_message(fake_leetcode: FakeLeetCode,
                                                      make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("ugcArticleSolutionArticles", "graphql", message="Cannot query field \"edges\"")
    with pytest.raises(UnexpectedShape, match='GraphQL says: Cannot query field "edges"'):
        list_posts(make_client(), SLUG)


# ===================================================================== no login


def test_no_cookie_or_csrf_header_is_needed_or_sent(fake_leetcode: FakeLeetCode,
                                                    make_client: Callable[..., LeetCodeClient]) -> None:
    client = make_client()
    assert not client.has_session
    posts = top_posts(client, SLUG, limit=3)
    assert len(posts) == 3 and all(p.content for p in posts)
    assert len(fake_leetcode.requests) == 4
    for r in fake_leetcode.requests:
        assert r.cookies == {} and "cookie" not in r.headers and "x-csrftoken" not in r.headers
