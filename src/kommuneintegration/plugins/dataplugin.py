"""A ready plugin for municipalities whose data is TOML files.

A city package needs no Python beyond::

    from kommuneintegration.plugins.dataplugin import DataPlugin

    plugin = DataPlugin(__name__)   # reads <package>/data/plugin.toml and data/strategies/*.toml

and the entry point ``[project.entry-points.kommuneintegration] city = "package:plugin"``.
Subclass it to add hooks, such as evaluation rules.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path

from kommuneintegration.countries import CountryGroup
from kommuneintegration.plugins.hookspecs import hookimpl
from kommuneintegration.strategy.datafile import PluginData, load_plugin_data
from kommuneintegration.strategy.models import Concept, Municipality, Strategy, TargetGroup

__all__ = ["DataPlugin"]


class DataPlugin:
    """Implements the data hooks from the TOML files shipped in a package's ``data/`` folder."""

    def __init__(self, package: str, directory: str = "data") -> None:
        self.package = package
        self.directory = directory

    @functools.cached_property
    def data(self) -> PluginData:
        return load_plugin_data(files(self.package) / self.directory)

    def folder(self) -> Path | None:
        """The data folder on disk, or ``None`` where the package is not plain files (a zip):
        what the host's stored registry is keyed by (:mod:`kommuneintegration.plugins.stored`)."""
        found = files(self.package) / self.directory
        return found if isinstance(found, Path) and found.is_dir() else None

    @hookimpl
    def municipality(self) -> Municipality:
        return self.data.municipality

    @hookimpl
    def strategies(self) -> Iterable[Strategy]:
        return self.data.strategies

    @hookimpl
    def target_groups(self) -> Iterable[TargetGroup]:
        return self.data.target_groups

    @hookimpl
    def country_groups(self) -> Iterable[CountryGroup]:
        return self.data.country_groups

    @hookimpl
    def concepts(self) -> Iterable[Concept]:
        return self.data.concepts

    @hookimpl
    def translations(self) -> Mapping[str, Mapping[str, str]]:
        return self.data.translations

    def __repr__(self) -> str:
        return f"DataPlugin({self.package!r})"
