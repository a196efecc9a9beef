"""The words of the domain that every output shows: one home each, read by the renderers.

The barometer's movements ("positiv", "uændret", "negativ": the ministry's own words) and
the kinds of a figure derived from two others ("gab", "forskel", "ændring", "mangler").
The rules and the derivation compute with the ids; a renderer turns an id into its word
here, so it never needs the machinery that computed it.
"""

from __future__ import annotations

from typing import Final

from kommuneintegration.i18n import NP_, pgettext

__all__ = ["KIND_LABELS", "MOVEMENT_WORDS", "Movement", "kind_label", "movement_label"]


class Movement(str):
    """A barometer movement: "positive", "unchanged" or "negative" (barometerbevægelse)."""

    POSITIVE: Final = "positive"
    UNCHANGED: Final = "unchanged"
    NEGATIVE: Final = "negative"


MOVEMENT_WORDS: Final = {
    Movement.POSITIVE: NP_("movement", "positive"),
    Movement.UNCHANGED: NP_("movement", "unchanged"),
    Movement.NEGATIVE: NP_("movement", "negative"),
}


def movement_label(movement: str) -> str:
    """ "positiv", "uændret", "negativ" in Danish: the barometer's own words."""
    return (
        pgettext("movement", MOVEMENT_WORDS[movement]) if movement in MOVEMENT_WORDS else movement
    )


#: Each kind of derived figure as labels show it (a catalogue message: "gab" in Danish).
KIND_LABELS: Final = {
    "gap": NP_("derived", "gap"),
    "difference": NP_("derived", "difference"),
    "change": NP_("derived", "change"),
    "shortfall": NP_("derived", "shortfall"),
}


def kind_label(kind: str) -> str:
    """ "gab", "forskel", "ændring", "mangler" (in Danish) for a derived figure's kind."""
    return pgettext("derived", KIND_LABELS[kind])
