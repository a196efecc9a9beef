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
import functools
from typing import Final

from kommuneintegration.i18n import NP_, pgettext
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
        """The official Danish term ("indvandrer"), whatever the output language.

        Like every enum's terms, a catalogue message (:data:`_TERMS`): the Danish
        catalogue holds the official term.
        """
        return pgettext("Origin", self.label_en, lang="da")

    @property
    def label_plural(self) -> str:
        """The official Danish plural ("indvandrere")."""
        return pgettext("Origin plural", self.label_plural_en, lang="da")

    @property
    def label_en(self) -> str:
        return _TERMS[self][0]

    @property
    def label_plural_en(self) -> str:
        return _TERMS[self][1]

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
            return _parse_table()[key]
        except KeyError:
            options = ", ".join(repr(o.label) for o in cls)
            raise ValueError(
                f"unknown origin {value!r}; expected one of {options} or their English names"
            ) from None


#: Each category's English term and plural, catalogue messages in the contexts "Origin"
#: and "Origin plural": the Danish catalogue holds the official terms.
_TERMS: Final = {
    Origin.UNDETERMINED: (
        NP_("Origin", "undetermined"),
        NP_("Origin plural", "persons of undetermined origin"),
    ),
    Origin.DANISH: (
        NP_("Origin", "Danish origin"),
        NP_("Origin plural", "persons of Danish origin"),
    ),
    Origin.IMMIGRANT: (NP_("Origin", "immigrant"), NP_("Origin plural", "immigrants")),
    Origin.DESCENDANT: (NP_("Origin", "descendant"), NP_("Origin plural", "descendants")),
}


@functools.cache
def _parse_table() -> dict[str, Origin]:
    """Every text an origin is read from, folded: built on the first parse, not at import."""
    return {
        fold(text): origin
        for origin in Origin
        for text in (
            origin.label,
            origin.label_plural,
            origin.label_en,
            origin.label_plural_en,
            origin.name.replace("_", " "),
            origin.label_en + "s",
        )
    } | {
        "dansk": Origin.DANISH,
        "danish": Origin.DANISH,
        "person af dansk oprindelse": Origin.DANISH,
    }
