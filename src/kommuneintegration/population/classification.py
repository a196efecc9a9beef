"""Origin (*herkomst*) as Statistics Denmark (DST) defines it.

A person is of Danish origin (*dansk oprindelse*) when at least one parent is
both a Danish citizen and born in Denmark; otherwise an immigrant
(*indvandrer*) when born abroad and a descendant (*efterkommer*) when born in
Denmark. Persons with no known parent, and the country of origin
(*oprindelsesland*), follow the rules in ``docs/origin.md``, which cites the
sources.

Two implementations share the rules: :func:`classify` for one :class:`Person`,
written for clarity, and :func:`classify_many` for whole registers, vectorised
with numpy over integer country indices (``columns`` reads each kind of input
column into them). The property tests hold them to the same answers.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.countries import DENMARK, lookup
from kommuneintegration.errors import InputError
from kommuneintegration.i18n import _, format_number, ngettext, pick
from kommuneintegration.origin import Origin
from kommuneintegration.population.columns import (
    CODES,
    DK,
    INDEX_DTYPE,
    INVALID,
    MISSING,
    BitTable,
    Column,
    code_indices,
    reader,
)

__all__ = [
    "COLUMNS",
    "COUNTRY_CODES",
    "Classification",
    "ClassifiedPopulation",
    "InvalidCodesError",
    "Origin",
    "Parent",
    "Person",
    "classify",
    "classify_many",
]


def _optional_code(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return lookup(value)


@attrs.frozen
class Parent:
    """A known parent: birth country and citizenship as of the reference date.

    Either may be ``None`` when not recorded; a parent with neither recorded
    counts as unknown, as in the register.
    """

    birth_country: str | None = attrs.field(converter=_optional_code)
    citizenship: str | None = attrs.field(converter=_optional_code)

    @property
    def known(self) -> bool:
        return self.birth_country is not None or self.citizenship is not None

    @property
    def is_danish_origin(self) -> bool:
        """Both a Danish citizen and born in Denmark: the test the rules rest on."""
        return self.birth_country == DENMARK and self.citizenship == DENMARK


@attrs.frozen
class Person:
    """A resident. ``None`` for a parent means that parent is unknown.

    Country fields accept anything :func:`~kommuneintegration.countries.lookup`
    accepts ("Tyrkiet", "TUR", "tr") and store the alpha-2 code.
    """

    birth_country: str | None = attrs.field(converter=_optional_code)
    citizenship: str | None = attrs.field(converter=_optional_code)
    mother: Parent | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Parent))
    )
    father: Parent | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Parent))
    )


@attrs.frozen
class Classification:
    """The origin of one person and their country of origin (``None`` if undetermined)."""

    origin: Origin
    country_of_origin: str | None


def classify(person: Person) -> Classification:
    """Classify one person by DST's rules (the reference implementation)."""
    parents = [p for p in (person.mother, person.father) if p is not None and p.known]
    if any(p.is_danish_origin for p in parents):
        return Classification(Origin.DANISH, DENMARK)
    born = person.birth_country
    if born is None:
        return Classification(Origin.UNDETERMINED, None)
    if not parents:
        if born != DENMARK:
            return Classification(Origin.IMMIGRANT, born)
        if person.citizenship is None:
            return Classification(Origin.UNDETERMINED, None)
        if person.citizenship == DENMARK:
            return Classification(Origin.DANISH, DENMARK)
        return Classification(Origin.DESCENDANT, person.citizenship)
    origin = Origin.DESCENDANT if born == DENMARK else Origin.IMMIGRANT
    # One parent known: that parent; both known: the mother.
    decider = parents[0]
    country = decider.citizenship if decider.birth_country == DENMARK else decider.birth_country
    return Classification(origin, country)


# --- vectorised ---------------------------------------------------------------

#: The argument names of :func:`classify_many`, in order.
COLUMNS: Final = (
    "birth_country",
    "citizenship",
    "mother_birth_country",
    "mother_citizenship",
    "father_birth_country",
    "father_citizenship",
)


class InvalidCodesError(InputError):
    """Values that are not country codes, with where they are.

    ``examples`` are (row, value) with 0-based rows of the input. A reader of a
    file passes ``file`` and ``first_line`` (the line of row 0, 2 for a CSV
    file with a header) so that the message names lines as an editor counts them.
    """

    def __init__(
        self,
        argument: str,
        count: int,
        examples: list[tuple[int, object]],
        *,
        file: str = "",
        first_line: int | None = None,
    ) -> None:
        self.argument = argument
        self.count = count
        self.examples = examples
        if first_line is None:
            shown = ", ".join(
                _("row {row} ({value})").format(row=row, value=_clipped(value))
                for row, value in examples
            )
        else:
            shown = ", ".join(
                _("line {line} ({value})").format(
                    line=format_number(row + first_line), value=_clipped(value)
                )
                for row, value in examples
            )
        numeric = bool(examples) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for _row, v in examples
        )
        rule = (
            _("numbers are ISO 3166-1 numeric codes (208 Denmark), negative or NaN for unknown")
            if numeric
            else _(
                'codes are ISO 3166-1 alpha-2 (use kommuneintegration.to_codes() for names), "" '
                "or None for unknown"
            )
        )
        super().__init__(
            ngettext(
                "{count} invalid country code, first at {shown}; {rule}, or pass "
                "errors='coerce' to treat them as unknown",
                "{count} invalid country codes, first at {shown}; {rule}, or pass "
                "errors='coerce' to treat them as unknown",
                count,
            ).format(count=format_number(count), shown=shown, rule=rule),
            file=file,
            column=argument,
            value=examples[0][1] if examples else None,
        )


def _clipped(value: object, limit: int = 40) -> str:
    """A value as an error message shows it: its repr, cut with a mark where it is long, so a
    hostile cell of megabytes still makes one short line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


@attrs.frozen(eq=False)
class ClassifiedPopulation:
    """The result of :func:`classify_many`, aligned row for row with the input.

    ``origin`` holds :class:`Origin` values (int8). The country of origin is kept
    dictionary-encoded, as ``country_index`` (int16) into :data:`COUNTRY_CODES`,
    two bytes a row; ``country_of_origin`` gives the alpha-2 codes ("" where
    undetermined or not recorded), made on first use. ``coerced`` says, per
    argument, how many invalid values ``errors="coerce"`` treated as unknown.
    """

    origin: npt.NDArray[np.int8]
    country_index: npt.NDArray[np.int16]
    coerced: Mapping[str, int] = attrs.field(factory=dict)

    @classmethod
    def from_codes(
        cls,
        origin: npt.NDArray[np.int8],
        codes: npt.ArrayLike,
        coerced: Mapping[str, int] | None = None,
    ) -> ClassifiedPopulation:
        """Build one from alpha-2 country codes (e.g. read back from a file)."""
        return cls(origin, code_indices(np.asarray(codes, dtype="<U2")), dict(coerced or {}))

    @functools.cached_property
    def country_of_origin(self) -> npt.NDArray[np.str_]:
        """Alpha-2 codes, one per row ("" where undetermined or not recorded)."""
        codes: npt.NDArray[np.str_] = np.take(CODES, self.country_index)
        return codes

    def by_country(
        self, value: Callable[[str], Any], dtype: npt.DTypeLike = np.intp
    ) -> npt.NDArray[Any]:
        """One value a row, ``value`` of its country of origin ("" where there is none).

        ``value`` is called once per code index (~250 times) and each row looked up
        in that table: no alpha-2 string is made for the rows (``country_of_origin``
        would make 6 million of them).
        """
        table = np.array([value(code) for code in CODES.tolist()], dtype=dtype)
        return np.take(table, self.country_index)

    def in_countries(self, members: Iterable[str]) -> npt.NDArray[np.bool_]:
        """Rows whose country of origin is one of ``members`` (alpha-2 codes, any case)."""
        wanted = {str(m).upper() for m in members} - {""}  # "" is no country
        mask: npt.NDArray[np.bool_] = self.by_country(wanted.__contains__, dtype=bool)
        return mask

    def has_origin(self, origins: Iterable[int]) -> npt.NDArray[np.bool_]:
        """Rows whose origin is one of ``origins`` (one look-up a row)."""
        table = np.zeros(len(Origin), dtype=bool)
        table[[int(o) for o in origins]] = True
        return np.take(table, self.origin)

    def __len__(self) -> int:
        return len(self.origin)

    def counts(self) -> dict[Origin, int]:
        """Rows per origin, every category present; they add up to ``len(self)``."""
        tally = np.bincount(self.origin, minlength=len(Origin))
        return {o: int(tally[o.value]) for o in Origin}

    def summary(self) -> str:
        """One line a person can read: counts per origin, undetermined and coerced values."""
        parts = [
            f"{pick(o.label_plural, o.label_plural_en)}: {format_number(n)}"
            for o, n in self.counts().items()
        ]
        coerced = sum(self.coerced.values())
        if coerced:
            detail = ", ".join(f"{k} {format_number(v)}" for k, v in self.coerced.items() if v)
            parts.append(
                _("invalid codes treated as unknown:") + f" {format_number(coerced)} ({detail})"
            )
        rows = ngettext("{n} row", "{n} rows", len(self)).format(n=format_number(len(self)))
        return f"{rows}; " + "; ".join(parts)


#: Rows per block: small enough that a block's temporaries stay in cache.
BLOCK_ROWS: Final = 1 << 17


@functools.cache
def _pool() -> ThreadPoolExecutor:
    """One pool for the process: starting threads per call costs more than small inputs take."""
    return ThreadPoolExecutor(_workers(), thread_name_prefix="kommuneintegration-classify")


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def classify_many(
    birth_country: Any,
    citizenship: Any,
    mother_birth_country: Any,
    mother_citizenship: Any,
    father_birth_country: Any,
    father_citizenship: Any,
    *,
    errors: Literal["raise", "coerce"] = "raise",
) -> ClassifiedPopulation:
    """Classify a whole population at once.

    Each argument is an array-like of the same length: alpha-2 codes (numpy
    string arrays, lists, pandas Series, pyarrow arrays) or ISO 3166-1 numeric
    integers (208 Denmark, negative not recorded); "" or ``None`` means not
    recorded. ``errors="raise"`` rejects invalid codes with
    :class:`InvalidCodesError` naming the argument, how many and where;
    ``errors="coerce"`` treats them as unknown and reports the count in
    :attr:`ClassifiedPopulation.coerced`.

    Everything but lists and object arrays is read without a Python step per
    value (numpy string and integer arrays in place, Arrow strings from their
    buffers, pandas columns as they are stored); the work runs in blocks of
    :data:`BLOCK_ROWS` rows on a few threads (numpy releases the GIL), so
    temporaries stay small. docs/performance.md has the figures.
    """
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    columns = _readers(
        (
            birth_country,
            citizenship,
            mother_birth_country,
            mother_citizenship,
            father_birth_country,
            father_citizenship,
        )
    )
    n = columns[0].length
    origin = np.empty(n, dtype=np.int8)
    coo = np.empty(n, dtype=INDEX_DTYPE)
    by_table = _TablePath.of(columns)

    def work(lo: int, hi: int) -> list[tuple[int, list[int]]]:
        return _classify_block(columns, by_table, lo, hi, origin, coo)

    bounds = [(lo, min(lo + BLOCK_ROWS, n)) for lo in range(0, n, BLOCK_ROWS)] or [(0, 0)]
    if len(bounds) > 1 and _workers() > 1:
        results = list(_pool().map(lambda b: work(*b), bounds))
    else:
        results = [work(*b) for b in bounds]
    return ClassifiedPopulation(origin, coo, _coerced(columns, results, errors))


def _readers(given: tuple[Any, ...]) -> list[Column]:
    """A reader per argument of :func:`classify_many`; all must have the same length."""
    columns = [reader(values, name) for values, name in zip(given, COLUMNS, strict=True)]
    n = columns[0].length
    for name, column in zip(COLUMNS, columns, strict=True):
        if column.length != n:
            raise ValueError(
                f"{name} has {column.length} values but {COLUMNS[0]} has {n}; all arguments must align"
            )
    return columns


def _classify_block(
    columns: list[Column],
    by_table: _TablePath | None,
    lo: int,
    hi: int,
    origin: npt.NDArray[np.int8],
    coo: npt.NDArray[np.int16],
) -> list[tuple[int, list[int]]]:
    """Classify rows lo..hi into ``origin`` and ``coo``; per column, its invalid codes.

    Each column's entry is how many of its codes in the block are invalid and the
    first five of their rows; the invalid codes are classified as not recorded.
    """
    if by_table is not None and by_table.classify(lo, hi, origin[lo:hi], coo[lo:hi]):
        return [(0, [])] * len(columns)
    found: list[tuple[int, list[int]]] = []
    stacked = np.empty((8, hi - lo), dtype=INDEX_DTYPE)
    stacked[6] = DK
    stacked[7] = MISSING
    for k, column in enumerate(columns):
        row = stacked[k]
        column.encode(lo, hi, row)  # written in place: no copy per column
        if hi > lo and row.max() == INVALID:  # one reduction; the mask only when needed
            bad = row == INVALID
            found.append((int(np.count_nonzero(bad)), (np.flatnonzero(bad)[:5] + lo).tolist()))
            row[bad] = MISSING
        else:
            found.append((0, []))
    _apply_rules(stacked, origin[lo:hi], coo[lo:hi])
    return found


def _coerced(
    columns: list[Column], results: list[list[tuple[int, list[int]]]], errors: str
) -> dict[str, int]:
    """Invalid codes per argument, over all blocks; ``errors="raise"`` refuses the first."""
    coerced: dict[str, int] = {}
    for k, name in enumerate(COLUMNS):
        count = sum(r[k][0] for r in results)
        if count and errors == "raise":
            rows = sorted(row for r in results for row in r[k][1])[:5]
            raise InvalidCodesError(name, count, [(row, columns[k].original(row)) for row in rows])
        coerced[name] = count
    return coerced


#: The dictionary of ``ClassifiedPopulation.country_index``: alpha-2 codes, "" for none.
COUNTRY_CODES: Final = CODES


def _rule_tables() -> tuple[npt.NDArray[np.int8], npt.NDArray[np.intp]]:
    """Origin and country-of-origin source for each of the 3**6 states of the six inputs.

    Each input is Denmark, not recorded, or another country, and the rules
    depend on nothing else, so :func:`classify` (the reference) decides every
    state once. The source says which column gives the country of origin (0-5),
    or Denmark (6), or none (7). Other countries are represented by a distinct
    code per column so the answer names its column.
    """
    others = ("SE", "NO", "FI", "IS", "DE", "NL")
    origin = np.zeros(3**6, dtype=np.int8)
    source = np.zeros(3**6, dtype=np.intp)
    for state in range(3**6):
        cats = [(state // 3 ** (5 - k)) % 3 for k in range(6)]
        values = [DENMARK if c == 0 else None if c == 1 else others[k] for k, c in enumerate(cats)]
        mother = Parent(values[2], values[3])
        father = Parent(values[4], values[5])
        result = classify(Person(values[0], values[1], mother=mother, father=father))
        origin[state] = result.origin
        if result.country_of_origin is None:
            source[state] = 7
        elif result.country_of_origin == DENMARK:
            source[state] = 6
        else:
            source[state] = others.index(result.country_of_origin)
    return origin, source


_ORIGIN_LUT, _SOURCE_LUT = _rule_tables()
_POWERS: Final = np.array([3**5, 3**4, 3**3, 3**2, 3, 1], dtype=np.int16).reshape(6, 1)


def _apply_rules(
    stacked: npt.NDArray[np.int16], origin: npt.NDArray[np.int8], coo: npt.NDArray[np.int16]
) -> None:
    """Classify a block into ``origin`` and ``coo`` (views of the result).

    ``stacked`` holds the six encoded columns in rows 0-5, Denmark in row 6 and
    "not recorded" in row 7, so the country of origin is one gather.
    """
    categories = np.minimum(stacked[:6], 2)
    categories *= _POWERS
    state = categories[0].copy()  # six adds in place beat a reduction over the short axis
    for k in range(1, 6):
        state += categories[k]
    np.take(stacked.ravel(), _origin_and_source(state, origin), out=coo, mode="clip")


def _origin_and_source(
    state: npt.NDArray[np.int16], origin: npt.NDArray[np.int8]
) -> npt.NDArray[np.intp]:
    """Write each row's origin; return the flat index, in an 8-row block, of its country.

    One gather gives both: the packed table holds the origin in the low three bits
    and the offset of the row the country comes from above them (rows 0-5 the
    six columns, 6 Denmark, 7 not recorded). Indices are in range by
    construction, so ``mode="clip"`` only skips numpy's bounds check (a tenth
    of each gather).
    """
    packed_rules, positions = _block_tables(len(state))
    packed = np.take(packed_rules, state, mode="clip")
    np.bitwise_and(packed, 7, out=origin, casting="unsafe")
    packed >>= 3
    packed += positions
    return packed


#: Added to the state by an invalid code: any state from this up has one.
_INVALID_WEIGHT: Final = 3**6


@attrs.frozen
class _TablePath:
    """Six two-byte columns (ISO numeric int16 or uint16) classified straight from their bits.

    Each column's table gives its weighted category directly, so a block's state
    is six gathers and five adds, with no code indices written per column; only
    the column each row takes its country from is looked up. An invalid code
    adds :data:`_INVALID_WEIGHT`, so one maximum tells whether the block needs the
    general path, which finds and reports the rows.
    """

    bits: tuple[npt.NDArray[np.uint16], ...]
    kind: BitTable

    @classmethod
    def of(cls, columns: list[Column]) -> _TablePath | None:
        forms = [c.by_table for c in columns]
        if any(f is None for f in forms):
            return None
        bits = tuple(f[0] for f in forms if f is not None)
        kinds = {f[1] for f in forms if f is not None}
        if len(kinds) != 1:  # int16 beside uint16: the general path
            return None
        kind = kinds.pop()
        if kind.denmark < 0 or kind.missing < 0:  # uint16 has no "not recorded"
            return None
        return cls(bits, kind)

    def classify(
        self, lo: int, hi: int, origin: npt.NDArray[np.int8], coo: npt.NDArray[np.int16]
    ) -> bool:
        """Classify rows lo..hi into ``origin`` and ``coo``; False if a code is invalid."""
        # A uint16 always indexes a 65,536-entry table: "clip" only skips the bounds check.
        width = hi - lo
        weighted = _weighted(self.kind)
        state = np.take(weighted[0], self.bits[0][lo:hi], mode="clip")
        part = np.empty(width, dtype=INDEX_DTYPE)
        for k in range(1, 6):
            np.take(weighted[k], self.bits[k][lo:hi], out=part, mode="clip")
            state += part
        if width and state.max() >= _INVALID_WEIGHT:
            return False
        raw = np.empty((8, width), dtype=np.uint16)
        for k in range(6):
            raw[k] = self.bits[k][lo:hi]
        raw[6] = self.kind.denmark
        raw[7] = self.kind.missing
        source = np.take(raw.ravel(), _origin_and_source(state, origin), mode="clip")
        np.take(self.kind.codes, source, out=coo, mode="clip")
        return True


@functools.cache
def _weighted(kind: BitTable) -> tuple[npt.NDArray[np.int16], ...]:
    """Per column k: each bit pattern's share of the rule state, or the invalid weight."""
    category = np.minimum(kind.codes, 2).astype(INDEX_DTYPE)
    return tuple(
        np.where(kind.codes == INVALID, _INVALID_WEIGHT, category * _POWERS[k, 0]).astype(
            INDEX_DTYPE
        )
        for k in range(6)
    )


@functools.lru_cache(maxsize=4)
def _block_tables(width: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """For a block of ``width`` rows: the packed rules (see :func:`_origin_and_source`)
    and 0..width-1. Made once per block width (every block but the last has the same)."""
    packed = (_SOURCE_LUT.astype(np.intp) * width) << 3 | _ORIGIN_LUT.astype(np.intp)
    return packed, np.arange(width, dtype=np.intp)
