"""One page for the whole country: every municipality's barometer, as dots and in tables.

Per indicator a dot plot of all 98 (a row and a colour per kommunegruppe, the
chosen municipalities larger, ringed and named, the whole country a dashed
line) and a table that sorts by any column (a few lines of script; without
script it stays in code order). At the end one row per municipality with an
anchor (``#k461``) that every dot links to, with its peers. Plain HTML and SVG
in one file, no network.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from kommuneintegration import __version__
from kommuneintegration.i18n import _, use_language
from kommuneintegration.municipalities import KOMMUNEGRUPPER
from kommuneintegration.render.barometer import (
    interval_text,
    movement_text,
    range_text,
    rank_text,
    value_text,
)
from kommuneintegration.render.municipality import page_name
from kommuneintegration.render.page import CSS, PRINT_CSS
from kommuneintegration.render.svg import GROUP_COLOURS, Dot, dot_plot
from kommuneintegration.units import unit_symbol
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.barometer import Barometer, BarometerRow
    from kommuneintegration.barometer.indicators import BarometerIndicator

__all__ = ["barometer_to_html"]

#: Sorts a table by the clicked column: numbers by data-v, text by its words.
_SCRIPT: Final = """
// On paper every table is there: the folded ones open before printing.
window.addEventListener('beforeprint', function(){
  document.querySelectorAll('details').forEach(function(d){ d.open = true; });
});
document.querySelectorAll('table.sortable th').forEach(function(th, i){
  th.tabIndex = 0;
  function sort(){
    var table = th.closest('table'), body = table.tBodies[0];
    var down = th.getAttribute('aria-sort') !== 'descending';
    table.querySelectorAll('th').forEach(function(h){ h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function(a, b){
      var x = a.cells[i].dataset.v, y = b.cells[i].dataset.v;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : (x || '').localeCompare(y || '', document.documentElement.lang);
      if (isNaN(nx) !== isNaN(ny)) { c = isNaN(nx) ? 1 : -1; return c; }
      return down ? -c : c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  }
  th.addEventListener('click', sort);
  th.addEventListener('keydown', function(e){ if (e.key === 'Enter') sort(); });
});
"""
_EXTRA_CSS: Final = (
    "table.sortable th{cursor:pointer}table.sortable th[aria-sort=descending]::after{content:' ▼'}"
    "table.sortable th[aria-sort=ascending]::after{content:' ▲'}tr.chosen td{font-weight:600;"
    "background:#fff7d6}tr:target td{background:#fff1a8}.key{display:inline-block;width:.8em;"
    "height:.8em;border-radius:50%;margin-right:.3em;vertical-align:baseline}"
    ".wide{overflow-x:auto}table.every{font-size:.82em}table.every td{white-space:nowrap}"
    # the table of every municipality has a column per indicator: a landscape page holds them
    "@media print{@page{size:A4 landscape}table.every{font-size:6.5pt}"
    "table.every td{white-space:normal!important}}"
)


def _e(value: object) -> str:
    """Untrusted text made inert: HTML escaped, control characters (ESC) visible."""
    return html.escape(escape_controls(str(value)), quote=True)


def _cell(text: str, sort: object = None, *, num: bool = False) -> str:
    value = "" if sort is None else f" data-v='{_e(sort)}'"
    return f"<td{value}{' class=num' if num else ''}>{_e(text)}</td>"


def _rows(b: Barometer, indicator: BarometerIndicator) -> list[BarometerRow]:
    return [r for r in b.rows if r.indicator.key == indicator.key]


def _link(code: str, pages: bool) -> str:
    """Where a municipality's dot and name lead: its own page in a site, else its row."""
    return page_name(code) if pages else f"#k{code}"


def _section(
    b: Barometer, number: int, indicator: BarometerIndicator, chosen: set[str], pages: bool
) -> list[str]:
    """One indicator: its heading, what it counts, its dot plot, and a table of every
    municipality (folded)."""
    rows = _rows(b, indicator)
    if not rows:
        return []
    year = next((r.year for r in rows if r.year is not None), None)
    base = next((r.baseline_year for r in rows if r.baseline_year is not None), None)
    label = indicator.shown_label()
    svg = _plot(rows, indicator, year, chosen, pages)
    heads = [
        _("Municipality"),
        _("kommunegruppe"),
        f"{year}",
        _("baseline {year}").format(year=base) if base else _("Baseline"),
        _("movement"),
        _("rank"),
        _("places"),
        _("95 % interval"),
        _("expected"),
        _("group median (n)"),
    ]
    body = [_table_row(r, indicator, chosen, pages) for r in rows]
    sources = "; ".join(dict.fromkeys(r.source for r in rows))
    sources_word = _("Sources:")
    return [
        f"<h2 id='i{number}'>{_e(label)}</h2>",
        f"<p class='small'>{_e(indicator.shown_population())} {_e(indicator.shown_differs())}</p>",
        f"<figure>{svg}<figcaption>{_e(sources_word)} {_e(sources)}</figcaption></figure>",
        "<details><summary>"
        + _e(_("All {n} municipalities in a table (click a heading to sort)").format(n=len(rows)))
        + "</summary>",
        "<table class='sortable'><thead><tr>"
        + "".join(f"<th scope='col'>{_e(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></details>",
    ]


def _plot(
    rows: Sequence[BarometerRow],
    indicator: BarometerIndicator,
    year: int | None,
    chosen: set[str],
    pages: bool,
) -> str:
    """The dot plot of one indicator: every municipality with a figure, the whole country."""
    unit = unit_symbol(indicator.unit, words=True)
    country = rows[0].country_value
    rank_word, whole_country = _("rank"), _("the whole country")
    dots = [
        Dot(
            row=r.kommunegruppe - 1,
            value=r.value,
            text=f"{r.name} ({r.municipality}): {value_text(r.value, indicator.unit)}"
            + (f", {rank_word} {rank_text(r)}" if r.rank else ""),
            href=_link(r.municipality, pages),
            highlight=r.municipality in chosen,
            label=r.name,
            low=r.judged.low,
            high=r.judged.high,
        )
        for r in rows
        if r.value is not None
    ]
    return dot_plot(
        dots,
        rows=[KOMMUNEGRUPPER[g] for g in sorted(KOMMUNEGRUPPER)],
        reference=(f"{whole_country} {value_text(country, indicator.unit)}", country)
        if country is not None
        else None,
        axis_label=f"{unit}, {year}",
        alt=_("{indicator}, {year}: each of the {n} municipalities a dot, by kommunegruppe").format(
            indicator=indicator.shown_label(), year=year, n=len(dots)
        ),
    )


def _table_row(
    r: BarometerRow, indicator: BarometerIndicator, chosen: set[str], pages: bool
) -> str:
    """A municipality's row in an indicator's table, each cell sorting by its number."""
    css = " class='chosen'" if r.municipality in chosen else ""
    return (
        f"<tr{css}>"
        + _name_cell(r.name, r.municipality, pages)
        + _cell(r.kommunegruppe_name, r.kommunegruppe)
        + _cell(value_text(r.value, indicator.unit), r.value, num=True)
        + _cell(value_text(r.baseline_value, indicator.unit), r.baseline_value, num=True)
        + _cell(movement_text(r), r.movement or "")
        + _cell(rank_text(r), r.rank, num=True)
        + _cell(range_text(r), r.judged.rank_low, num=True)
        + _cell(interval_text(r), r.judged.low, num=True)
        + _cell(value_text(r.judged.expected, indicator.unit), r.judged.expected, num=True)
        + _cell(
            f"{value_text(r.group_median, indicator.unit)} ({r.group_n})",
            r.group_median,
            num=True,
        )
        + "</tr>"
    )


def _name_cell(name: str, code: str, pages: bool) -> str:
    text = f"{_e(name)} ({_e(code)})"
    if pages:
        text = f"<a href='{page_name(code)}'>{text}</a>"
    return f"<td data-v='{_e(name)}'>{text}</td>"


def _municipalities(b: Barometer, chosen: set[str], pages: bool) -> list[str]:
    heads = [_("Municipality"), *(i.shown_label() for i in b.indicators), _("peers")]
    by_code: dict[str, dict[str, BarometerRow]] = {}
    for r in b.rows:
        by_code.setdefault(r.municipality, {})[r.indicator.key] = r
    body = []
    every = _("Every municipality")
    for code in b.municipalities:
        mine = by_code.get(code, {})
        who = f"{_e(b.name(code))} ({_e(code)})"
        if pages:
            who = f"<a href='{page_name(code)}'>{who}</a>"
        cells = [f"<th scope='row'>{who}</th>"]
        for indicator in b.indicators:
            found = mine.get(indicator.key)
            text = (
                f"{value_text(found.value, indicator.unit)} · {movement_text(found)} · {rank_text(found)}"
                if found
                else "–"
            )
            cells.append(_cell(text, found.value if found else None, num=True))
        peers = ", ".join(
            f"<a href='{_link(p.code, pages)}'>{_e(b.name(p.code))}</a>"
            for p in b.peers.get(code, ())
        )
        css = " class='chosen'" if code in chosen else ""
        body.append(f"<tr id='k{_e(code)}'{css}>" + "".join(cells) + f"<td>{peers}</td></tr>")
    return [
        f"<h2 id='kommuner'>{_e(every)}</h2>",
        "<p class='small'>"
        + _e(
            _(
                "Each cell: value · movement · rank. Peers: the nearest municipalities by "
                "residents, non-Western share, kommunegruppe and local labour market."
            )
        )
        + "</p>",
        "<div class='wide'><table class='sortable every'><thead><tr>"
        + "".join(f"<th scope='col'>{_e(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>",
    ]


def _groups_legend() -> str:
    """Each kommunegruppe's colour in the dot plots, and its name."""
    return " ".join(
        f"<span><span class='key' style='background:{GROUP_COLOURS[g - 1]}'></span>"
        f"{_e(KOMMUNEGRUPPER[g])}</span>"
        for g in sorted(KOMMUNEGRUPPER)
    )


def barometer_to_html(
    b: Barometer, chosen: frozenset[str] = frozenset(), *, pages: bool = False
) -> str:
    """The page; ``chosen`` municipalities (default: those the barometer names, when it names
    fewer than all 98) are highlighted. With ``pages`` it is the index of a static site: each
    municipality links to its own page (:func:`.municipality.page_name`)."""
    with use_language(b.language):
        if not chosen:
            chosen = frozenset(b.highlight)
        title = _("Integrationsbarometer for every municipality")
        every, highlighted, contents_word = (
            _("Every municipality"),
            _("Highlighted:"),
            _("Contents"),
        )
        groups_word = _("Kommunegrupper (DST, KOMMUNEGRUPPER v1:2018):")
        contents = (
            "".join(
                f"<li><a href='#i{n}'>{_e(i.shown_label())}</a></li>"
                for n, i in enumerate(b.indicators, 1)
            )
            + f"<li><a href='#kommuner'>{_e(every)}</a></li>"
        )
        intro = _(
            "From Statistics Denmark's figures in the local cache: {covered} of the 98 "
            "municipalities have figures. Movement by the barometer's rule: the rounded latest "
            "value against the rounded baseline; ranks best first."
        ).format(covered=b.covered)
        parts = [
            f"<!DOCTYPE html><html lang='{b.language}'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>{_e(title)}</title><style>{CSS}{PRINT_CSS}{_EXTRA_CSS}</style></head><body>",
            f"<h1>{_e(title)}</h1>",
            f"<p class='summary'>{_e(intro)}</p>",
        ]
        if chosen:
            names = ", ".join(
                f"<a href='{_link(c, pages)}'>{_e(b.name(c))} ({c})</a>" for c in sorted(chosen)
            )
            parts.append(f"<p>{_e(highlighted)} {names}</p>")
        parts += [
            f"<p class='small'>{_e(groups_word)} {_groups_legend()}</p>",
            f"<nav aria-label='{_e(contents_word)}'><strong>{_e(contents_word)}</strong>"
            f"<ol>{contents}</ol></nav>",
        ]
        for n, indicator in enumerate(b.indicators, 1):
            parts += _section(b, n, indicator, set(chosen), pages)
        parts += _municipalities(b, set(chosen), pages)
        parts.append(
            "<p class='small'>"
            + _e(_("Generated by kommuneintegration {version}.").format(version=__version__))
            + " "
            + _e(_("Sources:"))
            + " "
            + _e("; ".join(d.citation() for d in b.sources))
            + "</p>"
        )
        parts.append(f"<script>{_SCRIPT}</script></body></html>\n")
        return "\n".join(parts)
