"""Write a new municipality plugin: an installable package with data, a test and a README.

``kommuneintegration new-plugin odense --code 461`` is the command-line face
of :func:`new_plugin`. The package it writes passes its own test as written, and
is listed by ``kommuneintegration plugins`` once installed with ``pip install``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from string import Template
from typing import Any

import tomli_w

from kommuneintegration.errors import KommuneintegrationError
from kommuneintegration.i18n import _
from kommuneintegration.municipalities import official_municipalities
from kommuneintegration.safefile import atomic_write, write_text
from kommuneintegration.words import spellings

__all__ = ["ScaffoldError", "new_plugin"]


class ScaffoldError(KommuneintegrationError, ValueError):
    """The plugin cannot be written (bad name or code, or the folder exists)."""


def _title(v: dict[str, str]) -> str:
    """The municipality's official name ("Københavns Kommune"), as its documents' publisher."""
    official = official_municipalities().get(v["code"])
    return official.title() if official is not None else f"{v['municipality']} Kommune"


def _pyproject(v: dict[str, str]) -> str:
    return tomli_w.dumps(
        {
            "build-system": {"requires": ["hatchling>=1.18"], "build-backend": "hatchling.build"},
            "project": {
                "name": f"kommuneintegration-{v['name']}",
                "version": "0.1.0",
                "description": f"{_title(v)} ({v['code']}) for kommuneintegration.",
                "readme": "README.md",
                "requires-python": ">=3.11",
                "dependencies": ["kommuneintegration>=0.1"],
                "optional-dependencies": {"test": ["pytest>=8"]},
                "entry-points": {"kommuneintegration": {v["name"]: f"{v['package']}:plugin"}},
            },
            "tool": {
                "hatch": {"build": {"targets": {"wheel": {"packages": [f"src/{v['package']}"]}}}}
            },
        }
    )


def _init(v: dict[str, str]) -> str:
    return (
        f'"""Strategy data for kommuneintegration: municipality {v["code"]}.\n\n'
        'The data lives in ``data/plugin.toml`` and ``data/strategies/*.toml``.\n"""\n\n'
        "from kommuneintegration.plugins.dataplugin import DataPlugin\n\n"
        "plugin = DataPlugin(__name__)\n"
    )


def _plugin_toml(v: dict[str, str]) -> str:
    head = (
        "# The municipality and the target groups its documents speak of.\n"
        "# A target group of your own, if the built-in ones (danish-origin, immigrants,\n"
        "# descendants, immigrants-and-descendants, non-western, western, menapt, all) do not\n"
        "# say what your documents mean.\n"
    )
    return head + tomli_w.dumps(
        {
            "municipality": {"code": v["code"], "name": v["municipality"]},
            "documents": [
                {
                    "key": "eksempel-dokument",
                    "publisher": _title(v),
                    "title": "EKSEMPEL: replace with the title of your municipality's document",
                    "status": "adopted-policy",
                    "year": 2024,
                    "address": "where a reader can find it, e.g. the municipality's web site",
                }
            ],
            "target_groups": [
                {
                    "id": f"{v['name']}:target-group",
                    "label": "borgere med anden etnisk baggrund end dansk",
                    "origins": ["immigrant", "descendant"],
                    "reading": "How you read the document's term: say so where the document does not define it.",
                }
            ],
        }
    )


def _strategy_toml(v: dict[str, str]) -> str:
    head = (
        "# AN EXAMPLE, NOT DATA. This file shows the shape of a strategy document; its\n"
        "# figure is invented. While `example = true` is set, compare and evaluate refuse\n"
        "# it. Replace everything with your municipality's own document, every figure\n"
        "# with its provenance (the document and the table or section), then delete the\n"
        "# `example` line. See docs/plugins.md for every key.\n"
    )
    group = f"{v['name']}:target-group"
    example_source = {"document": "eksempel-dokument", "section": "EKSEMPEL"}
    return head + tomli_w.dumps(
        {
            "example": True,
            "id": f"{v['name']}-strategy",
            "title": "EKSEMPEL: Integrationspolitik",
            "kind": "adopted-policy",
            "period": "2024-2027",
            "author": f"{v['municipality']} Byråd",
            "target_group": group,
            "source": example_source,
            **_example_content(group, example_source),
        },
        multiline_strings=False,
    )


def _example_content(group: str, example_source: dict[str, str]) -> dict[str, Any]:
    """The example strategy's theme, goal, indicator, target and invented figure."""
    return {
        "themes": [{"id": "employment", "label": "Beskæftigelse", "topics": ["employment"]}],
        "goals": [
            {
                "id": "g1",
                "kind": "målsætning",
                "theme": "employment",
                "text": "EKSEMPEL: Flere borgere med anden etnisk baggrund end dansk skal i beskæftigelse.",
            }
        ],
        "indicators": [
            {
                "id": "employment-rate",
                "label": "Beskæftigelsesfrekvens",
                "measure": "rate",
                "unit": "percent",
                "target_group": group,
                "age_band": "16-64",
                "concept": "employment-frequency",
                "catalogue": "employment-rate",
            }
        ],
        "targets": [
            {
                "id": "g1-employment",
                "goal": "g1",
                "indicator": "employment-rate",
                "group": group,
                "kind": "direction",
                "direction": "increase",
                "baseline_year": 2023,
                "year": 2027,
                "wording": "EKSEMPEL: Beskæftigelsesfrekvensen skal stige.",
                "reading": "Higher in 2027 than in 2023.",
            }
        ],
        "observations": [
            {
                "indicator": "employment-rate",
                "group": group,
                "age_band": "16-64",
                "year": 2023,
                "value": 60.0,
                "unit": "percent",
                "provenance": example_source,
                "note": "EKSEMPEL: an invented figure",
            }
        ],
    }


def _test(v: dict[str, str]) -> str:
    return f'''"""The plugin's data loads and validates in the host, as the library would load it."""

from kommuneintegration.plugins import PluginHost

from {v["package"]} import plugin

NAME = {v["name"]!r}
CODE = {v["code"]!r}
MUNICIPALITY = {v["municipality"]!r}


def test_plugin_data_is_valid():
    host = PluginHost(load_entrypoints=False)
    host.register(plugin, name=NAME)
    registry = host.registry()
    # The one problem allowed is the example marker new-plugin set; it goes away
    # when you replace the example with your municipality's document.
    problems = [str(p) for p in registry.problems if not p.path.endswith(": example")]
    assert problems == []
    assert plugin.data.municipality.name == MUNICIPALITY
    assert plugin.data.municipality.code == CODE
    assert plugin.data.strategies
'''


_README = Template("""# kommuneintegration-$name

$municipality Kommune ($code) for [kommuneintegration](https://pypi.org/project/kommuneintegration/).

Edit `src/$package/data/plugin.toml` and the files in
`src/$package/data/strategies/`, then:

```
pip install -e . && pytest && kommuneintegration plugins
```

`kommuneintegration plugins` lists the plugin with any problem in its data,
naming the file and key.
""")


def new_plugin(
    name: str, code: str, directory: str | Path = ".", municipality: str | None = None
) -> Path:
    """Write the package ``<directory>/<name>`` and return its path.

    ``code`` must be one of the 98 DST municipality codes; ``municipality``
    defaults to DST's name for it. Every file is written with proper escaping
    (tomli-w for TOML, ``repr`` for Python literals) and atomically. The
    strategy it writes is an example, marked ``example = true``, which the host
    refuses until it is replaced.
    """
    name_text = _checked(name, code, municipality)
    target = Path(directory) / name
    if target.exists() or target.is_symlink():  # a link to nowhere is there too
        raise ScaffoldError(
            _("{path} already exists; choose another --dir or name").format(path=target)
        )
    values = {
        "name": name,
        "code": code,
        "package": f"kommuneintegration_{name}",
        "municipality": name_text.strip(),
    }
    package = target / "src" / values["package"]
    files = {
        target / "pyproject.toml": _pyproject(values),
        target / "README.md": _README.substitute(values),
        package / "__init__.py": _init(values),
        package / "data" / "plugin.toml": _plugin_toml(values),
        package / "data" / "strategies" / "strategy.toml": _strategy_toml(values),
        target / "tests" / f"test_{name}.py": _test(values),
    }
    # Written into a folder beside the target, renamed into place when whole: a failure
    # half-way leaves no half-written package. A --dir not there yet is made.
    _write_package(target, _staging(target, name), files)
    return target


def _checked(name: str, code: str, municipality: str | None) -> str:
    """The municipality's name as the plugin will give it, once the plugin's name, the
    code and that name are found sound."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ScaffoldError(
            _(
                "plugin name {name} must be lower case letters, digits and underscores, "
                "starting with a letter"
            ).format(name=repr(name))
        )
    official = official_municipalities()
    if not re.fullmatch(r"[0-9]{3}", code, flags=re.ASCII) or code not in official:
        examples = ", ".join(f"{m.code} {m.name}" for m in list(official.values())[:3])
        raise ScaffoldError(
            _(
                "municipality code {code} is not one of the 98 DST municipality codes "
                "(three ASCII digits: {examples}, ...)"
            ).format(code=repr(code), examples=examples)
        )
    name_text = official[code].name if municipality is None else municipality
    if not name_text.strip() or any(ch in name_text for ch in "\r\n\x00"):
        raise ScaffoldError(
            _("municipality name {name} must be one line of text").format(name=repr(name_text))
        )
    if not spellings(name_text) & spellings(official[code].name):
        # The host loads a plugin only under its code's official name.
        raise ScaffoldError(
            _(
                "municipality {code} is {official}, not {given}; leave --municipality out, "
                "or write its official name"
            ).format(code=code, official=repr(official[code].name), given=repr(name_text))
        )
    return name_text


def _staging(target: Path, name: str) -> Path:
    """A new folder beside ``target`` to write the package into (``--dir`` made if need be)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file, or a link to nowhere, by that name
        raise ScaffoldError(
            _("--dir {path}: is a file, not a folder; choose a folder").format(path=target.parent)
        ) from None
    except OSError as exc:
        raise ScaffoldError(
            _("--dir {path}: the folder cannot be written ({error})").format(
                path=target.parent, error=exc.strerror or exc
            )
        ) from None
    try:
        return Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
    except FileExistsError:  # every temporary name mkdtemp tried is taken
        raise ScaffoldError(
            _(
                "--dir {path}: no temporary folder could be made there (every name tried is "
                "taken); remove stale .{name}.* folders there or choose another --dir"
            ).format(path=target.parent, name=name)
        ) from None
    except OSError as exc:
        raise ScaffoldError(
            _("--dir {path}: the folder cannot be written ({error})").format(
                path=target.parent, error=exc.strerror or exc
            )
        ) from None


def _write_package(target: Path, staging: Path, files: dict[Path, str]) -> None:
    """Write ``files`` (paths under ``target``) into ``staging`` and rename it to ``target``;
    on any failure the staging folder is removed."""
    try:
        # mkdtemp makes its folder private (0700): the package gets the user's normal
        # permissions, as a folder made with mkdir would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        for path, text in files.items():
            staged = staging / path.relative_to(target)
            staged.parent.mkdir(parents=True, exist_ok=True)
            write_text(staged, text)
        os.rename(staging, target)
    except FileExistsError:
        shutil.rmtree(staging, ignore_errors=True)
        raise ScaffoldError(
            _("{path} already exists; choose another --dir or name").format(path=target)
        ) from None
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ScaffoldError(
            _("{path}: cannot be written ({error})").format(path=target, error=exc.strerror or exc)
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def plugin_data_folder(path: str | Path) -> Path:
    """The folder holding ``plugin.toml``: ``path`` itself, a package's ``src/*/data``, or
    the data folder of the installed plugin of that name ("odense")."""
    root = Path(path)
    if (root / "plugin.toml").is_file():
        return root
    found = [p for p in sorted(root.glob("src/*/data")) if (p / "plugin.toml").is_file()]
    if len(found) == 1:
        return found[0]
    installed = _installed_data_folder(str(path))
    if installed is not None:
        return installed
    raise ScaffoldError(
        _(
            "{path}: no plugin data here, and no installed plugin of that name; give the "
            "plugin's name, its folder (with src/<package>/data/plugin.toml) or its data folder"
        ).format(path=root)
    )


def _installed_data_folder(name: str) -> Path | None:
    """The ``data`` folder of the installed plugin ``name``, found by its entry point."""
    import importlib.metadata
    import importlib.util

    from kommuneintegration.plugins.hookspecs import ENTRY_POINT_GROUP

    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name != name:
            continue
        spec = importlib.util.find_spec(ep.module.split(":")[0])
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        for location in locations:
            data = Path(location) / "data"
            if (data / "plugin.toml").is_file():
                return data
    return None


def write_translations(path: str | Path, lang: str) -> tuple[Path, int, int]:
    """Write or update a plugin's ``data/locale/<lang>.po`` with every prose text of its data.

    The prose is what :data:`kommuneintegration.plugins.registry.PROSE` names (readings,
    notes, summaries ...), each ``msgid`` as written in the TOML files.
    Translations already made are kept, texts no longer in the data dropped.
    Returns the file, the number of texts and how many are still untranslated.
    """
    from kommuneintegration.i18n import resolve_language
    from kommuneintegration.plugins.registry import prose_texts
    from kommuneintegration.strategy.datafile import load_plugin_data

    lang = resolve_language(lang)
    data = plugin_data_folder(path)
    loaded = load_plugin_data(data)
    texts = [
        *prose_texts(loaded.strategies),
        *prose_texts(loaded.target_groups),
        *prose_texts(loaded.documents),
    ]
    target = data / "locale" / f"{lang}.po"
    if lang == loaded.prose_language:
        raise SameLanguageError(lang, data)
    return target, *write_prose_catalogue(target, texts, lang, data.parent.name)


class SameLanguageError(ScaffoldError):
    """The prose is written in the language asked for: there is nothing to translate."""

    def __init__(self, lang: str, data: Path) -> None:
        self.lang = lang
        other = next(code for code in ("da", "en") if code != lang)
        super().__init__(
            _(
                "{data}: the plugin's prose is written in {lang} (prose_language in "
                "plugin.toml), so there is nothing to translate into it; --into {other} "
                "writes the other language's catalogue"
            ).format(data=data, lang=lang, other=other)
        )


def _without_generator(po: bytes) -> bytes:
    import re

    return re.sub(rb'^"Generated-By: [^"\n]*\\n"\n', b"", po, count=1, flags=re.M)


def write_prose_catalogue(
    target: Path, texts: Iterable[str], lang: str, project: str
) -> tuple[int, int]:
    """Write ``target`` (a gettext ``.po`` file) with each text once, keeping what is translated.

    Translations made are kept with their fuzzy flags and comments; texts no longer
    given are kept as obsolete entries; an unchanged catalogue is left alone, byte
    for byte. Written atomically. Returns the number of texts and how many are still
    untranslated (a fuzzy entry is not yet translated).
    """
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    old: Any = None
    if target.exists():
        with target.open("rb") as f:
            old = read_po(f, locale=lang)
    made = {str(m.id): m for m in old if m.id} if old is not None else {}
    catalog = Catalog(locale=lang, project=project, fuzzy=False)
    if old is not None:  # the header as the translator left it (no new creation date)
        catalog.creation_date = old.creation_date
        catalog.revision_date = old.revision_date
        catalog.last_translator = old.last_translator
        catalog.language_team = old.language_team
    unique = list(dict.fromkeys(texts))
    for text in unique:
        before = made.get(text)
        if before is None:
            catalog.add(text, "")
        else:  # kept as the translator left it: fuzzy flag, comments and all
            catalog.add(
                text,
                before.string,
                flags=before.flags,
                user_comments=before.user_comments,
                auto_comments=before.auto_comments,
            )
    if old is not None:
        # Texts no longer in the data stay as obsolete entries ("#~"), for the translator.
        for gone, message in made.items():
            if gone not in catalog:
                catalog.obsolete[gone] = message
        for key, message in old.obsolete.items():
            catalog.obsolete.setdefault(key, message)
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, include_lineno=False)
    data = out.getvalue()
    target.parent.mkdir(parents=True, exist_ok=True)
    # An unchanged catalogue stays as it is, byte for byte: the version of Babel that
    # wrote it (its Generated-By line) is no change of the translations.
    if not (
        target.exists() and _without_generator(target.read_bytes()) == _without_generator(data)
    ):
        with atomic_write(target, "wb") as handle:
            handle.write(data)
    untranslated = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
    return len(unique), untranslated
