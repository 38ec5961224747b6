"""Community posts to candidates (agent/oracle/community_posts.py), pure: which
fenced blocks are whole solutions, when two codes are one, which posts are
independent. The fixture posts of the fake contest are checked too (their roles
are written in their headers: tests/data/leetcode/contest/posts/README.md)."""

from __future__ import annotations

import json
import random
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.oracle.community_posts import (
    Candidate,
    examine,
    extract_solutions,
    fenced_blocks,
    fingerprint,
    independent,
    normalised,
    solutions_of,
    why_not_solution,
)
from agent.sources.community import SolutionPost
from agent.sources.leetcode_parse import question_to_problem
from judge.signature import DesignSignature, FunctionSignature, Method, Param
from tests.fakes.leetcode_server import CONTEST_DIR, POSTS_DIR, FakePost, load_posts

EXACT = FunctionSignature(name="exactValues", params=[Param(name="nums", type="integer[]"),
                                                      Param(name="k", type="integer")],
                          **{"return": "list<integer>"})
IN_PLACE = FunctionSignature(name="sortEven", params=[Param(name="nums", type="integer[]")],
                             **{"return": "void"}, output_param=0)
QUEUE = DesignSignature(classname="TicketQueue", constructor=[Param(name="capacity", type="integer")],
                        methods=[Method(name="join", params=[Param(name="name", type="string")], **{"return": "void"}),
                                 Method(name="serve", params=[], **{"return": "string"}),
                                 Method(name="size", params=[], **{"return": "integer"})])

GOOD = """class Solution:
    def exactValues(self, nums, k):
        c = Counter(nums)
        return [v for v in c if c[v] == k]
"""
OTHER = """class Solution:
    def exactValues(self, nums, k):
        s = sorted(set(nums))
        return [v for v in s if nums.count(v) == k]
"""
QUEUE_CODE = """class TicketQueue:
    def __init__(self, capacity):
        self.cap, self.q = capacity, []

    def join(self, name):
        if len(self.q) < self.cap:
            self.q.append(name)

    def serve(self):
        return self.q.pop(0) if self.q else ""

    def size(self):
        return len(self.q)
"""


def md(*blocks: tuple[str, str], fence: str = "```") -> str:
    """A post: prose around fenced blocks of (tag, code)."""
    parts = ["# Intuition\nCount, then filter.\n"]
    for tag, code in blocks:
        parts.append(f"{fence}{tag}\n{code.rstrip()}\n{fence}\n\nSome words after the block.\n")
    return "\n".join(parts)


# ===================================================================== fences


@pytest.mark.parametrize("tag", ["python3", "python", "py", "py3", "Python3", "PYTHON", "", "Python3 []",
                                 "python3 [sol1]", "python3[]", "Python3 {.numberLines}", "python3 title=solution.py"])
def test_python_and_untagged_fences_are_read(tag: str) -> None:
    assert extract_solutions(md((tag, GOOD)), EXACT) == [GOOD]


def test_tilde_fences_longer_fences_and_crlf() -> None:
    assert extract_solutions(md(("python", GOOD), fence="~~~"), EXACT) == [GOOD]
    assert extract_solutions(md(("python3", GOOD), fence="````"), EXACT) == [GOOD]
    assert extract_solutions(md(("py", GOOD)).replace("\n", "\r\n"), EXACT) == [GOOD]


def test_a_longer_fence_holds_a_shorter_one() -> None:
    code = GOOD + '    doc = """\n```\nnot a fence end\n```\n"""\n'
    post = f"````python\n{code}````\n"
    assert fenced_blocks(post) == [("python", code)]


def test_an_indented_fence_in_a_list_item_is_dedented() -> None:
    post = "1. First count:\n\n    ```python\n" + textwrap.indent(GOOD, "    ") + "    ```\n2. done\n"
    assert extract_solutions(post, EXACT) == [GOOD]


def test_an_unterminated_fence_runs_to_the_end() -> None:
    assert extract_solutions("Code:\n```python3\n" + GOOD, EXACT) == [GOOD]


def test_no_fence_no_solution() -> None:
    # bare code in prose is not taken: a post's prose is not code
    assert extract_solutions(GOOD, EXACT) == []
    assert examine("just words, `inline code`", EXACT) == []


# ===================================================================== whole solutions


CPP = """class Solution {
public:
    vector<int> exactValues(vector<int>& nums, int k) {
        unordered_map<int, int> c;
        for (int x : nums) c[x]++;
        vector<int> r;
        for (auto& [v, n] : c) if (n == k) r.push_back(v);
        return r;
    }
};"""
JAVA = """class Solution {
    public List<Integer> exactValues(int[] nums, int k) {
        return new ArrayList<>();
    }
}"""
JS = """var exactValues = function(nums, k) {
    const c = new Map();
    return [...c.keys()].filter(v => c.get(v) === k);
};"""


@pytest.mark.parametrize(("code", "reason"), [
    pytest.param(CPP, "not Python 3", id="cpp-tagged-python"),
    pytest.param(JAVA, "not Python 3", id="java-tagged-python"),
    pytest.param(JS, "not Python 3", id="js-tagged-python"),
    pytest.param("def exactValues(nums, k):\n    return []\n", "defines no class Solution", id="helper-alone"),
    pytest.param("cnt = Counter(nums)\n", "defines no class Solution", id="snippet"),
    pytest.param("[v for v in cnt if cnt[v] == k]\n", "defines no class Solution", id="expression"),
    pytest.param("class Solution:\n    def other(self, nums, k):\n        return []\n",
                 "class Solution lacks exactValues", id="wrong-method"),
    pytest.param("class Answer:\n    def exactValues(self, nums, k):\n        return []\n",
                 "defines no class Solution", id="wrong-class"),
    pytest.param("def f():\n    class Solution:\n        def exactValues(self, nums, k):\n            return []\n",
                 "defines no class Solution", id="class-not-at-top-level"),
    pytest.param("class Solution:\n    def exactValues(self, nums, k):\n        print(sorted(set(nums)))\n",
                 "returns nothing", id="prints-the-answer"),
    pytest.param("class Solution:\n    def exactValues(self, nums, k):\n"
                 "        def inner():\n            return 1\n        inner()\n",
                 "returns nothing", id="only-a-nested-function-returns"),
    pytest.param(GOOD + "nums = list(map(int, input().split()))\n", "reads standard input", id="input"),
    pytest.param("import sys\n" + GOOD + "data = sys.stdin.read()\n", "reads standard input", id="sys-stdin"),
    pytest.param(GOOD + "data = open(0).read()\n", "reads standard input", id="open-0"),
    pytest.param("import fileinput\n" + GOOD, "reads standard input", id="fileinput"),
    pytest.param(GOOD + "print(Solution().exactValues([1, 1], 2))\n", "prints at the top level", id="driver"),
    pytest.param("class Solution:\n    def exactValues(self, nums, k):\n        print 'x'\n        return []\n",
                 "not Python 3", id="python2"),
    pytest.param("class Solution:\n    def exactValues(self, nums, k):\n        return [\n", "not Python 3",
                 id="truncated"),
])
def test_blocks_that_are_not_whole_solutions_are_rejected_with_a_reason(code: str, reason: str) -> None:
    [block] = examine(md(("python3", code)), EXACT)
    assert block.reason is not None and reason in block.reason, block.reason
    assert extract_solutions(md(("python3", code)), EXACT) == []


def test_other_languages_are_skipped_and_the_python_block_taken() -> None:
    post = md(("cpp", CPP), ("Python3 []", GOOD), ("Java []", JAVA), ("javascript", JS))
    blocks = examine(post, EXACT)
    assert [b.lang for b in blocks] == ["cpp", "python3", "java", "javascript"]
    assert [b.ok for b in blocks] == [False, True, False, False]
    assert blocks[0].reason == "tagged cpp, not Python 3"
    assert extract_solutions(post, EXACT) == [GOOD]


def test_an_empty_block_is_rejected() -> None:
    assert [b.reason for b in examine("```python\n\n```\n", EXACT)] == ["empty"]


@pytest.mark.parametrize("code", [
    GOOD + 'if __name__ == "__main__":\n    print(Solution().exactValues([1, 1], 2))\n',
    "from typing import List\nfrom collections import Counter\n\n" + GOOD,
    GOOD.replace("class Solution:", "class Solution(object):"),
    GOOD + "\n\nclass Helper:\n    pass\n",
    "import sys\nsys.setrecursionlimit(10000)\n" + GOOD,
    GOOD.replace("    def exactValues", "    @staticmethod\n    def helper(x):\n        return x\n\n    def exactValues"),
    GOOD.replace("        c = Counter(nums)\n", "        c = Counter(nums)\n        print('debug', c)\n"),
])
def test_whole_solutions_with_harmless_extras_are_accepted(code: str) -> None:
    assert why_not_solution(code, EXACT) is None


def test_an_in_place_solution_need_not_return() -> None:
    code = "class Solution:\n    def sortEven(self, nums):\n        nums[::2] = sorted(nums[::2])\n"
    assert why_not_solution(code, IN_PLACE) is None


def test_design_solutions_need_the_class_and_every_method() -> None:
    assert why_not_solution(QUEUE_CODE, QUEUE) is None
    no_size = QUEUE_CODE.replace("    def size(self):\n        return len(self.q)\n", "")
    assert why_not_solution(no_size, QUEUE) == "class TicketQueue lacks size"
    aliased = no_size + "\n    def __len__(self):\n        return len(self.q)\n\n    size = __len__\n"
    assert why_not_solution(aliased, QUEUE) is None  # a method given by assignment counts
    silent = QUEUE_CODE.replace('return self.q.pop(0) if self.q else ""', 'print(self.q.pop(0))')
    assert "TicketQueue.serve returns nothing" in (why_not_solution(silent, QUEUE) or "")
    assert why_not_solution(GOOD, QUEUE) == "defines no class TicketQueue"


def test_several_whole_solutions_are_all_returned_in_order_each_once() -> None:
    post = md(("python3", GOOD), ("cpp", CPP), ("python3", OTHER), ("python", GOOD))
    assert extract_solutions(post, EXACT) == [GOOD, OTHER]


def test_a_pathological_block_is_rejected_not_raised() -> None:
    deep = "class Solution:\n    def exactValues(self, nums, k):\n        return " + "(" * 5000 + ")" * 5000 + "\n"
    [block] = examine(md(("python", deep)), EXACT)
    assert block.reason is not None and block.reason.startswith("not Python 3")
    assert examine("```python\nx = '\0'\n```", EXACT)[0].reason is not None  # a NUL byte


# ===================================================================== fingerprint

BASE = """
import heapq
from collections import Counter


class Solution:
    def exactValues(self, nums: List[int], k: int) -> List[int]:
        counts = Counter(nums)
        result = []
        for value, times in counts.items():
            if times == k:
                result.append(value)
        heapq.heapify(result)
        return result
"""

SAME_AS_BASE = {
    "renamed": BASE.replace("counts", "freq").replace("result", "ans").replace("value", "v")
                   .replace("times", "t").replace("nums", "arr"),
    "renamed-k": BASE.replace("k:", "target:").replace("== k", "== target"),
    "comments-blank-lines": BASE.replace("        result = []\n", "\n        result = []  # the answer\n\n")
                                .replace("class Solution:", "# my solution\nclass Solution:"),
    "docstring": BASE.replace("List[int]:\n", 'List[int]:\n        """Values seen exactly k times."""\n'),
    "string-statement": BASE.replace("        return result", "        'done'\n        return result"),
    "reordered-imports": BASE.replace("import heapq\nfrom collections import Counter",
                                      "from collections import Counter\nimport heapq"),
    "typing-import": "from typing import List, Optional\n" + BASE,
    "future-import": "from __future__ import annotations\n" + BASE,
    "unused-import": "import bisect\n" + BASE,
    "builtin-generics": BASE.replace("List[int]", "list[int]"),
    "no-annotations": BASE.replace(": List[int]", "").replace(": int", "").replace(" -> List[int]", ""),
    "annotated-local": BASE.replace("result = []", "result: list[int] = []"),
    "object-base": BASE.replace("class Solution:", "class Solution(object):"),
    "main-driver": BASE + '\nif __name__ == "__main__":\n    print(Solution().exactValues([1], 1))\n',
    "self-renamed": BASE.replace("(self,", "(this,"),
    "split-imports": BASE.replace("from collections import Counter", "from collections import Counter, deque"),
}


@pytest.mark.parametrize("variant", sorted(SAME_AS_BASE))
def test_copies_have_the_same_fingerprint(variant: str) -> None:
    assert fingerprint(SAME_AS_BASE[variant], EXACT) == fingerprint(BASE, EXACT)


DIFFERENT_FROM_BASE = {
    "another-comparison": BASE.replace("times == k", "times >= k"),
    "another-constant": BASE.replace("result = []", "result = [0]"),
    "operands-swapped": BASE.replace("times == k", "k == times"),
    "another-builtin": BASE.replace("heapq.heapify(result)", "heapq.heapify(sorted(result))"),
    "another-module-function": BASE.replace("heapq.heapify", "heapq.nlargest"),
    "another-prelude-name": BASE.replace("Counter(nums)", "defaultdict(nums)"),
    "extra-statement": BASE.replace("        return result", "        result.sort()\n        return result"),
    "statement-order": BASE.replace("        heapq.heapify(result)\n", "")
                           .replace("        result = []\n", "        result = []\n        heapq.heapify(result)\n"),
    "method-name": BASE.replace("def exactValues", "def exactValue"),
    "external-attribute": BASE.replace("counts.items()", "counts.keys()"),
    "augmented-assignment": BASE.replace("result.append(value)", "result += [value]"),
}


@pytest.mark.parametrize("variant", sorted(DIFFERENT_FROM_BASE))
def test_different_code_has_a_different_fingerprint(variant: str) -> None:
    assert fingerprint(DIFFERENT_FROM_BASE[variant], EXACT) != fingerprint(BASE, EXACT)


def test_renaming_is_consistent_not_collapsing() -> None:
    a = "class Solution:\n    def f(self, x, y):\n        a, b = x, y\n        return a - b\n"
    b = "class Solution:\n    def f(self, x, y):\n        a, b = x, y\n        return b - a\n"
    c = "class Solution:\n    def f(self, p, q):\n        m, n = p, q\n        return m - n\n"
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(a) == fingerprint(c)


def test_attributes_defined_by_the_code_are_renamed_and_the_interface_kept() -> None:
    renamed = (QUEUE_CODE.replace("self.cap", "self.limit").replace("self.q", "self.waiting")
               .replace("self", "me").replace("capacity", "n"))
    assert fingerprint(renamed, QUEUE) == fingerprint(QUEUE_CODE, QUEUE)
    other_interface = QUEUE_CODE.replace("def serve", "def pop")
    assert fingerprint(other_interface, QUEUE) != fingerprint(QUEUE_CODE, QUEUE)


def test_a_name_reused_in_two_methods_is_two_variables() -> None:
    # `name` in join and `name` in serve are unrelated: renaming one alone is still a copy
    a = QUEUE_CODE.replace('return self.q.pop(0) if self.q else ""',
                           'name = self.q.pop(0) if self.q else ""\n        return name')
    b = a.replace('name = self.q.pop(0) if self.q else ""\n        return name',
                  'who = self.q.pop(0) if self.q else ""\n        return who')
    assert fingerprint(a, QUEUE) == fingerprint(b, QUEUE)


def test_helper_methods_nested_functions_and_comprehension_targets_are_renamed() -> None:
    a = """class Solution:
    MOD = 10 ** 9 + 7

    def exactValues(self, nums, k):
        def count(xs):
            return {x: xs.count(x) for x in set(xs)}
        return self.pick(count(nums), k)

    def pick(self, counts, k):
        return sorted(v % self.MOD for v, c in counts.items() if c == k)
"""
    b = (a.replace("MOD", "M").replace("count(", "tally(").replace("xs", "arr").replace("x:", "e:")
         .replace("arr.tally(x)", "arr.count(e)").replace("for x in", "for e in").replace("pick", "choose")
         .replace("v %", "w %").replace("for v, c", "for w, c"))
    assert "arr.count(e)" in b and "tally(nums)" in b
    assert fingerprint(a, EXACT) == fingerprint(b, EXACT)


def test_closures_globals_and_lambdas_resolve_like_python() -> None:
    a = """LIMIT = 5
class Solution:
    def exactValues(self, nums, k):
        best = 0
        def seen(i):
            nonlocal best
            best = max(best, i)
            return best < LIMIT
        key = lambda x, d=k: (x % d, x)
        return sorted(filter(seen, nums), key=key)
"""
    b = (a.replace("LIMIT", "CAP").replace("best", "top").replace("seen", "ok").replace("(i)", "(j)")
         .replace(", i)", ", j)").replace("lambda x, d=k: (x % d, x)", "lambda y, m=k: (y % m, y)"))
    assert fingerprint(a, EXACT) == fingerprint(b, EXACT)
    # the closure's variable is the function's, not a new one of the inner function
    c = a.replace("            nonlocal best\n", "")
    assert fingerprint(a, EXACT) != fingerprint(c, EXACT)


def test_normal_form_is_readable_and_names_what_it_kept() -> None:
    form = normalised(BASE, EXACT)
    assert "'exactValues'" in form and "'Solution'" in form and "'Counter'" in form and "'heapq'" in form
    assert "'counts'" not in form and "'List'" not in form


def test_without_a_signature_the_classes_and_their_methods_are_kept() -> None:
    renamed_method = GOOD.replace("exactValues", "exact")
    assert fingerprint(GOOD) != fingerprint(renamed_method)
    assert fingerprint(GOOD) == fingerprint(GOOD.replace("c = Counter", "cc = Counter").replace("c[v]", "cc[v]")
                                            .replace("in c ", "in cc "))


def test_code_that_is_not_python_hashes_its_text() -> None:
    assert fingerprint(CPP).startswith("t") and not fingerprint(GOOD).startswith("t")
    assert fingerprint(CPP) == fingerprint(CPP.replace("\n", "\n\n  "))
    assert fingerprint(CPP) != fingerprint(JAVA)


# ===================================================================== independence

T0 = datetime(2026, 4, 19, 4, 0, tzinfo=UTC)


def cand(post_id: str, author: str, votes: int, code: str = GOOD, minutes: int = 0) -> Candidate:
    return Candidate.of(post_id, author, votes, code, EXACT, T0 + timedelta(minutes=minutes))


def variant(i: int) -> str:
    """Genuinely different code per i (a different constant)."""
    return GOOD.replace("== k", f"== k + {i}")


def test_distinct_authors_and_codes_are_all_kept_most_voted_first() -> None:
    cs = [cand("1", "ann", 5, variant(1)), cand("2", "bob", 50, variant(2)), cand("3", "cy", 20, variant(3))]
    kept, dropped = independent(cs)
    assert [c.post_id for c in kept] == ["2", "3", "1"] and dropped == []


def test_a_second_post_of_an_author_is_dropped_keeping_the_most_voted() -> None:
    cs = [cand("1", "ann", 5, variant(1)), cand("2", "ann", 50, variant(2)), cand("3", "bob", 9, variant(3))]
    kept, dropped = independent(cs)
    assert [c.post_id for c in kept] == ["2", "3"]
    [d] = dropped
    assert d.candidate.post_id == "1" and d.like == "2" and d.reason == "same author as 2"


def test_authors_are_compared_case_insensitively() -> None:
    kept, dropped = independent([cand("1", "Ann", 5, variant(1)), cand("2", "ann ", 3, variant(2))])
    assert [c.post_id for c in kept] == ["1"] and dropped[0].reason == "same author as 1"


def test_the_same_code_after_normalisation_is_dropped() -> None:
    copy = GOOD.replace("c = Counter", "freq = Counter").replace("c[v]", "freq[v]").replace("in c ", "in freq ")
    kept, dropped = independent([cand("1", "ann", 5), cand("2", "bob", 70, copy), cand("3", "cy", 1, variant(3))])
    assert [c.post_id for c in kept] == ["2", "3"]
    [d] = dropped
    assert (d.candidate.post_id, d.like, d.reason) == ("1", "2", "same code as 2 (after normalisation)")


def test_ties_go_to_the_older_post_then_the_id() -> None:
    kept, dropped = independent([cand("9", "bob", 5, minutes=30), cand("7", "ann", 5, minutes=10)])
    assert [c.post_id for c in kept] == ["7"] and dropped[0].like == "7"
    undated = [Candidate.of("b", "x", 5, variant(1), EXACT), Candidate.of("a", "x", 5, variant(2), EXACT),
               cand("c", "x", 5, variant(3))]
    kept, _ = independent(undated)
    assert [c.post_id for c in kept] == ["c"]  # a dated post before undated ones
    kept, _ = independent(undated[:2])
    assert [c.post_id for c in kept] == ["a"]


def test_only_kept_posts_make_repeats() -> None:
    # bob's copy of ann's code is dropped; bob's other code is then his first kept post
    kept, dropped = independent([cand("1", "ann", 9), cand("2", "bob", 8), cand("3", "bob", 7, variant(3))])
    assert [c.post_id for c in kept] == ["1", "3"]
    assert [(d.candidate.post_id, d.reason) for d in dropped] == [("2", "same code as 1 (after normalisation)")]
    # and code repeated only from a dropped post is not a repeat
    kept, dropped = independent([cand("1", "ann", 9, variant(1)), cand("2", "ann", 8, variant(2)),
                                 cand("3", "cy", 7, variant(2))])
    assert [c.post_id for c in kept] == ["1", "3"]


def test_an_empty_author_is_one_unknown_author() -> None:
    kept, dropped = independent([cand("1", "", 3, variant(1)), cand("2", "  ", 2, variant(2))])
    assert [c.post_id for c in kept] == ["1"] and len(dropped) == 1


def test_independence_does_not_depend_on_the_input_order() -> None:
    rng = random.Random(19)
    for _ in range(200):
        cs = [cand(str(i), rng.choice("abcde"), rng.randrange(4), variant(rng.randrange(4)), rng.randrange(3))
              for i in range(rng.randrange(1, 9))]
        want = independent(cs)
        shuffled = cs[:]
        rng.shuffle(shuffled)
        assert independent(shuffled) == want
        kept, dropped = want
        assert len({c.author for c in kept}) == len(kept) and len({c.fingerprint for c in kept}) == len(kept)
        assert len(kept) + len(dropped) == len(cs)


def test_solutions_of_a_post_number_its_candidates() -> None:
    post = SolutionPost("values-with-exact-frequency", 123, "Two ways", "ann", 10, T0, 5,
                        content=md(("python3", GOOD), ("python3", OTHER)))
    cs = solutions_of(post, EXACT)
    assert [(c.post_id, c.author, c.votes, c.created_at) for c in cs] == [("123", "ann", 10, T0),
                                                                          ("123#2", "ann", 10, T0)]
    assert cs[0].fingerprint == fingerprint(GOOD, EXACT)
    kept, dropped = independent(cs)
    assert [c.post_id for c in kept] == ["123"] and dropped[0].reason == "same author as 123"
    assert solutions_of(SolutionPost("x", 1, "t", "a", 0, None, 0), EXACT) == []  # not fetched: nothing


# ===================================================================== the fixture posts


def fixture_posts() -> list[tuple[str, FakePost]]:
    return [(d.name, p) for d in sorted(POSTS_DIR.iterdir()) if d.is_dir() for p in load_posts(d)]


def signature_of(slug: str) -> FunctionSignature | DesignSignature:
    q = json.loads((CONTEST_DIR / f"question-{slug}.json").read_text(encoding="utf-8"))["data"]["question"]
    return question_to_problem(q).signature


CONTEST_FIVE = ["mean-distance-to-origin", "remove-leaves-below-threshold", "sort-even-positions", "ticket-queue",
                "values-with-exact-frequency"]


def test_every_contest_problem_has_the_post_shapes_the_oracle_must_handle() -> None:
    by_slug: dict[str, list[FakePost]] = {}
    for slug, post in fixture_posts():
        by_slug.setdefault(slug, []).append(post)
    assert sorted(by_slug) == CONTEST_FIVE
    for slug, posts in by_slug.items():
        roles = [p.meta["role"] for p in posts]
        correct = [p for p in posts if p.meta["role"] == "correct"]
        assert len({p.author for p in correct}) == len(correct) >= 5, slug
        assert {"copy", "same-author", "cpp", "explanation"} <= set(roles), slug
        assert roles.count("wrong") == 1, slug
        wrong = next(p for p in posts if p.meta["role"] == "wrong")
        assert wrong.votes == max(p.votes for p in posts) and wrong.meta["wrong_on"], slug
        assert any(len({t for t, _ in fenced_blocks(p.content)} - {"python3", "python", "py", ""}) >= 1
                   and p.meta["solutions"] >= 1 for p in posts), f"{slug}: no post with two languages"


@pytest.mark.parametrize(("slug", "post"), fixture_posts(), ids=lambda v: v if isinstance(v, str) else str(v.topic_id))
def test_each_fixture_post_yields_the_solutions_its_header_says(slug: str, post: FakePost) -> None:
    assert len(extract_solutions(post.content, signature_of(slug))) == post.meta["solutions"]


@pytest.mark.parametrize("slug", CONTEST_FIVE)
def test_fixture_copies_are_found_and_the_rest_kept_apart(slug: str) -> None:
    sig = signature_of(slug)
    posts = load_posts(POSTS_DIR / slug)
    cands = [c for p in posts for c in solutions_of(
        SolutionPost(slug, p.topic_id, p.title, p.author, p.votes, datetime.fromisoformat(p.created_at),
                     p.hit_count, content=p.content), sig)]
    kept, dropped = independent(cands)
    roles = {p.topic_id: p.meta for p in posts}
    assert sorted(int(c.post_id) for c in kept) == sorted(t for t, m in roles.items()
                                                          if m["role"] in ("correct", "wrong"))
    assert kept[0].post_id == str(next(t for t, m in roles.items() if m["role"] == "wrong"))  # most voted
    for d in dropped:
        meta = roles[int(d.candidate.post_id.split("#")[0])]
        if meta["role"] == "copy":
            assert d.like == str(meta["copy_of"]) and d.reason.startswith("same code")
        elif meta["role"] == "same-author":
            assert d.like == str(meta["same_author_as"]) and d.reason.startswith("same author")
        else:
            assert d.candidate.post_id.endswith("#2") and d.reason.startswith("same author")


def test_fixture_files_are_where_the_fake_reads_them() -> None:
    assert POSTS_DIR == CONTEST_DIR / "posts" and Path(POSTS_DIR / "README.md").exists()
