"""From rows to figures: counts and rates by municipality, origin, country group, age band and status.

:func:`aggregate` turns a classified register (the output of
:func:`~kommuneintegration.population.classification.classify_many`) plus municipality, age and a
status column into counts, with one ``np.bincount`` over a combined key. The
counts always add up to the number of rows: unknown municipality, invalid age,
unknown status and undetermined origin are categories of their own, never
dropped. Counts per target group (the plugins' definitions) come with them, and
:meth:`Aggregation.observations` returns rates and counts as
:class:`~kommuneintegration.strategy.models.Observation` objects with units, ready for
the comparison and the evaluation.

Aggregations add up (``a + b``), which is how the Dask path reduces
partitions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.countries import CountryGroupRegistry, country_group
from kommuneintegration.origin import Origin
from kommuneintegration.population.classification import ClassifiedPopulation
from kommuneintegration.strategy.models import AgeBand, Observation, Provenance, TargetGroup

__all__ = [
    "DEFAULT_AGE_BANDS",
    "OTHER_AGE",
    "UNKNOWN",
    "Aggregation",
    "aggregate",
    "target_group_mask",
]

UNKNOWN: Final = "unknown"
OTHER_AGE: Final = "other"
#: A partition of ages 0-104 that covers the strategies' bands (16-64, 18-29 ...).
DEFAULT_AGE_BANDS: Final = tuple(
    AgeBand.parse(b)
    for b in ("0-15", "16-17", "18-19", "20-24", "25-29", "30-39", "40-49", "50-64", "65+")
)
STATUSES: Final = ("employed", "not-employed", UNKNOWN)
COUNTRY_GROUPS: Final = ("danish-origin", "western", "non-western", UNKNOWN)
DIMENSIONS: Final = ("municipality", "origin", "country_group", "age_band", "status")

Key = tuple[str, str, str, str, str]


@attrs.frozen(eq=False)
class Aggregation:
    """Counts per (municipality, origin, country group, age band, status), and per target group.

    ``counts`` maps a key of labels to a count; ``group_counts`` maps a target
    group id to counts per (municipality, age band, status).
    """

    counts: Mapping[Key, int]
    group_counts: Mapping[str, Mapping[tuple[str, str, str], int]]
    rows: int
    age_bands: tuple[str, ...]

    def total(self) -> int:
        return sum(self.counts.values())

    def __add__(self, other: Aggregation) -> Aggregation:
        if self.age_bands != other.age_bands:
            raise ValueError("cannot add aggregations with different age bands")
        counts = Counter(self.counts)
        counts.update(other.counts)
        groups: dict[str, Counter[tuple[str, str, str]]] = {
            k: Counter(v) for k, v in self.group_counts.items()
        }
        for gid, cells in other.group_counts.items():
            groups.setdefault(gid, Counter()).update(cells)
        return Aggregation(
            dict(counts),
            {k: dict(v) for k, v in groups.items()},
            self.rows + other.rows,
            self.age_bands,
        )

    def by(self, *dimensions: str) -> dict[tuple[str, ...], int]:
        """Marginal counts over some dimensions, e.g. ``by("municipality", "origin")``."""
        positions = [DIMENSIONS.index(d) for d in dimensions]
        result: Counter[tuple[str, ...]] = Counter()
        for key, n in self.counts.items():
            result[tuple(key[p] for p in positions)] += n
        return dict(result)

    def rate(
        self, group: str, municipality: str | None = None, age_band: str | None = None
    ) -> tuple[float, int, int]:
        """(employment rate in percent, employed, known status) for a target group; ``None`` means all."""
        employed = known = 0
        for (muni, band, status), n in self.group_counts.get(group, {}).items():
            if (municipality is None or muni == municipality) and (
                age_band is None or band == age_band
            ):
                if status == "employed":
                    employed += n
                if status != UNKNOWN:
                    known += n
        return (100.0 * employed / known if known else float("nan"), employed, known)

    def observations(
        self,
        *,
        year: int,
        source: str,
        rate_indicator: str | None = None,
        count_indicator: str | None = None,
        groups: Iterable[str] | None = None,
        age_bands: Iterable[str] | None = None,
    ) -> dict[str, list[Observation]]:
        """Employment rates (percent) and counts (persons) per municipality, group and age band.

        Use the indicator ids of the city's own data so the figures join its
        strategy in ``compare(..., extra_observations=...)``.
        """
        result: dict[str, list[Observation]] = {}
        wanted = list(groups) if groups is not None else sorted(self.group_counts)
        bands = list(age_bands) if age_bands is not None else [*self.age_bands, None]
        municipalities = sorted({k[0] for k in self.counts})
        for muni in municipalities:
            for gid in wanted:
                for band in bands:
                    rate, employed, known = self.rate(gid, muni, band)
                    population = sum(
                        n
                        for (m, b, _), n in self.group_counts.get(gid, {}).items()
                        if m == muni and (band is None or b == band)
                    )
                    where = Provenance(
                        source, f"aggregated from {self.rows} rows: {gid}, {band or 'all ages'}"
                    )
                    age = None if band in (None, OTHER_AGE, UNKNOWN) else band
                    if rate_indicator and known:
                        result.setdefault(muni, []).append(
                            Observation(
                                rate_indicator,
                                round(rate, 4),
                                "percent",
                                where,
                                group=gid,
                                age_band=age,
                                year=year,
                                note=f"{employed} employed of {known} with known status",
                            )
                        )
                    if count_indicator and population:
                        result.setdefault(muni, []).append(
                            Observation(
                                count_indicator,
                                float(population),
                                "person",
                                where,
                                group=gid,
                                age_band=age,
                                year=year,
                            )
                        )
        return result


def _labels(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Factorise a label column; missing values become UNKNOWN."""
    arr = np.asarray(values)
    if arr.dtype.kind == "U" and 0 < arr.dtype.itemsize // 4 <= 3 and arr.ndim == 1:
        fast = _short_labels(arr)
        if fast is not None:
            return fast
    text = arr.astype(str)
    text = np.where((text == "") | (text == "nan") | (text == "None"), UNKNOWN, text)
    uniques, inverse = np.unique(text, return_inverse=True)
    return inverse.reshape(-1), [str(u) for u in uniques]


def _short_labels(arr: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], list[str]] | None:
    """Up to three ASCII characters (municipality codes): pack into 21 bits, factorise with a dense table."""
    width = arr.dtype.itemsize // 4
    chars = np.ascontiguousarray(arr).view(np.uint32).reshape(-1, width)
    if len(chars) and int(chars.max()) >= 128:
        return None
    packed = np.zeros(len(chars), dtype=np.int64)
    for i in range(width):
        packed |= chars[:, i].astype(np.int64) << (7 * i)
    present = np.zeros(1 << (7 * width), dtype=bool)
    present[packed] = True
    uniques = np.flatnonzero(present)
    lookup = np.zeros(len(present), dtype=np.intp)
    lookup[uniques] = np.arange(len(uniques))
    labels = [
        "".join(chr((int(u) >> (7 * i)) & 0x7F) for i in range(width)).rstrip("\x00")
        for u in uniques
    ]
    labels = [label if label not in ("", "nan", "None") else UNKNOWN for label in labels]
    # A missing value and a literal "unknown" are the same category: merge by label.
    merged = sorted(set(labels))
    remap = np.array([merged.index(label) for label in labels], dtype=np.intp)
    return remap[lookup[packed]], merged


def _age_index(age: Any, bands: Sequence[AgeBand], n: int) -> npt.NDArray[np.intp]:
    """Index into [*bands, OTHER_AGE, UNKNOWN] for each row."""
    if age is None:
        return np.full(n, len(bands) + 1, dtype=np.intp)
    raw = np.asarray(age)
    if raw.dtype.kind in "iu" and raw.size:
        # Whole years: one table from the youngest to the oldest age present, one look-up.
        low, high = int(raw.min()), int(raw.max())
        if high - low < 1 << 16:
            every = np.arange(low, high + 1, dtype=float)
            table = _age_index(every, bands, len(every))
            return np.take(table, raw.astype(np.intp) - low)
    values = np.asarray(raw, dtype=float)
    out = np.full(n, len(bands), dtype=np.intp)  # other ages
    for i in reversed(range(len(bands))):
        band = bands[i]
        top = band.high if band.high is not None else np.inf
        out[(values >= band.low) & (values <= top)] = i
    out[~np.isfinite(values) | (values < 0) | (values != np.floor(values))] = len(bands) + 1
    return out


def _status_index(status: Any, n: int) -> npt.NDArray[np.intp]:
    if status is None:
        return np.full(n, 2, dtype=np.intp)
    values = np.asarray(status)
    if values.dtype == bool:
        return np.where(values, 0, 1).astype(np.intp)
    if values.dtype.kind in "iuf":
        return np.select([values == 1, values == 0], [0, 1], 2).astype(np.intp)
    text = np.char.lower(values.astype(str))
    return np.select(
        [
            np.isin(text, ["1", "true", "employed", "beskæftiget", "i beskæftigelse"]),
            np.isin(text, ["0", "false", "not-employed", "ikke beskæftiget", "ledig"]),
        ],
        [0, 1],
        2,
    ).astype(np.intp)


def _country_group_index(
    population: ClassifiedPopulation, groups: CountryGroupRegistry | None
) -> npt.NDArray[np.intp]:
    western = groups.get("western") if groups is not None else country_group("western")
    # 0 Danish origin, 1 Western, 2 non-Western, 3 unknown.
    index = population.by_country(lambda c: 3 if not c else 1 if c in western.members else 2)
    index[population.origin == Origin.DANISH] = 0
    return index


def target_group_mask(
    group: TargetGroup,
    population: ClassifiedPopulation,
    groups: CountryGroupRegistry | None = None,
) -> npt.NDArray[np.bool_]:
    """Rows of ``population`` (the output of ``classify_many``) that belong to ``group``.

    The target group is policy data (whom a strategy counts); this is the engine's
    reading of it over a classified register, so the model stays free of numpy.
    """
    selected = population.has_origin(group.origins)
    if group.country_group is not None:
        countries = (
            groups.get(group.country_group)
            if groups is not None
            else country_group(group.country_group)
        )
        selected &= population.in_countries(countries.members)
    return selected


def aggregate(
    population: ClassifiedPopulation,
    *,
    municipality: Any = None,
    age: Any = None,
    status: Any = None,
    age_bands: Sequence[AgeBand] = DEFAULT_AGE_BANDS,
    target_groups: Iterable[TargetGroup] = (),
    country_groups: CountryGroupRegistry | None = None,
) -> Aggregation:
    """Count a classified register by municipality, origin, country group, age band and status."""
    n = len(population)
    for name, column in (("municipality", municipality), ("age", age), ("status", status)):
        if column is not None and len(column) != n:
            raise ValueError(f"{name} has {len(column)} values but the population has {n} rows")
    muni_idx, muni_labels = (
        _labels(municipality) if municipality is not None else (np.zeros(n, np.intp), [UNKNOWN])
    )
    band_labels = [str(b) for b in age_bands] + [OTHER_AGE, UNKNOWN]
    age_idx = _age_index(age, age_bands, n)
    status_idx = _status_index(status, n)
    origin_idx = population.origin.astype(np.intp)
    cg_idx = _country_group_index(population, country_groups)
    shape = (len(muni_labels), len(Origin), len(COUNTRY_GROUPS), len(band_labels), len(STATUSES))
    key = np.ravel_multi_index((muni_idx, origin_idx, cg_idx, age_idx, status_idx), shape)
    cube = np.bincount(key, minlength=int(np.prod(shape))).reshape(shape)
    origin_names = [o.name.lower() for o in Origin]
    counts: dict[Key, int] = {}
    for cell in zip(*np.nonzero(cube), strict=True):
        m, o, g, b, s = (int(i) for i in cell)
        counts[
            (muni_labels[m], origin_names[o], COUNTRY_GROUPS[g], band_labels[b], STATUSES[s])
        ] = int(cube[m, o, g, b, s])
    group_counts: dict[str, dict[tuple[str, str, str], int]] = {}
    small = (len(muni_labels), len(band_labels), len(STATUSES))
    small_key = np.ravel_multi_index((muni_idx, age_idx, status_idx), small)
    for group in target_groups:
        mask = target_group_mask(group, population, country_groups)
        cells = np.bincount(small_key[mask], minlength=int(np.prod(small))).reshape(small)
        group_counts[group.id] = {
            (muni_labels[m], band_labels[b], STATUSES[s]): int(cells[m, b, s])
            for m, b, s in zip(*np.nonzero(cells), strict=True)
        }
    return Aggregation(counts, group_counts, n, tuple(band_labels))
