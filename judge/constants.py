"""Facts that more than one layer needs, in one place. judge/ is the lowest layer
(it imports nothing else of the project), so storage/ and agent/ take them from here."""

from __future__ import annotations

CONTEST_DURATION_S = 5400  # a LeetCode weekly or biweekly contest: 90 minutes, when the API omits it
DEFAULT_SITE = "leetcode.com"  # or "leetcode.cn"
