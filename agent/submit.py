"""The LeetCode submit backend: first attempts submitted to LeetCode, whose verdict
(with `total_correct/total_testcases`, runtime, memory) is stored beside the local
one as a second, authoritative judgement of the same generation.

Off by default (`[submit] enabled`, or `lcagent submit`). Paced by the judge API
(`min_interval_s`), capped per UTC day across all models (`daily_cap`). LeetCode's
internal error (status 16) or an unreachable site is recorded as an error and
tried again later, never as a verdict; an expired session stops the run.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from agent.sources.errors import SessionExpired, SourceError, SourceUnavailable
from agent.sources.leetcode_judge import InternalError, LeetCodeJudgeAPI
from storage import leetcode_verdicts as lv
from storage import repo
from storage.engine import session_scope
from storage.models import utcnow

log = logging.getLogger(__name__)


@dataclass
class SubmitReport:
    judged: list[tuple[str, str]] = field(default_factory=list)  # (problem, LeetCode's verdict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    capped: bool = False  # the daily cap stopped the run
    stopped: str | None = None  # an expired session or an unreachable LeetCode


def submit_first_attempts(engine: Engine, api: LeetCodeJudgeAPI, *, attempts: int = 1, daily_cap: int = 50,
                          models: Sequence[str] | None = None, limit: int | None = None,
                          now: datetime | None = None) -> SubmitReport:
    report = SubmitReport()
    site = api.client.site
    with session_scope(engine) as s:
        todo = lv.candidates(s, site, attempts, models, limit)
        run_id = repo.start_run(s, "submit", host=socket.gethostname(), settings={
            "attempts": attempts, "daily_cap": daily_cap, "models": list(models or [])}).id if todo else None
    for c in todo:
        row_id = c.row_id
        try:
            sid = c.submission_id
            if sid is None:  # a new submission: it counts against the cap
                with session_scope(engine) as s:
                    if lv.submitted_since(s, lv.day_start(now or utcnow())) >= daily_cap:
                        report.capped = True
                        break
                    row_id = lv.claim(s, c, site, run_id).id
                sid = api.submit(c.slug, c.question_id, c.code)
                with session_scope(engine) as s:
                    lv.checking(s, row_id, sid)  # type: ignore[arg-type]
            check = api.check(sid)
            verdict = check.verdict  # InternalError for status 16
        except InternalError as e:
            _error(engine, row_id, str(e), report, c.slug)
            continue
        except SessionExpired as e:
            _error(engine, row_id, str(e), report, c.slug, keep_checking=sid is not None)
            report.stopped = str(e)
            break
        except (SourceUnavailable, SourceError) as e:
            _error(engine, row_id, str(e), report, c.slug, keep_checking=sid is not None)
            report.stopped = str(e)
            break
        detail = {k: check.text(k) for k in ("last_testcase", "expected_output", "code_output", "compile_error",
                                             "runtime_error", "status_runtime", "status_memory")
                  if check.raw.get(k) not in (None, "")}
        detail["submission_id"] = sid
        with session_scope(engine) as s:
            lv.judged(s, row_id, verdict=verdict, status_code=check.status_code,  # type: ignore[arg-type]
                      status_msg=check.text("status_msg", 64), passed=check.int_field("total_correct"),
                      total=check.int_field("total_testcases"), runtime_ms=check.runtime_ms,
                      memory_kb=check.memory_kb, detail=detail)
        report.judged.append((c.slug, str(verdict)))
        log.info("LeetCode judged %s (unit %d): %s", c.slug, c.unit_id, verdict)
    if run_id is not None:
        with session_scope(engine) as s:
            repo.finish_run(s, run_id, "stopped" if report.stopped else "done",
                            note=f"{len(report.judged)} judged by LeetCode, {len(report.errors)} errors"
                                 + (", daily cap reached" if report.capped else ""))
    return report


def _error(engine: Engine, row_id: int | None, error: str, report: SubmitReport, slug: str,
           keep_checking: bool = False) -> None:
    report.errors.append((slug, error))
    log.warning("LeetCode submit of %s: %s", slug, error)
    if row_id is not None:
        with session_scope(engine) as s:
            lv.failed(s, row_id, error, keep_checking=keep_checking)
