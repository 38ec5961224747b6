# ruff: noqa: F821
# Names such as List, Optional, Counter, heappush come from LeetCode's prelude.
class TicketQueue:

    def __init__(self, capacity: int):
        self.heap = []  # forgets the capacity: wrong
        self.joined = 0

    def join(self, name: str, priority: int) -> None:
        heappush(self.heap, (-priority, self.joined, name))
        self.joined += 1

    def serve(self) -> str:
        return heappop(self.heap)[2] if self.heap else ""

    def size(self) -> int:
        return len(self.heap)
