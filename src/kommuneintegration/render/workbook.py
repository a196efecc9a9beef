"""An Excel workbook a Danish analyst opens as it is: a sheet per section, typed cells.

``-f xlsx --out FILE`` on compare, evaluate and barometer. Each sheet has a
frozen, filtered header row and columns as wide as their contents (within
bounds); numbers are number cells with a number format (one decimal where the
figures have decimals, whole years without a thousands separator), true/false
are booleans, and text is always text: a cell that starts with "=" is never a
formula. Excel shows the numbers in the reader's own locale (a decimal comma in
a Danish Excel), which is why this, not the CSV, is the format for a
spreadsheet. The sheets' names and headings are in the output language; the
column keys of the CSV and JSON are in a row of their own under each heading,
so a program can find its columns too.

Needs XlsxWriter: ``pip install "kommuneintegration[xlsx]"``.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from kommuneintegration.errors import KommuneintegrationError
from kommuneintegration.i18n import _, format_number, use_language, written_in
from kommuneintegration.municipalities import KOMMUNEGRUPPER
from kommuneintegration.words import escape_controls

if TYPE_CHECKING:
    from kommuneintegration.analysis.comparison import Comparison
    from kommuneintegration.analysis.evaluation import TargetEvaluation
    from kommuneintegration.barometer import Barometer

__all__ = ["WorkbookError", "barometer_to_xlsx", "comparison_to_xlsx", "evaluations_to_xlsx"]

#: Column widths in characters: at least, at most.
_WIDTHS: Final = (8, 60)
#: Columns whose numbers are years or counts: whole numbers, no separator.
_WHOLE: Final = frozenset(
    {"year", "from_year", "baseline_year", "as_of", "rank", "ranked_n", "group_n", "persons"}
)


class WorkbookError(KommuneintegrationError):
    """The workbook cannot be written: XlsxWriter is not installed."""


class _Sheet:
    """One sheet: a title, the headings a reader reads, the keys a program reads, rows."""

    def __init__(
        self,
        title: str,
        columns: Sequence[tuple[str, str]],
        *,
        keys: bool = True,
        formats: Mapping[str, str] | None = None,
    ) -> None:
        self.title = title[:31]  # Excel's limit
        self.columns = list(columns)
        self.rows: list[Sequence[Any]] = []
        #: A row of the program's keys under the headings (the filter then sits on it).
        self.keys = keys
        #: A column key -> its Excel number format ("#,##0" for persons, "0.0" for rates).
        self.formats = dict(formats or {})

    def add(self, record: Mapping[str, Any]) -> None:
        self.rows.append([record.get(key) for key, _heading in self.columns])


def _xlsxwriter() -> Any:
    try:
        import xlsxwriter
    except ImportError:
        raise WorkbookError(
            _('the xlsx format needs XlsxWriter: pip install "kommuneintegration[xlsx]"')
        ) from None
    return xlsxwriter


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return escape_controls(str(value))


#: The most characters a workbook cell holds (Excel's limit; XlsxWriter cuts silently).
CELL_LIMIT: Final = 32_767


class CutTextWarning(KommuneintegrationError, UserWarning):  # noqa: N818  a warning
    """A text longer than a workbook cell holds was cut, with a visible mark."""


def _fitted(text: str, sheet: str, row: int, column: str) -> str:
    """``text``, or its beginning with a visible mark when it is longer than a cell holds:
    never cut without a word (a warning names the sheet, row and column)."""
    if len(text) <= CELL_LIMIT:
        return text
    mark = " […] " + _("(cut: {n} characters in all)").format(n=format_number(len(text)))
    warnings.warn(
        _(
            "the workbook's sheet {sheet}, row {row}, column {column}: a text of {n} characters "
            "was cut to the {limit} a cell holds, marked '[…]'; the JSON format holds it whole"
        ).format(
            sheet=sheet,
            row=row,
            column=column,
            n=format_number(len(text)),
            limit=format_number(CELL_LIMIT),
        ),
        CutTextWarning,
        stacklevel=2,
    )
    return text[: CELL_LIMIT - len(mark)] + mark


class _Formats:
    """A workbook's cell formats, each made once: the headings, the keys' row, numbers, text."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.head = book.add_format(
            {"bold": True, "bg_color": "#EEF2F7", "text_wrap": True, "valign": "top"}
        )
        self.key = book.add_format({"font_color": "#777777", "italic": True})
        self.decimal = book.add_format({"num_format": "0.0##"})
        self.whole = book.add_format({"num_format": "0"})
        self.wrapped = book.add_format({"text_wrap": False, "valign": "top"})
        self.made: dict[str, Any] = {}

    def number(self, sheet: _Sheet, name: str) -> Any:
        """The format of a number in column ``name``: the sheet's own, else whole or decimal."""
        if name not in sheet.formats:
            return self.whole if name in _WHOLE else self.decimal
        pattern = sheet.formats[name]
        if pattern not in self.made:
            self.made[pattern] = self.book.add_format({"num_format": pattern})
        return self.made[pattern]


def _write(sheets: Iterable[_Sheet]) -> bytes:
    xlsxwriter = _xlsxwriter()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    formats = _Formats(book)
    for sheet in sheets:
        ws = book.add_worksheet(sheet.title)
        top = 2 if sheet.keys else 1  # the rows above the data
        widths = _write_headings(ws, sheet, formats)
        _write_rows(ws, sheet, top, widths, formats)
        _lay_out(ws, sheet, top, widths)
    book.close()
    return buffer.getvalue()


def _write_headings(ws: Any, sheet: _Sheet, formats: _Formats) -> list[int]:
    """The headings (and the keys' row under them): the columns' widths they need."""
    if sheet.keys:
        widths = [max(len(h), len(k)) for k, h in sheet.columns]
    else:  # a heading wraps over up to three lines
        widths = [
            max(min(len(h), 14), max((len(w) for w in h.split()), default=0))
            for k, h in sheet.columns
        ]
        ws.set_row(0, 48)
    for col, (name, heading) in enumerate(sheet.columns):
        ws.write_string(0, col, heading, formats.head)
        if sheet.keys:
            ws.write_string(1, col, name, formats.key)
    return widths


def _write_rows(ws: Any, sheet: _Sheet, top: int, widths: list[int], formats: _Formats) -> None:
    """The rows from row ``top`` on, each cell typed; ``widths`` widened to their contents."""
    for r, row in enumerate(sheet.rows, top):
        for col, value in enumerate(row):
            name, heading = sheet.columns[col]
            if value is None or value == "":
                ws.write_blank(r, col, None)
            elif isinstance(value, bool):
                ws.write_boolean(r, col, value)
            elif isinstance(value, int | float):
                ws.write_number(r, col, value, formats.number(sheet, name))
                widths[col] = max(widths[col], len(f"{value:g}"))
            else:
                text = _fitted(_text(value), sheet.title, r + 1, heading)
                ws.write_string(r, col, text, formats.wrapped)
                widths[col] = max(widths[col], min(len(text), _WIDTHS[1]))


def _lay_out(ws: Any, sheet: _Sheet, top: int, widths: Sequence[int]) -> None:
    """The columns' widths, the frozen and filtered headings, and the sheet on paper."""
    for col, width in enumerate(widths):
        ws.set_column(col, col, max(_WIDTHS[0], min(width + 2, _WIDTHS[1])))
    ws.freeze_panes(top, 0)
    last = max(len(sheet.columns) - 1, 0)
    ws.autofilter(top - 1, 0, max(len(sheet.rows) + top - 1, top - 1), last)
    # On paper: A4 landscape, as wide as the page, the headings on every page.
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, top - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer(f"&L{sheet.title}&R&P / &N")


def _columns(keys: Sequence[str], headings: Mapping[str, str]) -> list[tuple[str, str]]:
    # headings borrowed from running text ("hele landet") begin with a capital, as the rest
    return [(k, _capital(headings.get(k, k.replace("_", " ")))) for k in keys]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _headings() -> dict[str, str]:
    """The headings a reader sees, in the output language: the figure row's from its schema
    (one home: ``analysis.comparison.FIGURE_SCHEMA``), then every other sheet's."""
    from kommuneintegration.analysis.comparison import FIGURE_HEADINGS

    return {
        **{name: _(heading) for name, heading in FIGURE_HEADINGS.items()},
        "name": _("Municipality"),
        "status_label": _("Status"),
        "reason": _("Reason"),
        "reading": _("Reading"),
        "progress": _("Progress"),
        "baseline_value": _("Baseline"),
        "baseline_year": _("Baseline year"),
        "movement": _("movement"),
        "country_value": _("whole country"),
        "group_median": _("group median (n)"),
        "rank": _("rank"),
        "peers": _("peers"),
        "kommunegruppe": _("kommunegruppe"),
        "citation": _("Source"),
        **_other_headings(),
    }


def _other_headings() -> dict[str, str]:
    """The rest of the keys' headings, so that no heading is left as a program's identifier."""
    return {
        "address": _("Address"),
        "alternative": _("Alternative reading"),
        "as_of": _("Assessed as of"),
        "barometer_indicator": _("Barometer indicator"),
        "barometer_goal": _("Barometer goal"),
        "comparable_from": _("Comparable from"),
        "ranked": _("Ranked"),
        "reference_value": _("Persons of Danish origin"),
        "sex": _("Sex"),
        "code": _("Code"),
        "date": _("Date"),
        "differs": _("Differs"),
        "distance": _("Distance"),
        "document_kind": _("Document kind"),
        "goal": _("Goal id"),
        "group_n": _("Municipalities in the group"),
        "key": _("Key"),
        "kind": _("Kind"),
        "methods_disagree": _("Methods disagree"),
        "non_western_share": _("Non-Western share"),
        "persons": _("Persons"),
        "population": _("Population"),
        "progress_method": _("Second method"),
        "progress_ratio": _("Ratio"),
        "progress_reason": _("Second method's reason"),
        "progress_status": _("Second method's status"),
        "publisher": _("Publisher"),
        "ranked_n": _("Municipalities ranked"),
        "reported_reached": _("Reached by the document's word"),
        "rule": _("Rule"),
        "small": _("Too few persons"),
        "status": _("Status id"),
        "tables": _("Tables"),
        "target": _("Target id"),
        "title": _("Title"),
        "wording": _("Wording"),
        "wording_is_quote": _("Quotation"),
        "year_inferred": _("Year inferred"),
    }


def _evaluation_sheet(rows: Iterable[TargetEvaluation]) -> _Sheet:
    from kommuneintegration.render.jsonout import evaluation_to_dict

    records = [evaluation_to_dict(r) for r in rows]
    keys = list(records[0]) if records else ["municipality", "strategy", "target", "status"]
    sheet = _Sheet(_("Evaluations"), _columns(keys, _headings()))
    for record in records:
        sheet.add(record)
    return sheet


def _sources_sheet(documents: Iterable[Any]) -> _Sheet:
    sheet = _Sheet(
        _("Sources"),
        _columns(["key", "publisher", "title", "date", "address", "citation"], _headings()),
    )
    seen = set()
    for d in documents:
        if d is None or d.key in seen:
            continue
        seen.add(d.key)
        sheet.add(
            {
                "key": d.key,
                "publisher": d.publisher,
                "title": d.title,
                "date": d.date or (str(d.year) if d.year else ""),
                "address": d.address,
                "citation": d.citation(),
            }
        )
    return sheet


@written_in
def comparison_to_xlsx(c: Comparison) -> bytes:
    """Figures, evaluations, differences and sources, a sheet each."""
    from kommuneintegration.analysis.comparison import FIGURE_COLUMNS, figure_record

    figures = _Sheet(_("Figures"), _columns(FIGURE_COLUMNS, _headings()))
    for row in c.indicators:
        for e in row.entries:
            figures.add(figure_record(e, row.indicator.id, row.comparable))
    differences = _Sheet(
        _("Differences"),
        [
            ("catalogue", _("Indicator")),
            ("comparable", _("Comparable")),
            ("difference", _("What differs")),
        ],
    )
    for row in c.indicators:
        for text in row.differences or ("",):
            differences.add(
                {"catalogue": row.indicator.id, "comparable": row.comparable, "difference": text}
            )
    documents = [doc for d in c.documents for doc in _documents_of(d)]
    return _write(
        [figures, _evaluation_sheet(c.evaluations), differences, _sources_sheet(documents)]
    )


def _documents_of(document: Any) -> list[Any]:
    """The source documents a compared document cites (its own first)."""
    found = [document.strategy.source.cited]
    for item in (*document.strategy.observations, *document.strategy.targets):
        if item.provenance is not None and item.provenance.cited is not None:
            found.append(item.provenance.cited)
    return found


def evaluations_to_xlsx(rows: Sequence[TargetEvaluation]) -> bytes:
    """The evaluations, and their sources."""
    documents = [r.target.provenance.cited for r in rows if r.target.provenance is not None]
    return _write([_evaluation_sheet(rows), _sources_sheet(documents)])


#: The barometer's number formats: rates one decimal, persons whole with thousands separators.
_RATE: Final = "0.0"
_PERSONS: Final = "#,##0"
_BAROMETER_FORMATS: Final = {
    "value": _RATE,
    "reference_value": _RATE,
    "baseline_value": _RATE,
    "country_value": _RATE,
    "group_median": _RATE,
    "persons": _PERSONS,
    "population": _PERSONS,
    "non_western_share": _RATE,
    "distance": "0.00",
}


def _summary_sheet(b: Barometer) -> _Sheet:
    """One row per municipality asked for: its kommunegruppe, its latest figure of every
    indicator (a column each, headed by the indicator, its unit and year) and its peers."""
    from kommuneintegration.units import unit_symbol

    by_code: dict[str, dict[str, Any]] = {}
    years: dict[str, int] = {}
    for row in b.rows:
        mine = by_code.setdefault(
            row.municipality,
            {
                "name": row.name,
                "municipality": row.municipality,
                "kommunegruppe": row.kommunegruppe_name,
                "peers": ", ".join(p.name for p in row.peers),
            },
        )
        mine[row.indicator.key] = row.value
        if row.year is not None:
            years[row.indicator.key] = max(years.get(row.indicator.key, row.year), row.year)
    columns = [
        ("name", _("Municipality")),
        ("municipality", _("Municipality code")),
        ("kommunegruppe", _capital(_("kommunegruppe"))),
        *(
            (
                i.key,
                f"{_capital(i.shown_label())} ({unit_symbol(i.unit)}"
                + (f", {years[i.key]})" if i.key in years else ")"),
            )
            for i in b.indicators
        ),
        ("peers", _capital(_("peers"))),
    ]
    sheet = _Sheet(
        _("Summary"),
        columns,
        keys=False,
        formats={i.key: _RATE for i in b.indicators},
    )
    for code in b.municipalities:
        if code in by_code:
            sheet.add(by_code[code])
    return sheet


#: The barometer's sheet of rows, its sheet of every year, its peers' and its indicators':
#: the columns, in order.
_ROW_FIELDS: Final = (
    "name",
    "municipality",
    "kommunegruppe",
    "label",
    "unit",
    "year",
    "value",
    "persons",
    "reference_value",
    "baseline_year",
    "baseline_value",
    "movement",
    "country_value",
    "group_median",
    "group_n",
    "rank",
    "ranked_n",
    "small",
    "peers",
    "barometer_indicator",
    "barometer_goal",
    "source",
    "note",
    "indicator",
)
_YEAR_FIELDS: Final = (
    "name",
    "municipality",
    "label",
    "unit",
    "year",
    "value",
    "persons",
    "reference_value",
    "country_value",
    "group_median",
    "comparable",
    "indicator",
)
_PEER_FIELDS: Final = (
    "of_name",
    "of",
    "name",
    "code",
    "distance",
    "population",
    "non_western_share",
    "kommunegruppe",
    "year",
)
_INDICATOR_FIELDS: Final = (
    "label",
    "unit",
    "barometer_indicator",
    "population",
    "differs",
    "tables",
    "indicator",
)


@written_in
def barometer_to_xlsx(b: Barometer) -> bytes:
    """A summary of the municipalities asked for, then the barometer's rows, every year, the
    peers, what each figure counts and the sources: every cell in the output language (labels,
    not the program's codes), the headings and their filter on row 1, rates with one decimal
    and persons whole with thousands separators, each sheet printed landscape to the width of
    the page with its headings on every page."""
    with use_language(b.language):
        headings = {
            **_headings(),
            "indicator": _("Indicator key"),
            "label": _("Indicator"),
            "group_median": _("kommunegruppe median"),
            "group_n": _("Municipalities in the kommunegruppe"),
            "unit": _("Unit"),
        }
        rows = _rows_sheet(b, headings)
        years = _years_sheet(b, headings)
        peers = _peers_sheet(b, headings)
        indicators = _indicators_sheet(b, headings)
        sources = _sources_sheet(b.sources)
        sources.keys = False
        return _write([_summary_sheet(b), rows, years, peers, indicators, sources])


def _rows_sheet(b: Barometer, headings: Mapping[str, str]) -> _Sheet:
    """The barometer's rows: a municipality's latest figure of an indicator each."""
    from kommuneintegration.strategy.terms import movement_label
    from kommuneintegration.units import unit_symbol

    sheet = _Sheet(
        _("Barometer"),
        _columns(_ROW_FIELDS, headings),
        keys=False,
        formats=_BAROMETER_FORMATS,
    )
    for row in b.rows:
        sheet.add(
            {
                "name": row.name,
                "municipality": row.municipality,
                "kommunegruppe": row.kommunegruppe_name,
                "label": row.indicator.shown_label(),
                "unit": unit_symbol(row.indicator.unit, words=True),
                "year": row.year,
                "value": row.value,
                "persons": row.persons,
                "reference_value": row.reference_value,
                "baseline_year": row.baseline_year,
                "baseline_value": row.baseline_value,
                "movement": movement_label(row.movement) if row.movement else None,
                "country_value": row.country_value,
                "group_median": row.group_median,
                "group_n": row.group_n,
                "rank": row.rank,
                "ranked_n": row.ranked_n if row.indicator.ranked else None,
                "small": row.small,
                "peers": ", ".join(p.name for p in row.peers),
                "barometer_indicator": row.indicator.barometer or None,
                "barometer_goal": row.indicator.shown_goal() or None,
                "source": row.source,
                "note": row.note,
                "indicator": row.indicator.key,
            }
        )
    return sheet


def _years_sheet(b: Barometer, headings: Mapping[str, str]) -> _Sheet:
    """Every year of every row's series."""
    from kommuneintegration.render.barometer import year_point
    from kommuneintegration.units import unit_symbol

    sheet = _Sheet(
        _("Every year"),
        _columns(_YEAR_FIELDS, headings),
        keys=False,
        formats=_BAROMETER_FORMATS,
    )
    for row in b.rows:
        for p in row.series:
            sheet.add(
                {
                    "name": row.name,
                    "municipality": row.municipality,
                    "label": row.indicator.shown_label(),
                    "unit": unit_symbol(row.indicator.unit, words=True),
                    **year_point(p),
                    "indicator": row.indicator.key,
                }
            )
    return sheet


def _peers_sheet(b: Barometer, headings: Mapping[str, str]) -> _Sheet:
    """Each municipality's peers, with the characteristics they were found by."""
    sheet = _Sheet(
        _capital(_("peers")),
        _columns(
            _PEER_FIELDS,
            {
                **headings,
                "of_name": _("Municipality"),
                "of": _("Municipality code"),
                "name": _("Peer"),
                "code": _("Peer's code"),
                "population": _("Residents"),
                "year": _("Year of the characteristics"),
            },
        ),
        keys=False,
        formats=_BAROMETER_FORMATS,
    )
    for code, found in b.peers.items():
        for peer in found:
            sheet.add(
                {
                    "of_name": b.name(code),
                    "of": code,
                    "name": b.name(peer.code),
                    "code": peer.code,
                    "distance": peer.distance,
                    "population": peer.characteristics.population,
                    "non_western_share": peer.characteristics.non_western_share,
                    "kommunegruppe": KOMMUNEGRUPPER.get(peer.characteristics.kommunegruppe),
                    "year": peer.characteristics.year,
                }
            )
    return sheet


def _indicators_sheet(b: Barometer, headings: Mapping[str, str]) -> _Sheet:
    """What each figure counts, how it differs from the barometer's, and its tables."""
    from kommuneintegration.units import unit_symbol

    sheet = _Sheet(_("What each figure counts"), _columns(_INDICATOR_FIELDS, headings), keys=False)
    for i in b.indicators:
        sheet.add(
            {
                "label": i.shown_label(),
                "unit": unit_symbol(i.unit, words=True),
                "barometer_indicator": i.barometer or None,
                "population": i.shown_population(),
                "differs": i.shown_differs(),
                "tables": ", ".join(i.tables),
                "indicator": i.key,
            }
        )
    return sheet
