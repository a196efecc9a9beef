"""Figures the documents reason with, derived from their observations.

Never typed in by hand: the employment gap of København 2021 (77 % - 60 % = 17
percentage points) is computed here from the two observations, and so are
changes over time and shortfalls against targets. A gap is only derived from
observations of the same indicator, year and source (document and section);
where a group's figure has no such partner, a :class:`NotDerived` says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs

from kommuneintegration.i18n import _, format_number, period_label
from kommuneintegration.strategy.models import (
    Comparator,
    Indicator,
    Measure,
    Municipality,
    Observation,
    Strategy,
    TargetKind,
)
from kommuneintegration.strategy.series import CellKey, by_series, cell_key
from kommuneintegration.strategy.terms import KIND_LABELS, kind_label
from kommuneintegration.units import (
    difference_unit,
    format_value,
    quantity,
    relative_change_value,
)

__all__ = [
    "KIND_LABELS",
    "REFERENCE_GROUP",
    "DerivedFigure",
    "Disagreement",
    "NotDerived",
    "changes",
    "derive_all",
    "gaps",
    "kind_label",
    "reconcile",
    "shortfalls",
]

#: Gaps are stated against persons of Danish origin, as the strategies do.
REFERENCE_GROUP: Final = "danish-origin"


@attrs.frozen
class DerivedFigure:
    """A computed figure, with the observations it rests on.

    ``kind`` is "gap" (reference minus group, for rates such as employment:
    *gab*, a disadvantage), "difference" (group minus reference, for shares,
    such as the levels of education in Aalborg's table 1 or the share convicted
    of a crime: *forskel*, more than zero where the group's share is larger, so
    an over-representation reads as a positive number), "change" (first to last year of a series; ``value`` in
    percentage points for rates, ``relative`` in percent) or "shortfall"
    (target minus actual).
    """

    kind: str
    municipality: str
    strategy: str
    indicator: str
    group: str | None
    age_band: str | None
    year: int | None
    value: float
    unit: str
    inputs: tuple[Observation, ...]
    from_year: int | None = None
    reference_group: str | None = None
    relative: float | None = None
    target: str | None = None
    category: str = ""
    catalogue: str | None = None

    @property
    def quantity(self) -> Any:
        return quantity(self.value, self.unit)

    @property
    def decimals(self) -> int | None:
        """As many decimals as the most precise figure it rests on printed (39,0 - 20,3 = 18,7)."""
        printed = [o.decimals for o in self.inputs if o.decimals is not None]
        return max(printed) if printed else None

    @property
    def sources(self) -> tuple[str, ...]:
        """Each document the inputs come from, cited once with every place in it they stand."""
        places: dict[str, list[str]] = {}
        for obs in self.inputs:
            p = obs.provenance
            found = places.setdefault(p.cited.citation() if p.cited else p.document, [])
            found += [place for place in (p.section, *p.also) if place not in found]
        return tuple(f"{document}, {'; '.join(found)}" for document, found in places.items())

    def describe(self) -> str:
        value = format_value(
            round(self.value, 1),
            self.unit,
            words=True,
            signed=self.kind == "change",
            decimals=self.decimals,
        )
        text = value
        if self.relative is not None:
            text += f" ({format_number(self.relative, signed=True, decimals=1)} %)"
        return text


@attrs.frozen
class NotDerived:
    """A figure that was not derived, and why."""

    kind: str
    municipality: str
    strategy: str
    indicator: str
    group: str | None
    year: int | None
    reason: str
    inputs: tuple[Observation, ...] = ()


def _source(obs: Observation) -> tuple[str, str]:
    return (obs.provenance.document, obs.provenance.section)


def _sources(obs: Observation) -> list[tuple[str, str]]:
    """Every place the figure is stated, where a gap's two figures must come from one of.

    A document's figure is stated in a section (and maybe a footnote too): a gap
    pairs two figures of one table of a document. A figure of a series of its own
    (a Statbank table) is stated in that series, whatever query gave the cell.
    """
    if obs.series:
        return [(obs.series, "")]
    return [
        (obs.provenance.document, place) for place in (obs.provenance.section, *obs.provenance.also)
    ]


def _year_text(obs: Observation) -> str:
    if obs.period:
        return period_label(obs.period)
    return str(obs.year) if obs.year is not None else _("year not stated")


def gaps(
    municipality: Municipality, strategy: Strategy
) -> tuple[list[DerivedFigure], list[NotDerived]]:
    """Reference (Danish origin) minus each group for a rate (a gap), each group minus the
    reference for a share (a difference), per indicator, year, age band, category and source."""
    derived: list[DerivedFigure] = []
    missing: list[NotDerived] = []
    indicators = {i.id: i for i in strategy.indicators}
    by_indicator: dict[str, list[Observation]] = defaultdict(list)
    for obs in strategy.observations:
        by_indicator[obs.indicator].append(obs)
    for indicator_id, observations in by_indicator.items():
        indicator = indicators[indicator_id]
        if indicator.measure not in (Measure.RATE, Measure.SHARE) or indicator.unit != "percent":
            continue
        references = [o for o in observations if o.group == REFERENCE_GROUP]
        if not references:
            continue
        keyed = {
            (o.year, o.period, o.age_band, o.category, place): o
            for o in references
            for place in _sources(o)
        }
        for obs in observations:
            if obs.group == REFERENCE_GROUP:
                continue
            partner = next(
                (
                    keyed[key]
                    for place in _sources(obs)
                    if (key := (obs.year, obs.period, obs.age_band, obs.category, place)) in keyed
                ),
                None,
            )
            if partner is None:
                missing.append(_why_no_gap(municipality, strategy, indicator, obs, references))
                continue
            derived.append(_figure(municipality, strategy, indicator, partner, obs))
    return derived, missing


def _figure(
    municipality: Municipality,
    strategy: Strategy,
    indicator: Indicator,
    partner: Observation,
    obs: Observation,
) -> DerivedFigure:
    """The gap or difference between a group's figure and its reference's."""
    kind = _kind(indicator)
    # a gap is the disadvantage (77 % - 60 %); a difference how much larger the
    # group's share is (convicted: 5 % - 2 % = +3 percentage points)
    value = partner.value - obs.value if kind == "gap" else obs.value - partner.value
    return DerivedFigure(
        kind=kind,
        municipality=municipality.code,
        strategy=strategy.id,
        indicator=indicator.id,
        group=obs.group,
        age_band=str(obs.age_band) if obs.age_band else None,
        year=obs.year,
        value=round(value, 10),
        unit=difference_unit(indicator.unit),
        inputs=(partner, obs),
        reference_group=REFERENCE_GROUP,
        category=obs.category,
        catalogue="employment-gap" if indicator.catalogue == "employment-rate" else None,
    )


def _kind(indicator: Indicator) -> str:
    """ "gap" between rates (a disadvantage), "difference" between shares of a distribution."""
    return "gap" if indicator.measure is Measure.RATE else "difference"


def _why_no_gap(
    municipality: Municipality,
    strategy: Strategy,
    indicator: Indicator,
    obs: Observation,
    references: Sequence[Observation],
) -> NotDerived:
    nearest = min(
        references,
        key=lambda r: (
            r.year != obs.year,
            _source(r) != _source(obs),
            r.age_band != obs.age_band,
            r.category != obs.category,
        ),
    )
    reasons = []
    if (nearest.year, nearest.period) != (obs.year, obs.period):
        reasons.append(
            _("the Danish-origin figure is for {theirs}, this one for {ours}").format(
                theirs=_year_text(nearest), ours=_year_text(obs)
            )
        )
    if _source(nearest) != _source(obs):
        reasons.append(
            _("they come from different sources ({theirs} vs {ours})").format(
                theirs=nearest.provenance.section, ours=obs.provenance.section
            )
        )
    if nearest.age_band != obs.age_band:
        reasons.append(
            _("age {theirs} vs {ours}").format(
                theirs=nearest.age_band or _("not stated"), ours=obs.age_band or _("not stated")
            )
        )
    if nearest.category != obs.category:
        reasons.append(
            _("category {theirs} vs {ours}").format(
                theirs=repr(nearest.category) if nearest.category else _("total"),
                ours=repr(obs.category) if obs.category else _("total"),
            )
        )
    kind = _kind(indicator)
    return NotDerived(
        kind=kind,
        municipality=municipality.code,
        strategy=strategy.id,
        indicator=indicator.id,
        group=obs.group,
        year=obs.year,
        reason=_(
            "{kind} not computed: no Danish-origin figure of the same year and source; {reasons}"
        ).format(kind=kind_label(kind), reasons="; ".join(reasons)),
        inputs=(nearest, obs),
    )


def changes(municipality: Municipality, strategy: Strategy) -> list[DerivedFigure]:
    """First-to-last change of every series (:mod:`kommuneintegration.strategy.series`) with two years or more."""
    indicators = {i.id: i for i in strategy.indicators}
    result: list[DerivedFigure] = []
    for (indicator_id, _group, _age, category, _tag), points in by_series(
        strategy.observations
    ).items():
        if len({o.year for o in points}) < 2:
            continue
        group, age_band = points[0].group, points[0].age_band
        first, last = points[0], points[-1]
        indicator = indicators[indicator_id]
        value = last.value - first.value
        unit = difference_unit(indicator.unit)
        relative = relative_change_value(first.value, last.value) if first.value else None
        result.append(
            DerivedFigure(
                kind="change",
                municipality=municipality.code,
                strategy=strategy.id,
                indicator=indicator_id,
                group=group,
                age_band=str(age_band) if age_band else None,
                year=last.year,
                from_year=first.year,
                value=round(value, 10),
                unit=unit,
                relative=None if relative is None else round(relative, 10),
                inputs=tuple(points),
                category=category,
                catalogue=indicator.catalogue,
            )
        )
    return result


def shortfalls(municipality: Municipality, strategy: Strategy) -> list[DerivedFigure]:
    """Target minus actual for level targets that have an observation of their year (Aalborg's workforce)."""
    result: list[DerivedFigure] = []
    for target in strategy.targets:
        if target.kind is not TargetKind.LEVEL or target.year is None or target.indicator is None:
            continue
        actual = [
            o
            for o in strategy.observations_of(target.indicator)
            if o.year == target.year and (target.group is None or o.group == target.group)
        ]
        for obs in actual:
            assert target.value is not None
            assert target.unit is not None
            diff = target.value - obs.value
            unit = difference_unit(obs.unit)
            if target.comparator is Comparator.AT_MOST:
                diff = -diff
            result.append(
                DerivedFigure(
                    kind="shortfall",
                    municipality=municipality.code,
                    strategy=strategy.id,
                    indicator=target.indicator,
                    group=obs.group,
                    age_band=str(obs.age_band) if obs.age_band else None,
                    year=obs.year,
                    value=round(diff, 10),
                    unit=unit,
                    inputs=(obs,),
                    target=target.id,
                )
            )
    return result


def derive_all(
    pairs: Iterable[tuple[Municipality, Strategy]],
) -> tuple[list[DerivedFigure], list[NotDerived]]:
    """Every gap, change and shortfall of every strategy, and every gap that could not be derived."""
    derived: list[DerivedFigure] = []
    missing: list[NotDerived] = []
    for municipality, strategy in pairs:
        found, why = gaps(municipality, strategy)
        derived += found
        missing += why
        derived += changes(municipality, strategy)
        derived += shortfalls(municipality, strategy)
    return derived, missing


# --- figures that disagree ----------------------------------------------------------------


@attrs.frozen
class Disagreement:
    """Two or more figures for the same indicator, group, age band, category and year that differ.

    ``used`` is the figure the evaluation rests on (the document's own, when a
    document and an added file disagree: the first in the order given);
    ``others`` are the ones it left aside, each with its source.
    """

    indicator: str
    group: str | None
    age_band: str | None
    year: int
    used: Observation
    others: tuple[Observation, ...]
    municipality: str = ""
    strategy: str = ""

    def describe(self, group_label: Callable[[str | None], str] | None = None) -> str:
        """What disagrees, and which figure is used; ``group_label`` names the group in words."""

        def one(o: Observation) -> str:
            return f"{format_value(o.value, o.unit, decimals=o.decimals)} ({o.provenance})"

        group = (group_label(self.group) if group_label else self.group) or ""
        who = " ".join(p for p in (group, self.age_band or "", str(self.year)) if p)
        return _("figures disagree for {indicator}, {who}: used {used}; not used {others}").format(
            indicator=self.indicator,
            who=who,
            used=one(self.used),
            others="; ".join(one(o) for o in self.others),
        )


def reconcile(
    observations: Iterable[Observation],
) -> tuple[list[Observation], list[Disagreement]]:
    """One figure per indicator, group, age band, category and year; never a silent choice.

    Identical figures are merged (the first is kept). Figures that differ keep
    the first, in the order given, and each such choice is returned as a
    :class:`Disagreement`, for the evaluation's reason and the comparison to show.
    Figures without a year are kept as they are.
    """
    kept: list[Observation] = []
    groups: dict[CellKey, list[Observation]] = {}
    for obs in observations:
        if obs.year is None:
            kept.append(obs)
            continue
        same = groups.setdefault(cell_key(obs), [])
        if not same:
            kept.append(obs)
        if not any(o.value == obs.value and o.unit == obs.unit for o in same):
            same.append(obs)
    disagreements = [
        Disagreement(
            first.indicator,
            first.group,
            str(first.age_band) if first.age_band else None,
            first.year or 0,
            first,
            tuple(rest),
        )
        for first, *rest in groups.values()
        if rest
    ]
    return kept, disagreements
