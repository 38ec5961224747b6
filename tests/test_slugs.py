"""Slugs come from outside (LeetCode, problem packs, LeetCodeDataset task ids) and
become file and directory names. Only LeetCode's slug alphabet passes (ASCII
letters of both cases: leetcode.cn's LCR/LCP slugs such as `0H97ZC`), everywhere
a name becomes a path; anything else is refused with an error naming the slug
and the reason, and nothing is written outside the output directory. Slugs that
differ only in case get file names that differ on a case-insensitive file system
too (a capital is marked `_`), checked on a real FAT mount when the machine can
mount one."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

import pytest

from agent.judge_file import judge_file, load_problem_dir
from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.leetcodedataset import import_file, write_problems
from agent.sources.pack import PackSource
from agent.sources.sync import sync
from judge.errors import InvalidSlug, ProblemError
from judge.problem import (
    MAX_SLUG_LENGTH,
    Problem,
    check_slug,
    load_problems,
    parse_problem,
    problem_file_name,
    save_problem,
    slug_file_name,
)
from judge.protocol import Judge
from storage import open_database
from tests.conftest import CORPUS, CORPUS_FILES
from tests.fakes.leetcode_server import FakeLeetCode, clone_question
from tests.support import function_problem

GOOD = function_problem("add", [("a", "integer"), ("b", "integer")], "integer", [("1\n2", 3)], slug="add-two")
HOSTILE = ["../../x", "/etc/cron.d/x", "a/b", "a\\b", "..", ".", "two_sum", "-rf", "two sum",
           "nul\x00byte", "ümlaut", "x" * (MAX_SLUG_LENGTH + 1), "new\nline",
           "LCR 001", "LCR.001", "LCP_01", "0_H97_Z_C",  # a display id, a file name: not slugs
           # look-alikes of ASCII letters: Cyrillic о, fullwidth Ａ, Kelvin sign, dotted İ, ligature ﬁ,
           # a zero-width space; none is ASCII, and some fold to ASCII under case-insensitive rules
           "tw\u043e-sum", "\uff21bc", "\u212aey", "\u0130d", "\ufb01x", "a\u200bb"]


def doc(slug: str, **extra: object) -> dict:
    return {**json.loads(GOOD.to_json()), "slug": slug, **extra}


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


# ------------------------------------------------------------------ the validator


@pytest.mark.parametrize("slug", ["two-sum", "3sum", "powx-n", "weekly-contest-400", "biweekly-contest-130",
                                  "k-th-symbol-in-grammar", "a", "x" * MAX_SLUG_LENGTH,
                                  # leetcode.cn LCR/LCP problems, and mixed case in general
                                  "0H97ZC", "xoh6Oh", "UlBDOe", "Two-Sum", "A", "Z9-", "X" * MAX_SLUG_LENGTH])
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
    with pytest.raises(InvalidSlug, match=r"^problem slug 'LCR 001' has ' ' at position 3 \(a slug is ASCII "
                                          r"letters, digits and hyphens\)$"):
        check_slug("LCR 001")
    with pytest.raises(InvalidSlug, match="'\u212aey' has '\u212a' at position 0"):
        check_slug("\u212aey")  # the Kelvin sign, which lowercases to an ASCII k


@pytest.mark.parametrize("slug", ["../../x", "/abs/olute", "LCR 001"])
def test_problem_documents_with_such_slugs_are_refused(slug: str) -> None:
    with pytest.raises(InvalidSlug) as info:
        parse_problem(doc(slug), "pack.jsonl:3")
    assert info.value.slug == slug
    contest = {"slug": slug, "start_time": "2026-01-04T02:30:00Z"}
    with pytest.raises(InvalidSlug, match=f"contest slug {slug!r}"):
        parse_problem(doc("fine-slug", contest=contest), "pack.jsonl:4")


# ------------------------------------------------------------------ file names


def case_variants(slug: str) -> list[str]:
    """Every spelling of the slug in upper and lower case."""
    return ["".join(chars) for chars in itertools.product(*({c.lower(), c.upper()} for c in slug))]


def small_slugs() -> list[str]:
    """Every slug of up to four characters from a, A, b, B, 0 and a hyphen."""
    alphabet = "aAbB0-"
    return [s for n in range(1, 5) for s in map("".join, itertools.product(alphabet, repeat=n))
            if not s.startswith("-")]


def test_lowercase_slugs_keep_their_file_names() -> None:
    ids = [json.loads(line)["task_id"] for name in CORPUS_FILES
           for line in gzip.decompress((CORPUS / name).read_bytes()).decode().splitlines() if line.strip()]
    for slug in [*ids, "two-sum", "3sum", "weekly-contest-400", "0h97zc", "x" * MAX_SLUG_LENGTH]:
        assert slug_file_name(slug) == slug  # problem directories written before keep working
        assert problem_file_name(slug) == f"{slug}.json"


@pytest.mark.parametrize(("slug", "name"), [("0H97ZC", "0_H97_Z_C"), ("Two-Sum", "_Two-_Sum"), ("A", "_A"),
                                            ("xoh6Oh", "xoh6_Oh"), ("a-B-c", "a-_B-c")])
def test_a_capital_is_marked_in_the_file_name(slug: str, name: str) -> None:
    assert slug_file_name(slug) == name
    assert problem_file_name(slug) == f"{name}.json"


def test_file_names_of_distinct_slugs_differ_without_case_too() -> None:
    """What a case-insensitive file system (macOS, Windows, FAT) compares is the
    name folded to one case: no two slugs may share it. Exhaustive over short slugs,
    and every spelling of some real ones."""
    slugs = small_slugs() + case_variants("0h97zc") + case_variants("two-sum")
    assert len(slugs) == len(set(slugs)) == 1295 + 8 + 64
    names = [slug_file_name(s) for s in slugs]
    assert len({n.casefold() for n in names}) == len(slugs)
    for slug, name in zip(slugs, names, strict=True):
        assert name.replace("_", "") == slug  # the name says which slug it is
        assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        assert name not in (".", "..") and not name.startswith("-")


@pytest.mark.parametrize("slug", ["../x", "a/b", ".", "..", "0_H97_Z_C", "\u212aey", ""])
def test_only_a_slug_has_a_file_name(slug: str) -> None:
    with pytest.raises(InvalidSlug):
        slug_file_name(slug)
    with pytest.raises(InvalidSlug):
        problem_file_name(slug)


# ------------------------------------------------------------------ where names become paths


def test_save_problem_refuses_a_slug_that_skipped_validation(tmp_path: Path) -> None:
    out = tmp_path / "out" / "problems"
    for slug in ("../../escaped", str(tmp_path / "absolute")):
        sneaky = Problem.model_construct(**{**dict(GOOD), "slug": slug})  # no validators run
        with pytest.raises(InvalidSlug):
            save_problem(sneaky, out)
    assert files_under(tmp_path) == set()
    assert save_problem(GOOD, out) == out / "add-two.json"


def named(slug: str) -> Problem:
    return parse_problem(doc(slug, title=f"title of {slug}"))


def test_slugs_differing_in_case_are_saved_apart_and_read_back(tmp_path: Path) -> None:
    out = tmp_path / "problems"
    slugs = ["0h97zc", "0H97ZC", "0H97zc"]
    paths = [save_problem(named(s), out) for s in slugs]
    assert paths == [out / "0h97zc.json", out / "0_H97_Z_C.json", out / "0_H97zc.json"]
    assert {s: p.title for s, p in load_problems(out).items()} == {s: f"title of {s}" for s in slugs}
    problems, broken = load_problem_dir(out)
    assert sorted(problems) == sorted(slugs) and broken == {}
    loaded = PackSource(out).load()
    assert sorted(p.slug for p in loaded.problems) == sorted(slugs) and loaded.failures == []


def test_the_longest_slug_fits_a_file_name_in_every_case(tmp_path: Path) -> None:
    """255 bytes per name on Linux, macOS and Windows: the temporary file of an
    all-capital slug of the maximum length is the longest name written."""
    for slug in ("x" * MAX_SLUG_LENGTH, "X" * MAX_SLUG_LENGTH, "Xx" * (MAX_SLUG_LENGTH // 2)):
        path = save_problem(named(slug), tmp_path)
        assert path.name == problem_file_name(slug)
        assert parse_problem(path.read_text(encoding="utf-8")).slug == slug
    assert len(problem_file_name("X" * MAX_SLUG_LENGTH)) == 2 * MAX_SLUG_LENGTH + len(".json")
    assert len(f"{slug_file_name('X' * MAX_SLUG_LENGTH)}.abcdefgh.json.tmp") <= 255
    assert len(f"{'_X' * (MAX_SLUG_LENGTH + 1)}.abcdefgh.json.tmp") > 255  # the bound is tight


CANNOT_MOUNT = "cannot mount a case-insensitive file system to write to"


@pytest.fixture
def case_insensitive_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory on a real case-insensitive file system: FAT (what USB sticks
    use; it compares names like macOS's and Windows' default file systems do), in
    an image file mounted with fusefat, so it needs FUSE but no kernel FAT driver."""
    search = f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"  # mkfs.fat: not on a user's PATH
    tools = {tool: shutil.which(tool, path=search) for tool in ("mkfs.fat", "fusefat", "fusermount")}
    missing = [tool for tool, found in tools.items() if found is None]
    if missing:
        pytest.skip(f"{CANNOT_MOUNT}: {', '.join(missing)} not installed (scripts/ensure-test-tools.sh "
                    "installs dosfstools and fusefat)")
    mkfs, fusefat, fusermount = (str(found) for found in tools.values())
    image, mount = tmp_path / "fat.img", tmp_path / "fat"
    mount.mkdir()
    subprocess.run([mkfs, "-C", str(image), "8192"], check=True, capture_output=True)
    done = subprocess.run([fusefat, "-o", "rw+", str(image), str(mount)], capture_output=True, text=True)
    if done.returncode != 0 or not mount.is_mount():
        pytest.skip(f"{CANNOT_MOUNT}: fusefat failed (exit {done.returncode}: {done.stderr.strip()[-200:]}); "
                    "it needs /dev/fuse and the right to mount")
    try:
        yield mount
    finally:
        subprocess.run([fusermount, "-u", str(mount)], check=True, capture_output=True)


@pytest.mark.integration
def test_slugs_differing_in_case_do_not_collide_on_a_case_insensitive_file_system(
        case_insensitive_dir: Path) -> None:
    out = case_insensitive_dir / "problems"
    out.mkdir()
    (out / "Probe").write_text("", encoding="utf-8")
    assert (out / "pROBE").exists()  # the file system does not tell case apart (else this test proves nothing)
    (out / "Probe").unlink()
    slugs = ["0h97zc", "0H97ZC", "0H97zc", "Two-Sum", "two-sum", "TWO-SUM"]
    for slug in slugs:
        save_problem(named(slug), out)
    save_problem(named("0H97ZC"), out)  # saved again: it replaces its own file only
    assert sorted(os.listdir(out)) == sorted(problem_file_name(s) for s in slugs)
    assert {s: p.title for s, p in load_problems(out).items()} == {s: f"title of {s}" for s in slugs}


class NoJudge:
    """A judge that must not be asked: every submission below names a broken or unknown problem."""

    def judge_many(self, items: Sequence[object], on_done: object = None) -> list[object]:
        assert list(items) == []
        return []


def test_a_submission_for_a_broken_mixed_case_problem_names_its_file(tmp_path: Path) -> None:
    problems = tmp_path / "problems"
    problems.mkdir()
    (problems / problem_file_name("0H97ZC")).write_text('{"slug": "0H97ZC", "signature": ', encoding="utf-8")
    (problems / "Xy.json").write_text('{"slug": "Xy"}', encoding="utf-8")  # named by hand
    loaded, broken = load_problem_dir(problems)
    assert loaded == {} and sorted(broken) == ["0_H97_Z_C.json", "Xy.json"]
    subs = tmp_path / "subs.jsonl"
    rows = [{"id": i, "problem": slug, "code": "pass"} for i, slug in enumerate(["0H97ZC", "0h97zc", "Xy", "../x"])]
    subs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "verdicts.jsonl"
    counts = judge_file(subs, loaded, out, cast(Judge, NoJudge()), broken=broken)
    errors = [json.loads(line)["error"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert counts == {"error": 4}
    assert errors[0].startswith("line 1: problem file 0_H97_Z_C.json is broken: ")
    assert errors[1] == "line 2: unknown problem '0h97zc'"  # another problem, not the broken file's
    assert errors[2].startswith("line 3: problem file Xy.json is broken: ")
    assert errors[3] == "line 4: unknown problem '../x'"


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
        ("../../../pwned", "task_id '../../../pwned' has '.' at position 0 (a slug is ASCII letters, "
                           "digits and hyphens)"),
        ("/tmp/pwned", "task_id '/tmp/pwned' has '/' at position 0 (a slug is ASCII letters, "
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
