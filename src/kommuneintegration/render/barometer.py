"""The barometer as text, Markdown, JSON and CSV, in the language it was computed in.

Per indicator one table: the whole country first, then each municipality with
its latest value, baseline, movement, rank and kommunegruppe median; then each
municipality's peers with their characteristics; then, once, what every
indicator counts and how it differs from the Integrationsbarometer's own
definition, and the sources. The JSON shape is documented in docs/barometer.md.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final

from kommuneintegration import __version__
from kommuneintegration.i18n import N_, _, format_number, use_language
from kommuneintegration.municipalities import KOMMUNEGRUPPER
from kommuneintegration.render.cells import csv_cell, markdown_text
from kommuneintegration.strategy.terms import movement_label
from kommuneintegration.units import unit_symbol
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.barometer import Barometer, BarometerRow, Point
    from kommuneintegration.barometer.indicators import BarometerIndicator

__all__ = [
    "JSON_ROW_FIELDS",
    "barometer_to_csv",
    "barometer_to_json",
    "barometer_to_markdown",
    "barometer_to_text",
    "movement_text",
    "number_text",
    "rank_text",
    "row_record",
    "value_text",
    "year_point",
    "year_records",
]

#: The barometer's JSON version: a new key is a minor change, a changed one a major.
SCHEMA_VERSION: Final = "1.0"
WIDTH: Final = 80
#: More municipalities than this: the peers are listed in JSON only, not in text.
_PEERS_SHOWN: Final = 10

#: The keys of a JSON row (and the CSV's columns), in order.
JSON_ROW_FIELDS: Final = (
    "municipality",
    "name",
    "kommunegruppe",
    "indicator",
    "group",
    "sex",
    "label",
    "unit",
    "value",
    "year",
    "reference_value",
    "baseline_value",
    "baseline_year",
    "movement",
    "country_value",
    "group_median",
    "group_n",
    "rank",
    "rank_shared",
    "rank_low",
    "rank_high",
    "ranked_n",
    "persons",
    "small",
    "low",
    "high",
    "expected",
    "actual_minus_expected",
    "expected_labour_market",
    "actual_minus_expected_labour_market",
    "against_country",
    "against_group",
    "against_expected",
    "against_expected_labour_market",
    "trend",
    "peers",
    "barometer_indicator",
    "barometer_goal",
    "ranked",
    "source",
    "note",
    "series",
)

#: The keys of one year of a series (a JSON row's ``series``; a CSV row with ``--years``).
YEAR_FIELDS: Final = (
    "municipality",
    "name",
    "indicator",
    "group",
    "sex",
    "label",
    "unit",
    "year",
    "value",
    "persons",
    "reference_value",
    "country_value",
    "group_median",
    "comparable",
)


def row_record(row: BarometerRow) -> dict[str, Any]:
    """One row as JSON and CSV carry it (docs/barometer.md)."""
    return {
        "municipality": row.municipality,
        "name": row.name,
        "kommunegruppe": row.kommunegruppe_name,
        "indicator": row.indicator.id,
        "group": row.indicator.group,
        "sex": row.indicator.sex or None,
        "label": row.indicator.shown_label(),
        "unit": row.indicator.unit,
        "value": row.value,
        "year": row.year,
        "reference_value": row.reference_value,
        "baseline_value": row.baseline_value,
        "baseline_year": row.baseline_year,
        "movement": row.movement,
        "country_value": row.country_value,
        "group_median": row.group_median,
        "group_n": row.group_n,
        "rank": row.rank,
        "ranked_n": row.ranked_n,
        "persons": row.persons,
        "small": row.small,
        "rank_shared": row.judged.rank_shared,
        "rank_low": row.judged.rank_low,
        "rank_high": row.judged.rank_high,
        "low": row.judged.low,
        "high": row.judged.high,
        "expected": row.judged.expected,
        "actual_minus_expected": _minus(row.value, row.judged.expected),
        "expected_labour_market": row.judged.expected_labour_market,
        "actual_minus_expected_labour_market": _minus(row.value, row.judged.expected_labour_market),
        "against_country": row.judged.against_country,
        "against_group": row.judged.against_group,
        "against_expected": row.judged.against_expected,
        "against_expected_labour_market": row.judged.against_expected_labour_market,
        "trend": row.trend,
        "peers": _peer_records(row),
        "barometer_indicator": row.indicator.barometer or None,
        "barometer_goal": row.indicator.shown_goal() or None,
        "ranked": row.indicator.ranked,
        "source": row.source,
        "note": row.note,
        "series": _series_records(row),
    }


def _peer_records(row: BarometerRow) -> list[dict[str, Any]]:
    """A row's peers: the municipalities most like it, with their figures."""
    return [
        {
            "code": p.code,
            "name": p.name,
            "value": p.value,
            "expected": p.expected,
            "distance": p.distance,
        }
        for p in row.peers
    ]


def _series_records(row: BarometerRow) -> list[dict[str, Any]]:
    """A row's figures year by year."""
    return [year_point(p) for p in row.series]


def year_point(p: Point) -> dict[str, Any]:
    """One year of a row's series as every output names it (JSON, CSV, the workbook)."""
    return {
        "year": p.year,
        "value": p.value,
        "persons": p.persons,
        "reference_value": p.reference,
        "country_value": p.country,
        "group_median": p.group_median,
        "comparable": p.comparable,
    }


def _minus(value: float | None, other: float | None) -> float | None:
    """A difference of two shown figures, as shown (one decimal)."""
    return None if value is None or other is None else round(value - other, 1)


def year_records(row: BarometerRow) -> list[dict[str, Any]]:
    """One record per year of the row's series (CSV with ``--years``, the workbook's years)."""
    head = {
        "municipality": row.municipality,
        "name": row.name,
        "indicator": row.indicator.id,
        "group": row.indicator.group,
        "sex": row.indicator.sex or None,
        "label": row.indicator.shown_label(),
        "unit": row.indicator.unit,
    }
    return [{**head, **point} for point in _series_records(row)]


def value_text(value: float | None, unit: str) -> str:
    """One decimal, as Statistics Denmark prints its rates: "54,0 %", not "54 %"."""
    if value is None:
        return "–"
    return f"{format_number(value, decimals=1)} {unit_symbol(unit)}".strip()


def movement_text(row: BarometerRow) -> str:
    if row.movement is not None:
        return movement_label(row.movement)
    return "–"


def rank_text(row: BarometerRow) -> str:
    """ "41/94", "41=/94" for a place shared with another municipality."""
    if not row.indicator.ranked:
        return _("not ranked")
    if row.small:
        return _("few")
    if row.rank is None:
        return "–"
    return f"{row.rank}{'=' if row.judged.rank_shared else ''}/{row.ranked_n}"


def range_text(row: BarometerRow) -> str:
    """The places the intervals allow: "30-55"."""
    if row.judged.rank_low is None or row.judged.rank_high is None:
        return "–"
    if row.judged.rank_low == row.judged.rank_high:
        return str(row.judged.rank_low)
    return f"{row.judged.rank_low}-{row.judged.rank_high}"


def interval_text(row: BarometerRow) -> str:
    if row.judged.low is None or row.judged.high is None:
        return "–"
    return f"{number_text(row.judged.low)}-{number_text(row.judged.high)}"


#: How a difference the interval excludes is said; "similar" is said as "–".
_AGAINST: Final = {"higher": N_("higher"), "lower": N_("lower"), "similar": N_("similar")}
_TRENDS: Final = {
    "increasing": N_("increasing"),
    "decreasing": N_("decreasing"),
    "no-change": N_("no significant change"),
    "not-calculated": N_("not calculated"),
}


def against_text(value: str | None) -> str:
    return _(_AGAINST[value]) if value in _AGAINST else "–"


def trend_text(row: BarometerRow) -> str:
    """The trend, and whether it is for the better where the indicator has a direction."""
    words = _(_TRENDS.get(row.trend, _TRENDS["not-calculated"]))
    if row.trend in ("increasing", "decreasing") and row.indicator.better:
        better = (row.trend == "increasing") == (row.indicator.better == "higher")
        words += ", " + (_("getting better") if better else _("getting worse"))
    return words


def _rows_of(b: Barometer, indicator: BarometerIndicator) -> list[BarometerRow]:
    return [r for r in b.rows if r.indicator.key == indicator.key]


def _wrap(text: str, indent: int = 2, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first if first is not None else " " * indent,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
    ) or [""]


def _intro(b: Barometer) -> list[str]:
    title = _("Integrationsbarometer from Statistics Denmark's figures")
    lines = [title, "=" * len(title)]
    lines += _wrap(
        _(
            "From the local cache of kommuneintegration fetch; {covered} of the 98 "
            "municipalities have figures, and ranks, medians and peers rest on them. Movement "
            "by the barometer's rule: the rounded latest value against the rounded baseline."
        ).format(covered=b.covered),
        0,
    )
    if b.covered < 98:
        lines += _wrap(_("kommuneintegration fetch --all fetches all 98 municipalities."), 0)
    for note in b.notes:
        lines += _wrap(note, 4, "  - ")
    return lines


def _columns(rows: Sequence[Sequence[str]], right: Sequence[bool], indent: int = 2) -> list[str]:
    """Rows laid out in columns as wide as their widest cell, two spaces apart."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(row, widths, right, strict=True)
        ]
        lines.append((" " * indent + "  ".join(cells)).rstrip())
    return lines


def number_text(value: float | None) -> str:
    return format_number(value, decimals=1) if value is not None else "–"


def _table_lines(b: Barometer, indicator: BarometerIndicator, number: int) -> list[str]:
    rows = _rows_of(b, indicator)
    if not rows:
        return []
    year = next((r.year for r in rows if r.year is not None), None)
    base = next((r.baseline_year for r in rows if r.baseline_year is not None), None)
    unit = unit_symbol(indicator.unit, words=True)
    lines = ["", *_wrap(f"{indicator.shown_label()} [{number}] ({unit})", 0)]
    table = [
        [
            _("Municipality"),
            str(year or "–"),
            str(base or "–"),
            _("movement"),
            _("rank"),
            _("group median (n)"),
        ],
        [_("the whole country"), number_text(rows[0].country_value), "", "", "", ""],
    ]
    notes: dict[str, int] = {}
    for row in rows:
        who = f"{row.name} ({row.municipality})"
        median = (
            f"{number_text(row.group_median)} ({row.group_n})"
            if row.group_median is not None
            else "–"
        )
        mark = ""
        if row.note:
            mark = " " + _mark(notes.setdefault(row.note, len(notes) + 1))
        table.append(
            [
                who + mark,
                number_text(row.value),
                number_text(row.baseline_value),
                movement_text(row),
                rank_text(row),
                median,
            ]
        )
    lines += _columns(table, [False, True, True, False, True, True])
    for note, i in notes.items():
        lines += _wrap(note, 4, f"  {_mark(i)} ")
    return lines + (_fair_lines(rows) if indicator.ranked else [])


def _beside(value: float | None, word: str | None) -> str:
    """An expected value and whether the figure differs from it beyond chance."""
    if value is None:
        return "–"
    if word in ("higher", "lower"):
        return f"{number_text(value)} ({against_text(word)})"
    return f"{number_text(value)} (≈)"


def _fair_lines(rows: Sequence[BarometerRow]) -> list[str]:
    """Each row against chance: its interval, what is expected of it and the places it could
    take; then each one's trend (docs/barometer.md, "A fair comparison")."""
    table = [
        [
            _("Municipality"),
            _("95 % interval"),
            _("expected"),
            _("expected, labour market"),
            _("places"),
        ]
    ]
    for row in rows:
        table.append(
            [
                row.name,
                interval_text(row),
                _beside(row.judged.expected, row.judged.against_expected),
                _beside(
                    row.judged.expected_labour_market, row.judged.against_expected_labour_market
                ),
                range_text(row),
            ]
        )
    trends = "; ".join(f"{row.name} {trend_text(row)}" for row in rows)
    return [
        "",
        *_columns(table, [False, True, True, True, True]),
        *_wrap(_("trend, the latest five years: {trends}").format(trends=trends), 4, "  "),
    ]


#: More municipalities than this: every year is in JSON and CSV (--years), not in text.
_YEARS_SHOWN: Final = 4


def _year_table(b: Barometer, indicator: BarometerIndicator) -> list[list[str]] | None:
    """Every year: the whole country, each municipality asked, and each kommunegruppe's
    median; None where there are too many municipalities for a page's width."""
    rows = _rows_of(b, indicator)
    if not rows or len(rows) > _YEARS_SHOWN or len(rows[0].series) < 2:
        return None
    groups = list(dict.fromkeys(r.kommunegruppe for r in rows))
    head = [_("Year"), _("the whole country"), *(r.name for r in rows)]
    head += [_("median, {group}").format(group=KOMMUNEGRUPPER[g]) for g in groups]
    table = [head]
    for i, point in enumerate(rows[0].series):
        median = {r.kommunegruppe: r.series[i].group_median for r in rows}
        table.append(
            [
                f"{point.year}{'' if point.comparable else '*'}",
                number_text(point.country),
                *(number_text(r.series[i].value) for r in rows),
                *(number_text(median[g]) for g in groups),
            ]
        )
    return table


def _year_lines(b: Barometer, indicator: BarometerIndicator) -> list[str]:
    table = _year_table(b, indicator)
    if table is None:
        return []
    shown = len(_rows_of(b, indicator)) + 2
    if len(_columns(table, [False] * len(table[0]))[0]) > WIDTH:
        table = [row[:shown] for row in table]  # the medians do not fit beside: left out
    lines = ["", *_columns(table, [False] + [True] * (len(table[0]) - 1))]
    if any(cell[0].endswith("*") for cell in table[1:]):
        lines += _wrap(_("* before a break in the series: shown, not compared with later years"), 2)
    return lines


def _not_available_lines(b: Barometer) -> list[str]:
    title = _("What the Statbank cannot give per municipality")
    lines = ["", title, "-" * len(title)]
    for item in b.not_available:
        lines += _wrap(f"{item.barometer} {item.shown_label()}: {item.shown_reason()}", 4, "  - ")
    return lines


def _mark(i: int) -> str:
    return "‡" * i if i <= 3 else f"‡{i}"


def _peer_lines(b: Barometer) -> list[str]:
    if len(b.municipalities) > _PEERS_SHOWN:
        return []
    lines: list[str] = []
    for code in b.municipalities:
        peers = b.peers.get(code, ())
        title = _("Nearest municipalities to {name} ({code})").format(name=b.name(code), code=code)
        lines += ["", title, "-" * len(title)]
        if not peers:
            lines += _wrap(_("no peers: the cache has no population figures for it"), 2)
            continue
        table = [
            [
                "",
                _("residents"),
                _("non-Western"),
                _("labour market"),
                _("group"),
                _("distance"),
            ]
        ]
        for peer in peers:
            ch = peer.characteristics
            table.append(
                [
                    b.name(peer.code),
                    format_number(ch.population) if ch.population is not None else "–",
                    value_text(ch.non_western_share, "percent"),
                    value_text(ch.labour_market, "percent"),
                    KOMMUNEGRUPPER[ch.kommunegruppe].removesuffix("kommuner"),
                    format_number(peer.distance, decimals=2),
                ]
            )
        lines += _columns(table, [False, True, True, True, False, True])
    if lines:
        weights = ", ".join(f"{k}={format_number(v)}" for k, v in b.weights.items())
        lines += _wrap(
            _(
                "Distance computed from the standardised number of residents (log scale), the "
                "share of non-Western immigrants and descendants, the kommunegruppe and the "
                "employment rate of persons of Danish origin (the local labour market), weights "
                "{weights} (--peer-weights); each indicator's peers weigh its make-up too."
            ).format(weights=weights),
            2,
        )
    return lines


def _footnotes(b: Barometer) -> list[str]:
    title = _("What each figure counts")
    lines = ["", title, "-" * len(title)]
    for number, indicator in enumerate(b.indicators, 1):
        barometer = (
            _("stands in for the barometer's indicator {id}").format(id=indicator.barometer) + ". "
            if indicator.barometer
            else ""
        )
        lines += _wrap(
            f"{barometer}{indicator.shown_population()} {indicator.shown_differs()}",
            6,
            f"  [{number}] ",
        )
    lines += _wrap(
        _(
            "few: fewer than {n} persons in the group, so the figure is marked and not ranked "
            "(--min-persons)."
        ).format(n=b.min_persons),
        2,
    )
    lines += ["", _("Sources")]
    for d in b.sources:
        lines += _wrap(d.citation(), 4, "  - ")
    return lines


def barometer_to_text(b: Barometer) -> str:
    with use_language(b.language):
        lines = _intro(b)
        for number, indicator in enumerate(b.indicators, 1):
            lines += _table_lines(b, indicator, number)
            lines += _year_lines(b, indicator)
        if len(b.municipalities) > _YEARS_SHOWN:
            lines += ["", *_wrap(_("Every year of every row: -f json, or -f csv --years."), 0)]
        lines += _peer_lines(b)
        lines += _not_available_lines(b)
        lines += _footnotes(b)
        return escape_controls("\n".join(lines)) + "\n"


def _md(text: object) -> str:
    """Text from the Statbank or a plugin, made inert in Markdown (HTML and signs escaped)."""
    return markdown_text(text)


def _md_row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"


def _md_cells(row: BarometerRow, indicator: BarometerIndicator) -> list[str]:
    """One municipality's row of an indicator's Markdown table."""
    return [
        f"{row.name} ({row.municipality})",
        value_text(row.value, indicator.unit),
        str(row.year or "–"),
        f"{value_text(row.baseline_value, indicator.unit)} ({row.baseline_year or '–'})",
        movement_text(row),
        value_text(row.country_value, indicator.unit),
        f"{value_text(row.group_median, indicator.unit)} ({row.group_n})",
        rank_text(row),
        range_text(row),
        interval_text(row),
        value_text(row.judged.expected, indicator.unit),
        ", ".join(p.name for p in row.peers),
    ]


def _md_indicator(b: Barometer, indicator: BarometerIndicator, number: int) -> list[str]:
    """One indicator's Markdown table, then its years' table where the text shows one."""
    rows = _rows_of(b, indicator)
    if not rows:
        return []
    out = ["", f"## {_md(indicator.shown_label())} [{number}]", ""]
    heads = [
        _("Municipality"),
        _("Value"),
        _("Year"),
        _("Baseline"),
        _("movement"),
        _("whole country"),
        _("group median (n)"),
        _("rank"),
        _("places"),
        _("95 % interval"),
        _("expected"),
        _("peers"),
    ]
    out.append("| " + " | ".join(heads) + " |")
    out.append("|" + "---|" * len(heads))
    out += [_md_row(_md_cells(row, indicator)) for row in rows]
    years = _year_table(b, indicator)
    if years is not None:
        out += ["", _md_row(years[0])]
        out.append("|" + "---|" * len(years[0]))
        out += [_md_row(row) for row in years[1:]]
    return out


def barometer_to_markdown(b: Barometer) -> str:
    with use_language(b.language):
        title = _("Integrationsbarometer from Statistics Denmark's figures")
        out = [f"# {title}", ""]
        out.append(
            _("{covered} of the 98 municipalities have figures in the cache.").format(
                covered=b.covered
            )
        )
        for number, indicator in enumerate(b.indicators, 1):
            out += _md_indicator(b, indicator, number)
        out += ["", "## " + _("What the Statbank cannot give per municipality"), ""]
        out += [
            f"- {_md(i.barometer)} {_md(i.shown_label())}: {_md(i.shown_reason())}"
            for i in b.not_available
        ]
        out += ["", "## " + _("What each figure counts"), ""]
        for number, indicator in enumerate(b.indicators, 1):
            out.append(
                f"{number}. {_md(indicator.shown_population())} {_md(indicator.shown_differs())}"
            )
        out += ["", "## " + _("Sources"), ""]
        out += [f"- {_md(d.citation())}" for d in b.sources]
        return escape_controls("\n".join(out)) + "\n"


def _indicator_record(i: BarometerIndicator) -> dict[str, Any]:
    """What an indicator counts, and how it stands to the Integrationsbarometer's own."""
    return {
        "indicator": i.id,
        "group": i.group,
        "sex": i.sex or None,
        "label": i.shown_label(),
        "unit": i.unit,
        "better": i.better or None,
        "ranked": i.ranked,
        "barometer_indicator": i.barometer or None,
        "barometer_goal": i.shown_goal() or None,
        "comparable_from": i.comparable_from,
        "population": i.shown_population(),
        "differs": i.shown_differs(),
        "tables": list(i.tables),
    }


def _peers_records(b: Barometer) -> dict[str, list[dict[str, Any]]]:
    """Each municipality's peers with the characteristics they were found by."""
    return {
        code: [
            {
                "code": p.code,
                "name": b.name(p.code),
                "distance": p.distance,
                "population": p.characteristics.population,
                "non_western_share": p.characteristics.non_western_share,
                "kommunegruppe": KOMMUNEGRUPPER[p.characteristics.kommunegruppe],
                "year": p.characteristics.year,
            }
            for p in peers
        ]
        for code, peers in b.peers.items()
    }


def _fits_records(b: Barometer) -> dict[str, dict[str, Any] | None]:
    """The fitted lines the expected values come from (null where none was fitted)."""
    return {
        key: None
        if line is None
        else {
            "intercept": line.intercept,
            "slope": line.slope,
            "r2": line.r2,
            "n": line.n,
        }
        for key, line in b.fits.items()
    }


def barometer_to_dict(b: Barometer) -> dict[str, Any]:
    with use_language(b.language):
        return {
            "schema_version": SCHEMA_VERSION,
            "generator": f"kommuneintegration {__version__}",
            "language": b.language,
            "covered": b.covered,
            "since": b.since,
            "peer_count": b.k,
            "peer_weights": dict(b.weights),
            "min_persons": b.min_persons,
            "municipalities": list(b.municipalities),
            "indicators": [_indicator_record(i) for i in b.indicators],
            "rows": [row_record(r) for r in b.rows],
            "peers": _peers_records(b),
            "fits": _fits_records(b),
            "not_available": [
                {
                    "barometer_indicator": i.barometer,
                    "label": i.shown_label(),
                    "reason": i.shown_reason(),
                }
                for i in b.not_available
            ],
            "notes": list(b.notes),
            "sources": [
                {
                    "publisher": d.publisher,
                    "title": d.title,
                    "date": d.date,
                    "address": d.address,
                    "citation": d.citation(),
                }
                for d in b.sources
            ],
        }


def barometer_to_json(b: Barometer) -> str:
    return json.dumps(barometer_to_dict(b), ensure_ascii=False, indent=2) + "\n"


def _csv_rows(b: Barometer) -> Iterator[Sequence[object]]:
    if b.by_year:
        yield YEAR_FIELDS
        for row in b.rows:
            for record in year_records(row):
                yield [csv_cell(record[name]) for name in YEAR_FIELDS]
        return
    yield JSON_ROW_FIELDS
    for row in b.rows:
        record = row_record(row)
        record["peers"] = " ".join(p["code"] for p in record["peers"])
        record["series"] = " ".join(
            f"{p['year']}={'' if p['value'] is None else p['value']}" for p in record["series"]
        )
        yield [csv_cell(record[name]) for name in JSON_ROW_FIELDS]


def barometer_to_csv(b: Barometer) -> str:
    with use_language(b.language):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(_csv_rows(b))
        return out.getvalue()
