"""What one series is: the one definition that derive, evaluation, the report and the panel use.

A series is the figures of one indicator for one target group, age band and
category, carrying one ``series`` tag, over the years: within one document (the
callers group a strategy's figures) or one Statbank table (whose figures carry
the table as their tag). The section of the document that states a figure does
**not** split a series: a document that gives 2018-2020 in a table and 2021 in
its text has one series, and a figure stated in a section and again in a
footnote is one point of it. A ``series`` tag does split: figures fetched from
Statistics Denmark are their own series, never joined to a document's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TypeAlias

from kommuneintegration.strategy.models import Observation

__all__ = ["CellKey", "SeriesKey", "by_series", "cell_key", "series_key"]

#: (indicator, group, age band, category, series tag); "" where a field is not given.
SeriesKey: TypeAlias = tuple[str, str, str, str, str]
#: A series key with the period and year: one figure of a series.
CellKey: TypeAlias = tuple[str, str, str, str, str, str, int | None]


def series_key(obs: Observation) -> SeriesKey:
    """The series ``obs`` belongs to."""
    return (obs.indicator, obs.group or "", str(obs.age_band or ""), obs.category, obs.series)


def cell_key(obs: Observation) -> CellKey:
    """The one place of ``obs`` in its series: two figures with one cell key say the same."""
    return (*series_key(obs), obs.period, obs.year)


def by_series(observations: Iterable[Observation]) -> dict[SeriesKey, list[Observation]]:
    """The dated figures by series, in the order the series first appear, each by year."""
    found: dict[SeriesKey, list[Observation]] = defaultdict(list)
    for obs in observations:
        if obs.year is not None:
            found[series_key(obs)].append(obs)
    for points in found.values():
        points.sort(key=lambda o: o.year or 0)
    return dict(found)
