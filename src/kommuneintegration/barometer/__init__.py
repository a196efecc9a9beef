"""Every municipality's barometer, from Statistics Denmark's figures in the local cache.

For any of the 98 municipalities, plugin or not: per indicator
(:mod:`.indicators`) the latest value and its year, the baseline (2012 where the
cache has it, else its first year, said so), the movement by the
Integrationsbarometer's rounded rule, the whole country's value, the
kommunegruppe's median with its n, the rank among the municipalities, and the
peers (:mod:`.peers`) with their values. It reads what ``kommuneintegration
fetch`` stored (RAS200 and FOLK1E of the panel, the weights and the countries of
origin of :mod:`kommuneintegration.statbank.barometer_inputs`); it never
touches the network.

Small numbers are marked, not ranked: a municipality whose group counts fewer
than ``min_persons`` (default :data:`MIN_PERSONS`) persons keeps its value, with
the mark, but takes no rank. The median of a kommunegruppe is over all its
municipalities with a value, marked or not.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.barometer.indicators import BarometerIndicator, indicators
from kommuneintegration.barometer.peers import (
    DEFAULT_PEERS,
    DEFAULT_WEIGHTS,
    Characteristics,
    Peer,
    nearest,
)
from kommuneintegration.builtin_rules import barometer_movement
from kommuneintegration.countries import CountryGroup, CountryGroupRegistry
from kommuneintegration.errors import UnknownMunicipalityError
from kommuneintegration.i18n import _, language
from kommuneintegration.models import SourceDocument
from kommuneintegration.municipalities import COUNTRY, official_municipalities
from kommuneintegration.statbank.barometer_inputs import (
    BASELINE_YEAR,
    COUNTRIES,
    WEIGHT_AGES,
    WEIGHTS,
    Cells,
    barometer_groups,
    baseline_year,
    ieland_countries,
    read_cells,
)
from kommuneintegration.statbank.cache import Cache
from kommuneintegration.statbank.client import base_url, public_url
from kommuneintegration.statbank.tables import document
from kommuneintegration.words import fold, spellings

__all__ = [
    "MIN_PERSONS",
    "Barometer",
    "BarometerRow",
    "Inputs",
    "PeerValue",
    "barometer",
    "find_municipality",
    "load_inputs",
]

#: Below this many persons in a group, a municipality's figure is marked and not ranked.
MIN_PERSONS: Final = 100
_PANEL: Final = "panel"


@attrs.frozen
class PeerValue:
    """A peer's value of the same indicator and year, for the row."""

    code: str
    name: str
    value: float | None


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


@attrs.frozen
class Inputs:
    """The cached cells the barometer reads, and the documents they come from."""

    ras200: Cells
    folk1e: Cells
    weights: Cells
    countries: Cells
    groups: tuple[CountryGroup, ...]
    #: IELAND code -> the library's country.
    country_of: Mapping[str, str]

    @property
    def empty(self) -> bool:
        return not (self.ras200.values or self.folk1e.values)

    @property
    def set_aside(self) -> int:
        return sum(c.set_aside for c in (self.ras200, self.folk1e, self.weights, self.countries))


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


def load_inputs(cache: Cache | None = None, groups: CountryGroupRegistry | None = None) -> Inputs:
    """What the cache holds for the barometer, read back as checked."""
    cache = cache or Cache()
    origin = public_url(base_url())
    countries = read_cells(cache, origin, "FOLK1C", [COUNTRIES])
    mapped = ieland_countries(countries.info)[0] if countries.info else {}
    return Inputs(
        ras200=read_cells(cache, origin, "RAS200", [_PANEL]),
        folk1e=read_cells(cache, origin, "FOLK1E", [_PANEL]),
        weights=read_cells(cache, origin, "FOLK1E", [WEIGHTS]),
        countries=countries,
        groups=tuple(barometer_groups(groups)),
        country_of=mapped,
    )


def _years(cells: Cells) -> list[int]:
    return sorted({int(t[:4]) for t in cells.times if t[:4].isdigit()})


class _Computer:
    """The figures of every area for one year, from the cells; ``None`` where one is missing."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.weight_periods = set(inputs.weights.times)

    def weight_period(self, year: int) -> str | None:
        for period in (f"{year + 1}K1", f"{year}K1"):
            if period in self.weight_periods:
                return period
        return None

    def persons(self, area: str, origin: str, period: str) -> float | None:
        total = 0.0
        for age in WEIGHT_AGES:
            value = self.inputs.weights.get(area, origin, period, age=age)
            if value is None:
                return None
            total += value
        return total

    def employment(self, area: str, year: int) -> tuple[float | None, float | None, str]:
        """(the combined rate, the persons it rests on, the weights' period)."""
        ras = self.inputs.ras200
        period = self.weight_period(year)
        immigrants = ras.get(area, "25", str(year), age="16-64")
        descendants = ras.get(area, "35", str(year), age="16-64")
        if period is None or immigrants is None or descendants is None:
            return None, None, period or ""
        n_imm = self.persons(area, "25", period)
        n_desc = self.persons(area, "35", period)
        if n_imm is None or n_desc is None or n_imm + n_desc <= 0:
            return None, None, period
        rate = (immigrants * n_imm + descendants * n_desc) / (n_imm + n_desc)
        return rate, n_imm + n_desc, period

    def value(
        self, indicator: BarometerIndicator, area: str, year: int
    ) -> tuple[float | None, float | None]:
        """(the value, the persons it rests on)."""
        if indicator.id == "employment-rate":
            rate, persons, _period = self.employment(area, year)
            return rate, persons
        if indicator.id == "employment-gap":
            rate, persons, _period = self.employment(area, year)
            danish = self.inputs.ras200.get(area, "10", str(year), age="16-64")
            if rate is None or danish is None:
                return None, persons
            return danish - rate, persons
        period = f"{year}K1"
        folk = self.inputs.folk1e
        total = folk.get(area, "TOT", period)
        if not total:
            return None, None
        if indicator.country_group:
            group = next(g for g in self.inputs.groups if g.id == indicator.country_group)
            codes = [c for c, country in self.inputs.country_of.items() if country in group]
            count = 0.0
            for code in codes:
                for origin in ("4", "3"):
                    cell = self.inputs.countries.get(area, origin, period, country=code)
                    if cell is None:
                        return None, None
                    count += cell
            return 100 * count / total, count
        parts = [folk.get(area, origin, period) for origin in ("25", "35")]
        if any(p is None for p in parts):
            return None, None
        count = sum(p for p in parts if p is not None)
        return 100 * count / total, count

    def years(self, indicator: BarometerIndicator) -> list[int]:
        if indicator.id in ("employment-rate", "employment-gap"):
            return [y for y in _years(self.inputs.ras200) if self.weight_period(y)]
        if indicator.country_group:
            return _years(self.inputs.countries)
        return [y for y in _years(self.inputs.folk1e) if f"{y}K1" in self.inputs.folk1e.times]


def _rank(values: Mapping[str, float], better: str) -> dict[str, int]:
    """Competition ranking ("1224"), best first; with no better direction, largest first."""
    ordered = sorted(values.items(), key=lambda kv: (kv[1] if better == "lower" else -kv[1], kv[0]))
    ranks: dict[str, int] = {}
    for position, (code, value) in enumerate(ordered, 1):
        previous = ordered[position - 2] if position > 1 else None
        same = previous is not None and round(previous[1], 1) == round(value, 1)
        ranks[code] = ranks[previous[0]] if same and previous is not None else position
    return ranks


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


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
) -> Barometer:
    """The barometer of ``municipalities`` (codes or names; all 98 when ``None``).

    ``since`` is the baseline year asked for (default 2012): where the cache does
    not hold it, the first year it holds after it is the baseline, and the row
    says so.
    """
    inputs = inputs if inputs is not None else load_inputs(groups=groups)
    official = official_municipalities()
    codes = (
        tuple(official)
        if municipalities is None
        else tuple(dict.fromkeys(find_municipality(m) for m in municipalities))
    )
    shown = indicators(inputs.groups)
    compute = _Computer(inputs)
    characteristics = _characteristics(compute)
    peers = {code: nearest(characteristics, code, k=k, weights=weights) for code in codes}
    rows: list[BarometerRow] = []
    notes: list[str] = []
    covered: set[str] = set()
    for indicator in shown:
        years = compute.years(indicator)
        if not years:
            notes.append(
                _("no figures in the cache for {indicator}; kommuneintegration fetch --all").format(
                    indicator=indicator.shown_label()
                )
            )
            continue
        latest = years[-1]
        base = baseline_year(years, since)
        at_latest = {c: compute.value(indicator, c, latest) for c in official}
        values = {c: v for c, (v, _n) in at_latest.items() if v is not None}
        covered |= set(values)
        ranked = {c: v for c, v in values.items() if (at_latest[c][1] or 0) >= min_persons}
        ranks = _rank(ranked, indicator.better)
        country_value = compute.value(indicator, COUNTRY, latest)[0]
        # once per indicator, not per row: each kommunegruppe's median and n, the sources
        by_group: dict[int, list[float]] = {}
        for c, v in values.items():
            by_group.setdefault(official[c].group, []).append(v)
        medians = {g: (statistics.median(vs), len(vs)) for g, vs in by_group.items()}
        source = "; ".join(d.citation() for d in _sources(inputs, indicator.tables))
        for code in codes:
            rows.append(
                _row(
                    indicator,
                    code,
                    latest,
                    base,
                    since,
                    compute,
                    values,
                    at_latest.get(code, (None, None))[1],
                    ranks,
                    len(ranked),
                    country_value,
                    peers.get(code, ()),
                    min_persons,
                    medians,
                    source,
                )
            )
    return Barometer(
        rows=tuple(rows),
        municipalities=codes,
        indicators=shown,
        peers=peers,
        covered=len(covered),
        since=since,
        k=k,
        weights=dict(weights),
        min_persons=min_persons,
        sources=_sources(inputs),
        notes=tuple(notes),
        language=language(),
        highlight=tuple(dict.fromkeys(find_municipality(m) for m in highlight)),
    )


def _characteristics(compute: _Computer) -> dict[str, Characteristics]:
    from kommuneintegration.barometer.indicators import NON_WESTERN_SHARE

    years = compute.years(NON_WESTERN_SHARE)
    year = years[-1] if years else None
    found: dict[str, Characteristics] = {}
    for code, municipality in official_municipalities().items():
        population = compute.inputs.folk1e.get(code, "TOT", f"{year}K1") if year else None
        share = compute.value(NON_WESTERN_SHARE, code, year)[0] if year else None
        found[code] = Characteristics(code, population, _rounded(share), municipality.group, year)
    return found


def _row(
    indicator: BarometerIndicator,
    code: str,
    latest: int,
    base: int | None,
    since: int | None,
    compute: _Computer,
    values: Mapping[str, float],
    persons: float | None,
    ranks: Mapping[str, int],
    ranked_n: int,
    country_value: float | None,
    peers: Sequence[Peer],
    min_persons: int,
    medians: Mapping[int, tuple[float, int]],
    source: str,
) -> BarometerRow:
    official = official_municipalities()
    municipality = official[code]
    value = values.get(code)
    notes: list[str] = []
    wanted_base = max(BASELINE_YEAR, since or 0)
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
    base_value = compute.value(indicator, code, base)[0] if base is not None else None
    movement = None
    if indicator.better and value is not None and base_value is not None and base != latest:
        movement = barometer_movement(
            base_value, value, higher_is_better=indicator.better == "higher"
        )
    small = persons is not None and persons < min_persons
    if small:
        notes.append(
            _("fewer than {n} persons in the group: marked, not ranked").format(n=min_persons)
        )
    if indicator.id in ("employment-rate", "employment-gap"):
        period = compute.weight_period(latest)
        if period and period != f"{latest + 1}K1":
            notes.append(
                _("weighted by FOLK1E {period}: the 1st of January after is not published").format(
                    period=period
                )
            )
    median, group_n = medians.get(municipality.group, (None, 0))
    return BarometerRow(
        municipality=code,
        name=municipality.name,
        kommunegruppe=municipality.group,
        kommunegruppe_name=municipality.group_label,
        indicator=indicator,
        value=_rounded(value),
        year=latest if value is not None else None,
        baseline_value=_rounded(base_value),
        baseline_year=base if base_value is not None else None,
        movement=movement,
        country_value=_rounded(country_value),
        group_median=_rounded(median),
        group_n=group_n,
        rank=None if small else ranks.get(code),
        ranked_n=ranked_n,
        persons=persons,
        small=small,
        peers=tuple(
            PeerValue(p.code, official[p.code].name, _rounded(values.get(p.code))) for p in peers
        ),
        source=source,
        note="; ".join(notes),
    )


def _sources(inputs: Inputs, tables: Sequence[str] | None = None) -> tuple[SourceDocument, ...]:
    address = public_url(base_url())
    found: list[SourceDocument] = []
    for cells in (inputs.ras200, inputs.folk1e, inputs.countries):
        if cells.info is None or (tables is not None and cells.info.id not in tables):
            continue
        found.append(document(cells.info, address))
    return tuple(found)
