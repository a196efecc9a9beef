"""The contract for evaluation rules: what a rule receives and what it returns.

A rule turns a target and the observations of its indicator into an
:class:`Evaluation`: a :class:`Status` and, always, the reason. Built-in rules
live in :mod:`kommuneintegration.builtin_rules` (offered through the default
plugin) and :mod:`kommuneintegration.evaluation` applies them; plugins contribute their own
through the ``evaluation_rules`` hook, and a target picks one by name with
``rule = "..."`` in its data file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from kommuneintegration.models import (
    Indicator,
    LabelledEnum,
    Observation,
    Strategy,
    Target,
    _observations,
)

__all__ = ["Evaluation", "EvaluationRule", "RuleContext", "Status"]


class Status(LabelledEnum):
    """How far a target has come.

    A target whose deadline has passed is *nået* (achieved) or *ikke nået*
    (missed); *på rette vej* and *ikke på rette vej* are for targets still open.
    """

    ACHIEVED = "achieved"
    MISSED = "missed"
    ON_TRACK = "on-track"
    NOT_ON_TRACK = "not-on-track"
    NOT_EVALUABLE = "not-evaluable"
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


@attrs.frozen
class RuleContext:
    """What a rule may look at besides the target: its strategy and indicator.

    ``year`` is the year the evaluation is made in (this year, or ``as_of``): a
    target whose deadline is before it is closed. ``extra`` carries what the
    engine offers beyond that (``"registry"``: every loaded city's data, for
    rules that compare across cities).
    """

    strategy: Strategy
    indicator: Indicator | None
    extra: dict[str, Any] = attrs.field(factory=dict)
    year: int = attrs.field(factory=lambda: datetime.date.today().year)


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
