"""Model-written input generators for a problem the constraint parser refuses: a
fake vLLM (a real HTTP server on loopback) serves generators written here, their
code runs in the real Docker sandbox, a reference oracle answers, a real
database stores the tests. This proves the plumbing, not a model's skill: every
stored input is checked by a validator written here for the fixture, never by
the model's own."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from agent.generation.config import ModelSpec
from agent.oracle.model_inputs import PROMPT_VERSION, ModelInputs
from agent.oracle.reference import ReferenceOracle
from agent.oracle.runner import TestGenOptions, generate_hidden_tests
from agent.problem_store import store_problems
from agent.testgen import generate_inputs
from judge import harness
from judge.judging import DockerJudge
from judge.problem import Problem, parse_problem
from storage import repo
from storage.engine import session_scope
from tests.fakes.openai_server import FakeOpenAI, Reply

pytestmark = [pytest.mark.docker, pytest.mark.integration]

# The parser understands the sizes and the alphabet, not the last clause.
STATEMENT = """You are given an `m x n` grid of characters. Return the length of the shortest path from the
cell `'S'` to the cell `'T'`, moving up, down, left or right through cells that are not `'#'`, or `-1`.

**Example 1:**

Input: grid = [["S",".","."],["#","#","."],["T",".","."]]
Output: 6

**Constraints:**

- `m == grid.length`
- `n == grid[i].length`
- `2 <= m, n <= 30`
- `grid[i][j]` is `'.'`, `'#'`, `'S'` or `'T'`.
- `grid` contains exactly one `'S'` and exactly one `'T'`, and they lie in different rows.
"""
REFERENCE = '''
from collections import deque
class Solution:
    def shortestPath(self, grid: List[List[str]]) -> int:
        m, n = len(grid), len(grid[0])
        start = next((i, j) for i in range(m) for j in range(n) if grid[i][j] == "S")
        dist = {start: 0}
        todo = deque([start])
        while todo:
            i, j = todo.popleft()
            if grid[i][j] == "T":
                return dist[(i, j)]
            for a, b in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)):
                if 0 <= a < m and 0 <= b < n and grid[a][b] != "#" and (a, b) not in dist:
                    dist[(a, b)] = dist[(i, j)] + 1
                    todo.append((a, b))
        return -1
'''
GRID = parse_problem({
    "slug": "start-to-target", "statement": STATEMENT, "reference_solution": REFERENCE,
    "starter_code": "class Solution:\n    def shortestPath(self, grid: List[List[str]]) -> int:\n        ",
    "signature": {"kind": "function", "name": "shortestPath", "return": "integer",
                  "params": [{"name": "grid", "type": "character[][]"}]},
    "tests": [{"input": '[["S",".","."],["#","#","."],["T",".","."]]', "expected": 6}],
})

GENERATOR = '''
import json, random
class InputGenerator:
    def generate(self, seed, size):
        rng = random.Random(seed)
        hi = {"small": 4, "medium": 12, "large": 30}[size]
        m, n = rng.randint(2, hi), rng.randint(2, hi)
        grid = [[rng.choice(".#.") for _ in range(n)] for _ in range(m)]
        s_row, t_row = rng.sample(range(m), 2)
        grid[s_row][rng.randrange(n)] = "S"
        grid[t_row][rng.randrange(n)] = "T"
        return json.dumps(grid)

    def validate(self, text):
        try:
            grid = json.loads(text)
        except ValueError:
            return False
        if not (isinstance(grid, list) and 2 <= len(grid) <= 30 and all(isinstance(r, list) for r in grid)):
            return False
        n = len(grid[0])
        if not 2 <= n <= 30 or any(len(r) != n for r in grid):
            return False
        cells = [c for r in grid for c in r]
        if any(c not in (".", "#", "S", "T") for c in cells) or cells.count("S") != 1 or cells.count("T") != 1:
            return False
        rows = {c: i for i, r in enumerate(grid) for c in r if c in "ST"}
        return rows["S"] != rows["T"]
'''


def fixture_valid(text: str) -> bool:
    """This fixture's constraints, written for the test (independent of any model)."""
    (grid,) = harness.split_input(text)
    if not 2 <= len(grid) <= 30 or not all(len(row) == len(grid[0]) for row in grid) or not 2 <= len(grid[0]) <= 30:
        return False
    where = [(i, c) for i, row in enumerate(grid) for c in row if c not in (".", "#")]
    kinds = sorted(c for _, c in where)
    return kinds == ["S", "T"] and where[0][0] != where[1][0] and all(
        isinstance(c, str) and len(c) == 1 for row in grid for c in row)


def fenced(code: str) -> str:
    return f"Here is the generator.\n\n```python\n{code.strip()}\n```\n"


ASKED: list[dict] = []  # the request bodies the fake vLLM received


@pytest.fixture
def model_serving() -> Iterator[tuple[FakeOpenAI, dict[str, str]]]:
    """A fake vLLM whose answer is `reply["content"]`, set by each test."""
    reply = {"content": fenced(GENERATOR)}
    ASKED.clear()

    def respond(body: dict) -> Reply:
        ASKED.append(body)
        return Reply(content=reply["content"])

    fake = FakeOpenAI(models=["gen-model"], responder=respond)
    fake.start()
    try:
        yield fake, reply
    finally:
        fake.stop()


def spec(fake: FakeOpenAI) -> ModelSpec:
    return ModelSpec(name="gen-model", served_id="gen-model", base_urls=[fake.base_url], retries=1,
                     retry_backoff_s=0.0)


def test_the_parser_refuses_the_fixture() -> None:
    refused = generate_inputs(GRID, seed=0, count=10)
    assert refused.skipped_reason and "lie in different rows" in refused.skipped_reason


def hidden(engine: Engine, judge: DockerJudge, fake: FakeOpenAI, problem: Problem = GRID) -> tuple:
    assert store_problems(engine, [problem]) == (1, [])
    with session_scope(engine) as s:
        pid = repo.get_problem(s, problem.slug).id
    report = generate_hidden_tests(engine, ReferenceOracle(judge), TestGenOptions(seed=5, count=40),
                                   problem_ids=[pid], inputs=ModelInputs(judge, spec(fake)).source())
    with session_scope(engine) as s:
        return report, repo.current_test_set(s, pid), repo.load_problem(s, pid)  # type: ignore[arg-type]


def test_a_refused_problem_gets_30_valid_hidden_tests_from_the_model_path(
        engine: Engine, judge: DockerJudge, model_serving: tuple) -> None:
    fake, _ = model_serving
    report, ts, problem = hidden(engine, judge, fake)
    assert report.done == [GRID.slug], report
    generated = [t for t in problem.tests if t.source == "generated"]
    assert len(generated) >= 30, report.stats
    assert all(fixture_valid(t.input) for t in generated), [t.input for t in generated if not fixture_valid(t.input)]
    assert len({json.dumps(t.expected) for t in generated}) > 3  # varied answers: paths and -1
    origin = ts.origin["generator"]
    code = GENERATOR.strip() + "\n"
    assert origin["input_source"] == "model" and origin["model"] == "gen-model"
    assert origin["prompt_version"] == PROMPT_VERSION
    assert origin["code_sha256"] == hashlib.sha256(code.encode()).hexdigest()
    assert origin["validator"]["examples"] == 1 and origin["validator"]["broken"] >= 1
    assert "lie in different rows" in origin["parser_refused"]
    # the model saw the statement and, apart, the clause the parser did not understand
    [asked] = ASKED
    assert "shortest path" in asked["messages"][-1]["content"]
    assert "did not understand" in asked["messages"][-1]["content"] and "different rows" in json.dumps(asked)


@pytest.mark.parametrize(("answer", "reason"), [
    ("I would rather not write code.", "wrote no InputGenerator class"),
    (GENERATOR.replace('return rows["S"] != rows["T"]', 'return rows["S"] == rows["T"]'), "refuses the example input"),
    (GENERATOR.replace("        try:\n            grid = json.loads(text)", "        return True\n        try:\n"
                       "            grid = json.loads(text)"), "breaks a constraint the parser understood"),
])
def test_an_untrustworthy_generator_leaves_the_problem_on_its_tests(
        engine: Engine, judge: DockerJudge, model_serving: tuple, answer: str, reason: str) -> None:
    fake, reply = model_serving
    reply["content"] = answer if answer.startswith("I would") else fenced(answer)
    report, _, problem = hidden(engine, judge, fake)
    assert report.done == [] and len(report.skipped) == 1, report
    assert reason in report.skipped[0][1]
    assert all(t.source != "generated" for t in problem.tests)


def test_inputs_that_fail_a_check_are_dropped_and_counted(engine: Engine, judge: DockerJudge,
                                                          model_serving: tuple) -> None:
    """A generator that sometimes writes two 'S' (its own validator catches it) and
    sometimes a 40-row grid (the parsed constraints catch it)."""
    fake, reply = model_serving
    sloppy = GENERATOR.replace('        grid[t_row][rng.randrange(n)] = "T"\n',
                               '        grid[t_row][rng.randrange(n)] = "T"\n'
                               '        if seed % 5 == 1:\n            grid[t_row][0] = "S" if grid[t_row][0] != "T" else "."\n'
                               '        if seed % 7 == 2:\n            grid = grid * 20\n')
    reply["content"] = fenced(sloppy)
    _, ts, problem = hidden(engine, judge, fake)
    dropped = ts.origin["generator"]["dropped"]
    assert dropped["own_validator"] > 0 and dropped["invalid"] > 0, dropped
    assert all(fixture_valid(t.input) for t in problem.tests if t.source == "generated")


def test_a_problem_the_parser_serves_never_asks_the_model(engine: Engine, judge: DockerJudge,
                                                          model_serving: tuple) -> None:
    fake, _ = model_serving
    simple = parse_problem({
        "slug": "double-it", "reference_solution": "class Solution:\n    def double(self, x):\n        return 2 * x\n",
        "statement": "Return `2 * x`.\n\n**Constraints:**\n\n- `-1000 <= x <= 1000`\n",
        "signature": {"kind": "function", "name": "double", "return": "integer",
                      "params": [{"name": "x", "type": "integer"}]},
        "tests": [{"input": "4", "expected": 8}]})
    report, ts, _ = hidden(engine, judge, fake, simple)
    assert report.done == ["double-it"]
    assert fake.requests == 0
    assert ts.origin["generator"] != "model"
