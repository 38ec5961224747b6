"""The `lcagent` command line: parses options, calls library functions."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from agent.settings import Settings, load_settings
from judge.errors import JudgeError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
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
err = Console(stderr=True)


def _settings() -> Settings:
    return load_settings()


def _finish(failures: list[tuple[str, str]], label: str, summary: str, warnings: list[str] = ()) -> None:  # type: ignore[assignment]
    """Print warnings, each failure with its reason, the summary; exit 1 on failures."""
    for line in warnings:
        err.print(f"[yellow]{escape(line)}[/yellow]")  # statements and reasons hold [brackets]
    for where, reason in failures:
        err.print(f"[red]{label} {escape(where)}:[/red] {escape(reason)}")
    err.print(escape(summary))
    if failures:
        raise typer.Exit(1)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """lcagent: live-contest evaluation of code models, judged in Docker sandboxes."""
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
    try:
        client = docker_client()
        if offline:
            tag = image.build_offline(client, settings.cache_dir, mirror or settings.judge.debian_mirror)
        else:
            tag = image.build_from_dockerfile(client, base_image)
    except JudgeError as e:
        raise _fail(str(e)) from None
    typer.echo(tag)


@image_app.command("show")
def image_show() -> None:
    """Print the judge image tag this code needs, and whether it is built."""
    from judge import image
    from judge.sandbox import docker_client

    tag = image.image_tag()
    try:
        present = image.image_present(docker_client(), tag)
    except JudgeError as e:
        raise _fail(str(e)) from None
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
    problems: Annotated[Path, typer.Option("--problems", exists=True, file_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="JSONL of verdicts, in input order")],
) -> None:
    """Judge submissions in the sandbox; write one verdict per line."""
    from agent.judge_file import judge_file
    from agent.wiring import open_judge
    from judge.problem import load_problems

    settings = _settings()
    try:
        problem_map = load_problems(problems)
        with open_judge(settings) as judge, _progress() as progress:
            task = progress.add_task("judging", total=None)
            counts = judge_file(submissions, problem_map, out, judge,
                                on_progress=lambda done, total: progress.update(task, completed=done, total=total))
    except JudgeError as e:
        raise _fail(str(e)) from None
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    err.print(f"wrote {out} ({summary})")
    if counts.get("error"):
        raise typer.Exit(1)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err, disable=not err.is_terminal)


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
    from storage.errors import StorageError

    try:
        typer.echo(str(backup(_settings().db_url(), dest)))
    except StorageError as e:
        raise _fail(str(e)) from None


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
    _finish(report.failures, "failed", report.summary(), report.warnings())


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
def problems_show(slug: str) -> None:
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
    oracle: Annotated[str | None, typer.Option(help="leetcode or reference (default: the testgen.oracle setting)")] = None,
    seed: Annotated[int | None, typer.Option(help="the input generator's seed")] = None,
    count: Annotated[int | None, typer.Option(min=1, help="inputs to generate per problem")] = None,
) -> None:
    """Generate hidden tests (inputs, then the oracle's outputs) as a new test set; judged
    units go back to the judge. Without --problem/--contest: every problem due."""
    from agent.oracle import OracleConfigError
    from agent.oracle.runner import TestGenOptions, generate_hidden_tests
    from agent.oracle.show import problem_ids
    from agent.wiring import open_oracle
    from storage import open_database
    from storage.errors import NotFound

    settings = _settings()
    t = settings.testgen
    name = oracle or t.oracle
    if name not in ("leetcode", "reference"):
        raise _fail("no oracle: pass --oracle leetcode|reference or set testgen.oracle")
    options = TestGenOptions(seed=t.seed if seed is None else seed, count=count or t.count,
                             max_input_bytes=t.max_input_bytes, backoff_s=t.backoff_s)
    engine = open_database(settings.db_url())
    try:
        ids = problem_ids(engine, problem or [], contest) if problem or contest else None
        with open_oracle(settings, name) as o:
            report = generate_hidden_tests(engine, o, options, problem_ids=ids, sources=t.sources,
                                           on_problem=lambda slug: err.print(f"hidden tests for {slug}"))
    except (NotFound, OracleConfigError, JudgeError) as e:
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
def tests_show(slug: str) -> None:
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
           problems: list[str] | None = None, attempts: int | None = None) -> None:
    """Run one cycle in the foreground with progress bars; report and exit code."""
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
    except (GenerationConfigError, JudgeError, NotFound, ValueError) as e:
        raise _fail(str(e)) from None
    if report.sync:
        err.print(f"sync: {report.sync.summary()}")
        for line in report.sync.warnings():
            err.print(f"[yellow]{escape(line)}[/yellow]")
        for where, reason in report.sync.failures:
            err.print(f"[red]sync failed for {escape(where)}:[/red] {escape(reason)}")
    if report.testgen:
        t = report.testgen
        err.print(f"hidden tests: {len(t.done)} problems done, {len(t.skipped)} skipped, {len(t.waiting)} waiting")
    if report.submit:
        err.print(f"LeetCode judged {len(report.submit.judged)} first attempts, {len(report.submit.errors)} errors"
                  + (", the daily cap is reached" if report.submit.capped else ""))
    for reason in report.waiting:
        err.print(f"[yellow]{reason}[/yellow]")
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
    """One full cycle now, in the foreground: sync, generate, judge, record."""
    _cycle(_settings(), do_sync=sync, generate=True, judge=True, models=model)


@app.command("rejudge")
def rejudge_cmd(
    all_: Annotated[bool, typer.Option("--all", help="every stored generation, not only outdated verdicts")] = False,
    model: Annotated[str | None, typer.Option("--model")] = None,
) -> None:
    """Judge stored generations again against the current test sets (old verdicts kept)."""
    from agent.rejudge import mark_for_rejudge
    from storage import open_database

    settings = _settings()
    n = mark_for_rejudge(open_database(settings.db_url()), everything=all_, model=model)
    err.print(f"{n} generations to judge again")
    _cycle(settings, do_sync=False, generate=False, judge=True)


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
    """Contests seen, units per state, recent errors, next scheduled jobs."""
    from agent.status import read_status
    from storage import open_database

    st = read_status(open_database(_settings().db_url(), read_only=True))
    typer.echo(f"contests: {st.contests} (latest: {st.latest_contest or '-'} {st.latest_contest_start or ''})")
    typer.echo(f"problems: {st.problems}")
    typer.echo("units: " + (", ".join(f"{k} {v}" for k, v in sorted(st.units.items())) or "none"))
    for unit, state, error in st.recent_errors:
        typer.echo(f"  unit {unit} ({state}): {error[:200]}")
    for job, when in st.next_jobs:
        typer.echo(f"job {job}: next run {when or 'paused'}")


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
    from agent.reports.weekly import make_report, render
    from storage import open_database

    def utc(d: datetime | None) -> datetime | None:
        return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d

    try:
        start, end = week_bounds(week) if week else (utc(from_), utc(to))
        title = f"lcagent acceptance report, {week}" if week else "lcagent acceptance report"
        report = make_report(open_database(_settings().db_url(), read_only=True), start=start, end=end,
                             models=models, title=title)
        text = render(report, fmt, chart_name=None)
    except ValueError as e:
        raise _fail(str(e)) from None
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err.print(f"wrote {out}")


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
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8001,
) -> None:
    """Serve the results database read-only through Datasette, with canned queries."""
    import os
    import shutil
    import sys

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
    port: Annotated[int, typer.Option()] = 7000,
    build_image: Annotated[str | None, typer.Option(help="build the judge image first when missing: "
                                                        "'dockerfile' or 'offline'")] = None,
) -> None:
    """Serve the judge over HTTP, so the agent needs no Docker access (see README)."""
    import signal

    from agent.wiring import sandbox_config
    from judge import image
    from judge.judging import Judge
    from judge.remote import JudgeServer
    from judge.sandbox import SandboxPool, docker_client

    settings = _settings()
    logging.getLogger().setLevel(logging.INFO)
    # `docker compose down` sends SIGTERM, which Python as PID 1 would ignore until
    # killed, leaving its judge containers behind: stop as on Ctrl-C, so the pool
    # removes them.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    token = settings.judge.token.get_secret_value() if settings.judge.token else None
    try:
        if build_image and not image.image_present(docker_client()):
            err.print(f"building the judge image ({build_image})")
            if build_image == "offline":
                image.build_offline(docker_client(), settings.cache_dir, settings.judge.debian_mirror)
            else:
                image.build_from_dockerfile(docker_client())
        with SandboxPool(sandbox_config(settings)) as pool:
            server = JudgeServer(Judge(pool), host, port, token)
            err.print(f"judge service on {server.url} ({pool.image_ref})")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                server.close()
    except JudgeError as e:
        raise _fail(str(e)) from None


if __name__ == "__main__":
    app()
