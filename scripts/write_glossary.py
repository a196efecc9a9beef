"""Write docs/glossary.md from the library's own data: ``python scripts/write_glossary.py``.

Every official Danish term the library shows, with the English it uses for it and the
id a program reads, from one home each: the labels of the enums (the Danish catalogue),
the origin categories, the kommunegrupper, the shared catalogue's indicators and topics,
the closed catalogue of concepts, the built-in target groups and country groups.
tests/test_docs.py holds the file to this script's output, so a new term cannot go
undocumented and an old one cannot linger.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def glossary() -> str:
    from kommuneintegration.countries import builtin_groups
    from kommuneintegration.i18n import pgettext, use_language
    from kommuneintegration.municipalities import KOMMUNEGRUPPER
    from kommuneintegration.origin import Origin
    from kommuneintegration.strategy.catalogue import (
        builtin_concepts,
        builtin_target_groups,
        catalogue,
        topics,
    )
    from kommuneintegration.strategy.models import _ENUM_LABELS

    out = [
        "# Glossary: the official Danish terms and the English the library uses",
        "",
        "Written by `scripts/write_glossary.py` from the library's own data, never by hand;",
        "`tests/test_docs.py` holds this file to it. The Danish term is what the output shows",
        "in Danish and what a user may type; the English is what `--lang en` shows; the id is",
        "what JSON, CSV and plugin files carry.",
    ]

    def table(title: str, rows: list[tuple[str, str, str]]) -> None:
        out.extend(["", f"## {title}", "", "| Danish | English | id |", "| --- | --- | --- |"])
        out.extend(f"| {_cell(da)} | {_cell(en)} | `{ident}` |" for da, en, ident in rows)

    table(
        "Origin (herkomst, Danmarks Statistik)",
        [(o.label, o.label_en, o.name.lower()) for o in Origin if o.value],
    )
    table(
        "Kommunegrupper (KOMMUNEGRUPPER v1:2018)",
        [(name, name, str(number)) for number, name in KOMMUNEGRUPPER.items()],
    )
    titles = {
        "DocumentKind": "Document kinds",
        "GoalKind": "Goals (the documents' own words)",
        "Measure": "Measures (opgørelser)",
        "TargetKind": "Target kinds",
        "Comparator": "Comparators",
        "Direction": "Directions",
        "ThemeStatus": "Theme status",
        "Status": "Evaluation status",
    }
    for enum, labels in _ENUM_LABELS.items():
        rows = []
        for value, english in labels.items():
            with use_language("da"):
                danish = pgettext(enum, english)
            rows.append((danish, english, value))
        table(titles.get(enum, enum), rows)
    table(
        "Catalogue indicators",
        [(i.label, i.label_en, cid) for cid, i in catalogue().items()],
    )
    table("Topics (themes)", [(t.label, t.label_en, t.id) for t in topics().values()])
    table(
        "Concepts (the closed catalogue)",
        [(c.label, c.label_en, c.id) for c in builtin_concepts().values()],
    )
    table(
        "Built-in target groups",
        [(g.label, g.label_en, g.id) for g in builtin_target_groups()],
    )
    table(
        "Country groups (landegrupper)",
        [(g.label, g.label_en or g.label, g.id) for g in builtin_groups()],
    )
    return "\n".join(out) + "\n"


def main() -> int:
    GLOSSARY.write_text(glossary(), encoding="utf-8")
    print(f"wrote {GLOSSARY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
