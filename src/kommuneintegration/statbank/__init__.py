"""Outcome data from Statistics Denmark: fetch what is asked for, cache it, read it back.

The statbank package knows tables, requests, answers and the cache, and
nothing of plugins or strategies: what to fetch is planned by its consumers
(:mod:`kommuneintegration.analysis.cityfetch` for the cities' own indicators and the
context panel, :mod:`kommuneintegration.barometer.fetching` for the barometer)
and handed to :func:`fetch` as :class:`Request` records. Every request is
built from the table's own ``tableinfo``, every answer is read back against its
request before anything is stored, and one table's refusal costs only the
figures that need that table: the others are fetched, stored and used, and the
report names the table and what lacks it (:attr:`FetchReport.refused`).
:func:`cached` turns what the cache holds into observations, read by the one
reader of stored answers (:mod:`.cells`). Nothing here reaches the network
unless :func:`fetch` is asked to.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, TypeVar

import attrs

from kommuneintegration.i18n import _, format_number, ngettext
from kommuneintegration.municipalities import COUNTRY
from kommuneintegration.statbank.cache import Cache, CachedAnswer, CacheError, canonical
from kommuneintegration.statbank.cells import (
    StoredAnswer,
    areas_of,
    dense_form,
    digest,
    read_answer,
    read_cached,
    read_stored,
)
from kommuneintegration.statbank.client import (
    StatbankClient,
    base_url,
    data_request,
    parse_tableinfo,
    public_url,
)
from kommuneintegration.statbank.errors import (
    NetworkError,
    NothingToFetchError,
    StatbankError,
    UnbuildableRequestError,
)
from kommuneintegration.statbank.tables import (
    TABLES,
    Row,
    Select,
    TableInfo,
    cell_name,
    select_query,
    to_observations,
)
from kommuneintegration.strategy.models import Observation
from kommuneintegration.strategy.series import CellKey, cell_key

__all__ = [
    "COUNTRY",
    "PANEL",
    "PANEL_TABLES",
    "FetchReport",
    "Fetched",
    "Request",
    "Select",
    "StatbankError",
    "cached",
    "fetch",
]

#: What the panel of context figures is stored as, instead of a plugin's indicator id.
PANEL: Final = "panel"
#: The tables of the panel: put beside every city and the whole country.
PANEL_TABLES: Final = tuple(t.id for t in TABLES.values() if t.panel_groups)


@attrs.frozen
class Request:
    """One data request: a table, stored under ``indicator`` (a plugin's indicator id, the
    panel, or a consumer's own key), for some areas.

    A request of the tables the library describes (:data:`~.tables.TABLES`) asks
    their origins and ``ages``; a request with ``select`` picks each variable's
    values itself (by code, by text or all), the time variable's periods of
    ``quarter`` ("K1") or every one. ``needed_by`` names, in the output language,
    what lacks the figures when the table refuses; ``describe`` turns the table's
    description into notes for the report (countries a group names that the table
    lacks, say).
    """

    table: str
    indicator: str
    areas: tuple[str, ...]
    ages: tuple[str, ...] = ()
    select: Mapping[str, Select] | None = attrs.field(default=None, eq=False)
    quarter: str = ""
    needed_by: tuple[str, ...] = attrs.field(default=(), eq=False)
    describe: Callable[[TableInfo], list[str]] | None = attrs.field(default=None, eq=False)

    def variables(
        self, info: TableInfo, since: int | None
    ) -> tuple[dict[str, list[str]], list[str]]:
        """The request's variables from ``tableinfo``, and notes of values the table lacks."""
        if self.select is None:
            return TABLES[self.table].query(info, self.areas, since, self.ages), []
        selected = select_query(info, self.select, self.areas, since=since, quarter=self.quarter)
        notes = [
            _("{table} has no value {text!r} of {variable}: {what} left out").format(
                table=info.id, text=text, variable=variable, what=", ".join(self.needed_by) or "-"
            )
            for variable, text in selected.missing
        ]
        return selected.variables, notes


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
    #: Tables the Statbank refused or answered wrongly: table -> why. Their figures are
    #: missing; every other table's were fetched and stored.
    refused: Mapping[str, str] = attrs.field(factory=dict)
    #: Table -> what lacks its figures (the requests' ``needed_by``).
    lacking: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    #: Cells asked for, per table (every combination of the values asked).
    cells: Mapping[str, int] = attrs.field(factory=dict)
    #: Tables whose new answers would have made the stored ones worse (figures turned into
    #: zeros or "..", rows lost): table -> why. Nothing of them was stored, their new
    #: description neither; the stored answers are still used.
    kept_apart: Mapping[str, str] = attrs.field(factory=dict)

    def text(self) -> str:
        line = _("{requests} requests ({cached} from the cache), {figures} figures").format(
            requests=self.requests, cached=self.from_cache, figures=format_number(self.figures)
        )
        if self.suppressed:
            line += ", " + _("{n} suppressed cells ('..') left out").format(n=self.suppressed)
        lines = [line]
        if self.cells:
            lines.append(
                "  "
                + ngettext(
                    "{n} cell asked for: {tables}",
                    "{n} cells asked for: {tables}",
                    sum(self.cells.values()),
                ).format(
                    n=format_number(sum(self.cells.values())),
                    tables=", ".join(
                        f"{t} {format_number(n)}" for t, n in sorted(self.cells.items())
                    ),
                )
            )
        lines += [
            "  " + _("{table}: updated {when}").format(table=t, when=u)
            for t, u in sorted(self.tables.items())
        ]
        for table, why in sorted(self.refused.items()):
            lacking = ", ".join(self.lacking.get(table, ())) or "-"
            lines.append(
                "  "
                + _("{table} not fetched: {why}; without its figures: {lacking}").format(
                    table=table, why=why, lacking=lacking
                )
            )
        for table, why in sorted(self.kept_apart.items()):
            lines.append(
                "  "
                + _(
                    "{table}: the new answers were kept apart, not stored: {why}; the stored "
                    "figures are still used"
                ).format(table=table, why=why)
            )
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


@attrs.define
class _Run:
    """The state of one fetch: what was read, refused and found so far."""

    cache: Cache
    client: StatbankClient | None
    origin: str
    refresh: bool
    since: int | None
    infos: dict[str, tuple[TableInfo, str]] = attrs.field(factory=dict)
    new_infos: dict[str, tuple[str, str]] = attrs.field(factory=dict)
    new_answers: list[tuple[str, str, str, str, str]] = attrs.field(factory=list)
    dense: dict[tuple[str, str, str], tuple[str, str, bytes]] = attrs.field(factory=dict)
    notes: list[str] = attrs.field(factory=list)
    refused: dict[str, str] = attrs.field(factory=dict)
    lacking: dict[str, list[str]] = attrs.field(factory=dict)
    cells: dict[str, int] = attrs.field(factory=dict)
    first_error: StatbankError | None = None
    #: Table -> why its new answers are kept apart (never stored).
    kept_apart: dict[str, str] = attrs.field(factory=dict)
    #: Figures per table, so that a table kept apart is not counted as fetched.
    table_figures: dict[str, int] = attrs.field(factory=dict)
    #: The latest stored answer per (table, indicator, areas): what a new answer replaces.
    #: (table, indicator, areas) -> the query of the latest stored answer, read on first use.
    prior: dict[tuple[str, str, tuple[str, ...]], str] | None = None
    from_cache: int = 0
    figures: int = 0
    suppressed: int = 0
    skipped: int = 0
    held: int = 0

    def refuse(self, request: Request, exc: StatbankError) -> None:
        """One table's failure: noted, its requests' figures missing, the others go on."""
        self.refused.setdefault(request.table, str(exc))
        self.lacking.setdefault(request.table, [])
        for what in request.needed_by or (request.indicator,):
            if what not in self.lacking[request.table]:
                self.lacking[request.table].append(what)
        if self.first_error is None:
            self.first_error = exc


def fetch(
    requests: Sequence[Request],
    *,
    since: int | None = None,
    offline: bool = False,
    refresh: bool = False,
    client: StatbankClient | None = None,
    cache: Cache | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> FetchReport:
    """Fetch and cache what ``requests`` ask for.

    Every request is built from the table's own ``tableinfo`` and checked
    before it is sent; one the table cannot answer is not sent and the report
    says why. Every answer is read back against its request before anything is
    stored. A table the Statbank refuses (retired, renamed, an answer not as
    documented) costs only its own requests: the report names it
    (:attr:`FetchReport.refused`) and the others are stored. When nothing at all
    could be fetched or read from the cache, the first failure is raised.
    ``offline`` never touches the network: every answer must be in the cache.
    ``refresh`` asks again even for cached answers. All answers are stored in
    one transaction at the end.
    """
    if offline and refresh:
        raise ValueError("--offline and --refresh exclude each other")
    cache = cache or Cache()
    notes = _checked(cache, refresh)
    client = None if offline else (client or StatbankClient())
    origin = client.public_base if client is not None else public_url(base_url())
    run = _Run(cache, client, origin, refresh, since, notes=notes)
    for number, request in enumerate(requests, 1):
        if progress is not None:
            progress(number, len(requests), f"{request.table} {request.indicator}")
        if request.table in run.refused:
            run.refuse(request, StatbankError(run.refused[request.table]))
            continue
        try:
            _one(run, request)
        except NetworkError as exc:
            if run.client is not None and not run.held and not run.new_answers:
                raise  # nothing reached: the network, not one table
            run.refuse(request, exc)
        except StatbankError as exc:
            run.refuse(request, exc)
    for table_id, (info, _raw) in run.infos.items():
        if info.footnote and info.footnote_mandatory:
            run.notes.append(f"{table_id}: {info.footnote}")
    if run.first_error is not None and not run.held and not run.new_answers:
        raise run.first_error
    _keep_apart(run)
    cache.store(origin, run.new_infos, run.new_answers, run.dense)
    return _report(run, len(requests))


def _checked(cache: Cache, refresh: bool) -> list[str]:
    """The notes of opening the cache: one that cannot be read is refused, or with
    ``refresh`` set aside and written anew."""
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
    return notes


def _report(run: _Run, requests: int) -> FetchReport:
    """What a finished run fetched, read from the cache, refused and noted."""
    return FetchReport(
        requests=requests,
        from_cache=run.from_cache,
        figures=run.figures,
        suppressed=run.suppressed,
        tables={t: i.updated for t, (i, _) in run.infos.items()},
        notes=tuple(dict.fromkeys(run.notes)),
        skipped=run.skipped,
        refused=dict(run.refused),
        lacking={t: tuple(v) for t, v in run.lacking.items()},
        cells=dict(run.cells),
        kept_apart=dict(run.kept_apart),
    )


def _keep_apart(run: _Run) -> None:
    """Nothing of a table kept apart is stored, and a new description only with new answers
    of its table: a stored answer is never read with a description of other data."""
    for table in run.kept_apart:
        run.figures -= run.table_figures.get(table, 0)
    run.new_answers = [a for a in run.new_answers if a[0] not in run.kept_apart]
    run.dense = {k: v for k, v in run.dense.items() if k[0] not in run.kept_apart}
    with_answers = {a[0] for a in run.new_answers}
    for table in list(run.new_infos):
        if table in run.kept_apart or (
            table not in with_answers and run.cache.tableinfo(table, run.origin) is not None
        ):
            del run.new_infos[table]


def _one(run: _Run, request: Request) -> None:
    """One request: its table's description, the query, the answer (cached or asked), checked."""
    info = _described(run, request)
    try:
        variables, missing = request.variables(info, run.since)
    except NothingToFetchError as exc:
        run.notes.append(_("nothing to fetch: {reason}").format(reason=exc))
        run.skipped += 1
        return
    except UnbuildableRequestError as exc:
        run.notes.append(_("not asked: {reason}").format(reason=exc))
        run.skipped += 1
        return
    run.notes += missing
    asked = math.prod(len(values) for values in variables.values())
    run.cells[request.table] = run.cells.get(request.table, 0) + asked
    query = canonical(data_request(request.table, variables))
    stored = run.cache.answer(request.table, query, request.indicator, run.origin)
    body = _answer_body(run, request, variables, stored)
    answer = read_answer(info, body, variables)
    count, hidden = _counted(run, request, answer)
    fresh = run.client is not None and (stored is None or run.refresh)
    if fresh:
        worse = _worse(run, request, query, stored, answer)
        if worse:
            run.kept_apart.setdefault(request.table, worse)
            run.held += 1  # the stored answer is still there
            return
    if count and fresh:
        run.new_answers.append((request.table, query, request.indicator, info.updated, body))
        axes, numbers = dense_form(answer, info, variables)
        run.dense[(request.table, query, request.indicator)] = (
            digest(body, axes, numbers),
            axes,
            numbers,
        )
    if stored is not None or count:
        run.held += 1
    if not count:
        run.notes.append(
            _("{table} gave no figures for {what}").format(
                table=request.table, what=", ".join(request.areas)
            )
        )
    run.figures += count
    run.table_figures[request.table] = run.table_figures.get(request.table, 0) + count
    run.suppressed += hidden


def _described(run: _Run, request: Request) -> TableInfo:
    """The request's table's description, read once per run (and described in the notes,
    if the request says how)."""
    if request.table not in run.infos:
        run.infos[request.table] = _tableinfo(
            request.table,
            run.cache,
            run.client,
            run.origin,
            refresh=run.refresh,
            new=run.new_infos,
            notes=run.notes,
        )
        if request.describe is not None:
            run.notes += request.describe(run.infos[request.table][0])
    return run.infos[request.table][0]


def _answer_body(
    run: _Run, request: Request, variables: Mapping[str, Sequence[str]], stored: CachedAnswer | None
) -> str:
    """The answer to a request as the Statbank sent it: the stored one, unless refreshing,
    else asked (never offline)."""
    if stored is not None and (run.client is None or not run.refresh):
        run.from_cache += 1
        return stored.body
    if run.client is None:
        raise StatbankError(
            _(
                "--offline: no answer for {table} ({indicator}) with these municipalities "
                "and years; {state}; run fetch without --offline first"
            ).format(
                table=request.table, indicator=request.indicator, state=run.cache.state(run.origin)
            )
        )
    return _online(run.client, run.cache, run.origin, run.client.data, request.table, variables)


def _counted(run: _Run, request: Request, answer: StoredAnswer) -> tuple[int, int]:
    """The figures an answer gives and the cells DST suppressed in it."""
    if request.select is None and request.table in TABLES:
        found, hidden = _observations(answer, request.indicator, run.origin)
        return sum(len(v) for v in found.values()), hidden
    # the cells as numbers, read once: None where DST suppressed the cell
    count = sum(v is not None for v in answer.values.values())
    return count, len(answer.values) - count


def _worse(
    run: _Run, request: Request, query: str, stored: CachedAnswer | None, new: StoredAnswer
) -> str:
    """Why a new answer would make the stored one for the same request worse ("" if not):
    a figure it holds turned into a zero or "..", or a row it holds (an area, a period, a
    value) missing. Values are compared by their texts, so recoded values are the same."""
    before = stored if stored is not None else _prior(run, request)
    if before is None:
        return ""
    old = read_cached(run.cache, run.origin, before)
    if old is None or not old.names:
        return ""  # nothing checked to lose: a damaged answer is replaced
    held = _by_text(old)
    now = _by_text(new)
    at = _time_axis(old.names)
    periods = {key[at] for key in now} if at >= 0 and now else set()
    blanked: list[str] = []
    lost: list[str] = []
    for key, value in held.items():
        if value is None or value == 0:
            continue
        if key in now:
            if now[key] is None or now[key] == 0:
                blanked.append(f"{cell_name(old.names, key)}: {format_number(value)} -> {now[key]}")
        elif at < 0 or not periods or key[at] >= min(periods):  # before since: not asked
            lost.append(cell_name(old.names, key))
    why = []
    if blanked:
        why.append(
            ngettext(
                "{n} figure the stored answer holds would become zero or '..' ({first})",
                "{n} figures the stored answer holds would become zero or '..' "
                "(the first: {first})",
                len(blanked),
            ).format(n=format_number(len(blanked)), first=blanked[0].replace("None", ".."))
        )
    if lost:
        why.append(
            ngettext(
                "{n} cell the stored answer holds would be missing ({first})",
                "{n} cells the stored answer holds would be missing (the first: {first})",
                len(lost),
            ).format(n=format_number(len(lost)), first=lost[0])
        )
    return "; ".join(why)


def _prior(run: _Run, request: Request) -> CachedAnswer | None:
    """The latest stored answer for the same table, indicator and areas (of another query:
    other periods, or values the table's description now names otherwise). Only the one
    found is read: the others' bodies stay in the cache."""
    if run.prior is None:
        run.prior = {}
        for table, asked, indicator in run.cache.requests(run.origin):  # the latest wins
            run.prior[(table, indicator, areas_of(asked))] = asked
    areas = tuple(request.areas)
    query = run.prior.get((request.table, request.indicator, areas))
    if query is None:  # the areas as asked, in the request's order of the table
        query = next(
            (
                q
                for (t, i, stored_areas), q in run.prior.items()
                if t == request.table and i == request.indicator and set(stored_areas) == set(areas)
            ),
            None,
        )
    if query is None:
        return None
    return run.cache.answer(request.table, query, request.indicator, run.origin)


def _time_axis(names: Sequence[str]) -> int:
    return names.index("TID") if "TID" in names else -1


def _by_text(answer: StoredAnswer) -> dict[tuple[str, ...], float | None]:
    """An answer's numbers keyed by its values' texts (the periods by their codes)."""
    labels = {k.upper(): v for k, v in answer.info.labels.items()}
    time = answer.info.time.upper()
    texts = [None if name in (time, "TID") else labels.get(name, {}) for name in answer.names]
    return {
        tuple(
            code if label is None else label.get(code, code).strip()
            for code, label in zip(key, texts, strict=True)
        ): value
        for key, value in answer.values.items()
    }


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


def _observations(
    answer: StoredAnswer, indicator: str, origin: str, *, latest_only: bool = False
) -> tuple[dict[str, list[Observation]], int]:
    """A checked answer of a described table as observations (``latest_only``: of its latest
    period only)."""
    if not answer.cells:  # no cell at all: never read as a table of zeros
        return {}, 0
    names = list(answer.names)
    checked = answer.cells
    if latest_only and "TID" in names:
        at = names.index("TID")
        newest = max(key[at] for key in checked)
        checked = {k: v for k, v in checked.items() if k[at] == newest}
    rows = [Row(dict(zip(names, key, strict=True)), content) for key, content in checked.items()]
    return to_observations(TABLES[answer.table], answer.info, rows, indicator, origin)


def cached(
    keep: Callable[[str, str], bool] | None = None,
    *,
    cache: Cache | None = None,
    municipalities: Iterable[str] | None = None,
    panel: str = "all",
) -> Fetched:
    """Observations from the cache, newest answer per request; no network.

    Only answers from the Statbank address in use now (``public_url(base_url())``)
    are read, by the one reader of stored answers (:func:`.cells.read_stored`), and
    each is cited from there. Figures stored for an indicator are kept only where
    ``keep(municipality, indicator)`` says so (the cities' planner keeps those a city
    still declares); the panel is kept whole. An answer that no longer reads back as
    checked is set aside and counted (``Fetched.set_aside``), never the cause of a
    failure. ``panel="latest"`` keeps only each panel answer's latest period: what the
    context rows of compare and report show. Raises
    :class:`~kommuneintegration.statbank.cache.CacheError` for a file that cannot be
    read at all.
    """
    cache = cache or Cache()
    origin = public_url(base_url())
    wanted = set(municipalities) if municipalities is not None else None
    answers, set_aside = read_stored(
        cache, origin, TABLES, lambda i: i == PANEL or _is_city_indicator(i)
    )
    latest: dict[tuple[str, str, tuple[str, ...]], StoredAnswer] = {}
    for answer in answers:  # oldest first: a newer answer to the same request wins
        latest[(answer.table, answer.indicator, answer.areas)] = answer
    observations: dict[str, list[Observation]] = {}
    panel_cells: dict[str, dict[CellKey, Observation]] = {}
    for (_table, indicator, _areas), answer in latest.items():
        try:
            found, _hidden = _observations(
                answer, indicator, origin, latest_only=indicator == PANEL and panel == "latest"
            )
        except (StatbankError, ValueError):
            set_aside += 1  # read back, but not as figures: not used
            continue
        for code, points in found.items():
            if indicator == PANEL:
                for obs in points:  # a newer answer for the same cell replaces an older one
                    panel_cells.setdefault(code, {})[cell_key(obs)] = obs
            elif (wanted is None or code in wanted) and (keep is None or keep(code, indicator)):
                observations.setdefault(code, []).extend(points)
    return Fetched(
        {k: tuple(v) for k, v in observations.items()},
        {k: tuple(v.values()) for k, v in panel_cells.items()},
        set_aside,
    )


def _is_city_indicator(indicator: str) -> bool:
    """Answers stored for another consumer's own key (the barometer's "barometer:…") are not
    a city's figures."""
    return ":" not in indicator


def request_areas(all_municipalities: bool, codes: Iterable[str]) -> tuple[str, ...]:
    """The areas of a context request: the whole country and the cities, or all 98."""
    from kommuneintegration.municipalities import official_municipalities

    areas = tuple(official_municipalities()) if all_municipalities else tuple(codes)
    return (COUNTRY, *(a for a in dict.fromkeys(areas) if a != COUNTRY))
