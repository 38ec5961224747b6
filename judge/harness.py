"""The sandbox harness: runs inside the judge container, standard library only.

It is the container's PID 1 (`python3 -s -B -P /opt/lcjudge/harness.py serve UID`)
and reads one job per line on stdin; per job it writes answer chunks, one report
line and one `idle` line on stdout. It never sees expected outputs: the host
compares.

Identities. PID 1 starts as root holding only CAP_KILL, CAP_SETGID, CAP_SETUID and
CAP_SETPCAP, empties the bounding set and becomes HARNESS_UID keeping the first
three. Submissions run under UID (the container's own sandbox uid) with no
capability and no-new-privileges, so nothing they do reaches PID 1: prlimit,
setpriority, sched_*, ioprio_set, ptrace and signals all lack permission.

Processes. At start, before any job, PID 1 forks a template interpreter that
imports the prelude and then only forks: each submission's process is a fork of
it (double-forked, so PID 1 is its parent), given its descriptors, its own
session, every rlimit, nice value, policy, CPU set and I/O priority set
explicitly, and the sandbox uid. The template never holds anything of a job but
descriptors and limits, so no submission starts from memory that held another's
data. Without a template (it died) a freshly exec'd interpreter (`child`) serves.

Inputs. The submission's process reads its job (code, signature, time limit,
number of tests) and then one test input at a time on fd 4; PID 1 sends test i
only once test i-1's result is complete, writing without ever blocking.

Results. On fd 3, as framed messages (`frame`): a JSON header line and, for an
answer, exactly `n` bytes of its JSON text. PID 1 checks each header under one
rule (`accepts_message`, applied again by the host) and streams answers to the
host unread (no parsing, no memory; over the output limit: Output Limit Exceeded,
unread). The submission's prints go to separate pipes, capped. A forged header
only claims an answer that the host still compares, after holding it to the
declared type.

Measurement. Each test's CPU is the whole container's (cgroup cpuacct / cpu.stat)
minus PID 1's own, counted from the child's "ready" message, so work in forked
processes, subprocesses or threads counts against the per-test limit; an OOM kill
of any process ends the job as Memory Limit Exceeded. CPU time and memory come
from the kernel, not from the submission.

After each job: every process but PID 1 and the template is killed (by pid,
CAP_KILL), /tmp, /dev/shm, /dev/mqueue and System V IPC are wiped by a helper
under the sandbox uid, PID 1's own state is compared with its state at start (a
second line behind the separate uid), the job's memory is released and what PID
1 holds is reported for the next job's memory limit. Anything left, or a lost
template, marks the container unclean: the host replaces it.

Why PID 1: signals without a handler -- SIGKILL included -- sent from inside the
container to PID 1 are dropped by the kernel, and every orphan is reparented to
it, so strays are reaped here.

The module is importable on the host too: the type grammar, the LeetCode value
conversions and the channel rule below are the single definition both sides use.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

PROTOCOL = 1

# --------------------------------------------------------------------------- types

SCALAR_TYPES = frozenset(
    {"integer", "long", "double", "boolean", "character", "string", "void", "ListNode", "TreeNode"}
)
_TYPE_ALIASES = {
    "int": "integer",
    "Integer": "integer",
    "Long": "long",
    "float": "double",
    "Double": "double",
    "bool": "boolean",
    "Boolean": "boolean",
    "char": "character",
    "Character": "character",
    "String": "string",
    "str": "string",
}
_LIST_FORM = re.compile(r"(?i)list\s*<\s*(.+)\s*>")


class UnsupportedType(ValueError):
    """A metaData type name the judge cannot convert."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name
        super().__init__(f"unsupported type {type_name!r}")


def parse_type(text: str) -> Any:
    """LeetCode type name -> `"integer"` | ... | `("list", inner)`.

    Accepts `T[]`, `T[][]`, `list<T>` (any case, nested) and the aliases LeetCode
    has used over the years (`String`, `int`, `char`, ...)."""
    t = text.strip() if isinstance(text, str) else ""
    if t.endswith("[]"):
        return ("list", parse_type(t[:-2]))
    m = _LIST_FORM.fullmatch(t)
    if m:
        return ("list", parse_type(m.group(1)))
    name = _TYPE_ALIASES.get(t, t)
    if name in SCALAR_TYPES:
        return name
    raise UnsupportedType(str(text))


# ----------------------------------------------------------------- linked structures


class ListNode:
    def __init__(self, val: Any = 0, next: Any = None) -> None:
        self.val = val
        self.next = next


class TreeNode:
    def __init__(self, val: Any = 0, left: Any = None, right: Any = None) -> None:
        self.val = val
        self.left = left
        self.right = right


class EncodeError(ValueError):
    """A returned value that cannot be read as the declared type."""


def build_list(values: list | None) -> ListNode | None:
    head = None
    for v in reversed(values or []):
        head = ListNode(v, head)
    return head


def build_tree(values: list | None) -> TreeNode | None:
    if not values or values[0] is None:
        return None
    root = TreeNode(values[0])
    queue = deque([root])
    i = 1
    while queue and i < len(values):
        node = queue.popleft()
        if i < len(values) and values[i] is not None:
            node.left = TreeNode(values[i])
            queue.append(node.left)
        i += 1
        if i < len(values) and values[i] is not None:
            node.right = TreeNode(values[i])
            queue.append(node.right)
        i += 1
    return root


def _plain_scalar(v: Any) -> Any:
    """A node value as a plain JSON scalar."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, Integral):
        return int(v)
    if isinstance(v, Real):
        return float(v)
    if isinstance(v, str):
        return str(v)
    raise EncodeError(f"node value of type {type(v).__name__} is not a number or string")


def list_to_json(head: Any) -> list:
    out, seen = [], set()
    while head is not None:
        if id(head) in seen:
            raise EncodeError("found a cycle in the returned ListNode")
        seen.add(id(head))
        try:
            out.append(_plain_scalar(head.val))
            head = head.next
        except AttributeError as e:
            raise EncodeError(f"returned ListNode has no {e.name!r}") from None
    return out


def tree_to_json(root: Any) -> list:
    out: list = []
    seen: set[int] = set()
    queue = deque([root] if root is not None else [])
    while queue:
        node = queue.popleft()
        if node is None:
            out.append(None)
            continue
        if id(node) in seen:
            raise EncodeError("found a cycle in the returned TreeNode")
        seen.add(id(node))
        try:
            out.append(_plain_scalar(node.val))
            queue.append(node.left)
            queue.append(node.right)
        except AttributeError as e:
            raise EncodeError(f"returned TreeNode has no {e.name!r}") from None
    while out and out[-1] is None:
        out.pop()
    return out


# -------------------------------------------------------------- value conversions


def decode(t: Any, v: Any) -> Any:
    """JSON value from a test input -> the Python object a solution receives."""
    if isinstance(t, tuple):
        return None if v is None else [decode(t[1], x) for x in v]
    if t == "ListNode":
        return build_list(v)
    if t == "TreeNode":
        return build_tree(v)
    if t == "double" and isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def encode(t: Any, v: Any) -> Any:
    """A solution's value -> plain JSON, read by the declared type (as LeetCode does:
    a tuple is a list, True is 1 for an integer, an integral float is an integer)."""
    if isinstance(t, tuple):
        if v is None:
            return None
        # a set's order depends on hashing: it would make verdicts irreproducible
        if isinstance(v, (str, bytes, bytearray, dict, set, frozenset)) or not isinstance(v, Iterable):
            raise EncodeError(f"expected a list, got {type(v).__name__}")
        return [encode(t[1], x) for x in v]
    if t == "ListNode":  # an empty list or tree is serialized as []
        return list_to_json(v)
    if t == "TreeNode":
        return tree_to_json(v)
    if t == "void" or v is None:
        return None
    if t in ("integer", "long"):
        if isinstance(v, Integral):
            return int(v)
        if isinstance(v, float) and v.is_integer():
            return int(v)
    elif t == "double":
        if isinstance(v, Real):
            return float(v)
    elif t == "boolean":
        if isinstance(v, bool) or (isinstance(v, Integral) and int(v) in (0, 1)):
            return bool(int(v))
    elif t in ("string", "character") and isinstance(v, str):
        return str(v)
    raise EncodeError(f"expected {t}, got {type(v).__name__}")


# ------------------------------------------------------------------ test inputs


def split_input(text: str) -> list[Any]:
    """LeetCode's one-JSON-value-per-line input text -> the values."""
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def format_input(values: list[Any]) -> str:
    return "\n".join(json.dumps(v, separators=(",", ":"), ensure_ascii=False) for v in values)


# ------------------------------------------------------------------------ child

# LeetCode's Python 3 environment imports most of the standard library for the
# solution; solutions use bare `inf`, `deque`, `lru_cache`, `List`, `SortedList`.
_PRELUDE = """\
from typing import *
from functools import *
from collections import *
from itertools import *
from heapq import *
from bisect import *
from string import *
from operator import *
from math import *
import array, bisect, collections, copy, datetime, functools, heapq, itertools
import math, operator, random, re, string, sys, typing
from sortedcontainers import SortedList, SortedDict, SortedSet
inf = float("inf")
"""


LEETCODE_RECURSION_LIMIT = 550_000


class _TimeLimit(BaseException):
    """Raised by the per-test CPU timer; BaseException so `except Exception` in a
    solution does not swallow it by accident."""


def _on_cpu_timer(signum: int, frame: Any) -> None:
    raise _TimeLimit()


def _describe(exc: BaseException) -> str:
    """The solution's part of a traceback (harness frames are noise to a reader)."""
    import traceback

    if isinstance(exc, _TimeLimit):
        return "Time Limit Exceeded"
    try:
        # only the innermost frames: a traceback 550000 calls deep would cost
        # seconds to extract, charged to the submission
        tail: deque = deque(maxlen=64)
        tb = exc.__traceback__
        while tb is not None:
            tail.append((tb.tb_frame, tb.tb_lineno))
            tb = tb.tb_next
        frames = [f for f in traceback.StackSummary.extract(iter(tail)) if f.filename == "solution.py"]
        lines = traceback.format_list(frames[-8:]) + traceback.format_exception_only(type(exc), exc)
        return ("Traceback (most recent call last):\n" + "".join(lines))[-4000:]
    except BaseException:  # a hostile exception whose str() fails
        return "exception of an unprintable type"


def _error_kind(exc: BaseException) -> str:
    if isinstance(exc, _TimeLimit):
        return "TLE"
    if isinstance(exc, MemoryError):
        return "MLE"
    return "RE"


def _namespace() -> dict:
    import builtins

    ns: dict = {"__name__": "__main__"}
    exec(compile(_PRELUDE, "<prelude>", "exec"), ns)
    # The star imports shadow builtins (math.pow, operator.pow, ...): LeetCode
    # solutions call the builtin three-argument pow, so the builtins win.
    for name in [n for n in ns if hasattr(builtins, n) and n != "__name__"]:
        del ns[name]
    ns.update(ListNode=ListNode, TreeNode=TreeNode)
    return ns


class _BadTest(Exception):
    """The test data does not fit the signature: a problem bug, not a verdict. The
    host validates every test before sending it, so it treats this as suspect."""


def _function_caller(sig: dict, target_cls: Any) -> Any:
    params = [parse_type(p["type"]) for p in sig["params"]]
    returns = parse_type(sig["return"])
    index = sig.get("output_param")

    def call(values: list) -> Any:
        if len(values) != len(params):
            raise _BadTest(f"test has {len(values)} values for {len(params)} parameters")
        args = [decode(t, v) for t, v in zip(params, values, strict=True)]
        ret = getattr(target_cls(), sig["name"])(*args)  # a fresh object per test
        if index is not None:  # in-place problem: the answer is that argument
            return encode(params[index], args[index])
        return encode(returns, ret)

    return call


def _design_caller(sig: dict, target_cls: Any) -> Any:
    ctor = [parse_type(p["type"]) for p in sig["constructor"]]
    methods = {
        name: ([parse_type(p["type"]) for p in m["params"]], parse_type(m["return"]))
        for name, m in sig["methods"].items()
    }

    def call(values: list) -> Any:
        if len(values) != 2 or len(values[0]) != len(values[1]) or not values[0]:
            raise _BadTest("a design test needs two lines of equal length: calls, arguments")
        calls, arglists = values
        obj = target_cls(*[decode(t, v) for t, v in zip(ctor, arglists[0], strict=True)])
        out: list = [None]
        for name, argv in zip(calls[1:], arglists[1:], strict=True):
            if name not in methods:
                raise _BadTest(f"test calls unknown method {name!r}")
            types, returns = methods[name]
            ret = getattr(obj, name)(*[decode(t, v) for t, v in zip(types, argv, strict=True)])
            out.append(encode(returns, ret))
        return out

    return call


def _child_main(job: dict, inputs: Any, channel: int) -> None:
    """Runs in the submission's own interpreter. Everything here is reachable by the
    untrusted code, so nothing here decides a verdict. Test inputs arrive on
    `inputs` one at a time: PID 1 sends the next only after it has read this one's
    result, so no later test is in this process before its turn."""

    def send(msg: dict, payload: bytes | None = None) -> None:
        view = memoryview(frame(msg, payload))
        while view:
            view = view[os.write(channel, view) :]

    sig = job["signature"]
    per_test = job["time_ms"] / 1000.0
    signal.signal(signal.SIGPROF, _on_cpu_timer)
    ns = _namespace()
    import threading

    threading.stack_size(16 << 20)  # the default is RLIMIT_STACK (= the memory limit): no thread could start
    # LeetCode's Python 3 runs with a raised recursion limit (reported as 550000):
    # a recursive DFS over 10^5 nodes is Accepted there, so here too (the main
    # thread's C stack is RLIMIT_STACK, the memory limit)
    sys.setrecursionlimit(LEETCODE_RECURSION_LIMIT)
    send({"t": "ready"})  # PID 1 starts counting the submission's CPU here
    try:
        code = compile(job["code"], "solution.py", "exec")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        send({"t": "compile_error", "message": _describe(e)})
        return
    signal.setitimer(signal.ITIMER_PROF, per_test)
    try:
        exec(code, ns)
        signal.setitimer(signal.ITIMER_PROF, 0)
    except BaseException as e:  # the solution's module code itself failed
        signal.setitimer(signal.ITIMER_PROF, 0)
        send({"t": "module_error", "kind": _error_kind(e), "message": _describe(e)})
        return
    design = sig["kind"] == "design"
    cls_name = sig["classname"] if design else "Solution"
    target = ns.get(cls_name)
    if not isinstance(target, type):
        send({"t": "compile_error", "message": f"the code does not define class {cls_name}"})
        return
    if not design and not callable(getattr(target, sig["name"], None)):
        send({"t": "compile_error", "message": f"class Solution has no method {sig['name']}"})
        return
    call = (_design_caller if design else _function_caller)(sig, target)
    for i in range(job["tests"]):
        line = inputs.readline()
        if not line:
            return  # PID 1 stopped feeding: it is ending the job
        try:
            values = split_input(json.loads(line))
        except (ValueError, TypeError) as e:
            send({"t": "bad_test", "i": i, "message": f"unparsable input: {e}"})
            return
        start = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, per_test)
        try:
            output = call(values)
            payload = json.dumps(output, separators=(",", ":")).encode()
            signal.setitimer(signal.ITIMER_PROF, 0)
            if time.process_time() - start > per_test:  # the solution caught the timer's exception
                raise _TimeLimit()
        except _BadTest as e:
            signal.setitimer(signal.ITIMER_PROF, 0)
            send({"t": "bad_test", "i": i, "message": str(e)})
            return
        except BaseException as e:
            signal.setitimer(signal.ITIMER_PROF, 0)
            kind = "RE" if isinstance(e, EncodeError) else _error_kind(e)
            send({"t": "test", "i": i, "ok": False, "kind": kind, "message": _describe(e)})
            if kind != "RE":
                return  # out of budget; LeetCode stops here too
            continue
        send({"t": "test", "i": i, "ok": True}, payload)
    send({"t": "done"})


CHANNEL_FD, INPUT_FD = 3, 4  # in the submission's process: results out, its job and inputs in


def child() -> None:
    """Entry of a submission's process: a fresh interpreter that PID 1 exec'd for
    this one job, so its memory has never held another submission's code, outputs
    or results (a fork of the long-lived server would inherit all of them). The
    first line on INPUT_FD is the job (code, signature, time limit, number of
    tests); each test's input follows when its turn comes."""
    try:
        inputs = os.fdopen(INPUT_FD, "rb")
        job = json.loads(inputs.readline())
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        sys.stderr.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        _child_main(job, inputs, CHANNEL_FD)
    except BaseException as e:
        os.write(2, f"harness child failed: {e!r}\n".encode())
    finally:
        try:
            sys.stdout.flush()
        finally:
            os._exit(0)  # no atexit handler of the submission's runs after its results


# ---------------------------------------------------------- the result channel

HEADER_BYTES = 1 << 16  # a header line longer than this is a flood, not a message


def frame(msg: dict, payload: bytes | None = None) -> bytes:
    """One result-channel message: a JSON header line and, for an answer, exactly
    `n` bytes of the answer's JSON text. PID 1 reads headers only; it forwards an
    answer to the host unread, so a large answer costs it neither parsing time
    nor memory."""
    if payload is None:
        return (json.dumps(msg, separators=(",", ":")) + "\n").encode()
    return (json.dumps({**msg, "n": len(payload)}, separators=(",", ":")) + "\n").encode() + payload


def accepts_message(msg: Any, next_test: int, n_tests: int) -> bool:
    """The one rule for a result header, applied by PID 1 as headers arrive and again
    by the host: a known kind; a test result carries exactly the next index as an
    integer (not 0.0, not true) and in order, an answer its payload's length; a
    compile or module error only before any test result; `done` only after the
    last one."""
    if not isinstance(msg, dict):
        return False
    kind = msg.get("t")
    if kind in ("test", "bad_test"):
        i = msg.get("i")
        if type(i) is not int or i != next_test or i >= n_tests:
            return False
        if kind == "bad_test":
            return True
        ok = msg.get("ok")
        n = msg.get("n")
        return (ok is True and type(n) is int and n >= 0) or (
            ok is False and isinstance(msg.get("kind"), str) and isinstance(msg.get("message"), str)
        )
    if kind in ("compile_error", "module_error"):
        return next_test == 0 and isinstance(msg.get("message"), str)
    return kind == "done" and next_test == n_tests


_MESSAGE_FIELDS = {"test": ("t", "i", "ok", "n", "kind", "message"), "bad_test": ("t", "i", "message"),
                   "compile_error": ("t", "message"), "module_error": ("t", "kind", "message"), "done": ("t",)}


def _clean_message(msg: dict) -> dict:
    """An accepted header with only the fields its kind has: nothing else the
    submission wrote travels on."""
    out = {k: msg[k] for k in _MESSAGE_FIELDS[msg["t"]] if k in msg}
    if "message" in out and not isinstance(out["message"], str):
        out["message"] = ""
    return out


def cpu_budget_ms(limit_ms: float) -> float:
    """The CPU a limit allows once measured: PID 1 reads the clock a little after
    each result, so 5% + 50 ms of slack. One rule for the harness and the host."""
    return float(limit_ms) * 1.05 + 50


# ----------------------------------------------------------------------- server

SCRATCH_DIRS = ("/tmp", "/dev/shm", "/dev/mqueue")  # /dev/mqueue: POSIX message queues
_CHUNK = 1 << 16
_CGROUP = "/sys/fs/cgroup"
HARNESS_UID = 10000  # PID 1's own uid and gid; each container's submissions run under another
_CAP_KILL, _CAP_SETGID, _CAP_SETUID = 5, 6, 7
HARNESS_CAPS = (_CAP_KILL, _CAP_SETGID, _CAP_SETUID)  # all PID 1 keeps, and only PID 1
_CAP_SETPCAP = 8  # held by PID 1 only to empty the bounding set, then dropped
START_CAPS = (*HARNESS_CAPS, _CAP_SETPCAP)  # what the container starts with (judge.sandbox asks Docker)
_PR_SET_DUMPABLE, _PR_SET_KEEPCAPS, _PR_CAPBSET_READ, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 4, 8, 23, 24, 38
_IOPRIO_SYSCALLS = {"x86_64": (251, 252), "aarch64": (30, 31)}  # ioprio_set, ioprio_get


@functools.cache
def _libc() -> Any:
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        import ctypes

        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _set_caps(caps: tuple[int, ...]) -> None:
    """This process's effective and permitted capabilities become exactly `caps`,
    its inheritable ones none (capset, version 3)."""
    import ctypes

    mask = sum(1 << c for c in caps)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)(mask, mask, 0, 0, 0, 0)
    _check(_libc().capset(header, data), "capset")


def _become(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def _become_judge() -> None:
    """PID 1 starts as root holding only START_CAPS (what the host asks Docker for),
    empties the bounding set, and becomes HARNESS_UID keeping CAP_KILL, CAP_SETGID
    and CAP_SETUID: a uid no
    submission has, so `prlimit`, `setpriority`, `sched_setscheduler`,
    `sched_setaffinity`, `ioprio_set`, `ptrace` and signals from a submission find
    no permission on it."""
    if os.getuid() != 0:
        sys.exit("harness.py serve must start as root (with CAP_KILL, CAP_SETGID, CAP_SETUID, CAP_SETPCAP only): "
                 "it runs submissions under a uid of their own")
    libc = _libc()
    cap = 0  # empty the bounding set (CAP_SETPCAP, held until here): no process here can gain anything
    while libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    if libc.prctl(_PR_CAPBSET_READ, _CAP_KILL, 0, 0, 0) != 0:
        sys.exit("harness.py serve could not empty the capability bounding set (no CAP_SETPCAP at start)")
    _check(libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0), "PR_SET_KEEPCAPS")
    _become(HARNESS_UID)
    _check(libc.prctl(_PR_SET_KEEPCAPS, 0, 0, 0, 0), "PR_SET_KEEPCAPS")
    _set_caps(HARNESS_CAPS)
    _check(libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0), "PR_SET_DUMPABLE")  # no /proc/1/mem, fd, environ for anyone


def _ioprio(value: int | None = None) -> int:
    """This process's I/O priority (set first when `value` is given); -1 where the
    syscall number is unknown."""
    numbers = _IOPRIO_SYSCALLS.get(os.uname().machine)
    if numbers is None:
        return -1
    if value is not None:
        _check(_libc().syscall(numbers[0], 1, 0, value), "ioprio_set")  # IOPRIO_WHO_PROCESS, self
    return int(_libc().syscall(numbers[1], 1, 0))


def _process_state() -> tuple:
    """Everything a process hands its children: limits, nice value, scheduling
    policy, CPU set, I/O priority."""
    import resource

    limits = tuple(resource.getrlimit(getattr(resource, n)) for n in sorted(dir(resource)) if n.startswith("RLIMIT_"))
    return (limits, os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0),
            tuple(sorted(os.sched_getaffinity(0))), _ioprio())


_JUDGE: dict[str, Any] = {}  # PID 1's state once it became the judge: each child is reset to it


def _child_limits(limits: dict) -> dict[str, tuple[int, int]]:
    """Every rlimit of a submission's process, set explicitly: nothing inherited.
    Per-uid counters (processes, pending signals, queue bytes) are the
    container's alone: its sandbox uid is its own."""
    import resource

    mem = int(limits["memory_mb"]) << 20
    cpu = max(1, -(-int(limits["total_time_ms"]) // 1000))  # whole seconds, rounded up
    files = int(limits["file_bytes"])
    inf = resource.RLIM_INFINITY
    return {
        "RLIMIT_AS": (mem, mem), "RLIMIT_DATA": (mem, mem), "RLIMIT_STACK": (mem, mem),
        "RLIMIT_CPU": (cpu, cpu + 1),  # SIGXCPU at the limit, SIGKILL a second later
        "RLIMIT_FSIZE": (files, files), "RLIMIT_NOFILE": (64, 64), "RLIMIT_CORE": (0, 0),
        "RLIMIT_NPROC": (inf, inf),  # the container's pids limit bounds its processes
        "RLIMIT_MEMLOCK": (64 << 10, 64 << 10), "RLIMIT_MSGQUEUE": (819200, 819200),
        "RLIMIT_SIGPENDING": (4096, 4096), "RLIMIT_LOCKS": (1024, 1024),
        "RLIMIT_NICE": (0, 0), "RLIMIT_RTPRIO": (0, 0), "RLIMIT_RTTIME": (0, 0), "RLIMIT_RSS": (inf, inf),
    }


def _apply_limits(limits: dict) -> None:
    """The submission's own kernel-enforced limits (never above PID 1's hard limits,
    which no submission can change)."""
    import resource

    for name, (soft, hard) in _child_limits(limits).items():
        which = getattr(resource, name, None)
        if which is None:
            continue
        ceiling = resource.getrlimit(which)[1]
        if ceiling != resource.RLIM_INFINITY:
            soft = ceiling if soft == resource.RLIM_INFINITY else min(soft, ceiling)
            hard = ceiling if hard == resource.RLIM_INFINITY else min(hard, ceiling)
        resource.setrlimit(which, (soft, hard))


def _reset_scheduling() -> None:
    """Nice value, policy, CPU set and I/O priority as PID 1 had them at start."""
    _, nice, policy, cpus, ioprio = _JUDGE["state"]
    os.setpriority(os.PRIO_PROCESS, 0, nice)
    os.sched_setscheduler(0, policy, os.sched_param(0))
    os.sched_setaffinity(0, cpus)
    if ioprio >= 0:
        _ioprio(ioprio)


_CHILD_ENV: dict[str, str] = {}  # the container's environment, kept by serve()


def _enter_sandbox(limits: dict, fds: dict[int, int], uid: int) -> None:
    """In a new process: place `fds` (target -> source), close everything else, and
    become the submission's process: its own session, its limits and scheduling
    set explicitly, the sandbox uid with no capability and no way to gain one."""
    import fcntl

    high = {dst: fcntl.fcntl(src, fcntl.F_DUPFD, 64) for dst, src in fds.items()}
    for dst, src in high.items():  # via high numbers: a source may sit on a target
        os.dup2(src, dst)
    os.closerange(len(fds), 1 << 16)
    os.setsid()  # its own session and process group: kill(0) and PRIO_PGRP reach only its own
    os.chdir("/tmp")
    _check(_libc().prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0), "PR_SET_DUMPABLE")  # its /proc files writable
    with open("/proc/self/oom_score_adj", "w") as f:
        f.write("1000")  # out of memory, the kernel kills the submission first, not PID 1
    _apply_limits(limits)
    _reset_scheduling()
    _become(uid)
    _set_caps(())
    _check(_libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS")
    _check(_libc().prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0), "PR_SET_DUMPABLE")  # as after an exec: its own


def _spawn_fresh(limits: dict, fds: dict[int, int], uid: int) -> int:
    """Fork, enter the sandbox and exec a fresh interpreter running `child()`. Only
    harness code runs between fork and exec. The slow way (the interpreter starts
    and imports the prelude), used when the template is gone."""
    pid = os.fork()
    if pid:
        return pid
    try:  # ---------------------------------------------- the submission, before exec
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # an ignored signal stays ignored across exec
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        _enter_sandbox(limits, fds, uid)
        me = os.path.abspath(__file__)
        os.execve(sys.executable, [sys.executable, "-s", "-B", "-P", me, "child"], _CHILD_ENV)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.write(2, f"harness could not start the submission: {e!r}\n".encode())
    os._exit(127)


class _Template:
    """A pristine interpreter to fork submissions from: forked from PID 1 at start,
    before any job reached PID 1, with the prelude imported, and never handed
    anything of a job but file descriptors and limits (code and inputs go to the
    submission's process directly). A fork of it is as clean as a fresh
    interpreter and ~40 ms cheaper. It runs under the harness's uid, so no
    submission can signal, trace, renice or limit it; it double-forks, so the
    submission's process is PID 1's child (PID 1 waits for it, kills it, reads its
    rusage). It is never forked again from PID 1, whose memory has held jobs by
    then: if it dies, the container is recycled."""

    def __init__(self) -> None:
        import socket

        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.pid = os.fork()
        if self.pid == 0:
            self.sock.close()
            _template_main(theirs)
        theirs.close()
        self.sock.settimeout(10.0)
        self.alive = True

    def spawn(self, limits: dict, fds: dict[int, int], uid: int) -> int:
        """The pid of a new submission process (PID 1's child); OSError when the
        template cannot make one (it is then dead for good)."""
        import socket

        try:
            request = json.dumps({"limits": limits, "uid": uid, "targets": list(fds)}).encode()
            socket.send_fds(self.sock, [request], list(fds.values()))
            reply = b""
            while not reply.endswith(b"\n") and len(reply) < 64:
                part = self.sock.recv(64)
                if not part:
                    raise OSError(f"the template is gone (it said {reply!r})")
                reply += part
            return int(reply)
        except (OSError, ValueError) as e:
            self.alive = False
            raise OSError(f"the template cannot fork: {e}") from None


def _template_main(sock: Any) -> None:
    """The template's loop: one fork per request, until PID 1 goes away."""
    import socket

    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # never PID 1's channel to the host
        os.dup2(null, fd)
    _namespace()  # the prelude's modules, imported once for every submission
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 16, 8)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)  # PID 1 is gone
        try:
            request = json.loads(msg)
            r, w = os.pipe()
            middle = os.fork()
            if middle == 0:  # ---- exits at once, so the submission's parent becomes PID 1
                os.close(r)
                pid = os.fork()
                if pid == 0:
                    os.close(w)
                    _forked_child(request["limits"], dict(zip(request["targets"], fds, strict=True)), request["uid"])
                os.write(w, b"%d" % pid)
                os._exit(0)
            os.close(w)
            pid_text = os.read(r, 32)
            os.close(r)
            os.waitpid(middle, 0)
            sock.sendall(pid_text + b"\n")
        except Exception as e:
            with contextlib.suppress(OSError):
                sock.sendall(f"failed: {e!r}".encode()[:60])
        finally:
            for fd in fds:
                os.close(fd)


def _forked_child(limits: dict, fds: dict[int, int], uid: int) -> None:
    """The submission's process, forked from the template: the same as `child()`
    after an exec, with what a fresh interpreter would have fresh."""
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as Python sets them up
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        _enter_sandbox(limits, fds, uid)
        import random

        random.seed()  # a fresh interpreter seeds from os.urandom; forks would share a sequence
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.write(2, f"harness could not start the submission: {e!r}\n".encode())
        os._exit(127)
    child()


_TEMPLATE: list[_Template] = []  # the template, once serve() made it


def _spawn(limits: dict, fds: dict[int, int], uid: int) -> int:
    """A new submission process: forked from the template, or (the template gone)
    exec'd fresh."""
    if _TEMPLATE and _TEMPLATE[0].alive:
        with contextlib.suppress(OSError):
            return _TEMPLATE[0].spawn(limits, fds, uid)
    return _spawn_fresh(limits, fds, uid)


def _sandbox_pids() -> list[int]:
    """Every process of the container but PID 1 and the template."""
    keep = {1, *(t.pid for t in _TEMPLATE)}
    return [int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) not in keep]


def _kill_strays(patience_s: float = 5.0) -> bool:
    """Kill every process but PID 1 and the template (PID 1 keeps CAP_KILL for this)
    and reap them; False when some process is still there after `patience_s`.
    Each round kills what /proc lists; a process killed cannot fork, so a fork
    bomb runs dry within a few rounds."""
    end = time.monotonic() + patience_s
    while True:
        for pid in _sandbox_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        while True:  # reap: every orphan is PID 1's
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if _TEMPLATE and pid == _TEMPLATE[0].pid:
                _TEMPLATE[0].alive = False
        if not _sandbox_pids():
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.001)


def _as_sandbox_user(uid: int, work: Any) -> bool:
    """Run `work()` in a short-lived helper under the sandbox uid (so PID 1 needs no
    capability over the submission's files and IPC objects); True when it
    returned True."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            _become(uid)
            _set_caps(())
            code = 0 if work() else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _wipe(path: str) -> bool:
    """Empty a scratch directory (the submission may have made entries read-only)."""
    import shutil

    def unlock(top: str) -> None:  # every directory below top searchable and writable
        os.chmod(top, 0o700)
        for root, dirs, _ in os.walk(top):
            for d in dirs:
                p = os.path.join(root, d)
                if not os.path.islink(p):
                    os.chmod(p, 0o700)

    try:
        for name in os.listdir(path):
            p = os.path.join(path, name)
            if os.path.isdir(p) and not os.path.islink(p):
                unlock(p)
                shutil.rmtree(p)
            else:
                os.unlink(p)
        return not os.listdir(path)
    except FileNotFoundError:
        return True
    except Exception:  # never a harness error: a dirty sandbox is replaced
        return False


def _sysv_ids(kind: str) -> list[int]:
    """Ids of the System V IPC objects (`shm`, `msg`, `sem`) of this IPC namespace."""
    try:
        with open(f"/proc/sysvipc/{kind}") as f:
            rows = f.read().splitlines()[1:]
    except FileNotFoundError:  # a kernel without System V IPC
        return []
    return [int(row.split()[1]) for row in rows if row.strip()]


def _remove_sysv_ipc() -> bool:
    """Remove every System V shared memory segment, message queue and semaphore set:
    they outlive their processes and would hand data (or a memory hoard) to the next
    submission. True when none is left."""
    try:
        libc = _libc()
        remove = {"shm": lambda i: libc.shmctl(i, 0, None), "msg": lambda i: libc.msgctl(i, 0, None),
                  "sem": lambda i: libc.semctl(i, 0, 0)}  # 0 = IPC_RMID
        for kind, rm in remove.items():
            for ident in _sysv_ids(kind):
                rm(ident)
        return not any(_sysv_ids(kind) for kind in remove)
    except Exception:  # unreadable or unremovable: a dirty sandbox is replaced
        return False


def _wipe_everything() -> bool:
    return all([_wipe(d) for d in SCRATCH_DIRS]) & _remove_sysv_ipc()


def _left_behind() -> bool:
    """Whether the submission left any file in the scratch directories or any System
    V IPC object (PID 1 may look, not remove: the helper does that). Unreadable
    counts as something left."""
    try:
        return any(os.listdir(d) for d in SCRATCH_DIRS if os.path.isdir(d)) or any(
            _sysv_ids(kind) for kind in ("shm", "msg", "sem"))
    except OSError:
        return True


def _cgroup_value(path: str, key: str | None = None) -> int | None:
    """A counter of the container's cgroup (v1 or v2 file), None when not readable."""
    try:
        with open(path) as f:
            if key is None:
                return int(f.read().split()[0])
            for line in f:
                k, _, v = line.partition(" ")
                if k == key:
                    return int(v)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _first_value(*candidates: tuple[str, str | None]) -> int:
    for path, key in candidates:
        value = _cgroup_value(f"{_CGROUP}/{path}", key)
        if value is not None:
            return value
    return -1


def _oom_kills() -> int:
    """The container's OOM-kill counter, -1 when not readable (kernels before 4.13
    on cgroup v1: the failure count is no stand-in, it also counts ordinary reclaim
    at the limit). The per-process kernel facts still tell a killed submission."""
    if not _own_cgroup():
        return -1
    return _first_value(("memory/memory.oom_control", "oom_kill"), ("memory.events", "oom_kill"))


@functools.cache
def _own_cgroup() -> bool:
    """Whether /sys/fs/cgroup is this container's own cgroup. On cgroup v2 without
    a private cgroup namespace it is the host's root, whose counters would charge
    every process of the machine to the submission."""
    try:
        with open("/proc/self/cgroup") as f:
            lines = f.read().splitlines()
    except OSError:
        return False
    v2 = [line for line in lines if line.startswith("0::")]
    return not v2 or lines == ["0::/"] or not os.path.exists(f"{_CGROUP}/cgroup.controllers")


def _shmem_bytes() -> int:
    """Memory the container's cgroup still holds in tmpfs and shared memory."""
    if not _own_cgroup():
        return -1
    return _first_value(("memory/memory.stat", "shmem"), ("memory.stat", "shmem"))


def harness_memory() -> dict[str, int]:
    """What the container holds while no submission runs, for the host to add to the
    next job's memory limit: `bytes`, the cgroup's usage less its reclaimable file
    cache (PID 1's memory and the kernel's; -1 when unreadable), and PID 1's RSS."""
    usage = _first_value(("memory/memory.usage_in_bytes", None), ("memory.current", None))
    cache = [_first_value(("memory/memory.stat", k), ("memory.stat", k)) for k in ("inactive_file", "active_file")]
    held = usage - sum(cache) if _own_cgroup() and usage >= 0 and min(cache) >= 0 else -1
    rss = 0
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as f:
        rss = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
    return {"bytes": held, "rss_kb": rss}


class _CpuClock:
    """CPU time (ms) of every process in the container except PID 1: the submission
    and whatever it forked, running, dead or reaped. Read from the cgroup's own
    counter (PID 1's share subtracted); without one, summed over /proc plus what
    PID 1 has reaped."""

    def __init__(self) -> None:
        self.ns_scale = 1e-6
        self.source: tuple[str, str | None] | None = None
        for path, key, scale in (("cpuacct/cpuacct.usage", None, 1e-6), ("cpu.stat", "usage_usec", 1e-3)):
            if _own_cgroup() and _cgroup_value(f"{_CGROUP}/{path}", key) is not None:
                self.source, self.ns_scale = (f"{_CGROUP}/{path}", key), scale
                break

    def now(self) -> float:
        if self.source:
            total = _cgroup_value(*self.source)
            if total is not None:
                return total * self.ns_scale - time.process_time() * 1000.0
        return self._proc_sum()

    @staticmethod
    def _proc_sum() -> float:
        import resource

        ticks = 0
        skip = {"1", *(str(t.pid) for t in _TEMPLATE)}
        for name in os.listdir("/proc"):
            if not name.isdigit() or name in skip:
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
            except (OSError, IndexError, ValueError):
                continue
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ticks * 1000.0 / os.sysconf("SC_CLK_TCK") + (reaped.ru_utime + reaped.ru_stime) * 1000.0


def _clean_sandbox(uid: int) -> bool:
    """Nothing of a submission left: no process, no scratch file, no IPC object, no
    shared memory charged to the container; and, as a second line behind the
    separate uid, PID 1 as it was at start (limits, nice value, policy, CPU set,
    I/O priority)."""
    no_process = _kill_strays()
    wiped = no_process and (not _left_behind() or _as_sandbox_user(uid, _wipe_everything))
    template = not _TEMPLATE or _TEMPLATE[0].alive  # a lost template is replaced with the container
    return wiped and template and _shmem_bytes() < (1 << 20) and _process_state() == _JUDGE["state"]


class _Capture:
    """Keeps the head of a stream and counts its bytes."""

    def __init__(self, keep: int) -> None:
        self.keep, self.size, self.head = keep, 0, bytearray()

    def add(self, data: bytes) -> None:
        self.size += len(data)
        room = self.keep - len(self.head)
        if room > 0:
            self.head += data[:room]

    def text(self) -> str:
        return self.head.decode("utf-8", "replace")


class _Channel:
    """The result channel as it arrives: header lines checked by `accepts_message`,
    each accepted answer's payload forwarded to the host unread, in chunks
    (`forward(message_index, chunk)`), a rejected one's skipped. A message counts
    once complete. Each test's CPU time is measured here, by PID 1, for the whole
    container: the CPU clock when test i's result is complete minus when test
    i-1's was (for test 0: when the interpreter was ready). Forked helpers count
    too, and the child's own claims are replaced, so catching the timer, patching
    the clock or working in another process buys nothing. The container's
    OOM-kill count rides along with every result."""

    def __init__(self, n_tests: int, answer_bytes: int, max_bytes: int, forward: Any, on_result: Any) -> None:
        self.header = bytearray()
        self.payload_left = 0
        self.pending: dict | None = None  # the accepted header whose payload is arriving
        self.size, self.max_bytes, self.answer_bytes = 0, max_bytes, answer_bytes
        self.n_tests = n_tests
        self.max_lines = 8 * n_tests + 256  # many more lines than tests: a flood
        self.lines = 0
        self.messages: list[dict] = []
        self.malformed = 0
        self.next_test = 0
        self.ready_at: float | None = None  # CPU clock when the interpreter was ready
        self.mark = 0.0  # CPU clock at the last complete test result (or at ready)
        self.flooded = False
        self.skipping = False  # inside an over-long header line: dropped up to its newline
        self.forward, self.on_result = forward, on_result

    def feed(self, data: bytes, cpu_now: float, oom_kills: int) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            self.flooded = True
            return
        view = memoryview(data)
        while view and not self.flooded:
            if self.payload_left:
                part = view[: self.payload_left]
                view = view[len(part) :]
                self.payload_left -= len(part)
                if self.pending is not None:
                    self.forward(len(self.messages), bytes(part))
                    if not self.payload_left:
                        self._commit(self.pending, cpu_now, oom_kills)
                continue
            cut = bytes(view[: HEADER_BYTES + 1]).find(b"\n")
            if cut < 0:
                if not self.skipping:
                    self.header += view[: HEADER_BYTES + 1]
                view = view[min(len(view), HEADER_BYTES + 1) :]
                if len(self.header) > HEADER_BYTES:  # no message is this long: malformed, skipped
                    self.header, self.skipping = bytearray(), True
                    self.malformed += 1
                continue
            line = bytes(self.header + view[:cut])
            view = view[cut + 1 :]
            self.header, skipped, self.skipping = bytearray(), self.skipping, False
            if not skipped:
                self._header(line, cpu_now, oom_kills)

    def _header(self, line: bytes, cpu_now: float, oom_kills: int) -> None:
        self.lines += 1
        if self.lines > self.max_lines:
            self.flooded = True  # far more lines than tests: a flood, not results
            return
        if len(line) > HEADER_BYTES:
            self.malformed += 1
            return
        try:
            msg = json.loads(line)
        except (ValueError, RecursionError):
            self.malformed += 1
            return
        if msg == {"t": "ready"} and self.ready_at is None and not self.messages:
            self.ready_at = self.mark = cpu_now
            return
        n = msg.get("n") if isinstance(msg, dict) else None
        if type(n) is int and n > self.answer_bytes:
            self.flooded = True  # one answer over the output limit: not read at all
            return
        accepted = accepts_message(msg, self.next_test, self.n_tests)
        self.malformed += not accepted
        if type(n) is int and n > 0:  # its payload follows: forwarded if accepted, else skipped
            self.payload_left, self.pending = n, _clean_message(msg) if accepted else None
        elif accepted:
            self._commit(_clean_message(msg), cpu_now, oom_kills)

    def _commit(self, msg: dict, cpu_now: float, oom_kills: int) -> None:
        self.pending = None
        if msg["t"] in ("test", "bad_test"):
            msg["cpu_ms"] = max(0.0, cpu_now - self.mark)  # the counters tick apart: never below zero
            msg["oom_kills"] = oom_kills
            self.mark, self.next_test = cpu_now, self.next_test + 1
        self.messages.append(msg)
        if msg["t"] in ("test", "bad_test"):
            self.on_result(self.next_test)


class _Feeder:
    """The submission's inputs, written without ever blocking PID 1: the job's own
    line and test 0 at once, test i only once test i-1's result is complete."""

    def __init__(self, fd: int, sel: Any, job_line: bytes, tests: list[str]) -> None:
        self.fd, self.sel, self.tests = fd, sel, tests
        self.data, self.pos, self.queued = job_line, 0, 0
        os.set_blocking(fd, False)
        self.queue(0)

    def queue(self, i: int) -> None:
        if i != self.queued or i >= len(self.tests) or self.fd < 0:
            return
        line = (json.dumps(self.tests[i]) + "\n").encode()
        self.data, self.pos, self.queued = self.data[self.pos :] + line, 0, i + 1
        if self.fd not in self.sel.get_map():
            self.sel.register(self.fd, 2)  # selectors.EVENT_WRITE

    def write(self) -> None:
        if self.fd < 0 or self.pos >= len(self.data):
            return
        try:
            self.pos += os.write(self.fd, memoryview(self.data)[self.pos : self.pos + _CHUNK])
        except BlockingIOError:
            return
        except OSError:  # the submission closed its end or died: nothing more to send
            self.close()
            return
        if self.pos >= len(self.data):
            self.data, self.pos = b"", 0
            if self.fd in self.sel.get_map():
                self.sel.unregister(self.fd)

    def close(self) -> None:
        if self.fd >= 0:
            if self.fd in self.sel.get_map():
                self.sel.unregister(self.fd)
            os.close(self.fd)
            self.fd = -1


class _HarnessFailure(Exception):
    """The harness could not run a job. `submission_ran` tells the host whether the
    submission's process had started (then the failure may be its doing)."""

    def __init__(self, message: str, submission_ran: bool) -> None:
        super().__init__(message)
        self.submission_ran = submission_ran


def run_job(job: dict, uid: int, emit: Any) -> dict:
    """Run one job; `emit(bytes)` streams answer payloads to the host as they arrive
    (`{"chunk": message_index, "n": size}` lines, each followed by its bytes),
    buffered up to a bounded size.
    Returns the report; raises _HarnessFailure."""
    try:
        limits = job["limits"]
        tests = [str(t) for t in job["tests"]]
        job_line = (json.dumps({"code": str(job["code"]), "signature": job["signature"],
                                "time_ms": float(limits["time_ms"]), "tests": len(tests)}) + "\n").encode()
        per_test_ms = cpu_budget_ms(limits["time_ms"])
        total_ms = cpu_budget_ms(limits["total_time_ms"])
        wall_s, answer_bytes = limits["wall_ms"] / 1000.0, int(limits["output_bytes"])
        out_cap, result_cap = int(limits["output_bytes"]), int(limits["result_bytes"])
        _child_limits(limits)
    except (KeyError, TypeError, ValueError) as e:
        raise _HarnessFailure(f"malformed job: {type(e).__name__}: {e}", submission_ran=False) from None
    clock = _CpuClock()
    cpu_start, oom_start = clock.now(), _oom_kills()
    res_r, res_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    in_r, in_w = os.pipe()
    devnull = os.open(os.devnull, os.O_RDONLY)
    sys.stdout.flush()
    started = time.monotonic()
    pid = _spawn(limits, {0: devnull, 1: out_w, 2: err_w, CHANNEL_FD: res_w, INPUT_FD: in_r}, uid)
    for fd in (res_w, out_w, err_w, devnull, in_r):
        os.close(fd)
    try:
        return _supervise(pid, clock, cpu_start, oom_start, started, {
            "tests": tests, "job_line": job_line, "per_test_ms": per_test_ms, "total_ms": total_ms,
            "wall_s": wall_s, "answer_bytes": answer_bytes, "out_cap": out_cap, "result_cap": result_cap,
        }, (res_r, out_r, err_r, in_w), uid, emit) | {"id": job.get("id"), "protocol": PROTOCOL}
    except _HarnessFailure:
        raise
    except Exception as e:  # PID 1 failed while the submission ran: the host suspects the submission
        _kill_strays()
        raise _HarnessFailure(f"{type(e).__name__}: {e}", submission_ran=True) from None


def _supervise(pid: int, clock: _CpuClock, cpu_start: float, oom_start: int, started: float, job: dict,
               fds: tuple[int, int, int, int], uid: int, emit: Any) -> dict:
    import selectors

    res_r, out_r, err_r, in_w = fds
    own_wall = [0.0]  # PID 1's time forwarding answers: charged to no deadline

    def cpu_used() -> float:
        return clock.now() - cpu_start

    def oom_kills() -> int:
        return _oom_kills() - oom_start if oom_start >= 0 else 0

    def forward(index: int, chunk: bytes) -> None:
        t0 = time.monotonic()
        emit(b'{"chunk":%d,"n":%d}\n' % (index, len(chunk)) + chunk)
        own_wall[0] += time.monotonic() - t0

    sel = selectors.DefaultSelector()
    feeder = _Feeder(in_w, sel, job["job_line"], job["tests"])
    results = _Channel(len(job["tests"]), job["answer_bytes"], job["result_cap"], forward, feeder.queue)
    stdout, stderr = _Capture(16384), _Capture(16384)
    for fd in (res_r, out_r, err_r):
        sel.register(fd, selectors.EVENT_READ)
    killed = None
    status = rusage = None
    readers = {res_r, out_r, err_r}

    def pump(timeout: float) -> bool:
        """Read what is ready, write what the child can take; False when nothing was."""
        events = sel.select(timeout)
        for key, _ in events:
            if key.fd == feeder.fd:
                feeder.write()
                continue
            data = os.read(key.fd, _CHUNK)
            if not data:
                sel.unregister(key.fd)
                readers.discard(key.fd)
            elif key.fd == res_r:
                results.feed(data, cpu_used(), oom_kills())
            else:
                (stdout if key.fd == out_r else stderr).add(data)
        return bool(events)

    while status is None:
        now = time.monotonic()
        deadline = started + job["wall_s"] + own_wall[0]
        cpu = cpu_used()
        if now >= deadline:
            killed = "wall"
        elif stdout.size + stderr.size > job["out_cap"] or results.flooded:
            killed = "output"
        elif cpu - (results.ready_at or 0.0) > job["total_ms"]:
            killed = "cpu"
        elif results.ready_at is not None and cpu - results.mark > job["per_test_ms"]:
            killed = "test_cpu"  # the test running now is over its own limit
        elif oom_kills() > 0:
            killed = "memory"  # the kernel killed a process of the submission: the test is lost
        if killed:
            os.kill(pid, signal.SIGKILL)
            _, status, rusage = os.wait4(pid, 0)
            break
        busy = pump(min(0.05, deadline - now)) if sel.get_map() else False
        waited, st, ru = os.wait4(pid, os.WNOHANG)
        if waited:
            status, rusage = st, ru
        elif not busy and not sel.get_map():
            time.sleep(0.002)
    wall_ms = (time.monotonic() - started) * 1000 - own_wall[0] * 1000
    feeder.close()
    _kill_strays()  # descendants die now; their pipe ends close
    while readers and pump(0.05):
        pass
    for fd in (res_r, out_r, err_r):
        os.close(fd)
    sel.close()
    cpu_total = cpu_used()
    startup = results.ready_at or 0.0
    cleanup_started = time.monotonic()
    clean = _clean_sandbox(uid)
    cleanup_ms = (time.monotonic() - cleanup_started) * 1000
    if results.ready_at is None:
        # the interpreter stopped (or was stopped) before any of the submission ran
        raise _HarnessFailure(f"the submission's interpreter never became ready (status {status}, "
                              f"killed {killed}): {stderr.text()[-500:]}", submission_ran=True)
    return {
        "messages": results.messages,
        "malformed_messages": results.malformed,
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "killed": killed,
        "cpu_ms": max(0.0, cpu_total - startup),  # every process of the submission, after start-up
        "startup_cpu_ms": startup,
        "maxrss_kb": rusage.ru_maxrss if rusage else 0,
        "wall_ms": wall_ms,
        "oom_kills": oom_kills() if oom_start >= 0 else None,
        "channel_bytes": results.size,
        "stdout_bytes": stdout.size,
        "stderr_bytes": stderr.size,
        "stdout": stdout.text(),
        "stderr": stderr.text(),
        "clean": clean,
        "cleanup_ms": cleanup_ms,  # PID 1's own time after the submission ended
    }


def _release_memory() -> None:
    """Give what the last job used back to the kernel, so the next job's memory
    limit starts from what PID 1 itself needs. A job's data hold no reference
    cycles (parsed JSON, bytes), so dropping the references frees them."""
    with contextlib.suppress(OSError, AttributeError):
        _libc().malloc_trim(0)


def serve(uid: int) -> None:
    """PID 1: one job per line on stdin; per job, answer payload chunks, the report
    line, then (once the job's memory is released) an `idle` line with what the
    container holds between jobs."""
    if os.getpid() != 1:  # it kills every process it may signal: never on a host
        sys.exit("harness.py serve must be PID 1 of its own container")
    if uid in (0, HARNESS_UID):
        sys.exit(f"harness.py serve: the sandbox uid must not be root's or the harness's ({uid})")
    _become_judge()
    # Python's one default handler: a submission's SIGINT to PID 1 would raise
    # KeyboardInterrupt here. Ignored, the kernel never delivers it. A write to a
    # pipe whose reader died fails with EPIPE instead of a signal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    _CHILD_ENV.update(os.environ)
    _JUDGE["state"] = _process_state()
    _TEMPLATE.append(_Template())  # now, while PID 1 has held no job
    out = sys.stdout.buffer
    pending = bytearray()  # answer chunks not yet sent: at most _CHUNK beyond one chunk

    def emit(data: bytes) -> None:
        pending.extend(data)
        if len(pending) >= _CHUNK:
            flush()

    def flush() -> None:
        out.write(pending)
        out.flush()
        pending.clear()

    def answer(obj: dict) -> None:
        emit(json.dumps(obj, separators=(",", ":")).encode() + b"\n")
        flush()

    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            job = json.loads(line)
            del line
            if job.get("ping"):
                answer({"pong": True, "protocol": PROTOCOL, "memory": harness_memory()})
                continue
            answer(run_job(job, uid, emit))
        except _HarnessFailure as e:
            answer({"protocol": PROTOCOL, "harness_error": str(e), "submission_ran": e.submission_ran})
        except Exception as e:  # a malformed job line is the host's bug: say so, keep serving
            answer({"protocol": PROTOCOL, "harness_error": f"{type(e).__name__}: {e}", "submission_ran": False})
        job = None
        released = time.monotonic()
        _release_memory()
        answer({"idle": harness_memory(), "release_ms": (time.monotonic() - released) * 1000})


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"] and len(sys.argv) == 3 and sys.argv[2].isdigit():
        serve(int(sys.argv[2]))
    elif sys.argv[1:] == ["child"]:
        child()
    else:
        sys.exit("usage: harness.py serve SANDBOX_UID | child")
