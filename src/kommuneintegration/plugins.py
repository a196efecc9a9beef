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
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, TypeVar

import attrs
import pluggy

from kommuneintegration import hookspecs
from kommuneintegration.catalogue import builtin_target_groups, catalogue_ids
from kommuneintegration.countries import CountryGroup, CountryGroupRegistry, builtin_groups
from kommuneintegration.datafile import check_strategy
from kommuneintegration.evaluation import BUILTIN_RULES
from kommuneintegration.models import Municipality, Strategy, TargetGroup
from kommuneintegration.rules import EvaluationRule

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

ENTRY_POINT_GROUP: Final = "kommuneintegration"
STRICT_ENV: Final = "KOMMUNEINTEGRATION_STRICT_PLUGINS"
HOOK_NAMES: Final = (
    "municipality",
    "strategies",
    "target_groups",
    "country_groups",
    "evaluation_rules",
)

T = TypeVar("T")


@attrs.frozen
class PluginProblem:
    """Something wrong with one plugin: failing to load, or returning bad data."""

    plugin: str
    message: str
    distribution: str = ""
    path: str = ""

    def __str__(self) -> str:
        who = f"plugin {self.plugin!r}" + (f" ({self.distribution})" if self.distribution else "")
        where = f" {self.path}:" if self.path else ""
        return f"{who}:{where} {self.message}"


class PluginError(RuntimeError):
    """Raised in strict mode: the problems of one or more plugins."""

    def __init__(self, problems: Iterable[PluginProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


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


@attrs.frozen
class Registry:
    """Everything the loaded plugins supply, validated; what comparison works on."""

    municipalities: Mapping[str, Municipality]
    strategies: Mapping[str, tuple[Strategy, ...]]
    target_groups: Mapping[str, TargetGroup]
    country_groups: CountryGroupRegistry
    rules: Mapping[str, EvaluationRule]
    owners: Mapping[str, str]
    problems: tuple[PluginProblem, ...] = ()

    def municipality(self, code_or_name: str) -> Municipality:
        """A municipality by DST code ("101"), name ("København", "Kobenhavn", "koebenhavn") or plugin name."""
        if code_or_name in self.municipalities:
            return self.municipalities[code_or_name]
        wanted = _fold(code_or_name)
        for m in self.municipalities.values():
            if wanted in {
                _fold(m.name),
                _fold(m.name, short=True),
                _fold(self.owners.get(m.code, "")),
            }:
                return m
        known = (
            ", ".join(f"{m.code} {m.name}" for m in self.municipalities.values()) or "none loaded"
        )
        raise KeyError(f"unknown municipality {code_or_name!r}; loaded: {known}")

    def all_strategies(self) -> Iterator[tuple[Municipality, Strategy]]:
        for code in sorted(self.strategies):
            for strategy in self.strategies[code]:
                yield self.municipalities[code], strategy


def _fold(text: str, short: bool = False) -> str:
    """Case- and spelling-insensitive key: "København" -> "koebenhavn" (or "kobenhavn" if short)."""
    table = {"æ": "ae", "ø": "o" if short else "oe", "å": "a" if short else "aa"}
    folded = text.strip().casefold()
    return "".join(table.get(ch, ch) for ch in folded)


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
        if load_entrypoints:
            self.load_entrypoints()

    # -- loading ----------------------------------------------------------------

    def load_entrypoints(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load each entry point on its own; a failure is recorded (or raised if strict)."""
        for ep in sorted(importlib.metadata.entry_points(group=group), key=lambda e: e.name):
            if self.pm.get_plugin(ep.name) is not None or self.pm.is_blocked(ep.name):
                continue
            dist = ep.dist.name if ep.dist is not None else "?"
            version = ep.dist.version if ep.dist is not None else "?"
            try:
                plugin = ep.load()
                self.pm.register(plugin, name=ep.name)
            except Exception as exc:
                problem = PluginProblem(
                    ep.name, f"failed to load: {type(exc).__name__}: {exc}", dist
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
            problem = PluginProblem(name, f"implements an unknown hook: {exc}", self._dist(name))
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

    def _dist(self, name: str) -> str:
        return self._distributions.get(name, ("", ""))[0]

    def plugin_names(self) -> list[str]:
        return sorted(n for n, p in self.pm.list_name_plugin() if p is not None)

    # -- calling hooks per plugin ---------------------------------------------------

    def _call(self, hook: str, plugin_name: str, **kwargs: Any) -> Any:
        caller = getattr(self.pm.hook, hook)
        for impl in caller.get_hookimpls():
            if impl.plugin_name == plugin_name:
                return impl.function(**{a: kwargs[a] for a in impl.argnames})
        return None

    def _implements(self, plugin_name: str) -> tuple[str, ...]:
        plugin = self.pm.get_plugin(plugin_name)
        callers = self.pm.get_hookcallers(plugin) or []
        return tuple(sorted(c.name for c in callers))

    # -- the registry ------------------------------------------------------------------

    def registry(self) -> Registry:
        """Collect and validate what every plugin supplies (cached until plugins change)."""
        if self._registry is None:
            self._registry = self._collect()
        return self._registry

    def _collect(self) -> Registry:
        problems: list[PluginProblem] = list(self.load_problems)
        builtin_ids = {g.id for g in builtin_target_groups()}
        country_groups = builtin_groups()
        groups: dict[str, TargetGroup] = {g.id: g for g in builtin_target_groups()}
        municipalities: dict[str, Municipality] = {}
        strategies: dict[str, tuple[Strategy, ...]] = {}
        rules: dict[str, EvaluationRule] = {}
        owners: dict[str, str] = {}
        contributions: dict[str, dict[str, Any]] = {}
        bad: set[str] = set()

        def report(plugin: str, message: str, path: str = "") -> None:
            problems.append(PluginProblem(plugin, message, self._dist(plugin), path))
            bad.add(plugin)

        names = self.plugin_names()
        # Pass 1: call every hook of every plugin, checking types.
        for name in names:
            data: dict[str, Any] = {}
            try:
                data["municipality"] = self._call("municipality", name)
                data["target_groups"] = _items(
                    self._call("target_groups", name), TargetGroup, "target_groups"
                )
                data["country_groups"] = _items(
                    self._call("country_groups", name), CountryGroup, "country_groups"
                )
                data["evaluation_rules"] = _items(
                    self._call("evaluation_rules", name), EvaluationRule, "evaluation_rules"
                )
                if data["municipality"] is not None and not isinstance(
                    data["municipality"], Municipality
                ):
                    raise TypeError(
                        f"municipality() returned {type(data['municipality']).__name__}, expected Municipality"
                    )
                data["strategies"] = (
                    _items(
                        self._call("strategies", name, municipality=data["municipality"]),
                        Strategy,
                        "strategies",
                    )
                    if data["municipality"] is not None
                    else []
                )
            except Exception as exc:
                report(name, f"{type(exc).__name__}: {exc}")
                continue
            contributions[name] = data
        # Pass 2: shared namespaces (codes, group ids, rule names), in name order.
        for name in names:
            if name in bad:
                continue
            data = contributions[name]
            for cg in data["country_groups"]:
                try:
                    country_groups.register(cg)
                except ValueError as exc:
                    report(name, str(exc), f"country_groups.{cg.id}")
            for group in data["target_groups"]:
                if group.id in groups:
                    owner = (
                        "built-in"
                        if group.id in builtin_ids
                        else f"plugin {owners.get('group:' + group.id)!r}"
                    )
                    report(
                        name,
                        f"target group {group.id!r} is already defined by {owner}",
                        "target_groups",
                    )
                    continue
                groups[group.id] = group
                owners["group:" + group.id] = name
            for rule in data["evaluation_rules"]:
                if rule.name in rules or rule.name in BUILTIN_RULES:
                    report(
                        name,
                        f"evaluation rule {rule.name!r} is already defined",
                        "evaluation_rules",
                    )
                    continue
                rules[rule.name] = rule
                owners["rule:" + rule.name] = name
            muni = data["municipality"]
            if muni is not None:
                if muni.code in municipalities:
                    report(
                        name,
                        f"municipality code {muni.code} is already supplied by plugin {owners[muni.code]!r}",
                        "municipality",
                    )
                    continue
                municipalities[muni.code] = muni
                owners[muni.code] = name
        # Pass 3: references that need everything above.
        for group in groups.values():
            if group.country_group is not None:
                try:
                    country_groups.get(group.country_group)
                except LookupError as exc:
                    report(
                        owners.get("group:" + group.id, "built-in"),
                        str(exc),
                        f"target_groups.{group.id}",
                    )
        catalogue = catalogue_ids()
        seen_ids: dict[str, str] = {}
        for name in names:
            if name in bad or contributions[name]["municipality"] is None:
                continue
            checked: list[Strategy] = []
            for i, strategy in enumerate(contributions[name]["strategies"]):
                where = f"strategies[{i}] {strategy.id}"
                if strategy.id in seen_ids:
                    report(
                        name,
                        f"strategy id {strategy.id!r} is also used by plugin {seen_ids[strategy.id]!r}",
                        where,
                    )
                    continue
                seen_ids[strategy.id] = name
                for problem in check_strategy(strategy, target_groups=groups, catalogue=catalogue):
                    report(name, problem.message, f"{where}: {problem.path}")
                for j, target in enumerate(strategy.targets):
                    if (
                        target.rule is not None
                        and target.rule not in rules
                        and target.rule not in BUILTIN_RULES
                    ):
                        report(
                            name,
                            f"unknown evaluation rule {target.rule!r}",
                            f"{where}: targets[{j}].rule",
                        )
                checked.append(strategy)
            code = contributions[name]["municipality"].code
            if name not in bad:
                strategies[code] = tuple(checked)
            elif owners.get(code) == name:
                municipalities.pop(code, None)
        if problems and self.strict:
            raise PluginError(problems)
        return Registry(
            municipalities=dict(sorted(municipalities.items())),
            strategies=strategies,
            target_groups=groups,
            country_groups=country_groups,
            rules=rules,
            owners=owners,
            problems=tuple(problems),
        )

    # -- listing ------------------------------------------------------------------

    def plugins(self) -> list[PluginInfo]:
        """What ``kommuneintegration plugins`` lists, including plugins that failed to load."""
        registry = self.registry()
        infos: list[PluginInfo] = []
        for name in self.plugin_names():
            dist, version = self._distributions.get(name, ("", ""))
            if not dist:
                dist, version = _distinfo(self.pm, name)
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
                )
            )
        for problem in self.load_problems:
            dist, version = self._distributions.get(problem.plugin, (problem.distribution, ""))
            infos.append(
                PluginInfo(problem.plugin, dist, version, (), None, (), (problem.message,))
            )
        return sorted(infos, key=lambda i: i.name)


def _items(result: Any, cls: type[T], hook: str) -> list[T]:
    if result is None:
        return []
    if isinstance(result, (cls, str, bytes)) or not isinstance(result, Iterable):
        raise TypeError(
            f"{hook}() must return an iterable of {cls.__name__}, got {type(result).__name__}"
        )
    items = list(result)
    for i, item in enumerate(items):
        if not isinstance(item, cls):
            raise TypeError(f"{hook}()[{i}] is {type(item).__name__}, expected {cls.__name__}")
    return items


def _distinfo(pm: pluggy.PluginManager, name: str) -> tuple[str, str]:
    plugin = pm.get_plugin(name)
    for p, dist in pm.list_plugin_distinfo():
        if p is plugin:
            return dist.project_name, dist.version
    return "", ""


@functools.cache
def _default_host() -> PluginHost:
    return PluginHost()


def get_host() -> PluginHost:
    """The host with every installed plugin loaded (created on first use)."""
    return _default_host()
