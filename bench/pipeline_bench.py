"""The pipeline's own cost: per-unit overhead, and a full cycle against the unavoidable.

    .venv/bin/python bench/pipeline_bench.py [--units 1000] [--cycle-problems 32] [--latency 1.0]
                                             [--capacity 16] [--runs 1] [--no-cycle] [--no-two-models]

1. Overhead per unit (target <= 5 ms). `--units` units (problems x 2 models x 2
   attempts) in a fresh SQLite file (`storage.open_database`), through
   `Pipeline.run()` (generate and judge, as `lcagent run` does) with the built-in
   mock models (no latency: the reference solution and the bare starter code,
   both extracted as code) and a stub judge whose `.judge(problem, code)` returns
   a JudgeResult prepared before the clock starts. What remains is the
   pipeline's own time: claims, prompt rendering, extraction, one transaction
   per recorded generation and per verdict, the asyncio/thread orchestration,
   the idle polls. Baseline, same run, another fresh file: the bare `storage.repo`
   calls the pipeline has to make for the same units with the same payloads
   (claims in the same batch sizes, `record_generation`, the generation and test
   set lookups, `record_judgement`), no asyncio, no threads, payloads built
   before the clock. The difference is the orchestration's share.

2. A full cycle against fakes with real latency (target <= 1.1x the unavoidable).
   The fake vLLM (tests/fakes/openai_server.py, a subprocess) serves `--capacity`
   requests at once in `--latency` s each and answers with each problem's
   reference solution; `--cycle-problems` LeetCodeDataset problems x 2 attempts;
   the real Docker judge (parallelism = CPUs). `agent.cycle.run_cycle` (no sync:
   endpoint check, planning, judge pool start, generate and judge overlapped)
   against a fresh database. Unavoidable: the model's time, latency x waves
   (waves = ceil(units / capacity)), plus the judge's time, measured in the same
   run as the wall time of `DockerJudge.judge_many` over the same extracted codes at the
   same parallelism with a fresh pool (container start included, as each cycle
   starts its pool). Their sum is the target's denominator; max(model, judge) is
   the lower bound with perfect overlap, printed too.
   With `--two-models` (default): the same with two models, each on its own
   endpoint of the same capacity, so that the model's unavoidable time is the
   same (the endpoints work side by side).

Progress goes to stderr, the report to stdout. The machine may be shared: the
baselines are measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from agent.cycle import run_cycle  # noqa: E402
from agent.generation.config import ModelSpec  # noqa: E402
from agent.generation.extract import extract  # noqa: E402
from agent.generation.prompts import render, template_for, template_version  # noqa: E402
from agent.generation.providers import MockProvider  # noqa: E402
from agent.pipeline import Model, Pipeline, PipelineOptions, plan_units, register_model  # noqa: E402
from agent.problem_store import store_problems  # noqa: E402
from agent.settings import load_settings  # noqa: E402
from agent.sources.leetcodedataset import import_file  # noqa: E402
from judge.image import image_present, image_tag  # noqa: E402
from judge.judging import DockerJudge  # noqa: E402
from judge.problem import Limits, Problem, parse_problem  # noqa: E402
from judge.protocol import Judge, JudgeHealth, OnDone, judge_concurrently  # noqa: E402
from judge.protocol import Outcome as JudgeOutcome  # noqa: E402
from judge.sandbox import SandboxConfig, SandboxPool, docker_client  # noqa: E402
from judge.verdict import JudgeResult, TestOutcome, Verdict  # noqa: E402
from storage import models, open_database, repo  # noqa: E402
from storage.engine import session_scope  # noqa: E402
from storage.models import Outcome, UnitState  # noqa: E402
from tests.fakes.openai_server import subprocess_server  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "leetcodedataset"
CORPUS_FILES = ("v0.3.1-test-dev.jsonl.gz", "v0.2.0-train-nodes-dev.jsonl.gz")
# reference solutions that take seconds to judge (the judge bench's business)
SLOW = {"minimum-time-to-break-locks-i", "longest-palindromic-subsequence-after-at-most-k-operations",
        "find-the-number-of-subsequences-with-equal-gcd", "sorted-gcd-pair-queries",
        "find-the-count-of-good-integers"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# =================================================================== 1. overhead


def synthetic_problem(i: int) -> Problem:
    statement = (f"Problem {i}. Given an integer x, return x plus {i}. " + "Lorem ipsum dolor sit amet. " * 20)
    return parse_problem({
        "slug": f"bench-{i:05d}", "title": f"Bench {i}", "statement": statement,
        "starter_code": "class Solution:\n    def f(self, x: int) -> int:\n        ",
        "reference_solution": f"class Solution:\n    def f(self, x: int) -> int:\n        return x + {i}\n",
        "signature": {"kind": "function", "name": "f", "params": [{"name": "x", "type": "integer"}],
                      "return": "integer"},
        "tests": [{"input": str(k), "expected": k + i} for k in range(5)],
    })


MOCK_SPECS = [ModelSpec(name="mock-ref", provider="mock", mock_mode="reference", attempts=2, concurrency=64),
              ModelSpec(name="mock-starter", provider="mock", mock_mode="starter", attempts=2, concurrency=64)]


def prepared_result(p: Problem) -> JudgeResult:
    n = len(p.tests)
    return JudgeResult(verdict=Verdict.ACCEPTED, passed=n, total=n, runtime_ms=1.0, memory_kb=1024,
                       judge_image="stub@sha256:0", test_set_version=p.test_set_version(), limits=p.limits,
                       tests=[TestOutcome(status="AC", cpu_ms=0.1)] * n)


class StubJudge(Judge):
    """The `Judge` protocol answering with JudgeResults prepared before the clock started."""

    def __init__(self, results: dict[str, JudgeResult]) -> None:
        self.results, self.calls = results, 0

    def judge(self, problem: Problem, code: str, limits: Limits | None = None) -> JudgeResult:
        self.calls += 1
        return self.results[problem.slug]

    def judge_many(self, items: Sequence[tuple[Problem, str]], on_done: OnDone | None = None) -> list[JudgeOutcome]:
        return judge_concurrently(self.judge, items, 1, on_done)

    def health(self) -> JudgeHealth:
        return JudgeHealth(next(iter(self.results.values())).judge_image, 1)

    def close(self) -> None:
        pass


def fresh_units(url: str, problems: list[Problem]) -> tuple[object, list[int]]:
    engine = open_database(url)
    stored, failed = store_problems(engine, problems)
    assert stored == len(problems) and not failed, failed
    config_ids = []
    for spec in MOCK_SPECS:
        cid = register_model(engine, spec, spec.model_id)
        plan_units(engine, cid)
        config_ids.append(cid)
    return engine, config_ids


@dataclass
class Timing:
    wall_s: float
    cpu_s: float
    phases: dict[str, float] = field(default_factory=dict)


class Phases:
    """Wall time per kind of storage call."""

    def __init__(self) -> None:
        self.total: dict[str, float] = {}

    @contextmanager
    def clock(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.total[name] = self.total.get(name, 0.0) + time.perf_counter() - t


def run_pipeline(url: str, problems: list[Problem], results: dict[str, JudgeResult]) -> Timing:
    engine, config_ids = fresh_units(url, problems)
    stub = StubJudge(results)
    pipeline = Pipeline(engine, [Model(s, MockProvider(s), c) for s, c in zip(MOCK_SPECS, config_ids, strict=True)],
                        stub, PipelineOptions())
    t0, c0 = time.perf_counter(), time.process_time()
    progress = asyncio.run(pipeline.run())
    timing = Timing(time.perf_counter() - t0, time.process_time() - c0)
    n = len(problems) * 4
    assert progress.generated == n and progress.judged == n and stub.calls == n, progress
    with session_scope(engine) as s:
        assert repo.unit_counts(s) == {"judged": n}
    engine.dispose()  # type: ignore[attr-defined]
    return timing


def run_bare_repo_calls(url: str, problems: list[Problem], results: dict[str, JudgeResult]) -> Timing:
    """The storage calls the pipeline makes for the same units, nothing else."""
    engine, config_ids = fresh_units(url, problems)
    by_id: dict[int, Problem] = {}
    with session_scope(engine) as s:
        for pid, slug in s.execute(sa.select(models.Problem.id, models.Problem.slug)).all():
            by_id[pid] = next(p for p in problems if p.slug == slug)
    specs = dict(zip(config_ids, MOCK_SPECS, strict=True))
    payload: dict[tuple[int, int, int], dict] = {}  # (config, problem, attempt) -> record_generation fields
    for cid, spec in specs.items():
        for pid, p in by_id.items():
            messages = render(template_for(spec), p, spec.system_role)
            for attempt in (1, 2):
                c = asyncio.run(MockProvider(spec).complete(messages, p, attempt))
                ex = extract(c.content, c.reasoning, c.finish_reason, "Solution", "f")
                payload[(cid, pid, attempt)] = dict(
                    endpoint=c.endpoint, served_model=c.served_model,
                    sampling=spec.sampling.model_dump(mode="json", exclude_none=True),
                    prompt_template_version=template_version(spec), prompt=messages, raw_response=c.raw,
                    content=ex.answer, reasoning=ex.reasoning, extracted_code=ex.code, outcome=Outcome(ex.outcome),
                    finish_reason=c.finish_reason, prompt_tokens=c.prompt_tokens,
                    completion_tokens=c.completion_tokens, latency_ms=c.latency_ms)
    n = len(payload)
    loaded: dict[tuple[int, int], Problem] = {}
    phases = Phases()
    t0, c0 = time.perf_counter(), time.process_time()
    done = 0
    while done < n:
        with phases.clock("claim for generation"), session_scope(engine) as s:  # and the prompts' problems
            batch = repo.claim_units(s, UnitState.PENDING, UnitState.GENERATING, 64, f"bench-{done}")
            repo.load_prompt_problems(s, [u.problem_id for u in batch])
        with phases.clock("record generations (batched)"), session_scope(engine) as s:
            repo.record_generations(s, [(u, payload[(u.model_config_id, u.problem_id, u.attempt)]) for u in batch])
        done += len(batch)
        while True:  # the judge stage: claims of up to two, two transactions per verdict
            with phases.clock("claim for judging"), session_scope(engine) as s:
                claimed = repo.claim_units(s, UnitState.GENERATED, UnitState.JUDGING, 2, f"j-{done}")
            if not claimed:
                break
            for v in claimed:
                with phases.clock("look up generation + test set"), session_scope(engine) as s:
                    gen = s.execute(sa.select(models.Generation).where(models.Generation.unit_id == v.id)).scalar_one()
                    ts = repo.current_test_set(s, v.problem_id)
                if (v.problem_id, ts.id) not in loaded:  # the pipeline loads each problem once
                    with phases.clock("load problem with tests"), session_scope(engine) as s:
                        loaded[(v.problem_id, ts.id)] = repo.load_problem(s, v.problem_id, ts.id)  # type: ignore[arg-type]
                with phases.clock("record judgement"), session_scope(engine) as s:
                    repo.record_judgement(s, gen, v, ts.id, results[by_id[v.problem_id].slug])  # type: ignore[arg-type]
    timing = Timing(time.perf_counter() - t0, time.process_time() - c0, phases.total)
    with session_scope(engine) as s:
        assert repo.unit_counts(s) == {"judged": n}, repo.unit_counts(s)
    engine.dispose()  # type: ignore[attr-defined]
    return timing


# =================================================================== 2. cycle

def fake_vllm(model: str, latency: float, capacity: int, replies: dict[str, str], workdir: Path):
    return subprocess_server(model, replies, workdir, latency=latency, capacity=capacity)


def corpus(k: int) -> list[Problem]:
    problems: dict[str, Problem] = {}
    for name in CORPUS_FILES:
        problems.update({p.slug: p for p in import_file(CORPUS / name).problems})
    chosen = [p for slug, p in problems.items() if slug not in SLOW and p.reference_solution][:k]
    keys = [p.statement.strip().splitlines()[0][:120] for p in chosen]
    assert len(set(keys)) == len(keys), "two problems share the first line of their statement"
    return chosen


def fenced(code: str) -> str:
    return f"Here is my solution.\n\n```python\n{code.rstrip()}\n```\n"


@dataclass
class CycleResult:
    wall_s: float
    model_s: float
    judge_s: float
    units: int

    @property
    def unavoidable_s(self) -> float:
        return self.model_s + self.judge_s

    @property
    def ratio(self) -> float:
        return self.wall_s / self.unavoidable_s

    @property
    def ratio_to_bound(self) -> float:
        return self.wall_s / max(self.model_s, self.judge_s)


def judge_alone(pairs: list[tuple[Problem, str]], parallelism: int) -> float:
    """Wall time of judging these submissions with a fresh pool, nothing else."""
    t0 = time.perf_counter()
    with SandboxPool(SandboxConfig(image=image_tag(), parallelism=parallelism)) as pool:
        results = DockerJudge(pool).judge_many(pairs)
    wall = time.perf_counter() - t0
    bad = [r for r in results if not isinstance(r, JudgeResult)]
    assert not bad, bad[:3]
    return wall


def run_full_cycle(work: Path, problems: list[Problem], n_models: int, latency: float, capacity: int,
                   parallelism: int, name: str) -> CycleResult:
    replies = {p.statement.strip().splitlines()[0][:120]: fenced(p.reference_solution or "") for p in problems}
    work.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        names = [f"bench-model-{i}" for i in range(n_models)]
        urls = [stack.enter_context(fake_vllm(m, latency, capacity, replies, work)) for m in names]
        directory = work / name
        directory.mkdir()
        settings = load_settings(
            data_dir=directory, cache_dir=directory / "cache", database_url=f"sqlite:///{directory / 'db.sqlite3'}",
            sync_leetcode=False,
            models=[{"name": m, "served_id": m, "base_urls": [u], "attempts": 2, "concurrency": capacity,
                     "retries": 2, "retry_backoff_s": 0.1, "request_timeout_s": 120.0}
                    for m, u in zip(names, urls, strict=True)],
            pipeline={"sources": ["leetcodedataset"], "judge_parallelism": parallelism},
            judge={"parallelism": parallelism})
        engine = open_database(settings.db_url())
        assert store_problems(engine, problems) == (len(problems), [])
        log(f"{name}: cycle ({n_models} model(s), {len(problems)} problems x 2 attempts)")
        t0 = time.perf_counter()
        report = asyncio.run(run_cycle(settings, engine, do_sync=False))
        wall = time.perf_counter() - t0
    p = report.progress
    units = len(problems) * 2 * n_models
    assert not report.waiting and p is not None and p.generated == units and p.judged == units and not p.failed, \
        (report.waiting, p)
    by_slug = {q.slug: q for q in problems}
    with session_scope(engine) as s:
        codes = s.execute(sa.select(models.Problem.slug, models.Generation.extracted_code)
                          .join(models.Unit, models.Unit.problem_id == models.Problem.id)
                          .join(models.Generation, models.Generation.unit_id == models.Unit.id)).all()
        verdicts = repo.unit_counts(s)
    assert verdicts == {"judged": units}, verdicts
    log(f"{name}: the judge alone on the same {len(codes)} submissions")
    judge_s = judge_alone([(by_slug[slug], code) for slug, code in codes], parallelism)
    model_s = latency * math.ceil(len(problems) * 2 / capacity)  # each endpoint's own waves, side by side
    engine.dispose()  # type: ignore[attr-defined]
    return CycleResult(wall, model_s, judge_s, units)


# =================================================================== main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000, help="units for the overhead measurement (multiple of 4)")
    ap.add_argument("--cycle-problems", type=int, default=32, help="problems of the full cycle (x 2 attempts)")
    ap.add_argument("--latency", type=float, default=1.0, help="the fake endpoint's seconds per request")
    ap.add_argument("--capacity", type=int, default=16, help="the endpoint's batch = the model's concurrency")
    ap.add_argument("--runs", type=int, default=1, help="repeat; medians are reported")
    ap.add_argument("--no-cycle", action="store_true", help="only the overhead measurement")
    ap.add_argument("--no-two-models", action="store_true", help="skip the two-endpoint cycle")
    args = ap.parse_args()
    n_problems = max(1, args.units // 4)
    units = n_problems * 4
    problems = [synthetic_problem(i) for i in range(n_problems)]
    results = {p.slug: prepared_result(p) for p in problems}
    parallelism = max(1, os.cpu_count() or 1)
    load_before = os.getloadavg()

    pipe_runs: list[Timing] = []
    bare_runs: list[Timing] = []
    cycles: dict[str, list[CycleResult]] = {"one model": [], "two models, two endpoints": []}
    with tempfile.TemporaryDirectory(prefix="lcagent-pipebench-") as tmp:
        work = Path(tmp)
        for r in range(args.runs):
            log(f"run {r + 1}/{args.runs}: pipeline over {units} units (mock models, stub judge)")
            pipe_runs.append(run_pipeline(f"sqlite:///{work / f'pipe{r}.sqlite3'}", problems, results))
            log(f"run {r + 1}/{args.runs}: bare repo calls for {units} units")
            bare_runs.append(run_bare_repo_calls(f"sqlite:///{work / f'bare{r}.sqlite3'}", problems, results))
        if not args.no_cycle:
            if not image_present(docker_client(), image_tag()):
                sys.exit(f"judge image {image_tag()} missing: run `lcagent judge-image build --offline`")
            chosen = corpus(args.cycle_problems)
            log("warming the judge image (one throwaway pool)")
            judge_alone([(chosen[0], chosen[0].reference_solution or "")], 1)
            for r in range(args.runs):
                cycles["one model"].append(run_full_cycle(work / f"r{r}", chosen, 1, args.latency, args.capacity,
                                                          parallelism, "one-model"))
                if not args.no_two_models:
                    cycles["two models, two endpoints"].append(run_full_cycle(
                        work / f"r{r}", chosen, 2, args.latency, args.capacity, parallelism, "two-models"))
    load_after = os.getloadavg()

    def med(xs: list[float]) -> float:
        return statistics.median(xs)

    pipe_ms = med([t.wall_s for t in pipe_runs]) / units * 1000
    bare_ms = med([t.wall_s for t in bare_runs]) / units * 1000
    pipe_cpu = med([t.cpu_s for t in pipe_runs]) / units * 1000
    bare_cpu = med([t.cpu_s for t in bare_runs]) / units * 1000
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print(f"1. overhead per unit, {units} units (problems x 2 mock models x 2 attempts), SQLite file, stub judge:")
    print(f"   pipeline          {pipe_ms:6.2f} ms/unit wall  {pipe_cpu:6.2f} ms/unit CPU   "
          f"(runs: {', '.join(f'{t.wall_s / units * 1000:.2f}' for t in pipe_runs)})")
    print(f"   bare repo calls   {bare_ms:6.2f} ms/unit wall  {bare_cpu:6.2f} ms/unit CPU   (the same storage calls, no orchestration)")
    phases = {k: med([t.phases.get(k, 0.0) for t in bare_runs]) / units * 1000 for k in bare_runs[0].phases}
    print("   of which (bare): " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()) + " ms/unit")
    print(f"   orchestration     {pipe_ms - bare_ms:6.2f} ms/unit;  pipeline / bare = {pipe_ms / bare_ms:.2f}")
    print(f"   target <= 5 ms/unit: {'met' if pipe_ms <= 5 else 'NOT met'}")
    for name, runs in cycles.items():
        if not runs:
            continue
        c = runs[0]
        wall, model_s, judge_s = med([x.wall_s for x in runs]), med([x.model_s for x in runs]), \
            med([x.judge_s for x in runs])
        ratio = wall / (model_s + judge_s)
        print(f"2. full cycle, {name}: {c.units} units, latency {args.latency} s, capacity {args.capacity}, "
              f"judge parallelism {parallelism}")
        print(f"   cycle wall {wall:6.2f} s;  unavoidable: model {model_s:.2f} s (latency x waves) + judge "
              f"{judge_s:.2f} s (alone, same submissions) = {model_s + judge_s:.2f} s")
        print(f"   ratio {ratio:.3f} (runs: {', '.join(f'{x.ratio:.3f}' for x in runs)});  "
              f"vs max(model, judge) {wall / max(model_s, judge_s):.3f};  "
              f"target <= 1.1: {'met' if ratio <= 1.1 else 'NOT met'}")


if __name__ == "__main__":
    main()
