"""A plugin's own prose in the output language: readings, notes, summaries, translated by it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from kommuneintegration.cli import main
from kommuneintegration.datafile import load_plugin_data
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.i18n import use_language
from kommuneintegration.models import Municipality
from kommuneintegration.plugins import PluginHost
from kommuneintegration.registry import prose_texts
from kommuneintegration.schema import DataFileError

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ["aalborg", "aarhus", "kobenhavn", "danmark"]


def _data(city: str) -> Path:
    (data,) = (ROOT / "plugins" / city / "src").glob("*/data")
    return data


@pytest.mark.parametrize("city", BUNDLED)
def test_every_bundled_plugin_translates_all_its_prose_into_danish(city):
    data = load_plugin_data(_data(city))
    texts = set(prose_texts(data.strategies)) | set(prose_texts(data.target_groups))
    texts |= set(prose_texts(data.documents))
    with (_data(city) / "locale" / "da.po").open("rb") as f:
        catalogue = {m.id: m for m in read_po(f, locale="da") if m.id}
    assert sorted(texts - catalogue.keys()) == [], "run scripts/update_catalogue.py --plugin"
    assert sorted(catalogue.keys() - texts) == [], "the catalogue keeps texts no longer used"
    assert [m.id for m in catalogue.values() if not m.string or m.fuzzy] == []
    for text, message in catalogue.items():
        # Figures survive translation: every digit group of the text is in its
        # translation, whatever the separators (35.6 is 35,6; 100,826 is 100.826).
        missing = set(re.findall(r"\d+", text)) - set(re.findall(r"\d+", message.string))
        assert missing == set(), (text, message.string)


@pytest.mark.parametrize("city", BUNDLED)
def test_no_prose_names_a_file_that_exists_only_here(city):
    data = load_plugin_data(_data(city))
    for text in prose_texts(data.strategies):
        assert not re.search(r"\bseed\b|\.txt\b", text, re.I), text
    for table in data.translations.values():
        for text in table.values():
            assert not re.search(r"\bseed\b|\.txt\b", text, re.I), text


def _run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out=out) == 0
    return " ".join(out.getvalue().split())


@pytest.mark.installed_plugins
def test_readings_and_notes_follow_the_language_and_quotes_do_not():
    danish = _run("--lang", "da", "evaluate", "-m", "851")
    english = _run("--lang", "en", "evaluate", "-m", "851")
    assert "læsning: Mindsteandelen (måltallet) af kommunens ansatte" in danish
    assert "the minimum share of the municipality's employees" not in danish
    assert "reading: Måltal: the minimum share of the municipality's employees" in english
    # The source's own words are the same in both.
    quote = "“Andelen af medarbejdere med flerkulturel baggrund i Aalborg Kommune øges.”"
    assert quote in danish
    assert quote in english


class Translating:
    """A throwaway plugin with a reading in Danish and its English translation."""

    def __init__(self, table):
        self.table = table

    @hookimpl
    def municipality(self):
        return Municipality("461", "Odense")

    @hookimpl
    def strategies(self, municipality):
        import attrs
        from helpers import make_strategy

        strategy = make_strategy(
            targets=[
                {
                    "id": "t",
                    "indicator": "rate",
                    "kind": "direction",
                    "direction": "increase",
                    "wording": "Flere i job",
                    "reading": "Læst som en stigning.",
                }
            ]
        )
        return [attrs.evolve(strategy, summary="Et udkast.")]

    @hookimpl
    def translations(self):
        return self.table


def test_a_plugin_translation_replaces_only_its_prose():
    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(
        Translating({"en": {"Læst som en stigning.": "Read as a rise.", "Flere i job": "x"}}),
        name="odense",
    )
    registry = host.registry()
    english = registry.in_language("en")
    (strategy,) = english.strategies["461"]
    assert strategy.targets[0].reading == "Read as a rise."
    assert strategy.targets[0].wording == "Flere i job"  # the source's words: never
    assert strategy.summary == "Et udkast."  # no translation: as written
    (strategy,) = registry.in_language("da").strategies["461"]
    assert strategy.targets[0].reading == "Læst som en stigning."  # no Danish for it: as written
    assert registry.in_language("en") is english  # made once per language


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"fr": {"a": "b"}}, "names language 'fr'"),
        (["a"], "must return a mapping"),
        ({"en": {"a": 1}}, "must map text to text"),
    ],
)
def test_a_bad_translations_hook_is_the_plugins_problem(table, message):
    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(Translating(table), name="odense")
    (problem,) = host.registry().problems
    assert problem.plugin == "odense"
    assert message in problem.message


def test_a_catalogue_for_an_unknown_language_or_broken_is_reported_with_its_file(tmp_path):
    from test_concepts import plugin_folder

    root = plugin_folder(tmp_path, "employment-gap")
    (root / "locale").mkdir()
    (root / "locale" / "fr.po").write_text('msgid "a"\nmsgstr "b"\n', "utf-8")
    (root / "locale" / "da.po").write_text("this is not a catalogue\n", "utf-8")
    with pytest.raises(DataFileError) as info:
        load_plugin_data(root)
    found = [str(p) for p in info.value.problems]
    assert any("locale/fr.po" in p and "no language 'fr'" in p for p in found), found
    assert any("locale/da.po" in p and "not a readable gettext catalogue" in p for p in found)


def test_an_empty_or_fuzzy_translation_keeps_the_text_as_written(tmp_path):
    from test_concepts import plugin_folder

    root = plugin_folder(tmp_path, "employment-gap")
    (root / "locale").mkdir()
    (root / "locale" / "en.po").write_text(
        'msgid "a reading"\nmsgstr ""\n\n#, fuzzy\nmsgid "b"\nmsgstr "c"\n\nmsgid "d"\nmsgstr "e"\n',
        "utf-8",
    )
    assert load_plugin_data(root).translations == {"en": {"d": "e"}}


def test_the_language_of_a_block_picks_the_translation():
    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(Translating({"en": {"Læst som en stigning.": "Read as a rise."}}), name="odense")
    from kommuneintegration.evaluation import evaluate_all

    with use_language("en"):
        (row,) = evaluate_all(host.registry())
    assert row.target.reading == "Read as a rise."
    with use_language("da"):
        (row,) = evaluate_all(host.registry())
    assert row.target.reading == "Læst som en stigning."


def test_the_librarys_own_data_prose_has_its_danish():
    from kommuneintegration.catalogue import builtin_target_groups
    from kommuneintegration.default_plugins.translations import translations

    texts = set(prose_texts(builtin_target_groups()))
    assert texts  # the built-in groups do hold prose
    assert texts <= set(translations()["da"])


def test_the_translations_command_writes_a_plugins_catalogue_and_keeps_what_is_made(
    tmp_path, capsys
):
    """What a plugin author runs: every prose text once, translations made kept, atomically."""
    from test_concepts import plugin_folder

    root = plugin_folder(tmp_path, "employment-gap")
    out = io.StringIO()
    assert main(["--lang", "en", "translations", str(root), "--into", "da"], out=out) == 0
    path = root / "locale" / "da.po"
    assert f"Wrote {path}: 1 texts, 1 without a translation" in out.getvalue()
    with path.open("rb") as f:
        (message,) = [m for m in read_po(f, locale="da") if m.id]
    assert message.id == "a level"  # the target's reading in the test strategy
    # A translator fills in the entry (edited as a catalogue, not as Babel's layout of it).
    with path.open("rb") as f:
        catalogue = read_po(f, locale="da")
    catalogue["a level"].string = "a level, read"
    with path.open("wb") as f:
        write_po(f, catalogue)
    assert main(["translations", str(root), "--into", "da"], out=io.StringIO()) == 0
    assert load_plugin_data(root).translations == {"da": {"a level": "a level, read"}}
    assert main(["translations", str(tmp_path / "nowhere")], out=io.StringIO()) == 1
    assert "no plugin data here" in capsys.readouterr().err


def test_translations_takes_a_plugin_by_name_and_leaves_an_unchanged_catalogue_alone(capsys):
    """What README and docs/first-city.md promise: the installed plugin's name works; running
    it again on translations already made rewrites nothing (not even Babel's version)."""
    import importlib.util

    spec = importlib.util.find_spec("kommuneintegration_aalborg")
    if spec is None:  # the bundled plugins are installed by README's test command
        pytest.fail("the bundled plugin kommuneintegration_aalborg is not installed")
    po = Path(spec.origin).parent / "data" / "locale" / "da.po"
    before = po.read_bytes()
    stamp = po.stat().st_mtime_ns
    # a catalogue written by another Babel release than the one installed
    older = before.replace(b"Generated-By: Babel ", b"Generated-By: Babel 0.", 1)
    po.write_bytes(older)
    try:
        out = io.StringIO()
        assert main(["--lang", "en", "translations", "aalborg", "--into", "da"], out=out) == 0
        assert "0 without a translation" in out.getvalue()
        assert po.read_bytes() == older  # byte for byte: nothing in it changed
        assert f"{po} is unchanged" in out.getvalue()  # and it says so, not "Wrote"
        assert "Wrote" not in out.getvalue()
        out = io.StringIO()
        assert main(["--lang", "da", "translations", "aalborg", "--into", "da"], out=out) == 0
        assert f"{po} er uændret" in out.getvalue()
        assert "Skrev" not in out.getvalue()
    finally:
        po.write_bytes(before)
    assert main(["--lang", "en", "translations", "aalborg", "--into", "en"], out=io.StringIO()) == 0
    note = capsys.readouterr().err
    assert "the plugin's prose is written in en" in note
    assert "--into da writes the other language's catalogue" in note
    assert not (po.parent / "en.po").exists()
    assert stamp  # the file existed before the test


def test_one_plugin_cannot_reword_anothers_prose():
    """Translations are untrusted: a plugin's table applies to its own data only."""

    class Other(Translating):
        @hookimpl
        def municipality(self):
            return Municipality("147", "Frederiksberg")

        @hookimpl
        def strategies(self, municipality):
            return []

    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(Translating({}), name="odense")
    host.register(Other({"en": {"Læst som en stigning.": "Odense failed."}}), name="aaa-other")
    (strategy,) = host.registry().in_language("en").strategies["461"]
    assert strategy.targets[0].reading == "Læst som en stigning."


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (
            'msgid ""\nmsgstr "Plural-Forms: nplurals=100000000000000000000; plural=0;\\n"\n',
            "plural forms",
        ),
        ('msgid ""\nmsgstr "Content-Type: text/plain; charset=bogus-8\\n"\n', "unknown charset"),
        # issue 35: hidden behind "_" (int() reads "1_000_000"), after 8 KB, behind a decoy
        # line, or split over two strings: each read as Babel would read it, and refused
        (
            'msgid ""\nmsgstr "Plural-Forms: nplurals=1_000_000_000; plural=0;\\n"\n',
            "plural forms",
        ),
        (
            "#" * 9000 + '\nmsgid ""\nmsgstr "Plural-Forms: nplurals=999999999; plural=0;\\n"\n',
            "plural forms",
        ),
        (
            '# Plural-Forms: nplurals=2; a decoy\nmsgid ""\n'
            'msgstr "Plural-Forms: nplurals=999999999; plural=0;\\n"\n',
            "plural forms",
        ),
        (
            'msgid ""\nmsgstr ""\n"Plural-Forms: npl"\n"urals=999999999; plural=0;\\n"\n',
            "plural forms",
        ),
        (
            'msgid ""\nmsgstr "Plural-Forms: nplurals=\uff19\uff19\uff19\uff19\uff19\uff19; plural=0;\\n"\n',
            "plural forms",
        ),
        ('msgid "a"\nmsgstr "b"\n' + "#" * (3 * 1024 * 1024), "at most"),
    ],
)
def test_a_translation_file_is_bounded_before_it_is_parsed(tmp_path, content, why):
    """Refused with its file before Babel reads it: no 10^20 plural slots, no LookupError."""
    from kommuneintegration.datafile import load_translations
    from kommuneintegration.schema import Problem

    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "da.po").write_text(content, encoding="utf-8")
    problems: list[Problem] = []
    assert load_translations(tmp_path, problems) == {}
    (problem,) = problems
    assert why in problem.message
    assert "da.po" in str(problem)


def test_translations_keeps_fuzzy_flags_comments_and_obsolete_entries(tmp_path):
    """The translator's work survives: fuzzy stays fuzzy (and untranslated), comments
    stay, a text gone from the data stays obsolete, and a rerun changes no byte."""
    from test_concepts import plugin_folder

    root = plugin_folder(tmp_path, "employment-gap")
    assert main(["translations", str(root), "--into", "da"], out=io.StringIO()) == 0
    path = root / "locale" / "da.po"
    with path.open("rb") as f:
        catalogue = read_po(f, locale="da")
    message = catalogue["a level"]
    message.string = "a level, maybe"
    message.flags.add("fuzzy")
    message.user_comments.append("check with the author")
    catalogue.add("a text no longer in the data", "kept for the translator")
    with path.open("wb") as f:
        write_po(f, catalogue)
    out = io.StringIO()
    assert main(["--lang", "en", "translations", str(root), "--into", "da"], out=out) == 0
    assert "1 without a translation" in out.getvalue()  # fuzzy is not translated yet
    with path.open("rb") as f:
        again = read_po(f, locale="da")
    kept = again["a level"]
    assert kept.string == "a level, maybe"
    assert kept.fuzzy
    assert "check with the author" in kept.user_comments
    assert "a text no longer in the data" in again.obsolete
    before = path.read_bytes()
    assert main(["translations", str(root), "--into", "da"], out=io.StringIO()) == 0
    assert path.read_bytes() == before
