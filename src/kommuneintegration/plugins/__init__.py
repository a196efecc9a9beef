"""The plugin host: discovery, fault-tolerant loading, validation of what plugins return.

Plugins are found through the entry-point group ``kommuneintegration`` or
registered at run time with :meth:`PluginHost.register`. As in conda's plugin
manager, each entry point is loaded on its own: one that fails to import is
reported with its distribution name and error, and the others still load. Set
``KOMMUNEINTEGRATION_STRICT_PLUGINS=1`` (or pass ``strict=True``) to raise
instead.

pluggy never checks what a hook returns, so the host does: types, duplicate
codes and ids, references between goals, indicators and targets, target
groups, catalogue ids and units. Every problem names its plugin. A plugin with
problems is left out of :meth:`PluginHost.registry` (and reported) unless
strict mode turns problems into a :class:`PluginError`.
"""

from __future__ import annotations

import functools
import importlib.metadata
import itertools
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Protocol, TypeVar

import attrs
import pluggy

from kommuneintegration.contain import (
    contained_output,
    plugin_interrupt,
    safe_text,
    time_limit,
)
from kommuneintegration.countries import CountryGroup, CountryGroupRegistry, builtin_groups
from kommuneintegration.i18n import LANGUAGES, N_, _, language
from kommuneintegration.municipalities import COUNTRY, official_municipalities
from kommuneintegration.plugins import hookspecs, stored
from kommuneintegration.plugins.dataplugin import DataPlugin
from kommuneintegration.plugins.default_plugins import DEFAULT_PLUGINS
from kommuneintegration.plugins.hookspecs import ENTRY_POINT_GROUP
from kommuneintegration.plugins.registry import PluginError, PluginProblem, Registry
from kommuneintegration.rules import EvaluationRule
from kommuneintegration.strategy.catalogue import (
    builtin_concepts,
    builtin_target_groups,
    catalogue_ids,
)
from kommuneintegration.strategy.datafile import check_strategy
from kommuneintegration.strategy.models import Concept, Municipality, Strategy, TargetGroup
from kommuneintegration.words import spellings

__all__ = [
    "ENTRY_POINT_GROUP",
    "STRICT_ENV",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "PluginProblem",
    "Registry",
    "get_host",
]

STRICT_ENV: Final = "KOMMUNEINTEGRATION_STRICT_PLUGINS"
T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """One row of ``kommuneintegration plugins``."""

    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]
    municipality: Municipality | None
    strategies: tuple[str, ...]
    errors: tuple[str, ...]
    default: bool = False


def _strict_default() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


class PluginHost:
    """Owns a pluggy manager, loads plugins, and validates what they supply."""

    def __init__(self, *, load_entrypoints: bool = True, strict: bool | None = None) -> None:
        self.strict = _strict_default() if strict is None else strict
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.load_problems: list[PluginProblem] = []
        self._distributions: dict[str, tuple[str, str]] = {}
        self._registry: Registry | None = None
        self._data_only: frozenset[str] = frozenset()
        self._defaults = frozenset(module.__name__ for module in DEFAULT_PLUGINS)
        for module in DEFAULT_PLUGINS:
            self.pm.register(module, name=module.__name__)
        if load_entrypoints:
            self.load_entrypoints()

    # -- loading ----------------------------------------------------------------

    def load_entrypoints(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load each entry point on its own; a failure is recorded (or raised if strict)."""
        points = sorted(importlib.metadata.entry_points(group=group), key=lambda e: e.name)
        claimed: dict[str, set[str]] = {}
        for ep in points:
            claimed.setdefault(ep.name, set()).add(ep.dist.name if ep.dist is not None else "?")
        for ep in points:
            if self.pm.get_plugin(ep.name) is not None or self.pm.is_blocked(ep.name):
                continue
            dist = ep.dist.name if ep.dist is not None else "?"
            version = ep.dist.version if ep.dist is not None else "?"
            if len(claimed[ep.name]) > 1:
                # Two distributions answer to one name: neither wins in silence.
                problem = PluginProblem(
                    ep.name,
                    _(
                        "the plugin name {name} is claimed by the distributions {who}: none of "
                        "them is loaded until all but one are uninstalled"
                    ).format(name=repr(ep.name), who=_(" and ").join(sorted(claimed[ep.name]))),
                    dist,
                )
                if self.strict:
                    raise PluginError([problem])
                if not any(p.plugin == ep.name for p in self.load_problems):
                    self.load_problems.append(problem)
                    self._distributions[ep.name] = (", ".join(sorted(claimed[ep.name])), "")
                continue
            try:
                with contained_output():
                    plugin = ep.load()
                self.pm.register(plugin, name=ep.name)
            except KeyboardInterrupt:
                if not plugin_interrupt():
                    raise
                problem = PluginProblem(
                    ep.name, _("KeyboardInterrupt raised by the plugin's code"), dist
                )
                if self.strict:
                    raise PluginError([problem]) from None
                self.load_problems.append(problem)
            except BaseException as exc:
                problem = PluginProblem(
                    ep.name,
                    _("failed to load: {error}").format(error=f"{type(exc).__name__}: {exc}"),
                    dist,
                )
                if self.strict:
                    raise PluginError([problem]) from exc
                self.load_problems.append(problem)
            self._distributions[ep.name] = (dist, version)
        self._check_pending()
        self._registry = None

    def _check_pending(self) -> None:
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self.pm.get_name(exc.plugin) or "?"
            problem = PluginProblem(
                name, _("implements an unknown hook: {error}").format(error=exc), self._dist(name)
            )
            if self.strict:
                raise PluginError([problem]) from exc
            self.load_problems.append(problem)
            self.pm.unregister(exc.plugin)

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object (a module or a class instance) at run time."""
        registered = self.pm.register(plugin, name=name)
        if registered is None:
            raise ValueError(f"plugin {name!r} is blocked or already registered")
        self._check_pending()
        self._registry = None
        return registered

    def unregister(self, name: str) -> None:
        self.pm.unregister(name=name)
        self._registry = None

    def plugin_folders(self) -> dict[str, str]:
        """The folder (or single file) of each installed plugin's code and data, by a label
        naming it: what the commands read, so that no output may land there."""
        import sys
        import types

        folders: dict[str, str] = {}
        for name in self.plugin_names():
            plugin = self.pm.get_plugin(name)
            module_name = (
                plugin.__name__
                if isinstance(plugin, types.ModuleType)
                else getattr(plugin, "package", None) or type(plugin).__module__
            )
            top = sys.modules.get(str(module_name).split(".")[0])
            places = list(getattr(top, "__path__", None) or [])
            if not places and getattr(top, "__file__", None):
                places = [top.__file__]  # type: ignore[union-attr]
            for place in places:
                if place and os.path.exists(place):
                    folders[_("the plugin {name}'s folder").format(name=name)] = str(place)
        return folders

    def _dist(self, name: str) -> str:
        return self._distributions.get(name, ("", ""))[0]

    def _dist_or_name(self, name: str) -> str:
        return self._dist(name) or _("registered at run time")

    def plugin_names(self, *, defaults: bool = False) -> list[str]:
        """Registered plugins by name; with ``defaults``, the default plugins too, first."""
        names = sorted(n for n, p in self.pm.list_name_plugin() if p is not None)
        return (
            sorted(names, key=lambda n: n not in self._defaults)
            if defaults
            else [n for n in names if n not in self._defaults]
        )

    # -- calling hooks per plugin ---------------------------------------------------

    def _call(self, hook: str, plugin_name: str, **kwargs: Any) -> Any:
        caller = getattr(self.pm.hook, hook)
        for impl in caller.get_hookimpls():
            if impl.plugin_name == plugin_name:
                arguments = {a: kwargs[a] for a in impl.argnames}
                if self._trusted(plugin_name):
                    return impl.function(**arguments)
                with contained_output(), time_limit():  # no print reaches the output
                    return impl.function(**arguments)
        return None

    def _trusted(self, plugin_name: str) -> bool:
        """Whether the plugin's hooks run only the library's code: a default plugin, or a
        :class:`DataPlugin` as it is (a subclass may add code). Its calls need no fence (a
        time limit and a scratch output cost a thread each), and what it returned no second
        check when no other plugin's code ran after it was built."""
        return plugin_name in self._defaults or plugin_name in self._data_only

    def _implements(self, plugin_name: str) -> tuple[str, ...]:
        plugin = self.pm.get_plugin(plugin_name)
        callers = self.pm.get_hookcallers(plugin) or []
        return tuple(sorted(c.name for c in callers))

    # -- the registry ------------------------------------------------------------------

    def registry(self) -> Registry:
        """Collect and validate what every plugin supplies (cached until plugins change)."""
        if self._registry is None:
            # Decided before any hook runs: what a plugin is when the host first reads it.
            self._data_only = frozenset(
                n for n in self.plugin_names() if _only_data(self.pm.get_plugin(n))
            )
            key = self._stored_key()
            found = stored.load(key) if key else None
            if found is None:
                found = self._collect()
                if key and key == self._stored_key():  # no file changed while it was built
                    found.in_language(language())  # kept with it: the commands read it so
                    stored.store(key, found)
            self._registry = found
        return self._registry

    def _stored_key(self) -> str | None:
        """The digest the registry is kept under between runs, or ``None`` where what the
        plugins return is not a function of their files (:mod:`~.stored`)."""
        names = self.plugin_names(defaults=True)
        if self.strict or self.load_problems or not stored.enabled():
            return None
        if not all(self._trusted(n) for n in names):
            return None  # a Python plugin's hooks run code
        sources: list[stored.Source] = []
        for name in names:
            plugin = self.pm.get_plugin(name)
            folder = plugin.folder() if isinstance(plugin, DataPlugin) else None
            if name not in self._defaults and folder is None:
                return None  # data not on disk
            sources.append((name, self._dist(name), folder))
        try:
            return stored.digest(sources)
        except Exception:  # a file beyond the loader's limits or unreadable: it says why
            return None

    def _collect(self) -> Registry:
        problems: list[PluginProblem] = list(self.load_problems)
        bad: set[str] = set()

        def report(plugin: str, message: str, path: str = "") -> None:
            problems.append(PluginProblem(plugin, message, self._dist(plugin), path))
            bad.add(plugin)

        names = self.plugin_names(defaults=True)
        contributions = self._gather(names, report)
        if not all(self._trusted(n) for n in names):
            contributions = {n: _revalidated(n, c, report) for n, c in contributions.items()}
        contributions = {
            n: _in_namespace(n, c, report, self._defaults) for n, c in contributions.items()
        }
        merged = _merge(names, contributions, report, bad, self._dist_or_name)
        strategies = _check_references(names, contributions, merged, report, bad)
        if problems and self.strict:
            raise PluginError(problems)
        return Registry(
            municipalities=dict(sorted(merged.municipalities.items())),
            strategies=strategies,
            target_groups=merged.groups,
            country_groups=merged.country_groups,
            rules=merged.rules,
            owners=merged.owners,
            problems=tuple(problems),
            contested=merged.contested,
            concepts=merged.concepts,
            # The default plugins translate the library's own data: filed under "".
            translations={
                ("" if name in self._defaults else name): tables
                for name, tables in merged.translations.items()
            },
        )

    def _gather(self, names: Iterable[str], report: _Report) -> dict[str, _Contribution]:
        """Call every hook of every plugin, checking the types of what comes back."""
        contributions: dict[str, _Contribution] = {}
        for name in names:
            try:
                municipality = self._call("municipality", name)
                if municipality is not None and not isinstance(municipality, Municipality):
                    raise TypeError(
                        _("municipality() returned {kind}, expected Municipality").format(
                            kind=type(municipality).__name__
                        )
                    )
                if municipality is not None:
                    # A frozen copy of plain strings, read once: a subclass whose code changes
                    # between reads cannot be one city here and another there.
                    municipality = Municipality(str(municipality.code), str(municipality.name))
                    why = _not_official(municipality)
                    if why:
                        report(name, why, "municipality")
                        continue
                contributions[name] = _Contribution(
                    municipality=municipality,
                    target_groups=_items(
                        self._call("target_groups", name), TargetGroup, "target_groups"
                    ),
                    country_groups=_items(
                        self._call("country_groups", name), CountryGroup, "country_groups"
                    ),
                    concepts=_items(self._call("concepts", name), Concept, "concepts"),
                    translations=_translations(self._call("translations", name)),
                    evaluation_rules=_items(
                        self._call("evaluation_rules", name), EvaluationRule, "evaluation_rules"
                    ),
                    strategies=_items(
                        self._call("strategies", name, municipality=municipality),
                        Strategy,
                        "strategies",
                    )
                    if municipality is not None
                    else [],
                )
            except KeyboardInterrupt:
                if not plugin_interrupt():
                    raise
                report(name, _("KeyboardInterrupt raised by the plugin's code"))
            except BaseException as exc:
                report(name, f"{type(exc).__name__}: {safe_text(exc)}")
        return contributions

    # -- listing ------------------------------------------------------------------

    def plugins(self, *, defaults: bool = False) -> list[PluginInfo]:
        """What ``kommuneintegration plugins`` lists, including plugins that failed to load.

        The default plugins (the built-in rules) are listed only with ``defaults=True``.
        """
        registry = self.registry()
        infos: list[PluginInfo] = []
        for name in self.plugin_names(defaults=defaults):
            dist, version = self._distributions.get(name, ("", ""))
            code = next(
                (c for c, owner in registry.owners.items() if owner == name and c.isdigit()), None
            )
            municipality = registry.municipalities.get(code) if code else None
            errors = tuple(
                str(p.message if not p.path else f"{p.path}: {p.message}")
                for p in registry.problems
                if p.plugin == name
            )
            infos.append(
                PluginInfo(
                    name=name,
                    distribution=dist,
                    version=version,
                    hooks=self._implements(name),
                    municipality=municipality,
                    strategies=tuple(s.id for s in registry.strategies.get(code or "", ())),
                    errors=errors,
                    default=name in self._defaults,
                )
            )
        for problem in self.load_problems:
            dist, version = self._distributions.get(problem.plugin, (problem.distribution, ""))
            infos.append(
                PluginInfo(problem.plugin, dist, version, (), None, (), (problem.message,))
            )
        return sorted(infos, key=lambda i: i.name)


def _not_official(municipality: Municipality) -> str:
    """Why a plugin may not speak for this municipality ("" where it may): the code must be
    one of DST's 98 or the whole country's 000, and the name that code's official name."""
    official = official_municipalities()
    if municipality.code == COUNTRY:
        expected = "Hele landet"
    elif municipality.code in official:
        expected = official[municipality.code].name
    else:
        return _(
            "municipality code {code} is not one of Statistics Denmark's 98 municipality "
            "codes (or {country}, the whole country): the plugin is not loaded"
        ).format(code=repr(municipality.code), country=COUNTRY)
    if not spellings(municipality.name) & spellings(expected):
        return _("municipality {code} is {expected}, not {name}: the plugin is not loaded").format(
            code=municipality.code, expected=repr(expected), name=repr(municipality.name)
        )
    return ""


class _Report(Protocol):
    """The host's problem collector: a problem of a plugin, at a key path."""

    def __call__(self, plugin: str, message: str, path: str = "") -> None: ...


@attrs.frozen
class _Contribution:
    """What one plugin's hooks returned, type-checked."""

    municipality: Municipality | None
    target_groups: list[TargetGroup]
    country_groups: list[CountryGroup]
    evaluation_rules: list[EvaluationRule]
    strategies: list[Strategy]
    concepts: list[Concept] = attrs.Factory(list)
    translations: dict[str, dict[str, str]] = attrs.Factory(dict)


@attrs.define
class _Merged:
    """The shared namespaces: municipality codes, group ids, rule names, and who owns each."""

    country_groups: CountryGroupRegistry
    groups: dict[str, TargetGroup]
    concepts: dict[str, Concept] = attrs.Factory(lambda: dict(builtin_concepts()))
    translations: dict[str, dict[str, dict[str, str]]] = attrs.Factory(dict)
    municipalities: dict[str, Municipality] = attrs.Factory(dict)
    rules: dict[str, EvaluationRule] = attrs.Factory(dict)
    owners: dict[str, str] = attrs.Factory(dict)
    contested: dict[str, tuple[str, tuple[str, ...]]] = attrs.Factory(dict)

    def claim(
        self,
        table: dict[str, Any],
        kind: str,
        key: str,
        item: Any,
        plugin: str,
        report: _Report,
        *,
        what: str,
        path: str,
        builtin: str,
    ) -> None:
        """Put ``item`` under ``key`` for ``plugin``, or report who already has it.

        Owners are kept as ``"KIND:KEY"``; an id with no owner came with the
        library (``builtin`` names it in the message).
        """
        holder = self.owners.get(f"{kind}:{key}")
        if key in table:
            by = _("plugin {name}").format(name=repr(holder)) if holder is not None else _(builtin)
            report(
                plugin,
                _("{what} {key} is already defined by {by}").format(
                    what=_(what), key=repr(key), by=by
                ),
                path,
            )
            return
        table[key] = item
        self.owners[f"{kind}:{key}"] = plugin


#: DataPlugin as the library wrote it, read before any plugin is imported: a plugin's
#: module can give the class a hook of its own.
_DATA_PLUGIN: Final = dict(vars(DataPlugin))


def _only_data(plugin: object) -> bool:
    """A :class:`DataPlugin` as the library wrote it: not a subclass, the class unchanged,
    nothing set on the instance but its package and folder as plain strings (an instance
    can be given a hook of its own, a string subclass code of its own), its data not yet
    read by anyone."""
    if type(plugin) is not DataPlugin or set(vars(plugin)) != {"package", "directory"}:
        return False
    if type(vars(plugin)["package"]) is not str or type(vars(plugin)["directory"]) is not str:
        return False
    current = vars(DataPlugin)
    return current.keys() == _DATA_PLUGIN.keys() and all(
        current[k] is v for k, v in _DATA_PLUGIN.items()
    )


def _own(plugin: str, ident: str) -> bool:
    return ident.startswith(f"{plugin}:")


def _validate_deep(value: object, path: str, depth: int = 0) -> None:
    """Run every attrs validator again, through nested records and sequences."""
    if depth > 12:
        raise ValueError(f"{path}: nested more than 12 levels deep")
    if attrs.has(type(value)):
        try:
            attrs.validate(value)  # type: ignore[arg-type]
        except Exception as exc:
            raise ValueError(f"{path}: {safe_text(exc)}") from None
        for field in attrs.fields(type(value)):  # type: ignore[arg-type]
            _validate_deep(getattr(value, field.name), f"{path}.{field.name}", depth + 1)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _validate_deep(item, f"{path}[{i}]", depth + 1)


def _revalidated(plugin: str, data: _Contribution, report: _Report) -> _Contribution:
    """What a plugin returned, checked again once every hook has run.

    A record is validated when it is built, but a later hook (its own or another
    plugin's) can change a frozen record behind attrs' back (``object.__setattr__``).
    What no longer passes is that plugin's problem and is left out, here, before
    anything is merged or compared.
    """

    def keep(items: list[Any], what: str) -> list[Any]:
        kept = []
        for i, item in enumerate(items):
            try:
                _validate_deep(item, f"{what}[{i}]")
            except Exception as exc:
                report(plugin, f"changed after it was returned: {safe_text(exc)}", what)
            else:
                kept.append(item)
        return kept

    return attrs.evolve(
        data,
        target_groups=keep(data.target_groups, "target_groups"),
        country_groups=keep(data.country_groups, "country_groups"),
        concepts=keep(data.concepts, "concepts"),
        evaluation_rules=keep(data.evaluation_rules, "evaluation_rules"),
        strategies=keep(data.strategies, "strategies"),
    )


def _own_strategy(plugin: str, ident: str) -> bool:
    return ident.startswith((f"{plugin}-", f"{plugin}:"))


def _in_namespace(
    plugin: str, data: _Contribution, report: _Report, defaults: frozenset[str]
) -> _Contribution:
    """What a plugin defines under its own name only: target group ``odense:ny``.

    A target group, country group or concept id belongs to its plugin: one
    defined under another plugin's prefix, or under none, is refused at the door
    (and, like any problem, leaves that plugin out), so no plugin can claim
    another's or a built-in's, and a collision can only be a plugin's own. A
    strategy id begins with its plugin's name and a hyphen (``odense-2024``), so
    one plugin cannot take another's strategy out of the comparison by claiming
    its id.
    """
    if plugin in defaults:
        return data

    def keep(
        items: list[Any],
        what: str,
        path: str,
        ident: Callable[[Any], str],
        own: Callable[[str, str], bool] = _own,
        form: str = ":...",
    ) -> list[Any]:
        kept = []
        for item in items:
            if own(plugin, ident(item)):
                kept.append(item)
            else:
                report(
                    plugin,
                    _(
                        "{what} {ident} is not under the plugin's own name: write it as {form}"
                    ).format(what=_(what), ident=repr(ident(item)), form=repr(f"{plugin}{form}")),
                    path,
                )
        return kept

    return attrs.evolve(
        data,
        strategies=keep(
            data.strategies, N_("strategy id"), "strategies", lambda s: s.id, _own_strategy, "-..."
        ),
        target_groups=keep(data.target_groups, N_("target group"), "target_groups", lambda g: g.id),
        country_groups=keep(
            data.country_groups, N_("country group"), "country_groups", lambda g: g.id
        ),
        concepts=keep(data.concepts, N_("concept"), "concepts", lambda c: c.id),
    )


def _merge(
    names: Iterable[str],
    contributions: dict[str, _Contribution],
    report: _Report,
    bad: set[str],
    dist_of: Callable[[str], str],
) -> _Merged:
    """Put each plugin's codes, group ids and rule names in the shared namespaces, in name order."""
    builtin = builtin_target_groups()
    merged = _Merged(
        country_groups=builtin_groups(),
        groups={g.id: g for g in builtin},
    )
    _contest_codes(names, contributions, report, bad, dist_of, merged)
    for name in names:
        if name in bad:
            continue
        data = contributions[name]
        for cg in data.country_groups:
            try:
                merged.country_groups.register(cg)
            except ValueError as exc:
                report(name, str(exc), f"country_groups.{cg.id}")
        for group in data.target_groups:
            merged.claim(
                merged.groups, "group", group.id, group, name, report,
                what=N_("target group"), path="target_groups", builtin=N_("built-in"),
            )  # fmt: skip
        for concept in data.concepts:
            merged.claim(
                merged.concepts, "concept", concept.id, concept, name, report,
                what=N_("concept"), path=f"concepts.{concept.id}",
                builtin=N_("the built-in catalogue"),
            )  # fmt: skip
        if data.translations:
            merged.translations[name] = data.translations  # for its own data only
        for rule in data.evaluation_rules:
            merged.claim(
                merged.rules, "rule", rule.name, rule, name, report,
                what=N_("evaluation rule"), path="evaluation_rules", builtin=N_("the library"),
            )  # fmt: skip
        muni = data.municipality
        if muni is not None:
            if muni.code in merged.municipalities:
                report(
                    name,
                    _("municipality code {code} is already supplied by plugin {owner}").format(
                        code=muni.code, owner=repr(merged.owners[muni.code])
                    ),
                    "municipality",
                )
                continue
            merged.municipalities[muni.code] = muni
            merged.owners[muni.code] = name
    return merged


def _contest_codes(
    names: Iterable[str],
    contributions: dict[str, _Contribution],
    report: _Report,
    bad: set[str],
    dist_of: Callable[[str], str],
    merged: _Merged,
) -> None:
    """A municipality code two plugins or more claim belongs to none of them: noted in
    ``merged.contested`` and reported for each."""
    claims: dict[str, list[str]] = {}
    for name in names:
        muni = contributions[name].municipality if name in contributions else None
        if name not in bad and muni is not None:
            claims.setdefault(muni.code, []).append(name)
    for code, claimants in claims.items():
        if len(claimants) < 2:
            continue
        who = _(" and ").join(f"{n!r} ({dist_of(n)})" for n in claimants)
        message = _(
            "municipality code {code} is claimed by plugins {who}: it belongs to none of them "
            "until all but one are uninstalled"
        ).format(code=code, who=who)
        merged.contested[code] = (
            message,
            tuple(contributions[n].municipality.name for n in claimants),  # type: ignore[union-attr]
        )
        for n in claimants:
            report(n, message, "municipality")


def _check_references(
    names: Iterable[str],
    contributions: dict[str, _Contribution],
    merged: _Merged,
    report: _Report,
    bad: set[str],
) -> dict[str, tuple[Strategy, ...]]:
    """Check what needs everything merged: country groups of target groups, strategies' references."""
    for group in merged.groups.values():
        if group.country_group is not None:
            try:
                merged.country_groups.get(group.country_group)
            except LookupError as exc:
                report(
                    merged.owners.get("group:" + group.id, "built-in"),
                    str(exc),
                    f"target_groups.{group.id}",
                )
    catalogue = catalogue_ids()
    seen_ids: dict[str, str] = {}
    strategies: dict[str, tuple[Strategy, ...]] = {}
    clashes = _clashes(names, contributions, bad)
    for name in names:
        muni = contributions[name].municipality if name in contributions else None
        if name in bad or muni is None:
            continue
        checked: list[Strategy] = []
        for i, strategy in enumerate(contributions[name].strategies):
            where = f"strategies[{i}] {strategy.id}"
            if _owns(name, strategy, where, clashes, seen_ids, report):
                _check_strategy(name, strategy, where, merged, catalogue, report)
                checked.append(strategy)
        if name not in bad:
            strategies[muni.code] = tuple(checked)
        elif merged.owners.get(muni.code) == name:
            merged.municipalities.pop(muni.code, None)
    return strategies


def _clashes(
    names: Iterable[str], contributions: dict[str, _Contribution], bad: set[str]
) -> dict[str, list[str]]:
    """Strategy id -> the plugins that claim it, for each id more than one plugin claims.

    A strategy id belongs to the plugin whose name is its prefix up to a separator
    (kobenhavn-2023 to kobenhavn; _in_namespace refused every other claim). Where two
    plugins' names fit and both claim it (aarhus and aarhus-2017 for
    aarhus-2017-alternativet), it belongs to neither: refused for both, each named, as a
    municipality code two plugins claim; neither a longer name nor the order wins it.
    """
    claimants: dict[str, list[str]] = {}
    for name in names:
        if name in contributions and name not in bad:
            for strategy in contributions[name].strategies:
                if name not in claimants.setdefault(strategy.id, []):
                    claimants[strategy.id].append(name)
    return {sid: who for sid, who in claimants.items() if len(who) > 1}


def _owns(
    name: str,
    strategy: Strategy,
    where: str,
    clashes: Mapping[str, list[str]],
    seen_ids: dict[str, str],
    report: _Report,
) -> bool:
    """Whether the strategy id is the plugin's alone (noted in ``seen_ids``); a clash, or an id
    another plugin already used, is reported."""
    if strategy.id in clashes:
        report(
            name,
            _(
                "strategy id {id} is claimed by plugins {who}, whose names both begin "
                "it: it belongs to none of them until all but one are uninstalled"
            ).format(
                id=repr(strategy.id),
                who=_(" and ").join(repr(n) for n in clashes[strategy.id]),
            ),
            where,
        )
        return False
    if seen_ids.get(strategy.id, name) != name:
        report(
            name,
            _("strategy id {id} is also used by plugin {owner}").format(
                id=repr(strategy.id), owner=repr(seen_ids[strategy.id])
            ),
            where,
        )
        return False
    seen_ids.setdefault(strategy.id, name)
    return True


def _check_strategy(
    name: str,
    strategy: Strategy,
    where: str,
    merged: _Merged,
    catalogue: Iterable[str],
    report: _Report,
) -> None:
    """A plugin's strategy against everything merged: the example marker, its references
    (groups, catalogue, concepts) and its targets' evaluation rules."""
    if strategy.example:
        report(
            name,
            _(
                "this is the example new-plugin wrote, with an invented figure, not a "
                "real document: replace it with the municipality's own strategy and "
                "delete `example = true`"
            ),
            f"{where}: example",
        )
    for problem in check_strategy(
        strategy,
        target_groups=merged.groups,
        catalogue=catalogue,
        concepts=merged.concepts,
    ):
        report(name, problem.message, f"{where}: {problem.path}")
    for j, target in enumerate(strategy.targets):
        if target.rule is not None and target.rule not in merged.rules:
            report(
                name,
                f"unknown evaluation rule {target.rule!r}",
                f"{where}: targets[{j}].rule",
            )


def _translations(result: Any) -> dict[str, dict[str, str]]:
    """What ``translations()`` returned, checked: languages the library speaks, text to text."""
    if result is None:
        return {}
    if not isinstance(result, Mapping):
        raise TypeError(
            f"translations() must return a mapping of language to texts, got {type(result).__name__}"
        )
    checked: dict[str, dict[str, str]] = {}
    for lang, table in result.items():
        if lang not in LANGUAGES:
            raise TypeError(
                f"translations() names language {lang!r}; expected one of {', '.join(LANGUAGES)}"
            )
        if not isinstance(table, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            raise TypeError(f"translations()[{lang!r}] must map text to text")
        checked[lang] = {k: v for k, v in table.items() if v}
    return checked


#: The most items one hook call may return: an endless iterator is a plugin's fault.
MAX_ITEMS: Final = 100_000


def _items(result: Any, cls: type[T], hook: str) -> list[T]:
    if result is None:
        return []
    if isinstance(result, (cls, str, bytes)) or not isinstance(result, Iterable):
        raise TypeError(
            f"{hook}() must return an iterable of {cls.__name__}, got {type(result).__name__}"
        )
    items = list(itertools.islice(result, MAX_ITEMS + 1))
    if len(items) > MAX_ITEMS:
        raise ValueError(f"{hook}() returned more than {MAX_ITEMS:,} items")
    for i, item in enumerate(items):
        if not isinstance(item, cls):
            raise TypeError(f"{hook}()[{i}] is {type(item).__name__}, expected {cls.__name__}")
    return items


@functools.cache
def _default_host() -> PluginHost:
    return PluginHost()


def get_host() -> PluginHost:
    """The host with every installed plugin loaded (created on first use)."""
    return _default_host()
