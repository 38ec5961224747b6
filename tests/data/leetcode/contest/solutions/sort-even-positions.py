# ruff: noqa: F821
# Names such as List, Optional, Counter, heappush come from LeetCode's prelude.
class Solution:
    def sortEvenPositions(self, nums: List[int]) -> None:
        """
        Do not return anything, modify nums in-place instead.
        """
        nums[::2] = sorted(nums[::2])
