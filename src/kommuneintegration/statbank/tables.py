"""What each Statistics Denmark table means: its origin codes, age bands, time codes and unit.

Origin codes differ by table, which is the main trap of the Statbank: in
RAS200 "20" is immigrants, in FOLK1E immigrants are "24" and "25", in FOLK1C
"4". Each :class:`Table` maps its own codes onto the library's target groups,
reads suppressed cells ("..") as missing, never as zero, and marks breaks in a
series, such as RAS200's broad age band (16-64 to 2019, 16-65 from 2020,
"1666" = 16-66 from 2022), which are never silently joined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from kommuneintegration.models import AgeBand, Observation, Provenance, SourceDocument

__all__ = ["TABLES", "Row", "Table", "TableInfo", "to_observations"]

#: Cells Statistics Denmark suppresses or leaves out: missing, never zero.
MISSING_CELLS: Final = frozenset({"..", "...", "-", ""})
#: The Statbank's documented address (overridable at run time, see :mod:`.client`).
PUBLIC_ADDRESS: Final = "https://api.statbank.dk/v1"


@attrs.frozen
class TableInfo:
    """What ``tableinfo`` says of a table: its title, unit, last update and its variables' codes."""

    id: str
    text: str
    unit: str
    updated: str
    variables: Mapping[str, tuple[str, ...]]


@attrs.frozen
class Row:
    """One cell of a data answer: the variables' codes and the content as printed."""

    codes: Mapping[str, str]
    content: str


@attrs.frozen
class Table:
    """How to ask a table for figures by origin and read the answer."""

    id: str
    unit: str
    #: HERKOMST code -> target group id.
    origins: Mapping[str, str]
    #: Fixed choices for the other variables ("KØN": "TOT", "BEREGNING": "BFK").
    fixed: Mapping[str, str]
    #: The age variable and the codes to ask for ("" for none).
    age_variable: str = "ALDER"
    ages: tuple[str, ...] = ()
    #: Quarterly tables: keep this quarter of each year ("K1": the 1st of January).
    quarter: str = ""
    #: Codes that must be summed into a group: group id -> HERKOMST codes (counts only).
    sums: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    concept: str = ""

    def query(
        self,
        info: TableInfo,
        areas: Iterable[str],
        since: int | None = None,
        ages: Iterable[str] = (),
    ) -> dict[str, list[str]]:
        """The variables of a data request, checked against what the table offers."""
        times = [t for t in info.variables.get("Tid", ()) if _year(t) >= (since or 0)]
        if self.quarter:
            times = [t for t in times if t.endswith(self.quarter)]
        offered_areas = set(info.variables.get("OMRÅDE", ()))
        wanted: dict[str, list[str]] = {
            # Only codes the table has: DST refuses a request that names an unknown code.
            "OMRÅDE": [a for a in dict.fromkeys(areas) if not offered_areas or a in offered_areas],
            "HERKOMST": [c for c in self.origins if c in info.variables.get("HERKOMST", ())],
        }
        if self.age_variable:
            offered = info.variables.get(self.age_variable, ())
            asked = [*self.ages, *(_dst_age(a) for a in ages)]
            wanted[self.age_variable] = [a for a in dict.fromkeys(asked) if a in offered]
        wanted.update({k: [v] for k, v in self.fixed.items()})
        wanted["Tid"] = times
        return wanted


def _year(time_code: str) -> int:
    match = re.match(r"(\d{4})", time_code)
    return int(match.group(1)) if match else 0


def _dst_age(band: str) -> str:
    """The library's "16-66" as RAS200 writes it ("1666"); other bands are the same."""
    return "1666" if band == "16-66" else band


#: RAS200's broad age band by year: a new band starts a new series.
_RAS200_BROAD: Final = {"16-64": "to 2019", "16-65": "2020-2021", "1666": "from 2022"}

TABLES: Final[Mapping[str, Table]] = {
    "RAS200": Table(
        id="RAS200",
        unit="percent",
        origins={
            "0": "all",
            "10": "danish-origin",
            "20": "immigrants",
            "24": "immigrants-western",
            "25": "immigrants-non-western",
            "30": "descendants",
            "34": "descendants-western",
            "35": "descendants-non-western",
        },
        fixed={"KØN": "TOT", "BEREGNING": "BFK"},
        ages=("16-64", "16-65", "1666"),
        concept="employment rate (beskæftigelsesfrekvens, BFK), end of November",
    ),
    "FOLK1E": Table(
        id="FOLK1E",
        unit="person",
        origins={
            "TOT": "all",
            "1": "danish-origin",
            "24": "immigrants-western",
            "25": "immigrants-non-western",
            "34": "descendants-western",
            "35": "descendants-non-western",
        },
        fixed={"KØN": "TOT"},
        ages=("IALT",),
        quarter="K1",
        sums={
            "immigrants": ("24", "25"),
            "descendants": ("34", "35"),
            "non-western": ("25", "35"),
            "western": ("24", "34"),
            "immigrants-and-descendants": ("24", "25", "34", "35"),
        },
        concept="population on the 1st of January (1st quarter)",
    ),
    "FOLK1C": Table(
        id="FOLK1C",
        unit="person",
        origins={"TOT": "all", "5": "danish-origin", "4": "immigrants", "3": "descendants"},
        fixed={"KØN": "TOT", "ALDER": "IALT", "IELAND": "*"},
        age_variable="",
        quarter="K1",
        concept="population on the 1st of January by country of origin (IELAND, DST's 4-digit codes); ends 2020",
    ),
}


def _number(text: str) -> float:
    return float(text.strip().replace(".", "").replace(",", ".") if "," in text else text)


def _age(table: Table, code: str) -> tuple[AgeBand | None, str]:
    """The age band of a code, and a note where the code marks a break in the series."""
    if code in ("IALT", "TOT", ""):
        return None, ""
    if code == "1666":
        code = "16-66"
    note = ""
    broad = {"16-64": "16-64", "16-65": "16-65", "16-66": "1666"}
    if table.id == "RAS200" and code in broad:
        note = (
            f"RAS200's broad age band is {code} ({_RAS200_BROAD[broad[code]]}): DST changed "
            "it from 16-64 to 16-65 in 2020 and to 16-66 in 2022, a break in the series, so "
            "each band is a series of its own"
        )
    return AgeBand.parse(code), note


def document(info: TableInfo, address: str = PUBLIC_ADDRESS) -> SourceDocument:
    """The table as a document a reader can look up."""
    return SourceDocument(
        key=f"statbank-{info.id.lower()}",
        publisher="Danmarks Statistik",
        title=f"Statistikbanken, tabel {info.id}: {info.text}",
        status="statistics",
        date=f"opdateret {info.updated}",
        address=f"{address}/data, table {info.id} (licence CC BY 4.0)",
    )


def to_observations(
    table: Table,
    info: TableInfo,
    rows: Iterable[Row],
    indicator: str,
    address: str = PUBLIC_ADDRESS,
) -> tuple[dict[str, list[Observation]], int]:
    """Observations by area code from a data answer, and the number of suppressed cells.

    ``indicator`` is the id the observations carry (a plugin indicator, or the
    table's own id for the national panel). Each figure's provenance is the
    table, with its update time, and the query that gave the cell.
    """
    doc = document(info, address)
    # The table is the series; when it was updated is the document's (provenance), so a
    # newer answer for the same cell replaces the older one rather than starting a series.
    series = f"Statistikbanken {info.id}"
    found: dict[str, list[Observation]] = {}
    suppressed = 0
    sums: dict[tuple[str, str, str, str], dict[str, float]] = {}
    for row in rows:
        area = row.codes.get("OMRÅDE", "")
        origin = row.codes.get("HERKOMST", "")
        time = row.codes.get("Tid", row.codes.get("TID", ""))
        if row.content.strip() in MISSING_CELLS:
            suppressed += 1
            continue
        if origin not in table.origins:
            continue
        value = _number(row.content)
        age_code = row.codes.get(table.age_variable, "") if table.age_variable else ""
        band, note = _age(table, age_code)
        query = ", ".join(f"{k}={v}" for k, v in row.codes.items() if k not in ("Tid", "TID"))
        obs = Observation(
            indicator=indicator,
            value=value,
            unit=table.unit,
            provenance=Provenance(doc.key, f"query {query}", cited=doc),
            group=table.origins[origin],
            age_band=band,
            year=_year(time),
            period="" if not table.quarter else f"1. kvartal {_year(time)}",
            category=f"IELAND {row.codes['IELAND']}" if "IELAND" in row.codes else "",
            note=note,
            series=series,
        )
        found.setdefault(area, []).append(obs)
        if table.sums:
            key = (area, time, age_code, obs.category)
            sums.setdefault(key, {})[origin] = value
    for (area, time, age_code, category), values in sums.items():
        band, _ = _age(table, age_code)
        for group, codes in table.sums.items():
            if not all(c in values for c in codes):
                continue  # a suppressed part: no sum rather than a wrong one
            found.setdefault(area, []).append(
                Observation(
                    indicator=indicator,
                    value=sum(values[c] for c in codes),
                    unit=table.unit,
                    provenance=Provenance(
                        doc.key, f"sum of HERKOMST {' + '.join(codes)}, OMRÅDE={area}", cited=doc
                    ),
                    group=group,
                    age_band=band,
                    year=_year(time),
                    period=f"1. kvartal {_year(time)}" if table.quarter else "",
                    category=category,
                    note=f"the sum of DST's codes {', '.join(codes)}",
                    series=series,
                )
            )
    return found, suppressed
