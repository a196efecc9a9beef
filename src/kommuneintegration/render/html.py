"""A self-contained HTML report: tables where people read, charts where they would rather look.

Charts are plain SVG written by :mod:`.svg` and embedded in the page, so it
needs no network, no other file and no plotting library, and it grows with its
input, not faster: a catalogue row with many figures shows the latest of each
series, an indicator with many series a table of sparklines. Every chart has
alt text and a caption naming its sources.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from kommuneintegration import __version__
from kommuneintegration.i18n import _, format_number, language, ngettext, pick, written_in
from kommuneintegration.municipalities import COUNTRY
from kommuneintegration.render.common import (
    barometer_beside,
    barometer_cells,
    barometer_headings,
    capped,
    context_headings,
    context_row,
    distance_lines,
    entry_value,
    goal_movement_lines,
    latest_of_series,
    not_derived_who,
    shown_entries,
    target_wording,
)
from kommuneintegration.render.page import CSS, PRINT_CSS
from kommuneintegration.render.svg import (
    Bar,
    Line,
    Marker,
    bar_chart,
    colour_for,
    line_chart,
    paired_bars,
    sparkline,
)
from kommuneintegration.strategy.models import TargetKind
from kommuneintegration.strategy.terms import kind_label
from kommuneintegration.units import format_value, unit_symbol
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.analysis.comparison import (
        CatalogueComparison,
        Comparison,
        IndicatorEntry,
        SeriesView,
    )
    from kommuneintegration.strategy.derive import DerivedFigure
    from kommuneintegration.strategy.models import Observation, Strategy, Target

__all__ = ["comparison_to_html"]

_STATUS_CLASS: Final = {
    "achieved": "ok",
    "missed": "bad",
    "on-track": "ok",
    "not-on-track": "bad",
    "not-evaluable": "na",
    "reported-achieved": "na",
    "rule-error": "bad",
}


def _e(value: object) -> str:
    """Untrusted text made inert: HTML escaped, control characters (ESC) visible."""
    return html.escape(escape_controls(str(value)), quote=True)


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def _sources(sources: Sequence[str]) -> str:
    return _("Sources:") + " " + "; ".join(_e(s) for s in dict.fromkeys(sources))


#: Above this many figures a catalogue row shows the latest of each series, not every figure.
#: Above this many series an indicator's development is a table of sparklines, not one chart.
MAX_LINES: Final = 8


def _entry_label(e: IndicatorEntry) -> str:
    who = f"{e.category + ' – ' if e.category else ''}{e.group_label}"
    when = e.year if e.year is not None else e.period or _("year not stated")
    # Place, year and age first: a long group label may be cut, never the row's key facts.
    return f"{e.municipality_name} {when}{', ' + e.age_band if e.age_band else ''}: {who}"


def _derived_series(d: DerivedFigure) -> tuple[Any, ...]:
    return (
        d.kind,
        d.municipality,
        d.strategy,
        d.indicator,
        d.group,
        d.age_band,
        d.category,
        d.target,
    )


def _chart_groups(
    entries: Sequence[IndicatorEntry],
) -> list[tuple[str, bool, list[IndicatorEntry]]]:
    """One chart per unit, and a distribution (figures by category, each group summing to
    100 %) apart from single shares: one measure and one unit on an axis."""
    groups: dict[tuple[str, bool], list[IndicatorEntry]] = {}
    for e in entries:
        groups.setdefault((e.unit, bool(e.category)), []).append(e)
    return [(unit, by_category, found) for (unit, by_category), found in groups.items()]


def _bar_chart(row: CatalogueComparison, entries: Sequence[IndicatorEntry], summary: str) -> str:
    label = pick(row.indicator.label, row.indicator.label_en)
    groups = _chart_groups(entries)
    charts = [
        _unit_bars(label, unit_id, by_category, found) for unit_id, by_category, found in groups
    ]
    verdict = _("comparable") if row.comparable else _("not directly comparable")
    caption = (
        "<span class='verdict'>"
        + _("{indicator} by city and group: {verdict}.").format(
            indicator=_e(label), verdict=verdict
        )
        + "</span> "
        + (f"<span class='diff'>{_e(row.indicator.note)}</span> " if row.indicator.note else "")
        + (
            _(
                "One chart per unit and measure: a distribution by category is apart from single shares."
            )
            + " "
            if len(groups) > 1
            else ""
        )
        # The differences are listed once, above the chart: the caption points to them.
        + (_("What differs is listed above the chart.") + " " if row.differences else "")
        + (
            " * " + _("derived by the engine from two observations.")
            if any(e.derived for e in entries)
            else ""
        )
        + (f" {summary}" if summary else "")
        + f" {_sources([e.source for e in entries])}"
    )
    return _figure("".join(charts), caption)


def _unit_bars(label: str, unit_id: str, by_category: bool, found: Sequence[IndicatorEntry]) -> str:
    """The bar chart of one unit's figures (or of a distribution by category)."""
    bars = [
        Bar(
            _entry_label(e),
            e.value,
            colour_for(e.municipality),
            f"{entry_value(e)}{'*' if e.derived else ''}",
            bound=e.bound,
        )
        for e in found
    ]
    unit = unit_symbol(unit_id, words=True)  # the figures' own unit, not the catalogue's
    title = label + (" – " + _("distribution by category") if by_category else "")
    alt = (
        _("Bar chart of {indicator} ({unit}) by municipality and group: ").format(
            indicator=title, unit=unit
        )
        + "; ".join(f"{b.label} {b.text}" for b in bars[:20])
        + ("; ..." if len(bars) > 20 else "")
    )
    return bar_chart(
        bars,
        axis_label=f"{title} ({unit})",
        alt=alt,
        bound_legend=_(
            "hatched: a bound the source states (up to, at least), not a measured figure"
        ),
    )


def _series_charts(c: Comparison) -> list[str]:
    """One chart per city and indicator with two or more years: lines, or sparklines when many."""
    strategies = {(d.municipality.code, d.strategy.id): d.strategy for d in c.documents}
    by_indicator: dict[tuple[str, str, str], list[SeriesView]] = defaultdict(list)
    for view in c.series:
        if view.years > 1:
            by_indicator[(view.municipality, view.strategy, view.indicator)].append(view)
    # The whole country's series of each catalogue indicator, to stand beside a city's.
    national: dict[str, list[SeriesView]] = defaultdict(list)
    for view in c.series:
        if view.municipality == COUNTRY and view.years > 1:
            cid = strategies[(view.municipality, view.strategy)].indicator(view.indicator).catalogue
            if cid:
                national[cid].append(view)
    return [
        _series_chart(c, strategies[(code, strategy_id)], indicator_id, views, national)
        for (code, strategy_id, indicator_id), views in by_indicator.items()
    ]


def _series_chart(
    c: Comparison,
    strategy: Strategy,
    indicator_id: str,
    views: Sequence[SeriesView],
    national: Mapping[str, Sequence[SeriesView]],
) -> str:
    """One city's series of one indicator, the whole country's beside them where it has the
    same indicator in the same units, and the targets of a level drawn as marks."""
    code = views[0].municipality
    indicator = strategy.indicator(indicator_id)
    targets = [t for t in strategy.targets if t.indicator == indicator_id]
    units = {o.unit for view in views for o in view.points}
    beside = [
        v
        for v in national.get(indicator.catalogue or "", [])
        if code != COUNTRY and {o.unit for o in v.points} == units
    ]
    used = [o for view in (*views, *beside) for o in view.points]
    title = f"{c.name(code)}: {pick(indicator.label, indicator.label_en)}"
    if len(views) > MAX_LINES:
        return _sparkline_table(title, views, code, used)
    lines = _series_lines(c, code, views, beside)
    markers = [
        Marker(
            t.year,
            t.value,
            _("target {value}").format(value=format_number(t.value)),
        )
        for t in targets
        if t.kind is TargetKind.LEVEL and t.year is not None and t.value is not None
    ]
    alt = _("{title}, {unit} by year: ").format(
        title=title, unit=unit_symbol(indicator.unit, words=True)
    ) + "; ".join(
        f"{line.label}: " + ", ".join(f"{yr} {format_number(v)}" for yr, v in line.points)
        for line in lines
    )
    caption = _series_caption(title, strategy, targets, bool(markers), used)
    units = {o.unit for o in used}  # the figures' own unit, not the indicator's
    svg = line_chart(
        lines,
        markers=markers,
        axis_label=unit_symbol(units.pop() if len(units) == 1 else indicator.unit, words=True),
        alt=alt,
        marker_label=_("target"),
        gap_label=_("dotted: figures years apart, not measured in between"),
    )
    return _figure(svg, caption)


def _series_lines(
    c: Comparison, code: str, views: Sequence[SeriesView], beside: Sequence[SeriesView]
) -> list[Line]:
    """A city's series in shades of its colour (every other one dashed), then the country's."""
    shades = _shades(colour_for(code), len(views))
    lines = [
        Line(
            view.label,
            tuple((o.year, o.value) for o in view.points if o.year is not None),
            colour,
            dashed=i % 2 == 1,
        )
        for i, (view, colour) in enumerate(zip(views, shades, strict=True))
    ]
    lines += [  # the country's series for the same indicator, in its own grey
        Line(
            f"{c.name(COUNTRY)}: {view.label}",
            tuple((o.year, o.value) for o in view.points if o.year is not None),
            colour_for(COUNTRY),
            dashed=True,
        )
        for view in beside
    ]
    return lines


def _series_caption(
    title: str, strategy: Strategy, targets: Sequence[Target], marked: bool, used: list[Observation]
) -> str:
    """The chart's title and document, what its red marks are, the targets it does not draw,
    and its sources."""
    other = [t for t in targets if t.kind is not TargetKind.LEVEL]
    caption = _("{title} over time ({document}).").format(
        title=f"<strong>{_e(title)}</strong>", document=_e(strategy.title)
    )
    if marked:
        caption += " " + _("Red marks: the targets for each year.")
    if other:
        caption += (
            " "
            + _("Targets not drawn:")
            + " "
            + "; ".join(f"{_e(target_wording(t))} ({_e(t.kind.display)})" for t in other)
            + "."
        )
    caption += f" {_sources([str(o.provenance) for o in used])}"
    return caption


def _shades(colour: str, count: int) -> list[str]:
    """Lighter and darker shades of a city's colour, one per series (dashes tell pairs apart)."""
    base = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    shades = []
    for i in range(count):
        mix = 0.55 * i / max(count - 1, 1)
        shades.append("#" + "".join(f"{int(c + (255 - c) * mix):02x}" for c in base))
    return shades


def _sparkline_table(
    title: str, views: Sequence[SeriesView], code: str, used: list[Observation]
) -> str:
    rows = []
    colour = colour_for(code)
    for view in views:
        points = view.points
        first, last = points[0], points[-1]
        alt = f"{view.label}: " + ", ".join(f"{o.year} {format_number(o.value)}" for o in points)
        line = [(o.year, o.value) for o in points if o.year is not None]
        rows.append(
            f"<tr><td>{_e(view.label)}</td><td>{sparkline(line, colour, alt)}</td>"
            f"<td class='num'>{format_number(first.value)} ({first.year})</td>"
            f"<td class='num'>{format_number(last.value)} ({last.year})</td></tr>"
        )
    return (
        f"<figure><table><caption><strong>{_e(title)}</strong>: "
        + _("{n} series, one line each (zero at the bottom of every line).").format(n=len(views))
        + "</caption>"
        + _head(_("Group"), _("Development"), _("First"), _("Latest"))
        + "".join(rows)
        + f"</table><figcaption>{_sources([str(o.provenance) for o in used])}</figcaption></figure>"
    )


def _shortfall_charts(c: Comparison) -> list[str]:
    """Target against actual, year by year, where a city states both (Aalborg's workforce)."""
    charts: list[str] = []
    for row in c.shortfalls:
        code, shortfalls = row.municipality, row.figures
        strategy = next(s for s in c.strategies(code) if s.id == row.strategy)
        indicator = strategy.indicator(row.indicator)
        years = [f.year or 0 for f in shortfalls]
        actual = [f.inputs[0].value for f in shortfalls]
        targets = list(row.targets)
        # The difference above each pair, its unit said once in the caption.
        notes = [
            format_number(round(a - t, 1), signed=True)
            for t, a in zip(targets, actual, strict=True)
        ]
        title = f"{c.name(code)}: {pick(indicator.label, indicator.label_en)}"
        alt = _("{title}, target against actual: ").format(title=title) + "; ".join(
            _("{year}: target {target}, actual {actual} ({difference})").format(
                year=y,
                target=format_value(t, "percent"),
                actual=format_value(a, "percent"),
                difference=format_value(round(a - t, 1), "percentage_point", signed=True),
            )
            for y, t, a, n in zip(years, targets, actual, notes, strict=True)
        )
        svg = paired_bars(
            years,
            targets,
            actual,
            labels=(_("target"), _("actual")),
            notes=notes,
            colour=colour_for(code),
            axis_label="%",
            alt=alt,
        )
        sources = "; ".join(dict.fromkeys(_e(f.inputs[0].provenance) for f in shortfalls))
        caption = (
            f"<strong>{_e(title)}</strong>: "
            + _(
                "target against actual; above each pair the difference in percentage points, "
                "derived by the engine."
            )
            + " "
            + _("Sources:")
            + f" {sources}"
        )
        charts.append(_figure(svg, caption))
    return charts


def _head(*headings: str) -> str:
    return "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in headings) + "</tr>"


def _entries_table(entries: Sequence[IndicatorEntry]) -> str:
    head = _head(
        _("Municipality"), _("Group"), _("Age"), _("Value"), _("Year"), _("Concept"), _("Source")
    )
    body = "".join(
        f"<tr><td>{_e(e.municipality_name)}</td><td>{_e((e.category + ': ') if e.category else '')}{_e(e.group_label)}</td>"
        f"<td>{_e(e.age_band or '–')}</td><td class='num'>{_e(entry_value(e))}{' *' if e.derived else ''}</td>"
        f"<td>{_e(e.when)}</td><td>{_e(e.concept_label or '–')}</td><td class='small'>{_e(e.source)}"
        f"{'<br>' + _e(e.derivation) if e.derivation else ''}"
        f"{'<br>‡ ' + _e(e.note) if e.note else ''}</td></tr>"
        for e in entries
    )
    return f"<table>{head}{body}</table>"


@written_in
def comparison_to_html(c: Comparison) -> str:
    """The whole page: a head, then each section of :data:`_SECTIONS`, in order."""
    parts = _header(c)
    for section in _SECTIONS:
        parts += section(c)
    parts.append("</body></html>\n")
    return _with_contents("\n".join(parts))


def _header(c: Comparison) -> list[str]:
    title = _("Integration strategies side by side")
    return [
        f"<!DOCTYPE html><html lang='{language()}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(title)}</title><style>{CSS}{PRINT_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='small'>{_e(', '.join(f'{m.name} ({m.code})' for m in c.municipalities))}. "
        + _e(
            _(
                "Generated by kommuneintegration {version} from the cities' plugins; every "
                "figure carries its source."
            ).format(version=__version__)
        )
        + "</p>",
        _summary(c),
        _CONTENTS,
    ]


def _target_groups(c: Comparison) -> list[str]:
    parts = [
        "<h2>"
        + _("Target groups (whom each document targets)")
        + "</h2><table>"
        + _head(
            _("Municipality"),
            _("Document"),
            _("Kind"),
            _("Target group"),
            _("Definition and reading"),
        )
    ]
    no_period = _("no period stated")
    for doc in c.documents:
        s, group = doc.strategy, doc.target_group
        definition = (
            f"{_e(group.definition)}<br><span class='small'>{_e(group.reading)}</span>"
            if group
            else _e(_("not stated"))
        )
        parts.append(
            f"<tr><td>{_e(doc.municipality.name)}</td><td>{_e(s.title)}<br><span class='small'>{_e(s.author)}; {_e(s.period or no_period)}</span></td>"
            f"<td>{_e(s.kind.display)}</td><td>{_e(s.target_group_wording or '–')}</td><td>{definition}</td></tr>"
        )
    parts.append("</table>")
    return parts


def _notes(c: Comparison) -> list[str]:
    noted = [d for d in c.documents if d.strategy.notes]
    if not noted:
        return []
    parts = ["<h2>" + _("Notes (other statements of the documents)") + "</h2>"]
    for doc in noted:
        parts.append(f"<h3>{_e(doc.municipality.name)}: {_e(doc.strategy.title)}</h3><ul>")
        parts += [
            f"<li>{_e(n.text)}"
            + (f" <q>{_e(n.provenance.quote)}</q>" if n.provenance.quote else "")
            + f" <span class='small'>{_e(n.provenance)}</span></li>"
            for n in doc.strategy.notes
        ]
        parts.append("</ul>")
    return parts


def _themes(c: Comparison) -> list[str]:
    documents = [(m, s) for m in c.municipalities for s in c.strategies(m.code)]
    parts = [
        "<h2>"
        + _("Themes (what each document covers)")
        + "</h2><table><tr><th>"
        + _("Theme")
        + "</th>"
        + "".join(
            f"<th>{_e(m.name)}<br><span class='small'>{_e(s.title)} ({_e(s.kind.display)})</span></th>"
            for m, s in documents
        )
        + "</tr>"
    ]
    for t in c.themes:
        cells = []
        for m, s in documents:
            status = t.document_status(m.code, s.id)
            detail = "<br>".join(
                _e(label) for sid, label, _status in t.coverage.get(m.code, ()) if sid == s.id
            )
            # declared but empty is no error: amber, not red
            css = {"filled": "ok", "placeholder": "decl", "absent": "na"}[status]
            word = {
                "filled": _("covered"),
                "placeholder": _("declared but empty"),
                "absent": _("not covered"),
            }[status]
            cells.append(f"<td class='{css}'>{word}<br><span class='small'>{detail}</span></td>")
        parts.append(
            f"<tr><td>{_e(pick(t.topic.label, t.topic.label_en))}</td>{''.join(cells)}</tr>"
        )
    parts.append("</table>")
    return parts


def _indicators(c: Comparison) -> list[str]:
    parts = ["<h2>" + _("Indicators (figures side by side)") + "</h2>"]
    for row in c.indicators:
        verdict = _("comparable") if row.comparable else _("not directly comparable")
        parts.append(f"<h3>{_e(pick(row.indicator.label, row.indicator.label_en))}</h3>")
        parts.append(
            f"<p class='verdict'>{verdict}</p><ul>"
            + "".join(f"<li class='diff'>{_e(d)}</li>" for d in row.differences)
        )
        parts += [
            f"<li class='diff'>{_e(not_derived_who(n, c))}: {_e(n.reason)}</li>"
            for n in row.not_derived
        ]
        parts.append("</ul>")
        shown, summary = shown_entries(  # the same figures in the chart and the table
            row.entries,
            "<code>kommuneintegration compare -f csv</code>",
            _(
                "Showing the latest figure of each of {series} series ({figures} figures in "
                "all; every figure is in {command} and in the development section below)."
            ),
        )
        if len(row.entries) > 1:
            parts.append(_bar_chart(row, shown, summary))
        if summary:
            parts.append(f"<p class='small'>{summary}</p>")
        parts.append(_entries_table(shown))
    return parts


def _development(c: Comparison) -> list[str]:
    return [
        "<h2>" + _("Development (time series and targets)") + "</h2>",
        *_series_charts(c),
        *_shortfall_charts(c),
    ]


def _evaluations(c: Comparison) -> list[str]:
    from kommuneintegration.render.text import as_of_note

    note = as_of_note(c.evaluations)
    parts = [
        "<h2>"
        + _("Evaluation (targets against observations)")
        + "</h2>"
        + (f"<p class='small'>{_e(note)}</p>" if note else "")
        + "<table>"
        + _head(_("Municipality"), _("Target"), _("Status"), _("Reason"), _("Reading"))
    ]
    alternative = _("alternative reading: {reading}")
    for r in c.evaluations:
        ev = r.evaluation
        parts.append(
            f"<tr><td>{_e(r.municipality.name)}<br><span class='small'>{_e(r.strategy.title)}</span></td><td>{_e(target_wording(r.target))}</td>"
            f"<td class='{_STATUS_CLASS[ev.status.value]}'>{_e(ev.status.display)}</td>"
            f"<td>{_e(ev.reason)}{'<br><span class=small>' + _e(ev.progress) + '</span>' if ev.progress else ''}"
            f"{'<br><span class=diff>' + _e(ev.alternative) + '</span>' if ev.alternative else ''}"
            + "".join(f"<br><span class='small'>{_e(line)}</span>" for line in distance_lines(ev))
            + "</td>"
            f"<td class='small'>{_e(r.target.reading)}{' ' + _e(alternative.format(reading=r.target.alternative_reading)) if r.target.alternative_reading else ''}</td></tr>"
        )
    parts.append("</table>")
    goals = goal_movement_lines(c.evaluations.goal_movements)
    if goals:
        parts.append(
            "<h3>"
            + _e(_("The Integrationsbarometer's movement per goal:"))
            + "</h3><ul>"
            + "".join(f"<li>{_e(line)}</li>" for line in goals)
            + "</ul>"
        )
    return parts


def _indicator_label(c: Comparison, d: DerivedFigure) -> str:
    """A derived figure's indicator as a reader knows it: its label, not its id."""
    for doc in c.documents:
        if doc.strategy.id == d.strategy:
            for indicator in doc.strategy.indicators:
                if indicator.id == d.indicator:
                    return pick(indicator.label, indicator.label_en)
    return d.indicator


def _derived(c: Comparison) -> list[str]:
    parts = [
        "<h2>"
        + _("Derived figures")
        + "</h2><table>"
        + _head(
            _("Municipality"),
            _("Kind"),
            _("Indicator"),
            _("Group"),
            _("Years"),
            _("Value"),
            _("Sources"),
        )
    ]
    derived, summary = latest_of_series(
        c.derived,
        _derived_series,
        _(
            "The latest of each of {series} series ({figures} derived figures in all; "
            "every one is in {command})."
        ),
        "<code>kommuneintegration compare -f json</code>",
    )
    if summary:
        parts.append(f"<tr><td colspan='7' class='small'>{summary}</td></tr>")
    for d in derived:
        years = f"{d.from_year}–{d.year}" if d.from_year else str(d.year or "–")
        parts.append(
            f"<tr><td>{_e(c.name(d.municipality))}</td><td>{_e(kind_label(d.kind))}</td><td>{_e(_indicator_label(c, d))}{' – ' + _e(d.category) if d.category else ''}</td>"
            f"<td>{_e(c.group_label(d.group))} {_e(d.age_band or '')}</td><td>{_e(years)}</td><td class='num'>{_e(d.describe())}</td><td class='small'>{_e('; '.join(d.sources))}</td></tr>"
        )
    parts.append("</table>")
    if c.not_derived:
        not_derived, more = capped(c.not_derived)
        parts.append(
            "<h3>"
            + _("Not derived")
            + "</h3><ul>"
            + "".join(f"<li>{_e(not_derived_who(n, c))}: {_e(n.reason)}</li>" for n in not_derived)
            + (f"<li class='small'>{_e(more)}</li>" if more else "")
            + "</ul>"
        )
    return parts


def _context(c: Comparison) -> list[str]:
    if not c.context:
        return []
    parts = [
        "<h2>"
        + _("Statistikbanken: the city, the whole country and its kommunegruppe")
        + "</h2><table>"
        + _head(*context_headings(), _("Source"))
    ]
    for ctx in c.context:
        name, *text, value, country, median = context_row(ctx, c)
        parts.append(
            f"<tr><td>{_e(name)}<br><span class='small'>{_e(ctx.group_name)}</span></td>"
            + "".join(f"<td>{_e(cell)}</td>" for cell in text)
            + "".join(f"<td class='num'>{_e(cell)}</td>" for cell in (value, country, median))
            + f"<td class='small'>{_e(ctx.source)}{'<br>‡ ' + _e(ctx.note) if ctx.note else ''}</td></tr>"
        )
    parts.append("</table>")
    return parts


def _barometer(c: Comparison) -> list[str]:
    """Each city's barometer beside its own targets and the barometer's national figure."""
    if not c.barometer:
        return []
    title = _("Integrationsbarometer from Statistics Denmark's figures")
    intro = _(
        "{covered} of the 98 municipalities have figures in the cache; kommuneintegration "
        "barometer shows the peers and how each figure differs from the barometer's own."
    ).format(covered=c.barometer_covered)
    parts = [
        f"<h2>{_e(title)}</h2><p class='small'>{_e(intro)}</p>",
        "<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in barometer_headings()) + "</tr>",
    ]
    for b in c.barometer:
        who, label, *numbers = barometer_cells(b)
        parts.append(
            f"<tr><td>{_e(who)}</td><td>{_e(label)}</td>"
            + "".join(f"<td class='num'>{_e(cell)}</td>" for cell in numbers)
            + "</tr>"
        )
        beside = barometer_beside(b)
        if beside:
            parts.append(
                "<tr><td></td><td colspan='7' class='small'>"
                + "<br>".join(_e(line) for line in beside)
                + "</td></tr>"
            )
    parts.append("</table>")
    return parts


def _disagreements(c: Comparison) -> list[str]:
    if not c.disagreements:
        return []
    disagreements, more = capped(c.disagreements)
    return [
        "<h2>"
        + _("Figures that disagree")
        + "</h2><ul>"
        + "".join(
            f"<li class='diff'>{_e(c.name(d.municipality))}: {_e(d.describe(c.group_label))}</li>"
            for d in disagreements
        )
        + (f"<li class='small'>{_e(more)}</li>" if more else "")
        + "</ul>"
    ]


#: The page's sections, in order; each returns its lines (none where it has nothing to show).
#: The charts come first, after whom the documents target; the long lists (the themes'
#: table, the derived figures, the Statbank tables, the documents' other statements) after
#: them, so that a printed report shows a chart on its first pages.
_SECTIONS: Final[tuple[Callable[[Comparison], list[str]], ...]] = (
    _target_groups,
    _indicators,
    _development,
    _barometer,
    _evaluations,
    _themes,
    _derived,
    _context,
    _notes,
    _disagreements,
)


_CONTENTS: Final = "<!-- contents -->"


@written_in
def strategy_sections(c: Comparison) -> list[str]:
    """A city's strategy, targets and evaluation as :func:`comparison_to_html` writes them,
    for a page of its own (:mod:`.municipality`), which shows the barometer itself."""
    parts = [_summary(c)]
    for section in _SECTIONS:
        if section is not _barometer:
            parts += section(c)
    return [part.replace("<h2>", "<h3>").replace("</h2>", "</h3>") for part in parts]


def _summary(c: Comparison) -> str:
    """What the page holds, in two sentences, before any table."""
    counts: dict[str, int] = {}
    for row in c.evaluations:
        counts[row.evaluation.status.display] = counts.get(row.evaluation.status.display, 0) + 1
    statuses = ", ".join(f"{n} {label}" for label, n in counts.items())
    comparable = sum(1 for row in c.indicators if row.comparable)
    # an indicator with figures from one place only has nothing to be compared with
    shared = sum(1 for row in c.indicators if len({e.municipality for e in row.entries}) > 1)
    # the whole country (code 000) is no kommune: it is named apart
    kommuner = sum(1 for m in c.municipalities if m.code != COUNTRY)
    places = ngettext("{n} municipality", "{n} municipalities", kommuner).format(n=kommuner)
    if len(c.municipalities) > kommuner:
        places = _("{places} and the whole country").format(places=places)
    text = _(
        "{places}, {documents} documents; {indicators} shared "
        "indicators with figures, {shared} of them with figures from more than one place; "
        "{targets} targets: {statuses}."
    ).format(
        places=places,
        documents=len(c.documents),
        indicators=len(c.indicators),
        shared=shared,
        targets=len(c.evaluations),
        statuses=statuses or _("none"),
    )
    text += " " + ngettext(
        "{n} indicator is directly comparable.",
        "{n} indicators are directly comparable.",
        comparable,
    ).format(n=comparable)
    if c.disagreements:
        text += " " + _("{n} figures disagree with another.").format(n=len(c.disagreements))
    in_short = _("In short:")
    return f"<p class='summary'><strong>{_e(in_short)}</strong> {_e(text)}</p>"


def _with_contents(page: str) -> str:
    """Give every section an anchor and list them at the top."""
    import re

    entries: list[str] = []

    def anchor(match: re.Match[str]) -> str:
        number = len(entries) + 1
        entries.append(f"<li><a href='#s{number}'>{match.group(1)}</a></li>")
        return f"<h2 id='s{number}'>{match.group(1)}</h2>"

    page = re.sub(r"<h2>(.*?)</h2>", anchor, page)
    title = _("Contents")
    contents = (
        f"<nav aria-label='{_e(title)}'><strong>{_e(title)}</strong><ol>"
        + "".join(entries)
        + "</ol></nav>"
    )
    return page.replace(_CONTENTS, contents, 1)
