"""What the barometer asks the Statbank for: the cells its indicators' formulas read, no more.

The parts of every indicator's formula (:mod:`.formula`) are grouped by table;
two selections that differ in one variable only are asked as one (their union
asks exactly the cells of both), so a table is asked once or a few times, never
once per indicator. Each request names the indicators that lack their figures
when the table refuses, and is stored under its own key ("barometer:RAS201:1"),
apart from the cities' answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from kommuneintegration.barometer.indicators import BarometerIndicator
from kommuneintegration.countries import (
    CountryGroup,
    UnknownCountryError,
    lookup,
    short_country_name,
)
from kommuneintegration.i18n import _, language, ngettext, pick
from kommuneintegration.statbank import Request
from kommuneintegration.statbank.tables import Select, TableInfo

__all__ = ["KEY", "requests"]

#: What the barometer's answers are stored as (with the table and a number).
KEY = "barometer"

_Selection = dict[str, Select]


def _union(a: Select, b: Select) -> Select:
    """Both selections' values; every value where either asks for all (its texts kept, so
    that a text the table lacks is still named)."""
    match_a, match_b = a.match, b.match
    match: Callable[[str], bool] | None
    if match_a is not None and match_b is not None:

        def match(text: str) -> bool:
            return match_a(text) or match_b(text)

    else:
        match = match_a or match_b
    return Select(
        codes=tuple(dict.fromkeys((*a.codes, *b.codes))),
        texts=tuple(dict.fromkeys((*a.texts, *b.texts))),
        every=a.every or b.every,
        match=match,
    )


def _same(a: Select, b: Select) -> bool:
    """Whether two selections ask for the same cells (all values, whatever texts they name)."""
    if a.every and b.every:
        return True
    return (a.codes, a.texts, a.every, a.match) == (b.codes, b.texts, b.every, b.match)


def _within(b: Select, a: Select) -> bool:
    """Whether every value ``b`` asks for is one ``a`` asks for."""
    if a.every:
        return True
    return (
        not b.every
        and set(b.codes) <= set(a.codes)
        and set(b.texts) <= set(a.texts)
        and (b.match is None or b.match is a.match)
    )


def _covers(a: _Selection, b: _Selection) -> bool:
    return set(a) == set(b) and all(_within(b[v], a[v]) for v in a)


def _merged(selections: Sequence[_Selection]) -> list[_Selection]:
    """Selections that differ in at most one variable, joined: the union asks exactly the
    cells of both."""
    pending = [dict(s) for s in selections]
    merged = True
    while merged:
        merged = False
        for i in range(len(pending)):
            for j in range(i + 1, len(pending)):
                a, b = pending[i], pending[j]
                if set(a) != set(b):
                    continue
                if _covers(a, b) or _covers(b, a):  # one asks for all the other's cells
                    # the union asks no more cells, and keeps every text to name if lacking
                    pending[i] = {v: _union(a[v], b[v]) for v in a}
                    del pending[j]
                    merged = True
                    break
                differ = [v for v in a if not _same(a[v], b[v])]
                if len(differ) <= 1:
                    for v in differ:
                        a[v] = _union(a[v], b[v])
                    del pending[j]
                    merged = True
                    break
            if merged:
                break
    return pending


def requests(
    shown: Iterable[BarometerIndicator],
    areas: Sequence[str],
    groups: Iterable[CountryGroup] = (),
) -> list[Request]:
    """The barometer's requests for ``areas`` (the whole country first)."""
    by_table: dict[tuple[str, str], list[_Selection]] = {}
    needed: dict[str, list[str]] = {}
    for indicator in shown:
        parts = (*indicator.rate.parts, *(indicator.reference.parts if indicator.reference else ()))
        for part in parts:
            quarter = "K1" if part.period.endswith("K1") else ""
            by_table.setdefault((part.table, quarter), []).append(dict(part.select))
            label = indicator.shown_label()
            if label not in needed.setdefault(part.table, []):
                needed[part.table].append(label)
    found: list[Request] = []
    for (table, quarter), selections in by_table.items():
        for number, selection in enumerate(_merged(selections), 1):
            found.append(
                Request(
                    table,
                    f"{KEY}:{table}:{number}",
                    tuple(areas),
                    select=selection,
                    quarter=quarter,
                    needed_by=tuple(needed[table]),
                    describe=_countries_note(tuple(groups)) if "IELAND" in selection else None,
                )
            )
    return found


def _countries_note(groups: Sequence[CountryGroup]) -> Callable[[TableInfo], list[str]]:
    """The notes on FOLK1C's countries of origin: texts that name no country, and the group
    members the table does not list (they are not counted)."""

    def notes(info: TableInfo) -> list[str]:
        labels: Mapping[str, str] = info.labels.get("IELAND", {})
        total = info.total("IELAND")
        mapped: set[str] = set()
        unmapped: list[str] = []
        for code, text in labels.items():
            if code == total:
                continue
            try:
                mapped.add(lookup(text))
            except UnknownCountryError:
                unmapped.append(text)
        found: list[str] = []
        if unmapped:
            found.append(
                ngettext(
                    "{table}: {n} country of origin names no country the library knows and "
                    "is in no country group: {names}",
                    "{table}: {n} countries of origin name no country the library knows and "
                    "are in no country group: {names}",
                    len(unmapped),
                ).format(table=info.id, n=len(unmapped), names="; ".join(unmapped))
            )
        for group in groups:
            absent = sorted(group.members - mapped)
            if absent:
                found.append(
                    _(
                        "{table} lists no country of origin {countries} of the group {group}: "
                        "they are not counted"
                    ).format(
                        table=info.id,
                        group=pick(group.label, group.label_en or group.label),
                        countries="; ".join(short_country_name(c, language()) for c in absent),
                    )
                )
        return found

    return notes
