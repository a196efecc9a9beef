"""The per-row reference the vectorised aggregation is tested against (one Python step a row)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from kommuneintegration.countries import country_group
from kommuneintegration.models import AgeBand, TargetGroup
from kommuneintegration.origin import Origin
from kommuneintegration.population.aggregate import (
    DEFAULT_AGE_BANDS,
    OTHER_AGE,
    UNKNOWN,
    Aggregation,
    Key,
)
from kommuneintegration.population.classification import classify


def aggregate_reference(
    people: Sequence[Any],
    municipality: Sequence[str],
    age: Sequence[float],
    status: Sequence[Any],
    *,
    age_bands: Sequence[AgeBand] = DEFAULT_AGE_BANDS,
    target_groups: Iterable[TargetGroup] = (),
) -> Aggregation:
    """The same counts with one Python step per row: the reference the vectorised path is tested against."""

    western = country_group("western")
    band_labels = [str(b) for b in age_bands] + [OTHER_AGE, UNKNOWN]
    counts: Counter[Key] = Counter()
    group_counts: dict[str, Counter[tuple[str, str, str]]] = {
        g.id: Counter() for g in target_groups
    }
    groups = list(target_groups)
    for person, muni, years, state in zip(people, municipality, age, status, strict=True):
        result = classify(person)
        muni_label = muni if muni not in ("", None) else UNKNOWN
        if years is None or years != years or years < 0 or years != int(years):
            band = UNKNOWN
        else:
            band = next(
                (
                    str(b)
                    for b in age_bands
                    if b.low <= years <= (b.high if b.high is not None else 10**9)
                ),
                OTHER_AGE,
            )
        state_label = (
            "employed"
            if state is True or state == 1
            else "not-employed"
            if state is False or state == 0
            else UNKNOWN
        )
        if result.origin is Origin.DANISH:
            cg = "danish-origin"
        elif not result.country_of_origin:
            cg = UNKNOWN
        else:
            cg = "western" if result.country_of_origin in western.members else "non-western"
        counts[(muni_label, result.origin.name.lower(), cg, band, state_label)] += 1
        for group in groups:
            in_country = (
                group.country_group is None
                or (result.country_of_origin or "") in country_group(group.country_group).members
            )
            if result.origin in group.origins and in_country:
                group_counts[group.id][(muni_label, band, state_label)] += 1
    return Aggregation(
        dict(counts), {k: dict(v) for k, v in group_counts.items()}, len(people), tuple(band_labels)
    )
