"""Countries and country groups.

Inside the library a country is its ISO 3166-1 alpha-2 code ("TR", "DK").
:func:`lookup` turns what people type into that code: alpha-2, alpha-3, English
names and Danish names ("Tyrkiet", "Storbritannien"). The ISO data and its Danish
names are the table ``data/iso3166.tsv``, written from pycountry (iso-codes) by
``scripts/update_countries.py`` and read here without pycountry or numpy (arrays of
codes are the population engine's: :mod:`kommuneintegration.population.codes`);
the gaps it leaves (Kosovo, "Tyrkiet", historic states, the register's
"stateless" and "unknown abroad") are filled by the explicit table
:data:`SPECIAL_CODES` and :data:`NAME_OVERRIDES`, each tested.

A :class:`CountryGroup` (*landegruppe*) is data with provenance: the built-in
groups ``western`` (*vestlige lande*), ``non-western`` (*ikke-vestlige lande*),
``menapt`` and ``eu`` are read from ``data/country_groups.toml``, and plugins
contribute more in the same shape (København's *udvalgte MENAPT-lande*).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Any, Final

import attrs

from kommuneintegration import tomltext
from kommuneintegration.errors import KommuneintegrationError, UnknownChoiceError
from kommuneintegration.i18n import pick
from kommuneintegration.words import close_matches, fold

__all__ = [
    "ALL_CODES",
    "NAME_OVERRIDES",
    "SPECIAL_CODES",
    "STATELESS",
    "UNKNOWN_ABROAD",
    "CountryGroup",
    "CountryGroupRegistry",
    "UnknownCountryError",
    "UnknownCountryGroupError",
    "builtin_groups",
    "country_group",
    "country_name",
    "dependencies",
    "iso_numeric",
    "lookup",
]

DENMARK: Final = "DK"
STATELESS: Final = "XS"
UNKNOWN_ABROAD: Final = "ZZ"

#: Codes outside ISO 3166-1 that the library knows: (English name, Danish name).
#: XK is the code in common use for Kosovo; XS and ZZ are user-assigned codes for
#: the register's "stateless" (statsløs) and "unknown country abroad" (uoplyst
#: udland); YU, SU and CS are the historic states' former alpha-2 codes. ISO used CS
#: both for Czechoslovakia and, 2003-2006, for Serbia and Montenegro: the library reads
#: CS as Czechoslovakia and gives Serbia and Montenegro the user-assigned QS.
SPECIAL_CODES: Final[Mapping[str, tuple[str, str]]] = {
    "XK": ("Kosovo", "Kosovo"),
    STATELESS: ("Stateless", "Statsløs"),
    UNKNOWN_ABROAD: ("Unknown country abroad", "Uoplyst udland"),
    "YU": ("Yugoslavia", "Jugoslavien"),
    "SU": ("USSR", "Sovjetunionen"),
    "CS": ("Czechoslovakia", "Tjekkoslovakiet"),
    # Serbia and Montenegro (2003-2006) had CS in ISO 3166 too; QS, from the range ISO
    # leaves to users, keeps the two apart.
    "QS": ("Serbia and Montenegro", "Serbien og Montenegro"),
}

#: Names people type that the ISO table does not resolve (or resolves only in a long
#: official form). Keys are compared case-insensitively.
NAME_OVERRIDES: Final[Mapping[str, str]] = {
    "Tyrkiet": "TR",
    "Türkiye": "TR",
    "Turkey": "TR",
    "Syrien": "SY",
    "Syria": "SY",
    "Rusland": "RU",
    "Russia": "RU",
    "Sydkorea": "KR",
    "South Korea": "KR",
    "Nordkorea": "KP",
    "North Korea": "KP",
    "Laos": "LA",
    "Venezuela": "VE",
    "Nederlandene": "NL",
    "UK": "GB",
    "Palæstina": "PS",
    "Palestine": "PS",
    "Vatikanet": "VA",
    "Kongo": "CG",
    "DR Congo": "CD",
    "Statsløse": STATELESS,
    "Uoplyst": UNKNOWN_ABROAD,
    "Uoplyst land": UNKNOWN_ABROAD,
    "Unknown": UNKNOWN_ABROAD,
    "Jugoslavien": "YU",
    "Sovjetunionen": "SU",
    "Tjekkoslovakiet": "CS",
}


class UnknownCountryError(KommuneintegrationError, LookupError, ValueError):
    """A country name or code that :func:`lookup` does not know."""

    def __init__(self, value: object, suggestions: Iterable[str] = ()) -> None:
        self.value = value
        self.suggestions = tuple(suggestions)
        hint = (
            f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else ""
        )
        super().__init__(f"unknown country {value!r}{hint}")


class UnknownCountryGroupError(UnknownChoiceError, ValueError):
    """A country group id that is not registered; the message lists the known groups."""


@functools.cache
def _iso_table() -> tuple[dict[str, str], ...]:
    """ISO 3166-1 with the Danish names, as shipped in ``data/iso3166.tsv``.

    Written from pycountry by ``scripts/update_countries.py``: the library reads the
    table, not pycountry, so no command pays for pycountry's import and no new
    release of its data renames a country in an output unnoticed.
    """
    text = resources.files("kommuneintegration").joinpath("data/iso3166.tsv").read_text("utf-8")
    lines = (line for line in io.StringIO(text) if not line.startswith("#"))
    return tuple(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


@functools.cache
def _index() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(normalised name or code -> alpha-2, alpha-2 -> English name, alpha-2 -> Danish name)."""
    index: dict[str, str] = {}
    english: dict[str, str] = {}
    danish: dict[str, str] = {}
    short_forms: list[tuple[str, str]] = []
    for row in _iso_table():
        code = row["alpha_2"]
        names = [row[a] for a in ("name", "official_name", "common_name") if row[a]]
        da_names = [row[a + "_da"] for a in ("name", "official_name", "common_name") if row[a]]
        english[code] = row["common_name"] or row["name"]
        danish[code] = row["name_da"] or row["name"]
        index[fold(code)] = code
        index[fold(row["alpha_3"])] = code
        for name in names + da_names:
            index.setdefault(fold(name), code)
            # "Iran, Den Islamiske Republik" -> "Iran"; "Palæstina, staten" -> "Palæstina".
            short_forms.append((fold(name.split(",", 1)[0]), code))
    # Full names first: "Congo" is the Republic of the Congo, not the short form of
    # "Congo, The Democratic Republic of the".
    for short, code in short_forms:
        index.setdefault(short, code)
    for code, (en, da_name) in SPECIAL_CODES.items():
        english[code] = en
        danish[code] = da_name
        index[fold(code)] = code
        index[fold(en)] = code
        index[fold(da_name)] = code
    for name, code in NAME_OVERRIDES.items():
        index[fold(name)] = code
    for code, name in (("TR", "Tyrkiet"), ("SY", "Syrien"), ("RU", "Rusland")):
        danish[code] = name
    return index, english, danish


@functools.cache
def iso_numeric() -> dict[str, int]:
    """ISO 3166-1 numeric code of each alpha-2 code ("DK" -> 208, "TR" -> 792)."""
    return {row["alpha_2"]: int(row["numeric"]) for row in _iso_table()}


@functools.cache
def _all_codes() -> frozenset[str]:
    return frozenset(row["alpha_2"] for row in _iso_table()) | frozenset(SPECIAL_CODES)


class _AllCodes:
    """Lazy view of every code the library knows (ISO 3166-1 plus SPECIAL_CODES)."""

    def __contains__(self, code: object) -> bool:
        return code in _all_codes()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(_all_codes()))

    def __len__(self) -> int:
        return len(_all_codes())

    def __repr__(self) -> str:
        return f"<{len(self)} country codes>"


#: Every country code the library knows.
ALL_CODES: Final = _AllCodes()


def lookup(value: str) -> str:
    """Return the alpha-2 code for a code or a name in English or Danish.

    >>> lookup("Tyrkiet"), lookup("gbr"), lookup("Storbritannien"), lookup("dk")
    ('TR', 'GB', 'GB', 'DK')

    Raises :class:`UnknownCountryError`, with near matches, for anything else.
    """
    if not isinstance(value, str):
        raise UnknownCountryError(value)
    if value in _all_codes():
        return value
    index = _index()[0]
    key = fold(value)
    try:
        return index[key]
    except KeyError:
        close = close_matches(key, index.keys(), n=3, cutoff=0.75)
        suggestions = dict.fromkeys(_display_name(index[c], c) for c in close)
        raise UnknownCountryError(value, suggestions) from None


def _display_name(code: str, matched: str) -> str:
    return f"{matched.title() if len(matched) > 3 else matched.upper()} ({code})"


def country_name(code: str, lang: str = "da") -> str:
    """The country's name in Danish (``lang="da"``, the default) or English."""
    code = lookup(code)
    _, english, danish = _index()
    return pick(danish[code], english[code], lang=lang)


def short_country_name(code: str, lang: str = "da") -> str:
    """The name as a list of countries writes it, as DST's FOLK1C does: "Iran", not "Iran,
    Den Islamiske Republik"; the full name where the short one names another country too."""
    full = country_name(code, lang)
    short = full.split(",", 1)[0].strip()
    return short if short != full and lookup(short) == lookup(code) else full


def _convert_members(values: Iterable[str]) -> frozenset[str]:
    return frozenset(lookup(v) for v in values)


def _convert_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@attrs.frozen
class CountryGroup:
    """A named set of countries, with where it comes from and since when it holds.

    ``"TR" in country_group("menapt")`` reads naturally; names work too
    (``"Tyrkiet" in group``), and an unknown name raises rather than answering
    ``False``.
    """

    id: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z0-9][a-z0-9:_-]*$"))
    label: str
    members: frozenset[str] = attrs.field(converter=_convert_members)
    source: str
    valid_from: dt.date = attrs.field(converter=_convert_date)
    version: str = "1"
    label_en: str = ""
    aliases: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    notes: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def __contains__(self, country: object) -> bool:
        if isinstance(country, str):
            return lookup(country) in self.members
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.members))

    def __len__(self) -> int:
        return len(self.members)


@attrs.define
class CountryGroupRegistry:
    """Country groups by id (and version); built-ins plus what plugins add."""

    _groups: dict[str, list[CountryGroup]] = attrs.field(factory=dict)
    _aliases: dict[str, str] = attrs.field(factory=dict)

    def register(self, group: CountryGroup, *, replace: bool = False) -> None:
        versions = self._groups.setdefault(group.id, [])
        if any(g.version == group.version for g in versions) and not replace:
            raise ValueError(
                f"country group {group.id!r} version {group.version!r} is already registered"
            )
        versions[:] = [g for g in versions if g.version != group.version] + [group]
        versions.sort(key=lambda g: g.valid_from)
        for alias in group.aliases:
            owner = self._aliases.get(fold(alias))
            if owner is not None and owner != group.id:
                raise ValueError(f"alias {alias!r} of {group.id!r} is already used by {owner!r}")
            self._aliases[fold(alias)] = group.id

    def add_definition(self, data: Mapping[str, Any]) -> CountryGroup:
        """Build a group from a data-file mapping and register it.

        Besides the fields of :class:`CountryGroup`, ``include`` adds other groups'
        members and ``complement_of`` takes every known code not in that group.
        """
        fields = dict(data)
        members = set(fields.pop("members", ()))
        for other in fields.pop("include", ()):
            members |= self.get(other).members
        complement = fields.pop("complement_of", None)
        if fields.pop("fold_dependencies", False):
            members |= {t for t, state in dependencies().items() if state in members}
        if complement is not None:
            members = set(_all_codes()) - self.get(complement).members - members
        group = CountryGroup(members=frozenset(members), **fields)
        self.register(group)
        return group

    def get(self, group_id: str, version: str | None = None) -> CountryGroup:
        """The group with this id or alias; the newest version unless one is pinned."""
        key = self._aliases.get(fold(group_id), group_id)
        versions = self._groups.get(key) or self._groups.get(fold(key))
        if not versions:
            known = ", ".join(sorted(self._groups))
            raise UnknownCountryGroupError(
                f"unknown country group {group_id!r}; known groups: {known}",
                value=group_id,
                choices=sorted(self._groups),
            )
        if version is None:
            return versions[-1]
        for group in versions:
            if group.version == version:
                return group
        have = ", ".join(g.version for g in versions)
        raise UnknownCountryGroupError(
            f"country group {key!r} has no version {version!r}; it has: {have}",
            value=version,
            choices=[g.version for g in versions],
        )

    def ids(self) -> list[str]:
        return sorted(self._groups)

    def __iter__(self) -> Iterator[CountryGroup]:
        for gid in sorted(self._groups):
            yield self._groups[gid][-1]

    def copy(self) -> CountryGroupRegistry:
        return CountryGroupRegistry(
            {k: list(v) for k, v in self._groups.items()}, dict(self._aliases)
        )


@functools.cache
def _groups_data() -> dict[str, Any]:
    text = (
        resources.files("kommuneintegration")
        .joinpath("data/country_groups.toml")
        .read_text("utf-8")
    )
    return tomltext.parse(text)


@functools.cache
def dependencies() -> dict[str, str]:
    """Dependent territories and the state whose births DST counts them with ("RE" -> "FR")."""
    return dict(_groups_data()["dependencies"])


@functools.cache
def _builtin() -> CountryGroupRegistry:
    registry = CountryGroupRegistry()
    for entry in _groups_data()["group"]:
        registry.add_definition(entry)
    return registry


def builtin_groups() -> CountryGroupRegistry:
    """A fresh copy of the built-in registry, for adding groups to without side effects."""
    return _builtin().copy()


def country_group(group_id: str, version: str | None = None) -> CountryGroup:
    """A built-in country group by id or Danish alias ("western", "ikke-vestlige", "menapt")."""
    return _builtin().get(group_id, version)
