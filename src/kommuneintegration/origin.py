"""Origin (*herkomst*) as Statistics Denmark (DST) defines it.

A person is of Danish origin (*dansk oprindelse*) when at least one parent is
both a Danish citizen and born in Denmark; otherwise an immigrant
(*indvandrer*) when born abroad and a descendant (*efterkommer*) when born in
Denmark. Persons with no known parent, and the country of origin
(*oprindelsesland*), follow the rules in ``docs/origin.md``, which cites the
sources.

Two implementations share the rules: :func:`classify` for one :class:`Person`,
written for clarity, and :func:`classify_many` for whole registers, vectorised
with numpy over integer country indices. The property tests hold them to the
same answers.
"""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.countries import DENMARK, _all_codes, lookup
from kommuneintegration.errors import InputError
from kommuneintegration.i18n import _, format_number, ngettext, pick
from kommuneintegration.words import fold

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


class Origin(enum.IntEnum):
    """DST's origin categories; the values are DST's ``IE_TYPE`` codes.

    ``UNDETERMINED`` (*uoplyst*) is for rows the rules cannot decide because the
    person's own birth country (or, with no parent known, citizenship) is
    missing. It is counted and reported, never dropped.
    """

    UNDETERMINED = 0
    DANISH = 1
    IMMIGRANT = 2
    DESCENDANT = 3

    @property
    def label(self) -> str:
        """The official Danish term."""
        return _LABELS[self][0]

    @property
    def label_plural(self) -> str:
        return _LABELS[self][1]

    @property
    def label_en(self) -> str:
        return _LABELS[self][2]

    @property
    def label_plural_en(self) -> str:
        return _LABELS[self][3]

    @classmethod
    def parse(cls, value: str | int | Origin) -> Origin:
        """Read an origin from its name, Danish or English label, or DST code.

        ``Origin.parse("indvandrer")``, ``Origin.parse("efterkommere")``,
        ``Origin.parse("dansk oprindelse")``, ``Origin.parse("immigrant")`` and
        ``Origin.parse(2)`` all work.
        """
        if isinstance(value, Origin):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        key = fold(str(value).replace("_", " "))
        try:
            return _PARSE[key]
        except KeyError:
            options = ", ".join(repr(o.label) for o in cls)
            raise ValueError(
                f"unknown origin {value!r}; expected one of {options} or their English names"
            ) from None


_LABELS: Final = {
    Origin.UNDETERMINED: (
        "uoplyst",
        "personer med uoplyst herkomst",
        "undetermined",
        "persons of undetermined origin",
    ),
    Origin.DANISH: (
        "dansk oprindelse",
        "personer med dansk oprindelse",
        "Danish origin",
        "persons of Danish origin",
    ),
    Origin.IMMIGRANT: ("indvandrer", "indvandrere", "immigrant", "immigrants"),
    Origin.DESCENDANT: ("efterkommer", "efterkommere", "descendant", "descendants"),
}
_PARSE: Final = {
    fold(text): origin
    for origin, labels in _LABELS.items()
    for text in (*labels, origin.name.replace("_", " "), origin.label_en + "s")
} | {"dansk": Origin.DANISH, "danish": Origin.DANISH, "person af dansk oprindelse": Origin.DANISH}


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

# Code indices: DK is 0 and "not recorded" 1, so that min(index, 2) is the category
# the rules need (0 Denmark, 1 missing, 2 another country).
_CODE_LIST: Final = np.array([DENMARK, "", *sorted(_all_codes() - {DENMARK}), ""], dtype="<U2")
_DK: Final = 0
_MISSING: Final = 1
_INVALID: Final = len(_CODE_LIST) - 1
_INDEX_DTYPE: Final = np.int16
_CODE_INDEX: Final = {code: i for i, code in enumerate(_CODE_LIST[:_INVALID].tolist()) if code}


def _cases(code: str) -> set[str]:
    """Every way a code may be written: "DK", "dk", "Dk", "dK" (as ``_scalar_index`` reads them)."""
    first, second = code[0], code[1]
    return {a + b for a in (first.upper(), first.lower()) for b in (second.upper(), second.lower())}


def _key_table() -> npt.NDArray[np.int16]:
    """Map two characters (each clipped to 0..128) to a code index; any case accepted."""
    table = np.full(129 * 129, _INVALID, dtype=_INDEX_DTYPE)
    table[0] = _MISSING  # ""
    for code, i in _CODE_INDEX.items():
        for variant in _cases(code):
            table[ord(variant[0]) * 129 + ord(variant[1])] = i
    return table


_KEY_TABLE: Final = _key_table()


def _byte_pair_table() -> npt.NDArray[np.int16]:
    """Map two bytes read as one little-endian uint16 (first byte low) to a code index."""
    table = np.full(1 << 16, _INVALID, dtype=_INDEX_DTYPE)
    for code, i in _CODE_INDEX.items():
        for variant in _cases(code):
            table[ord(variant[0]) | (ord(variant[1]) << 8)] = i
    return table


_BYTE_PAIRS: Final = _byte_pair_table()
#: What a string of each length (0, 1, 2, 3 or more bytes) is, where it is not two bytes.
_BY_LENGTH: Final = np.array([_MISSING, _INVALID, _INVALID, _INVALID], dtype=_INDEX_DTYPE)


def _take_pairs(
    first: npt.NDArray[Any], second: npt.NDArray[Any] | None, out: npt.NDArray[np.int16]
) -> None:
    """Write the code index of each two-character key (characters as numbers) into ``out``."""
    key = np.minimum(first, 128).astype(np.int32)
    key *= 129
    if second is not None:
        key += np.minimum(second, 128)
    np.take(_KEY_TABLE, key, out=out)


def _scalar_index(value: object) -> int:
    if value is None or value == "":
        return _MISSING
    if isinstance(value, float) and value != value:  # NaN from pandas
        return _MISSING
    if isinstance(value, str):
        hit = _CODE_INDEX.get(value)
        if hit is None and len(value) == 2:
            hit = _CODE_INDEX.get(value.upper())
        if hit is not None:
            return hit
    if type(value).__name__ in {"NAType", "NaTType"}:  # pandas missing markers
        return _MISSING
    return _INVALID


@attrs.frozen
class _Column:
    """One input column, ready to be encoded block by block."""

    length: int
    #: ``encode(lo, hi, out)`` writes the code indices of rows lo..hi into ``out``.
    encode: Callable[[int, int, npt.NDArray[np.int16]], object]
    original: Callable[[int], object]
    #: Two-byte input read through one table: the raw values as uint16 and the
    #: table of every bit pattern (see :class:`_TablePath`).
    by_table: tuple[npt.NDArray[np.uint16], _BitTable] | None = None


def _encoder(values: Any, name: str = "values") -> _Column:
    """Prepare one column: fixed-width strings are encoded per block, other inputs up front.

    A masked array's masked entries are "not recorded"; input of more than one
    dimension is refused rather than flattened.
    """
    if isinstance(values, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(values)
        inner = _encoder(np.ma.getdata(values), name)
        if not mask.any():
            return inner

        def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
            inner.encode(lo, hi, out)
            np.copyto(out, _INDEX_DTYPE(_MISSING), where=mask[lo:hi])

        return _Column(inner.length, encode, lambda i: None if mask[i] else inner.original(i))
    if hasattr(values, "dictionary_encode") and not isinstance(values, np.ndarray):  # pyarrow
        import pyarrow as pa

        direct = _from_arrow_strings(values)
        if direct is not None:
            return direct
        is_dictionary = pa.types.is_dictionary(values.type)
        encoded = values if is_dictionary else values.dictionary_encode()
        if hasattr(encoded, "combine_chunks"):
            encoded = encoded.combine_chunks()
        indices = encoded.indices
        borrowed = is_dictionary and not indices.null_count  # the input's: read in place
        if not borrowed:
            indices = indices.fill_null(-1)
        return _from_factorized(
            indices.to_numpy(zero_copy_only=False),
            encoded.dictionary.to_pylist(),
            lambda i: values[i].as_py(),
            borrowed=borrowed,
        )
    if hasattr(values, "factorize") and not isinstance(values, np.ndarray):  # pandas
        return _from_pandas(values, name)
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise InputError(
            f"expected one value per person (a 1-D array), got an array of shape {arr.shape}",
            column=name,
        )
    if arr.dtype.kind in "US":
        fixed = np.ascontiguousarray(arr)
        return _Column(
            len(fixed),
            lambda lo, hi, out: _from_fixed_width(fixed[lo:hi], out),
            lambda i: fixed[i].item(),
        )
    if arr.dtype.kind in "iu":
        return _from_numeric(arr)
    return _from_objects(arr.astype(object, copy=False))


def _from_objects(obj: npt.NDArray[np.object_]) -> _Column:
    """Python objects, hashed block by block as the workers reach them.

    pandas' ``factorize`` hashes a block in C, and the few distinct values of a
    block are read once each. A block's hash table stays in cache; one for the
    whole column is sized for every row (140 MiB for 6 million) and is slower.
    Without pandas, or for a block with an unhashable value, one look-up a row.
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is in the frames and test extras
        pd = None
    fast = {**_CODE_INDEX, **{c.lower(): i for c, i in _CODE_INDEX.items()}, "": _MISSING}

    def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        block = obj[lo:hi]
        if pd is not None:
            try:
                codes, uniques = pd.factorize(block, use_na_sentinel=True, size_hint=256)
            except TypeError:  # unhashable: below, one by one
                pass
            else:
                lut = [_scalar_index(u) for u in uniques] + [_MISSING]
                np.take(np.array(lut, dtype=_INDEX_DTYPE), codes, mode="wrap", out=out)
                return
        out[:] = [fast[v] if isinstance(v, str) and v in fast else _scalar_index(v) for v in block]

    return _Column(len(obj), encode, lambda i: obj[i])


def _from_pandas(values: Any, name: str) -> _Column:
    """A pandas Series or array, read the fastest way its storage allows.

    Strings stored in Arrow (pandas 3's default ``str``, ``string[pyarrow]``,
    ``ArrowDtype``) go to the Arrow reader without a copy; a categorical gives its
    codes and categories as they are; anything else is factorised by pandas.
    """
    dtype = values.dtype
    by_position = values.iloc if hasattr(values, "iloc") else values

    def original(i: int) -> object:
        return by_position[i]

    if getattr(dtype, "storage", None) == "pyarrow" or type(dtype).__name__ == "ArrowDtype":
        import pyarrow as pa

        arrow = pa.array(values.array if hasattr(values, "array") else values)
        return _encoder(arrow, name)
    if type(dtype).__name__ == "CategoricalDtype":
        categorical = values.array if hasattr(values, "array") else values
        categories = list(np.asarray(categorical.categories, dtype=object))
        codes = np.asarray(categorical.codes)  # the categorical's own: read in place
        return _from_factorized(codes, categories, original, borrowed=True)
    codes, uniq = values.factorize(use_na_sentinel=True)
    return _from_factorized(np.asarray(codes), list(np.asarray(uniq, dtype=object)), original)


def _numeric_table() -> npt.NDArray[np.int16]:
    """ISO 3166-1 numeric codes (208 Denmark, 792 Türkiye) -> code index."""
    import pycountry

    table = np.full(1000, _INVALID, dtype=_INDEX_DTYPE)
    for country in pycountry.countries:
        index = _CODE_INDEX.get(country.alpha_2)
        if index is not None:
            table[int(country.numeric)] = index
    return table


@functools.cache
def _numeric_lookup() -> npt.NDArray[np.int16]:
    """Index 0: not recorded (any negative); 1..1000: codes 0..999; 1001: out of range."""
    return np.concatenate(([_MISSING], _numeric_table(), [_INVALID])).astype(_INDEX_DTYPE)


@attrs.frozen(eq=False)
class _BitTable:
    """What every two-byte bit pattern of one kind of input means, made once per kind."""

    #: Bit pattern -> code index.
    codes: npt.NDArray[np.int16]
    #: Per column k: bit pattern -> that column's share of the rule state, or
    #: :data:`_INVALID_WEIGHT` for an invalid code.
    weighted: tuple[npt.NDArray[np.int16], ...]
    #: A bit pattern read as Denmark and one read as not recorded, or -1 if none.
    denmark: int
    missing: int

    @classmethod
    def of(cls, codes: npt.NDArray[np.int16]) -> _BitTable:
        codes.flags.writeable = False
        category = np.minimum(codes, 2).astype(_INDEX_DTYPE)
        weighted = []
        for k in range(6):
            w = np.where(codes == _INVALID, _INVALID_WEIGHT, category * _POWERS[k, 0])
            weighted.append(w.astype(_INDEX_DTYPE))
        first = [np.flatnonzero(codes == c) for c in (_DK, _MISSING)]
        denmark, missing = (int(f[0]) if len(f) else -1 for f in first)
        return cls(codes, tuple(weighted), denmark, missing)


@functools.cache
def _numeric_table16(*, signed: bool) -> _BitTable:
    """Every two-byte bit pattern, read as int16 or uint16, as an ISO numeric code."""
    every = np.arange(1 << 16, dtype=np.int64)
    if signed:
        every = np.where(every >= 1 << 15, every - (1 << 16), every)
    return _BitTable.of(_numeric_lookup()[np.clip(every, -1, 1000) + 1])


def _from_numeric(arr: npt.NDArray[Any]) -> _Column:
    """Integer-coded countries, read as ISO 3166-1 numeric codes; negative means not recorded.

    Encoded block by block with one clip and one table look-up, like the strings.
    """
    table = _numeric_lookup()
    values = np.ascontiguousarray(arr)
    if values.dtype in (np.dtype(np.int16), np.dtype(np.uint16)):
        # Two bytes a value: one table of all 65,536 bit patterns, one look-up, no clipping.
        kind = _numeric_table16(signed=values.dtype == np.dtype(np.int16))
        bits = values.view(np.uint16)

        def encode16(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
            np.take(kind.codes, bits[lo:hi], out=out)

        return _Column(len(values), encode16, lambda i: values[i].item(), (bits, kind))

    def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        key = np.clip(values[lo:hi], -1, 1000).astype(np.int32)
        key += 1
        np.take(table, key, out=out)

    return _Column(len(values), encode, lambda i: values[i].item())


def _from_arrow_strings(values: Any) -> _Column | None:
    """A pyarrow string array read straight from its buffers: offsets and bytes, no hashing.

    Codes are one or two ASCII bytes; longer strings are invalid and empty ones or
    nulls not recorded. Returns None for anything else (the caller then
    dictionary-encodes).
    """
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    n = len(values)
    _, offsets_buffer, data_buffer = values.buffers()
    offset_type = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[
        values.offset : values.offset + n + 1
    ]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None and data_buffer.size
        else np.zeros(1, np.uint8)
    )
    # The bytes as uint16 pairs, without a copy (Arrow's buffers are 64-byte aligned). A
    # read at the very end is clipped onto the last pair: only a string of length 0 or
    # 1 starts there, and its length, not its bytes, decides it.
    even = data[: len(data) - len(data) % 2]
    pairs = even.view("<u2") if len(even) else np.zeros(1, np.uint16)

    @functools.cache
    def padded() -> npt.NDArray[np.uint8]:  # for the rare block that is not aligned
        return np.concatenate((data, np.zeros(2, np.uint8)))  # reads past the end: zeros

    nulls = values.is_null().to_numpy(zero_copy_only=False) if values.null_count else None

    def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        starts = offsets[lo:hi]
        lengths = np.subtract(offsets[lo + 1 : hi + 1], starts)
        if hi > lo and not starts[0] % 2 and int(np.bitwise_or.reduce(lengths)) in (0, 2):
            # Two bytes or none each (one reduction tells: any other length sets another
            # bit), so every string starts at an even byte: one aligned gather reads both
            # bytes of each row, one look-up codes them; empty ones are not recorded.
            halves = np.right_shift(starts, 1)
            np.take(_BYTE_PAIRS, np.take(pairs, halves, mode="clip"), out=out, mode="clip")
            if not lengths.min():
                np.copyto(out, _INDEX_DTYPE(_MISSING), where=lengths == 0)
        elif not np.bitwise_and(starts, 1).any():
            # Every string starts at an even byte, but some are of other lengths.
            halves = np.right_shift(starts, 1)
            np.take(_BYTE_PAIRS, np.take(pairs, halves, mode="clip"), out=out, mode="clip")
            odd = lengths != 2
            np.copyto(out, np.take(_BY_LENGTH, np.minimum(lengths, 3)), where=odd)
        else:
            _encode_unaligned(lo, hi, out)
        if nulls is not None:
            out[nulls[lo:hi]] = _MISSING

    def _encode_unaligned(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        starts = np.asarray(offsets[lo:hi], dtype=np.int64)
        lengths: npt.NDArray[np.int64] = np.subtract(offsets[lo + 1 : hi + 1], starts)
        data2 = padded()
        _take_pairs(data2[starts], np.where(lengths > 1, data2[starts + 1], 0), out)
        out[lengths == 0] = _MISSING  # ""
        out[(lengths == 1) | (lengths > 2)] = _INVALID  # one byte is no code, "\x00" neither

    def original(i: int) -> object:
        return values[i].as_py()

    return _Column(n, encode, original)


def _from_factorized(
    codes: npt.NDArray[Any],
    uniques: list[object],
    original: Callable[[int], object],
    *,
    borrowed: bool = False,
) -> _Column:
    """Codes into ``uniques`` (negative: missing) -> code indices.

    ``borrowed`` codes belong to the input (a categorical's, Arrow's indices) and
    are read block by block; codes made here (often eight bytes a row) become
    two-byte code indices at once and are dropped. A value to report is read
    from the input (``original``).
    """
    lut = np.array([_scalar_index(u) for u in uniques] + [_MISSING], dtype=_INDEX_DTYPE)
    if borrowed:  # -1 wraps onto the last entry: missing

        def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
            np.take(lut, codes[lo:hi], mode="wrap", out=out)

        return _Column(len(codes), encode, original)
    idx = np.take(lut, codes, mode="wrap")
    return _Column(len(idx), lambda lo, hi, out: np.copyto(out, idx[lo:hi]), original)


def _key14_table() -> npt.NDArray[np.int16]:
    """Two ASCII characters packed into 14 bits -> code index; any case accepted."""
    table = np.full(1 << 14, _INVALID, dtype=_INDEX_DTYPE)
    table[0] = _MISSING  # ""
    for code, i in _CODE_INDEX.items():
        for variant in _cases(code):
            table[ord(variant[0]) | (ord(variant[1]) << 7)] = i
    return table


_KEY14: Final = _key14_table()
_NOT_ASCII: Final = np.uint64(0xFFFFFF80FFFFFF80)


def _from_fixed_width(
    arr: npt.NDArray[Any], out: npt.NDArray[np.int16] | None = None
) -> npt.NDArray[np.int16]:
    """Fixed-width strings: read the characters as integers, no Python per row."""
    arr = np.ascontiguousarray(arr)
    n = len(arr)
    if out is None:
        out = np.empty(n, dtype=_INDEX_DTYPE)
    if arr.dtype == np.dtype("<U2"):
        # One row is one uint64: two UCS-4 characters. Pack both into 14 bits.
        v = arr.view(np.uint64)
        key = np.right_shift(v, np.uint64(25))  # one temporary, reused in place
        np.bitwise_or(key, v, out=key)
        np.bitwise_and(key, np.uint64(0x3FFF), out=key)
        np.take(_KEY14, key.view(np.int64), out=out)
        # Non-ASCII characters would alias onto ASCII keys: one reduction says whether any
        # row has one, and only then is each row checked.
        if np.bitwise_or.reduce(v) & _NOT_ASCII:
            out[(v & _NOT_ASCII) != 0] = _INVALID
        return out
    if arr.dtype.kind == "U" and arr.dtype.itemsize > 8:
        # Wider text ("<U3", "<U8"): the first two characters make the key, as for "<U2";
        # anything in the third character makes the row invalid (longer than a code).
        wide = arr.view(np.uint32).reshape(n, arr.dtype.itemsize // 4)
        key32 = np.left_shift(wide[:, 1], 7)
        np.bitwise_or(key32, wide[:, 0], out=key32)
        high = int(np.bitwise_or.reduce(wide[:, 0])) | int(np.bitwise_or.reduce(wide[:, 1]))
        if high < 0x80:  # ASCII: 14-bit keys, as for "<U2"
            np.take(_KEY14, key32, out=out)
        else:
            _take_pairs(wide[:, 0], wide[:, 1], out)
        third = wide[:, 2]
        if third.any():
            out[third != 0] = _INVALID
        return out
    chars: npt.NDArray[np.unsignedinteger[Any]]
    if arr.dtype.kind == "U":
        width = arr.dtype.itemsize // 4
        chars = arr.view(np.uint32).reshape(n, width) if width else np.zeros((n, 0), np.uint32)
    else:
        width = arr.dtype.itemsize
        chars = arr.view(np.uint8).reshape(n, width) if width else np.zeros((n, 0), np.uint8)
    if width == 0:
        out[:] = _MISSING
        return out
    _take_pairs(chars[:, 0], chars[:, 1] if width > 1 else None, out)
    if width > 2:
        out[chars[:, 2] != 0] = _INVALID  # longer than two characters: not a code
    return out


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
            shown = ", ".join(f"row {row} ({value!r})" for row, value in examples)
        else:
            shown = ", ".join(f"line {row + first_line:,} ({value!r})" for row, value in examples)
        super().__init__(
            f"{count} invalid country code{'s' if count != 1 else ''}, "
            f"first at {shown}; "
            'codes are ISO 3166-1 alpha-2 (use countries.to_codes() for names), "" or None for '
            "unknown, or pass errors='coerce' to treat them as unknown",
            file=file,
            column=argument,
            value=examples[0][1] if examples else None,
        )


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
        return cls(origin, _from_fixed_width(np.asarray(codes, dtype="<U2")), dict(coerced or {}))

    @functools.cached_property
    def country_of_origin(self) -> npt.NDArray[np.str_]:
        """Alpha-2 codes, one per row ("" where undetermined or not recorded)."""
        codes: npt.NDArray[np.str_] = np.take(_CODE_LIST, self.country_index)
        return codes

    def __len__(self) -> int:
        return len(self.origin)

    def counts(self) -> dict[Origin, int]:
        """Rows per origin, every category present; they add up to ``len(self)``."""
        tally = np.bincount(self.origin, minlength=len(Origin))
        return {o: int(tally[o.value]) for o in Origin}

    @property
    def undetermined(self) -> int:
        return self.counts()[Origin.UNDETERMINED]

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
    given = (
        birth_country,
        citizenship,
        mother_birth_country,
        mother_citizenship,
        father_birth_country,
        father_citizenship,
    )
    columns = [_encoder(values, name) for values, name in zip(given, COLUMNS, strict=True)]
    n = columns[0].length
    for name, column in zip(COLUMNS, columns, strict=True):
        if column.length != n:
            raise ValueError(
                f"{name} has {column.length} values but {COLUMNS[0]} has {n}; all arguments must align"
            )
    origin = np.empty(n, dtype=np.int8)
    coo = np.empty(n, dtype=_INDEX_DTYPE)
    by_table = _TablePath.of(columns)

    def work(lo: int, hi: int) -> list[tuple[int, list[int]]]:
        if by_table is not None and by_table.classify(lo, hi, origin[lo:hi], coo[lo:hi]):
            return [(0, [])] * len(columns)
        found: list[tuple[int, list[int]]] = []
        stacked = np.empty((8, hi - lo), dtype=_INDEX_DTYPE)
        stacked[6] = _DK
        stacked[7] = _MISSING
        for k, column in enumerate(columns):
            row = stacked[k]
            column.encode(lo, hi, row)  # written in place: no copy per column
            if hi > lo and row.max() == _INVALID:  # one reduction; the mask only when needed
                bad = row == _INVALID
                found.append((int(np.count_nonzero(bad)), (np.flatnonzero(bad)[:5] + lo).tolist()))
                row[bad] = _MISSING
            else:
                found.append((0, []))
        _apply_rules(stacked, origin[lo:hi], coo[lo:hi])
        return found

    bounds = [(lo, min(lo + BLOCK_ROWS, n)) for lo in range(0, n, BLOCK_ROWS)] or [(0, 0)]
    if len(bounds) > 1 and _workers() > 1:
        results = list(_pool().map(lambda b: work(*b), bounds))
    else:
        results = [work(*b) for b in bounds]
    coerced: dict[str, int] = {}
    for k, name in enumerate(COLUMNS):
        count = sum(r[k][0] for r in results)
        if count and errors == "raise":
            rows = sorted(row for r in results for row in r[k][1])[:5]
            raise InvalidCodesError(name, count, [(row, columns[k].original(row)) for row in rows])
        coerced[name] = count
    return ClassifiedPopulation(origin, coo, coerced)


#: The dictionary of ``ClassifiedPopulation.country_index``: alpha-2 codes, "" for none.
COUNTRY_CODES: Final = _CODE_LIST


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
    kind: _BitTable

    @classmethod
    def of(cls, columns: list[_Column]) -> _TablePath | None:
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
        weighted = self.kind.weighted
        state = np.take(weighted[0], self.bits[0][lo:hi], mode="clip")
        part = np.empty(width, dtype=_INDEX_DTYPE)
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


@functools.lru_cache(maxsize=4)
def _block_tables(width: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """For a block of ``width`` rows: the packed rules (see :func:`_origin_and_source`)
    and 0..width-1. Made once per block width (every block but the last has the same)."""
    packed = (_SOURCE_LUT.astype(np.intp) * width) << 3 | _ORIGIN_LUT.astype(np.intp)
    return packed, np.arange(width, dtype=np.intp)
