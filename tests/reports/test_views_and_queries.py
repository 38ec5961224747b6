"""The dashboard views (v_*), the canned queries (`lcagent query NAME --format
table|csv|json`) and the rollups behind the report, on the paper's database, on
SQLite and PostgreSQL: every number as the outcomes dictate; the views agree
with the rollup-based report; the rollups equal a recomputation from the base
tables after re-judging and after a problem's release week moves."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from sqlalchemy.engine import Engine

from agent.dashboard import CANNED
from agent.reports.weekly import make_report
from storage import repo
from storage.engine import session_scope
from storage.models import Generation, Judgement, TestSet, Unit
from tests.reports import builders as b
from tests.reports.builders import PAPER, PAPER_3B, Expected, Layout, ModelSpec, ProblemSpec
from tests.reports.conftest import Cli, Db

VIEWS = ["v_results", "v_acceptance_model_week", "v_acceptance_model_contest", "v_acceptance_difficulty",
         "v_verdict_mix", "v_contamination", "v_usage", "v_leetcode_agreement", "v_problem_model"]
EXPECT = Expected(PAPER)
README = Path(__file__).parents[2] / "README.md"


# ------------------------------------------------------------------ helpers


def rows(engine: Engine, sql: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        result = conn.execute(sa.text(sql))
        return [dict(zip(result.keys(), r, strict=True)) for r in result.all()]


def view(engine: Engine, name: str) -> list[dict[str, Any]]:
    return rows(engine, f"SELECT * FROM {name}")


def num(v: Any) -> Any:
    """Numbers as floats (Decimal on PostgreSQL, int/float on SQLite)."""
    return float(v) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else v


def one_decimal(x: float) -> float:
    return float(Decimal(x).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent(k: int, n: int) -> float:
    """SQL's round(100.0 * k / n, 1): halves away from zero."""
    return float((Decimal(100 * k) / Decimal(n)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def keyed(items: list[dict[str, Any]], *keys: str) -> dict[tuple, dict[str, Any]]:
    out = {}
    for r in items:
        key = tuple(r[k] for k in keys)
        assert key not in out, f"two rows for {key}"
        out[key] = {k: num(v) for k, v in r.items() if k not in keys}
    return out


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def parse_table(text: str) -> list[dict[str, str]]:
    """`--format table`: a header, a line of dashes giving the column widths, rows."""
    lines = text.splitlines()
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[1])]
    cut = [(s, spans[i + 1][0] if i + 1 < len(spans) else None) for i, (s, _) in enumerate(spans)]
    header = [lines[0][s:e].strip() for s, e in cut]
    return [dict(zip(header, (line[s:e].strip() for s, e in cut), strict=True)) for line in lines[2:]]


def week(t: datetime) -> str:
    return b.iso_week(t)


# ------------------------------------------------------------------ what the paper data says


def expected_views() -> dict[str, dict[tuple, dict[str, Any]]]:
    """Every aggregate view, keyed, from the outcomes."""
    out: dict[str, dict[tuple, dict[str, Any]]] = defaultdict(dict)

    def rate(k: int, n: int) -> dict[str, Any]:
        return {"accepted": float(k), "attempts": float(n), "rate": k / n}

    for spec in PAPER.models:
        for w, (k, n) in EXPECT.by_week(spec).items():
            out["v_acceptance_model_week"][(spec.name, w)] = rate(k, n)
        for c in b.PAPER_CONTESTS:
            out["v_acceptance_model_contest"][(spec.name, c.slug)] = rate(*EXPECT.cells(spec)[c.label])
        for d, (k, n) in EXPECT.by_difficulty(spec).items():
            out["v_acceptance_difficulty"][(spec.name, d)] = rate(k, n)
        before, after = EXPECT.split(spec)
        out["v_contamination"][(spec.name, 0)] = {"training_cutoff": spec.training_cutoff, **rate(*before)}
        out["v_contamination"][(spec.name, 1)] = {"training_cutoff": spec.training_cutoff, **rate(*after)}
        per_problem: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for p, _, result in EXPECT.results(spec):
            if result in b.FINAL:
                per_problem[p.slug][0] += result == b.AC
                per_problem[p.slug][1] += 1
        for slug, (k, n) in per_problem.items():
            out["v_problem_model"][(spec.name, slug)] = rate(k, n)
        mix: Counter[tuple[str, str, str]] = Counter()
        usage: dict[str, list] = defaultdict(list)
        for p, attempt, result in EXPECT.results(spec):
            if result in b.FINAL:
                mix[(spec.name, week(p.release_time), result)] += 1  # type: ignore[arg-type]
            if result != b.PENDING:
                usage[week(p.release_time)].append((attempt, result))  # type: ignore[arg-type]
        for key, n in mix.items():
            out["v_verdict_mix"][key] = {"n": float(n)}
        for w, gens in usage.items():
            lat = [b.latency_ms(a) for a, _ in gens]
            tok = [b.completion_tokens(r) for _, r in gens]
            out["v_usage"][(spec.name, w)] = {
                "generations": float(len(gens)), "avg_latency_ms": sum(lat) / len(lat),
                "prompt_tokens": float(b.PROMPT_TOKENS * len(gens)), "completion_tokens": float(sum(tok)),
                "avg_completion_tokens": sum(tok) / len(tok),
                "truncated": float(sum(r == b.TRUNCATED for _, r in gens))}
    return out


VIEW_KEYS = {
    "v_acceptance_model_week": ("model_config", "release_week"),
    "v_acceptance_model_contest": ("model_config", "contest"),
    "v_acceptance_difficulty": ("model_config", "difficulty"),
    "v_verdict_mix": ("model_config", "release_week", "result"),
    "v_contamination": ("model_config", "after_cutoff"),
    "v_usage": ("model_config", "release_week"),
    "v_problem_model": ("model_config", "problem"),
}


def without_configuration(r: dict[str, Any]) -> dict[str, Any]:
    """A row of an aggregate view without its configuration columns (checked here:
    one configuration per name, so the label is the name) and its Wilson interval
    (checked against the closed form)."""
    r = dict(r)
    assert len(r.pop("config_hash")) == 16 and r.pop("config_label") == r["model_config"], r
    if "ci_low" in r:
        low, high = b.wilson_interval(int(r["accepted"]), int(r["attempts"]))
        assert (num(r.pop("ci_low")), num(r.pop("ci_high"))) == (pytest.approx(low, abs=1e-12),
                                                                 pytest.approx(high, abs=1e-12)), r
    return r


def normalise_view(name: str, items: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    out = keyed([without_configuration(r) for r in items], *VIEW_KEYS[name])
    for key, r in list(out.items()):
        if name == "v_acceptance_model_contest":
            r.pop("contest_start")
        if name == "v_problem_model":
            p = PAPER.problem(key[1])
            assert (r.pop("contest"), r.pop("difficulty")) == (p.contest.slug, p.difficulty)  # type: ignore[union-attr]
            for column in ("title", "contest_start", "release_time"):
                assert r.pop(column) is not None
        if name == "v_contamination":
            r["training_cutoff"] = date.fromisoformat(str(r["training_cutoff"]))
            out[(key[0], int(key[1]))] = out.pop(key)
        for k in ("rate", "avg_latency_ms", "avg_completion_tokens"):
            if k in r:
                r[k] = pytest.approx(r[k], rel=1e-12)
    return out


# ------------------------------------------------------------------ views


def documented_columns() -> dict[str, list[str]]:
    text = README.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"^\| `(v_\w+)` \| (?:one row per unit: )?(.+) \|$", text, re.M):
        out[m.group(1)] = [c.strip() for c in m.group(2).strip("`").split(",")]
    return out


def test_views_have_the_documented_columns(paper: Db) -> None:
    documented = documented_columns()
    assert sorted(documented) == sorted(VIEWS)
    with paper.engine.connect() as conn:
        for name in VIEWS:
            keys = list(conn.execute(sa.text(f"SELECT * FROM {name} LIMIT 0")).keys())
            assert keys == documented[name], name


def test_v_results_has_one_row_per_unit_with_its_result(paper: Db) -> None:
    got = view(paper.engine, "v_results")
    assert len(got) == sum(len(EXPECT.results(s)) for s in PAPER.models) == 256
    by_key = {(r["model_config"], r["problem"], r["attempt"]): r for r in got}
    for spec in PAPER.models:
        for p, attempt, result in EXPECT.results(spec):
            r = by_key[(spec.name, p.slug, attempt)]
            final = result in b.FINAL
            assert r["state"] == ("judged" if final else result), r
            assert r["result"] == (result if final else None), r
            assert r["accepted"] == ((1 if result == b.AC else 0) if final else None), r
            assert r["verdict"] == (result if result in b.VERDICTS else None), r
            outcome = None if result == b.PENDING else result if result in (b.NO_CODE, b.TRUNCATED) else "code"
            assert r["outcome"] == outcome, r
            assert r["after_cutoff"] == int(b.released_after(p.release_time, spec.training_cutoff)), r  # type: ignore[arg-type]
            assert r["contest"] == p.contest.slug and r["difficulty"] == p.difficulty  # type: ignore[union-attr]
            assert r["release_week"] == week(p.release_time)  # type: ignore[arg-type]
            assert r["model"] == spec.name and r["served_id"] == spec.served_id
            assert date.fromisoformat(str(r["training_cutoff"])) == spec.training_cutoff
            if result in b.VERDICTS:
                assert (r["passed"], r["total"]) == (
                    (len(p.sources), len(p.sources)) if result == b.AC
                    else (b.first_failure(result, len(p.sources)).test or 0, len(p.sources)))
            if outcome is not None:
                assert r["completion_tokens"] == b.completion_tokens(result)
                assert r["latency_ms"] == pytest.approx(b.latency_ms(attempt))


@pytest.mark.parametrize("name", [v for v in VIEWS[1:] if v in VIEW_KEYS])  # v_leetcode_agreement: tests/oracle
def test_aggregate_view_numbers(paper: Db, name: str) -> None:
    assert normalise_view(name, view(paper.engine, name)) == expected_views()[name]


def test_the_paper_row_in_the_contest_view(paper: Db) -> None:
    got = rows(paper.engine, "SELECT contest, accepted, attempts FROM v_acceptance_model_contest "
                             "WHERE model_config = 'paper-3b' ORDER BY contest_start")
    assert [(r["contest"], int(r["accepted"]), int(r["attempts"])) for r in got] == [
        (c.slug, k, 16) for c, k in zip(b.PAPER_CONTESTS, [16, 16, 15, 16, 15, 15, 15, 15], strict=True)]
    assert sum(int(r["accepted"]) for r in got) == 123


def test_readme_example_queries(paper: Db) -> None:
    text = README.read_text(encoding="utf-8")
    block = text[text.index("```sql", text.index("Example queries")):]
    block = block[len("```sql"):block.index("```", 6)]
    queries = [q.strip() for q in re.sub(r"--[^\n]*", "", block).split(";") if q.strip()]
    assert len(queries) == 3
    contamination = rows(paper.engine, queries[0])
    assert {r["model_config"]: (int(r["accepted"]), int(r["attempts"]), num(r["percent"])) for r in contamination} \
        == {"paper-3b": (76, 80, 95.0), "baseline-7b": (44, 61, 72.1)}
    matrix = rows(paper.engine, queries[1].replace("qwen3-4b", "paper-3b"))
    assert [r["cell"] for r in matrix] == ["16/16", "16/16", "15/16", "16/16", "15/16", "15/16", "15/16", "15/16"]
    usage = {r["model_config"]: (int(r["tokens"]), num(r["ms"])) for r in rows(paper.engine, queries[2])}
    assert usage == {"paper-3b": (127 * 1000 + 4096, 1250.0), "baseline-7b": (125 * 1000 + 4096, 1248.0)}


# ------------------------------------------------------------------ canned queries


def canned_expected() -> dict[str, list[dict[str, Any]]]:
    """Each canned query's rows in its ORDER BY, from the outcomes."""
    ev = expected_views()
    out: dict[str, list[dict[str, Any]]] = {}

    def acc(r: dict[str, Any]) -> dict[str, Any]:
        k, n = int(r["accepted"]), int(r["attempts"])
        low, high = b.wilson_interval(k, n)
        return {"accepted": k, "attempts": n, "percent": percent(k, n), "ci_low": one_decimal(100 * low),
                "ci_high": one_decimal(100 * high)}

    out["acceptance_by_week"] = [
        {"model_config": m, "release_week": w, **acc(r)}
        for (m, w), r in sorted(ev["v_acceptance_model_week"].items(), key=lambda kv: (kv[0][1], kv[0][0]))]
    start = {c.slug: c.start for c in b.PAPER_CONTESTS}
    out["contest_matrix"] = [
        {"model_config": m, "contest": c, "contest_start": start[c], **acc(r)}
        for (m, c), r in sorted(ev["v_acceptance_model_contest"].items(), key=lambda kv: (start[kv[0][1]], kv[0][0]))]
    out["by_difficulty"] = [{"model_config": m, "difficulty": d, **acc(r)}
                            for (m, d), r in sorted(ev["v_acceptance_difficulty"].items())]
    out["contamination"] = [
        {"model_config": m, "training_cutoff": r["training_cutoff"].isoformat(), "side": ["before", "after"][a],
         **acc(r)} for (m, a), r in sorted(ev["v_contamination"].items())]
    out["verdict_mix"] = [{"model_config": m, "release_week": w, "result": res, "n": int(r["n"])}
                          for (m, w, res), r in sorted(ev["v_verdict_mix"].items(),
                                                      key=lambda kv: (kv[0][1], kv[0][0], -kv[1]["n"], kv[0][2]))]
    out["usage"] = [
        {"model_config": m, "release_week": w, "generations": int(r["generations"]),
         "avg_latency_ms": float(Decimal(r["avg_latency_ms"]).quantize(Decimal(1), ROUND_HALF_UP)),
         "prompt_tokens": int(r["prompt_tokens"]), "completion_tokens": int(r["completion_tokens"]),
         "avg_completion_tokens": float(Decimal(r["avg_completion_tokens"]).quantize(Decimal(1), ROUND_HALF_UP)),
         "truncated": int(r["truncated"])}
        for (m, w), r in sorted(ev["v_usage"].items(), key=lambda kv: (kv[0][1], kv[0][0]))]
    return out


def same_value(got: Any, want: Any) -> bool:
    if isinstance(want, datetime):
        return datetime.fromisoformat(str(got)).replace(tzinfo=UTC) == want
    if isinstance(want, (int, float)):
        return float(got) == pytest.approx(float(want))
    return str(got) == want


def assert_rows(name: str, got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert len(got) == len(want), name
    if name == "verdict_mix":  # ties in n have no defined order
        order = [(r["release_week"], r["model_config"], -int(r["n"])) for r in got]
        assert order == sorted(order), "verdict_mix is not in its ORDER BY"
        key = lambda r: (r["release_week"], r["model_config"], str(r["result"]))  # noqa: E731
        got, want = sorted(got, key=key), sorted(want, key=key)
    for g, w in zip(got, want, strict=True):
        assert list(g) == list(w), name
        bad = {k: (g[k], w[k]) for k in w if not same_value(g[k], w[k])}
        assert not bad, f"{name}: {bad} in {g}"


@pytest.mark.parametrize("name", list(CANNED))
def test_canned_query_as_json(paper: Db, lcagent: Cli, name: str) -> None:
    got = json.loads(ok(lcagent(paper.url, "query", name, "--format", "json")))
    want = canned_expected()[name]
    assert_rows(name, got, want)
    for g, w in zip(got, want, strict=True):  # numbers are JSON numbers, on every backend
        wrong = {k: g[k] for k, v in w.items() if isinstance(v, (int, float)) and not isinstance(g[k], (int, float))}
        assert not wrong, f"{name}: numbers written as {wrong}"


@pytest.mark.parametrize("name", list(CANNED))
def test_canned_query_as_csv(paper: Db, lcagent: Cli, name: str) -> None:
    text = ok(lcagent(paper.url, "query", name, "--format", "csv"))
    got = list(csv.DictReader(io.StringIO(text)))
    assert_rows(name, got, canned_expected()[name])


@pytest.mark.parametrize("name", list(CANNED))
def test_canned_query_as_table(paper: Db, lcagent: Cli, name: str) -> None:
    text = ok(lcagent(paper.url, "query", name))  # table is the default
    assert_rows(name, parse_table(text), canned_expected()[name])


def test_canned_contest_matrix_has_the_paper_row(paper: Db, lcagent: Cli) -> None:
    got = json.loads(ok(lcagent(paper.url, "query", "contest_matrix", "--format", "json")))
    mine = [(r["contest"], r["accepted"], r["attempts"]) for r in got if r["model_config"] == "paper-3b"]
    assert [f"{k}/{n}" for _, k, n in mine] == ["16/16", "16/16", "15/16", "16/16", "15/16", "15/16", "15/16",
                                                "15/16"]


def test_problem_model_matrix(paper: Db, lcagent: Cli) -> None:
    """One row per problem, one column per configuration: accepted/attempts as the
    outcomes dictate."""
    got = json.loads(ok(lcagent(paper.url, "query", "problem_matrix", "--format", "json")))
    assert list(got[0]) == ["problem", "contest", "difficulty", "baseline-7b", "paper-3b"]
    assert [r["problem"] for r in got] == [p.slug for p in PAPER.problems]
    for spec in PAPER.models:
        per_problem: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for p, _, result in EXPECT.results(spec):
            if result in b.FINAL:
                per_problem[p.slug][0] += result == b.AC
                per_problem[p.slug][1] += 1
        assert {r["problem"]: r[spec.name] for r in got} == {
            slug: f"{k}/{n}" for slug, (k, n) in per_problem.items()}, spec.name
    assert {r["problem"]: r["paper-3b"] for r in got}["w500-q4"] == "3/4"


def test_problem_model_matrix_keeps_two_configurations_apart(empty: Db, lcagent: Cli) -> None:
    greedy, sampled = build_two_configurations(empty.engine)
    got = json.loads(ok(lcagent(empty.url, "query", "problem_matrix", "--format", "json")))
    assert list(got[0])[3:] == sorted([f"twin#{greedy[:6]}", f"twin#{sampled[:6]}"])
    assert {r[f"twin#{greedy[:6]}"] for r in got} == {"2/2"} and {r[f"twin#{sampled[:6]}"] for r in got} == {"1/2"}


def test_unknown_query_and_format_are_clear_errors(paper: Db, lcagent: Cli) -> None:
    result = lcagent(paper.url, "query", "nope")
    assert result.exit_code == 1
    assert f"unknown query 'nope' (known: {', '.join(CANNED)}, problem_matrix)" in " ".join(result.stderr.split())
    result = lcagent(paper.url, "query", "usage", "--format", "xml")
    assert result.exit_code == 1
    assert "unknown format 'xml' (table, csv, json)" in " ".join(result.stderr.split())


# ------------------------------------------------------------------ views == rollups == report


def assert_views_agree_with_rollups(engine: Engine, *, end: datetime | None = None) -> None:
    """The report (built from result_count), the week rollup queries (result_week_count)
    and the views (built from the base tables) give the same numbers."""
    with session_scope(engine) as s:
        stored, recomputed = b.stored_counts(s), b.recomputed_counts(s)
        stored_w, recomputed_w = b.stored_week_counts(s), b.recomputed_week_counts(s)
        by_week = [tuple(r) for r in repo.acceptance_by_model_week(s)]
        mix = [tuple(r) for r in repo.verdict_mix_by_week(s)]
        configs = {name: cid for cid, name in s.execute(sa.select(repo.ModelConfig.id, repo.ModelConfig.name))}
        matrices = {name: [tuple(r) for r in repo.contest_matrix(s, cid)] for name, cid in configs.items()}
    assert stored == recomputed, "result_count differs from the base tables"
    assert stored_w == recomputed_w, "result_week_count differs from the base tables"

    report = make_report(engine, end=end)
    v_contest = keyed(view(engine, "v_acceptance_model_contest"), "model_config", "contest")
    v_week = keyed(view(engine, "v_acceptance_model_week"), "model_config", "release_week")
    v_diff = keyed(view(engine, "v_acceptance_difficulty"), "model_config", "difficulty")
    v_cut = keyed(view(engine, "v_contamination"), "model_config", "after_cutoff")
    v_mix = keyed(view(engine, "v_verdict_mix"), "model_config", "release_week", "result")
    for m in report.models:
        for c in report.contests:
            if c.label in m.cells:
                v = v_contest[(m.label, c.slug)]
                assert (m.cells[c.label].k, m.cells[c.label].n) == (v["accepted"], v["attempts"]), (m.label, c)
        assert {(m.label, c.slug) for c in report.contests if c.label in m.cells} == \
            {k for k in v_contest if k[0] == m.label}
        assert {w: (r.k, r.n) for w, r in m.trend} == \
            {k[1]: (v["accepted"], v["attempts"]) for k, v in v_week.items() if k[0] == m.label}
        assert {d: (r.k, r.n) for d, r in m.by_difficulty.items()} == \
            {k[1]: (v["accepted"], v["attempts"]) for k, v in v_diff.items() if k[0] == m.label}
        assert m.cutoff is not None
        for side, rate in ((0, m.cutoff.before), (1, m.cutoff.after)):
            v = v_cut.get((m.label, side), {"accepted": 0, "attempts": 0})
            assert (rate.k, rate.n) == (v["accepted"], v["attempts"]), (m.label, side)
        view_mix: Counter[str] = Counter()
        for (name, _, res), v in v_mix.items():
            if name == m.label:
                view_mix[res] += int(v["n"])
        assert m.mix == dict(view_mix), m.label
        # the contest matrix of storage.repo (result_count joined with contests)
        assert {slug: (k, n) for slug, _, k, n in matrices[m.label] if n} == \
            {k[1]: (v["accepted"], v["attempts"]) for k, v in v_contest.items() if k[0] == m.label}
    # the week rollup (result_week_count) against the view, zero rows aside
    assert {(name, w): (k, n) for name, w, k, n in by_week if n} == \
        {k: (v["accepted"], v["attempts"]) for k, v in v_week.items()}
    total_mix: Counter[tuple[str | None, str]] = Counter()
    for (_, w, res), v in v_mix.items():
        total_mix[(w, res)] += int(v["n"])
    assert {(w, res): n for w, res, n in mix if n} == dict(total_mix)


def test_views_agree_with_the_rollups_on_the_paper_database(paper: Db) -> None:
    assert_views_agree_with_rollups(paper.engine)


def test_rollups_after_rejudging(fresh_paper: Db) -> None:
    engine = fresh_paper.engine
    b.rejudge(engine, "paper-3b", "w500-q4", 2, b.AC)  # the WA becomes Accepted
    b.rejudge(engine, "paper-3b", "w499-q1", 1, b.TLE)  # an Accepted becomes TLE ...
    b.rejudge(engine, "paper-3b", "w499-q1", 1, b.WA)  # ... and then Wrong Answer
    b.rejudge(engine, "baseline-7b", "w502-q3", 4, b.CE)  # judged again, same verdict
    assert_views_agree_with_rollups(engine)
    with session_scope(engine) as s:
        unit = b.unit_of(s, "paper-3b", "w499-q1", 1)
        verdicts = s.execute(sa.select(Judgement.verdict, Judgement.is_current)
                             .join(Generation, Generation.id == Judgement.generation_id)
                             .where(Generation.unit_id == unit.id).order_by(Judgement.id)).all()
    assert [(str(v), c) for v, c in verdicts] == [(b.AC, False), (b.TLE, False), (b.WA, True)]
    report = make_report(engine)
    row = next(m for m in report.models if m.label == "paper-3b")
    assert (row.cells["W499"].k, row.cells["W500"].k, row.overall.k, row.overall.n) == (15, 16, 123, 128)
    failures = [(f.config_name, f.slug, f.attempt, f.result) for f in report.failures]
    assert ("paper-3b", "w499-q1", 1, b.WA) in failures
    assert not [f for f in failures if f[:3] in (("paper-3b", "w500-q4", 2), ("paper-3b", "w499-q1", 1))
                and f[3] != b.WA]
    assert failures.count(("baseline-7b", "w502-q3", 4, b.CE)) == 1


def test_rollups_after_a_release_week_moves(fresh_paper: Db) -> None:
    """Weekly contest 504 is re-synced with a start a week later (W22 -> W23): its
    results move to the new week in the week rollup, the views and the report."""
    engine = fresh_paper.engine
    new_start = datetime(2026, 6, 7, 2, 30, tzinfo=UTC)
    for q in range(1, 5):
        b.move_release(engine, PAPER.problem(f"w504-q{q}"), new_start)
    assert_views_agree_with_rollups(engine)
    with session_scope(engine) as s:
        weeks = {(name, w): (k, n) for name, w, k, n in repo.acceptance_by_model_week(s) if n}
    assert weeks[("paper-3b", "2026-W23")] == (15, 16)
    assert ("paper-3b", "2026-W22") not in weeks
    assert weeks[("baseline-7b", "2026-W23")] == (9, 13)
    # the report window follows the new release time
    june = make_report(engine, start=datetime(2026, 4, 25, tzinfo=UTC), end=datetime(2026, 6, 1, tzinfo=UTC))
    assert "W504" not in [c.label for c in june.contests]
    later = make_report(engine, start=datetime(2026, 4, 25, tzinfo=UTC), end=datetime(2026, 6, 8, tzinfo=UTC))
    row = next(m for m in later.models if m.label == "paper-3b")
    assert (row.cells["W504"].k, row.cells["W504"].n) == (15, 16)
    assert [w for w, _ in row.trend][-1] == "2026-W23"
    # and back again
    for q in range(1, 5):
        b.move_release(engine, PAPER.problem(f"w504-q{q}"), b.PAPER_CONTESTS[-1].start)
    assert_views_agree_with_rollups(engine)


def test_rollups_when_a_problem_loses_and_regains_its_release_time(empty: Db) -> None:
    dated = ProblemSpec("estimated-q", None, "Medium", datetime(2026, 5, 20, 12, tzinfo=UTC),
                        ("example",) * 3 + ("generated",) * 5)
    model = ModelSpec("solo", date(2026, 5, 1), 3, {("estimated-q", 2): b.RE, ("estimated-q", 3): b.NO_CODE})
    b.build(empty.engine, Layout([dated], [model]))
    undated = ProblemSpec(dated.slug, None, "Medium", None, dated.sources)
    with session_scope(empty.engine) as s:
        repo.upsert_problem(s, b.judge_problem(undated))
    cid = b.config_id(empty.engine, "solo")
    with session_scope(empty.engine) as s:
        assert b.stored_week_counts(s) == b.recomputed_week_counts(s) == {
            (cid, "", b.AC): 1, (cid, "", b.RE): 1, (cid, "", b.NO_CODE): 1}
        assert [tuple(r) for r in repo.acceptance_by_model_week(s) if r[3]] == [("solo", None, 1, 3)]
    assert keyed([without_configuration(r) for r in view(empty.engine, "v_acceptance_model_week")],
                 "model_config", "release_week") == {
        ("solo", None): {"accepted": 1.0, "attempts": 3.0, "rate": pytest.approx(1 / 3)}}
    with session_scope(empty.engine) as s:
        repo.upsert_problem(s, b.judge_problem(dated))
    with session_scope(empty.engine) as s:
        assert b.stored_week_counts(s) == b.recomputed_week_counts(s)
        assert {(w, r): n for (_, w, r), n in b.stored_week_counts(s).items()} == {
            ("2026-W21", b.AC): 1, ("2026-W21", b.RE): 1, ("2026-W21", b.NO_CODE): 1}


def test_week_rollup_queries_leave_out_emptied_weeks(fresh_paper: Db) -> None:
    """After contest 504 moved to the next week, W22 holds nothing: the per-week
    acceptance must not list it as a 0/0 week (the view does not)."""
    for q in range(1, 5):
        b.move_release(fresh_paper.engine, PAPER.problem(f"w504-q{q}"), datetime(2026, 6, 7, 2, 30, tzinfo=UTC))
    with session_scope(fresh_paper.engine) as s:
        by_week = [tuple(r) for r in repo.acceptance_by_model_week(s)]
        mix = [tuple(r) for r in repo.verdict_mix_by_week(s)]
    assert [r for r in by_week if r[3] == 0] == []
    assert [r for r in mix if r[2] == 0] == []


TWO_CONFIGS = ("twin", date(2026, 5, 1))


def build_two_configurations(engine: Engine) -> tuple[str, str]:
    """One model name, two configurations (greedy, sampled) on contest 502: the
    greedy one accepted everywhere, the sampled one wrong on every first attempt.
    Returns the two configuration hashes (greedy, sampled)."""
    problems = [p for p in PAPER.problems if p.slug.startswith("w502")]
    ids = b.store_problems(engine, problems)
    hashes = []
    for sampling, wrong_first in (({"temperature": 0.0}, False), ({"temperature": 1.0}, True)):
        with session_scope(engine) as s:
            model = repo.upsert_model(s, TWO_CONFIGS[0], "org/twin", ["http://127.0.0.1:8000/v1"], TWO_CONFIGS[1])
            config = repo.upsert_model_config(s, model, TWO_CONFIGS[0], sampling, "default", "v1", 2)
            repo.ensure_units(s, config, ids.values())
            test_sets = {ts.problem_id: ts for ts in s.exec(sa.select(TestSet).where(TestSet.is_current)).scalars()}
            for unit in s.exec(sa.select(Unit).where(Unit.model_config_id == config.id)).scalars():
                result = b.WA if wrong_first and unit.attempt == 1 else b.AC
                b.record(s, unit, result, test_sets[unit.problem_id], TWO_CONFIGS[0])
            hashes.append(config.config_hash)
    assert hashes[0] != hashes[1]
    return hashes[0], hashes[1]


def test_views_keep_two_configurations_of_one_name_apart(empty: Db, lcagent: Cli) -> None:
    """Every aggregate view has one row per configuration, labelled as the report
    labels it, with that configuration's own numbers; so do the canned queries."""
    greedy, sampled = build_two_configurations(empty.engine)
    label = {greedy: f"twin#{greedy[:6]}", sampled: f"twin#{sampled[:6]}"}
    want = {greedy: (8, 8), sampled: (4, 8)}  # 4 problems x 2 attempts; the sampled one fails attempt 1
    for name in ["v_acceptance_model_week", "v_acceptance_model_contest", "v_acceptance_difficulty",
                 "v_contamination", "v_problem_model"]:
        got: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in view(empty.engine, name):
            assert r["model_config"] == "twin" and r["config_label"] == label[r["config_hash"]], (name, r)
            got[r["config_hash"]][0] += int(r["accepted"])
            got[r["config_hash"]][1] += int(r["attempts"])
        assert {h: tuple(v) for h, v in got.items()} == want, name
    by_difficulty = keyed(view(empty.engine, "v_acceptance_difficulty"), "config_hash", "difficulty")
    assert by_difficulty[(sampled, "Hard")]["accepted"] == 1 and by_difficulty[(greedy, "Hard")]["accepted"] == 2
    mix = {(r["config_hash"], r["result"]): int(r["n"]) for r in view(empty.engine, "v_verdict_mix")}
    assert mix == {(greedy, b.AC): 8, (sampled, b.AC): 4, (sampled, b.WA): 4}
    usage = {r["config_hash"]: int(r["generations"]) for r in view(empty.engine, "v_usage")}
    assert usage == {greedy: 8, sampled: 8}
    assert {r["config_label"] for r in view(empty.engine, "v_results")} == set(label.values())
    # the report's rows carry the same labels and numbers
    report = make_report(empty.engine)
    assert {m.label: (m.overall.k, m.overall.n) for m in report.models} == {
        label[greedy]: (8, 8), label[sampled]: (4, 8)}
    # and the canned queries show the configurations apart
    matrix = json.loads(ok(lcagent(empty.url, "query", "contest_matrix", "--format", "json")))
    assert {(r["model_config"], r["accepted"], r["attempts"]) for r in matrix} == {
        (label[greedy], 8, 8), (label[sampled], 4, 8)}


def test_views_and_report_on_a_layout_with_an_undeclared_cutoff(empty: Db, lcagent: Cli) -> None:
    spec = ModelSpec("no-cutoff", None, 2, {("w502-q1", 1): b.WA})
    b.build(empty.engine, Layout([p for p in PAPER.problems if p.slug.startswith("w502")], [spec, PAPER_3B]))
    assert [r for r in view(empty.engine, "v_contamination") if r["model_config"] == "no-cutoff"] == []
    assert {r["after_cutoff"] for r in view(empty.engine, "v_results") if r["model_config"] == "no-cutoff"} == {None}
    md = ok(lcagent(empty.url, "report"))
    _, table = b.md_table(md, "Contamination-free view")
    assert ["no-cutoff", "not declared", "–", "–", "–", "–"] in table
