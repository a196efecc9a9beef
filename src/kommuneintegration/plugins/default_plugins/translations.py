"""The Danish of the library's own data prose (a built-in target group's reading, ...).

The shipped data (``data/target_groups.toml``) is written in English like the
bundled plugins' prose, and is translated the same way: a gettext catalogue,
``data/locale/da.po``, offered through the same ``translations`` hook.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib.resources import files

from kommuneintegration.plugins.hookspecs import hookimpl
from kommuneintegration.strategy.datafile import load_translations
from kommuneintegration.strategy.schema import DataFileError, Problem


@functools.cache
def _tables() -> dict[str, dict[str, str]]:
    problems: list[Problem] = []
    found = load_translations(files("kommuneintegration") / "data", problems)
    if problems:  # pragma: no cover - the shipped catalogue is tested
        raise DataFileError(problems)
    return found


@hookimpl
def translations() -> Mapping[str, Mapping[str, str]]:
    return _tables()
