"""DST's origin categories (*herkomst*) and their official terms: what both wings share.

The strategy model names whom a target counts by these categories (a target
group's ``origins``), and the population engine
(:mod:`kommuneintegration.population`) classifies residents into them. The enum
is all the two have in common, so it lives on its own, below both, and loads
nothing heavy: the rules themselves are in
:mod:`kommuneintegration.population.classification` and ``docs/origin.md``.
"""

from __future__ import annotations

import enum
from typing import Final

from kommuneintegration.words import fold

__all__ = ["Origin"]


class Origin(enum.IntEnum):
    """DST's origin categories; the values are DST's ``IE_TYPE`` codes.

    ``UNDETERMINED`` (*uoplyst*) is for rows the rules cannot decide because the
    person's own birth country (or, with no parent known, citizenship) is
    missing. It is counted and reported, never dropped.
    """

    UNDETERMINED = 0
    DANISH = 1
    IMMIGRANT = 2
    DESCENDANT = 3

    @property
    def label(self) -> str:
        """The official Danish term."""
        return _LABELS[self][0]

    @property
    def label_plural(self) -> str:
        return _LABELS[self][1]

    @property
    def label_en(self) -> str:
        return _LABELS[self][2]

    @property
    def label_plural_en(self) -> str:
        return _LABELS[self][3]

    @classmethod
    def parse(cls, value: str | int | Origin) -> Origin:
        """Read an origin from its name, Danish or English label, or DST code.

        ``Origin.parse("indvandrer")``, ``Origin.parse("efterkommere")``,
        ``Origin.parse("dansk oprindelse")``, ``Origin.parse("immigrant")`` and
        ``Origin.parse(2)`` all work.
        """
        if isinstance(value, Origin):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        key = fold(str(value).replace("_", " "))
        try:
            return _PARSE[key]
        except KeyError:
            options = ", ".join(repr(o.label) for o in cls)
            raise ValueError(
                f"unknown origin {value!r}; expected one of {options} or their English names"
            ) from None


_LABELS: Final = {
    Origin.UNDETERMINED: (
        "uoplyst",
        "personer med uoplyst herkomst",
        "undetermined",
        "persons of undetermined origin",
    ),
    Origin.DANISH: (
        "dansk oprindelse",
        "personer med dansk oprindelse",
        "Danish origin",
        "persons of Danish origin",
    ),
    Origin.IMMIGRANT: ("indvandrer", "indvandrere", "immigrant", "immigrants"),
    Origin.DESCENDANT: ("efterkommer", "efterkommere", "descendant", "descendants"),
}
_PARSE: Final = {
    fold(text): origin
    for origin, labels in _LABELS.items()
    for text in (*labels, origin.name.replace("_", " "), origin.label_en + "s")
} | {"dansk": Origin.DANISH, "danish": Origin.DANISH, "person af dansk oprindelse": Origin.DANISH}
