"""Hostile submissions through the real sandbox: cheats, escapes, resource bombs.

Every case is a submission judged by the real judge image. Each asserts that the
verdict is not Accepted, that it is the right verdict class, and, where the attack
aims at the sandbox, that the sandbox came out untouched: after every hostile
submission a correct one is Accepted, and the isolation tests check that the next
submission, in the same container, sees nothing of its predecessor.

Sandbox properties are checked with *probes*: a problem whose expected output is
the word ``escaped``, and a submission that tries an escape and returns
``escaped`` only if it worked (``contained`` otherwise, with what it saw printed to
stdout, which the result carries). A probe must therefore end as Wrong Answer with
output ``contained``: an Accepted probe is an escape.
"""

from __future__ import annotations

import re
import secrets
from textwrap import dedent, indent

import pytest

from judge.errors import SandboxUnavailable
from judge.problem import Limits, Problem
from judge.verdict import JudgeResult, Verdict
from tests.support import design_problem, function_problem

AC = Verdict.ACCEPTED
WA = Verdict.WRONG_ANSWER
TLE = Verdict.TIME_LIMIT
MLE = Verdict.MEMORY_LIMIT
RE = Verdict.RUNTIME_ERROR
CE = Verdict.COMPILE_ERROR
OLE = Verdict.OUTPUT_LIMIT

# Tight limits keep the file fast: the wall backstop is 2 x CPU budget + 5 s.
FAST = Limits(time_ms=1000, total_time_ms=2000, memory_mb=256)
TIGHT = Limits(time_ms=300, total_time_ms=1000, memory_mb=256)  # RLIMIT_CPU = 1 s
QUICK_WALL = Limits(time_ms=300, total_time_ms=600, memory_mb=256)
ROOMY = Limits(time_ms=5000, total_time_ms=10000, memory_mb=512)


def solution(body: str, *, method: str = "add", args: str = "a, b", prelude: str = "") -> str:
    """A `class Solution` whose one method runs `body`, after module code `prelude`."""
    code = dedent(prelude).strip("\n") + "\n" if prelude.strip() else ""
    code += f"class Solution:\n    def {method}(self, {args}):\n"
    return code + indent(dedent(body).strip("\n") + "\n", " " * 8)


ADD = function_problem(
    "add", [("a", "integer"), ("b", "integer")], "integer",
    [("1\n2", 3), ("40\n2", 42), ("-7\n7", 0)], slug="hostile-add",
)
ADD_ONE = function_problem(
    "add", [("a", "integer"), ("b", "integer")], "integer", [("40\n2", 42)], slug="hostile-add-one",
)
GOOD_ADD = solution("return a + b")
WRONG_ADD = solution("return a - b")

# Expected values only the host knows (fresh every run): forging cannot guess them.
SECRET = 100_000_000 + secrets.randbelow(900_000_000)
GUESS = function_problem("guess", [("seed", "integer")], "integer", [("7", SECRET), ("8", SECRET + 1)],
                         slug="hostile-guess")
MARKER = "LCSECRET-" + secrets.token_hex(16)
FIND_MARKER = function_problem("probe", [("x", "string")], "string", [('"go"', MARKER)], slug="hostile-marker")

PAIR = function_problem("pair", [("n", "integer")], "integer[]", [("3", [3, 4]), ("9", [9, 10])],
                        slug="hostile-pair")
HALF = function_problem("half", [("n", "integer")], "double", [("3", 1.5), ("5", 2.5)], slug="hostile-half")
WORD = function_problem("word", [("n", "integer")], "string", [("3", "ccc"), ("1", "c")], slug="hostile-word")
REVERSE = function_problem("reverse", [("head", "ListNode")], "ListNode", [("[1,2,3]", [3, 2, 1])],
                           slug="hostile-list")
MIRROR = function_problem("mirror", [("root", "TreeNode")], "TreeNode", [("[1,2,3]", [1, 3, 2])],
                          slug="hostile-tree")
COUNTER = design_problem(
    "Counter", [("start", "integer")], {"inc": ([("by", "integer")], "integer")},
    [('["Counter","inc","inc"]\n[[5],[1],[2]]', [None, 6, 8])], slug="hostile-design",
)


def probe_problem(expected: str = "escaped") -> Problem:
    return function_problem("probe", [("x", "string")], "string", [('"go"', expected)], slug="hostile-probe")


PROBE = probe_problem()


def probe(body: str, prelude: str = "", *, show_container: bool = False) -> str:
    """A probe's submission; `show_container` prints the container's name first."""
    if show_container:
        body = "import socket\nprint('container=' + socket.gethostname())\n" + dedent(body).strip("\n")
    return solution(body, method="probe", args="x", prelude=prelude)


def judged(judge, problem: Problem, code: str, limits: Limits = FAST) -> JudgeResult:
    """Judge one submission; a hostile submission must still get a verdict (an
    exception would leave its unit pending forever), and the sandbox must judge the
    next submission correctly."""
    try:
        result = judge.judge(problem, code, limits=limits)
    except SandboxUnavailable as e:
        pytest.fail(f"no verdict: the submission made the judge report sandbox trouble: {e}")
    except Exception as e:  # anything else escaping the judge is a bug too
        pytest.fail(f"no verdict: the judge raised {type(e).__name__}: {e}")
    assert_still_judges(judge)
    return result


# The neighbour: a correct submission that needs most of what a submission may
# have (memory, a deep C stack, some CPU), judged after each hostile one in the
# same container (`judge` below is one container per module).
NEIGHBOUR = solution("""
    from functools import lru_cache
    @lru_cache(None)
    def depth(k):
        return 0 if k == 0 else depth(k - 1) + 1
    block = bytearray(b"\\1") * (120 << 20)
    return a + b + depth(30_000) - 30_000 + block[-1] - 1
""")


@pytest.fixture(scope="module")
def judge(one_container_judge):
    return one_container_judge


def assert_still_judges(judge) -> None:
    after = judge.judge(ADD_ONE, NEIGHBOUR, limits=FAST)
    assert after.verdict is AC, f"a correct solution after a hostile one: {after.verdict}, {after.first_failure}"


def explain(result: JudgeResult) -> str:
    f = result.first_failure
    return (f"verdict={result.verdict} passed={result.passed}/{result.total} got={f.got if f else None!r} "
            f"message={(f.message if f else '')[:500]!r} stdout={result.stdout[:1500]!r}")


def assert_verdict(result: JudgeResult, *allowed: Verdict) -> None:
    assert result.verdict is not AC, "FALSE ACCEPTED: " + explain(result)
    assert result.verdict in allowed, explain(result)


def assert_contained(result: JudgeResult) -> None:
    assert result.verdict is not AC, "ESCAPE: " + explain(result)
    assert result.verdict is WA and result.first_failure.got == "contained", explain(result)


def container_of(result: JudgeResult) -> str:
    m = re.search(r"container=(\S+)", result.stdout)
    assert m, f"the probe did not print its container: {result.stdout[:300]!r}"
    return m.group(1)


# ----------------------------------------------------------------- verdict classes

SLOW_CASES = [
    pytest.param(solution("while True: pass"), TIGHT, TLE, id="infinite-loop"),
    pytest.param(solution("""
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass
    """), TIGHT, TLE, id="catch-timer-in-loop"),
    pytest.param(solution("""
        import time
        end = time.process_time() + 0.6
        while time.process_time() < end:
            try:
                sum(range(100))
            except BaseException:
                pass
        return a + b
    """), TIGHT, TLE, id="catch-timer-then-answer"),
    pytest.param(solution("""
        import signal, time
        signal.signal(signal.SIGPROF, signal.SIG_IGN)
        end = time.process_time() + 0.6
        while time.process_time() < end:
            pass
        return a + b
    """), TIGHT, TLE, id="ignore-sigprof-then-answer"),
    pytest.param(solution("""
        import signal
        for s in (signal.SIGPROF, signal.SIGXCPU, signal.SIGALRM, signal.SIGVTALRM):
            signal.signal(s, signal.SIG_IGN)
        while True:
            pass
    """), TIGHT, TLE, id="ignore-sigprof-and-sigxcpu"),
    pytest.param(solution("return 10 ** (10 ** 8)"), TIGHT, TLE, id="huge-pow"),
    # One C call that never returns to the interpreter: only RLIMIT_CPU or the wall
    # clock can stop it.
    pytest.param(solution("x = (1 << 10 ** 8) - 1\nreturn (x * x) & 1"), QUICK_WALL, TLE,
                 id="c-level-bigint-multiply"),
    pytest.param(solution("import re\nreturn len(re.findall(r'(a+)+$', 'a' * 64 + 'b'))"), TIGHT, TLE,
                 id="catastrophic-regex"),
    pytest.param(solution("import time\ntime.sleep(10 ** 6)"), QUICK_WALL, TLE, id="sleep-forever"),
]


@pytest.mark.docker
@pytest.mark.parametrize(("code", "limits", "verdict"), SLOW_CASES)
def test_time_bombs(judge, code, limits, verdict):
    assert_verdict(judged(judge, ADD, code, limits), verdict)


# Correct but too slow on its one test (0.3 s of CPU against 50 ms per test, 3 s in
# all), with the per-test timer disabled by tampering with what the harness shares
# with the solution. The wall backstop (5.1 s) is far enough not to decide it.
PER_TEST = Limits(time_ms=50, total_time_ms=3000, memory_mb=256)


@pytest.mark.docker
@pytest.mark.parametrize("code", [
    pytest.param(solution("""
        end = _clock() + 0.3
        while _clock() < end:
            pass
        time.process_time = lambda: 0.0  # the harness measures the test with this
        return a + b
    """, prelude="""
        import signal, time
        _clock = time.process_time
        signal.signal(signal.SIGPROF, signal.SIG_IGN)
    """), id="ignore-sigprof-and-patch-process-time"),
    pytest.param(solution("""
        import json, os, time
        end = time.process_time() + 0.3
        while True:
            try:
                while time.process_time() < end:
                    pass
                break
            except BaseException:
                continue
        line = {"t": "test", "i": 0, "ok": True, "output": a + b}
        os.write(3, (json.dumps(line) + "\\n").encode())  # claim success before the harness reports TLE
        return a + b
    """), id="catch-timer-and-forge-result-line"),
])
def test_per_test_time_limit_cannot_be_disabled(judge, code):
    assert_verdict(judged(judge, ADD_ONE, code, PER_TEST), TLE)


MEMORY_CASES = [
    pytest.param(solution("return len(bytearray(10 ** 10))"), id="one-huge-allocation"),
    pytest.param(solution("return len([0] * 10 ** 9)"), id="huge-list"),
    pytest.param(solution("""
        x = []
        while True:
            x.append(" " * 100000)
    """), id="growing-list"),
    pytest.param(solution("""
        x = "x"
        while True:
            x = x + x
    """), id="doubling-string"),
]


@pytest.mark.docker
@pytest.mark.parametrize("code", MEMORY_CASES)
def test_memory_bombs(judge, code):
    assert_verdict(judged(judge, ADD, code), MLE)


@pytest.mark.docker
def test_memory_bomb_spread_over_processes(judge):
    """Three processes, each within its own RLIMIT_AS, hold 150 MB at the same time:
    together far over the job's 256 MB. The container's memory limit follows the
    job's, so the kernel kills one of them, PID 1 reads the cgroup's OOM counter
    with that test's result, and the right answer returned afterwards is Memory
    Limit Exceeded -- every time, however the processes are scheduled (they wait
    for each other before letting go)."""
    code = solution("""
        import os, time
        r, w = os.pipe()
        kids = []
        for _ in range(3):
            pid = os.fork()
            if pid == 0:
                os.close(r)
                block = bytearray(b"\\x01") * (150 << 20)  # touched: counts in the cgroup
                os.write(w, b"x")
                time.sleep(5)
                os._exit(0)
            kids.append(pid)
        os.close(w)
        held = b""
        while len(held) < 3:
            chunk = os.read(r, 3)
            if not chunk:  # every child has exited (or was killed)
                break
            held += chunk
        for pid in kids:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
            os.waitpid(pid, 0)
        print("children holding their memory together:", len(held))
        return a + b  # the right answer, after the container ran out of memory
    """)
    result = judged(judge, ADD_ONE, code, Limits(time_ms=5000, total_time_ms=10000, memory_mb=256))
    assert_verdict(result, MLE)


OUTPUT_CASES = [
    pytest.param(solution("while True:\n    print('x' * 1000)"), id="stdout-print"),
    pytest.param(solution("import sys\nwhile True:\n    sys.stderr.write('e' * 4096)"), id="stderr"),
    pytest.param(solution("import os\nwhile True:\n    os.write(1, b'y' * 65536)"), id="raw-fd1"),
    pytest.param(solution("import os\nwhile True:\n    os.write(3, b'z' * 65536)"), id="result-channel-fd3"),
    pytest.param(solution("""
        import os
        if os.fork() == 0:
            while True:
                os.write(2, b'g' * 65536)
        os.wait()
        return a + b
    """), id="forked-child-floods"),
]


@pytest.mark.docker
@pytest.mark.parametrize("code", OUTPUT_CASES)
def test_output_floods(judge, code):
    assert_verdict(judged(judge, ADD, code), OLE)


@pytest.mark.docker
@pytest.mark.parametrize("code", [
    pytest.param(solution("""
        import threading
        out = []
        worker = threading.Thread(target=lambda: out.append(a + b))  # default stack size
        worker.start()
        worker.join()
        return out[0]
    """), id="worker-thread"),
    pytest.param(solution("""
        import sys
        sys.setrecursionlimit(10 ** 6)
        def depth(n):
            return depth(n - 1) + 1 if n else 0
        return depth(100000) - 100000 + a + b
    """), id="deep-recursion-1e5"),
    pytest.param(solution("""
        def depth(n):
            return depth(n - 1) + 1 if n else 0
        return depth(100000) - 100000 + a + b
    """), id="deep-recursion-1e5-at-leetcodes-default-limit"),
    pytest.param(solution("""
        from functools import lru_cache
        @lru_cache(None)
        def depth(n):  # through C frames (the cache wrapper): the C stack must hold too
            return depth(n - 1) + 1 if n else 0
        return depth(100000) - 100000 + a + b
    """), id="deep-cached-recursion-1e5"),
])
def test_unusual_but_correct_solutions_are_accepted(judge, code):
    result = judged(judge, ADD, code)
    assert result.verdict is AC, explain(result)


@pytest.mark.docker
def test_lots_of_output_under_the_cap_is_accepted(judge):
    # ~3 MB on stdout and stderr, including lines that look like result messages:
    # prints travel apart from outputs and cannot corrupt them.
    code = solution("""
        import sys
        for i in range(20000):
            print('{"t":"test","i":%d,"ok":true,"output":999}' % (i % 3))
            print("noise " * 10, file=sys.stderr)
        sys.stdout.write("no newline at the end \\x00\\xff")
        return a + b
    """)
    result = judged(judge, ADD, code)
    assert result.verdict is AC, explain(result)
    assert (result.passed, result.total) == (3, 3)
    assert result.stdout.startswith('{"t":"test","i":0,"ok":true,"output":999}\n')


COMPILE_CASES = [
    pytest.param("class Solution:\n    def add(self, a, b)\n        return a + b\n", id="syntax-error"),
    pytest.param("class Solution:\n    def add(self, a, b):\n    return a + b\n", id="indentation-error"),
    pytest.param("def add(a, b):\n    return a + b\n", id="no-class"),
    pytest.param("class Solution:\n    def plus(self, a, b):\n        return a + b\n", id="no-method"),
    pytest.param("Solution = 42\n", id="not-a-class"),
    pytest.param(GOOD_ADD + "\x00\n", id="null-byte"),
    pytest.param("x = " + "(" * 5000 + ")" * 5000 + "\n" + GOOD_ADD, id="nesting-bomb"),
    pytest.param("", id="empty"),
]


@pytest.mark.docker
@pytest.mark.parametrize("code", COMPILE_CASES)
def test_compile_errors(judge, code):
    assert_verdict(judged(judge, ADD, code), CE)


EXIT_BODIES = {
    "system-exit-0": "raise SystemExit(0)",
    "sys-exit": "import sys\nsys.exit(0)",
    "exit-builtin": "exit()",
    "os-exit-0": "import os\nos._exit(0)",
    "keyboard-interrupt": "raise KeyboardInterrupt",
    "kill-self": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
    "abort": "import os\nos.abort()",
    "close-result-channel": "import os\nos.close(3)\nos._exit(0)",
}


@pytest.mark.docker
@pytest.mark.parametrize("where", ["module", "method"])
@pytest.mark.parametrize("body", EXIT_BODIES.values(), ids=EXIT_BODIES.keys())
def test_exits_are_runtime_errors(judge, body, where):
    code = body + "\n" + GOOD_ADD if where == "module" else solution(body)
    assert_verdict(judged(judge, ADD, code), RE)


@pytest.mark.docker
def test_exit_after_the_first_test_is_a_runtime_error(judge):
    code = solution("""
        import os
        if a == 40:  # the second test
            os._exit(0)
        return a + b
    """)
    result = judged(judge, ADD, code)
    assert_verdict(result, RE)
    assert result.passed == 1 and result.first_failure.test == 1


CRASH_CASES = [
    pytest.param(solution("""
        def f(n):
            return f(n + 1) + 1
        return f(0)
    """), id="recursion-error"),
    pytest.param(solution("""
        import sys
        from functools import lru_cache
        sys.setrecursionlimit(10 ** 9)
        @lru_cache(None)  # a C frame per level: the C stack overflows
        def f(n):
            return f(n - 1) + 1 if n else 0
        return f(10 ** 8)
    """), id="c-stack-overflow-segfault"),
    pytest.param(solution("import ctypes\nreturn ctypes.cast(8, ctypes.POINTER(ctypes.c_int))[0]"), id="bad-pointer"),
    pytest.param(solution("return int(input())"), id="read-stdin"),
    pytest.param(solution("""
        import ctypes
        ctypes.memset(id(a), 0, 64)  # corrupt an object the harness holds
        return a + b
    """), id="corrupt-interpreter"),
]


@pytest.mark.docker
@pytest.mark.parametrize("code", CRASH_CASES)
def test_crashes_are_runtime_errors(judge, code):
    # room enough for a runaway recursion to reach LeetCode's recursion limit
    assert_verdict(judged(judge, ADD, code, ROOMY), RE)


# --------------------------------------------------------------- answer cheats

ALWAYS_EQUAL = """
    class AlwaysEqual{base}:
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __lt__(self, other): return False
        def __gt__(self, other): return False
        def __hash__(self): return 0
"""


def cheat(base: str, value: str, *, method: str = "add", args: str = "a, b") -> str:
    return solution(f"return AlwaysEqual({value})", method=method, args=args,
                    prelude=ALWAYS_EQUAL.format(base=f"({base})" if base else ""))


CHEATS = [
    pytest.param(ADD, cheat("", ""), (RE, WA), id="always-equal-object"),
    pytest.param(ADD, cheat("int", "0"), (WA,), id="always-equal-int-subclass"),
    pytest.param(ADD, cheat("float", "0.5"), (WA, RE), id="always-equal-float-for-integer"),
    pytest.param(PAIR, cheat("list", "[]", method="pair", args="n"), (WA,), id="always-equal-list-subclass"),
    pytest.param(PAIR, cheat("tuple", "()", method="pair", args="n"), (WA,), id="always-equal-tuple-subclass"),
    pytest.param(WORD, cheat("str", "''", method="word", args="n"), (WA,), id="always-equal-str-subclass"),
    pytest.param(HALF, cheat("float", "0.0", method="half", args="n"), (WA,), id="always-equal-float-subclass"),
    pytest.param(ADD, solution("""
        class Mimic:
            def __int__(self): return 0
            def __index__(self): return 0
            def __eq__(self, other): return True
            def __repr__(self): return "42"
            def __str__(self): return "42"
        return Mimic()
    """), (RE, WA), id="mimic-class-with-repr"),
    pytest.param(PAIR, solution("""
        class Mimic:
            def __iter__(self): return iter(())
            def __len__(self): return 2
            def __getitem__(self, i): return n
            def __eq__(self, other): return True
        return Mimic()
    """, method="pair", args="n"), (WA, RE), id="mimic-list"),
    pytest.param(PAIR, solution("return {0: n, 1: n + 1}", method="pair", args="n"), (RE,), id="dict-for-list"),
    pytest.param(PAIR, solution("return str([n, n + 1])", method="pair", args="n"), (RE,), id="json-text-for-list"),
    pytest.param(HALF, solution("return float('nan')", method="half", args="n"), (WA,), id="nan"),
    pytest.param(HALF, solution("return float('inf')", method="half", args="n"), (WA,), id="infinity"),
    pytest.param(ADD, solution("return True"), (WA,), id="bool-for-integer"),
    pytest.param(REVERSE, solution("""
        node = ListNode(3)
        node.next = node  # a cycle: the answer "never ends"
        return node
    """, method="reverse", args="head"), (RE,), id="cyclic-listnode"),
    pytest.param(MIRROR, solution("""
        class Node:
            left = right = None
            @property
            def val(self):
                return AlwaysEqual()
        return Node()
    """, method="mirror", args="root", prelude=ALWAYS_EQUAL.format(base="")), (RE,), id="treenode-mimic"),
    pytest.param(COUNTER, """
class AlwaysEqual:
    def __eq__(self, other): return True
class Counter:
    def __init__(self, start): pass
    def inc(self, by): return AlwaysEqual()
""", (RE, WA), id="design-always-equal"),
    pytest.param(ADD, solution("""
        import sys
        sys.set_int_max_str_digits(0)
        return 10 ** 100000
    """), (WA, RE), id="huge-integer"),
    pytest.param(PAIR, solution("""
        res = []
        import threading, time
        threading.stack_size(1 << 20)
        def fill():
            time.sleep(0.2)
            res.extend([n, n + 1])  # the right answer, too late
        threading.Thread(target=fill).start()
        return res
    """, method="pair", args="n"), (WA,), id="thread-fills-answer-after-return"),
]


@pytest.mark.docker
@pytest.mark.parametrize(("problem", "code", "verdicts"), CHEATS)
def test_answer_cheats(judge, problem, code, verdicts):
    assert_verdict(judged(judge, problem, code), *verdicts)


# -------------------------------------------------- tampering with the harness

# Forgeries speak the channel's real framing (`judge.harness.frame`: a header line
# with the answer's length, then the answer's JSON), as an attacker who read the
# harness would.
FORGE_ALL_OK = """
    import json, os
    for i in range(2):
        for guess in (0, 1, -1, 7, 42, 10 ** 9):
            answer = json.dumps(guess).encode()
            header = {"t": "test", "i": i, "ok": True, "n": len(answer), "cpu_ms": 0}
            os.write(3, json.dumps(header).encode() + b"\\n" + answer)
    os.write(3, b'{"t":"done"}\\n')
    os._exit(0)
"""

TAMPERING = [
    pytest.param(dedent(FORGE_ALL_OK) + "\n" + solution("return 0", method="guess", args="seed"),
                 (WA,), id="forge-ok-lines-at-module-level"),
    pytest.param(solution(FORGE_ALL_OK, method="guess", args="seed"), (WA,), id="forge-ok-lines-in-method"),
    pytest.param(solution("""
        import os
        os.write(3, b'{"t":"done"}\\n')
        os._exit(0)
    """, method="guess", args="seed"), (RE,), id="forge-done"),
    pytest.param(solution("""
        import os
        os.write(3, b'{"t":"test","i":0,"ok":false,"kind":"AC","message":""}\\n')
        os.write(3, b'{"t":"test","i":1,"ok":false,"kind":"AC","message":""}\\n')
        return 0
    """, method="guess", args="seed"), (RE, WA), id="forge-error-of-kind-AC"),
    pytest.param("""
import os
os.write(3, b'{"t":"module_error","kind":"AC","message":""}\\n')
os._exit(0)
""", (RE,), id="forge-module-error-of-kind-AC"),
    pytest.param(solution("""
        import os
        os.write(3, b'{"t":"test","i":0,"ok":true}\\n{"t":"test","i":1,"ok":true,"output":null}\\n')
        return 0
    """, method="guess", args="seed"), (WA,), id="forge-ok-without-output"),
    pytest.param(solution("""
        import os
        os.write(3, b'{"t":"test","i":0,"ok":true,"n":5}\\n1e999{"t":"test","i":1,"ok":true,"n":3}\\nNaN')
        return 0
    """, method="guess", args="seed"), (WA,), id="forge-non-finite"),
    pytest.param(solution("raise ValueError('no idea')", method="guess", args="seed", prelude="""
        import sys
        harness = sys.modules["__main__"]
        _frame = harness.frame
        def frame(msg, payload=None):
            if msg.get("t") == "test":  # every error becomes an answer of 0
                return _frame({"t": "test", "i": msg["i"], "ok": True}, b"0")
            return _frame(msg, payload)
        harness.frame = frame
    """), (WA,), id="patch-harness-frame"),
    pytest.param(solution("raise ValueError('no idea')", method="guess", args="seed", prelude="""
        import sys
        harness = sys.modules["__main__"]
        harness._error_kind = lambda exc: "AC"
    """), (RE, WA), id="patch-harness-error-kind"),
    pytest.param(solution("return object()", method="guess", args="seed", prelude="""
        import sys
        harness = sys.modules["__main__"]
        harness.encode = lambda t, v: 0
        harness.EncodeError = ZeroDivisionError
    """), (WA,), id="patch-harness-encode"),
    pytest.param(solution("return Fake()", method="guess", args="seed", prelude="""
        import builtins
        class Fake:
            def __int__(self): return 0
            def __eq__(self, other): return True
        _isinstance = builtins.isinstance
        builtins.isinstance = lambda o, t: True if type(o) is Fake else _isinstance(o, t)
    """), (WA, RE), id="patch-builtins-isinstance"),
    pytest.param(solution("return 0", method="guess", args="seed", prelude="""
        import gc
        for obj in gc.get_objects():
            if isinstance(obj, dict) and {"code", "tests", "time_ms", "signature"} <= obj.keys():
                obj["time_ms"] = 10 ** 9
                obj["signature"]["return"] = "string"
    """), (WA, RE), id="gc-rewrite-job"),
    pytest.param(solution("return 0", method="guess", args="seed", prelude="""
        import gc
        for obj in gc.get_objects():
            if isinstance(obj, dict) and {"code", "tests", "time_ms", "signature"} <= obj.keys():
                obj["tests"] = 0  # nothing left to fail
    """), (RE,), id="gc-drop-tests"),
    pytest.param(solution("return 0", method="guess", args="seed", prelude="""
        import sys
        frame = sys._getframe()
        while frame and frame.f_code.co_name != "_child_main":
            frame = frame.f_back
        send = frame.f_locals["send"]
        send({"t": "test", "i": 0, "ok": True}, b"0")
        send({"t": "done"})
    """), (WA,), id="call-harness-send"),
]


@pytest.mark.docker
@pytest.mark.parametrize(("code", "verdicts"), TAMPERING)
def test_tampering_with_the_harness(judge, code, verdicts):
    assert_verdict(judged(judge, GUESS, code), *verdicts)


@pytest.mark.docker
def test_tampering_does_not_outlive_the_submission(judge):
    tamper = solution("return 0", method="guess", args="seed", prelude="""
        import builtins, json, sys
        harness = sys.modules["__main__"]
        harness.encode = lambda t, v: 0
        harness.frame = lambda msg, payload=None: b'{"t":"done"}\\n'
        json.dumps = lambda *a, **k: "{}"
        json.loads = lambda *a, **k: {}
        builtins.int = float
    """)
    assert_verdict(judged(judge, GUESS, tamper), RE, WA)
    assert judge.judge(ADD, GOOD_ADD, limits=FAST).verdict is AC
    wrong = judge.judge(ADD, WRONG_ADD, limits=FAST)
    assert wrong.verdict is WA and wrong.first_failure.got == -1


@pytest.mark.docker
def test_malformed_result_lines_are_ignored(judge):
    code = solution("""
        import os
        os.write(3, b'not json\\n[1,2]\\n"text"\\n{"t":"test","i":-1,"ok":true,"output":3}\\n')
        os.write(3, b'{"t":"test","i":99,"ok":true,"output":3}\\n\\xff\\xfe\\n{"t":"test","i":"0","ok":true,"output":3}\\n')
        return a + b
    """)
    result = judged(judge, ADD, code)
    assert result.verdict is AC, explain(result)
    code = code.replace("return a + b", "return 0")
    assert_verdict(judged(judge, ADD, code), WA)


@pytest.mark.docker
@pytest.mark.parametrize("depth", [65, 900, 975, 990, 100_000])
def test_deeply_nested_result_line(judge, depth):
    # A deep header line is malformed (PID 1 parses headers); a deep answer is read
    # by the host only, which refuses more than 64 levels: Wrong Answer either way.
    code = solution(f"""
        import os
        nested = b"[" * {depth} + b"]" * {depth}
        os.write(3, nested + b"\\n")
        os.write(3, b'{{"t":"test","i":0,"ok":true,"n":%d}}\\n' % len(nested) + nested)
        return 0
    """, method="guess", args="seed")
    result = judged(judge, GUESS, code)
    assert_verdict(result, WA)
    assert "nested deeper" in result.first_failure.message, explain(result)


# ---------------------------------------------------------- attacks on PID 1

KILL_SIGNALS = ["SIGKILL", "SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGSTOP", "SIGSEGV",
                "SIGPIPE", "SIGCHLD"]


@pytest.mark.docker
@pytest.mark.parametrize("name", KILL_SIGNALS)
def test_signalling_pid1(judge, name):
    code = solution(f"""
        import os, signal, time
        for target in (1, os.getppid()):
            try:
                os.kill(target, signal.{name})
            except OSError as e:
                print(target, e)
        time.sleep(0.2)
        return -1  # wrong: hoping the harness died and something says Accepted
    """)
    result = judged(judge, ADD, code)
    assert result.verdict is not AC, explain(result)


@pytest.mark.docker
@pytest.mark.parametrize("body", [
    pytest.param("import os, signal\nos.kill(-1, signal.SIGKILL)", id="kill-everything-else"),
    pytest.param("import os, signal\nos.killpg(0, signal.SIGKILL)", id="kill-own-process-group"),
    pytest.param("import os, signal\nos.killpg(1, signal.SIGKILL)", id="kill-group-of-pid1"),
])
def test_killing_everything(judge, body):
    # kill(-1) spares the caller on Linux (WA: it answers wrong); the process
    # groups include the submission itself (RE).
    assert_verdict(judged(judge, ADD, solution(body + "\nreturn -1")), WA, RE)


PID1_PROBE = probe("""
    import ctypes, os
    opened = []
    def attempt(name, fn):
        try:
            fn()
            opened.append(name)
        except OSError as e:
            print(name, "refused:", e.strerror)
    attempt("/proc/1/fd", lambda: os.listdir("/proc/1/fd"))
    attempt("/proc/1/fd/0", lambda: open("/proc/1/fd/0", "rb").close())
    attempt("/proc/1/fd/1", lambda: open("/proc/1/fd/1", "wb").close())
    attempt("/proc/1/mem", lambda: open("/proc/1/mem", "rb").close())
    attempt("/proc/1/environ", lambda: open("/proc/1/environ", "rb").read())
    attempt("/proc/1/maps", lambda: open("/proc/1/maps").read())
    attempt("/proc/1/root", lambda: os.listdir("/proc/1/root"))
    attempt("/proc/1/cwd", lambda: os.listdir("/proc/1/cwd"))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    libc.ptrace.restype = ctypes.c_long
    for request, name in ((16, "PTRACE_ATTACH"), (0x4206, "PTRACE_SEIZE")):
        if libc.ptrace(request, 1, None, None) == 0:
            opened.append(name)
        else:
            print(name, "refused:", os.strerror(ctypes.get_errno()))
    class IoVec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    buf = ctypes.create_string_buffer(64)
    local, remote = IoVec(ctypes.addressof(buf), 64), IoVec(0x400000, 64)
    libc.process_vm_readv.restype = ctypes.c_ssize_t
    if libc.process_vm_readv(1, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) > 0:
        opened.append("process_vm_readv")
    else:
        print("process_vm_readv refused:", os.strerror(ctypes.get_errno()))
    print("opened", opened)
    return "escaped" if opened else "contained"
""")


@pytest.mark.docker
def test_pid1_is_out_of_reach(judge):
    assert_contained(judged(judge, PROBE, PID1_PROBE))


# ------------------------------------------------------------ the sandbox itself

NETWORK_PROBE = probe("""
    import os, socket
    hits = []
    for host, port in [("1.1.1.1", 53), ("1.1.1.1", 443), ("8.8.8.8", 53), ("172.17.0.1", 2375),
                       ("172.17.0.1", 22), ("10.0.0.1", 80), ("127.0.0.1", 22), ("127.0.0.1", 80),
                       ("127.0.0.1", 2375), ("127.0.0.1", 5432), ("127.0.0.1", 8000)]:
        s = socket.socket()
        s.settimeout(0.5)
        try:
            s.connect((host, port))
            hits.append(f"tcp {host}:{port}")
        except OSError as e:
            print(f"tcp {host}:{port}:", e)
        finally:
            s.close()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.sendto(b"x", ("1.1.1.1", 53))
        hits.append("udp 1.1.1.1:53")
    except OSError as e:
        print("udp:", e)
    try:
        socket.getaddrinfo("example.com", 443)
        hits.append("dns")
    except OSError as e:
        print("dns:", e)
    interfaces = sorted(os.listdir("/sys/class/net"))
    if interfaces != ["lo"]:
        hits.append(f"interfaces {interfaces}")
    for path in ("/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"):
        if os.path.exists(path):
            hits.append(path)
    print("hits", hits)
    return "escaped" if hits else "contained"
""")

READ_ONLY_PROBE = probe("""
    import os, sys, sortedcontainers
    wrote = []
    dirs = ["/", "/opt", "/opt/lcjudge", "/etc", "/usr", "/usr/bin", "/usr/lib/python3.11", "/var",
            "/var/tmp", "/home", "/root", "/run", "/dev", "/sys/fs/cgroup", "/proc",
            os.path.dirname(sortedcontainers.__file__)] + [p for p in sys.path if p]
    for d in dirs:
        path = os.path.join(d, "lcagent-hostile")
        try:
            with open(path, "w") as f:
                f.write("x")
            wrote.append(path)
        except OSError as e:
            print(path, e.strerror)
    for path in ("/etc/passwd", "/usr/lib/python3.11/json/__init__.py", "/proc/sysrq-trigger",
                 "/proc/sys/kernel/core_pattern", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, "a") as f:
                f.write("")
            wrote.append(path)
        except OSError as e:
            print(path, e.strerror)
    H = "/opt/lcjudge/harness.py"
    for name, fn in [("append", lambda: open(H, "a").close()), ("chmod", lambda: os.chmod(H, 0o777)),
                     ("rename", lambda: os.rename(H, H + ".x")), ("unlink", lambda: os.unlink(H)),
                     ("utime", lambda: os.utime(H)), ("rename-dir", lambda: os.rename("/opt/lcjudge", "/opt/x")),
                     ("symlink-over", lambda: os.symlink("/tmp/h.py", H))]:
        try:
            fn()
            wrote.append("harness " + name)
        except OSError as e:
            print("harness", name, e.strerror)
    print("wrote", wrote)
    return "escaped" if wrote else "contained"
""")

PRIVILEGE_PROBE = probe("""
    import ctypes, os, platform
    bad = []
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    print({k: status[k].strip() for k in ("Uid", "Gid", "CapEff", "CapBnd", "NoNewPrivs", "Seccomp")})
    for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        if int(status[key], 16) != 0:
            bad.append(key)
    if status["NoNewPrivs"].strip() != "1":
        bad.append("NoNewPrivs")
    if status["Seccomp"].strip() == "0":
        bad.append("no seccomp filter")
    if 0 in (os.getuid(), os.geteuid(), os.getgid(), os.getegid()) or 0 in os.getgroups():
        bad.append("root ids")
    libc = ctypes.CDLL(None, use_errno=True)
    for name, call in [("setuid(0)", lambda: libc.setuid(0)), ("setgid(0)", lambda: libc.setgid(0)),
                       ("unshare(NEWUSER)", lambda: libc.unshare(0x10000000)),
                       ("unshare(NEWNS)", lambda: libc.unshare(0x00020000)),
                       ("chroot", lambda: libc.chroot(b"/tmp")),
                       ("mount", lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)),
                       # the kernel keyrings are per uid, not per container: a user keyring
                       # would carry data between submissions and containers
                       ("add_key", lambda: 0 if libc.syscall({"x86_64": 248, "aarch64": 217}[platform.machine()],
                                                             b"user", b"lc", b"secret", 6, -4) > 0 else -1),
                       ("setuid(harness)", lambda: libc.setuid(10000)),
                       ("setpriority(PID 1)", lambda: libc.setpriority(0, 1, 19))]:
        if call() == 0:
            bad.append(name)
        else:
            print(name, "refused:", os.strerror(ctypes.get_errno()))
    print("bad", bad)
    return "escaped" if bad else "contained"
""")


@pytest.mark.docker
@pytest.mark.parametrize("code", [
    pytest.param(NETWORK_PROBE, id="network-unreachable"),
    pytest.param(READ_ONLY_PROBE, id="read-only-root-and-harness"),
    pytest.param(PRIVILEGE_PROBE, id="no-root-no-capabilities"),
])
def test_sandbox_walls(judge, code):
    assert_contained(judged(judge, PROBE, code))


MARKER_SEARCH = probe(r"""
    import ctypes, gc, os, re, sys
    pattern = re.compile("LC" + "SECRET-[0-9a-f]{32}")
    bpattern = re.compile(pattern.pattern.encode())
    found, seen = [], []
    def look(where, data):
        if isinstance(data, str):
            m = pattern.search(data)
        else:
            m = bpattern.search(bytes(data))
        if m:
            found.append(m.group(0) if isinstance(m.group(0), str) else m.group(0).decode())
            print("FOUND in", where)
    for k, v in os.environ.items():
        look("environ", k + "=" + v)
    look("argv", " ".join(sys.argv + getattr(sys, "orig_argv", [])))
    for pid in [p for p in os.listdir("/proc") if p.isdigit()] + ["self"]:
        for name in ("cmdline", "environ", "status", "maps", "stat", "mountinfo"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as f:
                    look(f"/proc/{pid}/{name}", f.read())
            except OSError:
                pass
    for fd in os.listdir("/proc/self/fd"):
        try:
            look("fd " + fd, os.pread(int(fd), 1 << 20, 0))
        except OSError:
            pass
    files = 0
    for top in ("/tmp", "/dev/shm", "/opt", "/etc", "/home", "/root", "/run", "/var", "/srv", "/mnt", "/media"):
        for root, dirnames, filenames in os.walk(top):
            for name in filenames:
                path = os.path.join(root, name)
                try:
                    with open(path, "rb") as f:
                        look(path, f.read(1 << 20))
                    files += 1
                except OSError:
                    pass
    objects = 0
    for obj in gc.get_objects():
        objects += 1
        if isinstance(obj, dict):
            items = [*obj.keys(), *obj.values()]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            items = list(obj)
        else:
            items = list(getattr(obj, "__dict__", None) or ())
        for item in items:
            if isinstance(item, (str, bytes, bytearray)):
                look("object", item)
    regions = 0
    for line in open("/proc/self/maps"):
        parts = line.split()
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        name = parts[5] if len(parts) > 5 else ""
        if parts[1][0] != "r" or name in ("[vvar]", "[vsyscall]", "[vvar_vclock]") or hi - lo > 256 << 20:
            continue
        look("memory " + name, ctypes.string_at(lo, hi - lo))
        regions += 1
    print(f"searched files={files} objects={objects} regions={regions} found={len(found)}")
    return found[0] if found else "not found"
""")


@pytest.mark.docker
def test_expected_outputs_are_nowhere_in_the_container(judge):
    result = judged(judge, FIND_MARKER, MARKER_SEARCH, ROOMY)
    assert result.verdict is not AC, "the expected output leaked into the sandbox: " + explain(result)
    assert result.verdict is WA and result.first_failure.got == "not found", explain(result)
    assert re.search(r"searched files=[1-9]\d* objects=[1-9]\d* regions=[1-9]", result.stdout), result.stdout


# ------------------------------------------------- nothing survives a submission

LITTER = probe("""
    import os, stat
    with open("/tmp/planted", "w") as f:
        f.write("left behind")
    with open("/dev/shm/planted", "w") as f:
        f.write("left behind")
    os.mkfifo("/tmp/fifo")
    os.symlink("/opt/lcjudge/harness.py", "/tmp/link")
    os.makedirs("/tmp/.hidden/deeper")
    open("/tmp/.hidden/deeper/file", "w").close()
    os.chmod("/tmp/.hidden", stat.S_IRUSR | stat.S_IXUSR)  # read-only directory
    open("/tmp/locked", "w").close()
    os.chmod("/tmp/locked", 0)
    n = 0
    try:  # and fill the scratch space
        while True:
            with open(f"/tmp/fill{n}", "wb") as f:
                f.write(b"\\0" * (8 << 20))
            n += 1
    except OSError as e:
        print("filled /tmp:", n, e.strerror)
    return "written"
""", show_container=True)

LOCKED_DIRS = probe("""
    import os
    os.makedirs("/tmp/a/b/c")
    open("/tmp/a/b/c/planted", "w").close()
    for d in ("/tmp/a/b/c", "/tmp/a/b", "/tmp/a"):
        os.chmod(d, 0)  # every level unreadable
    os.makedirs("/dev/shm/x/y")
    os.chmod("/dev/shm/x/y", 0)
    os.chmod("/dev/shm/x", 0)
    return "written"
""", show_container=True)

LOOK_FOR_LITTER = probe("""
    import os
    left = {d: os.listdir(d) for d in ("/tmp", "/dev/shm")}
    print("left", left)
    try:
        for n in range(4):  # the scratch space is free again: 48 of its 64 MB
            with open(f"/tmp/room{n}", "wb") as f:
                f.write(b"\\0" * (12 << 20))
        for n in range(4):
            os.unlink(f"/tmp/room{n}")
    except OSError as e:
        print("cannot write /tmp:", e)
        return "escaped"
    return "escaped" if any(left.values()) else "contained"
""", show_container=True)


@pytest.mark.docker
@pytest.mark.parametrize("planter", [
    pytest.param(LITTER, id="files-fifo-symlink-readonly-dir-full-disk"),
    pytest.param(LOCKED_DIRS, id="nested-unreadable-dirs"),
])
def test_scratch_files_do_not_survive(judge, planter):
    first = judged(judge, probe_problem("written"), planter)
    assert first.verdict is AC, explain(first)
    second = judged(judge, PROBE, LOOK_FOR_LITTER)
    assert_contained(second)


@pytest.mark.docker
def test_scratch_is_wiped_in_place(judge):
    """Plain files are wiped by the harness, not by replacing the container."""
    first = judged(judge, probe_problem("written"), LITTER)
    second = judge.judge(PROBE, LOOK_FOR_LITTER, limits=FAST)
    assert_contained(second)
    assert container_of(first) == container_of(second)


STRAYS = probe("""
    import os, signal, subprocess, threading, time
    threading.stack_size(1 << 20)
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, signal.SIG_IGN)
    if os.fork() == 0:  # a double-forked daemon in its own session
        os.setsid()
        if os.fork() == 0:
            while True:
                try:
                    with open("/dev/shm/heartbeat", "a") as f:
                        f.write(".")
                except OSError:
                    pass
                time.sleep(0.01)
        os._exit(0)
    subprocess.Popen(["sleep", "1000"], start_new_session=True)
    if os.fork() == 0:  # a busy one in our own process group
        while True:
            pass
    def late():  # a thread that outlives the return
        time.sleep(0.3)
        open("/tmp/late-thread", "w").close()
    threading.Thread(target=late).start()
    time.sleep(0.2)
    others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]
    print("running", others)
    return "spawned" if len(others) >= 3 else "failed to spawn"
""", show_container=True)

# A stray: any process but this one that is not the harness's (PID 1 and its
# template interpreter run under the harness's uid, 10000).
LOOK_FOR_STRAYS = probe("""
    import os, time
    time.sleep(0.5)
    me = os.getpid()
    others = []
    for p in os.listdir("/proc"):
        if p.isdigit() and int(p) not in (1, me):
            try:
                status = dict(line.split(":", 1) for line in open(f"/proc/{p}/status") if ":" in line)
                if status["Uid"].split()[0] != "10000":
                    others.append((p, open(f"/proc/{p}/cmdline", "rb").read()))
            except OSError:
                pass  # gone while we looked
    left = os.listdir("/tmp") + os.listdir("/dev/shm")
    print("others", others, "left", left)
    return "escaped" if others or left else "contained"
""", show_container=True)


@pytest.mark.docker
def test_stray_processes_and_threads_do_not_survive(judge):
    first = judged(judge, probe_problem("spawned"), STRAYS)
    assert first.verdict is AC, explain(first)
    second = judge.judge(PROBE, LOOK_FOR_STRAYS, limits=FAST)
    assert_contained(second)
    assert container_of(first) == container_of(second)


@pytest.mark.docker
@pytest.mark.parametrize("code", [
    pytest.param(solution("import os\nwhile True:\n    os.fork()"), id="fork-until-refused"),
    pytest.param(solution("""
        import os
        while True:
            try:
                os.fork()
            except BaseException:
                pass
    """), id="fork-forever"),
])
def test_fork_bombs(judge, code):
    # judged() then checks that the next submissions are judged correctly.
    result = judged(judge, ADD_ONE, code, QUICK_WALL)
    assert_verdict(result, RE, TLE)
    assert judge.judge(PROBE, LOOK_FOR_STRAYS, limits=FAST).first_failure.got == "contained"


@pytest.mark.docker
def test_stray_signalling_pid1_in_a_loop(judge):
    """Strays that try, in a loop, to take the harness down with every signal."""
    code = solution("""
        import os, signal
        if os.fork() == 0:
            while True:
                for s in range(1, 32):
                    if s not in (signal.SIGKILL, signal.SIGSTOP):
                        try:
                            os.kill(1, s)
                        except OSError:
                            pass
        return -1
    """)
    result = judged(judge, ADD_ONE, code)
    assert result.verdict is not AC, explain(result)
