"""The one error type for bad input: what was wrong and where.

Every reader (strategy TOML files, observation CSV files, register files, the
command line's values) raises an :class:`InputError`, or a subclass, whose
message starts with the location: file, line (1-based, as an editor counts),
column or key path, and the value. Callers catch one type; the fuzz tests hold
every reader to it.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
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
