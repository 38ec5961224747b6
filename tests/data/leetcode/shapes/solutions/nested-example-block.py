# ruff: noqa: F821
class Solution:
    def countEven(self, nums: List[int]) -> int:
        return sum(x % 2 == 0 for x in nums)
