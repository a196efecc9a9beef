"""The barometer's indicators as data: what each counts, from which tables, and how it differs.

Each :class:`BarometerIndicator` is one record: the catalogue id it shares with
the plugins (``employment-rate``, ``employment-gap``,
``population-share-by-origin``; the national plugin's 1.1 and 1.2 carry the
same ids, so a city, the country and its peers line up), the group it counts,
its unit, which direction is better (the barometer's movement needs one), the
Integrationsbarometer indicator it stands in for, its exact population and, in
words, how it differs from the barometer's own definition. Texts are catalogue
messages, given in the output language when shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import attrs

from kommuneintegration.countries import CountryGroup
from kommuneintegration.i18n import N_, _, pick

__all__ = [
    "EMPLOYMENT_GAP",
    "EMPLOYMENT_RATE",
    "NON_WESTERN_SHARE",
    "BarometerIndicator",
    "indicators",
]


@attrs.frozen
class BarometerIndicator:
    """One indicator of the barometer, computed alike for every municipality and the country."""

    #: The catalogue id (shared with the plugins' indicators) and the group it counts.
    id: str
    group: str
    unit: str
    #: "higher" or "lower" is better; "" for a figure with no better direction (context).
    better: str
    #: The Integrationsbarometer's indicator it stands in for ("1.2"), or "".
    barometer: str
    #: Catalogue messages (English ids), or for a plugin's group its own Danish and English.
    label: str
    population: str
    differs: str
    tables: tuple[str, ...]
    label_en: str = ""
    #: For a country group counted from FOLK1C: the group's id.
    country_group: str = ""

    @property
    def key(self) -> str:
        """Unique within a barometer: the catalogue id and the group."""
        return f"{self.id}/{self.group}"

    def shown_label(self) -> str:
        return pick(self.label, self.label_en) if self.label_en else _(self.label)

    def shown_population(self) -> str:
        return _(self.population).format(group=self.shown_group())

    def shown_differs(self) -> str:
        return _(self.differs).format(group=self.shown_group())

    def shown_group(self) -> str:
        return pick(self.label, self.label_en) if self.label_en else _(self.label)


EMPLOYMENT_RATE: Final = BarometerIndicator(
    id="employment-rate",
    group="non-western",
    unit="percent",
    better="higher",
    barometer="1.2",
    label=N_("employment rate of non-Western immigrants and descendants, 16-64"),
    population=N_(
        "Non-Western immigrants and descendants aged 16-64 in employment at the end of "
        "November, as a share of all of them (RAS200, beskæftigelsesfrekvens BFK, both sexes)."
    ),
    differs=N_(
        "The barometer's indicator 1.2 counts ages 25-64; RAS200's broad band is 16-64, which "
        "takes in young people still in education, so the rate is lower. RAS200 gives "
        "immigrants (25) and descendants (35) apart: their two rates are combined with the "
        "numbers of 16-64-year-olds in each group from FOLK1E on the 1st of January after the "
        "count as weights, never averaged."
    ),
    tables=("RAS200", "FOLK1E"),
)

EMPLOYMENT_GAP: Final = BarometerIndicator(
    id="employment-gap",
    group="non-western",
    unit="percentage_point",
    better="lower",
    barometer="1.1",
    label=N_("employment gap to persons of Danish origin, 16-64"),
    population=N_(
        "The employment rate of persons of Danish origin aged 16-64 (RAS200, BFK) minus that "
        "of non-Western immigrants and descendants aged 16-64 (the rate above)."
    ),
    differs=N_(
        "The barometer's indicator 1.1 compares 25-64-year-olds; here both rates are for "
        "16-64-year-olds, combined as for the employment rate."
    ),
    tables=("RAS200", "FOLK1E"),
)

NON_WESTERN_SHARE: Final = BarometerIndicator(
    id="population-share-by-origin",
    group="non-western",
    unit="percent",
    better="",
    barometer="",
    label=N_("non-Western immigrants and descendants, share of residents"),
    population=N_(
        "Non-Western immigrants (25) and descendants (35) as a share of all residents on the "
        "1st of January (FOLK1E)."
    ),
    differs=N_(
        "Not an indicator of the barometer: the size of its target group, for context. It has "
        "no better direction, so no movement."
    ),
    tables=("FOLK1E",),
)

_GROUP_POPULATION: Final = N_(
    "Immigrants (4) and descendants (3) whose country of origin (FOLK1C, IELAND) is among "
    "{group}, as a share of all residents (FOLK1E) on the 1st of January."
)
_GROUP_DIFFERS: Final = N_(
    "Not an indicator of the barometer: the size of a group, for context, with no movement. "
    "FOLK1C's countries of origin are mapped onto the library's countries by their Danish "
    "names; a country of the group that FOLK1C does not list is not counted (fetch names it)."
)


def _group_indicator(group: CountryGroup) -> BarometerIndicator:
    return BarometerIndicator(
        id="population-share-by-origin",
        group=group.id,
        unit="percent",
        better="",
        barometer="",
        label=group.label,
        label_en=group.label_en or group.label,
        population=_GROUP_POPULATION,
        differs=_GROUP_DIFFERS,
        tables=("FOLK1C", "FOLK1E"),
        country_group=group.id,
    )


def indicators(groups: Iterable[CountryGroup]) -> tuple[BarometerIndicator, ...]:
    """The barometer's indicators, in the order shown: work first, then the population."""
    return (
        EMPLOYMENT_RATE,
        EMPLOYMENT_GAP,
        NON_WESTERN_SHARE,
        *(_group_indicator(g) for g in groups),
    )
