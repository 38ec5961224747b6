# ruff: noqa: F821
class Solution:
    def groupWords(self, words: List[str]) -> List[List[str]]:
        groups = defaultdict(list)
        for w in words:
            groups[w[0]].append(w)  # by first letter, not by letters
        return list(groups.values())
