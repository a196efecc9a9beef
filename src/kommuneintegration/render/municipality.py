"""One municipality's own page: where it stands, every year of every indicator, the methods.

For any of the 98 municipalities, plugin or not (``report -m 461``): a short
summary first (per ranked indicator the latest value, its movement since the
baseline, the whole country, the kommunegruppe's median, the rank and the
peers), then per indicator a line chart of every year (the municipality, the
whole country, the kommunegruppe's median and, faintly, its peers; a break in
the series marked), its table of years, its definition and its sources, and
the methods on the page itself. A city with a plugin also has its strategy,
targets and their evaluation: the sections ``report`` writes for it
(:mod:`.html`). It only reads the :class:`~kommuneintegration.barometer.Barometer`
and the :class:`~kommuneintegration.analysis.comparison.Comparison` it is given.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Final

import attrs

from kommuneintegration import __version__
from kommuneintegration.i18n import N_, _, format_number, use_language
from kommuneintegration.render.barometer import movement_text, rank_text, value_text
from kommuneintegration.render.page import CSS, PRINT_CSS
from kommuneintegration.render.svg import Line, colour_for, line_chart
from kommuneintegration.units import unit_symbol
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.analysis.comparison import Comparison
    from kommuneintegration.barometer import Barometer, BarometerRow

__all__ = ["MunicipalityPage", "municipality_to_html", "page_name"]

_STANDS: Final = N_("Where {name} stands")
_NO_YEAR: Final = N_("No year has a figure for {name}.")
_BEFORE_BREAK: Final = N_("before a break in the series: shown, never compared with later years")
_COUNTS: Final = N_("What it counts")
_DIFFERS: Final = N_("How it differs from the barometer")
_METHODS: Final = N_("How the figures are made")
_SOURCES: Final = N_("Sources:")
_BACK: Final = N_("← Every municipality")
_STRATEGY: Final = N_("Strategy, targets and evaluation")
_NOT_AVAILABLE: Final = N_("What the Statbank cannot give per municipality")
_EXPECTED: Final = N_("Against what is expected")
#: Where a figure stands against an expected value its interval excludes ("higher"/"lower").
_MAKE_UP: Final = {
    "higher": N_("above the {expected} that the make-up of its population leads one to expect"),
    "lower": N_("below the {expected} that the make-up of its population leads one to expect"),
}
_LABOUR_MARKET: Final = {
    "higher": N_(
        "above the {expected} that its make-up and its local labour market lead one to expect"
    ),
    "lower": N_(
        "below the {expected} that its make-up and its local labour market lead one to expect"
    ),
}
_COUNTRY_COLOUR: Final = "#333333"
_MEDIAN_COLOUR: Final = "#E69F00"
_PEER_COLOUR: Final = "#7a7a8c"
_EXTRA_CSS: Final = (
    ".standing td.peers{font-size:.85em;color:#444}.chart-years{font-size:.85em}"
    "p.back{margin:.2em 0 1em}.methods li{margin:.3em 0}"
    ".wide{overflow-x:auto}table.years{width:auto;min-width:60%}"
    "@media print{.keep{break-inside:avoid;page-break-inside:avoid}}"
)


def page_name(code: str) -> str:
    """The file of a municipality's page in the static site (``report --all --out DIR/``)."""
    return f"k{code}.html"


@attrs.frozen
class MunicipalityPage:
    """What a municipality's page shows: its barometer, and its plugin's comparison if any."""

    code: str
    name: str
    #: The barometer of this one municipality (rows for it alone), or None when the cache
    #: holds no figures for it (a plugin city's page is then its strategy alone).
    barometer: Barometer | None
    #: The comparison of the city alone, where a plugin describes it.
    comparison: Comparison | None = None
    language: str = "da"
    #: The overview's file in a static site ("index.html"); empty on a page of its own.
    overview: str = ""


def _e(value: object) -> str:
    """Untrusted text made inert: HTML escaped, control characters (ESC) visible."""
    return html.escape(escape_controls(str(value)), quote=True)


def _head(*headings: str) -> str:
    return (
        "<thead><tr>" + "".join(f"<th scope='col'>{_e(h)}</th>" for h in headings) + "</tr></thead>"
    )


def _since(row: BarometerRow) -> str:
    if row.baseline_year is None:
        return "–"
    return f"{value_text(row.baseline_value, row.indicator.unit)} ({row.baseline_year})"


def _peers_text(row: BarometerRow) -> str:
    return " · ".join(f"{p.name} {value_text(p.value, row.indicator.unit)}" for p in row.peers)


def _number(value: float | None) -> str:
    return "–" if value is None else format_number(value, decimals=1)


def _summary(b: Barometer, page: MunicipalityPage) -> list[str]:
    rows = [r for r in b.rows if r.municipality == page.code]
    ranked = [r for r in rows if r.indicator.ranked]
    context = [r for r in rows if not r.indicator.ranked]
    moved: dict[str, list[str]] = {}
    for r in ranked:
        if r.movement is not None:
            moved.setdefault(r.movement, []).append(r.indicator.shown_label())
    parts = [f"<h2 id='summary'>{_e(_(_STANDS).format(name=page.name))}</h2>"]
    sentence = [
        _("{name} is in the kommunegruppe {group}.").format(
            name=page.name, group=rows[0].kommunegruppe_name if rows else "–"
        ),
        _(
            "Since the baseline, {positive} of the {n} ranked indicators have moved the right "
            "way, {negative} the wrong way and {unchanged} are unchanged."
        ).format(
            positive=len(moved.get("positive", ())),
            negative=len(moved.get("negative", ())),
            unchanged=len(moved.get("unchanged", ())),
            n=len(ranked),
        ),
    ]
    if moved.get("negative"):
        sentence.append(_("The wrong way: {list}.").format(list="; ".join(moved["negative"])))
    parts.append(f"<p class='summary'>{_e(' '.join(sentence))}</p>")
    parts += _expected(ranked)  # in words, before the tables
    parts.append(
        "<p class='small'>"
        + _e(
            _(
                "Per indicator: {name}'s latest figure, its baseline and the movement between "
                "them by the barometer's rule, the whole country, the median of the "
                "kommunegruppe (of n municipalities), the rank among the 98 (best first) and "
                "the peers' figures of the same year."
            ).format(name=page.name)
        )
        + "</p>"
    )
    heads = (
        _("Indicator"),
        page.name,
        _("baseline"),
        _("movement"),
        _("the whole country"),
        _("kommunegruppe median (n)"),
        _("rank"),
        _("peers"),
    )
    for title, chosen in ((_("Ranked indicators"), ranked), (_("Context"), context)):
        if chosen:
            parts.append(
                f"<h3>{_e(title)}</h3><table class='standing'>{_head(*heads)}<tbody>"
                + "".join(_standing_row(b, r) for r in chosen)
                + "</tbody></table>"
            )
    return parts


def _standing_row(b: Barometer, r: BarometerRow) -> str:
    """An indicator's row in the summary: the latest figure, the baseline, the movement, the
    whole country, the kommunegruppe's median, the rank and the peers' figures."""
    unit = unit_symbol(r.indicator.unit)
    peers = "<br>".join(f"{_e(p.name)} {_e(_number(p.value))}" for p in r.peers)
    return (
        "<tr>"
        f"<td><a href='#i{_number_of(b, r)}'>{_e(r.indicator.shown_label())}</a> "
        f"<span class='small'>({_e(unit)})</span></td>"
        f"<td class='num'><strong>{_e(_number(r.value))}</strong>"
        f"{'<br>(' + str(r.year) + ')' if r.year else ''}</td>"
        f"<td class='num'>{_e(_number(r.baseline_value))}"
        f"{'<br>(' + str(r.baseline_year) + ')' if r.baseline_year else ''}</td>"
        f"<td>{_e(movement_text(r))}</td>"
        f"<td class='num'>{_e(_number(r.country_value))}</td>"
        f"<td class='num'>{_e(_number(r.group_median))} ({r.group_n})</td>"
        f"<td class='num'>{_e(rank_text(r))}</td>"
        f"<td class='peers'>{peers}</td>"
        "</tr>"
    )


def _against_expected(row: BarometerRow) -> str:
    """One indicator where its interval excludes what is expected of it, or "": "beskæftigelses-
    frekvens ...: 62,4 % (95 %-interval 61,0-63,8), over de 58,1 % som ...: bedre end ventet"."""
    j, unit = row.judged, row.indicator.unit
    clauses = [
        _(wording[word]).format(expected=value_text(value, unit))
        for value, word, wording in (
            (j.expected, j.against_expected, _MAKE_UP),
            (j.expected_labour_market, j.against_expected_labour_market, _LABOUR_MARKET),
        )
        if value is not None and word in wording
    ]
    if not clauses:
        return ""
    words = {w for w in (j.against_expected, j.against_expected_labour_market) if w in _MAKE_UP}
    verdict = ""
    if len(words) == 1 and row.indicator.better in ("higher", "lower"):
        better = words == {row.indicator.better}
        verdict = _("better than expected") if better else _("worse than expected")
    return _("{indicator}: {value} (95 % interval {low}–{high}), {clauses}{verdict}.").format(
        indicator=row.indicator.shown_label(),
        value=value_text(row.value, unit),
        low=_number(j.low),
        high=_number(j.high),
        clauses=_(" and ").join(clauses),
        verdict=f": {verdict}" if verdict else "",
    )


def _expected(ranked: list[BarometerRow]) -> list[str]:
    """Expected against actual, where the barometer gives an expected value: said only where
    the figure's 95 % interval lies wholly above or below it."""
    if not any(
        r.judged.expected is not None or r.judged.expected_labour_market is not None for r in ranked
    ):
        return []
    said = [text for r in ranked if (text := _against_expected(r))]
    parts = [f"<h3 id='expected'>{_e(_(_EXPECTED))}</h3>"]
    if not said:
        parts.append(
            "<p class='summary'>"
            + _e(
                _(
                    "No figure differs from what the make-up of its population and its local "
                    "labour market lead one to expect by more than chance allows (its 95 % "
                    "interval holds the expected value)."
                )
            )
            + "</p>"
        )
        return parts
    parts.append(
        "<p class='small'>"
        + _e(
            _(
                "Only where the figure's 95 % interval lies wholly above or below the expected "
                "value; the other figures are within what chance allows. How the expected "
                "values are made is under the methods."
            )
        )
        + "</p>"
    )
    return [*parts, "<ul class='expected'>", *(f"<li>{_e(t)}</li>" for t in said), "</ul>"]


def _number_of(b: Barometer, row: BarometerRow) -> int:
    return next(n for n, i in enumerate(b.indicators, 1) if i.key == row.indicator.key)


def _chart(row: BarometerRow, page: MunicipalityPage) -> str:
    unit = row.indicator.unit
    own = tuple((p.year, p.value) for p in row.series if p.value is not None)
    country = tuple((p.year, p.country) for p in row.series if p.country is not None)
    median = tuple((p.year, p.group_median) for p in row.series if p.group_median is not None)
    lines = [
        *(
            Line(
                peer.name,
                tuple((y, v) for y, v in peer.series if v is not None),
                _PEER_COLOUR,
                faint=True,
            )
            for peer in row.peers
            if any(v is not None for _y, v in peer.series)
        ),
        Line(_("the whole country"), country, _COUNTRY_COLOUR, dashed=True),
        Line(
            _("median of the {group}").format(group=row.kommunegruppe_name),
            median,
            _MEDIAN_COLOUR,
            dashed=True,
        ),
        Line(page.name, own, colour_for(page.code)),
    ]
    lines = [line for line in lines if line.points]
    if not own:
        return f"<p class='small'>{_e(_(_NO_YEAR).format(name=page.name))}</p>"
    label = row.indicator.shown_label()
    alt = _("{indicator}, {unit} by year: ").format(
        indicator=label, unit=unit_symbol(unit, words=True)
    ) + "; ".join(
        f"{line.label}: " + ", ".join(f"{yr} {format_number(v)}" for yr, v in line.points)
        for line in lines
        if not line.faint
    )
    comparable = row.indicator.comparable_from
    return line_chart(
        lines,
        axis_label=unit_symbol(unit, words=True),
        alt=alt,
        faint_label=_("faint: the peers ({names})").format(
            names=", ".join(p.name for p in row.peers)
        ),
        break_before=comparable,
        break_label=_("break in the series before {year}: earlier years not compared").format(
            year=comparable
        )
        if comparable
        else "",
    )


def _years_table(row: BarometerRow, page: MunicipalityPage) -> str:
    unit = row.indicator.unit
    heads = [_("Year"), page.name, _("persons")]
    reference = any(p.reference is not None for p in row.series)
    if reference:
        heads.append(_("Danish origin"))
    heads += [
        _("the whole country"),
        _("median of the {group}").format(group=row.kommunegruppe_name),
    ]
    body = []
    for p in reversed(row.series):  # the latest first
        cells = [
            f"<th scope='row'>{p.year}{'' if p.comparable else '*'}</th>",
            f"<td class='num'>{_e(value_text(p.value, unit))}</td>",
            f"<td class='num'>{_e(format_number(p.persons, decimals=0) if p.persons is not None else '–')}</td>",
        ]
        if reference:
            cells.append(f"<td class='num'>{_e(value_text(p.reference, 'percent'))}</td>")
        cells += [
            f"<td class='num'>{_e(value_text(p.country, unit))}</td>",
            f"<td class='num'>{_e(value_text(p.group_median, unit))}</td>",
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = (
        f"<p class='small'>* {_e(_(_BEFORE_BREAK))}</p>"
        if any(not p.comparable for p in row.series)
        else ""
    )
    summary = _("Every year in a table ({first}–{last})").format(
        first=row.series[0].year, last=row.series[-1].year
    )
    return (
        f"<details class='chart-years' open><summary>{_e(summary)}</summary>"
        f"<table class='years'>{_head(*heads)}<tbody>{''.join(body)}</tbody></table>{note}</details>"
    )


def _indicator(b: Barometer, number: int, page: MunicipalityPage) -> list[str]:
    indicator = b.indicators[number - 1]
    row = next(
        (r for r in b.rows if r.indicator.key == indicator.key and r.municipality == page.code),
        None,
    )
    if row is None:
        return []
    barometer = (
        _("the barometer's {number}").format(number=indicator.barometer)
        if indicator.barometer and indicator.barometer != "context"
        else _("context, not an indicator of the barometer")
    )
    parts = [
        f"<section class='indicator'><div class='keep'><h2 id='i{number}'>{_e(indicator.shown_label())}</h2>",
        f"<p class='small'>{_e(barometer)}"
        + (f"; {_e(indicator.shown_goal())}" if indicator.shown_goal() else "")
        + "</p>",
        f"<figure>{_chart(row, page)}<figcaption>{_e(_(_SOURCES))} {_e(row.source)}"
        + (f"<br>{_e(row.note)}" if row.note else "")
        + "</figcaption></figure></div>",
        _years_table(row, page),
        "<dl>",
        f"<dt>{_e(_(_COUNTS))}</dt><dd>{_e(indicator.shown_population())}</dd>",
        f"<dt>{_e(_(_DIFFERS))}</dt><dd>{_e(indicator.shown_differs())}</dd>",
        "</dl></section>",
    ]
    return parts


def _methods(b: Barometer) -> list[str]:
    """How the figures are made, what the Statbank cannot give, the barometer's notes and its
    sources."""
    parts = [f"<h2 id='methods'>{_e(_(_METHODS))}</h2><ul class='methods'>"]
    parts += [f"<li>{_e(item)}</li>" for item in _method_items(b)]
    parts.append("</ul>")
    if b.not_available:
        parts.append(
            f"<h3>{_e(_(_NOT_AVAILABLE))}</h3><ul>"
            + "".join(
                f"<li>{_e(n.barometer)} {_e(n.shown_label())}: {_e(n.shown_reason())}</li>"
                for n in b.not_available
            )
            + "</ul>"
        )
    if b.notes:
        parts.append("<ul class='small'>" + "".join(f"<li>{_e(n)}</li>" for n in b.notes) + "</ul>")
    parts.append(
        f"<p class='small'>{_e(_(_SOURCES))} "
        + _e("; ".join(d.citation() for d in b.sources))
        + "</p>"
    )
    return parts


def _weights(b: Barometer) -> str:
    """The weights the peers are found by, each named in words."""
    names = {
        "population": _("residents"),
        "non-western-share": _("non-Western share"),
        "kommunegruppe": _("kommunegruppe"),
    }
    return ", ".join(
        f"{names.get(name, name)} {format_number(weight)}" for name, weight in b.weights.items()
    )


def _method_items(b: Barometer) -> list[str]:
    """The methods, a paragraph each: the figures, movement, the kommunegrupper, ranks, peers,
    breaks in a series, intervals and the expected values."""
    return [
        _(
            "Every figure is computed from Statistics Denmark's Statbank tables named under "
            "each indicator: a sum of counts over a sum of counts, times 100, for the "
            "municipality, the whole country and each of the 98 municipalities, every year the "
            "tables hold. A gap is the same rate for persons of Danish origin minus that of the "
            "group (or the reverse, as the indicator says), in percentage points."
        ),
        _(
            "Movement follows the Integrationsbarometer's rule: the latest value and the "
            "baseline, each rounded to a whole number, are compared; equal is unchanged. The "
            "baseline is 2012 where the tables hold it, else their first comparable year."
        ),
        _(
            "The kommunegruppe is Statistics Denmark's grouping of the 98 municipalities "
            "(KOMMUNEGRUPPER v1:2018); its median is over all its municipalities with a figure."
        ),
        _(
            "Ranks are among the municipalities with a figure, best first; equal figures at one "
            "decimal share a rank. A municipality whose group counts fewer than {n} persons "
            "keeps its figure but takes no rank."
        ).format(n=b.min_persons),
        _(
            "Peers are the {k} municipalities nearest in residents (log scale), the share of "
            "non-Western immigrants and descendants, and the kommunegruppe: the two numbers "
            "standardised over the municipalities, another kommunegruppe counting as one "
            "standard deviation, with the weights {weights}."
        ).format(k=b.k, weights=_weights(b)),
        _(
            "A break in a series (RAS before 2009) is marked in the chart and the table; the "
            "years before it are shown but never compared with later years."
        ),
        _(
            "Every rate has a 95 % interval from the persons it rests on (Wilson's; for a gap, "
            "Newcombe's for a difference of two rates): register figures are counts, so the "
            "interval says how much a few persons more or fewer could move the figure. A figure "
            "is called above or below another only where its interval lies wholly above or "
            "below it."
        ),
        _(
            "The value its make-up leads one to expect: the whole country's rate for each "
            "group of residents (by origin, age band and, where the table has it, sex) applied "
            "to the municipality's own residents in each group (indirect standardisation); "
            "where the tables give no finer split (cash benefits, convictions) it is the whole "
            "country's figure. With its local labour market too: that value, moved by a straight line fitted "
            "across the municipalities to what make-up leaves unexplained against the same "
            "figure for persons of Danish origin."
        ),
    ]


def _strategy(c: Comparison) -> list[str]:
    from kommuneintegration.render.html import strategy_sections

    return strategy_sections(c)


def municipality_to_html(page: MunicipalityPage) -> str:
    """The page, self-contained: plain HTML and SVG in one file, no network, no script."""
    with use_language(page.language):
        title = _("{name} Kommune: integration in figures").format(name=page.name)
        b = page.barometer
        parts = [
            f"<!DOCTYPE html><html lang='{page.language}'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>{_e(title)}</title><style>{CSS}{_EXTRA_CSS}{PRINT_CSS}</style></head><body>",
        ]
        if page.overview:
            parts.append(f"<p class='back'><a href='{_e(page.overview)}'>{_e(_(_BACK))}</a></p>")
        parts.append(f"<h1>{_e(title)}</h1>")
        contents: list[tuple[str, str]] = []
        body: list[str] = []
        if b is not None and b.rows:
            intro = _(
                "Kommunekode {code}. From Statistics Denmark's figures: {covered} of the 98 "
                "municipalities have figures, and the country, medians, ranks and peers rest on "
                "them."
            ).format(code=page.code, covered=b.covered)
            parts.append(f"<p class='small'>{_e(intro)}</p>")
            body += _summary(b, page)
            contents.append(("summary", _(_STANDS).format(name=page.name)))
            for number, indicator in enumerate(b.indicators, 1):
                found = _indicator(b, number, page)
                if found:
                    body += found
                    contents.append((f"i{number}", indicator.shown_label()))
            body += _methods(b)
            contents.append(("methods", _(_METHODS)))
        else:
            parts.append(
                "<p class='small'>"
                + _e(
                    _(
                        "The Statbank cache holds no barometer figures for {name}; "
                        "kommuneintegration fetch --all fetches them."
                    ).format(name=page.name)
                )
                + "</p>"
            )
        if page.comparison is not None:
            body.append(f"<h2 id='strategy'>{_e(_(_STRATEGY))}</h2>")
            contents.append(("strategy", _(_STRATEGY)))
            body += _strategy(page.comparison)
        word = _("Contents")
        parts.append(
            f"<nav aria-label='{_e(word)}'><strong>{_e(word)}</strong><ol>"
            + "".join(f"<li><a href='#{a}'>{_e(t)}</a></li>" for a, t in contents)
            + "</ol></nav>"
        )
        parts += body
        parts.append(
            "<p class='small'>"
            + _e(_("Generated by kommuneintegration {version}.").format(version=__version__))
            + "</p></body></html>\n"
        )
        return "\n".join(parts)
