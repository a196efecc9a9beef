"""The comparison as Markdown tables, for issues, wikis and reports, in the output language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kommuneintegration.i18n import _, pick, written_in
from kommuneintegration.render.cells import markdown_text
from kommuneintegration.render.common import (
    barometer_beside,
    barometer_cells,
    barometer_headings,
    context_headings,
    context_row,
    distance_lines,
    entry_notes,
    entry_value,
    goal_movement_lines,
    not_derived_who,
    shown_entries,
    target_wording,
)
from kommuneintegration.render.text import as_of_note

if TYPE_CHECKING:
    from kommuneintegration.analysis.comparison import (
        CatalogueComparison,
        Comparison,
        ThemeCoverage,
    )


def _cell(text: object) -> str:
    """Untrusted text in a table cell: HTML escaped, Markdown's signs escaped, one line,
    controls visible."""
    return markdown_text(text)


def _row(*headings: str) -> str:
    return "| " + " | ".join(headings) + " |"


def _head(*headings: str) -> list[str]:
    """A table's heading row and its rule, with as many columns as headings."""
    return [_row(*headings), "|" + "---|" * len(headings)]


def _document_status(theme: ThemeCoverage, code: str, strategy_id: str) -> str:
    """How one document covers a topic: "filled", "placeholder" or "absent"."""
    found = [c for c in theme.coverage.get(code, ()) if c[0] == strategy_id]
    if any(status.value == "filled" for _sid, _label, status in found):
        return "filled"
    return "placeholder" if found else "absent"


def _target_group_lines(c: Comparison) -> list[str]:
    lines = [
        "## " + _("Target groups"),
        "",
        *_head(_("Municipality"), _("Document"), _("Kind"), _("Target group"), _("Definition")),
    ]
    for doc in c.documents:
        s = doc.strategy
        definition = doc.target_group.definition if doc.target_group else _("not stated")
        lines.append(
            f"| {_cell(doc.municipality.name)} | {_cell(s.title)} | {_cell(s.kind.display)} | {_cell(s.target_group_wording or '-')} | {_cell(definition)} |"
        )
    return lines


def _theme_lines(c: Comparison) -> list[str]:
    marks = {"filled": _("covered"), "placeholder": _("declared but empty"), "absent": "-"}
    # One column per document, never per city: a proposal must not make a city's
    # policy look as if it covered a theme, nor one document hide another's gaps.
    lines = [
        "",
        "## " + _("Themes"),
        "",
        "| "
        + _("Theme")
        + " | "
        + " | ".join(_cell(f"{d.municipality.name}: {d.strategy.title}") for d in c.documents)
        + " |",
    ]
    lines.append("|---|" + "---|" * len(c.documents))
    for t in c.themes:
        lines.append(
            f"| {_cell(pick(t.topic.label, t.topic.label_en))} | "
            + " | ".join(
                marks[_document_status(t, d.municipality.code, d.strategy.id)] for d in c.documents
            )
            + " |"
        )
    return lines


def _indicator_lines(c: Comparison, row: CatalogueComparison) -> list[str]:
    """One catalogue indicator: its verdict, its figures' table and the notes under it."""
    verdict = _("comparable") if row.comparable else _("not directly comparable")
    label = pick(row.indicator.label, row.indicator.label_en)
    lines = ["", f"### {_cell(label)}: {verdict}", ""]
    lines += [
        *_head(
            _("Municipality"),
            _("Group"),
            _("Age"),
            _("Value"),
            _("Year"),
            _("Concept"),
            _("Source"),
        ),
    ]
    shown, summary = shown_entries(row.entries, "`kommuneintegration compare -f csv`")
    for e in shown:
        who = f"{e.category}: {e.group_label}" if e.category else e.group_label
        value = entry_value(e) + (" (" + _("derived") + ")" if e.derived else "")
        lines.append(
            f"| {_cell(e.municipality_name)} | {_cell(who)} | {_cell(e.age_band or '-')} | {_cell(value)} | {_cell(e.when)} | {_cell(e.concept_label or '-')} | {_cell(e.source)} |"
        )
    lines += (
        [""]
        + ([f"- {summary}"] if summary else [])
        + [f"- ‡ {_cell(who)}: {_cell(note)}" for who, note in entry_notes(shown)]
        + [f"- {_cell(d)}" for d in row.differences]
        + [f"- {_cell(not_derived_who(n, c))}: {_cell(n.reason)}" for n in row.not_derived]
    )
    return lines


def _context_lines(c: Comparison) -> list[str]:
    if not c.context:
        return []
    lines = [
        "",
        "## " + _("Statistikbanken: the city, the whole country and its kommunegruppe"),
        "",
        *_head(*context_headings()),
    ]
    lines += [_row(*map(_cell, context_row(ctx, c, missing="-"))) for ctx in c.context]
    return lines


def _barometer_lines(c: Comparison) -> list[str]:
    if not c.barometer:
        return []
    lines = [
        "",
        "## " + _("Integrationsbarometer from Statistics Denmark's figures"),
        "",
        *_head(*barometer_headings()),
    ]
    for b in c.barometer:
        lines.append(_row(*map(_cell, barometer_cells(b))))
    beside = [(b, line) for b in c.barometer for line in barometer_beside(b)]
    if beside:
        lines.append("")
        lines += [
            f"- {_cell(b.row.name)}, {_cell(b.row.indicator.shown_label())}: {_cell(line)}"
            for b, line in beside
        ]
    return lines


def _disagreement_lines(c: Comparison) -> list[str]:
    if not c.disagreements:
        return []
    lines = ["", "## " + _("Figures that disagree"), ""]
    lines += [
        f"- {_cell(c.name(d.municipality))}: {_cell(d.describe(c.group_label))}"
        for d in c.disagreements
    ]
    return lines


def _evaluation_lines(c: Comparison) -> list[str]:
    lines = [
        "",
        "## " + _("Evaluation (targets against observations)"),
        "",
        *([_cell(as_of_note(c.evaluations)), ""] if as_of_note(c.evaluations) else []),
        *_head(_("Municipality"), _("Document"), _("Target"), _("Status"), _("Reason")),
    ]
    for r in c.evaluations:
        ev = r.evaluation
        lines.append(
            f"| {_cell(r.municipality.name)} | {_cell(r.strategy.id)} | {_cell(target_wording(r.target))} | {_cell(ev.status.display)} | {_cell('; '.join([ev.reason, *distance_lines(ev)]))} |"
        )
    goals = goal_movement_lines(c.evaluations.goal_movements)
    if goals:
        lines += ["", _cell(_("The Integrationsbarometer's movement per goal:")), ""]
        lines += [f"- {_cell(line)}" for line in goals]
    return lines


@written_in
def comparison_to_markdown(c: Comparison) -> str:
    lines = ["# " + _("Integration strategies side by side"), ""]
    lines += _target_group_lines(c)
    lines += _theme_lines(c)
    lines += ["", "## " + _("Indicators")]
    for row in c.indicators:
        lines += _indicator_lines(c, row)
    lines += _context_lines(c)
    lines += _barometer_lines(c)
    lines += _disagreement_lines(c)
    lines += _evaluation_lines(c)
    return "\n".join(lines) + "\n"
