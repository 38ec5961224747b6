# ruff: noqa: F821
# Names such as List, Optional, Counter, heappush come from LeetCode's prelude.
# Definition for a binary tree node.
# class TreeNode:
#     def __init__(self, val=0, left=None, right=None):
#         self.val = val
#         self.left = left
#         self.right = right
class Solution:
    def removeLeaves(self, root: Optional[TreeNode], threshold: int) -> Optional[TreeNode]:
        def prune(node):
            if node is None:
                return None
            node.left = prune(node.left)
            node.right = prune(node.right)
            if node.left is None and node.right is None and node.val < threshold:
                return None
            return node

        return prune(root)
