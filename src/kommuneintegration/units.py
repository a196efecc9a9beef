"""Quantities with units: one pint registry for the whole package.

Integration figures mix three kinds of number that are easy to confuse:

- rates and shares in ``percent`` ("60 % of the group is employed");
- differences between rates in ``percentage_point`` ("a gap of 17 percentage
  points", *procentpoint*), which are not percent: 77 % - 60 % is 17 points,
  while the relative difference is 22 %;
- counts of people in ``person``.

``percentage_point`` is its own dimension, so adding it to a percent rate
raises :class:`pint.DimensionalityError` instead of giving a silently wrong
number. Turn two rates into a gap with :func:`gap`, and a rate change into a
relative change with :func:`relative_change`.

The registry is pint's application registry, so quantities made here combine
with quantities the user's own code makes with ``pint``. Definitions are
guarded: importing this module twice, or after another library defined the same
units, does not raise.
"""

from __future__ import annotations

from typing import Any, Final

import pint

__all__ = [
    "DIMENSIONS",
    "Q_",
    "UnitError",
    "dimension_of",
    "gap",
    "is_quantity",
    "parse_unit",
    "percent",
    "percentage_points",
    "persons",
    "relative_change",
    "share",
    "ureg",
]

ureg: Final = pint.get_application_registry()  # type: ignore[no-untyped-call]
Q_: Final = ureg.Quantity

_DEFINITIONS: Final = (
    # Percentage point: not a length (pint's ``pp`` is the printer's point).
    "percentage_point = [percentage_point] = pct_pt = procentpoint = procentpoint_",
    "person = [person] = persons = personer = person_",
    # Scores on an index scale such as the Intercultural Cities Index (0-100).
    "index_point = [index_point] = indekspoint",
)
_ALIASES: Final = ("@alias percent = procent",)


def _define_units() -> None:
    for definition in _DEFINITIONS:
        name = definition.split("=", 1)[0].strip()
        if name not in ureg:
            ureg.define(definition)
    if "procent" not in ureg:
        for alias in _ALIASES:
            ureg.define(alias)


_define_units()


class UnitError(ValueError):
    """A unit is unknown, or of the wrong dimension for what it is used for."""


#: The unit names the model speaks, with the text users may type for each.
DIMENSIONS: Final[dict[str, tuple[str, ...]]] = {
    "percent": ("percent", "%", "procent", "pct"),
    "percentage_point": (
        "percentage_point",
        "percentage_points",
        "percentage point",
        "percentage points",
        "procentpoint",
        "pct_pt",
        "pct. point",
        "pp.",
    ),
    "person": ("person", "persons", "personer", "antal personer"),
    "count": ("count", "number", "antal"),
    "index_point": ("index_point", "indekspoint", "index", "point"),
}
_BY_TEXT: Final = {
    alias.casefold(): unit for unit, aliases in DIMENSIONS.items() for alias in aliases
}


def parse_unit(text: str) -> str:
    """Return the canonical unit name for what a user typed ("%", "procentpoint").

    Only the units integration figures use are accepted; anything else raises
    :class:`UnitError` listing them, so that a typo in a data file is caught at
    load time rather than turning into a wrong conversion later.
    """
    key = " ".join(str(text).split()).casefold()
    try:
        return _BY_TEXT[key]
    except KeyError:
        known = ", ".join(sorted(DIMENSIONS))
        raise UnitError(f"unknown unit {text!r}; expected one of: {known}") from None


def is_quantity(value: object) -> bool:
    """True for a pint quantity of this package's registry."""
    return isinstance(value, pint.Quantity)


def dimension_of(quantity: Any) -> str:
    """The canonical unit name of ``quantity`` ("percent", "percentage_point", ...)."""
    _require_quantity(quantity, "quantity")
    units = str(quantity.units)
    if units in DIMENSIONS:
        return units
    if units == "dimensionless":
        return "count"
    raise UnitError(f"unit {units!r} is not one this library uses")


def percent(value: Any) -> Any:
    """A rate or share, ``percent(60)`` is 60 %."""
    return Q_(value, "percent")


def percentage_points(value: Any) -> Any:
    """A difference between two rates, in percentage points (procentpoint)."""
    return Q_(value, "percentage_point")


def persons(value: Any) -> Any:
    """A number of people."""
    return Q_(value, "person")


def _require_quantity(value: object, name: str) -> None:
    if not isinstance(value, pint.Quantity):
        raise TypeError(
            f"{name} must be a pint quantity such as percent(60), not a bare "
            f"{type(value).__name__} ({value!r}); bare numbers are ambiguous next to percent"
        )


def _require_rate(value: object, name: str) -> Any:
    _require_quantity(value, name)
    assert isinstance(value, pint.Quantity)
    if value.dimensionality != ureg.percent.dimensionality:
        raise UnitError(f"{name} must be a rate in percent, not {value.units}")
    return value.to("percent").magnitude


def gap(reference: Any, group: Any) -> Any:
    """The gap ``reference - group`` between two rates, in percentage points.

    ``gap(percent(77), percent(60))`` is 17 percentage points: the way the
    strategies state an employment gap between persons of Danish origin and a
    target group.
    """
    return Q_(
        _require_rate(reference, "reference") - _require_rate(group, "group"), "percentage_point"
    )


def share(part: Any, total: Any) -> Any:
    """``part`` as a share of ``total``, in percent (both counts of the same unit)."""
    _require_quantity(part, "part")
    _require_quantity(total, "total")
    if part.dimensionality != total.dimensionality:
        raise UnitError(f"part ({part.units}) and total ({total.units}) have different units")
    ratio = (part / total).to("dimensionless").magnitude
    return Q_(ratio * 100, "percent")


def relative_change(old: Any, new: Any) -> Any:
    """The change from ``old`` to ``new`` relative to ``old``, in percent.

    A rate going from 50 % to 60 % is a relative change of 20 %, but a change of
    10 percentage points, which :func:`gap` ``(new, old)`` gives.
    """
    _require_quantity(old, "old")
    _require_quantity(new, "new")
    if old.dimensionality != new.dimensionality:
        raise UnitError(f"old ({old.units}) and new ({new.units}) have different units")
    base = old.magnitude
    if base == 0:
        raise ZeroDivisionError("relative change from zero is undefined")
    return Q_((new.to(old.units).magnitude - base) / base * 100, "percent")
