"""What to fetch from the Statbank for the cities' own indicators, planned from their plugins.

The statbank package knows tables, requests and the cache, nothing of plugins;
this module reads the registry and hands it :class:`~kommuneintegration.statbank.Request`
records: each city's indicators that a plugin declares measured by a Statbank
table (``statbank = "RAS200"``), asked in the age bands its documents use, then
the context panel (RAS200's broad band and FOLK1E's population by origin) for
the cities and the whole country, or for all 98 municipalities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kommuneintegration.i18n import _
from kommuneintegration.municipalities import COUNTRY
from kommuneintegration.plugins.registry import Registry
from kommuneintegration.statbank import PANEL, PANEL_TABLES, Fetched, Request, cached
from kommuneintegration.statbank.cache import Cache
from kommuneintegration.statbank.tables import TABLES

__all__ = ["city_bands", "declared", "plan", "stored"]


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
    what its panel rows show (see :mod:`kommuneintegration.statbank.context`)."""
    bands: list[str] = []
    for strategy in registry.strategies.get(code, ()):
        for ind in strategy.indicators:
            if ind.statbank:
                bands += _ages(registry, code, ind.id)
    return tuple(dict.fromkeys(bands))


def plan(registry: Registry, codes: Iterable[str], areas: Iterable[str]) -> list[Request]:
    """The cities' requests: their declared indicators, then the context panel for ``areas``.

    The panel asks each table for its broad bands and the bands the cities' own
    documents use for an indicator of that table, so the city's band can be shown.
    """
    codes = [c for c in dict.fromkeys(codes) if c != COUNTRY]
    requests: list[Request] = []
    for code in codes:
        for strategy in registry.strategies.get(code, ()):
            for ind in strategy.indicators:
                if ind.statbank and ind.statbank in TABLES:
                    request = Request(
                        ind.statbank,
                        ind.id,
                        (code,),
                        _ages(registry, code, ind.id),
                        needed_by=(f"{registry.municipality(code).name}: {ind.id}",),
                    )
                    if request not in requests:
                        requests.append(request)
    for table in PANEL_TABLES:
        bands = tuple(dict.fromkeys(b for r in requests if r.table == table for b in r.ages))
        requests.append(
            Request(table, PANEL, tuple(areas), bands, needed_by=(_("the context panel"),))
        )
    return requests


def declared(registry: Registry) -> Callable[[str, str], bool]:
    """Whether a city still declares an indicator measured by a Statbank table: its stored
    figures are used only while it does."""

    def keep(code: str, indicator: str) -> bool:
        return any(
            i.id == indicator and i.statbank
            for s in registry.strategies.get(code, ())
            for i in s.indicators
        )

    return keep


def stored(
    registry: Registry | None = None,
    *,
    cache: Cache | None = None,
    municipalities: Iterable[str] | None = None,
    panel: str = "all",
) -> Fetched:
    """The cities' figures and the panel from the cache, kept as the cities declare them."""
    return cached(
        declared(registry) if registry is not None else None,
        cache=cache,
        municipalities=municipalities,
        panel=panel,
    )
