"""TOML text to data: the one parser every data file goes through.

tomli's compiled wheels parse the plugins' data three times faster than the standard
library's ``tomllib`` (the same parser, in pure Python), which is a tenth of
``compare``'s start; where no compiled tomli is installed, ``tomllib`` does the work
with the same results and the same error class.
"""

from __future__ import annotations

from typing import Any

try:
    from tomli import TOMLDecodeError, loads
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the same parser
    from tomllib import TOMLDecodeError, loads  # type: ignore[assignment]

__all__ = ["TOMLDecodeError", "parse"]


def parse(text: str) -> dict[str, Any]:
    """The document's tables; raises :class:`TOMLDecodeError` with line and column."""
    return loads(text)
