"""Lazy re-exports (PEP 562, Scientific Python's SPEC 1): one home for the pattern.

A package lists ``name -> submodule`` and gets a module ``__getattr__`` that
imports the submodule on first use, so importing the package loads nothing
heavy, and a ``__dir__`` that shows its public names.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose ``exports`` maps a public name to the
    submodule (relative to the package) that owns it; ``namespace`` is its ``globals()``."""

    def getattr_(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # found once, then an ordinary attribute
        return value

    def dir_() -> list[str]:
        return sorted(namespace.get("__all__", exports))

    return getattr_, dir_
