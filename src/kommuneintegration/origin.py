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
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.countries import DENMARK, _all_codes, lookup

__all__ = [
    "COLUMNS",
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
        key = " ".join(str(value).split()).casefold().replace("_", " ")
        try:
            return _PARSE[key]
        except KeyError:
            options = ", ".join(repr(o.label) for o in cls)
            raise ValueError(
                f"unknown origin {value!r}; expected one of {options} or their English names"
            ) from None


_LABELS: Final = {
    Origin.UNDETERMINED: ("uoplyst", "uoplyst", "undetermined"),
    Origin.DANISH: ("dansk oprindelse", "personer med dansk oprindelse", "Danish origin"),
    Origin.IMMIGRANT: ("indvandrer", "indvandrere", "immigrant"),
    Origin.DESCENDANT: ("efterkommer", "efterkommere", "descendant"),
}
_PARSE: Final = {
    text.casefold(): origin
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

_CODE_LIST: Final = np.array([*sorted(_all_codes()), "", ""], dtype="<U2")
_MISSING: Final = len(_CODE_LIST) - 2
_INVALID: Final = len(_CODE_LIST) - 1
_DK: Final = int(np.flatnonzero(_CODE_LIST == DENMARK)[0])
_INDEX_DTYPE: Final = np.int16
_CODE_INDEX: Final = {code: i for i, code in enumerate(_CODE_LIST[:_MISSING].tolist())}


def _key_table() -> npt.NDArray[np.int16]:
    """Map two characters (each clipped to 0..128) to a code index; lower case accepted."""
    table = np.full(129 * 129, _INVALID, dtype=_INDEX_DTYPE)
    table[0] = _MISSING  # ""
    for code, i in _CODE_INDEX.items():
        for variant in {code, code.lower()}:
            table[ord(variant[0]) * 129 + ord(variant[1])] = i
    return table


_KEY_TABLE: Final = _key_table()


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


def _encode(values: Any) -> tuple[npt.NDArray[np.int16], Callable[[int], object]]:
    """Encode one column to code indices; return them and a way to read the original value."""
    if hasattr(values, "dictionary_encode") and not isinstance(values, np.ndarray):  # pyarrow
        encoded = values.dictionary_encode()
        if hasattr(encoded, "combine_chunks"):
            encoded = encoded.combine_chunks()
        codes = (
            encoded.indices.fill_null(-1)
            .to_numpy(zero_copy_only=False)
            .astype(np.int64, copy=False)
        )
        uniques: list[object] = encoded.dictionary.to_pylist()
        return _from_factorized(codes, uniques)
    if hasattr(values, "factorize") and not isinstance(values, np.ndarray):  # pandas
        codes, uniq = values.factorize(use_na_sentinel=True)
        return _from_factorized(np.asarray(codes), list(np.asarray(uniq, dtype=object)))
    arr = np.asarray(values)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.dtype.kind in "US":
        return _from_fixed_width(arr), lambda i: arr[i].item()
    obj = arr.astype(object, copy=False)
    lut = {**_CODE_INDEX, **{c.lower(): i for c, i in _CODE_INDEX.items()}, "": _MISSING}
    out = np.fromiter(
        (lut[v] if isinstance(v, str) and v in lut else _scalar_index(v) for v in obj),
        dtype=_INDEX_DTYPE,
        count=len(obj),
    )
    return out, lambda i: obj[i]


def _from_factorized(
    codes: npt.NDArray[Any], uniques: list[object]
) -> tuple[npt.NDArray[np.int16], Callable[[int], object]]:
    lut = np.array([_scalar_index(u) for u in uniques] + [_MISSING], dtype=_INDEX_DTYPE)
    codes = np.where(codes < 0, len(uniques), codes) if (codes < 0).any() else codes
    return lut[codes], lambda i: uniques[codes[i]] if codes[i] < len(uniques) else None


def _from_fixed_width(arr: npt.NDArray[Any]) -> npt.NDArray[np.int16]:
    """Fixed-width strings: read the first two characters as integers, no Python per row."""
    arr = np.ascontiguousarray(arr)
    n = len(arr)
    chars: npt.NDArray[np.unsignedinteger[Any]]
    if arr.dtype.kind == "U":
        width = arr.dtype.itemsize // 4
        chars = arr.view(np.uint32).reshape(n, width) if width else np.zeros((n, 0), np.uint32)
    else:
        width = arr.dtype.itemsize
        chars = arr.view(np.uint8).reshape(n, width) if width else np.zeros((n, 0), np.uint8)
    if width == 0:
        return np.full(n, _MISSING, dtype=_INDEX_DTYPE)
    c0 = np.minimum(chars[:, 0], 128).astype(np.int32)
    c1 = np.minimum(chars[:, 1], 128).astype(np.int32) if width > 1 else np.zeros(n, np.int32)
    out: npt.NDArray[np.int16] = _KEY_TABLE[c0 * 129 + c1]
    if width > 2:
        out[chars[:, 2] != 0] = _INVALID  # longer than two characters: not a code
    return out


class InvalidCodesError(ValueError):
    """Values that are not country codes, with where they are."""

    def __init__(self, argument: str, count: int, examples: list[tuple[int, object]]) -> None:
        self.argument = argument
        self.count = count
        self.examples = examples
        shown = ", ".join(f"row {row} ({value!r})" for row, value in examples)
        super().__init__(
            f"{argument}: {count} invalid country code{'s' if count != 1 else ''}, "
            f"first at {shown}; "
            'codes are ISO 3166-1 alpha-2 (use countries.to_codes() for names), "" or None for '
            "unknown, or pass errors='coerce' to treat them as unknown"
        )


@attrs.frozen(eq=False)
class ClassifiedPopulation:
    """The result of :func:`classify_many`, aligned row for row with the input.

    ``origin`` holds :class:`Origin` values (int8), ``country_of_origin`` alpha-2
    codes ("" where undetermined or not recorded). ``coerced`` says, per
    argument, how many invalid values ``errors="coerce"`` treated as unknown.
    """

    origin: npt.NDArray[np.int8]
    country_of_origin: npt.NDArray[np.str_]
    coerced: Mapping[str, int] = attrs.field(factory=dict)

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
            f"{o.label_plural}: {n}"
            for o, n in self.counts().items()
            if o is not Origin.UNDETERMINED
        ]
        parts.append(f"uoplyst (undetermined): {self.undetermined}")
        coerced = sum(self.coerced.values())
        if coerced:
            detail = ", ".join(f"{k} {v}" for k, v in self.coerced.items() if v)
            parts.append(f"invalid codes treated as unknown: {coerced} ({detail})")
        return f"{len(self)} rows; " + "; ".join(parts)


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

    Each argument is an array-like of alpha-2 codes of the same length (numpy
    string arrays, lists, pandas Series, pyarrow arrays); "" or ``None`` means
    not recorded. ``errors="raise"`` rejects invalid codes with
    :class:`InvalidCodesError` naming the argument, how many and where;
    ``errors="coerce"`` treats them as unknown and reports the count in
    :attr:`ClassifiedPopulation.coerced`.
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
    columns: list[npt.NDArray[np.int16]] = []
    coerced: dict[str, int] = {}
    length: int | None = None
    for name, values in zip(COLUMNS, given, strict=True):
        idx, original = _encode(values)
        if length is None:
            length = len(idx)
        elif len(idx) != length:
            raise ValueError(
                f"{name} has {len(idx)} values but {COLUMNS[0]} has {length}; "
                "all arguments must align"
            )
        bad = idx == _INVALID
        n_bad = int(np.count_nonzero(bad))
        if n_bad:
            if errors == "raise":
                rows = np.flatnonzero(bad)[:5].tolist()
                raise InvalidCodesError(name, n_bad, [(r, original(r)) for r in rows])
            idx = np.where(bad, _MISSING, idx).astype(_INDEX_DTYPE, copy=False)
        coerced[name] = n_bad
        columns.append(idx)
    origin, coo = _apply_rules(*columns)
    return ClassifiedPopulation(origin, _CODE_LIST[coo], coerced)


def _apply_rules(
    born: npt.NDArray[np.int16],
    cit: npt.NDArray[np.int16],
    mb: npt.NDArray[np.int16],
    mc: npt.NDArray[np.int16],
    fb: npt.NDArray[np.int16],
    fc: npt.NDArray[np.int16],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int16]]:
    m_known = (mb != _MISSING) | (mc != _MISSING)
    f_known = (fb != _MISSING) | (fc != _MISSING)
    danish_parent = ((mb == _DK) & (mc == _DK)) | ((fb == _DK) & (fc == _DK))
    born_dk = born == _DK
    none_known = ~(m_known | f_known)

    origin = np.where(born_dk, np.int8(Origin.DESCENDANT), np.int8(Origin.IMMIGRANT))
    origin[born == _MISSING] = Origin.UNDETERMINED
    no_parent_dk = none_known & born_dk
    origin[no_parent_dk & (cit == _DK)] = Origin.DANISH
    origin[no_parent_dk & (cit == _MISSING)] = Origin.UNDETERMINED
    origin[danish_parent] = Origin.DANISH

    # Country of origin: the deciding parent (mother if known) or the person.
    pb = np.where(m_known, mb, fb)
    pc = np.where(m_known, mc, fc)
    coo = np.where(none_known, np.where(born_dk, cit, born), np.where(pb == _DK, pc, pb))
    coo[origin == Origin.DANISH] = _DK
    coo[origin == Origin.UNDETERMINED] = _MISSING
    return origin, coo
