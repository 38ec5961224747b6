"""The sandbox harness: runs inside the judge container, standard library only.

It is the container's PID 1 (`python3 -I /opt/lcjudge/harness.py serve`), reads one
job per line on stdin and writes one result per line on stdout. For every job it
starts a fresh interpreter (`harness.py child`, the job on a memfd at fd 4), so
no submission starts from a process image that held another submission's data;
applies that process's own limits; before and after, kills every stray process
and wipes what could carry state to the next submission (/tmp, /dev/shm,
/dev/mqueue, System V shared memory, queues and semaphores), reporting the
container unclean (to be recycled) when anything remains. It returns plain JSON
outputs and never sees expected outputs: the host compares.

CPU: each test's CPU is the whole container's (cgroup cpuacct / cpu.stat) minus
PID 1's own, counted from the child's "ready" message, so work in forked
processes, subprocesses or threads counts against the per-test limit. Memory:
the cgroup's OOM-kill counter is read after each test, so memory spread over
several processes is Memory Limit Exceeded on the test where it happened.
Results: `accepts_message` is the one result-channel rule (an integer index,
exactly the next test, in order); the host applies the same function again.

Why PID 1: signals without a handler -- SIGKILL included -- sent from inside the
container to PID 1 are dropped by the kernel, so a submission cannot kill the
process that reports on it; and PID 1 is also the parent every orphan is
reparented to, so strays are reaped here. The server also makes itself
non-dumpable, so the submission (same uid) can neither ptrace it nor open its
file descriptors through /proc.

Channel: the submission's stdout/stderr are pipes the server reads and caps;
outputs travel on a separate pipe (fd 3) as JSON lines, so prints cannot corrupt
them. A submission that writes forged lines to fd 3 only claims outputs, which the
host still compares against expectations it never had; CPU time and memory come
from the kernel (rusage, rlimits, cgroup counters), not from the submission.

The module is importable on the host too: the type grammar and the LeetCode value
conversions below are the single definition both sides use.
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


def _child_main(job: dict, channel: int) -> None:
    """Runs in the submission's own interpreter. Everything here is reachable by the
    untrusted code, so nothing here decides a verdict."""

    def send(msg: dict | bytes) -> None:
        data = msg if isinstance(msg, bytes) else _line(msg)
        while data:
            data = data[os.write(channel, data) :]

    sig = job["signature"]
    per_test = job["limits"]["time_ms"] / 1000.0
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
    for i, text in enumerate(job["tests"]):
        try:
            values = split_input(text)
        except ValueError as e:
            send({"t": "bad_test", "i": i, "message": f"unparsable input: {e}"})
            return
        start = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, per_test)
        try:
            output = call(values)
            signal.setitimer(signal.ITIMER_PROF, 0)
            if time.process_time() - start > per_test:  # the solution caught the timer's exception
                raise _TimeLimit()
            msg = _line({"t": "test", "i": i, "ok": True, "output": output})
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
        send(msg)
    send({"t": "done"})


def _line(msg: dict) -> bytes:
    return (json.dumps(msg, separators=(",", ":")) + "\n").encode()


CHANNEL_FD, JOB_FD = 3, 4  # in the submission's process: results out, its job in


def child() -> None:
    """Entry of a submission's process: a fresh interpreter that PID 1 exec'd for
    this one job, so its memory has never held another submission's code, outputs
    or results (a fork of the long-lived server would inherit all of them)."""
    try:
        with os.fdopen(JOB_FD, "rb") as f:
            job = json.loads(f.read())
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        sys.stderr.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        _child_main(job, CHANNEL_FD)
    except BaseException as e:
        os.write(2, f"harness child failed: {e!r}\n".encode())
    finally:
        try:
            sys.stdout.flush()
        finally:
            os._exit(0)  # no atexit handler of the submission's runs after its results


# ---------------------------------------------------------- the result channel rule

def accepts_message(msg: Any, next_test: int, n_tests: int) -> bool:
    """The one rule for a result line, applied by PID 1 as lines arrive and again by
    the host: a known kind; a test result carries exactly the next index as an
    integer (not 0.0, not true) and in order; a compile or module error only before
    any test result; `done` only after the last one."""
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
        return (ok is True and "output" in msg) or (
            ok is False and isinstance(msg.get("kind"), str) and isinstance(msg.get("message"), str)
        )
    if kind in ("compile_error", "module_error"):
        return next_test == 0 and isinstance(msg.get("message"), str)
    return kind == "done" and next_test == n_tests


# ----------------------------------------------------------------------- server

SCRATCH_DIRS = ("/tmp", "/dev/shm", "/dev/mqueue")  # /dev/mqueue: POSIX message queues
_CHUNK = 1 << 16
_CGROUP = "/sys/fs/cgroup"


def _apply_limits(limits: dict) -> None:
    """The submission's own kernel-enforced limits (it cannot raise a hard limit)."""
    import resource

    mem = int(limits["memory_mb"]) << 20
    cpu = max(1, -(-int(limits["total_time_ms"]) // 1000))  # whole seconds, rounded up
    for name, soft, hard in (
        ("RLIMIT_AS", mem, mem),
        ("RLIMIT_STACK", mem, mem),
        ("RLIMIT_CPU", cpu, cpu + 1),  # SIGXCPU at the limit, SIGKILL a second later
        ("RLIMIT_FSIZE", int(limits["file_bytes"]), int(limits["file_bytes"])),
        ("RLIMIT_NOFILE", 64, 64),
        ("RLIMIT_CORE", 0, 0),
    ):
        which = getattr(resource, name)
        ceiling = resource.getrlimit(which)[1]
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        resource.setrlimit(which, (soft, hard))


def _job_file(job: dict) -> int:
    """The submission's part of the job (no expected output exists here anyway) in
    an anonymous memory file the child reads: no pipe to keep fed while it runs."""
    mine = {"code": job["code"], "signature": job["signature"], "tests": job["tests"],
            "limits": {"time_ms": job["limits"]["time_ms"]}}
    fd = os.memfd_create("lcjudge-job", os.MFD_CLOEXEC)
    data = json.dumps(mine, separators=(",", ":")).encode()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


_CHILD_ENV: dict[str, str] = {}  # the container's environment, kept by serve()


def _spawn(limits: dict, fds: dict[int, int]) -> int:
    """Fork, place `fds` (target -> source) and exec a fresh interpreter running
    `child()`. Only harness code runs between fork and exec."""
    import fcntl

    pid = os.fork()
    if pid:
        return pid
    try:  # ---------------------------------------------- the submission, before exec
        high = {dst: fcntl.fcntl(src, fcntl.F_DUPFD, 64) for dst, src in fds.items()}
        for dst, src in high.items():  # via high numbers: a source may sit on a target
            os.dup2(src, dst)
        os.closerange(len(fds), 1 << 16)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # an ignored signal stays ignored across exec
        os.chdir("/tmp")
        with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")  # out of memory, the kernel kills the submission first, not PID 1
        _apply_limits(limits)
        me = os.path.abspath(__file__)
        os.execve(sys.executable, [sys.executable, "-s", "-B", "-P", me, "child"], _CHILD_ENV)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.write(2, f"harness could not start the submission: {e!r}\n".encode())
    os._exit(127)


def _kill_strays() -> None:
    """Kill every process of ours but this one, then reap them (we are their parent)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.001)


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
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        remove = {"shm": lambda i: libc.shmctl(i, 0, None), "msg": lambda i: libc.msgctl(i, 0, None),
                  "sem": lambda i: libc.semctl(i, 0, 0)}  # 0 = IPC_RMID
        for kind, rm in remove.items():
            for ident in _sysv_ids(kind):
                rm(ident)
        return not any(_sysv_ids(kind) for kind in remove)
    except Exception:  # unreadable or unremovable: a dirty sandbox is replaced
        return False


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
        for name in os.listdir("/proc"):
            if not name.isdigit() or name == "1":
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
            except (OSError, IndexError, ValueError):
                continue
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ticks * 1000.0 / os.sysconf("SC_CLK_TCK") + (reaped.ru_utime + reaped.ru_stime) * 1000.0


def _clean_sandbox() -> bool:
    """Nothing of a submission left: no process, no scratch file, no IPC object, no
    shared memory charged to the container."""
    _kill_strays()
    clean = all([_wipe(d) for d in SCRATCH_DIRS]) & _remove_sysv_ipc()
    return clean and _shmem_bytes() < (1 << 20)


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


_MAX_DEPTH = 64  # no real message nests deeper; the host must be able to re-read it
def cpu_budget_ms(limit_ms: float) -> float:
    """The CPU a limit allows once measured: PID 1 reads the clock a little after
    each result, so 5% + 50 ms of slack. One rule for the harness and the host."""
    return float(limit_ms) * 1.05 + 50


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value, without recursion (stops past _MAX_DEPTH)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if d > _MAX_DEPTH:
            break
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


class _Results:
    """The result channel, parsed line by line as it arrives and filtered by
    `accepts_message`. Each test's CPU time is measured here, by PID 1, for the
    whole container: the CPU clock when the result for test i arrives minus when
    the result for test i-1 did (for test 0: when the submission's interpreter was
    ready). Forked helpers count too, and the child's own claims are replaced, so
    catching the timer, patching the clock or working in another process buys
    nothing. The container's OOM-kill count rides along with every result."""

    def __init__(self, n_tests: int, max_bytes: int) -> None:
        self.buf = bytearray()
        self.size = 0
        self.max_bytes = max_bytes
        self.n_tests = n_tests
        self.max_lines = 8 * n_tests + 256  # many more lines than tests: a flood
        self.lines = 0
        self.messages: list[dict] = []
        self.malformed = 0
        self.next_test = 0
        self.ready_at: float | None = None  # CPU clock when the interpreter was ready
        self.mark = 0.0  # CPU clock at the last accepted test result (or at ready)
        self.flooded = False

    def feed(self, data: bytes, cpu_now: float, oom_kills: int) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            self.flooded = True
            return
        start = len(self.buf)
        self.buf += data
        cut = self.buf.find(b"\n", start)  # search only the new bytes: linear in the stream
        while cut >= 0 and not self.flooded:
            line = bytes(self.buf[:cut])
            del self.buf[: cut + 1]
            self._line(line, cpu_now, oom_kills)
            cut = self.buf.find(b"\n")

    def _line(self, line: bytes, cpu_now: float, oom_kills: int) -> None:
        self.lines += 1
        if self.lines > self.max_lines:
            self.flooded = True  # far more lines than tests: a flood, not results
            return
        try:
            msg = json.loads(line)
        except (ValueError, RecursionError):
            self.malformed += 1
            return
        if msg == {"t": "ready"} and self.ready_at is None and not self.messages:
            self.ready_at = self.mark = cpu_now
            return
        if _depth(msg) > _MAX_DEPTH or not accepts_message(msg, self.next_test, self.n_tests):
            self.malformed += 1
            return
        if msg["t"] in ("test", "bad_test"):
            msg["cpu_ms"] = cpu_now - self.mark
            msg["oom_kills"] = oom_kills
            self.mark, self.next_test = cpu_now, self.next_test + 1
        self.messages.append(msg)


def run_job(job: dict) -> dict:
    import selectors

    limits = job["limits"]
    per_test_ms = cpu_budget_ms(limits["time_ms"])
    total_ms = cpu_budget_ms(limits["total_time_ms"])
    clean_before = _clean_sandbox()
    clock = _CpuClock()
    cpu_start, oom_start = clock.now(), _oom_kills()
    job_fd = _job_file(job)
    res_r, res_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    devnull = os.open(os.devnull, os.O_RDONLY)
    sys.stdout.flush()
    started = time.monotonic()
    pid = _spawn(limits, {0: devnull, 1: out_w, 2: err_w, CHANNEL_FD: res_w, JOB_FD: job_fd})
    for fd in (res_w, out_w, err_w, devnull, job_fd):
        os.close(fd)

    def cpu_used() -> float:
        return clock.now() - cpu_start

    def oom_kills() -> int:
        return _oom_kills() - oom_start if oom_start >= 0 else 0

    deadline = started + limits["wall_ms"] / 1000.0
    out_cap = limits["output_bytes"]
    results = _Results(len(job["tests"]), limits["result_bytes"])
    stdout, stderr = _Capture(16384), _Capture(16384)
    sel = selectors.DefaultSelector()
    for fd in (res_r, out_r, err_r):
        sel.register(fd, selectors.EVENT_READ)
    killed = None
    status = rusage = None

    def pump(timeout: float) -> bool:
        """Read what is ready; False when nothing was."""
        events = sel.select(timeout)
        for key, _ in events:
            data = os.read(key.fd, _CHUNK)
            if not data:
                sel.unregister(key.fd)
            elif key.fd == res_r:
                results.feed(data, cpu_used(), oom_kills())
            else:
                (stdout if key.fd == out_r else stderr).add(data)
        return bool(events)

    while status is None:
        now = time.monotonic()
        cpu = cpu_used()
        if now >= deadline:
            killed = "wall"
        elif stdout.size + stderr.size > out_cap or results.flooded:
            killed = "output"
        elif cpu - (results.ready_at or 0.0) > total_ms:
            killed = "cpu"
        elif results.ready_at is not None and cpu - results.mark > per_test_ms:
            killed = "test_cpu"  # the test running now is over its own limit
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
    wall_ms = (time.monotonic() - started) * 1000
    _kill_strays()  # descendants die now; their pipe ends close
    while sel.get_map() and pump(0.05):
        pass
    for fd in (res_r, out_r, err_r):
        os.close(fd)
    sel.close()
    cpu_total = cpu_used()
    startup = results.ready_at or 0.0
    clean_after = _clean_sandbox()
    if results.ready_at is None:
        # the interpreter stopped (or was stopped) before any of the submission
        # ran: the sandbox's failure, never a verdict on the submission
        return {"id": job.get("id"), "protocol": PROTOCOL,
                "harness_error": f"the submission's interpreter never became ready "
                                 f"(status {status}, killed {killed}): {stderr.text()[-500:]}"}
    return {
        "id": job.get("id"),
        "protocol": PROTOCOL,
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
        "clean": clean_before and clean_after,
    }


def _make_undumpable() -> None:
    """PR_SET_DUMPABLE=0: same-uid processes can no longer ptrace us or open
    /proc/1/fd/*. Best effort on platforms without prctl."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except (OSError, AttributeError):
        pass


def serve() -> None:
    if os.getpid() != 1:  # it kills every process it may signal: never on a host
        sys.exit("harness.py serve must be PID 1 of its own container")
    _make_undumpable()
    # Python's one default handler: a submission's SIGINT to PID 1 would raise
    # KeyboardInterrupt here. Ignored, the kernel never delivers it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _CHILD_ENV.update(os.environ)
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            job = json.loads(line)
            result = {"pong": True, "protocol": PROTOCOL} if job.get("ping") else run_job(job)
        except Exception as e:  # a malformed job is the host's bug: say so, keep serving
            result = {"protocol": PROTOCOL, "harness_error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(result, separators=(",", ":")).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    elif sys.argv[1:] == ["child"]:
        child()
    else:
        sys.exit("usage: harness.py serve | child")
