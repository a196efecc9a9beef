"""The stable JSON shape of a comparison (documented in docs/comparison.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kommuneintegration import __version__
from kommuneintegration.analysis.comparison import ROW_FIELDS, SCHEMA_VERSION, figure_record
from kommuneintegration.i18n import pinned, written_in
from kommuneintegration.render.barometer import row_record

if TYPE_CHECKING:
    from kommuneintegration.analysis.comparison import Comparison, Document, IndicatorEntry
    from kommuneintegration.analysis.evaluation import GoalMovement, TargetEvaluation
    from kommuneintegration.strategy.derive import DerivedFigure, NotDerived
    from kommuneintegration.strategy.models import SourceDocument


def _entry(e: IndicatorEntry) -> dict[str, Any]:
    """A figure as the row schema has it, less what its catalogue row already says."""
    record = figure_record(e)
    return {k: v for k, v in record.items() if k not in ROW_FIELDS}


def not_derived_to_dict(n: NotDerived) -> dict[str, Any]:
    return {
        "kind": n.kind,
        "municipality": n.municipality,
        "strategy": n.strategy,
        "indicator": n.indicator,
        "group": n.group,
        "year": n.year,
        "reason": n.reason,
    }


def derived_to_dict(d: DerivedFigure) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "municipality": d.municipality,
        "strategy": d.strategy,
        "indicator": d.indicator,
        "catalogue": d.catalogue,
        "group": d.group,
        "reference_group": d.reference_group,
        "age_band": d.age_band,
        "category": d.category or None,
        "from_year": d.from_year,
        "year": d.year,
        "value": d.value,
        "unit": d.unit,
        "relative_percent": d.relative,
        "target": d.target,
        "sources": list(d.sources),
    }


@pinned
def evaluation_to_dict(row: TargetEvaluation) -> dict[str, Any]:
    target, e = row.target, row.evaluation
    goal = row.strategy.goal(target.goal).text if target.goal else None
    return {
        "municipality": row.municipality.code,
        "strategy": row.strategy.id,
        "document_kind": row.strategy.kind.value,
        "target": target.id,
        "goal": goal,
        "kind": target.kind.value,
        "wording": target.wording,
        "wording_is_quote": target.wording_is_quote,
        "year_inferred": target.year_inferred or None,
        "reported_reached": target.reported_reached,
        "value": target.value,
        "unit": target.unit,
        "year": target.year,
        "baseline_year": target.baseline_year,
        "status": e.status.value,
        "status_label": e.status.label,
        "reason": e.reason,
        "reading": e.reading,
        "alternative": e.alternative or None,
        "progress": e.progress or None,
        "rule": e.rule,
        # The second method beside the target's own rule (null where it does not apply).
        "progress_status": e.distance.status.value if e.distance else None,
        "progress_ratio": e.distance.ratio if e.distance else None,
        "progress_method": e.distance.method if e.distance else None,
        "progress_reason": e.distance.reason if e.distance else None,
        "methods_disagree": e.methods_disagree,
        "as_of": row.as_of,
        "source": str(target.provenance) if target.provenance else None,
    }


def _document(d: SourceDocument | None) -> dict[str, Any] | None:
    """A document's bibliographic identity (never the project's own file name)."""
    if d is None:
        return None
    return {
        "key": d.key,
        "publisher": d.publisher,
        "title": d.title,
        "status": d.status.value,
        "status_label": d.status.label,
        "year": d.year,
        "date": d.date or None,
        "address": d.address or None,
        "citation": d.citation(),
    }


@pinned
def goal_movement_to_dict(g: GoalMovement) -> dict[str, Any]:
    return {
        "municipality": g.municipality.code,
        "strategy": g.strategy.id,
        "goal": g.goal,
        "text": g.text,
        "movement": g.movement,
        "targets": [{"target": t, "movement": m} for t, m in g.parts],
        "choice": g.choice or None,
        "choice_text": g.choice_text or None,
    }


def _strategy_to_dict(d: Document) -> dict[str, Any]:
    """One document of a city: its identity, target group, notes and themes."""
    s, group = d.strategy, d.target_group
    return {
        "id": s.id,
        "title": s.title,
        "kind": s.kind.value,
        "kind_label": s.kind.label,
        "period": str(s.period) if s.period else None,
        "author": s.author,
        "source": str(s.source),
        "document": _document(s.source.cited),
        "target_group": {
            "id": s.target_group,
            "wording": s.target_group_wording or None,
            "label": group.label if group else None,
            "definition": group.definition if group else None,
            "reading": group.reading if group else None,
        },
        "notes": [
            {
                "id": n.id,
                "text": n.text,
                "quote": n.provenance.quote or None,
                "source": str(n.provenance),
            }
            for n in s.notes
        ],
        "themes": [
            {
                "id": t.id,
                "label": t.label,
                "topics": list(t.topics),
                "status": t.status.value,
                "note": t.note or None,
            }
            for t in s.themes
        ],
    }


def _municipalities(c: Comparison) -> list[dict[str, Any]]:
    """Each city compared, with its documents in the comparison's order."""
    municipalities = []
    for m in c.municipalities:
        docs = [d for d in c.documents if d.municipality.code == m.code]
        municipalities.append(
            {
                "code": m.code,
                "name": m.name,
                "plugin": docs[0].plugin if docs else None,
                "strategies": [_strategy_to_dict(d) for d in docs],
            }
        )
    return municipalities


def _indicators(c: Comparison) -> list[dict[str, Any]]:
    """Each catalogue indicator's row: its verdict and every city's figures."""
    return [
        {
            "id": row.indicator.id,
            "label": row.indicator.label,
            "label_en": row.indicator.label_en,
            "measure": row.indicator.measure.value,
            "unit": row.indicator.unit,
            "comparable": row.comparable,
            "compare_note": row.indicator.note or None,
            "differences": list(row.differences),
            "not_derived": [not_derived_to_dict(n) for n in row.not_derived],
            "entries": [_entry(e) for e in row.entries],
        }
        for row in c.indicators
    ]


def _context(c: Comparison) -> list[dict[str, Any]]:
    """Statistics Denmark's panel: each city beside the country and its kommunegruppe."""
    return [
        {
            "municipality": r.municipality,
            "table": r.table,
            "group": r.group,
            "group_label": c.group_label(r.group),
            "age_band": r.age_band,
            "year": r.year,
            "unit": r.unit,
            "value": r.value,
            "country": r.country,
            "kommunegruppe": r.group_name,
            "kommunegruppe_median": r.group_median,
            "kommunegruppe_size": r.group_size,
            "source": r.source,
            "note": r.note or None,
        }
        for r in c.context
    ]


def _barometer(c: Comparison) -> list[dict[str, Any]]:
    """Each city's barometer row, with the targets and national figures beside it."""
    return [
        {
            **row_record(b.row),
            "targets": [{"strategy": e.strategy.id, "target": e.target.id} for e in b.targets],
            "national": [
                {
                    "label": f.label,
                    "value": f.value,
                    "unit": f.unit,
                    "year": f.year,
                    "age_band": f.age_band,
                    "source": f.source,
                }
                for f in b.national
            ],
        }
        for b in c.barometer
    ]


def _disagreements(c: Comparison) -> list[dict[str, Any]]:
    """Figures for the same thing that disagree: the one used and the others."""
    return [
        {
            "municipality": d.municipality,
            "strategy": d.strategy,
            "indicator": d.indicator,
            "group": d.group,
            "age_band": d.age_band,
            "year": d.year,
            "used": {
                "value": d.used.value,
                "unit": d.used.unit,
                "source": str(d.used.provenance),
            },
            "not_used": [
                {"value": o.value, "unit": o.unit, "source": str(o.provenance)} for o in d.others
            ],
        }
        for d in c.disagreements
    ]


def _themes(c: Comparison) -> list[dict[str, Any]]:
    """Each topic's coverage per city, and the documents' sections that cover it."""
    return [
        {
            "id": t.topic.id,
            "label": t.topic.label,
            "label_en": t.topic.label_en,
            "coverage": {
                m.code: {
                    "status": t.status(m.code),
                    "sections": [
                        {"strategy": sid, "theme": label, "status": status.value}
                        for sid, label, status in t.coverage.get(m.code, ())
                    ],
                }
                for m in c.municipalities
            },
        }
        for t in c.themes
    ]


@written_in
def comparison_to_dict(c: Comparison) -> dict[str, Any]:
    """The documented JSON shape (``docs/comparison.md``), version :data:`SCHEMA_VERSION`."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_by": f"kommuneintegration {__version__}",
        "municipalities": _municipalities(c),
        "indicators": _indicators(c),
        "derived": [derived_to_dict(d) for d in c.derived],
        "not_derived": [not_derived_to_dict(n) for n in c.not_derived],
        "evaluations": [evaluation_to_dict(r) for r in c.evaluations],
        "goal_movements": [goal_movement_to_dict(g) for g in c.evaluations.goal_movements],
        "context": _context(c),
        "barometer": _barometer(c),
        "disagreements": _disagreements(c),
        "themes": _themes(c),
    }


def _json(data: Any) -> str:
    """JSON as every command writes it: UTF-8 text, indented, no NaN or infinity."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


@written_in
def comparison_to_json(c: Comparison) -> str:
    return _json(comparison_to_dict(c))


def evaluations_to_json(rows: Iterable[TargetEvaluation]) -> str:
    return _json([evaluation_to_dict(r) for r in rows])
