"""The barometer's indicators, one record each: what it counts, from which cells, how it differs.

Each :class:`BarometerIndicator` is data, as sdmx1 keeps a source and
openfisca a variable with its formula: the catalogue id it shares with the
plugins (so a city, the country and its peers line up), the group, the sex, the
Integrationsbarometer's number and goal, labels (English message ids, Danish
from the catalogue), the exact population in words, how it differs from the
barometer's own definition, the formula from Statbank cells to numerator and
denominator (:mod:`.formula`), the same for persons of Danish origin beside it,
the unit, the better direction and whether it is ranked. Nothing in the
computation asks which indicator it is computing.

Codes that ../shared/FACTS.md grades unverified (RAS201, LIGEUB1, KY038,
STRAFNA6: from a warehouse of real answers) are read by their texts from each
table's own tableinfo; a text the table lacks leaves that indicator out, named.
The barometer's indicators that no table gives per municipality are listed in
:data:`NOT_AVAILABLE`, each with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.barometer.formula import EVERY, Part, Rate, pick, texts
from kommuneintegration.countries import (
    CountryGroup,
    UnknownCountryError,
    lookup,
    short_country_name,
)
from kommuneintegration.i18n import N_, _
from kommuneintegration.i18n import pick as pick_language
from kommuneintegration.municipalities import official_municipalities
from kommuneintegration.statbank.tables import Select

__all__ = [
    "BAROMETER_INDICATORS",
    "EMPLOYMENT_GAP",
    "EMPLOYMENT_RATE",
    "NON_WESTERN_SHARE",
    "NOT_AVAILABLE",
    "BarometerIndicator",
    "NotAvailable",
    "indicators",
]


@attrs.frozen
class BarometerIndicator:
    """One indicator of the barometer, computed alike for every municipality, the country and
    every year."""

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
    #: The group's figure: numerator over denominator, times 100.
    rate: Rate
    #: The same figure for persons of Danish origin, shown beside it (and subtracted in a gap).
    reference: Rate | None = None
    #: "" for the rate itself; "reference-minus" (Danish origin minus the group: the
    #: employment gap) or "minus-reference" (the group minus Danish origin: more support,
    #: more convictions) for a gap in percentage points.
    gap: str = ""
    #: "", "men" or "women".
    sex: str = ""
    #: The variables whose values are strata of the expected value's indirect
    #: standardisation (upper-case ids, picked alike by numerator and denominator); none:
    #: the expected value is the whole country's figure.
    strata: tuple[str, ...] = ()
    #: Whether municipalities are placed by it: never for the make-up of a population.
    ranked: bool = True
    #: The barometer's goal (a catalogue message: "Work" is "Arbejde").
    goal: str = ""
    #: The first year comparable with the later ones (RAS changed its method in 2009).
    comparable_from: int | None = None
    label_en: str = ""
    #: For a country group's share: the group's id, and the municipalities whose plugin
    #: defines it (none for a built-in group): shown for them, or when asked for.
    country_group: str = ""
    owners: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Unique within a barometer: the catalogue id, the group and the sex."""
        return "/".join(p for p in (self.id, self.group, self.sex) if p)

    @property
    def tables(self) -> tuple[str, ...]:
        parts = (*self.rate.parts, *(self.reference.parts if self.reference else ()))
        return tuple(dict.fromkeys(p.table for p in parts))

    def shown_label(self) -> str:
        return pick_language(self.label, self.label_en) if self.label_en else _(self.label)

    def shown_group(self) -> str:
        return self.shown_label()

    def shown_population(self) -> str:
        return _(self.population).format(group=self.shown_group(), sex=_sex_words(self.sex))

    def shown_differs(self) -> str:
        return _(self.differs).format(group=self.shown_group(), sex=_sex_words(self.sex))

    def shown_goal(self) -> str:
        return _(self.goal) if self.goal else ""


@attrs.frozen
class NotAvailable:
    """An indicator of the barometer that no Statbank table gives per municipality."""

    barometer: str
    label: str
    reason: str

    def shown_label(self) -> str:
        return _(self.label)

    def shown_reason(self) -> str:
        return _(self.reason)


# --- the cells ---------------------------------------------------------------------------------

_NON_WESTERN_RAS201: Final = texts(
    "Indvandrere fra ikke-vestlige lande", "Efterkommere fra ikke-vestlige lande"
)
_DANISH_RAS201: Final = texts("Personer med dansk oprindelse")
_AGES_25_64: Final = texts(*(f"{a}-{a + 4} år" for a in range(25, 65, 5)))
_AGES_16_64: Final = texts("16-19 år", "20-24 år", *(f"{a}-{a + 4} år" for a in range(25, 65, 5)))
_SEXES: Final = {"": texts("Mænd", "Kvinder"), "men": texts("Mænd"), "women": texts("Kvinder")}


def _ras201(origin: Select, ages: Select, sex: str, *, employed: bool) -> Part:
    """RAS201's persons at the end of November of the year (no totals: every part summed)."""
    return Part(
        "RAS201",
        {
            "SOCIO": texts("Beskæftigede") if employed else EVERY,
            "HERKOMST": origin,
            "ALDER": ages,
            "KØN": _SEXES[sex],
        },
    )


def _employment(origin: Select, sex: str) -> Rate:
    return Rate(
        (_ras201(origin, _AGES_25_64, sex, employed=True),),
        (_ras201(origin, _AGES_25_64, sex, employed=False),),
    )


_NON_WESTERN_LIGEUB1: Final = texts(
    "Indvandrere fra ikke-vestlige lande", "Efterkommere fra ikke-vestlige lande"
)
_DANISH_LIGEUB1: Final = texts("Dansk oprindelse")
_YOUTH_OR_MORE: Final = texts(
    "H20 Gymnasiale uddannelser",
    "H30 Erhvervsfaglige uddannelser",
    "H40 Korte videregående uddannelser, KVU",
    "H50 Mellemlange videregående uddannelser, MVU",
    "H60 Bacheloruddannelser, BACH",
    "H70 Lange videregående uddannelser, LVU",
    "H80 Ph.d. og forskeruddannelser",
)
_HIGHER: Final = texts(
    "H40 Korte videregående uddannelser, KVU",
    "H50 Mellemlange videregående uddannelser, MVU",
    "H60 Bacheloruddannelser, BACH",
    "H70 Lange videregående uddannelser, LVU",
    "H80 Ph.d. og forskeruddannelser",
)


def _education(origin: Select, levels: Select, ages: Select) -> Rate:
    """LIGEUB1's persons by highest completed education on the 1st of January."""
    select = {"HERKOMST": origin, "ALDER": ages, "KØN": texts("I alt")}
    return Rate(
        (Part("LIGEUB1", {**select, "HFUDD": levels}),),
        (Part("LIGEUB1", {**select, "HFUDD": texts("I alt")}),),
    )


def _cash_benefits(national: Select, origin: Select) -> Rate:
    """KY038's full-year recipients over RAS201's 16-64-year-olds of the same year."""
    return Rate(
        (
            Part(
                "KY038",
                {
                    "YDELSESTYPE": texts("Ydelser i alt"),
                    "HERKOMST1": national,
                    "HERKOMST": texts("I alt"),
                },
            ),
        ),
        (_ras201(origin, _AGES_16_64, "", employed=False),),
    )


_MEN_FOLK1E: Final = pick("1")
_AGES_15_29_FOLK1E: Final = pick(*(str(a) for a in range(15, 30)))


def _convictions(national: Select, origin: Select) -> Rate:
    """STRAFNA6's men aged 15-29 found guilty in the year over FOLK1E's men aged 15-29 on the
    1st of January of the year."""
    return Rate(
        (
            Part(
                "STRAFNA6",
                {"KØN": texts("Mænd"), "ALDER": texts("15-29 år"), "HERKOMST1": national},
            ),
        ),
        (
            Part(
                "FOLK1E",
                {"KØN": _MEN_FOLK1E, "ALDER": _AGES_15_29_FOLK1E, "HERKOMST": origin},
                period="{year}K1",
            ),
        ),
    )


# --- the records -------------------------------------------------------------------------------

_RAS_BREAK: Final = 2009

_EMPLOYMENT_LABELS: Final = {
    "": N_("employment rate of non-Western immigrants and descendants, 25-64"),
    "men": N_("employment rate of non-Western immigrant and descendant men, 25-64"),
    "women": N_("employment rate of non-Western immigrant and descendant women, 25-64"),
}
_GAP_LABELS: Final = {
    "": N_("employment gap to persons of Danish origin, 25-64"),
    "men": N_("employment gap to men of Danish origin, 25-64"),
    "women": N_("employment gap to women of Danish origin, 25-64"),
}
_EMPLOYMENT_POPULATION: Final = N_(
    "Employed persons among non-Western immigrants (25) and descendants (35) aged 25-64 at "
    "the end of November, over all of them (RAS201's counts, socioøkonomisk status "
    "Beskæftigede, summed over the five-year bands 25-29 to 60-64{sex})."
)
_EMPLOYMENT_DIFFERS: Final = N_(
    "The barometer's own definition (1.2): the same ages and groups. The library sums "
    "RAS201's counts itself, so no weighting approximation; RAS changed its method between "
    "2008 and 2009, so 2008 is shown but not compared with later years."
)
_GAP_POPULATION: Final = N_(
    "The employment rate of persons of Danish origin aged 25-64 (RAS201, the same count) "
    "minus that of non-Western immigrants and descendants aged 25-64, in percentage "
    "points{sex}."
)
_GAP_DIFFERS: Final = N_(
    "The barometer's own definition (1.1), from RAS201's counts; 2008 is before RAS's "
    "break in method and not compared with later years."
)
_SEX_WORDS: Final = {"": "", "men": N_("; men only"), "women": N_("; women only")}


def _sex_words(sex: str) -> str:
    return _(_SEX_WORDS[sex]) if _SEX_WORDS[sex] else ""


def _work(sex: str) -> tuple[BarometerIndicator, BarometerIndicator]:
    rate = BarometerIndicator(
        id="employment-rate",
        group="non-western",
        unit="percent",
        better="higher",
        barometer="1.2",
        goal=N_("Work"),
        label=_EMPLOYMENT_LABELS[sex],
        population=_EMPLOYMENT_POPULATION,
        differs=_EMPLOYMENT_DIFFERS,
        rate=_employment(_NON_WESTERN_RAS201, sex),
        reference=_employment(_DANISH_RAS201, sex),
        sex=sex,
        strata=("HERKOMST", "ALDER", "KØN"),
        comparable_from=_RAS_BREAK,
    )
    gap = attrs.evolve(
        rate,
        id="employment-gap",
        unit="percentage_point",
        better="lower",
        barometer="1.1",
        label=_GAP_LABELS[sex],
        population=_GAP_POPULATION,
        differs=_GAP_DIFFERS,
        gap="reference-minus",
    )
    return rate, gap


YOUTH_EDUCATION: Final = BarometerIndicator(
    id="youth-education-completion",
    group="non-western",
    unit="percent",
    better="higher",
    barometer="2.2",
    goal=N_("Education"),
    label=N_(
        "20-24-year-old non-Western immigrants and descendants with at least a youth education"
    ),
    population=N_(
        "Non-Western immigrants (25) and descendants (35) aged 20-24 on the 1st of January "
        "whose highest completed education (LIGEUB1, HFUDD) is a gymnasial or vocational "
        "youth education or a higher education (H20, H30, H40-H80), over all of them "
        "(HFUDD I alt)."
    ),
    differs=N_(
        "The barometer's 2.2 counts only immigrants who arrived aged 0-12 (and descendants); "
        "no table gives the age at arrival, so every immigrant aged 20-24 is counted here, "
        "which makes the share lower. H35 (adgangsgivende uddannelsesforløb) does not count "
        "as a youth education."
    ),
    rate=_education(_NON_WESTERN_LIGEUB1, _YOUTH_OR_MORE, texts("20-24 år")),
    reference=_education(_DANISH_LIGEUB1, _YOUTH_OR_MORE, texts("20-24 år")),
    strata=("HERKOMST", "ALDER"),
)

HIGHER_EDUCATION: Final = BarometerIndicator(
    id="highest-completed-education",
    group="non-western",
    unit="percent",
    better="higher",
    barometer="2.3",
    goal=N_("Education"),
    label=N_("25-39-year-old non-Western immigrants and descendants with a higher education"),
    population=N_(
        "Non-Western immigrants (25) and descendants (35) aged 25-39 on the 1st of January "
        "whose highest completed education (LIGEUB1) is a higher education (H40-H80: KVU, "
        "MVU, bachelor, LVU, PhD), over all of them."
    ),
    differs=N_(
        "The barometer's 2.3 counts only immigrants who arrived aged 0-12 (and descendants) "
        "and a Danish higher education; LIGEUB1 gives neither the age at arrival nor where "
        "the education was taken, so every immigrant aged 25-39 is counted."
    ),
    rate=_education(_NON_WESTERN_LIGEUB1, _HIGHER, texts("25-29 år", "30-34 år", "35-39 år")),
    reference=_education(_DANISH_LIGEUB1, _HIGHER, texts("25-29 år", "30-34 år", "35-39 år")),
    strata=("HERKOMST", "ALDER"),
)

CASH_BENEFITS: Final = BarometerIndicator(
    id="cash-benefit-share",
    group="non-western",
    unit="percent",
    better="lower",
    barometer="7",
    goal=N_("Self-support"),
    label=N_("full-year recipients of cash benefits per 100 non-Western residents aged 16-64"),
    population=N_(
        "Full-year recipients of the benefits of KY038 (Ydelser i alt: kontanthjælp, "
        "uddannelseshjælp, integrationsydelse and the like) of non-Western national origin "
        "(HERKOMST1 Ikke vestlige lande) in the year, per 100 non-Western immigrants and "
        "descendants aged 16-64 at the end of November (RAS201)."
    ),
    differs=N_(
        "The barometer's goal 7 counts everyone on public support (forsørgelse: also "
        "dagpenge, sygedagpenge, førtidspension and more); per municipality and by origin "
        "the Statbank has only cash benefits, so this is a part of it. KY038 counts "
        "recipients of any age; the denominator is the 16-64-year-olds."
    ),
    rate=_cash_benefits(texts("Ikke vestlige lande"), _NON_WESTERN_RAS201),
    reference=_cash_benefits(texts("Personer med dansk oprindelse"), _DANISH_RAS201),
)

CASH_BENEFIT_GAP: Final = attrs.evolve(
    CASH_BENEFITS,
    id="cash-benefit-gap",
    unit="percentage_point",
    label=N_("cash-benefit gap to persons of Danish origin, 16-64"),
    population=N_(
        "Full-year recipients of cash benefits per 100 residents aged 16-64 of non-Western "
        "national origin minus the same for persons of Danish origin (KY038 over RAS201), "
        "in percentage points: more than zero where the group receives more."
    ),
    gap="minus-reference",
)

CONVICTIONS: Final = BarometerIndicator(
    id="conviction-share",
    group="foreign-origin",
    unit="percent",
    better="lower",
    barometer="9",
    goal=N_("Crime"),
    label=N_("men aged 15-29 of foreign origin found guilty, per 100"),
    population=N_(
        "Men aged 15-29 of foreign origin (STRAFNA6, HERKOMST1 Personer med udenlandsk "
        "oprindelse) found guilty of an offence in the year, per 100 men aged 15-29 of "
        "foreign origin (immigrants and descendants, FOLK1E 24, 25, 34, 35) on the 1st of "
        "January of the year."
    ),
    differs=N_(
        "The barometer's 9 counts non-Western men convicted under the straffelov; STRAFNA6 "
        "gives only Danish against foreign origin (no Western/non-Western split) and every "
        "offence it counts. Read it with the table's footnote."
    ),
    rate=_convictions(texts("Personer med udenlandsk oprindelse"), pick("24", "25", "34", "35")),
    reference=_convictions(texts("Personer med dansk oprindelse"), pick("1")),
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
        "no better direction, so no movement, and a population's make-up is not ranked."
    ),
    rate=Rate(
        (Part("FOLK1E", {"HERKOMST": pick("25", "35"), "KØN": pick("TOT")}, "{year}K1"),),
        (Part("FOLK1E", {"HERKOMST": pick("TOT"), "KØN": pick("TOT")}, "{year}K1"),),
    ),
    ranked=False,
)

_GROUP_POPULATION: Final = N_(
    "Immigrants (4) and descendants (3) whose country of origin (FOLK1C, IELAND) is among "
    "{group}, as a share of all residents (FOLK1E) on the 1st of January."
)
_GROUP_DIFFERS: Final = N_(
    "Not an indicator of the barometer: the size of a group, for context, with no movement "
    "and no rank. FOLK1C's countries of origin are mapped onto the library's countries by "
    "their Danish names; a country of the group that FOLK1C does not list is not counted "
    "(fetch names it)."
)


def _in_group(group: CountryGroup) -> Select:
    members = frozenset(group.members)

    def names_a_member(text: str) -> bool:
        try:
            return lookup(text) in members
        except UnknownCountryError:
            return False

    return Select(match=names_a_member)


def _group_label(group: CountryGroup, owners: Sequence[str], lang: str) -> str:
    """A plugin's group named as its city's, with its countries: "udvalgte MENAPT-lande
    (Københavns Kommune: Afghanistan, Irak, ...)"; a built-in group by its label."""
    label = pick_language(group.label, group.label_en, lang=lang)
    if not owners:
        return label
    official = official_municipalities()
    cities = ", ".join(official[c].title(lang) for c in owners if c in official)
    countries = ", ".join(sorted(short_country_name(c, lang) for c in group.members))
    return f"{label} ({cities}: {countries})"


def _group_indicator(group: CountryGroup, owners: Sequence[str]) -> BarometerIndicator:
    return BarometerIndicator(
        id="population-share-by-origin",
        group=group.id,
        unit="percent",
        better="",
        barometer="",
        label=_group_label(group, owners, "da"),
        label_en=_group_label(group, owners, "en"),
        population=_GROUP_POPULATION,
        differs=_GROUP_DIFFERS,
        rate=Rate(
            (
                Part(
                    "FOLK1C",
                    {"HERKOMST": pick("4", "3"), "IELAND": _in_group(group), "KØN": pick("TOT")},
                    "{year}K1",
                ),
            ),
            (Part("FOLK1E", {"HERKOMST": pick("TOT"), "KØN": pick("TOT")}, "{year}K1"),),
        ),
        ranked=False,
        country_group=group.id,
        owners=tuple(owners),
    )


EMPLOYMENT_RATE, EMPLOYMENT_GAP = _work("")
_MEN = _work("men")
_WOMEN = _work("women")

#: The register indicators, in the barometer's order of goals.
BAROMETER_INDICATORS: Final = (
    EMPLOYMENT_RATE,
    _MEN[0],
    _WOMEN[0],
    EMPLOYMENT_GAP,
    _MEN[1],
    _WOMEN[1],
    YOUTH_EDUCATION,
    HIGHER_EDUCATION,
    CASH_BENEFITS,
    CASH_BENEFIT_GAP,
    CONVICTIONS,
)

NOT_AVAILABLE: Final = (
    NotAvailable(
        "2.1",
        N_("grade 2 or more at the 9. klasses afgangsprøve (written Danish, mathematics)"),
        N_("no Statbank table gives exam grades per municipality by origin"),
    ),
    NotAvailable(
        "3.1",
        N_("grade 2 or more at the 9. klasses afgangsprøve (oral Danish, spelling)"),
        N_("no Statbank table gives exam grades per municipality by origin"),
    ),
    NotAvailable(
        "3.2",
        N_("no or only minor problems with Danish"),
        N_("a survey (Medborgerskabsundersøgelsen), not published per municipality"),
    ),
    NotAvailable(
        "3.3",
        N_("kursister omfattet af integrationslovens program who pass a Danish test in 5 years"),
        N_("no Statbank table gives Danish-test results per municipality"),
    ),
    NotAvailable(
        "4-6",
        N_("medborgerskab, equal treatment and self-determination"),
        N_("a survey (Medborgerskabsundersøgelsen), not published per municipality"),
    ),
    NotAvailable(
        "8",
        N_("vulnerable housing areas"),
        N_("the government's list of areas, not a Statbank table"),
    ),
)


def indicators(
    groups: Iterable[CountryGroup], owners: Mapping[str, Sequence[str]] | None = None
) -> tuple[BarometerIndicator, ...]:
    """The barometer's indicators in the order shown: the register indicators by goal, then the
    population's make-up (non-Western, then each country group asked for)."""
    return (
        *BAROMETER_INDICATORS,
        NON_WESTERN_SHARE,
        *(_group_indicator(g, (owners or {}).get(g.id, ())) for g in groups),
    )
