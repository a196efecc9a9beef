"""Evaluate every target against the observations: status, always with the reason.

A target is *achieved*, *on track*, *not on track* or *not evaluable*. The
reason says which figures decided it, or why none could: no target value in
the source ("X %"), no observation after the baseline, a reference with no
figure. Where the source's wording is ambiguous the evaluation is made under
the plugin's reading and, when the result differs, under the alternative too.

Two rules are built in: ``default`` (the kinds of target in the model) and
``barometer``, the Integrationsbarometer's movement rule (rounded latest value
against the baseline: positive, unchanged or negative; the majority decides
over three indicators). Plugins add rules through the ``evaluation_rules``
hook; a target picks one with ``rule = "..."``.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from kommuneintegration.derive import REFERENCE_GROUP
from kommuneintegration.models import (
    Comparator,
    Direction,
    Indicator,
    Municipality,
    Observation,
    Strategy,
    Target,
    TargetGroup,
    TargetKind,
)
from kommuneintegration.rules import Evaluation, EvaluationRule, RuleContext, Status
from kommuneintegration.units import Q_, gap, relative_change

if TYPE_CHECKING:
    from kommuneintegration.plugins import Registry

__all__ = [
    "BAROMETER_RULE",
    "BUILTIN_RULES",
    "DEFAULT_RULE",
    "Movement",
    "TargetEvaluation",
    "barometer_goal",
    "barometer_movement",
    "evaluate_all",
    "evaluate_target",
    "is_subgroup",
    "relevant_observations",
]


@attrs.frozen
class TargetEvaluation:
    """One row of the evaluation: which target of which document, and its evaluation."""

    municipality: Municipality
    strategy: Strategy
    target: Target
    evaluation: Evaluation


# --- selecting observations ------------------------------------------------------------


def is_subgroup(sub: TargetGroup, sup: TargetGroup, registry: Registry) -> bool:
    """True if every person in ``sub`` is in ``sup`` by definition (origins and country group)."""
    if not sub.origins <= sup.origins:
        return False
    if sup.country_group is None:
        return True
    if sub.country_group is None:
        return False
    groups = registry.country_groups
    return groups.get(sub.country_group).members <= groups.get(sup.country_group).members


def relevant_observations(
    target: Target,
    strategy: Strategy,
    registry: Registry,
    extra: Sequence[Observation] = (),
) -> tuple[list[Observation], list[str]]:
    """The observations a target is judged on, sorted by year, and notes on what was used."""
    if target.indicator is None:
        return [], []
    indicator = strategy.indicator(target.indicator)
    pool = [
        *strategy.observations_of(indicator.id),
        *(o for o in extra if o.indicator == indicator.id),
    ]
    wanted = target.group or indicator.target_group
    notes: list[str] = []
    chosen: list[Observation] = []
    for obs in pool:
        if wanted is None:
            ok = obs.group != REFERENCE_GROUP
        elif obs.group == wanted:
            ok = True
        else:
            sub, sup = (
                registry.target_groups.get(obs.group or ""),
                registry.target_groups.get(wanted),
            )
            ok = sub is not None and sup is not None and is_subgroup(sub, sup, registry)
            if ok:
                note = f"uses figures for {sub.label if sub else obs.group}, a part of {sup.label if sup else wanted}"
                if note not in notes:
                    notes.append(note)
        band = target.age_band or indicator.age_band
        if ok and band is not None and obs.age_band is not None and not band.contains(obs.age_band):
            ok = False
        if ok:
            chosen.append(obs)
    chosen.sort(key=lambda o: (o.year is None, o.year or 0))
    return chosen, notes


def _series(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    series: dict[str, list[Observation]] = defaultdict(list)
    for obs in observations:
        if obs.year is None:
            continue
        label = " ".join(p for p in (obs.group or "", str(obs.age_band or ""), obs.category) if p)
        series[label or "all"].append(obs)
    return dict(series)


def _fmt(value: float, unit: str) -> str:
    symbol = {"percent": " %", "percentage_point": " percentage points", "person": " persons"}.get(
        unit, ""
    )
    return f"{value:g}{symbol}"


def _trail(points: Sequence[Observation]) -> str:
    return " -> ".join(f"{_fmt(o.value, o.unit)} ({o.year})" for o in points)


# --- the default rule --------------------------------------------------------------------


def _words(comparator: Comparator | None) -> str:
    return comparator.value.replace("-", " ") if comparator else ""


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


def _level(target: Target, series: Mapping[str, list[Observation]]) -> Evaluation:
    assert target.value is not None
    assert target.unit is not None
    goal = f"{_words(target.comparator)} {_fmt(target.value, target.unit)}".strip()
    statuses: list[Status] = []
    parts: list[tuple[str, str]] = []
    for label, points in series.items():
        at = [o for o in points if o.year == target.year] if target.year is not None else []
        latest = at[-1] if at else points[-1]
        met = _met(latest.value, target.value, target.comparator)
        short = abs(latest.value - target.value)
        if target.year is None or at:
            status = Status.ACHIEVED if met else Status.NOT_ON_TRACK
            when = f"in {latest.year}" if at else f"latest figure {latest.year}"
            verdict = (
                "met"
                if met
                else f"missed by {_fmt(round(short, 6), 'percentage_point' if target.unit == 'percent' else target.unit)}"
            )
            parts.append(
                (label, f"{_fmt(latest.value, latest.unit)} {when} against {goal}: {verdict}")
            )
        elif latest.year is not None and latest.year < target.year:
            if met:
                status = Status.ON_TRACK
                parts.append(
                    (
                        label,
                        f"already {_fmt(latest.value, latest.unit)} in {latest.year}, target {goal} by {target.year}",
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
                        f"{_trail([points[0], latest])}, on the same trend {projected:.1f} in {target.year} against {goal}",
                    )
                )
            else:
                status = Status.NOT_EVALUABLE
                parts.append(
                    (
                        label,
                        f"one figure ({_fmt(latest.value, latest.unit)} in {latest.year}) below {goal}, no trend yet",
                    )
                )
        else:
            status = Status.ACHIEVED if met else Status.NOT_ON_TRACK
            parts.append(
                (
                    label,
                    f"no figure for {target.year}; {_fmt(latest.value, latest.unit)} in {latest.year} against {goal}",
                )
            )
        statuses.append(status)
    return Evaluation(
        _combine(statuses), _joined(parts) + _partial(statuses), progress=_progress(series)
    )


def _change_value(base: Observation, later: Observation, unit: str) -> float:
    if unit == "percentage_point":
        return float(gap(later.quantity, base.quantity).magnitude)
    if unit == "percent":
        return float(relative_change(base.quantity, later.quantity).magnitude)
    return float((later.quantity - base.quantity).to(Q_(1, unit).units).magnitude)


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
            return f"no figure for the baseline year {target.baseline_year} (figures for {years})"
        base = matches[0]
    later = [
        o for o in points if o.year is not None and base.year is not None and o.year > base.year
    ]
    if not later:
        return f"no observation after the baseline {base.year}"
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
    suffix = {"percentage_point": " percentage points", "percent": " %"}.get(unit, "")

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
        text = (
            f"{_trail([base, last])} is a change of {change:+.1f}{suffix}"
            f" against {_words(target.comparator)} {_fmt(goal, unit)}"
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
        return status, f"{_trail([base, last])}, should {direction.value.replace('-', ' ')}"

    status, reason = _judge_series(target, series, judge)
    return Evaluation(status, reason, progress=_progress(series))


def _partial(statuses: Sequence[Status]) -> str:
    judged = sum(1 for s in statuses if s is not Status.NOT_EVALUABLE)
    if 0 < judged < len(statuses):
        return f"; judged on {judged} of {len(statuses)} series, the others have no usable figures"
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
    """Evaluate level, change, direction, reference and unspecified targets."""
    series = _series(observations)
    undated = [o for o in observations if o.year is None]
    if target.kind is TargetKind.UNSPECIFIED:
        return Evaluation(
            Status.NOT_EVALUABLE,
            f"no target value set in the source ({target.placeholder or 'none given'})",
            progress=_progress(series),
        )
    if target.kind is TargetKind.REFERENCE:
        return Evaluation(
            Status.NOT_EVALUABLE,
            f"the reference ({target.reference}) has no figure in the sources",
            progress=_progress(series),
        )
    if target.indicator is None:
        return Evaluation(Status.NOT_EVALUABLE, "the source names no indicator for this target")
    if not series:
        label = context.indicator.label if context.indicator else target.indicator
        extra = f"; only figures without a year ({len(undated)})" if undated else ""
        return Evaluation(
            Status.NOT_EVALUABLE, f"no observation of '{label}' for the target's group{extra}"
        )
    if target.kind is TargetKind.LEVEL:
        return _level(target, series)
    if target.kind is TargetKind.DIRECTION:
        return _direction(target, series)
    assert target.unit is not None
    status, reason = _change(target, series, target.unit)
    alternative = ""
    if target.alternative_unit is not None:
        alt_status, alt_reason = _change(target, series, target.alternative_unit)
        if alt_status is not status:
            alternative = f"under the alternative reading: {alt_status.value} ({alt_reason})"
            reason += "; the status depends on how the target's unit is read"
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
    series = _series(observations)
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
                f"{_round_half_up(base.value)} ({base.year}) -> {_round_half_up(last.value)} ({last.year}): {move}",
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
        status, f"Integrationsbarometer movement {overall}: " + _joined(parts), rule="barometer"
    )


BAROMETER_RULE: Final = EvaluationRule(
    "barometer",
    "Integrationsbarometer: rounded latest value vs baseline gives positive, unchanged or negative; majority of three",
    barometer_rule,
)

BUILTIN_RULES: Final = {rule.name: rule for rule in (DEFAULT_RULE, BAROMETER_RULE)}


# --- the engine --------------------------------------------------------------------------


def _indicator(strategy: Strategy, target: Target) -> Indicator | None:
    return strategy.indicator(target.indicator) if target.indicator else None


def evaluate_target(
    target: Target,
    strategy: Strategy,
    registry: Registry,
    extra: Sequence[Observation] = (),
    as_of: int | None = None,
) -> Evaluation:
    """Evaluate one target with its rule (falling back to the default rule)."""
    observations, notes = relevant_observations(target, strategy, registry, extra)
    context = RuleContext(strategy, _indicator(strategy, target), as_of, {"registry": registry})
    rule_name = target.rule or "default"
    rule = registry.rules.get(rule_name) or BUILTIN_RULES[rule_name]
    result = rule.evaluate(target, observations, context)
    if result is None:
        result = default_rule(target, observations, context)
    else:
        result = attrs.evolve(result, rule=rule_name)
    reading = target.reading + (
        f" Alternative reading: {target.alternative_reading}" if target.alternative_reading else ""
    )
    reason = result.reason + ("".join(f"; {n}" for n in notes) if notes else "")
    return attrs.evolve(result, reading=reading, reason=reason, figures=tuple(observations))


def evaluate_all(
    registry: Registry,
    extra: Mapping[str, Sequence[Observation]] | None = None,
    as_of: int | None = None,
    municipalities: Iterable[str] | None = None,
) -> list[TargetEvaluation]:
    """Every target of every loaded strategy; ``extra`` adds observations per municipality code."""
    wanted = set(municipalities) if municipalities is not None else None
    rows: list[TargetEvaluation] = []
    for municipality, strategy in registry.all_strategies():
        if wanted is not None and municipality.code not in wanted:
            continue
        more = (extra or {}).get(municipality.code, ())
        for target in strategy.targets:
            rows.append(
                TargetEvaluation(
                    municipality,
                    strategy,
                    target,
                    evaluate_target(target, strategy, registry, more, as_of),
                )
            )
    return rows
