"""A municipality's figure judged fairly: its interval, what its make-up and its local labour
market lead one to expect, and which differences are larger than chance.

Reads the figures the barometer computed (:class:`Counted`: the value with the persons and
the count it rests on, and the same for persons of Danish origin) and applies the methods of
:mod:`.fairness`; it computes nothing from cells itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import attrs

from kommuneintegration.barometer.fairness import (
    Line,
    against,
    least_squares,
    newcombe,
    place_range,
    wilson,
)
from kommuneintegration.barometer.indicators import BarometerIndicator
from kommuneintegration.municipalities import COUNTRY, Beside

__all__ = ["Counted", "Judgement", "interval", "judge"]


@attrs.frozen
class Counted:
    """One area's figure of one year, with what it rests on."""

    value: float | None
    persons: float | None
    count: float | None
    reference: float | None = None
    reference_persons: float | None = None
    reference_count: float | None = None


@attrs.frozen
class Judgement:
    """How one municipality's latest figure stands, with chance taken into account."""

    low: float | None = None
    high: float | None = None
    #: Expected from the make-up (indirect standardisation), and also from the local labour
    #: market (the least-squares line across the 98).
    expected: float | None = None
    expected_labour_market: float | None = None
    #: "higher", "lower" or "similar": whether the interval excludes the other figure.
    against_country: str | None = None
    against_group: str | None = None
    against_expected: str | None = None
    against_expected_labour_market: str | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    #: Another municipality has the same place.
    rank_shared: bool = False


def interval(indicator: BarometerIndicator, figure: Counted) -> tuple[float, float] | None:
    """The 95 % interval of a figure: Wilson's for a rate, Newcombe's for a gap."""
    if figure.count is None or figure.persons is None or figure.value is None:
        return None
    own = wilson(figure.count, figure.persons)
    if not indicator.gap or own is None:
        return own
    if figure.reference_count is None or figure.reference_persons is None:
        return None
    reference = wilson(figure.reference_count, figure.reference_persons)
    if reference is None or figure.reference is None:
        return None
    rate = 100 * figure.count / figure.persons
    if indicator.gap == "reference-minus":
        return newcombe(figure.reference, reference, rate, own)
    return newcombe(rate, own, figure.reference, reference)


def _labour_market(
    figures: Mapping[str, Counted], expected: Mapping[str, float | None]
) -> Line | None:
    """The line of (actual minus expected from make-up) on the Danish-origin figure, across
    the municipalities that have all three."""
    points = [
        (f.reference, f.value - e)
        for code, f in figures.items()
        if code != COUNTRY
        and f.value is not None
        and f.reference is not None
        and (e := expected.get(code)) is not None
    ]
    return least_squares(points)


def judge(
    indicator: BarometerIndicator,
    figures: Mapping[str, Counted],
    expected: Mapping[str, float | None],
    around: Beside,
    ranked: Mapping[str, float],
    ranks: Mapping[str, int],
) -> tuple[dict[str, Judgement], Line | None]:
    """Every municipality's judgement of one indicator's latest year, and the labour-market
    line it rests on."""
    intervals = {code: interval(indicator, f) for code, f in figures.items()}
    if not indicator.ranked:  # a population's make-up: nothing is expected of it
        expected = {}
    line = _labour_market(figures, expected) if indicator.reference is not None else None
    ranged = {c: i for c, i in intervals.items() if c in ranked and i is not None}
    places = Counter(ranks.values())
    found: dict[str, Judgement] = {}
    for code, figure in figures.items():
        if code == COUNTRY:
            continue
        bounds = intervals.get(code)
        median, _n = around.median(code)
        exp = expected.get(code)
        exp_lm = (
            exp + line.at(figure.reference)
            if line is not None and exp is not None and figure.reference is not None
            else None
        )
        span = None
        if bounds is not None and indicator.ranked and figure.value is not None:
            # a small group is not placed, but the places its interval allows are said
            span = place_range({**ranged, code: bounds}, code, indicator.better)
        found[code] = Judgement(
            low=bounds[0] if bounds else None,
            high=bounds[1] if bounds else None,
            expected=exp,
            expected_labour_market=exp_lm,
            against_country=against(bounds, around.country),
            against_group=against(bounds, median),
            against_expected=against(bounds, exp),
            against_expected_labour_market=against(bounds, exp_lm),
            rank_low=span[0] if span else None,
            rank_high=span[1] if span else None,
            rank_shared=code in ranks and places[ranks[code]] > 1,
        )
    return found, line
