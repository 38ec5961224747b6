"""Build this directory from two fetched public repositories (not run by tests).

    python tests/data/leetcode/real-contests/build.py \
        --contests-repo /work/.mirror/doocs+leetcode/repo \
        --problems-repo /work/.mirror/coder-xiaomo+leetcode-problemset/repo \
        [--before 2025-11-01] [--count 50] [--out tests/data/leetcode/real-contests]

Both repositories are bare git directories (read with `git show <rev>:<path>`).

- doocs/leetcode `solution/contest.json`: the contest list (slug, English title,
  start time, duration, the problem slugs in contest order). The `--count`
  weekly/biweekly contests that start last before `--before` (00:00 UTC) are kept.
- coder-xiaomo/leetcode-problemset `leetcode-cn/originData/<titleSlug>.json`:
  leetcode.cn's GraphQL `question` response for each problem (the English
  statement in `content`, the Chinese one in `translatedContent`).

Each problem is written as `question-<titleSlug>.json`, `{"data": {"question":
{...}}}`, keeping the fields lcagent's query asks for (agent/sources/leetcode_api.py
QUESTION, in its order, with its sub-selections of `topicTags` and `codeSnippets`)
that the source has, except `envInfo` (see DROPPED). Nothing is added or
rewritten; a field the source lacks is left out and listed in the summary this
script prints.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTEST_LIST = "solution/contest.json"
PROBLEM_DIR = "leetcode-cn/originData"
# agent/sources/leetcode_api.py QUESTION, field for field (sub-selections as tuples)
QUERY_FIELDS: list[tuple[str, tuple[str, ...] | None]] = [
    ("questionId", None), ("questionFrontendId", None), ("title", None), ("titleSlug", None),
    ("content", None), ("translatedTitle", None), ("translatedContent", None), ("isPaidOnly", None),
    ("difficulty", None), ("topicTags", ("name", "slug")), ("codeSnippets", ("lang", "langSlug", "code")),
    ("sampleTestCase", None), ("exampleTestcases", None), ("exampleTestcaseList", None), ("metaData", None),
    ("hints", None), ("stats", None), ("envInfo", None),
]
# asked for but read by nothing: leetcode.cn's compiler notes, 11 KB a problem, the same
# for every problem (2.2 MB of the 4.6 MB); left out
DROPPED = {"envInfo"}


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={repo}", *args], check=True, capture_output=True).stdout


def git_show(repo: Path, rev: str, path: str) -> bytes | None:
    done = subprocess.run(["git", f"--git-dir={repo}", "show", f"{rev}:{path}"], capture_output=True)
    return done.stdout if done.returncode == 0 else None


def pick_contests(contests: list[dict], before: datetime, count: int) -> list[dict]:
    cut = before.timestamp()
    rated = [c for c in contests
             if c["contest_title_slug"].startswith(("weekly-contest-", "biweekly-contest-"))
             and c["contest_start_time"] < cut]
    return sorted(rated, key=lambda c: c["contest_start_time"])[-count:]


def keep_fields(q: dict) -> tuple[dict, list[str]]:
    out, missing = {}, []
    for name, sub in QUERY_FIELDS:
        if name in DROPPED:
            continue
        if name not in q:
            missing.append(name)
            continue
        value = q[name]
        if sub and isinstance(value, list):
            value = [{k: item[k] for k in sub if k in item} if isinstance(item, dict) else item for item in value]
        out[name] = value
    return out, missing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contests-repo", type=Path, required=True, help="bare git dir of doocs/leetcode")
    ap.add_argument("--problems-repo", type=Path, required=True,
                    help="bare git dir of coder-xiaomo/leetcode-problemset")
    ap.add_argument("--contests-rev", default="HEAD")
    ap.add_argument("--problems-rev", default="HEAD")
    ap.add_argument("--before", default="2025-11-01", help="keep contests starting before this UTC date")
    ap.add_argument("--count", type=int, default=50, help="number of consecutive contests")
    ap.add_argument("--out", type=Path, default=HERE)
    a = ap.parse_args()

    contests_commit = git(a.contests_repo, "rev-parse", a.contests_rev).decode().strip()
    problems_commit = git(a.problems_repo, "rev-parse", a.problems_rev).decode().strip()
    listing = json.loads(git(a.contests_repo, "show", f"{contests_commit}:{CONTEST_LIST}"))
    before = datetime.fromisoformat(a.before).replace(tzinfo=UTC)
    chosen = pick_contests(listing, before, a.count)

    a.out.mkdir(parents=True, exist_ok=True)
    for old in a.out.glob("question-*.json"):
        old.unlink()
    written, absent, field_gaps = [], [], {}
    for c in chosen:
        for slug in c["question_slugs"]:
            raw = git_show(a.problems_repo, problems_commit, f"{PROBLEM_DIR}/{slug}.json")
            q = json.loads(raw)["data"]["question"] if raw else None
            if not isinstance(q, dict):
                absent.append((c["contest_title_slug"], slug))
                continue
            kept, missing = keep_fields(q)
            for name in missing:
                field_gaps.setdefault(name, []).append(slug)
            text = json.dumps({"data": {"question": kept}}, ensure_ascii=False, indent=1) + "\n"
            (a.out / f"question-{slug}.json").write_text(text, encoding="utf-8")
            written.append(slug)

    doc = {
        "source": {
            "contests": f"https://github.com/doocs/leetcode/blob/{contests_commit}/{CONTEST_LIST}",
            "problems": f"https://github.com/coder-xiaomo/leetcode-problemset/tree/{problems_commit}/{PROBLEM_DIR}",
            "selection": f"the {a.count} weekly/biweekly contests starting last before {a.before} 00:00 UTC",
        },
        "contests": [{
            "slug": c["contest_title_slug"],
            "title": c["contest_title_en"],
            "contest_id": c["contest_id"],
            "start_time": c["contest_start_time"],
            "start_time_utc": datetime.fromtimestamp(c["contest_start_time"], UTC).isoformat(),
            "duration_s": c["contest_duration"],
            "question_slugs": c["question_slugs"],
        } for c in chosen],
    }
    (a.out / "contests.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    for repo, rev, name in ((a.contests_repo, contests_commit, "LICENSE.doocs-leetcode"),
                            (a.problems_repo, problems_commit, "LICENSE.leetcode-problemset")):
        (a.out / name).write_bytes(git(repo, "show", f"{rev}:LICENSE"))
    size = sum(p.stat().st_size for p in a.out.glob("question-*.json"))
    print(f"doocs/leetcode {contests_commit}; coder-xiaomo/leetcode-problemset {problems_commit}")
    print(f"{len(chosen)} contests ({chosen[0]['contest_title_slug']} .. {chosen[-1]['contest_title_slug']}), "
          f"{len(written)} problems written ({size / 1e6:.2f} MB), {len(absent)} absent from the source")
    for contest, slug in absent:
        print(f"  absent: {contest} {slug}")
    for name, slugs in field_gaps.items():
        print(f"  field {name!r} missing in {len(slugs)} problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
