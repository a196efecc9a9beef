"""The one reader of stored answers, and the one cell type that compare and the barometer read.

An answer is stored only after it was checked against its request; it is read
back the same way every time, by every consumer (:func:`read_stored`): the
table's stored ``tableinfo``, the answer's own request, :func:`~.tables.checked_cells`
(the columns asked for, every code asked for, no cell twice, BULK's left-out
cells read as the table's ``suppressedDataValue``), and every number as DST
prints it in the table's unit (:func:`checked_value`: a percentage between 0
and 100, a count of persons whole and not negative). An answer that fails any
of this, whether damaged since or stored by an older version, is set aside and
counted, never shown.

:class:`Cells` is what a table's answers hold, merged (a newer answer's cell
wins), keyed by the codes of the table's variables in ``tableinfo``'s order.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import re
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from kommuneintegration.i18n import _
from kommuneintegration.statbank.cache import Cache, CachedAnswer
from kommuneintegration.statbank.client import bulk_table, parse_tableinfo
from kommuneintegration.statbank.errors import AnswerError, StatbankError
from kommuneintegration.statbank.tables import (
    MISSING_CELLS,
    TABLES,
    TableInfo,
    cell_name,
    checked_cells,
    expand,
    number,
)

__all__ = [
    "Block",
    "Cells",
    "StoredAnswer",
    "areas_of",
    "checked_value",
    "dense_form",
    "digest",
    "read_answer",
    "read_cached",
    "read_cells",
    "read_stored",
]

#: Units whose cells count persons (or full-year recipients): never negative, never a fraction
#: of a person where the unit is persons.
_COUNT_UNITS = frozenset({"antal", "personer", "person", "number"})
_PERCENT_UNITS = frozenset({"pct.", "pct", "procent", "percent", "%"})
#: A number as DST prints it with lang "da": the common case, read without more ado.
_PLAIN = re.compile(r"-?\d+(?:,\d+)?")


@attrs.frozen
class StoredAnswer:
    """One stored answer read back as checked: its cells by the codes of its variables."""

    table: str
    indicator: str
    info: TableInfo
    names: tuple[str, ...]
    #: The codes of ``names``, in order -> the cell as DST printed it.
    cells: Mapping[tuple[str, ...], str]
    query: str = ""
    #: The same cells as numbers (None for ".."), checked against the table's unit.
    values: Mapping[tuple[str, ...], float | None] = attrs.field(factory=dict)

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas asked for (OMRÅDE, or BOPOMR in the education tables)."""
        return areas_of(self.query)


def areas_of(query: str) -> tuple[str, ...]:
    """The areas a stored request asked for (OMRÅDE, or BOPOMR in the education tables)."""
    try:
        variables = json.loads(query)["variables"]
        for variable in variables:
            if str(variable.get("code", "")).upper() in ("OMRÅDE", "BOPOMR"):
                return tuple(str(v) for v in variable.get("values", ()))
    except (ValueError, KeyError, TypeError, AttributeError):
        return ()
    return ()


def checked_value(info: TableInfo, text: str, where: str | Callable[[], str]) -> float | None:
    """A cell as a number (``None`` for DST's ".."), checked against the table's unit;
    ``where`` names the cell in a refusal (a callable: made only when needed)."""
    cleaned = text.strip()
    if cleaned in MISSING_CELLS:
        return None
    unit = info.unit.strip().lower()
    try:
        value = (
            float(cleaned.replace(",", ".")) if _PLAIN.fullmatch(cleaned) else number(cleaned, ",")
        )
    except AnswerError:
        value = None
    problem = ""
    if value is None:
        problem = _(
            "{table}, {cell}: the cell {value!r} is not a number as DST writes it "
            "(decimal comma, no thousands separator)"
        )
    elif unit in _PERCENT_UNITS and not 0 <= value <= 100:
        problem = _("{table}, {cell}: {value!r} is not a percentage (0-100)")
    elif unit in _COUNT_UNITS and (value < 0 or value != int(value)):
        problem = _("{table}, {cell}: {value!r} is not a number of persons")
    elif value < 0 and unit not in _PERCENT_UNITS:
        problem = _("{table}, {cell}: {value!r} is a negative count")
    if problem:
        cell = where() if callable(where) else where
        raise AnswerError(problem.format(table=info.id, cell=cell, value=text))
    return value


def read_answer(info: TableInfo, body: str, asked: Mapping[str, Sequence[str]]) -> StoredAnswer:
    """One answer's cells, checked against its request and its table's unit.

    Raises :class:`~.errors.AnswerError` naming the row and cell that fails.
    """
    header, rows = bulk_table(body, info.id)
    if not rows:
        return StoredAnswer(info.id, "", info, (), {})
    names, cells = checked_cells(info, header, rows, asked)
    values = {
        codes: checked_value(info, content, functools.partial(cell_name, names, codes))
        for codes, content in cells.items()
    }
    _check_totals(info, names, values)
    return StoredAnswer(info.id, "", info, tuple(names), cells, values=values)


def _check_totals(
    info: TableInfo, names: Sequence[str], values: Mapping[tuple[str, ...], float | None]
) -> None:
    """A total of the origins a table sums (FOLK1E's HERKOMST) is never below its parts:
    the check :func:`~.tables.to_observations` makes for compare, made for every reader."""
    table = TABLES.get(info.id.upper())
    if table is None or not table.sums or "HERKOMST" not in names:
        return
    origins = table.origin_codes(info)
    total = next((c for c, g in origins.items() if g == "all"), None)
    if total is None:
        return
    at = list(names).index("HERKOMST")
    totals: dict[tuple[str, ...], float] = {}
    parts: dict[tuple[str, ...], float] = {}
    for codes, value in values.items():
        if value is None or codes[at] not in origins:
            continue
        rest = codes[:at] + codes[at + 1 :]
        if codes[at] == total:
            totals[rest] = value
        else:
            parts[rest] = parts.get(rest, 0.0) + value
    for rest, value in totals.items():
        if parts.get(rest, 0.0) > value:
            where = dict(zip([n for n in names if n != "HERKOMST"], rest, strict=True))
            raise AnswerError(
                _(
                    "{table}, OMRÅDE={area}, {time}: the total ({total:g}) is smaller than "
                    "the sum of its parts ({parts:g})"
                ).format(
                    table=info.id,
                    area=where.get("OMRÅDE", "?"),
                    time=where.get("TID", "?"),
                    total=value,
                    parts=parts[rest],
                )
            )


def read_stored(
    cache: Cache,
    origin: str,
    tables: Iterable[str] | None = None,
    indicators: Callable[[str], bool] | None = None,
) -> tuple[list[StoredAnswer], int]:
    """Every stored answer from ``origin`` (of ``tables``, or of all; stored for the indicators
    ``indicators`` accepts, or for any), oldest first, read back as checked; and how many were
    set aside because they no longer read back so."""
    wanted = {t.upper() for t in tables} if tables is not None else None
    infos: dict[str, TableInfo | None] = {}
    found: list[StoredAnswer] = []
    set_aside = 0
    for answer in cache.answers(origin):
        if wanted is not None and answer.table.upper() not in wanted:
            continue
        if indicators is not None and not indicators(answer.indicator):
            continue
        if answer.table not in infos:
            infos[answer.table] = _stored_info(cache, origin, answer.table)
        info = infos[answer.table]
        read = _read(info, answer) if info is not None else None
        if read is None:
            set_aside += 1
            continue
        found.append(read)
    return found, set_aside


def _stored_info(cache: Cache, origin: str, table: str) -> TableInfo | None:
    stored = cache.tableinfo(table, origin)
    if stored is None:
        return None
    try:
        return parse_tableinfo(stored[1], table)
    except StatbankError:
        return None


def read_cached(cache: Cache, origin: str, answer: CachedAnswer) -> StoredAnswer | None:
    """One stored answer read back as checked against its stored ``tableinfo``, or None when
    it no longer reads back so (or its table's description is not stored)."""
    info = _stored_info(cache, origin, answer.table)
    return _read(info, answer) if info is not None else None


def _read(info: TableInfo, answer: CachedAnswer) -> StoredAnswer | None:
    try:
        read = read_answer(info, answer.body, _asked(answer))
    except (StatbankError, ValueError, KeyError, TypeError):
        return None
    return attrs.evolve(read, indicator=answer.indicator, query=answer.query)


@attrs.frozen
class Block:
    """One answer's checked numbers, dense: a value for every combination of the values asked
    (``axes``, one per variable of ``names``, in the order of itertools.product), NaN for "..".

    An answer's cells are complete over what it asked (BULK's left-out cells are the table's
    ``suppressedDataValue``), so a block has no holes, and a sum over some of its cells is
    index arithmetic instead of a million keys.
    """

    names: tuple[str, ...]
    axes: tuple[tuple[str, ...], ...]
    values: array[float]
    positions: tuple[dict[str, int], ...] = attrs.field(init=False)
    strides: tuple[int, ...] = attrs.field(init=False)

    @positions.default
    def _positions(self) -> tuple[dict[str, int], ...]:
        return tuple({code: i for i, code in enumerate(axis)} for axis in self.axes)

    @strides.default
    def _strides(self) -> tuple[int, ...]:
        strides = [1] * len(self.axes)
        for i in range(len(self.axes) - 2, -1, -1):
            strides[i] = strides[i + 1] * len(self.axes[i + 1])
        return tuple(strides)

    def axis(self, name: str) -> int:
        return self.names.index(name) if name in self.names else -1


def _block(answer: StoredAnswer, axes: Sequence[Sequence[str]]) -> Block:
    values = array("d", (_nan(answer.values.get(key)) for key in itertools.product(*axes)))
    return Block(answer.names, tuple(tuple(a) for a in axes), values)


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _dense(answer: StoredAnswer, info: TableInfo, asked: Mapping[str, Sequence[str]]) -> Block:
    """A checked answer's numbers in the order of its request's combinations."""
    return _block(answer, list(expand(info, asked).values()))


def dense_form(
    answer: StoredAnswer, info: TableInfo, asked: Mapping[str, Sequence[str]]
) -> tuple[str, bytes]:
    """(the axes as JSON, the numbers as bytes) of a checked answer, for the cache."""
    block = _dense(answer, info, asked)
    return json.dumps(block.axes, ensure_ascii=False), block.values.tobytes()


def digest(body: str, axes: str, cells: bytes) -> str:
    """What ties the stored numbers to the answer they were read from."""
    return hashlib.sha256(body.encode() + axes.encode() + cells).hexdigest()


@attrs.frozen
class Cells:
    """The cells of one table, from all its stored answers: their blocks, newest first."""

    info: TableInfo | None
    blocks: tuple[Block, ...]

    def times(self) -> tuple[str, ...]:
        """The periods the cells hold, in order."""
        if self.info is None:
            return ()
        time = self.info.time.upper()
        found: set[str] = set()
        for block in self.blocks:
            at = block.axis(time)
            if at < 0:
                at = block.axis("TID")
            if at >= 0:
                found.update(block.axes[at])
        return tuple(sorted(found))

    @property
    def empty(self) -> bool:
        return not any(len(b.values) for b in self.blocks)


def read_cells(cache: Cache, origin: str, tables: Iterable[str]) -> tuple[dict[str, Cells], int]:
    """The barometer's reader: each table's stored answers as blocks of checked numbers.

    An answer's numbers are read from the form stored beside it when its digest still
    matches the answer; otherwise the answer is read back and checked as
    :func:`read_stored` does, and one that fails is set aside and counted.
    """
    wanted = {t.upper(): t for t in tables}
    dense = cache.dense(origin)
    infos: dict[str, TableInfo | None] = {
        t: _stored_info(cache, origin, t) for t in wanted.values()
    }
    blocks: dict[str, list[Block]] = {t: [] for t in wanted.values()}
    set_aside = 0
    for answer in cache.answers(origin):
        table = wanted.get(answer.table.upper())
        if table is None:
            continue
        info = infos[table]
        block = _stored_block(answer, dense.get((answer.table, answer.query, answer.indicator)))
        if block is None and info is not None:
            read = _read(info, answer)
            if read is not None and read.names:
                block = _dense(read, info, _asked(answer))
            elif read is not None:
                continue  # an answer with no cell: no figures, nothing wrong
        if block is None:
            set_aside += 1
            continue
        blocks[table].append(block)
    return (
        {t: Cells(infos[t], tuple(reversed(found))) for t, found in blocks.items()},
        set_aside,
    )


def _asked(answer: CachedAnswer) -> dict[str, list[str]]:
    return {
        str(v["code"]): [str(x) for x in v["values"]] for v in json.loads(answer.query)["variables"]
    }


def _stored_block(answer: CachedAnswer, stored: tuple[str, str, bytes] | None) -> Block | None:
    if stored is None:
        return None
    expected, axes_json, cells = stored
    if digest(answer.body, axes_json, cells) != expected:
        return None  # changed since it was checked: read it again
    try:
        axes = json.loads(axes_json)
        values = array("d")
        values.frombytes(cells)
        names = tuple(str(v).upper() for v in _asked(answer))
    except (ValueError, KeyError, TypeError):
        return None
    if len(values) != math.prod(len(a) for a in axes) or len(axes) != len(names):
        return None
    return Block(names, tuple(tuple(str(c) for c in a) for a in axes), values)
