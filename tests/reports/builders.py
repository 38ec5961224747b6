"""Results databases with KNOWN outcomes, written through the real access layer.

Every row is stored the way the pipeline stores it: problems (with their
contests) by `storage.repo.upsert_problem`, models and configurations by
`upsert_model` / `upsert_model_config`, units by `ensure_units`, then per unit
`record_generation` (code / "no code" / "truncated") and, for code,
`record_judgement` with a real `judge.verdict.JudgeResult` carrying the wanted
verdict. Nothing is inserted behind the access layer's back, so the rollups
(`result_count`, `result_week_count`) are whatever the access layer keeps.

The paper layout (`PAPER`): the 8 contests of the seed paper's table, 4
problems each, and two models with 4 attempts per problem:

- `paper-3b` reproduces the paper's row: 16,16,15,16,15,15,15,15 = 123/128;
- `baseline-7b` does visibly worse after its training cutoff and has three
  attempts that are not finished (two never generated, one generated but not
  judged), which the report must leave out and say so.

The outcomes are plain data (`ModelSpec.outcomes`); tests derive expected
numbers from that data with plain Python (`Expected`) and also assert the
headline numbers literally.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from judge.problem import Limits, Problem, parse_problem
from judge.verdict import Failure, JudgeResult, TestOutcome, Verdict
from storage import repo
from storage.engine import session_scope
from storage.models import (
    Generation,
    Judgement,
    ModelConfig,
    Outcome,
    ResultCount,
    ResultWeekCount,
    TestSet,
    Unit,
)
from storage.models import Problem as ProblemRow

# ------------------------------------------------------------------ results

AC = str(Verdict.ACCEPTED)
WA = str(Verdict.WRONG_ANSWER)
TLE = str(Verdict.TIME_LIMIT)
MLE = str(Verdict.MEMORY_LIMIT)
RE = str(Verdict.RUNTIME_ERROR)
CE = str(Verdict.COMPILE_ERROR)
OLE = str(Verdict.OUTPUT_LIMIT)
NO_CODE = str(Outcome.NO_CODE)
TRUNCATED = str(Outcome.TRUNCATED)
PENDING = "pending"  # the unit exists, nothing generated yet
GENERATED = "generated"  # code generated, not judged yet

VERDICTS = {str(v): v for v in Verdict}
FINAL = {*VERDICTS, NO_CODE, TRUNCATED}  # results that count
NOT_FINISHED = {PENDING, GENERATED}

# The first failing test each failing verdict is recorded with: (index, whether
# the program returned an answer, message). The failures list must show exactly
# these. Test i of every problem here is `add(i, i + 1)`, expected 2i + 1.
FIRST_FAILURE: dict[str, tuple[int | None, bool, str]] = {  # test None: no test is blamed
    WA: (5, True, "wrong answer"),
    TLE: (9, False, "a test used more than 10000 ms of CPU time"),
    MLE: (7, False, "killed by the kernel for lack of memory"),
    RE: (3, False, "ZeroDivisionError: division by zero"),
    CE: (None, False, "SyntaxError: invalid syntax (line 3)"),
    OLE: (2, False, "output exceeded the limit"),
}


def case_of(i: int) -> tuple[str, int]:
    """(input, expected) of test i."""
    return f"{i}\n{i + 1}", 2 * i + 1


PROMPT_TOKENS = 400
COMPLETION_TOKENS = 1000
TRUNCATED_TOKENS = 4096


def latency_ms(attempt: int) -> float:
    return 1000.0 + 100.0 * attempt


def completion_tokens(result: str) -> int:
    return TRUNCATED_TOKENS if result == TRUNCATED else COMPLETION_TOKENS


# ----------------------------------------------------------------- problems


@dataclass(frozen=True)
class ContestSpec:
    slug: str
    start: datetime

    @property
    def label(self) -> str:  # biweekly-contest-181 -> BW181
        kind, _, number = self.slug.rpartition("-contest-")
        return ("BW" if kind == "biweekly" else "W") + number

    def problem_slug(self, q: int) -> str:
        return f"{self.label.lower()}-q{q}"


PAPER_CONTESTS = (
    ContestSpec("biweekly-contest-181", datetime(2026, 4, 25, 14, 30, tzinfo=UTC)),
    ContestSpec("weekly-contest-499", datetime(2026, 4, 26, 2, 30, tzinfo=UTC)),
    ContestSpec("weekly-contest-500", datetime(2026, 5, 3, 2, 30, tzinfo=UTC)),
    ContestSpec("biweekly-contest-182", datetime(2026, 5, 9, 14, 30, tzinfo=UTC)),
    ContestSpec("weekly-contest-502", datetime(2026, 5, 17, 2, 30, tzinfo=UTC)),
    ContestSpec("biweekly-contest-183", datetime(2026, 5, 23, 14, 30, tzinfo=UTC)),
    ContestSpec("weekly-contest-503", datetime(2026, 5, 24, 2, 30, tzinfo=UTC)),
    ContestSpec("weekly-contest-504", datetime(2026, 5, 31, 2, 30, tzinfo=UTC)),
)
DIFFICULTY = {1: "Easy", 2: "Medium", 3: "Medium", 4: "Hard"}  # a LeetCode contest's usual shape
EXAMPLES_ONLY = "w504-q2"  # its test set holds example tests only
N_EXAMPLES = 3
N_HIDDEN = 12


@dataclass(frozen=True)
class ProblemSpec:
    slug: str
    contest: ContestSpec | None
    difficulty: str | None
    release_time: datetime | None
    sources: tuple[str, ...]  # the source of each test, in order

    @property
    def provenance(self) -> dict[str, int]:
        return dict(Counter(self.sources))


def paper_problems() -> list[ProblemSpec]:
    out = []
    for c in PAPER_CONTESTS:
        for q in range(1, 5):
            slug = c.problem_slug(q)
            hidden = () if slug == EXAMPLES_ONLY else ("official",) * N_HIDDEN
            out.append(ProblemSpec(slug, c, DIFFICULTY[q], c.start, ("example",) * N_EXAMPLES + hidden))
    return out


def judge_problem(spec: ProblemSpec, *, start: datetime | None = None) -> Problem:
    """The judge-ready problem (`add(a, b) -> int`); `start` overrides the contest's
    start time (a contest rescheduled at the source moves the release time)."""
    tests = [{"input": case_of(i)[0], "expected": case_of(i)[1], "source": s} for i, s in enumerate(spec.sources)]
    doc: dict[str, Any] = {
        "slug": spec.slug,
        "frontend_id": str(3900 + sum(map(ord, spec.slug)) % 100),
        "title": spec.slug.upper().replace("-", " "),
        "source": {"kind": "leetcode", "site": "leetcode.com", "url": f"https://leetcode.com/problems/{spec.slug}/"},
        "difficulty": spec.difficulty,
        "tags": ["Math"],
        "statement": f"Return a + b ({spec.slug}).",
        "starter_code": "class Solution:\n    def add(self, a: int, b: int) -> int:\n",
        "signature": {"kind": "function", "name": "add",
                      "params": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
                      "return": "integer"},
        "tests": tests,
        "reference_solution": "class Solution:\n    def add(self, a, b):\n        return a + b\n",
    }
    if spec.contest is not None:
        when = start or spec.contest.start
        doc["contest"] = {"slug": spec.contest.slug, "title": spec.contest.slug.replace("-", " ").title(),
                          "start_time": when, "duration_s": 5400,
                          "points": 3 + spec.slug.endswith(("q3", "q4"))}
        doc["release_time"] = when
        doc["release_time_source"] = "contest"
    elif spec.release_time is not None:
        doc["release_time"] = spec.release_time
        doc["release_time_source"] = "estimated"
    return parse_problem(doc, spec.slug)


# ------------------------------------------------------------------- models


@dataclass(frozen=True)
class ModelSpec:
    name: str  # the model's name, also its configuration's name
    training_cutoff: date | None
    attempts: int
    outcomes: dict[tuple[str, int], str] = field(default_factory=dict)  # (slug, attempt) -> result; else AC

    def result(self, slug: str, attempt: int) -> str:
        return self.outcomes.get((slug, attempt), AC)

    @property
    def served_id(self) -> str:
        return f"org/{self.name}"


PAPER_3B = ModelSpec("paper-3b", date(2026, 5, 8), 4, {
    ("w500-q4", 2): WA,
    ("w502-q3", 1): TLE,
    ("bw183-q4", 4): TRUNCATED,
    ("w503-q2", 3): RE,
    ("w504-q4", 1): NO_CODE,
})
BASELINE_7B = ModelSpec("baseline-7b", date(2026, 5, 16), 4, {
    # before the cutoff: 16, 15, 16, 15
    ("w499-q3", 2): WA,
    ("bw182-q4", 3): MLE,
    # after: 12, 11, 12, 9 of 13 (three attempts not finished)
    ("w502-q3", 1): WA, ("w502-q3", 4): CE, ("w502-q4", 1): TLE, ("w502-q4", 2): WA,
    ("bw183-q2", 2): RE, ("bw183-q3", 3): WA, ("bw183-q4", 1): OLE, ("bw183-q4", 2): WA,
    ("bw183-q4", 3): NO_CODE,
    ("w503-q3", 1): WA, ("w503-q4", 2): TRUNCATED, ("w503-q4", 3): WA, ("w503-q4", 4): TLE,
    ("w504-q2", 4): WA, ("w504-q3", 2): WA, ("w504-q3", 3): RE, ("w504-q4", 1): WA,
    ("w504-q4", 2): GENERATED, ("w504-q4", 3): PENDING, ("w504-q4", 4): PENDING,
})


@dataclass(frozen=True)
class Layout:
    problems: list[ProblemSpec]
    models: list[ModelSpec]

    def problem(self, slug: str) -> ProblemSpec:
        return next(p for p in self.problems if p.slug == slug)


PAPER = Layout(paper_problems(), [PAPER_3B, BASELINE_7B])


# ----------------------------------------------------------------- building


def first_failure(result: str, total: int) -> Failure:
    """The failure recorded for `result` on a test set of `total` tests (0-based
    index, as judge.verdict stores it; a compile error blames no test)."""
    test, got, message = FIRST_FAILURE[result]
    if test is None:
        return Failure(test=None, input="", message=message)
    test = min(test, total - 1)
    input_, expected = case_of(test)
    return Failure(test=test, input=input_, expected=expected, got=expected + 1 if got else None,
                   message=message)


def judge_result(result: str, total: int, test_set_version: str) -> JudgeResult:
    """A JudgeResult as judge.verdict.decide builds it (per-test statuses up to the
    first failure, then "not run")."""
    verdict = VERDICTS[result]
    if verdict is Verdict.ACCEPTED:
        passed, failure, statuses = total, None, ["AC"] * total
    else:
        failure = first_failure(result, total)
        short = {WA: "WA", TLE: "TLE", MLE: "MLE", RE: "RE", CE: "CE", OLE: "OLE"}[result]
        if failure.test is None:  # the whole submission failed: nothing ran
            passed, statuses = 0, ["not run"] * total
        else:
            passed = failure.test
            statuses = ["AC"] * passed + [short] + ["not run"] * (total - passed - 1)
    return JudgeResult(verdict=verdict, passed=passed, total=total, first_failure=failure,
                       runtime_ms=42.0, memory_kb=16_384, judge_image="lcagent-judge:reports-test",
                       test_set_version=test_set_version, limits=Limits(),
                       tests=[TestOutcome(status=s, cpu_ms=1.0) for s in statuses])


def generation_fields(result: str, attempt: int, config_name: str) -> dict[str, Any]:
    outcome = (Outcome.NO_CODE if result == NO_CODE else Outcome.TRUNCATED if result == TRUNCATED
               else Outcome.CODE)
    code = None if outcome is not Outcome.CODE else "class Solution:\n    def add(self, a, b):\n        return a + b\n"
    return {
        "outcome": outcome, "extracted_code": code,
        "content": "```python\n" + (code or "") + "```" if code else "I cannot solve this.",
        "finish_reason": "length" if outcome is Outcome.TRUNCATED else "stop",
        "prompt_tokens": PROMPT_TOKENS, "completion_tokens": completion_tokens(result),
        "latency_ms": latency_ms(attempt), "endpoint": "http://127.0.0.1:8000/v1",
        "served_model": f"org/{config_name}", "sampling": {"temperature": 1.0, "top_p": 0.95},
        "prompt_template_version": "v1",
        "prompt": [{"role": "system", "content": "You are an expert Python programmer."},
                   {"role": "user", "content": f"Solve the problem (attempt {attempt})."}],
        "reasoning": f"Thinking about attempt {attempt}: add the two numbers.",
    }


def record(session: Session, unit: Unit, result: str, test_set: TestSet, config_name: str) -> None:
    """Bring one unit to `result` through the access layer."""
    if result == PENDING:
        return
    gen = repo.record_generation(session, unit, **generation_fields(result, unit.attempt, config_name))
    if result in VERDICTS:
        repo.record_judgement(session, gen, unit, test_set.id,  # type: ignore[arg-type]
                              judge_result(result, test_set.n_tests, test_set.version))


def store_problems(engine: Engine, problems: Iterable[ProblemSpec]) -> dict[str, int]:
    ids = {}
    with session_scope(engine) as s:
        for spec in problems:
            row, _, _ = repo.upsert_problem(s, judge_problem(spec))
            ids[spec.slug] = row.id
    return ids  # type: ignore[return-value]


SAMPLING = {"temperature": 1.0, "top_p": 0.95, "top_k": -1}  # the paper's sampling


def register(session: Session, spec: ModelSpec) -> ModelConfig:
    model = repo.upsert_model(session, spec.name, spec.served_id, ["http://127.0.0.1:8000/v1"],
                              spec.training_cutoff)
    return repo.upsert_model_config(session, model, spec.name, SAMPLING, "default", "v1", spec.attempts)


def build(engine: Engine, layout: Layout) -> None:
    """Store the layout's problems, models and every unit's outcome."""
    ids = store_problems(engine, layout.problems)
    for spec in layout.models:
        with session_scope(engine) as s:
            config = register(s, spec)
            repo.ensure_units(s, config, ids.values())
            test_sets = {ts.problem_id: ts for ts in s.exec(select(TestSet).where(TestSet.is_current)).all()}
            units = s.exec(select(Unit).where(Unit.model_config_id == config.id).order_by(Unit.id)).all()
            slug_of = {v: k for k, v in ids.items()}
            for unit in units:
                record(s, unit, spec.result(slug_of[unit.problem_id], unit.attempt),
                       test_sets[unit.problem_id], spec.name)


def build_paper(engine: Engine) -> None:
    build(engine, PAPER)


def config_id(engine: Engine, name: str) -> int:
    with session_scope(engine) as s:
        cid = s.exec(select(ModelConfig.id).where(ModelConfig.name == name)).one()
    return cid  # type: ignore[return-value]


def unit_of(session: Session, config_name: str, slug: str, attempt: int) -> Unit:
    return session.exec(
        select(Unit).join(ModelConfig, ModelConfig.id == Unit.model_config_id)
        .join(ProblemRow, ProblemRow.id == Unit.problem_id)
        .where(ModelConfig.name == config_name, ProblemRow.slug == slug, Unit.attempt == attempt)).one()


def rejudge(engine: Engine, config_name: str, slug: str, attempt: int, result: str) -> None:
    """Judge a stored generation again (the earlier verdict becomes history)."""
    with session_scope(engine) as s:
        unit = unit_of(s, config_name, slug, attempt)
        gen = s.exec(select(Generation).where(Generation.unit_id == unit.id)).one()
        ts = repo.current_test_set(s, unit.problem_id)
        repo.record_judgement(s, gen, unit, ts.id, judge_result(result, ts.n_tests, ts.version))  # type: ignore[arg-type]


def move_release(engine: Engine, spec: ProblemSpec, start: datetime) -> None:
    """Upsert the problem again with its contest starting at `start`."""
    with session_scope(engine) as s:
        repo.upsert_problem(s, judge_problem(spec, start=start))


# ----------------------------------------------------------------- expected


def iso_week(t: datetime) -> str:
    y, w, _ = t.isocalendar()
    return f"{y}-W{w:02d}"


def released_after(release: datetime, cutoff: date) -> bool:
    """Released on a day after the cutoff day (UTC)."""
    return release >= datetime.combine(cutoff + timedelta(days=1), time(), tzinfo=UTC)


@dataclass
class Expected:
    """Numbers a report must show, derived from the layout with plain Python."""

    layout: Layout
    start: datetime | None = None
    end: datetime | None = None

    def problems(self) -> list[ProblemSpec]:
        return [p for p in self.layout.problems
                if (self.start is None or (p.release_time is not None and p.release_time >= self.start))
                and (self.end is None or (p.release_time is not None and p.release_time < self.end))]

    def results(self, model: ModelSpec) -> list[tuple[ProblemSpec, int, str]]:
        return [(p, a, model.result(p.slug, a)) for p in self.problems() for a in range(1, model.attempts + 1)]

    def rate(self, model: ModelSpec, keep: Any = lambda p, a: True) -> tuple[int, int]:
        rows = [(p, a, r) for p, a, r in self.results(model) if r in FINAL and keep(p, a)]
        return sum(r == AC for _, _, r in rows), len(rows)

    def cells(self, model: ModelSpec) -> dict[str, tuple[int, int]]:
        out = {}
        for c in dict.fromkeys(p.contest for p in self.problems() if p.contest):
            out[c.label] = self.rate(model, lambda p, a, c=c: p.contest == c)  # type: ignore[misc]
        return out

    def overall(self, model: ModelSpec) -> tuple[int, int]:
        return self.rate(model)

    def pending(self, model: ModelSpec) -> int:
        return sum(r in NOT_FINISHED for _, _, r in self.results(model))

    def by_difficulty(self, model: ModelSpec) -> dict[str, tuple[int, int]]:
        return {d: self.rate(model, lambda p, a, d=d: p.difficulty == d)  # type: ignore[misc]
                for d in dict.fromkeys(p.difficulty for p in self.problems())}

    def by_week(self, model: ModelSpec) -> dict[str, tuple[int, int]]:
        weeks = sorted({iso_week(p.release_time) for p in self.problems() if p.release_time})
        return {w: self.rate(model, lambda p, a, w=w: iso_week(p.release_time) == w) for w in weeks}  # type: ignore[misc]

    def split(self, model: ModelSpec) -> tuple[tuple[int, int], tuple[int, int]]:
        """(before, after) the model's cutoff."""
        assert model.training_cutoff is not None
        cut = model.training_cutoff
        return (self.rate(model, lambda p, a: not released_after(p.release_time, cut)),  # type: ignore[arg-type]
                self.rate(model, lambda p, a: released_after(p.release_time, cut)))  # type: ignore[arg-type]

    def mix(self, model: ModelSpec) -> dict[str, int]:
        return dict(Counter(r for _, _, r in self.results(model) if r in FINAL))

    def pass1(self, model: ModelSpec) -> float:
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for p, _, r in self.results(model):
            if r in FINAL:
                per[p.slug][0] += r == AC
                per[p.slug][1] += 1
        return sum(k / n for k, n in per.values()) / len(per)

    def failures(self, model: ModelSpec) -> list[tuple[str, int, str]]:
        return [(p.slug, a, r) for p, a, r in self.results(model) if r in FINAL and r != AC]


# ------------------------------------------------------------ recomputation


def recomputed_counts(session: Session) -> dict[tuple[int, int, str], int]:
    """What result_count must hold, from the base rows: every generation without
    code counts its outcome, every current judgement its verdict."""
    counts: Counter[tuple[int, int, str]] = Counter()
    for cid, pid, outcome in session.execute(
            sa.select(Generation.model_config_id, Unit.problem_id, Generation.outcome)
            .join(Unit, Unit.id == Generation.unit_id).where(Generation.outcome != Outcome.CODE)).all():
        counts[(cid, pid, str(outcome))] += 1
    for cid, pid, verdict in session.execute(
            sa.select(Generation.model_config_id, Unit.problem_id, Judgement.verdict)
            .join(Generation, Generation.id == Judgement.generation_id)
            .join(Unit, Unit.id == Generation.unit_id).where(Judgement.is_current)).all():
        counts[(cid, pid, str(verdict))] += 1
    return dict(counts)


def stored_counts(session: Session) -> dict[tuple[int, int, str], int]:
    rows = session.execute(sa.select(ResultCount.model_config_id, ResultCount.problem_id, ResultCount.result,
                                     ResultCount.n)).all()
    return {(c, p, r): n for c, p, r, n in rows if n}


def recomputed_week_counts(session: Session) -> dict[tuple[int, str, str], int]:
    weeks = dict(session.execute(sa.select(ProblemRow.id, ProblemRow.release_time)).all())
    out: Counter[tuple[int, str, str]] = Counter()
    for (cid, pid, result), n in recomputed_counts(session).items():
        t = weeks[pid]
        out[(cid, iso_week(t) if t else "", result)] += n
    return dict(out)


def stored_week_counts(session: Session) -> dict[tuple[int, str, str], int]:
    rows = session.execute(sa.select(ResultWeekCount.model_config_id, ResultWeekCount.release_week,
                                     ResultWeekCount.result, ResultWeekCount.n)).all()
    return {(c, w, r): n for c, w, r, n in rows if n}


# ----------------------------------------------------------------- copying


def checkpoint(path: Path) -> None:
    """Fold a SQLite database's WAL into the main file (before copying it)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def fisher_p(table: list[list[int]]) -> float:
    """Two-sided Fisher exact p-value by enumerating the hypergeometric
    probabilities of every table with the observed margins (no scipy)."""
    from fractions import Fraction
    from math import comb

    (a, b), (c, d) = table
    row1, col1, n = a + b, a + c, a + b + c + d

    def prob(x: int) -> Fraction:
        return Fraction(comb(col1, x) * comb(n - col1, row1 - x), comb(n, row1))

    observed = prob(a)
    lo, hi = max(0, row1 + col1 - n), min(row1, col1)
    return float(sum((prob(x) for x in range(lo, hi + 1) if prob(x) <= observed), Fraction(0)))


def wilson_interval(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval from its closed form (no scipy)."""
    import math

    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


# ------------------------------------------------------------ reading reports


def md_table(markdown: str, heading: str) -> tuple[list[str], list[list[str]]]:
    """The first table under `## heading`: (header, rows of cells)."""
    lines = markdown.splitlines()
    start = lines.index(f"## {heading}")
    table = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif table:
            break
    assert table, f"no table under ## {heading}"
    return table[0], table[2:]


def md_section(markdown: str, heading: str) -> str:
    """The text of a `## heading` section, up to the next one."""
    lines = markdown.splitlines()
    start = lines.index(f"## {heading}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start + 1:end])


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str | None, list[list[str]]]] = []
        self.images: list[dict[str, str | None]] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.attrs.append((tag, a))
        if tag == "table":
            self.tables.append((a.get("id"), []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []
        elif tag == "img":
            self.images.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1][1]:
            self.tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> list[tuple[str | None, list[list[str]]]]:
    """Every <table>: (its id, rows of cell texts, header rows included)."""
    p = _Tables()
    p.feed(html)
    return [(tid, [r for r in rows if r]) for tid, rows in p.tables]


def html_table(html: str, table_id: str) -> list[list[str]]:
    found = [rows for tid, rows in html_tables(html) if tid == table_id]
    assert found, f"no <table id={table_id!r}>"
    return found[0]


def html_images(html: str) -> list[dict[str, str | None]]:
    p = _Tables()
    p.feed(html)
    return p.images


def html_attributes(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """(tag, attributes) of every start tag."""
    p = _Tables()
    p.feed(html)
    return p.attrs
