"""What every renderer writes the same way: a target's wording and an entry's value.

Only text that appears in a source is shown in quotation marks; an inferred
year says so; an upper bound reads "op til". One home, so the five formats
cannot drift apart.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from kommuneintegration.i18n import _, format_date, format_number, ngettext, pick
from kommuneintegration.units import format_value, unit_symbol

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kommuneintegration.analysis.comparison import BarometerBeside, Comparison, IndicatorEntry
    from kommuneintegration.analysis.evaluation import GoalMovement
    from kommuneintegration.rules import Evaluation
    from kommuneintegration.statbank.context import ContextRow
    from kommuneintegration.strategy.derive import NotDerived
    from kommuneintegration.strategy.models import Strategy, Target

__all__ = [
    "LIST_LIMIT",
    "SUMMARY_THRESHOLD",
    "capped",
    "context_cells",
    "context_headings",
    "context_row",
    "date_text",
    "distance_lines",
    "entry_notes",
    "entry_series",
    "entry_value",
    "goal_movement_lines",
    "latest_of_series",
    "not_derived_who",
    "shared_unit",
    "shown_entries",
    "target_wording",
]


def date_text(value: str) -> str:
    """An ISO date ("2023-06-19") as the language writes it; other text as it is."""
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        return value
    return format_date(day)


def target_wording(target: Target) -> str:
    """ "“Beskæftigelsen skal øges”", or a label without quotation marks, with any inferred year."""
    if target.wording_is_quote:
        text = f"“{target.wording}”"
    else:
        text = f"{target.wording} (" + _("not a quotation: the plugin's own wording") + ")"
    if target.year is not None and target.year_inferred:
        text += (
            " ["
            + _("year {year} inferred: {why}").format(year=target.year, why=target.year_inferred)
            + "]"
        )
    return text


def entry_value(entry: IndicatorEntry, *, show_unit: bool = True) -> str:
    """ "17 procentpoint", "op til 20 procentpoint" for an upper bound ("up to 20 pp" in English)."""
    return format_value(
        entry.value, entry.unit, bound=entry.bound, show_unit=show_unit, decimals=entry.decimals
    )


def shared_unit(entries: Iterable[IndicatorEntry]) -> str | None:
    """The one unit of a table's figures, when it is too wide to repeat in every cell.

    "%" stays in the cells ("60 %"); "procentpoint" and "pers." go in the heading once.
    """
    units = {e.unit for e in entries}
    if len(units) != 1:
        return None
    (unit,) = units
    return unit if len(unit_symbol(unit)) > 1 else None


def entry_notes(entries: Iterable[IndicatorEntry]) -> list[tuple[str, str]]:
    """Each distinct note of the entries once, with whose figures it is about.

    ("Aalborg, 9 figures", "The table's title says ...") : a note that nine
    figures share is written once, not nine times.
    """
    grouped: dict[str, list[IndicatorEntry]] = {}
    for e in entries:
        if e.note:
            grouped.setdefault(e.note, []).append(e)
    found = []
    for note, about in grouped.items():
        names = ", ".join(dict.fromkeys(e.municipality_name for e in about))
        if len(about) == 1:
            e = about[0]
            who = f"{names}, {e.group_label}" + (f" {e.year}" if e.year is not None else "")
        else:
            who = f"{names}, " + ngettext("{n} figure", "{n} figures", len(about)).format(
                n=len(about)
            )
        found.append((who, note))
    return found


def not_derived_who(n: NotDerived, c: Comparison) -> str:
    """Whose figure was not derived: "København, indvandrere og efterkommere ... 2021"."""
    who = f"{c.name(n.municipality)}, {c.group_label(n.group)}"
    return who + (f" {n.year}" if n.year is not None else "")


def barometer_headings() -> list[str]:
    """The headings of a city's barometer beside its targets, as every format writes them."""
    return [
        _("Municipality"),
        _("Indicator"),
        _("Value"),
        _("Baseline"),
        _("movement"),
        _("whole country"),
        _("group median (n)"),
        _("rank"),
    ]


def barometer_cells(b: BarometerBeside) -> list[str]:
    """One row of a city's barometer, its cells in :func:`barometer_headings`' order."""
    from kommuneintegration.render.barometer import movement_text, number_text, rank_text

    r = b.row
    unit = unit_symbol(r.indicator.unit, words=True)
    return [
        f"{r.name} ({r.municipality})",
        f"{r.indicator.shown_label()} ({unit})",
        f"{number_text(r.value)} ({r.year or '–'})",
        f"{number_text(r.baseline_value)} ({r.baseline_year or '–'})",
        movement_text(r),
        number_text(r.country_value),
        f"{number_text(r.group_median)} ({r.group_n})",
        rank_text(r),
    ]


def barometer_beside(b: BarometerBeside) -> list[str]:
    """What stands beside a barometer figure: the city's own targets on the same indicator,
    the barometer's published national figure, and the row's note."""
    lines = [
        _("own target {target} ({document}): {status}").format(
            target=target_wording(e.target),
            document=e.strategy.title,
            status=e.evaluation.status.display,
        )
        for e in b.targets
    ]
    lines += [
        _(
            "the Integrationsbarometer's own figure for the whole country: {label}, {value} ({year})"
        ).format(label=f.label, value=format_value(f.value, f.unit), year=f.year or "–")
        for f in b.national
    ]
    if b.row.note:
        lines.append(b.row.note)
    return lines


def context_headings() -> list[str]:
    """The headings of the Statistikbanken table, as every format writes them."""
    return [
        _("Municipality"),
        _("Table"),
        _("Group"),
        _("Age"),
        _("Year"),
        _("the city"),
        _("whole country"),
        _("group median") + " (n)",
    ]


def context_row(row: ContextRow, c: Comparison, missing: str = "–") -> list[str]:
    """One row of the Statistikbanken table, its cells in :func:`context_headings`' order."""
    value, country, median = context_cells(row)
    return [
        c.name(row.municipality),
        row.table,
        c.group_label(row.group),
        row.age_band or missing,
        str(row.year),
        value,
        country,
        median,
    ]


def context_cells(row: ContextRow) -> tuple[str, str, str]:
    """The city's figure, the whole country's, and the kommunegruppe's median with its size."""
    country = format_value(row.country, row.unit) if row.country is not None else "-"
    median = (
        f"{format_value(row.group_median, row.unit)} ({row.group_size})"
        if row.group_median is not None
        else "-"
    )
    return format_value(row.value, row.unit), country, median


#: A catalogue row or a list with more figures than this shows the latest of each series.
SUMMARY_THRESHOLD: Final = 40
#: A list of disagreements or of figures not derived shows this many, then how many more.
LIST_LIMIT: Final = 20

T = TypeVar("T")


def capped(items: Sequence[T], limit: int = LIST_LIMIT) -> tuple[Sequence[T], str]:
    """The first ``limit`` items, and a line saying how many more there are (or "")."""
    if len(items) <= limit:
        return items, ""
    more = len(items) - limit
    return items[:limit], ngettext(
        "… and {n} more; every one is in kommuneintegration compare -f json",
        "… and {n} more; every one is in kommuneintegration compare -f json",
        more,
    ).format(n=more)


class _Dated(Protocol):
    @property
    def year(self) -> int | None: ...


D = TypeVar("D", bound=_Dated)


def latest_of_series(
    items: Sequence[D], series: Callable[[D], tuple[Any, ...]], note: str, command: str
) -> tuple[list[D], str]:
    """All figures, or the latest of each series when there are many, with a note saying so.

    ``note`` is a translated text with {series}, {figures} and {command}; every
    format uses this one rule, so the text, the Markdown and the report show the
    same figures.
    """
    if len(items) <= SUMMARY_THRESHOLD:
        return list(items), ""
    latest: dict[tuple[Any, ...], D] = {}
    for item in items:
        key = series(item)
        if key not in latest or (item.year or 0) >= (latest[key].year or 0):
            latest[key] = item
    return list(latest.values()), note.format(
        series=format_number(len(latest)), figures=format_number(len(items)), command=command
    )


def entry_series(e: IndicatorEntry) -> tuple[Any, ...]:
    """A catalogue row's series: city, document, the figure's series, derived or not."""
    return (e.municipality, e.strategy, e.series_key, e.derived)


def shown_entries(
    entries: Sequence[IndicatorEntry],
    command: str = "kommuneintegration compare -f csv",
    note: str | None = None,
) -> tuple[list[IndicatorEntry], str]:
    """The figures a catalogue row shows, and the note when it shows the latest of each series."""
    return latest_of_series(
        entries,
        entry_series,
        note
        or _(
            "Showing the latest figure of each of {series} series ({figures} figures in "
            "all; every figure is in {command})."
        ),
        command,
    )


def distance_lines(evaluation: Evaluation) -> list[str]:
    """The second method's verdict, and a line where the two methods disagree."""
    progress = evaluation.distance
    if progress is None:
        return []
    verdict = progress.status.display
    if progress.ratio is not None:
        verdict += (
            " (" + _("ratio {ratio}").format(ratio=format_number(progress.ratio, decimals=2)) + ")"
        )
    lines = [
        _("second method: {verdict}; {reason}").format(verdict=verdict, reason=progress.reason)
    ]
    if evaluation.methods_disagree:
        lines.append(
            _(
                "the two methods disagree: the target's own rule says {ours}, distance to target says {theirs}"
            ).format(ours=evaluation.status.display, theirs=progress.status.display)
        )
    return lines


def _target_name(strategy: Strategy, target_id: str) -> str:
    """A target as a reader knows it, never by its id: its indicator's label ("1.1
    Beskæftigelsesgabet mellem ..."), or where it names none, its wording."""
    target = next((t for t in strategy.targets if t.id == target_id), None)
    if target is None:
        return target_id
    if target.indicator is not None:
        indicator = strategy.indicator(target.indicator)
        return pick(indicator.label, indicator.label_en)
    return target_wording(target)


def goal_movement_lines(movements: Iterable[GoalMovement]) -> list[str]:
    """Each Integrationsbarometer goal's movement, one line each, with the choice that decided it
    (computed once with the evaluations: ``Evaluations.goal_movements``)."""
    from kommuneintegration.strategy.terms import movement_label

    lines = []
    for goal in movements:
        unknown = _("not assessable")
        parts = "; ".join(
            f"{_target_name(goal.strategy, target)}: {movement_label(m) if m else unknown}"
            for target, m in goal.parts
        )
        line = _("{goal}: {movement} ({parts})").format(
            goal=goal.text,
            movement=movement_label(goal.movement) if goal.movement else unknown,
            parts=parts,
        )
        if goal.choice:
            line += "; " + goal.choice_text
        lines.append(line)
    return lines
