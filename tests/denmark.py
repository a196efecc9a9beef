"""A synthetic Denmark the Statbank stand-in (tests/statbank_server.py) computes every table from.

Made up, deterministic (every number follows from the codes, fixed constants and a hash
of the codes; nothing random per run), and built so that the tables agree with each
other as DST's do:

- **Population.** The 98 municipalities of src/kommuneintegration/data/kommuner.csv and
  Christiansø (411), each with an approximate number of residents on 1 January 2021
  (:data:`SIZES`: København ~645,000, Læsø ~1,750), split into five origins (:data:`ORIGINS`:
  "1" Danish origin, "24"/"25" immigrants from Western/non-Western countries, "34"/"35"
  descendants), two sexes and single years of age 0-125. The share of non-Western
  immigrants and descendants runs from about 1-3 % (small islands, rural places) to
  about 30 % (Ishøj, Brøndby); the small islands (Læsø, Samsø, Fanø, Ærø) have no
  descendants from Western countries at all. Each origin's count is a smooth function of
  time (the non-Western groups grow, rural Danish-origin populations shrink a little),
  made whole persons, then spread over sex and age by largest remainders: every count is
  a whole person and the cells add up exactly. The whole country (000) is the sum of the
  98 and Christiansø, a region (081-085) the sum of its municipalities.
  :func:`persons` gives the population on the 1st of a quarter (``"2021K1"``) or on
  1 January of a year (``2021``).
- **Employment** (RAS201/RAS200): a probability per municipality, origin, sex, single year
  of age and year, on the logit scale a sum of an age curve, an origin effect, a sex
  effect (largest for non-Western immigrants), a local labour market effect shared by all
  origins, a business cycle (a dip in 2009-2010, a rise 2012-2024) and RAS's series break
  (2008 shifted). Persons at the end of November of year Y are the population on
  1 January Y+1; employed and unemployed are whole persons per single year of age.
  RAS200's rates are 100 × employed / persons from those counts, with one decimal
  (half up), so RAS200 and RAS201 agree.
- **Education** (LIGEUB1): the population 15-69 on 1 January of the year, spread over the
  highest completed education H10-H90 by largest remainders; younger, women, later years
  and university towns lean higher, immigrants' education is often unknown (H90).
- **Cash benefits** (KY038) and **persons found guilty** (STRAFNA6): whole persons, a rate of
  the population on 1 January by origin (and sex and age band for STRAFNA6), the local
  labour market effect raising benefits; young men far above everyone else in STRAFNA6.

:func:`grid` gives a table's cells for one period as an array in the order of the
table's tableinfo, :func:`cell` a single cell as DST would print it. The cells that
tests/data/statbank/<TABLE>.bulk.csv names are applied by the stand-in on top of these
(see statbank_server.cell); **those named cells are the only place where the tables do
not agree with each other**.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).parent / "data" / "statbank"
KOMMUNER = Path(__file__).parents[1] / "src" / "kommuneintegration" / "data" / "kommuner.csv"

#: The model's origins, by FOLK1E's codes: Danish origin, immigrants from Western and
#: non-Western countries, descendants from Western and non-Western countries.
ORIGINS = ("1", "24", "25", "34", "35")
#: Men, women (index 0, 1).
SEXES = ("M", "K")
AGES = 126  # single years 0-125
FIRST_YEAR, LAST_YEAR = 2005, 2026  # the population is modelled on 1 January of these years
#: Small islands without descendants from Western countries.
SMALL = frozenset({"825", "741", "563", "492"})

REGIONS = {
    "084": "Region Hovedstaden",
    "085": "Region Sjælland",
    "083": "Region Syddanmark",
    "082": "Region Midtjylland",
    "081": "Region Nordjylland",
}
_SJAELLAND = "253 259 265 269 306 316 320 326 329 330 336 340 350 360 370 376 390"
_SYD = "410 420 430 440 450 461 479 480 482 492 510 530 540 550 561 563 573 575 580 607 621 630"
_MIDT = "615 657 661 665 671 706 707 710 727 730 740 741 746 751 756 760 766 779 791"
_NORD = "773 787 810 813 820 825 840 846 849 851 860"


def _kommuner() -> list[tuple[str, str, int]]:
    lines = [line for line in KOMMUNER.read_text("utf-8").splitlines() if not line.startswith("#")]
    return [
        (r["kode"], r["navn"], int(r["kommunegruppe"]))
        for r in csv.DictReader(lines, delimiter=";")
    ]


_KOMMUNER = _kommuner()
#: The model's places: the 98 municipalities, then Christiansø.
PLACES: tuple[str, ...] = (*(k for k, _n, _g in _KOMMUNER), "411")
NAMES = {k: n for k, n, _g in _KOMMUNER} | {"411": "Christiansø"}
GROUP = {k: g for k, _n, g in _KOMMUNER} | {"411": 5}
_INDEX = {code: i for i, code in enumerate(PLACES)}


def region(code: str) -> str | None:
    """The region (081-085) of a municipality; None for Christiansø, which belongs to none."""
    for reg, codes in (("085", _SJAELLAND), ("083", _SYD), ("082", _MIDT), ("081", _NORD)):
        if code in codes.split():
            return reg
    return "084" if code in _INDEX and code != "411" else None


#: Residents on 1 January 2021, approximately (the model's anchor).
SIZES = {
    "101": 645_000, "147": 104_000, "151": 48_500, "153": 35_500, "155": 14_500,
    "157": 75_000, "159": 69_500, "161": 23_500, "163": 29_000, "165": 27_800,
    "167": 53_500, "169": 51_000, "173": 56_000, "175": 40_500, "183": 23_000,
    "185": 43_500, "187": 16_800, "190": 41_000, "201": 25_900, "210": 41_000,
    "217": 63_000, "219": 51_500, "223": 25_000, "230": 56_500, "240": 43_500,
    "250": 45_500, "253": 50_500, "259": 61_000, "260": 31_500, "265": 88_000,
    "269": 23_500, "270": 41_500, "306": 33_000, "316": 71_500, "320": 36_500,
    "326": 48_500, "329": 35_000, "330": 79_500, "336": 22_800, "340": 30_000,
    "350": 28_500, "360": 40_500, "370": 83_000, "376": 60_500, "390": 45_500,
    "400": 39_500, "410": 39_000, "420": 41_000, "430": 51_500, "440": 24_000,
    "450": 32_000, "461": 205_000, "479": 58_500, "480": 29_500, "482": 12_400,
    "492": 6_000, "510": 55_500, "530": 27_000, "540": 74_000, "550": 37_000,
    "561": 115_500, "563": 3_500, "573": 50_000, "575": 42_500, "580": 58_500,
    "607": 51_500, "615": 94_000, "621": 93_500, "630": 117_000, "657": 89_000,
    "661": 58_500, "665": 19_800, "671": 21_000, "706": 42_500, "707": 37_500,
    "710": 48_500, "727": 22_800, "730": 98_000, "740": 94_500, "741": 3_700,
    "746": 62_500, "751": 355_000, "756": 41_000, "760": 56_500, "766": 46_800,
    "773": 20_000, "779": 45_500, "787": 43_500, "791": 96_500, "810": 36_000,
    "813": 59_500, "820": 37_000, "825": 1_750, "840": 30_000, "846": 42_000,
    "849": 38_500, "851": 217_000, "860": 64_500, "411": 90,
}  # fmt: skip

#: Non-Western immigrants and descendants as a share of residents in 2021, where it is not
#: the kommunegruppe's usual level (see :func:`_nonwestern_share`).
NONWESTERN = {
    "183": 0.33, "153": 0.30, "165": 0.27, "169": 0.26, "101": 0.15, "461": 0.13,
    "751": 0.12, "851": 0.09, "157": 0.05, "230": 0.045, "155": 0.04, "201": 0.04,
    "223": 0.045, "173": 0.08, "151": 0.14, "161": 0.17, "163": 0.15, "167": 0.15,
    "175": 0.17, "185": 0.11, "187": 0.18, "253": 0.11, "159": 0.13, "147": 0.11,
    "210": 0.11, "190": 0.07, "240": 0.05, "217": 0.09, "259": 0.08, "330": 0.10,
    "316": 0.07, "370": 0.07, "561": 0.08, "607": 0.09, "615": 0.09, "621": 0.08,
    "630": 0.08, "657": 0.07, "730": 0.07, "540": 0.06, "580": 0.05, "825": 0.028,
    "741": 0.02, "563": 0.018, "492": 0.015, "411": 0.0,
}  # fmt: skip
#: Western immigrants and descendants as a share of residents in 2021 where not usual.
WESTERN = {"101": 0.09, "147": 0.08, "157": 0.07, "230": 0.065, "173": 0.07, "530": 0.07,
           "760": 0.06, "550": 0.06, "825": 0.03, "741": 0.03, "563": 0.035, "492": 0.025,
           "411": 0.0}  # fmt: skip


def _unit(*parts: object) -> float:
    """A number in [0, 1) fixed by the parts (the model's only source of variety)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _uniform(key: str, shape: tuple[int, ...]) -> np.ndarray:
    """Fixed numbers in [0, 1) for whole-person rounding (floor(x + u)): unbiased where a cell
    holds a person or two, and the same every run (the generator is seeded by ``key``)."""
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return np.random.default_rng(seed).random(shape)


def _whole(expected: np.ndarray, key: str) -> np.ndarray:
    """Expected persons made whole persons (deterministically dithered)."""
    return np.floor(expected + _uniform(key, expected.shape)).astype(np.int64)


def _nonwestern_share(code: str) -> float:
    if code in NONWESTERN:
        return NONWESTERN[code]
    base = {1: 0.10, 2: 0.12, 3: 0.065, 4: 0.035, 5: 0.03}[GROUP[code]]
    return base * (0.6 + 0.8 * _unit("nw", code))


def _western_share(code: str) -> float:
    if code in WESTERN:
        return WESTERN[code]
    base = {1: 0.055, 2: 0.055, 3: 0.045, 4: 0.035, 5: 0.04}[GROUP[code]]
    return base * (0.7 + 0.6 * _unit("w", code))


def _interp(t: float, knots: list[tuple[float, float]]) -> float:
    xs, ys = zip(*knots, strict=True)
    return float(np.interp(t, xs, ys))


def _t(time: str | int | float) -> float:
    """A period as a year with a fraction: 2021 (1 January), "2021K3" (1 July)."""
    if isinstance(time, int | float):
        return float(time)
    text = str(time)
    if "K" in text:
        year, quarter = text.split("K")
        return int(year) + (int(quarter) - 1) / 4
    return float(int(text))


@functools.cache
def _origin_totals() -> np.ndarray:
    """Each place's residents by origin in 2021 (floats, the anchor), shape (places, 5)."""
    out = np.zeros((len(PLACES), 5))
    for i, code in enumerate(PLACES):
        size = SIZES[code]
        nw, w = _nonwestern_share(code), _western_share(code)
        nw_desc = {"183": 0.46, "153": 0.45, "165": 0.45, "169": 0.43}.get(
            code, 0.30 + 0.12 * _unit("nwd", code)
        )
        w_desc = 0.0 if code in SMALL else 0.12 + 0.08 * _unit("wd", code)
        out[i] = [
            size * (1 - nw - w),
            size * w * (1 - w_desc),
            size * nw * (1 - nw_desc),
            size * w * w_desc,
            size * nw * nw_desc,
        ]
    return out


def _growth(t: float) -> np.ndarray:
    """Each place's origin counts at ``t`` relative to 2021, shape (places, 5)."""
    out = np.empty((len(PLACES), 5))
    nonwestern_imm = _interp(
        t, [(2005, 0.62), (2014, 0.80), (2017, 0.96), (2021, 1.0), (2027, 1.1)]
    )
    nonwestern_desc = _interp(t, [(2005, 0.52), (2021, 1.0), (2027, 1.18)])
    western_imm = _interp(t, [(2005, 0.48), (2021, 1.0), (2027, 1.14)])
    western_desc = _interp(t, [(2005, 0.62), (2021, 1.0), (2027, 1.14)])
    for i, code in enumerate(PLACES):
        group = GROUP[code]
        slope = {1: 0.005, 2: 0.006, 3: 0.002, 4: 0.0, 5: -0.005}[group]
        if code in SMALL:
            slope = -0.009
        slope += 0.004 * (_unit("slope", code) - 0.5)
        local = math.exp((0.02 * (_unit("nwslope", code) - 0.5)) * (t - 2021))
        out[i] = [
            math.exp(slope * (t - 2021)),
            western_imm * local,
            nonwestern_imm * local,
            western_desc,
            nonwestern_desc * local,
        ]
    return out


_AGE = np.arange(AGES, dtype=float)


def _survival(ages: np.ndarray) -> np.ndarray:
    old = np.clip(ages - 60, 0, None) / 25
    out = np.exp(-(old**2.2))
    out[ages > 108] = 0.0
    return out


def _gauss(center: float, width: float) -> np.ndarray:
    return np.exp(-0.5 * ((_AGE - center) / width) ** 2)


@functools.cache
def _age_sex_weights(t: float) -> np.ndarray:
    """The spread of each place's origin over sex and age, shape (places, 5, 2, 126)."""
    survival = _survival(_AGE)
    drift = t - 2021
    shapes = [
        np.ones(AGES) * survival,  # Danish origin
        (0.12 + 0.12 * np.clip(_AGE / 18, 0, 1) + _gauss(33 + 0.2 * drift, 12)) * survival,
        (0.10 + 0.15 * np.clip(_AGE / 18, 0, 1) + _gauss(38 + 0.3 * drift, 13)) * survival,
        (_gauss(14 + 0.2 * drift, 15) + 0.05 * np.exp(-_AGE / 40)) * survival,
        (_gauss(10 + 0.4 * drift, 10) + 0.15 * np.exp(-_AGE / 25)) * survival,
    ]
    men = [
        np.clip(0.505 - 0.006 * np.clip(_AGE - 60, 0, None), 0.3, None),
        np.full(AGES, 0.52),
        np.full(AGES, 0.50),
        np.full(AGES, 0.51),
        np.full(AGES, 0.513),
    ]
    out = np.empty((len(PLACES), 5, 2, AGES))
    for i, code in enumerate(PLACES):
        group = GROUP[code]
        tilt = {1: -0.08, 2: -0.12, 3: 0.0, 4: 0.08, 5: 0.18}[group]
        local = 1 + 0.06 * np.sin(_AGE / 7 + 6.3 * _unit("age", code))
        for o in range(5):
            shape = shapes[o] * local
            if o == 0:
                shape = shape * np.clip(1 + tilt * (_AGE - 40) / 40, 0.2, None)
                if group == 2 or code == "101":  # students
                    shape = shape * (1 + 0.6 * _gauss(24, 4))
            out[i, o, 0] = shape * men[o]
            out[i, o, 1] = shape * (1 - men[o])
    return out


def _allocate(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Whole persons: ``totals`` spread over the last axis of ``weights`` by largest remainders."""
    totals = np.asarray(totals, dtype=np.int64)
    sums = weights.sum(axis=-1, keepdims=True)
    shares = np.divide(weights, sums, out=np.zeros_like(weights), where=sums > 0)
    exact = totals[..., None] * shares
    base = np.floor(exact)
    rest = totals - base.sum(axis=-1).astype(np.int64)
    remainder = np.where(shares > 0, exact - base, -1.0)
    order = np.argsort(-remainder, axis=-1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(weights.shape[-1]), axis=-1)
    return base.astype(np.int64) + (ranks < rest[..., None])


@functools.lru_cache(maxsize=128)
def _population(t: float) -> np.ndarray:
    """Persons by place, origin, sex and single year of age at ``t``: (places, 5, 2, 126) ints."""
    totals = np.floor(_origin_totals() * _growth(t) + 0.5).astype(np.int64)
    weights = _age_sex_weights(t).reshape(len(PLACES), 5, 2 * AGES)
    return _allocate(totals, weights).reshape(len(PLACES), 5, 2, AGES)


def _members(area: str) -> list[int]:
    if area == "000":
        return list(range(len(PLACES)))
    if area in REGIONS:
        return [i for i, code in enumerate(PLACES) if region(code) == area]
    if area in _INDEX:
        return [_INDEX[area]]
    return []


@functools.lru_cache(maxsize=32)
def _aggregation(areas: tuple[str, ...]) -> np.ndarray:
    """A 0/1 matrix (areas, places): which places make up each area (000, regions, places)."""
    out = np.zeros((len(areas), len(PLACES)), dtype=np.int64)
    for row, area in enumerate(areas):
        out[row, _members(area)] = 1
    return out


def _by_area(areas: tuple[str, ...], values: np.ndarray) -> np.ndarray:
    """Sum an array whose first axis is the places into the areas."""
    matrix = _aggregation(areas).astype(float)
    flat = values.reshape(len(PLACES), -1).astype(float)
    # float products are exact for whole persons (far below 2**53) and use BLAS
    summed = np.rint(matrix @ flat).astype(values.dtype)
    return summed.reshape((len(areas), *values.shape[1:]))


def _index(
    values: object, codes: tuple[str, ...], alias: dict[str, str] | None = None
) -> list[int]:
    """Positions a selection (None = all, a code, a (lo, hi) age range, or a list) takes."""
    if values is None:
        return list(range(len(codes)))
    if isinstance(values, tuple) and len(values) == 2 and all(isinstance(v, int) for v in values):
        return list(range(values[0], values[1] + 1))
    if isinstance(values, int):
        return [values]
    if isinstance(values, str):
        values = [values]
    out = []
    for v in values:  # type: ignore[union-attr]
        if isinstance(v, int):
            out.append(v)
        else:
            out.append(codes.index((alias or {}).get(str(v), str(v))))
    return out


_SEX_ALIAS = {"1": "M", "2": "K"}
_ORIGIN_ALIAS = {"999": "1", "10": "1", "5": "1"}
_ORIGIN_GROUPS = {
    None: ORIGINS,
    "TOT": ORIGINS,
    "00": ORIGINS,
    "0": ORIGINS,
    "20": ("24", "25"),
    "21": ("24", "25"),
    "4": ("24", "25"),
    "30": ("34", "35"),
    "31": ("34", "35"),
    "3": ("34", "35"),
    "6": ("24", "25", "34", "35"),
}


def _origins(origin: object) -> list[int]:
    if isinstance(origin, str | None) and origin in _ORIGIN_GROUPS:
        return [ORIGINS.index(o) for o in _ORIGIN_GROUPS[origin]]
    return _index(origin, ORIGINS, _ORIGIN_ALIAS)


def _sexes(sex: object) -> list[int]:
    return [0, 1] if sex in (None, "TOT") else _index(sex, SEXES, _SEX_ALIAS)


def _select(array: np.ndarray, area: str, origin: object, sex: object, age: object) -> int:
    """Sum an (places, 5, 2, 126) array over an area, origins, sexes and ages."""
    sub = array[_members(area)][:, _origins(origin)][:, :, _sexes(sex)]
    return int(sub[..., _index(age, tuple(str(a) for a in range(AGES)))].sum())


# -- public: population ----------------------------------------------------------------


def persons(
    area: str,
    origin: object = None,
    sex: object = None,
    age: object = None,
    time: str | int = 2021,
) -> int:
    """Residents of an area (000, 081-085, a municipality, 411) on the 1st of a quarter
    ("2021K1") or on 1 January of a year (2021). ``origin``: None or "TOT" for all, one of
    :data:`ORIGINS` ("999", "10" and "5" also mean Danish origin), or a group ("20"/"21"
    immigrants, "30"/"31" descendants, "6" all of foreign origin), or a list; ``sex``: None
    or "TOT", "M"/"1", "K"/"2"; ``age``: None for all, a single year, or (lo, hi) inclusive."""
    return _select(_population(_t(time)), area, origin, sex, age)


def residents(area: str, time: str | int) -> int:
    """All residents of an area on the 1st of a quarter or 1 January of a year."""
    return persons(area, time=time)


def population_array(time: str | int) -> np.ndarray:
    """The whole population: (places, origin, sex, age) in the order of :data:`PLACES`,
    :data:`ORIGINS`, :data:`SEXES` and single years 0-125. Read-only."""
    out = _population(_t(time))
    out.flags.writeable = False
    return out


# -- employment (RAS201, RAS200) ----------------------------------------------------------

_EMPLOYMENT_AGES = [(14, -9.0), (15, -0.6), (16, 0.0), (18, 0.5), (20, 0.85), (24, 1.2),
                    (28, 1.6), (32, 1.95), (45, 2.05), (54, 1.85), (58, 1.5), (61, 0.8),
                    (64, 0.1), (66, -1.0), (67, -1.7), (70, -2.6), (80, -4.5), (125, -7.0)]  # fmt: skip
_ORIGIN_EFFECT = np.array([0.0, -0.45, -1.25, -0.15, -0.65])
_WOMEN_EFFECT = np.array([-0.15, -0.3, -0.55, -0.1, -0.15])
_UNEMPLOYED = np.array([0.035, 0.055, 0.11, 0.05, 0.08])  # of the labour force, at a normal year


def _cycle(year: int) -> float:
    """The business cycle (logit scale, 2019 = 0): dip 2009-2010, rise 2012-2024."""
    return _interp(year, [(2005, -0.05), (2008, 0.12), (2009, -0.02), (2010, -0.12),
                          (2012, -0.14), (2019, 0.0), (2020, -0.02), (2024, 0.12)])  # fmt: skip


#: RAS's series break: 2008 is counted by the old method, a level above 2009's.
SERIES_BREAK = 0.18


@functools.cache
def local_effect() -> np.ndarray:
    """Each place's labour market effect (logit scale), shared by all origins."""
    out = np.empty(len(PLACES))
    for i, code in enumerate(PLACES):
        group = {1: 0.08, 2: 0.0, 3: 0.02, 4: 0.1, 5: -0.08}[GROUP[code]]
        out[i] = group + 0.5 * (_unit("labour", code) - 0.5)
    for code, value in {"157": 0.3, "230": 0.3, "183": -0.15, "153": -0.2, "360": -0.35}.items():
        out[_INDEX[code]] = value
    return out


@functools.lru_cache(maxsize=64)
def employment_probability(year: int) -> np.ndarray:
    """The probability of being employed at the end of November: (places, 5, 2, 126)."""
    ages = np.interp(_AGE, *zip(*_EMPLOYMENT_AGES, strict=True))
    catch_up = 1.0 + 0.8 * np.array([0, 0.5, 1, 0.5, 1])  # non-Western groups gain more
    cycle = _cycle(year) * catch_up + (SERIES_BREAK if year <= 2008 else 0.0)
    noise = np.array([0.06 * (_unit("year", code, year) - 0.5) for code in PLACES])
    logit = (
        ages[None, None, None, :]
        + (_ORIGIN_EFFECT + cycle)[None, :, None, None]
        + np.stack([np.zeros(5), _WOMEN_EFFECT], axis=1)[None, :, :, None]
        + (local_effect() + noise)[:, None, None, None]
    )
    out = 1 / (1 + np.exp(-logit))
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def _ras_counts(year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(persons, employed, unemployed) at the end of November of ``year``: (places, 5, 2, 126)."""
    people = _population(float(year + 1))
    p = employment_probability(year)
    employed = _whole(people * p, f"employed {year}")
    rate = _UNEMPLOYED * (1 - 0.3 * _cycle(year) / 0.12)
    share = rate[None, :, None, None] / (1 - rate[None, :, None, None]) * p
    share = share * np.exp(-0.5 * local_effect())[:, None, None, None]
    unemployed = np.minimum(_whole(people * share, f"unemployed {year}"), people - employed)
    unemployed[..., :16] = 0
    unemployed[..., 67:] = 0
    return people, employed, unemployed


def ras_persons(area: str, origin: object = None, sex: object = None, age: object = None,
                year: int = 2021) -> int:  # fmt: skip
    """Persons at the end of November of ``year`` (= :func:`persons` on 1 January year+1)."""
    return _select(_ras_counts(year)[0], area, origin, sex, age)


def employed(area: str, origin: object = None, sex: object = None, age: object = None,
             year: int = 2021) -> int:  # fmt: skip
    """Employed persons at the end of November (RAS201 SOCIO 0), arguments as :func:`persons`."""
    return _select(_ras_counts(year)[1], area, origin, sex, age)


def unemployed(area: str, origin: object = None, sex: object = None, age: object = None,
               year: int = 2021) -> int:  # fmt: skip
    """Unemployed persons at the end of November (RAS201 SOCIO 50)."""
    return _select(_ras_counts(year)[2], area, origin, sex, age)


def one_decimal(numerator: int, denominator: int) -> str:
    """100 × numerator / denominator as DST prints a rate: one decimal, half up, a comma;
    ".." where there is no one to count."""
    if denominator <= 0:
        return ".."
    tenths = (2000 * numerator + denominator) // (2 * denominator)
    return f"{tenths // 10},{tenths % 10}"


# -- tables ---------------------------------------------------------------------------------


@functools.cache
def tableinfo(table: str) -> dict[str, Any]:
    path = DATA / f"{table.upper()}.tableinfo.json"
    return json.loads(path.read_text(encoding="utf-8"))


def variable_codes(table: str) -> dict[str, tuple[str, ...]]:
    """The table's variables (upper-case ids, tableinfo order) and their value codes."""
    return {
        v["id"].upper(): tuple(value["id"] for value in v["values"])
        for v in tableinfo(table)["variables"]
    }


def _band_matrix(bands: tuple[str, ...]) -> np.ndarray:
    """0/1 (bands, 126) for age codes such as "16-64", "-15", "67-", "1666", "100OV"."""
    out = np.zeros((len(bands), AGES), dtype=np.int64)
    for row, band in enumerate(bands):
        if band in ("IALT", "TOT"):
            lo, hi = 0, AGES - 1
        elif band == "1666":
            lo, hi = 16, 66
        elif band.endswith("OV"):
            lo, hi = int(band[:-2]), AGES - 1
        elif band.startswith("-"):
            lo, hi = 0, int(band[1:])
        elif band.endswith("-"):
            lo, hi = int(band[:-1]), AGES - 1
        elif "-" in band:
            lo, hi = (int(x) for x in band.split("-"))
        else:
            lo = hi = int(band)
        out[row, lo : hi + 1] = 1
    return out


def _origin_matrix(codes: tuple[str, ...], meaning: dict[str, tuple[str, ...]]) -> np.ndarray:
    out = np.zeros((len(codes), 5), dtype=np.int64)
    for row, code in enumerate(codes):
        for origin in meaning[code]:
            out[row, ORIGINS.index(origin)] = 1
    return out


_ALL = ORIGINS
_IMM, _DESC = ("24", "25"), ("34", "35")


def _with_total(array: np.ndarray, axis: int) -> np.ndarray:
    """Prepend the sum along ``axis`` (a variable whose first value is its total)."""
    return np.concatenate([array.sum(axis=axis, keepdims=True), array], axis=axis)


def _folk1e(time: str) -> np.ndarray:
    codes = variable_codes("FOLK1E")
    people = _by_area(codes["OMRÅDE"], _population(_t(time)))  # (areas, 5, 2, 126)
    out = people.transpose(0, 2, 3, 1)  # area, sex, age, origin
    out = _with_total(_with_total(_with_total(out, 3), 2), 1)
    herkomst = {"TOT": 0, "1": 1, "24": 2, "25": 3, "34": 4, "35": 5}
    return out[:, :, :, [herkomst[c] for c in codes["HERKOMST"]]]


def _ras201(time: str) -> np.ndarray:
    codes = variable_codes("RAS201")
    people, emp, unemp = _ras_counts(int(time))
    socio = {"0": emp, "50": unemp, "55": people - emp - unemp}
    bands = _band_matrix(codes["ALDER"])
    origins = _origin_matrix(
        codes["HERKOMST"], {c: (_ORIGIN_ALIAS.get(c, c),) for c in codes["HERKOMST"]}
    )
    out = []
    for code in codes["SOCIO"]:
        area = _by_area(codes["OMRÅDE"], socio[code])  # (areas, 5, 2, 126)
        out.append(np.einsum("aosx,ho,bx->ahbs", area, origins, bands))
    sexes = [SEXES.index(s) for s in codes["KØN"]]
    return np.stack(out, axis=1)[..., sexes]


_RAS200_ORIGINS = {"00": _ALL, "0": _ALL, "10": ("1",), "20": _IMM, "24": ("24",),
                   "25": ("25",), "30": _DESC, "34": ("34",), "35": ("35",)}  # fmt: skip
#: RAS200's added bands and the year each begins.
BAND_STARTS = {"16-65": 2020, "1666": 2022}


def _ras200(time: str) -> np.ndarray:
    codes = variable_codes("RAS200")
    year = int(time)
    people, emp, unemp = _ras_counts(year)
    origins = _origin_matrix(codes["HERKOMST"], _RAS200_ORIGINS)
    bands = _band_matrix(codes["ALDER"])
    sex_matrix = np.array([[1, 1] if s == "TOT" else [s == "M", s == "K"] for s in codes["KØN"]],
                          dtype=np.int64)  # fmt: skip

    def total(values: np.ndarray) -> np.ndarray:
        area = _by_area(codes["OMRÅDE"], values)
        return np.einsum("aosx,ho,bx,ks->ahbk", area, origins, bands, sex_matrix, optimize=True)

    n, e, lab = total(people), total(emp), total(emp + unemp)
    late = np.array([BAND_STARTS.get(b, 0) > year for b in codes["ALDER"]])
    out = np.empty((*n.shape, len(codes["BEREGNING"])), dtype=object)
    for k, calc in enumerate(codes["BEREGNING"]):
        num = e if calc == "BFK" else lab
        with np.errstate(divide="ignore", invalid="ignore"):
            tenths = (2000 * num + n) // np.maximum(2 * n, 1)
        text = np.char.add(np.char.add((tenths // 10).astype(str), ","), (tenths % 10).astype(str))
        text = np.where(n > 0, text, "..")
        text = np.where(late[None, None, :, None], "..", text)
        out[..., k] = text
    return out.astype(str)


#: LIGEUB1's age bands and the weights of H10, H20, H30, H35, H40, H50, H60, H70, H80
#: (H90 is set by origin) for Danish-origin men at an average place in 2015.
_EDUCATION = {
    "15-19": [86, 9, 2.5, 1, 0, 0, 0, 0, 0],
    "20-24": [24, 50, 12, 2, 2, 2, 7, 0.5, 0],
    "25-29": [14, 16, 24, 1, 6, 15, 8, 15, 0.3],
    "30-34": [13, 9, 26, 1, 7, 20, 4, 18, 1.2],
    "35-39": [14, 7, 29, 1, 7, 21, 2, 17, 1.5],
    "40-44": [15, 6, 33, 1, 7, 21, 1.5, 14, 1.3],
    "45-49": [18, 6, 36, 1, 6, 19, 1, 12, 1],
    "50-54": [20, 5, 38, 1, 6, 18, 1, 10, 0.8],
    "55-59": [22, 5, 38, 1, 6, 18, 1, 8, 0.7],
    "60-64": [25, 4, 37, 1, 6, 18, 0.8, 7, 0.6],
    "65-69": [28, 4, 35, 1, 5, 18, 0.5, 7, 0.5],
}
_HIGHER = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1], dtype=float)
_EDU_ORIGIN = np.array([0.0, 0.25, -0.45, 0.1, -0.25])  # leaning to higher education
_UNKNOWN = np.array([0.01, 0.22, 0.3, 0.015, 0.02])  # H90 share


@functools.cache
def _education_effect() -> np.ndarray:
    out = np.empty(len(PLACES))
    for i, code in enumerate(PLACES):
        out[i] = {1: 0.35, 2: 0.45, 3: 0.0, 4: -0.05, 5: -0.3}[GROUP[code]]
        out[i] += 0.4 * (_unit("edu", code) - 0.5)
    for code, value in {"157": 0.9, "230": 0.9, "147": 0.8, "173": 0.8, "183": -0.3}.items():
        out[_INDEX[code]] = value
    return out


@functools.lru_cache(maxsize=32)
def _education(year: int) -> np.ndarray:
    """Persons 15-69 on 1 January by place, origin, sex, band (11) and H10..H90: ints."""
    people = _population(float(year))
    bands = list(_EDUCATION)
    counts = np.einsum("posx,bx->posb", people, _band_matrix(tuple(bands)))
    base = np.array([_EDUCATION[b] for b in bands], dtype=float)  # (11, 9)
    lean = (
        _education_effect()[:, None, None, None]
        + _EDU_ORIGIN[None, :, None, None]
        + np.array([0.0, 0.25])[None, None, :, None]
        + 0.02 * (year - 2015)
    )  # (places, 5, 2, 1)
    young = np.array([0.3 if b == "15-19" else 1.0 for b in bands])
    tilt = np.exp(lean[..., None] * young[None, None, None, :, None] * (2 * _HIGHER - 1) * 0.6)
    weights = base[None, None, None] * tilt  # (places, 5, 2, 11, 9)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    unknown = np.broadcast_to(_UNKNOWN[None, :, None, None, None], (*weights.shape[:-1], 1))
    weights = np.concatenate([weights * (1 - unknown), unknown], axis=-1)
    return _allocate(counts, weights)


def _ligeub1(time: str) -> np.ndarray:
    codes = variable_codes("LIGEUB1")
    edu = _by_area(codes["BOPOMR"], _education(int(time)))  # (areas, 5, 2, 11, 10)
    meaning = {"0": _ALL, "10": ("1",), "21": _IMM, "24": ("24",), "25": ("25",),
               "31": _DESC, "34": ("34",), "35": ("35",)}  # fmt: skip
    origins = _origin_matrix(codes["HERKOMST"], meaning)
    out = np.einsum("aosbh,ko->akhbs", edu, origins)  # area, herkomst, hfudd, band, sex
    hfudd = ["H10", "H20", "H30", "H35", "H40", "H50", "H60", "H70", "H80", "H90"]
    out = _with_total(_with_total(_with_total(out, 2), 3), 4)
    order_h = [0 if c == "TOT" else 1 + hfudd.index(c) for c in codes["HFUDD"]]
    order_b = [0 if c == "TOT" else 1 + list(_EDUCATION).index(c) for c in codes["ALDER"]]
    order_s = [{"TOT": 0, "M": 1, "K": 2}[c] for c in codes["KØN"]]
    return out[:, :, order_h][:, :, :, order_b][..., order_s]


#: KY038's benefit types, their weights and the years each is paid.
_BENEFITS = {
    "10050": (60, 2007, 2024), "10025": (22, 2014, 2024), "10020": (12, 2007, 2024),
    "10060": (4, 2007, 2024), "10070": (2, 2007, 2024), "10040": (3, 2007, 2024),
    "10032": (3, 2015, 2024), "10035": (2, 2014, 2024), "10030": (1.5, 2013, 2014),
}  # fmt: skip
_CASH_RATE = np.array([0.022, 0.017, 0.075, 0.03, 0.06])  # of 16-64-year-olds, 2015
#: Recipients of unknown origin and those living abroad, as shares of all recipients.
_CASH_UNKNOWN, _CASH_ABROAD = 0.002, 0.0015


@functools.lru_cache(maxsize=32)
def _cash(year: int) -> np.ndarray:
    """Full-year recipients by place, origin (5 + unknown) and benefit type: ints."""
    working = _population(float(year))[..., 16:65].sum(axis=(2, 3))  # (places, 5)
    trend = _interp(year, [(2007, 0.8), (2010, 1.1), (2015, 1.0), (2019, 0.85), (2024, 0.8)])
    local = np.exp(-1.5 * local_effect())
    rate = _CASH_RATE[None, :] * local[:, None] * trend
    rate[_INDEX["411"]] = 0
    recipients = _whole(working * rate, f"cash {year}")
    unknown = np.floor(recipients.sum(axis=1) * _CASH_UNKNOWN + 0.5).astype(np.int64)
    recipients = np.concatenate([recipients, unknown[:, None]], axis=1)  # (places, 6)
    types = list(_BENEFITS)
    weights = np.array([w if a <= year <= b else 0.0 for w, a, b in _BENEFITS.values()])
    weights = np.broadcast_to(weights, (*recipients.shape, len(types))).copy()
    weights[:, [0, 3, 4, 5], types.index("10020")] = 0.0  # foreigners' benefit: immigrants only
    return _allocate(recipients, weights)


def _ky038(time: str) -> np.ndarray:
    codes = variable_codes("KY038")
    year = int(time)
    per_place = _cash(year)  # (places, 6, 9)
    areas = codes["OMRÅDE"]
    matrix = _aggregation(areas)
    area = np.einsum("ap,pot->aot", matrix, per_place)
    abroad = np.floor(per_place.sum(axis=0) * _CASH_ABROAD / (1 - _CASH_ABROAD) + 0.5)
    if "997" in areas:
        area[areas.index("997")] = abroad.astype(np.int64)
    if "000" in areas:
        area[areas.index("000")] += abroad.astype(np.int64)
    # the six origins: 1, 24, 25, 34, 35, unknown
    herkomst = {"0": [1] * 6, "10": [1, 0, 0, 0, 0, 0], "20": [0, 1, 1, 0, 0, 0],
                "30": [0, 0, 0, 1, 1, 0], "40": [0, 0, 0, 0, 0, 1]}  # fmt: skip
    national = {"TOT": [1] * 6, "1": [1, 0, 0, 0, 0, 0], "2": [0, 1, 0, 1, 0, 0],
                "9": [0, 0, 1, 0, 1, 0], "000": [0, 0, 0, 0, 0, 1]}  # fmt: skip
    h = np.array([herkomst[c] for c in codes["HERKOMST"]])
    h1 = np.array([national[c] for c in codes["HERKOMST1"]])
    per_type = np.einsum("aot,ko,jo->atjk", area, h, h1)
    types = list(_BENEFITS)
    total = per_type.sum(axis=1, keepdims=True)
    full = np.concatenate([total, per_type], axis=1)
    order = [0 if c == "10000" else 1 + types.index(c) for c in codes["YDELSESTYPE"]]
    return full[:, order]


#: Persons found guilty per person, Danish-origin men in 2010, by band; women, foreign origin.
_GUILTY = {"15-29": 0.032, "30-49": 0.014, "50-79": 0.005}
_GUILTY_WOMEN = 0.18
_GUILTY_FOREIGN = 1.9


@functools.lru_cache(maxsize=32)
def _guilty(year: int) -> np.ndarray:
    """Persons found guilty by place, origin (Danish, foreign), sex and band: ints."""
    people = _population(float(year))
    bands = _band_matrix(tuple(_GUILTY))
    danish = np.einsum("psx,bx->psb", people[:, 0], bands)
    foreign = np.einsum("posx,bx->psb", people[:, 1:], bands)
    counts = np.stack([danish, foreign], axis=1)  # (places, 2, 2, 3)
    trend = _interp(year, [(2005, 1.1), (2010, 1.0), (2023, 0.75)])
    local = 1 + 0.4 * (np.array([_unit("crime", c) for c in PLACES]) - 0.5)
    local[_INDEX["411"]] = 0
    rate = (
        np.array(list(_GUILTY.values()))[None, None, None, :]
        * np.array([1.0, _GUILTY_FOREIGN])[None, :, None, None]
        * np.array([1.0, _GUILTY_WOMEN])[None, None, :, None]
        * local[:, None, None, None]
        * trend
    )
    return _whole(counts * rate, f"guilty {year}")


def _strafna6(time: str) -> np.ndarray:
    codes = variable_codes("STRAFNA6")
    area = _by_area(codes["OMRÅDE"], _guilty(int(time)))  # (areas, 2 origins, 2 sexes, 3)
    out = _with_total(area.transpose(0, 2, 3, 1), 2)  # area, sex, band(+TOT), origin
    order_s = [SEXES.index(c) for c in codes["KØN"]]
    order_b = [0 if c == "TOT" else 1 + list(_GUILTY).index(c) for c in codes["ALDER"]]
    order_o = [{"1": 0, "6": 1}[c] for c in codes["HERKOMST1"]]
    return out[:, order_s][:, :, order_b][..., order_o]


#: FOLK1C's countries of origin: base weights of the commonest (by Danish name).
_COMMON = {
    "Tyrkiet": 60, "Syrien": 45, "Irak": 32, "Iran": 22, "Libanon": 27, "Pakistan": 25,
    "Somalia": 22, "Afghanistan": 20, "Bosnien-Hercegovina": 22, "Jugoslavien": 8,
    "Serbien": 5, "Kosovo": 4, "Makedonien": 4, "Ukraine": 30, "Rusland": 10, "Vietnam": 17,
    "Kina": 15, "Indien": 18, "Thailand": 15, "Filippinerne": 17, "Sri Lanka": 12,
    "Marokko": 10, "Eritrea": 8, "Etiopien": 4, "Egypten": 4, "Brasilien": 6,
    "Polen": 45, "Tyskland": 35, "Rumænien": 35, "Storbritannien": 18, "Norge": 17,
    "Sverige": 20, "Litauen": 20, "Bulgarien": 12, "Italien": 10, "Island": 8, "Spanien": 9,
    "Frankrig": 8, "Nederlandene": 7, "USA": 8, "Letland": 6, "Ungarn": 6, "Grækenland": 5,
    "Portugal": 5, "Finland": 4,
}  # fmt: skip
#: Western countries by their Danish names (../shared/FACTS.md: the EU, the listed others;
#: Czechoslovakia Western).
WESTERN_COUNTRIES = frozenset(
    {
        "Sverige",
        "Belgien",
        "Bulgarien",
        "Tjekkoslovakiet",
        "Frankrig",
        "Grækenland",
        "Nederlandene",
        "Irland",
        "Italien",
        "Malta",
        "Polen",
        "Portugal",
        "Rumænien",
        "Schweiz",
        "Spanien",
        "Storbritannien",
        "Ungarn",
        "Tyskland",
        "Østrig",
        "Kroatien",
        "Slovenien",
        "Tjekkiet",
        "Slovakiet",
        "Canada",
        "USA",
        "Cypern",
        "Australien",
        "Estland",
        "Letland",
        "Litauen",
        "Finland",
        "Island",
        "Liechtenstein",
        "Luxembourg",
        "Norge",
        "San Marino",
        "New Zealand",
    }
)


@functools.cache
def _country_weights() -> tuple[np.ndarray, np.ndarray]:
    """(weights (places, countries), Western mask (countries)) in FOLK1C's IELAND order."""
    ieland = next(v for v in tableinfo("FOLK1C")["variables"] if v["id"] == "IELAND")["values"]
    names = [v["text"] for v in ieland]
    base = np.array([0.0 if n == "Danmark" else _COMMON.get(n, 1.2) for n in names])
    western = np.array([n in WESTERN_COUNTRIES for n in names])
    local = np.array(
        [[math.exp(1.2 * (_unit("country", p, n) - 0.5)) for n in names] for p in PLACES]
    )
    return base[None, :] * local, western


@functools.lru_cache(maxsize=8)
def _folk1c(time: str) -> np.ndarray:
    codes = variable_codes("FOLK1C")
    people = _population(_t(time))  # (places, 5, 2, 126)
    bands = _band_matrix(tuple(c for c in codes["ALDER"] if c != "IALT"))
    by_band = np.einsum("posx,bx->posb", people, bands)  # (places, 5, 2, bands)
    weights, western = _country_weights()
    countries = len(western)
    out = np.zeros((len(PLACES), 4, 2, bands.shape[0], countries), dtype=np.int64)  # TOT,5,4,3
    denmark = [v["id"] for v in _ieland()].index("5100")
    out[:, 1, :, :, denmark] = by_band[:, 0]
    for herk, (w_origin, nw_origin) in ((2, (1, 2)), (3, (3, 4))):
        for origin, mask in ((w_origin, western), (nw_origin, ~western)):
            w = weights * mask[None, :]
            w = np.broadcast_to(w[:, None, None, :], (*by_band[:, origin].shape, countries))
            out[:, herk] += _allocate(by_band[:, origin], w)
    out[:, 0] = out[:, 1:].sum(axis=1)
    out = out.transpose(0, 2, 3, 1, 4)  # place, sex, band, herkomst, country
    out = _with_total(_with_total(out, 2), 1)
    area = _by_area(codes["OMRÅDE"], out).astype(np.int32)
    order_h = [{"TOT": 0, "5": 1, "4": 2, "3": 3}[c] for c in codes["HERKOMST"]]
    order_s = [{"TOT": 0, "1": 1, "2": 2}[c] for c in codes["KØN"]]
    order_b = [0 if c == "IALT" else 1 + list(_band_codes(codes)).index(c) for c in codes["ALDER"]]
    return area[:, order_s][:, :, order_b][:, :, :, order_h]


def _band_codes(codes: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(c for c in codes["ALDER"] if c != "IALT")


def _ieland() -> list[dict[str, str]]:
    return next(v for v in tableinfo("FOLK1C")["variables"] if v["id"] == "IELAND")["values"]


_BUILDERS = {
    "FOLK1E": _folk1e,
    "FOLK1C": _folk1c,
    "RAS200": _ras200,
    "RAS201": _ras201,
    "LIGEUB1": _ligeub1,
    "KY038": _ky038,
    "STRAFNA6": _strafna6,
}
#: The tables the model computes.
TABLES = tuple(_BUILDERS)


@functools.lru_cache(maxsize=256)
def grid(table: str, time: str) -> np.ndarray:
    """A table's cells for one period, an array over its other variables in tableinfo order
    (the period is the last variable of every table here): ints for counts, DST's printed
    strings for RAS200's rates. Read-only; the named cells of the fixtures are not applied."""
    table = table.upper()
    variables = tableinfo(table)["variables"]
    if not variables[-1]["time"]:
        raise ValueError(f"{table}: the period is not the last variable")
    out = _BUILDERS[table](time)
    shape = tuple(len(v["values"]) for v in variables[:-1])
    if out.shape != shape:
        raise AssertionError(f"{table}: {out.shape} is not {shape}")
    out = np.ascontiguousarray(out)
    out.flags.writeable = False
    return out


def cell(table: str, codes: dict[str, str]) -> str:
    """One cell of the model as DST prints it (variable ids upper case; no named cells)."""
    variables = tableinfo(table.upper())["variables"]
    position = tuple(
        [v["id"] for v in var["values"]].index(codes[var["id"].upper()]) for var in variables[:-1]
    )
    return str(grid(table, codes[variables[-1]["id"].upper()])[position])
