"""Bring the message catalogues in line with the source: ``python scripts/update_catalogue.py``.

Extracts every marked message (the keywords in ``kommuneintegration.i18n.KEYWORDS``)
with Babel, adds the new ones to both catalogues (English: the message itself;
Danish: empty, for a translator), drops those the code no longer uses, and keeps
every translation. ``tests/test_i18n.py`` fails while a message is missing or a
Danish one is empty, so the catalogues cannot fall behind the code unnoticed.

``--plugin DIR [--into da]`` does the same for a plugin's own prose (readings,
notes, summaries: :data:`kommuneintegration.plugins.registry.PROSE`): it writes
``data/locale/<language>.po`` below the plugin's package with every prose text of
its data, keeping the translations already made.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from kommuneintegration.i18n import DOMAIN, KEYWORDS, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "kommuneintegration"


def template() -> Catalog:
    """Every message the package's source marks, with its context and plural."""
    found = Catalog(domain=DOMAIN, project="kommuneintegration", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        found.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return found


def po_path(lang: str) -> Path:
    return PACKAGE / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(lang: str, pot: Catalog) -> Catalog:
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="kommuneintegration", fuzzy=False)
    catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    if lang == "en":  # the source text is the English message
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.id, tuple | list):
                if not all(message.string):
                    message.string = tuple(message.id)
            elif not message.string:
                message.string = message.id
    return catalog


def plugin_catalogue(directory: Path, lang: str) -> int:
    """Write a plugin's ``data/locale/<lang>.po`` (``kommuneintegration translations`` does it)."""
    from kommuneintegration.plugins.scaffold import write_translations

    path, texts, missing = write_translations(directory, lang)
    print(f"{path.relative_to(ROOT)}: {texts} texts, {missing} untranslated")
    return 0


def builtin_data_catalogue(lang: str = "da") -> int:
    """The library's own data prose (built-in target groups): ``data/locale/<lang>.po``."""
    from kommuneintegration.plugins.registry import prose_texts
    from kommuneintegration.plugins.scaffold import write_prose_catalogue
    from kommuneintegration.strategy.catalogue import builtin_target_groups

    path = PACKAGE / "data" / "locale" / f"{lang}.po"
    texts, missing = write_prose_catalogue(
        path, prose_texts(builtin_target_groups()), lang, "kommuneintegration"
    )
    print(f"{path.relative_to(ROOT)}: {texts} texts, {missing} untranslated")
    return 0


def main() -> int:
    if "--data" in sys.argv:
        return builtin_data_catalogue()
    if "--plugin" in sys.argv:
        directory = Path(sys.argv[sys.argv.index("--plugin") + 1]).resolve()
        lang = sys.argv[sys.argv.index("--into") + 1] if "--into" in sys.argv else "da"
        return plugin_catalogue(directory, lang)
    pot = template()
    for lang in LANGUAGES:
        catalog = update(lang, pot)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(
                f, catalog, width=100, omit_header=False, include_lineno=False, sort_output=True
            )
        with path.with_suffix(".mo").open("wb") as f:  # what the library reads at run time
            write_mo(f, catalog)
        missing = [
            m.id
            for m in catalog
            if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)
        ]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
