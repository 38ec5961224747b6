"""What `lcagent tests show` prints: a problem's test sets and hidden-test state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Engine

from storage import repo, test_sets
from storage.engine import session_scope


def problem_ids(engine: Engine, slugs: Sequence[str] = (), contest: str | None = None) -> list[int]:
    """The problems named, and every problem of `contest` (NotFound for an unknown one)."""
    with session_scope(engine) as s:
        ids = [repo.get_problem(s, slug).id for slug in slugs]
        if contest:
            found = repo.contest_problem_ids(s, contest)
            if not found:
                from storage.errors import NotFound

                raise NotFound("problems of contest", contest)
            ids += list(found)
        return list(dict.fromkeys(i for i in ids if i is not None))


def describe(engine: Engine, slug: str) -> list[str]:
    """Lines: the current test set and its provenance, the history, the generation state."""
    with session_scope(engine) as s:
        problem = repo.get_problem(s, slug)
        assert problem.id is not None
        current = repo.current_test_set(s, problem.id)
        o = current.origin or {}
        lines = [f"{slug}: {current.n_tests} tests on basis {current.basis!s} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(current.provenance.items()))})",
                 f"  test set {current.version} (id {current.id}, {current.kind}"
                 + (f", extends {current.parent_id}" if current.parent_id else "") + ")"]
        if current.oracle:
            refs = o.get("oracle_refs") or []
            lines.append(f"  oracle {current.oracle}, generator seed {current.seed}, {len(refs)} oracle responses"
                         + (f" ({', '.join(refs[:3])}{', ...' if len(refs) > 3 else ''})" if refs else ""))
            counts = {k: o[k] for k in ("requested", "generated", "invalid", "duplicates", "rejected", "failed",
                                        "kept", "oracle_calls") if o.get(k) is not None}
            if counts:
                lines.append("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            lines += [f"  {line}" for line in provenance_lines(o)]
        lines.append("history:")
        for ts in test_sets.history(s, problem.id):
            mark = "*" if ts.is_current else " "
            rule = (ts.origin or {}).get("rule", "-")
            lines.append(f" {mark} {ts.id:>5} {ts.version} {ts.kind:<9} {ts.basis!s:<9} {ts.n_tests:>4} tests"
                         f"  rule {rule}  {ts.created_at:%Y-%m-%d %H:%M}")
        rows = repo.hidden_test_generations(s, problem.id)
        for row in rows:
            st = row.stats or {}
            timing = ", ".join(f"{k} {st[k]}" for k in ("generate_s", "oracle_s", "oracle_calls") if k in st)
            lines.append(f"generation by {row.oracle}: {row.state!s}, seed {row.seed}, tries {row.tries}"
                         + (f", next try {row.next_attempt_at:%Y-%m-%d %H:%M}" if row.next_attempt_at else "")
                         + (f", {timing}" if timing else "") + (f"\n  {row.reason}" if row.reason else ""))
        return lines


def provenance_lines(origin: dict[str, Any]) -> list[str]:
    """What else a generated set records: its inputs' generator when a model wrote
    them, the answers' spread and steering, limits from a local reference, the
    community oracle's decisions, a second oracle's agreement."""
    out: list[str] = []
    gen = origin.get("generator")
    if isinstance(gen, dict):
        out.append(f"inputs by model {gen.get('model')} ({gen.get('prompt_version')}, code "
                   f"{str(gen.get('code_sha256', ''))[:12]}; validator checked on {gen.get('validator')}; "
                   f"dropped {gen.get('dropped')})")
    answers = origin.get("answers")
    if isinstance(answers, dict):
        out.append(f"answers: {answers.get('distinct')} distinct, the most common ({answers.get('most_common')}) "
                   f"{answers.get('most_common_share')} of the tests")
    limits = origin.get("limits")
    if isinstance(limits, dict):
        out.append(f"limits from the reference's CPU (slowest test {limits.get('reference_slowest_ms')} ms): "
                   f"{limits.get('rule')}")
    notes = origin.get("oracle_notes") or {}
    if "trusted" in notes:
        out.append(f"community: {len(notes['trusted'])} agreeing solutions (K {notes.get('k')}) of "
                   f"{len(notes.get('posts', []))} posts; {len(notes.get('not_independent', []))} not independent, "
                   f"{len(notes.get('failed_examples', []))} failed an example, {len(notes.get('outliers', []))} "
                   f"outliers, {notes.get('no_agreement')} inputs without agreement")
    check = notes.get("cross_check")
    if isinstance(check, dict):
        out.append(f"cross-checked by {check.get('oracle')} on {check.get('sampled')} inputs: "
                   + (f"error {check['error']}" if "error" in check else
                      f"{check.get('agree')} agree, {check.get('disagree')} disagree, {check.get('unanswered')} "
                      "unanswered"))
    return out
