"""The evaluation engine: every target against the figures that concern it.

A target is *achieved*, *on track*, *not on track* or *not evaluable*, always
with the reason. The engine picks the observations a target is judged on (its
indicator, its group or a subgroup of it, its age band, and, with ``as_of``,
only figures up to that year), then hands them to the target's rule. Rules come
from the registry: the built-in ``default`` and ``barometer`` rules
(:mod:`kommuneintegration.rules.builtin`) and whatever plugins add, all through
the same hook.
"""

from __future__ import annotations

import copy
import datetime
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, overload

import attrs

from kommuneintegration.contain import contained_output, plugin_interrupt, safe_text, time_limit
from kommuneintegration.errors import InputError
from kommuneintegration.i18n import _, language, pick, pinned
from kommuneintegration.plugins.default_plugins import DEFAULT_PLUGINS
from kommuneintegration.plugins.registry import Registry
from kommuneintegration.rules import (
    Evaluation,
    Progress,
    ProgressStatus,
    RuleContext,
    Status,
    methods_disagree,
)
from kommuneintegration.strategy.derive import REFERENCE_GROUP, reconcile
from kommuneintegration.strategy.models import (
    Indicator,
    Measure,
    Municipality,
    Observation,
    Strategy,
    Target,
    TargetGroup,
)

__all__ = [
    "DEFAULT_RULE_NAME",
    "TargetEvaluation",
    "check_as_of",
    "evaluate_all",
    "evaluate_target",
    "merge_observations",
    "relevant_observations",
]

#: The rule a target without ``rule = "..."`` uses, and the fallback of a rule that returns None.
DEFAULT_RULE_NAME: Final = "default"


@attrs.frozen
class TargetEvaluation:
    """One row of the evaluation: which target of which document, and its evaluation."""

    municipality: Municipality
    strategy: Strategy
    target: Target
    evaluation: Evaluation
    #: The year the evaluation was made as of (``--as-of``), said once per block of output.
    as_of: int | None = None


# --- selecting observations ------------------------------------------------------------


def relevant_observations(
    target: Target,
    strategy: Strategy,
    registry: Registry,
    extra: Sequence[Observation] = (),
    as_of: int | None = None,
) -> tuple[list[Observation], list[str]]:
    """The observations a target is judged on, sorted by year, and notes on what was used.

    With ``as_of``, figures for later years are left out: the evaluation as it
    could have been made then.
    """
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
        if as_of is not None and obs.year is not None and obs.year > as_of:
            continue
        if wanted is None:
            ok = obs.group != REFERENCE_GROUP
        elif obs.group == wanted:
            ok = True
        else:
            sub, sup = (
                registry.target_groups.get(obs.group or ""),
                registry.target_groups.get(wanted),
            )
            ok = sub is not None and sup is not None and registry.is_subgroup(sub, sup)
            if ok:
                note = _("uses figures for {part}, a part of {whole}").format(
                    part=pick(sub.label, sub.label_en) if sub else obs.group,
                    whole=pick(sup.label, sup.label_en) if sup else wanted,
                )
                if note not in notes:
                    notes.append(note)
        band = target.age_band or indicator.age_band
        if ok and band is not None and obs.age_band is not None and not band.contains(obs.age_band):
            ok = False
        if ok:
            chosen.append(obs)
    chosen, disagreements = reconcile(chosen)
    notes += [d.describe(lambda g: registry.describe_group(g)[0]) for d in disagreements]
    if wanted is not None:
        chosen, combined_notes = _combine_parts(
            indicator, wanted, chosen, strategy, extra, registry
        )
        if combined_notes and any(o.group == wanted for o in chosen):
            # judged on the group it names: the parts' figures are inputs, not what is judged
            notes = [n for n in notes if not n.startswith(_part_note_start())]
        notes += combined_notes
    chosen.sort(key=lambda o: (o.year is None, o.year or 0))
    return chosen, notes


def _part_note_start() -> str:
    return _("uses figures for {part}, a part of {whole}").split("{", 1)[0]


def _is_partition(whole: TargetGroup, parts: Sequence[TargetGroup]) -> bool:
    """Whether ``parts`` make up ``whole`` exactly: the same country group and condition,
    origins that do not overlap and together are the whole's (immigrants + descendants)."""
    if any(
        p.country_group != whole.country_group or p.restriction != whole.restriction for p in parts
    ):
        return False
    if any(p.age_band != whole.age_band for p in parts):
        return False
    origins = [o for p in parts for o in p.origins]
    return len(origins) == len(set(origins)) and set(origins) == set(whole.origins)


def _is_population(strategy_indicator: Indicator | None, obs: Observation) -> bool:
    """A count of the persons in a group (FOLK1E, RAS), the weight of a combined rate."""
    if obs.unit != "person" or obs.year is None or strategy_indicator is None:
        return False
    return (
        strategy_indicator.concept == "population-count"
        or strategy_indicator.catalogue == "population-count-by-origin"
    )


def _combine_parts(
    indicator: Indicator,
    wanted: str,
    chosen: list[Observation],
    strategy: Strategy,
    extra: Sequence[Observation],
    registry: Registry,
) -> tuple[list[Observation], list[str]]:
    """A rate for a combined group (immigrants and descendants) from its parts' rates, weighted
    by the parts' numbers of persons where the figures give them; else said plainly.

    Only where no figure counts the group itself and the parts make it up exactly; every
    year must combine, or none is (the target is then judged on the parts, as before).
    """
    part_ids = _parts_to_combine(indicator, wanted, chosen, registry)
    if part_ids is None:
        return chosen, []
    dated = [o for o in chosen if o.year is not None]
    counts = _population_counts(strategy, extra)
    combined, lacking = _combined_rates(dated, part_ids, counts, wanted, registry)
    names = _(" and ").join(registry.describe_group(g)[0] for g in part_ids)
    whole_name = registry.describe_group(wanted)[0]
    if lacking or not combined:
        return chosen, [
            _(
                "the combined rate for {whole} could not be formed: no number of persons for "
                "each of {parts} in {years}; judged on the parts, each of which must meet the target"
            ).format(
                whole=whole_name,
                parts=names,
                years=", ".join(str(y) for y in sorted(lacking)),
            )
        ]
    rest = [o for o in chosen if o.year is None]
    return rest + combined, [
        _("{whole} combined from {parts}, weighted by their numbers of persons").format(
            whole=whole_name, parts=names
        )
    ]


def _parts_to_combine(
    indicator: Indicator, wanted: str, chosen: Sequence[Observation], registry: Registry
) -> list[str] | None:
    """The groups whose rates make up ``wanted``'s, sorted; None where there is nothing to
    combine (not a percentage rate or share, the group's own figures, parts that do not
    make up the group exactly)."""
    if indicator.unit != "percent" or indicator.measure not in (Measure.RATE, Measure.SHARE):
        return None
    whole = registry.target_groups.get(wanted)
    dated = [o for o in chosen if o.year is not None]
    if whole is None or not dated or any(o.group == wanted for o in dated):
        return None
    part_ids = sorted({o.group for o in dated if o.group})
    parts = [registry.target_groups.get(g) for g in part_ids]
    known = [p for p in parts if p is not None]
    if len(part_ids) < 2 or len(known) != len(part_ids) or not _is_partition(whole, known):
        return None
    return part_ids


_Counts = dict[tuple[str | None, int | None, str], list[Observation]]


def _population_counts(strategy: Strategy, extra: Sequence[Observation]) -> _Counts:
    """The numbers of persons the figures give, per group, year and age band."""
    indicators = {i.id: i for i in strategy.indicators}
    counts: _Counts = {}
    for o in (*strategy.observations, *extra):
        if _is_population(indicators.get(o.indicator), o):
            counts.setdefault((o.group, o.year, str(o.age_band or "")), []).append(o)
    return counts


def _combined_rates(
    dated: Sequence[Observation],
    part_ids: Sequence[str],
    counts: _Counts,
    wanted: str,
    registry: Registry,
) -> tuple[list[Observation], set[int]]:
    """The combined rate of each year, age band, category and series, and the years that
    lack a part's rate or number of persons (0 for a figure without a year)."""
    cells: dict[tuple[int | None, str, str, str], dict[str, Observation]] = {}
    for o in dated:
        cells.setdefault((o.year, str(o.age_band or ""), o.category, o.series), {})[
            o.group or ""
        ] = o
    combined: list[Observation] = []
    lacking: set[int] = set()
    for (year, band, _category, _tag), rates in cells.items():
        weights = {g: counts.get((g, year, band), []) for g in part_ids}
        if set(rates) != set(part_ids) or any(len(w) != 1 for w in weights.values()):
            lacking.add(year or 0)
            continue
        total = sum(weights[g][0].value for g in part_ids)
        if total <= 0:
            lacking.add(year or 0)
            continue
        value = sum(rates[g].value * weights[g][0].value for g in part_ids) / total
        first = rates[part_ids[0]]
        printed = [d for g in part_ids if (d := rates[g].decimals) is not None]
        combined.append(
            attrs.evolve(
                first,
                value=round(value, 10),
                group=wanted,
                decimals=max(printed) if printed else None,
                bound=None,
                note=_combined_words(part_ids, registry),
            )
        )
    return combined, lacking


def _combined_words(part_ids: Sequence[str], registry: Registry) -> str:
    return _("combined from {parts}, weighted by their numbers of persons").format(
        parts=_(" and ").join(registry.describe_group(g)[0] for g in part_ids)
    )


# --- the engine --------------------------------------------------------------------------


def _group_words(registry: Registry) -> Callable[[str | None], str]:
    """A read-only view for rules: a group's label in the output language."""

    def describe(group_id: str | None) -> str:
        return registry.describe_group(group_id)[0] if group_id else ""

    return describe


def _group_definitions(registry: Registry) -> Callable[[str | None], str]:
    """A read-only view for rules: a group's definition in plain words, in the output language."""

    def define(group_id: str | None) -> str:
        return registry.describe_group(group_id)[1] if group_id else ""

    return define


def _indicator(strategy: Strategy, target: Target) -> Indicator | None:
    return strategy.indicator(target.indicator) if target.indicator else None


#: The plugins whose rules are the library's own: trusted not to change what they read.
_OWN_RULES: Final = frozenset(module.__name__ for module in DEFAULT_PLUGINS)


def _run_rule(
    registry: Registry,
    name: str,
    target: Target,
    observations: Sequence[Observation],
    context: RuleContext,
) -> Evaluation | None:
    """Call a rule; a rule that fails costs its target, never the other targets or the run.

    Rules are plugin code: anything they raise (``SystemExit`` included, but not
    Ctrl-C) or return besides an :class:`Evaluation` or ``None`` becomes the
    status "rule error", with the plugin, the rule and what went wrong.
    """
    plugin = registry.owners.get(f"rule:{name}", "?")

    def fault(what: str) -> Evaluation:
        return Evaluation(
            Status.RULE_ERROR,
            _("rule {rule} of plugin {plugin} raised {error}").format(
                rule=repr(name), plugin=repr(plugin), error=what
            ),
            rule=name,
        )

    try:
        # A plugin's rule gets copies: frozen attrs records can still be changed behind
        # attrs' back (object.__setattr__), and a rule that did so must not change the
        # registry's figures for the next target, another rule or the comparison. The
        # library's own rules (default, barometer) change nothing and get the records as
        # they are: copying every target's figures for them was half of compare's time.
        # They need no fence either: a time limit and a scratch output cost a thread each.
        arguments = (target, tuple(observations), context)
        if plugin in _OWN_RULES:
            result = registry.rules[name].evaluate(*arguments)
        else:
            with contained_output(), time_limit():  # its print never reaches the output
                result = registry.rules[name].evaluate(*copy.deepcopy(arguments))
    except KeyboardInterrupt:
        if not plugin_interrupt():
            raise
        return fault("KeyboardInterrupt")
    except BaseException as exc:
        return fault(f"{type(exc).__name__}: {safe_text(exc)}".rstrip(": "))
    return _checked(result, name, plugin)


def _checked(result: object, name: str, plugin: str) -> Evaluation | None:
    """A rule's answer as the engine uses it: ``None``, a plain :class:`Evaluation`, or the
    status "rule error" where it is neither or its fields are not as the model says."""
    if result is not None and not isinstance(result, Evaluation):
        return Evaluation(
            Status.RULE_ERROR,
            _(
                "rule {rule} of plugin {plugin} returned {type} {value}, not an Evaluation or None"
            ).format(
                rule=repr(name),
                plugin=repr(plugin),
                type=type(result).__name__,
                value=safe_text(_repr(result), 60),
            ),
            rule=name,
        )
    if result is None:
        return None
    wrong = _wrong_field(result)
    if wrong:
        return Evaluation(
            Status.RULE_ERROR,
            _("rule {rule} of plugin {plugin} returned an Evaluation whose {field}").format(
                rule=repr(name), plugin=repr(plugin), field=wrong
            ),
            rule=name,
        )
    return _plain(result)


def _repr(value: object) -> str:
    try:
        return repr(value)
    except BaseException:
        return f"<{type(value).__name__}>"


_TEXT_FIELDS: Final = ("reason", "rule", "progress", "reading", "alternative", "movement")


def _wrong_field(result: Evaluation) -> str:
    """What in a rule's Evaluation is not as the model says ("" where all is)."""
    if not isinstance(result.status, Status):
        return f"status is {type(result.status).__name__}"
    for field in _TEXT_FIELDS:
        value = getattr(result, field)
        if not isinstance(value, str):
            return f"{field} is {type(value).__name__}, not text"
    if not isinstance(result.figures, tuple) or not all(
        isinstance(o, Observation) for o in result.figures
    ):
        return "figures are not observations"
    for figure in result.figures:
        if not _finite(figure.value):
            return f"figure {figure.indicator} is {_repr(figure.value)}, not a finite number"
    if result.distance is not None and not isinstance(result.distance, Progress):
        return f"distance is {type(result.distance).__name__}"
    if result.distance is not None:
        distance = result.distance
        if not isinstance(distance.status, ProgressStatus):
            return f"distance.status is {type(distance.status).__name__}"
        if not isinstance(distance.reason, str) or not isinstance(distance.method, str):
            return "distance.reason is not text"
        if distance.ratio is not None and not _finite(distance.ratio):
            return f"distance.ratio is {_repr(distance.ratio)}, not a finite number"
    return ""


def _finite(value: object) -> bool:
    """A real, finite number: NaN or infinity from a rule would break JSON and every sum."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _plain(result: Evaluation) -> Evaluation:
    """The same Evaluation with plain ``str`` text (a subclass's methods never run later)."""

    def text(value: str) -> str:
        return "".join((value,))

    return attrs.evolve(
        result,
        reason=text(result.reason),
        rule=text(result.rule),
        progress=text(result.progress),
        reading=text(result.reading),
        alternative=text(result.alternative),
        movement=text(result.movement),
        distance=None
        if result.distance is None
        else Progress(
            ProgressStatus(result.distance.status),
            None if result.distance.ratio is None else float(result.distance.ratio),
            text(result.distance.reason),
            text(result.distance.method),
        ),
    )


#: The years an evaluation may be made as of.
FIRST_YEAR: Final = 1900
YEARS_AHEAD: Final = 50


def check_as_of(year: int | None) -> None:
    """Refuse a year an evaluation cannot be made as of (before 1900, or over 50 years ahead)."""
    if year is None:
        return
    last = datetime.date.today().year + YEARS_AHEAD
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        raise InputError(
            _("--as-of: a year from {first} to {last}, not {value}").format(
                first=FIRST_YEAR, last=last, value=year
            )
        )


def evaluate_target(
    target: Target,
    strategy: Strategy,
    registry: Registry,
    extra: Sequence[Observation] = (),
    as_of: int | None = None,
) -> Evaluation:
    """Evaluate one target with its rule (falling back to the default rule).

    ``as_of`` evaluates as of that year: only figures up to it count.
    """
    check_as_of(as_of)
    start, inferred = strategy.in_force_from()
    if as_of is not None and start is not None and as_of < start:
        return Evaluation(
            Status.NOT_EVALUABLE,
            _("the document was not yet in force in {year}: it counts from {start}").format(
                year=as_of, start=start
            )
            + (" " + _("(undated: the start of its period)") if inferred else ""),
            rule=target.rule or DEFAULT_RULE_NAME,
            reading=target.reading,
        )
    observations, notes = relevant_observations(target, strategy, registry, extra, as_of)
    context = RuleContext(
        strategy,
        _indicator(strategy, target),
        describe_group=_group_words(registry),
        define_group=_group_definitions(registry),
        as_of=as_of,
    )
    if as_of is not None:
        context = attrs.evolve(context, year=as_of)
    rule_name = target.rule or DEFAULT_RULE_NAME
    result = _run_rule(registry, rule_name, target, observations, context)
    if result is None:
        result = _run_rule(registry, DEFAULT_RULE_NAME, target, observations, context)
        assert result is not None, "the default rule evaluates every target"
    else:
        result = attrs.evolve(result, rule=rule_name)
    reading = target.reading + (
        " " + _("Alternative reading: {reading}").format(reading=target.alternative_reading)
        if target.alternative_reading
        else ""
    )
    reason = result.reason + ("".join(f"; {n}" for n in notes) if notes else "")
    return attrs.evolve(
        result,
        reading=reading,
        reason=reason,
        figures=tuple(observations),
        methods_disagree=methods_disagree(result.status, result.distance),
    )


@pinned
def merge_observations(
    *sources: Mapping[str, Iterable[Observation]] | None,
) -> dict[str, list[Observation]]:
    """Figures from several sources (a CSV file's, Statistics Denmark's) per municipality code.

    The one place where figures from outside the documents are put together, for
    the evaluation and the comparison alike; each keeps its own provenance and
    series, so nothing is joined across sources.
    """
    together: dict[str, list[Observation]] = {}
    for source in sources:
        for code, points in (source or {}).items():
            together.setdefault(code, []).extend(points)
    return together


def evaluate_all(
    registry: Registry,
    extra: Mapping[str, Sequence[Observation]] | None = None,
    as_of: int | None = None,
    municipalities: Iterable[str] | None = None,
) -> list[TargetEvaluation]:
    """Every target of every loaded strategy; ``extra`` adds observations per municipality code.

    Readings and reasons are in the output language, the plugins' prose too where
    they translate it.
    """
    check_as_of(as_of)
    registry = registry.in_language(language())
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
                    as_of,
                )
            )
    if municipalities is not None:  # in the order asked, not the registry's
        order = {code: n for n, code in enumerate(dict.fromkeys(municipalities))}
        rows.sort(key=lambda r: order.get(r.municipality.code, len(order)))
    return rows


@attrs.frozen
class GoalMovement:
    """An Integrationsbarometer goal's movement: the majority of its indicators' movements."""

    municipality: Municipality
    strategy: Strategy
    goal: str
    text: str
    #: "" where not all its indicators could be assessed (``choice`` is then "incomplete", or
    #: "none" where none of them could: such a goal is listed too, never left out).
    movement: str
    #: (target id, its movement, "" where it could not be assessed), in the document's order.
    parts: tuple[tuple[str, str], ...]
    #: The library's named choice that decided it (``builtin_rules.GOAL_CHOICES``), or "".
    choice: str = ""

    @property
    def choice_text(self) -> str:
        from kommuneintegration.rules.builtin import GOAL_CHOICES

        return _(GOAL_CHOICES[self.choice]) if self.choice else ""


@attrs.frozen
class Evaluations(Sequence[TargetEvaluation]):
    """The evaluated targets, and what every output shows of them computed once: each
    Integrationsbarometer goal's movement. A sequence of its rows, as ``evaluate_all``'s
    list is."""

    rows: tuple[TargetEvaluation, ...]
    goal_movements: tuple[GoalMovement, ...] = ()

    @overload
    def __getitem__(self, index: int) -> TargetEvaluation: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[TargetEvaluation]: ...

    def __getitem__(self, index: int | slice) -> TargetEvaluation | Sequence[TargetEvaluation]:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)


def assessed(rows: Iterable[TargetEvaluation]) -> Evaluations:
    """The rows with their goals' movements, computed here once for every renderer."""
    found = tuple(rows)
    return Evaluations(found, tuple(goal_movements(found)))


def goal_movements(rows: Iterable[TargetEvaluation]) -> list[GoalMovement]:
    """Each barometer goal's movement, from its targets' movements (the barometer's rule)."""
    from kommuneintegration.rules.builtin import barometer_goal, goal_choice

    grouped: dict[tuple[str, str, str], list[TargetEvaluation]] = {}
    for row in rows:
        barometer = row.evaluation.movement or row.target.rule == "barometer"
        if barometer and row.target.goal:
            key = (row.municipality.code, row.strategy.id, row.target.goal)
            grouped.setdefault(key, []).append(row)
    found = []
    for (_code, _strategy, goal), members in grouped.items():
        members = members[:3]
        moves = [m.evaluation.movement for m in members if m.evaluation.movement]
        # one indicator of three is no majority: the goal moves only when all are assessed
        complete = bool(moves) and len(moves) == len(members)
        partly = "incomplete" if moves else "none"
        choice = goal_choice(moves) if complete else partly
        first = members[0]
        found.append(
            GoalMovement(
                first.municipality,
                first.strategy,
                goal,
                first.strategy.goal(goal).text,
                barometer_goal(moves) if complete else "",
                tuple((m.target.id, m.evaluation.movement) for m in members),
                choice,
            )
        )
    return found
