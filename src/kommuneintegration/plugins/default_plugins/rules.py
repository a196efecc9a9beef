"""The built-in evaluation rules, ``default`` and ``barometer``, offered through the hook."""

from __future__ import annotations

from collections.abc import Iterable

from kommuneintegration.plugins.hookspecs import hookimpl
from kommuneintegration.rules import EvaluationRule
from kommuneintegration.rules.builtin import BUILTIN_RULES


@hookimpl
def evaluation_rules() -> Iterable[EvaluationRule]:
    return tuple(BUILTIN_RULES.values())
