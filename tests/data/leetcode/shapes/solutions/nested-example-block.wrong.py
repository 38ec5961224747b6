# ruff: noqa: F821
class Solution:
    def countEven(self, nums: List[int]) -> int:
        return len(nums) - 1  # wrong only on the example whose explanation nests a block
