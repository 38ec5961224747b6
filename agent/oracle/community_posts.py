"""From community solution posts to independent candidate solutions (pure, no I/O).

A post is Markdown written by anyone. Three steps make it usable by the
community oracle, none of which runs any of its code:

- `extract_solutions(markdown, signature)`: the whole Python solutions in the
  post. A fenced block (``` or ~~~, tagged python3/python/py/py3 or untagged,
  LeetCode's tab-group form "```Python3 []" too) counts only when `ast.parse`
  accepts it, it defines the class the signature needs at the top level
  (`class Solution` with the function's method; the design class with every
  method), a method with a declared answer returns a value, and it neither
  reads standard input nor prints at the top level (a script, not a
  solution). Everything else is rejected with a reason (`examine`): snippets,
  explanation fragments, C++/Java/JS tagged as Python, Python 2. All the whole
  solutions of a post are returned; the caller decides.

- `fingerprint(code, signature)`: a hash of the code after AST normalisation,
  so that a copy counts once. Normalised: comments, blank lines and layout (the
  AST has none); docstrings and every bare string statement; type annotations
  (parameters, returns, annotated assignments: `List[int]` and `list[int]` and
  none are alike); `from __future__`/`typing` imports and imports never used;
  the order of the module's top-level imports (split to one name each, sorted);
  an `if __name__ == "__main__":` driver; an explicit `object` base class; and
  identifiers, renamed canonically by order of first appearance: every name
  the code binds (variables, parameters including `self`, nested function and
  class names, comprehension/loop/with/except targets), numbered per scope
  (each function its own, resolved as Python resolves names, so `name` reused
  in two methods is two variables), and every attribute the code defines
  (assigned through `self.x`, whatever a method calls `self`, or defined
  in a class body: helper methods, class constants), wherever it is read. Kept as they are: the
  names the code does not bind (builtins, the judge's prelude: `List`,
  `Counter`, `heappush`, ...), imported modules and names, attributes of other
  objects (`node.left`, `nums.sort`), dunder methods, keyword names in calls,
  and the interface: the class the signature names and its required methods.
  Not normalised (different code, different fingerprint): a different
  algorithm or statement order, `x += 1` against `x = x + 1`, a loop against a
  comprehension, `collections.Counter` against `Counter`, other constants,
  helper functions defined in another order.

- `independent(candidates)`: keeps candidates with distinct authors and
  distinct fingerprints; of each group the most voted is kept, the others are
  dropped with the reason and the candidate they repeat.
"""

from __future__ import annotations

import ast
import hashlib
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from agent.sources.community import SolutionPost
from judge.signature import DesignSignature, FunctionSignature

Signature = FunctionSignature | DesignSignature

# ---------------------------------------------------------------- Markdown fences

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$", re.M)
PYTHON_TAGS = frozenset({"", "py", "py3", "python", "python3"})


@dataclass(frozen=True)
class Block:
    """One fenced block of a post and whether it is a whole Python solution."""

    lang: str  # the fence's language tag, lower case ("" when untagged)
    code: str
    reason: str | None = None  # why it is not a whole solution; None when it is

    @property
    def ok(self) -> bool:
        return self.reason is None


def fenced_blocks(markdown: str) -> list[tuple[str, str]]:
    """(language tag, code) of every fenced block, in order. An unterminated fence
    runs to the end; a fence indented (in a list item) has its code dedented."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    out: list[tuple[str, str]] = []
    pos = 0
    while (m := _OPEN.search(text, pos)) is not None:
        fence = m.group("fence")
        words = m.group("info").split()
        lang = re.sub(r"[\[{(].*$", "", words[0]).lower() if words else ""  # "Python3[]": LeetCode's tab group
        start = m.end() + 1
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M).search(text, start)
        body = text[start:] if close is None else text[start:close.start()]
        out.append((lang, textwrap.dedent(body).strip("\n") + "\n"))
        if close is None:
            break
        pos = close.end()
    return out


# ---------------------------------------------------------------- whole solutions


def _interface(signature: Signature) -> tuple[str, list[str]]:
    """The class a solution must define and the methods it must have."""
    if isinstance(signature, FunctionSignature):
        return "Solution", [signature.name]
    return signature.classname, [m.name for m in signature.methods]


def _answering_methods(signature: Signature) -> set[str]:
    """Methods that must return a value (a declared, non-void answer)."""
    if isinstance(signature, FunctionSignature):
        void = signature.returns == "void" or signature.output_param is not None
        return set() if void else {signature.name}
    return {m.name for m in signature.methods if m.returns != "void"}


def _own_nodes(fn: ast.AST) -> Iterable[ast.AST]:
    """The nodes of a function body, not those of functions or classes inside it."""
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _reads_stdin(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "input":
                return True
            if node.func.id == "open" and node.args and isinstance(node.args[0], ast.Constant) \
                    and node.args[0].value == 0:
                return True
        if isinstance(node, ast.Attribute) and node.attr == "stdin":
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and
                                                     node.module else [])
            if "fileinput" in names:
                return True
    return False


def _is_main_guard(stmt: ast.stmt) -> bool:
    """`if __name__ == "__main__":` (never true in the judge)."""
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    sides = [stmt.test.left, *stmt.test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and \
        any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _prints_at_top(tree: ast.Module) -> bool:
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or _is_main_guard(stmt):
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                return True
    return False


def why_not_solution(code: str, signature: Signature) -> str | None:
    """Why `code` is not a whole Python solution for `signature`, or None."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        return f"not Python 3 ({type(e).__name__}{': ' + e.msg if isinstance(e, SyntaxError) and e.msg else ''})"
    classname, methods = _interface(signature)
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == classname), None)
    if cls is None:
        return f"defines no class {classname}"
    defined: dict[str, ast.AST] = {}
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defined[stmt.name] = stmt
        elif isinstance(stmt, ast.Assign):
            defined.update({t.id: stmt for t in stmt.targets if isinstance(t, ast.Name)})
    missing = [m for m in methods if m not in defined]
    if missing:
        return f"class {classname} lacks {', '.join(missing)}"
    for name in sorted(_answering_methods(signature)):
        fn = defined[name]
        if isinstance(fn, ast.FunctionDef) and not any(
                isinstance(n, ast.Return) and n.value is not None for n in _own_nodes(fn)):
            return f"{classname}.{name} returns nothing (it prints or forgets its answer)"
    if _reads_stdin(tree):
        return "reads standard input"
    if _prints_at_top(tree):
        return "prints at the top level (a script, not a solution)"
    return None


def examine(markdown: str, signature: Signature) -> list[Block]:
    """Every fenced block of a post, each with why it is not a whole Python
    solution (None when it is)."""
    out = []
    for lang, code in fenced_blocks(markdown):
        if lang not in PYTHON_TAGS:
            out.append(Block(lang, code, f"tagged {lang}, not Python 3"))
        elif not code.strip():
            out.append(Block(lang, code, "empty"))
        else:
            out.append(Block(lang, code, why_not_solution(code, signature)))
    return out


def extract_solutions(markdown: str, signature: Signature) -> list[str]:
    """The whole Python solutions of a post, in order, each once."""
    seen: set[str] = set()
    out = []
    for block in examine(markdown, signature):
        if block.ok and block.code not in seen:
            seen.add(block.code)
            out.append(block.code)
    return out


# ---------------------------------------------------------------- fingerprint

_TYPING_MODULES = frozenset({"typing", "typing_extensions", "__future__"})


def _bound_name(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


class _Strip(ast.NodeTransformer):
    """Docstrings, bare strings, annotations and `__main__` drivers removed."""

    def visit_Expr(self, node: ast.Expr) -> ast.AST | None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return None
        return self.generic_visit(node)

    def visit_If(self, node: ast.If) -> ast.AST | None:
        return None if _is_main_guard(node) else self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:
            return None
        return self.generic_visit(ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno))

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.annotation = None
        node.type_comment = None
        return node

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        node.returns = None
        node.type_comment = None
        return self.generic_visit(node)

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.bases = [b for b in node.bases if not (isinstance(b, ast.Name) and b.id == "object")]
        return self.generic_visit(node)


def _loaded_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)}


def _imports(tree: ast.Module) -> None:
    """Typing and unused imports dropped (everywhere); the top-level ones split
    to one name each, sorted and put first."""
    used = _loaded_names(tree)

    class Prune(ast.NodeTransformer):
        def visit_Import(self, node: ast.Import) -> ast.AST | None:
            node.names = [a for a in node.names
                          if a.name.split(".")[0] not in _TYPING_MODULES and _bound_name(a) in used]
            return node if node.names else None

        def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
            if (node.module or "").split(".")[0] in _TYPING_MODULES:
                return None
            node.names = [a for a in node.names if a.name == "*" or _bound_name(a) in used]
            return node if node.names else None

    Prune().visit(tree)
    top: list[ast.stmt] = []
    rest: list[ast.stmt] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            top += [ast.Import(names=[a]) for a in stmt.names]
        elif isinstance(stmt, ast.ImportFrom):
            top += [ast.ImportFrom(module=stmt.module, names=[a], level=stmt.level) for a in stmt.names]
        else:
            rest.append(stmt)
    top.sort(key=ast.dump)
    tree.body = top + rest


def _imported(tree: ast.AST) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {_bound_name(a) for a in node.names if a.name != "*"}
    return out


_Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _scope_nodes(scope: ast.AST) -> Iterable[ast.AST]:
    """The nodes of a scope's own code: not the bodies of the functions, lambdas
    and classes inside it (their names, defaults and decorators are its own)."""
    if isinstance(scope, ast.Module):
        stack: list[ast.AST] = list(scope.body)
    elif isinstance(scope, ast.Lambda):
        stack = [scope.args, scope.body]
    else:
        assert isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef))
        stack = [scope.args, *scope.body]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack += [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]
        elif isinstance(node, ast.Lambda):
            stack += [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
        elif isinstance(node, ast.ClassDef):
            stack += [*node.decorator_list, *node.bases, *node.keywords]
        else:
            stack.extend(ast.iter_child_nodes(node))


def _locals(scope: ast.AST, imported: set[str]) -> set[str]:
    """The names a module or function binds itself (what it may rename): stored
    names, parameters, defined functions and classes, except and match targets;
    not names declared global or nonlocal, not imported names."""
    out: set[str] = set()
    declared: set[str] = set()
    for node in _scope_nodes(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler,
                               ast.MatchAs, ast.MatchStar)) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.add(node.rest)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared |= set(node.names)
    return out - declared - imported


def _defined_attributes(tree: ast.Module, keep: set[str]) -> set[str]:
    """Attributes the code defines: assigned through a method's first parameter
    (`self.x = ...`, whatever `self` is called) and names defined in a class body."""
    out: set[str] = set()
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.add(stmt.name)
                positional = [*stmt.args.posonlyargs, *stmt.args.args]
                if positional:
                    me = positional[0].arg
                    out |= {n.attr for n in ast.walk(stmt) if isinstance(n, ast.Attribute)
                            and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name) and n.value.id == me}
            elif isinstance(stmt, ast.Assign):
                out |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
    return {a for a in out if a not in keep and not (a.startswith("__") and a.endswith("__"))}


@dataclass
class _Scope:
    names: set[str]  # what it binds
    prefix: str  # "g" for the module, "f<depth>_" for functions
    renamed: dict[str, str]


class _Rename(ast.NodeVisitor):
    """Canonical names by order of first appearance, in one source-order walk.
    Each function numbers its own names (`f<depth>_<n>`); a name resolves as
    Python resolves it: the innermost function binding it, then the module
    (`g<n>`); class bodies are skipped (their names are attributes, `a<n>`)."""

    def __init__(self, module: ast.Module, module_names: set[str], attributes: set[str],
                 imported: set[str]) -> None:
        self.attributes, self.imported = attributes, imported
        self.attr_map: dict[str, str] = {}
        self.scopes = [_Scope(module_names, "g", {})]

    def name(self, n: str) -> str:
        for scope in reversed(self.scopes):
            if n in scope.names:
                return scope.renamed.setdefault(n, f"{scope.prefix}{len(scope.renamed)}")
        return n

    def attr(self, a: str) -> str:
        if a not in self.attributes:
            return a
        return self.attr_map.setdefault(a, f"a{len(self.attr_map)}")

    def visit_Name(self, node: ast.Name) -> None:
        node.id = self.name(node.id)

    def visit_arg(self, node: ast.arg) -> None:
        node.arg = self.name(node.arg)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.generic_visit(node)
        node.attr = self.attr(node.attr)

    def _enter(self, fn: _Function) -> None:
        """A function's own scope: its parameters, then its body."""
        self.scopes.append(_Scope(_locals(fn, self.imported), f"f{len(self.scopes)}_", {}))
        args = fn.args
        for a in (*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []), *args.kwonlyargs,
                  *([args.kwarg] if args.kwarg else [])):
            self.visit(a)
        for stmt in (fn.body if isinstance(fn.body, list) else [fn.body]):
            self.visit(stmt)
        self.scopes.pop()

    def _defaults(self, fn: _Function) -> None:
        for d in (*getattr(fn, "decorator_list", []), *fn.args.defaults, *fn.args.kw_defaults):
            if d is not None:
                self.visit(d)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        node.name = self.name(node.name)
        self._defaults(node)
        self._enter(node)

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._defaults(node)
        self._enter(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        node.name = self.name(node.name)
        for other in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(other)
        for stmt in node.body:  # names defined in a class body are attributes
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                stmt.name = self.attr(stmt.name)
                self._defaults(stmt)
                self._enter(stmt)
            elif isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
                for t in stmt.targets:
                    assert isinstance(t, ast.Name)
                    t.id = self.attr(t.id)
                self.visit(stmt.value)
            else:
                self.visit(stmt)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            node.name = self.name(node.name)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        node.names = [self.scopes[0].renamed.setdefault(n, f"g{len(self.scopes[0].renamed)}")
                      if n in self.scopes[0].names else n for n in node.names]

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        inner = self.scopes.pop()  # nonlocal names resolve in the enclosing functions
        node.names = [self.name(n) for n in node.names]
        self.scopes.append(inner)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            node.name = self.name(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            node.name = self.name(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.generic_visit(node)
        if node.rest:
            node.rest = self.name(node.rest)


def normalised(code: str, signature: Signature | None = None) -> str:
    """The code's normal form (the AST dump `fingerprint` hashes); SyntaxError
    if it is not Python. Without a signature, every top-level class and the
    methods defined in it are kept as the interface."""
    tree = ast.parse(code.replace("\r\n", "\n"))
    tree = _Strip().visit(tree)
    assert isinstance(tree, ast.Module)
    _imports(tree)
    if signature is not None:
        classname, methods = _interface(signature)
        classes, keep = {classname}, set(methods)
    else:
        classes = {s.name for s in tree.body if isinstance(s, ast.ClassDef)}
        keep = {f.name for s in tree.body if isinstance(s, ast.ClassDef)
                for f in s.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    imported = _imported(tree)
    module_names = _locals(tree, imported) - classes
    _Rename(tree, module_names, _defined_attributes(tree, keep), imported).visit(tree)
    return ast.dump(tree, annotate_fields=False)


def fingerprint(code: str, signature: Signature | None = None) -> str:
    """A short hash of the normalised code (see the module docstring). Code that
    is not Python hashes its text with whitespace runs collapsed (prefix `t`)."""
    try:
        form = "ast:" + normalised(code, signature)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "t" + hashlib.sha256(" ".join(code.split()).encode()).hexdigest()[:15]
    return hashlib.sha256(form.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- independence


@dataclass(frozen=True)
class Candidate:
    """One whole solution of one post: what the oracle runs and counts."""

    post_id: str  # the topic id; "<topic id>#<n>" for a post's n-th solution (n >= 2)
    author: str  # user slug
    votes: int
    code: str
    fingerprint: str
    created_at: datetime | None = None

    @classmethod
    def of(cls, post_id: str, author: str, votes: int, code: str, signature: Signature | None = None,
           created_at: datetime | None = None) -> Candidate:
        return cls(post_id, author, votes, code, fingerprint(code, signature), created_at)


def solutions_of(post: SolutionPost, signature: Signature) -> list[Candidate]:
    """The candidates of one fetched post (none when it has no whole solution)."""
    codes = extract_solutions(post.content or "", signature)
    return [Candidate.of(str(post.topic_id) + (f"#{i + 1}" if i else ""), post.author, post.votes, code,
                         signature, post.created_at) for i, code in enumerate(codes)]


@dataclass(frozen=True)
class Dropped:
    candidate: Candidate
    reason: str  # "same author as <post>" | "same code as <post> (after normalisation)"
    like: str  # the kept candidate it repeats


def _rank(c: Candidate) -> tuple[int, float, str]:
    """Most voted first; then the older post (a copy comes later); then by id."""
    when = c.created_at.timestamp() if c.created_at else float("inf")
    return (-c.votes, when, c.post_id)


def independent(candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[Dropped]]:
    """(kept, dropped). Candidates are taken most voted first; one is dropped when
    a kept one has the same author (compared case-insensitively; an empty author
    is one unknown author) or the same fingerprint. Only kept candidates count:
    a post dropped as a copy does not make its author's other code a repeat.
    Both lists are in that order."""
    kept: list[Candidate] = []
    dropped: list[Dropped] = []
    by_author: dict[str, Candidate] = {}
    by_code: dict[str, Candidate] = {}
    for c in sorted(candidates, key=_rank):
        author = c.author.strip().casefold()
        if author in by_author:
            first = by_author[author]
            dropped.append(Dropped(c, f"same author as {first.post_id}", first.post_id))
        elif c.fingerprint in by_code:
            first = by_code[c.fingerprint]
            dropped.append(Dropped(c, f"same code as {first.post_id} (after normalisation)", first.post_id))
        else:
            kept.append(c)
            by_author[author] = by_code[c.fingerprint] = c
    return kept, dropped
