"""The `lcagent` command line: parses options, calls library functions."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from agent.settings import Settings, load_settings
from judge.errors import JudgeError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
image_app = typer.Typer(no_args_is_help=True, help="Build or inspect the judge image.")
import_app = typer.Typer(no_args_is_help=True, help="Import problems from datasets.")
app.add_typer(image_app, name="judge-image")
app.add_typer(import_app, name="import")
err = Console(stderr=True)


def _settings() -> Settings:
    return load_settings()


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
) -> None:
    """Convert LeetCodeDataset rows into problem files; report rows that cannot be."""
    from agent.sources.leetcodedataset import import_file, write_problems

    report = import_file(file)
    written = write_problems(report, out)
    for name, reason in report.skipped_tests:
        err.print(f"[yellow]skipped a test of {name}:[/yellow] {reason}")
    for name, reason in report.failures:
        err.print(f"[red]not imported {name}:[/red] {reason}")
    err.print(f"{len(written)} problems written to {out}, {len(report.failures)} rows not imported, "
              f"{len(report.skipped_tests)} tests skipped")
    if report.failures:
        raise typer.Exit(1)


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
