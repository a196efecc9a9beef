"""Renderers: a comparison or an evaluation as text, JSON, CSV, Markdown or HTML.

Rendering is the last step of the one-way flow (sources -> models ->
evaluation -> comparison -> rendering): renderers only read what
:func:`kommuneintegration.analysis.comparison.compare` produced. :mod:`.formats` lists
every output format. The names below are re-exported lazily (PEP 562), so the
command line reads the table of formats for its help without loading a renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from kommuneintegration.lazy import lazy_exports

#: Public name -> the module of this package that owns it.
_EXPORTS: Final = {
    "comparison_to_csv": "csvout",
    "comparison_to_dict": "jsonout",
    "comparison_to_markdown": "markdown",
    "comparison_to_text": "text",
    "evaluations_to_text": "text",
    "strategies_to_text": "text",
}

__all__ = [
    "comparison_to_csv",
    "comparison_to_dict",
    "comparison_to_markdown",
    "comparison_to_text",
    "evaluations_to_text",
    "strategies_to_text",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from kommuneintegration.render.csvout import comparison_to_csv
    from kommuneintegration.render.jsonout import comparison_to_dict
    from kommuneintegration.render.markdown import comparison_to_markdown
    from kommuneintegration.render.text import (
        comparison_to_text,
        evaluations_to_text,
        strategies_to_text,
    )
