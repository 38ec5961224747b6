"""What `lcagent tests show` prints: a problem's test sets and hidden-test state."""

from __future__ import annotations

from collections.abc import Sequence

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
