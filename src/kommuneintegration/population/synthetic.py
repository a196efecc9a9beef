"""A seeded synthetic population, for demos, tests and benchmarks without real microdata.

One row per resident, shaped like a register extract: municipality code, age,
employment status, and the six origin inputs of
:func:`~kommuneintegration.population.classification.classify_many`. The mix is realistic in kind,
not calibrated to Statistics Denmark: most residents of Danish origin, then
immigrants and descendants from many countries, mixed couples, unknown parents,
the third generation (Danish-born parents with and without Danish
citizenship), naturalised immigrants, and a few rows with the person's own
birth country missing. The same seed always gives the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.population.classification import COLUMNS
from kommuneintegration.safefile import atomic_path, atomic_write, file_format

__all__ = ["SCENARIOS", "SyntheticPopulation", "synthesize"]

#: (scenario, share of rows). The scenario drives how the row is built.
SCENARIOS: Final = (
    ("danish", 0.835),
    ("danish-born-abroad", 0.01),
    ("danish-one-parent-known", 0.02),
    ("immigrant", 0.085),
    ("immigrant-no-parents", 0.015),
    ("immigrant-naturalised", 0.01),
    ("descendant", 0.012),
    ("descendant-no-parents", 0.002),
    ("mixed-couple", 0.006),
    ("third-generation-foreign", 0.0015),
    ("third-generation-naturalised", 0.0015),
    ("danish-no-parents", 0.001),
    ("own-birth-country-missing", 0.001),
)

# Countries of origin, weighted roughly as Denmark's largest groups, then a long tail.
_ORIGINS: Final = {
    "TR": 9,
    "PL": 8,
    "SY": 7,
    "RO": 6,
    "UA": 6,
    "DE": 5,
    "IQ": 4,
    "IR": 3,
    "BA": 3,
    "SE": 3,
    "PK": 2.5,
    "AF": 2.5,
    "IN": 2.5,
    "LB": 2,
    "SO": 2,
    "GB": 2,
    "NO": 2,
    "TH": 2,
    "PH": 2,
    "CN": 2,
    "LT": 2,
    "VN": 1.5,
    "US": 1.5,
    "IS": 1,
    "BG": 1,
    "IT": 1,
    "ES": 1,
    "FR": 1,
    "NL": 1,
    "MA": 1,
    "ER": 1,
    "LK": 1,
    "XS": 0.5,
    "ZZ": 0.3,
    "YU": 0.3,
    "SU": 0.2,
}
_MUNICIPALITIES: Final = {
    "101": 11,
    "751": 6,
    "851": 4,
    "461": 3.5,
    "561": 2,
    "630": 2,
    "147": 1.8,
    "157": 1.3,
    "167": 0.9,
    "183": 0.4,
    "791": 1.7,
    "169": 0.9,
}
_EMPLOYMENT: Final = {"danish": 0.78, "immigrant": 0.58, "descendant": 0.62}


@attrs.frozen(eq=False)
class SyntheticPopulation:
    """Columns of equal length: ``municipality``, ``age``, ``employed`` and the six origin inputs."""

    columns: Mapping[str, npt.NDArray[Any]]
    seed: int

    def __len__(self) -> int:
        return len(self.columns["municipality"])

    def origin_inputs(self) -> list[npt.NDArray[np.str_]]:
        """The six arguments of ``classify_many``, in order."""
        return [self.columns[c] for c in COLUMNS]

    def write(self, path: str | Path) -> Path:
        """Write as CSV, or Parquet for a ``.parquet``/``.pq`` path (needs pyarrow), atomically."""
        path = Path(path)
        if file_format(path) == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            with atomic_path(path) as tmp:
                pq.write_table(pa.table(dict(self.columns)), tmp)
            return path
        names = list(self.columns)
        with atomic_write(path, "w", newline="") as handle:
            handle.write(",".join(names) + "\n")
            step = 200_000
            for lo in range(0, len(self), step):
                block = [self.columns[name][lo : lo + step].astype(str) for name in names]
                rows = np.stack(block, axis=1)
                handle.write("\n".join(",".join(row) for row in rows.tolist()) + "\n")
        return path


def _weighted(
    rng: np.random.Generator, table: Mapping[str, float], n: int, width: int
) -> npt.NDArray[np.str_]:
    keys = np.array(list(table), dtype=f"<U{width}")
    weights = np.array(list(table.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=weights / weights.sum())]


class _OriginInputs:
    """The six origin inputs as they are built: every row Danish, then each scenario's rows."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.dk = np.full(rows, "DK", dtype="<U2")
        self.empty = np.full(rows, "", dtype="<U2")
        self.columns = {key: self.dk.copy() for key in ("born", "cit", "mb", "mc", "fb", "fc")}

    def assign(self, mask: npt.NDArray[np.bool_], **values: npt.NDArray[np.str_]) -> None:
        """Set the named inputs of the ``mask`` rows from the same rows of ``values``."""
        for key, value in values.items():
            self.columns[key][mask] = value[mask]


def _danish_variants(
    inputs: _OriginInputs, rng: np.random.Generator, is_: Mapping[str, npt.NDArray[np.bool_]]
) -> None:
    """Danish origin, but born abroad, or with one parent unrecorded."""
    rows, empty = inputs.rows, inputs.empty
    inputs.assign(
        is_["danish-born-abroad"],
        born=_weighted(rng, {"US": 1, "GB": 1, "SE": 1, "DE": 1, "TH": 1}, rows, 2),
    )
    one_known = is_["danish-one-parent-known"]
    mother_missing = one_known & (rng.random(rows) < 0.5)
    inputs.assign(mother_missing, mb=empty, mc=empty)
    inputs.assign(one_known & ~mother_missing, fb=empty, fc=empty)


def _immigrants(
    inputs: _OriginInputs,
    rng: np.random.Generator,
    is_: Mapping[str, npt.NDArray[np.bool_]],
    foreign: npt.NDArray[np.str_],
) -> None:
    """Immigrants: foreign citizens or naturalised, some with parents unrecorded."""
    dk, empty = inputs.dk, inputs.empty
    for name in ("immigrant", "immigrant-naturalised"):
        inputs.assign(
            is_[name],
            born=foreign,
            cit=foreign if name == "immigrant" else dk,
            mb=foreign,
            mc=foreign,
            fb=foreign,
            fc=foreign,
        )
    # Some immigrants' fathers are unrecorded.
    inputs.assign(is_["immigrant"] & (rng.random(inputs.rows) < 0.1), fb=empty, fc=empty)
    inputs.assign(
        is_["immigrant-no-parents"],
        born=foreign,
        cit=foreign,
        mb=empty,
        mc=empty,
        fb=empty,
        fc=empty,
    )


def _descendants(
    inputs: _OriginInputs,
    rng: np.random.Generator,
    is_: Mapping[str, npt.NDArray[np.bool_]],
    foreign: npt.NDArray[np.str_],
) -> None:
    """Descendants, half of them naturalised, and a few with no parent recorded."""
    dk, empty = inputs.dk, inputs.empty
    naturalised_child = rng.random(inputs.rows) < 0.5
    inputs.assign(
        is_["descendant"],
        cit=np.where(naturalised_child, dk, foreign),
        mb=foreign,
        mc=foreign,
        fb=foreign,
        fc=foreign,
    )
    inputs.assign(is_["descendant-no-parents"], cit=foreign, mb=empty, mc=empty, fb=empty, fc=empty)


def _edge_cases(
    inputs: _OriginInputs,
    rng: np.random.Generator,
    is_: Mapping[str, npt.NDArray[np.bool_]],
    foreign: npt.NDArray[np.str_],
) -> None:
    """Mixed couples, the third generation, no parents, and the own birth country missing."""
    empty = inputs.empty
    danish_mother = rng.random(inputs.rows) < 0.5
    mixed = is_["mixed-couple"]
    inputs.assign(mixed & danish_mother, fb=foreign, fc=foreign)
    inputs.assign(mixed & ~danish_mother, mb=foreign, mc=foreign)
    inputs.assign(is_["third-generation-foreign"], cit=foreign, mc=foreign, fc=foreign)
    inputs.assign(is_["third-generation-naturalised"], mc=foreign)
    inputs.assign(is_["danish-no-parents"], mb=empty, mc=empty, fb=empty, fc=empty)
    inputs.assign(
        is_["own-birth-country-missing"],
        born=empty,
        cit=foreign,
        mb=foreign,
        mc=foreign,
        fb=foreign,
        fc=foreign,
    )


def _employed(
    rng: np.random.Generator,
    kind: npt.NDArray[np.intp],
    names: list[str],
    age: npt.NDArray[np.int16],
) -> npt.NDArray[np.bool_]:
    """Employment by origin group at working age (16-64), and a few past 64."""
    group = np.where(
        np.isin(kind, [names.index(n) for n in names if n.startswith("immigrant")]),
        "immigrant",
        np.where(
            np.isin(kind, [names.index(n) for n in names if n.startswith("descendant")]),
            "descendant",
            "danish",
        ),
    )
    p_work = np.select([group == k for k in _EMPLOYMENT], list(_EMPLOYMENT.values()), 0.7)
    working_age = (age >= 16) & (age <= 64)
    employed: npt.NDArray[np.bool_] = working_age & (rng.random(len(age)) < p_work) | (
        ~working_age & (age > 64) & (rng.random(len(age)) < 0.06)
    )
    return employed


def synthesize(
    rows: int, *, seed: int = 0, scenarios: Sequence[tuple[str, float]] = SCENARIOS
) -> SyntheticPopulation:
    """Generate ``rows`` residents from ``seed``.

    The random draws come in a fixed order (scenarios, countries of origin, each
    scenario's own draws, age, employment, municipality): the same seed, the same rows.
    """
    if rows < 0:
        raise ValueError(f"rows must be zero or more, not {rows}")
    rng = np.random.default_rng(seed)
    names = [name for name, _ in scenarios]
    shares = np.array([share for _, share in scenarios], dtype=float)
    kind = rng.choice(len(names), size=rows, p=shares / shares.sum())
    is_ = {name: kind == i for i, name in enumerate(names)}

    foreign = _weighted(rng, _ORIGINS, rows, 2)
    inputs = _OriginInputs(rows)
    _danish_variants(inputs, rng, is_)
    _immigrants(inputs, rng, is_, foreign)
    _descendants(inputs, rng, is_, foreign)
    _edge_cases(inputs, rng, is_, foreign)

    age = np.minimum(rng.gamma(3.2, 13.0, size=rows), 104).astype(np.int16)
    employed = _employed(rng, kind, names, age)
    built = inputs.columns
    columns: dict[str, npt.NDArray[Any]] = {
        "municipality": _weighted(rng, _MUNICIPALITIES, rows, 3),
        "age": age,
        "employed": employed,
        "birth_country": built["born"],
        "citizenship": built["cit"],
        "mother_birth_country": built["mb"],
        "mother_citizenship": built["mc"],
        "father_birth_country": built["fb"],
        "father_citizenship": built["fc"],
    }
    return SyntheticPopulation(columns, seed)
