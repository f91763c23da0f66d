"""Errors a user can cause and fix, each carrying one line that names the cause and the fix.

The command line prints ``str(error)`` of a :class:`HeavyError` as a single line and exits
with :attr:`HeavyError.exit_code`; anything else is a bug and keeps its traceback.
"""


class HeavyError(Exception):
    """Base class for errors with a one-line, user-facing message."""

    exit_code: int = 1


class ConfigurationError(HeavyError):
    """A setting is missing or has a value the stack cannot use."""

    exit_code = 2


class DatabaseUnavailableError(HeavyError):
    """A database could not be started or reached."""

    exit_code = 3


class DatabaseRefusedError(HeavyError):
    """A database answered, with an error of its own (it carries a SQLSTATE): not a reachability problem."""


class BrythonCallError(HeavyError):
    """``brython_executor.call`` was given something the page cannot run (see docs/brython.md)."""


class RecordingError(HeavyError):
    """A recording file is missing, is not a recording, or does not fit the app it is replayed on."""

    exit_code = 2


class LoadTestFailedError(HeavyError):
    """A load test ran but broke one of its limits (p95 latency, error rate)."""

    exit_code = 4
