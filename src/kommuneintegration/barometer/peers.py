"""The municipalities most like one another, by a documented distance that a user may weigh.

Five characteristics describe a municipality: its number of residents (on a log
scale, so København is not a world apart), the share of non-Western immigrants
and descendants among them (both from FOLK1E, the latest 1st of January), its
kommunegruppe (DST's KOMMUNEGRUPPER v1:2018), its local labour market (the
employment rate of persons of Danish origin aged 25-64, RAS201) and, for each
indicator apart, its make-up (the figure the indicator's indirect
standardisation expects of it: what its age, sex and immigrant/descendant mix
alone would give). The numbers are standardised over the municipalities that
have them (the mean subtracted, divided by the standard deviation), so one step
is one standard deviation; a different kommunegruppe counts as one such step.
The distance is

    sqrt(w_p * dz_population² + w_s * dz_share² + w_g * [other kommunegruppe]
         + w_l * dz_labour_market² + w_m * dz_make_up²)

with every weight 1 unless told otherwise (``--peer-weights``); a characteristic
a municipality lacks (no make-up for the population's own shares) adds nothing.
The k nearest (default 5) are a municipality's peers; ties go to the lower code.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from typing import Final

import attrs

from kommuneintegration.errors import InputError
from kommuneintegration.i18n import _

__all__ = [
    "DEFAULT_PEERS",
    "DEFAULT_WEIGHTS",
    "WEIGHT_NAMES",
    "Characteristics",
    "Peer",
    "nearest",
    "parse_weights",
]

DEFAULT_PEERS: Final = 5
#: The characteristics' names, as ``--peer-weights`` takes them.
WEIGHT_NAMES: Final = (
    "population",
    "non-western-share",
    "kommunegruppe",
    "labour-market",
    "make-up",
)
DEFAULT_WEIGHTS: Final[Mapping[str, float]] = dict.fromkeys(WEIGHT_NAMES, 1.0)


@attrs.frozen
class Characteristics:
    """What the distance reads of one municipality."""

    code: str
    population: float | None
    non_western_share: float | None
    kommunegruppe: int
    year: int | None
    #: The employment rate of persons of Danish origin aged 25-64 (the local labour market).
    labour_market: float | None = None
    #: What the make-up alone leads one to expect of the indicator at hand.
    make_up: float | None = None


@attrs.frozen
class Peer:
    """One of a municipality's nearest, with its distance and characteristics."""

    code: str
    distance: float
    characteristics: Characteristics


def parse_weights(text: str) -> dict[str, float]:
    """``population=1,non-western-share=2,kommunegruppe=0`` -> weights; a name left out keeps 1."""
    weights = dict(DEFAULT_WEIGHTS)
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in WEIGHT_NAMES:
            raise InputError(
                _("expected NAME=WEIGHT with NAME one of {names}").format(
                    names=", ".join(WEIGHT_NAMES)
                ),
                column="--peer-weights",
                value=part,
            )
        try:
            weight = float(value.replace(",", "."))
        except ValueError:
            weight = -1.0
        if not (weight >= 0 and math.isfinite(weight)):
            raise InputError(
                _("{name}: a weight is a number of 0 or more, not {value!r}").format(
                    name=name, value=value
                ),
                column="--peer-weights",
                value=part,
            )
        weights[name] = weight
    return weights


def _standardised(values: Mapping[str, float]) -> dict[str, float]:
    if len(values) < 2:
        return dict.fromkeys(values, 0.0)
    mean = statistics.fmean(values.values())
    spread = statistics.pstdev(values.values()) or 1.0
    return {k: (v - mean) / spread for k, v in values.items()}


def nearest(
    characteristics: Mapping[str, Characteristics],
    code: str,
    *,
    k: int = DEFAULT_PEERS,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> tuple[Peer, ...]:
    """The ``k`` municipalities nearest to ``code``; only those with both numbers take part."""
    usable = {
        c: ch
        for c, ch in characteristics.items()
        if ch.population and ch.population > 0 and ch.non_western_share is not None
    }
    if code not in usable or k <= 0:
        return ()
    size = _standardised({c: math.log(ch.population or 1) for c, ch in usable.items()})
    share = _standardised({c: ch.non_western_share or 0.0 for c, ch in usable.items()})
    market = _standardised(
        {c: ch.labour_market for c, ch in usable.items() if ch.labour_market is not None}
    )
    make_up = _standardised({c: ch.make_up for c, ch in usable.items() if ch.make_up is not None})
    me = usable[code]
    w = {**DEFAULT_WEIGHTS, **weights}

    def term(values: Mapping[str, float], other: str) -> float:
        if code not in values or other not in values:
            return 0.0
        return (values[other] - values[code]) ** 2

    def distance(other: str) -> float:
        ch = usable[other]
        return math.sqrt(
            w["population"] * (size[other] - size[code]) ** 2
            + w["non-western-share"] * (share[other] - share[code]) ** 2
            + w["kommunegruppe"] * (ch.kommunegruppe != me.kommunegruppe)
            + w["labour-market"] * term(market, other)
            + w["make-up"] * term(make_up, other)
        )

    ranked = sorted((distance(c), c) for c in usable if c != code)
    return tuple(Peer(c, round(d, 3), usable[c]) for d, c in ranked[:k])
