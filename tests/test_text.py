"""judge.text: lone surrogates (valid JSON, not UTF-8) become backslash escapes;
everything else is left exactly as it is."""

from __future__ import annotations

import json

import pytest

from judge.text import is_safe, safe_json, safe_text

# what json.loads makes of text that any JSON producer may send
LONE_HIGH = json.loads('"a\\ud800b"')
LONE_LOW = json.loads('"\\udfff"')
PAIR_AS_TWO = "x\ud83d\ude00y"  # a pair kept as two code points (e.g. from UTF-16 data)


@pytest.mark.parametrize(("raw", "safe"), [
    (LONE_HIGH, "a\\ud800b"),
    (LONE_LOW, "\\udfff"),
    ("\ud800\ud800", "\\ud800\\ud800"),  # two high halves are no pair
    ("\udc00\ud800", "\\udc00\\ud800"),  # low before high is no pair
    (PAIR_AS_TWO, "x😀y"),  # a well-formed pair is the character it encodes
    ("end\ud83d", "end\\ud83d"),
])
def test_lone_surrogates_are_escaped(raw: str, safe: str) -> None:
    assert not is_safe(raw)
    out = safe_text(raw)
    assert out == safe
    assert is_safe(out)
    out.encode("utf-8")  # what SQLite, PostgreSQL, files and terminals need


@pytest.mark.parametrize("text", ["", "plain ascii", "naïve — 数学 😀", "already \\ud800 escaped", "\x00\t\n"])
def test_normal_text_is_returned_unchanged(text: str) -> None:
    assert is_safe(text)
    assert safe_text(text) is text


@pytest.mark.parametrize("raw", [LONE_HIGH, LONE_LOW, PAIR_AS_TWO, "mixed \ud800 and 😀 and \\udc00"])
def test_idempotent(raw: str) -> None:
    once = safe_text(raw)
    assert safe_text(once) == once


def test_safe_json_escapes_every_string_keys_included() -> None:
    value = {"out\ud800": [LONE_LOW, ("t", "\ud801"), {"n": 1.5, "b": True, "z": None}], "ok": "fine"}
    out = safe_json(value)
    assert out == {"out\\ud800": ["\\udfff", ("t", "\\ud801"), {"n": 1.5, "b": True, "z": None}], "ok": "fine"}
    json.dumps(out, ensure_ascii=False).encode("utf-8")
    assert value["ok"] == "fine" and "out\ud800" in value  # the input is not modified
