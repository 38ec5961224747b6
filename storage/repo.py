"""The access layer: the small functions the rest of lcagent calls.

Writers take a `Session` inside `session_scope` (one transaction: all or nothing).
Every write is keyed and idempotent: upserting the same problem twice changes
nothing, a changed statement becomes a new version, a changed test set a new
test set; a unit exists once per (problem, configuration, attempt); a generation
once per unit; one current judgement per (generation, test set).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from judge import problem as pf
from judge.constants import CONTEST_DURATION_S
from judge.verdict import JudgeResult, Verdict
from storage import test_sets
from storage.errors import IntegrityViolation, NotFound
from storage.models import (
    AnySelect,
    Contest,
    ContestKind,
    Generation,
    Judgement,
    Model,
    ModelConfig,
    Outcome,
    Problem,
    ProblemVersion,
    ResultCount,
    ResultWeekCount,
    Run,
    TestCase,
    TestGeneration,
    TestSet,
    Unit,
    UnitState,
    id_of,
    utcnow,
)


def _hash(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def iso_week(t: datetime | None) -> str | None:
    if t is None:
        return None
    year, week, _ = t.isocalendar()
    return f"{year}-W{week:02d}"


def _flush(session: Session, entity: str, key: str) -> None:
    """Flush, turning a constraint failure into an error that names the row."""
    try:
        session.flush()
    except IntegrityError as e:
        session.rollback()
        raise IntegrityViolation(entity, key, str(e.orig).splitlines()[0]) from None


# -------------------------------------------------------------------- contests


def contest_kind(slug: str) -> ContestKind:
    if slug.startswith("weekly-contest-"):
        return ContestKind.WEEKLY
    if slug.startswith("biweekly-contest-"):
        return ContestKind.BIWEEKLY
    return ContestKind.OTHER


def upsert_contest(
    session: Session, site: str, slug: str, start_time: datetime, *, title: str = "",
    duration_s: int = CONTEST_DURATION_S,
) -> Contest:
    row = session.exec(select(Contest).where(col(Contest.site) == site, col(Contest.slug) == slug)).first()
    if row is None:
        row = Contest(site=site, slug=slug, kind=contest_kind(slug), start_time=start_time)
    row.title, row.start_time, row.duration_s = title or row.title, start_time, duration_s
    session.add(row)
    _flush(session, "contest", f"{site}/{slug}")
    return row


# -------------------------------------------------------------------- problems


def _version_content(p: pf.Problem) -> dict[str, Any]:
    return {
        "statement": p.statement,
        "starter_code": p.starter_code,
        "signature": p.signature.model_dump(mode="json", by_alias=True),
        "reference_solution": p.reference_solution,
    }


CONTEST_SYNC = "leetcode"  # the source kind of problems synced from LeetCode's contests


def upsert_problem(session: Session, p: pf.Problem, *,
                   replace_tests: bool = False) -> tuple[Problem, ProblemVersion, TestSet]:
    """Store a judge-ready problem; a changed statement or test set becomes a new
    version and the older ones stay (verdicts name the test set they used). Which
    test set is current follows the rule in storage/test_sets.py: tests are only
    added, unless `replace_tests`. A problem is keyed by (site, slug): one synced
    from a contest is updated by the sync only (IntegrityViolation for a dataset
    row or a pack with its slug)."""
    site = p.source.site or p.source.kind
    contest_id = None
    if p.contest is not None:
        contest = upsert_contest(session, site, p.contest.slug, p.contest.start_time,
                                 title=p.contest.title or "", duration_s=p.contest.duration_s or CONTEST_DURATION_S)
        contest_id = contest.id
    row = session.exec(select(Problem).where(col(Problem.site) == site, col(Problem.slug) == p.slug)).first()
    if row is None:
        row = Problem(site=site, slug=p.slug)
    elif row.source_kind == CONTEST_SYNC and p.source.kind != CONTEST_SYNC:
        # its release time is its contest's start, which no dataset or pack knows better
        raise IntegrityViolation("problem", f"{site}/{p.slug}", f"it came from a contest sync; a {p.source.kind} "
                                 "import does not overwrite it")
    row.frontend_id, row.backend_id, row.title = p.frontend_id, p.backend_id, p.title
    row.difficulty, row.tags, row.contest_id = p.difficulty, list(p.tags), contest_id
    row.points = p.contest.points if p.contest else None
    old_week = row.release_week
    row.release_time, row.release_week = p.release_time, iso_week(p.release_time)
    if row.id is not None and (old_week or "") != (row.release_week or ""):
        _move_week(session, row.id, old_week or "", row.release_week or "")
    row.release_time_source, row.source_kind = p.release_time_source, p.source.kind
    row.source, row.meta = p.source.model_dump(mode="json"), dict(p.meta)
    row.updated_at = utcnow()
    session.add(row)
    _flush(session, "problem", f"{site}/{p.slug}")
    assert row.id is not None

    content = _version_content(p)
    content_hash = _hash(content)
    version = session.exec(select(ProblemVersion).where(
        col(ProblemVersion.problem_id) == row.id, col(ProblemVersion.content_hash) == content_hash)).first()
    if version is None:
        latest = session.exec(select(sa.func.max(col(ProblemVersion.version))).where(
            col(ProblemVersion.problem_id) == row.id)).one()
        version = ProblemVersion(problem_id=row.id, version=(latest or 0) + 1, content_hash=content_hash, **content)
        session.add(version)
        _flush(session, "problem version", f"{p.slug}#{version.version}")
    if not version.is_current:
        version.is_current = True
        session.add(version)
    session.exec(sa.update(ProblemVersion).where(col(ProblemVersion.problem_id) == row.id,
                                                 col(ProblemVersion.id) != version.id).values(is_current=False))

    return row, version, test_sets.adopt(session, row.id, p, replace=replace_tests)


def get_problem(session: Session, slug: str, site: str | None = None) -> Problem:
    q = select(Problem).where(col(Problem.slug) == slug)
    if site:
        q = q.where(col(Problem.site) == site)
    row = session.exec(q.order_by(col(Problem.id))).first()
    if row is None:
        raise NotFound("problem", slug)
    return row


def problem_listing(session: Session, contest: str | None = None) -> list[tuple[Any, ...]]:
    """(release time, contest slug, slug, difficulty, current tests) per problem, in
    release order; of one contest when `contest`."""
    q = (sa.select(col(Problem.release_time), col(Contest.slug), col(Problem.slug), col(Problem.difficulty),
                   col(TestSet.n_tests))
         .join(Contest, col(Contest.id) == col(Problem.contest_id), isouter=True)
         .join(TestSet, (col(TestSet.problem_id) == col(Problem.id)) & col(TestSet.is_current), isouter=True)
         .order_by(col(Problem.release_time), col(Problem.slug)))
    if contest:
        q = q.where(col(Contest.slug) == contest)
    return [tuple(r) for r in session.execute(q).all()]


def contest_problem_counts(session: Session, site: str) -> list[tuple[str, datetime, int | None, int]]:
    """(slug, start time, questions announced, problems stored) of every contest of `site`."""
    q = (sa.select(col(Contest.slug), col(Contest.start_time), col(Contest.n_questions), sa.func.count(col(Problem.id)))
         .join(Problem, col(Problem.contest_id) == col(Contest.id), isouter=True)
         .where(col(Contest.site) == site)
         .group_by(col(Contest.id)))
    return [(slug, start, n_questions, n) for slug, start, n_questions, n in session.execute(q).all()]


def contest_problem_ids(session: Session, contest: str) -> list[int]:
    """The ids of the problems stored for a contest (by its slug), in id order."""
    q = (select(col(Problem.id)).join(Contest, col(Contest.id) == col(Problem.contest_id))
         .where(col(Contest.slug) == contest).order_by(col(Problem.id)))
    return [i for i in session.exec(q).all() if i is not None]


def released_problems(session: Session, contests: Sequence[str] = (),
                      since: datetime | None = None) -> list[tuple[int, str]]:
    """(id, slug) of the problems of these contests (any, when none are named)
    released at or after `since`, in release order."""
    q = sa.select(col(Problem.id), col(Problem.slug)).select_from(Problem).outerjoin(
        Contest, col(Contest.id) == col(Problem.contest_id))
    if contests:
        q = q.where(col(Contest.slug).in_(list(contests)))
    if since is not None:
        q = q.where(col(Problem.release_time) >= since)
    return [(int(i), str(slug)) for i, slug in session.execute(
        q.order_by(col(Problem.release_time), col(Problem.slug))).all()]


def hidden_test_generations(session: Session, problem_id: int) -> list[TestGeneration]:
    """The hidden-test generations of a problem (one per oracle)."""
    return list(session.exec(select(TestGeneration).where(col(TestGeneration.problem_id) == problem_id)).all())


def current_test_set(session: Session, problem_id: int) -> TestSet:
    ts = session.exec(select(TestSet).where(col(TestSet.problem_id) == problem_id, col(TestSet.is_current))).first()
    if ts is None:
        raise NotFound("current test set of problem", str(problem_id))
    return ts


def load_problem(session: Session, problem_id: int, test_set_id: int | None = None, *,
                 with_tests: bool = True) -> pf.Problem:
    """Rebuild the judge-ready problem from its latest version and a test set
    (`with_tests=False`: what a prompt needs, without reading the test cases)."""
    row = session.get(Problem, problem_id)
    if row is None:
        raise NotFound("problem", str(problem_id))
    version = session.exec(select(ProblemVersion).where(col(ProblemVersion.problem_id) == problem_id,
                                                        col(ProblemVersion.is_current))).first()
    ts = session.get(TestSet, test_set_id) if test_set_id else current_test_set(session, problem_id)
    if version is None or ts is None:
        raise NotFound("problem version or test set of", row.slug)
    cases = session.exec(select(TestCase).where(col(TestCase.test_set_id) == ts.id).order_by(col(TestCase.idx))).all() \
        if with_tests else []
    contest = session.get(Contest, row.contest_id) if row.contest_id else None
    return _rebuild(row, version, ts, list(cases), contest)


def load_prompt_problems(session: Session, problem_ids: Sequence[int]) -> dict[int, tuple[pf.Problem, int]]:
    """Many problems without their test cases, with their latest version's id, in
    four queries (for prompts)."""
    ids = list(set(problem_ids))
    rows = {r.id: r for r in session.exec(select(Problem).where(col(Problem.id).in_(ids))).all()}
    latest = (select(col(ProblemVersion.problem_id), sa.func.max(col(ProblemVersion.version)).label("v"))
              .where(col(ProblemVersion.problem_id).in_(ids)).group_by(col(ProblemVersion.problem_id)).subquery())
    versions = {v.problem_id: v for v in session.exec(select(ProblemVersion).join(
        latest, (latest.c.problem_id == col(ProblemVersion.problem_id))
        & (latest.c.v == col(ProblemVersion.version)))).all()}
    test_sets = {t.problem_id: t for t in session.exec(select(TestSet).where(
        col(TestSet.problem_id).in_(ids), col(TestSet.is_current))).all()}
    contest_ids = {r.contest_id for r in rows.values() if r.contest_id}
    contests = {c.id: c for c in session.exec(select(Contest).where(col(Contest.id).in_(contest_ids))).all()}
    out = {}
    for pid, row in rows.items():
        if pid not in versions or pid not in test_sets:
            raise NotFound("problem version or test set of", row.slug)
        version = versions[pid]
        out[pid] = (_rebuild(row, version, test_sets[pid], [], contests.get(row.contest_id)), id_of(version))
    missing = set(ids) - set(out)
    if missing:
        raise NotFound("problem", ", ".join(map(str, sorted(missing))))
    return out


def _rebuild(row: Problem, version: ProblemVersion, ts: TestSet, cases: list[TestCase],
             contest: Contest | None) -> pf.Problem:
    return pf.parse_problem({
        "slug": row.slug, "frontend_id": row.frontend_id, "backend_id": row.backend_id,
        "title": row.title, "source": row.source or {"kind": row.source_kind, "site": row.site},
        "meta": row.meta or {},
        "contest": None if contest is None else {
            "slug": contest.slug, "title": contest.title or None, "start_time": contest.start_time,
            "duration_s": contest.duration_s, "points": row.points},
        "release_time": row.release_time, "release_time_source": row.release_time_source,
        "difficulty": row.difficulty, "tags": row.tags,
        "statement": version.statement, "starter_code": version.starter_code,
        "signature": version.signature, "reference_solution": version.reference_solution,
        "tests": [{"input": c.input, "expected": c.expected, "source": c.source,
                   "comparable": c.comparable, "note": c.note} for c in cases],
        "checker": ts.checker, "limits": ts.limits,
    }, row.slug)


# ---------------------------------------------------------------------- models


def upsert_model(session: Session, name: str, served_id: str, endpoints: Sequence[str],
                 training_cutoff: date | None) -> Model:
    row = session.exec(select(Model).where(col(Model.name) == name)).first() or Model(name=name, served_id=served_id)
    row.served_id, row.endpoints, row.training_cutoff = served_id, list(endpoints), training_cutoff
    session.add(row)
    _flush(session, "model", name)
    return row


def upsert_model_config(session: Session, model: Model, name: str, sampling: dict[str, Any], prompt_template: str,
                        prompt_template_version: str, attempts: int) -> ModelConfig:
    """The configuration row for exactly these settings (a change is a new row)."""
    key = {"sampling": sampling, "template": prompt_template, "template_version": prompt_template_version,
           "served_id": model.served_id}
    config_hash = _hash(key)
    row = session.exec(select(ModelConfig).where(
        col(ModelConfig.model_id) == model.id, col(ModelConfig.config_hash) == config_hash)).first()
    if row is None:
        row = ModelConfig(model_id=id_of(model), name=name, config_hash=config_hash, sampling=sampling,
                          prompt_template=prompt_template, prompt_template_version=prompt_template_version,
                          attempts=attempts)
    row.attempts = attempts  # more attempts extend the same configuration's units
    session.add(row)
    _flush(session, "model configuration", f"{model.name}/{config_hash}")
    return row


# ------------------------------------------------------------------------ runs


def start_run(session: Session, kind: str, host: str = "", settings: dict[str, Any] | None = None) -> Run:
    run = Run(kind=kind, host=host, settings=settings or {})
    session.add(run)
    _flush(session, "run", kind)
    return run


def finish_run(session: Session, run_id: int, status: str = "done", note: str | None = None) -> None:
    session.exec(sa.update(Run).where(col(Run.id) == run_id).values(status=status, note=note, finished_at=utcnow()))


def latest_run(session: Session, kind: str) -> Run | None:
    """The newest run of a kind."""
    return session.exec(select(Run).where(col(Run.kind) == kind).order_by(col(Run.id).desc()).limit(1)).first()


def add_run(session: Session, kind: str, status: str, *, host: str, note: str | None, at: datetime) -> Run:
    """A run that started and finished at `at` (a note of what the service saw)."""
    run = Run(kind=kind, status=status, host=host, note=note, started_at=at, finished_at=at)
    session.add(run)
    return run


def extend_run(session: Session, run_id: int, finished_at: datetime) -> None:
    """The run still holds at `finished_at` (its last sighting moves)."""
    session.exec(sa.update(Run).where(col(Run.id) == run_id).values(finished_at=finished_at))


def set_run_status(session: Session, run_id: int, status: str) -> None:
    """A new status for a run, finished now; its note is kept."""
    session.exec(sa.update(Run).where(col(Run.id) == run_id).values(status=status, finished_at=utcnow()))


# ----------------------------------------------------------------------- units


def ensure_units(session: Session, config: ModelConfig, problem_ids: Iterable[int]) -> int:
    """Create the missing units (problem × configuration × attempt); returns how many."""
    ids = list(problem_ids)
    if not ids:
        return 0
    existing = set(session.exec(select(col(Unit.problem_id), col(Unit.attempt)).where(
        col(Unit.model_config_id) == config.id, col(Unit.problem_id).in_(ids))).all())
    now = utcnow()
    config_id = id_of(config)
    new = [Unit(problem_id=pid, model_config_id=config_id, attempt=a, state=UnitState.PENDING,
                created_at=now, updated_at=now)
           for pid in ids for a in range(1, config.attempts + 1) if (pid, a) not in existing]
    session.add_all(new)
    _flush(session, "units", f"of configuration {config.name}")
    return len(new)


def _due_units(state: UnitState, now: datetime, config_ids: Sequence[int] | None,
               exclude_problems: AnySelect | None) -> SelectOfScalar[int | None]:
    """The ids of units in `state` whose retry time has come, of `config_ids`
    (all when None), not of the problems `exclude_problems` selects."""
    due = sa.or_(col(Unit.next_attempt_at).is_(None), col(Unit.next_attempt_at) <= now)
    q = select(col(Unit.id)).where(col(Unit.state) == state, due)
    if config_ids is not None:
        q = q.where(col(Unit.model_config_id).in_(list(config_ids)))
    if exclude_problems is not None:
        q = q.where(col(Unit.problem_id).not_in(exclude_problems))
    return q


def has_due_units(session: Session, state: UnitState, *, config_ids: Sequence[int] | None = None,
                  exclude_problems: AnySelect | None = None, now: datetime | None = None) -> bool:
    """Whether `claim_units` would find a unit now."""
    q = _due_units(state, now or utcnow(), config_ids, exclude_problems).limit(1)
    return session.exec(q).first() is not None


def has_units(session: Session, state: UnitState) -> bool:
    """Whether any unit is in `state`, due or not."""
    return session.exec(select(col(Unit.id)).where(col(Unit.state) == state).limit(1)).first() is not None


def count_units(session: Session, state: UnitState, of_problems: AnySelect) -> int:
    """Units in `state` of the problems `of_problems` selects."""
    return session.exec(select(sa.func.count()).select_from(Unit).where(
        col(Unit.state) == state, col(Unit.problem_id).in_(of_problems))).one()


def units_waiting_after_errors(session: Session, state: UnitState, config_id: int | None = None) -> list[Unit]:
    """Units in `state` that an error sent back to wait for a retry, oldest first."""
    q = select(Unit).where(col(Unit.state) == state, col(Unit.next_attempt_at).is_not(None),
                           col(Unit.last_error).is_not(None))
    if config_id is not None:
        q = q.where(col(Unit.model_config_id) == config_id)
    return list(session.exec(q.order_by(col(Unit.updated_at))).all())


def problem_ids(session: Session, sources: Sequence[str] | None = None) -> list[int]:
    """Every stored problem's id, or those of the given source kinds."""
    q = select(col(Problem.id))
    if sources:
        q = q.where(col(Problem.source_kind).in_(list(sources)))
    return [i for i in session.exec(q).all() if i is not None]


def latest_version_id(session: Session, problem_id: int) -> int | None:
    return session.exec(select(col(ProblemVersion.id)).where(col(ProblemVersion.problem_id) == problem_id)
                        .order_by(col(ProblemVersion.version).desc())).first()


def generation_of(session: Session, unit_id: int) -> Generation | None:
    return session.exec(select(Generation).where(col(Generation.unit_id) == unit_id)).first()


def claim_units(session: Session, from_state: UnitState, to_state: UnitState, limit: int, token: str,
                now: datetime | None = None, config_ids: Sequence[int] | None = None,
                exclude_problems: AnySelect | None = None) -> list[Unit]:
    """Atomically move up to `limit` due units from one state to another. Two
    workers never get the same unit: SQLite serializes writers (BEGIN IMMEDIATE);
    PostgreSQL skips rows another transaction has locked. Units of the problems
    `exclude_problems` selects stay (e.g. problems waiting for hidden tests)."""
    now = now or utcnow()
    q = _due_units(from_state, now, config_ids, exclude_problems).order_by(col(Unit.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    ids = list(session.exec(q).all())
    if not ids:
        return []
    session.exec(sa.update(Unit).where(col(Unit.id).in_(ids), col(Unit.state) == from_state)
                 .values(state=to_state, claim_token=token, claimed_at=now, updated_at=now))
    return list(session.exec(select(Unit).where(col(Unit.claim_token) == token, col(Unit.state) == to_state,
                                                col(Unit.id).in_(ids))).all())


def set_unit_state(session: Session, unit_id: int, state: UnitState, *, error: str | None = None,
                   retry_at: datetime | None = None, count_try: bool = False) -> None:
    values: dict[str, Any] = {"state": state, "updated_at": utcnow(), "claim_token": None,
                              "next_attempt_at": retry_at}
    if error is not None:
        values["last_error"] = error[:4000]
    if count_try:
        values["tries"] = col(Unit.tries) + 1
    session.exec(sa.update(Unit).where(col(Unit.id) == unit_id).values(**values))


def _start_ticks(pid: int) -> str | None:
    """When a process started (clock ticks since boot), to tell a PID from its reuse:
    a restarted container's daemon is PID 1 again, on the same host name."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def claim_owner() -> str:
    """`host:pid:start:` — the prefix of every claim token this process makes."""
    pid = os.getpid()
    return f"{socket.gethostname()[:24]}:{pid}:{_start_ticks(pid) or '-'}:"


def _owner_gone(token: str | None) -> bool:
    """A claim whose process no longer runs on this host (or that names no process)."""
    parts = (token or "").split(":")
    if len(parts) < 4 or not parts[1].isdigit():
        return True  # no owner recorded: a claim from before owners were recorded
    host, pid, start = parts[0], int(parts[1]), parts[2]
    if host != socket.gethostname()[:24]:
        return False  # another host's: that host releases it when it restarts
    now = _start_ticks(pid)
    if now is not None or start != "-":
        return now != start  # no such process, or the PID now belongs to another one
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_in_flight(session: Session) -> int:
    """Units a crashed process left in a working state go back to where they came
    from. Claims of live processes (a daemon beside `lcagent run`, the pipeline
    beside the daemon's catch-up sync) are theirs: left alone."""
    n = 0
    for busy, back in ((UnitState.GENERATING, UnitState.PENDING), (UnitState.JUDGING, UnitState.GENERATED)):
        rows = session.exec(select(col(Unit.id), col(Unit.claim_token)).where(col(Unit.state) == busy)).all()
        ids = [i for i, token in rows if _owner_gone(token)]
        if ids:
            result = session.exec(sa.update(Unit).where(col(Unit.id).in_(ids), col(Unit.state) == busy)
                                  .values(state=back, claim_token=None, updated_at=utcnow()))
            n += result.rowcount or 0
    return n


def release_claims(session: Session, token_prefix: str) -> int:
    """Units claimed by one owner (claim tokens starting with `token_prefix`, e.g. a
    pipeline's) and still in a working state go back to where they came from: what
    a pipeline that stopped leaves in flight, while its process lives on."""
    n = 0
    for busy, back in ((UnitState.GENERATING, UnitState.PENDING), (UnitState.JUDGING, UnitState.GENERATED)):
        result = session.exec(sa.update(Unit).where(
            col(Unit.state) == busy, col(Unit.claim_token).startswith(token_prefix, autoescape=True))
            .values(state=back, claim_token=None, updated_at=utcnow()))
        n += result.rowcount or 0
    return n


def requeue_failed(session: Session) -> int:
    """Units given up on (infrastructure errors after every retry) go back: to the
    judge when their generation holds code, else to generation."""
    with_code = select(col(Generation.unit_id)).where(col(Generation.outcome) == Outcome.CODE)
    n = 0
    for state, cond in ((UnitState.GENERATED, col(Unit.id).in_(with_code)),
                        (UnitState.PENDING, col(Unit.id).not_in(with_code))):
        result = session.exec(sa.update(Unit).where(col(Unit.state) == UnitState.FAILED, cond)
                              .values(state=state, tries=0, next_attempt_at=None, claim_token=None,
                                      updated_at=utcnow()))
        n += result.rowcount or 0
    return n


# ------------------------------------------------------------ results + rollup


def _table(model: type[SQLModel]) -> sa.Table:
    table = sa.inspect(model).local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


def _add_to(session: Session, table: sa.Table, key: dict[str, Any], delta: int) -> None:
    """`n += delta` for one rollup row in a single statement (an upsert): concurrent
    writers (PostgreSQL, several workers) neither lose an update nor collide on the
    first insert, as a read-then-write through the ORM does."""
    if session.get_bind().dialect.name == "postgresql":
        pg = postgresql.insert(table).values(**key, n=delta)
        session.execute(pg.on_conflict_do_update(index_elements=list(key), set_={"n": table.c.n + pg.excluded.n}))
    else:
        lite = sqlite.insert(table).values(**key, n=delta)
        session.execute(lite.on_conflict_do_update(index_elements=list(key), set_={"n": table.c.n + lite.excluded.n}))


def _bump(session: Session, config_id: int, problem_id: int, result: str, delta: int) -> None:
    _add_to(session, _table(ResultCount),
            {"model_config_id": config_id, "problem_id": problem_id, "result": result}, delta)
    week = session.execute(sa.select(col(Problem.release_week)).where(col(Problem.id) == problem_id)).scalar()
    _bump_week(session, config_id, week or "", result, delta)


def _bump_week(session: Session, config_id: int, week: str, result: str, delta: int) -> None:
    _add_to(session, _table(ResultWeekCount),
            {"model_config_id": config_id, "release_week": week, "result": result}, delta)


def _move_week(session: Session, problem_id: int, old: str, new: str) -> None:
    """A problem's release week changed: its results move to the new week."""
    rows = session.execute(sa.select(col(ResultCount.model_config_id), col(ResultCount.result), col(ResultCount.n))
                           .where(col(ResultCount.problem_id) == problem_id)).all()
    for config_id, result, n in rows:
        _bump_week(session, config_id, old, result, -n)
        _bump_week(session, config_id, new, result, n)


def record_generation(session: Session, unit: Unit, **fields: Any) -> Generation:
    """Store a generation (once per unit). A generation without code is a final
    result ("no code" / "truncated"); one with code waits for the judge."""
    return record_generations(session, [(unit, fields)])[0]


def record_generations(session: Session, items: Sequence[tuple[Unit, dict[str, Any]]]) -> list[Generation]:
    """Several generations in one flush and one state update per outcome kind."""
    for unit, fields in items:
        try:
            fields["outcome"] = Outcome(fields.get("outcome", ""))  # the enum, or its readable value
        except ValueError:
            session.rollback()
            raise IntegrityViolation("generation", f"for unit {unit.id}",
                                     f"unknown outcome {fields.get('outcome')!r}") from None
    gens = [Generation(unit_id=id_of(unit), model_config_id=unit.model_config_id, **fields) for unit, fields in items]
    session.add_all(gens)
    _flush(session, "generation", "for unit " + ", ".join(str(u.id) for u, _ in items))
    now = utcnow()
    for state, units in ((UnitState.GENERATED, [u for (u, _), g in zip(items, gens, strict=True)
                                                if g.outcome is Outcome.CODE]),
                         (UnitState.JUDGED, [u for (u, _), g in zip(items, gens, strict=True)
                                             if g.outcome is not Outcome.CODE])):
        if units:
            session.exec(sa.update(Unit).where(col(Unit.id).in_([u.id for u in units]))
                         .values(state=state, updated_at=now, claim_token=None, next_attempt_at=None))
    for (unit, _), gen in zip(items, gens, strict=True):
        if gen.outcome is not Outcome.CODE:
            _bump(session, unit.model_config_id, unit.problem_id, str(gen.outcome), +1)
    return gens


def record_judgement(session: Session, generation: Generation, unit: Unit, test_set_id: int,
                     result: JudgeResult, run_id: int | None = None) -> Judgement:
    """Store a verdict; a previous current verdict for the same test set (or any
    other, when re-judged against a newer set) becomes history."""
    previous = session.exec(select(Judgement).where(
        col(Judgement.generation_id) == generation.id, col(Judgement.is_current))).all()
    for old in previous:
        old.is_current = False
        session.add(old)
        _bump(session, unit.model_config_id, unit.problem_id, str(old.verdict), -1)
    _flush(session, "judgement history", f"of generation {generation.id}")
    j = Judgement(
        generation_id=id_of(generation), test_set_id=test_set_id, verdict=result.verdict, passed=result.passed,
        total=result.total, per_test=[t.status for t in result.tests],
        first_failure=result.first_failure.model_dump(mode="json") if result.first_failure else None,
        runtime_ms=result.runtime_ms, memory_kb=result.memory_kb, judge_image=result.judge_image,
        limits=result.limits.model_dump(mode="json"), run_id=run_id,
    )
    session.add(j)
    _flush(session, "judgement", f"of generation {generation.id} on test set {test_set_id}")
    _bump(session, unit.model_config_id, unit.problem_id, str(result.verdict), +1)
    set_unit_state(session, unit.id, UnitState.JUDGED)  # type: ignore[arg-type]
    return j


# -------------------------------------------------------------- report queries
#
# The rollups read back: acceptance per configuration and week, a configuration's
# contest row, the verdict mix per week. No command reads them (the report reads
# result_count per problem through storage.queries.results; the dashboard and
# `lcagent query` read the views; the scoreboard needs what the rollups do not
# hold: the test basis of each verdict, the units not judged yet). They are the rollup
# side of the consistency tests (tests/reports/test_views_and_queries.py: the
# rollups, the views built from the base tables and the report give the same
# numbers) and the queries bench/storage_bench.py measures, and the only reader of
# result_week_count.

ACCEPTED = str(Verdict.ACCEPTED)


def _acceptance(keys: Sequence[Any], where: Sequence[Any] = ()) -> AnySelect:
    accepted = sa.func.sum(sa.case((col(ResultCount.result) == ACCEPTED, col(ResultCount.n)), else_=0))
    q = (sa.select(*keys, accepted.label("accepted"), sa.func.sum(col(ResultCount.n)).label("attempts"))
         .select_from(ResultCount).join(Problem, col(Problem.id) == col(ResultCount.problem_id))
         .join(ModelConfig, col(ModelConfig.id) == col(ResultCount.model_config_id)))
    for w in where:
        q = q.where(w)
    return q.group_by(*keys).order_by(*keys)


def acceptance_by_model_week(session: Session) -> list[sa.Row[*tuple[Any, ...]]]:
    """(configuration name, ISO week, accepted, attempts) over current results, one
    row per configuration and week (two configurations may share a name)."""
    accepted = sa.func.sum(sa.case((col(ResultWeekCount.result) == ACCEPTED, col(ResultWeekCount.n)), else_=0))
    week = sa.func.nullif(col(ResultWeekCount.release_week), "")
    q = (sa.select(col(ModelConfig.name), week.label("release_week"), accepted.label("accepted"),
                   sa.func.sum(col(ResultWeekCount.n)).label("attempts"))
         .select_from(ResultWeekCount).join(ModelConfig, col(ModelConfig.id) == col(ResultWeekCount.model_config_id))
         .group_by(col(ModelConfig.id), col(ModelConfig.name), col(ResultWeekCount.release_week))
         .having(sa.func.sum(col(ResultWeekCount.n)) > 0)
         .order_by(col(ModelConfig.name), col(ModelConfig.id), col(ResultWeekCount.release_week)))
    return list(session.execute(q).all())


def contest_matrix(session: Session, config_id: int) -> list[sa.Row[*tuple[Any, ...]]]:
    """(contest slug, accepted, attempts) for one configuration: the paper's table row."""
    q = _acceptance([col(Contest.slug), col(Contest.start_time)], [col(ResultCount.model_config_id) == config_id])
    q = q.join(Contest, col(Contest.id) == col(Problem.contest_id))
    return list(session.execute(q).all())


def verdict_mix_by_week(session: Session) -> list[sa.Row[*tuple[Any, ...]]]:
    """(ISO week, result, count): verdicts and no-code/truncated outcomes."""
    week = sa.func.nullif(col(ResultWeekCount.release_week), "")
    q = (sa.select(week.label("release_week"), col(ResultWeekCount.result),
                   sa.func.sum(col(ResultWeekCount.n)).label("n"))
         .group_by(col(ResultWeekCount.release_week), col(ResultWeekCount.result))
         .having(sa.func.sum(col(ResultWeekCount.n)) > 0)
         .order_by(col(ResultWeekCount.release_week), col(ResultWeekCount.result)))
    return list(session.execute(q).all())


def unit_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(col(Unit.state), sa.func.count()).group_by(col(Unit.state))).all()
    return {str(state): n for state, n in rows}
