"""One CSV row per figure of the comparison, with its catalogue indicator and verdict."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from kommuneintegration.i18n import pinned
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.comparison import Comparison

COLUMNS = (
    "catalogue_indicator",
    "comparable",
    "municipality",
    "municipality_name",
    "strategy",
    "indicator",
    "concept",
    "concept_label",
    "group",
    "group_definition",
    "age_band",
    "category",
    "year",
    "period",
    "value",
    "bound",
    "unit",
    "derived",
    "derivation",
    "source",
)


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


@pinned
def comparison_to_csv(c: Comparison) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # quotes only where a cell needs it
    writer.writerow(COLUMNS)
    for row in c.indicators:
        for e in row.entries:
            writer.writerow(
                _safe(cell)
                for cell in (
                    row.indicator.id,
                    row.comparable,
                    e.municipality,
                    e.municipality_name,
                    e.strategy,
                    e.indicator,
                    e.concept,
                    e.concept_label,
                    e.group or "",
                    e.group_definition,
                    e.age_band or "",
                    e.category,
                    "" if e.year is None else e.year,
                    e.period,
                    f"{e.value:g}",
                    e.bound or "",
                    e.unit,
                    e.derived,
                    e.derivation,
                    e.source,
                )
            )
    return out.getvalue()
