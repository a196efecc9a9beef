"""Checks a plugin's own tests can call: the same rules for every city.

::

    from kommuneintegration.plugins.testing import citation_problems
    from kommuneintegration_odense import plugin

    def test_every_provenance_cites_a_declared_document():
        assert citation_problems(plugin, "odense") == []
"""

from __future__ import annotations

import re
from typing import Any

from kommuneintegration.plugins import PluginHost

__all__ = ["citation_problems"]

#: What a file name of one's own machine looks like in a citation.
_FILE_NAME = re.compile(r"\b[\w-]+\.(txt|pdf|docx?|csv|toml)\b")


def citation_problems(plugin: Any, name: str) -> list[str]:
    """Every place where the plugin's data does not cite a declared document as a reader can follow.

    The plugin is loaded in a host of its own. A problem is a provenance with no
    resolved document, a document without publisher or title, or a citation
    that shows a file name.
    """
    host = PluginHost(load_entrypoints=False)
    host.register(plugin, name=name)
    registry = host.registry()
    problems = [str(p) for p in registry.problems]
    for municipality, strategy in registry.all_strategies():
        items = [
            ("source", strategy.source),
            *(
                (f"{kind}[{i}]", item.provenance)
                for kind in ("observations", "targets", "indicators", "goals", "notes")
                for i, item in enumerate(getattr(strategy, kind))
            ),
        ]
        for where, provenance in items:
            at = f"{municipality.code} {strategy.id} {where}"
            if provenance is None:
                if where.startswith(("observations", "notes")) or where == "source":
                    problems.append(f"{at}: no provenance")
                continue
            document = provenance.cited
            if document is None:
                problems.append(f"{at}: document {provenance.document!r} is not declared")
            elif not (document.publisher.strip() and document.title.strip()):
                problems.append(f"{at}: document {document.key!r} has no publisher or title")
            if _FILE_NAME.search(str(provenance)):
                problems.append(f"{at}: cites a file name: {provenance}")
    return problems
