"""Datasette plugin loaded by `lcagent dashboard` (--plugins-dir): in `v_results`,
each `unit_id` links to the attempt's page (the canned query `attempt`)."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    if table == "v_results" and column == "unit_id" and isinstance(value, int):
        href = datasette.urls.path(f"/{database}/attempt?unit_id={value}")
        return Markup(f'<a href="{escape(href)}">{value}</a>')
    return None
