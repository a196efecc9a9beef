"""kommuneintegration: compare how Danish municipalities pursue integration.

The public API is re-exported here; each name lives in the module that owns
its idea (``units``, ``countries``, ``origin``, ...). The re-exports are lazy
(PEP 562, as in Scientific Python's SPEC 1): ``import kommuneintegration``
imports none of them, so the command line starts fast, and
``from kommuneintegration import classify`` imports ``origin`` on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

__version__ = "0.1.0"

#: Public name -> the module that owns it.
_EXPORTS: Final = {
    "CountryGroup": "countries",
    "UnknownCountryError": "countries",
    "country_group": "countries",
    "country_name": "countries",
    "lookup": "countries",
    "to_codes": "countries",
    "hookimpl": "hookspecs",
    "Classification": "origin",
    "ClassifiedPopulation": "origin",
    "InvalidCodesError": "origin",
    "Origin": "origin",
    "Parent": "origin",
    "Person": "origin",
    "classify": "origin",
    "classify_many": "origin",
    "Q_": "units",
    "gap": "units",
    "percent": "units",
    "percentage_points": "units",
    "persons": "units",
    "relative_change": "units",
    "share": "units",
    "ureg": "units",
}

__all__ = [
    "Q_",
    "Classification",
    "ClassifiedPopulation",
    "CountryGroup",
    "InvalidCodesError",
    "Origin",
    "Parent",
    "Person",
    "UnknownCountryError",
    "__version__",
    "classify",
    "classify_many",
    "country_group",
    "country_name",
    "gap",
    "hookimpl",
    "lookup",
    "percent",
    "percentage_points",
    "persons",
    "relative_change",
    "share",
    "to_codes",
    "ureg",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from kommuneintegration.countries import (
        CountryGroup,
        UnknownCountryError,
        country_group,
        country_name,
        lookup,
        to_codes,
    )
    from kommuneintegration.hookspecs import hookimpl
    from kommuneintegration.origin import (
        Classification,
        ClassifiedPopulation,
        InvalidCodesError,
        Origin,
        Parent,
        Person,
        classify,
        classify_many,
    )
    from kommuneintegration.units import (
        Q_,
        gap,
        percent,
        percentage_points,
        persons,
        relative_change,
        share,
        ureg,
    )
