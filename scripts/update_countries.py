"""Write ``src/kommuneintegration/data/iso3166.tsv`` from pycountry: ``python scripts/update_countries.py``.

The library reads its country codes and names (ISO 3166-1 with the Danish names of
the iso-codes project) from that table, so that no command needs pycountry at run
time and no new release of pycountry's data changes a country's name in an output
unnoticed: the table changes only when a maintainer runs this script and commits
the difference. pycountry is a development dependency (``.[test]``).

Columns: alpha-2, alpha-3, the numeric code, the English name, official name and common name, and the
Danish translation of each (empty where the source has none).
"""

from __future__ import annotations

import gettext
import sys
from importlib.metadata import version
from pathlib import Path

import pycountry

TABLE = (
    Path(__file__).resolve().parent.parent / "src" / "kommuneintegration" / "data" / "iso3166.tsv"
)
HEADER = (
    "alpha_2",
    "alpha_3",
    "numeric",
    "name",
    "official_name",
    "common_name",
    "name_da",
    "official_name_da",
    "common_name_da",
)


def rows() -> list[tuple[str, ...]]:
    try:
        danish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["da"])
    except OSError:  # pragma: no cover - a pycountry without locales
        danish = gettext.NullTranslations()
    table = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        english = [getattr(country, a, "") for a in ("name", "official_name", "common_name")]
        translated = [danish.gettext(n) if n else "" for n in english]
        table.append((country.alpha_2, country.alpha_3, country.numeric, *english, *translated))
    return table


def text() -> str:
    lines = [
        "# ISO 3166-1 from pycountry "
        + version("pycountry")
        + " (iso-codes), with the Danish names of"
        " its translations; written by scripts/update_countries.py, not by hand.",
        "\t".join(HEADER),
    ]
    for row in rows():
        if any("\t" in cell or "\n" in cell for cell in row):  # pragma: no cover
            raise SystemExit(f"a name with a tab or line break: {row}")
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"


def main() -> int:
    TABLE.write_text(text(), encoding="utf-8")
    print(f"{TABLE}: {len(rows())} countries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
