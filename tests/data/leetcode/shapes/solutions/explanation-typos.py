class Solution:
    def plusOne(self, n: int) -> int:
        return n + 1
