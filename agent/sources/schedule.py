"""LeetCode's contest schedule, to predict when to look for new problems.

Seen 2022-2026 (it has changed before, so the API's start times always win):
weekly contests Sunday 02:30 UTC every week, biweekly contests Saturday 14:30 UTC
every second week, 90 minutes each. Anchors: weekly-contest-403 started
2024-06-23 02:30 UTC, biweekly-contest-133 2024-06-22 14:30 UTC. Pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from judge.constants import CONTEST_DURATION_S

WEEKLY_ANCHOR = (403, datetime(2024, 6, 23, 2, 30, tzinfo=UTC))
BIWEEKLY_ANCHOR = (133, datetime(2024, 6, 22, 14, 30, tzinfo=UTC))
DURATION = timedelta(seconds=CONTEST_DURATION_S)


@dataclass(frozen=True)
class PredictedContest:
    slug: str
    start_time: datetime

    @property
    def end_time(self) -> datetime:
        return self.start_time + DURATION


def _nth_after(anchor: tuple[int, datetime], period: timedelta, after: datetime, prefix: str) -> PredictedContest:
    number, start = anchor
    steps = max(0, -(-(after - start) // period))  # ceil: the first start >= after
    return PredictedContest(f"{prefix}-{number + steps}", start + steps * period)


def next_contests(now: datetime, count: int = 4) -> list[PredictedContest]:
    """The next `count` predicted contests starting at or after `now`, by start time."""
    out: list[PredictedContest] = []
    weekly = _nth_after(WEEKLY_ANCHOR, timedelta(weeks=1), now, "weekly-contest")
    biweekly = _nth_after(BIWEEKLY_ANCHOR, timedelta(weeks=2), now, "biweekly-contest")
    while len(out) < count:
        if weekly.start_time <= biweekly.start_time:
            out.append(weekly)
            weekly = _nth_after(WEEKLY_ANCHOR, timedelta(weeks=1), weekly.start_time + timedelta(seconds=1),
                                "weekly-contest")
        else:
            out.append(biweekly)
            biweekly = _nth_after(BIWEEKLY_ANCHOR, timedelta(weeks=2), biweekly.start_time + timedelta(seconds=1),
                                  "biweekly-contest")
    return out


def predicted_start(slug: str) -> datetime | None:
    """Start time of weekly-contest-N / biweekly-contest-N by the schedule."""
    for prefix, (number, start), period in (("weekly-contest-", WEEKLY_ANCHOR, timedelta(weeks=1)),
                                            ("biweekly-contest-", BIWEEKLY_ANCHOR, timedelta(weeks=2))):
        if slug.startswith(prefix) and slug[len(prefix):].isdigit():
            return start + (int(slug[len(prefix):]) - number) * period
    return None
