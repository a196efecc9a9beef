"""The population engine: residents classified by origin, whole registers at once.

One wing of the package, apart from the strategy model: the origin rules
(:mod:`.classification`, one person or millions of rows with numpy), reading
input columns (:mod:`.columns`), register files in chunks (:mod:`.register`),
counts and rates by group (:mod:`.aggregate`, :mod:`.parallel`), country codes
over arrays (:mod:`.codes`) and a synthetic population (:mod:`.synthetic`).

The policy wing (models, plugins, evaluation, comparison, rendering) never
imports this package, so ``compare`` and ``evaluate`` load no numpy; both wings
share only the small modules below them (:mod:`kommuneintegration.origin`,
``countries``, ``units``, ``i18n``). An import-linter contract holds the split.
"""

from __future__ import annotations

from kommuneintegration.origin import Origin
from kommuneintegration.population.classification import (
    COLUMNS,
    COUNTRY_CODES,
    Classification,
    ClassifiedPopulation,
    InvalidCodesError,
    Parent,
    Person,
    classify,
    classify_many,
)
from kommuneintegration.population.codes import country_mask, to_codes

__all__ = [
    "COLUMNS",
    "COUNTRY_CODES",
    "Classification",
    "ClassifiedPopulation",
    "InvalidCodesError",
    "Origin",
    "Parent",
    "Person",
    "classify",
    "classify_many",
    "country_mask",
    "to_codes",
]
