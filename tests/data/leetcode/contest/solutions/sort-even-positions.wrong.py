# ruff: noqa: F821
# Names such as List, Optional, Counter, heappush come from LeetCode's prelude.
class Solution:
    def sortEvenPositions(self, nums: List[int]) -> None:
        nums.sort()  # sorts the odd positions too: wrong
