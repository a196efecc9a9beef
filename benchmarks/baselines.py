"""The two baselines the benchmark measures classify_many against.

Both apply the same DST rules (docs/origin.md) and must give the same answers;
tests/test_benchmarks.py checks that, so a ratio never compares against a
baseline that does less work.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def rule(b: str, c: str, m_b: str, m_c: str, f_b: str, f_c: str) -> tuple[int, str]:
    """The rules for one row, as a user writes them."""
    mother_known = m_b != "" or m_c != ""
    father_known = f_b != "" or f_c != ""
    if (m_b == "DK" and m_c == "DK") or (f_b == "DK" and f_c == "DK"):
        return 1, "DK"
    if b == "":
        return 0, ""
    if not mother_known and not father_known:
        if b != "DK":
            return 2, b
        if c == "":
            return 0, ""
        return (1, "DK") if c == "DK" else (3, c)
    p_b, p_c = (m_b, m_c) if mother_known else (f_b, f_c)
    return (3 if b == "DK" else 2), (p_c if p_b == "DK" else p_b)


def row_loop(
    bc: Any, cit: Any, mb: Any, mc: Any, fb: Any, fc: Any
) -> tuple[np.ndarray, np.ndarray]:
    """What a user writes first: a loop over the rows of the input arrays, one call per row."""
    n = len(bc)
    origin = np.empty(n, dtype=np.int8)
    country = np.empty(n, dtype="<U2")
    for i in range(n):
        origin[i], country[i] = rule(bc[i], cit[i], mb[i], mc[i], fb[i], fc[i])
    return origin, country


def python_loop(bc, cit, mb, mc, fb, fc) -> tuple[list[int], list[str]]:
    """A tuned pure-Python loop over lists (inputs converted beforehand): a lower bound for loops."""
    origins: list[int] = []
    countries: list[str] = []
    for b, c, m_b, m_c, f_b, f_c in zip(bc, cit, mb, mc, fb, fc, strict=True):
        mother_known = m_b != "" or m_c != ""
        father_known = f_b != "" or f_c != ""
        if (m_b == "DK" and m_c == "DK") or (f_b == "DK" and f_c == "DK"):
            origins.append(1)
            countries.append("DK")
        elif b == "":
            origins.append(0)
            countries.append("")
        elif not mother_known and not father_known:
            if b != "DK":
                origins.append(2)
                countries.append(b)
            elif c == "":
                origins.append(0)
                countries.append("")
            elif c == "DK":
                origins.append(1)
                countries.append("DK")
            else:
                origins.append(3)
                countries.append(c)
        else:
            origins.append(3 if b == "DK" else 2)
            p_b, p_c = (m_b, m_c) if mother_known else (f_b, f_c)
            countries.append(p_c if p_b == "DK" else p_b)
    return origins, countries


def numpy_masks(
    bc: Any, cit: Any, mb: Any, mc: Any, fb: Any, fc: Any, *, dk: Any = "DK", missing: Any = ""
) -> tuple[np.ndarray, np.ndarray]:
    """What a careful analyst writes: boolean masks over the arrays as given, no encoding.

    ``dk`` and ``missing`` are how the arrays write Denmark and "not recorded"
    (208 and -1 for ISO numeric integer codes).
    """
    mother_known = (mb != missing) | (mc != missing)
    father_known = (fb != missing) | (fc != missing)
    danish_parent = ((mb == dk) & (mc == dk)) | ((fb == dk) & (fc == dk))
    none_known = ~mother_known & ~father_known
    born_dk = bc == dk
    origin = np.where(born_dk, 3, 2).astype(np.int8)
    origin[bc == missing] = 0
    origin[none_known & born_dk & (cit == dk)] = 1
    origin[none_known & born_dk & (cit == missing)] = 0
    origin[danish_parent] = 1
    parent_b = np.where(mother_known, mb, fb)
    parent_c = np.where(mother_known, mc, fc)
    country = np.where(
        none_known, np.where(born_dk, cit, bc), np.where(parent_b == dk, parent_c, parent_b)
    )
    country[origin == 1] = dk
    country[origin == 0] = missing
    return origin, country
