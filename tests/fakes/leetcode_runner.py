"""The fake LeetCode's code runner: one job on stdin, one JSON line per test on
stdout. Run in a subprocess by tests/fakes/leetcode_judge.py (trusted test code
and the test's own solutions only: this is a fake judge, not a sandbox).

Job: {"code", "call": {"kind": "function", "name", "params", "return", "output"}
      | {"kind": "design", "classname", "ctor", "methods": {name: {"params", "return"}}},
      "tests": [input text], "time_limit_s", "output_bytes"}
Lines: {"compile_error": message} | {"i", "ok": true, "output"} |
       {"i", "ok": false, "kind": "RE" | "TLE" | "MLE" | "OLE", "message"}
The conversions are judge.harness's (LeetCode's value forms), the comparison is
the fake judge's own.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from typing import Any

from judge import harness

PRELUDE = """\
from typing import *
from collections import *
from functools import *
from heapq import *
from bisect import *
from itertools import *
from math import *
import math, heapq, collections, itertools, functools, bisect, re, string
inf = float("inf")
"""


class TimeUp(BaseException):
    pass


class OutputUp(BaseException):
    pass


class _Counting:
    """The solution's prints: counted, dropped; past the cap the run stops (OLE)."""

    def __init__(self, cap: int) -> None:
        self.n, self.cap = 0, cap

    def write(self, s: str) -> int:
        self.n += len(s)
        if self.n > self.cap:
            raise OutputUp()
        return len(s)

    def flush(self) -> None:
        pass


def _on_timer(signum: int, frame: Any) -> None:
    raise TimeUp()


def _function(call: dict, cls: Any) -> Any:
    types = [harness.parse_type(t) for t in call["params"]]
    ret = harness.parse_type(call["return"])

    def run(values: list) -> Any:
        args = [harness.decode(t, v) for t, v in zip(types, values, strict=True)]
        result = getattr(cls(), call["name"])(*args)
        if call.get("output") is not None:
            i = call["output"]
            return harness.encode(types[i], args[i])
        return harness.encode(ret, result)

    return run


def _design(call: dict, cls: Any) -> Any:
    ctor = [harness.parse_type(t) for t in call["ctor"]]
    methods = {name: ([harness.parse_type(t) for t in m["params"]], harness.parse_type(m["return"]))
               for name, m in call["methods"].items()}

    def run(values: list) -> Any:
        names, arglists = values
        obj = cls(*[harness.decode(t, v) for t, v in zip(ctor, arglists[0], strict=True)])
        out: list[Any] = [None]
        for name, args in zip(names[1:], arglists[1:], strict=True):
            params, ret = methods[name]
            result = getattr(obj, name)(*[harness.decode(t, v) for t, v in zip(params, args, strict=True)])
            out.append(None if ret == "void" else harness.encode(ret, result))
        return out

    return run


def main() -> None:
    job = json.loads(sys.stdin.read())
    out = os.fdopen(os.dup(1), "w")
    sys.stdout = _Counting(int(job.get("output_bytes", 1 << 20)))  # type: ignore[assignment]

    def emit(msg: dict) -> None:
        out.write(json.dumps(msg) + "\n")
        out.flush()

    call = job["call"]
    ns: dict[str, Any] = {"ListNode": harness.ListNode, "TreeNode": harness.TreeNode}
    exec(compile(PRELUDE, "<prelude>", "exec"), ns)
    try:
        exec(compile(job["code"], "solution.py", "exec"), ns)
    except SyntaxError as e:
        emit({"compile_error": f"Line {e.lineno}: SyntaxError: {e.msg}"})
        return
    except Exception as e:
        emit({"compile_error": f"{type(e).__name__}: {e}"})
        return
    cls = ns.get(call["classname"] if call["kind"] == "design" else "Solution")
    if not isinstance(cls, type):
        emit({"compile_error": "the code defines no class to call"})
        return
    run = (_design if call["kind"] == "design" else _function)(call, cls)
    signal.signal(signal.SIGPROF, _on_timer)
    for i, text in enumerate(job["tests"]):
        start = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, float(job["time_limit_s"]))
        try:
            output = run(harness.split_input(text))
            signal.setitimer(signal.ITIMER_PROF, 0)
            emit({"i": i, "ok": True, "output": output, "cpu_s": time.process_time() - start})
        except TimeUp:
            emit({"i": i, "ok": False, "kind": "TLE", "message": "time limit"})
            return
        except OutputUp:
            signal.setitimer(signal.ITIMER_PROF, 0)
            emit({"i": i, "ok": False, "kind": "OLE", "message": "output limit"})
            return
        except MemoryError:
            signal.setitimer(signal.ITIMER_PROF, 0)
            emit({"i": i, "ok": False, "kind": "MLE", "message": "memory limit"})
            return
        except BaseException as e:
            signal.setitimer(signal.ITIMER_PROF, 0)
            line = traceback.extract_tb(e.__traceback__)[-1].lineno if e.__traceback__ else 0
            emit({"i": i, "ok": False, "kind": "RE", "message": f"Line {line}: {type(e).__name__}: {e}"})
            return


if __name__ == "__main__":
    main()
