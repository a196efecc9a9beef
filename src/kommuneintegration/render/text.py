"""Plain-text views for an 80-column terminal, in the output language (Danish by default)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Final, NamedTuple

from kommuneintegration.i18n import _, ngettext, period_label, pick, pinned, who, written_in
from kommuneintegration.municipalities import official_municipalities
from kommuneintegration.render.common import (
    barometer_beside,
    barometer_cells,
    barometer_headings,
    capped,
    context_cells,
    date_text,
    distance_lines,
    entry_notes,
    entry_value,
    goal_movement_lines,
    not_derived_who,
    shared_unit,
    shown_entries,
    target_wording,
)
from kommuneintegration.render.formats import COMPARISON_SECTIONS, TextSection
from kommuneintegration.strategy.models import Observation, ThemeStatus
from kommuneintegration.units import format_value, unit_symbol
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.analysis.comparison import (
        CatalogueComparison,
        Comparison,
        Document,
        IndicatorEntry,
    )
    from kommuneintegration.analysis.evaluation import Evaluations, TargetEvaluation
    from kommuneintegration.strategy.models import Indicator, Municipality, Provenance

WIDTH: Final = 80
_MARK: Final = {"filled": "●", "placeholder": "○", "absent": "·"}


#: A number and the sign after it stay on one line: "15 %", not "15" and "% af borgerne".
_NUMBER_AND_SIGN: Final = re.compile(r"(\d) (%|‰)")


def _wrap(
    text: str, indent: int = 2, first: str | None = None, *, hyphens: bool = True
) -> list[str]:
    """``text`` wrapped to 80 columns; ``hyphens=False`` keeps hyphenated words (ids) whole."""
    prefix = " " * indent
    bound = _NUMBER_AND_SIGN.sub("\\1\ue000\\2", text)  # a private-use sign: no break there
    lines = textwrap.wrap(
        bound,
        WIDTH,
        initial_indent=first if first is not None else prefix,
        subsequent_indent=prefix,
        break_on_hyphens=hyphens,
    ) or [first or prefix]
    return [line.replace("\ue000", " ") for line in lines]


def _no_period() -> str:
    return _("no period stated")


def _counted(group: str, o: Observation) -> str:
    """ "18-19-årige indvandrere, Grundskole": whom a figure counts, then its category."""
    return ", ".join(p for p in (who(group, str(o.age_band or "")), o.category) if p)


def _things_counted(o: Observation, value: str) -> str:
    """What a count of things (not of persons) counts, where its note says it from the figure
    on ("4 af de 10 ikke-vestlige oprindelseslandegrupper."): the note, not the group, follows
    the figure, so that "4 indvandrere ..." never reads as four persons. "" where it does not."""
    note = o.note.strip().rstrip(".")
    if o.unit != "count" or not note.startswith(value + " "):
        return ""
    return note


def _group_equation(wording: str, label: str, definition: str) -> str:
    """ "“the document's word” = what it counts"; a built-in group whose label is its
    definition is named once, not as "X = X"."""
    named = f"“{wording}”" if wording else label
    return named if named == definition else f"{named} = {definition}"


def _no_year() -> str:
    return _("year not stated")


def _no_year_aside() -> str:
    """ "(årstal ikke angivet)": after an age band, a bare "år ikke angivet" would read as the age."""
    return f"({_no_year()})"


def _heading(title: str) -> list[str]:
    return ["", title, "=" * len(title)]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(e: IndicatorEntry) -> str:
    # under the table's year heading, "ikke angivet" says it; the long form would be cut
    return str(e.year) if e.year is not None else (e.period or _("not stated"))


class _Widths(NamedTuple):
    """A figure table's column widths: each as wide as its widest cell, within a cap.

    The group column gives up what the others take, and wraps: a row's place,
    value and year are never cut where they fit, its group never cut at all.
    """

    name: int = 11
    value: int = 12
    when: int = 11

    @property
    def group(self) -> int:
        return 31 - (self.name - 11) - (self.value - 12) - (self.when - 11)

    @classmethod
    def of(cls, entries: Sequence[IndicatorEntry], values: Sequence[str]) -> _Widths:
        return cls(
            name=min(17, max([11, *(len(e.municipality_name) for e in entries)])),  # all 98 fit
            value=min(24, max([12, *(len(v) for v in values)])),
            when=min(18, max([11, *(len(_when(e)) for e in entries)])),
        )


def _entry_lines(e: IndicatorEntry, value: str, number: int, w: _Widths) -> list[str]:
    """One figure: place, group (wrapped, never cut: rows must stay distinguishable), value, year."""
    group = e.group_label + (f" {e.age_band}" if e.age_band else "")
    if e.category:
        group = f"{e.category}: {group}"
    star = "*" if e.derived else " "
    parts = textwrap.wrap(group, w.group) or [""]
    first = (
        f"  {_cut(e.municipality_name, w.name):<{w.name}} {parts[0]:<{w.group}} "
        f"{value:>{w.value}}{star} "
        f"{_cut(_when(e), w.when):<{w.when}} [{number}]"
    )
    return [first] + [f"  {'':<{w.name}} {part}" for part in parts[1:]]


def _indicator_block(row: CatalogueComparison, c: Comparison) -> list[str]:
    verdict = _("comparable") if row.comparable else _("not directly comparable")
    label = pick(row.indicator.label, row.indicator.label_en)
    unit = shared_unit(row.entries)
    if unit is not None:
        label += " (" + _("in {unit}").format(unit=unit_symbol(unit, words=True)) + ")"
    lines = ["", *_wrap(f"{label}: {verdict}", 2, "")]
    shown, summary = shown_entries(row.entries)  # the latest of each series, when many
    values = [entry_value(e, show_unit=unit is None) for e in shown]  # written once
    widths = _Widths.of(shown, values)
    if row.indicator.note:
        lines += _wrap(row.indicator.note, 4, "  ≠ ")
    if summary:
        lines += _wrap(summary, 4, "  ")
    sources: dict[str, int] = {}
    for e, value in zip(shown, values, strict=True):
        number = sources.setdefault(e.source, len(sources) + 1)
        lines += _entry_lines(e, value, number, widths)
    if any(e.derived for e in shown):
        lines.append("  * " + _("derived from the two figures it compares"))
    for whom, note in entry_notes(shown):
        lines += _wrap(f"{whom}: {note}", 4, "  ‡ ")
    for note in row.differences:
        lines += _wrap(note, 4, "  - ")
    not_derived, more = capped(row.not_derived)
    for n in not_derived:
        lines += _wrap(f"{not_derived_who(n, c)}: {n.reason}", 4, "  ! ")
    if more:
        lines += _wrap(more, 4, "  ")
    lines.append("  " + _("Sources:"))
    for source, number in sources.items():
        lines += _wrap(source, 9, f"  [{number}] ".ljust(9))
    return lines


def _target_groups(c: Comparison) -> list[str]:
    lines = _heading(_("Target groups (whom each document targets)"))
    for doc in c.documents:
        s, group = doc.strategy, doc.target_group
        lines += _wrap(
            f"{doc.municipality.name}, {s.title} ({s.kind.display}, {s.period or _no_period()}):",
            2,
            "",
        )
        if group is None:
            lines += _wrap(_("no target group stated"), 4)
            continue
        lines += _wrap(_group_equation(s.target_group_wording, group.label, group.definition), 4)
        if group.reading:
            lines += _wrap(_("reading: {reading}").format(reading=group.reading), 6)
    return lines


def _numbered(c: Comparison) -> list[Document]:
    """The documents in the order the themes' table numbers them: by city, then as listed."""
    return [d for m in c.municipalities for d in c.documents if d.municipality.code == m.code]


def _themes(c: Comparison, *, listed: bool = True) -> list[str]:
    """The themes' table, its columns the documents by number; ``listed=False`` leaves out
    the list of the documents (the summary names them above it, numbered alike)."""
    lines = _heading(_("Themes (what each document covers)"))
    documents = [(m, s) for m in c.municipalities for s in c.strategies(m.code)]
    width = max(3, min(6, (WIDTH - 38) // max(1, len(documents))))
    for number, (m, s) in enumerate(documents, 1):
        if listed:
            lines += _wrap(f"[{number}] {m.name}: {s.title} ({s.kind.display})", 6, "  ")
    lines.append(
        f"  {'':<34}" + "".join(f"{f'[{n}]':>{width}}" for n in range(1, len(documents) + 1))
    )
    for row in c.themes:
        marks = "".join(
            f"{_MARK[row.document_status(m.code, s.id)]:>{width}}" for m, s in documents
        )
        lines.append(f"  {_cut(pick(row.topic.label, row.topic.label_en), 34):<34}{marks}")
    lines.append(
        "  ● " + _("covered") + "  ○ " + _("declared but empty") + "  · " + _("not covered")
    )
    return lines


def _context(c: Comparison) -> list[str]:
    """Statistics Denmark's figures: each city beside the whole country and its kommunegruppe."""
    if not c.context:
        return []
    lines = _heading(_("Statistikbanken: the city, the whole country and its kommunegruppe"))
    shown: tuple[str, str, str | None, int] | None = None
    for row in c.context:
        if (row.municipality, row.table, row.age_band, row.year) != shown:
            shown = (row.municipality, row.table, row.age_band, row.year)
            title = f"{c.name(row.municipality)} ({row.group_name}), {row.table} {row.year}"
            title += ", " + _("age {age}").format(age=row.age_band) if row.age_band else ""
            lines += ["", *_wrap(title, 2, "")]
            city, country, median = _("the city"), _("whole country"), _("group median")
            lines.append(f"  {'':<34}{city:>10} {country:>13} {median:>19}")
            if row.note:
                lines += _wrap(row.note, 4, "  ‡ ")
            lines += _wrap(_("source: {source}").format(source=row.source), 4, "  ")
        value, country, median = context_cells(row)
        lines.append(
            f"  {_cut(c.group_label(row.group), 34):<34}{value:>10} {country:>13} {median:>19}"
        )
    lines += _wrap(
        _(
            "(n): the number of fetched municipalities of the kommunegruppe the median rests "
            "on; kommuneintegration fetch --all fetches all 98."
        ),
        2,
    )
    return lines


@pinned
def as_of_note(rows: Iterable[TargetEvaluation]) -> str:
    """The one line that says an evaluation was made as of a past year, or ""."""
    years = {row.as_of for row in rows if row.as_of is not None}
    if not years:
        return ""
    return _("As of {year}: later figures are not used, nor documents from after it.").format(
        year=", ".join(str(y) for y in sorted(years))
    )


def evaluations_to_text(evaluations: Evaluations) -> str:
    rows = list(evaluations)
    note = as_of_note(rows)
    lines: list[str] = _wrap(note, 0, "") if note else []
    current = None
    for row in rows:
        key = (row.municipality.code, row.strategy.id)
        if key != current:
            current = key
            lines += [
                "",
                *_wrap(
                    f"{row.municipality.name}: {row.strategy.title} ({row.strategy.kind.display})",
                    2,
                    "",
                ),
            ]
        e = row.evaluation
        lines += _wrap(f"{row.target.id}: {e.status.display.upper()}", 4, "  ")
        lines += _wrap(_("target: {wording}").format(wording=target_wording(row.target)), 6, "    ")
        lines += _wrap(_("reason: {reason}").format(reason=e.reason), 6, "    ")
        lines += _wrap(_("reading: {reading}").format(reading=row.target.reading), 6, "    ")
        if row.target.alternative_reading:
            lines += _wrap(
                _("alternative reading: {reading}").format(reading=row.target.alternative_reading),
                6,
                "    ",
            )
        if e.alternative:
            lines += _wrap(e.alternative, 6, "    ")
        if e.progress:
            lines += _wrap(_("progress: {progress}").format(progress=e.progress), 6, "    ")
        for line in distance_lines(e):
            lines += _wrap(line, 6, "    ")
    goals = goal_movement_lines(evaluations.goal_movements)
    if goals:
        lines += ["", *_wrap(_("The Integrationsbarometer's movement per goal:"), 2, "")]
        for line in goals:
            lines += _wrap(line, 4, "  - ")
    return escape_controls("\n".join(lines).lstrip("\n") + "\n")


def _summary(rows: Sequence[TargetEvaluation]) -> list[str]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.evaluation.status.display] = counts.get(row.evaluation.status.display, 0) + 1
    total = ngettext("{n} target", "{n} targets", len(rows)).format(n=len(rows))
    return _wrap(f"{total}: " + ", ".join(f"{n} {label}" for label, n in counts.items()), 2)


def _barometer(c: Comparison) -> list[str]:
    """Each city's barometer (value, baseline, movement, country, median, rank) beside its
    own targets on the same indicator and the barometer's own national figure."""
    if not c.barometer:
        return []
    lines = _heading(_("Integrationsbarometer from Statistics Denmark's figures"))
    lines += _wrap(
        _(
            "{covered} of the 98 municipalities have figures in the cache; kommuneintegration "
            "barometer shows the peers and how each figure differs from the barometer's own."
        ).format(covered=c.barometer_covered),
        2,
    )
    heads = barometer_headings()
    for b in c.barometer:
        who, label, value, base, movement, country, median, rank = barometer_cells(b)
        lines += ["", *_wrap(f"{who}: {label}", 4, "  ")]
        lines += _wrap(
            f"{value}; {heads[3].lower()} {base}; {heads[4]} {movement}; {heads[5]} {country}; "
            f"{heads[6]} {median}; {heads[7]} {rank}",
            6,
            "    ",
        )
        for line in barometer_beside(b):
            lines += _wrap(line, 6, "    - ")
    return lines


def _disagreements(c: Comparison) -> list[str]:
    if not c.disagreements:
        return []
    lines = _heading(_("Figures that disagree"))
    disagreements, more = capped(c.disagreements)
    for d in disagreements:
        lines += _wrap(
            f"{c.name(d.municipality)}, {d.strategy}: {d.describe(c.group_label)}", 4, "  ! "
        )
    if more:
        lines += _wrap(more, 4, "  ")
    return lines


def _evaluation(c: Comparison) -> list[str]:
    lines = _heading(_("Evaluation (targets against observations)"))
    if c.evaluations:
        lines += _summary(c.evaluations)
        lines += ["", *evaluations_to_text(c.evaluations).rstrip("\n").split("\n")]
    else:
        lines += _wrap(_("No targets for the chosen themes and municipalities."), 2)
    return lines


def _indicators(c: Comparison) -> list[str]:
    lines = _heading(_("Indicators (figures side by side)"))
    for row in c.indicators:
        lines += _indicator_block(row, c)
    if not c.indicators:
        lines += _wrap(_("No figures for the chosen themes and municipalities."), 2)
    return lines


#: Each section of compare's text in full, by its id (render/formats.py lists them).
_SECTIONS: Final[dict[str, Callable[[Comparison], list[str]]]] = {
    "target-groups": _target_groups,
    "themes": _themes,
    "indicators": _indicators,
    "statbank": _context,
    "barometer": _barometer,
    "disagreements": _disagreements,
    "evaluation": _evaluation,
}


def _section_name(section: TextSection) -> str:
    """The name a reader types: the Danish one in Danish output, the id in English."""
    return pick(section.danish, section.id)


def _empty_section(section: TextSection) -> list[str]:
    lines = _heading(_(section.label)[:1].upper() + _(section.label)[1:])
    return lines + _wrap(_("Nothing for the chosen municipalities and themes."), 2)


def _documents_summary(c: Comparison) -> list[str]:
    """Each document, numbered as the themes' columns are, with whom it targets."""
    lines = _heading(_("Documents and whom they target"))
    for number, doc in enumerate(_numbered(c), 1):
        s, group = doc.strategy, doc.target_group
        lines += _wrap(f"[{number}] {doc.municipality.name}: {s.title} ({s.kind.display})", 6, "  ")
        whom = (
            _group_equation(s.target_group_wording, group.label, group.definition)
            if group is not None
            else _("no target group stated")
        )
        lines += _wrap(whom, 8, "      ")
    return lines


def _themes_summary(c: Comparison) -> list[str]:
    """The themes' table under the documents' numbers (the list above names them)."""
    return _themes(c, listed=False)


def _years(entries: Sequence[IndicatorEntry]) -> str:
    years = sorted({e.year for e in entries if e.year is not None})
    if not years:
        return _("year not stated")
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"


def _indicators_summary(c: Comparison) -> list[str]:
    """Each indicator with its verdict and who has figures for it; the figures themselves only
    where they are comparable (the section in full has every one, its notes and sources)."""
    lines = _heading(_("Indicators (figures side by side)"))
    if not c.indicators:
        return lines + _wrap(_("No figures for the chosen themes and municipalities."), 2)
    for row in c.indicators:
        verdict = _("comparable") if row.comparable else _("not directly comparable")
        label = pick(row.indicator.label, row.indicator.label_en)
        lines += _wrap(f"{label}: {verdict}", 4, "  ")
        if row.comparable:
            shown, _summary_note = shown_entries(row.entries)
            values = [entry_value(e) for e in shown]
            widths = _Widths.of(shown, values)
            sources: dict[str, int] = {}
            for e, value in zip(shown, values, strict=True):
                number = sources.setdefault(e.source, len(sources) + 1)
                lines += [" " * 2 + line for line in _entry_lines(e, value, number, widths)]
            continue
        who: dict[str, list[IndicatorEntry]] = {}
        for e in row.entries:
            who.setdefault(e.municipality_name, []).append(e)
        lines += _wrap(
            "; ".join(
                ngettext(
                    "{who}: {n} figure, {years}", "{who}: {n} figures, {years}", len(es)
                ).format(who=name, n=len(es), years=_years(es))
                for name, es in who.items()
            ),
            6,
            "    ",
        )
    return lines


def _context_summary(c: Comparison) -> list[str]:
    """Statistics Denmark's figures, each city's tables under one heading, without their
    sources and notes (the section in full has them)."""
    if not c.context:
        return []
    lines = _heading(_("Statistikbanken: the city, the whole country and its kommunegruppe"))
    city, country, median = _("the city"), _("whole country"), _("group median")
    lines.append(f"  {'':<34}{city:>10} {country:>13} {median:>19}")
    shown: tuple[str, str, str | None, int] | None = None
    for row in c.context:
        if (row.municipality, row.table, row.age_band, row.year) != shown:
            shown = (row.municipality, row.table, row.age_band, row.year)
            title = f"{c.name(row.municipality)} ({row.group_name}), {row.table} {row.year}"
            title += ", " + _("age {age}").format(age=row.age_band) if row.age_band else ""
            lines += _wrap(title, 4, "  ")
        value, country_value, group_median = context_cells(row)
        lines.append(
            f"    {_cut(c.group_label(row.group), 32):<32}{value:>10} {country_value:>13} "
            f"{group_median:>19}"
        )
    return lines


def _barometer_summary(c: Comparison) -> list[str]:
    """Each barometer indicator once, then a line per city: value, baseline, movement, the
    kommunegruppe's median and the rank (the section in full says what stands beside it)."""
    if not c.barometer:
        return []
    lines = _heading(_("Integrationsbarometer from Statistics Denmark's figures"))
    lines += _wrap(
        _("{covered} of the 98 municipalities have figures in the cache.").format(
            covered=c.barometer_covered
        ),
        2,
    )
    heads = barometer_headings()
    lines.append(
        f"    {'':<11}{_cut(heads[2], 11):>12}{_cut(heads[3], 11):>12}  {_cut(heads[4], 10):<10}"
        f"{_cut(heads[6], 16):>17}{_cut(heads[7], 7):>8}"
    )
    shown = None
    for b in c.barometer:
        cells = barometer_cells(b)
        if b.row.indicator.key != shown:
            shown = b.row.indicator.key
            about = f"{cells[1]}; {heads[5]} {cells[5]}"
            if not b.row.indicator.ranked:
                about += "; " + _("not ranked")
            lines += _wrap(about, 4, "  ")
        rank = cells[7] if b.row.indicator.ranked else "–"
        lines.append(
            f"    {_cut(b.row.name, 11):<11}{cells[2]:>12}{cells[3]:>12}  {_cut(cells[4], 10):<10}"
            f"{_cut(cells[6], 16):>17}{_cut(rank, 7):>8}"
        )
    return lines


def _disagreements_summary(c: Comparison) -> list[str]:
    if not c.disagreements:
        return []
    lines = _heading(_("Figures that disagree"))
    return lines + _wrap(
        ngettext(
            "{n} figure differs from another for the same indicator, group, age band and year.",
            "{n} figures differ from another for the same indicator, group, age band and year.",
            len(c.disagreements),
        ).format(n=len(c.disagreements)),
        2,
    )


def _evaluation_summary(c: Comparison) -> list[str]:
    """How many targets have each status, then each document's targets by status, by id."""
    lines = _heading(_("Evaluation (targets against observations)"))
    if not c.evaluations:
        return lines + _wrap(_("No targets for the chosen themes and municipalities."), 2)
    lines += _summary(c.evaluations)
    numbers = {(doc.municipality.code, doc.strategy.id): n for n, doc in enumerate(_numbered(c), 1)}
    by_document: dict[tuple[str, str], dict[str, list[str]]] = {}
    for row in c.evaluations:
        key = (row.municipality.code, row.strategy.id)
        status = row.evaluation.status.display
        by_document.setdefault(key, {}).setdefault(status, []).append(row.target.id)
    for key, statuses in by_document.items():
        number = numbers.get(key)
        name = c.name(key[0])
        lines += _wrap(f"[{number}] {name}" if number else name, 4, "  ")
        for status, ids in statuses.items():
            lines += _wrap(f"{status}: " + ", ".join(ids), 8, "    ", hyphens=False)
    return lines


#: The summary of each section, by id; a section without one is left out of the summary.
_SUMMARIES: Final[dict[str, Callable[[Comparison], list[str]]]] = {
    "target-groups": _documents_summary,
    "themes": _themes_summary,
    "indicators": _indicators_summary,
    "statbank": _context_summary,
    "barometer": _barometer_summary,
    "disagreements": _disagreements_summary,
    "evaluation": _evaluation_summary,
}


@written_in
def comparison_to_text(
    c: Comparison, *, summary: bool = False, sections: Sequence[str] = ()
) -> str:
    """The comparison for a terminal: every section in full; ``summary=True`` a few screens
    that say how to get each section in full; ``sections`` (ids of
    :data:`~kommuneintegration.render.formats.COMPARISON_SECTIONS`) only those, in full."""
    names = ", ".join(f"{m.name} ({m.code})" for m in c.municipalities)
    lines = _wrap(f"kommuneintegration compare: {names}", 0, "")
    for section in COMPARISON_SECTIONS:
        if sections:
            if section.id in sections:
                lines += _SECTIONS[section.id](c) or _empty_section(section)
        elif summary:
            lines += _SUMMARIES[section.id](c)
        else:
            lines += _SECTIONS[section.id](c)
    if summary and not sections:
        lines += [
            "",
            *_wrap(
                _(
                    "A summary. Each section in full: kommuneintegration compare --section NAME ({names}); all of them: --full."
                ).format(names=", ".join(_section_name(s) for s in COMPARISON_SECTIONS)),
                0,
                "",
            ),
        ]
    return escape_controls("\n".join(lines) + "\n")


def _cited(provenance: Provenance) -> str:
    """The document a figure cites, as a reader looks it up."""
    return provenance.cited.citation() if provenance.cited is not None else provenance.document


@pinned
def _figure_line(doc: Document, o: Observation, cited: dict[str, int]) -> str:
    """One figure as show lists it: the figure, whom or what it counts, its year and source."""
    value = format_value(o.value, o.unit, bound=o.bound, decimals=o.decimals)
    things = _things_counted(o, value)
    counted = things or _counted(doc.group_labels.get(o.group, o.group) if o.group else "", o)
    if things and o.category:
        counted += f", {o.category}"
    when = o.year if o.year is not None else period_label(o.period) or _no_year_aside()
    number = cited.setdefault(_cited(o.provenance), len(cited) + 1)
    note = f" ‡ {o.note}" if o.note and not things else ""
    shown = counted if things else f"{value} {counted}"  # the note begins with the figure
    return f"{o.indicator}: {shown} {when} [{number}, {o.provenance.locations}]" + note


def _document_heading(doc: Document) -> list[str]:
    """A document's title, then what it is: kind, period, author, adoption, source, group."""
    s, group = doc.strategy, doc.target_group
    lines = _heading(f"{s.title}")
    lines += _wrap(f"{s.kind.display}; {s.period or _no_period()}; {s.author}", 2)
    if s.adopted:
        lines += _wrap(_("adopted: {date}").format(date=date_text(s.adopted)), 2)
    lines += _wrap(_("source: {source}").format(source=s.source), 2)
    if s.summary:
        lines += _wrap(s.summary, 2)
    if group:
        lines += _wrap(
            _("target group: {group}").format(
                group=_group_equation(s.target_group_wording, group.label, group.definition)
            ),
            2,
        )
    return lines


def _statement_sections(doc: Document) -> list[tuple[str, list[str]]]:
    """What the document says: its themes, goals, principles, initiatives and notes."""
    s = doc.strategy
    return [
        (
            _("Themes"),
            [
                f"{t.label}" + (f" [{ThemeStatus.PLACEHOLDER.display}: {t.note}]" if t.note else "")
                for t in s.themes
            ],
        ),
        (
            _("Goals"),
            [
                f"{g.kind.display}{' ' + g.number if g.number else ''}: {g.text}"
                + (f" ({g.detail})" if g.detail else "")
                for g in s.goals
            ],
        ),
        (
            _("Principles"),
            [f"{p.number + ': ' if p.number else ''}{p.text}" for p in s.principles],
        ),
        (
            _("Initiatives"),
            [f"{i.title + ': ' if i.title else ''}{i.text}" for i in s.initiatives],
        ),
        (_("Evaluation parameters"), [p.text for p in s.evaluation_parameters]),
        (
            _("Notes (other statements of the document)"),
            [
                n.text + (f" (“{n.provenance.quote}”)" if n.provenance.quote else "")
                for n in s.notes
            ],
        ),
    ]


def _indicator_item(doc: Document, i: Indicator) -> str:
    """An indicator as show lists it: "id: label [measure, unit, age] (concept)"."""
    return (
        f"{i.id}: {pick(i.label, i.label_en)} ["
        + ", ".join(
            p
            for p in (
                i.measure.display,
                unit_symbol(i.unit, words=True),
                str(i.age_band) if i.age_band else "",
            )
            if p
        )
        + "]"
        + (f" ({doc.concepts.get(i.concept, i.concept)})" if i.concept else "")
        + (f": {i.concept_note}" if i.concept_note else "")
        + (f"; Statistikbanken {i.statbank}" if i.statbank else "")
    )


def _measurement_sections(doc: Document, cited: dict[str, int]) -> list[tuple[str, list[str]]]:
    """What the document measures: its indicators, targets and figures (the figures number
    the documents they cite in ``cited``)."""
    s = doc.strategy
    return [
        (
            _("Indicators (id: label [measure, unit] (concept))"),
            [_indicator_item(doc, i) for i in s.indicators],
        ),
        (
            _("Targets"),
            [
                f"{t.id} ({t.kind.display}): {target_wording(t)}; "
                + _("reading: {reading}").format(reading=t.reading)
                for t in s.targets
            ],
        ),
        (
            _("Figures (observations)"),
            [_figure_line(doc, o, cited) for o in s.observations],
        ),
    ]


def _document_lines(doc: Document) -> list[str]:
    """One document in full, its sources numbered from 1."""
    cited: dict[str, int] = {}
    lines = _document_heading(doc)
    for title, items in [*_statement_sections(doc), *_measurement_sections(doc, cited)]:
        if items:
            lines += ["", f"  {title}:"]
            for item in items:
                lines += _wrap(" ".join(item.split()), 6, "    - ")
    # each document a figure cites, once, as compare's footnotes do
    for citation, number in cited.items():
        lines += _wrap(citation, 9, f"    [{number}] ")
    return lines


def strategies_to_text(municipality: Municipality, documents: Sequence[Document]) -> str:
    """One city's documents in full: ``kommuneintegration show CODE``."""
    # "Aalborg Kommune (851)", but "Hele landet (000)": only the 98 are a kommune.
    official = official_municipalities()
    if municipality.code in official:
        title = official[municipality.code].title(None)
    else:
        title = municipality.name
    lines = [f"{title} ({municipality.code})"]
    for doc in documents:
        lines += _document_lines(doc)
    return escape_controls("\n".join(lines) + "\n")
