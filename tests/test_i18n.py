"""One vocabulary in two languages: the catalogue is complete, and every output uses it.

Three nets, each able to fail on its own:

- the catalogue against the source: every message the code marks is in both
  languages' catalogues with a translation, and the catalogues hold nothing else;
- every lookup at run time, over every command's output, finds its message
  (a message built at run time, which extraction cannot see, is caught here);
- a pseudo-translation marks every catalogue text in the output; what is left
  unmarked must be data from the plugins (names, titles, quotations, readings),
  so a user-visible string written straight into a renderer fails the test.
"""

from __future__ import annotations

import enum
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from kommuneintegration import i18n
from kommuneintegration.cli import commands, main
from kommuneintegration.i18n import (
    KEYWORDS,
    LanguageError,
    format_number,
    resolve_language,
    use_language,
)

PACKAGE = Path(i18n.__file__).parent


def _catalogue(lang: str) -> Any:
    path = PACKAGE / "locale" / lang / "LC_MESSAGES" / "kommuneintegration.po"
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _key(message_id: Any, context: str | None) -> tuple[str | None, str]:
    first = message_id[0] if isinstance(message_id, tuple | list) else message_id
    return (context, first)


def _marked() -> set[tuple[str | None, str]]:
    return {
        _key(message, context)
        for _file, _line, message, _comments, context in extract_from_dir(
            PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
        )
    }


# --- the catalogue against the source -------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_marked_message_is_translated_and_nothing_else_is_kept(lang):
    catalogue = _catalogue(lang)
    held = {_key(m.id, m.context): m for m in catalogue if m.id}
    marked = _marked()
    assert len(marked) > 150  # the extraction itself works
    missing = sorted(marked - held.keys(), key=str)
    assert missing == [], f"not in the {lang} catalogue; run scripts/update_catalogue.py"
    untranslated = [
        key
        for key, m in held.items()
        if (not all(m.string) if isinstance(m.string, tuple) else not m.string) or m.fuzzy
    ]
    assert untranslated == [], f"untranslated or fuzzy in {lang}"
    unused = sorted(held.keys() - marked, key=str)
    assert unused == [], f"the {lang} catalogue holds messages the code no longer uses"


def test_placeholders_survive_translation():
    """ "{year}" in the English message is "{year}" in the Danish one: format() cannot fail."""
    fields = re.compile(r"\{(\w*)\}")
    for message in _catalogue("da"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(fields.findall(ids[-1]))
        for string in strings:
            assert set(fields.findall(string)) == wanted, (message.id, string)


def test_the_danish_catalogue_holds_the_official_terms():
    from kommuneintegration.models import GoalKind
    from kommuneintegration.rules import Status

    assert Status.MISSED.label == "ikke nået"
    assert GoalKind.MAIN_GOAL.label == "hovedmål"
    with use_language("en"):
        assert Status.MISSED.display == "not achieved"
        assert Status.MISSED.label == "ikke nået"  # the official term, whatever the language
    with use_language("da"):
        assert Status.ON_TRACK.display == "på rette vej"
    # Typed in either language, or as the id.
    assert GoalKind("hovedmål") is GoalKind("main goal") is GoalKind("main-goal")


def test_the_origin_terms_are_catalogue_messages_read_in_either_language():
    from kommuneintegration.origin import Origin

    assert [o.label for o in Origin] == [
        "uoplyst", "dansk oprindelse", "indvandrer", "efterkommer"
    ]  # fmt: skip
    with use_language("en"):
        assert Origin.DESCENDANT.label_plural == "efterkommere"  # official, whatever the language
        assert Origin.DESCENDANT.label_plural_en == "descendants"
    assert Origin.parse("efterkommere") is Origin.parse("descendants") is Origin.DESCENDANT


_CHOOSES_BY_LANGUAGE = re.compile(r"""\b(lang|language\(\))\s*[!=]=\s*["']""")
_DANISH_FIELD = re.compile(r"^\s+\w+_da\s*:", re.MULTILINE)


def test_only_i18n_chooses_by_language():
    """One rule for bilingual text (docs/languages.md): code text is a catalogue message and
    data's text a pair ``x`` / ``x_en`` read by ``i18n.pick``; nothing else picks a language."""
    package = Path(__file__).parents[1] / "src" / "kommuneintegration"
    found = [
        f"{path.relative_to(package)}: {match.group(0).strip()}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "i18n.py" or path.parent != package
        for pattern in (_CHOOSES_BY_LANGUAGE, _DANISH_FIELD)
        for match in pattern.finditer(path.read_text("utf-8"))
    ]
    assert not found


# --- languages, numbers and dates ------------------------------------------------------------


def _date_parts(text: str) -> list[str]:
    """A written date as its day, month name and year, whatever the locale's punctuation."""
    return [part.casefold() for part in re.findall(r"\w+", text)]


def test_numbers_and_dates_follow_the_language():
    import datetime

    from kommuneintegration.units import format_value

    with use_language("da"):
        assert format_value(6.3, "percent") == "6,3 %"
        assert format_value(100826, "person") == "100.826 pers."
        assert format_value(17, "percentage_point") == "17 procentpoint"
        assert format_number(-0.9, signed=True) == "-0,9"
        assert _date_parts(i18n.format_date(datetime.date(2023, 6, 19))) == ["19", "juni", "2023"]
    with use_language("en"):
        assert format_value(6.3, "percent") == "6.3 %"
        assert format_value(100826, "person") == "100,826 pers."
        assert format_value(17, "percentage_point") == "17 pp"
        assert format_number(2.5, signed=True) == "+2.5"
        assert _date_parts(i18n.format_date(datetime.date(2023, 6, 19))) == ["19", "june", "2023"]
    # A figure keeps its digits; float noise does not show.
    with use_language("en"):
        assert format_number(0.1 + 0.2) == "0.3"
        assert format_number(1234567) == "1,234,567"
        assert format_number(35.6) == "35.6"


@settings(max_examples=300)
@given(
    value=st.one_of(
        st.integers(-(10**9), 10**9),
        st.floats(-1e7, 1e7, allow_nan=False, allow_infinity=False),
        st.decimals(-100000, 100000, places=3, allow_nan=False).map(float),
    ),
    signed=st.booleans(),
    decimals=st.one_of(st.none(), st.integers(0, 3)),
    lang=st.sampled_from(["da", "en"]),
)
def test_numbers_are_laid_out_as_babel_lays_them_out(value, signed, decimals, lang):
    """The fast layout of digits gives what Babel's format_decimal gives, place for place.

    Babel's signs for the locale are read as ours (the signs are the library's own, in
    NUMBER_SIGNS), so grouping, rounding and signs are compared, not CLDR's bytes.
    """
    from decimal import Decimal

    from babel.numbers import (
        format_decimal,
        get_decimal_symbol,
        get_group_symbol,
        get_minus_sign_symbol,
        get_plus_sign_symbol,
    )

    if decimals is not None:
        number = Decimal(f"{value:.{decimals}f}")
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    else:
        number = Decimal(int(value)) if float(value).is_integer() else Decimal(f"{value:.10g}")
        pattern = "#,##0.###"
    if signed:
        pattern = f"+{pattern};-{pattern}"
    if number == 0:  # a zero is never negative: -0.04 to one decimal is "0,0", not "-0,0"
        number = abs(number)
    locale = {"da": "da_DK", "en": "en_GB"}[lang]
    laid_out = format_decimal(
        number, format=pattern, locale=locale, decimal_quantization=decimals is not None
    )
    theirs = (
        get_decimal_symbol(locale),
        get_group_symbol(locale),
        get_plus_sign_symbol(locale),
        get_minus_sign_symbol(locale),
    )
    ours = i18n.NUMBER_SIGNS[lang]
    expected = "".join(ours[theirs.index(char)] if char in theirs else char for char in laid_out)
    with use_language(lang):
        assert format_number(value, signed=signed, decimals=decimals) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("da", "da"), ("EN", "en"), ("dansk", "da"), ("English", "en"), ("da_DK.UTF-8", "da")],
)
def test_languages_are_read_as_people_write_them(typed, expected):
    assert resolve_language(typed) == expected


def test_an_unknown_language_is_refused_with_the_choices(monkeypatch, capsys):
    with pytest.raises(LanguageError, match=r"unknown language 'fr'; expected one of da, en"):
        resolve_language("fr")
    monkeypatch.setenv("KOMMUNEINTEGRATION_LANG", "klingon")
    with pytest.raises(LanguageError, match="KOMMUNEINTEGRATION_LANG: unknown language"):
        resolve_language(None)
    with pytest.raises(LanguageError, match="KOMMUNEINTEGRATION_LANG: unknown language"):
        i18n.language()  # a library call outside use_language names the variable too
    with pytest.raises(SystemExit) as stopped:
        main(["--lang", "fr", "plugins"])
    assert stopped.value.code == 2
    assert "unknown language 'fr'" in capsys.readouterr().err


def test_the_default_is_danish_and_the_environment_can_change_it(monkeypatch):
    monkeypatch.delenv("KOMMUNEINTEGRATION_LANG", raising=False)
    assert i18n.language() == "da"
    monkeypatch.setenv("KOMMUNEINTEGRATION_LANG", "en")
    assert i18n.language() == "en"
    with use_language("da"):
        assert i18n.language() == "da"
    assert i18n.language() == "en"


def test_quantities_print_as_the_reports_write_them():
    from kommuneintegration import gap, percent

    difference = gap(percent(77), percent(60))
    with use_language("en"):
        assert str(difference) == "17 pp"
        assert f"{difference}" == "17 pp"
        assert format(difference, "~P")  # pint's own format specs still work
    with use_language("da"):
        assert str(difference) == "17 procentpoint"
        assert str(percent(6.3)) == "6,3 %"
    printed: list[str] = []

    class Printer:  # IPython's pretty printer, as far as _repr_pretty_ uses it
        def text(self, value: str) -> None:
            printed.append(value)

    with use_language("en"):
        difference._repr_pretty_(Printer(), False)
    assert printed == ["17 pp"]
    # The user's own pint quantities keep pint's printing: the registry is shared.
    import pint

    from kommuneintegration import percentage_points

    theirs = pint.get_application_registry().Quantity(17, "percentage_point")
    assert not isinstance(theirs, type(difference))
    with use_language("en"):
        assert str(theirs) != str(percentage_points(17)) == "17 pp"


# --- every command, both languages: every lookup is in the catalogue -------------------------


def _run(*argv: str) -> str:
    import io

    out = io.StringIO()
    assert main(list(argv), out=out) == 0
    return out.getvalue()


#: How the output checks below run each command of the parser (``cli.commands()``).
EXAMPLES: dict[str, list[tuple[str, ...]]] = {
    "compare": [("compare",), ("compare", "-f", "markdown")],
    "evaluate": [("evaluate",)],
    "show": [("show", "851"), ("show", "101"), ("show", "751"), ("show", "000")],
    "plugins": [("plugins", "--all")],
}
#: The commands the output checks do not run, and why (each is tested where it writes).
NOT_RUN: dict[str, str] = {
    "report": "writes a file: the checks run it with a temporary --out",
    "fetch": "needs the Statbank: tests/test_statbank.py runs it against a stand-in",
    "barometer": "needs a filled Statbank cache: tests/test_barometer.py, in both languages",
    "new-plugin": "writes a package: tests/test_scaffold.py",
    "translations": "writes a catalogue: tests/test_plugin_translations.py",
    "classify": "reads and writes register files: tests/test_population.py",
    "synthesize": "writes a register file: tests/test_population.py",
}
COMMANDS = [argv for command in commands() for argv in EXAMPLES.get(command, ())]


def test_every_command_of_the_parser_is_run_or_says_why_not():
    assert sorted(EXAMPLES.keys() | NOT_RUN.keys()) == sorted(commands())
    assert not EXAMPLES.keys() & NOT_RUN.keys()


@pytest.fixture
def looked_up(monkeypatch) -> list[tuple[str | None, str]]:
    """Every message looked up, with its context, while the test runs."""
    seen: list[tuple[str | None, str]] = []
    real = i18n._catalogue

    class Recording:
        def __init__(self, lang: str) -> None:
            self.inner = real(lang)

        def gettext(self, message: str) -> str:
            seen.append((None, message))
            return self.inner.gettext(message)

        def pgettext(self, context: str, message: str) -> str:
            seen.append((context, message))
            return self.inner.pgettext(context, message)

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            seen.append((None, singular))
            return self.inner.ngettext(singular, plural, n)

    monkeypatch.setattr(i18n, "_catalogue", Recording)
    return seen


@pytest.mark.installed_plugins
@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_message_an_output_looks_up_is_in_the_catalogue(lang, looked_up, tmp_path):
    for argv in COMMANDS:
        _run("--lang", lang, *argv)
    _run("--lang", lang, "report", "--out", str(tmp_path / "r.html"))
    held = {_key(m.id, m.context) for m in _catalogue(lang) if m.id}
    assert len(set(looked_up)) > 80
    assert sorted(set(looked_up) - held, key=str) == []


# --- nothing user-visible escapes the catalogue ----------------------------------------------

OPEN, CLOSE = "⟦", "⟧"


#: Fields that hold prose (a reading, a note): shown whole, never cut into a column, so
#: they may appear only whole. Labels, names and titles may be wrapped in a table's
#: column, so their words count one by one.
PROSE = frozenset(
    {
        "reading", "alternative_reading", "note", "notes", "description", "summary", "text",
        "detail", "restriction", "concept_note", "year_inferred", "quote", "compare_note",
        "source", "placeholder", "definition",
    }
)  # fmt: skip


def _data_words(
    value: Any, seen: set[int] | None = None, field: str = ""
) -> Iterator[tuple[bool, str]]:
    """Every string the plugins and the shipped data hold, and whether it is prose."""
    seen = set() if seen is None else seen
    if id(value) in seen and not isinstance(value, str):
        return
    seen.add(id(value))
    if isinstance(value, enum.Enum):
        yield False, str(value.value)
    elif isinstance(value, str):
        yield field in PROSE, value
    elif attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            yield from _data_words(getattr(value, f.name), seen, f.name)
        yield True, str(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _data_words(k, seen, field)
            yield from _data_words(v, seen, field)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _data_words(item, seen, field)
    elif value is not None:
        yield False, str(value)


WORD = re.compile(r"[^\W\d_]{2,}")
#: An id ("workforce-target-2021", "kobenhavn:udvalgte-menapt"): shown whole, as data, but
#: its parts are no licence for the same words elsewhere ("target" in a legend).
ID = re.compile(r"[a-z0-9][a-z0-9.]*(?:[:_-][a-z0-9.]+)+")


def _ids(texts: list[str]) -> set[str]:
    return {t for t in texts if ID.fullmatch(t)}


def _normal(text: str) -> str:
    """Whitespace as one space, and a word wrapped after its hyphen joined again."""
    return re.sub(r"(?<=\w-) (?=\w)", "", " ".join(text.split()))


Vocabulary = tuple[set[str], set[str], list[str]]


def _vocabulary() -> Vocabulary:
    """The words of short data, the ids, and the long data texts that may appear unmarked."""
    from kommuneintegration.catalogue import catalogue, topics
    from kommuneintegration.plugins import get_host

    registry = get_host().registry()
    found = list(_data_words(registry.strategies))
    found += _data_words(registry.target_groups)
    found += _data_words(registry.country_groups)
    found += _data_words(registry.municipalities)
    found += _data_words(catalogue())
    found += _data_words(topics())
    found += _data_words(registry.concepts)
    found += [
        (True, str(p)) for s in registry.strategies.values() for d in s for p in _provenances(d)
    ]
    found += [
        (True, t)
        for tables in registry.translations.values()
        for table in tables.values()
        for t in table.values()
    ]
    for info in get_host().plugins(defaults=True):
        found += [(False, t) for t in (info.name, *info.hooks, *info.strategies)]
    # The program's own name and its commands, as they are typed.
    found += [(False, t) for t in ("kommuneintegration compare", "Statistikbanken")]
    ids = _ids([t for _prose, t in found])
    labels = [t for prose, t in found if not prose and t not in ids]
    long = sorted({_normal(t) for prose, t in found if prose and t}, key=len, reverse=True)
    words = {w.casefold() for text in labels for w in WORD.findall(text)}
    return words, ids, long


def _provenances(strategy: Any) -> Iterator[Any]:
    for item in (*strategy.observations, *strategy.targets, *strategy.indicators, *strategy.notes):
        if item.provenance is not None:
            yield item.provenance


def _stray(text: str, vocabulary: Vocabulary) -> set[str]:
    """Words of ``text`` outside the catalogue's marks that no data string holds.

    Long data texts are taken out whole; ids count only whole; a label cut to fit
    ("ligebehandl…") counts as the data word it begins.
    """
    words, ids, long = vocabulary
    found = set()
    left = _normal(_unmarked(text))
    for data in long:
        if data in left:
            left = re.sub(rf"(?<!\w){re.escape(data)}(?!\w)", " ", left)
    left = ID.sub(lambda m: " " if m.group() in ids else m.group(), left)
    for match in WORD.finditer(left):
        word = match.group().casefold()
        cut = left[match.end() : match.end() + 1] == "…"
        if word in words or (cut and any(v.startswith(word) for v in words)):
            continue
        found.add(match.group())
    return found


def _unmarked(text: str) -> str:
    """The text with every catalogue text (innermost first) taken out."""
    inner = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
    while True:
        stripped = inner.sub(" ", text)
        if stripped == text:
            return text
        text = stripped


@pytest.fixture
def pseudo(monkeypatch) -> None:
    """Every catalogue text comes out between ⟦ and ⟧.

    The plugins are loaded first: reading their data looks the official Danish
    terms up in the catalogue (``kind = "hovedmål"``), which the marks would spoil.
    """
    from kommuneintegration.plugins import get_host

    get_host().registry()
    real = i18n._catalogue

    class Marking:
        def __init__(self, lang: str) -> None:
            self.inner = real(lang)

        def gettext(self, message: str) -> str:
            return OPEN + self.inner.gettext(message) + CLOSE

        def pgettext(self, context: str, message: str) -> str:
            return OPEN + self.inner.pgettext(context, message) + CLOSE

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return OPEN + self.inner.ngettext(singular, plural, n) + CLOSE

    monkeypatch.setattr(i18n, "_catalogue", Marking)


def _visible_html(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    labels = " ".join(re.findall(r"aria-label='([^']*)'", page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + labels)


@pytest.mark.installed_plugins
@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_user_visible_text_bypasses_the_catalogue(lang, pseudo, tmp_path):
    vocabulary = _vocabulary()
    outputs = {" ".join(argv): _run("--lang", lang, *argv) for argv in COMMANDS}
    _run("--lang", lang, "report", "--out", str(tmp_path / "r.html"))
    outputs["report"] = _visible_html((tmp_path / "r.html").read_text(encoding="utf-8"))
    stray = {name: sorted(_stray(text, vocabulary)) for name, text in outputs.items()}
    assert {name: words for name, words in stray.items() if words} == {}


def test_the_pseudo_check_catches_a_string_written_into_a_renderer(pseudo, monkeypatch):
    """The net above can fail: an English word put straight into the output is found."""
    from kommuneintegration.render import text as text_renderer

    real = text_renderer._heading
    monkeypatch.setattr(text_renderer, "_heading", lambda title: real(f"{title} Unmarked"))
    output = _run("--lang", "en", "compare", "--full", "-m", "851")
    assert "Unmarked" in WORD.findall(_unmarked(output))


# --- the two languages say the same thing ----------------------------------------------------


@pytest.mark.installed_plugins
def test_both_languages_show_the_same_figures_and_structure():
    danish = json.loads(_run("--lang", "da", "compare", "-f", "json"))
    english = json.loads(_run("--lang", "en", "compare", "-f", "json"))
    values = lambda data: [  # noqa: E731
        (e["municipality"], e["indicator"], e["group"], e["year"], e["value"], e["unit"])
        for row in data["indicators"]
        for e in row["entries"]
    ]
    assert values(danish) == values(english)
    da_text = _run("--lang", "da", "compare", "--full")
    en_text = _run("--lang", "en", "compare", "--full")
    assert "Målgrupper" in da_text
    assert "Target groups" in en_text
    assert "35,6 %" in da_text
    assert "35.6 %" in en_text
    assert "35.6 %" not in da_text
    assert da_text.count("\n[") == en_text.count("\n[")


def _as_data(catalogue: Any) -> dict[str, Any]:
    """What a compiled catalogue means: its messages, their plural forms and its plural rule.

    A generator's header (``Generated-By``, dates) and the byte layout of the file are
    left out: a new release of Babel changes those without changing a single message.
    """
    messages = {
        (m.context, m.id if isinstance(m.id, str) else tuple(m.id)): (
            m.string if isinstance(m.string, str) else tuple(m.string)
        )
        for m in catalogue
        if m.id and not m.fuzzy
    }
    return {
        "messages": messages,
        "plural_forms": catalogue.plural_forms,
        "num_plurals": catalogue.num_plurals,
        "charset": catalogue.charset.lower(),
    }


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_compiled_catalogue_is_the_po_file_compiled(lang):
    """The library reads the .mo file; translators edit the .po file: they say the same.

    Compared as data (messages, translations, plural forms), so that a new release of
    the compiler, which writes its own version into the header, cannot fail the test.
    A fuzzy entry in the .po file is not compiled, so it must not be in the .mo file.
    """
    import gettext as _gettext

    from babel.messages.mofile import read_mo

    shipped_path = PACKAGE / "locale" / lang / "LC_MESSAGES" / "kommuneintegration.mo"
    with shipped_path.open("rb") as f:
        shipped = _as_data(read_mo(f))
    source = _as_data(_catalogue(lang))
    hint = (
        f"{shipped_path.name} ({lang}) says something else than its .po file: the maintainers "
        "recompile it with scripts/update_catalogue.py and commit both"
    )
    assert shipped == source, hint
    # The standard library, which reads the file at run time, sees the same messages.
    with shipped_path.open("rb") as f:
        runtime = _gettext.GNUTranslations(f)
    for (context, message_id), string in source["messages"].items():
        if isinstance(message_id, tuple):
            singular, plural = message_id
            got = (
                runtime.npgettext(context, singular, plural, 1)
                if context
                else runtime.ngettext(singular, plural, 1)
            )
            assert got == string[0]
        else:
            got = runtime.pgettext(context, message_id) if context else runtime.gettext(message_id)
            assert got == string


def test_the_compiled_catalogue_comparison_sees_a_changed_translation():
    """The data comparison above can fail: a translation changed in memory is told apart."""
    catalogue = _catalogue("da")
    before = _as_data(catalogue)
    message = next(m for m in catalogue if m.id and isinstance(m.id, str) and m.string)
    message.string = message.string + "!"
    assert _as_data(catalogue) != before


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--help"], ["brug: kommuneintegration", "vis denne hjælp og afslut", "kommandoer:"]),
        (["--lang", "en", "--help"], ["usage: kommuneintegration", "show this help message"]),
        (["compare", "--help", "--lang", "en"], ["code or name; repeat for more", "options:"]),
        (["compare", "--help"], ["tilvalg:", "kode eller navn; gentag for flere"]),
    ],
)
def test_the_help_is_in_the_language_asked_for(argv, words, capsys, monkeypatch):
    monkeypatch.delenv("KOMMUNEINTEGRATION_LANG", raising=False)
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for expected in words:
        assert expected in text


@pytest.mark.installed_plugins
def test_a_comparison_is_written_in_the_language_it_was_made_in():
    from kommuneintegration.comparison import compare
    from kommuneintegration.plugins import get_host
    from kommuneintegration.render.html import comparison_to_html
    from kommuneintegration.render.jsonout import comparison_to_json
    from kommuneintegration.render.markdown import comparison_to_markdown
    from kommuneintegration.render.text import comparison_to_text

    registry = get_host().registry()
    with use_language("da"):
        danish = compare(registry, municipalities=["851"])
    assert danish.language == "da"
    with use_language("en"):  # a notebook whose default is English renders it
        text = comparison_to_text(danish)
        markdown = comparison_to_markdown(danish)
        page = comparison_to_html(danish)
        data = json.loads(comparison_to_json(danish))
        told = comparison_to_text(danish, lang="en")
    assert "Indikatorer (tallene side om side)" in text
    assert "Indicators (figures side by side)" not in text
    assert "## Indikatorer" in markdown
    assert "<html lang='da'" in page
    assert {r["status_label"] for r in data["evaluations"]} <= {
        "nået", "ikke nået", "på rette vej", "ikke på rette vej", "kan ikke vurderes",
        "oplyst som nået", "reglen fejlede",
    }  # fmt: skip
    assert "Indicators (figures side by side)" in told  # unless told otherwise


def _gettext_traps(source: str) -> list[str]:
    """Where a module that imports ``_`` from the catalogue would lose it or hide a message:
    a parameter, loop variable or assignment named ``_`` (it shadows gettext, so the
    message is formatted by something else), and ``_("...")`` inside an f-string (Babel's
    extraction does not see it, so the message never reaches the catalogue)."""
    import ast

    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.arg == "_":
            found.append(f"line {node.lineno}: a parameter named _")
        elif isinstance(node, ast.For | ast.comprehension):
            targets = [node.target] if not isinstance(node.target, ast.Tuple) else node.target.elts
            if isinstance(node, ast.For) and any(
                isinstance(t, ast.Name) and t.id == "_" for t in targets
            ):
                found.append(f"line {node.lineno}: a loop variable named _")
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "_" for t in node.targets
        ):
            found.append(f"line {node.lineno}: an assignment to _")
        elif isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in {"_", "ngettext", "pgettext"}
                    and any(
                        isinstance(a, ast.Constant) and isinstance(a.value, str) for a in inner.args
                    )
                ):
                    found.append(f"line {inner.lineno}: a message looked up inside an f-string")
    return found


def test_no_module_hides_a_message_from_the_catalogue():
    import kommuneintegration

    root = Path(kommuneintegration.__file__).parent
    problems = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text("utf-8")
        if "from kommuneintegration.i18n import" not in source:
            continue
        problems += [f"{path.relative_to(root)}, {p}" for p in _gettext_traps(source)]
    assert problems == []


def test_the_trap_check_sees_each_trap():
    assert _gettext_traps("def f(value, _):\n    pass\n")
    assert _gettext_traps("for _ in range(3):\n    pass\n")
    assert _gettext_traps("x = f\"{_('hidden')}\"\n")
    assert _gettext_traps("y = _('seen')\n") == []
    assert _gettext_traps('z = f"{_(label)}"\n') == []  # a marked message looked up by value


def test_plugin_and_data_file_problems_are_in_the_output_language(tmp_path):
    from kommuneintegration.datafile import load_strategy
    from kommuneintegration.hookspecs import hookimpl
    from kommuneintegration.models import Municipality
    from kommuneintegration.plugins import PluginHost
    from kommuneintegration.schema import DataFileError

    class Nowhere:
        @hookimpl
        def municipality(self):
            return Municipality("999", "Atlantis")

    def problems(lang):
        with use_language(lang):
            host = PluginHost(load_entrypoints=False, strict=False)
            host.register(Nowhere(), name="atlantis")
            return [str(p) for p in host.registry().problems]

    (danish,) = problems("da")
    (english,) = problems("en")
    assert "pluginet 'atlantis'" in danish
    assert "er ikke en af Danmarks Statistiks 98 kommunekoder" in danish
    assert "is not one of Statistics Denmark's 98" in english
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\ntitle = 5\n', encoding="utf-8")
    with use_language("da"), pytest.raises(DataFileError) as caught:
        load_strategy(bad)
    assert "forventede tekst, fik int 5" in str(caught.value)
    assert str(bad.name) in str(caught.value)


@pytest.mark.parametrize(
    ("argv", "danish", "english"),
    [
        (["new-plugin"], "følgende argumenter mangler: name, --code", "the following arguments are required"),
        (["compare", "-f", "xyz"], "ugyldigt valg: 'xyz'", "invalid choice: 'xyz'"),
        (["fetch", "--frob"], "ukendte argumenter: --frob", "unrecognized arguments: --frob"),
        (["classify", "x.csv", "-o", "y.csv", "--chunk-rows", "0"], "skal være mellem 1 og", "must be between 1 and"),
    ],
)  # fmt: skip
def test_argparse_complains_in_the_output_language(argv, danish, english, capsys):
    import argparse

    from kommuneintegration.cli import main

    before = argparse.__dict__["_"]
    for lang, words in (("da", danish), ("en", english)):
        with pytest.raises(SystemExit):
            main(["--lang", lang, *argv])
        err = capsys.readouterr().err
        assert words in err
        assert ("fejl:" in err) == (lang == "da")
    assert argparse.__dict__["_"] is before  # argparse is the program's own again


#: Commands whose errors, warnings and notes a user meets on stderr: each run in the pseudo
#: check below (exit code, argv; "{tmp}" is a temporary folder, "{bad}" a bad CSV file).
STDERR_COMMANDS: list[tuple[int, tuple[str, ...]]] = [
    (0, ("compare", "-m", "851")),  # the note: no figures from Statistics Denmark
    (1, ("compare", "-m", "999")),  # an unknown municipality
    (1, ("evaluate", "--observations", "{bad}")),  # rejected rows, located
    (1, ("fetch", "-m", "851")),  # no network
    (1, ("fetch", "--offline")),  # an empty cache
    (1, ("barometer", "-m", "461")),  # nothing for the barometer
    (1, ("barometer", "-m", "Atlantis")),
    (2, ("new-plugin",)),  # argparse's own complaint
    (2, ("compare", "-f", "xyz")),
]


@pytest.mark.installed_plugins
@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_message_on_stderr_bypasses_the_catalogue(lang, pseudo, tmp_path, monkeypatch, capsys):
    from kommuneintegration.cli import main

    monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "obs.csv"
    bad.write_text(
        "municipality,indicator,group,age_band,year,value,unit,source\n"
        "851,workforce-non-western,non-western,,2022,fem,%,x\n",
        encoding="utf-8",
    )
    vocabulary = _vocabulary()
    stray = {}
    for expected, argv in STDERR_COMMANDS:
        filled = [a.format(tmp=tmp_path, bad=bad) for a in argv]
        try:
            code = main(["--lang", lang, *filled], out=io.StringIO())
        except SystemExit as exit_:
            code = exit_.code
        err = capsys.readouterr().err
        assert code == expected, (argv, err)
        assert err.strip(), argv
        # what the user typed and where things are: paths, addresses, the bad value
        for typed in (str(tmp_path), "http://127.0.0.1:9/v1", "https://api.statbank.dk/v1"):
            err = err.replace(typed, " ")
        err = re.sub(r"/[^\s⟧]+", " ", err)
        if code == 2:  # argparse's usage (the options as typed), then its complaint
            err = err.strip().splitlines()[-1]
        err = err.replace("'fem'", " ").replace("'xyz'", " ").replace("Atlantis", " ")
        words = sorted(_stray(err, vocabulary) - {"kommuneintegration", "obs", "csv"})
        if words:
            stray[" ".join(argv)] = words
    assert stray == {}, stray


@pytest.mark.parametrize(
    ("danish", "english"),
    [
        ("november 2022", "November 2022"),
        ("4. kvartal 2016", "Q4 2016"),
        ("1. kvartal 2025", "Q1 2025"),
        ("1. januar 2021", "1 January 2021"),
        ("2009-2015", "2009-2015"),
        ("skrevet i efteråret", "skrevet i efteråret"),
    ],
)
def test_a_period_is_written_in_the_output_language(danish, english):
    from kommuneintegration.i18n import period_label

    with use_language("en"):
        assert period_label(danish) == english
    with use_language("da"):
        assert period_label(danish) == danish


@pytest.mark.installed_plugins
def test_with_lang_en_only_the_documents_own_words_stay_danish():
    english = " ".join(_run("--lang", "en", "compare", "--full").split())
    assert "Q4 2016" in english
    assert "4. kvartal 2016" not in english.split("“")[0]
    assert "vs November 2022" in english
    assert "vs november 2022" not in english
    assert "Whole country (000)" in english
    assert "35,6 %" not in english  # the plugin's English reading writes 35.6 %
    evaluation = _run("--lang", "en", "evaluate")
    assert "'Antal ghettoer og forebyggelsesområder'" not in evaluation
    danish = " ".join(_run("--lang", "da", "compare", "--full").split())
    assert "Hele landet (000)" in danish
    assert "4. kvartal 2016" in danish


def test_every_option_of_every_command_says_what_it_does():
    import argparse

    from kommuneintegration.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    silent = [
        f"{name} {'/'.join(action.option_strings) or action.dest}"
        for name, command in sub.choices.items()
        for action in command._actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert silent == []


def test_a_short_register_row_is_refused_in_the_output_language(tmp_path, capsys):
    from kommuneintegration.cli import main

    header = "birth_country,citizenship,mother_birth_country,mother_citizenship,father_birth_country,father_citizenship"
    short = tmp_path / "short.csv"
    short.write_text("\n".join([header, *["DK,DK,DK,DK,DK,DK"] * 5, "DK,DK,DK"]) + "\n", "utf-8")
    words = {"da": "en række har 3 kolonner, ikke 6", "en": "a row has 3 columns, not 6"}
    for lang, expected in words.items():
        out = tmp_path / f"out-{lang}.csv"
        assert main(["--lang", lang, "classify", str(short), "--out", str(out)]) == 1
        assert expected in capsys.readouterr().err


@pytest.mark.installed_plugins
def test_a_rejected_observation_row_says_why_in_danish(tmp_path, capsys):
    from kommuneintegration.cli import main

    bad = tmp_path / "obs.csv"
    bad.write_text(
        "municipality,indicator,group,age_band,year,value,unit,source\n"
        "851,workforce-non-western,non-western,,2022,fem,%,x\n"
        "851,workforce-non-western,non-western,18-1x,2022,5,%,x\n",
        encoding="utf-8",
    )
    main(["--lang", "da", "evaluate", "-m", "851", "--observations", str(bad)], out=io.StringIO())
    err = capsys.readouterr().err
    assert "obs.csv, linje 2: value: forventede et tal som 5,4 eller 5.4" in err
    assert "obs.csv, linje 3: age_band: en aldersgruppe skal se ud som '18-29'" in err
    assert "expected" not in err
