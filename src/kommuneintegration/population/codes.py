"""Country codes over whole arrays: names to alpha-2 codes, membership of a country group.

The vectorised side of :mod:`kommuneintegration.countries`, which is the policy
wing's pure data (codes, names, groups) and loads no numpy.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from kommuneintegration.countries import CountryGroup, lookup

__all__ = ["country_mask", "to_codes"]


def to_codes(values: Iterable[object], *, missing: str = "") -> npt.NDArray[np.str_]:
    """Turn an array-like of names or codes into alpha-2 codes, for :func:`classify_many`.

    Each distinct value is looked up once; ``None`` and "" become ``missing``.
    Raises :class:`~kommuneintegration.countries.UnknownCountryError` naming the
    first unknown value.
    """
    arr = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=object)
    uniques, inverse = np.unique(np.where(arr == None, "", arr).astype(str), return_inverse=True)  # noqa: E711
    mapped = np.array([lookup(u) if u else missing for u in uniques.tolist()], dtype="<U2")
    return mapped[inverse.reshape(arr.shape)]


def country_mask(group: CountryGroup, codes: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Which of an array of alpha-2 codes are members of ``group``."""
    arr = np.asarray(codes)
    if arr.dtype == np.dtype("<U2") and arr.ndim == 1:
        # Two characters as one small integer, then a table lookup: no sorting of strings.
        chars = np.ascontiguousarray(arr).view(np.uint32).reshape(-1, 2)
        key = np.minimum(chars[:, 0], 128).astype(np.int32) * 129 + np.minimum(chars[:, 1], 128)
        return _membership_table(group.members)[key]
    return np.isin(
        arr, np.array(sorted(group.members), dtype=arr.dtype if arr.dtype.kind == "U" else "U2")
    )


@functools.lru_cache(maxsize=64)
def _membership_table(members: frozenset[str]) -> npt.NDArray[np.bool_]:
    table = np.zeros(129 * 129, dtype=bool)
    for code in members:
        table[ord(code[0]) * 129 + ord(code[1])] = True
    table.setflags(write=False)
    return table
