"""Every municipality's barometer, from Statistics Denmark's figures in the local cache.

For any of the 98 municipalities, plugin or not, and for every indicator
(:mod:`.indicators`, one record each): the value of every year the tables hold,
the latest value, the baseline (2012 where the cache has it, else its first
comparable year, said so), the movement by the Integrationsbarometer's rounded
rule, the whole country's value and the kommunegruppe's median beside each year
(:func:`kommuneintegration.municipalities.beside`, the same computation as
compare's Statbank rows), the rank among the municipalities where the indicator
is ranked, and the peers (:mod:`.peers`) with their values. It reads what
``kommuneintegration fetch`` stored, through the statbank's one reader of
stored answers; it never touches the network.

Small numbers are marked, not ranked: a municipality whose group counts fewer
than ``min_persons`` (default :data:`MIN_PERSONS`) persons keeps its value, with
the mark, but takes no rank. The median of a kommunegruppe is over all its
municipalities with a value, marked or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.barometer.fairness import Line, indirect, trend
from kommuneintegration.barometer.formula import Part, Rate, Resolved, resolve
from kommuneintegration.barometer.indicators import (
    EMPLOYMENT_RATE,
    NON_WESTERN_SHARE,
    NOT_AVAILABLE,
    BarometerIndicator,
    NotAvailable,
    indicators,
)
from kommuneintegration.barometer.judged import Counted, Judgement, judge
from kommuneintegration.barometer.peers import (
    DEFAULT_PEERS,
    DEFAULT_WEIGHTS,
    Characteristics,
    Peer,
    nearest,
)
from kommuneintegration.countries import CountryGroup, CountryGroupRegistry, builtin_groups
from kommuneintegration.errors import UnknownMunicipalityError
from kommuneintegration.i18n import _, language
from kommuneintegration.municipalities import COUNTRY, Beside, beside, official_municipalities
from kommuneintegration.rules.builtin import barometer_movement
from kommuneintegration.statbank.cache import Cache
from kommuneintegration.statbank.cells import Cells, read_cells
from kommuneintegration.statbank.client import base_url, public_url
from kommuneintegration.statbank.tables import document
from kommuneintegration.strategy.models import SourceDocument
from kommuneintegration.words import fold, spellings

__all__ = [
    "BASELINE_YEAR",
    "MIN_PERSONS",
    "Barometer",
    "BarometerRow",
    "Inputs",
    "PeerValue",
    "Point",
    "barometer",
    "barometer_groups",
    "baseline_year",
    "find_municipality",
    "load_inputs",
]

#: Below this many persons in a group, a municipality's figure is marked and not ranked.
MIN_PERSONS: Final = 100
#: The barometer's baseline (integrationsbarometer.dk, "Barometerbevægelser").
BASELINE_YEAR: Final = 2012


@attrs.frozen
class PeerValue:
    """A peer's value of the same indicator and year, for the row, and what its make-up and
    labour market lead one to expect of it."""

    code: str
    name: str
    value: float | None
    expected: float | None = None
    expected_labour_market: float | None = None
    distance: float | None = None
    #: The peer's value of every year of the row's series, oldest first (a page draws it).
    series: tuple[tuple[int, float | None], ...] = ()


@attrs.frozen
class Point:
    """One year of a municipality's series, beside the country and its kommunegruppe."""

    year: int
    value: float | None
    persons: float | None
    reference: float | None
    country: float | None
    group_median: float | None
    #: False before a break in the series (RAS before 2009): shown, never compared.
    comparable: bool = True


@attrs.frozen
class BarometerRow:
    """One municipality's figure of one indicator, beside the country, its group and its peers."""

    municipality: str
    name: str
    kommunegruppe: int
    kommunegruppe_name: str
    indicator: BarometerIndicator
    value: float | None
    year: int | None
    baseline_value: float | None
    baseline_year: int | None
    #: "positive", "unchanged", "negative"; None where the indicator has no better direction
    #: or a figure is missing.
    movement: str | None
    country_value: float | None
    group_median: float | None
    group_n: int
    rank: int | None
    ranked_n: int
    #: The persons the figure rests on (the group's size), and whether that is too few.
    persons: float | None
    small: bool
    peers: tuple[PeerValue, ...]
    source: str
    note: str = ""
    #: The same figure for persons of Danish origin, where the indicator has one.
    reference_value: float | None = None
    #: Every year the cache holds, oldest first.
    series: tuple[Point, ...] = ()
    #: The latest figure's 95 % interval, expected values, and what chance allows (.judged).
    judged: Judgement = attrs.field(factory=Judgement)
    #: The chi-squared test for trend over the latest five comparable years (.fairness).
    trend: str = "not-calculated"


@attrs.frozen
class Inputs:
    """The cached cells the barometer reads, by table, and what it shows them for."""

    cells: Mapping[str, Cells]
    groups: tuple[CountryGroup, ...]
    #: Stored answers that did not read back as checked and were left out.
    set_aside: int = 0
    #: A plugin's country group's id -> the municipalities whose plugin defines it.
    owners: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    @property
    def empty(self) -> bool:
        return all(c.empty for c in self.cells.values())


@attrs.frozen
class Barometer:
    """The barometer of some municipalities, computed against all that the cache holds."""

    rows: tuple[BarometerRow, ...]
    municipalities: tuple[str, ...]
    indicators: tuple[BarometerIndicator, ...]
    peers: Mapping[str, tuple[Peer, ...]]
    #: How many of the 98 municipalities the cache has figures for: ranks, medians and
    #: peers rest on these.
    covered: int
    since: int | None
    k: int
    weights: Mapping[str, float]
    min_persons: int
    sources: tuple[SourceDocument, ...]
    notes: tuple[str, ...]
    #: The language it was computed in; renderers write in it.
    language: str
    #: Municipalities a page highlights (``report --all -m 461``).
    highlight: tuple[str, ...] = ()
    #: The barometer's indicators that no table gives per municipality, with the reason.
    not_available: tuple[NotAvailable, ...] = NOT_AVAILABLE
    #: CSV: one row per year of each series instead of one per row (``--years``).
    by_year: bool = False
    #: Per indicator (its key): the least-squares line of the labour-market expectation.
    fits: Mapping[str, Line | None] = attrs.field(factory=dict)

    def name(self, code: str) -> str:
        official = official_municipalities()
        if code == COUNTRY:
            return _("the whole country")
        return official[code].name if code in official else code


def find_municipality(text: str) -> str:
    """The code of one of the 98 by its code or its name ("461", "Odense", "odense kommune")."""
    official = official_municipalities()
    wanted = text.strip()
    if wanted in official:
        return wanted
    words = wanted.split()
    if len(words) > 1 and fold(words[-1]) in ("kommune", "regionskommune"):
        wanted_name = " ".join(words[:-1])
    else:
        wanted_name = wanted
    asked = spellings(wanted_name)
    for code, municipality in official.items():
        if asked & spellings(municipality.name):
            return code
    raise UnknownMunicipalityError(
        _("{value} is none of the 98 municipalities' codes or names (e.g. 461 or Odense)").format(
            value=repr(text)
        ),
        value=text,
        choices=list(official),
    )


def barometer_groups(groups: CountryGroupRegistry | None = None) -> list[CountryGroup]:
    """The country groups the barometer counts from FOLK1C: MENAPT, then every group a
    plugin defines (the built-in Western, non-Western and EU are FOLK1E's or too broad)."""
    groups = groups if groups is not None else builtin_groups()
    builtin = set(builtin_groups().ids())
    return [groups.get("menapt"), *(g for g in groups if g.id not in builtin)]


def baseline_year(
    years: Iterable[int], since: int | None = None, comparable_from: int | None = None
) -> int | None:
    """2012 where the years include it (and ``since`` allows it), else the first year there is
    (never one before a break in the series)."""
    first = max(since or 0, comparable_from or 0)
    held = sorted(y for y in years if y >= first)
    if not held:
        return None
    wanted = max(BASELINE_YEAR, since or 0)
    return wanted if wanted in held else held[0]


def load_inputs(
    cache: Cache | None = None,
    groups: CountryGroupRegistry | None = None,
    owners: Mapping[str, Sequence[str]] | None = None,
) -> Inputs:
    """What the cache holds for the barometer's tables, read back as checked."""
    cache = cache or Cache()
    origin = public_url(base_url())
    chosen = tuple(barometer_groups(groups))
    tables = {t for i in indicators(chosen) for t in i.tables}
    cells, set_aside = read_cells(cache, origin, sorted(tables))
    return Inputs(cells, chosen, set_aside, {g: tuple(c) for g, c in (owners or {}).items()})


class _Computer:
    """The figures of every area and year, from the cells; remembered, as gaps and rates share
    their parts."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.resolved: dict[int, Resolved | tuple[str, str]] = {}
        self.fractions: dict[tuple[int, str, int], tuple[float, float] | None] = {}
        self.times: dict[str, frozenset[str]] = {}
        self.standards: dict[
            tuple[int, tuple[str, ...], int], dict[tuple[str, ...], float] | None
        ] = {}

    def lacking(self, indicator: BarometerIndicator) -> str | None:
        """Why the indicator cannot be computed from the stored tables, or None."""
        for part in indicator.rate.parts:
            cells = self.inputs.cells.get(part.table)
            if cells is None or cells.info is None or cells.empty:
                return _("the cache has no figures of {table}").format(table=part.table)
            found = self._resolve(part, cells)
            if isinstance(found, tuple):
                variable, text = found
                return _("{table} has no value {text!r} of {variable}").format(
                    table=part.table, text=text, variable=variable
                )
        return None

    def _resolve(self, part: Part, cells: Cells) -> Resolved | tuple[str, str]:
        if id(part) not in self.resolved:
            self.resolved[id(part)] = resolve(part, cells)
        return self.resolved[id(part)]

    def years(self, indicator: BarometerIndicator) -> list[int]:
        """The years every part of the rate has cells for."""
        years: set[int] | None = None
        for part in indicator.rate.parts:
            if part.table not in self.times:
                self.times[part.table] = frozenset(self.inputs.cells[part.table].times())
            held = {y for t in self.times[part.table] if (y := part.year_of(t)) is not None}
            years = held if years is None else years & held
        return sorted(years or ())

    def fraction(self, rate: Rate, area: str, year: int) -> tuple[float, float] | None:
        """(numerator, denominator), or None where a cell is missing."""
        key = (id(rate), area, year)
        if key in self.fractions:
            return self.fractions[key]
        sums: list[float] = []
        for parts in (rate.numerator, rate.denominator):
            total = 0.0
            for part in parts:
                cells = self.inputs.cells.get(part.table)
                found = self._resolve(part, cells) if cells is not None else None
                value = found.total(area, part.time(year)) if isinstance(found, Resolved) else None
                if value is None:
                    self.fractions[key] = None
                    return None
                total += value
            sums.append(total)
        result = (sums[0], sums[1]) if sums[1] > 0 and sums[0] <= sums[1] else None
        self.fractions[key] = result
        return result

    def figure(self, indicator: BarometerIndicator, area: str, year: int) -> Counted:
        own = self.fraction(indicator.rate, area, year)
        ref = self.fraction(indicator.reference, area, year) if indicator.reference else None
        rate = 100 * own[0] / own[1] if own else None
        reference = 100 * ref[0] / ref[1] if ref else None
        counted = Counted(
            rate,
            persons=own[1] if own else None,
            count=own[0] if own else None,
            reference=reference,
            reference_persons=ref[1] if ref else None,
            reference_count=ref[0] if ref else None,
        )
        if not indicator.gap:
            return counted
        if rate is None or reference is None:
            return attrs.evolve(counted, value=None)
        return attrs.evolve(counted, value=_gap(indicator, reference, rate))

    def expected(self, indicator: BarometerIndicator, area: str, year: int) -> float | None:
        """What the area's make-up leads one to expect: the whole country's rate in each
        stratum (:attr:`BarometerIndicator.strata`) applied to the area's own persons
        (indirect standardisation); with no strata, the country's own figure."""
        rate = self._expected_rate(indicator, indicator.rate, area, year)
        if not indicator.gap:
            return rate
        if indicator.reference is None:
            return None
        reference = self._expected_rate(indicator, indicator.reference, area, year)
        if rate is None or reference is None:
            return None
        return _gap(indicator, reference, rate)

    def _expected_rate(
        self, indicator: BarometerIndicator, rate: Rate, area: str, year: int
    ) -> float | None:
        if not indicator.strata:
            whole = self.fraction(rate, COUNTRY, year)
            return 100 * whole[0] / whole[1] if whole else None
        rates = self._country_rates(indicator, rate, year)
        own = self._strata(indicator, rate, area, year)
        if rates is None or own is None:
            return None
        return indirect(own[1], rates)

    def _country_rates(
        self, indicator: BarometerIndicator, rate: Rate, year: int
    ) -> dict[tuple[str, ...], float] | None:
        """The whole country's rate in each stratum: the standard, found once per rate and
        year for all 98 municipalities."""
        key = (id(rate), indicator.strata, year)
        if key not in self.standards:
            country = self._strata(indicator, rate, COUNTRY, year)
            self.standards[key] = (
                None
                if country is None
                else {s: country[0].get(s, 0.0) / n for s, n in country[1].items() if n > 0}
            )
        return self.standards[key]

    def _strata(
        self, indicator: BarometerIndicator, rate: Rate, area: str, year: int
    ) -> tuple[dict[tuple[str, ...], float], dict[tuple[str, ...], float]] | None:
        """(numerator, denominator) by stratum, for a rate of one part over one part."""
        sums = []
        for parts in (rate.numerator, rate.denominator):
            if len(parts) != 1:
                return None
            part = parts[0]
            cells = self.inputs.cells.get(part.table)
            found = self._resolve(part, cells) if cells is not None else None
            if not isinstance(found, Resolved):
                return None
            by = found.by_stratum(area, part.time(year), indicator.strata)
            if by is None:
                return None
            sums.append(by)
        return sums[0], sums[1]


def _gap(indicator: BarometerIndicator, reference: float, rate: float) -> float:
    """A gap in percentage points, in the indicator's own order."""
    return reference - rate if indicator.gap == "reference-minus" else rate - reference


def _rank(values: Mapping[str, float], better: str) -> dict[str, int]:
    """Competition ranking ("1224"), best first, on the figures as shown (one decimal)."""
    ordered = sorted(
        values.items(),
        key=lambda kv: (round(kv[1], 1) if better == "lower" else -round(kv[1], 1), kv[0]),
    )
    ranks: dict[str, int] = {}
    for position, (code, value) in enumerate(ordered, 1):
        previous = ordered[position - 2] if position > 1 else None
        same = previous is not None and round(previous[1], 1) == round(value, 1)
        ranks[code] = ranks[previous[0]] if same and previous is not None else position
    return ranks


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@attrs.frozen
class _Settings:
    codes: tuple[str, ...]
    since: int | None
    min_persons: int
    peers: Mapping[str, tuple[Peer, ...]]
    characteristics: Mapping[str, Characteristics]
    k: int
    weights: Mapping[str, float]

    @classmethod
    def of(
        cls,
        compute: _Computer,
        codes: tuple[str, ...],
        since: int | None,
        min_persons: int,
        k: int,
        weights: Mapping[str, float],
    ) -> _Settings:
        """The settings of a barometer of ``codes``, with each one's nearest municipalities."""
        characteristics = _characteristics(compute)
        return cls(
            codes,
            since,
            min_persons,
            {code: nearest(characteristics, code, k=k, weights=weights) for code in codes},
            characteristics,
            k,
            weights,
        )


def barometer(
    municipalities: Iterable[str] | None = None,
    *,
    inputs: Inputs | None = None,
    since: int | None = None,
    k: int = DEFAULT_PEERS,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    min_persons: int = MIN_PERSONS,
    groups: CountryGroupRegistry | None = None,
    highlight: Iterable[str] = (),
    country_groups: Iterable[str] = (),
) -> Barometer:
    """The barometer of ``municipalities`` (codes or names; all 98 when ``None``).

    ``since`` is the baseline year asked for (default 2012): where the cache does
    not hold it, the first year it holds after it is the baseline, and the row
    says so. Every year the cache holds is in each row's series. A plugin's own
    country group (København's *udvalgte MENAPT-lande*) is shown where its city is
    among ``municipalities``, or where ``country_groups`` names it.
    """
    inputs = inputs if inputs is not None else load_inputs(groups=groups)
    official = official_municipalities()
    codes = (
        tuple(official)
        if municipalities is None
        else tuple(dict.fromkeys(find_municipality(m) for m in municipalities))
    )
    compute = _Computer(inputs)
    settings = _Settings.of(compute, codes, since, min_persons, k, weights)
    found = _Found()
    # A plugin's own country group is its city's: shown for its city (asked for, or
    # highlighted on the page of all 98), or for everyone when asked for by name (--group).
    asked_groups = set(country_groups)
    cities = set(codes) if municipalities is not None else {find_municipality(m) for m in highlight}
    for indicator in indicators(inputs.groups, inputs.owners):
        shown_for = settings.codes
        if indicator.owners and indicator.country_group not in asked_groups:
            if not set(indicator.owners) & cities:
                continue
            shown_for = tuple(c for c in codes if c in indicator.owners)
        found.add(indicator, compute, inputs, attrs.evolve(settings, codes=shown_for))
    return Barometer(
        rows=tuple(found.rows),
        municipalities=codes,
        indicators=tuple(found.shown),
        peers=settings.peers,
        covered=len(found.covered),
        since=since,
        k=k,
        weights=dict(weights),
        min_persons=min_persons,
        sources=_sources(inputs, {t for i in found.shown for t in i.tables}),
        notes=tuple(found.notes),
        language=language(),
        highlight=tuple(dict.fromkeys(find_municipality(m) for m in highlight)),
        fits=found.fits,
    )


@attrs.define
class _Found:
    """The barometer so far: its rows, the indicators shown and those left out, and the
    municipalities with a figure."""

    fits: dict[str, Line | None] = attrs.Factory(dict)
    rows: list[BarometerRow] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    shown: list[BarometerIndicator] = attrs.Factory(list)
    covered: set[str] = attrs.Factory(set)

    def add(
        self,
        indicator: BarometerIndicator,
        compute: _Computer,
        inputs: Inputs,
        settings: _Settings,
    ) -> None:
        """One indicator's rows, or a note of why it is left out (no year of all its tables)."""
        why = compute.lacking(indicator)
        years = compute.years(indicator) if why is None else []
        if not years:
            self.notes.append(
                _("{indicator}: left out, {why}; kommuneintegration fetch --all").format(
                    indicator=indicator.shown_label(),
                    why=why or _("the cache has no year of all its tables"),
                )
            )
            return
        self.shown.append(indicator)
        rows, reached, self.fits[indicator.key] = _indicator_rows(
            indicator, years, compute, inputs, settings
        )
        self.rows += rows
        self.covered |= reached


def _indicator_rows(
    indicator: BarometerIndicator,
    years: Sequence[int],
    compute: _Computer,
    inputs: Inputs,
    settings: _Settings,
) -> tuple[list[BarometerRow], set[str], Line | None]:
    """The rows of one indicator: every year's figures of every area computed once, the
    latest year judged once for all 98."""
    official = official_municipalities()
    areas = (COUNTRY, *official)
    by_year = {y: {a: compute.figure(indicator, a, y) for a in areas} for y in years}
    around = {
        y: beside({a: f.value for a, f in figures.items() if f.value is not None})
        for y, figures in by_year.items()
    }
    latest = years[-1]
    at_latest = by_year[latest]
    values = {c: f.value for c, f in at_latest.items() if c != COUNTRY and f.value is not None}
    ranked = (
        {c: v for c, v in values.items() if (at_latest[c].persons or 0) >= settings.min_persons}
        if indicator.ranked
        else {}
    )
    ranks = _rank(ranked, indicator.better)
    expected = {c: compute.expected(indicator, c, latest) for c in official}
    judged, line = judge(indicator, at_latest, expected, around[latest], ranked, ranks)
    peers = _indicator_peers(settings, by_year, expected)
    table = _Table(
        indicator,
        years,
        baseline_year(years, settings.since, indicator.comparable_from),
        by_year,
        around,
        ranks,
        len(ranked),
        judged,
        peers,
        "; ".join(d.citation() for d in _sources(inputs, set(indicator.tables))),
        _footnote(inputs, indicator),
    )
    return [_row(table, code, settings) for code in settings.codes], set(values), line


@attrs.frozen
class _Table:
    """One indicator's figures of every area and year, judged: what each of its rows reads."""

    indicator: BarometerIndicator
    years: Sequence[int]
    base: int | None
    by_year: Mapping[int, Mapping[str, Counted]]
    around: Mapping[int, Beside]
    ranks: Mapping[str, int]
    ranked_n: int
    judged: Mapping[str, Judgement]
    peers: Mapping[str, tuple[PeerValue, ...]]
    source: str
    footnote: str


def _footnote(inputs: Inputs, indicator: BarometerIndicator) -> str:
    """The mandatory footnotes of the indicator's tables, which go with its figures."""
    notes = []
    for table in indicator.tables:
        info = inputs.cells[table].info
        if info is not None and info.footnote_mandatory and info.footnote:
            notes.append(f"{table}: {info.footnote}")
    return "; ".join(notes)


def _indicator_peers(
    settings: _Settings,
    by_year: Mapping[int, Mapping[str, Counted]],
    expected: Mapping[str, float | None],
) -> dict[str, tuple[PeerValue, ...]]:
    """Each municipality's nearest for this indicator: the general characteristics and what
    its make-up leads one to expect of this indicator (:mod:`.peers`)."""
    characteristics = {
        code: attrs.evolve(ch, make_up=_rounded(expected.get(code)))
        for code, ch in settings.characteristics.items()
    }
    official = official_municipalities()
    latest = max(by_year)
    found: dict[str, tuple[PeerValue, ...]] = {}
    for code in settings.codes:
        found[code] = tuple(
            PeerValue(
                p.code,
                official[p.code].name,
                _rounded(by_year[latest][p.code].value),
                _rounded(expected.get(p.code)),
                distance=p.distance,
                series=tuple(
                    (y, _rounded(figures[p.code].value)) for y, figures in by_year.items()
                ),
            )
            for p in nearest(characteristics, code, k=settings.k, weights=settings.weights)
        )
    return found


def _series(
    indicator: BarometerIndicator,
    code: str,
    years: Sequence[int],
    by_year: Mapping[int, Mapping[str, Counted]],
    around: Mapping[int, Beside],
) -> tuple[Point, ...]:
    points = []
    for year in years:
        figure = by_year[year].get(code, Counted(None, None, None))
        median, _n = around[year].median(code)
        points.append(
            Point(
                year=year,
                value=_rounded(figure.value),
                persons=figure.persons,
                reference=_rounded(figure.reference),
                country=_rounded(around[year].country),
                group_median=_rounded(median),
                comparable=indicator.comparable_from is None or year >= indicator.comparable_from,
            )
        )
    return tuple(points)


def _row(table: _Table, code: str, settings: _Settings) -> BarometerRow:
    indicator = table.indicator
    official = official_municipalities()
    municipality = official[code]
    latest = table.years[-1]
    figure = table.by_year[latest][code]
    notes: list[str] = []
    base = _base(table, settings, notes)
    base_value = table.by_year[base][code].value if base is not None else None
    movement = None
    if indicator.better and figure.value is not None and base_value is not None:
        movement = barometer_movement(
            base_value, figure.value, higher_is_better=indicator.better == "higher"
        )
    small = figure.persons is not None and figure.persons < settings.min_persons
    if small and indicator.ranked:
        notes.append(
            _("fewer than {n} persons in the group: marked, not ranked").format(
                n=settings.min_persons
            )
        )
    if table.footnote:
        notes.append(table.footnote)
    median, group_n = table.around[latest].median(code)
    return BarometerRow(
        municipality=code,
        name=municipality.name,
        kommunegruppe=municipality.group,
        kommunegruppe_name=municipality.group_label,
        indicator=indicator,
        value=_rounded(figure.value),
        year=latest if figure.value is not None else None,
        baseline_value=_rounded(base_value),
        baseline_year=base if base_value is not None else None,
        movement=movement,
        country_value=_rounded(table.around[latest].country),
        group_median=_rounded(median),
        group_n=group_n,
        rank=None if small else table.ranks.get(code),
        ranked_n=table.ranked_n,
        persons=figure.persons,
        small=small and indicator.ranked,
        peers=table.peers.get(code, ()),
        source=table.source,
        note="; ".join(notes),
        reference_value=_rounded(figure.reference),
        series=_series(indicator, code, table.years, table.by_year, table.around),
        judged=_shown(table.judged.get(code, Judgement())),
        trend=_trend(indicator, code, table.years, table.by_year),
    )


def _base(table: _Table, settings: _Settings, notes: list[str]) -> int | None:
    """The baseline year of a row, with a note where it is not the one asked for (and
    none where the latest year is the only one)."""
    latest = table.years[-1]
    base = table.base
    wanted_base = max(BASELINE_YEAR, settings.since or 0)
    if base is not None and base >= latest:
        base = None  # the latest figure is no baseline for itself
        notes.append(
            _(
                "no baseline: the cache holds no figures for {wanted} or later before "
                "{latest}; kommuneintegration fetch --all --since {wanted} fetches them"
            ).format(wanted=wanted_base, latest=latest)
        )
    elif base is not None and base != wanted_base:
        notes.append(
            _("baseline {year}: the cache holds no figures for {wanted}").format(
                year=base, wanted=wanted_base
            )
        )
    return base


def _shown(judged: Judgement) -> Judgement:
    """The judgement's figures with one decimal, as every figure is shown."""
    return attrs.evolve(
        judged,
        low=_rounded(judged.low),
        high=_rounded(judged.high),
        expected=_rounded(judged.expected),
        expected_labour_market=_rounded(judged.expected_labour_market),
    )


def _trend(
    indicator: BarometerIndicator,
    code: str,
    years: Sequence[int],
    by_year: Mapping[int, Mapping[str, Counted]],
) -> str:
    """The test for trend over the comparable years of a rate (not of a gap: no counts)."""
    if indicator.gap:
        return "not-calculated"
    points = [
        (year, f.count, f.persons)
        for year in years
        if indicator.comparable_from is None or year >= indicator.comparable_from
        if (f := by_year[year][code]).count is not None and f.persons is not None
    ]
    return trend(points)


def _latest_year(compute: _Computer, indicator: BarometerIndicator) -> int | None:
    years = compute.years(indicator) if compute.lacking(indicator) is None else []
    return years[-1] if years else None


def _characteristics(compute: _Computer) -> dict[str, Characteristics]:
    """Residents and the non-Western share of the latest year, the kommunegruppe, and the local
    labour market: the employment rate of persons of Danish origin aged 25-64 (RAS201)."""
    year = _latest_year(compute, NON_WESTERN_SHARE)
    work = _latest_year(compute, EMPLOYMENT_RATE)
    found: dict[str, Characteristics] = {}
    for code, municipality in official_municipalities().items():
        fraction = compute.fraction(NON_WESTERN_SHARE.rate, code, year) if year else None
        population = fraction[1] if fraction else None
        share = 100 * fraction[0] / fraction[1] if fraction else None
        market = compute.figure(EMPLOYMENT_RATE, code, work).reference if work else None
        found[code] = Characteristics(
            code,
            population,
            _rounded(share),
            municipality.group,
            year,
            labour_market=_rounded(market),
        )
    return found


def _sources(inputs: Inputs, tables: set[str]) -> tuple[SourceDocument, ...]:
    """The tables' citations, in the output language (:func:`.statbank.tables.document`)."""
    address = public_url(base_url())
    return tuple(
        document(cells.info, address)
        for table, cells in sorted(inputs.cells.items())
        if table in tables and cells.info is not None
    )
