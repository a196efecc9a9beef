"""Plugins the host always loads, before any installed one (as datasette and llm do).

Built-in behaviour reaches the engine through the same hooks as plugin
behaviour, so the host and the engine never special-case it.
"""

from types import ModuleType
from typing import Final

from kommuneintegration.plugins.default_plugins import rules, translations

#: Modules implementing hooks; each is registered under its module name.
DEFAULT_PLUGINS: Final[tuple[ModuleType, ...]] = (rules, translations)
