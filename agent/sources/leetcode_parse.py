"""LeetCode API responses -> judge-ready problems (pure functions, no I/O).

Handles what the sites have served over the years (see reference/leetcode-api.md):
`codeSnippets` (and 2017's `codeDefinition`), `metaData` with CRLF, example inputs
from `exampleTestcaseList` / `exampleTestcases` / `sampleTestCase`, and expected
outputs from the statement HTML in every known style: old `<pre>` blocks with
`<strong>Output:</strong>` (design problems without the colon, `&quot;` and
spaces), 2017's plain `Output:` lines, new `example-block` divs with
`example-io` spans, and leetcode.cn's `输出：` labels. An output that is not a
JSON value (LeetCode's `2, nums = [2,2,_,_]` for custom-judged problems) is
kept but flagged `comparable: false`, never compared blindly.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from bs4 import BeautifulSoup, Tag
from markdownify import markdownify

from agent.sources.errors import PaidOnly, UnexpectedShape
from judge import harness
from judge.checkers import checker_for_statement
from judge.problem import ContestRef, Problem, Source, parse_problem
from judge.signature import DesignSignature, FunctionSignature, check_input, from_metadata

_LABEL_END = r"(?:Explanation|Note|Constraints|Follow[- ]up|解释|提示|注意)"
_OUTPUT = re.compile(rf"(?:Output|输出)\s*[:：]?\s*(.*?)\s*(?=\n\s*{_LABEL_END}\b|\Z)", re.S)
_INPUT_LABEL = re.compile(r"^\s*(?:Input|输入)\s*[:：]?", re.M)


def _field(q: dict, name: str, slug: str, kind: type | tuple[type, ...] = str) -> Any:
    value = q.get(name)
    if not isinstance(value, kind):
        raise UnexpectedShape(slug, name, f"is {type(value).__name__}, expected {kind}")
    return value


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
                    return str(d["defaultCode"]).replace("\r\n", "\n")
        except (ValueError, TypeError, KeyError, AttributeError):
            raise UnexpectedShape(slug, "codeDefinition", "is not a list of snippets") from None
    raise UnexpectedShape(slug, "codeSnippets", "has no python3 snippet")


def example_inputs(q: dict, n_lines: int, slug: str) -> list[str]:
    """One LeetCode input text per example."""
    listed = q.get("exampleTestcaseList")
    if isinstance(listed, list) and listed and all(isinstance(x, str) for x in listed):
        return [x.replace("\r\n", "\n").strip() for x in listed]
    text = q.get("exampleTestcases") or q.get("sampleTestCase")
    if not isinstance(text, str) or not text.strip():
        raise UnexpectedShape(slug, "exampleTestcases", "is empty")
    lines = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]
    if n_lines <= 0 or len(lines) % n_lines:
        raise UnexpectedShape(slug, "exampleTestcases", f"has {len(lines)} lines, not a multiple of {n_lines}")
    return ["\n".join(lines[i : i + n_lines]) for i in range(0, len(lines), n_lines)]


def example_outputs(content_html: str) -> list[str]:
    """The raw text of each example's output, in order, from the statement HTML."""
    soup = BeautifulSoup(content_html, "html.parser")
    blocks = soup.select("div.example-block")
    if blocks:
        return [_new_style_output(b) for b in blocks]
    outputs = []
    for pre in soup.find_all("pre"):
        text = pre.get_text()
        if not _INPUT_LABEL.search(text):
            continue
        m = _OUTPUT.search(text)
        outputs.append(m.group(1).strip() if m else "")
    return outputs


def _new_style_output(block: Tag) -> str:
    for strong in block.find_all(["strong", "b"]):
        if strong.get_text().strip().rstrip(":：") in ("Output", "输出"):
            span = strong.find_next("span", class_="example-io")
            if span is not None:
                return span.get_text().strip()
    m = _OUTPUT.search(block.get_text("\n"))
    return m.group(1).strip() if m else ""


def parse_output(text: str, answer_type: str | None = None) -> tuple[bool, Any]:
    """(comparable, value): LeetCode prints JSON-like values; anything else is not
    machine-comparable. Old statements print a character answer bare (`e`)."""
    try:
        return True, json.loads(text)
    except ValueError:
        if answer_type == "character" and len(text) == 1 and not text.isspace():
            return True, text
        return False, None


def example_inputs_from_statement(content_html: str, names: list[str]) -> list[str]:
    """`nums = [2,7,11,15], target = 9` -> LeetCode input text, for each example
    (old responses carry only the first example in `sampleTestCase`)."""
    soup = BeautifulSoup(content_html, "html.parser")
    texts = [b.get_text("\n") for b in soup.select("div.example-block")] or [
        p.get_text() for p in soup.find_all("pre") if _INPUT_LABEL.search(p.get_text())]
    out = []
    for text in texts:
        m = re.search(r"(?:Input|输入)\s*[:：]?\s*(.*?)\s*(?:Output|输出)", text, re.S)
        if not m:
            return []
        assigned = " ".join(m.group(1).split())
        starts = [re.search(rf"(?:^|,\s*){re.escape(n)}\s*=\s*", assigned) for n in names]
        if not all(starts):
            return []
        bounds = [(st.start(), st.end()) for st in starts if st]
        values = []
        for k, (_, value_start) in enumerate(bounds):
            end = bounds[k + 1][0] if k + 1 < len(bounds) else len(assigned)
            values.append(assigned[value_start:end].strip().rstrip(","))
        try:
            out.append(harness.format_input([json.loads(v) for v in values]))
        except ValueError:
            return []
    return out


def statement_markdown(content_html: str) -> str:
    soup = BeautifulSoup(content_html.replace("\r\n", "\n"), "html.parser")
    for tag, mark in (("sup", "^"), ("sub", "_")):  # 10<sup>5</sup> -> 10^5, not 105
        for t in soup.find_all(tag):
            t.replace_with(mark + t.get_text())
    md = markdownify(str(soup), heading_style="ATX", bullets="-", strip=["font"])
    return re.sub(r"\n{3,}", "\n\n", md.replace("\xa0", " ")).strip() + "\n"


def question_to_problem(
    q: dict,
    *,
    site: str = "leetcode.com",
    contest: ContestRef | None = None,
) -> Problem:
    """A GraphQL `question` object -> a judge-ready problem."""
    if not isinstance(q, dict):
        raise UnexpectedShape("<question>", "question", "is not an object")
    slug = q.get("titleSlug") or q.get("title_slug")
    if not isinstance(slug, str) or not slug:
        raise UnexpectedShape("<question>", "titleSlug", "is missing")
    content = q.get("content")
    if q.get("isPaidOnly") and not content:
        raise PaidOnly(slug)
    content = _field(q, "content", slug)
    meta = q.get("metaData")
    if not isinstance(meta, str) or not meta.strip():
        raise PaidOnly(slug) if q.get("isPaidOnly") else UnexpectedShape(slug, "metaData", "is empty")
    signature = from_metadata(meta, slug)
    n_lines = 2 if isinstance(signature, DesignSignature) else len(signature.params)
    inputs = example_inputs(q, n_lines, slug)
    outputs = example_outputs(content)
    if len(inputs) < len(outputs) and isinstance(signature, FunctionSignature):
        from_statement = example_inputs_from_statement(content, [p.name for p in signature.params])
        if len(from_statement) == len(outputs) and from_statement[: len(inputs)] == inputs:
            inputs = from_statement
    answer_type = None if isinstance(signature, DesignSignature) else signature.answer_type()
    tests = []
    for i, text in enumerate(inputs):
        try:
            check_input(signature, harness.split_input(text), slug)
        except ValueError as e:
            raise UnexpectedShape(slug, "exampleTestcases", f"example {i + 1}: {e}") from None
        # outputs pair with inputs by position; an output list that does not fit
        # (fewer, or more than the inputs) pairs nothing rather than pair wrongly
        paired = i < len(outputs) and (len(outputs) == len(inputs) or (i == 0 and len(inputs) == 1))
        comparable, expected = parse_output(outputs[i], answer_type) if paired else (False, None)
        note = None
        if not paired:
            note = f"statement shows {len(outputs)} outputs for {len(inputs)} examples"
        elif not comparable:
            note = f"output {outputs[i]!r} is not a JSON value"
        tests.append({"input": text, "expected": expected, "source": "example",
                      "comparable": comparable, "note": note})
    title = q.get("title") or q.get("translatedTitle") or slug
    tags = [t.get("name") for t in q.get("topicTags") or [] if isinstance(t, dict) and t.get("name")]
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
        "checker": checker_for_statement(BeautifulSoup(content, "html.parser").get_text()).model_dump(),
        "meta": {"translated_title": q.get("translatedTitle")} if q.get("translatedTitle") else {},
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
                      duration_s=int(contest.get("duration") or 5400), points=points)

