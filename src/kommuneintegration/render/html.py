"""A self-contained HTML report: tables where people read, charts where they would rather look.

Charts are drawn with matplotlib and embedded as inline SVG, so the page needs
no network and no other file. Every chart has a caption naming its sources.
Requires the ``report`` extra (``pip install kommuneintegration[report]``).
"""

from __future__ import annotations

import functools
import html
import io
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from kommuneintegration import __version__
from kommuneintegration.derive import KIND_LABELS
from kommuneintegration.models import TargetKind
from kommuneintegration.render.common import entry_value, target_wording
from kommuneintegration.units import format_value, unit_symbol

if TYPE_CHECKING:
    from kommuneintegration.comparison import CatalogueComparison, Comparison, IndicatorEntry

__all__ = ["comparison_to_html"]

_COLOURS: Final = ("#1f5f8b", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#5d6d7e")
_STATUS_CLASS: Final = {
    "achieved": "ok",
    "missed": "bad",
    "on-track": "ok",
    "not-on-track": "bad",
    "not-evaluable": "na",
    "rule-error": "bad",
}

_CSS: Final = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em}h2{border-bottom:2px solid #1f5f8b;padding-bottom:.2em;margin-top:2em}h3{margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.92em}th,td{border:1px solid #ccd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right;white-space:nowrap}.ok{background:#e3f4e6}.bad{background:#fbe3e0}.na{background:#f2f2f2}
figure{margin:1em 0;padding:.5em;border:1px solid #dde}figcaption{font-size:.88em;color:#444;margin-top:.4em}
.verdict{font-weight:600}.diff{color:#8a4b00}.small{font-size:.85em;color:#555}svg{max-width:100%;height:auto}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


@functools.cache
def _pyplot() -> Any:
    """Import pyplot on the Agg backend and set SVG options, once per process."""
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise RuntimeError(
            "the HTML report draws charts with matplotlib: pip install 'kommuneintegration[report]'"
        ) from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {"svg.fonttype": "none", "svg.hashsalt": "kommuneintegration", "font.size": 9}
    )
    return plt


def _svg(fig: Any) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def _sources(sources: Sequence[str]) -> str:
    return "Sources: " + "; ".join(_e(s) for s in dict.fromkeys(sources))


def _bar_chart(row: CatalogueComparison, palette: dict[str, str]) -> str:
    plt = _pyplot()
    entries = list(row.entries)
    labels = [
        f"{e.municipality_name}: {e.category + ' – ' if e.category else ''}{e.group_label}"
        f"{' ' + e.age_band if e.age_band else ''} ({e.year if e.year is not None else e.period or 'no year'})"
        for e in entries
    ]
    colours = [palette[e.municipality] for e in entries]
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(entries) + 1.1))
    positions = range(len(entries))[::-1]
    ax.barh(list(positions), [e.value for e in entries], color=colours, hatch=None)
    for pos, e in zip(positions, entries, strict=True):
        ax.text(
            e.value, pos, f" {entry_value(e)}{'*' if e.derived else ''}", va="center", fontsize=8
        )
    ax.set_yticks(list(positions), [label[:95] for label in labels], fontsize=8)
    ax.set_xlabel(f"{row.indicator.label} ({unit_symbol(row.indicator.unit, words=True)})")
    ax.spines[["top", "right"]].set_visible(False)
    verdict = "comparable" if row.comparable else "not directly comparable"
    caption = (
        f"<span class='verdict'>{_e(row.indicator.label)} ({_e(row.indicator.label_en)}) by city and group: {verdict}.</span> "
        + (
            f"<span class='diff'>{_e(row.indicator.compare_note)}</span> "
            if row.indicator.compare_note
            else ""
        )
        + (" ".join(f"<span class='diff'>{_e(d)}.</span>" for d in row.differences))
        + (
            " * derived by the engine from two observations."
            if any(e.derived for e in entries)
            else ""
        )
        + f" {_sources([e.source for e in entries])}"
    )
    return _figure(_svg(fig), caption)


def _series_charts(c: Comparison) -> list[str]:
    """Time series with two or more years, with the targets on the same indicator marked."""
    plt = _pyplot()
    charts: list[str] = []
    for municipality in c.municipalities:
        for strategy in c.strategies(municipality.code):
            grouped: dict[str, dict[tuple[Any, ...], list[Any]]] = defaultdict(
                lambda: defaultdict(list)
            )
            for obs in strategy.observations:
                if obs.year is not None:
                    key = (obs.group, str(obs.age_band or ""), obs.category, obs.provenance.section)
                    grouped[obs.indicator][key].append(obs)
            for indicator_id, series in grouped.items():
                long = {
                    k: sorted(v, key=lambda o: o.year)
                    for k, v in series.items()
                    if len({o.year for o in v}) > 1
                }
                if not long:
                    continue
                indicator = strategy.indicator(indicator_id)
                targets = [t for t in strategy.targets if t.indicator == indicator_id]
                fig, ax = plt.subplots(figsize=(7, 3.2))
                used: list[Any] = []
                for i, ((group, band, category, _), points) in enumerate(long.items()):
                    label = " ".join(
                        p
                        for p in (
                            c.group_label(group),
                            band,
                            category,
                        )
                        if p
                    )
                    ax.plot(
                        [o.year for o in points],
                        [o.value for o in points],
                        marker="o",
                        color=_COLOURS[i % len(_COLOURS)],
                        label=label,
                    )
                    used += points
                for t in targets:
                    if t.kind is TargetKind.LEVEL and t.year is not None and t.value is not None:
                        ax.plot(
                            [t.year],
                            [t.value],
                            marker="_",
                            markersize=18,
                            color="#c0392b",
                            linestyle="none",
                        )
                        ax.annotate(
                            f"mål {t.value:g}",
                            (t.year, t.value),
                            textcoords="offset points",
                            xytext=(0, 6),
                            ha="center",
                            fontsize=7,
                            color="#c0392b",
                        )
                ax.set_title(f"{municipality.name}: {indicator.label}", fontsize=9)
                ax.set_ylabel(unit_symbol(indicator.unit, words=True))
                ax.spines[["top", "right"]].set_visible(False)
                ax.legend(fontsize=7, frameon=False)
                marked = [t for t in targets if t.kind is TargetKind.LEVEL]
                other = [t for t in targets if t.kind is not TargetKind.LEVEL]
                caption = f"{_e(municipality.name)}, {_e(strategy.title)}: {_e(indicator.label)} over time."
                if marked:
                    caption += " Red marks: the targets (måltal) for each year."
                if other:
                    caption += (
                        " Targets not drawn: "
                        + "; ".join(f"{_e(target_wording(t))} ({_e(t.kind.label)})" for t in other)
                        + "."
                    )
                caption += f" {_sources([str(o.provenance) for o in used])}"
                charts.append(_figure(_svg(fig), caption))
    return charts


def _shortfall_charts(c: Comparison) -> list[str]:
    """Target against actual, year by year, where a city states both (Aalborg's workforce)."""
    plt = _pyplot()
    charts: list[str] = []
    rows: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for fig_ in c.derived:
        if fig_.kind == "shortfall":
            rows[(fig_.municipality, fig_.strategy, fig_.indicator)].append(fig_)
    for (code, strategy_id, indicator_id), shortfalls in rows.items():
        strategy = next(s for s in c.strategies(code) if s.id == strategy_id)
        indicator = strategy.indicator(indicator_id)
        years = [f.year for f in shortfalls]
        actual = [f.inputs[0].value for f in shortfalls]
        targets = [strategy.target(f.target or "").value or 0 for f in shortfalls]
        fig, ax = plt.subplots(figsize=(7, 3.2))
        width = 0.38
        xs = range(len(years))
        ax.bar(
            [x - width / 2 for x in xs],
            targets,
            width,
            label="måltal (target)",
            color="#d5dbe3",
            edgecolor="#1f5f8b",
        )
        ax.bar(
            [x + width / 2 for x in xs], actual, width, label="faktisk (actual)", color="#1f5f8b"
        )
        for x, t, a in zip(xs, targets, actual, strict=True):
            ax.annotate(
                f"-{t - a:.1f} pp",
                (x, max(t, a)),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                fontsize=7,
            )
        ax.set_xticks(list(xs), [str(y) for y in years])
        ax.set_ylabel("%")
        ax.set_title(f"{c.name(code)}: {indicator.label}", fontsize=9)
        ax.legend(fontsize=7, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        sources = "; ".join(dict.fromkeys(_e(f.inputs[0].provenance) for f in shortfalls))
        caption = (
            f"{_e(c.name(code))}: target against actual, with the shortfall in percentage points "
            f"derived by the engine. Sources: {sources}"
        )
        charts.append(_figure(_svg(fig), caption))
    return charts


def _entries_table(entries: Sequence[IndicatorEntry]) -> str:
    head = "<tr><th>Kommune</th><th>Gruppe</th><th>Alder</th><th>Værdi</th><th>År</th><th>Begreb</th><th>Kilde</th></tr>"
    body = "".join(
        f"<tr><td>{_e(e.municipality_name)}</td><td>{_e((e.category + ': ') if e.category else '')}{_e(e.group_label)}</td>"
        f"<td>{_e(e.age_band or '–')}</td><td class='num'>{_e(entry_value(e))}{' *' if e.derived else ''}</td>"
        f"<td>{_e(e.when)}</td><td>{_e(e.concept)}</td><td class='small'>{_e(e.source)}"
        f"{'<br>' + _e(e.derivation) if e.derivation else ''}"
        f"{'<br>‡ ' + _e(e.note) if e.note else ''}</td></tr>"
        for e in entries
    )
    return f"<table>{head}{body}</table>"


def comparison_to_html(c: Comparison) -> str:
    parts: list[str] = [
        "<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Integrationsstrategier side om side</title><style>{_CSS}</style></head><body>",
        "<h1>Integrationsstrategier side om side</h1>",
        f"<p class='small'>{_e(', '.join(f'{m.name} ({m.code})' for m in c.municipalities))}. "
        f"Generated by kommuneintegration {__version__} from the cities' plugins; every figure carries its source.</p>",
    ]
    parts.append(
        "<h2>Målgrupper (whom each document targets)</h2><table><tr><th>Kommune</th><th>Dokument</th><th>Art</th><th>Målgruppe</th><th>Definition and reading</th></tr>"
    )
    for doc in c.documents:
        s, group = doc.strategy, doc.target_group
        definition = (
            f"{_e(group.definition)}<br><span class='small'>{_e(group.reading)}</span>"
            if group
            else "not stated"
        )
        parts.append(
            f"<tr><td>{_e(doc.municipality.name)}</td><td>{_e(s.title)}<br><span class='small'>{_e(s.author)}; {_e(s.period or 'no period stated')}</span></td>"
            f"<td>{_e(s.kind.label)}</td><td>{_e(s.target_group_wording or '–')}</td><td>{definition}</td></tr>"
        )
    parts.append("</table>")
    noted = [d for d in c.documents if d.strategy.notes]
    if noted:
        parts.append("<h2>Noter (other statements of the documents)</h2>")
        for doc in noted:
            parts.append(f"<h3>{_e(doc.municipality.name)}: {_e(doc.strategy.title)}</h3><ul>")
            parts += [
                f"<li>{_e(n.text)}"
                + (f" <q>{_e(n.provenance.quote)}</q>" if n.provenance.quote else "")
                + f" <span class='small'>{_e(n.provenance)}</span></li>"
                for n in doc.strategy.notes
            ]
            parts.append("</ul>")
    documents = [(m, s) for m in c.municipalities for s in c.strategies(m.code)]
    parts.append(
        "<h2>Temaer (themes each document covers)</h2><table><tr><th>Tema</th>"
        + "".join(
            f"<th>{_e(m.name)}<br><span class='small'>{_e(s.title)} ({_e(s.kind.label)})</span></th>"
            for m, s in documents
        )
        + "</tr>"
    )
    for t in c.themes:
        cells = []
        for m, s in documents:
            status = t.document_status(m.code, s.id)
            detail = "<br>".join(
                _e(label) for sid, label, _ in t.coverage.get(m.code, ()) if sid == s.id
            )
            css = {"filled": "ok", "placeholder": "bad", "absent": "na"}[status]
            word = {"filled": "udfyldt", "placeholder": "erklæret, ikke udfyldt", "absent": "–"}[
                status
            ]
            cells.append(f"<td class='{css}'>{word}<br><span class='small'>{detail}</span></td>")
        parts.append(
            f"<tr><td>{_e(t.topic.label)} <span class='small'>({_e(t.topic.label_en)})</span></td>{''.join(cells)}</tr>"
        )
    parts.append("</table>")
    palette = {m.code: _COLOURS[i % len(_COLOURS)] for i, m in enumerate(c.municipalities)}
    parts.append("<h2>Indikatorer (figures side by side)</h2>")
    for row in c.indicators:
        verdict = (
            "sammenlignelig (comparable)"
            if row.comparable
            else "ikke direkte sammenlignelig (not directly comparable)"
        )
        parts.append(
            f"<h3>{_e(row.indicator.label)} <span class='small'>({_e(row.indicator.label_en)})</span></h3>"
        )
        parts.append(
            f"<p class='verdict'>{verdict}</p><ul>"
            + "".join(f"<li class='diff'>{_e(d)}</li>" for d in row.differences)
        )
        parts += [f"<li class='diff'>{_e(n.reason)}</li>" for n in row.not_derived]
        parts.append("</ul>")
        if len(row.entries) > 1:
            parts.append(_bar_chart(row, palette))
        parts.append(_entries_table(row.entries))
    parts.append("<h2>Udvikling (time series and targets)</h2>")
    parts += _series_charts(c)
    parts += _shortfall_charts(c)
    parts.append(
        "<h2>Evaluering (targets against observations)</h2><table><tr><th>Kommune</th><th>Mål (wording)</th><th>Status</th><th>Reason</th><th>Reading</th></tr>"
    )
    for r in c.evaluations:
        ev = r.evaluation
        parts.append(
            f"<tr><td>{_e(r.municipality.name)}<br><span class='small'>{_e(r.strategy.title)}</span></td><td>{_e(target_wording(r.target))}</td>"
            f"<td class='{_STATUS_CLASS[ev.status.value]}'>{_e(ev.status.label)}</td>"
            f"<td>{_e(ev.reason)}{'<br><span class=small>' + _e(ev.progress) + '</span>' if ev.progress else ''}"
            f"{'<br><span class=diff>' + _e(ev.alternative) + '</span>' if ev.alternative else ''}</td>"
            f"<td class='small'>{_e(r.target.reading)}{' Alternative: ' + _e(r.target.alternative_reading) if r.target.alternative_reading else ''}</td></tr>"
        )
    parts.append("</table>")
    parts.append(
        "<h2>Beregnede tal (derived figures)</h2><table><tr><th>Kommune</th><th>Kind</th><th>Indicator</th><th>Group</th><th>Years</th><th>Value</th><th>Sources</th></tr>"
    )
    for d in c.derived:
        years = f"{d.from_year}–{d.year}" if d.from_year else str(d.year or "–")
        parts.append(
            f"<tr><td>{_e(c.name(d.municipality))}</td><td>{_e(KIND_LABELS[d.kind])} ({_e(d.kind)})</td><td>{_e(d.indicator)}{' – ' + _e(d.category) if d.category else ''}</td>"
            f"<td>{_e(d.group or '')} {_e(d.age_band or '')}</td><td>{_e(years)}</td><td class='num'>{_e(d.describe())}</td><td class='small'>{_e('; '.join(d.sources))}</td></tr>"
        )
    parts.append("</table>")
    if c.not_derived:
        parts.append(
            "<h3>Not derived</h3><ul>"
            + "".join(
                f"<li>{_e(c.name(n.municipality))}: {_e(n.reason)}</li>" for n in c.not_derived
            )
            + "</ul>"
        )
    if c.context:
        parts.append(
            "<h2>Statistikbanken: byen, hele landet og kommunegruppen</h2><table><tr><th>Kommune</th>"
            "<th>Tabel</th><th>Gruppe</th><th>Alder</th><th>År</th><th>Byen</th><th>Hele landet</th>"
            "<th>Gruppens median (n)</th><th>Kilde</th></tr>"
        )
        for ctx in c.context:
            country = format_value(ctx.country, ctx.unit) if ctx.country is not None else "–"
            median = (
                f"{format_value(ctx.group_median, ctx.unit)} ({ctx.group_size})"
                if ctx.group_median is not None
                else "–"
            )
            parts.append(
                f"<tr><td>{_e(c.name(ctx.municipality))}<br><span class='small'>{_e(ctx.group_name)}</span></td>"
                f"<td>{_e(ctx.table)}</td><td>{_e(c.group_label(ctx.group))}</td><td>{_e(ctx.age_band or '–')}</td>"
                f"<td>{ctx.year}</td><td class='num'>{_e(format_value(ctx.value, ctx.unit))}</td>"
                f"<td class='num'>{_e(country)}</td><td class='num'>{_e(median)}</td>"
                f"<td class='small'>{_e(ctx.source)}{'<br>‡ ' + _e(ctx.note) if ctx.note else ''}</td></tr>"
            )
        parts.append("</table>")
    if c.disagreements:
        parts.append(
            "<h2>Uenige tal (figures that disagree)</h2><ul>"
            + "".join(
                f"<li class='diff'>{_e(c.name(d.municipality))}: {_e(d.describe())}</li>"
                for d in c.disagreements
            )
            + "</ul>"
        )
    parts.append("</body></html>\n")
    return "\n".join(parts)
