"""What each Statistics Denmark table means, as one record of data: codes, bands, sums, unit.

Origin codes differ by table, which is the main trap of the Statbank: in
RAS200 "20" is immigrants, in FOLK1E immigrants are "24" and "25", in FOLK1C
"4". Each :class:`Table` maps its own codes onto the library's target groups;
codes whose spelling is not confirmed (RAS200's all-origins total, "0" or
"00") are found in the table's own ``tableinfo`` by their text ("I alt").

A request is built from ``tableinfo`` alone (:meth:`Table.query`): every
variable of the table is given, each with at least one value it has, as DST
requires of a BULK request; what cannot be built is not sent
(:class:`UnbuildableRequestError`), and a period range with no period in it is
nothing to fetch (:class:`NothingToFetchError`). An answer is read back against what
was asked (:func:`to_observations`): its columns, its codes, no cell twice, and
every cell that BULK leaves out read as the table's ``suppressedDataValue``
(0), while ".." stays missing.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.i18n import _
from kommuneintegration.statbank.errors import (
    AnswerError,
    NothingToFetchError,
    UnbuildableRequestError,
)
from kommuneintegration.strategy.models import AgeBand, Observation, Provenance, SourceDocument
from kommuneintegration.words import fold

__all__ = [
    "TABLES",
    "Row",
    "Select",
    "Selected",
    "Table",
    "TableInfo",
    "cell_name",
    "checked_cells",
    "checked_rows",
    "document",
    "expand",
    "number",
    "to_observations",
]

#: Cells Statistics Denmark suppresses: missing, never zero.
MISSING_CELLS: Final = frozenset({"..", "...", "-"})
#: The Statbank's documented address (overridable at run time, see :mod:`.client`).
PUBLIC_ADDRESS: Final = "https://api.statbank.dk/v1"
#: The value every variable may be given as: all its values.
ALL: Final = "*"
#: How DST names the total of a variable in ``tableinfo`` (read by text, never guessed).
_TOTAL_TEXTS: Final = ("i alt", "alder i alt", "total", "i alt (ialt)")


@attrs.frozen
class TableInfo:
    """What ``tableinfo`` says of a table, as DST answers it.

    ``text`` is DST's short title and ``description`` its long one;
    ``suppressed`` is ``suppressedDataValue``, what a cell left out of a BULK
    answer means ("0"); ``footnote`` must be shown with the figures where
    ``footnote_mandatory``; ``documentation`` is the address of the
    statistic's documentation, cited with every figure.
    """

    id: str
    text: str
    unit: str
    updated: str
    variables: Mapping[str, tuple[str, ...]]
    description: str = ""
    suppressed: str = "0"
    documentation: str = ""
    footnote: str = ""
    footnote_mandatory: bool = False
    #: Variable id -> value id -> the value's text.
    labels: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    #: The id of the time variable ("Tid").
    time: str = "Tid"

    def code_for(self, variable: str, text: str) -> str | None:
        """The value of ``variable`` whose text is ``text`` (folded), if the table has one."""
        wanted = fold(text)
        for code, label in self.labels.get(variable, {}).items():
            if fold(label) == wanted:
                return code
        return None

    def total(self, variable: str) -> str | None:
        """The value that stands for all of ``variable`` ("TOT", "IALT", "0"), found by its text."""
        for text in _TOTAL_TEXTS:
            code = self.code_for(variable, text)
            if code is not None:
                return code
        offered = self.variables.get(variable, ())
        return next((c for c in ("TOT", "IALT") if c in offered), None)


@attrs.frozen
class Row:
    """One cell of a data answer: the variables' codes and the content as printed."""

    codes: Mapping[str, str]
    content: str


@attrs.frozen
class Table:
    """One Statbank table: how to ask it for figures by origin and how to read the answer."""

    id: str
    unit: str
    #: HERKOMST code -> target group id, for codes confirmed in DST's answers.
    origins: Mapping[str, str]
    #: Target group id -> the text of its HERKOMST value in tableinfo, for codes whose
    #: spelling is not confirmed ("all": "I alt" in RAS200, "0" or "00").
    origin_texts: Mapping[str, str] = attrs.field(factory=dict)
    #: Fixed choices for other variables ("KØN": "TOT", "BEREGNING": "BFK"); a variable
    #: the table does not have is left out, never sent.
    fixed: Mapping[str, str] = attrs.field(factory=dict)
    #: The age variable ("" for none) and the library's band -> the table's code.
    age_variable: str = "ALDER"
    age_codes: Mapping[str, str] = attrs.field(factory=dict)
    #: The broad bands the panel may show, in order of preference after the city's own.
    broad_bands: tuple[str, ...] = ()
    #: Quarterly tables: keep this quarter of each year ("K1": the 1st of January).
    quarter: str = ""
    #: Codes summed into a group: group id -> HERKOMST codes (counts only).
    sums: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    concept: str = ""
    #: The groups the panel of context figures shows, in order.
    panel_groups: tuple[str, ...] = ()
    #: The panel shows the counts as shares of all residents, so places of any size compare.
    panel_as_shares: bool = False

    def origin_codes(self, info: TableInfo) -> dict[str, str]:
        """HERKOMST code -> group, for the codes this table's tableinfo has."""
        offered = set(info.variables.get("HERKOMST", ()))
        found = {code: group for code, group in self.origins.items() if code in offered}
        for group, text in self.origin_texts.items():
            code = info.code_for("HERKOMST", text)
            if code is not None:
                found.setdefault(code, group)
        return found

    def age_code(self, band: str) -> str:
        return self.age_codes.get(band, band)

    def band(self, code: str) -> AgeBand | None:
        """The library's age band of one of the table's age codes (``None`` for all ages)."""
        if code in ("IALT", "TOT", ""):
            return None
        return _band(tuple(self.age_codes.items()), code)

    def query(
        self,
        info: TableInfo,
        areas: Iterable[str],
        since: int | None = None,
        ages: Iterable[str] = (),
        *,
        periods: Sequence[str] | None = None,
        choose: Mapping[str, Sequence[str]] | None = None,
    ) -> dict[str, list[str]]:
        """The variables of a data request, every one of the table's, each with values it has.

        ``periods`` keeps only these time codes; ``choose`` gives a variable's values
        outright (those the table has), as the barometer asks FOLK1C for some countries.

        Raises :class:`UnbuildableRequestError` (with the variable and why) rather than
        send what DST refuses, and :class:`NothingToFetchError` for a period range the
        table has no period in.
        """
        if info.id.upper() != self.id.upper():
            raise AnswerError(
                _("the Statbank described {other} when asked for {table}").format(
                    other=info.id or "?", table=self.id
                )
            )
        wanted: dict[str, list[str]] = {}
        chosen_values = {k.upper(): list(v) for k, v in (choose or {}).items()}
        for variable, offered in info.variables.items():
            key = variable.upper()
            if variable == info.time or key == "TID":
                wanted[variable] = self._times(offered, since, periods)
            elif key in chosen_values:
                wanted[variable] = [v for v in dict.fromkeys(chosen_values[key]) if v in offered]
            elif key == "OMRÅDE":
                wanted[variable] = [a for a in dict.fromkeys(areas) if a in offered]
            elif key == "HERKOMST":
                wanted[variable] = list(self.origin_codes(info))
            elif self.age_variable and key == self.age_variable.upper():
                asked = [self.age_code(a) for a in (*self.broad_bands, *ages)]
                chosen = [a for a in dict.fromkeys(asked) if a in offered]
                wanted[variable] = chosen or _total_or_empty(info, variable)
            elif key in {k.upper() for k in self.fixed}:
                code = next(v for k, v in self.fixed.items() if k.upper() == key)
                wanted[variable] = [code] if code == ALL or code in offered else []
            else:
                wanted[variable] = _total_or_empty(info, variable)
            if not wanted[variable]:
                raise UnbuildableRequestError(
                    _why_empty(self, info, variable, areas, set(chosen_values))
                )
        return wanted

    def _times(
        self, offered: Sequence[str], since: int | None, periods: Sequence[str] | None
    ) -> list[str]:
        """The time codes to ask for: from ``since`` on, of the table's quarter, among
        ``periods``; none is nothing to fetch."""
        times = [t for t in offered if _year(t) >= (since or 0)]
        if self.quarter:
            times = [t for t in times if t.endswith(self.quarter)]
        if periods is not None:
            times = [t for t in times if t in periods]
        if not times:
            first = offered[0] if offered else "?"
            last = offered[-1] if offered else "?"
            raise NothingToFetchError(
                _("{table} has no period from {since} on (it runs {first}-{last})").format(
                    table=self.id, since=since, first=first, last=last
                )
            )
        return times


@functools.lru_cache(maxsize=1024)
def _band(age_codes: tuple[tuple[str, str], ...], code: str) -> AgeBand:
    """Parsed once per table and code: a panel of all 98 municipalities has tens of
    thousands of cells and a few dozen age codes."""
    back = {v: k for k, v in age_codes}
    return AgeBand.parse(back.get(code, code))


def _total_or_empty(info: TableInfo, variable: str) -> list[str]:
    total = info.total(variable)
    return [total] if total is not None else []


def _why_empty(
    table: Table, info: TableInfo, variable: str, areas: Iterable[str], chosen: set[str]
) -> str:
    key = variable.upper()
    if key in chosen:
        return _("{table} has none of the values asked for {variable}").format(
            table=table.id, variable=variable
        )
    if key == "OMRÅDE":
        return _("{table} has none of the areas asked for ({areas})").format(
            table=table.id, areas=", ".join(areas)
        )
    if key == "HERKOMST":
        return _("{table} has none of the origin codes the library reads").format(table=table.id)
    if key in {k.upper() for k in table.fixed}:
        code = next(v for k, v in table.fixed.items() if k.upper() == key)
        return _("{table} has no value {code} for {variable}").format(
            table=table.id, code=code, variable=variable
        )
    return _(
        "{table} has a variable {variable} with no total, and the library cannot choose for it"
    ).format(table=table.id, variable=variable)


@attrs.frozen
class Select:
    """Which values of one variable a request wants: by code where DST's code is recorded,
    by text where it is not (read from the table's own ``tableinfo``), or every value.

    ``texts`` are matched whole, without regard to case; a text the table lacks is
    named (:attr:`Selected.missing`), never guessed. ``match`` picks the values
    whose text it accepts (the barometer's countries of origin of a group).
    """

    codes: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    every: bool = False
    match: Callable[[str], bool] | None = attrs.field(default=None, eq=False)

    def resolve(self, info: TableInfo, variable: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(the codes this table has for it, the texts it lacks)."""
        offered = info.variables.get(variable, ())
        codes = [c for c in self.codes if c in offered]
        missing = [c for c in self.codes if c not in offered]
        for text in self.texts:
            code = info.code_for(variable, text)
            if code is None:
                missing.append(text)
            else:
                codes.append(code)
        if self.match is not None:
            labels = info.labels.get(variable, {})
            codes += [c for c in offered if self.match(labels.get(c, ""))]
        if self.every:  # all values; a text it also names and the table lacks is still said
            return tuple(offered), tuple(missing)
        return tuple(dict.fromkeys(codes)), tuple(missing)


@attrs.frozen
class Selected:
    """A request's variables resolved against ``tableinfo``, and the values the table lacks."""

    variables: dict[str, list[str]]
    #: (variable, text or code) the table does not have.
    missing: tuple[tuple[str, str], ...] = ()

    @property
    def cells(self) -> int:
        return math.prod(len(v) for v in self.variables.values())


def select_query(
    info: TableInfo,
    select: Mapping[str, Select],
    areas: Iterable[str],
    *,
    since: int | None = None,
    quarter: str = "",
) -> Selected:
    """A data request from picked values: the area variable (OMRÅDE or BOPOMR) gets ``areas``,
    the time variable every period from ``since`` on (of ``quarter`` only, "K1"), each picked
    variable its values, and any other its total (found by text).

    Raises :class:`UnbuildableRequestError` when a variable ends with no value at all, and
    :class:`NothingToFetchError` when no period is left.
    """
    wanted: dict[str, list[str]] = {}
    missing: list[tuple[str, str]] = []
    picks = {k.upper(): v for k, v in select.items()}
    for variable, offered in info.variables.items():
        key = variable.upper()
        if variable == info.time or key == "TID":
            times = [t for t in offered if _year(t) >= (since or 0)]
            times = [t for t in times if t.endswith(quarter)] if quarter else times
            if not times:
                raise NothingToFetchError(
                    _("{table} has no period from {since} on (it runs {first}-{last})").format(
                        table=info.id,
                        since=since,
                        first=offered[0] if offered else "?",
                        last=offered[-1] if offered else "?",
                    )
                )
            wanted[variable] = times
        elif key in picks:
            codes, lacking = picks[key].resolve(info, variable)
            missing += [(variable, t) for t in lacking]
            wanted[variable] = list(codes)
        elif key in AREA_VARIABLES:
            wanted[variable] = [a for a in dict.fromkeys(areas) if a in offered]
        else:
            wanted[variable] = _total_or_empty(info, variable)
        if not wanted[variable]:
            lacking_texts = ", ".join(repr(t) for v, t in missing if v == variable)
            raise UnbuildableRequestError(
                _("{table} has none of the values asked for {variable} ({values})").format(
                    table=info.id, variable=variable, values=lacking_texts or "-"
                )
                if key in picks
                else _why_empty_select(info, variable, areas)
            )
    return Selected(wanted, tuple(missing))


def _why_empty_select(info: TableInfo, variable: str, areas: Iterable[str]) -> str:
    if variable.upper() in AREA_VARIABLES:
        return _("{table} has none of the areas asked for ({areas})").format(
            table=info.id, areas=", ".join(areas)
        )
    return _(
        "{table} has a variable {variable} with no total, and the library cannot choose for it"
    ).format(table=info.id, variable=variable)


#: The variables that name an area: OMRÅDE in most tables, BOPOMR (residence) in education's.
AREA_VARIABLES: Final = frozenset({"OMRÅDE", "BOPOMR"})


def _year(time_code: str) -> int:
    match = re.match(r"(\d{4})", time_code)
    return int(match.group(1)) if match else 0


TABLES: Final[Mapping[str, Table]] = {
    "RAS200": Table(
        id="RAS200",
        unit="percent",
        origins={
            "10": "danish-origin",
            "20": "immigrants",
            "24": "immigrants-western",
            "25": "immigrants-non-western",
            "30": "descendants",
            "34": "descendants-western",
            "35": "descendants-non-western",
        },
        # The all-origins code is "0" or "00" in what others recorded: read it by its text.
        origin_texts={"all": "I alt"},
        fixed={"KØN": "TOT", "BEREGNING": "BFK"},
        # "16-64" runs through the latest year; 16-65 (2020-) and 16-66 (2022-, "1666")
        # are bands of their own, added beside it, each its own series.
        age_codes={"16-66": "1666"},
        broad_bands=("16-64",),
        concept="employment rate (beskæftigelsesfrekvens, BFK), end of November",
        panel_groups=(
            "all",
            "danish-origin",
            "immigrants",
            "descendants",
            "immigrants-non-western",
            "descendants-non-western",
        ),
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
        fixed={"KØN": "TOT", "ALDER": "IALT"},
        age_variable="",
        quarter="K1",
        sums={
            "immigrants": ("24", "25"),
            "descendants": ("34", "35"),
            "non-western": ("25", "35"),
            "western": ("24", "34"),
            "immigrants-and-descendants": ("24", "25", "34", "35"),
        },
        concept="population on the 1st of January (1st quarter)",
        panel_groups=("danish-origin", "immigrants-and-descendants", "non-western"),
        panel_as_shares=True,
    ),
    "FOLK1C": Table(
        id="FOLK1C",
        unit="person",
        origins={"TOT": "all", "5": "danish-origin", "4": "immigrants", "3": "descendants"},
        fixed={"KØN": "TOT", "ALDER": "IALT", "IELAND": ALL},
        age_variable="",
        quarter="K1",
        concept=(
            "population on the 1st of January by country of origin (IELAND, DST's 4-digit "
            "codes), 2008K1 to the latest quarter"
        ),
    ),
}


def number(text: str, decimal: str) -> float:
    """A cell as DST prints it for the language: no thousands separator, one decimal sign."""
    cleaned = text.strip()
    other = "." if decimal == "," else ","
    if not re.fullmatch(r"-?\d+(?:[.,]\d+)?", cleaned) or other in cleaned:
        raise AnswerError(f"a cell is not a number as DST writes it: {text!r}")
    return float(cleaned.replace(",", "."))


def _printed(text: str) -> int:
    """The decimals DST printed a cell with ("43,0" has one): kept, never shortened to "43"."""
    cleaned = text.strip()
    return len(cleaned.split(",", 1)[1]) if "," in cleaned else 0


def _why(exc: ValueError) -> str:
    """The reason of a model's validation error, without attrs' description of the field."""
    first = exc.args[0] if exc.args else exc
    return str(first)


def document(info: TableInfo, address: str = PUBLIC_ADDRESS) -> SourceDocument:
    """The table as a document a reader can look up, with its documentation where DST gives it:
    in the output language, its date as a reader writes it ("opdateret 28. oktober 2025"),
    never the Statbank's timestamp. One home for every output that cites a table."""
    where = _("{address}/data, table {table} (licence CC BY 4.0)").format(
        address=address, table=info.id
    )
    if info.documentation:
        where += "; " + _("documentation {address}").format(address=info.documentation)
    return SourceDocument(
        key=f"statbank-{info.id.lower()}",
        publisher="Danmarks Statistik",
        title=_("Statbank, table {table}").format(table=info.id) + f": {info.text}",
        status="statistics",
        date=_("updated {date}").format(date=_reader_date(info.updated)),
        address=where,
    )


def _reader_date(updated: str) -> str:
    """ "28. oktober 2025" (or "28 October 2025") for DST's "2025-10-28T08:00:00"."""
    import datetime

    from kommuneintegration.i18n import format_date

    try:
        return format_date(datetime.date.fromisoformat(updated[:10]))
    except ValueError:
        return updated


def expand(info: TableInfo, asked: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The codes asked for, "*" read as every value the table has; keyed by upper-case id."""
    return {
        k.upper(): tuple(info.variables.get(k, ())) if ALL in v else tuple(v)
        for k, v in asked.items()
    }


def _combinations(asked: Mapping[str, tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
    return itertools.product(*asked.values())


def _columns_error(info: TableInfo, number: int, names: Sequence[str], columns: set[str]) -> None:
    if columns != set(names):
        missing = sorted(set(names) - columns)
        extra = sorted(columns - set(names))
        raise AnswerError(
            _(
                "row {row} of the answer for {table} has other columns than asked for "
                "(missing: {missing}; not asked: {extra})"
            ).format(
                row=number,
                table=info.id,
                missing=", ".join(missing) or "-",
                extra=", ".join(extra) or "-",
            )
        )


def cell_name(names: Sequence[str], codes: Sequence[str]) -> str:
    """One cell as a message names it: "OMRÅDE=851, HERKOMST=25, TID=2023"."""
    return ", ".join(f"{n}={c}" for n, c in zip(names, codes, strict=True))


def checked_cells(
    info: TableInfo,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    asked: Mapping[str, Sequence[str]],
) -> tuple[list[str], dict[tuple[str, ...], str]]:
    """An answer's cells as (variable names, codes in that order -> content), checked.

    ``header`` names the variables of every row (a BULK answer has one header
    line), each row is its codes in that order and its content last. The columns
    are the variables asked for, every code was asked for, no cell comes twice; a
    combination asked for and absent is the table's ``suppressedDataValue`` (BULK
    leaves out the zeros).
    """
    expanded = expand(info, asked)
    names = list(expanded)
    upper = [h.upper() for h in header]
    _columns_error(info, 1, names, set(upper))
    order = [upper.index(n) for n in names]
    allowed = [frozenset(expanded[n]) for n in names]
    seen: dict[tuple[str, ...], str] = {}
    for number, row in enumerate(rows, 1):
        key = tuple(row[i] for i in order)
        for name, code, ok in zip(names, key, allowed, strict=True):
            if code not in ok:
                raise AnswerError(
                    _(
                        "row {row} of the answer for {table} has {cell}, which was not asked for"
                    ).format(row=number, table=info.id, cell=f"{name}={code}")
                )
        if key in seen:
            raise AnswerError(
                _("row {row} of the answer for {table} repeats the cell {cell}").format(
                    row=number,
                    table=info.id,
                    cell=cell_name(names, key),
                )
            )
        seen[key] = row[-1]
    if len(seen) < math.prod(len(v) for v in expanded.values()):
        for key in _combinations(expanded):
            seen.setdefault(key, info.suppressed)
    return names, seen


def checked_rows(
    info: TableInfo, rows: Sequence[Row], asked: Mapping[str, Sequence[str]]
) -> list[Row]:
    """The answer's cells as rows, checked as :func:`checked_cells` checks them."""
    names = [k.upper() for k in expand(info, asked)]
    plain: list[list[str]] = []
    for number, row in enumerate(rows, 1):
        codes = {k.upper(): v for k, v in row.codes.items()}
        _columns_error(info, number, names, set(codes))
        plain.append([*(codes[n] for n in names), row.content])
    names, cells = checked_cells(info, names, plain, asked)
    return [Row(dict(zip(names, key, strict=True)), content) for key, content in cells.items()]


def to_observations(
    table: Table,
    info: TableInfo,
    rows: Iterable[Row],
    indicator: str,
    address: str = PUBLIC_ADDRESS,
    *,
    decimal: str = ",",
) -> tuple[dict[str, list[Observation]], int]:
    """Observations by area code from (checked) cells, and the number of suppressed cells.

    ``indicator`` is the id the observations carry (a plugin indicator, or the
    panel's). Each figure carries its table and, as provenance, the table with
    its update time and documentation, and the query that gave the cell; a
    mandatory footnote of the table is the figure's note.
    """
    answer = _Answer(
        table,
        info,
        indicator,
        document(info, address),
        table.origin_codes(info),
        info.footnote if info.footnote_mandatory else "",
    )
    found: dict[str, list[Observation]] = {}
    suppressed = 0
    sums: dict[tuple[str, str, str, str], dict[str, float]] = {}
    for row in rows:
        codes = {k.upper(): v for k, v in row.codes.items()}
        area = codes.get("OMRÅDE", "")
        origin = codes.get("HERKOMST", "")
        time = codes.get("TID", "")
        if table.quarter and not time.endswith(table.quarter):
            continue
        if row.content.strip() in MISSING_CELLS:
            suppressed += 1
            continue
        if origin not in answer.origins:
            continue
        age_code = codes.get(table.age_variable.upper(), "") if table.age_variable else ""
        category = f"IELAND {codes['IELAND']}" if "IELAND" in codes else ""
        obs = answer.cell(codes, row.content, decimal, age_code, category)
        found.setdefault(area, []).append(obs)
        if table.sums:
            sums.setdefault((area, time, age_code, category), {})[origin] = obs.value
    for key, values in sums.items():
        found.setdefault(key[0], []).extend(answer.sums(key, values))
    # In the table's order of origins, then age and year: never the answer's row order,
    # which BULK does not promise.
    rank = {group: i for i, group in enumerate((*answer.origins.values(), *table.sums))}
    for points in found.values():
        points.sort(
            key=lambda o: (
                rank.get(o.group or "", len(rank)),
                o.age_band.low if o.age_band else -1,
                o.age_band.high or 999 if o.age_band else -1,
                o.year or 0,
            )
        )
    return found, suppressed


@attrs.frozen
class _Answer:
    """One answer of a table read as figures: what each of its figures carries."""

    table: Table
    info: TableInfo
    indicator: str
    doc: SourceDocument
    #: HERKOMST code -> group.
    origins: dict[str, str]
    #: The table's mandatory footnote, every figure's note ("" without one).
    footnote: str

    @property
    def series(self) -> str:
        return f"Statistikbanken {self.info.id}"

    def cell(
        self, codes: Mapping[str, str], content: str, decimal: str, age_code: str, category: str
    ) -> Observation:
        """The figure of one cell, with the query that gave it as its provenance."""
        table, info = self.table, self.info
        time = codes.get("TID", "")
        query = ", ".join(f"{k}={v}" for k, v in codes.items() if k != "TID")
        try:
            value = number(content, decimal)
        except AnswerError:
            raise AnswerError(
                _(
                    "{table}, {query}, {time}: the cell {value!r} is not a number as DST writes "
                    "it (decimal comma, no thousands separator)"
                ).format(table=info.id, query=query, time=time, value=content)
            ) from None
        try:
            return Observation(
                indicator=self.indicator,
                value=value,
                unit=table.unit,
                provenance=Provenance(
                    self.doc.key, _("query {query}").format(query=query), cited=self.doc
                ),
                group=self.origins[codes.get("HERKOMST", "")],
                age_band=table.band(age_code),
                year=_year(time),
                period="" if not table.quarter else f"1. kvartal {_year(time)}",
                category=category,
                note=self.footnote,
                series=self.series,
                table=table.id,
                decimals=_printed(content),
            )
        except ValueError as exc:
            raise AnswerError(
                _("{table}, {query}, {time}: the cell {value!r} cannot be a figure ({why})").format(
                    table=info.id, query=query, time=time, value=content, why=_why(exc)
                )
            ) from None

    def sums(
        self, key: tuple[str, str, str, str], values: Mapping[str, float]
    ) -> list[Observation]:
        """The table's sums of origins for one area, time, age and category, whose parts
        ``values`` gives by HERKOMST code; a total smaller than its parts is refused."""
        table, origins = self.table, self.origins
        area, time, age_code, category = key
        total = next((values[c] for c, g in origins.items() if g == "all" and c in values), None)
        parts_sum = sum(v for c, v in values.items() if origins.get(c) != "all")
        if total is not None and parts_sum > total:
            raise AnswerError(
                _(
                    "{table}, OMRÅDE={area}, {time}: the total ({total:g}) is smaller than "
                    "the sum of its parts ({parts:g})"
                ).format(table=self.info.id, area=area, time=time, total=total, parts=parts_sum)
            )
        figures: list[Observation] = []
        for group, parts in table.sums.items():
            if not all(c in values for c in parts):
                continue  # a suppressed part: no sum rather than a wrong one
            figures.append(
                Observation(
                    indicator=self.indicator,
                    value=sum(values[c] for c in parts),
                    unit=table.unit,
                    provenance=Provenance(
                        self.doc.key,
                        _("sum of HERKOMST {codes}, OMRÅDE={area}").format(
                            codes=" + ".join(parts), area=area
                        ),
                        cited=self.doc,
                    ),
                    group=group,
                    age_band=table.band(age_code),
                    year=_year(time),
                    period=f"1. kvartal {_year(time)}" if table.quarter else "",
                    category=category,
                    note="; ".join(
                        n
                        for n in (
                            _("the sum of DST's codes {codes}").format(codes=", ".join(parts)),
                            self.footnote,
                        )
                        if n
                    ),
                    series=self.series,
                    table=table.id,
                )
            )
        return figures
