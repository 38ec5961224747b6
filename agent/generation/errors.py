"""Errors of generation.

    GenerationError (judge.errors.LcagentError)  base
    ├── EndpointUnavailable (RuntimeError)   retry later: connection refused/dropped, timeout,
    │                                        HTTP 429/5xx, malformed body. Never a result.
    └── GenerationConfigError (ValueError)   fix the configuration: HTTP 401/403/404, ...
        ├── ModelNotServed                   the endpoint does not serve the model id
        └── RequestRejected                  HTTP 400/422 for one request (a prompt too long,
                                             a sampling value refused); when a model's first
                                             requests are all rejected, its configuration is wrong
"""

from __future__ import annotations

from judge.errors import LcagentError


class GenerationError(LcagentError):
    """Base class of generation's errors."""


class EndpointUnavailable(GenerationError, RuntimeError):
    pass


class GenerationConfigError(GenerationError, ValueError):
    pass


class ModelNotServed(GenerationConfigError):
    def __init__(self, endpoint: str, model: str, served: list[str]) -> None:
        listing = ", ".join(served) or "nothing"
        wanted = "exactly one model" if model == "*" else f"model {model!r}"
        super().__init__(f"{endpoint} does not serve {wanted} (it serves: {listing})")
        self.endpoint, self.model, self.served = endpoint, model, served


class RequestRejected(GenerationConfigError):
    pass
