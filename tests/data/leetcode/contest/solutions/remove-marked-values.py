# ruff: noqa: F821
# Names such as List, Optional, Counter, heappush come from LeetCode's prelude.
class Solution:
    def removeMarked(self, nums: List[int], val: int) -> int:
        k = 0
        for x in nums:
            if x != val:
                nums[k] = x
                k += 1
        return k
