"""What every renderer writes the same way: a target's wording and an entry's value.

Only text that appears in a source is shown in quotation marks; an inferred
year says so; an upper bound reads "op til". One home, so the five formats
cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kommuneintegration.units import format_value

if TYPE_CHECKING:
    from kommuneintegration.comparison import IndicatorEntry
    from kommuneintegration.models import Target

__all__ = ["entry_value", "target_wording"]


def target_wording(target: Target) -> str:
    """ "“Beskæftigelsen skal øges”", or a label without quotation marks, with any inferred year."""
    if target.wording_is_quote:
        text = f"“{target.wording}”"
    else:
        text = f"{target.wording} (not a quotation: the plugin's label for a table of the source)"
    if target.year is not None and target.year_inferred:
        text += f" [year {target.year} inferred: {target.year_inferred}]"
    return text


def entry_value(entry: IndicatorEntry) -> str:
    """ "17 pp", "op til 20 pp" for an upper bound, with "*" left to the caller."""
    return format_value(entry.value, entry.unit, bound=entry.bound)
