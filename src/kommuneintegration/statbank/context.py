"""A city's Statbank figures beside the whole country and its kommunegruppe.

For each compared city: the latest employment rate by origin (RAS200, the
broad age band) and the population by origin (FOLK1E), beside the same figure
for the whole country (code 000) and the median of the fetched municipalities
of the city's kommunegruppe (DST's KOMMUNEGRUPPER v1:2018). The median says
how many municipalities it rests on: after ``fetch --all``, all of the group's.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.i18n import _
from kommuneintegration.models import Municipality, Observation
from kommuneintegration.municipalities import official_municipalities

__all__ = ["ContextRow", "context_rows"]

#: The groups shown, in order, per table.
_GROUPS: Final = {
    "RAS200": (
        "danish-origin",
        "immigrants",
        "descendants",
        "immigrants-non-western",
        "descendants-non-western",
    ),
    "FOLK1E": ("danish-origin", "immigrants-and-descendants", "non-western"),
}
#: Tables whose counts are shown as shares of all residents, so places of any size compare.
_AS_SHARES: Final = frozenset({"FOLK1E"})
_COUNTRY: Final = "000"


@attrs.frozen
class ContextRow:
    """One figure of a city beside the country's and its kommunegruppe's median."""

    municipality: str
    table: str
    group: str
    age_band: str | None
    year: int
    unit: str
    value: float
    country: float | None
    group_name: str
    group_median: float | None
    group_size: int
    source: str
    note: str = ""


def _table(obs: Observation) -> str:
    return obs.provenance.document.removeprefix("statbank-").upper()


def _shares(points: Sequence[Observation]) -> list[Observation]:
    """Counts as percent of all residents of the same place and year (FOLK1E's TOT)."""
    totals = {(o.year, o.age_band): o.value for o in points if o.group == "all"}
    return [
        attrs.evolve(
            o,
            value=round(100 * o.value / totals[(o.year, o.age_band)], 1),
            unit="percent",
            note=_("share of all residents, from the table's counts"),
        )
        for o in points
        if o.group != "all" and totals.get((o.year, o.age_band))
    ]


def context_rows(
    panel: Mapping[str, Sequence[Observation]], cities: Iterable[Municipality]
) -> list[ContextRow]:
    official = official_municipalities()
    panel = {
        code: [
            *(o for o in points if _table(o) not in _AS_SHARES),
            *_shares([o for o in points if _table(o) in _AS_SHARES]),
        ]
        for code, points in panel.items()
    }
    rows: list[ContextRow] = []
    for city in cities:
        if city.code == _COUNTRY or city.code not in panel or city.code not in official:
            continue
        kommunegruppe = official[city.code].group
        peers = [c for c, m in official.items() if m.group == kommunegruppe and c in panel]
        for table, groups in _GROUPS.items():
            mine = [o for o in panel[city.code] if _table(o) == table and o.group in groups]
            if not mine:
                continue
            # The latest year, and in RAS200 that year's broad age band (16-64, 16-65 or 16-66).
            year = max(o.year or 0 for o in mine)
            latest = [o for o in mine if o.year == year and (table != "RAS200" or _broad(o))]
            for group in groups:
                hit = next((o for o in latest if o.group == group), None)
                if hit is None:
                    continue

                def same(o: Observation, hit: Observation = hit, table: str = table) -> bool:
                    return (
                        _table(o) == table
                        and o.group == hit.group
                        and o.age_band == hit.age_band
                        and o.year == hit.year
                    )

                country = next((o.value for o in panel.get(_COUNTRY, ()) if same(o)), None)
                values = [o.value for c in peers for o in panel[c] if same(o)]
                rows.append(
                    ContextRow(
                        municipality=city.code,
                        table=table,
                        group=group,
                        age_band=str(hit.age_band) if hit.age_band else None,
                        year=year,
                        unit=hit.unit,
                        value=hit.value,
                        country=country,
                        group_name=official[city.code].group_label,
                        group_median=round(statistics.median(values), 1) if values else None,
                        group_size=len(values),
                        source=str(
                            hit.provenance.cited.citation()
                            if hit.provenance.cited
                            else hit.provenance.document
                        ),
                        note=hit.note,
                    )
                )
    return rows


def _broad(obs: Observation) -> bool:
    band = obs.age_band
    return band is not None and band.low == 16 and band.high in (64, 65, 66)
