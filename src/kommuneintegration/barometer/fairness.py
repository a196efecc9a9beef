"""The methods that make a comparison of the 98 fair, as plain functions: each one small, named
and checked by hand in tests/test_fairness.py.

- :func:`wilson`: the 95 % Wilson score interval of a proportion (Wilson 1927; the interval
  PHE Fingertips draws for every proportion). Register counts are not a sample: the interval
  says how far chance alone (a few persons more or less in a small group) could move the
  figure, not how well it was measured.
- :func:`newcombe`: the interval of a difference of two proportions from their Wilson
  intervals (Newcombe 1998, method 10), for the gaps.
- :func:`indirect`: indirect standardisation, the expected rate of a municipality had each
  of its strata (age band, sex, immigrant or descendant) the whole country's rate.
- :func:`least_squares`: an ordinary least-squares line through the 98 with its R², for the
  expected value that also takes the local labour market into account.
- :func:`trend`: the chi-squared test for a linear trend in proportions (Cochran-Armitage),
  over the latest five comparable yearly points, significant at the 0.1 % level as Fingertips
  reads it.
- :func:`place_range`: the best and worst places the intervals allow.

Pure Python: the policy side loads no numpy (the start-up time is measured).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Final

import attrs

__all__ = [
    "TREND_POINTS",
    "Z95",
    "Line",
    "against",
    "indirect",
    "least_squares",
    "newcombe",
    "place_range",
    "trend",
    "wilson",
]

#: The normal quantile of a two-sided 95 % interval.
Z95: Final = 1.959963984540054
#: How many of the latest yearly points the trend test reads (Fingertips: five).
TREND_POINTS: Final = 5
#: The chi-squared value of one degree of freedom at the 0.1 % level (Fingertips' 99.9 %).
_TREND_CRITICAL: Final = 10.827566170662733


def wilson(successes: float, trials: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of ``successes / trials``, in percent; None without trials."""
    if trials <= 0:
        return None
    p = min(max(successes / trials, 0.0), 1.0)
    z2 = z * z
    centre = p + z2 / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    scale = 1 + z2 / trials
    return 100 * max(0.0, (centre - spread) / scale), 100 * min(1.0, (centre + spread) / scale)


def newcombe(
    first: float,
    first_interval: tuple[float, float],
    second: float,
    second_interval: tuple[float, float],
) -> tuple[float, float]:
    """The interval of ``first - second`` (percentage points) from each one's Wilson interval."""
    l1, u1 = first_interval
    l2, u2 = second_interval
    d = first - second
    return (
        d - math.sqrt((first - l1) ** 2 + (u2 - second) ** 2),
        d + math.sqrt((u1 - first) ** 2 + (second - l2) ** 2),
    )


def indirect(
    persons: Mapping[tuple[str, ...], float], rates: Mapping[tuple[str, ...], float]
) -> float | None:
    """The expected rate (percent) of a population of ``persons`` by stratum, had each stratum
    the standard's rate (``rates``: a share 0-1 per stratum). Strata the standard has no rate
    for count with none of their persons; None without persons."""
    counted = {s: n for s, n in persons.items() if s in rates}
    total = sum(counted.values())
    if total <= 0:
        return None
    return 100 * sum(n * rates[s] for s, n in counted.items()) / total


@attrs.frozen
class Line:
    """y = intercept + slope * x, fitted over ``n`` points, and the share of y's variance it
    explains (R²)."""

    intercept: float
    slope: float
    r2: float
    n: int

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def least_squares(points: Sequence[tuple[float, float]]) -> Line | None:
    """The ordinary least-squares line through (x, y) points; None for fewer than three or
    when x does not vary."""
    n = len(points)
    if n < 3:
        return None
    mx = sum(x for x, _y in points) / n
    my = sum(y for _x, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _y in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    syy = sum((y - my) ** 2 for _x, y in points)
    if sxx <= 0:
        return None
    slope = sxy / sxx
    intercept = my - slope * mx
    r2 = (sxy * sxy) / (sxx * syy) if syy > 0 else 0.0
    return Line(intercept, slope, r2, n)


def trend(points: Sequence[tuple[int, float, float]]) -> str:
    """ "increasing", "decreasing", "no-change" or "not-calculated" for (year, successes,
    trials) points: the chi-squared test for trend over the latest :data:`TREND_POINTS`
    years, at the 0.1 % level."""
    latest = sorted(points)[-TREND_POINTS:]
    if len(latest) < TREND_POINTS or any(n <= 0 for _y, _k, n in latest):
        return "not-calculated"
    total_n = sum(n for _y, _k, n in latest)
    total_k = sum(k for _y, k, _n in latest)
    p = total_k / total_n
    if p <= 0 or p >= 1:
        return "no-change"
    mean_t = sum(n * t for t, _k, n in latest) / total_n
    numerator = sum(k * (t - mean_t) for t, k, _n in latest)
    denominator = p * (1 - p) * sum(n * (t - mean_t) ** 2 for t, _k, n in latest)
    if denominator <= 0:
        return "not-calculated"
    chi2 = numerator * numerator / denominator
    if chi2 < _TREND_CRITICAL:
        return "no-change"
    return "increasing" if numerator > 0 else "decreasing"


def against(interval: tuple[float, float] | None, other: float | None) -> str | None:
    """ "higher", "lower" or "similar": whether the interval lies wholly above or below another
    figure, or holds it; None where either is missing."""
    if interval is None or other is None:
        return None
    low, high = interval
    if low > other:
        return "higher"
    if high < other:
        return "lower"
    return "similar"


def place_range(
    intervals: Mapping[str, tuple[float, float]], code: str, better: str
) -> tuple[int, int] | None:
    """(best, worst) place ``code`` could take were each figure anywhere in its interval: one
    more than the municipalities certainly better (their whole interval beyond its), and one
    more than those that could be better (their interval reaching beyond its other end)."""
    if code not in intervals or better not in ("higher", "lower"):
        return None
    low, high = intervals[code]
    others = [v for c, v in intervals.items() if c != code]
    if better == "higher":
        certainly = sum(o_low > high for o_low, _o_high in others)
        possibly = sum(o_high > low for _o_low, o_high in others)
    else:
        certainly = sum(o_high < low for _o_low, o_high in others)
        possibly = sum(o_low < high for o_low, _o_high in others)
    return 1 + certainly, 1 + possibly
