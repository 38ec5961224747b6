# ruff: noqa: F821
class Solution:
    def spread(self, n: int) -> List[int]:
        return list(range(min(n, 2)))  # wrong only on the example split over two spans
