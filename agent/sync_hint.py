"""What to do when LeetCode cannot be reached: said once, after the sync's failures."""

from __future__ import annotations

from collections.abc import Iterable

UNREACHABLE = "is unreachable"  # agent.sources.leetcode_client names the host in these words
HINT = ("without LeetCode, evaluate on problem packs: `lcagent import pack DIR` stores them, and "
        "LCAGENT_SYNC_LEETCODE=false (or `lcagent run --no-sync`) skips the sync")


def unreachable_hint(failures: Iterable[tuple[str, str]]) -> str | None:
    """The hint when a sync failure says LeetCode is unreachable, else None."""
    return HINT if any(UNREACHABLE in reason for _, reason in failures) else None
