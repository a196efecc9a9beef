"""The Statbank's errors: one branch of the library's root error, each one line."""

from __future__ import annotations

from kommuneintegration.errors import KommuneintegrationError

__all__ = [
    "AnswerError",
    "NetworkError",
    "NothingToFetchError",
    "StatbankError",
    "UnbuildableRequestError",
]


class StatbankError(KommuneintegrationError, RuntimeError):
    """The Statbank could not give a usable answer: DST's refusal, no network, a bad answer."""


class UnbuildableRequestError(StatbankError, ValueError):
    """A request the table cannot answer as asked; it is never sent. One line: why."""


class NothingToFetchError(StatbankError, ValueError):
    """The table has no period in the range asked for: nothing to ask, nothing wrong."""


class AnswerError(StatbankError, ValueError):
    """An answer that is not what was asked for (other columns, codes or cells): not used."""


class NetworkError(StatbankError):
    """The Statbank could not be reached, or answered only server errors, after the retries."""
