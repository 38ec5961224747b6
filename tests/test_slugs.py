"""Slugs come from outside (LeetCode, problem packs, LeetCodeDataset task ids) and
become file and directory names. Only LeetCode's slug alphabet passes, everywhere
a name becomes a path; anything else is refused with an error naming the slug
and the reason, and nothing is written outside the output directory."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.leetcodedataset import import_file, write_problems
from agent.sources.pack import PackSource
from agent.sources.sync import sync
from judge.errors import InvalidSlug, ProblemError
from judge.problem import MAX_SLUG_LENGTH, Problem, check_slug, parse_problem, save_problem
from storage import open_database
from tests.conftest import CORPUS, CORPUS_FILES
from tests.fakes.leetcode_server import FakeLeetCode, clone_question
from tests.support import function_problem

GOOD = function_problem("add", [("a", "integer"), ("b", "integer")], "integer", [("1\n2", 3)], slug="add-two")
HOSTILE = ["../../x", "/etc/cron.d/x", "a/b", "a\\b", "..", ".", "Two-Sum", "two_sum", "-rf", "two sum",
           "nul\x00byte", "ümlaut", "x" * (MAX_SLUG_LENGTH + 1), "new\nline"]


def doc(slug: str, **extra: object) -> dict:
    return {**json.loads(GOOD.to_json()), "slug": slug, **extra}


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


# ------------------------------------------------------------------ the validator


@pytest.mark.parametrize("slug", ["two-sum", "3sum", "powx-n", "weekly-contest-400", "biweekly-contest-130",
                                  "k-th-symbol-in-grammar", "a", "x" * MAX_SLUG_LENGTH])
def test_leetcode_slugs_pass(slug: str) -> None:
    assert check_slug(slug) == slug


def test_every_slug_of_the_real_corpus_passes() -> None:
    ids = [json.loads(line)["task_id"] for name in CORPUS_FILES
           for line in gzip.decompress((CORPUS / name).read_bytes()).decode().splitlines() if line.strip()]
    assert len(ids) > 50
    assert [check_slug(i) for i in ids] == ids


@pytest.mark.parametrize("slug", HOSTILE)
def test_other_names_are_refused_with_the_slug_and_the_reason(slug: str) -> None:
    with pytest.raises(InvalidSlug) as info:
        check_slug(slug, "contest slug")
    message = str(info.value)
    assert message.startswith("contest slug ")
    assert repr(slug)[:30] in message
    assert any(why in message for why in ("position", "starts with a hyphen", "characters long"))
    assert isinstance(info.value, ProblemError) and isinstance(info.value, ValueError)


def test_the_reason_points_at_the_first_bad_character() -> None:
    with pytest.raises(InvalidSlug, match=r"'\.\./\.\./x' has '\.' at position 0"):
        check_slug("../../x")
    with pytest.raises(InvalidSlug, match=r"has '/' at position 3"):
        check_slug("abc/def")
    with pytest.raises(InvalidSlug, match="is empty"):
        check_slug("")


@pytest.mark.parametrize("slug", ["../../x", "/abs/olute", "Upper"])
def test_problem_documents_with_such_slugs_are_refused(slug: str) -> None:
    with pytest.raises(InvalidSlug) as info:
        parse_problem(doc(slug), "pack.jsonl:3")
    assert info.value.slug == slug
    contest = {"slug": slug, "start_time": "2026-01-04T02:30:00Z"}
    with pytest.raises(InvalidSlug, match=f"contest slug {slug!r}"):
        parse_problem(doc("fine-slug", contest=contest), "pack.jsonl:4")


# ------------------------------------------------------------------ where names become paths


def test_save_problem_refuses_a_slug_that_skipped_validation(tmp_path: Path) -> None:
    out = tmp_path / "out" / "problems"
    for slug in ("../../escaped", str(tmp_path / "absolute")):
        sneaky = Problem.model_construct(**{**dict(GOOD), "slug": slug})  # no validators run
        with pytest.raises(InvalidSlug):
            save_problem(sneaky, out)
    assert files_under(tmp_path) == set()
    assert save_problem(GOOD, out) == out / "add-two.json"


def test_a_pack_with_hostile_slugs_loads_the_rest(tmp_path: Path) -> None:
    pack = tmp_path / "pack.jsonl"
    lines = [doc("add-two"), doc("../../evil"), doc("/tmp/evil"), doc("other-one")]
    pack.write_text("".join(json.dumps(d) + "\n" for d in lines), encoding="utf-8")
    loaded = PackSource(pack).load()
    assert [p.slug for p in loaded.problems] == ["add-two", "other-one"]
    assert [where for where, _ in loaded.failures] == [f"{pack}:2", f"{pack}:3"]
    assert "'../../evil' has '.' at position 0" in loaded.failures[0][1]
    assert "'/tmp/evil' has '/' at position 0" in loaded.failures[1][1]


def test_a_dataset_task_id_that_is_a_path_is_not_imported(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in gzip.decompress((CORPUS / CORPUS_FILES[0]).read_bytes()).decode().splitlines()][:3]
    rows[1]["task_id"] = "../../../pwned"
    rows[2]["task_id"] = "/tmp/pwned"
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_file(data)
    assert [p.slug for p in report.problems] == [rows[0]["task_id"]]
    assert report.failures == [
        ("../../../pwned", "task_id '../../../pwned' has '.' at position 0 (a slug is lowercase letters, "
                           "digits and hyphens)"),
        ("/tmp/pwned", "task_id '/tmp/pwned' has '/' at position 0 (a slug is lowercase letters, "
                       "digits and hyphens)"),
    ]
    out = tmp_path / "a" / "b" / "out"
    assert write_problems(report, out) == [out / f"{rows[0]['task_id']}.json"]
    assert files_under(tmp_path) == {data, out / f"{rows[0]['task_id']}.json"}


# ------------------------------------------------------------------ sync --out


@pytest.fixture
def leetcode() -> Iterator[tuple[FakeLeetCode, LeetCodeClient]]:
    with FakeLeetCode.from_fixtures() as fake:
        client = LeetCodeClient("leetcode.com", fake.url, min_interval_s=0.0, attempts=1, backoff_s=0.0,
                                timeout_s=5.0)
        try:
            yield fake, client
        finally:
            client.close()


@pytest.mark.integration
def test_sync_refuses_a_contest_slug_that_is_a_path(leetcode: tuple[FakeLeetCode, LeetCodeClient],
                                                    tmp_path: Path) -> None:
    fake, client = leetcode
    engine = open_database(f"sqlite:///{tmp_path / 'lcagent.sqlite3'}")
    out = tmp_path / "out"
    report = sync(client, engine, contests=["../../etc", "/abs"], out_dir=out)
    assert [where for where, _ in report.failures] == ["../../etc", "/abs"]
    assert "contest slug '../../etc' has '.' at position 0" in report.failures[0][1]
    assert report.contests == [] and not out.exists()
    assert not [r for r in fake.requests if "etc" in r.path or "abs" in r.path]  # never asked for


@pytest.mark.integration
def test_sync_skips_a_question_whose_slug_is_a_path(leetcode: tuple[FakeLeetCode, LeetCodeClient],
                                                    tmp_path: Path) -> None:
    fake, client = leetcode
    source = fake.questions["ticket-queue"]
    evil = clone_question(source, "../../pwned", question_id=99001)
    fine = clone_question(source, "ticket-queue-two", question_id=99002)
    fake.add_contest("weekly-contest-9300", int(time.time()) - 3 * 86400, [(evil, 4), (fine, 5)])
    engine = open_database(f"sqlite:///{tmp_path / 'lcagent.sqlite3'}")
    out = tmp_path / "deep" / "out"
    report = sync(client, engine, contests=["weekly-contest-9300"], out_dir=out)
    assert report.stored == ["ticket-queue-two"]
    assert [where for where, _ in report.failures] == ["../../pwned"]
    assert "'../../pwned'" in report.failures[0][1]
    assert files_under(tmp_path / "deep") == {out / "weekly-contest-9300" / "ticket-queue-two.json"}
    assert not (tmp_path / "pwned.json").exists()
