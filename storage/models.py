"""The results database: SQLModel tables with full provenance.

    contest ─< problem ─< problem_version          (statement, starter code, signature)
                  │  ├──< test_set ─< test_case     (versioned by content hash; one current)
                  │  └──< test_generation           (hidden tests: generator seed, oracle, state)
    model ─< model_config                           (sampling, template, attempts)
    problem × model_config × attempt = unit         (the keyed unit of work)
    unit ─ generation ─< judgement                  (one current per test set; history kept)
               generation ─ leetcode_judgement      (LeetCode's own verdict, when submitted)
    run                                             (one invocation: cycle, rejudge, ...)
    result_count                                    (rollup of current results, for reports)

Enumerations are stored as their readable values ("Accepted", "no code").
Timestamps are UTC. The schema changes only through migrations in
`storage/migrations/versions/` (append-only).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from judge.constants import CONTEST_DURATION_S
from judge.text import safe_json
from judge.verdict import Verdict


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value} (lcagent stores UTC only)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class JSONDoc(TypeDecorator[Any]):
    """JSON that round-trips exactly on every backend. SQLite gives a column
    declared JSON numeric affinity, which turns a stored `2.0` into `2` and
    `10**20` into `1e+20`; here SQLite stores the text in a TEXT column."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(sa.Text() if dialect.name == "sqlite" else sa.JSON())

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        # strings escaped before serializing: escaped JSON text would decode back
        # to the lone surrogate that no UTF-8 writer accepts
        value = safe_json(value)
        if dialect.name != "sqlite":
            return value
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # None is JSON null, as sa.JSON

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if dialect.name != "sqlite" or value is None:
            return value
        return json.loads(value) if isinstance(value, str) else value  # rows stored before 0005


def utcnow() -> datetime:
    return datetime.now(UTC)


# a SELECT of any columns (SQLAlchemy's Select is generic in its row's types)
AnySelect = sa.Select[*tuple[Any, ...]]


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Stored) -> int:
    """The id of a row that has been flushed (ValueError for one that has not)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id: it was never flushed")
    return row.id


class ContestKind(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    OTHER = "other"


class UnitState(StrEnum):
    PENDING = "pending"
    GENERATING = "generating"
    GENERATED = "generated"
    JUDGING = "judging"
    JUDGED = "judged"
    FAILED = "failed"


class Outcome(StrEnum):
    CODE = "code"
    NO_CODE = "no code"
    TRUNCATED = "truncated"


class TestBasis(StrEnum):
    """What the verdicts on a test set rest on (reports label every rate with it)."""

    __test__ = False
    EXAMPLES = "examples"  # only the statement's examples: tests the model was shown
    HIDDEN = "hidden"  # tests from a pack or dataset beyond the examples
    GENERATED = "generated"  # generated inputs with an oracle's outputs


class TestGenState(StrEnum):
    __test__ = False
    PENDING = "pending"  # to do, or to retry after `next_attempt_at` (infrastructure error)
    DONE = "done"  # a generated test set exists (`test_set_id`)
    SKIPPED = "skipped"  # cannot be done for this problem (`reason`): it stays on its tests


class SubmitState(StrEnum):
    SUBMITTING = "submitting"  # claimed; the POST may or may not have reached LeetCode
    CHECKING = "checking"  # LeetCode has it (`submission_id`): poll, never submit again
    JUDGED = "judged"  # LeetCode's verdict is stored
    ERROR = "error"  # LeetCode's internal error or an unreachable site: submitted again later


def enum_column(enum: type[StrEnum], **kw: Any) -> Any:
    """A VARCHAR holding the enum's readable value, with a CHECK constraint."""
    return sa.Column(
        sa.Enum(enum, values_callable=lambda e: [x.value for x in e], native_enum=False,
                length=32, create_constraint=True, name=f"{enum.__name__.lower()}_enum",
                validate_strings=True),
        **kw,
    )


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kw)


class Contest(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("site", "slug", name="uq_contest_site_slug"),)
    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=64)
    slug: str = Field(max_length=128)
    title: str = ""
    kind: ContestKind = Field(sa_column=enum_column(ContestKind, nullable=False))
    start_time: datetime = Field(sa_type=UTCDateTime, index=True)
    duration_s: int = CONTEST_DURATION_S
    n_questions: int | None = None  # from the contest info; all stored = contest complete
    created_at: datetime = _ts()


class Problem(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("site", "slug", name="uq_problem_site_slug"),)
    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=64)
    slug: str = Field(max_length=256)
    frontend_id: str | None = None
    backend_id: str | None = None
    title: str = ""
    difficulty: str | None = Field(default=None, max_length=16)
    tags: list[str] = Field(default_factory=list, sa_type=JSONDoc)
    contest_id: int | None = Field(default=None, foreign_key="contest.id", index=True)
    points: int | None = None
    release_time: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    release_week: str | None = Field(default=None, max_length=10, index=True)  # ISO, "2026-W21"
    release_time_source: str = Field(default="unknown", max_length=16)
    source_kind: str = Field(default="pack", max_length=64)
    source: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)  # judge.problem.Source
    meta: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ProblemVersion(SQLModel, table=True):
    """A statement/starter/signature as seen at one time; a change makes a new version."""

    __tablename__ = "problem_version"
    __table_args__ = (
        sa.UniqueConstraint("problem_id", "version", name="uq_problem_version"),
        sa.UniqueConstraint("problem_id", "content_hash", name="uq_problem_version_hash"),
    )
    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    version: int
    content_hash: str = Field(max_length=64)
    statement: str = ""
    starter_code: str = ""
    signature: dict[str, Any] = Field(sa_type=JSONDoc)
    reference_solution: str | None = None
    is_current: bool = True  # the statement seen last (an edit may be reverted)
    created_at: datetime = _ts()


class TestSet(SQLModel, table=True):
    __test__ = False  # not a pytest class
    __tablename__ = "test_set"
    __table_args__ = (sa.UniqueConstraint("problem_id", "version", name="uq_test_set_version"),)
    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    version: str = Field(max_length=64)  # judge.problem.Problem.test_set_version()
    checker: dict[str, Any] = Field(sa_type=JSONDoc)
    limits: dict[str, Any] = Field(sa_type=JSONDoc)
    n_tests: int
    provenance: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)  # {"example": 3, ...}
    is_current: bool = True
    created_at: datetime = _ts()
    # how the set came to be (storage/test_sets.py): as a source delivered it, merged
    # from a source into the current set, or the current set plus generated tests
    kind: str = Field(default="source", max_length=16)  # source | merged | generated
    basis: str = Field(default="examples", max_length=16)  # what a verdict on it rests on: TestBasis
    parent_id: int | None = Field(default=None, foreign_key="test_set.id")  # the set it extends
    oracle: str | None = Field(default=None, max_length=32)  # whose outputs the generated tests carry
    seed: int | None = None  # the input generator's seed
    origin: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)  # rule, generator counts, oracle response ids


class TestCase(SQLModel, table=True):
    __test__ = False
    __tablename__ = "test_case"
    __table_args__ = (sa.UniqueConstraint("test_set_id", "idx", name="uq_test_case_idx"),)
    id: int | None = Field(default=None, primary_key=True)
    test_set_id: int = Field(foreign_key="test_set.id", index=True)
    idx: int
    input: str
    expected: Any = Field(default=None, sa_type=JSONDoc)
    source: str = Field(max_length=16)  # example | dataset | generated | official
    comparable: bool = True
    note: str | None = None


class Model(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)
    served_id: str = Field(max_length=256)
    endpoints: list[str] = Field(default_factory=list, sa_type=JSONDoc)
    training_cutoff: date | None = None
    created_at: datetime = _ts()


class ModelConfig(SQLModel, table=True):
    """Everything that shapes a generation; a change makes a new configuration."""

    __tablename__ = "model_config"
    __table_args__ = (sa.UniqueConstraint("model_id", "config_hash", name="uq_model_config_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    model_id: int = Field(foreign_key="model.id", index=True)
    name: str = Field(max_length=128)
    config_hash: str = Field(max_length=64)
    sampling: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)
    prompt_template: str = Field(max_length=128)
    prompt_template_version: str = Field(max_length=64)
    attempts: int = 1
    created_at: datetime = _ts()


class Run(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # cycle | generate | judge | rejudge | import
    status: str = Field(default="running", max_length=16)
    host: str = ""
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)
    started_at: datetime = _ts()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = None


class Unit(SQLModel, table=True):
    """problem × model configuration × attempt: the keyed, idempotent unit of work."""

    __table_args__ = (
        sa.UniqueConstraint("problem_id", "model_config_id", "attempt", name="uq_unit_key"),
        sa.Index("ix_unit_claim", "state", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    model_config_id: int = Field(foreign_key="model_config.id", index=True)
    attempt: int = Field(ge=1)
    state: UnitState = Field(sa_column=enum_column(UnitState, nullable=False))
    tries: int = 0
    last_error: str | None = None
    claim_token: str | None = Field(default=None, max_length=64, index=True)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    run_id: int | None = Field(default=None, foreign_key="run.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Generation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", unique=True)
    model_config_id: int = Field(foreign_key="model_config.id", index=True)
    problem_version_id: int | None = Field(default=None, foreign_key="problem_version.id")
    run_id: int | None = Field(default=None, foreign_key="run.id")
    endpoint: str = ""
    served_model: str = ""
    sampling: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)
    prompt_template_version: str = Field(default="", max_length=64)
    prompt: Any = Field(default=None, sa_type=JSONDoc)  # the messages sent
    raw_response: Any = Field(default=None, sa_type=JSONDoc)
    content: str = ""
    reasoning: str | None = None
    extracted_code: str | None = None
    outcome: Outcome = Field(sa_column=enum_column(Outcome, nullable=False))
    finish_reason: str | None = Field(default=None, max_length=32)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: float | None = None
    created_at: datetime = _ts()


class Judgement(SQLModel, table=True):
    """A verdict for a generation against one test set. Re-judging keeps history:
    the previous row stays with is_current false."""

    __table_args__ = (
        sa.Index(
            "uq_judgement_current", "generation_id", "test_set_id", unique=True,
            sqlite_where=sa.text("is_current = 1"), postgresql_where=sa.text("is_current"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    generation_id: int = Field(foreign_key="generation.id", index=True)
    test_set_id: int = Field(foreign_key="test_set.id", index=True)
    verdict: Verdict = Field(sa_column=enum_column(Verdict, nullable=False))
    passed: int
    total: int
    per_test: list[Any] = Field(default_factory=list, sa_type=JSONDoc)
    first_failure: dict[str, Any] | None = Field(default=None, sa_type=JSONDoc)
    runtime_ms: float | None = None
    memory_kb: int | None = None
    judge_image: str = ""
    limits: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)
    is_current: bool = True
    run_id: int | None = Field(default=None, foreign_key="run.id")
    created_at: datetime = _ts()


class ResultCount(SQLModel, table=True):
    """Current results per (configuration, problem): a verdict, or a generation
    outcome that never reached the judge ("no code", "truncated"). Kept in step
    with judgements and generations in the same transaction, so report queries
    read thousands of rows instead of millions."""

    __tablename__ = "result_count"
    model_config_id: int = Field(foreign_key="model_config.id", primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", primary_key=True, index=True)
    result: str = Field(max_length=32, primary_key=True)
    n: int = 0


class ResultWeekCount(SQLModel, table=True):
    """The same rollup keyed by the problems' ISO release week ("" when undated),
    so the per-week report queries read a few thousand rows and sort nothing."""

    __tablename__ = "result_week_count"
    model_config_id: int = Field(foreign_key="model_config.id", primary_key=True)
    release_week: str = Field(max_length=10, primary_key=True)
    result: str = Field(max_length=32, primary_key=True)
    n: int = 0


class TestGeneration(SQLModel, table=True):
    """Hidden tests for one problem from one oracle: the generator's seed, the state,
    the test set it produced. While it is pending, the daemon keeps the problem's
    units away from the judge (a verdict on examples alone would be recorded)."""

    __test__ = False
    __tablename__ = "test_generation"
    __table_args__ = (sa.UniqueConstraint("problem_id", "oracle", name="uq_test_generation"),)
    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    oracle: str = Field(max_length=32)
    seed: int
    count: int
    state: TestGenState = Field(sa_column=enum_column(TestGenState, nullable=False))
    test_set_id: int | None = Field(default=None, foreign_key="test_set.id")
    reason: str | None = None
    tries: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stats: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)  # counts, oracle calls, seconds
    run_id: int | None = Field(default=None, foreign_key="run.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class LeetCodeJudgement(SQLModel, table=True):
    """LeetCode's own verdict on a generation (the submit backend): a second,
    authoritative judgement beside the local one, with its own provenance."""

    __tablename__ = "leetcode_judgement"
    id: int | None = Field(default=None, primary_key=True)
    generation_id: int = Field(foreign_key="generation.id", unique=True)
    state: SubmitState = Field(sa_column=enum_column(SubmitState, nullable=False))
    site: str = Field(max_length=64)
    question_id: str = Field(max_length=32)
    submission_id: str | None = Field(default=None, max_length=64)
    verdict: Verdict | None = Field(default=None, sa_column=enum_column(Verdict, nullable=True))
    status_code: int | None = None
    status_msg: str | None = None
    passed: int | None = None  # total_correct
    total: int | None = None  # total_testcases
    runtime_ms: float | None = None
    memory_kb: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDoc)  # last test, outputs, error texts
    tries: int = 0
    error: str | None = None
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    judged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    run_id: int | None = Field(default=None, foreign_key="run.id")
    created_at: datetime = _ts()
