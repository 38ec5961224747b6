# ruff: noqa: F821
# Names such as List, Optional, Counter, heappush come from LeetCode's prelude.
class Solution:
    def exactValues(self, nums: List[int], k: int) -> List[int]:
        counts = Counter(nums)
        # ascending, not the statement's order: only an order-insensitive check accepts it
        return sorted(v for v, c in counts.items() if c == k)
