"""One vocabulary in two languages: the message catalogue and the locale's numbers and dates.

Every label, heading, status, reason and note the library writes is looked up
here, in a gettext catalogue per language (``locale/<da|en>/LC_MESSAGES/
kommuneintegration.po``, read with Babel), so Danish and English outputs say
the same things. Numbers are written as each language writes them: "6,3 %" and
"100.826" in Danish, "6.3 %" and "100,826" in English (the signs are the
library's own, in :data:`NUMBER_SIGNS`); dates by the locale (Babel's CLDR data).

The language is chosen per call, not per process: :func:`use_language` sets it
for a block (a context variable, so threads and tasks do not leak it into each
other); without one, ``KOMMUNEINTEGRATION_LANG`` or Danish. Quotations from the
documents are never translated: they are data, not messages.

Source strings (``msgid``) are English; the Danish catalogue holds the official
Danish terms (``nået``, ``hovedmål``, ``procentpoint``), and the English one
repeats each message explicitly, so a test can hold both catalogues complete.
"""

from __future__ import annotations

import contextlib
import functools
import gettext as _gettext
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar

from kommuneintegration.errors import KommuneintegrationError
from kommuneintegration.words import close_matches, fold

if TYPE_CHECKING:
    import datetime

__all__ = [
    "DEFAULT_LANGUAGE",
    "ENV_VAR",
    "LANGUAGES",
    "NP_",
    "NUMBER_SIGNS",
    "N_",
    "LanguageError",
    "format_date",
    "format_number",
    "gettext",
    "hint",
    "language",
    "ngettext",
    "period_label",
    "pgettext",
    "pick",
    "pinned",
    "resolve_language",
    "use_language",
    "written_in",
]

#: The languages the catalogue is complete in.
LANGUAGES: Final = ("da", "en")
DEFAULT_LANGUAGE: Final = "da"
#: The environment variable that chooses the language where no ``--lang`` is given.
ENV_VAR: Final = "KOMMUNEINTEGRATION_LANG"
#: The CLDR locale whose numbers and dates each language uses.
_LOCALES: Final = {"da": "da_DK", "en": "en_GB"}
#: The keywords that mark a message in the source, as Babel's extractor takes them.
KEYWORDS: Final = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
    "NP_": ((1, "c"), 2),
}
DOMAIN: Final = "kommuneintegration"

_NAMES: Final = {
    "da": "da",
    "dansk": "da",
    "danish": "da",
    "en": "en",
    "english": "en",
    "engelsk": "en",
}
_TAG: Final = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]+)*(?:\.[a-z0-9-]+)?$")

_current: ContextVar[str | None] = ContextVar("kommuneintegration_language", default=None)


class LanguageError(KommuneintegrationError, ValueError):
    """A language the catalogue does not have."""


def resolve_language(value: str | None) -> str:
    """ "da", "en", "dansk", "English", "da_DK.UTF-8" -> "da" or "en"; ``None`` -> the default.

    The default is ``KOMMUNEINTEGRATION_LANG`` where it is set, else Danish.
    """
    source = "--lang"
    if value is None or not value.strip():
        value = os.environ.get(ENV_VAR, "").strip()
        source = ENV_VAR
        if not value:
            return DEFAULT_LANGUAGE
    key = fold(value)
    found = _NAMES.get(key)
    if found is None and (match := _TAG.match(key)):
        found = match.group(1) if match.group(1) in LANGUAGES else None
    if found is None:
        raise LanguageError(
            f"{source}: unknown language {value!r}; expected one of "
            f"{', '.join(LANGUAGES)} (dansk, english){hint(key, _NAMES)}"
        )
    return found


def language() -> str:
    """The language of the current block: :func:`use_language`, else the environment's."""
    return _current.get() or _from_environment(os.environ.get(ENV_VAR, ""))


@functools.lru_cache(maxsize=8)
def _from_environment(value: str) -> str:
    """The environment's language, read once per value: :func:`language` is called per label."""
    return resolve_language(None) if value.strip() else DEFAULT_LANGUAGE  # errors name the variable


@contextlib.contextmanager
def use_language(value: str | None) -> Iterator[str]:
    """Write in ``value`` ("da" or "en") inside the block; ``None`` keeps the default."""
    token = _current.set(resolve_language(value))
    try:
        yield _current.get() or DEFAULT_LANGUAGE
    finally:
        _current.reset(token)


P = ParamSpec("P")
R = TypeVar("R")


def pinned(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` in the current language, read once: for functions that write much text.

    Outside :func:`use_language` the language comes from the environment, and
    reading it for each of a report's many labels costs more than the labels.
    """

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _current.get() is not None:
            return func(*args, **kwargs)
        token = _current.set(language())
        try:
            return func(*args, **kwargs)
        finally:
            _current.reset(token)

    return run


def written_in(func: Callable[..., R]) -> Callable[..., R]:
    """Run a renderer in the language its subject was made in (``subject.language``).

    A :class:`~kommuneintegration.analysis.comparison.Comparison` holds the plugins' prose in
    the language it was compared in; written in another, one sentence would mix
    both ("læsning: The strategy does not define ..."). So the subject's language
    wins over the surrounding one, unless the caller says otherwise with
    ``lang="en"``: then the library's own words follow ``lang`` and the subject's
    prose stays as it was made (compare again in that language for all of it).
    """

    @functools.wraps(func)
    def run(subject: Any, /, *args: Any, lang: str | None = None, **kwargs: Any) -> R:
        chosen = lang or getattr(subject, "language", None) or language()
        with use_language(chosen):
            return func(subject, *args, **kwargs)

    return run


_MONTHS: Final = (
    ("januar", "January"), ("februar", "February"), ("marts", "March"), ("april", "April"),
    ("maj", "May"), ("juni", "June"), ("juli", "July"), ("august", "August"),
    ("september", "September"), ("oktober", "October"), ("november", "November"),
    ("december", "December"),
)  # fmt: skip
_PERIOD_QUARTER: Final = re.compile(r"\s*([1-4])\.\s*kvartal\s+(\d{4})\s*", re.IGNORECASE)
_PERIOD_MONTH: Final = re.compile(r"\s*(?:(\d{1,2})\.\s*)?([a-zæøå]+)\s+(\d{4})\s*", re.IGNORECASE)


def period_label(text: str) -> str:
    """A period as the documents and Statistics Denmark write it in Danish ("november 2022",
    "4. kvartal 2016", "1. januar 2021"), in the output language ("November 2022", "Q4
    2016", "1 January 2021"); anything else as it is."""
    if not text or language() == "da":
        return text
    quarter = _PERIOD_QUARTER.fullmatch(text)
    if quarter:
        return f"Q{quarter.group(1)} {quarter.group(2)}"
    month = _PERIOD_MONTH.fullmatch(text)
    if month:
        english = dict(_MONTHS).get(month.group(2).casefold())
        if english:
            day = f"{month.group(1)} " if month.group(1) else ""
            return f"{day}{english} {month.group(3)}"
    return text


def who(group: str, age: str = "") -> str:
    """Whom a figure counts, as a sentence names them: "18-19-årige indvandrere" in Danish,
    "18-19-year-old immigrants" in English, "0-24 år" without a group; ``age`` is an age band
    as written ("18-19", "25+"). The age comes first, so that it binds to the whole group
    ("25-39-årige indvandrere (ankommet som 0-12-årig) og efterkommere ...")."""
    if not age:
        return group
    if age.endswith("+"):
        low = age.removesuffix("+")
        if not group:
            return _("aged {low} and over").format(low=low)
        return _("{group}, aged {low} and over").format(group=group, low=low)
    if not group:
        return _("aged {age}").format(age=age)
    return _("{age}-year-old {group}").format(group=group, age=age)


def hint(value: str, known: Iterable[str], *, list_known: bool = False) -> str:
    """ "; did you mean 'x'?" for the nearest known value, else "" (or the known values), in
    the output language."""
    options = sorted(known)
    near = close_matches(value, options)
    if near:
        return "; " + _("did you mean {value}?").format(value=repr(near[0]))
    if list_known:
        return "; " + _("known: {values}").format(values=", ".join(options) or _("none"))
    return ""


@functools.cache
def _catalogue(lang: str) -> _gettext.NullTranslations:
    """The language's compiled catalogue (``.mo``), read once a process with the standard library.

    ``scripts/update_catalogue.py`` compiles it from the ``.po`` file translators
    edit, and a test fails when the two differ.
    """
    from pathlib import Path

    mo = Path(__file__).parent / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    return _gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))


def gettext(message: str, *, lang: str | None = None) -> str:
    """``message`` (English source text) in the current language."""
    return _catalogue(lang or language()).gettext(message)


_ = gettext


def pgettext(context: str, message: str, *, lang: str | None = None) -> str:
    """``message`` in the current language, where the same English word means two things."""
    return _catalogue(lang or language()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int, *, lang: str | None = None) -> str:
    """The singular or plural form for ``n``, by the language's plural rule."""
    return _catalogue(lang or language()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for the marker)
    """Mark a message for the catalogue without translating it yet (a table of labels)."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802
    """Mark a message with its context for the catalogue; translate later with :func:`pgettext`."""
    return message


def pick(danish: str, english: str, *, lang: str | None = None) -> str:
    """Text that data gives in both languages, in the current one (or ``lang``).

    The package's one rule for bilingual text: text the code writes is an English message
    in the catalogue (:func:`_`, :func:`pgettext`, enum terms); text that data gives in both
    languages is a pair of fields, the Danish ``x`` and the English ``x_en`` (a plugin's
    ``label`` and ``label_en``, a country's two names), read here. English falls back to the
    Danish text where no English is given, never to nothing.
    """
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"lang must be 'da' or 'en', not {lang!r}")
    return (english or danish) if (lang or language()) == "en" else (danish or english)


def _locale() -> str:
    return _LOCALES[language()]


def format_number(value: float, *, signed: bool = False, decimals: int | None = None) -> str:
    """A figure as the locale writes it: "35,6" and "100.826" in Danish, "35.6" and "100,826".

    The figure keeps the digits it was given (``decimals`` fixes them instead):
    figures are copied from the documents exactly, so 6.30 is not shortened to 6.3
    by a pattern, nor is 0.1 + 0.2 shown with 17 digits. A report formats tens of
    thousands of figures, so the digits are laid out here with the signs of
    :data:`NUMBER_SIGNS` (a test holds the layout to Babel's own ``format_decimal``).
    """
    if decimals is not None:
        number = Decimal(f"{value:.{decimals}f}")
    else:
        number = Decimal(int(value)) if float(value).is_integer() else Decimal(f"{value:.10g}")
    decimal, group, plus, minus = _symbols(language())
    text = format(abs(number), ",f").translate({ord(","): group, ord("."): decimal})
    if number < 0:
        return minus + text
    return plus + text if signed else text


#: How each language writes a number: decimal sign, thousands separator, plus, minus.
#: The library's own promise ("35,6 %" and "100.826" in Danish), not read from a locale
#: database at run time, so that a new release of CLDR data cannot change a figure's
#: text; a test holds the layout to Babel's ``format_decimal`` digit for digit.
NUMBER_SIGNS: Final[dict[str, tuple[str, str, str, str]]] = {
    "da": (",", ".", "+", "-"),
    "en": (".", ",", "+", "-"),
}


def _symbols(lang: str) -> tuple[str, str, str, str]:
    return NUMBER_SIGNS[lang]


def format_date(value: datetime.date) -> str:
    """ "23. november 2026" in Danish, "23 November 2026" in English."""
    from babel.dates import format_date as _format_date

    return _format_date(value, format="long", locale=_locale())
