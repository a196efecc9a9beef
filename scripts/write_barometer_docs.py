"""Write the barometer's indicator tables into docs/barometer.md from the records themselves.

``python scripts/write_barometer_docs.py`` replaces what stands between the
markers ``<!-- indicators -->`` and ``<!-- /indicators -->`` (and likewise for
``not-available``); ``tests/test_docs.py`` fails while the page says something
else than the code, so the page cannot fall behind a record.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from kommuneintegration.barometer.indicators import NOT_AVAILABLE, indicators
from kommuneintegration.countries import builtin_groups
from kommuneintegration.i18n import use_language

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "barometer.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def indicator_table() -> str:
    """One row per record: ids, the barometer's number, the tables, ranked, the population
    and how it differs from the barometer's own definition."""
    lines = [
        "| key | barometer | unit, better | ranked | tables | counts | differs from the barometer |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    with use_language("en"):
        for i in indicators([builtin_groups().get("menapt")]):
            better = {"higher": "higher", "lower": "lower", "": "none"}[i.better]
            lines.append(
                "| "
                + " | ".join(
                    _cell(c)
                    for c in (
                        f"`{i.key}`",
                        i.barometer or "context",
                        f"{i.unit}, {better}",
                        "yes" if i.ranked else "no",
                        ", ".join(i.tables),
                        i.shown_population(),
                        i.shown_differs(),
                    )
                )
                + " |"
            )
    return "\n".join(lines)


def not_available_table() -> str:
    lines = ["| barometer | indicator | why not per municipality |", "| --- | --- | --- |"]
    with use_language("en"):
        for item in NOT_AVAILABLE:
            lines.append(
                f"| {item.barometer} | {_cell(item.shown_label())} | {_cell(item.shown_reason())} |"
            )
    return "\n".join(lines)


def page(text: str) -> str:
    """``text`` with both generated tables written anew."""
    for name, table in (
        ("indicators", indicator_table()),
        ("not-available", not_available_table()),
    ):
        text = re.sub(
            rf"(<!-- {name} -->\n).*?(<!-- /{name} -->)",
            lambda m, t=table: m.group(1) + t + "\n" + m.group(2),
            text,
            flags=re.S,
        )
    return text


def main() -> int:
    PAGE.write_text(page(PAGE.read_text("utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
