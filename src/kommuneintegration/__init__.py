"""kommuneintegration: compare how Danish municipalities pursue integration.

The public API is re-exported here; each name lives in the module that owns
its idea (``units``, ``countries``, ``origin``, the population engine
``population.classification``, ...). The re-exports are lazy (PEP 562, as in
Scientific Python's SPEC 1): ``import kommuneintegration`` imports none of them,
so the command line starts fast, and ``from kommuneintegration import classify``
imports the engine (and numpy) on first use only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from kommuneintegration.lazy import lazy_exports, moved_modules

__version__ = "0.1.0"

#: Public name -> the module that owns it.
_EXPORTS: Final = {
    "CountryGroup": "countries",
    "UnknownCountryError": "countries",
    "country_group": "countries",
    "country_name": "countries",
    "lookup": "countries",
    "to_codes": "population.codes",
    "hookimpl": "plugins.hookspecs",
    "Origin": "origin",
    "Classification": "population.classification",
    "ClassifiedPopulation": "population.classification",
    "InvalidCodesError": "population.classification",
    "Parent": "population.classification",
    "Person": "population.classification",
    "classify": "population.classification",
    "classify_many": "population.classification",
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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

#: Modules that moved into the floors (docs/architecture.md): their old names keep working,
#: as the same module object, for plugins and programs written against them.
MOVED: Final = {
    "models": "strategy.models",
    "schema": "strategy.schema",
    "datafile": "strategy.datafile",
    "catalogue": "strategy.catalogue",
    "series": "strategy.series",
    "derive": "strategy.derive",
    "builtin_rules": "rules.builtin",
    "registry": "plugins.registry",
    "hookspecs": "plugins.hookspecs",
    "dataplugin": "plugins.dataplugin",
    "scaffold": "plugins.scaffold",
    "testing": "plugins.testing",
    "default_plugins": "plugins.default_plugins",
    "evaluation": "analysis.evaluation",
    "comparison": "analysis.comparison",
    "observations_csv": "analysis.observations_csv",
    "cityfetch": "analysis.cityfetch",
}
moved_modules(__name__, MOVED)


if TYPE_CHECKING:
    from kommuneintegration.countries import (
        CountryGroup,
        UnknownCountryError,
        country_group,
        country_name,
        lookup,
    )
    from kommuneintegration.origin import Origin
    from kommuneintegration.plugins.hookspecs import hookimpl
    from kommuneintegration.population.classification import (
        Classification,
        ClassifiedPopulation,
        InvalidCodesError,
        Parent,
        Person,
        classify,
        classify_many,
    )
    from kommuneintegration.population.codes import to_codes
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
