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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.i18n import NP_, _, format_number, pgettext
from kommuneintegration.models import Comparator, Direction, Observation, Target, TargetKind
from kommuneintegration.rules import Evaluation, EvaluationRule, RuleContext, Status
from kommuneintegration.series import by_series
from kommuneintegration.units import (
    UnitError,
    difference_unit,
    format_value,
    relative_change_value,
    unit_symbol,
)

__all__ = [
    "BAROMETER_RULE",
    "BUILTIN_RULES",
    "DEFAULT_RULE",
    "Movement",
    "barometer_goal",
    "barometer_movement",
    "barometer_rule",
    "default_rule",
]


def _series(
    observations: Iterable[Observation], context: RuleContext | None = None
) -> dict[str, list[Observation]]:
    """The figures by series (:mod:`kommuneintegration.series`), each named as a reader knows
    it: the group's label, not its id."""
    registry = context.extra.get("registry") if context is not None else None
    named: dict[str, list[Observation]] = {}
    for (_indicator, group, age_band, category, tag), points in by_series(observations).items():
        if group and registry is not None:
            group = registry.describe_group(group)[0]
        label = " ".join(p for p in (group, age_band, category) if p) or _("all")
        if tag:  # a series of its own, named with its source: never joined to another
            label += f" [{tag}]"
        named.setdefault(label, []).extend(points)
    return named


def _fmt(value: float, unit: str) -> str:
    return format_value(value, unit, words=True)


def _trail(points: Sequence[Observation]) -> str:
    return " -> ".join(f"{_fmt(o.value, o.unit)} ({o.year})" for o in points)


# --- the default rule --------------------------------------------------------------------


def _words(comparator: Comparator | None) -> str:
    return comparator.display if comparator else ""


def _met(value: float, target: float, comparator: Comparator | None) -> bool:
    if comparator is Comparator.AT_MOST:
        return value <= target
    if comparator is Comparator.EQUAL:
        return abs(value - target) < 1e-9
    return value >= target


def _combine(statuses: Sequence[Status]) -> Status:
    if not statuses:
        return Status.NOT_EVALUABLE
    if Status.NOT_ON_TRACK in statuses:
        return Status.NOT_ON_TRACK
    if all(s is Status.ACHIEVED for s in statuses):
        return Status.ACHIEVED
    if Status.NOT_EVALUABLE in statuses and not any(
        s is Status.ACHIEVED or s is Status.ON_TRACK for s in statuses
    ):
        return Status.NOT_EVALUABLE
    return Status.ON_TRACK


def _level(target: Target, series: Mapping[str, list[Observation]], year: int) -> Evaluation:
    assert target.value is not None
    assert target.unit is not None
    goal = f"{_words(target.comparator)} {_fmt(target.value, target.unit)}".strip()
    statuses: list[Status] = []
    parts: list[tuple[str, str]] = []
    for label, every in series.items():
        # A target is judged on figures up to its deadline; later ones are shown, not used.
        points = [o for o in every if target.year is None or (o.year or 0) <= target.year]
        if not points:
            statuses.append(Status.NOT_EVALUABLE)
            parts.append(
                (
                    label,
                    _("only figures after the deadline {year} ({trail})").format(
                        year=target.year, trail=_trail(every)
                    ),
                )
            )
            continue
        at = [o for o in points if o.year == target.year] if target.year is not None else []
        latest = at[-1] if at else points[-1]
        met = _met(latest.value, target.value, target.comparator)
        short = abs(latest.value - target.value)
        if target.year is None or at:
            status = Status.ACHIEVED if met else Status.NOT_ON_TRACK
            when = (_("in {year}") if at else _("latest figure {year}")).format(year=latest.year)
            verdict = (
                _("met")
                if met
                else _("missed by {shortfall}").format(
                    shortfall=_fmt(round(short, 6), difference_unit(target.unit))
                )
            )
            parts.append(
                (
                    label,
                    _("{value} {when} against {goal}: {verdict}").format(
                        value=_fmt(latest.value, latest.unit), when=when, goal=goal, verdict=verdict
                    ),
                )
            )
        else:  # every figure is before the deadline: judge by the trend
            assert target.year is not None
            assert latest.year is not None
            if target.year < year:
                # Closed, with no figure for its year: a trend cannot say whether it was reached.
                status = Status.NOT_EVALUABLE
                parts.append(
                    (
                        label,
                        _(
                            "no figure for the deadline {deadline}; the latest before it is "
                            "{value} in {year} against {goal}"
                        ).format(
                            deadline=target.year,
                            value=_fmt(latest.value, latest.unit),
                            year=latest.year,
                            goal=goal,
                        ),
                    )
                )
            elif met:
                status = Status.ON_TRACK
                parts.append(
                    (
                        label,
                        _("already {value} in {year}, target {goal} by {deadline}").format(
                            value=_fmt(latest.value, latest.unit),
                            year=latest.year,
                            goal=goal,
                            deadline=target.year,
                        ),
                    )
                )
            elif len(points) >= 2 and points[0].year is not None and points[0].year < latest.year:
                slope = (latest.value - points[0].value) / (latest.year - points[0].year)
                projected = latest.value + slope * (target.year - latest.year)
                status = (
                    Status.ON_TRACK
                    if _met(projected, target.value, target.comparator)
                    else Status.NOT_ON_TRACK
                )
                parts.append(
                    (
                        label,
                        _(
                            "{trail}, on the same trend {projected} in {deadline} against {goal}"
                        ).format(
                            trail=_trail([points[0], latest]),
                            projected=format_number(projected, decimals=1),
                            deadline=target.year,
                            goal=goal,
                        ),
                    )
                )
            else:
                status = Status.NOT_EVALUABLE
                parts.append(
                    (
                        label,
                        _("one figure ({value} in {year}) below {goal}, no trend yet").format(
                            value=_fmt(latest.value, latest.unit), year=latest.year, goal=goal
                        ),
                    )
                )
        statuses.append(status)
    return Evaluation(
        _combine(statuses), _joined(parts) + _partial(statuses), progress=_progress(series)
    )


def _change_value(base: Observation, later: Observation, unit: str) -> float:
    """The change from ``base`` to ``later`` in ``unit``: relative in percent, else a difference."""
    if unit == "percent":
        return relative_change_value(base.value, later.value)
    if unit != difference_unit(base.unit):
        raise UnitError(f"a change in {unit} cannot be read from figures in {base.unit}")
    return later.value - base.value


def _endpoints(
    target: Target, points: Sequence[Observation]
) -> tuple[Observation, Observation] | str:
    """The baseline figure (of the baseline year, or the first) and the latest after it, or why not."""
    if target.baseline_year is None:
        base = points[0]
    else:
        matches = [o for o in points if o.year == target.baseline_year]
        if not matches:
            years = ", ".join(str(o.year) for o in points)
            return _("no figure for the baseline year {baseline} (figures for {years})").format(
                baseline=target.baseline_year, years=years
            )
        base = matches[0]
    later = [
        o for o in points if o.year is not None and base.year is not None and o.year > base.year
    ]
    if not later:
        return _("no observation after the baseline {year}").format(year=base.year)
    return base, later[-1]


def _judge_series(
    target: Target,
    series: Mapping[str, list[Observation]],
    judge: Callable[[Observation, Observation], tuple[Status, str]],
) -> tuple[Status, str]:
    """Judge each series from its baseline to its latest figure; combine, with the reasons."""
    statuses: list[Status] = []
    parts: list[tuple[str, str]] = []
    for label, points in series.items():
        ends = _endpoints(target, points)
        status, text = (Status.NOT_EVALUABLE, ends) if isinstance(ends, str) else judge(*ends)
        statuses.append(status)
        parts.append((label, text))
    return _combine(statuses), _joined(parts) + _partial(statuses)


def _change(
    target: Target, series: Mapping[str, list[Observation]], unit: str
) -> tuple[Status, str]:
    goal = target.value
    assert goal is not None

    def judge(base: Observation, last: Observation) -> tuple[Status, str]:
        change = _change_value(base, last, unit)
        if _met(change, goal, target.comparator):
            status = Status.ACHIEVED
        elif (
            target.year is not None
            and last.year is not None
            and last.year < target.year
            and change > 0
        ):
            status = Status.ON_TRACK
        else:
            status = Status.NOT_ON_TRACK
        text = _("{trail} is a change of {change} {unit} against {goal}").format(
            trail=_trail([base, last]),
            change=format_number(change, signed=True, decimals=1),
            unit=unit_symbol(unit, words=True),
            goal=f"{_words(target.comparator)} {_fmt(goal, unit)}".strip(),
        )
        return status, text

    return _judge_series(target, series, judge)


_DESIRED: Final = {
    Direction.INCREASE: lambda d: d > 0,
    Direction.DECREASE: lambda d: d < 0,
    Direction.NOT_INCREASE: lambda d: d <= 0,
    Direction.NOT_DECREASE: lambda d: d >= 0,
}


def _direction(target: Target, series: Mapping[str, list[Observation]]) -> Evaluation:
    direction = target.direction
    assert direction is not None

    def judge(base: Observation, last: Observation) -> tuple[Status, str]:
        good = _DESIRED[direction](last.value - base.value)
        done = target.year is None or (last.year is not None and last.year >= target.year)
        status = (Status.ACHIEVED if done else Status.ON_TRACK) if good else Status.NOT_ON_TRACK
        return status, _("{trail}, should {direction}").format(
            trail=_trail([base, last]), direction=direction.display
        )

    status, reason = _judge_series(target, series, judge)
    return Evaluation(status, reason, progress=_progress(series))


def _partial(statuses: Sequence[Status]) -> str:
    judged = sum(1 for s in statuses if s is not Status.NOT_EVALUABLE)
    if 0 < judged < len(statuses):
        return "; " + _(
            "judged on {judged} of {total} series, the others have no usable figures"
        ).format(judged=judged, total=len(statuses))
    return ""


def _joined(parts: Sequence[tuple[str, str]]) -> str:
    """Series that share a message are named together: "a, b: no observation after 2022"."""
    grouped: dict[str, list[str]] = {}
    for label, message in parts:
        grouped.setdefault(message, []).append(label)
    return "; ".join(f"{', '.join(labels)}: {message}" for message, labels in grouped.items())


def _progress(series: Mapping[str, list[Observation]]) -> str:
    return "; ".join(
        f"{label}: {_trail(points)}" for label, points in series.items() if len(points) > 1
    )


def default_rule(
    target: Target, observations: Sequence[Observation], context: RuleContext
) -> Evaluation:
    """Evaluate level, change, direction, reference and unspecified targets.

    A target whose deadline has passed (before the year of the evaluation) and
    that was not met is *ikke nået* (missed), not *ikke på rette vej*.
    """
    result = _default(target, observations, context)
    closed = target.year is not None and target.year < context.year
    if closed and result.status is Status.NOT_ON_TRACK:
        return attrs.evolve(
            result,
            status=Status.MISSED,
            reason=result.reason
            + "; "
            + _("the deadline {year} has passed").format(year=target.year),
        )
    return result


def _default(
    target: Target, observations: Sequence[Observation], context: RuleContext
) -> Evaluation:
    series = _series(observations, context)
    if target.reported_reached and not series:
        quote = target.provenance.quote if target.provenance and target.provenance.quote else ""
        return Evaluation(
            Status.ACHIEVED,
            _("reached by the document's own word")
            + (f" (“{quote}”)" if quote else "")
            + "; "
            + _("it gives no figure"),
        )
    undated = [o for o in observations if o.year is None]
    if target.kind is TargetKind.UNSPECIFIED:
        return Evaluation(
            Status.NOT_EVALUABLE,
            _("no target value set in the source ({placeholder})").format(
                placeholder=target.placeholder or _("none given")
            ),
            progress=_progress(series),
        )
    if target.kind is TargetKind.REFERENCE:
        return Evaluation(
            Status.NOT_EVALUABLE,
            _("the reference ({reference}) has no figure in the sources").format(
                reference=target.reference
            ),
            progress=_progress(series),
        )
    if target.indicator is None:
        return Evaluation(Status.NOT_EVALUABLE, _("the source names no indicator for this target"))
    if not series:
        label = context.indicator.label if context.indicator else target.indicator
        reason = _("no observation of '{indicator}' for the target's group").format(indicator=label)
        if undated:
            reason += "; " + _("only figures without a year ({n})").format(n=len(undated))
        return Evaluation(Status.NOT_EVALUABLE, reason)
    if target.kind is TargetKind.LEVEL:
        return _level(target, series, context.year)
    if target.kind is TargetKind.DIRECTION:
        return _direction(target, series)
    assert target.unit is not None
    status, reason = _change(target, series, target.unit)
    alternative = ""
    if target.alternative_unit is not None:
        alt_status, alt_reason = _change(target, series, target.alternative_unit)
        if alt_status is not status:
            alternative = _("under the alternative reading: {status} ({reason})").format(
                status=alt_status.display, reason=alt_reason
            )
            reason += "; " + _("the status depends on how the target's unit is read")
    return Evaluation(status, reason, progress=_progress(series), alternative=alternative)


DEFAULT_RULE: Final = EvaluationRule(
    "default", "level, change, direction, reference and unspecified targets", default_rule
)


# --- the Integrationsbarometer ---------------------------------------------------------------


class Movement(str):
    """A barometer movement: "positive", "unchanged" or "negative" (barometerbevægelse)."""

    POSITIVE: Final = "positive"
    UNCHANGED: Final = "unchanged"
    NEGATIVE: Final = "negative"


_MOVEMENT_WORDS: Final = {
    Movement.POSITIVE: NP_("movement", "positive"),
    Movement.UNCHANGED: NP_("movement", "unchanged"),
    Movement.NEGATIVE: NP_("movement", "negative"),
}


def movement_label(movement: str) -> str:
    """ "positiv", "uændret", "negativ" in Danish: the barometer's own words."""
    return (
        pgettext("movement", _MOVEMENT_WORDS[movement]) if movement in _MOVEMENT_WORDS else movement
    )


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


def barometer_goal(movements: Sequence[str]) -> str:
    """A goal's movement: its one indicator's, or the majority of its three (no majority: unchanged)."""
    if len(movements) == 1:
        return movements[0]
    if len(movements) != 3:
        raise ValueError(f"a barometer goal has 1 or 3 indicators, not {len(movements)}")
    for candidate in (Movement.POSITIVE, Movement.NEGATIVE, Movement.UNCHANGED):
        if list(movements).count(candidate) >= 2:
            return candidate
    return Movement.UNCHANGED


def barometer_rule(
    target: Target, observations: Sequence[Observation], context: RuleContext
) -> Evaluation | None:
    """Movement of up to three series from the baseline to the latest figure; majority decides."""
    series = _series(observations, context)
    moves: list[str] = []
    parts: list[tuple[str, str]] = []
    higher = target.direction not in (Direction.DECREASE, Direction.NOT_INCREASE)
    for label, points in list(series.items())[:3]:
        ends = _endpoints(target, points)
        if isinstance(ends, str):
            continue
        base, last = ends
        move = barometer_movement(base.value, last.value, higher_is_better=higher)
        moves.append(move)
        parts.append(
            (
                label,
                f"{_round_half_up(base.value)} ({base.year}) -> "
                f"{_round_half_up(last.value)} ({last.year}): {movement_label(move)}",
            )
        )
    if not moves:
        return None
    if len(moves) == 2:
        moves = moves[:1]
        parts = parts[:1]
    overall = barometer_goal(moves)
    status = Status.ON_TRACK if overall == Movement.POSITIVE else Status.NOT_ON_TRACK
    return Evaluation(
        status,
        _("Integrationsbarometer movement {movement}: {parts}").format(
            movement=movement_label(overall), parts=_joined(parts)
        ),
        rule="barometer",
    )


BAROMETER_RULE: Final = EvaluationRule(
    "barometer",
    "Integrationsbarometer: rounded latest value vs baseline gives positive, unchanged or negative; majority of three",
    barometer_rule,
)

BUILTIN_RULES: Final = {rule.name: rule for rule in (DEFAULT_RULE, BAROMETER_RULE)}
