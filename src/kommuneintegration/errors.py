"""The library's errors: one root, bad input located, unknown choices listed.

Every error the library raises on purpose is a :class:`KommuneintegrationError`,
so a caller can catch the library's errors apart from bugs. Under it:

- :class:`InputError` (also a ``ValueError``): bad input, located. Every reader
  (strategy TOML files, observation CSV files, register files, the command
  line's values) raises it, or a subclass, with a message that starts with the
  location: file, line (1-based, as an editor counts), column or key path, and
  the value. The fuzz tests hold every reader to it.
- :class:`UnknownChoiceError` (also a ``KeyError``, so a ``LookupError``): a
  name that is not among the known choices: a municipality, a theme, a target
  group, an id inside a strategy. Its message lists the choices, and ``str()``
  is that message, without the quotes ``KeyError`` would add.

The other branches live with their ideas and subclass the root:
``DataFileError`` (schema), ``StatbankError`` and its kinds (statbank.errors), ``PluginError``
(registry), ``UnitError`` (units), ``LanguageError`` (i18n), ``SameFileError``
(safefile), ``ScaffoldError`` (scaffold), ``UnknownCountryError`` and
``UnknownCountryGroupError`` (countries), ``InvalidCodesError`` (the population
engine). docs/architecture.md lists them; a test holds every exception class of
the package under the root.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "InputError",
    "KommuneintegrationError",
    "UnknownChoiceError",
    "UnknownMunicipalityError",
    "UnknownTargetGroupError",
    "UnknownThemeError",
]


class KommuneintegrationError(Exception):
    """The root of every error the library raises on purpose."""


class InputError(KommuneintegrationError, ValueError):
    """Bad input, located: ``file``, ``line``, ``column`` (or key path) and ``value``."""

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
        column: str = "",
        value: object = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.reason = message
        where = ", ".join(
            p for p in (file, f"line {line:,}" if line is not None else "", column) if p
        )
        super().__init__(f"{where}: {message}" if where else message)


class UnknownChoiceError(KommuneintegrationError, KeyError):
    """``value`` is none of ``choices``; the message says so and lists them.

    A ``KeyError`` (and so a ``LookupError``) for callers that catch those; ``str()``
    gives the message as written, not ``repr()`` of it as ``KeyError`` does.
    """

    def __init__(self, message: str, *, value: object = None, choices: Iterable[str] = ()) -> None:
        self.value = value
        self.choices = tuple(choices)
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class UnknownMunicipalityError(UnknownChoiceError):
    """A municipality code or name that no loaded plugin supplies."""


class UnknownThemeError(UnknownChoiceError):
    """A theme (topic) that the catalogue does not have."""


class UnknownTargetGroupError(UnknownChoiceError):
    """A target group id that neither the library nor a loaded plugin defines."""
