"""Renderers: a comparison or an evaluation as text, JSON, CSV, Markdown or HTML.

Rendering is the last step of the one-way flow (sources -> models ->
evaluation -> comparison -> rendering): renderers only read what
:func:`kommuneintegration.comparison.compare` produced.
"""

from kommuneintegration.render.csvout import comparison_to_csv
from kommuneintegration.render.jsonout import comparison_to_dict
from kommuneintegration.render.markdown import comparison_to_markdown
from kommuneintegration.render.text import (
    comparison_to_text,
    evaluations_to_text,
    strategies_to_text,
)

__all__ = [
    "comparison_to_csv",
    "comparison_to_dict",
    "comparison_to_markdown",
    "comparison_to_text",
    "evaluations_to_text",
    "strategies_to_text",
]
