"""Where settings come from, checked strictly: the TOML file and `LCAGENT_*` variables.

Every mistake is a `ConfigError` of one line that names the file (with the line,
and the column for a syntax error) or the variable, and for an unknown key the
closest known one:

    lcagent.toml:7: unknown key 'judge.paralelism' (did you mean 'judge.parallelism'?)
    lcagent.toml: TOML syntax error at line 3, column 9: Invalid value
    LCAGENT_MODELS: JSON syntax error at line 1, column 12: Expecting ',' delimiter
    unknown setting LCAGENT_JUDGE__PARALELISM (did you mean LCAGENT_JUDGE__PARALLELISM?)
    LCAGENT_CONFIG names /etc/lcagent.toml, which does not exist

`Layers` also says, for `lcagent config show`, which layer set each value.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from judge.errors import LcagentError

PREFIX = "LCAGENT_"
CONFIG_VAR = "LCAGENT_CONFIG"
# variables of the project's scripts and tests, not settings (see scripts/, tests/)
TOOLING_VARS = frozenset({"LCAGENT_PG_DIR", "LCAGENT_PG_PORT", "LCAGENT_IMAGE_BUILD", "LCAGENT_DEBIAN_MIRROR",
                          "LCAGENT_DOCKERD_PIDFILE", "LCAGENT_REGENERATE_GOLDEN"})
TOOLING_PREFIXES = ("LCAGENT_TEST_",)

Path_ = tuple[str | int, ...]


class ConfigError(LcagentError, ValueError):
    """A configuration mistake, said in one line."""


# ------------------------------------------------------------------ field types


def _kind(annotation: Any) -> tuple[str, Any]:
    """("model", cls) | ("list", item annotation) | ("dict", None) | ("scalar", None)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _kind(args[0]) if len(args) == 1 else ("scalar", None)
    if origin is list:
        args = get_args(annotation)
        return "list", args[0] if args else Any
    if origin is dict or annotation is dict:
        return "dict", None
    if origin is Literal:
        return "scalar", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    return "scalar", None


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _suggest(word: str, choices: list[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_keys(cls: type[BaseModel], data: Mapping[str, Any], prefix: Path_ = ()) -> list[tuple[Path_, str | None]]:
    """Keys of `data` the model does not define: (path, the closest known path)."""
    bad: list[tuple[Path_, str | None]] = []
    fields = cls.model_fields
    for key, value in data.items():
        if key not in fields:
            close = _suggest(str(key), list(fields))
            bad.append(((*prefix, key), dotted((*prefix, close)) if close else _deeper(cls, str(key), prefix)))
            continue
        kind, inner = _kind(fields[key].annotation)
        if kind == "model" and isinstance(value, Mapping):
            bad += unknown_keys(inner, value, (*prefix, key))
        elif kind == "list" and isinstance(value, list):
            item_kind, item_cls = _kind(inner)
            if item_kind == "model":
                for i, item in enumerate(value):
                    if isinstance(item, Mapping):
                        bad += unknown_keys(item_cls, item, (*prefix, key, i))
    return bad


def _deeper(cls: type[BaseModel], key: str, prefix: Path_) -> str | None:
    """A key that belongs one level down (`temperature` -> `sampling.temperature`)."""
    for name, f in cls.model_fields.items():
        kind, inner = _kind(f.annotation)
        if kind == "model":
            close = _suggest(key, list(inner.model_fields))
            if close:
                return dotted((*prefix, name, close))
    return None


def _leaves(cls: type[BaseModel], data: Mapping[str, Any], prefix: Path_ = ()) -> list[Path_]:
    """The paths `data` sets (a list, a dict field or a scalar is one leaf)."""
    out: list[Path_] = []
    for key, value in data.items():
        field_ = cls.model_fields.get(key)
        kind, inner = _kind(field_.annotation) if field_ else ("scalar", None)
        if kind == "model" and isinstance(value, Mapping):
            out += _leaves(inner, value, (*prefix, key))
        else:
            out.append((*prefix, key))
    return out


# ------------------------------------------------------------------ the layers


@dataclass
class Layers:
    """What the file and the variables set, and which of them set each path."""

    file: Path | None = None
    file_data: dict[str, Any] = field(default_factory=dict)
    file_paths: list[Path_] = field(default_factory=list)
    env_paths: dict[Path_, str] = field(default_factory=dict)  # path -> variable name
    init_paths: list[Path_] = field(default_factory=list)

    def source(self, path: Path_) -> str:
        """`argument`, a variable's name, the file, or `default`."""
        def covers(leaf: Path_) -> bool:
            return path[:len(leaf)] == leaf or leaf[:len(path)] == path

        if any(covers(p) for p in self.init_paths):
            return "argument"
        for leaf, var in self.env_paths.items():
            if covers(leaf):
                return var
        if any(covers(p) for p in self.file_paths):
            return str(self.file)
        return "default"


def config_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """`$LCAGENT_CONFIG` (which must exist), else `./lcagent.toml` when present."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(CONFIG_VAR)
    if explicit:
        path = Path(explicit)
        if not path.exists():
            raise ConfigError(f"{CONFIG_VAR} names {path}, which does not exist")
        if not path.is_file():
            raise ConfigError(f"{CONFIG_VAR} names {path}, which is not a file")
        return path
    local = Path("lcagent.toml")
    return local if local.is_file() else None


def _line_of(text: str, key: str) -> int | None:
    """The first line that sets or opens `key` (for an unknown key's message)."""
    pattern = re.compile(rf"""^\s*(\[+\s*)?([\w."'-]+\.)?["']?{re.escape(key)}["']?\s*(=|\]|\.)""")
    for n, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return n
    return None


def read_file(cls: type[BaseModel], path: Path) -> tuple[dict[str, Any], list[Path_]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot be read: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"^(.*) \(at line (\d+), column (\d+)\)$", str(e))
        where = f"TOML syntax error at line {m.group(2)}, column {m.group(3)}: {m.group(1)}" if m else \
            f"TOML syntax error: {e}"
        raise ConfigError(f"{path}: {where}") from None
    bad = unknown_keys(cls, data)
    if bad:
        key, close = bad[0]
        line = _line_of(text, str(key[-1]))
        raise ConfigError(f"{path}{f':{line}' if line else ''}: unknown key '{dotted(key)}'"
                          + (f" (did you mean '{close}'?)" if close else "") + _more(bad))
    return data, _leaves(cls, data)


def _more(bad: list) -> str:
    return f" (and {len(bad) - 1} more unknown keys)" if len(bad) > 1 else ""


def _is_tooling(var: str) -> bool:
    return var == CONFIG_VAR or var in TOOLING_VARS or var.startswith(TOOLING_PREFIXES)


def read_env(cls: type[BaseModel], environ: Mapping[str, str], delimiter: str = "__") -> dict[Path_, str]:
    """Check every `LCAGENT_*` variable names a setting (and that a JSON value parses
    and names known keys); returns the paths each one sets."""
    paths: dict[Path_, str] = {}
    for var in sorted(environ):
        up = var.upper()
        if not up.startswith(PREFIX) or _is_tooling(up):
            continue
        parts = up[len(PREFIX):].lower().split(delimiter)
        model: type[BaseModel] | None = cls
        kind, inner = "model", cls
        for i, part in enumerate(parts):
            if model is None or part not in model.model_fields:
                choices = list(model.model_fields) if model is not None else []
                close = _suggest(part, choices)
                hint = ""
                if close:
                    hint = f" (did you mean {PREFIX}{delimiter.join([*parts[:i], close]).upper()}?)"
                elif model is None:
                    hint = f" ({PREFIX}{delimiter.join(parts[:i]).upper()} is not a group of settings)"
                raise ConfigError(f"unknown setting {var}{hint}")
            kind, inner = _kind(model.model_fields[part].annotation)
            model = inner if kind == "model" else None
        path: Path_ = tuple(parts)
        if kind in ("model", "list", "dict"):
            try:
                value = json.loads(environ[var])
            except json.JSONDecodeError as e:
                raise ConfigError(f"{var}: JSON syntax error at line {e.lineno}, column {e.colno}: {e.msg}") from None
            if kind == "model":
                if not isinstance(value, dict):
                    raise ConfigError(f"{var}: expected a JSON object")
                bad = unknown_keys(inner, value, path)
                if bad:
                    raise ConfigError(_unknown_in_var(var, bad))
                for leaf in _leaves(inner, value, path):
                    paths[leaf] = var
                continue
            if kind == "list" and isinstance(value, list):
                item_kind, item_cls = _kind(inner)
                if item_kind == "model":
                    bad = [b for i, item in enumerate(value) if isinstance(item, dict)
                           for b in unknown_keys(item_cls, item, (*path, i))]
                    if bad:
                        raise ConfigError(_unknown_in_var(var, bad))
        paths[path] = var
    return paths


def _unknown_in_var(var: str, bad: list[tuple[Path_, str | None]]) -> str:
    key, close = bad[0]
    return f"{var}: unknown key '{dotted(key)}'" + (f" (did you mean '{close}'?)" if close else "") + _more(bad)


def read_layers(cls: type[BaseModel], environ: Mapping[str, str] | None = None,
                overrides: Mapping[str, Any] | None = None) -> Layers:
    environ = os.environ if environ is None else environ
    layers = Layers(env_paths=read_env(cls, environ))
    if overrides:
        bad = unknown_keys(cls, overrides)
        if bad:
            key, close = bad[0]
            raise ConfigError(f"unknown setting '{dotted(key)}'" + (f" (did you mean '{close}'?)" if close else ""))
        layers.init_paths = _leaves(cls, overrides)
    layers.file = config_path(environ)
    if layers.file is not None:
        layers.file_data, layers.file_paths = read_file(cls, layers.file)
    return layers


def explain(error: ValidationError, layers: Layers) -> str:
    """A validation error as one line naming where each bad value came from."""
    parts = []
    for e in error.errors(include_url=False):
        loc = tuple(x for x in e["loc"] if isinstance(x, (str, int)))
        source = layers.source(loc)
        got = e.get("input")
        shown = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
        where = {"default": "the default", "argument": "an argument"}.get(source, source)
        parts.append(f"{where}: {dotted(loc) or 'settings'}: {e['msg']}{shown}")
    extra = f" (and {len(parts) - 1} more)" if len(parts) > 1 else ""
    return parts[0] + extra if parts else str(error)
