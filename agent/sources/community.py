"""Community solution posts of a problem: listing them and reading their Markdown.

After a contest, participants publish solution articles; they are public, so
this works without a LeetCode login (no cookie is needed or asked for). The
posts are untrusted text: this module only fetches and types them. Extracting
code (agent/oracle/community_posts.py) and running it in the sandbox are the
oracle's business.

    list_posts(client, slug, limit=20, order="MOST_VOTES")  -> [SolutionPost]  (no content)
    fetch_content(client, post)                              -> SolutionPost with `content`
    top_posts(client, slug, ...)                             -> both: the listed posts, read

Listing uses the UGC query LeetCode's own front end sends
(`ugcArticleSolutionArticles`, paged with skip/first). Older problems whose
posts predate it answer nothing there; for them the discuss-era listing
(`questionSolutions`) is asked instead. Bodies come from
`ugcArticleSolutionArticle(topicId)` for both. leetcode.com only (leetcode.cn
names these queries differently).

Every field read is checked: a response of another shape raises UnexpectedShape
naming the question (or article) and the field, never a KeyError traceback.
Transport trouble is the LeetCode client's (retries, pacing, distinct errors).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from agent.sources import leetcode_api as api
from agent.sources.errors import NotFound, UnexpectedShape
from agent.sources.leetcode_client import LeetCodeClient

Order = Literal["MOST_VOTES", "HOT", "MOST_RECENT"]
ORDERS: tuple[Order, ...] = ("MOST_VOTES", "HOT", "MOST_RECENT")
# the discuss-era listing spells the orders in its own way
_LEGACY_ORDER: dict[str, str] = {"MOST_VOTES": "most_votes", "HOT": "hot", "MOST_RECENT": "newest_to_oldest"}
UPVOTE = "UPVOTE"
MAX_PAGE_SIZE = 50  # what one request may ask for; more pages are fetched instead
MAX_PAGES = 100  # a listing that never ends (hasNextPage forever) stops here


@dataclass(frozen=True)
class SolutionPost:
    """One solution article as listed; `content` (Markdown) once fetched."""

    question_slug: str
    topic_id: int
    title: str
    author: str  # the author's user slug: what tells two posters apart
    votes: int  # UPVOTE reactions (the discuss-era listing: voteCount)
    created_at: datetime | None
    hit_count: int
    slug: str = ""
    author_name: str = ""
    listing: Literal["ugc", "legacy"] = "ugc"  # which query found it
    content: str | None = None

    @property
    def url(self) -> str:
        tail = f"{self.slug}/" if self.slug else ""
        return f"https://leetcode.com/problems/{self.question_slug}/solutions/{self.topic_id}/{tail}"


# ---------------------------------------------------------------- checked reads


class _Reader:
    """Typed reads of one response, each failure an UnexpectedShape naming where."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, field: str, detail: str) -> UnexpectedShape:
        return UnexpectedShape(self.where, field, detail)

    def obj(self, node: Any, field: str) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise self.fail(field, "is missing" if node is None else f"is {_kind(node)}, not an object")
        return node

    def items(self, node: Any, field: str) -> list[Any]:
        if not isinstance(node, list):
            raise self.fail(field, "is missing" if node is None else f"is {_kind(node)}, not a list")
        return node

    def text(self, node: dict[str, Any], key: str, field: str, *, required: bool = True) -> str:
        value = node.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(field, "is missing" if value is None else
                            "is empty" if isinstance(value, str) else f"is {_kind(value)}, not text")
        return value

    def count(self, node: dict[str, Any], key: str, field: str, *, required: bool = False) -> int:
        value = node.get(key)
        if value is None and not required:
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(field, "is missing" if value is None else f"is {_kind(value)}, not a count")
        return value

    def topic_id(self, node: dict[str, Any], key: str, field: str) -> int:
        value = node.get(key)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(field, "is missing" if value is None else f"is {_kind(value)}, not a topic id")
        return value

    def time(self, value: Any, field: str) -> datetime | None:
        """An ISO 8601 string (the UGC listing) or unix seconds (the discuss era)."""
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e11:
            return datetime.fromtimestamp(value, tz=UTC)
        if isinstance(value, str):
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                raise self.fail(field, f"is {value[:40]!r}, not a time") from None
            return when if when.tzinfo else when.replace(tzinfo=UTC)
        raise self.fail(field, f"is {_kind(value)}, not a time")


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return f"the number {v}"
    if isinstance(v, str):
        return f"the text {v[:30]!r}"
    return "a list" if isinstance(v, list) else "an object" if isinstance(v, dict) else type(v).__name__


# ---------------------------------------------------------------- listing

_Page = tuple[list[SolutionPost], int | None, bool]  # posts, totalNum (if given), more pages


def _ugc_page(client: LeetCodeClient, question_slug: str, order: Order, language: str, skip: int,
              first: int) -> _Page:
    """(posts, totalNum, hasNextPage) of one page of the UGC listing."""
    data = client.graphql(api.SOLUTION_ARTICLES, {
        "questionSlug": question_slug, "orderBy": order, "userInput": "",
        "tagSlugs": [language] if language else [], "skip": skip, "first": first,
    }, "ugcArticleSolutionArticles")
    r = _Reader(f"community solutions of {question_slug}")
    block = r.obj(data.get("ugcArticleSolutionArticles"), "ugcArticleSolutionArticles")
    total = r.count(block, "totalNum", "totalNum") if block.get("totalNum") is not None else None
    info = block.get("pageInfo")
    posts = []
    for i, edge in enumerate(r.items(block.get("edges"), "edges")):
        at = f"edges[{i}].node"
        node = r.obj(r.obj(edge, f"edges[{i}]").get("node"), at)
        author = r.obj(node.get("author"), f"{at}.author")
        votes = 0
        for j, reaction in enumerate(r.items(node.get("reactions") or [], f"{at}.reactions")):
            reaction = r.obj(reaction, f"{at}.reactions[{j}]")
            if reaction.get("reactionType") == UPVOTE:
                votes += r.count(reaction, "count", f"{at}.reactions[{j}].count", required=True)
        posts.append(SolutionPost(
            question_slug=question_slug,
            topic_id=r.topic_id(node, "topicId", f"{at}.topicId"),
            title=r.text(node, "title", f"{at}.title"),
            author=r.text(author, "userSlug", f"{at}.author.userSlug"),
            votes=votes,
            created_at=r.time(node.get("createdAt"), f"{at}.createdAt"),
            hit_count=r.count(node, "hitCount", f"{at}.hitCount"),
            slug=r.text(node, "slug", f"{at}.slug", required=False),
            author_name=r.text(author, "userName", f"{at}.author.userName", required=False),
            listing="ugc",
        ))
    if info is not None:
        has_next = bool(r.obj(info, "pageInfo").get("hasNextPage"))
    else:  # no pageInfo: the total says whether more follow
        has_next = total is not None and skip + len(posts) < total
    return posts, total, has_next


def _legacy_page(client: LeetCodeClient, question_slug: str, order: Order, language: str, skip: int,
                 first: int) -> _Page:
    """(posts, totalNum, more) of one page of the discuss-era listing."""
    data = client.graphql(api.LEGACY_SOLUTIONS, {
        "questionSlug": question_slug, "skip": skip, "first": first, "orderBy": _LEGACY_ORDER[order],
        "languageTags": [language] if language else [],
    }, "communitySolutions")
    r = _Reader(f"community solutions (discuss listing) of {question_slug}")
    block = r.obj(data.get("questionSolutions"), "questionSolutions")
    total = r.count(block, "totalNum", "totalNum") if block.get("totalNum") is not None else None
    posts = []
    for i, item in enumerate(r.items(block.get("solutions"), "solutions")):
        at = f"solutions[{i}]"
        item = r.obj(item, at)
        post = r.obj(item.get("post"), f"{at}.post")
        author = r.obj(post.get("author"), f"{at}.post.author")
        posts.append(SolutionPost(
            question_slug=question_slug,
            topic_id=r.topic_id(item, "id", f"{at}.id"),
            title=r.text(item, "title", f"{at}.title"),
            author=r.text(author, "username", f"{at}.post.author.username"),
            votes=r.count(post, "voteCount", f"{at}.post.voteCount"),
            created_at=r.time(post.get("creationDate"), f"{at}.post.creationDate"),
            hit_count=r.count(item, "viewCount", f"{at}.viewCount"),
            listing="legacy",
        ))
    return posts, total, total is None or skip + len(posts) < total


def _collect(fetch_page: Callable[[int, int], _Page], limit: int, page_size: int) -> list[SolutionPost]:
    """Pages until `limit` posts, the end of the listing, or a page with nothing
    new (a listing that repeats itself must not loop)."""
    out: list[SolutionPost] = []
    seen: set[int] = set()
    skip = 0
    for _ in range(MAX_PAGES):
        first = min(page_size, limit - len(out))
        posts, total, has_next = fetch_page(skip, first)
        fresh = [p for p in posts if p.topic_id not in seen]
        for p in fresh:
            seen.add(p.topic_id)
        out += fresh[: limit - len(out)]
        skip += len(posts)
        if len(out) >= limit or not fresh or not has_next or (total is not None and skip >= total):
            break
    return out


def list_posts(client: LeetCodeClient, question_slug: str, *, limit: int = 20, order: Order = "MOST_VOTES",
               language: str = "python3", page_size: int = 15) -> list[SolutionPost]:
    """Up to `limit` solution posts of a problem, in LeetCode's `order`, tagged
    with `language` ("" for every language); without their content. The UGC
    listing first; only when it has no post at all, the discuss-era listing."""
    if order not in ORDERS:
        raise ValueError(f"order {order!r} is not one of {', '.join(ORDERS)}")
    if limit < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be at least 1 and page_size within 1..{MAX_PAGE_SIZE}")
    posts = _collect(lambda skip, first: _ugc_page(client, question_slug, order, language, skip, first),
                     limit, page_size)
    if posts:
        return posts
    return _collect(lambda skip, first: _legacy_page(client, question_slug, order, language, skip, first),
                    limit, page_size)


# ---------------------------------------------------------------- bodies


def fetch_article(client: LeetCodeClient, question_slug: str, topic_id: int) -> str:
    """The Markdown body of one solution article (NotFound when it is gone)."""
    data = client.graphql(api.SOLUTION_ARTICLE, {"topicId": str(topic_id)}, "ugcArticleSolutionArticle")
    where = f"solution article {topic_id} of {question_slug}"
    article = data.get("ugcArticleSolutionArticle")
    if article is None:
        raise NotFound(where)
    r = _Reader(where)
    article = r.obj(article, "ugcArticleSolutionArticle")
    if article.get("topicId") is not None and r.topic_id(article, "topicId", "topicId") != topic_id:
        raise r.fail("topicId", f"is {article['topicId']}, another article")
    content = article.get("content")
    if not isinstance(content, str):
        raise r.fail("content", "is missing" if content is None else f"is {_kind(content)}, not text")
    return content


def fetch_content(client: LeetCodeClient, post: SolutionPost) -> SolutionPost:
    """The post with its Markdown `content`."""
    return dataclasses.replace(post, content=fetch_article(client, post.question_slug, post.topic_id))


def top_posts(client: LeetCodeClient, question_slug: str, *, limit: int = 20, order: Order = "MOST_VOTES",
              language: str = "python3", page_size: int = 15) -> list[SolutionPost]:
    """`list_posts`, each post read (one request per post). A post deleted
    between the listing and its reading is left out; any other error raises."""
    out = []
    for post in list_posts(client, question_slug, limit=limit, order=order, language=language,
                           page_size=page_size):
        try:
            out.append(fetch_content(client, post))
        except NotFound:
            continue
    return out
