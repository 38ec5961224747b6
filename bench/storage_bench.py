"""Results database at scale: bulk inserts and report queries, against in-run baselines.

    .venv/bin/python bench/storage_bench.py [--judgements N] [--db PATH] [--batch UNITS] [--runs K]

One run, one fresh SQLite database made by `storage.open_database` (migrations
applied, the engine's WAL / foreign keys / BEGIN IMMEDIATE settings):

1. Setup through the access layer: 200 weekly contests (`weekly-contest-N`, a week
   apart), 4 problems each in `judge.problem`'s format stored by
   `storage.repo.upsert_problem` (contest, problem, version, test set, test cases),
   10 models with one configuration each, one run.
2. Bulk load, week by week, attempt by attempt: units -> generations -> judgements
   with a realistic result mix (about 55% Accepted, 20% WA, 8% TLE, 2% MLE, 8% RE,
   2% CE of all units, and 5% generations that never reach the judge: "no code" /
   "truncated"; a model's skill, a problem's difficulty and the model's training
   cutoff move each pair's acceptance), 1% of judged generations re-judged (the
   older verdict kept with is_current false). Batches of `--batch` units, each one
   transaction of SQLAlchemy core executemany inserts into the real tables (all
   indexes, foreign keys, CHECK constraints) plus the `result_count` rollup kept in
   step by an INSERT .. ON CONFLICT DO UPDATE of the batch's counts.
   Baseline: the same judgement rows (values pre-serialized) inserted with the
   stdlib `sqlite3` executemany into a plain table with the same columns, no
   constraints and no indexes, in a second file with the same pragmas; and, to
   tell the indexes' cost from SQLAlchemy's, into a copy with the real indexes.
   Each phase reports wall and CPU seconds (rows per CPU-second moves less with
   the load of a shared machine).
3. The three report queries of `storage.repo` (acceptance per model per week, the
   contest matrix of one configuration, verdict mix per week) on a read-only
   engine, median of `--runs` warm runs; baseline: the same aggregations computed
   directly from judgement/generation/unit/problem with GROUP BY (what the rollup
   buys). Both must give the same rows.
4. Consistency: the rollup must equal the base tables (sum of result_count.n ==
   current judgements + no-code/truncated generations, and key by key); exit 1 if not.

Progress goes to stderr, the report to stdout. The machine may be shared: compare
the ratios against the baselines, not only the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.dialects.sqlite import insert as sqlite_insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from judge.problem import parse_problem  # noqa: E402
from judge.verdict import Verdict  # noqa: E402
from storage import open_database, repo  # noqa: E402
from storage.engine import session_scope  # noqa: E402
from storage.models import (  # noqa: E402
    Contest,
    Generation,
    Judgement,
    ModelConfig,
    Outcome,
    Problem,
    ResultCount,
    ResultWeekCount,
    Unit,
    UnitState,
)

WEEKS = 200
PROBLEMS_PER_CONTEST = 4
MODELS = 10
FIRST_CONTEST = 300
FIRST_START = datetime(2022, 7, 3, 2, 30, tzinfo=UTC)  # a Sunday, 02:30 UTC

QUERY_TARGET_MS = 50.0
INSERT_TARGET_ROWS_S = 20_000.0

# Share of all units (generations) ending in each result: the spec's mix.
MIX: dict[str, float] = {
    str(Verdict.ACCEPTED): 0.55,
    str(Verdict.WRONG_ANSWER): 0.20,
    str(Verdict.TIME_LIMIT): 0.08,
    str(Verdict.MEMORY_LIMIT): 0.02,
    str(Verdict.RUNTIME_ERROR): 0.08,
    str(Verdict.COMPILE_ERROR): 0.02,
    str(Outcome.NO_CODE): 0.035,
    str(Outcome.TRUNCATED): 0.015,
}
NO_JUDGE = {str(Outcome.NO_CODE), str(Outcome.TRUNCATED)}
REJUDGE_SHARE = 0.01
DIFFICULTY = (("Easy", 0.20), ("Medium", 0.05), ("Medium", -0.05), ("Hard", -0.20))
SHORT = {Verdict.ACCEPTED: "AC", Verdict.WRONG_ANSWER: "WA", Verdict.TIME_LIMIT: "TLE",
         Verdict.MEMORY_LIMIT: "MLE", Verdict.RUNTIME_ERROR: "RE", Verdict.COMPILE_ERROR: "CE"}
JUDGE_IMAGE = "lcagent-judge:py3.11-4f1c2a9e"
SECONDS_1, SECONDS_5, SECONDS_40 = timedelta(seconds=1), timedelta(seconds=5), timedelta(seconds=40)

T_UNIT = Unit.__table__  # type: ignore[attr-defined]
T_GEN = Generation.__table__  # type: ignore[attr-defined]
T_JUDGEMENT = Judgement.__table__  # type: ignore[attr-defined]
T_RESULT = ResultCount.__table__  # type: ignore[attr-defined]
T_WEEK = ResultWeekCount.__table__  # type: ignore[attr-defined]
JUDGEMENT_COLUMNS = [c.name for c in T_JUDGEMENT.columns]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------- setup


@dataclass
class Prob:
    id: int
    week: int
    release: datetime
    test_set_id: int
    version_id: int
    n_tests: int
    difficulty_shift: float
    limits: dict
    prompt: list
    code: str
    content: str


@dataclass
class Config:
    id: int
    model: str
    served_id: str
    skill: float
    cutoff: datetime
    sampling: dict
    reasoning: bool
    endpoint: str


def problem_doc(week: int, k: int) -> dict:
    n = FIRST_CONTEST + week
    start = FIRST_START + timedelta(weeks=week)
    n_tests = 12 + 8 * k + week % 5
    tests = [{"input": f"[{i}, {i + 1}, {i * 7 % 13}]\n{i % 4}", "expected": i * 3 + k,
              "source": "example" if i < 3 else "generated"} for i in range(n_tests)]
    return {
        "slug": f"weekly-{n}-q{k + 1}-count-subarrays",
        "frontend_id": str(3000 + 4 * week + k),
        "backend_id": str(4000 + 4 * week + k),
        "title": f"Count Subarrays {n}.{k + 1}",
        "source": {"kind": "leetcode", "site": "leetcode",
                   "url": f"https://leetcode.com/problems/weekly-{n}-q{k + 1}-count-subarrays/"},
        "contest": {"slug": f"weekly-contest-{n}", "title": f"Weekly Contest {n}", "start_time": start,
                    "duration_s": 5400, "points": (3, 4, 5, 6)[k]},
        "release_time": start, "release_time_source": "contest",
        "difficulty": DIFFICULTY[k][0], "tags": ["array", "sliding-window"][: 1 + k % 2],
        "statement": (f"Given an integer array nums and an integer k, return the number of "
                      f"subarrays of nums whose sum is divisible by k + {k + 1}. " * 3),
        "starter_code": "class Solution:\n    def countSubarrays(self, nums: List[int], k: int) -> int:\n",
        "signature": {"kind": "function", "name": "countSubarrays",
                      "params": [{"name": "nums", "type": "integer[]"}, {"name": "k", "type": "integer"}],
                      "return": "integer"},
        "tests": tests,
    }


def setup(engine: sa.Engine) -> tuple[list[Prob], list[Config], int]:
    probs: list[Prob] = []
    configs: list[Config] = []
    with session_scope(engine) as s:
        run_id = repo.start_run(s, "import", host="storage-bench").id
        for m in range(MODELS):
            served = f"org/coder-{m + 1}-{7 * (m + 1)}b-instruct"
            cutoff = FIRST_START + timedelta(weeks=20 + 15 * m)
            model = repo.upsert_model(s, f"coder-{m + 1}", served, [f"http://gpu{m % 3}:8000/v1"],
                                      date(cutoff.year, cutoff.month, cutoff.day))
            sampling = {"temperature": 0.2 if m % 2 else 0.0, "top_p": 0.95, "max_tokens": 4096}
            cfg = repo.upsert_model_config(s, model, model.name, sampling, "leetcode-python", "v3", 1)
            skill = -0.15 + 0.3 * m / (MODELS - 1)
            configs.append(Config(cfg.id, model.name, served, skill, cutoff, sampling, m % 3 == 0,  # type: ignore[arg-type]
                                  model.endpoints[0]))
        for week in range(WEEKS):
            for k in range(PROBLEMS_PER_CONTEST):
                p = parse_problem(problem_doc(week, k))
                row, version, ts = repo.upsert_problem(s, p)
                code = ("class Solution:\n    def countSubarrays(self, nums: List[int], k: int) -> int:\n"
                        "        seen, acc, out = {0: 1}, 0, 0\n        for x in nums:\n"
                        f"            acc = (acc + x) % (k + {k + 1})\n"
                        "            out += seen.get(acc, 0)\n            seen[acc] = seen.get(acc, 0) + 1\n"
                        "        return out\n")
                probs.append(Prob(
                    id=row.id, week=week, release=p.release_time, test_set_id=ts.id,  # type: ignore[arg-type]
                    version_id=version.id, n_tests=ts.n_tests, difficulty_shift=DIFFICULTY[k][1],  # type: ignore[arg-type]
                    limits=ts.limits,
                    prompt=[{"role": "system", "content": "You are an expert Python programmer."},
                            {"role": "user", "content": p.statement + "\n\n" + p.starter_code}],
                    code=code, content=f"Here is a solution.\n\n```python\n{code}```\n",
                ))
    return probs, configs, run_id


def result_weights(prob: Prob, cfg: Config) -> list[float]:
    """Cumulative weights over MIX for one (problem, configuration) pair."""
    shift = cfg.skill + prob.difficulty_shift + (0.08 if prob.release < cfg.cutoff else -0.04)
    accepted = min(0.93, max(0.03, MIX[str(Verdict.ACCEPTED)] + shift))
    rest = 1.0 - MIX[str(Verdict.ACCEPTED)]
    scale = (1.0 - accepted) / rest
    weights = [accepted if r == str(Verdict.ACCEPTED) else w * scale for r, w in MIX.items()]
    return list(accumulate(weights))


# ------------------------------------------------------------------ row making


@dataclass
class Batch:
    units: list[dict] = field(default_factory=list)
    generations: list[dict] = field(default_factory=list)
    judgements: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


class RowMaker:
    """Makes units -> generations -> judgements in the order a weekly cycle would."""

    def __init__(self, probs: list[Prob], configs: list[Config], run_id: int, n_judgements: int,
                 batch_units: int, seed: int = 7) -> None:
        self.probs, self.configs, self.run_id = probs, configs, run_id
        self.n_judgements, self.batch_units = n_judgements, batch_units
        self.rnd = random.Random(seed)
        self.results = list(MIX)
        self.verdicts = {str(v): v for v in Verdict}
        self.cum = {(p.id, c.id): result_weights(p, c) for p in probs for c in configs}
        pairs = len(probs) * len(configs)
        judged_share = 1.0 - sum(MIX[r] for r in NO_JUDGE)
        units = n_judgements / (judged_share * (1.0 + REJUDGE_SHARE))
        # A little more than needed, spread evenly over the weeks (some weeks get one
        # attempt more than others); the load stops at exactly n_judgements.
        per_week = (units * 1.002 + 50) / (pairs / WEEKS)
        self.week_attempts = [max(1, math.floor((w + 1) * per_week / WEEKS) - math.floor(w * per_week / WEEKS))
                              for w in range(WEEKS)]
        self.per_test: dict[tuple, list] = {}
        self.failure: dict[tuple, dict] = {}
        self.expected = Counter()  # what the rollup must say, computed here
        self.n_units = self.n_generations = self.n_made = 0

    def _per_test(self, verdict: Verdict, n: int, fail: int) -> list:
        key = (verdict, n, fail)
        if key not in self.per_test:
            if verdict is Verdict.ACCEPTED:
                self.per_test[key] = ["AC"] * n
            else:
                self.per_test[key] = ["AC"] * fail + [SHORT[verdict]] + ["not run"] * (n - fail - 1)
        return self.per_test[key]

    def _failure(self, verdict: Verdict, fail: int) -> dict | None:
        if verdict is Verdict.ACCEPTED:
            return None
        key = (verdict, fail)
        if key not in self.failure:
            self.failure[key] = {
                "test": fail, "input": f"[{fail}, {fail + 1}, {fail * 7 % 13}]\n{fail % 4}",
                "expected": fail * 3 if verdict is Verdict.WRONG_ANSWER else None,
                "got": fail * 3 + 1 if verdict is Verdict.WRONG_ANSWER else None,
                "stderr": "Traceback (most recent call last):\n  ...\nIndexError: list index out of range"
                if verdict is Verdict.RUNTIME_ERROR else "",
                "message": str(verdict),
            }
        return self.failure[key]

    def _judgement(self, gen_id: int, prob: Prob, verdict: Verdict, at: datetime, current: bool) -> dict:
        rnd = self.rnd.random()
        n = prob.n_tests
        fail = 0 if verdict is Verdict.COMPILE_ERROR else int(rnd * n)
        runtime = 10_000.0 if verdict is Verdict.TIME_LIMIT else 20.0 + 400.0 * rnd
        self.n_made += 1
        return {
            "id": self.n_made, "generation_id": gen_id, "test_set_id": prob.test_set_id, "verdict": verdict,
            "passed": n if verdict is Verdict.ACCEPTED else fail, "total": n,
            "per_test": self._per_test(verdict, n, fail), "first_failure": self._failure(verdict, fail),
            "runtime_ms": runtime, "memory_kb": 1_048_576 if verdict is Verdict.MEMORY_LIMIT else 14_000 + int(rnd * 40_000),
            "judge_image": JUDGE_IMAGE, "limits": prob.limits, "is_current": current, "run_id": self.run_id,
            "created_at": at,
        }

    def _draw(self, prob: Prob, cfg: Config) -> str:
        cum = self.cum[(prob.id, cfg.id)]
        return self.results[min(len(cum) - 1, bisect(cum, self.rnd.random() * cum[-1]))]

    def batches(self) -> Iterator[Batch]:
        batch = Batch()
        for week in range(WEEKS):
            week_probs = self.probs[week * PROBLEMS_PER_CONTEST:(week + 1) * PROBLEMS_PER_CONTEST]
            for attempt in range(1, self.week_attempts[week] + 1):
                for prob in week_probs:
                    for cfg in self.configs:
                        if self.n_made >= self.n_judgements:
                            if batch.units:
                                yield batch
                            return
                        self._unit(batch, prob, cfg, attempt, self._draw(prob, cfg))
                        if len(batch.units) >= self.batch_units:
                            yield batch
                            batch = Batch()
        if batch.units:
            yield batch

    def _unit(self, batch: Batch, prob: Prob, cfg: Config, attempt: int, result: str) -> None:
        self.n_units += 1
        uid = self.n_units
        t0 = prob.release + timedelta(seconds=600 * attempt + uid % 600)
        t1 = t0 + SECONDS_40
        t2 = t1 + SECONDS_5
        batch.units.append({
            "id": uid, "problem_id": prob.id, "model_config_id": cfg.id, "attempt": attempt,
            "state": UnitState.JUDGED, "tries": 1, "last_error": None, "claim_token": None,
            "claimed_at": t0, "next_attempt_at": None, "run_id": self.run_id, "created_at": t0, "updated_at": t2,
        })
        judged = result not in NO_JUDGE
        outcome = Outcome.CODE if judged else Outcome(result)
        truncated = outcome is Outcome.TRUNCATED
        completion = 4096 if truncated else 150 + uid % 900
        self.n_generations += 1
        batch.generations.append({
            "id": uid, "unit_id": uid, "model_config_id": cfg.id, "problem_version_id": prob.version_id,
            "run_id": self.run_id, "endpoint": cfg.endpoint, "served_model": cfg.served_id,
            "sampling": cfg.sampling, "prompt_template_version": "v3", "prompt": prob.prompt,
            "raw_response": {"id": f"chatcmpl-{uid:08x}", "finish_reason": "length" if truncated else "stop",
                             "usage": {"prompt_tokens": 240, "completion_tokens": completion}},
            "content": "I think the answer is to count prefix sums." if outcome is Outcome.NO_CODE else prob.content,
            "reasoning": "Prefix sums modulo k; count equal residues." if cfg.reasoning else None,
            "extracted_code": prob.code if judged else None, "outcome": outcome,
            "finish_reason": "length" if truncated else "stop", "prompt_tokens": 240,
            "completion_tokens": completion, "latency_ms": 800.0 + completion * 12.5, "created_at": t1,
        })
        if judged:
            verdict = self.verdicts[result]
            if self.rnd.random() < REJUDGE_SHARE and self.n_made + 2 <= self.n_judgements:
                # the older verdict of a re-judged generation (a judged one: never "no code")
                old_verdict = self.verdicts.get(self._draw(prob, cfg), Verdict.RUNTIME_ERROR)
                batch.judgements.append(self._judgement(uid, prob, old_verdict, t2, current=False))
            batch.judgements.append(self._judgement(uid, prob, verdict, t2 + SECONDS_1, current=True))
        key = (cfg.id, prob.id, result)
        batch.counts[key] += 1
        self.expected[key] += 1


# --------------------------------------------------------------------- loading


class Clock:
    """Wall and CPU seconds per phase (the machine is shared: CPU time moves less with load)."""

    def __init__(self) -> None:
        self.wall: Counter = Counter()
        self.cpu: Counter = Counter()
        self.rows: Counter = Counter()

    @contextmanager
    def phase(self, name: str, rows: int = 0) -> Iterator[None]:
        w, c = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[name] += time.perf_counter() - w
            self.cpu[name] += time.process_time() - c
            self.rows[name] += rows

    def rate(self, name: str, rows: int | None = None) -> float:
        return (self.rows[name] if rows is None else rows) / max(self.wall[name], 1e-9)

    def cpu_rate(self, name: str, rows: int | None = None) -> float:
        return (self.rows[name] if rows is None else rows) / max(self.cpu[name], 1e-9)


def rollup_statement(table: Any = None) -> Any:
    table = T_RESULT if table is None else table
    stmt = sqlite_insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[c for c in table.primary_key.columns],
        set_={"n": table.c.n + stmt.excluded.n},
    )


JUDGEMENT_DDL = (
    "CREATE TABLE {name} (id INTEGER PRIMARY KEY, generation_id INTEGER, test_set_id INTEGER, "
    "verdict VARCHAR(32), passed INTEGER, total INTEGER, per_test JSON, first_failure JSON, "
    "runtime_ms FLOAT, memory_kb INTEGER, judge_image VARCHAR, limits JSON, is_current BOOLEAN, "
    "run_id INTEGER, created_at DATETIME)"
)


class Baseline:
    """Stdlib sqlite3 in a second file with the engine's pragmas: `plain` has the
    judgement columns and nothing else (the baseline); `indexed` adds the real
    table's indexes (not its foreign keys or CHECKs), to tell the indexes' cost
    from SQLAlchemy's."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        for name in ("plain", "indexed"):
            self.conn.execute(JUDGEMENT_DDL.format(name=name))
        self.conn.execute("CREATE INDEX ix_indexed_generation_id ON indexed (generation_id)")
        self.conn.execute("CREATE INDEX ix_indexed_test_set_id ON indexed (test_set_id)")
        self.conn.execute("CREATE UNIQUE INDEX uq_indexed_current ON indexed (generation_id, test_set_id) "
                          "WHERE is_current = 1")
        cols, marks = ", ".join(JUDGEMENT_COLUMNS), ", ".join("?" * len(JUDGEMENT_COLUMNS))
        self.sql = {name: f"INSERT INTO {name} ({cols}) VALUES ({marks})" for name in ("plain", "indexed")}
        self.json_cache: dict[int, str] = {}

    def _json(self, v: Any) -> str | None:
        if v is None:
            return None
        key = id(v)  # the row maker shares these objects between rows
        s = self.json_cache.get(key)
        if s is None:
            s = self.json_cache[key] = json.dumps(v)
        return s

    def rows(self, judgements: list[dict]) -> list[tuple]:
        """The values SQLAlchemy would bind, made before the clock starts."""
        out = []
        for j in judgements:
            t = j["created_at"].astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            out.append((j["id"], j["generation_id"], j["test_set_id"], str(j["verdict"]), j["passed"], j["total"],
                        self._json(j["per_test"]), self._json(j["first_failure"]), j["runtime_ms"], j["memory_kb"],
                        j["judge_image"], self._json(j["limits"]), 1 if j["is_current"] else 0, j["run_id"],
                        t))
        return out

    def insert(self, clock: Clock, table: str, rows: list[tuple]) -> None:
        self.conn.execute("BEGIN")
        with clock.phase(f"raw {table}", len(rows)):
            self.conn.executemany(self.sql[table], rows)
        with clock.phase(f"raw {table} commit"):
            self.conn.execute("COMMIT")


def load(engine: sa.Engine, maker: RowMaker, baseline: Baseline, n_judgements: int) -> tuple[Clock, int]:
    clock = Clock()
    upsert, upsert_week = rollup_statement(), rollup_statement(T_WEEK)
    with engine.connect() as conn:  # the week rollup is keyed by the problems' release week
        weeks = dict(conn.execute(sa.select(Problem.id, Problem.release_week)).all())
    next_report, n_batches, n_done = 0.1, 0, 0
    start = time.perf_counter()
    batches = maker.batches()
    while True:
        with clock.phase("make rows"):
            batch = next(batches, None)
            if batch is None:
                break
            counts = [{"model_config_id": c, "problem_id": p, "result": r, "n": n}
                      for (c, p, r), n in batch.counts.items()]
            by_week: dict[tuple, int] = {}
            for (c, p, r), n in batch.counts.items():
                key = (c, weeks.get(p) or "", r)
                by_week[key] = by_week.get(key, 0) + n
            week_counts = [{"model_config_id": c, "release_week": w, "result": r, "n": n}
                           for (c, w, r), n in by_week.items()]
        n_rows = len(batch.units) + len(batch.generations) + len(batch.judgements)
        with clock.phase("transaction", n_rows), engine.connect() as conn:
            conn.begin()  # BEGIN IMMEDIATE (the engine's hook)
            with clock.phase("units", len(batch.units)):
                conn.execute(T_UNIT.insert(), batch.units)
            with clock.phase("generations", len(batch.generations)):
                conn.execute(T_GEN.insert(), batch.generations)
            with clock.phase("judgements", len(batch.judgements)):
                conn.execute(T_JUDGEMENT.insert(), batch.judgements)
            with clock.phase("result_count", len(counts) + len(week_counts)):
                conn.execute(upsert, counts)
                conn.execute(upsert_week, week_counts)
            with clock.phase("commit"):
                conn.commit()
        n_batches += 1
        n_done += len(batch.judgements)

        with clock.phase("make rows"):
            rows = baseline.rows(batch.judgements)
        baseline.insert(clock, "plain", rows)
        baseline.insert(clock, "indexed", rows)

        if n_done >= next_report * n_judgements:
            log(f"  {n_done:>9,} judgements  {clock.rows['units']:>9,} units  "
                f"{time.perf_counter() - start:6.1f} s  ({clock.rate('judgements'):,.0f} judgement rows/s, "
                f"{clock.rate('transaction'):,.0f} rows/s in all)")
            next_report += 0.1
    return clock, n_batches


# --------------------------------------------------------------------- queries


def base_results() -> Any:
    """Current results straight from the base tables: (config, problem, result) per row."""
    judged = (sa.select(Generation.model_config_id.label("model_config_id"),  # type: ignore[attr-defined]
                        Unit.problem_id.label("problem_id"),  # type: ignore[attr-defined]
                        sa.type_coerce(Judgement.verdict, sa.String).label("result"))
              .select_from(Judgement)
              .join(Generation, Generation.id == Judgement.generation_id)
              .join(Unit, Unit.id == Generation.unit_id)
              .where(Judgement.is_current))
    no_code = (sa.select(Generation.model_config_id, Unit.problem_id,
                         sa.type_coerce(Generation.outcome, sa.String))
               .select_from(Generation)
               .join(Unit, Unit.id == Generation.unit_id)
               .where(Generation.outcome != Outcome.CODE))
    return sa.union_all(judged, no_code).subquery("r")


def _base_acceptance(keys: list[Any], where: list[Any] = (), contest: bool = False) -> Any:  # type: ignore[assignment]
    r = base_results()
    accepted = sa.func.sum(sa.case((r.c.result == repo.ACCEPTED, 1), else_=0))
    q = (sa.select(*keys, accepted.label("accepted"), sa.func.count().label("attempts"))
         .select_from(r).join(Problem, Problem.id == r.c.problem_id)
         .join(ModelConfig, ModelConfig.id == r.c.model_config_id))
    if contest:
        q = q.join(Contest, Contest.id == Problem.contest_id)
    for w in where:
        q = q.where(w(r))
    return q.group_by(*keys).order_by(*keys)


def base_acceptance_by_model_week(session: Session) -> list[sa.Row]:
    return list(session.execute(_base_acceptance([ModelConfig.name, Problem.release_week])).all())


def base_contest_matrix(session: Session, config_id: int) -> list[sa.Row]:
    q = _base_acceptance([Contest.slug, Contest.start_time], [lambda r: r.c.model_config_id == config_id],
                         contest=True)
    return list(session.execute(q).all())


def base_verdict_mix_by_week(session: Session) -> list[sa.Row]:
    r = base_results()
    q = (sa.select(Problem.release_week, r.c.result, sa.func.count().label("n"))
         .select_from(r).join(Problem, Problem.id == r.c.problem_id)
         .group_by(Problem.release_week, r.c.result).order_by(Problem.release_week, r.c.result))
    return list(session.execute(q).all())


def time_query(engine: sa.Engine, fn: Callable[[Session], list], runs: int) -> tuple[float, float, list]:
    """Median wall and CPU ms over `runs` warm runs, each a fresh session (one read
    transaction, the rows fetched and converted), and the rows of the warm-up run."""
    with Session(engine) as s:
        result = fn(s)  # warm-up (page cache, statement cache)
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        with Session(engine) as s:
            fn(s)
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


# ----------------------------------------------------------------- consistency


def check_consistency(engine: sa.Engine, maker: RowMaker, n_judgements: int) -> list[str]:
    problems = []
    with Session(engine) as s:
        rollup_sum = s.execute(sa.select(sa.func.coalesce(sa.func.sum(ResultCount.n), 0))).scalar_one()
        current = s.execute(sa.select(sa.func.count()).select_from(Judgement).where(Judgement.is_current)).scalar_one()
        history = s.execute(sa.select(sa.func.count()).select_from(Judgement)
                            .where(sa.not_(Judgement.is_current))).scalar_one()
        no_code = s.execute(sa.select(sa.func.count()).select_from(Generation)
                            .where(Generation.outcome != Outcome.CODE)).scalar_one()
        r = base_results()
        base = {(c, p, res): n for c, p, res, n in s.execute(
            sa.select(r.c.model_config_id, r.c.problem_id, r.c.result, sa.func.count())
            .group_by(r.c.model_config_id, r.c.problem_id, r.c.result)).all()}
        rollup = {(c, p, res): n for c, p, res, n in s.execute(
            sa.select(ResultCount.model_config_id, ResultCount.problem_id, ResultCount.result, ResultCount.n)
            .where(ResultCount.n != 0)).all()}
    print(f"  sum(result_count.n) = {rollup_sum:,}; current judgements {current:,} + no-code/truncated "
          f"generations {no_code:,} = {current + no_code:,} (history judgements {history:,})")
    if rollup_sum != current + no_code:
        problems.append(f"rollup sum {rollup_sum} != current judgements + no-code generations {current + no_code}")
    if current + history != n_judgements:
        problems.append(f"{current + history} judgements stored, {n_judgements} asked for")
    if rollup != base:
        diff = sorted(set(rollup.items()) ^ set(base.items()))[:5]
        problems.append(f"rollup differs from the base tables key by key, e.g. {diff}")
    if rollup != dict(maker.expected):
        problems.append("rollup differs from the counts the generator made")
    print(f"  rollup keys {len(rollup):,}: {'equal to' if rollup == base else 'DIFFERENT from'} the base-table GROUP BY")
    return problems


# ------------------------------------------------------------------------ main


def fmt_rate(x: float) -> str:
    return f"{x:,.0f} rows/s"


def file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--judgements", type=int, default=1_000_000, help="judgement rows to insert (default 1,000,000)")
    ap.add_argument("--db", type=Path, default=None, help="SQLite file to create (must not exist; default: a temp file)")
    ap.add_argument("--batch", type=int, default=10_000, help="units per transaction (default 10,000: ~30k rows)")
    ap.add_argument("--runs", type=int, default=9, help="timed warm runs per report query (default 9)")
    ap.add_argument("--base-runs", type=int, default=1, help="timed warm runs per base-table query (default 1)")
    ap.add_argument("--keep", action="store_true", help="keep the temp database")
    args = ap.parse_args(argv)
    if args.judgements < 1:
        ap.error("--judgements must be positive")

    if args.db is not None and args.db.exists():
        ap.error(f"{args.db} exists; the benchmark makes a fresh database")
    tmp = Path(tempfile.mkdtemp(prefix="lcagent-storage-bench-",
                                dir=None if args.db is None else args.db.resolve().parent))
    db = args.db.resolve() if args.db else tmp / "lcagent.sqlite3"
    try:
        return run(args, db, tmp)
    finally:
        if args.keep and args.db is None:
            log(f"kept {db}")
            (tmp / "baseline.sqlite3").unlink(missing_ok=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, db: Path, tmp: Path) -> int:
    url = f"sqlite:///{db}"
    print(f"storage bench: {args.judgements:,} judgements, {WEEKS} weekly contests x {PROBLEMS_PER_CONTEST} problems, "
          f"{MODELS} models; SQLite {sqlite3.sqlite_version}, SQLAlchemy {sa.__version__}, {os.cpu_count()} cores")
    print(f"  database {db}")

    log("setup: migrations, contests, problems, models ...")
    t = time.perf_counter()
    engine = open_database(url)
    migrate_s = time.perf_counter() - t
    t = time.perf_counter()
    probs, configs, run_id = setup(engine)
    setup_s = time.perf_counter() - t
    print(f"setup: migrations {migrate_s:.2f} s; {len(probs)} problems, {WEEKS} contests, {len(configs)} "
          f"configurations via storage.repo.upsert_* in {setup_s:.2f} s")

    maker = RowMaker(probs, configs, run_id, args.judgements, args.batch)
    baseline = Baseline(tmp / "baseline.sqlite3")
    log(f"loading: {min(maker.week_attempts)}-{max(maker.week_attempts)} attempts per (problem, configuration), "
        f"batches of {args.batch:,} units ...")
    clock, n_batches = load(engine, maker, baseline, args.judgements)
    raw = engine.raw_connection()  # outside a transaction: the engine's "begin" hook is not run
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    baseline.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    baseline.conn.close()

    def passfail(x: float) -> str:
        return f"[target >= {INSERT_TARGET_ROWS_S:,.0f}: {'PASS' if x >= INSERT_TARGET_ROWS_S else 'MISS'}]"

    n_j = clock.rows["judgements"]
    n_rows = clock.rows["transaction"]
    print(f"\ninserts: {n_batches} transactions of ~{n_rows / n_batches:,.0f} rows, SQLAlchemy core executemany "
          "into the real tables (indexes, foreign keys, CHECKs):")
    print(f"  {'phase':<44} {'rows':>10} {'wall s':>7} {'rows/s':>9} {'CPU s':>7} {'rows/CPU-s':>10}")

    def line(label: str, name: str, rows: int | None = None, note: str = "") -> None:
        n = clock.rows[name] if rows is None else rows
        print(f"  {label:<44} {n:>10,} {clock.wall[name]:>7.2f} {clock.rate(name, n):>9,.0f} "
              f"{clock.cpu[name]:>7.2f} {clock.cpu_rate(name, n):>10,.0f} {note}".rstrip())

    line("units", "units")
    line("generations", "generations")
    line("judgements", "judgements", note=passfail(clock.rate("judgements")))
    line("result_count upserts (batch counts)", "result_count")
    print(f"  {'commits':<44} {'':>10} {clock.wall['commit']:>7.2f} {'':>9} {clock.cpu['commit']:>7.2f}")
    line("all rows, whole transactions", "transaction", note=passfail(clock.rate("transaction")))
    line("judgements per whole-transaction second", "transaction", rows=n_j)
    line("baseline: raw sqlite3, plain table", "raw plain")
    line("raw sqlite3, same columns + real indexes", "raw indexed")
    print(f"  ratio judgements SQLAlchemy / raw sqlite3 plain table: {clock.rate('judgements') / clock.rate('raw plain'):.2f}x "
          f"wall, {clock.cpu_rate('judgements') / clock.cpu_rate('raw plain'):.2f}x CPU")
    print(f"  ratio raw sqlite3 with indexes / plain table: {clock.rate('raw indexed') / clock.rate('raw plain'):.2f}x wall")
    print(f"  (commits of the raw tables {clock.wall['raw plain commit']:.2f} s / {clock.wall['raw indexed commit']:.2f} s; "
          f"making the rows in Python, not timed above: {clock.wall['make rows']:.1f} s)")

    # ---- queries on a read-only engine (what a report or dashboard opens)
    log("queries ...")
    ro = open_database(url, read_only=True)
    cfg = configs[len(configs) // 2]
    queries: list[tuple[str, Callable, Callable]] = [
        ("acceptance per model per week", repo.acceptance_by_model_week, base_acceptance_by_model_week),
        (f"contest matrix ({cfg.model})", lambda s: repo.contest_matrix(s, cfg.id),
         lambda s: base_contest_matrix(s, cfg.id)),
        ("verdict mix per week", repo.verdict_mix_by_week, base_verdict_mix_by_week),
    ]
    problems: list[str] = []
    print(f"\nreport queries (median of {args.runs} warm runs, read-only engine; baseline: the same "
          f"aggregation over judgement/generation/unit/problem, median of {args.base_runs}):")
    print(f"  {'query':<34} {'rows':>5} {'rollup ms':>10} {'target':>8} {'CPU ms':>7} {'base ms':>9} "
          f"{'base/rollup':>12}")
    for name, fn, base_fn in queries:
        ms, cpu_ms, rows = time_query(ro, fn, args.runs)
        log(f"  {name}: {ms:.1f} ms; base tables ...")
        base_ms, _, base_rows = time_query(ro, base_fn, args.base_runs)
        verdict = "PASS" if ms <= QUERY_TARGET_MS else "MISS"
        print(f"  {name:<34} {len(rows):>5} {ms:>10.1f} {verdict:>8} {cpu_ms:>7.1f} {base_ms:>9.1f} "
              f"{base_ms / ms:>11.0f}x")
        if [tuple(r) for r in rows] != [tuple(r) for r in base_rows]:
            problems.append(f"{name}: the rollup query and the base-table query disagree")
    ro.dispose()

    print("\nconsistency:")
    problems += check_consistency(engine, maker, args.judgements)
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        page_size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
    engine.dispose()
    size = file_size(db)
    print(f"\ndatabase file: {size / 2**20:,.0f} MiB ({pages:,} pages of {page_size} B; "
          f"{size / clock.rows['judgements']:,.0f} B per judgement incl. its unit and generation); "
          f"baseline judgement-only table {file_size(tmp / 'baseline.sqlite3') / 2**20:,.0f} MiB")
    if problems:
        for p in problems:
            print(f"INCONSISTENT: {p}")
        return 1
    print("consistent: the rollup agrees with the base tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
