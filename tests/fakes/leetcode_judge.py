"""The fake LeetCode's judge: "Run code", submit and the check endpoint, answering
with the fake's own reference solutions (tests/data/leetcode/contest/solutions/)
and its own hidden tests (examples + inputs from its own generators, which share
nothing with agent.testgen).

    with FakeLeetCode.from_fixtures() as lc:
        judge = FakeJudge.attach(lc)          # cookies: judge.cookies
        judge.force(16)                       # the next finished check: internal error
        judge.expire()                        # from now on: redirect to the login page

Endpoints (paths as LeetCode's; see reference/leetcode-api.md):
    POST /problems/<slug>/interpret_solution/  -> {"interpret_id", "test_case"}
         unparsable input or a wrong line count: HTTP 400 {"error": "Invalid testcase ..."}
    POST /problems/<slug>/submit/              -> {"submission_id"}
    GET  /submissions/detail/<id>/check/       PENDING (`pending_polls` times), STARTED
         (`started_polls`), then SUCCESS with LeetCode's fields. A run's input that breaks
         the problem's constraints stops the reference there: expected_status_code 15,
         expected_run_success false, the answers before it.
Auth: cookies LEETCODE_SESSION and csrftoken plus the x-csrftoken header; a missing or
expired session is redirected (302) to /accounts/login/, a wrong CSRF token is a 403.
Rate limit: run/submit POSTs closer than `min_interval_s` get HTTP 429. Faults of the
server (`lc.fail(...)`) apply too, keyed "interpret", "submit", "check" or the path.

Code runs in a subprocess (tests/fakes/leetcode_runner.py) with a per-test CPU limit
(`time_limit_s`) and an address-space limit; the verdict is the first failing test,
as LeetCode's: status 10 AC, 11 WA, 12 MLE, 13 OLE, 14 TLE, 15 RE, 20 CE (16, the
internal error, only when forced).
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import resource
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge import harness
from tests.fakes.leetcode_server import CONTEST_DIR, FakeLeetCode, Recorded

SOLUTIONS = CONTEST_DIR / "solutions"
RUNNER = Path(__file__).with_name("leetcode_runner.py")
ROOT = Path(__file__).resolve().parents[2]
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Account Login - LeetCode</title></head><body>Sign in</body></html>"
STATUS_MSG = {10: "Accepted", 11: "Wrong Answer", 12: "Memory Limit Exceeded", 13: "Output Limit Exceeded",
              14: "Time Limit Exceeded", 15: "Runtime Error", 16: "Internal Error", 20: "Compile Error"}
_KIND_STATUS = {"RE": 15, "TLE": 14, "MLE": 12, "OLE": 13}
_RUN = re.compile(r"^/problems/([^/]+)/interpret_solution/?$")
_SUBMIT = re.compile(r"^/problems/([^/]+)/submit/?$")
_CHECK = re.compile(r"^/submissions/detail/([^/]+)/check/?$")


@dataclass(frozen=True)
class RawResponse:
    """A response that is not a JSON document (a redirect, an HTML page)."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------- per-problem rules


def _ints(v: Any, lo: int, hi: int) -> bool:
    return isinstance(v, list) and all(type(x) is int and lo <= x <= hi for x in v)


def _check_values(args: list) -> str | None:
    nums, k = args
    if not (isinstance(nums, list) and 1 <= len(nums) <= 10**5 and _ints(nums, 1, 10**9)):
        return "nums breaks 1 <= nums.length <= 10^5, 1 <= nums[i] <= 10^9"
    if not (type(k) is int and 1 <= k <= 10**5):
        return "k breaks 1 <= k <= 10^5"
    return None


def _check_sort_even(args: list) -> str | None:
    (nums,) = args
    if not (isinstance(nums, list) and 1 <= len(nums) <= 10**5 and _ints(nums, -10**9, 10**9)):
        return "nums breaks 1 <= nums.length <= 10^5, -10^9 <= nums[i] <= 10^9"
    return None


def _check_mean(args: list) -> str | None:
    (points,) = args
    if not (isinstance(points, list) and 1 <= len(points) <= 10**5
            and all(isinstance(p, list) and len(p) == 2 and _ints(p, -10**4, 10**4) for p in points)):
        return "points breaks 1 <= points.length <= 10^5, -10^4 <= xi, yi <= 10^4"
    return None


def _check_tree(args: list) -> str | None:
    root, threshold = args
    if not isinstance(root, list) or not root or root[0] is None:
        return "the tree must have 1 to 10^4 nodes"
    vals = [v for v in root if v is not None]
    if not (1 <= len(vals) <= 10**4 and _ints(vals, 1, 10**5)):
        return "the tree breaks [1, 10^4] nodes, 1 <= Node.val <= 10^5"
    if not (type(threshold) is int and 1 <= threshold <= 10**5):
        return "threshold breaks 1 <= threshold <= 10^5"
    return None


def _check_ticket(args: list) -> str | None:
    names, arglists = args
    if not (isinstance(names, list) and isinstance(arglists, list) and len(names) == len(arglists) >= 1):
        return "calls and arguments differ in length"
    if names[0] != "TicketQueue" or len(names) - 1 > 10**5:
        return "the first call must be TicketQueue, at most 10^5 calls"
    if not (len(arglists[0]) == 1 and type(arglists[0][0]) is int and 1 <= arglists[0][0] <= 10**5):
        return "capacity breaks 1 <= capacity <= 10^5"
    for name, a in zip(names[1:], arglists[1:], strict=True):
        if name == "join":
            ok = (len(a) == 2 and isinstance(a[0], str) and 1 <= len(a[0]) <= 20
                  and re.fullmatch(r"[a-z ]+", a[0]) is not None and type(a[1]) is int and 1 <= a[1] <= 10**9)
        else:
            ok = name in ("serve", "size") and a == []
        if not ok:
            return f"bad call {name}{a}"
    return None


def _gen_values(rng: random.Random, big: bool) -> list:
    n = rng.randint(10**4, 10**5) if big else rng.randint(1, 30)
    pool = rng.randint(1, 10 if not big else 3000)
    values = [rng.randint(1, 10**9) for _ in range(pool)]
    nums = [rng.choice(values) for _ in range(n)]
    return [nums, rng.randint(1, min(n, 5 if rng.random() < 0.7 else n))]


def _gen_sort_even(rng: random.Random, big: bool) -> list:
    n = rng.randint(10**4, 10**5) if big else rng.randint(1, 25)
    bound = 10**9 if rng.random() < 0.5 else 20
    return [[rng.randint(-bound, bound) for _ in range(n)]]


def _gen_mean(rng: random.Random, big: bool) -> list:
    n = rng.randint(10**4, 10**5) if big else rng.randint(1, 12)
    return [[[rng.randint(-10**4, 10**4), rng.randint(-10**4, 10**4)] for _ in range(n)]]


def _gen_tree(rng: random.Random, big: bool) -> list:
    n = rng.randint(2000, 10**4) if big else rng.randint(1, 20)
    top = 10**5 if rng.random() < 0.3 else 12
    nodes = [harness.TreeNode(rng.randint(1, top)) for _ in range(n)]
    for i in range(1, n):  # each node hangs under an earlier one with a free side
        while True:
            parent = nodes[rng.randrange(i)]
            side = "left" if rng.random() < 0.5 else "right"
            if getattr(parent, side) is None:
                setattr(parent, side, nodes[i])
                break
    return [harness.tree_to_json(nodes[0]), rng.randint(1, top)]


def _gen_ticket(rng: random.Random, big: bool) -> list:
    calls = rng.randint(2000, 10**4) if big else rng.randint(1, 25)
    names, args = ["TicketQueue"], [[rng.randint(1, 6 if not big else 500)]]
    letters = "abcdefghij "
    for _ in range(calls):
        r = rng.random()
        if r < 0.5:
            name = "".join(rng.choice(letters) for _ in range(rng.randint(1, 6))).strip() or "a"
            names.append("join")
            args.append([name, rng.randint(1, 4 if rng.random() < 0.7 else 10**9)])
        else:
            names.append("serve" if r < 0.8 else "size")
            args.append([])
    return [names, args]


@dataclass
class Spec:
    validate: Callable[[list], str | None]
    generate: Callable[[random.Random, bool], list]
    checker: str = "exact"  # exact | unordered | float


SPECS: dict[str, Spec] = {
    "values-with-exact-frequency": Spec(_check_values, _gen_values, "unordered"),
    "sort-even-positions": Spec(_check_sort_even, _gen_sort_even),
    "mean-distance-to-origin": Spec(_check_mean, _gen_mean, "float"),
    "remove-leaves-below-threshold": Spec(_check_tree, _gen_tree),
    "ticket-queue": Spec(_check_ticket, _gen_ticket),
}


def _same(checker: str, expected: Any, got: Any) -> bool:
    if checker == "float":
        try:
            return abs(float(expected) - float(got)) <= 1e-5
        except (TypeError, ValueError):
            return False
    if checker == "unordered" and isinstance(expected, list) and isinstance(got, list):
        return sorted(map(json.dumps, expected)) == sorted(map(json.dumps, got))
    return bool(expected == got)


# ----------------------------------------------------------------- running code


def _call_spec(meta: dict) -> dict:
    if meta.get("systemdesign") or "classname" in meta:
        return {"kind": "design", "classname": meta["classname"],
                "ctor": [p["type"] for p in meta["constructor"]["params"]],
                "methods": {m["name"]: {"params": [p["type"] for p in m["params"]], "return": m["return"]["type"]}
                            for m in meta["methods"]}}
    return {"kind": "function", "name": meta["name"], "params": [p["type"] for p in meta["params"]],
            "return": meta["return"]["type"], "output": (meta.get("output") or {}).get("paramindex")}


def _limit_memory(mb: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))

    return apply


def run_code(meta: dict, code: str, tests: list[str], *, time_limit_s: float, memory_mb: int = 1024) -> list[dict]:
    """One runner process over the tests: its lines (see leetcode_runner); a runner
    killed for wall time ends with a TLE line for the test it was on."""
    job = {"code": code, "call": _call_spec(meta), "tests": tests, "time_limit_s": time_limit_s}
    wall = 10 + 2 * time_limit_s * max(1, len(tests))
    try:
        proc = subprocess.run([sys.executable, "-I", str(RUNNER)], input=json.dumps(job), capture_output=True,
                              text=True, timeout=wall, preexec_fn=_limit_memory(memory_mb),
                              cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        stdout = proc.stdout
    except subprocess.TimeoutExpired as e:
        raw = e.stdout or b""
        stdout = raw.decode() if isinstance(raw, bytes) else raw
    lines = [json.loads(ln) for ln in stdout.splitlines() if ln.strip()]
    done = [ln for ln in lines if "i" in ln]
    if not lines or (not any("compile_error" in ln for ln in lines) and len(done) < len(tests)
                     and all(ln.get("ok") for ln in done)):
        lines.append({"i": len(done), "ok": False, "kind": "TLE", "message": "killed"})
    return lines


def lc_text(value: Any, answer_type: str | None) -> str:
    """A value as LeetCode prints it (doubles with 5 decimals)."""
    if answer_type == "double" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.5f}"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# ----------------------------------------------------------------- jobs


@dataclass
class Job:
    kind: str  # run | submit
    slug: str
    code: str
    inputs: list[str] = field(default_factory=list)
    polls: int = 0
    result: dict | None = None


class FakeJudge:
    def __init__(self, lc: FakeLeetCode, *, session: str = "fake-session-cookie", csrftoken: str = "fake-csrf-token",
                 pending_polls: int = 1, started_polls: int = 1, min_interval_s: float = 0.0,
                 time_limit_s: float = 2.0, hidden_count: int = 24, seed: int = 90001) -> None:
        self.lc, self.session, self.csrftoken = lc, session, csrftoken
        self.pending_polls, self.started_polls = pending_polls, started_polls
        self.min_interval_s, self.time_limit_s = min_interval_s, time_limit_s
        self.hidden_count, self.seed = hidden_count, seed
        self.references: dict[str, str] = {p.name.removesuffix(".py"): p.read_text(encoding="utf-8")
                                           for p in SOLUTIONS.glob("*.py") if not p.name.endswith(".wrong.py")}
        self.expired = False
        self.jobs: dict[str, Job] = {}
        self._forced: deque[int] = deque()
        self._hidden: dict[str, list[tuple[str, Any]]] = {}
        self._ids = itertools.count(1_700_000)
        self._last_post = 0.0
        self._lock = threading.Lock()

    @classmethod
    def attach(cls, lc: FakeLeetCode, **options: Any) -> FakeJudge:
        judge = cls(lc, **options)
        lc.judge = judge  # type: ignore[attr-defined]
        return judge

    @property
    def cookies(self) -> dict[str, str]:
        return {"session_cookie": self.session, "csrf_token": self.csrftoken}

    def force(self, status_code: int, times: int = 1) -> None:
        """The next `times` finished checks answer with this status code."""
        self._forced.extend([status_code] * times)

    def expire(self) -> None:
        self.expired = True

    def posts(self, kind: str) -> list[Recorded]:
        """Run ("interpret") or submit POSTs answered normally (not faulted)."""
        return [r for r in self.lc.requests if r.operation == kind and r.fault is None and r.method == "POST"]

    # ------------------------------------------------------------- routing

    @staticmethod
    def operation(path: str) -> str | None:
        if _RUN.match(path):
            return "interpret"
        if _SUBMIT.match(path):
            return "submit"
        if _CHECK.match(path):
            return "check"
        if path.rstrip("/") == "/accounts/login":
            return "login"
        return None

    def answer(self, method: str, path: str, rec: Recorded) -> tuple[int, Any]:
        op = self.operation(path)
        if op == "login":
            return 200, RawResponse(200, LOGIN_PAGE)
        if self.expired or rec.cookies.get("LEETCODE_SESSION") != self.session:
            return 302, RawResponse(302, b"", headers={"Location": f"/accounts/login/?next={path}"})
        if rec.cookies.get("csrftoken") != self.csrftoken or rec.headers.get("x-csrftoken") != self.csrftoken:
            return 403, RawResponse(403, b"<h1>Forbidden (403)</h1><p>CSRF verification failed.</p>")
        if op == "check" and method == "GET":
            m = _CHECK.match(path)
            assert m is not None
            return self._check(m.group(1))
        if method != "POST" or not isinstance(rec.body, dict):
            return 405, {"error": "method not allowed"}
        with self._lock:
            now = time.monotonic()
            if now - self._last_post < self.min_interval_s:
                return 429, {"error": "You have attempted to run code too soon. Please try again later."}
            self._last_post = now
        m = _RUN.match(path) or _SUBMIT.match(path)
        assert m is not None
        slug = m.group(1)
        q = self.lc.questions.get(slug)
        if q is None or slug not in self.references:
            return 404, {"error": "Not found"}
        if str(rec.body.get("question_id")) != str(q.get("questionId")) or rec.body.get("lang") != "python3":
            return 400, {"error": "question_id or lang does not match"}
        code = str(rec.body.get("typed_code", ""))
        if op == "submit":
            sid = str(next(self._ids))
            self.jobs[sid] = Job("submit", slug, code)
            return 200, {"submission_id": int(sid)}
        inputs, error = self._split(q, str(rec.body.get("data_input", "")))
        if error is not None:
            return 400, {"error": f"Invalid testcase: {error}"}
        run_id = f"runcode_{time.time():.7f}_{next(self._ids)}"
        self.jobs[run_id] = Job("run", slug, code, inputs)
        return 200, {"interpret_id": run_id, "test_case": rec.body.get("data_input", "")}

    @staticmethod
    def _meta(q: dict) -> dict:
        return json.loads(q["metaData"])

    def _split(self, q: dict, data: str) -> tuple[list[str], str | None]:
        meta = self._meta(q)
        per = 2 if "classname" in meta else len(meta["params"])
        lines = [ln for ln in data.split("\n") if ln.strip()]
        if not lines or len(lines) % per:
            return [], f"{len(lines)} lines for tests of {per} lines"
        try:
            for ln in lines:
                json.loads(ln)
        except ValueError as e:
            return [], f"a line is not a value ({e})"
        return ["\n".join(lines[i:i + per]) for i in range(0, len(lines), per)], None

    # ------------------------------------------------------------- checks

    def _check(self, job_id: str) -> tuple[int, Any]:
        job = self.jobs.get(job_id)
        if job is None:
            return 200, {"state": "PENDING"}  # LeetCode answers unknown ids as pending, too
        job.polls += 1
        if job.polls <= self.pending_polls:
            return 200, {"state": "PENDING"}
        if job.polls <= self.pending_polls + self.started_polls:
            return 200, {"state": "STARTED"}
        if job.result is None:
            job.result = self._finish(job_id, job)
        return 200, job.result

    def _finish(self, job_id: str, job: Job) -> dict:
        q = self.lc.questions[job.slug]
        common = {"lang": "python3", "pretty_lang": "Python3", "question_id": str(q["questionId"]),
                  "submission_id": job_id, "task_finish_time": int(time.time() * 1000), "state": "SUCCESS"}
        forced = self._forced.popleft() if self._forced else None
        result = self._run_result(q, job) if job.kind == "run" else self._submit_result(q, job)
        if forced is not None:
            result.update(status_code=forced, status_msg=STATUS_MSG[forced], run_success=forced == 10)
            if job.kind == "run":
                result.update(expected_status_code=forced, expected_run_success=forced == 10)
        return {**result, **common}

    def _answer_type(self, meta: dict) -> str | None:
        if "classname" in meta:
            return None
        if (meta.get("output") or {}).get("paramindex") is not None:
            return meta["params"][meta["output"]["paramindex"]]["type"]
        return meta["return"]["type"]

    def _run_result(self, q: dict, job: Job) -> dict:
        meta, spec = self._meta(q), SPECS[job.slug]
        answer_type = self._answer_type(meta)
        stop = next((i for i, t in enumerate(job.inputs) if spec.validate(harness.split_input(t))), None)
        valid = job.inputs if stop is None else job.inputs[:stop]
        expected = run_code(meta, self.references[job.slug], valid, time_limit_s=self.time_limit_s)
        answers = [lc_text(ln["output"], answer_type) for ln in expected if ln.get("ok")]
        mine = run_code(meta, job.code, valid, time_limit_s=self.time_limit_s) if valid else []
        compile_error = next((ln["compile_error"] for ln in mine if "compile_error" in ln), None)
        code_answer = [lc_text(ln["output"], answer_type) for ln in mine if ln.get("ok")]
        failed = next((ln for ln in mine if "i" in ln and not ln.get("ok")), None)
        compare = "".join("1" if a == b else "0" for a, b in zip(code_answer, answers, strict=False))
        status = 20 if compile_error else _KIND_STATUS[failed["kind"]] if failed else 10
        out = {"status_code": status, "status_msg": STATUS_MSG[status], "run_success": status == 10,
               "status_runtime": "0 ms", "memory": 16_400_000, "status_memory": "16.4 MB", "elapsed_time": 31,
               "code_answer": [*code_answer, ""], "code_output": [], "std_output_list": [""] * (len(valid) + 1),
               "expected_status_code": 10, "expected_lang": "cpp", "expected_run_success": True,
               "expected_status_runtime": "0", "expected_memory": 6_000_000,
               "expected_code_answer": [*answers, ""], "expected_code_output": [],
               "expected_std_output_list": [""] * (len(answers) + 1), "expected_elapsed_time": 12,
               "correct_answer": status == 10 and compare == "1" * len(answers), "compare_result": compare,
               "total_correct": compare.count("1"), "total_testcases": len(valid),
               "runtime_percentile": None, "memory_percentile": None}
        if compile_error:
            out.update(compile_error=compile_error, full_compile_error=compile_error)
        elif failed:
            out.update(runtime_error=failed["message"], full_runtime_error=failed["message"])
        if stop is not None:  # the reference refused this input: it stops there
            reason = spec.validate(harness.split_input(job.inputs[stop]))
            out.update(expected_status_code=15, expected_run_success=False, expected_status_msg="Runtime Error",
                       expected_code_answer=answers, expected_runtime_error=f"Invalid input: {reason}",
                       expected_full_runtime_error=f"Invalid input: {reason}")
        return out

    def hidden(self, slug: str) -> list[tuple[str, Any]]:
        """The fake's own tests of a problem: its examples and generated inputs, with
        its reference's outputs (computed once)."""
        if slug not in self._hidden:
            q = self.lc.questions[slug]
            meta, spec = self._meta(q), SPECS[slug]
            examples = [t for t in (q.get("exampleTestcaseList") or []) if t]
            if not examples:
                per = 2 if "classname" in meta else len(meta["params"])
                lines = [ln for ln in str(q.get("exampleTestcases") or "").split("\n") if ln.strip()]
                examples = ["\n".join(lines[i:i + per]) for i in range(0, len(lines), per)]
            rng = random.Random(f"{self.seed}:{slug}")
            generated = [harness.format_input(spec.generate(rng, big=i % 8 == 7)) for i in range(self.hidden_count)]
            inputs = [*examples, *generated]
            assert all(spec.validate(harness.split_input(t)) is None for t in inputs), slug
            lines = run_code(meta, self.references[slug], inputs, time_limit_s=30)
            assert all(ln.get("ok") for ln in lines) and len(lines) == len(inputs), (slug, lines[-1:])
            self._hidden[slug] = [(t, ln["output"]) for t, ln in zip(inputs, lines, strict=True)]
        return self._hidden[slug]

    def _submit_result(self, q: dict, job: Job) -> dict:
        meta, spec = self._meta(q), SPECS[job.slug]
        answer_type = self._answer_type(meta)
        tests = self.hidden(job.slug)
        lines = run_code(meta, job.code, [t for t, _ in tests], time_limit_s=self.time_limit_s)
        base = {"status_runtime": "N/A", "memory": 0, "status_memory": "N/A", "elapsed_time": 0,
                "total_testcases": len(tests), "code_output": "", "std_output": "", "last_testcase": "",
                "expected_output": "", "compare_result": "", "runtime_percentile": None,
                "memory_percentile": None, "run_success": False}
        compile_error = next((ln["compile_error"] for ln in lines if "compile_error" in ln), None)
        if compile_error:
            return {**base, "status_code": 20, "status_msg": STATUS_MSG[20], "total_correct": 0,
                    "compile_error": compile_error, "full_compile_error": compile_error}
        by_index = {ln["i"]: ln for ln in lines if "i" in ln}
        correct, cpu = 0, 0.0
        for i, (text, expected) in enumerate(tests):
            ln = by_index.get(i)
            if ln is None or not ln.get("ok") or not _same(spec.checker, expected, ln["output"]):
                status = 11 if ln is not None and ln.get("ok") else _KIND_STATUS[(ln or {}).get("kind", "TLE")]
                out = {**base, "status_code": status, "status_msg": STATUS_MSG[status], "total_correct": correct,
                       "last_testcase": text, "expected_output": lc_text(expected, answer_type),
                       "compare_result": "1" * correct + "0" * (len(tests) - correct)}
                if status == 11:
                    out["code_output"] = lc_text(ln["output"], answer_type)  # type: ignore[index]
                if status == 15:
                    out.update(runtime_error=ln["message"], full_runtime_error=ln["message"])  # type: ignore[index]
                return out
            correct += 1
            cpu += float(ln.get("cpu_s", 0.0))
        ms = max(1, math.ceil(cpu * 1000))
        return {**base, "status_code": 10, "status_msg": STATUS_MSG[10], "run_success": True, "total_correct": correct,
                "status_runtime": f"{ms} ms", "memory": 17_100_000, "status_memory": "17.1 MB",
                "compare_result": "1" * correct, "elapsed_time": ms, "runtime_percentile": 61.5,
                "memory_percentile": 48.2}
