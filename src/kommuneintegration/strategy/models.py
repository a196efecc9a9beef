"""The strategy model: what a municipality's integration strategy says.

Every class is a frozen attrs value object: change one with ``attrs.evolve``.
Identifiers and enum values are English; each enum member carries the official
Danish term as ``.label`` and the enum accepts either as its value, so a
data file may say ``kind = "hovedmål"`` or ``kind = "main-goal"``.

The shapes mirror the source documents: a :class:`Strategy` (one document)
holds themes, goals, principles, initiatives, evaluation parameters,
indicators, targets and observations, and each figure carries its
:class:`Provenance` (the document and its table or section). Targets say how their
wording was read (``reading``), so ambiguity stays visible.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, NewType, Self, TypeVar

import attrs

from kommuneintegration.errors import UnknownChoiceError
from kommuneintegration.i18n import NP_, _, pgettext, pick
from kommuneintegration.origin import Origin
from kommuneintegration.units import check_figure, parse_unit
from kommuneintegration.units import quantity as make_quantity
from kommuneintegration.words import fold

if TYPE_CHECKING:
    from kommuneintegration.countries import CountryGroupRegistry

__all__ = [
    "AgeBand",
    "Comparator",
    "Concept",
    "Direction",
    "DocumentKind",
    "EvaluationParameter",
    "Goal",
    "GoalKind",
    "Indicator",
    "Initiative",
    "LabelledEnum",
    "Measure",
    "Municipality",
    "Note",
    "Observation",
    "Period",
    "Principle",
    "Provenance",
    "SourceDocument",
    "Strategy",
    "Target",
    "TargetGroup",
    "TargetKind",
    "Theme",
    "ThemeStatus",
    "Unit",
]

_ID: Final = r"^[a-z0-9][a-z0-9._:-]*$"
_id_validator = attrs.validators.matches_re(_ID)


def _nonempty(_instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.strip():
        raise ValueError(_("must not be empty"), attribute)


class LabelledEnum(enum.StrEnum):
    """A str enum whose members have a Danish label; the value or the label both construct it.

    ``GoalKind("hovedmål") is GoalKind("main-goal") is GoalKind.MAIN_GOAL``.
    """

    @property
    def label(self) -> str:
        """The official Danish term ("hovedmål", "nået"), whatever the output language."""
        return pgettext(type(self).__name__, self.english, lang="da")

    @property
    def english(self) -> str:
        """The English term ("main goal", "achieved")."""
        return _ENUM_LABELS[type(self).__name__][self.value]

    @property
    def display(self) -> str:
        """The term in the current output language (:func:`kommuneintegration.i18n.language`)."""
        return pgettext(type(self).__name__, self.english)

    @classmethod
    def _missing_(cls, value: object) -> Self:
        key = fold(str(value)).replace("_", "-")
        for member in cls:
            if key in (
                member.value,
                fold(member.label),
                fold(member.english),
                fold(member.name).replace("_", "-"),
            ):
                return member
        options = ", ".join(f"{m.value!r} ({m.label})" for m in cls)
        raise ValueError(
            _("unknown value {value}; expected one of {options}").format(
                value=repr(value), options=options
            )
        )


class DocumentKind(LabelledEnum):
    """What a document is: adopted policy, an advisory council's strategy whose adoption the
    document does not state, a draft, a political proposal, or statistics."""

    ADOPTED_POLICY = "adopted-policy"
    #: Written by an advisory council (Aalborg's Integrationsråd), its adoption not stated.
    COUNCIL_STRATEGY = "council-strategy"
    DRAFT = "draft"
    PROPOSAL = "proposal"
    STATISTICS = "statistics"


class GoalKind(LabelledEnum):
    """The documents' own words for their goals."""

    VISION = "vision"
    OVERALL = "overall"
    OBJECTIVE = "objective"
    MAIN_GOAL = "main-goal"
    GUIDING_MARK = "guiding-mark"
    GOAL = "goal"


class Measure(LabelledEnum):
    """What kind of figure an indicator is."""

    RATE = "rate"
    SHARE = "share"
    COUNT = "count"
    GAP = "gap"
    INDEX = "index"
    RANK = "rank"


class TargetKind(LabelledEnum):
    """How a target is stated."""

    LEVEL = "level"
    CHANGE = "change"
    DIRECTION = "direction"
    REFERENCE = "reference"
    UNSPECIFIED = "unspecified"


class Comparator(LabelledEnum):
    AT_MOST = "at-most"
    AT_LEAST = "at-least"
    EQUAL = "equal"


class Direction(LabelledEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    NOT_INCREASE = "not-increase"
    NOT_DECREASE = "not-decrease"


class ThemeStatus(LabelledEnum):
    """Whether a declared section of a document has content."""

    FILLED = "filled"
    PLACEHOLDER = "placeholder"


#: Each member's English text, a catalogue message in the enum's context: the Danish
#: catalogue holds the official Danish term (``label``), so a member reads in either language.
_ENUM_LABELS: Final[dict[str, dict[str, str]]] = {
    "DocumentKind": {
        "adopted-policy": NP_("DocumentKind", "adopted policy"),
        "council-strategy": NP_(
            "DocumentKind", "an advisory council's strategy, adoption not stated"
        ),
        "draft": NP_("DocumentKind", "draft"),
        "proposal": NP_("DocumentKind", "political proposal"),
        "statistics": NP_("DocumentKind", "statistics"),
    },
    "GoalKind": {
        "vision": NP_("GoalKind", "vision"),
        "overall": NP_("GoalKind", "overall objective"),
        "objective": NP_("GoalKind", "objective"),
        "main-goal": NP_("GoalKind", "main goal"),
        "guiding-mark": NP_("GoalKind", "guiding mark"),
        "goal": NP_("GoalKind", "goal"),
    },
    "Measure": {
        "rate": NP_("Measure", "rate"),
        "share": NP_("Measure", "share"),
        "count": NP_("Measure", "count"),
        "gap": NP_("Measure", "gap"),
        "index": NP_("Measure", "index"),
        "rank": NP_("Measure", "rank"),
    },
    "TargetKind": {
        "level": NP_("TargetKind", "level"),
        "change": NP_("TargetKind", "change"),
        "direction": NP_("TargetKind", "direction"),
        "reference": NP_("TargetKind", "reference level"),
        "unspecified": NP_("TargetKind", "not set"),
    },
    "Comparator": {
        "at-most": NP_("Comparator", "at most"),
        "at-least": NP_("Comparator", "at least"),
        "equal": NP_("Comparator", "equal to"),
    },
    "Direction": {
        "increase": NP_("Direction", "increase"),
        "decrease": NP_("Direction", "decrease"),
        "not-increase": NP_("Direction", "not increase"),
        "not-decrease": NP_("Direction", "not decrease"),
    },
    "ThemeStatus": {
        "filled": NP_("ThemeStatus", "filled"),
        "placeholder": NP_("ThemeStatus", "not filled"),
    },
    # rules.Status: how far a target has come.
    "Status": {
        "achieved": NP_("Status", "achieved"),
        "missed": NP_("Status", "not achieved"),
        "on-track": NP_("Status", "on track"),
        "not-on-track": NP_("Status", "not on track"),
        "not-evaluable": NP_("Status", "cannot be evaluated"),
        "reported-achieved": NP_("Status", "achieved by the document's own word"),
        "rule-error": NP_("Status", "error in evaluation rule"),
    },
}


def _optional_comparator(value: str | None) -> Comparator | None:
    return None if value is None else Comparator(value)


def _optional_direction(value: str | None) -> Direction | None:
    return None if value is None else Direction(value)


def _optional_period(value: str | int | Period | None) -> Period | None:
    return None if value is None else Period.parse(value)


#: A canonical unit name ("percent", "percentage_point", "person", ...): see :mod:`.units`.
Unit = NewType("Unit", str)


def _unit(value: str) -> Unit:
    return Unit(parse_unit(value))


def _optional_unit(value: str | None) -> Unit | None:
    return None if value is None else _unit(value)


@attrs.frozen
class SourceDocument:
    """A document a reader can look up: issuing body, title, date, status and where to find it.

    Plugins declare their documents once (``[[documents]]`` in ``plugin.toml``)
    and every :class:`Provenance` names one by ``key``. ``seed`` is the file name
    of the project's own copy, used only by the test that checks quotes and
    figures against the text; it never appears in an output.
    """

    key: str = attrs.field(validator=_id_validator)
    publisher: str = attrs.field(validator=_nonempty)
    title: str = attrs.field(validator=_nonempty)
    status: DocumentKind = attrs.field(converter=DocumentKind)
    year: int | None = None
    date: str = ""
    address: str = ""
    note: str = ""
    seed: str = ""

    def citation(self) -> str:
        """ "Aalborg Kommune, Integrationsrådet: Integrationsstrategi 2023-2026 (udateret, rådets
        strategi, vedtagelse ikke oplyst)"."""
        when = self.date or (str(self.year) if self.year is not None else _("undated"))
        text = f"{self.publisher}: {self.title} ({when}, {self.status.display})"
        return text + (f", {self.address}" if self.address else "")


@attrs.frozen
class Provenance:
    """Where a figure or text comes from: a document and its table, section or page.

    ``document`` is the key of a :class:`SourceDocument`; the loader resolves it
    into ``cited`` so that every output cites the document as a reader can
    follow it. A figure stated in two places of a document (a section and a
    footnote) is stored once, with the other places in ``also``. ``quote`` keeps
    the source's exact wording where it matters.
    """

    document: str = attrs.field(validator=_nonempty)
    section: str = attrs.field(validator=_nonempty)
    quote: str = ""
    also: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    cited: SourceDocument | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def locations(self) -> str:
        return "; ".join((self.section, *self.also))

    def __str__(self) -> str:
        name = self.cited.citation() if self.cited is not None else self.document
        return f"{name}, {self.locations}"


@attrs.frozen(order=True)
class Period:
    """A span of years, written "2023-2026" (or "2014" for one year)."""

    start: int
    end: int

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                _("period ends ({end}) before it starts ({start})").format(
                    end=self.end, start=self.start
                )
            )

    @classmethod
    def parse(cls, value: str | int | Period) -> Period:
        if isinstance(value, Period):
            return value
        text = str(value).strip()
        match = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", text)
        if match is None:
            raise ValueError(
                _("period must look like '2023-2026' or '2014', not {value}").format(
                    value=repr(value)
                )
            )
        start = int(match.group(1))
        return cls(start, int(match.group(2) or start))

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.start <= year <= self.end


@attrs.frozen(order=True)
class AgeBand:
    """An age band in whole years, "18-29", "16-64", or "25+" (open-ended)."""

    low: int
    high: int | None

    @classmethod
    def parse(cls, value: str | AgeBand) -> AgeBand:
        if isinstance(value, AgeBand):
            return value
        text = str(value).strip().removesuffix(" år").removesuffix("år").strip()
        match = re.fullmatch(r"(\d{1,3})\s*(?:[-–]\s*(\d{1,3})|(\+))", text)
        if match is None:
            raise ValueError(
                _("age band must look like '18-29' or '25+', not {value}").format(value=repr(value))
            )
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else None
        if high is not None and high < low:
            raise ValueError(_("age band {value} ends before it starts").format(value=repr(value)))
        return cls(low, high)

    def __str__(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"

    def contains(self, other: AgeBand) -> bool:
        top = self.high if self.high is not None else 10**6
        other_top = other.high if other.high is not None else 10**6
        return self.low <= other.low and other_top <= top


#: How many decimals a source may print a figure with ("39,0%" has one): 0 to 6, or not said.
_printed_decimals: Final = attrs.validators.optional(
    [attrs.validators.ge(0), attrs.validators.le(6)]
)


def _optional_age(value: str | AgeBand | None) -> AgeBand | None:
    return None if value is None else AgeBand.parse(value)


def _municipality_code(_instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not (isinstance(value, str) and re.fullmatch(r"[0-9]{3}", value)):
        raise ValueError(
            f'must be DST\'s three-digit municipality code as text ("101" København), not {value!r}',
            attribute,
        )


@attrs.frozen
class Municipality:
    """A municipality (kommune) by its DST code: 101 København, 751 Aarhus, 851 Aalborg."""

    code: str = attrs.field(validator=_municipality_code)
    name: str = attrs.field(validator=_nonempty)


def _origins(values: Iterable[str | int | Origin]) -> frozenset[Origin]:
    return frozenset(Origin.parse(v) for v in values)


@attrs.frozen
class TargetGroup:
    """Whom a figure counts (*målgruppe*), as a definition over origin and country group.

    ``country_group`` is a country-group id (``None``: any country of origin).
    ``reading`` says how the definition was read where the source is not
    explicit. :meth:`mask` selects the group's rows in a classified register.
    """

    id: str = attrs.field(validator=_id_validator)
    label: str = attrs.field(validator=_nonempty)
    origins: frozenset[Origin] = attrs.field(converter=_origins)
    country_group: str | None = None
    label_en: str = ""
    description: str = ""
    reading: str = ""
    age_band: AgeBand | None = attrs.field(default=None, converter=_optional_age)
    provenance: Provenance | None = None
    #: A condition origin and country cannot express, in words ("immigrants only if they
    #: arrived aged 0-12"): part of the definition, so comparisons show it.
    restriction: str = ""

    @origins.validator
    def _check_origins(self, _attribute: attrs.Attribute[Any], value: frozenset[Origin]) -> None:
        if not value:
            raise ValueError("a target group needs at least one origin")

    def describe(self, groups: CountryGroupRegistry | None = None) -> str:
        """The definition in plain words of the output language, for comparisons.

        ``"immigrants and descendants from non-Western countries"``; with an age
        band, ``"..., aged 16-64"``.
        """
        if self.origins >= {Origin.DANISH, Origin.IMMIGRANT, Origin.DESCENDANT}:
            text = _("all residents")
        else:
            text = _(" and ").join(
                pick(o.label_plural, o.label_plural_en) for o in sorted(self.origins)
            )
            if self.country_group is not None:
                text = _("{origins} from {countries}").format(
                    origins=text, countries=_group_words(self.country_group, groups)
                )
            elif self.origins & {Origin.IMMIGRANT, Origin.DESCENDANT}:
                text = _("{origins} of any origin").format(origins=text)
        text += f", {self.restriction}" if self.restriction else ""
        if self.age_band:
            text = _("{definition}, aged {age}").format(definition=text, age=self.age_band)
        return text


def _group_words(group_id: str, groups: CountryGroupRegistry | None) -> str:
    from kommuneintegration.countries import UnknownCountryGroupError, country_group

    try:
        group = groups.get(group_id) if groups is not None else country_group(group_id)
    except UnknownCountryGroupError:
        return _("{group} countries").format(group=group_id)
    return pick(group.label, group.label_en)


@attrs.frozen
class Theme:
    """A focus area or section of a document (*indsatsområde*, *fokusområde*).

    ``status`` records sections a document declares but leaves empty
    (``placeholder``), with the placeholder text in ``note``. ``topics`` map it
    onto the shared theme catalogue.
    """

    id: str = attrs.field(validator=_id_validator)
    label: str = attrs.field(validator=_nonempty)
    topics: tuple[str, ...] = attrs.field(converter=tuple, factory=tuple)
    status: ThemeStatus = attrs.field(default=ThemeStatus.FILLED, converter=ThemeStatus)
    note: str = ""
    provenance: Provenance | None = None


@attrs.frozen
class Goal:
    """A goal as the document states it: *målsætning*, *hovedmål*, *pejlemærke*."""

    id: str = attrs.field(validator=_id_validator)
    kind: GoalKind = attrs.field(converter=GoalKind)
    text: str = attrs.field(validator=_nonempty)
    theme: str | None = None
    number: str = ""
    detail: str = ""
    provenance: Provenance | None = None


@attrs.frozen
class Principle:
    """A principle for how the work is done (*princip*)."""

    id: str = attrs.field(validator=_id_validator)
    text: str = attrs.field(validator=_nonempty)
    number: str = ""
    provenance: Provenance | None = None


@attrs.frozen
class Initiative:
    """An initiative (*indsats*, *indsatsområde*, *forslag*) under a goal or theme."""

    id: str = attrs.field(validator=_id_validator)
    text: str = attrs.field(validator=_nonempty)
    goal: str | None = None
    theme: str | None = None
    title: str = ""
    provenance: Provenance | None = None


@attrs.frozen
class EvaluationParameter:
    """How the document says it will be evaluated (*evalueringsparameter*)."""

    id: str = attrs.field(validator=_id_validator)
    text: str = attrs.field(validator=_nonempty)
    goal: str | None = None
    indicator: str | None = None
    provenance: Provenance | None = None


@attrs.frozen
class Concept:
    """A statistical concept an indicator measures (*begreb*): "beskæftigelsesfrekvens".

    Concepts form a closed catalogue (``data/concepts.toml``, plus a plugin's
    ``[[concepts]]``), so that two figures are compared by what they measure,
    not by how a plugin happened to word it. Both labels are required: the
    comparison shows the concept in either language.
    """

    id: str = attrs.field(validator=_id_validator)
    #: The Danish term.
    label: str = attrs.field(validator=_nonempty)
    label_en: str = attrs.field(validator=_nonempty)
    description: str = ""


@attrs.frozen
class Indicator:
    """What is measured: the measure, for which group and age band, in which unit.

    ``concept`` is the id of the statistical concept (:class:`Concept`:
    "employment-frequency", "wage-earner-employment"), because two cities'
    "employment rates" are often different things; ``concept_note`` says in the
    plugin's words what the catalogue's concept leaves open (an age band the
    source does not state, a definition). ``catalogue`` maps the indicator onto
    the shared catalogue for comparison.
    """

    id: str = attrs.field(validator=_id_validator)
    label: str = attrs.field(validator=_nonempty)
    measure: Measure = attrs.field(converter=Measure)
    unit: Unit = attrs.field(converter=_unit)
    target_group: str | None = None
    age_band: AgeBand | None = attrs.field(default=None, converter=_optional_age)
    concept: str = ""
    concept_note: str = ""
    catalogue: str | None = None
    source: str = ""
    provenance: Provenance | None = None
    #: A Statistics Denmark table that measures this indicator ("RAS200"): ``fetch``
    #: gets its figures for the city, with no code in the plugin.
    statbank: str | None = None
    #: The label in English, shown by ``--lang en`` (``label`` is the document's Danish).
    label_en: str = ""


@attrs.frozen
class Target:
    """A target, stated as a level, a change, a direction, a reference, or left unset.

    ``wording`` is the source's phrase; ``reading`` says how this library reads
    it, and ``alternative_reading`` the other reading where the source is
    ambiguous (both are shown in the output). ``placeholder`` keeps an unset
    value as written ("X %", "(XX)").
    """

    id: str = attrs.field(validator=_id_validator)
    kind: TargetKind = attrs.field(converter=TargetKind)
    wording: str = attrs.field(validator=_nonempty)
    reading: str = attrs.field(validator=_nonempty)
    goal: str | None = None
    indicator: str | None = None
    group: str | None = None
    age_band: AgeBand | None = attrs.field(default=None, converter=_optional_age)
    comparator: Comparator | None = attrs.field(default=None, converter=_optional_comparator)
    direction: Direction | None = attrs.field(default=None, converter=_optional_direction)
    value: float | None = None
    unit: Unit | None = attrs.field(default=None, converter=_optional_unit)
    year: int | None = None
    baseline_year: int | None = None
    reference: str = ""
    #: The indicator whose figures in the same document give the reference value (the draft's
    #: "1 ud af 4" for the labour force): shown beside the target's own missing figures.
    reference_indicator: str | None = None
    placeholder: str = ""
    alternative_reading: str = ""
    alternative_unit: Unit | None = attrs.field(default=None, converter=_optional_unit)
    rule: str | None = None
    provenance: Provenance | None = None
    #: False where ``wording`` is the plugin's label for a table cell, not the source's words:
    #: only text that appears in a source is shown in quotation marks.
    wording_is_quote: bool = True
    #: Why ``year`` is inferred, where the source gives no year (empty: the source states it).
    year_inferred: str = ""
    #: The document itself says the target has been reached (it may give no figure).
    reported_reached: bool = False
    #: The decimals the source printed the target value with ("Måltal 2019: 6,0" has one).
    decimals: int | None = attrs.field(default=None, validator=_printed_decimals)

    def __attrs_post_init__(self) -> None:
        if self.value is not None and self.unit is None:
            raise ValueError(f"target {self.id!r}: a value needs a unit")
        if self.kind in (TargetKind.LEVEL, TargetKind.CHANGE) and self.value is None:
            raise ValueError(f"target {self.id!r}: a {self.kind.value} target needs a value")
        if self.kind is TargetKind.UNSPECIFIED and self.value is not None:
            raise ValueError(f"target {self.id!r}: an unspecified target has no value")
        if self.kind is TargetKind.DIRECTION and self.direction is None:
            raise ValueError(f"target {self.id!r}: a direction target needs a direction")
        if self.kind is TargetKind.REFERENCE and not self.reference:
            raise ValueError(f"target {self.id!r}: a reference target needs a reference")

    @property
    def quantity(self) -> Any:
        """The target value as a pint quantity, or ``None``."""
        return (
            None
            if self.value is None or self.unit is None
            else make_quantity(self.value, self.unit)
        )


@attrs.frozen
class Observation:
    """A figure: an indicator's value for a group, age band and year, with provenance.

    ``value`` and ``unit`` are what the source printed; :attr:`quantity` is the
    pint quantity. ``year`` is ``None`` when the source does not say.
    """

    indicator: str = attrs.field(validator=_id_validator)
    value: float = attrs.field()
    unit: Unit = attrs.field(converter=_unit)
    provenance: Provenance = attrs.field()
    group: str | None = None
    age_band: AgeBand | None = attrs.field(default=None, converter=_optional_age)
    year: int | None = attrs.field(default=None)
    period: str = ""
    category: str = ""
    note: str = ""
    #: The decimals the source printed ("39,0%" has one): shown so, never shortened to "39 %".
    decimals: int | None = attrs.field(default=None, validator=_printed_decimals)
    #: "at-most" for a figure the source states as an upper bound ("op mod 20 %").
    bound: Comparator | None = attrs.field(default=None, converter=_optional_comparator)
    #: A series of its own, such as figures fetched from Statistics Denmark: changes and
    #: directions are computed within one series, never across a document and a table.
    series: str = ""
    #: The Statbank table a fetched figure comes from ("RAS200"); "" for a document's.
    table: str = ""

    @value.validator
    def _check_value(self, attribute: attrs.Attribute[Any], value: float) -> None:
        # attrs runs validators after every field is set, so the unit is known here.
        try:
            check_figure(value, self.unit)
        except ValueError as exc:
            raise ValueError(str(exc), attribute) from None

    @year.validator
    def _check_year(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is None:
            return
        this_year = datetime.date.today().year
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= this_year:
            raise ValueError(
                _("an observation's year is from 1900 to this year ({year}), not {value}").format(
                    year=this_year, value=repr(value)
                ),
                attribute,
            )

    @property
    def quantity(self) -> Any:
        return make_quantity(self.value, self.unit)


def _observations(items: Iterable[Observation]) -> tuple[Observation, ...]:
    """Converter with a concrete type, so mypy checks ``attrs.evolve(strategy, observations=...)``."""
    return tuple(items)


@attrs.frozen
class Note:
    """A statement of the document worth keeping that is not a goal, target or figure.

    ``text`` says in English what it records; ``provenance.quote`` holds the
    source's own words, which alone are shown in quotation marks.
    """

    id: str = attrs.field(validator=_id_validator)
    text: str = attrs.field(validator=_nonempty)
    provenance: Provenance
    theme: str | None = None


@attrs.frozen
class Strategy:
    """One strategy document: a policy, a draft, or a political proposal."""

    id: str = attrs.field(validator=_id_validator)
    title: str = attrs.field(validator=_nonempty)
    kind: DocumentKind = attrs.field(converter=DocumentKind)
    author: str = attrs.field(validator=_nonempty)
    source: Provenance
    period: Period | None = attrs.field(default=None, converter=_optional_period)
    target_group: str | None = None
    target_group_wording: str = ""
    adopted: str = ""
    summary: str = ""
    #: Set by ``new-plugin`` on the example it writes: not a real document, refused by the host.
    example: bool = False
    themes: tuple[Theme, ...] = attrs.field(default=(), converter=tuple)
    goals: tuple[Goal, ...] = attrs.field(default=(), converter=tuple)
    principles: tuple[Principle, ...] = attrs.field(default=(), converter=tuple)
    initiatives: tuple[Initiative, ...] = attrs.field(default=(), converter=tuple)
    evaluation_parameters: tuple[EvaluationParameter, ...] = attrs.field(
        default=(), converter=tuple
    )
    indicators: tuple[Indicator, ...] = attrs.field(default=(), converter=tuple)
    targets: tuple[Target, ...] = attrs.field(default=(), converter=tuple)
    observations: tuple[Observation, ...] = attrs.field(default=(), converter=_observations)
    notes: tuple[Note, ...] = attrs.field(default=(), converter=tuple)

    def in_force_from(self) -> tuple[int | None, bool]:
        """The year the document counts from, and whether that year is inferred.

        Its own date where the document gives one: the date it was adopted
        (``adopted``, "2007-06-13" or "13. juni 2007"), else the date of the
        document it is read from, which is then the document itself; an undated
        document counts from the start of its period, and says that this is
        inferred. A policy known only through a later document's summary (Aarhus
        2007, summarised in 2017) counts from its own adoption, never from the
        year of the document that cites it.
        """
        adopted = re.search(r"\b(\d{4})\b", self.adopted)
        if adopted is not None:
            return int(adopted.group(1)), False
        cited = self.source.cited
        if cited is not None and cited.year is not None:
            return cited.year, False
        if self.period is not None:
            return self.period.start, True
        return None, False

    def indicator(self, indicator_id: str) -> Indicator:
        return _by_id(self.indicators, indicator_id, "indicator")

    def goal(self, goal_id: str) -> Goal:
        return _by_id(self.goals, goal_id, "goal")

    def target(self, target_id: str) -> Target:
        return _by_id(self.targets, target_id, "target")

    def observations_of(self, indicator_id: str) -> list[Observation]:
        return [o for o in self.observations if o.indicator == indicator_id]


T = TypeVar("T")


def _by_id(items: Iterable[T], item_id: str, what: str) -> T:
    listed = list(items)
    for item in listed:
        if getattr(item, "id", None) == item_id:
            return item
    ids = [str(getattr(item, "id", "")) for item in listed]
    raise UnknownChoiceError(
        f"no {what} {item_id!r}; known: {', '.join(ids) or 'none'}", value=item_id, choices=ids
    )
