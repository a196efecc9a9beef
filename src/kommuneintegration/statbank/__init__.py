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
from typing import Any, Final, TypeVar

import attrs

from kommuneintegration.countries import country_name
from kommuneintegration.i18n import _, format_number, language, pick
from kommuneintegration.models import Observation
from kommuneintegration.municipalities import COUNTRY, official_municipalities
from kommuneintegration.registry import Registry
from kommuneintegration.series import CellKey, cell_key
from kommuneintegration.statbank.barometer_inputs import (
    COUNTRIES,
    INPUT_TABLES,
    WEIGHTS,
    barometer_groups,
    ieland_countries,
    input_query,
    read_input,
)
from kommuneintegration.statbank.cache import Cache, CacheError, canonical
from kommuneintegration.statbank.client import (
    StatbankClient,
    base_url,
    bulk_table,
    data_request,
    parse_tableinfo,
    public_url,
)
from kommuneintegration.statbank.errors import (
    AnswerError,
    NetworkError,
    NothingToFetchError,
    StatbankError,
    UnbuildableRequestError,
)
from kommuneintegration.statbank.tables import (
    TABLES,
    Row,
    Table,
    TableInfo,
    checked_cells,
    to_observations,
)

__all__ = [
    "COUNTRIES",
    "COUNTRY",
    "PANEL",
    "WEIGHTS",
    "FetchReport",
    "Fetched",
    "Request",
    "StatbankError",
    "cached",
    "city_bands",
    "fetch",
    "plan",
]

#: What the panel of context figures is stored as, instead of a plugin's indicator id.
PANEL: Final = "panel"
#: The tables of the panel: put beside every city and the whole country.
PANEL_TABLES: Final = tuple(t.id for t in TABLES.values() if t.panel_groups)


@attrs.frozen
class Request:
    """One data request: a table, for one indicator id (or the panel), some areas and ages."""

    table: str
    indicator: str
    areas: tuple[str, ...]
    ages: tuple[str, ...] = ()


@attrs.frozen
class FetchReport:
    """What a fetch did: answers stored or taken from the cache, figures, and what to know."""

    requests: int
    from_cache: int
    figures: int
    suppressed: int
    tables: Mapping[str, str]  # table -> updated
    #: One line each: a request not sent and why, nothing to fetch, a table's mandatory
    #: footnote, an answer with no figures, new figures a refresh would bring.
    notes: tuple[str, ...] = ()
    #: Requests not sent because the table cannot answer them as asked.
    skipped: int = 0

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
        lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


@attrs.frozen
class Fetched:
    """Figures from the cache: per municipality for the plugins' indicators, and the panel."""

    observations: Mapping[str, tuple[Observation, ...]]
    panel: Mapping[str, tuple[Observation, ...]]
    #: Stored answers that did not read back as checked and were left out.
    set_aside: int = 0

    @property
    def empty(self) -> bool:
        return not self.observations and not self.panel


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


def city_bands(registry: Registry, code: str) -> tuple[str, ...]:
    """The age bands a city's documents use for its indicators measured by a Statbank table:
    what its panel rows show (see :mod:`.context`)."""
    bands: list[str] = []
    for strategy in registry.strategies.get(code, ()):
        for ind in strategy.indicators:
            if ind.statbank:
                bands += _ages(registry, code, ind.id)
    return tuple(dict.fromkeys(bands))


def plan(
    registry: Registry, codes: Iterable[str], *, all_municipalities: bool = False
) -> list[Request]:
    """The requests a fetch makes: the plugins' declared indicators, then the context panel.

    The panel asks each table for its broad bands and the bands the cities' own
    documents use for an indicator of that table, so the city's band can be shown.
    """
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
        bands = tuple(dict.fromkeys(b for r in requests if r.table == table for b in r.ages))
        requests.append(Request(table, PANEL, (COUNTRY, *areas), bands))
    # The barometer's weights and countries of origin (see .barometer_inputs).
    for indicator, spec in INPUT_TABLES.items():
        requests.append(Request(spec.id, indicator, (COUNTRY, *areas)))
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

    Every request is built from the table's own ``tableinfo`` and checked
    before it is sent; one the table cannot answer is not sent and the report
    says why. Every answer is read back against its request before anything is
    stored. ``offline`` never touches the network: every answer must be in the
    cache. ``refresh`` asks again even for cached answers. All answers are stored
    in one transaction at the end, so a failure leaves the cache as it was.
    """
    if offline and refresh:
        raise ValueError("--offline and --refresh exclude each other")
    cache = cache or Cache()
    notes: list[str] = []
    try:
        cache.check()
    except CacheError:
        if not refresh:
            raise
        moved = cache.set_aside()
        notes.append(
            _("the cache could not be read and was set aside as {path}; it is written anew").format(
                path=moved
            )
        )
    requests = plan(registry, codes, all_municipalities=all_municipalities)
    client = None if offline else (client or StatbankClient())
    origin = client.public_base if client is not None else public_url(base_url())
    infos: dict[str, tuple[TableInfo, str]] = {}
    new_infos: dict[str, tuple[str, str]] = {}
    new_answers: list[tuple[str, str, str, str, str]] = []
    from_cache = figures = suppressed = skipped = 0
    for number, request in enumerate(requests, 1):
        if progress is not None:
            progress(number, len(requests), f"{request.table} {request.indicator}")
        if request.table not in infos:
            infos[request.table] = _tableinfo(
                request.table, cache, client, origin, refresh=refresh, new=new_infos, notes=notes
            )
        info = infos[request.table][0]
        table = INPUT_TABLES.get(request.indicator) or TABLES[request.table]
        try:
            if request.indicator in INPUT_TABLES:
                if "RAS200" not in infos:
                    infos["RAS200"] = _tableinfo(
                        "RAS200", cache, client, origin, refresh=refresh, new=new_infos, notes=notes
                    )
                variables = _input_query(request, info, infos["RAS200"][0], since, registry, notes)
            else:
                variables = table.query(info, request.areas, since, request.ages)
        except NothingToFetchError as exc:
            notes.append(_("nothing to fetch: {reason}").format(reason=exc))
            skipped += 1
            continue
        except UnbuildableRequestError as exc:
            notes.append(_("not asked: {reason}").format(reason=exc))
            skipped += 1
            continue
        query = canonical(data_request(request.table, variables))
        stored_answer = cache.answer(request.table, query, request.indicator, origin)
        if stored_answer is not None and (offline or not refresh):
            body = stored_answer.body
            from_cache += 1
        elif client is None:
            raise StatbankError(
                _(
                    "--offline: no answer for {table} ({indicator}) with these municipalities "
                    "and years; {state}; run fetch without --offline first"
                ).format(
                    table=request.table, indicator=request.indicator, state=cache.state(origin)
                )
            )
        else:
            body = _online(client, cache, origin, client.data, request.table, variables)
        if request.indicator in INPUT_TABLES:
            cells = read_input(info, body, variables, counts=True)
            count = sum(v is not None for v in cells.values())
            hidden = len(cells) - count
        else:
            found, hidden = _read(table, info, body, variables, request.indicator, origin)
            count = sum(len(v) for v in found.values())
        if count and (stored_answer is None or (refresh and client is not None)):
            new_answers.append((request.table, query, request.indicator, info.updated, body))
        if not count:
            notes.append(
                _("{table} gave no figures for {what}").format(
                    table=request.table, what=", ".join(request.areas)
                )
            )
        figures += count
        suppressed += hidden
    for table_id, (info, _raw) in infos.items():
        if info.footnote and info.footnote_mandatory:
            notes.append(f"{table_id}: {info.footnote}")
    cache.store(origin, new_infos, new_answers)
    return FetchReport(
        requests=len(requests),
        from_cache=from_cache,
        figures=figures,
        suppressed=suppressed,
        tables={t: i.updated for t, (i, _) in infos.items()},
        notes=tuple(dict.fromkeys(notes)),
        skipped=skipped,
    )


T = TypeVar("T")


def _online(
    client: StatbankClient, cache: Cache, origin: str, ask: Callable[..., T], *args: Any
) -> T:
    """Ask the Statbank; when it cannot be reached, say whether --offline would help: where
    the cache is and what it holds."""
    try:
        return ask(*args)
    except NetworkError as exc:
        held = cache.count(origin)
        advice = (
            _("kommuneintegration fetch --offline works from {state}").format(
                state=cache.state(origin)
            )
            if held
            else _("{state}, so --offline cannot help either").format(state=cache.state(origin))
        )
        raise NetworkError(f"{exc}; {advice}") from None


def _input_query(
    request: Request,
    info: TableInfo,
    ras200: TableInfo,
    since: int | None,
    registry: Registry,
    notes: list[str],
) -> dict[str, list[str]]:
    """The barometer's weights or countries request; notes the countries FOLK1C cannot give."""
    years = [int(t) for t in ras200.variables.get(ras200.time, ()) if t.isdigit()]
    groups = barometer_groups(registry.country_groups)
    if request.indicator == COUNTRIES:
        mapped, unmapped = ieland_countries(info)
        if unmapped:
            notes.append(
                _(
                    "{table}: {n} countries of origin name no country the library knows and "
                    "are in no country group: {names}"
                ).format(table=info.id, n=len(unmapped), names="; ".join(unmapped))
            )
        held = set(mapped.values())
        for group in groups:
            absent = sorted(group.members - held)
            if absent:
                notes.append(
                    _(
                        "{table} lists no country of origin {countries} of the group {group}: "
                        "they are not counted"
                    ).format(
                        table=info.id,
                        group=pick(group.label, group.label_en or group.label),
                        countries="; ".join(country_name(c, language()) for c in absent),
                    )
                )
    return input_query(
        request.indicator, info, request.areas, ras200_years=years, since=since, groups=groups
    )


def _tableinfo(
    table: str,
    cache: Cache,
    client: StatbankClient | None,
    origin: str,
    *,
    refresh: bool,
    new: dict[str, tuple[str, str]],
    notes: list[str],
) -> tuple[TableInfo, str]:
    """The table's description: asked afresh whenever online, so that new figures are noticed."""
    stored = cache.tableinfo(table, origin)
    if client is None:
        if stored is None:
            raise StatbankError(
                _(
                    "--offline: no description of {table}; {state}; run fetch without "
                    "--offline first"
                ).format(table=table, state=cache.state(origin))
            )
        return parse_tableinfo(stored[1], table), stored[1]
    info, raw = _online(client, cache, origin, client.tableinfo, table)
    if stored is not None and not refresh:
        cached_info = parse_tableinfo(stored[1], table)
        if info.updated != cached_info.updated:
            notes.append(
                _(
                    "{table} was updated {new} since the cached answers ({old}): "
                    "fetch --refresh brings the new figures"
                ).format(table=table, new=info.updated, old=cached_info.updated)
            )
        return cached_info, stored[1]
    new[table] = (info.updated, raw)
    return info, raw


def _read(
    table: Table,
    info: TableInfo,
    body: str,
    variables: Mapping[str, list[str]],
    indicator: str,
    origin: str,
    *,
    latest_only: bool = False,
) -> tuple[dict[str, list[Observation]], int]:
    """An answer read back against its request: checked cells, the left-out zeros, observations
    (``latest_only``: of its latest period only, once the whole answer is checked)."""
    header, cells = bulk_table(body, table.id)
    if not cells:  # no cell at all: never read as a table of zeros
        return {}, 0
    names, checked = checked_cells(info, header, cells, variables)
    if latest_only and "TID" in names:
        at = names.index("TID")
        newest = max(key[at] for key in checked)
        checked = {k: v for k, v in checked.items() if k[at] == newest}
    rows = [Row(dict(zip(names, key, strict=True)), content) for key, content in checked.items()]
    return to_observations(table, info, rows, indicator, origin)


def cached(
    registry: Registry | None = None,
    *,
    cache: Cache | None = None,
    municipalities: Iterable[str] | None = None,
    panel: str = "all",
) -> Fetched:
    """Observations from the cache, newest answer per request; no network.

    Only answers from the Statbank address in use now (``public_url(base_url())``)
    are read, and each is cited from there. Figures for a plugin's indicator are
    kept only while that city still declares the indicator (with ``registry``);
    the panel is kept whole. An answer that no longer reads back as checked is set
    aside and counted (``Fetched.set_aside``), never the cause of a failure.
    ``panel="latest"`` keeps only each panel answer's latest period: what the context
    rows of compare and report show, at a seventeenth of the cost for all 98.
    Raises :class:`~kommuneintegration.statbank.cache.CacheError` for a file that
    cannot be read at all.
    """
    cache = cache or Cache()
    origin = public_url(base_url())
    wanted = set(municipalities) if municipalities is not None else None
    latest: dict[tuple[str, str, str], Any] = {}
    set_aside = 0
    for answer in cache.answers(origin):  # oldest first: a newer answer to the same request wins
        try:
            request = json.loads(answer.query)
            areas = next(
                (tuple(v["values"]) for v in request["variables"] if v["code"] == "OMRÅDE"), ()
            )
        except (ValueError, KeyError, TypeError, StopIteration):
            set_aside += 1
            continue
        latest[(answer.table, answer.indicator, ",".join(areas))] = answer
    observations: dict[str, list[Observation]] = {}
    panel_cells: dict[str, dict[CellKey, Observation]] = {}
    infos: dict[str, TableInfo] = {}
    for (table_id, indicator, _period), answer in latest.items():
        if indicator in INPUT_TABLES:  # the barometer's, read by kommuneintegration.barometer
            continue
        try:
            if table_id not in infos:
                stored = cache.tableinfo(table_id, origin)
                if stored is None or table_id not in TABLES:
                    raise AnswerError(f"no description of {table_id}")
                infos[table_id] = parse_tableinfo(stored[1], table_id)
            asked = {v["code"]: list(v["values"]) for v in json.loads(answer.query)["variables"]}
            found, _hidden = _read(
                TABLES[table_id],
                infos[table_id],
                answer.body,
                asked,
                indicator,
                origin,
                latest_only=indicator == PANEL and panel == "latest",
            )
        except (StatbankError, ValueError, KeyError, TypeError):
            set_aside += 1  # stored before it was checked, or damaged since: not used
            continue
        for code, points in found.items():
            if indicator == PANEL:
                for obs in points:  # a newer answer for the same cell replaces an older one
                    panel_cells.setdefault(code, {})[cell_key(obs)] = obs
            elif (wanted is None or code in wanted) and _declares(registry, code, indicator):
                observations.setdefault(code, []).extend(points)
    return Fetched(
        {k: tuple(v) for k, v in observations.items()},
        {k: tuple(v.values()) for k, v in panel_cells.items()},
        set_aside,
    )


def _declares(registry: Registry | None, code: str, indicator: str) -> bool:
    if registry is None:
        return True
    return any(
        i.id == indicator and i.statbank
        for s in registry.strategies.get(code, ())
        for i in s.indicators
    )
