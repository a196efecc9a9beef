"""The rules every installation has: ``default`` and the Integrationsbarometer's ``barometer``.

``default`` evaluates the kinds of target in the model (level, change,
direction, reference, unspecified); ``barometer`` is the Integrationsbarometer's
movement rule (rounded latest value against the baseline: positive, unchanged
or negative; the majority decides over three indicators). They reach the
engine the way plugin rules do, through the ``evaluation_rules`` hook of the
default plugin the host always loads, so nothing special-cases them.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.i18n import N_, _, pick
from kommuneintegration.rules import (
    Evaluation,
    EvaluationRule,
    Progress,
    ProgressStatus,
    RuleContext,
    Status,
    combine,
    distance_to_target,
    endpoints,
    figure,
    met,
    observed,
    series,
    trail,
)
from kommuneintegration.strategy.models import (
    Comparator,
    Direction,
    Observation,
    Target,
    TargetKind,
)
from kommuneintegration.strategy.terms import Movement, movement_label
from kommuneintegration.units import UnitError, difference_unit, relative_change_value

__all__ = [
    "BAROMETER_RULE",
    "BUILTIN_RULES",
    "DEFAULT_RULE",
    "GOAL_CHOICES",
    "Movement",
    "barometer_goal",
    "barometer_movement",
    "barometer_rule",
    "default_rule",
    "goal_choice",
]


def _judged_on(statuses: Sequence[Status]) -> str:
    """How the verdicts of many series were put together, said once, where there are several."""
    if len(statuses) < 2:
        return ""
    judged = sum(1 for s in statuses if s is not Status.NOT_EVALUABLE)
    text = "; " + _("every series must meet the target")
    if judged == 0:
        text += "; " + _("none of the series has usable figures")
    elif judged < len(statuses):
        text += "; " + _(
            "judged on {judged} of {total} series, the others have no usable figures"
        ).format(judged=judged, total=len(statuses))
    return text


def _failing(parts: Sequence[tuple[str, str, Status]], closed: bool) -> str:
    """Where some series meet the target and some do not: name the ones that do not."""
    bad = [
        label for label, _text, status in parts if status in (Status.MISSED, Status.NOT_ON_TRACK)
    ]
    good = [label for label, _text, status in parts if status in (Status.ACHIEVED, Status.ON_TRACK)]
    if bad and good:
        return "; " + _("not met by {series}").format(series=", ".join(bad))
    return ""


def _verdict(
    parts: Sequence[tuple[str, str, Status]], context: RuleContext, target: Target, progress: str
) -> Evaluation:
    statuses = [status for _label, _text, status in parts]
    closed = context.closed(target)
    status = combine(statuses, closed=closed)
    reason = _joined([(label, text) for label, text, _status in parts])
    reason += _failing(parts, closed) + _judged_on(statuses)
    return Evaluation(status, reason, progress=progress)


def _no_deadline_figure(target: Target, points: Sequence[Observation], goal: str) -> str:
    latest = points[-1]
    return _(
        "no figure for the deadline {deadline}; the latest before it is {value} in {year}{goal}"
    ).format(
        deadline=target.year,
        value=observed(latest),
        year=latest.year,
        goal=(" " + _("against {goal}").format(goal=goal)) if goal else "",
    )


def _distance_of(target: Target, series_: Mapping[str, list[Observation]]) -> Progress | None:
    """The second method over the series: the worst verdict of those it can assess."""
    if target.value is None or target.year is None:
        return None
    found: list[tuple[str, Progress]] = []
    for label, every in series_.items():
        points = [o for o in every if (o.year or 0) <= target.year]
        ends = endpoints(target, points)
        if isinstance(ends, str):
            continue
        base, latest = ends
        level = _goal_level(target, base)
        found.append(
            (label, distance_to_target(base, latest, level, target.year, target.comparator))
        )
    if not found:
        return Progress(
            ProgressStatus.NOT_ASSESSABLE,
            None,
            _("{method}: needs two figures in different years before the deadline").format(
                method=_("distance to target (Statistics Canada)")
            ),
        )
    order = list(ProgressStatus)
    label, worst = max(
        found,
        key=lambda item: (
            order.index(item[1].status)
            if item[1].status is not ProgressStatus.NOT_ASSESSABLE
            else -1
        ),
    )
    if len(found) > 1:
        return attrs.evolve(worst, reason=f"{label}: {worst.reason}")
    return worst


def _goal_level(target: Target, base: Observation) -> float:
    """The level a target asks for: its value, or for a change the baseline moved by it."""
    assert target.value is not None
    if target.kind is not TargetKind.CHANGE:
        return target.value
    if target.unit == "percent":  # a relative change
        return base.value * (1 + target.value / 100)
    return base.value + target.value


def _gap(value: float, goal: float, comparator: Comparator | None, unit: str) -> str:
    """How a figure stands against its goal: met, short of a floor, or over a ceiling."""
    if met(value, goal, comparator):
        return _("met")
    amount = figure(round(abs(value - goal), 6), difference_unit(unit))
    if comparator is Comparator.AT_MOST:
        return _("over the limit by {amount}").format(amount=amount)
    if comparator is Comparator.EQUAL:
        return _("off by {amount}").format(amount=amount)
    return _("short by {amount}").format(amount=amount)


def _level(
    target: Target, series_: Mapping[str, list[Observation]], context: RuleContext
) -> Evaluation:
    assert target.value is not None
    assert target.unit is not None
    goal = (
        f"{_words(target.comparator)} {figure(target.value, target.unit, target.decimals)}".strip()
    )
    closed = context.closed(target)
    parts: list[tuple[str, str, Status]] = []
    for label, every in series_.items():
        text, status = _level_of(target, every, goal, closed)
        parts.append((label, text, status))
    return _verdict(parts, context, target, progress=_progress(series_))


def _level_of(
    target: Target, every: Sequence[Observation], goal: str, closed: bool
) -> tuple[str, Status]:
    """One series against a level target: the figure of its year (or the latest), and
    before the deadline whether it is reached already or on the trend."""
    assert target.value is not None
    assert target.unit is not None
    # A target is judged on figures up to its deadline; later ones are shown, not used.
    points = [o for o in every if target.year is None or (o.year or 0) <= target.year]
    if not points:
        return (
            _("only figures after the deadline {year} ({trail})").format(
                year=target.year, trail=trail(every)
            ),
            Status.NOT_EVALUABLE,
        )
    at = [o for o in points if o.year == target.year] if target.year is not None else []
    latest = at[-1] if at else points[-1]
    reached = met(latest.value, target.value, target.comparator)
    if target.year is None or at:
        if reached:
            status = Status.ACHIEVED
        else:
            status = Status.MISSED if closed or at else Status.NOT_ON_TRACK
        when = (_("in {year}") if at else _("latest figure {year}")).format(year=latest.year)
        text = _("{value} {when} against {goal}: {verdict}").format(
            value=observed(latest),
            when=when,
            goal=goal,
            verdict=_gap(latest.value, target.value, target.comparator, target.unit),
        )
        return text, status
    if closed:
        # Closed, with no figure for its year: a trend cannot say whether it was reached.
        return _no_deadline_figure(target, points, goal), Status.NOT_EVALUABLE
    if reached:
        text = _("already {value} in {year}, target {goal} by {deadline}").format(
            value=observed(latest),
            year=latest.year,
            goal=goal,
            deadline=target.year,
        )
        return text, Status.ON_TRACK
    return _on_trend(target, points, latest, goal)


def _on_trend(
    target: Target, points: Sequence[Observation], latest: Observation, goal: str
) -> tuple[str, Status]:
    """A level not reached before its deadline: whether the trend from the first figure to
    the latest reaches it by the deadline (no trend from one figure)."""
    assert target.value is not None
    if (
        len(points) >= 2
        and points[0].year is not None
        and latest.year is not None
        and points[0].year < latest.year
    ):
        assert target.year is not None
        slope = (latest.value - points[0].value) / (latest.year - points[0].year)
        projected = latest.value + slope * (target.year - latest.year)
        status = (
            Status.ON_TRACK
            if met(projected, target.value, target.comparator)
            else Status.NOT_ON_TRACK
        )
        text = _("{trail}, on the same trend {projected} in {deadline} against {goal}").format(
            trail=trail([points[0], latest]),
            projected=figure(round(projected, 1), latest.unit),
            deadline=target.year,
            goal=goal,
        )
        return text, status
    text = _("one figure ({value} in {year}) below {goal}, no trend yet").format(
        value=observed(latest),
        year=latest.year,
        goal=goal,
    )
    return text, Status.NOT_EVALUABLE


def _change_value(base: Observation, later: Observation, unit: str) -> float:
    """The change from ``base`` to ``later`` in ``unit``: relative in percent, else a difference."""
    if unit == "percent":
        return relative_change_value(base.value, later.value)
    if unit != difference_unit(base.unit):
        raise UnitError(f"a change in {unit} cannot be read from figures in {base.unit}")
    return later.value - base.value


def _by_deadline(
    target: Target,
    series_: Mapping[str, list[Observation]],
    context: RuleContext,
    judge: Callable[[Observation, Observation, bool], tuple[Status, str]],
    goal: str = "",
    *,
    undated_final: bool = False,
) -> list[tuple[str, str, Status]]:
    """Judge each series from its baseline to its latest figure up to the deadline.

    ``judge(base, last, final)`` gives the verdict; ``final`` is true where the
    figure is of the deadline's year (for a target without a deadline,
    ``undated_final``: a direction is reached once it moved the right way, a
    change only once it is as large as asked): the verdict is then achieved or
    missed. A closed target whose
    figures stop before its deadline is not evaluable.
    """
    closed = context.closed(target)
    parts: list[tuple[str, str, Status]] = []
    for label, every in series_.items():
        points = [o for o in every if target.year is None or (o.year or 0) <= target.year]
        ends = endpoints(target, points)
        if isinstance(ends, str):
            parts.append((label, ends, Status.NOT_EVALUABLE))
            continue
        base, last = ends
        final = last.year == target.year if target.year is not None else undated_final
        if closed and not final:
            parts.append((label, _no_deadline_figure(target, points, goal), Status.NOT_EVALUABLE))
            continue
        status, text = judge(base, last, final)
        parts.append((label, text, status))
    return parts


def _change(
    target: Target, series_: Mapping[str, list[Observation]], unit: str, context: RuleContext
) -> Evaluation:
    goal = target.value
    assert goal is not None
    goal_text = f"{_words(target.comparator)} {figure(goal, unit)}".strip()

    def judge(base: Observation, last: Observation, final: bool) -> tuple[Status, str]:
        change = _change_value(base, last, unit)
        if met(change, goal, target.comparator):
            status = Status.ACHIEVED
        elif final:
            status = Status.MISSED
        else:  # still open, or undated: on track while it moves the right way
            right_way = change > 0 if goal > 0 else change < 0 if goal < 0 else change == 0
            status = Status.ON_TRACK if right_way else Status.NOT_ON_TRACK
        text = _("{trail} is a change of {change} against {goal}").format(
            trail=trail([base, last]),
            change=figure(round(change, 1), unit)
            if change <= 0
            else "+" + figure(round(change, 1), unit),
            goal=goal_text,
        )
        return status, text

    return _verdict(
        _by_deadline(target, series_, context, judge, goal_text),
        context,
        target,
        progress=_progress(series_),
    )


_DESIRED: Final = {
    Direction.INCREASE: lambda d: d > 0,
    Direction.DECREASE: lambda d: d < 0,
    Direction.NOT_INCREASE: lambda d: d <= 0,
    Direction.NOT_DECREASE: lambda d: d >= 0,
}


def _direction(
    target: Target, series_: Mapping[str, list[Observation]], context: RuleContext
) -> Evaluation:
    direction = target.direction
    assert direction is not None

    def judge(base: Observation, last: Observation, final: bool) -> tuple[Status, str]:
        good = _DESIRED[direction](last.value - base.value)
        if final:
            status = Status.ACHIEVED if good else Status.MISSED
        else:
            status = Status.ON_TRACK if good else Status.NOT_ON_TRACK
        return status, trail([base, last])

    parts = _by_deadline(target, series_, context, judge, undated_final=True)
    evaluation = _verdict(parts, context, target, progress=_progress(series_))
    if all(status is Status.NOT_EVALUABLE for _label, _text, status in parts):
        return evaluation
    rule = _("should {direction}").format(direction=direction.display)
    return attrs.evolve(evaluation, reason=f"{evaluation.reason}; {rule}")


def _joined(parts: Sequence[tuple[str, str]]) -> str:
    """Series that share a message are named together: "a, b: no observation after 2022"."""
    grouped: dict[str, list[str]] = {}
    for label, message in parts:
        grouped.setdefault(message, []).append(label)
    return "; ".join(
        f"{', '.join(labels)}: {message}" if labels != [""] else message
        for message, labels in grouped.items()
    )


def _progress(series_: Mapping[str, list[Observation]]) -> str:
    return "; ".join(
        f"{label}: {trail(points)}" for label, points in series_.items() if len(points) > 1
    )


def _reference_reason(target: Target, context: RuleContext) -> str:
    """Why a reference target is not assessed: its reference has no figure, or (where the
    document does give one, as København's draft gives "1 ud af 4") the measure itself has none."""
    given = sorted(
        context.strategy.observations_of(target.reference_indicator or ""),
        key=lambda o: o.year or 0,
    )
    if not given:
        return _("the sources do not give the reference ({reference})").format(
            reference=target.reference
        )
    figures = ", ".join(observed(o) + (f" ({o.year})" if o.year is not None else "") for o in given)
    reason = _(
        "the document gives the reference ({reference}) as {figures}, but no figure to set "
        "against it"
    ).format(reference=target.reference, figures=figures)
    # The reference may count another group, or another year, than the target names: say so.
    others = sorted({o.group for o in given if o.group and o.group != target.group})
    if others and target.group:
        reason += "; " + _(
            "the reference counts {groups}, the target group is {group}: not the same group"
        ).format(
            groups=", ".join(context.define_group(g) for g in others),
            group=context.define_group(target.group),
        )
    years = sorted({o.year for o in given if o.year is not None and o.year != target.year})
    if years and target.year is not None:
        start, _inferred = context.strategy.in_force_from()
        later = [y for y in years if start is not None and y > start]
        reason += "; " + _(
            "the reference is for {years}, the target for {year}: not the same year"
        ).format(years=", ".join(str(y) for y in years), year=target.year)
        if later:
            reason += " " + _("({years} lies after the document was written: a projection)").format(
                years=", ".join(str(y) for y in later)
            )
    return reason


def _in_running_text(label: str) -> str:
    """A label inside a sentence: its first letter in lower case ("ingen tal for overledighed
    ..."), unless the first word is an abbreviation ("MENAPT", "FOLK1E") or starts with a digit."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and not first[1:].islower():
        return label
    return label[:1].lower() + label[1:]


def _names_group(label: str, group: str) -> bool:
    """Whether an indicator's label already names the group ("overledighed blandt etniske
    minoriteter" names "etniske minoriteter"; "... med flerkulturel baggrund i Aalborg Kommune"
    names "borgere med flerkulturel baggrund"), so that a reason does not say it twice."""
    label = label.casefold()
    group = re.sub(r"\s*\([^()]*\)$", "", group.casefold())  # "(2011 draft)" qualifies it
    if group in label:
        return True
    _head, _space, rest = group.partition(" ")
    return len(rest.split()) >= 3 and rest in label


def _words(comparator: Comparator | None) -> str:
    return comparator.display if comparator else ""


def default_rule(
    target: Target, observations: Sequence[Observation], context: RuleContext
) -> Evaluation:
    """Evaluate level, change, direction, reference and unspecified targets.

    A target whose deadline has passed is *nået*, *ikke nået* or *kan ikke
    vurderes*, never on or not on track: its verdict rests on the figures of its
    deadline's year. Beside every target with a value and a year stands the
    second method, Statistics Canada's distance to target.
    """
    result = _default(target, observations, context)
    if context.closed(target) and result.status is Status.MISSED:
        result = attrs.evolve(
            result,
            reason=result.reason
            + "; "
            + _("the deadline {year} has passed").format(year=target.year),
        )
    if (
        target.value is not None
        and target.year is not None
        and target.kind in (TargetKind.LEVEL, TargetKind.CHANGE)
    ):
        result = attrs.evolve(result, distance=_distance_of(target, series(observations, context)))
    return result


def _default(
    target: Target, observations: Sequence[Observation], context: RuleContext
) -> Evaluation:
    series_ = series(observations, context)
    if target.reported_reached and not series_:
        quote = target.provenance.quote if target.provenance and target.provenance.quote else ""
        return Evaluation(
            Status.REPORTED_ACHIEVED,
            _("reached by the document's own word")
            + (f" (“{quote}”)" if quote else "")
            + "; "
            + _("it gives no figure"),
        )
    undated = [o for o in observations if o.year is None]
    # said where no dated figure can decide: the source does give one, without its year
    undated_note = (
        "; " + _("only figures without a year ({n})").format(n=len(undated)) if undated else ""
    )
    if target.kind is TargetKind.UNSPECIFIED:
        return Evaluation(
            Status.NOT_EVALUABLE,
            _("no target value set in the source ({placeholder})").format(
                placeholder=target.placeholder or _("none given")
            ),
            progress=_progress(series_),
        )
    if target.kind is TargetKind.REFERENCE:
        return Evaluation(
            Status.NOT_EVALUABLE, _reference_reason(target, context), progress=_progress(series_)
        )
    if target.indicator is None:
        return Evaluation(Status.NOT_EVALUABLE, _("the source names no indicator for this target"))
    if not series_:
        return Evaluation(Status.NOT_EVALUABLE, _no_series(target, context) + undated_note)
    if target.kind is TargetKind.LEVEL:
        return _level(target, series_, context)
    if target.kind is TargetKind.DIRECTION:
        result = _direction(target, series_, context)
        if result.status is Status.NOT_EVALUABLE and undated_note:
            # the goal pages give a latest figure without its year: say it is there
            result = attrs.evolve(result, reason=result.reason + undated_note)
        return result
    return _change_either(target, series_, context)


def _no_series(target: Target, context: RuleContext) -> str:
    """Why a target with an indicator has no series: no observation of it (for its group)."""
    assert target.indicator is not None
    label = (
        pick(context.indicator.label, context.indicator.label_en)
        if context.indicator
        else target.indicator
    )
    group = target.group or (context.indicator.target_group if context.indicator else None)
    group_words = context.describe_group(group) if group else ""
    label = _in_running_text(label)
    return (
        _("no observation of {indicator} for {group}").format(indicator=label, group=group_words)
        if group_words and not _names_group(label, group_words)
        else _("no observation of {indicator}").format(indicator=label)
    )


def _change_either(
    target: Target, series_: Mapping[str, list[Observation]], context: RuleContext
) -> Evaluation:
    """A change target in its unit, and where its alternative reading of the unit gives
    another status, that reading too."""
    assert target.unit is not None
    result = _change(target, series_, target.unit, context)
    if target.alternative_unit is not None:
        alternative = _change(target, series_, target.alternative_unit, context)
        if alternative.status is not result.status:
            result = attrs.evolve(
                result,
                alternative=_("under the alternative reading: {status} ({reason})").format(
                    status=alternative.status.display, reason=alternative.reason
                ),
                reason=result.reason
                + "; "
                + _("the status depends on how the target's unit is read"),
            )
    return result


DEFAULT_RULE: Final = EvaluationRule(
    "default", "level, change, direction, reference and unspecified targets", default_rule
)


# --- the Integrationsbarometer ---------------------------------------------------------------


def _round_half_up(value: float) -> int:
    return int(
        decimal.Decimal(str(value)).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP)
    )


def barometer_movement(baseline: float, latest: float, *, higher_is_better: bool = True) -> str:
    """The movement of one indicator: rounded latest value against the rounded baseline."""
    diff = _round_half_up(latest) - _round_half_up(baseline)
    if diff == 0:
        return Movement.UNCHANGED
    return Movement.POSITIVE if (diff > 0) == higher_is_better else Movement.NEGATIVE


#: The library's choices where the barometer's rule (one indicator, or the majority of
#: three) is silent, named so that every output can say which was used.
GOAL_CHOICES: Final = {
    "two-indicators": N_(
        "with two indicators, the goal moves only where both move alike; else unchanged"
    ),
    "no-majority": N_("three indicators moving three ways have no majority: unchanged"),
    "incomplete": N_(
        "not all of the goal's indicators could be assessed: no movement for the goal"
    ),
    "none": N_("none of the goal's indicators could be assessed: no movement for the goal"),
}


def barometer_goal(movements: Sequence[str]) -> str:
    """A goal's movement: its one indicator's, or the majority of its three (no majority:
    unchanged). Two indicators, which the rule does not name, move the goal only where
    both move alike (:data:`GOAL_CHOICES`)."""
    if len(movements) == 1:
        return movements[0]
    if len(movements) == 2:
        return movements[0] if movements[0] == movements[1] else Movement.UNCHANGED
    if len(movements) != 3:
        raise ValueError(f"a barometer goal has 1 to 3 indicators, not {len(movements)}")
    for candidate in (Movement.POSITIVE, Movement.NEGATIVE, Movement.UNCHANGED):
        if list(movements).count(candidate) >= 2:
            return candidate
    return Movement.UNCHANGED


def goal_choice(movements: Sequence[str]) -> str:
    """Which of the library's named choices decided a goal's movement ("" where the rule did)."""
    if len(movements) == 2:
        return "two-indicators"
    if len(movements) == 3 and len(set(movements)) == 3:
        return "no-majority"
    return ""


def barometer_rule(
    target: Target, observations: Sequence[Observation], context: RuleContext
) -> Evaluation | None:
    """Movement of up to three series from the baseline to the latest figure; majority decides."""
    by = series(observations, context)
    moves: list[str] = []
    parts: list[tuple[str, str]] = []
    higher = target.direction not in (Direction.DECREASE, Direction.NOT_INCREASE)
    for label, points in list(by.items())[:3]:
        ends = endpoints(target, points)
        if isinstance(ends, str):
            continue
        base, last = ends
        move = barometer_movement(base.value, last.value, higher_is_better=higher)
        moves.append(move)
        parts.append(
            (
                label,
                f"{_round_half_up(base.value)} ({base.year}) → "
                f"{_round_half_up(last.value)} ({last.year}): {movement_label(move)}",
            )
        )
    if not moves:
        return None
    overall = barometer_goal(moves)
    status = Status.ON_TRACK if overall == Movement.POSITIVE else Status.NOT_ON_TRACK
    return Evaluation(
        status,
        _("Integrationsbarometer movement {movement}: {parts}").format(
            movement=movement_label(overall), parts=_joined(parts)
        ),
        rule="barometer",
        movement=overall,
    )


BAROMETER_RULE: Final = EvaluationRule(
    "barometer",
    "Integrationsbarometer: rounded latest value vs baseline gives positive, unchanged or negative; majority of three",
    barometer_rule,
)

BUILTIN_RULES: Final = {rule.name: rule for rule in (DEFAULT_RULE, BAROMETER_RULE)}
