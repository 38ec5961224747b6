"""The report's content, computed from result rows (pure: no I/O)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from agent.reports.stats import (
    CutoffComparison,
    Difference,
    Rate,
    compare_cutoff,
    difference,
    pass_at_1,
)
from judge.verdict import Verdict
from storage.queries import AttemptRow, FailureRow, LeetCodeRow, ProvenanceRow, ResultRow

ACCEPTED = str(Verdict.ACCEPTED)
VERDICTS = {str(v) for v in Verdict}
NO_CONTEST = "(no contest)"


def basis_label(basis: str | None, oracle: str | None = None) -> str:
    """What a rate rests on, in words: every rate in the report says it."""
    if basis == "generated" and oracle == "community":
        return "generated + community consensus outputs"
    if basis == "generated":
        return f"generated + {oracle or 'oracle'} outputs"
    if basis == "hidden":
        return "hidden tests (pack)"
    return "examples only"


LEETCODE_SUBMIT = "LeetCode submit"


EXAMPLES_ONLY = basis_label(None)
EXAMPLES_MARK = "†"  # on a rate some of whose attempts were judged on example tests only


def examples_mark(basis: dict[str, int]) -> str:
    """The mark a rate carries when part of it rests on example tests only."""
    return EXAMPLES_MARK if basis.get(EXAMPLES_ONLY) else ""


def contest_name(slug: str | None) -> str:
    """`weekly-contest-499` -> `Weekly Contest 499`, as LeetCode writes it."""
    if slug is None:
        return NO_CONTEST
    m = re.fullmatch(r"(bi)?weekly-contest-(\d+)", slug)
    return f"{'Biweekly' if m.group(1) else 'Weekly'} Contest {m.group(2)}" if m else slug


def contest_label(slug: str | None) -> str:
    """`biweekly-contest-181` -> `BW181`, `weekly-contest-499` -> `W499`."""
    if slug is None:
        return NO_CONTEST
    m = re.fullmatch(r"(bi)?weekly-contest-(\d+)", slug)
    if m:
        return f"{'BW' if m.group(1) else 'W'}{m.group(2)}"
    return slug


def iso_week(t: datetime | None) -> str:
    if t is None:
        return "undated"
    y, w, _ = t.isocalendar()
    return f"{y}-W{w:02d}"


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """`2026-W21` -> [Monday 00:00 UTC, next Monday 00:00 UTC)."""
    m = re.fullmatch(r"(\d{4})-W(\d{2})", week)
    if not m:
        raise ValueError(f"week {week!r} is not like 2026-W21")
    monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    start = datetime.combine(monday, time(), tzinfo=UTC)
    return start, start + timedelta(days=7)


@dataclass(frozen=True)
class ContestColumn:
    slug: str | None
    label: str
    start: datetime | None
    problems: tuple[str, ...]


@dataclass
class ModelRow:
    label: str
    model: str
    served_id: str
    training_cutoff: date | None
    cells: dict[str, Rate] = field(default_factory=dict)  # contest label -> accepted/attempts
    overall: Rate = Rate(0, 0)  # noqa: RUF009 (frozen, shared safely)
    pending: int = 0
    failed: int = 0  # units given up on (infrastructure errors): no result, not counted
    pass1: float | None = None
    by_difficulty: dict[str, Rate] = field(default_factory=dict)
    mix: dict[str, int] = field(default_factory=dict)  # result -> count (verdicts, no code, truncated)
    after_cutoff: Rate | None = None  # the contamination-free number
    cutoff: CutoffComparison | None = None
    trend: list[tuple[str, Rate]] = field(default_factory=list)  # (ISO week, rate)
    basis: dict[str, int] = field(default_factory=dict)  # what the counted attempts rest on -> how many
    cell_basis: dict[str, dict[str, int]] = field(default_factory=dict)  # the same per contest label
    leetcode: Rate | None = None  # first attempts LeetCode's own judge accepted / submitted


@dataclass(frozen=True)
class AgreementRow:
    """Local and LeetCode verdicts of the same generations, per LeetCode verdict."""

    verdict: str
    both: int
    agree: int

    @property
    def disagree(self) -> int:
        return self.both - self.agree


@dataclass
class Report:
    title: str
    start: datetime | None
    end: datetime | None
    generated_at: datetime
    contests: list[ContestColumn]
    models: list[ModelRow]
    failures: list[FailureRow]
    provenance: list[ProvenanceRow]
    examples_only: list[str]  # problems whose rate rests on example tests alone
    leetcode: list[LeetCodeRow] = field(default_factory=list)  # LeetCode's own verdicts
    agreement: list[AgreementRow] = field(default_factory=list)  # where both local and LeetCode judged
    disagreements: list[LeetCodeRow] = field(default_factory=list)
    comparisons: list[tuple[str, str, Difference]] = field(default_factory=list)  # (model a, model b, a - b)
    links: dict[str, str] = field(default_factory=dict)  # problem slug -> its page (LeetCode)
    attempts: list[AttemptRow] | None = None  # every attempt, for the per-attempt viewer (not in the JSON)

    @property
    def selection(self) -> str:
        """The problems selected, in words: `in 2026-W48`, `from 2026-05-01 to 2026-06-01`."""
        if self.start and self.end and self.end - self.start == timedelta(days=7) and self.start.weekday() == 0 \
                and self.start.time() == time():
            return f"in {iso_week(self.start)}"
        start = self.start.date().isoformat() if self.start else "the beginning"
        end = self.end.date().isoformat() if self.end else "now"
        return f"from {start} to {end} (end exclusive)"


def comparisons(models: list[ModelRow]) -> list[tuple[str, str, Difference]]:
    """Every pair of models (in label order): the difference of their Overall rates."""
    out = []
    for i, a in enumerate(models):
        for b in models[i + 1:]:
            d = difference(a.overall, b.overall)
            if d is not None:
                out.append((a.label, b.label, d))
    return out


def _labels(rows: list[ResultRow]) -> dict[int, str]:
    names: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        names[r.config_name].add(r.config_hash)
    return {r.config_id: r.config_name if len(names[r.config_name]) == 1 else f"{r.config_name}#{r.config_hash[:6]}"
            for r in rows}


def _released_after(release: datetime | None, cutoff: date | None) -> bool | None:
    if release is None or cutoff is None:
        return None
    return release >= datetime.combine(cutoff + timedelta(days=1), time(), tzinfo=UTC)


def agreement(leetcode: list[LeetCodeRow]) -> tuple[list[AgreementRow], list[LeetCodeRow]]:
    """Per LeetCode verdict: generations judged by both, and how many agree; the
    disagreements themselves."""
    both = [r for r in leetcode if r.local is not None]
    verdicts = sorted({r.leetcode for r in both}, key=lambda v: (v != ACCEPTED, v))
    rows = [AgreementRow(v, sum(r.leetcode == v for r in both), sum(r.leetcode == v == r.local for r in both))
            for v in verdicts]
    return rows, [r for r in both if r.local != r.leetcode]


def build_report(rows: list[ResultRow], failures: list[FailureRow], provenance: list[ProvenanceRow], *,
                 title: str, start: datetime | None, end: datetime | None,
                 generated_at: datetime | None = None, leetcode: list[LeetCodeRow] | None = None) -> Report:
    labels = _labels(rows)
    rests_on = {p.slug: basis_label(p.basis, p.oracle) for p in provenance}
    contests: dict[str | None, ContestColumn] = {}
    problems_of: dict[str | None, set[str]] = defaultdict(set)
    for r in rows:
        problems_of[r.contest_slug].add(r.slug)
        contests.setdefault(r.contest_slug, ContestColumn(r.contest_slug, contest_label(r.contest_slug),
                                                          r.contest_start, ()))
    columns = sorted(
        (ContestColumn(c.slug, c.label, c.start, tuple(sorted(problems_of[c.slug]))) for c in contests.values()),
        key=lambda c: (c.start is None, c.start or datetime.min.replace(tzinfo=UTC), c.label),
    )
    models: dict[int, ModelRow] = {}
    per_problem: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    weekly: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    split: dict[int, dict[bool, list[int]]] = defaultdict(lambda: {True: [0, 0], False: [0, 0]})
    for r in rows:
        m = models.setdefault(r.config_id, ModelRow(labels[r.config_id], r.model_name, r.served_id,
                                                    r.training_cutoff))
        if r.result == "pending":
            m.pending += r.n
            continue
        if r.result == "failed":
            m.failed += r.n
            continue
        ok = r.n if r.result == ACCEPTED else 0
        label = contest_label(r.contest_slug)
        m.cells[label] = m.cells.get(label, Rate(0, 0)) + Rate(ok, r.n)
        m.overall = m.overall + Rate(ok, r.n)
        diff = r.difficulty or "Unknown"
        m.by_difficulty[diff] = m.by_difficulty.get(diff, Rate(0, 0)) + Rate(ok, r.n)
        m.mix[r.result] = m.mix.get(r.result, 0) + r.n
        if r.result in VERDICTS:  # "no code"/"truncated" rest on no test at all
            basis = rests_on.get(r.slug, basis_label(None))
            m.basis[basis] = m.basis.get(basis, 0) + r.n
            in_cell = m.cell_basis.setdefault(label, {})
            in_cell[basis] = in_cell.get(basis, 0) + r.n
        per_problem[r.config_id][r.slug][0] += ok
        per_problem[r.config_id][r.slug][1] += r.n
        week = weekly[r.config_id][iso_week(r.release_time)]
        week[0], week[1] = week[0] + ok, week[1] + r.n
        after = _released_after(r.release_time, r.training_cutoff)
        if after is not None:
            side = split[r.config_id][after]
            side[0], side[1] = side[0] + ok, side[1] + r.n
    for config_id, m in models.items():
        m.pass1 = pass_at_1((k, n) for k, n in per_problem[config_id].values())
        m.trend = [(w, Rate(k, n)) for w, (k, n) in sorted(weekly[config_id].items())]
        if m.training_cutoff is not None:
            before, after = (Rate(*split[config_id][False]), Rate(*split[config_id][True]))
            m.after_cutoff = after
            m.cutoff = compare_cutoff(before, after)
    leetcode = leetcode or []
    by_name: dict[str, list[ModelRow]] = defaultdict(list)
    for m in models.values():
        by_name[m.label.split("#")[0]].append(m)
    for name, group in by_name.items():
        mine = [r for r in leetcode if r.config_name == name]
        if mine and len(group) == 1:
            group[0].leetcode = Rate(sum(r.leetcode == ACCEPTED for r in mine), len(mine))
    examples_only = sorted(p.slug for p in provenance if p.provenance and set(p.provenance) == {"example"})
    table, disagreements = agreement(leetcode)
    ordered = sorted(models.values(), key=lambda m: m.label)
    return Report(title=title, start=start, end=end, generated_at=generated_at or datetime.now(UTC),
                  contests=columns, models=ordered,
                  failures=failures, provenance=provenance, examples_only=examples_only,
                  leetcode=leetcode, agreement=table, disagreements=disagreements,
                  comparisons=comparisons(ordered), links={p.slug: p.url for p in provenance if p.url})
