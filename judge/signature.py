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


def conforms(t: Any, v: Any) -> bool:
    """Does JSON value `v` have the shape of parsed type `t`? (null is allowed where
    LeetCode allows it: nodes, lists and tree level-order holes.)"""
    if isinstance(t, tuple):
        return v is None or (isinstance(v, list) and all(conforms(t[1], x) for x in v))
    if t in ("integer", "long"):
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "double":
        return isinstance(v, Real) and not isinstance(v, bool)
    if t == "boolean":
        return isinstance(v, bool)
    if t in ("string", "character"):
        return isinstance(v, str) and (t == "string" or len(v) == 1)
    if t in ("ListNode", "TreeNode"):
        return v is None or (isinstance(v, list) and all(
            x is None or (isinstance(x, (int, float, str)) and not isinstance(x, bool)) for x in v
        ))
    return t == "void" and v is None


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
