"""A generated city plugin with many observations, for timing compare and report (not committed data).

``big_registry(10_000)`` returns a registry with Odense (461) holding one
strategy whose 10,000 observations spread over indicators, groups, age bands
and years, like a city that publishes long series.
"""

from __future__ import annotations

import itertools
import random

from kommuneintegration.plugins import PluginHost
from kommuneintegration.plugins.hookspecs import hookimpl
from kommuneintegration.plugins.registry import Registry
from kommuneintegration.strategy.models import Municipality, SourceDocument, Strategy
from kommuneintegration.strategy.schema import structure

GROUPS = (
    "danish-origin",
    "immigrants",
    "descendants",
    "immigrants-western",
    "immigrants-non-western",
    "descendants-western",
    "descendants-non-western",
    "non-western",
)
AGES = (
    "16-17",
    "18-19",
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
)
#: (indicator id, catalogue indicator, concept of the closed catalogue)
INDICATORS = (
    ("employment", "employment-rate", "employment-frequency"),
    ("youth-education", "youth-education-completion", "youth-education-completion"),
    ("workforce", "municipal-workforce-share", "workforce-share"),
    ("unemployment", "unemployment-excess", "excess-unemployment"),
    ("population-share", "population-share-by-origin", "population-share"),
)


def big_strategy(n: int, seed: int = 0) -> Strategy:
    rng = random.Random(seed)
    doc = {"document": "odense-stor", "section": "Tabel"}
    series = itertools.cycle(itertools.product(INDICATORS, GROUPS, AGES))
    observations = []
    per_series = max(1, n // (len(INDICATORS) * len(GROUPS) * len(AGES)))
    while len(observations) < n:
        (ind, _catalogue, _concept), group, age = next(series)
        level = rng.uniform(30, 80)
        for year in range(2026 - per_series, 2026):
            if len(observations) == n:
                break
            observations.append(
                {
                    "indicator": ind,
                    "group": group,
                    "age_band": age,
                    "year": year,
                    "value": round(min(100.0, max(0.0, level + rng.uniform(-2, 2))), 1),
                    "unit": "percent",
                    "provenance": doc,
                }
            )
    data = {
        "id": "odense-stor-2025",
        "title": "Stor talrapport",
        "kind": "adopted-policy",
        "author": "Odense Kommune",
        "source": doc,
        "indicators": [
            {
                "id": ind,
                "label": ind,
                "measure": "rate" if cat == "employment-rate" else "share",
                "unit": "percent",
                "catalogue": cat,
                "concept": concept,
            }
            for ind, cat, concept in INDICATORS
        ],
        "targets": [
            {
                "id": "t-employment",
                "kind": "direction",
                "direction": "increase",
                "indicator": "employment",
                "group": "non-western",
                "wording": "Beskæftigelsen skal stige",
                "reading": "higher",
            }
        ],
        "observations": observations,
    }
    return structure(data, Strategy)


def big_registry(n: int) -> Registry:
    strategy = big_strategy(n)
    document = SourceDocument(
        "odense-stor", "Odense Kommune", "Stor talrapport", "adopted-policy", 2025
    )

    class Big:
        @hookimpl
        def municipality(self):
            return Municipality("461", "Odense")

        @hookimpl
        def strategies(self, municipality):
            from kommuneintegration.strategy.datafile import cite

            return [cite(strategy, {document.key: document})[0]]

    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(Big(), name="odense-stor")
    return host.registry()
