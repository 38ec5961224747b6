# ruff: noqa: F821
class Solution:
    def total(self, nums: List[int]) -> int:
        return sum(nums)
