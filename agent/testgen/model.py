"""The constraint model: what a statement's constraints section says about the inputs.

Expressions are kept as text in a small Python subset (parsed by `expr.py`), so a
`Constraints` round-trips through JSON:

- `nums`, `k`: a parameter's value (design problems: any constructor or method
  parameter of that name); `n`, `m`, `sz`: symbols the statement defines by an
  equality (`n == nums.length`);
- `len(nums)`, `len(grid[i])`: lengths (strings: characters; ListNode/TreeNode:
  the number of nodes);
- `nums[i]`, `grid[i][j]`, `queries[i][0]`, `s[i]`, `root[i]`: elements; a free
  index name (`i`, `j`) means "for every index" (ListNode/TreeNode: every node's
  value);
- numbers, `**`, `+ - * / // %`, `min`, `max`, `abs`, `floor`, `ceil`,
  `sum(len(words[i]))` (a sum over the free index).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Op = Literal["<=", "<", "==", "!="]
Order = Literal["non-decreasing", "increasing", "non-increasing", "decreasing"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Relation(_Frozen):
    """`left op right`, for every binding of the free index names."""

    left: str
    op: Op
    right: str
    clause: str = ""

    def text(self) -> str:
        return f"{self.left} {self.op} {self.right}"


class Charset(_Frozen):
    """Every character of `target` (a string, or each string of a list: `words[i]`)
    is one of `chars`."""

    target: str
    chars: str
    clause: str = ""


class OneOf(_Frozen):
    """Every value of `target` (e.g. `commands[i]`) is one of `values`."""

    target: str
    values: list[str | int]
    clause: str = ""


class Distinct(_Frozen):
    """The elements of `target` are pairwise distinct (lists compare as tuples)."""

    target: str
    clause: str = ""


class Sorted(_Frozen):
    target: str
    order: Order
    clause: str = ""


class NoLeadingZero(_Frozen):
    """`target` (a digit string) has no leading zero; "0" itself is allowed."""

    target: str
    clause: str = ""


class TreeEdges(_Frozen):
    """`target` (a list of [u, v]) is the edge list of a tree on the labels
    `first .. first + nodes - 1`."""

    target: str
    nodes: str  # expression
    first: int = 0
    clause: str = ""


class SearchTree(_Frozen):
    """`target` (a TreeNode) is a binary search tree (in-order strictly increasing)."""

    target: str
    clause: str = ""


class CallLimit(_Frozen):
    """Design problems: at most `limit` calls (to `methods`, or to all methods when
    empty), the constructor not counted."""

    limit: str  # expression
    methods: list[str] = []
    clause: str = ""


class Constraints(_Frozen):
    """Everything understood from one statement, and everything that was not."""

    params: dict[str, str]  # name -> LeetCode type (design: every parameter name seen)
    relations: list[Relation] = []
    charsets: list[Charset] = []
    one_of: list[OneOf] = []
    distinct: list[Distinct] = []
    sorted: list[Sorted] = []
    no_leading_zero: list[NoLeadingZero] = []
    tree_edges: list[TreeEdges] = []
    search_trees: list[SearchTree] = []
    call_limits: list[CallLimit] = []
    # guarantees about the answer, not the input: the caller drops a test whose
    # expected output falls outside (LeetCode's reference may overflow there)
    answer_range: tuple[int, int] | None = None
    clauses: list[str] = []  # every clause read, in order
    unknown: list[str] = []  # clauses not understood (each one also blocks generation)
    blocking: list[str] = []  # why generated inputs could violate the statement
    notes: list[str] = []  # assumptions made while reading (e.g. flattened exponents)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


class GeneratedInputs(_Frozen):
    inputs: list[str] = Field(default_factory=list)  # LeetCode input texts
    seed: int
    constraints: Constraints
    skipped_reason: str | None = None  # set when generation is unsafe; then inputs == []
    unknown_clauses: list[str] = []
    rejected: int = 0  # candidates dropped by validation (a generator-quality figure)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)
