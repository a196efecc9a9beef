"""Outcome data from Statistics Denmark: fetch what the plugins' indicators need, cache it, use it.

A plugin declares that an indicator is measured by a Statbank table
(``statbank = "RAS200"`` on the indicator); :func:`fetch` asks the table for
that city's figures by origin and age band, and for a panel of context
figures (RAS200's broad age band and FOLK1E's population by origin) for the
city and the whole country (code 000), or for all 98 municipalities. Answers
go to the local cache (:mod:`.cache`); :func:`cached` turns what the cache
holds into observations, which evaluation and comparison use like any other,
each in a series of its own and with the table, its update time and the query
as provenance. Nothing here reaches the network unless :func:`fetch` is asked
to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from kommuneintegration.i18n import _, format_number
from kommuneintegration.models import Observation
from kommuneintegration.municipalities import official_municipalities
from kommuneintegration.registry import Registry
from kommuneintegration.series import CellKey, cell_key
from kommuneintegration.statbank.cache import Cache, canonical
from kommuneintegration.statbank.client import (
    StatbankClient,
    StatbankError,
    base_url,
    data_request,
    parse_bulk,
    parse_tableinfo,
)
from kommuneintegration.statbank.tables import TABLES, TableInfo, to_observations

__all__ = [
    "COUNTRY",
    "PANEL",
    "FetchReport",
    "Fetched",
    "Request",
    "StatbankError",
    "cached",
    "fetch",
    "plan",
]

#: Statistics Denmark's code for the whole country.
COUNTRY: Final = "000"
#: What the panel of context figures is stored as, instead of a plugin's indicator id.
PANEL: Final = "panel"
#: The tables of the panel: put beside every city and the whole country.
PANEL_TABLES: Final = ("RAS200", "FOLK1E")


@attrs.frozen
class Request:
    """One data request: a table, for one indicator id (or the panel), some areas and ages."""

    table: str
    indicator: str
    areas: tuple[str, ...]
    ages: tuple[str, ...] = ()


@attrs.frozen
class FetchReport:
    """What a fetch did: answers stored or taken from the cache, figures, suppressed cells."""

    requests: int
    from_cache: int
    figures: int
    suppressed: int
    tables: Mapping[str, str]  # table -> updated

    def text(self) -> str:
        line = _("{requests} requests ({cached} from the cache), {figures} figures").format(
            requests=self.requests, cached=self.from_cache, figures=format_number(self.figures)
        )
        if self.suppressed:
            line += ", " + _("{n} suppressed cells ('..') left out").format(n=self.suppressed)
        lines = [line]
        lines += [
            "  " + _("{table}: updated {when}").format(table=t, when=u)
            for t, u in sorted(self.tables.items())
        ]
        return "\n".join(lines)


@attrs.frozen
class Fetched:
    """Figures from the cache: per municipality for the plugins' indicators, and the panel."""

    observations: Mapping[str, tuple[Observation, ...]]
    panel: Mapping[str, tuple[Observation, ...]]

    @property
    def empty(self) -> bool:
        return not self.observations and not self.panel

    def joined(
        self, extra: Mapping[str, Iterable[Observation]] | None = None
    ) -> dict[str, list[Observation]]:
        """Other figures per municipality (a CSV file's) with these added: what evaluation takes."""
        together = {code: list(points) for code, points in (extra or {}).items()}
        for code, points in self.observations.items():
            together.setdefault(code, []).extend(points)
        return together


def _ages(registry: Registry, code: str, indicator_id: str) -> tuple[str, ...]:
    """The age bands a city's documents use for an indicator: asked for, so figures line up."""
    bands: list[str] = []
    for strategy in registry.strategies.get(code, ()):
        for ind in strategy.indicators:
            if ind.id != indicator_id:
                continue
            bands += [str(ind.age_band)] if ind.age_band else []
            bands += [str(o.age_band) for o in strategy.observations_of(ind.id) if o.age_band]
            bands += [
                str(t.age_band) for t in strategy.targets if t.indicator == ind.id and t.age_band
            ]
    return tuple(dict.fromkeys(bands))


def plan(
    registry: Registry, codes: Iterable[str], *, all_municipalities: bool = False
) -> list[Request]:
    """The requests a fetch makes: the plugins' declared indicators, then the context panel."""
    codes = [c for c in dict.fromkeys(codes) if c != COUNTRY]
    requests: list[Request] = []
    for code in codes:
        for strategy in registry.strategies.get(code, ()):
            for ind in strategy.indicators:
                if ind.statbank and ind.statbank in TABLES:
                    request = Request(ind.statbank, ind.id, (code,), _ages(registry, code, ind.id))
                    if request not in requests:
                        requests.append(request)
    areas = tuple(official_municipalities()) if all_municipalities else tuple(codes)
    for table in PANEL_TABLES:
        requests.append(Request(table, PANEL, (COUNTRY, *areas)))
    return requests


def fetch(
    registry: Registry,
    codes: Iterable[str],
    *,
    since: int | None = None,
    offline: bool = False,
    refresh: bool = False,
    all_municipalities: bool = False,
    client: StatbankClient | None = None,
    cache: Cache | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> FetchReport:
    """Fetch and cache what the plugins' indicators and the panel need.

    ``offline`` never touches the network: every answer must be in the cache.
    ``refresh`` asks again even for cached answers. All answers are stored in
    one transaction at the end, so a failure leaves the cache as it was.
    """
    if offline and refresh:
        raise ValueError("--offline and --refresh exclude each other")
    cache = cache or Cache()
    requests = plan(registry, codes, all_municipalities=all_municipalities)
    client = None if offline else (client or StatbankClient())
    infos: dict[str, tuple[TableInfo, str]] = {}
    new_infos: dict[str, tuple[str, str]] = {}
    new_answers: list[tuple[str, str, str, str, str]] = []
    from_cache = figures = suppressed = 0
    for number, request in enumerate(requests, 1):
        if progress is not None:
            progress(number, len(requests), f"{request.table} {request.indicator}")
        if request.table not in infos:
            stored = cache.tableinfo(request.table)
            if stored is not None and (offline or not refresh):
                infos[request.table] = (parse_tableinfo(stored[1], request.table), stored[1])
            elif client is None:
                raise StatbankError(
                    f"--offline: the cache holds no description of {request.table}; run fetch without --offline first"
                )
            else:
                info, raw = client.tableinfo(request.table)
                infos[request.table] = (info, raw)
                new_infos[request.table] = (info.updated, raw)
        info = infos[request.table][0]
        table = TABLES[request.table]
        variables = table.query(info, request.areas, since, request.ages)
        query = canonical(data_request(request.table, variables))
        stored_answer = cache.answer(request.table, query, request.indicator)
        if stored_answer is not None and (offline or not refresh):
            body = stored_answer.body
            from_cache += 1
        elif client is None:
            raise StatbankError(
                f"--offline: the cache holds no answer for {request.table} ({request.indicator}) "
                "with these municipalities and years; run fetch without --offline first"
            )
        else:
            body = client.data(request.table, variables)
            new_answers.append((request.table, query, request.indicator, info.updated, body))
        found, hidden = to_observations(
            table, info, parse_bulk(body), request.indicator, base_url()
        )
        figures += sum(len(v) for v in found.values())
        suppressed += hidden
    cache.store(new_infos, new_answers)
    return FetchReport(
        requests=len(requests),
        from_cache=from_cache,
        figures=figures,
        suppressed=suppressed,
        tables={t: i.updated for t, (i, _) in infos.items()},
    )


def cached(
    registry: Registry | None = None,
    *,
    cache: Cache | None = None,
    municipalities: Iterable[str] | None = None,
) -> Fetched:
    """Observations from the cache, newest answer per request; no network.

    Figures for a plugin's indicator are kept only while that city still
    declares the indicator (with ``registry``); the panel is kept whole.
    """
    cache = cache or Cache()
    wanted = set(municipalities) if municipalities is not None else None
    latest: dict[tuple[str, str, str], Any] = {}
    for answer in cache.answers():  # oldest first: a newer answer to the same request wins
        request = json.loads(answer.query)
        areas = next(
            (tuple(v["values"]) for v in request["variables"] if v["code"] == "OMRÅDE"), ()
        )
        latest[(answer.table, answer.indicator, ",".join(areas))] = answer
    observations: dict[str, list[Observation]] = {}
    panel_cells: dict[str, dict[CellKey, Observation]] = {}
    infos: dict[str, TableInfo] = {}
    for (table_id, indicator, _period), answer in latest.items():
        if table_id not in TABLES:
            continue
        if table_id not in infos:
            stored = cache.tableinfo(table_id)
            if stored is None:
                continue
            infos[table_id] = parse_tableinfo(stored[1], table_id)
        found, _hidden = to_observations(
            TABLES[table_id], infos[table_id], parse_bulk(answer.body), indicator, base_url()
        )
        for code, points in found.items():
            if indicator == PANEL:
                for obs in points:  # a newer answer for the same cell replaces an older one
                    panel_cells.setdefault(code, {})[cell_key(obs)] = obs
            elif (wanted is None or code in wanted) and _declares(registry, code, indicator):
                observations.setdefault(code, []).extend(points)
    return Fetched(
        {k: tuple(v) for k, v in observations.items()},
        {k: tuple(v.values()) for k, v in panel_cells.items()},
    )


def _declares(registry: Registry | None, code: str, indicator: str) -> bool:
    if registry is None:
        return True
    return any(
        i.id == indicator and i.statbank
        for s in registry.strategies.get(code, ())
        for i in s.indicators
    )
