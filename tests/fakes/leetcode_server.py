"""A fake LeetCode: a real HTTP server on 127.0.0.1 that speaks LeetCode's protocol.

    with FakeLeetCode.from_fixtures() as lc:
        client = LeetCodeClient(base_url=lc.url, min_interval_s=0, backoff_s=0)
        lc.fail("questionData", "status", status=503, times=2)   # two 503s, then normal
        ...
        assert [r.slug for r in lc.requests_for("questionData")] == [...]

Endpoints (fed from the fixture files in tests/data/leetcode/contest/):
    POST /graphql and /graphql/   {"query", "variables", "operationName"}; the root
                                  field decides: question (questionData), pastContests,
                                  topTwoContests, and leetcode.cn's contestHistory and
                                  contestUpcomingContests; community solutions:
                                  ugcArticleSolutionArticles (paged, ordered, filtered by
                                  tag), the discuss-era questionSolutions (answers only for
                                  questions whose posts were added with legacy=True; the UGC
                                  listing has nothing for those), ugcArticleSolutionArticle
                                  (one article's Markdown by topicId)
    GET  /contest/api/info/<slug>/

Community posts: `fake.add_posts(question_slug, [FakePost(...)])`; `from_fixtures`
loads tests/data/leetcode/contest/posts/<question slug>/*.md (a `key: value` header
between `---` lines, then the article's Markdown; see that directory's README).

Faults are queued per key and consumed one request at a time. A key is a path
("/contest/api/info/weekly-contest-9001/", "/graphql"), a GraphQL operation
("questionData", "pastContests"), an operation and its slug
("questionData:ticket-queue"; for community solutions the question slug,
"ugcArticleSolutionArticles:ticket-queue", or the article's topic id,
"ugcArticleSolutionArticle:700401") or "*"; the most specific key with a fault wins.
Kinds:
    status       HTTP `status` (429, 500, 502, 503, 400, 404, ...) with a short body
    cloudflare   HTTP 403 (or `status`) "Just a moment..." challenge page with cf-chl markers
    truncated    HTTP 200, the JSON cut in half, Content-Length of the bytes sent
    drop         Content-Length of the whole body, half of it sent, then the connection closed
    shape        HTTP 200 with `mutate(document)` instead of the document (a changed shape)
    graphql      HTTP 200 {"errors": [{"message": ...}], "data": null}
    hang         waits `seconds` (default 5, released when the server stops), then answers
    redirect     HTTP `status` (default 302) with `Location: location` (another host, the login page, ...)

Every request is recorded (method, path, headers, cookies, body, operation,
variables) in `requests`, faulted or not.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "leetcode"
CONTEST_DIR = DATA / "contest"
CN_DIR = CONTEST_DIR / "cn"
POSTS_DIR = CONTEST_DIR / "posts"

CLOUDFLARE_PAGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1">
</head><body><div class="main-wrapper" role="main"><div class="main-content">
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript>
</div></div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: "leetcode.com",cType: 'managed',
cRay: '8f0c1d2e3a4b5c6d',cH: 'x',cUPMDTk: "\\/graphql\\/?__cf_chl_tk=abc",cFPWv: 'b'};
var cpo = document.createElement('script');cpo.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8f0c1d2e3a4b5c6d';
window._cf_chl_opt.cOgUHash = location.hash === '' ? '' : location.hash;
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>
"""

_ROOT_FIELDS = ("contestUpcomingContests", "contestHistory", "topTwoContests", "pastContests",
                "ugcArticleSolutionArticles", "ugcArticleSolutionArticle", "questionSolutions", "question")
_INFO_PATH = re.compile(r"^/contest/api/info/([^/]+)/?$")


@dataclass
class Fault:
    kind: str
    status: int | None = None
    mutate: Callable[[Any], Any] | None = None
    message: str = "Something went wrong"
    seconds: float = 5.0
    location: str = "/"
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers (Retry-After, ...)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    cookies: dict[str, str]
    raw: bytes
    body: Any = None
    operation: str | None = None
    variables: dict = field(default_factory=dict)
    at: float = 0.0  # time.monotonic() when the request arrived
    fault: str | None = None  # the fault answered instead of the normal response

    @property
    def slug(self) -> str | None:
        """The question the request is about (or, for an article, its topic id)."""
        for key in ("titleSlug", "questionSlug", "topicId"):
            v = self.variables.get(key)
            if v is not None:
                return str(v)
        m = _INFO_PATH.match(self.path)
        return m.group(1) if m else None


@dataclass
class FakePost:
    """A community solution article as the fake serves it. `meta` holds what the
    fixture says about the post (its role, the code it copies, ...): for the
    tests, never served."""

    topic_id: int
    title: str
    author: str  # user slug
    content: str  # Markdown
    votes: int = 0  # UPVOTE reactions
    created_at: str = "2026-04-19T04:30:00.000000+00:00"
    hit_count: int = 0
    author_name: str | None = None
    slug: str | None = None
    tags: list[str] = field(default_factory=lambda: ["python3"])
    reactions: list[dict] = field(default_factory=list)  # other reactions than the upvotes
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> FakePost:
        """A fixture: `---`, `key: value` lines (JSON values, or plain text), `---`, Markdown."""
        text = path.read_text(encoding="utf-8")
        head, sep, body = text.removeprefix("---\n").partition("\n---\n")
        if not text.startswith("---\n") or not sep:
            raise ValueError(f"{path}: no --- header")
        values: dict[str, Any] = {}
        for line in head.splitlines():
            key, _, raw = line.partition(":")
            try:
                values[key.strip()] = json.loads(raw.strip())
            except ValueError:
                values[key.strip()] = raw.strip()
        own = {f for f in cls.__dataclass_fields__ if f not in ("content", "meta")}
        known = {k: v for k, v in values.items() if k in own}
        if isinstance(known.get("tags"), str):
            known["tags"] = [t.strip() for t in known["tags"].split(",") if t.strip()]
        return cls(content=body.lstrip("\n"), meta={k: v for k, v in values.items() if k not in own},
                   **known)

    def node(self) -> dict:
        """The listing's node, with the fields LeetCode's front end asks for."""
        slug = self.slug or re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")
        return {
            "uuid": f"{self.topic_id:08x}-0000-4000-8000-000000000000", "title": self.title, "slug": slug,
            "summary": " ".join(self.content.split())[:150],
            "author": {"realName": self.author_name or self.author, "userAvatar":
                       f"https://assets.leetcode.com/users/{self.author}/avatar.png",
                       "userSlug": self.author, "userName": self.author_name or self.author,
                       "nameColor": None, "certificationLevel": "NORMAL", "activeBadge": None},
            "articleType": "SOLUTION", "thumbnail": "", "createdAt": self.created_at, "updatedAt": self.created_at,
            "status": "PUBLISHED", "isLeetcode": False, "canSee": True, "canEdit": False, "isMyFavorite": False,
            "chargeType": "FREE", "myReactionType": None, "topicId": self.topic_id, "hitCount": self.hit_count,
            "hasVideoArticle": False,
            "reactions": [{"count": self.votes, "reactionType": "UPVOTE"}, *self.reactions],
            "tags": [{"name": t.capitalize(), "slug": t, "tagType": "LANGUAGE"} for t in self.tags],
            "topic": {"id": self.topic_id, "topLevelCommentCount": 0},
        }

    def legacy(self) -> dict:
        """The discuss-era listing's item."""
        return {
            "id": self.topic_id, "title": self.title, "commentCount": 0, "topLevelCommentCount": 0,
            "viewCount": self.hit_count, "pinned": False, "isFavorite": False,
            "solutionTags": [{"name": t.capitalize(), "slug": t} for t in self.tags],
            "post": {"id": self.topic_id + 1_000_000, "status": None, "voteCount": self.votes,
                     "creationDate": int(datetime.fromisoformat(self.created_at).timestamp()),
                     "isHidden": None, "author": {"username": self.author, "isActive": True,
                                                   "nameColor": None, "activeBadge": None,
                                                   "profile": {"userAvatar": "", "reputation": 0}}},
            "searchMeta": None,
        }

    def article(self) -> dict:
        return {**self.node(), "content": self.content, "isSerialized": False, "isAuthorArticleReviewer": False,
                "scoreInfo": None, "prev": None, "next": None}


def load_posts(directory: Path) -> list[FakePost]:
    """The fixture posts of one question directory, by file name."""
    return [FakePost.from_file(p) for p in sorted(directory.glob("*.md"))]


def clone_question(q: dict, slug: str, *, title: str | None = None, question_id: int | None = None) -> dict:
    """A copy of a question object under another slug (for synthetic contests)."""
    out = copy.deepcopy(q)
    out["titleSlug"] = slug
    out["title"] = title or slug.replace("-", " ").title()
    if question_id is not None:
        out["questionId"] = out["questionFrontendId"] = str(question_id)
    return out


def contest_info(slug: str, start_time: int, questions: list[tuple[dict, int]], *, title: str | None = None,
                 duration: int = 5400, contest_id: int = 9999) -> dict:
    """A `/contest/api/info/<slug>/` document in LeetCode's shape."""
    return {
        "contest": {"id": contest_id, "title": title or slug.replace("-", " ").title(), "title_slug": slug,
                    "description": "", "duration": duration, "start_time": start_time, "is_virtual": False,
                    "origin_start_time": start_time, "is_private": False, "related_contest_title": None,
                    "discuss_topic_id": None},
        "questions": [{"id": 50000 + i, "question_id": int(q.get("questionId") or 0), "credit": credit,
                       "title": q.get("title"), "title_slug": q["titleSlug"], "category_slug": "algorithms"}
                      for i, (q, credit) in enumerate(questions)],
        "user_num": 0, "has_chosen_contact": False, "company": {"name": "", "description": "", "logo": ""},
        "registered": False, "containsPremium": False, "current_timestamp": time.time(),
    }


class FakeLeetCode:
    """The server's state (plain dicts the tests may change at any time) and its thread."""

    def __init__(self) -> None:
        self.questions: dict[str, dict] = {}  # slug -> GraphQL `question` object
        self.contests: dict[str, dict] = {}  # slug -> contest info document
        self.past: list[dict] = []  # pastContests data entries, newest first
        self.upcoming: list[dict] = []  # topTwoContests / contestUpcomingContests entries
        self.posts: dict[str, list[FakePost]] = {}  # question slug -> community solution posts
        self.legacy_posts: set[str] = set()  # questions whose posts only the discuss-era listing has
        self.requests: list[Recorded] = []
        self.judge: Any = None  # run/submit/check endpoints: tests/fakes/leetcode_judge.py FakeJudge.attach
        self._faults: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ setup

    @classmethod
    def from_fixtures(cls, directory: Path = CONTEST_DIR, *, cn: bool = False) -> FakeLeetCode:
        """The fake contest (weekly-contest-9001, biweekly-contest-9000), the real
        recorded two-sum response, and with `cn` the leetcode.cn variants on top."""
        fake = cls()
        fake.load(DATA / "question-two-sum.json")
        for path in sorted(directory.glob("question-*.json")):
            fake.load(path)
        for path in sorted(directory.glob("contest-*.json")):
            fake.load(path)
        for folder in sorted(p for p in (directory / "posts").glob("*") if p.is_dir()):
            fake.add_posts(folder.name, load_posts(folder))
        fake.past = _read(directory / "past-contests.json")["data"]["pastContests"]["data"]
        fake.upcoming = _read(directory / "top-two-contests.json")["data"]["topTwoContests"]
        if cn:
            for path in sorted(CN_DIR.glob("*.json")):
                fake.load(path)
            fake.past = _read(CN_DIR / "contest-history.json")["data"]["contestHistory"]["contests"]
            fake.upcoming = _read(CN_DIR / "upcoming-contests.json")["data"]["contestUpcomingContests"]
        return fake

    def load(self, path: Path) -> None:
        """A recorded `question` response or contest info document."""
        doc = _read(path)
        if "contest" in doc:
            self.contests[doc["contest"]["title_slug"]] = doc
            return
        q = doc.get("data", {}).get("question")
        if isinstance(q, dict):
            slug = q.get("titleSlug") or path.stem.removeprefix("question-")
            self.questions[slug] = q

    def add_contest(self, slug: str, start_time: int, questions: list[tuple[dict, int]], *,
                    title: str | None = None, listed: bool = True) -> dict:
        """A contest with these (question, credit) pairs; listed among the past contests."""
        info = contest_info(slug, start_time, questions, title=title)
        self.contests[slug] = info
        for q, _ in questions:
            self.questions[q["titleSlug"]] = q
        if listed:
            self.past.append({"title": info["contest"]["title"], "titleSlug": slug, "startTime": start_time,
                              "originStartTime": start_time, "duration": 5400, "isVirtual": False})
            self.past.sort(key=lambda c: -int(c["startTime"]))
        return info

    def add_posts(self, question_slug: str, posts: list[FakePost], *, legacy: bool = False) -> None:
        """Community solution posts of a question (added to those it has). With
        `legacy`, the question is an old one: only the discuss-era listing has them."""
        self.posts.setdefault(question_slug, []).extend(posts)
        if legacy:
            self.legacy_posts.add(question_slug)

    def fail(self, key: str, kind: str, *, times: int = 1, **options: Any) -> None:
        """Queue `times` faults of `kind` for requests matching `key` (see the module doc)."""
        if kind not in ("status", "cloudflare", "truncated", "drop", "shape", "graphql", "hang", "redirect"):
            raise ValueError(f"unknown fault kind {kind!r}")
        key = _normal_key(key)
        with self._lock:
            self._faults.setdefault(key, deque()).extend(Fault(kind, **options) for _ in range(times))

    def faults_left(self, key: str | None = None) -> int:
        with self._lock:
            if key is None:
                return sum(len(q) for q in self._faults.values())
            return len(self._faults.get(_normal_key(key), ()))

    def requests_for(self, operation_or_path: str) -> list[Recorded]:
        """Recorded requests of a GraphQL operation, or to a path (trailing slash ignored)."""
        key = _normal_key(operation_or_path)
        return [r for r in self.requests if r.operation == key or _normal_key(r.path) == key]

    def question_slugs_requested(self) -> list[str]:
        return [r.slug for r in self.requests_for("questionData") if r.slug]

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("fake LeetCode is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeLeetCode:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._release.clear()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-leetcode", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # hung handlers answer now
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeLeetCode:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ------------------------------------------------------------------ dispatch (handler threads)

    def _next_fault(self, keys: list[str]) -> Fault | None:
        with self._lock:
            for key in keys:
                queue = self._faults.get(key)
                if queue:
                    return queue.popleft()
        return None

    def _answer_graphql(self, body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return 400, {"errors": [{"message": "Must provide query string."}]}
        root = _root_field(body["query"])
        variables = body.get("variables") or {}
        if root == "question":
            q = self.questions.get(str(variables.get("titleSlug")))
            return 200, {"data": {"question": copy.deepcopy(q)}}
        if root == "pastContests":
            page, per_page = int(variables.get("pageNo") or 1), int(variables.get("numPerPage") or 10)
            items = self.past[(page - 1) * per_page: page * per_page]
            return 200, {"data": {"pastContests": {
                "pageNum": max(1, -(-len(self.past) // per_page)), "currentPage": page,
                "totalNum": len(self.past), "numPerPage": per_page, "data": copy.deepcopy(items)}}}
        if root == "contestHistory":
            page, per_page = int(variables.get("pageNum") or 1), int(variables.get("pageSize") or 10)
            items = self.past[(page - 1) * per_page: page * per_page]
            return 200, {"data": {"contestHistory": {"totalNum": len(self.past), "contests": copy.deepcopy(items)}}}
        if root in ("topTwoContests", "contestUpcomingContests"):
            return 200, {"data": {root: copy.deepcopy(self.upcoming)}}
        if root == "ugcArticleSolutionArticles":
            return 200, {"data": {root: self._solution_articles(variables)}}
        if root == "questionSolutions":
            return 200, {"data": {root: self._legacy_solutions(variables)}}
        if root == "ugcArticleSolutionArticle":
            wanted = str(variables.get("topicId") or variables.get("articleId") or "")
            post = next((p for posts in self.posts.values() for p in posts if str(p.topic_id) == wanted), None)
            return 200, {"data": {root: post.article() if post else None}}
        return 400, {"errors": [{"message": "Cannot query field on type \"Query\".",
                                 "locations": [{"line": 1, "column": 1}]}]}

    def _listed(self, slug: str, order: str, tags: list[str], text: str) -> list[FakePost]:
        """A question's posts with one of `tags` (any when none), whose title has `text`, in `order`."""
        posts = [p for p in self.posts.get(slug, []) if (not tags or set(tags) & set(p.tags))
                 and text.lower() in p.title.lower()]
        keys: dict[str, Callable[[FakePost], Any]] = {
            "MOST_VOTES": lambda p: (-p.votes, p.topic_id), "most_votes": lambda p: (-p.votes, p.topic_id),
            "MOST_RECENT": lambda p: (p.created_at, p.topic_id), "newest_to_oldest": lambda p: (p.created_at, p.topic_id),
            "HOT": lambda p: (-p.hit_count, p.topic_id), "hot": lambda p: (-p.hit_count, p.topic_id),
        }
        key = keys.get(order, keys["HOT"])
        return sorted(posts, key=key, reverse=order in ("MOST_RECENT", "newest_to_oldest"))

    def _solution_articles(self, v: dict) -> dict:
        slug = str(v.get("questionSlug"))
        posts = [] if slug in self.legacy_posts else self._listed(
            slug, str(v.get("orderBy") or "HOT"), list(v.get("tagSlugs") or []), str(v.get("userInput") or ""))
        skip, first = int(v.get("skip") or 0), int(v.get("first") or 15)
        page = posts[skip: skip + first]
        return {"totalNum": len(posts), "pageInfo": {"hasNextPage": skip + first < len(posts)},
                "edges": [{"node": p.node()} for p in page]}

    def _legacy_solutions(self, v: dict) -> dict:
        slug = str(v.get("questionSlug"))
        posts = self._listed(slug, str(v.get("orderBy") or "hot"), list(v.get("languageTags") or []),
                             str(v.get("query") or "")) if slug in self.legacy_posts else []
        skip, first = int(v.get("skip") or 0), int(v.get("first") or 15)
        return {"hasDirectResults": True, "totalNum": len(posts),
                "solutions": [p.legacy() for p in posts[skip: skip + first]]}

    def _answer_info(self, slug: str) -> tuple[int, Any]:
        info = self.contests.get(slug)
        if info is None:
            return 404, {"detail": "Not found."}
        return 200, copy.deepcopy(info)


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _normal_key(key: str) -> str:
    return key.rstrip("/") if key.startswith("/") and key != "/" else key


def _root_field(query: str) -> str | None:
    body = query[query.find("{") + 1:] if "{" in query else query
    m = re.search(r"\b(" + "|".join(_ROOT_FIELDS) + r")\b", body)
    return m.group(1) if m else None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeLeetCode
    protocol_version = "HTTP/1.1"
    server_version = "cloudflare"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    # ------------------------------------------------------------------

    def _handle(self) -> None:
        fake = self.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        cookies: dict[str, str] = {}
        for header in self.headers.get_all("Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            cookies.update({k: m.value for k, m in jar.items()})
        rec = Recorded(method=self.command, path=path, headers={k.lower(): v for k, v in self.headers.items()},
                       cookies=cookies, raw=raw, at=time.monotonic())
        try:
            rec.body = json.loads(raw) if raw else None
        except ValueError:
            rec.body = None
        keys = [path.rstrip("/") or "/"]
        status: int
        document: Any
        if self.command == "POST" and path.rstrip("/") == "/graphql":
            if isinstance(rec.body, dict):
                rec.variables = rec.body.get("variables") or {}
                rec.operation = rec.body.get("operationName") or _root_field(str(rec.body.get("query", "")))
            if rec.operation:
                keys = ([f"{rec.operation}:{rec.slug}"] if rec.slug else []) + [rec.operation, *keys]
            status, document = fake._answer_graphql(rec.body)
        elif self.command == "GET" and _INFO_PATH.match(path):
            status, document = fake._answer_info(rec.slug or "")
        elif fake.judge is not None and fake.judge.operation(path):
            rec.operation = fake.judge.operation(path)  # "interpret", "submit", "check": fault keys too
            keys = [rec.operation, *keys]
            status, document = fake.judge.answer(self.command, path, rec)
        else:
            status, document = 404, None
        with fake._lock:
            fake.requests.append(rec)
        fault = fake._next_fault([*keys, "*"])
        rec.fault = fault.kind if fault else None
        try:
            if fault is None:
                self._send_json(status, document)
            else:
                self._send_fault(fault, status, document)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a hang)
            self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: str, *, length: int | None = None,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _send_json(self, status: int, document: Any) -> None:
        if hasattr(document, "content_type"):  # the judge's redirects and HTML pages
            self._send(document.status, document.body, document.content_type, headers=document.headers)
            return
        if document is None:
            self._send(status, b"<html><body><h1>Page Not Found</h1></body></html>", "text/html; charset=utf-8")
            return
        self._send(status, json.dumps(document).encode(), "application/json")

    def _send_fault(self, fault: Fault, status: int, document: Any) -> None:
        body = json.dumps(document).encode()
        if fault.kind == "status":
            code = fault.status or 500
            text = {429: {"error": "You have attempted to run code too soon. Please try again later."},
                    }.get(code, {"error": fault.message})
            self._send(code, json.dumps(text).encode(), "application/json", headers=fault.headers)
        elif fault.kind == "redirect":
            self._send(fault.status or 302, b"", "text/html; charset=utf-8", headers={"Location": fault.location})
        elif fault.kind == "cloudflare":
            self._send(fault.status or 403, CLOUDFLARE_PAGE.encode(), "text/html; charset=UTF-8",
                       headers={"cf-mitigated": "challenge", "cf-ray": "8f0c1d2e3a4b5c6d-FRA",
                                "Cache-Control": "private, max-age=0, no-store"})
        elif fault.kind == "truncated":
            half = body[: len(body) // 2]
            self._send(200, half, "application/json")
        elif fault.kind == "drop":
            self.close_connection = True
            self._send(200, body[: len(body) // 2], "application/json", length=len(body),
                       headers={"Connection": "close"})
        elif fault.kind == "shape":
            assert fault.mutate is not None, "a shape fault needs mutate="
            self._send(200, json.dumps(fault.mutate(copy.deepcopy(document))).encode(), "application/json")
        elif fault.kind == "graphql":
            self._send(200, json.dumps({"errors": [{"message": fault.message, "locations": [
                {"line": 2, "column": 3}], "path": ["question"]}], "data": None}).encode(), "application/json")
        elif fault.kind == "hang":
            self.fake._release.wait(fault.seconds)
            self._send_json(status, document)


def set_path(path: list[str | int], value: Any) -> Callable[[Any], Any]:
    """A `mutate` for shape faults: the document with the value at `path` replaced."""

    def mutate(doc: Any) -> Any:
        node = doc
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
        return doc

    return mutate


def drop_path(path: list[str | int]) -> Callable[[Any], Any]:
    """A `mutate` for shape faults: the document without the field at `path`."""

    def mutate(doc: Any) -> Any:
        node = doc
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]
        return doc

    return mutate
