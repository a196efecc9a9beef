"""The hooks a municipality plugin implements.

Each hook's docstring is its documentation (``docs/plugins.md`` repeats them,
and a test checks that every hook is documented there and tested). Hooks are
called with keyword arguments only, and an implementation may accept fewer
arguments than the specification, so arguments can be added later without
breaking plugins. The host validates everything a hook returns and names the
plugin in every error.

A plugin module marks its implementations with :data:`hookimpl`::

    from kommuneintegration import hookimpl

    @hookimpl
    def municipality():
        return Municipality("851", "Aalborg")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pluggy

from kommuneintegration.countries import CountryGroup
from kommuneintegration.rules import EvaluationRule
from kommuneintegration.strategy.models import Concept, Municipality, Strategy, TargetGroup

__all__ = ["ENTRY_POINT_GROUP", "PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "kommuneintegration"
#: The entry-point group an installed plugin registers under (``new-plugin`` writes it).
ENTRY_POINT_GROUP = PROJECT_NAME
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def municipality() -> Municipality | None:
    """The municipality (kommune) this plugin describes, by DST code and name.

    Return ``None`` for a plugin that only contributes groups or rules. Two
    plugins may not claim the same municipality code.
    """


@hookspec
def strategies(municipality: Municipality) -> Iterable[Strategy]:  # type: ignore[empty-body]
    """The municipality's strategy documents: adopted policies, drafts, proposals.

    Each :class:`~kommuneintegration.strategy.models.Strategy` holds its themes, goals,
    principles, initiatives, evaluation parameters, indicators, targets and
    observations with provenance. Most plugins load them from TOML files with
    :func:`kommuneintegration.strategy.datafile.load_plugin_data`. References between
    them, target groups, catalogue ids and units are checked by the host.
    """


@hookspec
def target_groups() -> Iterable[TargetGroup]:  # type: ignore[empty-body]
    """Target groups (målgrupper) this plugin defines, as origins and a country group.

    Ids should carry the plugin's prefix ("kobenhavn:etnisk-minoritet"); they must
    not clash with the built-in groups or another plugin's.
    """


@hookspec
def country_groups() -> Iterable[CountryGroup]:  # type: ignore[empty-body]
    """Extra country groups (landegrupper) the plugin's target groups use.

    København contributes "kobenhavn:udvalgte-menapt". Ids must be new.
    """


@hookspec
def concepts() -> Iterable[Concept]:  # type: ignore[empty-body]
    """Statistical concepts (begreber) this plugin's indicators measure, beyond the catalogue's.

    An indicator names its concept by id (``concept = "employment-frequency"``);
    the built-in concepts are in ``data/concepts.toml``. A new concept needs an
    id with the plugin's prefix ("odense:fritidsjob"), a Danish ``label`` and an
    English ``label_en``. Ids must be new.
    """


@hookspec
def translations() -> Mapping[str, Mapping[str, str]]:  # type: ignore[empty-body]
    """The plugin's own prose in the other language: ``{"da": {"as written": "på dansk"}}``.

    Readings, notes, summaries and other text the plugin writes are shown in the
    output language where the plugin translates them (``--lang da`` or ``en``),
    and as written where it does not. They apply to the plugin's own data only:
    one plugin cannot reword another's. The source's own words (goal texts,
    wordings, quotes) are never translated. ``DataPlugin`` reads them from
    ``data/locale/<language>.po`` (gettext: ``msgid`` the text as written,
    ``msgstr`` its translation).
    """


@hookspec
def evaluation_rules() -> Iterable[EvaluationRule]:  # type: ignore[empty-body]
    """Named rules for evaluating this plugin's targets.

    A target chooses a rule with ``rule = "name"``; a rule returning ``None``
    falls back to the default rule. Names must be unique across plugins.
    """
