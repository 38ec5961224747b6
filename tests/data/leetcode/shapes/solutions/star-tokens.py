# ruff: noqa: F821
class Solution:
    def tokens(self, s: str) -> List[str]:
        return list(s)
