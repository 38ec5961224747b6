"""`lcagent sync`: find contests held since the last sync, fetch their problems,
store them (re-sync never duplicates; a changed statement becomes a new version).

A contest is complete in the database when all its questions are stored; a plain
sync walks the past-contest pages, newest first, back to the last complete
contest (or `since`), and fetches what is missing, oldest contest first. A problem
that fails (paid-only, unexpected shape, unsupported type) is reported and stored
nothing; the others of its contest are stored. A Cloudflare block (after the
client's retries) stops the whole sync: every further request would be blocked
too, and retrying question by question only costs minutes per contest.

The report counts the examples stored but not compared, per reason, and lists
the statements that speak of order freedom in a way no checker rule knows.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from agent.problem_store import store_problems
from agent.sources.errors import CloudflareChallenge, ContestNotStarted, SourceError
from agent.sources.leetcode_client import ContestSummary, LeetCodeClient
from agent.sources.leetcode_parse import contest_ref, flag_reason, question_to_problem
from judge.constants import CONTEST_DURATION_S
from judge.errors import ProblemError
from judge.problem import Problem, check_slug, save_problem, slug_file_name
from storage import repo
from storage.engine import session_scope

log = logging.getLogger(__name__)
DEFAULT_LOOKBACK = timedelta(days=14)


@dataclass
class SyncReport:
    contests: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    not_public: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    not_comparable: Counter[str] = field(default_factory=Counter)  # flag reason -> examples
    order_unmatched: list[tuple[str, str]] = field(default_factory=list)  # (problem, sentence)
    stopped: str | None = None  # why the sync ended before its work was done

    def count_examples(self, problem: Problem) -> None:
        for t in problem.tests:
            if not t.comparable:
                self.not_comparable[flag_reason(t.note) or "other"] += 1
        self.order_unmatched += [(problem.slug, s) for s in problem.meta.get("order_unmatched", [])]

    def summary(self) -> str:
        text = f"{len(self.contests)} contests, {len(self.stored)} problems stored, {len(self.failures)} failures"
        if self.not_comparable:
            reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(self.not_comparable.items()))
            text += f"; {sum(self.not_comparable.values())} examples not compared ({reasons})"
        return text

    def warnings(self) -> list[str]:
        return [*([self.stopped] if self.stopped else []), *self.not_public,
                *(f"{slug}: the statement speaks of order in a way no checker rule knows (judged exactly): "
                  f"{sentence!r}" for slug, sentence in self.order_unmatched)]


def _contest_rows(engine: Engine, site: str) -> list:
    with session_scope(engine) as s:
        return repo.contest_problem_counts(s, site)


def complete_contests(engine: Engine, site: str) -> dict[str, datetime]:
    """slug -> start time of contests whose problems are all stored."""
    return {slug: start for slug, start, expected, have in _contest_rows(engine, site) if expected and have >= expected}


def incomplete_contests(engine: Engine, site: str) -> dict[str, datetime]:
    """slug -> start time of contests recorded with some of their problems missing."""
    return {slug: start for slug, start, expected, have in _contest_rows(engine, site)
            if not (expected and have >= expected)}


def contests_to_sync(client: LeetCodeClient, engine: Engine, since: datetime | None, now: datetime,
                     max_pages: int = 50) -> list[ContestSummary]:
    """Contests that ended after `since` (default: the newest complete contest,
    or two weeks back on a new database) and are not complete yet; oldest first."""
    done = complete_contests(engine, client.site)
    pending = incomplete_contests(engine, client.site)  # retried until complete
    floor = since or min([max(done.values()) if done else now - DEFAULT_LOOKBACK, *pending.values()])
    found: list[ContestSummary] = []
    page, pages = 1, 1
    while page <= min(pages, max_pages):
        batch, pages = client.past_contests(page)
        found += [c for c in batch if c.start_time >= floor and c.slug not in done]
        if not batch or min(c.start_time for c in batch) < floor:
            break
        page += 1
    return sorted(found, key=lambda c: c.start_time)


def sync_contest(client: LeetCodeClient, engine: Engine, slug: str, report: SyncReport, *,
                 now: datetime, out_dir: Path | None = None) -> None:
    try:
        check_slug(slug, "contest slug")  # it goes into a URL and, with --out, a directory name
        info = client.contest_info(slug, now=now)
    except ContestNotStarted as e:
        report.not_public.append(str(e))
        return
    except CloudflareChallenge as e:
        _stop(report, slug, e)
        return
    except (SourceError, ProblemError) as e:
        report.failures.append((slug, str(e)))
        return
    report.contests.append(slug)
    problems: list[Problem] = []
    for q in info["questions"]:
        qslug = q["title_slug"]
        try:
            problems.append(question_to_problem(client.question(qslug), site=client.site,
                                                contest=contest_ref(info, qslug), language=client.language))
        except CloudflareChallenge as e:
            _stop(report, str(qslug), e)
            break
        except (SourceError, ValueError) as e:  # ProblemError, and a contest slug pydantic refused
            report.failures.append((str(qslug), str(e)))
    _record_contest(engine, client.site, info, len(info["questions"]))  # incomplete ones are synced again
    stored, failed = store_problems(engine, problems)
    report.failures += failed
    failed_slugs = {f for f, _ in failed}
    report.stored += [p.slug for p in problems if p.slug not in failed_slugs]
    for p in problems:
        if p.slug not in failed_slugs:
            report.count_examples(p)
    if out_dir is not None:
        for p in problems:
            save_problem(p, out_dir / slug_file_name(slug))
    log.info("contest %s: %d of %d problems stored", slug, stored, len(info["questions"]))


def _stop(report: SyncReport, where: str, e: CloudflareChallenge) -> None:
    report.failures.append((where, str(e)))
    report.stopped = (f"sync stopped at {where}: LeetCode answers with a Cloudflare challenge; the rest is "
                      "left for the next sync (retry later, or set the session cookies)")


def _record_contest(engine: Engine, site: str, info: dict, n_questions: int) -> None:
    c = info["contest"]
    with session_scope(engine) as s:
        row = repo.upsert_contest(s, site, str(c["title_slug"]),
                                  datetime.fromtimestamp(int(c["start_time"]), tz=UTC),
                                  title=str(c.get("title", "")), duration_s=int(c.get("duration") or CONTEST_DURATION_S))
        row.n_questions = n_questions
        s.add(row)


def sync(client: LeetCodeClient, engine: Engine, *, contests: list[str] | None = None,
         since: datetime | None = None, now: datetime | None = None, out_dir: Path | None = None,
         on_contest: Callable[[str], None] | None = None) -> SyncReport:
    now = now or datetime.now(UTC)
    report = SyncReport()
    try:
        slugs = contests or [c.slug for c in contests_to_sync(client, engine, since, now)]
    except SourceError as e:
        report.failures.append(("contest list", str(e)))
        return report
    for i, slug in enumerate(slugs):
        if on_contest:
            on_contest(slug)
        sync_contest(client, engine, slug, report, now=now, out_dir=out_dir)
        if report.stopped:
            if slugs[i + 1:]:
                report.stopped += f"; contests not tried: {', '.join(slugs[i + 1:])}"
            break
    return report
