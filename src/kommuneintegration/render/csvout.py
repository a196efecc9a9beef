"""One CSV row per figure of the comparison, with its catalogue indicator and verdict."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from kommuneintegration.comparison import FIGURE_COLUMNS, figure_record
from kommuneintegration.i18n import pinned
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.comparison import Comparison

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(cell: object) -> object:
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


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return _safe(value)


@pinned
def comparison_to_csv(c: Comparison) -> str:
    """One row per figure, the columns of the row schema (FIGURE_COLUMNS), for programs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # quotes only where a cell needs it
    writer.writerow(FIGURE_COLUMNS)
    for row in c.indicators:
        for e in row.entries:
            record = figure_record(e, row.indicator.id, row.comparable)
            writer.writerow(_cell(record[name]) for name in FIGURE_COLUMNS)
    return out.getvalue()
