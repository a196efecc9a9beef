"""Charts as plain SVG: bars, lines over years, target against actual, sparklines.

Written by hand rather than with a plotting library, so a report of 10,000
figures renders in a fraction of a second, needs no extra package, and every
chart follows the same rules: value axes start at zero, years are whole
numbers, legends sit outside the data, each municipality keeps one colour
(fixed by its code, in every report), and every chart carries its alt text
(``<title>`` and ``aria-label``).
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Final

import attrs

from kommuneintegration.i18n import format_number
from kommuneintegration.words import escape_controls

__all__ = [
    "Bar",
    "Line",
    "Marker",
    "bar_chart",
    "colour_for",
    "line_chart",
    "paired_bars",
    "sparkline",
]

#: Colours a reader can tell apart (Okabe-Ito), assigned by municipality code.
_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#666666")
_FIXED = {"000": "#333333", "101": "#0072B2", "751": "#D55E00", "851": "#009E73"}
_FONT = "font-family:system-ui,-apple-system,'Segoe UI',sans-serif"


def colour_for(code: str) -> str:
    """One colour per municipality, the same in every report: a function of its code alone."""
    if code in _FIXED:
        return _FIXED[code]
    digits = "".join(ch for ch in code if ch.isdigit()) or "0"
    return _PALETTE[int(digits) % len(_PALETTE)]


def _e(text: object) -> str:
    """Untrusted text made inert: HTML escaped, control characters (ESC) visible."""
    return html.escape(escape_controls(str(text)), quote=True)


def _ticks(high: float, low: float = 0.0, count: int = 5) -> list[float]:
    """Round tick values from ``low`` (zero unless there are negatives) to at least ``high``."""
    span = max(high - low, 1e-9)
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """At most ``lines`` lines of about ``width`` characters; the last one cut with "…" if need be."""
    rows = _lines(text, width)
    if len(rows) > lines:
        rows = [*rows[: lines - 1], " ".join(rows[lines - 1 :])]
    return [r if len(r) <= width else r[: width - 1] + "…" for r in rows]


def _number(value: float) -> str:
    return format_number(value)


def _svg(width: int, height: int, alt: str, body: list[str]) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='{width}' "
        f"height='{height}' role='img' aria-label='{_e(alt)}' style='{_FONT};font-size:13px'>"
        f"<title>{_e(alt)}</title>" + "".join(body) + "</svg>"
    )


@attrs.frozen
class Bar:
    label: str
    value: float
    colour: str
    text: str
    #: "at-most" or "at-least": a bound the source states ("op til 20"), drawn as a bound.
    bound: str | None = None


#: The widest a character of a bar's value is drawn (13 px sans-serif), in px.
_VALUE_PX: Final = 8

#: How many characters of a label fit a line of the label column (at 12 px), and its
#: lines' height in px.
_LABEL_CHARS: Final = 52
_LABEL_LINE: Final = 15


#: The hatching a bound's bar is filled with.
_HATCH: Final = (
    "<defs><pattern id='bound-hatch' width='6' height='6' patternUnits='userSpaceOnUse' "
    "patternTransform='rotate(45)'><line x1='0' y1='0' x2='0' y2='6' stroke='#555' "
    "stroke-width='2' /></pattern></defs>"
)


def bar_chart(bars: Sequence[Bar], *, axis_label: str, alt: str, bound_legend: str = "") -> str:
    """Horizontal bars from a zero baseline, labelled with their values.

    A label is wrapped over as many lines as it needs, never cut; a bound (a figure
    the source gives as "up to" or "at least") is an outlined, hatched bar, and
    ``bound_legend`` says so under the axis.
    """
    label_width, plot_width = 360, 560
    # room right of the longest bar for its value ("29 procentpoint"): never cut
    width = label_width + plot_width + max(90, 12 + _VALUE_PX * max(len(b.text) for b in bars))
    wrapped = [_lines(b.label, _LABEL_CHARS) for b in bars]
    heights = [max(24, 9 + _LABEL_LINE * len(w)) for w in wrapped]
    legend = 22 if bound_legend and any(b.bound for b in bars) else 0
    height = sum(heights) + 58 + legend
    low = min(0.0, *(b.value for b in bars))
    ticks = _ticks(max(0.0, *(b.value for b in bars)), low)
    top = ticks[-1]
    bottom = ticks[0]
    plot_bottom = sum(heights) + 12

    def x(value: float) -> float:
        return label_width + (value - bottom) / (top - bottom or 1) * plot_width

    body = [_HATCH]
    for tick in ticks:
        body.append(
            f"<line x1='{x(tick):.1f}' x2='{x(tick):.1f}' y1='8' y2='{plot_bottom}' stroke='#dde' />"
            f"<text x='{x(tick):.1f}' y='{plot_bottom + 16}' text-anchor='middle' fill='#444'>{_number(tick)}</text>"
        )
    y = 10
    for bar, rows, row in zip(bars, wrapped, heights, strict=True):
        body.append(_bar(bar, rows, (y, row), x, label_width))
        y += row
    body.append(
        f"<line x1='{x(0):.1f}' x2='{x(0):.1f}' y1='8' y2='{plot_bottom}' stroke='#333' />"
        f"<text x='{label_width + plot_width / 2}' y='{plot_bottom + 36}' text-anchor='middle' "
        f"fill='#222'>{_e(axis_label)}</text>"
    )
    if legend:
        body.append(
            f"<rect x='{label_width}' y='{height - 18}' width='22' height='12' "
            "fill='url(#bound-hatch)' stroke='#555' stroke-width='1.5' />"
            f"<text x='{label_width + 30}' y='{height - 8}' fill='#222'>{_e(bound_legend)}</text>"
        )
    return _svg(width, height, alt, body)


def _bar(
    bar: Bar,
    rows: Sequence[str],
    band: tuple[int, int],
    x: Callable[[float], float],
    label_width: int,
) -> str:
    """One bar in its ``band`` (top, height): its label's lines, the bar, its value."""
    y, row = band
    start, end = sorted((x(0), x(bar.value)))
    first = y + (row - _LABEL_LINE * len(rows)) / 2 + 11
    text = "".join(
        f"<tspan x='{label_width - 8}' y='{first + i * _LABEL_LINE:.1f}'>{_e(part)}</tspan>"
        for i, part in enumerate(rows)
    )
    fill = "url(#bound-hatch)" if bar.bound else bar.colour
    outline = f" stroke='{bar.colour}' stroke-width='2'" if bar.bound else ""
    return (
        f"<text text-anchor='end' fill='#222' font-size='12'><title>{_e(bar.label)}</title>"
        f"{text}</text>"
        f"<rect x='{start:.1f}' y='{y + row / 2 - 8:.1f}' width='{max(end - start, 0.5):.1f}' "
        f"height='16' fill='{fill}'{outline}><title>{_e(bar.label)}: {_e(bar.text)}</title></rect>"
        f"<text x='{end + 5:.1f}' y='{y + row / 2 + 5:.1f}' fill='#222'>{_e(bar.text)}</text>"
    )


def _lines(text: str, width: int) -> list[str]:
    """``text`` over as many lines of about ``width`` characters as it needs: never cut."""
    words, rows, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            rows.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    rows.append(current)
    return rows


@attrs.frozen
class Line:
    label: str
    points: tuple[tuple[int, float], ...]
    colour: str
    dashed: bool = False
    #: Drawn thin and pale, behind the others, without its own legend entry (peers).
    faint: bool = False


@attrs.frozen
class Marker:
    """A target: a short red bar at (year, value) with its text."""

    year: int
    value: float
    text: str


@attrs.frozen
class _Frame:
    """Where a line chart's plot sits, and its scales: years across, values up."""

    left: int
    width: int
    height: int
    first: float
    last: float
    bottom: float
    top: float

    def x(self, year: float) -> float:
        return self.left + (year - self.first) / (self.last - self.first) * self.width

    def y(self, value: float) -> float:
        return 14 + (self.top - value) / (self.top - self.bottom or 1) * self.height


def line_chart(
    lines: Sequence[Line],
    *,
    markers: Sequence[Marker] = (),
    axis_label: str,
    alt: str,
    marker_label: str = "",
    gap_label: str = "",
    faint_label: str = "",
    break_before: int | None = None,
    break_label: str = "",
) -> str:
    """Values over whole years, from a zero baseline, legend to the right of the plot.

    ``marker_label`` names the markers in the legend ("måltal"), in the caller's language;
    two figures years apart are joined by a faint dotted line, never a solid one, and
    ``gap_label`` says so in the legend. Faint lines (peers) are drawn first, pale and
    thin, and named together by ``faint_label``. ``break_before`` marks a break in the
    series before that year: a vertical line, the lines not joined across it, and
    ``break_label`` in the legend.
    """
    left, plot_width, plot_height, legend_width = 56, 430, 220, 340
    width, height = left + plot_width + 24 + legend_width, plot_height + 70
    years = [y for line in lines for y, _ in line.points] + [m.year for m in markers]
    values = [v for line in lines for _, v in line.points] + [m.value for m in markers]
    first_year, last_year = min(years), max(years)
    ticks = _ticks(max(0.0, *values), min(0.0, *values))
    # Half a year of room at each end, so points and target marks clear the axes.
    frame = _Frame(
        left, plot_width, plot_height, first_year - 0.5, last_year + 0.5, ticks[0], ticks[-1]
    )
    shown_break = (
        break_before
        if break_before is not None and first_year < break_before <= last_year
        else None
    )
    body = _line_axes(frame, ticks, (first_year, last_year), axis_label)
    if shown_break is not None:
        body.append(_break_line(frame, shown_break))
    series, gaps = _line_series(lines, frame, break_before)
    body += series
    body += [_target_mark(m, frame) for m in markers]
    legend, ly = _line_legend(
        lines,
        left + plot_width + 24,
        faint_label=faint_label,
        break_label=break_label if shown_break is not None else "",
        marker_label=marker_label if markers else None,
        gap_label=gap_label if gaps else "",
    )
    return _svg(width, max(height, ly + 24), alt, body + legend)


def _line_axes(
    frame: _Frame, ticks: Sequence[float], years: tuple[int, int], axis_label: str
) -> list[str]:
    """The gridlines with their values, the years (whole ones only), the zero line and the
    axis's label."""
    left, plot_width, plot_height, y = frame.left, frame.width, frame.height, frame.y
    body = []
    for tick in ticks:
        body.append(
            f"<line x1='{left}' x2='{left + plot_width}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' stroke='#e4e4ec' />"
            f"<text x='{left - 6}' y='{y(tick) + 4:.1f}' text-anchor='end' fill='#444'>{_number(tick)}</text>"
        )
    first_year, last_year = years
    step = max(1, math.ceil((last_year - first_year) / 8))
    for year in range(first_year, last_year + 1, step):  # whole years only
        body.append(
            f"<text x='{frame.x(year):.1f}' y='{14 + plot_height + 18}' text-anchor='middle' fill='#444'>{year}</text>"
        )
    body.append(
        f"<line x1='{left}' x2='{left + plot_width}' y1='{y(0):.1f}' y2='{y(0):.1f}' stroke='#333' />"
        f"<text x='14' y='{14 + plot_height / 2}' transform='rotate(-90 14 {14 + plot_height / 2})' "
        f"text-anchor='middle' fill='#222'>{_e(axis_label)}</text>"
    )
    return body


def _break_line(frame: _Frame, break_before: int) -> str:
    """The vertical line of a break in the series, half a year before ``break_before``."""
    bx = frame.x(break_before - 0.5)
    return (
        f"<line x1='{bx:.1f}' x2='{bx:.1f}' y1='14' y2='{14 + frame.height}' stroke='#8a4b00' "
        "stroke-width='1.5' stroke-dasharray='4 3' />"
    )


def _line_series(
    lines: Sequence[Line], frame: _Frame, break_before: int | None
) -> tuple[list[str], bool]:
    """The lines, the faint ones first (behind the others), every figure a dot; and whether
    two figures years apart were joined (dotted)."""
    x, y = frame.x, frame.y
    body: list[str] = []
    gaps = False
    for line in sorted(lines, key=lambda line: not line.faint):  # faint ones behind
        points = sorted(line.points)
        if line.faint:
            body.append(
                "<polyline fill='none' stroke-width='1.3' stroke-opacity='0.45' "
                f"stroke='{line.colour}' points='"
                + " ".join(
                    f"{x(yr):.1f},{y(v):.1f}"
                    for yr, v in points
                    if break_before is None or yr >= break_before
                )
                + f"'><title>{_e(line.label)}</title></polyline>"
            )
            continue
        joins, gapped = _joins(line, points, frame, break_before)
        body += joins
        gaps = gaps or gapped
        for yr, v in line.points:
            body.append(
                f"<circle cx='{x(yr):.1f}' cy='{y(v):.1f}' r='3.5' fill='{line.colour}'>"
                f"<title>{_e(line.label)}, {yr}: {_number(v)}</title></circle>"
            )
    return body, gaps


def _joins(
    line: Line,
    points: Sequence[tuple[int, float]],
    frame: _Frame,
    break_before: int | None,
) -> tuple[list[str], bool]:
    """A line's figures joined year to year: solid between next years, dotted between years
    apart (and whether any were), never across a break in the series."""
    x, y = frame.x, frame.y
    dash = " stroke-dasharray='6 4'" if line.dashed else ""
    body = []
    gaps = False
    for (y0, v0), (y1, v1) in itertools.pairwise(points):
        if break_before is not None and y0 < break_before <= y1:
            continue  # not joined across a break in the series
        if y1 - y0 > 1:  # years apart: not measured in between, so no solid line
            gaps = True
            body.append(
                f"<line x1='{x(y0):.1f}' y1='{y(v0):.1f}' x2='{x(y1):.1f}' y2='{y(v1):.1f}' "
                f"stroke='{line.colour}' stroke-width='1.2' stroke-dasharray='2 5' "
                "stroke-opacity='0.7' />"
            )
        else:
            body.append(
                f"<line x1='{x(y0):.1f}' y1='{y(v0):.1f}' x2='{x(y1):.1f}' y2='{y(v1):.1f}' "
                f"stroke='{line.colour}' stroke-width='2.2'{dash} />"
            )
    return body, gaps


def _target_mark(m: Marker, frame: _Frame) -> str:
    """A target: a short red bar at its year and value, its text above."""
    x, y = frame.x, frame.y
    return (
        f"<line x1='{x(m.year) - 10:.1f}' x2='{x(m.year) + 10:.1f}' y1='{y(m.value):.1f}' "
        f"y2='{y(m.value):.1f}' stroke='#c0392b' stroke-width='3' />"
        f"<text x='{x(m.year):.1f}' y='{y(m.value) - 7:.1f}' text-anchor='middle' fill='#c0392b' "
        f"font-size='11'>{_e(m.text)}</text>"
    )


def _line_legend(
    lines: Sequence[Line],
    at: int,
    *,
    faint_label: str,
    break_label: str,
    marker_label: str | None,
    gap_label: str,
) -> tuple[list[str], int]:
    """The legend at ``at`` right of the plot, from the top: the lines, the faint ones
    together, the break, the targets and the dotted gaps (each left out where its label is
    "", the targets where it is None); and how far down the legend reaches."""
    entries = [
        (
            f"stroke='{line.colour}' stroke-width='3'"
            + (" stroke-dasharray='6 4'" if line.dashed else ""),
            line.label,
            True,
        )
        for line in lines
        if not line.faint
    ]
    faint = next((line for line in lines if line.faint), None)
    if faint_label and faint is not None:
        style = f"stroke='{faint.colour}' stroke-width='1.3' stroke-opacity='0.45'"
        entries.append((style, faint_label, False))
    if break_label:
        style = "stroke='#8a4b00' stroke-width='1.5' stroke-dasharray='4 3'"
        entries.append((style, break_label, False))
    body: list[str] = []
    ly = 20
    for style, text, titled in entries:
        ly = _legend_entry(body, at, ly, style, text, titled=titled)
    if marker_label is not None:
        body.append(
            f"<line x1='{at}' x2='{at + 22}' y1='{ly - 4}' y2='{ly - 4}' stroke='#c0392b' stroke-width='3' />"
            f"<text x='{at + 28}' y='{ly}' fill='#222'>{_e(marker_label)}</text>"
        )
        ly += 21
    if gap_label:
        style = "stroke='#555' stroke-width='1.2' stroke-dasharray='2 5'"
        ly = _legend_entry(body, at, ly, style, gap_label)
    return body, ly


def _legend_entry(
    body: list[str], at: int, ly: int, style: str, text: str, *, titled: bool = False
) -> int:
    """One legend entry added to ``body`` at height ``ly``: a stroke in ``style`` and ``text``
    wrapped (never cut), ``titled`` with the whole text; the height of the next entry."""
    rows = _lines(text, 42)
    body.append(
        f"<line x1='{at}' x2='{at + 22}' y1='{ly - 4}' y2='{ly - 4}' {style} />"
        f"<text x='{at + 28}' y='{ly}' fill='#222' font-size='12'>"
        + (f"<title>{_e(text)}</title>" if titled else "")
        + "".join(
            f"<tspan x='{at + 28}' dy='{0 if i == 0 else 15}'>{_e(r)}</tspan>"
            for i, r in enumerate(rows)
        )
        + "</text>"
    )
    return ly + 15 * len(rows) + 6


def paired_bars(
    years: Sequence[int],
    first: Sequence[float],
    second: Sequence[float],
    *,
    labels: tuple[str, str],
    notes: Sequence[str],
    colour: str,
    axis_label: str,
    alt: str,
) -> str:
    """Two bars a year (a target and the actual figure), from zero, legend above the plot."""
    left, group, plot_height = 56, 96, 200
    width = left + group * len(years) + 40
    height = plot_height + 100
    ticks = _ticks(max(0.0, *first, *second))
    top = ticks[-1]

    def y(value: float) -> float:
        return 44 + (top - value) / (top or 1) * plot_height

    body = [
        f"<rect x='{left}' y='6' width='14' height='12' fill='#fff' stroke='{colour}' stroke-width='2' />"
        f"<text x='{left + 20}' y='17' fill='#222'>{_e(labels[0])}</text>"
        f"<rect x='{left + 190}' y='6' width='14' height='12' fill='{colour}' />"
        f"<text x='{left + 210}' y='17' fill='#222'>{_e(labels[1])}</text>"
    ]
    for tick in ticks:
        body.append(
            f"<line x1='{left}' x2='{width - 20}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' stroke='#e4e4ec' />"
            f"<text x='{left - 6}' y='{y(tick) + 4:.1f}' text-anchor='end' fill='#444'>{_number(tick)}</text>"
        )
    for i, (year, a, b, note) in enumerate(zip(years, first, second, notes, strict=True)):
        x0 = left + 10 + i * group
        body.append(
            f"<rect x='{x0}' y='{y(a):.1f}' width='34' height='{y(0) - y(a):.1f}' fill='#fff' stroke='{colour}' stroke-width='2'>"
            f"<title>{_e(labels[0])} {year}: {_number(a)}</title></rect>"
            f"<rect x='{x0 + 38}' y='{y(b):.1f}' width='34' height='{y(0) - y(b):.1f}' fill='{colour}'>"
            f"<title>{_e(labels[1])} {year}: {_number(b)}</title></rect>"
            f"<text x='{x0 + 36}' y='{y(max(a, b)) - 6:.1f}' text-anchor='middle' fill='#222' font-size='12'>{_e(note)}</text>"
            f"<text x='{x0 + 36}' y='{y(0) + 18:.1f}' text-anchor='middle' fill='#444'>{year}</text>"
        )
    body.append(
        f"<line x1='{left}' x2='{width - 20}' y1='{y(0):.1f}' y2='{y(0):.1f}' stroke='#333' />"
        f"<text x='{left + (width - left) / 2}' y='{height - 8}' text-anchor='middle' fill='#222'>{_e(axis_label)}</text>"
    )
    return _svg(width, height, alt, body)


def sparkline(points: Sequence[tuple[int, float]], colour: str, alt: str) -> str:
    """A small line for a table cell, on a zero baseline."""
    width, height = 120, 26
    years = [p[0] for p in points]
    values = [p[1] for p in points]
    first, last = min(years), max(years)
    top = max(max(values), 1e-9)

    def x(year: int) -> float:
        return 2 + (year - first) / ((last - first) or 1) * (width - 4)

    def y(value: float) -> float:
        return height - 2 - max(value, 0) / top * (height - 4)

    path = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in sorted(points))
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
        f"aria-label='{_e(alt)}'><title>{_e(alt)}</title>"
        f"<line x1='0' x2='{width}' y1='{height - 2}' y2='{height - 2}' stroke='#ccc' />"
        f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='1.6' /></svg>"
    )


#: The kommunegrupper's colours (Okabe-Ito, none red), in group order 1-5.
GROUP_COLOURS: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")


@attrs.frozen
class Dot:
    """One municipality in a dot plot: its row (kommunegruppe), value, link and tooltip, and
    for a highlighted one its 95 % interval."""

    row: int
    value: float
    text: str
    href: str = ""
    highlight: bool = False
    label: str = ""
    low: float | None = None
    high: float | None = None


#: A dot's radius, and a highlighted one's.
_RADIUS, _CHOSEN_RADIUS = 5.0, 8.0


def swarm(xs: Sequence[float], radii: Sequence[float], gap: float = 1.0) -> list[float]:
    """Vertical offsets that keep every dot clear of every other (a beeswarm): in the order
    given, each dot takes the offset nearest the middle where it touches no dot placed before
    it (the centres at least the two radii and ``gap`` apart)."""
    placed: list[tuple[float, float, float]] = []
    offsets: list[float] = []
    for x, r in zip(xs, radii, strict=True):
        blocked: list[tuple[float, float]] = []
        for px, py, pr in placed:
            reach = r + pr + gap
            dx = abs(px - x)
            if dx < reach:
                half = math.sqrt(reach * reach - dx * dx)
                blocked.append((py - half, py + half))
        candidates = [0.0] + [edge for low, high in blocked for edge in (low, high)]
        free = [c for c in candidates if not any(low < c < high for low, high in blocked)]
        y = min(free, key=lambda c: (abs(c), c))
        placed.append((x, y, r))
        offsets.append(y)
    return offsets


def dot_plot(
    dots: Sequence[Dot],
    *,
    rows: Sequence[str],
    reference: tuple[str, float] | None,
    axis_label: str,
    alt: str,
) -> str:
    """Every municipality a dot on one axis, a row and a colour per kommunegruppe, the dots
    pushed apart so that none covers another (:func:`swarm`); the highlighted ones larger,
    ringed, with their interval, and named above their row, clear of the dots; the whole
    country a dashed line."""
    label_width, plot_width = 240, 620
    width = label_width + plot_width + 40
    top_margin = 34
    values = [d.value for d in dots] + ([reference[1]] if reference else [])
    values += [v for d in dots if d.highlight for v in (d.low, d.high) if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.05 or 1.0
    ticks = _ticks(high + pad, low - pad)
    left, right = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return label_width + (value - left) / (right - left or 1) * plot_width

    bands, placed = _swarm_rows(dots, len(rows), x, top_margin)
    bottom = bands[-1][0] + bands[-1][1] if bands else float(top_margin)  # the last row's foot
    total_height = int(bottom + 48)
    body = []
    for tick in ticks:
        body.append(
            f"<line x1='{x(tick):.1f}' x2='{x(tick):.1f}' y1='{top_margin}' y2='{bottom:.1f}' "
            f"stroke='#e3e6ee' /><text x='{x(tick):.1f}' y='{bottom + 18:.1f}' "
            f"text-anchor='middle' fill='#444'>{_number(tick)}</text>"
        )
    body += _row_labels(rows, bands, label_width, plot_width)
    for dot, cx, cy in sorted(placed, key=lambda p: p[0].highlight):
        body += _dot(dot, cx, cy, x, bands[dot.row][0])
    if reference is not None:
        rx = x(reference[1])
        body.append(
            f"<line x1='{rx:.1f}' x2='{rx:.1f}' y1='{top_margin - 6}' y2='{bottom:.1f}' "
            f"stroke='#333' stroke-dasharray='5 4' stroke-width='1.5' /><text x='{rx:.1f}' "
            f"y='{top_margin - 12}' text-anchor='middle' fill='#333'>{_e(reference[0])}</text>"
        )
    body.append(
        f"<text x='{label_width + plot_width / 2}' y='{total_height - 6}' text-anchor='middle' "
        f"fill='#222'>{_e(axis_label)}</text>"
    )
    return _svg(width, total_height, alt, body)


def _swarm_rows(
    dots: Sequence[Dot], count: int, x: Callable[[float], float], top: int
) -> tuple[list[tuple[float, float]], list[tuple[Dot, float, float]]]:
    """``count`` rows from ``top`` down, each as high as its swarm needs (and room above it
    for a highlighted dot's name): each row's top and height, and each dot with its centre."""
    bands: list[tuple[float, float]] = []
    placed: list[tuple[Dot, float, float]] = []
    y_top = float(top)
    for i in range(count):
        in_row = sorted((d for d in dots if d.row == i), key=lambda d: (d.value, d.text))
        radii = [_CHOSEN_RADIUS if d.highlight else _RADIUS for d in in_row]
        offsets = swarm([x(d.value) for d in in_row], radii)
        spread = max((abs(o) + r for o, r in zip(offsets, radii, strict=True)), default=0.0)
        named = 18.0 if any(d.highlight and d.label for d in in_row) else 0.0
        height = max(46.0, 2 * spread + 10 + named)
        middle = y_top + named + (height - named) / 2
        placed += [(d, x(d.value), middle + o) for d, o in zip(in_row, offsets, strict=True)]
        bands.append((y_top, height))
        y_top += height
    return bands, placed


def _row_labels(
    rows: Sequence[str], bands: Sequence[tuple[float, float]], label_width: int, plot_width: int
) -> list[str]:
    """Each row's name in its kommunegruppe's colour, left of the plot; a line between rows."""
    body = []
    for i, name in enumerate(rows):
        top, height = bands[i]
        colour = GROUP_COLOURS[i % len(GROUP_COLOURS)]
        if i:
            body.append(
                f"<line x1='{label_width}' x2='{label_width + plot_width}' y1='{top:.1f}' "
                f"y2='{top:.1f}' stroke='#f0f1f5' />"
            )
        body.append(
            f"<text x='{label_width - 12}' y='{top + height / 2 + 4:.1f}' text-anchor='end' "
            f"fill='#222'><tspan fill='{colour}'>●</tspan> {_e(name)}</text>"
        )
    return body


def _dot(dot: Dot, cx: float, cy: float, x: Callable[[float], float], row_top: float) -> list[str]:
    """One dot; a highlighted one with its interval and its name at the top of its row."""
    colour = GROUP_COLOURS[dot.row % len(GROUP_COLOURS)]
    parts = []
    if dot.highlight and dot.low is not None and dot.high is not None:
        parts.append(
            f"<line x1='{x(dot.low):.1f}' x2='{x(dot.high):.1f}' y1='{cy:.1f}' y2='{cy:.1f}' "
            f"stroke='#000' stroke-width='2' />"
        )
    radius = _CHOSEN_RADIUS if dot.highlight else _RADIUS
    circle = (
        f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='{radius:g}' fill='{colour}' "
        f"fill-opacity='{1 if dot.highlight else 0.8}' stroke='{'#000' if dot.highlight else '#fff'}' "
        f"stroke-width='{2.5 if dot.highlight else 0.8}'><title>{_e(dot.text)}</title></circle>"
    )
    parts.append(f"<a href='{_e(dot.href)}'>{circle}</a>" if dot.href else circle)
    if dot.highlight and dot.label:
        parts.append(
            f"<text x='{cx:.1f}' y='{row_top + 13:.1f}' text-anchor='middle' font-weight='600' "
            f"fill='#000' paint-order='stroke' stroke='#fff' stroke-width='3'>"
            f"{_e(dot.label)}</text>"
        )
    return parts
