# ruff: noqa: F821
# Names such as List, Optional, Counter, heappush come from LeetCode's prelude.
class Solution:
    def removeLeaves(self, root: Optional[TreeNode], threshold: int) -> Optional[TreeNode]:
        # deletes the original leaves only, never the parents they leave behind: wrong
        def is_leaf(node):
            return node is not None and node.left is None and node.right is None

        if is_leaf(root):
            return None if root.val < threshold else root
        stack = [root]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            if is_leaf(node.left) and node.left.val < threshold:
                node.left = None
            if is_leaf(node.right) and node.right.val < threshold:
                node.right = None
            stack += [node.left, node.right]
        return root
