"""Random values of one kind, each with the edge-case patterns tests need: numbers
(bounds, extremes, all equal, a narrow window for repeats, distinct), strings over
a character set, binary tree shapes, and tree edge lists. Every function takes
its `random.Random`; none touches global random state."""

from __future__ import annotations

import math
import random
from collections import deque

from judge import harness

VALUE_MODES = ("random", "min", "max", "extreme", "equal", "narrow", "sorted", "reversed")


def number(lo: float, hi: float, mode: str, rng: random.Random, integral: bool = True) -> float:
    """One number in [lo, hi] (finite) following `mode`."""
    if mode == "min":
        return lo
    if mode == "max":
        return hi
    if mode == "extreme":
        choices = [lo, hi] + ([lo + 1, hi - 1] if integral and hi - lo >= 2 else [])
        return rng.choice(choices)
    if not integral:
        return _real(lo, hi, rng)
    lo, hi = int(lo), int(hi)
    r = rng.random()
    if r < 0.08:
        return lo
    if r < 0.16:
        return hi
    span = hi - lo
    if span > 1000 and r < 0.5:  # small magnitudes near a bound or near zero matter most
        width = int(10 ** rng.uniform(0, math.log10(span)))
        anchor = rng.choice([lo, hi - width, min(max(0, lo), hi - width)])
        return rng.randint(max(lo, anchor), min(hi, anchor + width))
    return rng.randint(lo, hi)


def _real(lo: float, hi: float, rng: random.Random) -> float:
    x = round(rng.uniform(lo, hi), 5)
    return min(max(x, lo), hi)


def numbers(n: int, lo: float, hi: float, mode: str, rng: random.Random, *, distinct: bool = False,
            integral: bool = True) -> list | None:
    """n numbers in [lo, hi]; None when `distinct` cannot be met."""
    if n == 0:
        return []
    if not integral:
        out = [_real(lo, hi, rng) for _ in range(n)]
        return out if not distinct or len(set(out)) == n else None
    lo, hi = int(lo), int(hi)
    span = hi - lo + 1
    if distinct:
        if span < n:
            return None
        if mode == "narrow" or mode in ("min", "max"):
            start = lo if mode == "min" else hi - n + 1 if mode == "max" else rng.randint(lo, hi - n + 1)
            width = min(span, 2 * n)
            start = min(start, hi - width + 1)
            return rng.sample(range(start, start + width), n)
        return rng.sample(range(lo, hi + 1), n)
    if mode == "equal":
        return [number(lo, hi, "random", rng)] * n
    if mode in ("min", "max"):
        return [lo if mode == "min" else hi] * n
    if mode == "extreme":
        return [number(lo, hi, "extreme", rng) for _ in range(n)]
    if mode == "narrow":
        width = max(1, min(span, max(2, n // 3)))
        start = rng.randint(lo, hi - width + 1)
        return [rng.randint(start, start + width - 1) for _ in range(n)]
    out = [number(lo, hi, "random", rng) for _ in range(n)] if span > 1000 else \
        [rng.randint(lo, hi) for _ in range(n)]
    if mode == "sorted":
        out.sort()
    elif mode == "reversed":
        out.sort(reverse=True)
    return out


def text(n: int, chars: str, mode: str, rng: random.Random, *, no_leading_zero: bool = False) -> str | None:
    """A string of n characters from `chars`."""
    alphabet = sorted(set(chars))
    if n == 0:
        return ""
    if mode in ("equal", "min", "max"):
        pool = [alphabet[0] if mode == "min" else alphabet[-1] if mode == "max" else rng.choice(alphabet)]
    elif mode == "narrow":
        pool = rng.sample(alphabet, min(2, len(alphabet)))
    else:
        pool = alphabet
    out = [rng.choice(pool) for _ in range(n)]
    if mode == "sorted":
        out.sort()
    elif mode == "reversed":
        out.sort(reverse=True)
    if no_leading_zero and n > 1 and out[0] == "0":
        nonzero = [c for c in alphabet if c != "0"]
        if not nonzero:
            return None
        out[0] = rng.choice(nonzero)
    return "".join(out)


TREE_SHAPES = ("random", "left", "right", "complete", "zigzag")
MAX_CHAIN = 500  # deeper chains only test the interpreter's recursion limit


def tree(values: list, shape: str, rng: random.Random, *, in_order: bool = False) -> list:
    """Level-order JSON of a binary tree holding `values`: in level order, or in
    in-order (a search tree, when the values are sorted)."""
    n = len(values)
    if n == 0:
        return []
    if shape in ("left", "right", "zigzag") and n > MAX_CHAIN:
        shape = "random"
    nodes = [harness.TreeNode(0) for _ in range(n)]
    if shape == "complete":
        for k in range(1, n):
            parent = nodes[(k - 1) // 2]
            if k % 2:
                parent.left = nodes[k]
            else:
                parent.right = nodes[k]
    elif shape in ("left", "right", "zigzag"):
        for k in range(1, n):
            side = shape if shape != "zigzag" else ("left" if k % 2 else "right")
            setattr(nodes[k - 1], side, nodes[k])
    else:  # attach each node at a random free slot: depth O(log n) on average
        slots = [(nodes[0], "left"), (nodes[0], "right")]
        for k in range(1, n):
            j = rng.randrange(len(slots))
            parent, side = slots[j]
            slots[j] = slots[-1]
            slots.pop()
            setattr(parent, side, nodes[k])
            slots += [(nodes[k], "left"), (nodes[k], "right")]
    order = _in_order(nodes[0]) if in_order else _level_order(nodes[0])
    for node, v in zip(order, values, strict=True):
        node.val = v
    return harness.tree_to_json(nodes[0])


def _level_order(root: harness.TreeNode) -> list:
    out, queue = [], deque([root])
    while queue:
        node = queue.popleft()
        out.append(node)
        queue.extend(c for c in (node.left, node.right) if c is not None)
    return out


def _in_order(root: harness.TreeNode) -> list:
    out, stack, node = [], [], root
    while stack or node is not None:
        while node is not None:
            stack.append(node)
            node = node.left
        node = stack.pop()
        out.append(node)
        node = node.right
    return out


EDGE_SHAPES = ("random", "path", "star", "caterpillar")


def tree_edges(nodes: int, first: int, shape: str, rng: random.Random) -> list[list[int]]:
    """The n - 1 edges of a tree on labels first .. first + nodes - 1, relabelled,
    each edge in a random direction, in random order."""
    parents = []
    for k in range(1, nodes):
        if shape == "path":
            parents.append(k - 1)
        elif shape == "star":
            parents.append(0)
        elif shape == "caterpillar":
            parents.append(k - 1 if k % 2 else max(0, k - 2))
        else:
            parents.append(rng.randrange(k))
    labels = list(range(first, first + nodes))
    rng.shuffle(labels)
    edges = []
    for child, parent in enumerate(parents, 1):
        a, b = labels[child], labels[parent]
        edges.append([a, b] if rng.random() < 0.5 else [b, a])
    rng.shuffle(edges)
    return edges
