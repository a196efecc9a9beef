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

import functools
import math
import re
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from kommuneintegration.errors import KommuneintegrationError
from kommuneintegration.i18n import NP_, _, format_number, pgettext
from kommuneintegration.words import fold

__all__ = [
    "DIMENSIONS",
    "FIGURE_RANGES",
    "Q_",
    "UNITS",
    "UNIT_DISPLAY",
    "Unit",
    "UnitError",
    "check_figure",
    "difference_unit",
    "dimension_of",
    "format_value",
    "gap",
    "parse_decimal",
    "parse_figure",
    "parse_unit",
    "percent",
    "percentage_points",
    "persons",
    "quantity",
    "relative_change",
    "relative_change_value",
    "share",
    "unit_symbol",
    "ureg",
]


class Unit(NamedTuple):
    """Everything the package knows of one unit, in one record, as pint keeps a unit to one line.

    ``typed`` is what users may write for it; ``symbol`` and ``words`` how a table and a
    sentence write it (catalogue messages); ``low``, ``high`` and ``whole`` what a figure in it
    may be; ``difference`` the unit of a difference of two figures (a difference of two rates
    in percent is in percentage points); ``counted`` whether a Danish thousands point is read
    ("100.826"); ``pint`` the definition pint lacks, given to pint's registry once.
    """

    name: str
    typed: tuple[str, ...]
    symbol: str
    words: str
    low: float = -math.inf
    high: float = math.inf
    whole: bool = False
    difference: str = ""
    counted: bool = False
    pint: str = ""


#: The units integration figures use, one record each.
UNITS: Final = {
    unit.name: unit
    for unit in (
        Unit(
            "percent",
            ("percent", "%", "procent", "pct"),
            NP_("unit symbol", "%"),
            NP_("unit words", "%"),
            0.0,
            100.0,
            difference="percentage_point",
            pint="@alias percent = procent",
        ),
        # Percentage point: not a length (pint's ``pp`` is the printer's point).
        Unit(
            "percentage_point",
            (
                "percentage_point",
                "percentage_points",
                "percentage point",
                "percentage points",
                "procentpoint",
                "pct_pt",
                "pct. point",
                "pp.",
            ),
            NP_("unit symbol", "pp"),
            NP_("unit words", "percentage points"),
            -100.0,
            100.0,
            pint="percentage_point = [percentage_point] = pct_pt = procentpoint = procentpoint_",
        ),
        Unit(
            "person",
            ("person", "persons", "personer", "antal personer"),
            NP_("unit symbol", "pers."),
            NP_("unit words", "persons"),
            0.0,
            whole=True,
            counted=True,
            pint="person = [person] = persons = personer = person_",
        ),
        Unit("count", ("count", "number", "antal"), "", "", 0.0, whole=True, counted=True),
        # Scores on an index scale such as the Intercultural Cities Index (0-100).
        Unit(
            "index_point",
            ("index_point", "indekspoint", "index", "point"),
            NP_("unit symbol", "pt"),
            NP_("unit words", "points"),
            pint="index_point = [index_point] = indekspoint",
        ),
    )
}


def _defines(definition: str) -> str:
    """The name a pint definition adds: "procent" for "@alias percent = procent"."""
    parts = definition.removeprefix("@alias ").split("=")
    return parts[1 if definition.startswith("@alias") else 0].strip()


def _define_units() -> Any:
    """Define the package's units in pint's application registry, once; return the registry."""
    import pint

    ureg = pint.get_application_registry()  # type: ignore[no-untyped-call]
    for unit in UNITS.values():
        if unit.pint and _defines(unit.pint) not in ureg:
            ureg.define(unit.pint)
    return ureg


if TYPE_CHECKING:
    #: pint's application registry with the package's units defined (built on first use).
    ureg: Any
    #: The registry's quantity class: ``Q_(60, "percent")``.
    Q_: Any


@functools.cache
def _registry() -> Any:
    return _define_units()


def __getattr__(name: str) -> Any:
    """``ureg`` and ``Q_`` are built on first use: importing pint costs a command 0.2-0.5 s."""
    if name == "ureg":
        return _registry()
    if name == "Q_":
        return _display_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def quantity(value: Any, unit: str) -> Any:
    """A pint quantity of the package's registry: ``quantity(60, "percent")``.

    It prints as the reports write it ("60 %", "17 pp"), in the current language.
    """
    return _display_class()(value, unit)


class UnitError(KommuneintegrationError, ValueError):
    """A unit is unknown, or of the wrong dimension for what it is used for."""


#: The unit names the model speaks, with the text users may type for each.
DIMENSIONS: Final = {unit.name: unit.typed for unit in UNITS.values()}
_BY_TEXT: Final = {fold(alias): unit for unit, aliases in DIMENSIONS.items() for alias in aliases}


def parse_unit(text: str) -> str:
    """Return the canonical unit name for what a user typed ("%", "procentpoint").

    Only the units integration figures use are accepted; anything else raises
    :class:`UnitError` listing them, so that a typo in a data file is caught at
    load time rather than turning into a wrong conversion later.
    """
    try:
        return _BY_TEXT[fold(text)]
    except KeyError:
        known = ", ".join(sorted(DIMENSIONS))
        raise UnitError(
            _("unknown unit {value}; expected one of: {known}").format(
                value=repr(text), known=known
            )
        ) from None


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
    return quantity(value, "percent")


def percentage_points(value: Any) -> Any:
    """A difference between two rates, in percentage points (procentpoint)."""
    return quantity(value, "percentage_point")


def persons(value: Any) -> Any:
    """A number of people."""
    return quantity(value, "person")


def _quantity_class() -> type[Any]:
    import pint

    return pint.Quantity


def _require_quantity(value: object, name: str) -> None:
    if not isinstance(value, _quantity_class()):
        raise TypeError(
            f"{name} must be a pint quantity such as percent(60), not a bare "
            f"{type(value).__name__} ({value!r}); bare numbers are ambiguous next to percent"
        )


def _require_rate(value: object, name: str) -> Any:
    _require_quantity(value, name)
    assert isinstance(value, _quantity_class())
    if value.dimensionality != _registry().percent.dimensionality:
        raise UnitError(f"{name} must be a rate in percent, not {value.units}")
    return value.to("percent").magnitude


def gap(reference: Any, group: Any) -> Any:
    """The gap ``reference - group`` between two rates, in percentage points.

    ``gap(percent(77), percent(60))`` is 17 percentage points: the way the
    strategies state an employment gap between persons of Danish origin and a
    target group.
    """
    difference = _require_rate(reference, "reference") - _require_rate(group, "group")
    return quantity(difference, difference_unit("percent"))


def share(part: Any, total: Any) -> Any:
    """``part`` as a share of ``total``, in percent (both counts of the same unit)."""
    _require_quantity(part, "part")
    _require_quantity(total, "total")
    if part.dimensionality != total.dimensionality:
        raise UnitError(f"part ({part.units}) and total ({total.units}) have different units")
    ratio = (part / total).to("dimensionless").magnitude
    return quantity(ratio * 100, "percent")


def relative_change(old: Any, new: Any) -> Any:
    """The change from ``old`` to ``new`` relative to ``old``, in percent.

    A rate going from 50 % to 60 % is a relative change of 20 %, but a change of
    10 percentage points, which :func:`gap` ``(new, old)`` gives.
    """
    _require_quantity(old, "old")
    _require_quantity(new, "new")
    if old.dimensionality != new.dimensionality:
        raise UnitError(f"old ({old.units}) and new ({new.units}) have different units")
    change = relative_change_value(old.magnitude, new.to(old.units).magnitude)
    return quantity(change, "percent")


def relative_change_value(old: float, new: float) -> float:
    """:func:`relative_change` on two magnitudes of one unit, for code that has no quantities."""
    if old == 0:
        raise ZeroDivisionError("relative change from zero is undefined")
    return float((new - old) / old * 100)


# --- one home for the percent / percentage-point rule and for how units are written ------


def difference_unit(unit: str) -> str:
    """The unit of a difference between two figures in ``unit``.

    The difference of two rates in percent is in percentage points (77 % - 60 %
    is 17 procentpoint, not 17 %); other units keep their unit.
    """
    known = UNITS.get(unit)
    return (known.difference if known else "") or unit


#: How each unit is written: (symbol after a number in a table, words in a sentence).
UNIT_DISPLAY: Final = {unit.name: (unit.symbol, unit.words) for unit in UNITS.values()}


def unit_symbol(unit: str, *, words: bool = False) -> str:
    """ "pp" for a table, "percentage points" in a sentence (``words=True``), in the language."""
    symbol, word = UNIT_DISPLAY.get(unit, (unit, unit))
    message = word if words else symbol
    if not message or unit not in UNIT_DISPLAY:
        return message
    return pgettext("unit words" if words else "unit symbol", message)


def format_value(
    value: float,
    unit: str,
    *,
    words: bool = False,
    signed: bool = False,
    bound: str | None = None,
    show_unit: bool = True,
    decimals: int | None = None,
) -> str:
    """A figure with its unit in the current language: "6,3 %", "17 procentpoint", "100.826 pers."

    ``decimals`` keeps the precision a source printed ("39,0 %", not "39 %").

    ``bound="at-most"`` marks an upper bound, as the source states it: "op til 20 %".
    ``show_unit=False`` leaves the unit to a table's heading.
    """
    symbol = unit_symbol(unit, words=words) if show_unit else ""
    shown = f"{format_number(value, signed=signed, decimals=decimals)} {symbol}".strip()
    if bound is None or bound not in _BOUND_WORDS:
        return shown
    bound_words = pgettext("bound", _BOUND_WORDS[bound])
    return f"{bound_words} {shown}".strip()


#: How a bound on a figure reads before the number.
_BOUND_WORDS: Final = {
    "at-most": NP_("bound", "up to"),
    "at-least": NP_("bound", "at least"),
    "equal": "",
}


def _display_class() -> type[Any]:
    """The registry's quantity class, printing as the reports do: "17 pp", "17 procentpoint".

    A subclass, not a change to the registry: pint's application registry is
    shared with the user's own code, whose quantities keep pint's own printing.
    """
    return _quantity_classes()[1]


@functools.cache
def _quantity_classes() -> tuple[type[Any], type[Any]]:
    base: type[Any] = _registry().Quantity

    class Quantity(base):  # type: ignore[misc]
        """A pint quantity that prints in the package's words ("17 pp") in the current language."""

        def __str__(self) -> str:
            try:
                unit = dimension_of(self)
            except UnitError:
                return str(super().__str__())
            return format_value(float(self.magnitude), unit)

        def __format__(self, spec: str) -> str:
            return str(self) if not spec else str(super().__format__(spec))

        def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
            printer.text(str(self))

    return base, Quantity


# --- one validation for every figure, however it enters (TOML, CSV, Python) ---------------

#: What a figure in each unit may be: (lowest, highest, whole numbers only).
FIGURE_RANGES: Final = {unit.name: (unit.low, unit.high, unit.whole) for unit in UNITS.values()}
_DECIMAL: Final = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def parse_decimal(text: str) -> float:
    """A figure as people write it: "5.4" or "5,4", with an optional sign, and nothing else.

    Python's ``float`` also takes "7_0", "1e3", "nan", "inf" and padding; a figure
    that reads as one of those is a typo, not a number, so it is refused.
    """
    cleaned = str(text).strip()
    if not _DECIMAL.fullmatch(cleaned):
        raise ValueError(
            _(
                "expected a number such as 5.4 or 5,4 (no exponents, underscores or words), "
                "got {value}"
            ).format(value=repr(text))
        )
    return float(cleaned.replace(",", "."))


#: Units whose figures are counted, where a Danish thousands point ("100.826") is read.
COUNT_UNITS: Final = frozenset(unit.name for unit in UNITS.values() if unit.counted)
_GROUPED: Final = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+")
_ONE_COMMA_GROUP: Final = re.compile(r"[+-]?[0-9]{1,3},[0-9]{3}")


def parse_figure(text: str, unit: str) -> float:
    """A figure in ``unit`` as people write it, the thousands point of a count included.

    A count may be written with Danish thousands points where every group has
    three digits ("100.826", "1.234.567": read as 100826 and 1234567, as the
    documents write them); a count written "101,000" could be 101 000 or 101,0 and
    is refused with both readings. Every other figure is :func:`parse_decimal`'s.
    """
    cleaned = str(text).strip()
    if unit in COUNT_UNITS:
        if _GROUPED.fullmatch(cleaned):
            return float(cleaned.replace(".", ""))
        if _ONE_COMMA_GROUP.fullmatch(cleaned):
            raise ValueError(
                _(
                    "{value} could be {thousands} (a thousands comma) or {decimal} (a decimal "
                    "comma); write a count without a separator, or with Danish thousands "
                    "points (100.826)"
                ).format(
                    value=repr(text),
                    thousands=cleaned.replace(",", ""),
                    decimal=cleaned.replace(",", "."),
                )
            )
    return parse_decimal(cleaned)


def check_figure(value: object, unit: str) -> float:
    """``value`` as a float if it can be a figure in ``unit``, else ValueError saying why."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(
            _("expected a number, got {value}").format(value=f"{type(value).__name__} {value!r}")
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(_("expected a finite number, got {value}").format(value=repr(number)))
    low, high, whole = FIGURE_RANGES.get(unit, (-math.inf, math.inf, False))
    if not low <= number <= high:
        shown = (
            _("from {low} to {high}").format(low=f"{low:g}", high=f"{high:g}")
            if math.isfinite(high)
            else _("{low} or more").format(low=f"{low:g}")
        )
        raise ValueError(
            _("{value} is out of range for {unit}: a figure is {range}").format(
                value=f"{number:g}", unit=unit, range=shown
            )
        )
    if whole and not number.is_integer():
        raise ValueError(
            _("{value} is not a whole number, as a figure in {unit} must be").format(
                value=f"{number:g}", unit=unit
            )
        )
    return number
