"""One CSV row per figure of the comparison, with its catalogue indicator and verdict."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from kommuneintegration.analysis.comparison import FIGURE_COLUMNS, figure_record
from kommuneintegration.i18n import written_in
from kommuneintegration.render.cells import csv_cell

if TYPE_CHECKING:
    from kommuneintegration.analysis.comparison import Comparison


@written_in
def comparison_to_csv(c: Comparison) -> str:
    """One row per figure, the columns of the row schema (FIGURE_COLUMNS), for programs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # quotes only where a cell needs it
    writer.writerow(FIGURE_COLUMNS)
    for row in c.indicators:
        for e in row.entries:
            record = figure_record(e, row.indicator.id, row.comparable)
            writer.writerow(csv_cell(record[name]) for name in FIGURE_COLUMNS)
    return out.getvalue()
