"""LeetCode API responses -> judge-ready problems (pure functions, no I/O).

Handles what the sites have served over the years (see reference/leetcode-api.md):
`codeSnippets` (and 2017's `codeDefinition`), `metaData` with CRLF and with
parameters for one language only, example inputs from `exampleTestcaseList` /
`exampleTestcases` / `sampleTestCase` (any line endings), leetcode.com's and
leetcode.cn's statement fields, and expected outputs read from the statement
HTML (agent/sources/leetcode_html.py).

An example's expected output is compared only when nothing about it is in
doubt. Otherwise the test is kept, flagged `comparable: false`, with a note that
starts with one of the `Flag` reasons (the sync counts them): no output shown,
not a JSON value (LeetCode's `2, nums = [2,2,_,_]` for custom-judged problems),
several values on one line, a value that does not fit the answer type, or
outputs that do not pair with the inputs (other counts, or a different input).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from agent.sources.errors import NoStatement, PaidOnly, UnexpectedShape
from agent.sources.leetcode_html import Example, examples, statement_markdown, statement_text
from judge import harness
from judge.checkers import choose_checker
from judge.constants import CONTEST_DURATION_S, DEFAULT_SITE
from judge.problem import ContestRef, Problem, Source, parse_problem
from judge.signature import DesignSignature, FunctionSignature, check_input, conforms, from_metadata

Signature = FunctionSignature | DesignSignature
# leetcode.cn serves this in `content` when a problem (LCR, LCP) has no English text
_NO_ENGLISH = re.compile(r"English description is not available", re.I)
_PYTHON_LANGS = {"python3", "python"}


class Flag(StrEnum):
    """Why an example is not compared (the first words of its test's note)."""

    NO_OUTPUT = "no output shown"
    NOT_JSON = "output is not a JSON value"
    AMBIGUOUS = "output holds several values"
    WRONG_TYPE = "output does not fit the answer type"
    UNPAIRED = "output does not pair with an input"


def _flagged(reason: Flag, detail: str) -> tuple[bool, Any, str]:
    return False, None, f"{reason}: {detail}"


def flag_reason(note: str | None) -> str | None:
    """The Flag a test's note starts with (None for other notes)."""
    for flag in Flag:
        if note and note.startswith(f"{flag}:"):
            return flag.value
    return None


def _missing(value: Any) -> str:
    if value is None:
        return "is missing"
    if isinstance(value, str) and not value.strip():
        return "is empty"
    return f"is a {type(value).__name__}, not text"


# ------------------------------------------------------------------ fields


def statement_html(q: dict, slug: str, language: str = "en") -> tuple[str, str]:
    """(statement HTML, its language). leetcode.com and leetcode.cn both put the
    English statement in `content`; leetcode.cn puts the Chinese one in
    `translatedContent`. The configured language is preferred, the other used
    when it is all there is."""
    english, chinese = q.get("content"), q.get("translatedContent")
    usable = {
        "en": english if isinstance(english, str) and english.strip() and not _NO_ENGLISH.search(english) else None,
        "zh": chinese if isinstance(chinese, str) and chinese.strip() else None,
    }
    for lang in (language, *(x for x in ("en", "zh") if x != language)):
        if usable.get(lang):
            return usable[lang], lang  # type: ignore[return-value]
    if q.get("isPaidOnly"):
        raise PaidOnly(slug)
    if english is not None and not isinstance(english, str):
        raise UnexpectedShape(slug, "content", _missing(english))
    what = "LeetCode's 'English description is not available' placeholder" if usable["en"] is None and \
        isinstance(english, str) and _NO_ENGLISH.search(english) else _missing(english).removeprefix("is ")
    raise NoStatement(slug, f"'content' is {what} and 'translatedContent' {_missing(chinese)}")


def python_metadata(meta: str, slug: str) -> dict | str:
    """metaData without the parameters of other languages only (C's `numsSize`
    marked `"lang": "c"`): Python never receives them."""
    try:
        data = json.loads(meta)
    except ValueError:
        return meta  # from_metadata names the problem
    if not isinstance(data, dict):
        return meta

    def keep(params: Any) -> Any:
        if not isinstance(params, list):
            return params
        out = []
        for p in params:
            lang = p.get("lang") if isinstance(p, dict) else None
            langs = {lang} if isinstance(lang, str) else set(lang) if isinstance(lang, list) else None
            if langs is None or langs & _PYTHON_LANGS:
                out.append(p)
        return out

    if "params" in data:
        data["params"] = keep(data["params"])
    if isinstance(data.get("constructor"), dict):
        data["constructor"]["params"] = keep(data["constructor"].get("params", []))
    for m in data.get("methods") or []:
        if isinstance(m, dict) and "params" in m:
            m["params"] = keep(m["params"])
    return data


def python3_starter(q: dict, slug: str) -> str:
    snippets = q.get("codeSnippets")
    if isinstance(snippets, list):
        for s in snippets:
            if isinstance(s, dict) and s.get("langSlug") == "python3" and isinstance(s.get("code"), str):
                return s["code"]
    definition = q.get("codeDefinition")  # 2017 shape: a JSON string
    if isinstance(definition, str):
        try:
            for d in json.loads(definition):
                if d.get("value") == "python3":
                    return _lines(str(d["defaultCode"]))
        except (ValueError, TypeError, KeyError, AttributeError):
            raise UnexpectedShape(slug, "codeDefinition", "is not a list of snippets") from None
    raise UnexpectedShape(slug, "codeSnippets", "has no python3 snippet" if snippets else _missing(snippets))


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _input_lines(text: str) -> list[str]:
    """Non-blank lines, whatever the line endings (a stray `\\r` included)."""
    return [ln.strip() for ln in _lines(text).split("\n") if ln.strip()]


def example_inputs(q: dict, n_lines: int, slug: str) -> list[str]:
    """One LeetCode input text per example."""
    listed = q.get("exampleTestcaseList")
    if isinstance(listed, list) and listed and all(isinstance(x, str) for x in listed):
        return ["\n".join(_input_lines(x)) for x in listed]
    field = "exampleTestcases" if q.get("exampleTestcases") else "sampleTestCase"
    text = q.get(field)
    if not isinstance(text, str) or not text.strip():
        raise UnexpectedShape(slug, "exampleTestcases", f"{_missing(text)} (and so is sampleTestCase)"
                              if field == "sampleTestCase" else _missing(text))
    lines = _input_lines(text)
    if n_lines <= 0 or len(lines) % n_lines:
        raise UnexpectedShape(slug, field, f"has {len(lines)} lines, not a multiple of {n_lines}")
    return ["\n".join(lines[i : i + n_lines]) for i in range(0, len(lines), n_lines)]


# ------------------------------------------------------------------ examples in the statement


def example_outputs(content_html: str) -> list[str]:
    """The text of each example's Output line, in order ("" when it has none)."""
    return [e.output or "" for e in examples(content_html)]


def _json_values(text: str) -> list[Any] | None:
    """The JSON values written one after another (spaces, commas or newlines
    between them), or None when the text is something else."""
    decoder, values, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i] in " \t\n,":
            i += 1
        if i == len(text):
            return values
        try:
            value, i = decoder.raw_decode(text, i)
        except ValueError:
            return None
        values.append(value)


def parse_output(text: str, answer_type: str | None = None) -> tuple[bool, Any]:
    """(comparable, value): LeetCode prints JSON-like values; anything else is not
    machine-comparable. Old statements print a character answer bare (`e`)."""
    try:
        return True, json.loads(text)
    except ValueError:
        if answer_type == "character" and len(text) == 1 and not text.isspace():
            return True, text
        return False, None


def statement_input(text: str, signature: Signature) -> str | None:
    """An example's Input line as LeetCode input text (`nums = [2,7], target = 9`
    -> `[2,7]\\n9`; design problems: the two JSON lines), or None when it cannot
    be read without guessing."""
    if isinstance(signature, DesignSignature):
        values = _json_values(text)
        return harness.format_input(values) if values is not None and len(values) == 2 else None
    assigned = " ".join(text.split())
    starts = [re.search(rf"(?:^|,\s*){re.escape(p.name)}\s*=\s*", assigned) for p in signature.params]
    if not starts or not all(starts):
        return None
    bounds = [(m.start(), m.end()) for m in starts if m]
    if bounds != sorted(bounds):
        return None
    values = []
    for k, (_, value_start) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else len(assigned)
        try:
            values.append(json.loads(assigned[value_start:end].strip().rstrip(",")))
        except ValueError:
            return None
    return harness.format_input(values)


def example_inputs_from_statement(content_html: str, names: list[str]) -> list[str]:
    """`nums = [2,7,11,15], target = 9` -> LeetCode input text, for each example;
    [] unless every example's input can be read."""
    sig = FunctionSignature(name="f", params=[{"name": n, "type": "integer"} for n in names], returns="void")
    read = [statement_input(e.input, sig) if e.input is not None else None for e in examples(content_html)]
    return [] if None in read else read  # type: ignore[return-value]


def _same_input(a: str, b: str) -> bool:
    try:
        return harness.format_input(harness.split_input(a)) == harness.format_input(harness.split_input(b))
    except ValueError:
        return False


def _misfit(signature: Signature, input_text: str, value: Any) -> str | None:
    """Why an expected value cannot be the answer to this input (None if it can)."""
    if isinstance(signature, FunctionSignature):
        answer = signature.answer_type()
        return None if conforms(harness.parse_type(answer), value) else f"is not a {answer}"
    calls = harness.split_input(input_text)[0]
    if not isinstance(value, list) or len(value) != len(calls):
        return f"is not a list of {len(calls)} call results"
    returns = {m.name: m.returns for m in signature.methods}
    for i, (call, result) in enumerate(zip(calls, value, strict=True)):
        wanted = "void" if i == 0 else returns.get(call, "void")
        if not conforms(harness.parse_type(wanted), result):
            return f"has {json.dumps(result)[:40]} for {call}, not a {wanted}"
    return None


def expected_for(example: Example, input_text: str, signature: Signature) -> tuple[bool, Any, str | None]:
    """(comparable, expected value, note) for one example paired with its input."""
    stated = statement_input(example.input, signature) if example.input is not None else None
    if stated is not None and not _same_input(stated, input_text):
        return _flagged(Flag.UNPAIRED, f"the statement's input {stated!r} differs from {input_text!r}")
    text = example.output
    if not text:
        return _flagged(Flag.NO_OUTPUT, "the example has no Output line" if text is None else "the Output line is empty")
    answer_type = signature.answer_type() if isinstance(signature, FunctionSignature) else None
    comparable, value = parse_output(text, answer_type)
    if not comparable:
        several = _json_values(text)
        if several is not None and len(several) > 1:
            return _flagged(Flag.AMBIGUOUS, f"output {text!r} reads as {len(several)} values")
        return _flagged(Flag.NOT_JSON, f"output {text!r}")
    misfit = _misfit(signature, input_text, value)
    if misfit:
        return _flagged(Flag.WRONG_TYPE, f"output {text!r} {misfit}")
    return True, value, None


# ------------------------------------------------------------------ the problem


def question_to_problem(
    q: dict,
    *,
    site: str = DEFAULT_SITE,
    contest: ContestRef | None = None,
    language: str = "en",
) -> Problem:
    """A GraphQL `question` object -> a judge-ready problem."""
    if not isinstance(q, dict):
        raise UnexpectedShape("<question>", "question", "is not an object")
    slug = q.get("titleSlug") or q.get("title_slug")
    if not isinstance(slug, str) or not slug:
        raise UnexpectedShape("<question>", "titleSlug", _missing(slug))
    content, statement_language = statement_html(q, slug, language)
    meta = q.get("metaData")
    if not isinstance(meta, str) or not meta.strip():
        raise PaidOnly(slug) if q.get("isPaidOnly") else UnexpectedShape(slug, "metaData", _missing(meta))
    signature = from_metadata(python_metadata(meta, slug), slug)
    design = isinstance(signature, DesignSignature)
    inputs = example_inputs(q, 2 if design else len(signature.params), slug)
    shown = examples(content)
    if len(inputs) < len(shown):  # old responses carry only the first example's input
        stated = [statement_input(e.input, signature) if e.input is not None else None for e in shown]
        if None not in stated and all(_same_input(a, b) for a, b in zip(inputs, stated, strict=False)):
            inputs = stated  # type: ignore[assignment]
    tests = []
    for i, text in enumerate(inputs):
        try:
            check_input(signature, harness.split_input(text), slug)
        except ValueError as e:
            raise UnexpectedShape(slug, "exampleTestcases", f"example {i + 1}: {e}") from None
        # outputs pair with inputs by position; an output list that does not fit
        # (fewer, or more than the inputs) pairs nothing rather than pair wrongly
        if len(shown) == len(inputs) or (i == 0 and len(inputs) == 1 and shown):
            comparable, expected, note = expected_for(shown[i], text, signature)
        else:
            comparable, expected, note = _flagged(
                Flag.UNPAIRED, f"the statement shows {len(shown)} examples for {len(inputs)} inputs")
        tests.append({"input": text, "expected": expected, "source": "example",
                      "comparable": comparable, "note": note})
    choice = choose_checker(statement_text(content), None if design else signature.answer_type(), design=design)
    title = q.get("title") or q.get("translatedTitle") or slug
    tags = [t.get("name") for t in q.get("topicTags") or [] if isinstance(t, dict) and t.get("name")]
    extra: dict[str, Any] = {"translated_title": q.get("translatedTitle"), "checker_rules": choice.rules,
                             "order_unmatched": choice.unmatched,
                             "statement_language": statement_language if statement_language != "en" else None}
    doc = {
        "slug": slug,
        "frontend_id": _str_or_none(q.get("questionFrontendId")),
        "backend_id": _str_or_none(q.get("questionId")),
        "title": q.get("english_title") or title,
        "source": Source(kind="leetcode", site=site, url=f"https://{site}/problems/{slug}/").model_dump(),
        "contest": contest.model_dump() if contest else None,
        "release_time": contest.start_time if contest else None,
        "release_time_source": "contest" if contest else "unknown",
        "difficulty": q.get("difficulty") if q.get("difficulty") in ("Easy", "Medium", "Hard") else None,
        "tags": tags,
        "statement": statement_markdown(content),
        "starter_code": python3_starter(q, slug),
        "signature": signature.model_dump(by_alias=True),
        "tests": tests,
        "checker": choice.checker.model_dump(),
        "meta": {k: v for k, v in extra.items() if v},
    }
    return parse_problem(doc, slug)


def _str_or_none(v: Any) -> str | None:
    return None if v is None else str(v)


def contest_ref(info: dict, question_slug: str) -> ContestRef:
    """From `/contest/api/info/<slug>/`: the contest, with this question's points."""
    contest = info.get("contest")
    if not isinstance(contest, dict):
        raise UnexpectedShape(question_slug, "contest", "is missing from the contest info")
    try:
        start = datetime.fromtimestamp(int(contest["start_time"]), tz=UTC)
        slug = str(contest["title_slug"])
    except (KeyError, TypeError, ValueError) as e:
        raise UnexpectedShape(question_slug, "contest.start_time", str(e)) from None
    points = None
    for q in info.get("questions") or []:
        if isinstance(q, dict) and q.get("title_slug") == question_slug:
            points = q.get("credit")
            if points is not None and (isinstance(points, bool) or not isinstance(points, int)):
                raise UnexpectedShape(question_slug, "questions.credit", f"is {points!r}, not an integer")
    return ContestRef(slug=slug, title=contest.get("title"), start_time=start,
                      duration_s=int(contest.get("duration") or CONTEST_DURATION_S), points=points)
