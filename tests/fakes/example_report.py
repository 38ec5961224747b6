"""Regenerate docs/example-report.md: a real report, produced end to end from the
fakes (fake LeetCode contest -> sync -> fake vLLM serving two models -> the real
Docker judge -> SQLite -> `lcagent report`).

    .venv/bin/python -m tests.fakes.example_report [OUT.md]

model-a answers every problem with its reference solution; model-b writes wrong
code or prose. Both declare a training cutoff before the contest, so the
contamination-free view has data.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agent.cycle import run_cycle
from agent.reports.weekly import make_report, render
from storage import open_database
from tests.fakes.leetcode_server import FakeLeetCode
from tests.fakes.openai_server import FakeOpenAI
from tests.pipeline.conftest import (
    ANSWERS,
    A,
    B,
    add_recent_contest,
    make_settings,
    model_spec,
    per_model_responder,
)


def main(out: Path) -> None:
    cutoff = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    with tempfile.TemporaryDirectory(prefix="lcagent-example-") as tmp, FakeLeetCode.from_fixtures() as lc:
        add_recent_contest(lc)
        fake = FakeOpenAI(models=[A, B], responder=per_model_responder(ANSWERS))
        url = fake.start()
        try:
            models = [model_spec(name, url, attempts=2, training_cutoff=cutoff) for name in (A, B)]
            settings = make_settings(Path(tmp), models, leetcode_url=lc.url)
            engine = open_database(settings.db_url())
            report = asyncio.run(run_cycle(settings, engine))
            if report.waiting or (report.progress and report.progress.failed):
                sys.exit(f"the cycle did not finish: {report.waiting} {report.progress}")
            text = render(make_report(engine, title="lcagent acceptance report (example, from the fakes)"), "md")
        finally:
            fake.stop()
    out.write_text(text, encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/example-report.md"))
