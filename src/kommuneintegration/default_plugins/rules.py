"""The built-in evaluation rules, ``default`` and ``barometer``, offered through the hook."""

from __future__ import annotations

from collections.abc import Iterable

from kommuneintegration.builtin_rules import BUILTIN_RULES
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.rules import EvaluationRule


@hookimpl
def evaluation_rules() -> Iterable[EvaluationRule]:
    return tuple(BUILTIN_RULES.values())
