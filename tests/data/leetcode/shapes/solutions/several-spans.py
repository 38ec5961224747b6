# ruff: noqa: F821
class Solution:
    def spread(self, n: int) -> List[int]:
        return list(range(n))
