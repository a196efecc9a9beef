"""The comparison as Markdown tables, for issues, wikis and reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kommuneintegration.units import format_value

if TYPE_CHECKING:
    from kommuneintegration.comparison import Comparison


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def comparison_to_markdown(c: Comparison) -> str:
    lines = ["# Integration strategies side by side", ""]
    lines += [
        "## Målgrupper (target groups)",
        "",
        "| Kommune | Dokument | Art | Målgruppe | Definition |",
        "|---|---|---|---|---|",
    ]
    for doc in c.documents:
        s = doc.strategy
        definition = doc.target_group.definition if doc.target_group else "not stated"
        lines.append(
            f"| {doc.municipality.name} | {_cell(s.title)} | {s.kind.label} | {_cell(s.target_group_wording or '-')} | {definition} |"
        )
    lines += [
        "",
        "## Temaer (themes)",
        "",
        "| Tema | " + " | ".join(m.name for m in c.municipalities) + " |",
    ]
    lines.append("|---|" + "---|" * len(c.municipalities))
    for t in c.themes:
        lines.append(
            f"| {t.topic.label} | " + " | ".join(t.status(m.code) for m in c.municipalities) + " |"
        )
    lines += ["", "## Indikatorer (figures)"]
    for row in c.indicators:
        verdict = "comparable" if row.comparable else "not directly comparable"
        lines += ["", f"### {row.indicator.label} ({row.indicator.label_en}): {verdict}", ""]
        lines += [
            "| Kommune | Gruppe | Alder | Værdi | År | Begreb | Kilde |",
            "|---|---|---|---|---|---|---|",
        ]
        for e in row.entries:
            who = f"{e.category}: {e.group_label}" if e.category else e.group_label
            value = format_value(e.value, e.unit) + (" (derived)" if e.derived else "")
            lines.append(
                f"| {e.municipality_name} | {_cell(who)} | {e.age_band or '-'} | {value} | {e.when} | {_cell(e.concept)} | {_cell(e.source)} |"
            )
        lines += (
            [""]
            + [f"- {_cell(d)}" for d in row.differences]
            + [f"- {_cell(n.reason)}" for n in row.not_derived]
        )
    lines += [
        "",
        "## Evaluering (targets)",
        "",
        "| Kommune | Dokument | Mål | Status | Begrundelse |",
        "|---|---|---|---|---|",
    ]
    for r in c.evaluations:
        ev = r.evaluation
        lines.append(
            f"| {r.municipality.name} | {r.strategy.id} | {_cell(r.target.wording)} | {ev.status.label} | {_cell(ev.reason)} |"
        )
    return "\n".join(lines) + "\n"
