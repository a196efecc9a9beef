"""The output formats, in one table: what each is called, what it renders, text or binary.

The command line's ``--format`` choices and its dispatch are read from
:data:`FORMATS`, so a new format is one row here and one renderer module (see
docs/architecture.md, "A new output format"). A row names, per subject, the
function that renders it (``module:function`` inside this package), imported
only when that format is asked for, so the start of a command pays for the one
renderer it uses.

Subjects: ``comparison`` (``compare``), ``evaluations`` (``evaluate``),
``barometer`` (``barometer``), ``report`` (``report``), ``municipality``
(``report -m CODE``: one municipality's own page), ``overview`` (``report --all``) and
``plugins`` (``plugins``). A text renderer returns
``str`` and may go to standard output; a binary one returns ``bytes`` and is
written to ``--out FILE`` only, atomically.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple

from kommuneintegration.errors import KommuneintegrationError
from kommuneintegration.i18n import N_

__all__ = [
    "COMPARISON_SECTIONS",
    "FORMATS",
    "OutputFormat",
    "TextSection",
    "UnknownFormatError",
    "formats_for",
    "output_format",
    "section_id",
]


class UnknownFormatError(KommuneintegrationError, ValueError):
    """A format that the subject has no renderer for."""


class OutputFormat(NamedTuple):
    """One output format: its id (``--format``), label, file extension and renderers.

    A named tuple rather than an attrs class: the command line reads this table to
    build its help, which loads nothing heavy.
    """

    id: str
    #: What the format is, for help texts (marked for the catalogue).
    label: str
    extension: str
    binary: bool
    #: Subject -> "module:function" within kommuneintegration.render.
    renderers: Mapping[str, str]

    def renderer(self, subject: str) -> Callable[[Any], str | bytes]:
        """The function that renders ``subject`` in this format, imported on first use."""
        try:
            target = self.renderers[subject]
        except KeyError:
            raise UnknownFormatError(f"{self.id} cannot render {subject}") from None
        module, _sep, function = target.partition(":")
        loaded = importlib.import_module(f"kommuneintegration.render.{module}")
        render: Callable[[Any], str | bytes] = getattr(loaded, function)
        return render

    def render(self, subject: str, value: Any, **options: Any) -> str | bytes:
        """``value`` rendered; ``options`` go to the renderer as they are (compare's
        ``summary`` and ``sections`` for the table format)."""
        result = self.renderer(subject)(value, **options)
        if isinstance(result, bytes) != self.binary:  # pragma: no cover - a wrong table row
            raise TypeError(f"{self.id} renderer for {subject} returned {type(result).__name__}")
        return result


FORMATS: Final[tuple[OutputFormat, ...]] = (
    OutputFormat(
        "table",
        N_("text for a terminal, 80 columns"),
        ".txt",
        False,
        {
            "comparison": "text:comparison_to_text",
            "evaluations": "text:evaluations_to_text",
            "barometer": "barometer:barometer_to_text",
            "plugins": "listing:plugins_to_text",
        },
    ),
    OutputFormat(
        "json",
        N_("JSON, a documented and stable shape"),
        ".json",
        False,
        {
            "comparison": "jsonout:comparison_to_json",
            "evaluations": "jsonout:evaluations_to_json",
            "barometer": "barometer:barometer_to_json",
            "plugins": "listing:plugins_to_json",
        },
    ),
    OutputFormat(
        "csv",
        N_("CSV, one row per figure, for programs"),
        ".csv",
        False,
        {"comparison": "csvout:comparison_to_csv", "barometer": "barometer:barometer_to_csv"},
    ),
    OutputFormat(
        "markdown",
        N_("Markdown tables"),
        ".md",
        False,
        {
            "comparison": "markdown:comparison_to_markdown",
            "barometer": "barometer:barometer_to_markdown",
        },
    ),
    OutputFormat(
        "xlsx",
        N_("an Excel workbook: a sheet per section, typed cells, for a spreadsheet"),
        ".xlsx",
        True,
        {
            "comparison": "workbook:comparison_to_xlsx",
            "evaluations": "workbook:evaluations_to_xlsx",
            "barometer": "workbook:barometer_to_xlsx",
        },
    ),
    OutputFormat(
        "html",
        N_("a self-contained HTML page with charts"),
        ".html",
        False,
        {
            "report": "html:comparison_to_html",
            "overview": "overview:barometer_to_html",
            "municipality": "municipality:municipality_to_html",
        },
    ),
)


def formats_for(subject: str) -> tuple[OutputFormat, ...]:
    """The formats that can render ``subject``, in the table's order (the first is the default)."""
    return tuple(f for f in FORMATS if subject in f.renderers)


def output_format(format_id: str, subject: str) -> OutputFormat:
    """The format ``format_id`` for ``subject``; the error lists the formats there are."""
    for candidate in formats_for(subject):
        if candidate.id == format_id:
            return candidate
    known = ", ".join(f.id for f in formats_for(subject))
    raise UnknownFormatError(f"unknown format {format_id!r} for {subject}; expected one of {known}")


class TextSection(NamedTuple):
    """A section of compare's text: its id (``--section``), its Danish name, what it holds.

    ``compare`` prints a summary of every section; ``--section ID`` (the id or its
    Danish name) prints one in full, ``--full`` all of them.
    """

    id: str
    danish: str
    #: What the section holds, for the help (marked for the catalogue).
    label: str


COMPARISON_SECTIONS: Final[tuple[TextSection, ...]] = (
    TextSection("target-groups", "målgrupper", N_("whom each document targets, and its reading")),
    TextSection("themes", "temaer", N_("which themes each document covers")),
    TextSection(
        "indicators", "indikatorer", N_("every figure side by side, with its notes and sources")
    ),
    TextSection(
        "statbank",
        "statistikbanken",
        N_("Statistics Denmark's figures beside the whole country and the kommunegruppe"),
    ),
    TextSection(
        "barometer", "barometer", N_("each city's Integrationsbarometer beside its own targets")
    ),
    TextSection("disagreements", "uenigheder", N_("figures that disagree")),
    TextSection("evaluation", "evaluering", N_("every target with its status, reason and reading")),
)


def section_id(name: str) -> str | None:
    """The id of compare's section called ``name`` (its id or Danish name), or None."""
    wanted = name.strip().casefold()
    for section in COMPARISON_SECTIONS:
        if wanted in (section.id, section.danish):
            return section.id
    return None
