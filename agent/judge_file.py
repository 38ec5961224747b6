"""`lcagent judge`: judge a JSONL file of submissions against a directory of problems.

Input lines: `{"id", "problem": slug, "code"}`. Output lines, in input order:
`{"id", "problem", "verdict", "passed", "total", "first_failure", "runtime_ms",
"memory_kb", "judge_image", "test_set_version"}`; a line that could not be judged
(malformed, unknown problem, sandbox unavailable) has `"verdict": null` and an
`"error"` naming the reason, and the others are judged regardless. A problem file
that cannot be read or parsed is reported and skipped (`load_problem_dir`): the
submissions for its problem get an error naming the file, the rest are judged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.errors import InvalidSlug, JudgeError
from judge.problem import Problem, load_problem, problem_file_name
from judge.protocol import Judge
from judge.text import safe_json
from judge.verdict import JudgeResult


@dataclass
class Submission:
    line: int
    id: Any
    problem: str
    code: str


def read_submissions(path: Path) -> list[Submission | dict]:
    """Submissions, or an error record (dict) in place of each unusable line."""
    out: list[Submission | dict] = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
            except ValueError as e:
                out.append({"id": None, "problem": None, "verdict": None, "error": f"line {n}: {e}"})
                continue
            code, slug = row.get("code"), row.get("problem")
            if not isinstance(code, str) or not isinstance(slug, str):
                out.append({"id": row.get("id"), "problem": slug, "verdict": None,
                            "error": f"line {n}: needs string fields 'problem' and 'code'"})
                continue
            out.append(Submission(n, row.get("id"), slug, code))
    return out


def load_problem_dir(directory: Path) -> tuple[dict[str, Problem], dict[str, str]]:
    """Every `*.json` problem file, by slug, and the broken ones: file name -> reason
    (unreadable, not a problem document, or a slug another file defines)."""
    problems: dict[str, Problem] = {}
    where: dict[str, str] = {}
    broken: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            p = load_problem(path)
        except JudgeError as e:  # ProblemError
            broken[path.name] = getattr(e, "reason", None) or str(e)
            continue
        if p.slug in problems:
            broken[path.name] = f"defines {p.slug!r} again (first defined in {where[p.slug]})"
            continue
        problems[p.slug], where[p.slug] = p, path.name
    return problems, broken


def _broken_file_of(slug: str, broken: dict[str, str]) -> str | None:
    """The broken file that may hold this problem: the name `save_problem` gives
    the slug (`0_H97_Z_C.json`) or, named by hand, `<slug>.json`."""
    try:
        names = (problem_file_name(slug), f"{slug}.json")
    except InvalidSlug:
        return None
    return next((name for name in names if name in broken), None)


def first_errors(out: Path, limit: int = 3) -> list[str]:
    """The first `limit` lines of a verdicts file that could not be judged, as
    `id 7 (two-sum): reason`."""
    found: list[str] = []
    with open(out, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("verdict") is None:
                found.append(f"id {rec.get('id')} ({rec.get('problem') or '-'}): {rec.get('error')}")
                if len(found) >= limit:
                    break
    return found


def verdict_record(sub: Submission, result: JudgeResult | JudgeError) -> dict:
    if isinstance(result, JudgeError):
        return {"id": sub.id, "problem": sub.problem, "verdict": None, "error": str(result)}
    failure = result.first_failure
    return {
        "id": sub.id,
        "problem": sub.problem,
        "verdict": str(result.verdict),
        "passed": result.passed,
        "total": result.total,
        "first_failure": None if failure is None else {
            "input": failure.input, "expected": failure.expected, "got": failure.got,
            "stderr": failure.stderr or failure.message,
        },
        "runtime_ms": round(result.runtime_ms, 1),
        "memory_kb": result.memory_kb,
        "judge_image": result.judge_image,
        "test_set_version": result.test_set_version,
    }


def judge_file(
    submissions: Path,
    problems: dict[str, Problem],
    out: Path,
    judge: Judge,
    on_progress: Callable[[int, int], None] | None = None,
    broken: dict[str, str] | None = None,
) -> dict[str, int]:
    """Judge every line, write the verdicts in input order; returns verdict counts.
    `broken`: problem files that could not be loaded (file name -> reason), named in
    the error of a submission for their problem."""
    broken = broken or {}
    items = read_submissions(submissions)
    records: list[dict | None] = [None] * len(items)
    work: list[tuple[int, Submission]] = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            records[i] = item
        elif item.problem not in problems:
            file = _broken_file_of(item.problem, broken)
            reason = (f"problem file {file} is broken: {broken[file]}" if file is not None
                      else f"unknown problem {item.problem!r}")
            records[i] = {"id": item.id, "problem": item.problem, "verdict": None,
                          "error": f"line {item.line}: {reason}"}
        else:
            work.append((i, item))
    done = [len(items) - len(work)]

    def finished(k: int, result: JudgeResult | JudgeError) -> None:
        i, sub = work[k]
        records[i] = verdict_record(sub, result)
        done[0] += 1
        if on_progress:
            on_progress(done[0], len(items))

    judge.judge_many([(problems[s.problem], s.code) for _, s in work], on_done=finished)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    counts: dict[str, int] = {}
    with open(tmp, "w", encoding="utf-8") as f:
        for rec in records:
            assert rec is not None
            # text from the submission, its output or an error may hold lone
            # surrogates, which UTF-8 cannot encode: written backslash-escaped
            f.write(json.dumps(safe_json(rec), ensure_ascii=False) + "\n")
            key = rec["verdict"] or "error"
            counts[key] = counts.get(key, 0) + 1
    tmp.replace(out)
    return counts
