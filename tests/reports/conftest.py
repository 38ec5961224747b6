"""Fixtures of the report suite: the paper's database (built once per backend
through the access layer, then copied for each test that needs its own), empty
migrated databases, and `lcagent` run through typer's CliRunner.

Every data-level test runs on SQLite and on PostgreSQL. PostgreSQL comes from
LCAGENT_TEST_POSTGRES_URL (`make test` sets it; by hand:
`export LCAGENT_TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)`); when it is
unset the PostgreSQL half FAILS, it is never skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from sqlalchemy.engine import Engine, make_url
from typer.testing import CliRunner

import storage
from tests.reports import builders

POSTGRES_ENV = "LCAGENT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(f"{POSTGRES_ENV} is not set: the report suite runs on PostgreSQL too. Run `make test`, "
                    f"or `export {POSTGRES_ENV}=$(scripts/ensure-postgres.sh)` before pytest.", pytrace=False)
    return url


def _admin(server: str) -> Engine:
    return sa.create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")


def create_postgres_database(server: str, template: str | None = None) -> str:
    name = f"lcagent_r_{uuid.uuid4().hex[:12]}"
    admin = _admin(server)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server: str, url: str) -> None:
    admin = _admin(server)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        admin.dispose()


class Templates:
    """Per backend and session: an empty migrated database and the paper's
    database, each built once and never connected to again (PostgreSQL copies
    a template only while nobody is connected to it)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.built: dict[tuple[str, str], str] = {}
        self.created: list[str] = []

    def url(self, backend: str, kind: str) -> str:
        key = (backend, kind)
        if key not in self.built:
            if backend == "sqlite":
                path = self.directory / f"{kind}-template.sqlite3"
                url = f"sqlite:///{path}"
            else:
                url = create_postgres_database(postgres_server_url())
                self.created.append(url)
            engine = storage.open_database(url)
            try:
                if kind == "paper":
                    builders.build_paper(engine)
            finally:
                engine.dispose()
            if backend == "sqlite":
                builders.checkpoint(path)
            self.built[key] = url
        return self.built[key]

    def copy(self, backend: str, kind: str, directory: Path, name: str = "results") -> str:
        """A database of its own holding the template's rows; the SQLite file is
        `<directory>/<name>.sqlite3`."""
        template = self.url(backend, kind)
        if backend == "sqlite":
            path = directory / f"{name}.sqlite3"
            shutil.copyfile(make_url(template).database, path)  # type: ignore[arg-type]
            return f"sqlite:///{path}"
        url = create_postgres_database(postgres_server_url(), template=make_url(template).database)
        self.created.append(url)
        return url

    def drop_all(self) -> None:
        if self.created:
            server = postgres_server_url()
            for url in self.created:
                drop_postgres_database(server, url)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    t = Templates(tmp_path_factory.mktemp("report-templates"))
    yield t
    t.drop_all()


@dataclass
class Db:
    """A database under test: its URL and backend, and an engine on it."""

    url: str
    backend: str
    engine: Engine


@pytest.fixture(scope="session", params=BACKENDS)
def paper(request: pytest.FixtureRequest, templates: Templates,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    """The paper's database, shared by the tests that only read it."""
    url = templates.copy(request.param, "paper", tmp_path_factory.mktemp("paper"), "paper")
    engine = storage.open_database(url)
    yield Db(url, request.param, engine)
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def fresh_paper(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> Iterator[Db]:
    """A copy of the paper's database for one test to change."""
    url = templates.copy(request.param, "paper", tmp_path, "paper")
    engine = storage.open_database(url)
    yield Db(url, request.param, engine)
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> Iterator[Db]:
    """An empty database at the newest schema."""
    url = templates.copy(request.param, "empty", tmp_path, "results")
    engine = storage.open_database(url)
    yield Db(url, request.param, engine)
    engine.dispose()


@pytest.fixture(scope="session")
def paper_sqlite_template(templates: Templates) -> Path:
    """The paper's database as a SQLite file (the dashboard serves SQLite)."""
    return Path(make_url(templates.url("sqlite", "paper")).database)  # type: ignore[arg-type]


Cli = Callable[..., Result]


@pytest.fixture
def lcagent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`lcagent ARGS...` against a database URL, through typer's CliRunner: no
    lcagent.toml picked up from the working directory, data under tmp_path."""
    from agent.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LCAGENT_CONFIG", raising=False)

    def run(url: str, *args: str) -> Result:
        env = {"LCAGENT_DATABASE_URL": url, "LCAGENT_DATA_DIR": str(tmp_path / "data"),
               "LCAGENT_CACHE_DIR": str(tmp_path / "cache")}
        return CliRunner().invoke(app, list(args), env=env)

    return run
