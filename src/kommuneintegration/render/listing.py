"""The ``plugins`` listing: every installed plugin, its hooks and its load errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kommuneintegration.i18n import _
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.plugins import PluginInfo

__all__ = ["plugins_to_json", "plugins_to_text"]


def _plugin_dict(info: PluginInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "distribution": info.distribution,
        "version": info.version,
        "municipality": None
        if info.municipality is None
        else {"code": info.municipality.code, "name": info.municipality.name},
        "strategies": list(info.strategies),
        "hooks": list(info.hooks),
        "errors": list(info.errors),
        "default": info.default,
    }


def _plugin_table(infos: Sequence[PluginInfo]) -> str:
    if not infos:
        return _("No plugins installed. Install one, e.g. pip install ./plugins/aalborg") + "\n"
    fields = {
        "municipality": _("municipality"),
        "strategies": _("strategies"),
        "hooks": _("hooks"),
        "errors": _("errors"),
    }
    width = max(len(f) for f in fields.values()) + 2
    lines: list[str] = []
    for info in infos:
        dist = f" ({info.distribution} {info.version})" if info.distribution else ""
        dist += " [" + _("default") + "]" if info.default else ""
        muni = f"{info.municipality.code} {info.municipality.name}" if info.municipality else "-"
        lines += [
            f"{info.name}{dist}",
            f"  {fields['municipality'] + ':':<{width}}{muni}",
            f"  {fields['strategies'] + ':':<{width}}{', '.join(info.strategies) or '-'}",
            f"  {fields['hooks'] + ':':<{width}}{', '.join(info.hooks) or '-'}",
        ]
        errors = str(len(info.errors)) if info.errors else _("none")
        lines.append(f"  {fields['errors'] + ':':<{width}}{errors}")
        lines += [f"    - {e}" for e in info.errors]
    return "\n".join(lines) + "\n"


def plugins_to_text(infos: Sequence[PluginInfo]) -> str:
    """The listing as a person reads it; terminal control characters from plugins escaped."""
    return escape_controls(_plugin_table(infos))


def plugins_to_json(infos: Sequence[PluginInfo]) -> str:
    return (
        json.dumps([_plugin_dict(i) for i in infos], ensure_ascii=False, indent=2, allow_nan=False)
        + "\n"
    )
