"""The contract for evaluation rules, and the toolkit a rule author builds with.

A rule turns a target and the observations of its indicator into an
:class:`Evaluation`: a :class:`Status` and, always, the reason. Built-in rules
live in :mod:`kommuneintegration.rules.builtin` (offered through the default
plugin) and :mod:`kommuneintegration.analysis.evaluation` applies them; plugins
contribute their own through the ``evaluation_rules`` hook, and a target picks
one by name with ``rule = "..."`` in its data file.

The toolkit is what the built-in rules use, public so that a plugin's rule
needs no private helper: :func:`series` (the figures by series, named as a
reader knows them), :func:`endpoints` (baseline and latest figure),
:func:`combine` (many series' verdicts into one, by the rule that every series
must meet the target), :func:`met`, :func:`trail` and :func:`figure` (wording
with units), and :func:`distance_to_target` (Statistics Canada's method, as
Open SDG platforms report it). A rule sees the world through
:class:`RuleContext`: frozen data and read-only functions, nothing through
which it could change the registry or another city's figures.
"""

from __future__ import annotations

import datetime
import enum
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.i18n import _, format_number, ngettext, who
from kommuneintegration.strategy.models import (
    Comparator,
    Indicator,
    LabelledEnum,
    Observation,
    Strategy,
    Target,
    _observations,
)
from kommuneintegration.strategy.series import by_series
from kommuneintegration.units import format_value

__all__ = [
    "Evaluation",
    "EvaluationRule",
    "Progress",
    "ProgressStatus",
    "RuleContext",
    "Status",
    "combine",
    "distance_to_target",
    "endpoints",
    "figure",
    "met",
    "methods_disagree",
    "observed",
    "series",
    "trail",
]


class Status(LabelledEnum):
    """How far a target has come.

    A target whose deadline has passed is *nået* (achieved), *ikke nået*
    (missed) or *kan ikke vurderes* (not evaluable); *på rette vej* and *ikke
    på rette vej* are for targets still open. *Nået ifølge dokumentet* is a
    document's own claim of success, with no figure: counted apart from a
    measured result.
    """

    ACHIEVED = "achieved"
    MISSED = "missed"
    ON_TRACK = "on-track"
    NOT_ON_TRACK = "not-on-track"
    NOT_EVALUABLE = "not-evaluable"
    #: The document says the target was reached, and gives no figure.
    REPORTED_ACHIEVED = "reported-achieved"
    #: The target's rule failed (raised, or returned something else than an Evaluation).
    RULE_ERROR = "rule-error"


@attrs.frozen
class Evaluation:
    """A target's status with the reason, the reading used, and the progress shown.

    ``progress`` is a short text such as "4.3 % (2018) -> 5.4 % (2021), target
    6.3 %"; ``figures`` the observations the status rests on.
    """

    status: Status = attrs.field(converter=Status)
    reason: str
    rule: str = "default"
    progress: str = ""
    reading: str = ""
    figures: tuple[Observation, ...] = attrs.field(default=(), converter=_observations)
    alternative: str = ""
    #: The second method's verdict (:func:`distance_to_target`), where it applies.
    distance: Progress | None = None
    #: The Integrationsbarometer's movement (positive, unchanged, negative), for its rule.
    movement: str = ""
    #: Whether the target's own rule and the distance method reach different verdicts
    #: (:func:`methods_disagree`): set once by the evaluation, read by every output.
    methods_disagree: bool = False


def _no_description(group_id: str | None) -> str:
    return group_id or ""


@attrs.frozen
class RuleContext:
    """What a rule may look at besides the target: its strategy, indicator and the date.

    ``year`` is the year the evaluation is made in (this year, or ``as_of``): a
    target whose deadline is before it is closed. ``describe_group`` names a
    target group as a reader knows it ("indvandrere"), in the output language: a
    read-only view of the registry, the only one a rule gets. Everything here is
    frozen data; a rule cannot reach the registry, another city's figures or
    another rule.
    """

    strategy: Strategy
    indicator: Indicator | None
    year: int = attrs.field(factory=lambda: datetime.date.today().year)
    #: The year the evaluation is made as of, when it is not today (``--as-of``).
    as_of: int | None = None
    describe_group: Callable[[str | None], str] = _no_description
    #: A target group's definition in plain words ("indvandrere og efterkommere fra
    #: ikke-vestlige lande"), in the output language: whom it counts, beyond its label.
    define_group: Callable[[str | None], str] = _no_description

    def closed(self, target: Target) -> bool:
        """Whether the target's deadline has passed by the evaluation's year."""
        return target.year is not None and target.year < self.year


RuleFunction = Callable[[Target, Sequence[Observation], RuleContext], Evaluation | None]


@attrs.frozen
class EvaluationRule:
    """A named way to evaluate targets.

    ``evaluate(target, observations, context)`` returns an :class:`Evaluation`,
    or ``None`` when the rule does not apply to that target (the default rule is
    used instead). ``observations`` are those of the target's indicator, for the
    target's group and age band where it names them, sorted by year.
    """

    name: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z0-9][a-z0-9._:-]*$"))
    description: str
    evaluate: RuleFunction


# --- the toolkit -----------------------------------------------------------------------------


def figure(value: float, unit: str, decimals: int | None = None) -> str:
    """A value with its unit, as the reasons write it ("5,4 %", "0,9 procentpoint"), with the
    decimals its source printed where it says ("5,0 %")."""
    return format_value(value, unit, words=True, decimals=decimals)


def observed(o: Observation) -> str:
    """An observation's figure as the reasons write it, with the decimals its source printed."""
    return figure(o.value, o.unit, o.decimals)


#: A series of more figures than this is summarised: its first, then its last two, and a count.
TRAIL_POINTS: Final = 4


def trail(points: Sequence[Observation]) -> str:
    """ "4,3 % (2018) → 5,4 % (2021)": figures with their units and years; a long series (a
    Statbank table's 17 years) as its first figure, "…", its last two and how many there are."""
    shown = [f"{observed(o)} ({o.year})" for o in points]
    if len(shown) <= TRAIL_POINTS:
        return " → ".join(shown)
    count = ngettext("{n} figure", "{n} figures", len(shown)).format(n=len(shown))
    return " → ".join([shown[0], "…", *shown[-2:]]) + f" ({count})"


def met(value: float, goal: float, comparator: Comparator | None) -> bool:
    """Whether ``value`` meets ``goal`` by the comparator (at least, the default; at most; equal)."""
    if comparator is Comparator.AT_MOST:
        return value <= goal
    if comparator is Comparator.EQUAL:
        return abs(value - goal) < 1e-9
    return value >= goal


def series(
    observations: Iterable[Observation], context: RuleContext | None = None
) -> dict[str, list[Observation]]:
    """The dated figures by series (:mod:`kommuneintegration.strategy.series`), each by year, named as
    a reader knows it: the group's label, age band and category, and the table of its own."""
    describe = context.describe_group if context is not None else _no_description
    named: dict[str, list[Observation]] = {}
    for (_indicator, group, age_band, category, tag), points in by_series(observations).items():
        label = ", ".join(
            p for p in (who(describe(group) if group else "", age_band), category) if p
        )
        label = label or _("all")
        if tag:  # a series of its own, named with its source: never joined to another
            label += f" [{tag}]"
        named.setdefault(label, []).extend(points)
    for points in named.values():
        points.sort(key=lambda o: o.year or 0)
    return named


def endpoints(
    target: Target, points: Sequence[Observation]
) -> tuple[Observation, Observation] | str:
    """The baseline figure (of the baseline year, or the first) and the latest after it, or why not."""
    if not points:
        return _("no figures")
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


_FAILING: Final = frozenset({Status.MISSED, Status.NOT_ON_TRACK})


def combine(statuses: Sequence[Status], *, closed: bool = False) -> Status:
    """Many series' verdicts as one, by the rule that every series must meet the target.

    One failing series fails the target (missed once the deadline has passed).
    The target is achieved only when every series is judged and achieved; where
    some series cannot be judged yet, an open target whose other series are on
    their way is on track, and a closed one is not evaluable: a past deadline is
    never on or not on track.
    """
    judged = [s for s in statuses if s is not Status.NOT_EVALUABLE]
    if not judged:
        return Status.NOT_EVALUABLE
    if any(s in _FAILING for s in judged):
        return Status.MISSED if closed else Status.NOT_ON_TRACK
    if len(judged) == len(statuses) and all(s is Status.ACHIEVED for s in judged):
        return Status.ACHIEVED
    return Status.NOT_EVALUABLE if closed else Status.ON_TRACK


class ProgressStatus(enum.StrEnum):
    """The verdicts of the distance-to-target method (Statistics Canada; Open SDG)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on-track"
    ACCELERATION_NEEDED = "acceleration-needed"
    LIMITED_PROGRESS = "limited-progress"
    DETERIORATION = "deterioration"
    NOT_ASSESSABLE = "not-assessable"

    @property
    def display(self) -> str:
        return _PROGRESS_WORDS[self]()


_PROGRESS_WORDS: Final[Mapping[ProgressStatus, Callable[[], str]]] = {
    ProgressStatus.ACHIEVED: lambda: _("target achieved"),
    ProgressStatus.ON_TRACK: lambda: _("on track (growth at least 95 % of what is needed)"),
    ProgressStatus.ACCELERATION_NEEDED: lambda: _("acceleration needed"),
    ProgressStatus.LIMITED_PROGRESS: lambda: _("limited progress"),
    ProgressStatus.DETERIORATION: lambda: _("deterioration"),
    ProgressStatus.NOT_ASSESSABLE: lambda: _("not assessable"),
}

#: The method's name, as every output gives it.
DISTANCE_METHOD: Final = "distance-to-target"


@attrs.frozen
class Progress:
    """One verdict of the distance-to-target method, with its ratio and why."""

    status: ProgressStatus
    #: CAGR observed / CAGR required; ``None`` where it is not computed.
    ratio: float | None
    reason: str
    method: str = DISTANCE_METHOD


def distance_to_target(
    base: Observation,
    latest: Observation,
    goal: float,
    deadline: int,
    comparator: Comparator | None = None,
) -> Progress:
    """Statistics Canada's distance to a numeric target, as Open SDG platforms compute it.

    With base value x0 in year t0, latest value xt in year t and target x* in
    year T: observed growth CAGRo = (xt/x0)^(1/(t-t0)) - 1, required growth
    CAGRr = (x*/x0)^(1/(T-t0)) - 1 and R = CAGRo / CAGRr: achieved where xt
    already meets x*; on track for R >= 0.95, acceleration needed for
    0.6 <= R < 0.95, limited progress for 0 <= R < 0.6, deterioration for R < 0.
    Zeros are replaced by 0.001, as the method says.
    """
    words = _("distance to target (Statistics Canada)")
    if met(latest.value, goal, comparator):
        return Progress(
            ProgressStatus.ACHIEVED,
            None,
            _("{method}: the latest figure meets the target").format(method=words),
        )
    t0, t = base.year, latest.year
    if t0 is None or t is None or t <= t0 or deadline <= t0:
        return _not_assessable(
            _("{method}: needs two figures in different years before the deadline").format(
                method=words
            )
        )
    x0, xt, target = (v if v != 0 else 0.001 for v in (base.value, latest.value, goal))
    if x0 < 0 or xt < 0 or target < 0:
        return _not_assessable(_("{method}: not defined for negative values").format(method=words))
    observed = (xt / x0) ** (1 / (t - t0)) - 1
    required = (target / x0) ** (1 / (deadline - t0)) - 1
    if required == 0 or math.isclose(required, 0.0, abs_tol=1e-12):
        return _not_assessable(
            _("{method}: the target asks for no change from the baseline").format(method=words)
        )
    ratio = observed / required
    return Progress(
        next((s for low, s in _LOWEST_RATIOS if ratio >= low), ProgressStatus.DETERIORATION),
        round(ratio, 4),
        _(
            "{method}: growth {observed} a year from {t0} to {t} against {required} a year "
            "needed by {deadline}, a ratio of {ratio}"
        ).format(
            method=words,
            observed=figure(round(100 * observed, 2), "percent"),
            required=figure(round(100 * required, 2), "percent"),
            t0=t0,
            t=t,
            deadline=deadline,
            ratio=format_number(ratio, decimals=2),
        ),
    )


#: The lowest ratio of each verdict, from the best; below them all, deterioration.
_LOWEST_RATIOS: Final[tuple[tuple[float, ProgressStatus], ...]] = (
    (0.95, ProgressStatus.ON_TRACK),
    (0.6, ProgressStatus.ACCELERATION_NEEDED),
    (0, ProgressStatus.LIMITED_PROGRESS),
)


def _not_assessable(reason: str) -> Progress:
    return Progress(ProgressStatus.NOT_ASSESSABLE, None, reason)


_SAME_VERDICT: Final[Mapping[Status, frozenset[ProgressStatus]]] = {
    Status.ACHIEVED: frozenset({ProgressStatus.ACHIEVED}),
    Status.ON_TRACK: frozenset({ProgressStatus.ON_TRACK, ProgressStatus.ACHIEVED}),
    Status.NOT_ON_TRACK: frozenset(
        {
            ProgressStatus.ACCELERATION_NEEDED,
            ProgressStatus.LIMITED_PROGRESS,
            ProgressStatus.DETERIORATION,
        }
    ),
    Status.MISSED: frozenset(
        {
            ProgressStatus.ACCELERATION_NEEDED,
            ProgressStatus.LIMITED_PROGRESS,
            ProgressStatus.DETERIORATION,
        }
    ),
}


def methods_disagree(status: Status, progress: Progress | None) -> bool:
    """Whether the target's own rule and the distance method reach different verdicts.

    Where either cannot judge, they do not disagree: one of them is silent.
    """
    if progress is None or progress.status is ProgressStatus.NOT_ASSESSABLE:
        return False
    same = _SAME_VERDICT.get(status)
    return same is not None and progress.status not in same
