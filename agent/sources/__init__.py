"""Problem sources: LeetCode, problem packs, dataset importers."""
