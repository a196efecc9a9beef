"""How :func:`~kommuneintegration.population.classification.classify_many` reads one input column.

Every kind of input a user has (numpy strings or integers, Arrow strings,
pandas columns, Python objects) becomes the same thing: a two-byte *code
index* per row, read block by block, so that the rules never see the input's
form. Each kind is read the fastest way its storage allows, without a Python
step per value where the storage permits it; ``docs/performance.md`` has the
figures. An invalid value becomes :data:`INVALID` and stays readable, as the
user gave it, through :attr:`Column.original`, for the error message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.countries import DENMARK, _all_codes, iso_numeric
from kommuneintegration.errors import InputError

#: The alpha-2 code of each code index: Denmark is 0 and "not recorded" ("") 1, so
#: that min(index, 2) is the category the rules need (0 Denmark, 1 missing, 2 another
#: country); the other codes follow, sorted, and the last index, also "", is invalid.
CODES: Final = np.array([DENMARK, "", *sorted(_all_codes() - {DENMARK}), ""], dtype="<U2")
DK: Final = 0
MISSING: Final = 1
INVALID: Final = len(CODES) - 1
INDEX_DTYPE: Final = np.int16
CODE_INDEX: Final = {code: i for i, code in enumerate(CODES[:INVALID].tolist()) if code}


def _cases(code: str) -> set[str]:
    """Every way a code may be written: "DK", "dk", "Dk", "dK" (as ``_scalar_index`` reads them)."""
    first, second = code[0], code[1]
    return {a + b for a in (first.upper(), first.lower()) for b in (second.upper(), second.lower())}


def _key_table() -> npt.NDArray[np.int16]:
    """Map two characters (each clipped to 0..128) to a code index; any case accepted."""
    table = np.full(129 * 129, INVALID, dtype=INDEX_DTYPE)
    table[0] = MISSING  # ""
    for code, i in CODE_INDEX.items():
        for variant in _cases(code):
            table[ord(variant[0]) * 129 + ord(variant[1])] = i
    return table


_KEY_TABLE: Final = _key_table()


def _byte_pair_table() -> npt.NDArray[np.int16]:
    """Map two bytes read as one little-endian uint16 (first byte low) to a code index."""
    table = np.full(1 << 16, INVALID, dtype=INDEX_DTYPE)
    for code, i in CODE_INDEX.items():
        for variant in _cases(code):
            table[ord(variant[0]) | (ord(variant[1]) << 8)] = i
    return table


_BYTE_PAIRS: Final = _byte_pair_table()
#: What a string of each length (0, 1, 2, 3 or more bytes) is, where it is not two bytes.
_BY_LENGTH: Final = np.array([MISSING, INVALID, INVALID, INVALID], dtype=INDEX_DTYPE)


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
        return MISSING
    if isinstance(value, float) and value != value:  # NaN from pandas
        return MISSING
    if isinstance(value, str):
        hit = CODE_INDEX.get(value)
        if hit is None and len(value) == 2:
            hit = CODE_INDEX.get(value.upper())
        if hit is not None:
            return hit
    if type(value).__name__ in {"NAType", "NaTType"}:  # pandas missing markers
        return MISSING
    return INVALID


@attrs.frozen
class Column:
    """One input column, ready to be encoded block by block."""

    length: int
    #: ``encode(lo, hi, out)`` writes the code indices of rows lo..hi into ``out``.
    encode: Callable[[int, int, npt.NDArray[np.int16]], object]
    original: Callable[[int], object]
    #: Two-byte input read through one table: the raw values as uint16 and the
    #: table of every bit pattern (``origin`` classifies six such columns straight from
    #: their bits).
    by_table: tuple[npt.NDArray[np.uint16], BitTable] | None = None


def reader(values: Any, name: str = "values") -> Column:
    """Prepare one column to be read block by block (``name`` is for error messages).

    Inputs are read per block as the workers reach them, except a pyarrow array
    that is neither text nor numbers, which is dictionary-encoded once, up front. A
    masked array's masked entries are "not recorded"; input of more than one
    dimension is refused rather than flattened.
    """
    if isinstance(values, np.ma.MaskedArray):
        return _from_masked(values, name)
    if hasattr(values, "dictionary_encode") and not isinstance(values, np.ndarray):  # pyarrow
        return _from_arrow(values, name)
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
        return Column(
            len(fixed),
            lambda lo, hi, out: _from_fixed_width(fixed[lo:hi], out),
            lambda i: fixed[i].item(),
        )
    if arr.dtype.kind in "iu":
        return _from_numeric(arr)
    if arr.dtype.kind == "f":
        return _from_float(arr)
    return _from_objects(arr.astype(object, copy=False))


def _from_masked(values: np.ma.MaskedArray[Any, Any], name: str) -> Column:
    """A masked array: its data read as any array is, the masked entries not recorded."""
    mask = np.ma.getmaskarray(values)
    inner = reader(np.ma.getdata(values), name)
    if not mask.any():
        return inner

    def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        inner.encode(lo, hi, out)
        np.copyto(out, INDEX_DTYPE(MISSING), where=mask[lo:hi])

    return Column(inner.length, encode, lambda i: None if mask[i] else inner.original(i))


def _from_arrow(values: Any, name: str) -> Column:
    """A pyarrow array or chunked array: strings from their buffers, numbers as numpy reads
    them, anything else dictionary-encoded once (a dictionary array as it is)."""
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    direct = _from_arrow_strings(values)
    if direct is not None:
        return direct
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        # Numbers as numpy reads them (ISO numeric codes); a null becomes NaN.
        return reader(_arrow_numbers(values), name)
    is_dictionary = pa.types.is_dictionary(values.type)
    encoded = values if is_dictionary else values.dictionary_encode()
    indices = encoded.indices
    borrowed = is_dictionary and not indices.null_count  # the input's: read in place
    if not borrowed:
        indices = indices.fill_null(-1)
    return _from_factorized(
        _arrow_numbers(indices),
        encoded.dictionary.to_pylist(),
        lambda i: values[i].as_py(),
        borrowed=borrowed,
    )


def _from_objects(obj: npt.NDArray[np.object_]) -> Column:
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
    fast = {**CODE_INDEX, **{c.lower(): i for c, i in CODE_INDEX.items()}, "": MISSING}

    def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        block = obj[lo:hi]
        if pd is not None:
            try:
                codes, uniques = pd.factorize(block, use_na_sentinel=True, size_hint=256)
            except TypeError:  # unhashable: below, one by one
                pass
            else:
                lut = [_scalar_index(u) for u in uniques] + [MISSING]
                np.take(np.array(lut, dtype=INDEX_DTYPE), codes, mode="wrap", out=out)
                return
        out[:] = [fast[v] if isinstance(v, str) and v in fast else _scalar_index(v) for v in block]

    return Column(len(obj), encode, lambda i: obj[i])


def _from_pandas(values: Any, name: str) -> Column:
    """A pandas Series or array, read the fastest way its storage allows.

    Strings stored in Arrow (pandas 3's default ``str``, ``string[pyarrow]``,
    ``ArrowDtype``) go to the Arrow reader without a copy; a categorical gives its
    codes and categories as they are; numpy storage is read as numpy arrays are
    (integers as ISO numeric codes, objects block by block); pandas' nullable
    integers as numbers, NA not recorded.
    """
    dtype = values.dtype
    by_position = values.iloc if hasattr(values, "iloc") else values

    def original(i: int) -> object:
        return by_position[i]

    if getattr(dtype, "storage", None) == "pyarrow" or type(dtype).__name__ == "ArrowDtype":
        import pyarrow as pa

        arrow = pa.array(values.array if hasattr(values, "array") else values)
        return reader(arrow, name)
    if type(dtype).__name__ == "CategoricalDtype":
        categorical = values.array if hasattr(values, "array") else values
        categories = list(np.asarray(categorical.categories, dtype=object))
        codes = np.asarray(categorical.codes)  # the categorical's own: read in place
        return _from_factorized(codes, categories, original, borrowed=True)
    if isinstance(dtype, np.dtype):  # numpy storage: read as numpy reads it, in place
        return reader(values.to_numpy(), name)
    kind = getattr(dtype, "kind", "")  # pandas' nullable numbers: NA is not recorded
    if kind in ("i", "u"):
        return reader(values.to_numpy(dtype="int64", na_value=-1), name)
    if kind == "f":
        return reader(values.to_numpy(dtype="float64", na_value=np.nan), name)
    return reader(values.to_numpy(dtype=object), name)  # e.g. string[python]: NA not recorded


@functools.cache
def _numeric_lookup() -> npt.NDArray[np.int16]:
    """Index 0: not recorded (any negative); 1..1000: ISO 3166-1 numeric codes 0..999
    (208 Denmark, 792 Türkiye) as code indices; 1001: out of range."""
    table = np.full(1002, INVALID, dtype=INDEX_DTYPE)
    table[0] = MISSING
    for code, number in iso_numeric().items():
        index = CODE_INDEX.get(code)
        if index is not None:
            table[number + 1] = index
    return table


def _numeric_indices(
    numbers: npt.NDArray[Any], out: npt.NDArray[np.int16] | None = None
) -> npt.NDArray[np.int16]:
    """Whole numbers read as ISO numeric codes -> code indices: one clip, one look-up."""
    key = np.clip(numbers, -1, 1000).astype(np.intp)
    key += 1
    return np.take(_numeric_lookup(), key, out=out)


@attrs.frozen(eq=False)
class BitTable:
    """What every two-byte bit pattern of one kind of input means, made once per kind.

    Compared by identity: columns of one kind share one table.
    """

    #: Bit pattern -> code index.
    codes: npt.NDArray[np.int16]
    #: A bit pattern read as Denmark and one read as not recorded, or -1 if none.
    denmark: int
    missing: int

    @classmethod
    def of(cls, codes: npt.NDArray[np.int16]) -> BitTable:
        codes.flags.writeable = False
        first = [np.flatnonzero(codes == c) for c in (DK, MISSING)]
        denmark, missing = (int(f[0]) if len(f) else -1 for f in first)
        return cls(codes, denmark, missing)


@functools.cache
def _numeric_table16(*, signed: bool) -> BitTable:
    """Every two-byte bit pattern, read as int16 or uint16, as an ISO numeric code."""
    every = np.arange(1 << 16, dtype=np.int64)
    if signed:
        every = np.where(every >= 1 << 15, every - (1 << 16), every)
    return BitTable.of(_numeric_indices(every))


def _from_numeric(arr: npt.NDArray[Any]) -> Column:
    """Integer-coded countries, read as ISO 3166-1 numeric codes; negative means not recorded.

    Encoded block by block with one clip and one table look-up, like the strings.
    """
    values = np.ascontiguousarray(arr)
    if values.dtype in (np.dtype(np.int16), np.dtype(np.uint16)):
        # Two bytes a value: one table of all 65,536 bit patterns, one look-up, no clipping.
        kind = _numeric_table16(signed=values.dtype == np.dtype(np.int16))
        bits = values.view(np.uint16)

        def encode16(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
            np.take(kind.codes, bits[lo:hi], out=out)

        return Column(len(values), encode16, lambda i: values[i].item(), (bits, kind))

    def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        _numeric_indices(values[lo:hi], out)

    return Column(len(values), encode, lambda i: values[i].item())


# pyarrow's ``to_numpy`` imports pandas (0.2 s) into a run that never uses it; reading
# the buffers does not, and is what it does for these arrays anyway.
def _arrow_numbers(values: Any) -> npt.NDArray[Any]:
    """A pyarrow integer or float array as numpy: a view of its data buffer, or, with
    nulls, floats with NaN for them (as ``to_numpy`` gives)."""
    dtype = np.dtype(values.type.to_pandas_dtype())
    data = np.frombuffer(values.buffers()[1], dtype=dtype)
    numbers = data[values.offset : values.offset + len(values)]
    if values.null_count:
        numbers = numbers.astype(np.float64)
        numbers[_arrow_nulls(values)] = np.nan
    return numbers


def _arrow_nulls(values: Any) -> npt.NDArray[np.bool_]:
    """Which entries of a pyarrow array are null, from its validity bitmap."""
    bitmap = values.buffers()[0]
    if bitmap is None:
        return np.zeros(len(values), dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    valid: npt.NDArray[np.bool_] = bits[values.offset : values.offset + len(values)].astype(bool)
    return ~valid


def _from_float(arr: npt.NDArray[Any]) -> Column:
    """Floating-point numbers: ISO numeric codes where whole.

    A column of integer codes with gaps reads into pandas or numpy as floats,
    the gaps NaN. NaN and negative numbers are not recorded, as negative integers
    are; a number with a fraction is invalid. Read block by block.
    """
    values = np.ascontiguousarray(arr, dtype=np.float64)

    def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        block = values[lo:hi]
        with np.errstate(invalid="ignore"):
            key = np.clip(block, -1, 1000)  # 1000 is no code: out of range
            key[np.floor(block) != block] = 1000  # a fraction (and NaN, fixed next)
            key[np.isnan(block) | (block < 0)] = -1
        _numeric_indices(key, out)

    return Column(len(values), encode, lambda i: values[i].item())


def _from_arrow_strings(values: Any) -> Column | None:
    """A pyarrow string array (not chunked) read straight from its buffers: offsets and bytes, no hashing.

    Codes are one or two ASCII bytes; longer strings are invalid and empty ones or
    nulls not recorded. Returns None for anything else (the caller then
    dictionary-encodes).
    """
    import pyarrow as pa

    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    n = len(values)
    offsets, data, pairs = _string_buffers(values, large=pa.types.is_large_string(values.type))

    @functools.cache
    def padded() -> npt.NDArray[np.uint8]:  # for the rare block that is not aligned
        return np.concatenate((data, np.zeros(2, np.uint8)))  # reads past the end: zeros

    nulls = _arrow_nulls(values) if values.null_count else None

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
                np.copyto(out, INDEX_DTYPE(MISSING), where=lengths == 0)
        elif not np.bitwise_and(starts, 1).any():
            # Every string starts at an even byte, but some are of other lengths.
            halves = np.right_shift(starts, 1)
            np.take(_BYTE_PAIRS, np.take(pairs, halves, mode="clip"), out=out, mode="clip")
            odd = lengths != 2
            np.copyto(out, np.take(_BY_LENGTH, np.minimum(lengths, 3)), where=odd)
        else:
            _encode_unaligned(lo, hi, out)
        if nulls is not None:
            out[nulls[lo:hi]] = MISSING

    def _encode_unaligned(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
        starts = np.asarray(offsets[lo:hi], dtype=np.int64)
        lengths: npt.NDArray[np.int64] = np.subtract(offsets[lo + 1 : hi + 1], starts)
        data2 = padded()
        _take_pairs(data2[starts], np.where(lengths > 1, data2[starts + 1], 0), out)
        out[lengths == 0] = MISSING  # ""
        out[(lengths == 1) | (lengths > 2)] = INVALID  # one byte is no code, "\x00" neither

    def original(i: int) -> object:
        return values[i].as_py()

    return Column(n, encode, original)


def _string_buffers(
    values: Any, *, large: bool
) -> tuple[npt.NDArray[Any], npt.NDArray[np.uint8], npt.NDArray[np.uint16]]:
    """A pyarrow string array's offsets (its own rows only) and bytes, and the bytes as pairs."""
    n = len(values)
    _, offsets_buffer, data_buffer = values.buffers()
    offset_type = np.int64 if large else np.int32
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
    pairs: npt.NDArray[np.uint16] = even.view("<u2") if len(even) else np.zeros(1, np.uint16)
    return offsets, data, pairs


def _from_factorized(
    codes: npt.NDArray[Any],
    uniques: list[object],
    original: Callable[[int], object],
    *,
    borrowed: bool = False,
) -> Column:
    """Codes into ``uniques`` (negative: missing) -> code indices.

    ``borrowed`` codes belong to the input (a categorical's, Arrow's indices) and
    are read block by block; codes made here (often eight bytes a row) become
    two-byte code indices at once and are dropped. A value to report is read
    from the input (``original``).
    """
    lut = np.array([_scalar_index(u) for u in uniques] + [MISSING], dtype=INDEX_DTYPE)
    if borrowed:  # -1 wraps onto the last entry: missing

        def encode(lo: int, hi: int, out: npt.NDArray[np.int16]) -> None:
            np.take(lut, codes[lo:hi], mode="wrap", out=out)

        return Column(len(codes), encode, original)
    idx = np.take(lut, codes, mode="wrap")
    return Column(len(idx), lambda lo, hi, out: np.copyto(out, idx[lo:hi]), original)


def _key14_table() -> npt.NDArray[np.int16]:
    """Two ASCII characters packed into 14 bits -> code index; any case accepted."""
    table = np.full(1 << 14, INVALID, dtype=INDEX_DTYPE)
    table[0] = MISSING  # ""
    for code, i in CODE_INDEX.items():
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
        out = np.empty(n, dtype=INDEX_DTYPE)
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
            out[(v & _NOT_ASCII) != 0] = INVALID
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
            out[third != 0] = INVALID
        return out
    chars: npt.NDArray[np.unsignedinteger[Any]]
    if arr.dtype.kind == "U":
        width = arr.dtype.itemsize // 4
        chars = arr.view(np.uint32).reshape(n, width) if width else np.zeros((n, 0), np.uint32)
    else:
        width = arr.dtype.itemsize
        chars = arr.view(np.uint8).reshape(n, width) if width else np.zeros((n, 0), np.uint8)
    if width == 0:
        out[:] = MISSING
        return out
    _take_pairs(chars[:, 0], chars[:, 1] if width > 1 else None, out)
    if width > 2:
        out[chars[:, 2] != 0] = INVALID  # longer than two characters: not a code
    return out


def code_indices(codes: npt.NDArray[Any]) -> npt.NDArray[np.int16]:
    """Alpha-2 codes as a fixed-width string array (e.g. read back from a file) -> code indices."""
    return _from_fixed_width(codes)
