"""One cell of a CSV file, as every CSV output writes it: numbers as numbers, no formulas.

Its own small module, so the barometer's CSV does not load the comparison's.
"""

from __future__ import annotations

from kommuneintegration.words import escape_controls

__all__ = ["csv_cell", "safe_text"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
