"""Problem signatures: LeetCode's `metaData` model, validated against the type grammar.

Three shapes (see `reference/leetcode-api.md`):
- a function problem: `Solution().<name>(*params) -> return`;
- an in-place problem: `return` is `void` and `output_param` names the argument
  whose value after the call is the answer;
- a design problem: a class built with `constructor` params, then methods called
  in sequence; a test is two lines (calls, argument lists).
"""

from __future__ import annotations

import json
from numbers import Real
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from judge import harness
from judge.errors import ProblemError, UnsupportedTypeError


class Param(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    type: str


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)


class FunctionSignature(_Model):
    kind: Literal["function"] = "function"
    name: str
    params: list[Param]
    returns: str = Field(alias="return")
    output_param: int | None = None  # in-place problems: index of the answer argument

    def answer_type(self) -> str:
        if self.output_param is not None:
            return self.params[self.output_param].type
        return self.returns

    def types(self) -> list[str]:
        return [p.type for p in self.params] + [self.returns]


class Method(_Model):
    name: str
    params: list[Param]
    returns: str = Field(alias="return")


class DesignSignature(_Model):
    kind: Literal["design"] = "design"
    classname: str
    constructor: list[Param]
    methods: list[Method]

    def types(self) -> list[str]:
        out = [p.type for p in self.constructor]
        for m in self.methods:
            out += [p.type for p in m.params] + [m.returns]
        return out


Signature = Annotated[FunctionSignature | DesignSignature, Field(discriminator="kind")]


def check_types(signature: FunctionSignature | DesignSignature, problem: str) -> None:
    """Every type must be known to the harness: "unsupported type X in problem Y"."""
    for t in signature.types():
        try:
            harness.parse_type(t)
        except harness.UnsupportedType:
            raise UnsupportedTypeError(problem, t) from None
    index = signature.output_param if isinstance(signature, FunctionSignature) else None
    if index is not None and not 0 <= index < len(signature.params):  # type: ignore[union-attr]
        raise ProblemError(problem, f"output param index {index} out of range")


def from_metadata(meta: str | dict[str, Any], problem: str) -> FunctionSignature | DesignSignature:
    """LeetCode's `metaData` (a JSON string, possibly with CRLF, or a dict) -> signature."""
    try:
        data = json.loads(meta) if isinstance(meta, str) else dict(meta)
    except (ValueError, TypeError) as e:
        raise ProblemError(problem, f"metaData is not JSON: {e}") from None

    def params(items: Any) -> list[Param]:
        if not isinstance(items, list):
            raise ProblemError(problem, "metaData params is not a list")
        out = []
        for p in items:
            if not isinstance(p, dict):
                raise ProblemError(problem, f"metaData param {json.dumps(p)[:40]} is not an object")
            missing = [k for k in ("name", "type") if k not in p]
            if missing:
                raise ProblemError(problem, f"metaData param {json.dumps(p)[:60]} lacks {missing[0]!r}")
            out.append(Param(name=str(p["name"]), type=str(p["type"])))
        return out

    def returns(node: Any) -> str:
        if node is None:
            return "void"
        if not isinstance(node, dict):
            raise ProblemError(problem, f"metaData return {json.dumps(node)[:40]} is not an object")
        return str(node.get("type") or "void")

    try:
        if data.get("systemdesign") or "classname" in data:
            sig: FunctionSignature | DesignSignature = DesignSignature(
                classname=data["classname"],
                constructor=params(data.get("constructor", {}).get("params", [])),
                methods=[
                    Method(name=m["name"], params=params(m.get("params", [])), returns=returns(m.get("return")))
                    for m in data["methods"]
                ],
            )
        else:
            index = (data.get("output") or {}).get("paramindex")
            sig = FunctionSignature(
                name=data["name"], params=params(data.get("params", [])),
                returns=returns(data.get("return")),
                output_param=int(index) if index is not None else None,
            )
    except ProblemError:
        raise
    except KeyError as e:
        raise ProblemError(problem, f"metaData has no {e}") from None
    except (AttributeError, TypeError, ValueError) as e:
        raise ProblemError(problem, f"metaData has an unexpected shape: {e}") from None
    check_types(sig, problem)
    return sig


# ------------------------------------------------------------------ value checks


def mismatch(t: Any, v: Any, *, null_anywhere: bool = False) -> str | None:
    """Why JSON value `v` does not have the shape of parsed type `t` (None when it
    does). null is allowed where LeetCode allows it in inputs (nodes, lists, tree
    level-order holes), or anywhere with `null_anywhere` (an answer of null only
    ever equals an expected null). A bool is not an integer, nor an integer a
    bool; a double may be an integer (LeetCode prints 2 as 2.00000)."""
    if v is None and (null_anywhere or isinstance(t, tuple) or t in ("ListNode", "TreeNode", "void")):
        return None
    if isinstance(t, tuple):
        if not isinstance(v, list):
            return f"{_kind(v)} where a list is declared"
        for i, x in enumerate(v):
            why = mismatch(t[1], x, null_anywhere=null_anywhere)
            if why is not None:
                return f"[{i}]{why}" if why.startswith("[") else f"[{i}] {why}"
        return None
    ok = {
        "integer": isinstance(v, int) and not isinstance(v, bool),
        "double": isinstance(v, Real) and not isinstance(v, bool),
        "boolean": isinstance(v, bool),
        "string": isinstance(v, str),
        "character": isinstance(v, str) and len(v) == 1,
        "ListNode": isinstance(v, list) and all(x is None or _node_value(x) for x in v),
        "TreeNode": isinstance(v, list) and all(x is None or _node_value(x) for x in v),
        "void": False,
    }
    if ok.get("integer" if t == "long" else t, False):
        return None
    return f"{_kind(v)} where {'a ' + t if t != 'integer' else 'an integer'} is declared"


def _node_value(x: Any) -> bool:
    return isinstance(x, (int, float, str)) and not isinstance(x, bool)


def _kind(v: Any) -> str:
    """A JSON value's type as a reader would name it."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a float"
    if isinstance(v, str):
        return "a string" if len(v) != 1 else "a character"
    return "a list" if isinstance(v, list) else f"a {type(v).__name__}"


def conforms(t: Any, v: Any) -> bool:
    """Does JSON value `v` have the shape of parsed type `t`, as an input?"""
    return mismatch(t, v) is None


def answer_mismatch(signature: FunctionSignature | DesignSignature, values: list[Any], output: Any) -> str | None:
    """Why an answer does not have the declared type, or None: a function's return
    type (an in-place problem's answer parameter), each design call's return type
    (the constructor's slot null). `values` are the test's input values."""
    if isinstance(signature, FunctionSignature):
        why = mismatch(harness.parse_type(signature.answer_type()), output, null_anywhere=True)
        return None if why is None else f"the answer{'' if why.startswith('[') else ' is'} {why}"
    calls = values[0] if values and isinstance(values[0], list) else []
    if not isinstance(output, list):
        return None if output is None else f"the answer is {_kind(output)}, not a list of call results"
    returns = {m.name: m.returns for m in signature.methods}
    for k, (name, got) in enumerate(zip(calls, output, strict=False)):
        declared = "void" if k == 0 else returns.get(name) if isinstance(name, str) else None
        why = None if declared is None else mismatch(harness.parse_type(declared), got, null_anywhere=True)
        if why is not None:
            return f"call {k} ({name}) answered {why}"
    return None


def check_input(signature: FunctionSignature | DesignSignature, values: list[Any], problem: str) -> None:
    """Raise ProblemError unless a test's input values fit the signature."""
    if isinstance(signature, FunctionSignature):
        if len(values) != len(signature.params):
            raise ProblemError(
                problem, f"test has {len(values)} input values for {len(signature.params)} parameters"
            )
        for p, v in zip(signature.params, values, strict=True):
            if not conforms(harness.parse_type(p.type), v):
                raise ProblemError(problem, f"input {p.name}={_short(v)} is not a {p.type}")
        return
    if len(values) != 2 or not all(isinstance(x, list) for x in values):
        raise ProblemError(problem, "a design test is two lines: the calls and their arguments")
    calls, args = values
    if len(calls) != len(args) or not calls:
        raise ProblemError(problem, f"design test has {len(calls)} calls and {len(args)} argument lists")
    if calls[0] != signature.classname:
        raise ProblemError(problem, f"design test starts with {calls[0]!r}, not {signature.classname!r}")
    methods = {m.name: m for m in signature.methods}
    for i, (name, argv) in enumerate(zip(calls, args, strict=True)):
        method = methods.get(name) if isinstance(name, str) else None
        params = signature.constructor if i == 0 else getattr(method, "params", None)
        if params is None:
            raise ProblemError(problem, f"design test calls unknown method {name!r}")
        if not isinstance(argv, list) or len(argv) != len(params):
            raise ProblemError(problem, f"call {name} has arguments {_short(argv)}, wants {len(params)}")
        for p, v in zip(params, argv, strict=True):
            if not conforms(harness.parse_type(p.type), v):
                raise ProblemError(problem, f"argument {p.name}={_short(v)} of {name} is not a {p.type}")


def _short(v: Any) -> str:
    text = json.dumps(v)
    return text if len(text) <= 60 else text[:57] + "..."
