"""What the barometer asks the Statbank for beside the panel: weights and countries of origin.

Two requests more for the areas of the panel (the whole country and the cities,
or all 98 municipalities), each stored under an id of its own:

- :data:`WEIGHTS`: FOLK1E's population aged 16 to 64 on the 1st of January, by
  single year of age, for persons of Danish origin (1) and non-Western immigrants
  (25) and descendants (35). These are the weights that combine RAS200's two
  employment rates into one rate for both groups: a rate is never averaged.
  RAS200 counts at the end of November; the nearest count of the population is
  the 1st of January after it, so RAS200's year Y is weighted by FOLK1E's
  quarter (Y+1)K1 (Y's own 1st quarter where the next is not published yet).
  Only the barometer's two years are asked for: its baseline and the latest.
- :data:`COUNTRIES`: FOLK1C's immigrants (4) and descendants (3) on the 1st of
  January by country of origin (IELAND), for the countries of the groups the
  barometer shows (MENAPT, and the groups plugins define, such as København's
  *udvalgte MENAPT-lande*), in the baseline year and the latest. IELAND's codes
  are DST's own 4-digit codes; the library reads each by its Danish text and maps
  it onto its countries (:func:`ieland_countries`). A text that maps onto no
  country ("Afrika uoplyst") is counted and named, never guessed.

The cells are read back as every answer is (:func:`~.tables.checked_rows`: the
columns and codes asked for, no cell twice, BULK's left-out zeros), and every
count must be a whole number of persons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.countries import (
    CountryGroup,
    CountryGroupRegistry,
    UnknownCountryError,
    builtin_groups,
    lookup,
)
from kommuneintegration.i18n import _
from kommuneintegration.statbank.cache import Cache
from kommuneintegration.statbank.client import bulk_table, parse_tableinfo
from kommuneintegration.statbank.errors import AnswerError, StatbankError
from kommuneintegration.statbank.tables import (
    MISSING_CELLS,
    TABLES,
    Table,
    TableInfo,
    checked_cells,
    number,
)

__all__ = [
    "BASELINE_YEAR",
    "COUNTRIES",
    "INPUT_TABLES",
    "WEIGHTS",
    "WEIGHT_AGES",
    "CellKey",
    "Cells",
    "barometer_groups",
    "baseline_year",
    "ieland_countries",
    "input_query",
    "read_cells",
    "read_input",
]

#: The barometer's baseline (integrationsbarometer.dk, "Barometerbevægelser").
BASELINE_YEAR: Final = 2012
WEIGHTS: Final = "barometer-weights"
COUNTRIES: Final = "barometer-countries"
#: RAS200's broad band, by single year as FOLK1E counts.
WEIGHT_AGES: Final = tuple(str(age) for age in range(16, 65))

#: How the two requests ask their tables (the codes as ../shared/FACTS.md gives them).
INPUT_TABLES: Final[Mapping[str, Table]] = {
    WEIGHTS: Table(
        id="FOLK1E",
        unit="person",
        origins={
            "1": "danish-origin",
            "25": "immigrants-non-western",
            "35": "descendants-non-western",
        },
        fixed={"KØN": "TOT"},
        quarter="K1",
        concept="population aged 16-64 on the 1st of January, by single year of age",
    ),
    COUNTRIES: Table(
        id="FOLK1C",
        unit="person",
        origins={"4": "immigrants", "3": "descendants"},
        fixed={"KØN": "TOT", "ALDER": "IALT"},
        age_variable="",
        quarter="K1",
        concept="immigrants and descendants on the 1st of January by country of origin (IELAND)",
    ),
}

#: A cell: (area, origin, age, time, country of origin), "" where the table has no such variable.
CellKey = tuple[str, str, str, str, str]


def barometer_groups(groups: CountryGroupRegistry | None = None) -> list[CountryGroup]:
    """The country groups the barometer counts from FOLK1C: MENAPT, then every group a
    plugin defines (the built-in Western, non-Western and EU are FOLK1E's or too broad)."""
    groups = groups if groups is not None else builtin_groups()
    builtin = set(builtin_groups().ids())
    return [groups.get("menapt"), *(g for g in groups if g.id not in builtin)]


def baseline_year(years: Iterable[int], since: int | None = None) -> int | None:
    """2012 where the years include it (and ``since`` allows it), else the first year there is."""
    held = sorted(y for y in years if y >= (since or 0))
    if not held:
        return None
    wanted = max(BASELINE_YEAR, since or 0)
    return wanted if wanted in held else held[0]


def _year(time: str) -> int:
    return int(time[:4]) if time[:4].isdigit() else 0


def ieland_countries(info: TableInfo) -> tuple[dict[str, str], tuple[str, ...]]:
    """IELAND code -> the library's country (alpha-2), read by the value's Danish text;
    and the texts that name no country (regions, "uoplyst"), in the table's order."""
    mapped: dict[str, str] = {}
    unmapped: list[str] = []
    for code, text in info.labels.get("IELAND", {}).items():
        try:
            mapped[code] = lookup(text)
        except UnknownCountryError:
            unmapped.append(text)
    return mapped, tuple(unmapped)


def input_query(
    indicator: str,
    info: TableInfo,
    areas: Sequence[str],
    *,
    ras200_years: Sequence[int],
    since: int | None,
    groups: Iterable[CountryGroup] = (),
) -> dict[str, list[str]]:
    """The variables of the weights or countries request, from the tables' own tableinfo."""
    table = INPUT_TABLES[indicator]
    offered = info.variables.get(info.time, ())
    quarters = sorted((t for t in offered if t.endswith("K1")), key=_year)
    if indicator == WEIGHTS:
        years = (baseline_year(ras200_years, since), max(ras200_years, default=None))
        periods = [
            f"{y + 1}K1" if f"{y + 1}K1" in offered else f"{y}K1" for y in years if y is not None
        ]
        return table.query(info, areas, since, WEIGHT_AGES, periods=periods)
    base = baseline_year((_year(q) for q in quarters), since)
    periods = [f"{base}K1", quarters[-1]] if base is not None and quarters else []
    mapped, _unmapped = ieland_countries(info)
    members = {country for group in groups for country in group.members}
    codes = [code for code, country in mapped.items() if country in members]
    return table.query(info, areas, since, periods=periods, choose={"IELAND": codes})


@attrs.frozen
class Cells:
    """The cells of one table's answers, merged (a newer answer's cell wins), ``None`` for ".."."""

    info: TableInfo | None
    values: Mapping[CellKey, float | None]
    #: Stored answers that did not read back as checked and were left out.
    set_aside: int = 0

    def get(
        self, area: str, origin: str, time: str, *, age: str = "", country: str = ""
    ) -> float | None:
        return self.values.get((area, origin, age, time, country))

    @property
    def times(self) -> list[str]:
        """The periods held, in order."""
        return sorted({k[3] for k in self.values})


def read_input(
    info: TableInfo, body: str, asked: Mapping[str, Sequence[str]], *, counts: bool
) -> dict[CellKey, float | None]:
    """One answer's cells, checked against the request; counts must be whole persons.

    The fixed variables (KØN, BEREGNING) are part of the request, so each answer
    has one value of each; they are left out of the key.
    """
    header, rows = bulk_table(body, info.id)
    if not rows:
        return {}
    names, cells = checked_cells(info, header, rows, asked)
    at = {name: i for i, name in enumerate(names)}
    fixed = ("OMRÅDE", "HERKOMST", "ALDER", "TID", "IELAND")
    where = [at.get(name) for name in fixed]
    found: dict[CellKey, float | None] = {}
    for codes, content in cells.items():
        area, origin, age, time, country = (codes[i] if i is not None else "" for i in where)
        key = (area, origin, "" if age == "IALT" else age, time, country)
        text = content.strip()
        if text in MISSING_CELLS:
            found[key] = None
            continue
        value = number(text, ",")
        if counts and (value < 0 or value != int(value)):
            raise AnswerError(
                _("{table}, {cell}: {value!r} is not a number of persons").format(
                    table=info.id,
                    cell=", ".join(f"{n}={c}" for n, c in zip(names, codes, strict=True)),
                    value=text,
                )
            )
        found[key] = value
    return found


def read_cells(cache: Cache, origin: str, table: str, indicators: Iterable[str]) -> Cells:
    """The cells of ``table`` in the answers stored for ``indicators``, oldest first, so a
    newer answer's cell replaces an older one. An answer that no longer reads back as
    checked is set aside and counted, never the cause of a failure."""
    import json

    wanted = set(indicators)
    stored = cache.tableinfo(table, origin)
    if stored is None:
        return Cells(None, {})
    try:
        info = parse_tableinfo(stored[1], table)
    except StatbankError:
        return Cells(None, {}, 1)
    counts = TABLES[table].unit == "person" if table in TABLES else True
    values: dict[CellKey, float | None] = {}
    set_aside = 0
    for answer in cache.answers(origin):
        if answer.table != table or answer.indicator not in wanted:
            continue
        try:
            asked = {v["code"]: list(v["values"]) for v in json.loads(answer.query)["variables"]}
            values.update(read_input(info, answer.body, asked, counts=counts))
        except (StatbankError, ValueError, KeyError, TypeError):
            set_aside += 1
    return Cells(info, values, set_aside)
