"""`lcagent config show`: the effective settings, each value with the layer that set
it (default, the TOML file, an `LCAGENT_*` variable), secrets masked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from agent.config_sources import Layers, Path_, dotted
from agent.settings import Settings

MASK = "********"
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@/\s]+@", re.IGNORECASE)


def mask_urls(text: str) -> str:
    """`scheme://user:password@host` -> `scheme://user:********@host`."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}@", text)


def shown(value: Any) -> str:
    if isinstance(value, SecretStr):
        return MASK if value.get_secret_value() else '""'
    if value is None:
        return "null"
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return mask_urls(json.dumps(value, default=str, ensure_ascii=False))


def _walk(model: BaseModel, prefix: Path_ = ()) -> list[tuple[Path_, Any]]:
    out: list[tuple[Path_, Any]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = (*prefix, name)
        if isinstance(value, BaseModel):
            out += _walk(value, path)
        elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
            for i, item in enumerate(value):
                out += _walk(item, (*path, i))
        else:
            out.append((path, value))
    return out


def effective(settings: Settings, layers: Layers) -> list[dict[str, str]]:
    """One row per setting: key, value as shown (secrets masked), source."""
    rows = [{"key": dotted(path), "value": shown(value), "source": layers.source(path)}
            for path, value in _walk(settings)]
    db_source = layers.source(("database_url",))
    if settings.database_url is None:
        db_source = f"data_dir ({layers.source(('data_dir',))})"
    rows.append({"key": "(database)", "value": mask_urls(settings.db_url()), "source": db_source})
    if not settings.models:
        spec = settings.model_specs()[0]
        rows.append({"key": "(models)", "value": f"the one model {spec.base_urls[0]} serves", "source": "default"})
    return rows


def render_text(settings: Settings, layers: Layers) -> str:
    rows = effective(settings, layers)
    width = max(len(f"{r['key']} = {r['value']}") for r in rows)
    head = f"# config file: {layers.file}" if layers.file else "# config file: none (LCAGENT_CONFIG unset, no ./lcagent.toml)"
    lines = [head]
    for r in rows:
        left = f"{r['key']} = {r['value']}"
        lines.append(f"{left:<{min(width, 70)}}  # {r['source']}")
    return "\n".join(lines) + "\n"


def render_json(settings: Settings, layers: Layers) -> str:
    return json.dumps({"config_file": str(layers.file) if layers.file else None,
                       "settings": effective(settings, layers)}, indent=2, ensure_ascii=False) + "\n"
