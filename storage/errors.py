"""Errors of the results database.

    StorageError (judge.errors.LcagentError)  base
    ├── IntegrityViolation (ValueError)   a row breaks a constraint; names entity and key;
    │                                     the transaction is rolled back, nothing changes
    └── NotFound (LookupError)            a referenced row does not exist
"""

from __future__ import annotations

from judge.errors import LcagentError


class StorageError(LcagentError):
    """Base class of the results database's errors."""


class IntegrityViolation(StorageError, ValueError):
    def __init__(self, entity: str, key: str, reason: str) -> None:
        super().__init__(f"cannot store {entity} {key}: {reason}")
        self.entity, self.key, self.reason = entity, key, reason


class NotFound(StorageError, LookupError):
    def __init__(self, entity: str, key: str) -> None:
        super().__init__(f"no {entity} {key}")
        self.entity, self.key = entity, key
