"""One cell of a CSV file, as every CSV output writes it: numbers as numbers, no formulas.

Its own small module, so the barometer's CSV does not load the comparison's.
"""

from __future__ import annotations

import html
from typing import Final

from kommuneintegration.words import escape_controls

__all__ = ["csv_cell", "markdown_text", "safe_text"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Markdown's own signs in untrusted text: a backslash first (so "\\|" cannot undo the
#: escape of its pipe), the pipe that ends a cell, and the brackets and "!" of a link or
#: an image, so that data never becomes a link, an image or a cell of its own.
_MARKDOWN_SIGNS: Final = str.maketrans(
    {"\\": "\\\\", "|": "\\|", "[": "\\[", "]": "\\]", "!": "\\!"}
)


def markdown_text(text: object) -> str:
    """Untrusted text (the Statbank's, a plugin's) in Markdown: HTML escaped (no ``<script>``,
    no ``<img onerror>``), Markdown's signs escaped, one line, control characters visible."""
    escaped = html.escape(escape_controls(str(text)), quote=False)
    return " ".join(escaped.translate(_MARKDOWN_SIGNS).split())


def safe_text(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading quote (OWASP, CSV injection).

    Numbers stay numbers: "-0.9" is a value, not a formula. Control characters
    are shown escaped, as in every text output.
    """
    if not isinstance(cell, str):
        return cell
    cell = escape_controls(cell)
    if not cell.startswith(_FORMULA_STARTS):
        return cell
    try:
        float(cell)
    except ValueError:
        return "'" + cell
    return cell


def csv_cell(value: object) -> object:
    """``None`` as an empty cell, a float in its shortest form, text made safe."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return safe_text(value)
