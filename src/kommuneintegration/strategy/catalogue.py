"""The shared catalogue: indicators, topics, concepts and target groups every city maps onto.

The catalogue is data (``data/catalogue.toml``, ``data/concepts.toml``,
``data/target_groups.toml``):
comparison lines up cities' figures by catalogue indicator, and theme coverage
by topic. A plugin maps its own indicator with ``catalogue = "employment-rate"``
and its themes with ``topics = ["employment"]``.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import attrs

from kommuneintegration import tomltext
from kommuneintegration.i18n import pick
from kommuneintegration.strategy.models import Concept, Measure, TargetGroup, Unit, _unit
from kommuneintegration.strategy.schema import structure

__all__ = [
    "CatalogueIndicator",
    "Topic",
    "builtin_concepts",
    "builtin_target_groups",
    "catalogue",
    "catalogue_ids",
    "topics",
]


@attrs.frozen
class CatalogueIndicator:
    """An indicator of the shared catalogue (*indikator*)."""

    id: str
    label: str
    label_en: str
    measure: Measure = attrs.field(converter=Measure)
    unit: Unit = attrs.field(converter=_unit)
    description: str = ""
    derived_from: str | None = None
    topics: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    #: What a reader must know before comparing it with similar indicators, in Danish and
    #: in English: :attr:`note` gives it in the output language.
    compare_note: str = ""
    compare_note_en: str = ""

    @property
    def note(self) -> str:
        """The compare note in the output language."""
        return pick(self.compare_note, self.compare_note_en)


@attrs.frozen
class Topic:
    """A theme of integration policy (*tema*) that strategies cover or not."""

    id: str
    label: str
    label_en: str


def _data(name: str) -> dict[str, Any]:
    text = resources.files("kommuneintegration").joinpath(f"data/{name}").read_text("utf-8")
    return tomltext.parse(text)


@functools.cache
def catalogue() -> dict[str, CatalogueIndicator]:
    """Catalogue indicators by id, in catalogue order."""
    return {e["id"]: CatalogueIndicator(**e) for e in _data("catalogue.toml")["indicator"]}


def catalogue_ids() -> frozenset[str]:
    return frozenset(catalogue())


@functools.cache
def topics() -> dict[str, Topic]:
    """Topics by id, in catalogue order."""
    return {e["id"]: Topic(**e) for e in _data("catalogue.toml")["topic"]}


@functools.cache
def builtin_concepts() -> dict[str, Concept]:
    """The closed catalogue of statistical concepts, by id ("employment-frequency", ...)."""
    return {
        c.id: c
        for c in (
            structure(entry, Concept, "concepts.toml", f"concept[{i}]")
            for i, entry in enumerate(_data("concepts.toml")["concept"])
        )
    }


@functools.cache
def builtin_target_groups() -> tuple[TargetGroup, ...]:
    """Target groups every plugin may refer to ("danish-origin", "non-western", ...)."""
    return tuple(
        structure(entry, TargetGroup, "target_groups.toml", f"target_group[{i}]")
        for i, entry in enumerate(_data("target_groups.toml")["target_group"])
    )
