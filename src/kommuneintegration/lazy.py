"""Lazy re-exports (PEP 562, Scientific Python's SPEC 1) and moved modules: one home each.

A package lists ``name -> submodule`` and gets a module ``__getattr__`` that
imports the submodule on first use, so importing the package loads nothing
heavy, and a ``__dir__`` that shows its public names. A module that moved to
another folder keeps its old name (:func:`moved_modules`): importing the old name
gives the same module object, so ``from kommuneintegration.models import Strategy``
and a monkeypatch of ``kommuneintegration.models.X`` both still work.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["lazy_exports", "moved_modules"]


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


class _Moved(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds a moved module under its old name and hands back the module itself."""

    def __init__(self, package: str, moved: Mapping[str, str]) -> None:
        self.targets = {f"{package}.{old}": f"{package}.{new}" for old, new in moved.items()}
        #: A moved module's own name and spec, put back after the import system's bookkeeping.
        self.own: dict[str, tuple[str, importlib.machinery.ModuleSpec | None]] = {}

    def target(self, fullname: str) -> str | None:
        """The module's name now: a moved module's, or a module inside a moved package's."""
        if fullname in self.targets:
            return self.targets[fullname]
        for old, new in self.targets.items():
            if fullname.startswith(old + "."):
                return new + fullname[len(old) :]
        return None

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if self.target(fullname) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        moved = self.target(spec.name)
        assert moved is not None  # find_spec said so
        module = importlib.import_module(moved)
        self.own[moved] = (module.__name__, module.__spec__)
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the module ran under its own name, which it keeps (the import
        system has just given it the old name's spec)."""
        name, spec = self.own.get(module.__name__, (None, None))
        for moved, (own_name, own_spec) in self.own.items():
            if sys.modules.get(moved) is module:
                name, spec = own_name, own_spec
        if name is not None:
            module.__name__ = name
            module.__spec__ = spec


def moved_modules(package: str, moved: Mapping[str, str]) -> None:
    """Let every old name of ``moved`` (old submodule -> new, relative to ``package``) import
    as the module it now is, modules inside a moved package too; once per process."""
    if not any(isinstance(f, _Moved) for f in sys.meta_path):
        # first: before the path finder, which would load a moved package's modules again
        sys.meta_path.insert(0, _Moved(package, moved))
