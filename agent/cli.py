"""The `lcagent` command line: parses options, calls library functions."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from typer.core import TyperGroup

from agent.settings import ConfigError, Settings, load_settings
from judge.errors import LcagentError

HELP = """lcagent: live-contest evaluation of code models.

After every LeetCode weekly and biweekly contest, lcagent fetches the new
problems (which no model can have seen in training), asks models served by vLLM
or any OpenAI-compatible endpoint for Python solutions, judges each in a
hardened Docker sandbox, and records everything in SQLite or PostgreSQL, so
acceptance on problems released after a model's training cutoff can be tracked
week after week.

Start with `lcagent eval --base-url URL --model NAME` (one model, one shot),
`lcagent run` (the configured models) or `lcagent daemon` (the service);
`lcagent config show` prints the effective settings. Settings: ./lcagent.toml or
$LCAGENT_CONFIG, and LCAGENT_* variables (see README)."""

_debug = [False]


class _Group(TyperGroup):
    """User errors (configuration, an unreachable database, a path that cannot be
    written) end the command with one line and exit 2; any other error lcagent
    raises on purpose (`LcagentError`: the judge, storage, sources, generation,
    oracles) with one line and exit 1; `--debug` shows the traceback."""

    def invoke(self, ctx: typer.Context) -> object:
        import sqlalchemy.exc

        try:
            return super().invoke(ctx)
        except ConfigError as e:
            if _debug[0]:
                raise
            raise _fail(f"configuration: {escape(str(e))}", 2) from None
        except LcagentError as e:
            if _debug[0]:
                raise
            raise _fail(escape(str(e))) from None
        except sqlalchemy.exc.OperationalError as e:
            if _debug[0]:
                raise
            first = str(e.orig or e).strip().splitlines()[0] if str(e.orig or e).strip() else type(e).__name__
            raise _fail(f"the results database: {escape(first)} (--debug shows the traceback)", 2) from None
        except BrokenPipeError:  # `lcagent problems list | head`: the reader has enough
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
            raise typer.Exit(0) from None
        except OSError as e:
            if _debug[0]:
                raise
            raise _fail(f"{escape(str(e))} (--debug shows the traceback)", 2) from None


app = typer.Typer(cls=_Group, no_args_is_help=True, add_completion=False, help=HELP,
                  context_settings={"help_option_names": ["-h", "--help"]})
image_app = typer.Typer(no_args_is_help=True, help="Build or inspect the judge image.")
import_app = typer.Typer(no_args_is_help=True, help="Import problems from datasets.")
db_app = typer.Typer(no_args_is_help=True, help="The results database.")
problems_app = typer.Typer(no_args_is_help=True, help="Problems in the results database.")
tests_app = typer.Typer(no_args_is_help=True, help="Hidden tests: generated inputs with an oracle's outputs.")
app.add_typer(problems_app, name="problems")
app.add_typer(tests_app, name="tests")
app.add_typer(image_app, name="judge-image")
app.add_typer(import_app, name="import")
app.add_typer(db_app, name="db")
config_app = typer.Typer(no_args_is_help=True, help="The settings: defaults, the TOML file, LCAGENT_* variables.")
app.add_typer(config_app, name="config")
err = Console(stderr=True, soft_wrap=True)  # a message is one line, however narrow the terminal


def _settings() -> Settings:
    return load_settings()  # a ConfigError ends the command in one line (_Group)


def _finish(failures: list[tuple[str, str]], label: str, summary: str, warnings: list[str] = (),  # type: ignore[assignment]
            hint: str | None = None) -> None:
    """Print warnings, each failure with its reason, the summary; exit 1 on failures."""
    for line in warnings:
        err.print(f"[yellow]{escape(line)}[/yellow]")  # statements and reasons hold [brackets]
    for where, reason in failures:
        err.print(f"[red]{label} {escape(where)}:[/red] {escape(reason)}")
    if hint:
        err.print(f"hint: {escape(hint)}")
    err.print(escape(summary))
    if failures:
        raise typer.Exit(1)


def _sync_hint(failures: list[tuple[str, str]]) -> str | None:
    from agent.sync_hint import unreachable_hint

    return unreachable_hint(failures)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def _printable_streams() -> None:
    """A lone surrogate (from a model, a solution, LeetCode) prints as `\\ud800`
    instead of ending the command with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"lcagent {version('lcagent')}")
        except PackageNotFoundError:  # pragma: no cover  (a checkout that was never installed)
            typer.echo("lcagent (not installed)")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log what happens (INFO level)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks of errors (configuration, database, "
                                                        "files) instead of one line")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit")] = False,
) -> None:
    """lcagent: live-contest evaluation of code models, judged in Docker sandboxes."""
    _debug[0] = debug
    _printable_streams()
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@image_app.command("build")
def image_build(
    offline: Annotated[bool, typer.Option(help="debootstrap + docker import; no registry needed")] = False,
    base_image: Annotated[str | None, typer.Option(help="Dockerfile build: the base image")] = None,
    mirror: Annotated[str | None, typer.Option(help="offline build: the Debian mirror")] = None,
) -> None:
    """Build the judge image (tagged with its content version)."""
    from judge import image
    from judge.sandbox import docker_client

    settings = _settings()
    client = docker_client()
    if offline:
        tag = image.build_offline(client, settings.cache_dir, mirror or settings.judge.debian_mirror)
    else:
        tag = image.build_from_dockerfile(client, base_image)
    typer.echo(tag)


@image_app.command("show")
def image_show() -> None:
    """Print the judge image tag this code needs, and whether it is built."""
    from judge import image
    from judge.sandbox import docker_client

    tag = image.image_tag()
    present = image.image_present(docker_client(), tag)
    typer.echo(f"{tag} {'present' if present else 'missing'}")
    if not present:
        raise typer.Exit(1)


@import_app.command("leetcodedataset")
def import_leetcodedataset(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSONL or JSONL.gz")],
    out: Annotated[Path, typer.Option("--out", help="directory for the problem files")],
    db: Annotated[bool, typer.Option(help="also upsert into the results database")] = True,
) -> None:
    """Convert LeetCodeDataset rows into problem files; report rows that cannot be."""
    from agent.sources.leetcodedataset import import_file, write_problems

    report = import_file(file)
    written = write_problems(report, out)
    if db:
        from agent.problem_store import store_problems
        from storage import open_database

        stored, failed = store_problems(open_database(_settings().db_url()), report.problems)
        report.failures += failed
        err.print(f"{stored} problems stored in the results database")
    _finish(report.failures, "not imported",
            f"{len(written)} problems written to {out}, {len(report.failures)} rows not imported, "
            f"{len(report.skipped_tests)} tests skipped",
            [f"skipped a test of {name}: {reason}" for name, reason in report.skipped_tests])


@import_app.command("pack")
def import_pack(
    path: Annotated[Path, typer.Argument(exists=True, help="a directory of problem files, or a JSONL of them")],
    replace_tests: Annotated[bool, typer.Option(help="make the pack's tests current as they are (by default "
                                                     "tests are only added to the current set)")] = False,
) -> None:
    """Store a problem pack (private or hand-curated problems) in the results database."""
    from agent.problem_store import store_problems
    from agent.sources.pack import PackSource
    from storage import open_database

    loaded = PackSource(path).load()
    stored, failed = store_problems(open_database(_settings().db_url()), loaded.problems,
                                    replace_tests=replace_tests)
    failures = loaded.failures + failed
    _finish(failures, "not imported", f"{stored} problems stored, {len(failures)} not imported")


@app.command("judge")
def judge_cmd(
    submissions: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSONL: id, problem, code")],
    problems: Annotated[Path, typer.Option("--problems", exists=True, file_okay=False,
                                           help="directory of problem files (*.json)")],
    out: Annotated[Path, typer.Option("--out", help="JSONL of verdicts, in input order")],
) -> None:
    """Judge submissions in the sandbox; write one verdict per line. A broken problem
    file is reported and its submissions get an error; the rest are judged."""
    from agent.judge_file import first_errors, judge_file, load_problem_dir
    from agent.wiring import open_judge

    settings = _settings()
    problem_map, broken = load_problem_dir(problems)
    for name, reason in broken.items():
        err.print(f"[yellow]broken problem file {escape(str(problems / name))}:[/yellow] {escape(reason)}")
    try:
        with open_judge(settings) as judge, _progress() as progress:
            task = progress.add_task("judging", total=None)
            counts = judge_file(submissions, problem_map, out, judge, broken=broken,
                                on_progress=lambda done, total: progress.update(task, completed=done, total=total))
    except LcagentError as e:
        raise _fail(escape(str(e))) from None
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    err.print(f"wrote {out} ({summary})")
    if counts.get("error"):
        shown = first_errors(out)
        for line in shown:
            err.print(f"[red]not judged[/red] {escape(line)}")
        if counts["error"] > len(shown):
            err.print(f"... and {counts['error'] - len(shown)} more lines not judged (\"verdict\": null in {out})")
        raise typer.Exit(1)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err, disable=not err.is_terminal)


@config_app.command("show")
def config_show(
    fmt: Annotated[str, typer.Option("--format", help="text (key = value  # source) or json")] = "text",
) -> None:
    """The effective settings, each with where it came from (default, the file, a
    variable); secrets and URL passwords masked."""
    from agent.config_show import render_json, render_text
    from agent.settings import load_settings_with_sources

    if fmt not in ("text", "json"):
        raise _fail(f"unknown format {fmt!r} (text or json)", 2)
    settings, layers = load_settings_with_sources()
    typer.echo((render_json if fmt == "json" else render_text)(settings, layers), nl=False)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending schema migrations (also done automatically at start)."""
    from storage import make_engine, migrate

    engine = make_engine(_settings().db_url())
    before = migrate.current_revision(engine)
    after = migrate.upgrade(engine)
    typer.echo(f"schema {before or 'empty'} -> {after}")


@db_app.command("backup")
def db_backup(dest: Annotated[Path, typer.Argument(help="file to write the copy to")]) -> None:
    """A consistent copy of the live SQLite database (safe while the daemon writes)."""
    from storage.backup import backup

    typer.echo(str(backup(_settings().db_url(), dest)))


@app.command("sync")
def sync_cmd(
    contest: Annotated[list[str] | None, typer.Option("--contest", help="sync this contest (repeatable)")] = None,
    since: Annotated[datetime | None, typer.Option(help="contests that started at or after this date")] = None,
    out: Annotated[Path | None, typer.Option(help="also write problem files under this directory")] = None,
) -> None:
    """Fetch new contests' problems from LeetCode into the results database."""
    from agent.sources.sync import sync
    from agent.wiring import leetcode_client
    from storage import open_database

    settings = _settings()
    engine = open_database(settings.db_url())
    with leetcode_client(settings) as client:
        report = sync(client, engine, contests=contest or None,
                      since=since.replace(tzinfo=UTC) if since and since.tzinfo is None else since,
                      out_dir=out, on_contest=lambda slug: err.print(f"syncing {slug}"))
    from agent.activity import record_sync

    record_sync(engine, report)
    _finish(report.failures, "failed", report.summary(), report.warnings(), _sync_hint(report.failures))


@problems_app.command("list")
def problems_list(
    contest: Annotated[str | None, typer.Option(help="only this contest")] = None,
) -> None:
    """One line per problem: release time, contest, slug, difficulty, tests."""
    from agent.queries import problem_rows
    from storage import open_database

    for row in problem_rows(open_database(_settings().db_url(), read_only=True), contest):
        typer.echo("\t".join(str(x) if x is not None else "-" for x in row))


@problems_app.command("show")
def problems_show(slug: Annotated[str, typer.Argument(help="the problem's slug, e.g. two-sum")]) -> None:
    """The stored problem as a problem file (JSON)."""
    from agent.queries import problem_document
    from storage import open_database
    from storage.errors import NotFound

    try:
        typer.echo(problem_document(open_database(_settings().db_url(), read_only=True), slug).to_json(), nl=False)
    except NotFound as e:
        raise _fail(str(e)) from None


@tests_app.command("generate")
def tests_generate(
    problem: Annotated[list[str] | None, typer.Option("--problem", help="a problem slug (repeatable)")] = None,
    contest: Annotated[str | None, typer.Option(help="every problem of this contest")] = None,
    oracle: Annotated[str | None, typer.Option(help="leetcode, reference or community (default: the testgen.oracle setting)")] = None,
    seed: Annotated[int | None, typer.Option(help="the input generator's seed")] = None,
    count: Annotated[int | None, typer.Option(min=1, help="inputs to generate per problem")] = None,
) -> None:
    """Generate hidden tests (inputs, then the oracle's outputs) as a new test set; judged
    units go back to the judge. Without --problem/--contest: every problem due."""
    from agent.oracle import ORACLES, OracleConfigError
    from agent.oracle.runner import TestGenOptions, generate_hidden_tests
    from agent.oracle.show import problem_ids
    from agent.wiring import open_input_source, open_oracle
    from storage import open_database
    from storage.errors import NotFound

    settings = _settings()
    t = settings.testgen
    name = oracle or t.oracle
    if name not in ORACLES:
        raise _fail(f"no oracle: pass --oracle {'|'.join(ORACLES)} or set testgen.oracle")
    options = TestGenOptions(seed=t.seed if seed is None else seed, count=count or t.count,
                             max_input_bytes=t.max_input_bytes, backoff_s=t.backoff_s)
    engine = open_database(settings.db_url())
    try:
        ids = problem_ids(engine, problem or [], contest) if problem or contest else None
        with open_oracle(settings, name) as o, open_input_source(settings) as inputs:
            report = generate_hidden_tests(engine, o, options, problem_ids=ids, sources=t.sources, inputs=inputs,
                                           on_problem=lambda slug: err.print(f"hidden tests for {slug}"))
    except (NotFound, OracleConfigError) as e:
        raise _fail(str(e)) from None
    for slug in report.done:
        st = report.stats.get(slug, {})
        typer.echo(f"{slug}: {st.get('kept')} hidden tests ({st.get('generated')} generated, {st.get('invalid')} "
                   f"invalid, {st.get('duplicates')} duplicates, {st.get('rejected')} rejected, {st.get('failed')} "
                   f"failed; {st.get('oracle_calls')} oracle calls)")
    for slug, reason in report.skipped:
        typer.echo(f"{slug}: stays on its tests: {reason}")
    _finish(report.waiting, "waiting:", f"{len(report.done)} problems with hidden tests, {len(report.skipped)} "
            f"skipped, {len(report.waiting)} waiting; {report.requeued} judged units to judge again")


@tests_app.command("show")
def tests_show(slug: Annotated[str, typer.Argument(help="the problem's slug, e.g. two-sum")]) -> None:
    """A problem's current test set with its provenance, the history, the generation state."""
    from agent.oracle.show import describe
    from storage import open_database
    from storage.errors import NotFound

    try:
        typer.echo("\n".join(describe(open_database(_settings().db_url(), read_only=True), slug)))
    except NotFound as e:
        raise _fail(str(e)) from None


@app.command("submit")
def submit_cmd(
    model: Annotated[list[str] | None, typer.Option("--model", help="a configuration name (repeatable)")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="at most this many submissions")] = None,
) -> None:
    """Submit first attempts to LeetCode; its verdicts are stored beside the local ones
    (needs the LeetCode session cookies; paced and capped per day by the submit settings)."""
    from agent.sources.errors import SessionExpired
    from agent.submit import submit_first_attempts
    from agent.wiring import leetcode_client, leetcode_judge_api
    from storage import open_database

    settings = _settings()
    engine = open_database(settings.db_url())
    sub = settings.submit
    with leetcode_client(settings) as client:
        try:
            api = leetcode_judge_api(settings, client, sub.min_interval_s)
        except SessionExpired as e:
            raise _fail(str(e)) from None
        report = submit_first_attempts(engine, api, attempts=sub.attempts, daily_cap=sub.daily_cap, models=model,
                                       limit=limit)
    for slug, verdict in report.judged:
        typer.echo(f"{slug}: {verdict}")
    _finish(report.errors, "error:", f"{len(report.judged)} judged by LeetCode, {len(report.errors)} errors"
            + (", the daily cap is reached" if report.capped else ""), [report.stopped] if report.stopped else [])


def _cycle(settings: Settings, *, do_sync: bool, generate: bool, judge: bool, models: list[str] | None = None,
           problems: list[str] | None = None, attempts: int | None = None, score: bool = False,
           score_problems: list[int] | None = None) -> None:
    """Run one cycle in the foreground with progress (bars, or plain lines when piped);
    with `score`, the score table of the models worked for on standard output; exit code."""
    import asyncio

    from agent.cycle import run_cycle
    from agent.generation.errors import GenerationConfigError
    from agent.progress_view import PipelineView
    from storage import open_database
    from storage.errors import NotFound

    engine = open_database(settings.db_url())
    try:
        with PipelineView(err, engine, generate, judge) as view:
            report = asyncio.run(run_cycle(settings, engine, do_sync=do_sync, generate=generate, judge=judge,
                                           model_names=models, problem_slugs=problems, attempts=attempts,
                                           on_progress=view.update, pipeline_ready=view.ready))
    except (GenerationConfigError, NotFound, ValueError) as e:
        raise _fail(str(e)) from None
    from agent.activity import record_cycle

    record_cycle(engine, report)  # what `lcagent status` says about the last sync and what waits
    try:
        _report_cycle(report)
    finally:
        if score and view.config_ids:
            _print_scores(engine, view.config_ids, score_problems)


def _print_scores(engine: object, config_ids: list[int], problem_ids: list[int] | None = None) -> None:
    """The score at a glance on standard output: a table on a terminal, plain lines in a pipe."""
    from agent.scoreboard import plain_table, read_scores, rich_table

    scores = read_scores(engine, config_ids=config_ids, problem_ids=problem_ids)  # type: ignore[arg-type]
    out = Console(soft_wrap=True)
    if out.is_terminal:
        out.print(rich_table(scores))
    else:
        for line in plain_table(scores):
            typer.echo(line)
    err.print("every attempt, why it failed, with the model's code: "
              "lcagent report --format html --out report.html (failures link to report-attempts.html)",
              markup=False, highlight=False)


def _report_cycle(report: object) -> None:
    """A cycle's sync, hidden tests, submissions, waiting reasons and counts (standard
    error); exit 1 when something waits or failed."""
    from agent.cycle import CycleReport

    assert isinstance(report, CycleReport)
    if report.sync:
        _finish_sync_lines(report.sync)
    if report.testgen:
        t = report.testgen
        err.print(f"hidden tests: {len(t.done)} problems done, {len(t.skipped)} skipped, {len(t.waiting)} waiting")
    if report.submit:
        err.print(f"LeetCode judged {len(report.submit.judged)} first attempts, {len(report.submit.errors)} errors"
                  + (", the daily cap is reached" if report.submit.capped else ""))
    for reason in report.waiting:
        err.print(f"[yellow]{escape(reason)}[/yellow]")
    p = report.progress
    if p:
        err.print(f"{p.generated} generated, {p.judged} judged, {p.retried} retried, {p.failed} failed")
    if report.waiting or (p and p.failed):
        raise typer.Exit(1)


ModelsOpt = Annotated[list[str] | None, typer.Option("--model", help="a configured model name (repeatable)")]


@app.command("generate")
def generate_cmd(
    model: ModelsOpt = None,
    problems: Annotated[list[str] | None, typer.Option("--problems", help="problem slugs (repeatable)")] = None,
    attempts: Annotated[int | None, typer.Option(min=1, help="attempts per problem")] = None,
) -> None:
    """Ask the models for solutions (no judging); every response is stored."""
    _cycle(_settings(), do_sync=False, generate=True, judge=False, models=model, problems=problems,
           attempts=attempts)


@app.command("run")
def run_cmd(
    model: ModelsOpt = None,
    sync: Annotated[bool, typer.Option(help="look for new contests first")] = True,
) -> None:
    """One full cycle now, in the foreground: sync, generate, judge, record; ends with
    each model's score (accepted/attempts, rate, 95% CI, what the tests rest on)."""
    _cycle(_settings(), do_sync=sync, generate=True, judge=True, models=model, score=True)


@app.command("eval")
def eval_cmd(
    base_url: Annotated[str, typer.Option("--base-url", help="the OpenAI-compatible endpoint, e.g. "
                                                             "http://localhost:8000/v1")],
    model: Annotated[str, typer.Option("--model", help="the model id the endpoint serves (also the name "
                                                       "results are stored under, unless --name)")],
    name: Annotated[str | None, typer.Option(help="store results under this configuration name")] = None,
    contest: Annotated[list[str] | None, typer.Option("--contest", help="only this contest's problems, e.g. "
                                                                        "weekly-contest-499 (repeatable)")] = None,
    since: Annotated[datetime | None, typer.Option(help="only problems released at or after this date")] = None,
    attempts: Annotated[int, typer.Option(min=1, help="attempts per problem")] = 1,
    temperature: Annotated[float | None, typer.Option(help="sampling temperature (default: the endpoint's)")] = None,
    max_tokens: Annotated[int | None, typer.Option(min=1, help="token limit per answer (default: the "
                                                                "model's maximum length)")] = None,
    training_cutoff: Annotated[datetime | None, typer.Option(help="the model's training cutoff (for the "
                                                                  "contamination-free view of reports)")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="requests in flight")] = 16,
    api_key: Annotated[str | None, typer.Option(envvar="OPENAI_API_KEY", show_envvar=True,
                                                help="the endpoint's API key, if it needs one")] = None,
    sync: Annotated[bool, typer.Option(help="fetch the selected (or new) contests from LeetCode first "
                                            "(only when LCAGENT_SYNC_LEETCODE is not false)")] = True,
) -> None:
    """Evaluate one model that is not in the configuration, in one shot: sync, generate,
    judge, then print its score. Results are stored like those of `lcagent run`."""
    from agent.eval import EvalOptions, prepare_eval
    from storage import open_database
    from storage.errors import NotFound

    settings = _settings()
    options = EvalOptions(base_url=base_url, model=model, name=name, contests=contest or [], since=since,
                          attempts=attempts, temperature=temperature, max_tokens=max_tokens,
                          training_cutoff=training_cutoff.date() if training_cutoff else None,
                          concurrency=concurrency, api_key=api_key, sync=sync)
    engine = open_database(settings.db_url())
    try:
        plan = prepare_eval(settings, engine, options, on_contest=lambda slug: err.print(f"syncing {slug}"))
    except (ValueError, NotFound) as e:
        raise _fail(escape(str(e))) from None
    if plan.sync is not None:
        from agent.activity import record_sync

        record_sync(engine, plan.sync)
        _finish_sync_lines(plan.sync)
    if plan.problem_slugs is not None:
        err.print(f"{len(plan.problem_slugs)} problems selected")
    _cycle(plan.settings, do_sync=False, generate=True, judge=True, models=[plan.spec.name],
           problems=plan.problem_slugs, score=True, score_problems=plan.problem_ids)


def _finish_sync_lines(report: object) -> None:
    """A sync's summary, warnings, failures and hint, without ending the command."""
    from agent.sources.sync import SyncReport

    assert isinstance(report, SyncReport)
    err.print(f"sync: {escape(report.summary())}")
    for line in report.warnings():
        err.print(f"[yellow]{escape(line)}[/yellow]")
    for where, reason in report.failures:
        err.print(f"[red]sync failed for {escape(where)}:[/red] {escape(reason)}")
    hint = _sync_hint(report.failures)
    if hint:
        err.print(f"hint: {escape(hint)}")


@app.command("rejudge")
def rejudge_cmd(
    all_: Annotated[bool, typer.Option("--all", help="every stored generation, not only outdated verdicts")] = False,
    model: Annotated[str | None, typer.Option("--model", help="only this configuration's generations")] = None,
    fmt: Annotated[str, typer.Option("--format", help="the change report: text or json")] = "text",
) -> None:
    """Judge stored generations again: verdicts from an outdated test set or another
    judge image (old verdicts kept as history); then what changed, per judge image
    and verdict class."""
    import json as _json

    from agent.rejudge import mark_for_rejudge, rejudge_report
    from agent.wiring import open_judge
    from judge.errors import SandboxUnavailable
    from storage import open_database
    from storage.models import utcnow

    if fmt not in ("text", "json"):
        raise _fail(f"unknown --format {fmt!r}: text or json", 2)
    settings = _settings()
    engine = open_database(settings.db_url())
    image = None
    if not all_:
        try:  # which verdicts came from another judge: ask the judge which image it runs
            with open_judge(settings) as judge:
                image = judge.health().judge_image
        except SandboxUnavailable as e:
            raise _fail(f"{e}: without the judge's image only `--all` can say what to judge again") from None
    since = utcnow()
    n = mark_for_rejudge(engine, everything=all_, model=model, judge_image=image)
    err.print(f"{n} generations to judge again" + (f" (judge image {image})" if image else ""))
    _cycle(settings, do_sync=False, generate=False, judge=True)
    report = rejudge_report(engine, n, since, model)
    if fmt == "json":
        typer.echo(_json.dumps(report.as_json(), indent=2))
    else:
        for line in report.lines():
            typer.echo(line)


@app.command("retry-failed")
def retry_failed_cmd() -> None:
    """Give units that failed on infrastructure errors (after every retry) another go."""
    from storage import open_database, repo
    from storage.engine import session_scope

    with session_scope(open_database(_settings().db_url())) as session:
        n = repo.requeue_failed(session)
    err.print(f"{n} failed units queued again; `lcagent run` or the daemon picks them up")


@app.command("daemon")
def daemon_cmd() -> None:
    """Run as a service: sync after each contest, generate, judge, record. Stops on SIGTERM."""
    from agent.daemon import run_daemon
    from storage import open_database

    settings = _settings()
    logging.getLogger().setLevel(logging.INFO)
    raise typer.Exit(run_daemon(settings, open_database(settings.db_url())))


@app.command("status")
def status_cmd() -> None:
    """Whether a daemon runs (pid, host, since), contests and units, each model's score,
    the last sync, what each waiting model waits for, recent errors, the next jobs."""
    from agent.config_show import mask_urls
    from agent.status import read_status, render
    from storage import open_database
    from storage.status_queries import has_results

    url = _settings().db_url()
    engine = open_database(url, read_only=True)
    if not has_results(engine):
        typer.echo(f"no results yet in {mask_urls(url)}: `lcagent run`, `lcagent eval` or `lcagent daemon` fill it")
        return
    for line in render(read_status(engine)):
        typer.echo(line)


@app.command("report")
def report_cmd(
    week: Annotated[str | None, typer.Option(help="an ISO week, e.g. 2026-W21")] = None,
    from_: Annotated[datetime | None, typer.Option("--from", help="released at or after this date")] = None,
    to: Annotated[datetime | None, typer.Option(help="released before this date")] = None,
    models: Annotated[list[str] | None, typer.Option("--models", help="configuration names (repeatable)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md, html or json")] = "md",
    out: Annotated[Path | None, typer.Option(help="write here instead of standard output")] = None,
) -> None:
    """The acceptance report: contest matrix, intervals, contamination-free view, failures."""
    from agent.reports.data import week_bounds
    from agent.reports.weekly import attempts_name, make_report, render, write_attempts
    from storage import open_database

    def utc(d: datetime | None) -> datetime | None:
        return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d

    try:
        start, end = week_bounds(week) if week else (utc(from_), utc(to))
        title = f"lcagent acceptance report, {week}" if week else "lcagent acceptance report"
        report = make_report(open_database(_settings().db_url(), read_only=True), start=start, end=end,
                             models=models, title=title, with_attempts=fmt == "html" and out is not None)
        text = render(report, fmt, chart_name=None, attempts_href=attempts_name(out) if out else None)
    except ValueError as e:
        raise _fail(str(e)) from None
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err.print(f"wrote {out}")
    if (page := write_attempts(report, out)) is not None:
        err.print(f"wrote {page} (every attempt, linked from the failures)")


@app.command("query")
def query_cmd(
    name: Annotated[str, typer.Argument(help="acceptance_by_week, contest_matrix, by_difficulty, "
                                              "contamination, verdict_mix, usage")],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """Print a canned dashboard query."""
    from agent.dashboard import format_rows, run_query
    from storage import open_database

    try:
        columns, rows = run_query(open_database(_settings().db_url(), read_only=True), name)
        typer.echo(format_rows(columns, rows, fmt), nl=False)
    except ValueError as e:
        raise _fail(str(e)) from None


@app.command("dashboard")
def dashboard_cmd(
    host: Annotated[str, typer.Option(help="address to listen on (0.0.0.0: every interface)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8001,
) -> None:
    """Serve the results database read-only through Datasette, with canned queries."""
    import os
    import shutil

    from agent.dashboard import datasette_command
    from storage import open_database
    from storage.backup import sqlite_path
    from storage.errors import StorageError

    settings = _settings()
    try:
        db = sqlite_path(settings.db_url())
    except StorageError as e:
        raise _fail(f"{e} (Datasette reads SQLite; for PostgreSQL point a dashboard at the v_* views)") from None
    open_database(settings.db_url())  # make sure the schema and views exist
    cmd = datasette_command(db, host, port, settings.data_dir / "datasette-metadata.json")
    exe = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    err.print(f"dashboard on http://{host}:{port}/ (read-only)")
    os.execv(exe, [exe, *cmd[1:]])


@app.command("judge-server")
def judge_server_cmd(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 7000,
    build_image: Annotated[str | None, typer.Option(help="build the judge image first when missing: "
                                                        "'dockerfile' or 'offline'")] = None,
    insecure_no_token: Annotated[bool, typer.Option(help="serve without a bearer token (trusted loopback "
                                                         "only: callers run code next to the Docker socket)")] = False,
) -> None:
    """Serve the judge over HTTP, so the agent needs no Docker access (see README)."""
    import signal

    from agent.wiring import sandbox_config
    from judge import image
    from judge.judging import DockerJudge
    from judge.remote import JudgeServer, check_token
    from judge.sandbox import SandboxPool, docker_client

    settings = _settings()
    logging.getLogger().setLevel(logging.INFO)
    # `docker compose down` sends SIGTERM, which Python as PID 1 would ignore until
    # killed, leaving its judge containers behind: stop as on Ctrl-C, so the pool
    # removes them.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    token = settings.judge.token.get_secret_value() if settings.judge.token else None
    try:
        check_token(token, insecure_no_token)  # before any image build or container
        if build_image and not image.image_present(docker_client()):
            err.print(f"building the judge image ({build_image})")
            if build_image == "offline":
                image.build_offline(docker_client(), settings.cache_dir, settings.judge.debian_mirror)
            else:
                image.build_from_dockerfile(docker_client())
        with SandboxPool(sandbox_config(settings)) as pool:
            server = JudgeServer(DockerJudge(pool), host, port, token, insecure_no_token=insecure_no_token)
            err.print(f"judge service on {server.url} ({pool.image_ref})")
            if not token:
                err.print("[yellow]warning: no bearer token: anyone who reaches this port runs code "
                          "next to the Docker socket[/yellow]")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                server.close()
    except LcagentError as e:
        raise _fail(escape(str(e))) from None


# the help lists first what a new user needs; the rest under "More commands"
for _info in [*app.registered_commands, *app.registered_groups]:
    if _info.name not in ("eval", "run", "daemon", "status", "report", "config"):
        _info.rich_help_panel = "More commands"


if __name__ == "__main__":
    app()
