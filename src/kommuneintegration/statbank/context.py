"""A city's Statbank figures beside the whole country and its kommunegruppe.

For each compared city: the latest figures of each panel table
(:data:`~kommuneintegration.statbank.tables.TABLES`: RAS200's employment rate
by origin, FOLK1E's population by origin as shares of all residents), beside
the same figure for the whole country and the median of the fetched
municipalities of the city's kommunegruppe (DST's KOMMUNEGRUPPER v1:2018). The
median says how many municipalities it rests on: after ``fetch --all``, all of
the group's. Which age band a row shows is a rule, never the order of an
answer: the bands the city's own documents use for the table, else the table's
first broad band (RAS200: 16-64, which runs through the latest year).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from kommuneintegration.i18n import _
from kommuneintegration.municipalities import COUNTRY, beside, official_municipalities
from kommuneintegration.statbank.tables import TABLES, Table
from kommuneintegration.strategy.models import Municipality, Observation

__all__ = ["ContextRow", "context_rows"]


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


def _shares(points: Sequence[Observation]) -> list[Observation]:
    """Counts as percent of all residents of the same place and year (the table's total)."""
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


def _bands(table: Table, points: Sequence[Observation], wanted: Sequence[str]) -> list[str]:
    """The bands a city's rows show: its documents' bands that the panel has, else the first
    broad band the panel has, else all ages."""
    held = {str(o.age_band) if o.age_band else "" for o in points}
    chosen = [b for b in wanted if b in held]
    if chosen:
        return chosen
    broad = [b for b in table.broad_bands if b in held]
    return broad[:1] or [""]


def context_rows(
    panel: Mapping[str, Sequence[Observation]],
    cities: Iterable[Municipality],
    bands: Mapping[str, Sequence[str]] | None = None,
) -> list[ContextRow]:
    """The context rows of each city; ``bands`` gives, per city code, the age bands its
    documents use (see :func:`kommuneintegration.statbank.city_bands`)."""
    official = official_municipalities()
    shown = {
        code: [
            *(o for o in points if not TABLES[o.table].panel_as_shares),
            *_shares([o for o in points if TABLES[o.table].panel_as_shares]),
        ]
        for code, points in panel.items()
    }
    rows: list[ContextRow] = []
    for city in cities:
        if city.code == COUNTRY or city.code not in shown or city.code not in official:
            continue
        kommunegruppe = official[city.code].group
        peers = [c for c, m in official.items() if m.group == kommunegruppe and c in shown]
        for table in TABLES.values():
            if not table.panel_groups:
                continue
            mine = [
                o for o in shown[city.code] if o.table == table.id and o.group in table.panel_groups
            ]
            if not mine:
                continue
            for band in _bands(table, mine, (bands or {}).get(city.code, ())):
                in_band = [o for o in mine if (str(o.age_band) if o.age_band else "") == band]
                if not in_band:
                    continue
                year = max(o.year or 0 for o in in_band)
                latest = [o for o in in_band if o.year == year]
                for group in table.panel_groups:
                    hit = next((o for o in latest if o.group == group), None)
                    if hit is not None:
                        rows.append(_row(city, table, hit, shown, peers))
    return rows


def _row(
    city: Municipality,
    table: Table,
    hit: Observation,
    shown: Mapping[str, Sequence[Observation]],
    peers: Sequence[str],
) -> ContextRow:
    def same(o: Observation) -> bool:
        return (
            o.table == hit.table
            and o.group == hit.group
            and o.age_band == hit.age_band
            and o.year == hit.year
        )

    values = {c: o.value for c in (COUNTRY, *peers) for o in shown.get(c, ()) if same(o)}
    around = beside(values)
    median, n = around.median(city.code)
    municipality = official_municipalities()[city.code]
    return ContextRow(
        municipality=city.code,
        table=table.id,
        group=hit.group or "",
        age_band=str(hit.age_band) if hit.age_band else None,
        year=hit.year or 0,
        unit=hit.unit,
        value=hit.value,
        country=around.country,
        group_name=municipality.group_label,
        group_median=round(median, 1) if median is not None else None,
        group_size=n,
        source=str(
            hit.provenance.cited.citation() if hit.provenance.cited else hit.provenance.document
        ),
        note=hit.note,
    )
