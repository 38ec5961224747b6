"""LeetCode's own judge: "Run code" (interpret) and submit, polled through the
check endpoint. Both need a logged-in session (cookies `LEETCODE_SESSION` and
`csrftoken`, never logged) and go through the one LeetCode client, its
transport, pacing and retries (agent/sources/leetcode_client.py).

    POST /problems/<slug>/interpret_solution/  {lang, question_id, typed_code, data_input}
         -> {"interpret_id", "test_case"[, "interpret_expected_id" (older API)]}
    POST /problems/<slug>/submit/              {lang, question_id, typed_code}
         -> {"submission_id"}
    GET  /submissions/detail/<id>/check/       {"state": PENDING | STARTED | SUCCESS, ...}

Errors (besides the client's, agent/sources/errors.py):

    SourceError
    ├── SessionExpired                       LeetCode sends us to log in
    │   └── SessionRefused                   no cookies configured, or HTTP 401/403
    ├── SourceUnavailable                    retried by the client (429, 5xx, Cloudflare)
    │   ├── CheckTimeout                     no SUCCESS within the polling deadline
    │   └── InternalError                    status 16: LeetCode's judge failed, not the code
    ├── InputRejected (ValueError)           LeetCode refused a run's custom input
    └── UnexpectedShape (ValueError)         a field missing, an unknown state or status code

Every `status_code` has a name (`STATUS`); 10..15 and 20 are verdicts about the
code (`VERDICTS`), 16 is LeetCode's trouble and never a verdict.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

from agent.sources.errors import (
    HTTPStatusError,
    SessionExpired,
    SourceError,
    SourceUnavailable,
    UnexpectedShape,
)
from agent.sources.leetcode_client import LeetCodeClient, _Pacer
from judge.verdict import Verdict

log = logging.getLogger(__name__)

STATUS = {10: "Accepted", 11: "Wrong Answer", 12: "Memory Limit Exceeded", 13: "Output Limit Exceeded",
          14: "Time Limit Exceeded", 15: "Runtime Error", 16: "Internal Error", 20: "Compile Error"}
VERDICTS = {10: Verdict.ACCEPTED, 11: Verdict.WRONG_ANSWER, 12: Verdict.MEMORY_LIMIT, 13: Verdict.OUTPUT_LIMIT,
            14: Verdict.TIME_LIMIT, 15: Verdict.RUNTIME_ERROR, 20: Verdict.COMPILE_ERROR}
INTERNAL_ERROR = 16
STATES = ("PENDING", "STARTED", "SUCCESS")


class SessionRefused(SessionExpired):
    """No session cookies configured, or LeetCode refused them (HTTP 401/403)."""

    def __init__(self, where: str, how: str) -> None:
        SourceError.__init__(self, f"{where}: {how}; the LeetCode session is missing or expired "
                                   "(set fresh LEETCODE_SESSION and csrftoken cookies)")


class CheckTimeout(SourceUnavailable):
    def __init__(self, check_id: str, seconds: float, state: str) -> None:
        super().__init__(f"LeetCode check {check_id}: still {state} after {seconds:.0f} s")


class InternalError(SourceUnavailable):
    def __init__(self, check_id: str, message: str) -> None:
        super().__init__(f"LeetCode check {check_id}: internal error (status 16): {message[:200]}")


class InputRejected(SourceError, ValueError):
    def __init__(self, slug: str, reason: str) -> None:
        super().__init__(f"problem {slug}: LeetCode refused the custom input: {reason[:300]}")
        self.reason = reason


@dataclass(frozen=True)
class Check:
    """A finished check (`state` SUCCESS), its fields read defensively."""

    check_id: str
    raw: dict

    @property
    def status_code(self) -> int:
        code = self.raw.get("status_code")
        if not isinstance(code, int) or isinstance(code, bool) or code not in STATUS:
            raise UnexpectedShape(f"check {self.check_id}", "status_code", f"is {code!r}, not one of {sorted(STATUS)}")
        return code

    @property
    def status(self) -> str:
        return STATUS[self.status_code]

    @property
    def verdict(self) -> Verdict:
        """The verdict about the code; InternalError for LeetCode's own failure."""
        code = self.status_code
        if code == INTERNAL_ERROR:
            raise InternalError(self.check_id, str(self.raw.get("status_msg") or self.raw.get("runtime_error") or ""))
        return VERDICTS[code]

    def int_field(self, name: str) -> int | None:
        v = self.raw.get(name)
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def text(self, name: str, limit: int = 2000) -> str | None:
        v = self.raw.get(name)
        if v is None:
            return None
        if isinstance(v, list):
            v = "\n".join(str(x) for x in v)
        return str(v)[:limit]

    @property
    def runtime_ms(self) -> float | None:
        return _number_prefix(self.raw.get("status_runtime"))

    @property
    def memory_kb(self) -> int | None:
        mem = self.raw.get("memory")
        if isinstance(mem, (int, float)) and not isinstance(mem, bool):
            return int(mem) // 1000  # bytes, as LeetCode reports them
        mb = _number_prefix(self.raw.get("status_memory"))
        return None if mb is None else int(mb * 1000)


def _number_prefix(text: Any) -> float | None:
    """`"52 ms"` -> 52.0, `"17.1 MB"` -> 17.1, `"N/A"` -> None."""
    if not isinstance(text, str):
        return None
    head = text.strip().split(" ")[0]
    try:
        return float(head)
    except ValueError:
        return None


@dataclass(frozen=True)
class RunAnswers:
    """LeetCode's reference outputs for the inputs of one run, in order, and where
    its reference stopped (`failed_at`, with `failure`) when it did not answer all."""

    check_ids: list[str]
    answers: list[str]
    failed_at: int | None = None
    failure: str | None = None
    raw: dict = field(default_factory=dict)


class LeetCodeJudgeAPI:
    """Run and submit on one LeetCode client (its cookies, transport and retries).
    `min_interval_s` paces the run/submit POSTs on top of the client's own pacing:
    LeetCode limits code runs per account to one every few seconds."""

    def __init__(self, client: LeetCodeClient, *, min_interval_s: float = 5.0, poll_interval_s: float = 1.0,
                 poll_timeout_s: float = 120.0, lang: str = "python3") -> None:
        if not client.has_session:
            raise SessionRefused(f"https://{client.site}", "no LEETCODE_SESSION/csrftoken cookies configured")
        self.client, self.lang = client, lang
        self.poll_interval_s, self.poll_timeout_s = poll_interval_s, poll_timeout_s
        self._pacer = _Pacer(min_interval_s)
        self.calls = 0  # run and submit POSTs made (the benchmark counts them)

    def _post(self, slug: str, path: str, body: dict) -> dict:
        self._pacer.wait()
        self.calls += 1
        headers = {"Referer": f"https://{self.client.site}/problems/{slug}/"}
        try:
            doc = self.client.request_json("POST", path, body, headers=headers)
        except HTTPStatusError as e:
            if e.status in (401, 403):
                raise SessionRefused(f"POST {path}", f"HTTP {e.status}") from None
            raise
        if not isinstance(doc, dict):
            raise UnexpectedShape(f"POST {path}", "<body>", "is not an object")
        return doc

    def run(self, slug: str, question_id: str, code: str, inputs: list[str]) -> RunAnswers:
        """Run `code` on custom inputs; what matters is LeetCode's reference outputs."""
        path = f"/problems/{slug}/interpret_solution/"
        body = {"lang": self.lang, "question_id": str(question_id), "typed_code": code,
                "data_input": "\n".join(inputs)}
        try:
            doc = self._post(slug, path, body)
        except HTTPStatusError as e:  # a 400 for input LeetCode's validator refused
            raise InputRejected(slug, f"HTTP {e.status}") from None
        if doc.get("error") and not doc.get("interpret_id"):
            raise InputRejected(slug, str(doc["error"]))
        run_id = doc.get("interpret_id")
        if not isinstance(run_id, str) or not run_id:
            raise UnexpectedShape(f"POST {path}", "interpret_id", "is missing")
        result = self.check(run_id)
        ids = [run_id]
        if "expected_code_answer" in result.raw:
            answers, status = result.raw.get("expected_code_answer"), result.raw.get("expected_status_code", 10)
            ok = result.raw.get("expected_run_success", status == 10) and status == 10
            failure = result.raw.get("expected_runtime_error") or result.raw.get("expected_status_msg")
        elif isinstance(doc.get("interpret_expected_id"), str):  # the older API: a second check
            expected = self.check(doc["interpret_expected_id"])
            ids.append(expected.check_id)
            answers, status = expected.raw.get("code_answer"), expected.status_code
            ok = status == 10 and expected.raw.get("run_success", True)
            failure = expected.raw.get("runtime_error") or expected.raw.get("status_msg")
        else:
            raise UnexpectedShape(f"check {run_id}", "expected_code_answer", "is missing")
        if status == INTERNAL_ERROR:
            raise InternalError(run_id, str(failure or ""))
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise UnexpectedShape(f"check {run_id}", "expected_code_answer", "is not a list of strings")
        if len(answers) == len(inputs) + 1 and answers[-1] == "":
            answers = answers[:-1]  # LeetCode appends an empty entry after the last answer
        if ok and len(answers) != len(inputs):
            raise UnexpectedShape(f"check {run_id}", "expected_code_answer",
                                  f"has {len(answers)} answers for {len(inputs)} inputs")
        if not ok:  # the reference stopped at the input after its last answer
            while answers and answers[-1] == "":
                answers = answers[:-1]
            answers = answers[: len(inputs) - 1]
            return RunAnswers(ids, answers, failed_at=len(answers),
                              failure=f"{STATUS.get(status, status)}: {str(failure or '')[:300]}", raw=result.raw)
        return RunAnswers(ids, answers, raw=result.raw)

    def submit(self, slug: str, question_id: str, code: str) -> str:
        path = f"/problems/{slug}/submit/"
        doc = self._post(slug, path, {"lang": self.lang, "question_id": str(question_id), "typed_code": code})
        sid = doc.get("submission_id")
        if isinstance(sid, bool) or not isinstance(sid, (int, str)) or str(sid) == "":
            raise UnexpectedShape(f"POST {path}", "submission_id", f"is {json.dumps(sid)[:40]}")
        return str(sid)

    def check(self, check_id: str) -> Check:
        """Poll until LeetCode says SUCCESS (tenacity: a fixed interval, a deadline)."""
        path = f"/submissions/detail/{check_id}/check/"

        def once() -> dict:
            doc = self.client.request_json("GET", path)
            if not isinstance(doc, dict) or doc.get("state") not in STATES:
                state = doc.get("state") if isinstance(doc, dict) else None
                raise UnexpectedShape(f"check {check_id}", "state", f"is {state!r}, not one of {STATES}")
            return doc

        poll = Retrying(retry=retry_if_result(lambda d: d.get("state") != "SUCCESS"),
                        wait=wait_fixed(self.poll_interval_s), stop=stop_after_delay(self.poll_timeout_s))
        try:
            doc = poll(once)
        except RetryError as e:
            last = e.last_attempt.result() if not e.last_attempt.failed else {}
            raise CheckTimeout(check_id, self.poll_timeout_s, str(last.get("state"))) from None
        return Check(check_id, doc)
