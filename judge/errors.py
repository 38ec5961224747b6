"""Errors raised by the judge, and the project's error root.

    LcagentError                     the root of every error lcagent raises on purpose:
    │                                the CLI catches it and prints its message as one line.
    │                                It lives here because judge/ is the lowest layer (it
    │                                imports nothing else of the project); the other trees
    │                                derive from it: storage.errors.StorageError,
    │                                agent.sources.errors.SourceError,
    │                                agent.generation.errors.GenerationError,
    │                                agent.oracle.OracleError, agent.config_sources.ConfigError.
    JudgeError                       base of everything below
    ├── SandboxUnavailable (RuntimeError)   infrastructure: Docker down, container
    │   │                                   died, no answer in time. Never a verdict:
    │   │                                   the caller retries the unit later.
    │   ├── SandboxCrashed                  the container died or went silent while it
    │   │                                   ran a job: the judge reruns it in a fresh
    │   │                                   container and, if a healthy canary passes,
    │   │                                   blames the submission (a verdict after all)
    │   └── JudgeImageMissing               the judge image for this code is not built
    ├── ServiceConfigError (ValueError)     the judge service refuses to start as configured
    │                                       (no bearer token, a guessable one)
    └── ProblemError (ValueError)           a problem file or test that cannot be judged
        ├── UnsupportedTypeError            a metaData type the judge does not know
        └── InvalidSlug                     a slug outside LeetCode's alphabet (it names files)

A verdict about the submitted code is never an exception: it is a `JudgeResult`.
"""

from __future__ import annotations


class LcagentError(Exception):
    """Base class of every error lcagent raises on purpose; its message is one
    line a user can act on."""


class JudgeError(LcagentError):
    """Base class of the judge's errors."""


class SandboxUnavailable(JudgeError, RuntimeError):
    """The sandbox could not run the submission; retry later, never record a verdict."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"sandbox unavailable: {reason}")
        self.reason = reason


class SandboxCrashed(SandboxUnavailable):
    """The judge container stopped answering during a job (killed, out of memory,
    silent past its deadline). What it says about the submission is decided by a
    rerun and a canary (`judge.judging`)."""

    def __init__(self, reason: str, *, oom_killed: bool = False) -> None:
        super().__init__(reason)
        self.oom_killed = oom_killed


class JudgeImageMissing(SandboxUnavailable):
    def __init__(self, image: str) -> None:
        super().__init__(
            f"judge image {image} is not built; run `lcagent judge-image build --offline` "
            "(or without --offline where a registry is reachable)"
        )
        self.image = image


class ServiceConfigError(JudgeError, ValueError):
    """The judge service's settings are unsafe; it does not start."""


class ProblemError(JudgeError, ValueError):
    """A problem (file, signature or test) that cannot be judged as it is."""

    def __init__(self, problem: str, reason: str) -> None:
        super().__init__(f"problem {problem}: {reason}")
        self.problem = problem
        self.reason = reason


class UnsupportedTypeError(ProblemError):
    def __init__(self, problem: str, type_name: str) -> None:
        super().__init__(problem, f"unsupported type {type_name!r}")
        self.type_name = type_name


class InvalidSlug(ProblemError):
    """A problem or contest slug that may not name a file or directory."""

    def __init__(self, slug: str, reason: str, what: str = "problem slug") -> None:
        JudgeError.__init__(self, f"{what} {slug!r} {reason}")
        self.problem, self.slug, self.reason = slug, slug, f"{what} {slug!r} {reason}"
