"""A barometer indicator's formula: from Statbank cells to numerator and denominator.

A :class:`Part` is a sum of cells of one table for one area and one year: every
combination of the values it picks (by code where ../shared/FACTS.md records
DST's code, by text where it does not). A :class:`Rate` is one sum of parts over
another, times 100. The formula is data: the same code computes every indicator,
for every municipality, the whole country and every year, and no code asks which
indicator it is computing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Final

import attrs

from kommuneintegration.i18n import _
from kommuneintegration.statbank.cells import Block, Cells
from kommuneintegration.statbank.tables import AREA_VARIABLES, Select

__all__ = ["EVERY", "Part", "Rate", "Resolved", "pick", "resolve", "texts"]


def texts(*values: str) -> Select:
    """Values read by their text in the table's tableinfo (codes FACTS.md marks unverified)."""
    return Select(texts=values)


def pick(*codes: str) -> Select:
    """Values by DST's code, where a recorded answer confirms it."""
    return Select(codes=codes)


EVERY: Final = Select(every=True)


@attrs.frozen
class Part:
    """A sum of one table's cells for an area and a year.

    ``period`` is the time code of year Y: "{year}" (a yearly table), "{year}K1"
    (the 1st of January of Y). ``select`` picks each variable's values; a variable
    not named takes its total (found by its text).
    """

    table: str
    select: Mapping[str, Select]
    period: str = "{year}"

    def time(self, year: int) -> str:
        return self.period.format(year=year)

    def year_of(self, time: str) -> int | None:
        """The year whose period is ``time`` (None for another quarter)."""
        head = time[:4]
        if not head.isdigit():
            return None
        year = int(head)
        return year if self.time(year) == time else None


@attrs.frozen
class Rate:
    """Numerator over denominator, times 100: each a sum of parts."""

    numerator: tuple[Part, ...]
    denominator: tuple[Part, ...]

    @property
    def parts(self) -> tuple[Part, ...]:
        return (*self.numerator, *self.denominator)

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.table for p in self.parts))


@attrs.frozen
class _InBlock:
    """Where a part's cells lie in one block: their offsets, and the area's and time's axes."""

    values: Sequence[float]
    offsets: tuple[int, ...]
    areas: Mapping[str, int]
    area_stride: int
    times: Mapping[str, int]
    time_stride: int
    #: The variables picked, and each offset's codes of them (for sums by stratum).
    names: tuple[str, ...] = ()
    combos: tuple[tuple[str, ...], ...] = ()

    def base(self, area: str, time: str) -> int | None:
        a = self.areas.get(area)
        t = self.times.get(time)
        if a is None or t is None:
            return None
        return a * self.area_stride + t * self.time_stride


@attrs.frozen
class Resolved:
    """A part's cells in its table's blocks (newest first), area and time left open."""

    found: tuple[_InBlock, ...]

    def total(self, area: str, time: str) -> float | None:
        """The sum; None when a cell is missing (".." or not held)."""
        for block in self.found:
            base = block.base(area, time)
            if base is None:
                continue
            values = block.values
            total = math.fsum(values[base + o] for o in block.offsets)
            return None if math.isnan(total) else total
        return None

    def by_stratum(
        self, area: str, time: str, strata: Sequence[str]
    ) -> dict[tuple[str, ...], float] | None:
        """The sums by the codes of ``strata`` (variables picked by the part); None when a cell
        is missing or a stratum variable is not among the part's."""
        for block in self.found:
            base = block.base(area, time)
            if base is None:
                continue
            if any(s not in block.names for s in strata):
                return None
            at = [block.names.index(s) for s in strata]
            sums: dict[tuple[str, ...], float] = {}
            for offset, combo in zip(block.offsets, block.combos, strict=True):
                value = block.values[base + offset]
                if math.isnan(value):
                    return None
                key = tuple(combo[i] for i in at)
                sums[key] = sums.get(key, 0.0) + value
            return sums
        return None


def resolve(part: Part, cells: Cells) -> Resolved | tuple[str, str]:
    """The part against its table's stored description and blocks: where its cells lie, or
    (variable, text) for the first value the table lacks."""
    info = cells.info
    if info is None:
        return ("", part.table)
    picks = {k.upper(): v for k, v in part.select.items()}
    wanted: dict[str, tuple[str, ...]] = {}
    area = time = ""
    for variable in info.variables:
        key = variable.upper()
        if key in AREA_VARIABLES:
            area = key
        elif variable == info.time or key == "TID":
            time = key
        elif key in picks:
            codes, missing = picks[key].resolve(info, variable)
            if missing:
                return (variable, missing[0])
            if not codes:
                return (variable, "-")
            wanted[key] = codes
        else:
            total = info.total(variable)
            if total is None:
                return (variable, _("a total"))
            wanted[key] = (total,)
    return Resolved(tuple(f for b in cells.blocks if (f := _in_block(b, wanted, area, time))))


def _in_block(
    block: Block, wanted: Mapping[str, tuple[str, ...]], area: str, time: str
) -> _InBlock | None:
    """The part's offsets in a block that holds all its cells, else None."""
    a, t = block.axis(area), block.axis(time)
    if a < 0 or t < 0 or set(wanted) != set(block.names) - {area, time}:
        return None
    choices: list[list[tuple[int, str]]] = []
    for name, codes in wanted.items():
        at = block.axis(name)
        positions = [block.positions[at].get(c) for c in codes]
        if any(p is None for p in positions):
            return None
        choices.append(
            [
                (p * block.strides[at], c)
                for p, c in zip(positions, codes, strict=True)
                if p is not None
            ]
        )
    combinations = list(itertools.product(*choices))
    return _InBlock(
        block.values,
        tuple(sum(o for o, _c in combo) for combo in combinations),
        block.positions[a],
        block.strides[a],
        block.positions[t],
        block.strides[t],
        tuple(wanted),
        tuple(tuple(c for _o, c in combo) for combo in combinations),
    )
