"""Generation throughput against a vLLM-like endpoint of known capacity.

    .venv/bin/python bench/generation_bench.py [--n 512] [--capacity 64] [--latency 0.5] [--runs 1]

The fake OpenAI-compatible server (tests/fakes/openai_server.py) runs as a
subprocess on 127.0.0.1: it serves `capacity` requests at once, each taking
`latency` seconds, and queues the rest, as vLLM does when its batch is full. Its
answer is a fenced `class Solution` (extracted as code). With C = capacity, the
ideal wall time of n generations is ceil(n / C) x latency; the ratio of the
measured wall time to it is the agent's overhead (target <= 1.05).

Three measurements per run, each with fresh clients (concurrency = C):

0. baseline: n bare `httpx` POSTs (C connections, C in flight), JSON decoded and
   nothing else: what this machine and this server allow, measured in the same run.
1. pipeline: n units (n problems x 1 attempt) in a fresh SQLite file made by
   `storage.open_database`, through `Pipeline.run(generate=True, judge=False)`,
   which is what `lcagent generate` runs: claims, prompts, requests, extraction,
   one transaction per recorded generation. Checked: n generations, all "code".
2. provider: n `OpenAIProvider.complete` calls gathered at once, nothing stored
   (the client's share of the overhead).

CPU time is `time.process_time()` of this process only (the server is another
process), divided by n. Progress goes to stderr, the report to stdout.

The server's listen backlog is raised to `--backlog` (default 1024; vLLM's uvicorn
uses 2048): the fake's http.server default of 5 makes some of the first C
simultaneous connects wait for a SYN retransmission (1 s). `--backlog 0` keeps the
default. The machine's load average is printed: on a shared machine, compare the
pipeline with the baseline of the same run, not only with the ideal.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlmodel import select  # noqa: E402

from agent.generation.config import ModelSpec  # noqa: E402
from agent.generation.providers import Completion, OpenAIProvider  # noqa: E402
from agent.pipeline import Model, Pipeline, PipelineOptions, Progress, plan_units, register_model  # noqa: E402
from agent.problem_store import store_problems  # noqa: E402
from storage import open_database  # noqa: E402
from storage.engine import session_scope  # noqa: E402
from storage.models import Generation, Outcome  # noqa: E402
from storage.models import Problem as ProblemRow  # noqa: E402
from tests.fakes.openai_server import subprocess_server  # noqa: E402
from tests.support import function_problem  # noqa: E402

SERVED = "bench-model"
ANSWER = ("Here is my solution.\n\n```python\nclass Solution:\n    def add(self, a: int, b: int) -> int:\n"
          "        return a + b\n```\n\nExample: `Solution().add(1, 2)` returns 3.\n")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@contextmanager
def fake_server(capacity: int, latency: float, backlog: int, workdir: Path) -> Iterator[str]:
    with subprocess_server(SERVED, {"### Question": ANSWER}, workdir, latency=latency, capacity=capacity,
                           backlog=backlog) as url:
        yield url


def spec_for(url: str, capacity: int) -> ModelSpec:
    return ModelSpec(name="bench", served_id=SERVED, base_urls=[url], concurrency=capacity,
                     retries=3, retry_backoff_s=0.1, request_timeout_s=120.0)


@dataclass
class Measure:
    wall_s: float
    cpu_s: float
    max_in_flight: int = 0


async def run_pipeline(db_url: str, url: str, capacity: int, n: int) -> Measure:
    engine = open_database(db_url)
    problems = [function_problem("add", [("a", "integer"), ("b", "integer")], "integer", [("1\n2", 3)],
                                 slug=f"bench-{i:05d}").model_copy(update={
                    "statement": f"Problem {i}: return a + b.",
                    "starter_code": "class Solution:\n    def add(self, a: int, b: int) -> int:\n        "})
                for i in range(n)]
    stored, failed = store_problems(engine, problems)
    assert stored == n and not failed, failed
    spec = spec_for(url, capacity)
    provider = OpenAIProvider(spec)
    await provider.check()
    config_id = register_model(engine, spec, provider.model_id)
    with session_scope(engine) as s:
        ids = list(s.exec(select(ProblemRow.id)).all())
    assert plan_units(engine, config_id, ids) == n  # type: ignore[arg-type]
    peak = 0

    def on_progress(p: Progress) -> None:
        nonlocal peak
        peak = max(peak, p.in_flight)

    pipeline = Pipeline(engine, [Model(spec, provider, config_id)], None, PipelineOptions(), on_progress)
    cpu0, t0 = time.process_time(), time.perf_counter()
    progress = await pipeline.run(generate=True, judge=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await provider.aclose()
    with session_scope(engine) as s:
        outcomes = list(s.exec(select(Generation.outcome)).all())
    engine.dispose()
    if progress.generated != n or len(outcomes) != n or set(outcomes) != {Outcome.CODE}:
        raise SystemExit(f"pipeline: {progress.generated} generated, {len(outcomes)} stored, "
                         f"outcomes {set(outcomes)}; errors: {progress.errors[-3:]}")
    return Measure(wall, cpu, peak)


async def run_baseline(url: str, capacity: int, n: int) -> Measure:
    limits = httpx.Limits(max_connections=capacity, max_keepalive_connections=capacity)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120.0) as client:
        slots = asyncio.Semaphore(capacity)

        async def one(i: int) -> str:
            async with slots:
                r = await client.post("/chat/completions", json={
                    "model": SERVED, "messages": [{"role": "user", "content": f"### Question {i}"}]})
                r.raise_for_status()
                return r.json()["choices"][0]["message"]["content"]

        cpu0, t0 = time.process_time(), time.perf_counter()
        contents = await asyncio.gather(*(one(i) for i in range(n)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert all("class Solution" in c for c in contents)
    return Measure(wall, cpu)


async def run_provider(url: str, capacity: int, n: int) -> Measure:
    provider = OpenAIProvider(spec_for(url, capacity))
    await provider.check()
    cpu0, t0 = time.process_time(), time.perf_counter()
    results = await asyncio.gather(*(provider.complete([{"role": "user", "content": f"### Question {i}"}],
                                                       None, 1)  # type: ignore[arg-type]
                                     for i in range(n)))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await provider.aclose()
    assert len(results) == n and all(isinstance(r, Completion) and "class Solution" in r.content for r in results)
    return Measure(wall, cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=512, help="generations per measurement")
    ap.add_argument("--capacity", type=int, default=64, help="the server's batch = the agent's concurrency")
    ap.add_argument("--latency", type=float, default=0.5, help="seconds per request once served")
    ap.add_argument("--runs", type=int, default=1, help="repeat the measurements; medians are reported")
    ap.add_argument("--backlog", type=int, default=1024, help="the server's listen backlog (0: http.server's 5)")
    args = ap.parse_args()
    n, cap, lat = args.n, args.capacity, args.latency
    ideal = math.ceil(n / cap) * lat
    baseline_runs: list[Measure] = []
    pipeline_runs: list[Measure] = []
    provider_runs: list[Measure] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="lcagent-genbench-") as tmp:
        work = Path(tmp)
        with fake_server(cap, lat, args.backlog, work) as url:
            log(f"fake server {url} (subprocess): capacity {cap}, latency {lat}s")
            for r in range(args.runs):
                log(f"run {r + 1}/{args.runs}: baseline (bare httpx)")
                baseline_runs.append(asyncio.run(run_baseline(url, cap, n)))
                log(f"run {r + 1}/{args.runs}: provider only")
                provider_runs.append(asyncio.run(run_provider(url, cap, n)))
                log(f"run {r + 1}/{args.runs}: pipeline")
                pipeline_runs.append(asyncio.run(run_pipeline(f"sqlite:///{work / f'run{r}.sqlite3'}", url, cap, n)))

    load_after = os.getloadavg()
    base_wall = statistics.median(m.wall_s for m in baseline_runs)

    def report(name: str, runs: list[Measure]) -> float:
        wall = statistics.median(m.wall_s for m in runs)
        cpu = statistics.median(m.cpu_s for m in runs)
        ratio = wall / ideal
        all_ratios = ", ".join(f"{m.wall_s / ideal:.3f}" for m in runs)
        extra = f"  peak in flight {max(m.max_in_flight for m in runs)}" if name == "pipeline" else ""
        print(f"{name:<9} wall {wall:7.3f} s  ratio {ratio:.3f} (runs: {all_ratios}; "
              f"vs baseline {wall / base_wall:.3f})  agent CPU {cpu:6.3f} s = {cpu / n * 1000:.2f} ms/request{extra}")
        return ratio

    print(f"generations n={n}, capacity C={cap}, latency {lat} s: ideal wall ceil(n/C) x latency = {ideal:.3f} s")
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; "
          f"server backlog {args.backlog or 5}")
    report("baseline", baseline_runs)
    report("provider", provider_runs)
    ratio = report("pipeline", pipeline_runs)
    print(f"target: pipeline ratio <= 1.05: {'met' if ratio <= 1.05 else 'NOT met'}")


if __name__ == "__main__":
    main()
