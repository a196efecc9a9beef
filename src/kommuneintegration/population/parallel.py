"""Past one machine: the same classification and aggregation on Dask.

For registers or multi-year panels larger than memory. Each partition is
classified with :func:`~kommuneintegration.population.classification.classify_many` and counted
with :func:`~kommuneintegration.population.aggregate.aggregate`; the partitions' counts
are then added up. Because counting is exact and addition is exact, the result
is identical to the single-machine path, whatever the partitioning. Needs the
``dask`` extra (``pip install 'kommuneintegration[dask]'``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import reduce
from typing import Any

from kommuneintegration.countries import CountryGroupRegistry
from kommuneintegration.population.aggregate import DEFAULT_AGE_BANDS, Aggregation, aggregate
from kommuneintegration.population.classification import COLUMNS, classify_many
from kommuneintegration.strategy.models import AgeBand, TargetGroup

__all__ = ["aggregate_dask", "classify_dask"]


def _classify_partition(frame: Any, errors: str) -> Any:
    result = classify_many(*(frame[c] for c in COLUMNS), errors=errors)  # type: ignore[arg-type]
    out = frame.copy()
    out["origin"] = result.origin
    out["country_of_origin"] = result.country_of_origin.astype(object)
    return out


def classify_dask(frame: Any, *, errors: str = "coerce") -> Any:
    """A Dask DataFrame with ``origin`` (int8) and ``country_of_origin`` added to every partition."""
    import pandas as pd

    meta = frame._meta.copy()
    meta["origin"] = pd.Series([], dtype="int8")
    meta["country_of_origin"] = pd.Series([], dtype=object)
    return frame.map_partitions(_classify_partition, errors, meta=meta)


def _aggregate_partition(
    frame: Any,
    municipality: str | None,
    age: str | None,
    status: str | None,
    age_bands: Sequence[AgeBand],
    target_groups: Sequence[TargetGroup],
    country_groups: CountryGroupRegistry | None,
    errors: str,
) -> Aggregation:
    result = classify_many(*(frame[c] for c in COLUMNS), errors=errors)  # type: ignore[arg-type]
    return aggregate(
        result,
        municipality=None if municipality is None else frame[municipality].to_numpy(dtype=str),
        age=None if age is None else frame[age].to_numpy(dtype=float, na_value=float("nan")),
        status=None if status is None else frame[status].to_numpy(),
        age_bands=age_bands,
        target_groups=target_groups,
        country_groups=country_groups,
    )


def aggregate_dask(
    frame: Any,
    *,
    municipality: str | None = "municipality",
    age: str | None = "age",
    status: str | None = "employed",
    age_bands: Sequence[AgeBand] = DEFAULT_AGE_BANDS,
    target_groups: Iterable[TargetGroup] = (),
    country_groups: CountryGroupRegistry | None = None,
    errors: str = "coerce",
) -> Aggregation:
    """Classify and count every partition, then add the counts up (on the current Dask scheduler)."""
    from dask.base import compute
    from dask.delayed import delayed

    groups = tuple(target_groups)
    parts = [
        delayed(_aggregate_partition)(
            part, municipality, age, status, tuple(age_bands), groups, country_groups, errors
        )
        for part in frame.to_delayed()
    ]
    while len(parts) > 1:  # a tree of additions: no single task receives every partition's counts
        parts = [
            delayed(_add)(*parts[i : i + 2]) if i + 1 < len(parts) else parts[i]
            for i in range(0, len(parts), 2)
        ]
    (total,) = compute(*parts)  # type: ignore[no-untyped-call]
    return total  # type: ignore[no-any-return]


def _add(*items: Aggregation) -> Aggregation:
    return reduce(lambda a, b: a + b, items)
