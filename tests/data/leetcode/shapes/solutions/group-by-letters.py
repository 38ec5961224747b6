# ruff: noqa: F821
class Solution:
    def groupWords(self, words: List[str]) -> List[List[str]]:
        groups = defaultdict(list)
        for w in words:
            groups["".join(sorted(w))].append(w)
        return [g[::-1] for g in reversed(list(groups.values()))]  # another order at both levels
