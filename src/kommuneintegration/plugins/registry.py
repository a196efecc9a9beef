"""What the loaded plugins supply, validated: plain data, with no plugin machinery.

The plugin host (:mod:`kommuneintegration.plugins`) builds a :class:`Registry`;
evaluation and comparison read it. Keeping it free of pluggy means a test, a
notebook or another tool can build one by hand and use the whole engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs

from kommuneintegration.countries import CountryGroupRegistry
from kommuneintegration.errors import (
    KommuneintegrationError,
    UnknownMunicipalityError,
    UnknownTargetGroupError,
)
from kommuneintegration.i18n import _, pgettext, pick, use_language
from kommuneintegration.municipalities import COUNTRY
from kommuneintegration.rules import EvaluationRule
from kommuneintegration.strategy.catalogue import builtin_concepts
from kommuneintegration.strategy.models import Concept, Municipality, Strategy, TargetGroup
from kommuneintegration.words import fold, spellings

__all__ = ["PluginError", "PluginProblem", "Registry"]


@attrs.frozen
class PluginProblem:
    """Something wrong with one plugin: failing to load, or returning bad data."""

    plugin: str
    message: str
    distribution: str = ""
    path: str = ""

    def __str__(self) -> str:
        if not self.plugin:
            return self.message
        who = _("plugin {name}").format(name=repr(self.plugin)) + (
            f" ({self.distribution})" if self.distribution else ""
        )
        where = f" {self.path}:" if self.path else ""
        return f"{who}:{where} {self.message}"


class PluginError(KommuneintegrationError, RuntimeError):
    """Raised in strict mode: the problems of one or more plugins."""

    def __init__(self, problems: Iterable[PluginProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@attrs.frozen
class Registry:
    """Everything the loaded plugins supply, validated; what evaluation and comparison work on.

    ``rules`` holds every evaluation rule, the built-in ``default`` and
    ``barometer`` among them. ``owners`` maps a municipality code, ``"group:ID"``
    and ``"rule:NAME"`` to the plugin that supplied it.
    """

    municipalities: Mapping[str, Municipality]
    strategies: Mapping[str, tuple[Strategy, ...]]
    target_groups: Mapping[str, TargetGroup]
    country_groups: CountryGroupRegistry
    rules: Mapping[str, EvaluationRule]
    owners: Mapping[str, str]
    problems: tuple[PluginProblem, ...] = ()
    #: Codes two or more plugins claim: code -> (the error, the names they gave). Nobody's.
    contested: Mapping[str, tuple[str, tuple[str, ...]]] = attrs.field(factory=dict)
    #: The closed catalogue of concepts, the built-in ones and the plugins' (``"concept:ID"``
    #: in ``owners``).
    concepts: Mapping[str, Concept] = attrs.field(factory=lambda: dict(builtin_concepts()))
    #: Each plugin's translations of its own prose: plugin -> language -> {as written: text}.
    #: A plugin's table applies to its own data only: one plugin cannot reword another's.
    #: The key "" holds the library's own (the default plugins'), for the built-in groups.
    translations: Mapping[str, Mapping[str, Mapping[str, str]]] = attrs.field(factory=dict)
    _localized: dict[str, Registry] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def in_language(self, lang: str) -> Registry:
        """The registry with the plugins' prose in ``lang`` where a plugin translated it.

        Readings, notes, summaries and other prose a plugin writes (:data:`PROSE`)
        are replaced by that plugin's translation; text with none, and quotations,
        stay as written. The source's own words (goal texts, wordings, quotes) are
        never translated. The built-in target groups are the library's: the
        default plugins translate them.
        """
        translated = any(lang in tables for tables in self.translations.values())
        if not translated and COUNTRY not in self.municipalities:
            return self
        if not translated:
            # no prose to put into ``lang`` (a registry already in it has no tables left):
            # only the whole country's name below, never the strategies walked again
            self._localized.setdefault(lang, self)
        if lang not in self._localized:

            def table(owner: str | None) -> Mapping[str, str]:
                return self.translations.get(owner or "", {}).get(lang, {})  # "": the library

            self._localized[lang] = attrs.evolve(
                self,
                strategies={
                    code: tuple(_localize(s, table(self.owners.get(code))) for s in found)
                    for code, found in self.strategies.items()
                },
                target_groups={
                    k: _localize(g, table(self.owners.get("group:" + k)))
                    for k, g in self.target_groups.items()
                },
                translations={},
            )
        localized = self._localized[lang]
        if COUNTRY not in self.municipalities:
            return localized
        # DST's name of the whole country ("Hele landet") in the output language: looked
        # up on each call, never kept with the plugins' translated prose.
        return attrs.evolve(
            localized,
            municipalities={
                code: Municipality(code, _country_name(lang)) if code == COUNTRY else m
                for code, m in self.municipalities.items()
            },
        )

    def concept_label(self, concept_id: str) -> str:
        """A concept's label in the output language ("beskæftigelsesfrekvens"); "" for none."""
        concept = self.concepts.get(concept_id)
        if concept is None:
            return concept_id
        return pick(concept.label, concept.label_en)

    def municipality(self, code_or_name: str) -> Municipality:
        """A municipality by DST code ("101"), name ("København", "Kobenhavn", "koebenhavn") or plugin name.

        A code that two plugins claim raises :class:`PluginError` naming both.
        """
        if code_or_name in self.municipalities:
            return self.municipalities[code_or_name]
        wanted = spellings(code_or_name)
        for code, (message, names) in self.contested.items():
            if code_or_name == code or any(wanted & spellings(n) for n in names):
                raise PluginError([PluginProblem("", message)])
        for m in self.municipalities.values():
            typed = spellings(m.name) | spellings(self.owners.get(m.code, ""))
            if m.code == COUNTRY:  # DST's name in either language
                typed |= spellings("Hele landet") | spellings("Whole country")
            if wanted & typed:
                return m
        # the whole country is no kommune: said apart from the municipalities known
        known = ", ".join(
            f"{m.code} {m.name}" for m in self.municipalities.values() if m.code != COUNTRY
        ) or _("none loaded")
        country = self.municipalities.get(COUNTRY)
        raise UnknownMunicipalityError(
            _("unknown municipality {value}; known municipalities: {known}").format(
                value=repr(code_or_name), known=known
            )
            + (
                "; " + _("and the whole country ({code})").format(code=COUNTRY)
                if country is not None
                else ""
            ),
            value=code_or_name,
            choices=list(self.municipalities),
        )

    def all_strategies(self) -> Iterator[tuple[Municipality, Strategy]]:
        for code in sorted(self.strategies):
            for strategy in self.strategies[code]:
                yield self.municipalities[code], strategy

    def is_subgroup(self, sub: TargetGroup, sup: TargetGroup) -> bool:
        """True if every person in ``sub`` is in ``sup`` by definition (origins and country group)."""
        if not sub.origins <= sup.origins:
            return False
        if sup.country_group is None:
            return True
        if sub.country_group is None:
            return False
        groups = self.country_groups
        return groups.get(sub.country_group).members <= groups.get(sup.country_group).members

    def target_group(self, text: str) -> TargetGroup:
        """A target group by its id or its Danish or English label, as a user types it."""
        text = text.strip()
        if text in self.target_groups:
            return self.target_groups[text]
        for group in self.target_groups.values():
            if fold(text) in (fold(group.label), fold(group.label_en)):
                return group
        known = sorted(self.target_groups)
        raise UnknownTargetGroupError(
            f"unknown target group {text!r}; known: {', '.join(known) or 'none'}",
            value=text,
            choices=known,
        )

    def describe_group(self, group_id: str | None) -> tuple[str, str]:
        """A target group's label and its definition in plain words, in the output language."""
        group = self.target_groups.get(group_id or "")
        if group is None:
            return group_id or "", _("not stated")
        return pick(group.label, group.label_en), group.describe(self.country_groups)


#: The fields that hold a plugin's prose, by the class that has them: what
#: :meth:`Registry.in_language` translates. Goal texts, wordings and quotes are the
#: source's words and are not here.
PROSE: Final[dict[str, frozenset[str]]] = {
    "Strategy": frozenset({"summary"}),
    "Goal": frozenset({"detail"}),
    "Indicator": frozenset({"concept_note"}),
    "Target": frozenset({"reading", "alternative_reading", "year_inferred", "reference"}),
    "Observation": frozenset({"note"}),
    "Note": frozenset({"text"}),
    "TargetGroup": frozenset({"reading", "description", "restriction"}),
    "SourceDocument": frozenset({"note"}),
}


def _country_name(lang: str) -> str:
    with use_language(lang):
        return pgettext("area", "Whole country")


def _localize(value: Any, table: Mapping[str, str]) -> Any:
    """``value`` with every prose field found in ``table`` replaced, recursively."""
    if isinstance(value, tuple):
        items = tuple(_localize(v, table) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not attrs.has(type(value)):
        return value
    fields = PROSE.get(type(value).__name__, frozenset())
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(value)):
        current = getattr(value, field.name)
        if field.name in fields and isinstance(current, str):
            if current in table:
                changes[field.name] = table[current]
        elif isinstance(current, tuple) or attrs.has(type(current)):
            localized = _localize(current, table)
            if localized is not current:
                changes[field.name] = localized
    return attrs.evolve(value, **changes) if changes else value


def prose_texts(value: Any) -> Iterator[str]:
    """Every prose text (:data:`PROSE`) in ``value``, recursively: what a plugin translates."""
    if isinstance(value, tuple | list):
        for item in value:
            yield from prose_texts(item)
        return
    if not attrs.has(type(value)):
        return
    fields = PROSE.get(type(value).__name__, frozenset())
    for field in attrs.fields(type(value)):
        current = getattr(value, field.name)
        if field.name in fields and isinstance(current, str):
            if current:
                yield current
        elif isinstance(current, tuple | list) or attrs.has(type(current)):
            yield from prose_texts(current)
