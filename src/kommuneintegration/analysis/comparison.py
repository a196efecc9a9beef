"""Put the cities side by side, honestly.

For each catalogue indicator the comparison lines up every city's figures (and
the derived ones), then judges comparability: comparable when measure, target
group, age band and year match; otherwise each difference is listed in plain
words ("age 18-29 vs 16-64", "2022 vs 2021", "employment rate vs
wage-earner employment"). Beside them: which themes each strategy covers
(including declared but empty sections), how each city defines its target
group, and every target's evaluation.

:func:`compare` is the main job. It resolves everything a renderer needs (each
document's target group in words, group labels, municipality names, sources)
into the :class:`Comparison`, so renderers read it and nothing else; the JSON
shape documented in ``docs/comparison.md`` is
:func:`kommuneintegration.render.comparison_to_dict`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from kommuneintegration.analysis.cityfetch import city_bands
from kommuneintegration.analysis.evaluation import (
    Evaluations,
    TargetEvaluation,
    assessed,
    evaluate_all,
    merge_observations,
)
from kommuneintegration.errors import UnknownThemeError
from kommuneintegration.i18n import N_, _, language, period_label, pick, pinned
from kommuneintegration.municipalities import COUNTRY
from kommuneintegration.plugins.registry import Registry
from kommuneintegration.statbank import Fetched
from kommuneintegration.statbank.context import ContextRow, context_rows
from kommuneintegration.strategy.catalogue import CatalogueIndicator, Topic, catalogue, topics
from kommuneintegration.strategy.derive import (
    REFERENCE_GROUP,
    DerivedFigure,
    Disagreement,
    NotDerived,
    derive_all,
    kind_label,
    reconcile,
)
from kommuneintegration.strategy.models import (
    Indicator,
    Municipality,
    Observation,
    Strategy,
    ThemeStatus,
)
from kommuneintegration.strategy.series import SeriesKey, by_series
from kommuneintegration.units import format_value, unit_symbol
from kommuneintegration.words import spellings

if TYPE_CHECKING:  # the barometer is loaded only where a comparison puts it beside a city
    from kommuneintegration.barometer import BarometerRow, Inputs

__all__ = [
    "FIGURE_COLUMNS",
    "FIGURE_FIELDS",
    "FIGURE_HEADINGS",
    "FIGURE_KEY",
    "FIGURE_SCHEMA",
    "ROW_FIELDS",
    "SCHEMA_VERSION",
    "BarometerBeside",
    "CatalogueComparison",
    "Column",
    "Comparison",
    "Document",
    "GroupView",
    "IndicatorEntry",
    "PublishedFigure",
    "SeriesView",
    "ShortfallSeries",
    "ThemeCoverage",
    "compare",
    "differences",
    "documents",
    "figure_record",
    "observations_frame",
]

#: Bumped when the JSON shape changes incompatibly.
SCHEMA_VERSION: Final = 1
_CONTEXT_GROUPS: Final = frozenset({REFERENCE_GROUP, "all"})


@attrs.frozen
class Column:
    """One column of the figure row: its name in CSV, JSON and the frames, its heading in a
    workbook (a catalogue message), its type, and whether it is part of the row's key."""

    name: str
    order: int
    heading: str
    kind: type
    key: bool = False
    #: The attribute of :class:`IndicatorEntry` it reads ("" for a column of the catalogue row).
    attribute: str = ""


def _column(order: int, heading: str, kind: type, *, name: str = "", key: bool = False) -> Any:
    """An :class:`IndicatorEntry` field that is a column of the row schema (cattrs-like: the
    rows and headings are derived from the fields)."""
    return {"column": Column(name, order, heading, kind, key)}


@attrs.frozen
class IndicatorEntry:
    """One figure in a catalogue row: value, unit, year, group, age band and source.

    Its fields are the row schema (:data:`FIGURE_SCHEMA`): each column's name, order,
    workbook heading, type and place in the key is declared once, here, and the CSV, the
    JSON entries, both data frames and the workbook derive theirs from it.
    """

    municipality: str = attrs.field(metadata=_column(2, N_("Municipality code"), str, key=True))
    municipality_name: str = attrs.field(metadata=_column(3, N_("Municipality"), str))
    strategy: str = attrs.field(metadata=_column(4, N_("Document"), str, key=True))
    indicator: str = attrs.field(metadata=_column(5, N_("Indicator id"), str, key=True))
    label: str = attrs.field(metadata=_column(6, N_("Label"), str))
    concept: str = attrs.field(metadata=_column(7, N_("Concept id"), str))
    value: float = attrs.field(metadata=_column(17, N_("Value"), float))
    unit: str = attrs.field(metadata=_column(19, N_("Unit"), str))
    year: int | None = attrs.field(metadata=_column(14, N_("Year"), int, key=True))
    period: str = attrs.field(metadata=_column(15, N_("Period"), str, key=True))
    group: str | None = attrs.field(metadata=_column(9, N_("Group id"), str, key=True))
    group_label: str = attrs.field(metadata=_column(10, N_("Group"), str))
    group_definition: str = attrs.field(metadata=_column(11, N_("Group definition"), str))
    age_band: str | None = attrs.field(metadata=_column(12, N_("Age"), str, key=True))
    category: str = attrs.field(metadata=_column(13, N_("Category"), str, key=True))
    source: str = attrs.field(metadata=_column(23, N_("Source"), str))
    derived: bool = attrs.field(default=False, metadata=_column(20, N_("Derived"), bool, key=True))
    derivation: str = attrs.field(default="", metadata=_column(21, N_("Derivation"), str))
    note: str = attrs.field(default="", metadata=_column(22, N_("Note"), str))
    #: "at-most" where the source gives an upper bound ("op mod 20 %"), never a bare figure.
    bound: str | None = attrs.field(default=None, metadata=_column(18, N_("Bound"), str))
    #: The concept's label in the output language ("beskæftigelsesfrekvens"); ``concept``
    #: is its id in the closed catalogue ("employment-frequency"), "" where none is named.
    concept_label: str = attrs.field(default="", metadata=_column(8, N_("Concept"), str))
    #: The figure's ``series`` tag (a Statbank table), "" for a document's own figures.
    series_tag: str = attrs.field(
        default="", metadata=_column(16, N_("Series"), str, name="series", key=True)
    )
    #: The decimals the source printed ("39,0 %"), or ``None`` to show the digits as given.
    decimals: int | None = None

    @property
    def when(self) -> str:
        if self.year is not None and self.period and str(self.year) not in self.period:
            return f"{self.year} ({self.period})"
        return self.period or (str(self.year) if self.year is not None else _("year not stated"))

    @property
    def series_key(self) -> SeriesKey:
        """The series the figure belongs to, as :func:`kommuneintegration.strategy.series.series_key`."""
        return (
            self.indicator,
            self.group or "",
            self.age_band or "",
            self.category,
            self.series_tag,
        )

    @property
    def is_context(self) -> bool:
        """Figures for persons of Danish origin or all residents: the yardstick, not the target group."""
        return self.group in _CONTEXT_GROUPS


@attrs.frozen
class CatalogueComparison:
    """A catalogue indicator with every city's figures and the verdict on comparability."""

    indicator: CatalogueIndicator
    entries: tuple[IndicatorEntry, ...]
    comparable: bool
    differences: tuple[str, ...]
    not_derived: tuple[NotDerived, ...] = ()

    @property
    def municipalities(self) -> list[str]:
        return list(dict.fromkeys(e.municipality for e in self.entries))


@attrs.frozen
class ThemeCoverage:
    """Which documents of which city cover a topic, and whether the section is filled.

    ``coverage`` maps a municipality code to its sections on the topic:
    (strategy id, section label, status).
    """

    topic: Topic
    coverage: Mapping[str, tuple[tuple[str, str, ThemeStatus], ...]]

    @staticmethod
    def _verdict(found: Sequence[tuple[str, str, ThemeStatus]]) -> str:
        if any(s is ThemeStatus.FILLED for _, _, s in found):
            return "filled"
        return "placeholder" if found else "absent"

    def status(self, code: str) -> str:
        """ "filled", "placeholder" (declared but empty) or "absent", for one city."""
        return self._verdict(self.coverage.get(code, ()))

    def document_status(self, code: str, strategy_id: str) -> str:
        """The same verdict for one document of a city."""
        return self._verdict([c for c in self.coverage.get(code, ()) if c[0] == strategy_id])


@attrs.frozen
class GroupView:
    """A target group as a reader meets it: its Danish label and its definition in words."""

    id: str
    label: str
    definition: str
    reading: str = ""


@attrs.frozen
class Document:
    """One strategy document of one city, with the plugin that supplied it and its target group."""

    municipality: Municipality
    strategy: Strategy
    plugin: str | None
    target_group: GroupView | None
    #: The label, in the output language, of each concept the document's indicators name.
    concepts: Mapping[str, str] = attrs.field(factory=dict)
    #: The label, in the output language, of each target group its figures name.
    group_labels: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class SeriesView:
    """One series of a document's figures (:mod:`kommuneintegration.strategy.series`), resolved.

    ``label`` names it as a reader knows it (group label, age band, category, in the
    output language); ``points`` are its dated figures by year.
    """

    municipality: str
    strategy: str
    indicator: str
    key: SeriesKey
    label: str
    points: tuple[Observation, ...]

    @property
    def years(self) -> int:
        """How many years the series has figures for."""
        return len({o.year for o in self.points})


@attrs.frozen
class ShortfallSeries:
    """A city's level targets against what it reached, year by year (Aalborg's workforce)."""

    municipality: str
    strategy: str
    indicator: str
    #: The derived shortfalls, by year; each one's first input is the figure reached.
    figures: tuple[DerivedFigure, ...]
    #: The target value for each figure's year.
    targets: tuple[float, ...]


@attrs.frozen
class PublishedFigure:
    """The Integrationsbarometer's own figure for the whole country, as the national plugin
    carries it (its 1.1 and 1.2 share the barometer's catalogue ids)."""

    label: str
    value: float
    unit: str
    year: int | None
    age_band: str | None
    source: str


@attrs.frozen
class BarometerBeside:
    """A compared city's barometer figure beside its own targets on the same catalogue
    indicator and the barometer's published national figure."""

    row: BarometerRow
    targets: tuple[TargetEvaluation, ...]
    national: tuple[PublishedFigure, ...]


@attrs.frozen
class Comparison:
    """The whole side-by-side view, resolved; render it with :mod:`kommuneintegration.render`.

    ``groups`` holds every target group a figure, target or document names, so
    renderers never look anything up in the plugins' registry.
    """

    municipalities: tuple[Municipality, ...]
    documents: tuple[Document, ...]
    groups: Mapping[str, GroupView]
    indicators: tuple[CatalogueComparison, ...]
    themes: tuple[ThemeCoverage, ...]
    #: The evaluated targets, with each Integrationsbarometer goal's movement computed once.
    evaluations: Evaluations
    derived: tuple[DerivedFigure, ...]
    not_derived: tuple[NotDerived, ...]
    #: Figures for the same indicator, group, age band and year that differ: flagged, never hidden.
    disagreements: tuple[Disagreement, ...] = ()
    #: Statistics Denmark's figures for each city beside the country and its kommunegruppe.
    context: tuple[ContextRow, ...] = ()
    #: Every series of every compared document's own figures, grouped once, here.
    series: tuple[SeriesView, ...] = ()
    #: Level targets against what was reached, by city, document and indicator.
    shortfalls: tuple[ShortfallSeries, ...] = ()
    #: Each compared city's barometer from the Statbank cache (see kommuneintegration.barometer),
    #: beside its own targets; and how many of the 98 municipalities its ranks rest on.
    barometer: tuple[BarometerBeside, ...] = ()
    barometer_covered: int = 0
    #: The language it was compared in: its plugins' prose is in it, and the renderers
    #: write in it (:func:`kommuneintegration.i18n.written_in`).
    language: str = "da"

    def strategies(self, code: str) -> tuple[Strategy, ...]:
        return tuple(d.strategy for d in self.documents if d.municipality.code == code)

    def to_frame(self) -> Any:
        """The figures side by side as a tidy pandas DataFrame: one row per figure.

        The columns are :data:`FIGURE_COLUMNS`, as the CSV writes them; labels are in
        the output language. Needs pandas (``pip install kommuneintegration[frames]``).
        """
        return _frame(
            [
                figure_record(e, row.indicator.id, row.comparable)
                for row in self.indicators
                for e in row.entries
            ]
        )

    def name(self, code: str) -> str:
        """A compared municipality's name by its code."""
        for m in self.municipalities:
            if m.code == code:
                return m.name
        return code

    def group_label(self, group_id: str | None) -> str:
        """A group's label in the output language, or its id if no plugin defines it."""
        group = self.groups.get(group_id or "")
        return group.label if group is not None else group_id or ""


#: The columns a figure takes from its catalogue row rather than from itself.
_ROW_COLUMNS: Final = (
    Column("catalogue", 0, N_("Indicator"), str),
    Column("comparable", 1, N_("Comparable"), bool),
)


def _schema() -> tuple[Column, ...]:
    columns = list(_ROW_COLUMNS)
    for field in attrs.fields(IndicatorEntry):
        column = field.metadata.get("column")
        if column is not None:
            columns.append(
                attrs.evolve(column, name=column.name or field.name, attribute=field.name)
            )
    return tuple(sorted(columns, key=lambda c: c.order))


#: One figure as every tabular output writes it, in order: the CSV's header, a JSON entry
#: (without the catalogue row's two), the columns of both data frames and the workbook's
#: headings, all derived from :class:`IndicatorEntry`'s fields.
FIGURE_SCHEMA: Final = _schema()
FIGURE_FIELDS: Final[tuple[tuple[str, type], ...]] = tuple((c.name, c.kind) for c in FIGURE_SCHEMA)
#: The names of :data:`FIGURE_FIELDS`, in order.
FIGURE_COLUMNS: Final = tuple(c.name for c in FIGURE_SCHEMA)
#: The fields that tell two figures apart: together, a key of both data frames (Aalborg's
#: highest completed education has a row per level, told apart by ``category``).
FIGURE_KEY: Final = tuple(c.name for c in FIGURE_SCHEMA if c.key)
#: The fields a figure takes from its catalogue row rather than from itself.
ROW_FIELDS: Final = tuple(c.name for c in _ROW_COLUMNS)
#: Each column's heading in a workbook (catalogue messages, shown in the output language).
FIGURE_HEADINGS: Final = {c.name: c.heading for c in FIGURE_SCHEMA}
#: The pandas dtype of each column: nullable, so missing stays missing (NA) whatever
#: the rows hold, and both frames have the same types.
_FRAME_TYPES: Final = {
    name: {str: "string", int: "Int64", float: "float64", bool: "boolean"}[kind]
    for name, kind in FIGURE_FIELDS
} | {"derived": "bool"}


def figure_record(
    e: IndicatorEntry, catalogue: str | None = None, comparable: bool | None = None
) -> dict[str, Any]:
    """One figure as a record of :data:`FIGURE_FIELDS`; empty text is missing (None), not ""."""
    row = {"catalogue": catalogue, "comparable": comparable}
    record = {
        c.name: getattr(e, c.attribute) if c.attribute else row[c.name] for c in FIGURE_SCHEMA
    }
    return {k: (None if v == "" else v) for k, v in record.items()}


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise RuntimeError(
            "data frames need pandas: pip install 'kommuneintegration[frames]'"
        ) from exc
    return pd


def _frame(records: list[dict[str, Any]]) -> Any:
    return _pandas().DataFrame(records, columns=FIGURE_COLUMNS).astype(_FRAME_TYPES)


@pinned
def observations_frame(registry: Registry) -> Any:
    """Every figure every loaded plugin supplies, as a tidy pandas DataFrame.

    One row per observation, with the columns of :meth:`Comparison.to_frame`
    (:data:`FIGURE_COLUMNS`); "catalogue" is the indicator's catalogue id,
    "comparable" is missing (nothing is compared here), "derived" is False.
    """
    registry = registry.in_language(language())
    records = []
    describe = functools.cache(registry.describe_group)
    for municipality, strategy in registry.all_strategies():
        for obs in strategy.observations:
            indicator = strategy.indicator(obs.indicator)
            entry = _entry(municipality, strategy, indicator, obs, registry, describe)
            records.append(figure_record(entry, indicator.catalogue))
    return _frame(records)


def _group_view(registry: Registry, group_id: str | None) -> GroupView:
    label, definition = registry.describe_group(group_id)
    group = registry.target_groups.get(group_id or "")
    return GroupView(group_id or "", label, definition, group.reading if group else "")


@pinned
def documents(registry: Registry, codes: Iterable[str]) -> tuple[Document, ...]:
    """The strategy documents of these municipalities, target groups resolved into words."""
    registry = registry.in_language(language())
    found: list[Document] = []
    for code in codes:
        municipality = registry.municipalities[code]
        for strategy in registry.strategies.get(code, ()):
            gid = strategy.target_group
            group = _group_view(registry, gid) if gid in registry.target_groups else None
            concepts = {
                i.concept: registry.concept_label(i.concept)
                for i in strategy.indicators
                if i.concept
            }
            named = {o.group for o in strategy.observations if o.group}
            labels = {g: registry.describe_group(g)[0] for g in sorted(named)}
            found.append(
                Document(municipality, strategy, registry.owners.get(code), group, concepts, labels)
            )
    return tuple(found)


def _entry(
    municipality: Municipality,
    strategy: Strategy,
    indicator: Indicator,
    obs: Observation,
    registry: Registry,
    describe: Callable[[str | None], tuple[str, str]],
) -> IndicatorEntry:
    """One figure as a row; ``describe`` is the registry's ``describe_group``, remembered."""
    group_label, group_definition = describe(obs.group)
    return IndicatorEntry(
        municipality=municipality.code,
        municipality_name=municipality.name,
        strategy=strategy.id,
        indicator=indicator.id,
        label=pick(indicator.label, indicator.label_en),
        concept=indicator.concept,
        concept_label=registry.concept_label(indicator.concept),
        value=obs.value,
        unit=obs.unit,
        year=obs.year,
        period=period_label(obs.period),
        group=obs.group,
        group_label=group_label,
        group_definition=group_definition,
        age_band=str(obs.age_band) if obs.age_band else None,
        category=obs.category,
        source=str(obs.provenance),
        note=obs.note,
        bound=obs.bound.value if obs.bound else None,
        series_tag=obs.series,
        decimals=obs.decimals,
    )


def _derived_entry(
    fig: DerivedFigure,
    registry: Registry,
    strategies: Mapping[str, Strategy],
    describe: Callable[[str | None], tuple[str, str]],
) -> IndicatorEntry:
    strategy = strategies[fig.strategy]
    indicator = strategy.indicator(fig.indicator)
    ref, grp = fig.inputs[0], fig.inputs[-1]
    group_label, group_definition = describe(fig.group)
    return IndicatorEntry(
        municipality=fig.municipality,
        municipality_name=registry.municipalities[fig.municipality].name,
        strategy=fig.strategy,
        indicator=fig.indicator,
        label=f"{kind_label(fig.kind)}: {pick(indicator.label, indicator.label_en)}",
        concept=indicator.concept,
        concept_label=registry.concept_label(indicator.concept),
        value=fig.value,
        unit=fig.unit,
        year=fig.year,
        period=period_label(grp.period),
        group=fig.group,
        group_label=group_label,
        group_definition=group_definition,
        age_band=fig.age_band,
        category=fig.category,
        source="; ".join(fig.sources),
        derived=True,
        decimals=fig.decimals,
        derivation=_("{reference} ({reference_group}) - {value} ({group}) = {difference}").format(
            reference=format_value(ref.value, ref.unit, decimals=ref.decimals),
            reference_group=describe(ref.group)[0],
            value=format_value(grp.value, grp.unit, decimals=grp.decimals),
            group=group_label,
            difference=format_value(fig.value, fig.unit, words=True, decimals=fig.decimals),
        ),
    )


def differences(a: IndicatorEntry, b: IndicatorEntry) -> list[str]:
    """What differs between two figures, in plain words (empty when comparable)."""
    found: list[str] = []
    versus = _("{a} vs {b}")
    if a.concept != b.concept:  # ids of the closed catalogue, shown by their labels
        found.append(
            versus.format(
                a=a.concept_label or _("not stated"), b=b.concept_label or _("not stated")
            )
        )
    if a.group_definition != b.group_definition:
        found.append(versus.format(a=a.group_definition, b=b.group_definition))
    if a.age_band != b.age_band:
        found.append(
            _("age {theirs} vs {ours}").format(
                theirs=a.age_band or _("not stated"), ours=b.age_band or _("not stated")
            )
        )
    if a.when != b.when:
        found.append(versus.format(a=a.when, b=b.when))
    if a.unit != b.unit:
        found.append(
            versus.format(a=unit_symbol(a.unit, words=True), b=unit_symbol(b.unit, words=True))
        )
    if a.category != b.category:
        # categories are labels ("Grundskole"), written without quotation marks
        found.append(
            _("category {a} vs {b}").format(a=a.category or _("total"), b=b.category or _("total"))
        )
    return found


def _best_pair(
    first: Sequence[IndicatorEntry], second: Sequence[IndicatorEntry]
) -> tuple[IndicatorEntry, IndicatorEntry]:
    def key(pair: tuple[IndicatorEntry, IndicatorEntry]) -> tuple[int, int]:
        a, b = pair
        return (len(differences(a, b)), -min(a.year or 0, b.year or 0))

    return min(itertools.product(first, second), key=key)


def _in_time_order(entries: Sequence[IndicatorEntry]) -> list[IndicatorEntry]:
    """Each city's figures together, in the cities' order, oldest first (a figure without a
    year after those with one); figures of one year keep their documents' order. Every
    format then shows 2012 before 2021, the derived gaps beside their city's figures."""
    cities = {code: i for i, code in enumerate(dict.fromkeys(e.municipality for e in entries))}
    return sorted(
        entries,
        key=lambda e: (cities[e.municipality], e.year is None, e.year or 0),
    )


def _judge(entries: Sequence[IndicatorEntry]) -> tuple[bool, tuple[str, ...]]:
    by_city: dict[str, list[IndicatorEntry]] = {}
    for entry in entries:
        by_city.setdefault(entry.municipality, []).append(entry)
    if len(by_city) < 2:
        names = ", ".join(e[0].municipality_name for e in by_city.values()) or _("no city")
        return False, (
            _("only {names} has figures for this indicator: nothing to compare with").format(
                names=names
            ),
        )
    notes: list[str] = []
    comparable = True
    for (_left_code, left), (_right_code, right) in itertools.combinations(
        sorted(by_city.items()), 2
    ):
        left_main = [e for e in left if not e.is_context] or left
        right_main = [e for e in right if not e.is_context] or right
        a, b = _best_pair(left_main, right_main)
        diff = differences(a, b)
        if diff:
            comparable = False
            notes.append(
                _("{a} vs {b}").format(a=a.municipality_name, b=b.municipality_name)
                + ": "
                + "; ".join(diff)
            )
        else:
            notes.append(
                _("{a} vs {b}").format(a=a.municipality_name, b=b.municipality_name)
                + ": "
                + _("same measure, group, age band and year")
            )
    return comparable, tuple(notes)


def _wanted_municipalities(
    registry: Registry, wanted: Iterable[str] | None
) -> tuple[Municipality, ...]:
    if wanted is None:
        return tuple(registry.municipalities.values())
    found = {m.code: m for m in (registry.municipality(w) for w in wanted)}
    return tuple(found.values())  # in the order asked


def _wanted_topics(wanted: Iterable[str] | None) -> set[str] | None:
    if wanted is None:
        return None
    known = topics()
    chosen: set[str] = set()
    for text in wanted:
        keys = spellings(text)
        match = [t.id for t in known.values() if keys & _topic_names(t)]
        if not match:
            listed = ", ".join(f"{t.id} ({t.label})" for t in known.values())
            raise UnknownThemeError(
                _("unknown theme {value}; known: {known}").format(value=repr(text), known=listed),
                value=text,
                choices=list(known),
            )
        chosen.update(match)
    return chosen


_SMALL_WORDS: Final = frozenset({"og", "and", "of", "i", "in", "the"})


def _topic_names(topic: Topic) -> frozenset[str]:
    """What a user may type for a theme: its id, its Danish or English name, or a word of either.

    "-t bolig" finds "bolig og bosætning", "-t housing" finds "housing and settlement".
    """
    names = {topic.id, topic.label, topic.label_en}
    names |= {
        w for n in (topic.label, topic.label_en) for w in n.split() if w.lower() not in _SMALL_WORDS
    }
    return frozenset(k for n in names for k in spellings(n))


@pinned
def compare(
    registry: Registry,
    *,
    municipalities: Iterable[str] | None = None,
    themes: Iterable[str] | None = None,
    extra_observations: Mapping[str, Sequence[Observation]] | None = None,
    as_of: int | None = None,
    fetched: Fetched | None = None,
    barometer_inputs: Inputs | None = None,
) -> Comparison:
    """Compare the loaded cities (all, or those named by code or name), optionally on some themes.

    ``fetched`` adds Statistics Denmark's figures (:func:`kommuneintegration.statbank.cached`):
    the plugins' indicators' figures are used by the evaluation, each in a series of
    its own, and the panel puts each city beside the whole country and its
    kommunegruppe. They are not lined up in the document figures' rows.
    ``barometer_inputs`` (:func:`kommuneintegration.barometer.load_inputs`) adds each
    city's barometer, beside its own targets on the same indicator.

    Everything is in the output language (:func:`kommuneintegration.i18n.language`),
    the plugins' prose too where they translate it.
    """
    registry = registry.in_language(language())
    cities = _wanted_municipalities(registry, municipalities)
    chosen_topics = _wanted_topics(themes)
    extra = extra_observations or {}
    pairs = _chosen_strategies(registry, cities, extra)
    fetched_figures = fetched.observations if fetched is not None else {}
    derived, not_derived = _derived(pairs, fetched_figures)
    by_id = {s.id: s for _, s in pairs}
    disagreements = _disagreements(pairs)
    entries = _catalogue_entries(registry, pairs, derived, by_id)
    rows = _catalogue_rows(entries, chosen_topics, not_derived, by_id)
    coverage = _theme_coverage(pairs, chosen_topics)
    for_evaluation = merge_observations(extra, fetched_figures)
    evaluations = _evaluations(registry, for_evaluation, as_of, cities, chosen_topics)
    context = _context(registry, cities, fetched)
    named = {e.group for row in rows for e in row.entries} | {c.group for c in context}
    named |= {n.group for n in not_derived} | {d.group for d in derived}
    named |= {row.target.group for row in evaluations}
    named |= {s.target_group for _, s in pairs}
    docs = documents(registry, [m.code for m in cities])
    return Comparison(
        municipalities=cities,
        documents=docs,
        groups=_group_views(registry, named),
        indicators=tuple(rows),
        themes=tuple(coverage),
        evaluations=assessed(evaluations),
        derived=tuple(derived),
        not_derived=tuple(not_derived),
        disagreements=tuple(disagreements),
        context=tuple(context),
        series=_series_views(docs),
        shortfalls=_shortfall_series(docs, derived),
        language=language(),
        **_barometer_beside(registry, cities, evaluations, barometer_inputs),
    )


def _chosen_strategies(
    registry: Registry,
    cities: Sequence[Municipality],
    extra: Mapping[str, Sequence[Observation]],
) -> list[tuple[Municipality, Strategy]]:
    """The chosen cities' documents, in the order the cities were asked for, each with the
    extra figures given for its own indicators."""
    codes = {m.code for m in cities}
    order = {m.code: n for n, m in enumerate(cities)}
    pairs = sorted(
        ((m, s) for m, s in registry.all_strategies() if m.code in codes),
        key=lambda pair: order[pair[0].code],
    )
    if extra:
        pairs = [(m, _with_extra(s, extra.get(m.code, ()))) for m, s in pairs]
    return pairs


def _derived(
    pairs: Sequence[tuple[Municipality, Strategy]],
    fetched_figures: Mapping[str, Sequence[Observation]],
) -> tuple[list[DerivedFigure], list[NotDerived]]:
    """The gaps and changes derived, and why others could not be.

    They are derived from every figure, Statistics Denmark's too (each within its own
    series); the rows of figures side by side stay the documents' own and the CSV file's.
    """
    return derive_all([(m, _with_extra(s, fetched_figures.get(m.code, ()))) for m, s in pairs])


def _disagreements(pairs: Sequence[tuple[Municipality, Strategy]]) -> list[Disagreement]:
    """Each document's figures for the same thing that disagree, with whose they are."""
    return [
        attrs.evolve(d, municipality=m.code, strategy=s.id)
        for m, s in pairs
        for d in reconcile(s.observations)[1]
    ]


def _catalogue_entries(
    registry: Registry,
    pairs: Sequence[tuple[Municipality, Strategy]],
    derived: Sequence[DerivedFigure],
    by_id: Mapping[str, Strategy],
) -> dict[str, list[IndicatorEntry]]:
    """Per catalogue indicator, the documents' figures on it and the gaps derived for it."""
    cat = catalogue()
    entries: dict[str, list[IndicatorEntry]] = {cid: [] for cid in cat}
    describe = functools.cache(registry.describe_group)  # once per group, not per figure
    for municipality, strategy in pairs:
        indicators = {i.id: i for i in strategy.indicators}
        for obs in strategy.observations:
            indicator = indicators[obs.indicator]
            if indicator.catalogue is not None:
                entries[indicator.catalogue].append(
                    _entry(municipality, strategy, indicator, obs, registry, describe)
                )
    for fig in derived:
        if fig.kind == "gap" and fig.catalogue in entries:
            entries[fig.catalogue].append(_derived_entry(fig, registry, by_id, describe))
    return entries


def _catalogue_rows(
    entries: Mapping[str, Sequence[IndicatorEntry]],
    chosen_topics: set[str] | None,
    not_derived: Sequence[NotDerived],
    by_id: Mapping[str, Strategy],
) -> list[CatalogueComparison]:
    """A row per catalogue indicator with figures (on the chosen themes), judged comparable
    or not, with the reasons a figure on it could not be derived."""
    cat = catalogue()
    rows: list[CatalogueComparison] = []
    for cid, found in entries.items():
        item = cat[cid]
        if not found:
            continue
        if chosen_topics is not None and not chosen_topics & set(item.topics):
            continue
        comparable, notes = _judge(found)  # on each city's figures as its documents give them
        source_id = item.derived_from
        why = tuple(n for n in not_derived if source_id and _maps_to(by_id, n, source_id))
        rows.append(CatalogueComparison(item, tuple(_in_time_order(found)), comparable, notes, why))
    return rows


def _theme_coverage(
    pairs: Sequence[tuple[Municipality, Strategy]], chosen_topics: set[str] | None
) -> list[ThemeCoverage]:
    """Per topic (the chosen ones), which documents of each city cover it and how."""
    coverage = []
    for topic in topics().values():
        if chosen_topics is not None and topic.id not in chosen_topics:
            continue
        per_city: dict[str, tuple[tuple[str, str, ThemeStatus], ...]] = {}
        for municipality, strategy in pairs:
            hits = tuple(
                (strategy.id, t.label, t.status) for t in strategy.themes if topic.id in t.topics
            )
            if hits:
                per_city[municipality.code] = per_city.get(municipality.code, ()) + hits
        coverage.append(ThemeCoverage(topic, per_city))
    return coverage


def _evaluations(
    registry: Registry,
    observations: Mapping[str, Sequence[Observation]],
    as_of: int | None,
    cities: Sequence[Municipality],
    chosen_topics: set[str] | None,
) -> list[TargetEvaluation]:
    """Every target of the chosen cities' documents judged (those on the chosen themes)."""
    evaluations = evaluate_all(registry, observations, as_of, [m.code for m in cities])
    if chosen_topics is not None:
        evaluations = [e for e in evaluations if _target_topics(e) & chosen_topics]
    return evaluations


def _context(
    registry: Registry, cities: Sequence[Municipality], fetched: Fetched | None
) -> list[ContextRow]:
    """Each city beside the whole country and its kommunegruppe (none without figures)."""
    if fetched is None:
        return []
    return context_rows(
        fetched.panel, cities, {m.code: city_bands(registry, m.code) for m in cities}
    )


def _group_views(registry: Registry, named: Iterable[str | None]) -> dict[str, GroupView]:
    """The target groups the comparison names, in words, in the order of their ids."""
    return {
        gid: _group_view(registry, gid)
        for gid in sorted(g for g in named if g is not None)
        if gid in registry.target_groups
    }


def _barometer_beside(
    registry: Registry,
    cities: Sequence[Municipality],
    evaluations: Sequence[TargetEvaluation],
    inputs: Inputs | None,
) -> dict[str, Any]:
    codes = [m.code for m in cities if m.code != COUNTRY]
    if inputs is None or inputs.empty or not codes:
        return {}
    from kommuneintegration.barometer import barometer

    result = barometer(codes, inputs=inputs)
    national: dict[str, list[PublishedFigure]] = {}
    for strategy in registry.strategies.get(COUNTRY, ()):
        for indicator in strategy.indicators:
            points = [o for o in strategy.observations_of(indicator.id) if o.year is not None]
            if indicator.catalogue is None or not points:
                continue
            latest = max(points, key=lambda o: o.year or 0)
            cited = latest.provenance.cited
            national.setdefault(indicator.catalogue, []).append(
                PublishedFigure(
                    label=pick(indicator.label, indicator.label_en or indicator.label),
                    value=latest.value,
                    unit=latest.unit,
                    year=latest.year,
                    age_band=str(indicator.age_band) if indicator.age_band else None,
                    source=cited.citation() if cited else latest.provenance.document,
                )
            )
    beside = []
    for row in result.rows:
        if row.indicator.sex:
            continue  # men and women apart are the barometer's own output, not compare's
        targets = tuple(
            e
            for e in evaluations
            if e.municipality.code == row.municipality
            and e.target.indicator
            and e.strategy.indicator(e.target.indicator).catalogue == row.indicator.id
        )
        national_figures = national.get(row.indicator.id, ())
        if row.indicator.group != "non-western":
            national_figures = ()
        beside.append(BarometerBeside(row, targets, tuple(national_figures)))
    return {"barometer": tuple(beside), "barometer_covered": result.covered}


def _series_views(docs: Iterable[Document]) -> tuple[SeriesView, ...]:
    views: list[SeriesView] = []
    for doc in docs:
        for key, points in by_series(doc.strategy.observations).items():
            indicator, group, age_band, category, _tag = key
            label = " ".join(
                p for p in (doc.group_labels.get(group, group), age_band, category) if p
            )
            views.append(
                SeriesView(
                    doc.municipality.code, doc.strategy.id, indicator, key, label, tuple(points)
                )
            )
    return tuple(views)


def _shortfall_series(
    docs: Iterable[Document], derived: Iterable[DerivedFigure]
) -> tuple[ShortfallSeries, ...]:
    strategies = {(d.municipality.code, d.strategy.id): d.strategy for d in docs}
    rows: dict[tuple[str, str, str], list[DerivedFigure]] = {}
    for figure in derived:
        if figure.kind == "shortfall":
            rows.setdefault((figure.municipality, figure.strategy, figure.indicator), []).append(
                figure
            )
    found = []
    for (code, strategy_id, indicator), figures in rows.items():
        strategy = strategies[(code, strategy_id)]
        targets = tuple(strategy.target(f.target or "").value or 0 for f in figures)
        found.append(ShortfallSeries(code, strategy_id, indicator, tuple(figures), targets))
    return tuple(found)


def _maps_to(strategies: Mapping[str, Strategy], note: NotDerived, catalogue_id: str) -> bool:
    strategy = strategies.get(note.strategy)
    return strategy is not None and strategy.indicator(note.indicator).catalogue == catalogue_id


def _with_extra(strategy: Strategy, extra: Sequence[Observation]) -> Strategy:
    known = {i.id for i in strategy.indicators}
    more = tuple(o for o in extra if o.indicator in known)
    return attrs.evolve(strategy, observations=strategy.observations + more) if more else strategy


def _target_topics(row: TargetEvaluation) -> set[str]:
    found: set[str] = set()
    strategy, target = row.strategy, row.target
    if target.goal:
        goal = strategy.goal(target.goal)
        for theme in strategy.themes:
            if theme.id == goal.theme:
                found.update(theme.topics)
    if target.indicator:
        cid = strategy.indicator(target.indicator).catalogue
        if cid:
            found.update(catalogue()[cid].topics)
    return found
