"""kommuneintegration: compare how Danish municipalities pursue integration.

The public API is re-exported here; each name lives in the module that owns
its idea (``units``, ``countries``, ``origin``, ...).
"""

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

__version__ = "0.1.0"

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
