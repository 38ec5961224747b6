class Solution:
    def double(self, n: int) -> int:
        return 2 * n
