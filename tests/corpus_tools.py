"""Helpers for the corpus tests: LeetCodeDataset's own grader, and AST mutants.

The dataset's grader is the row's `prompt` (imports, `inf`, ListNode/TreeNode
helpers) + a solution + the row's `test` (`def check(candidate): assert ...`) +
`check(<entry_point>)`, run as one Python program: it passes when the program
exits 0. It runs in a container of the judge image -- Debian's Python 3.11 with
`sortedcontainers`, which several rows' preambles import and the host need not
have -- one container per batch, one process per program, each under a CPU and a
memory rlimit. The programs are our own corpus and mutants of it, so the
container is not the judge's hardened sandbox, only a clean, equipped Python.

Mutants are deterministic: a few classic operators applied, one at a time, at the
first few applicable sites of a canonical solution, in source order.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import gzip
import io
import json
import os
import socket
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from judge.image import image_tag
from judge.sandbox import LABEL, docker_client

CORPUS = Path(__file__).parent / "data" / "leetcodedataset"
CORPUS_FILES = ("v0.3.1-test-dev.jsonl.gz", "v0.2.0-train-nodes-dev.jsonl.gz")
KNOWN_BROKEN = CORPUS / "known_broken.json"
GRADER_USER = "10001:10001"  # the judge image's unprivileged user


def load_rows() -> dict[str, dict]:
    """The raw dataset rows of the sample, by slug (task_id)."""
    rows: dict[str, dict] = {}
    for name in CORPUS_FILES:
        with gzip.open(CORPUS / name, "rt", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    rows[row["task_id"]] = row
    return rows


def load_known_broken() -> dict[str, str]:
    data = json.loads(KNOWN_BROKEN.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and all(isinstance(v, str) and v for v in data.values()), data
    return data


def check_asserts(row: dict) -> int:
    """How many `assert` statements the row's `check(candidate)` holds."""
    module = ast.parse(row["test"])
    check = next(n for n in module.body if isinstance(n, ast.FunctionDef) and n.name == "check")
    return sum(isinstance(stmt, ast.Assert) for stmt in check.body)


# ------------------------------------------------------------- dataset grader


def dataset_program(row: dict, code: str) -> str:
    """LeetCodeDataset's evaluation program for `code` (one `Solution()` for all asserts)."""
    return "\n".join([row["prompt"], code, "", row["test"], "", f"check({row['entry_point']})", ""])


@dataclass(frozen=True)
class DatasetVerdict:
    status: str  # "pass" | "fail" (an assert or an exception) | "timeout" (CPU or wall) | "memory"
    detail: str  # the tail of the traceback, or how the process ended
    wall_s: float

    @property
    def passed(self) -> bool:
        return self.status == "pass"


# Runs inside the container: reads the jobs, runs each program as `python3 -` with
# its rlimits, prints one JSON line per job, in order.
_DRIVER = r"""
import json, resource, signal, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

cfg = json.load(open("/lcds/jobs.json"))

ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}

def limit():
    cpu = cfg["cpu_s"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    mem = cfg["memory_mb"] << 20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

def one(program):
    start = time.monotonic()
    try:  # -s -B, not -I: -I would ignore PYTHONHASHSEED, and set order must not vary by run
        p = subprocess.run([sys.executable, "-s", "-B", "-"], input=program.encode(), env=ENV,
                           capture_output=True, timeout=cfg["wall_s"], preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "detail": "wall time", "wall_s": time.monotonic() - start}
    wall = time.monotonic() - start
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    tail = "\n".join(err[-4:])
    if p.returncode == 0:
        return {"status": "pass", "detail": "", "wall_s": wall}
    if p.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return {"status": "timeout", "detail": "CPU time", "wall_s": wall}
    if err and err[-1].startswith("MemoryError"):
        return {"status": "memory", "detail": tail, "wall_s": wall}
    return {"status": "fail", "detail": tail or f"exit code {p.returncode}", "wall_s": wall}

with ThreadPoolExecutor(cfg["workers"]) as ex:
    for r in ex.map(one, cfg["programs"]):
        print(json.dumps(r), flush=True)
"""


def _archive(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("lcds")
        info.type, info.mode = tarfile.DIRTYPE, 0o555
        tar.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(f"lcds/{name}")
            info.size, info.mode = len(data), 0o444
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def run_dataset_grader(
    programs: list[str], *, cpu_s: int, memory_mb: int = 1024, workers: int = 2,
    deadline_s: float = 1800,
) -> list[DatasetVerdict]:
    """Run every program (see `dataset_program`) under LeetCodeDataset's rules: it
    passes when it exits 0. CPU-time limit per program, so machine load does not
    turn a pass into a timeout; a wall-clock backstop (10x that plus 30 s) only for
    a program that blocks instead of computing. The whole batch must end within
    `deadline_s`."""
    if not programs:
        return []
    wall_s = 10 * cpu_s + 30
    jobs = {"programs": programs, "cpu_s": cpu_s, "memory_mb": memory_mb,
            "wall_s": wall_s, "workers": workers}
    client = docker_client()
    container = client.containers.create(
        image_tag(),
        command=["python3", "-I", "-B", "/lcds/driver.py"],
        labels={LABEL: "1", f"{LABEL}.pid": str(os.getpid()), f"{LABEL}.host": socket.gethostname(),
                f"{LABEL}.role": "dataset-grader"},
        user=GRADER_USER,
        working_dir="/tmp",
        network_mode="none",
        tmpfs={"/tmp": "rw,nosuid,nodev,size=64m,mode=1777"},
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        pids_limit=64,
        mem_limit=f"{memory_mb * workers + 512}m",
        memswap_limit=f"{memory_mb * workers + 512}m",
        nano_cpus=int(workers * 1e9),
        environment={"LANG": "C.UTF-8"},
    )
    try:
        container.put_archive("/", _archive({"driver.py": _DRIVER.encode(),
                                             "jobs.json": json.dumps(jobs).encode()}))
        container.start()
        status = container.wait(timeout=deadline_s)
        out = container.logs(stdout=True, stderr=False).decode()
        err = container.logs(stdout=False, stderr=True).decode()
        lines = out.splitlines()
        assert status["StatusCode"] == 0 and len(lines) == len(programs), (status, err[-2000:])
        return [DatasetVerdict(**json.loads(line)) for line in lines]
    finally:
        with contextlib.suppress(Exception):
            container.remove(force=True)


# -------------------------------------------------------------------- mutants


@dataclass(frozen=True)
class Mutant:
    slug: str
    operator: str
    site: int  # which applicable site, in source order, counted from 0
    where: str  # line:col of the mutated node in the canonical solution
    change: str  # e.g. "< -> <="
    code: str

    @property
    def id(self) -> str:
        return f"{self.slug}:{self.operator}:{self.site}"


_COMPARE_FLIPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
}
_ARITH_SWAPS: dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add}
_BOOL_SWAPS: dict[type, type] = {ast.And: ast.Or, ast.Or: ast.And}
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
           ast.Add: "+", ast.Sub: "-", ast.And: "and", ast.Or: "or"}


def _is_int(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


# Each operator: (does it apply to this node?, mutate the node in place -> description)
Operator = tuple[Callable[[ast.AST], bool], Callable[[ast.AST], str]]


def _flip_compare(node: ast.AST) -> str:
    assert isinstance(node, ast.Compare)
    old = node.ops[0]
    node.ops[0] = _COMPARE_FLIPS[type(old)]()
    return f"{_SYMBOL[type(old)]} -> {_SYMBOL[type(node.ops[0])]}"


def _swap_op(table: dict[type, type]) -> Callable[[ast.AST], str]:
    def mutate(node: ast.AST) -> str:
        old = node.op  # type: ignore[attr-defined]
        node.op = table[type(old)]()  # type: ignore[attr-defined]
        return f"{_SYMBOL[type(old)]} -> {_SYMBOL[type(node.op)]}"  # type: ignore[attr-defined]

    return mutate


def _shift_int(delta: int) -> Callable[[ast.AST], str]:
    def mutate(node: ast.AST) -> str:
        assert isinstance(node, ast.Constant)
        old = node.value
        node.value = old + delta
        return f"{old} -> {node.value}"

    return mutate


OPERATORS: dict[str, Operator] = {
    "compare": (lambda n: isinstance(n, ast.Compare) and type(n.ops[0]) in _COMPARE_FLIPS,
                _flip_compare),
    "arith": (lambda n: isinstance(n, (ast.BinOp, ast.AugAssign)) and type(n.op) in _ARITH_SWAPS,
              _swap_op(_ARITH_SWAPS)),
    "int+1": (_is_int, _shift_int(1)),
    "int-1": (_is_int, _shift_int(-1)),
    "boolop": (lambda n: isinstance(n, ast.BoolOp) and type(n.op) in _BOOL_SWAPS,
               _swap_op(_BOOL_SWAPS)),
}


def _sites(tree: ast.AST, applies: Callable[[ast.AST], bool]) -> list[ast.AST]:
    """Applicable nodes in source order (ast.walk is breadth-first)."""
    found = [n for n in ast.walk(tree) if applies(n) and hasattr(n, "lineno")]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset, n.end_lineno or 0, n.end_col_offset or 0))


def mutants(slug: str, code: str, sites_per_operator: int) -> Iterator[Mutant]:
    """Each operator at its first `sites_per_operator` sites, one change per mutant.
    Mutants identical (after unparsing) to the original or to an earlier mutant are
    dropped."""
    tree = ast.parse(code)
    seen = {ast.unparse(tree)}
    for name, (applies, mutate) in OPERATORS.items():
        count = len(_sites(tree, applies))
        for site in range(min(count, sites_per_operator)):
            copy_tree = copy.deepcopy(tree)
            node = _sites(copy_tree, applies)[site]
            where = f"{node.lineno}:{node.col_offset}"  # type: ignore[attr-defined]
            change = mutate(node)
            text = ast.unparse(copy_tree)
            if text in seen:
                continue
            seen.add(text)
            yield Mutant(slug=slug, operator=name, site=site, where=where, change=change, code=text)
