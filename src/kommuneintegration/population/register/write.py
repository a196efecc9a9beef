"""Writing classified chunks: Parquet or CSV, on a thread while the next chunk is
classified, the added columns built over the result's arrays without a Python
object per row.
"""

from __future__ import annotations

import contextvars
import csv
import functools
import io
import queue
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.population.classification import COUNTRY_CODES, ClassifiedPopulation, Origin
from kommuneintegration.population.register.read import ADDED, header
from kommuneintegration.safefile import file_format

_LABELS: Final = np.array([o.label for o in sorted(Origin)], dtype=object)


class Background:
    """Write chunks on a thread while the next one is classified (pyarrow's writers release the GIL).

    At most one chunk waits. An error in the writer is raised at the next
    ``write`` or at ``finish``; ``stop`` ends the thread whatever happened.
    """

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.box: queue.Queue[tuple[Any, ClassifiedPopulation] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.halt = threading.Event()
        # In a copy of this context, so the output language holds in the writer too.
        self.thread = threading.Thread(
            target=contextvars.copy_context().run,
            args=(self._run,),
            name="kommuneintegration-writer",
            daemon=True,
        )
        self.thread.start()

    def _run(self) -> None:
        while not self.halt.is_set():
            try:
                item = self.box.get(timeout=0.1)
            except queue.Empty:
                continue
            if item is None:
                return
            try:
                self.writer.write(*item)
            except BaseException as exc:
                self.error = exc
                return

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def write(self, batch: Any, result: ClassifiedPopulation) -> None:
        while True:
            self._raise()
            if not self.thread.is_alive():
                raise RuntimeError("the writer thread stopped")
            try:
                self.box.put((batch, result), timeout=0.1)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Wait until every chunk is written."""
        while self.thread.is_alive():
            try:
                self.box.put(None, timeout=0.1)
                break
            except queue.Full:
                self._raise()
        self.thread.join()
        self._raise()

    def stop(self) -> None:
        self.halt.set()
        self.thread.join(timeout=30)


@attrs.define
class Writer:
    kind: str
    path: Path
    use_arrow: bool
    handle: Any = None
    arrow_writer: Any = None
    csv_writer: Any = None
    wrote_header: bool = False

    def _table(self, batch: Any, result: ClassifiedPopulation) -> Any:
        import pyarrow as pa

        if isinstance(batch, dict):
            batch = pa.table({k: pa.array(v.tolist(), pa.string()) for k, v in batch.items()})
        table = pa.Table.from_batches([batch]) if not isinstance(batch, pa.Table) else batch
        # The added columns as dictionaries over the result's arrays: no Python objects per row.
        origin = _arrow_array_of_numbers(result.origin, pa.int8())
        indices = _arrow_array_of_numbers(result.country_index, pa.int16())
        labels, codes = _dictionaries()
        table = table.append_column("origin", origin)
        table = table.append_column("origin_label", pa.DictionaryArray.from_arrays(origin, labels))
        return table.append_column(
            "country_of_origin", pa.DictionaryArray.from_arrays(indices, codes)
        )

    def write(self, batch: Any, result: ClassifiedPopulation) -> None:
        if self.kind == "parquet" or self.use_arrow:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = self._table(batch, result)
            if self.arrow_writer is None:
                self.arrow_writer = (
                    pq.ParquetWriter(
                        self.path,
                        table.schema,
                        # Min/max statistics of text columns cost as much as the rest of the
                        # write and serve no query on a register: kept for numbers only.
                        write_statistics=[
                            f.name
                            for f in table.schema
                            if not (
                                pa.types.is_string(f.type)
                                or pa.types.is_large_string(f.type)
                                or pa.types.is_dictionary(f.type)
                            )
                        ],
                    )
                    if self.kind == "parquet"
                    else _MinimalCsv(self.path)
                )
            self.arrow_writer.write_table(table)
            return
        if self.csv_writer is None:
            self.handle = self.path.open("w", encoding="utf-8", newline="")
            self.csv_writer = csv.writer(self.handle, lineterminator="\n")
        names = list(batch)
        if not self.wrote_header:
            self.csv_writer.writerow([_inert(n) for n in [*names, *ADDED]])
            self.wrote_header = True
        columns = [_inert_list(batch[n].tolist()) for n in names]
        columns += [
            result.origin.tolist(),
            _LABELS[result.origin].tolist(),
            result.country_of_origin.tolist(),
        ]
        self.csv_writer.writerows(zip(*columns, strict=True))

    def write_header(self, source: Path) -> None:
        """An input with no rows: write an empty output through the normal path (header or schema)."""
        empty = ClassifiedPopulation.from_codes(np.empty(0, dtype=np.int8), [])
        if file_format(source) == "parquet":
            import pyarrow.parquet as pq

            self.write(pq.read_schema(source).empty_table(), empty)
        else:
            self.write({name: np.empty(0, dtype=str) for name in header(source)[0]}, empty)

    @property
    def started(self) -> bool:
        return self.arrow_writer is not None or self.csv_writer is not None

    def finish(self) -> None:
        """Write what is still being formatted (a CSV output's last chunks)."""
        if isinstance(self.arrow_writer, _MinimalCsv):
            self.arrow_writer.finish()

    def close(self) -> None:
        if self.arrow_writer is not None:
            self.arrow_writer.close()
        if self.handle is not None:
            self.handle.close()


# pyarrow's ``pa.array`` asks whether its argument is a pandas object, which imports
# pandas (0.2 s) into a run that never uses it; arrays built from their buffers do not.
def _arrow_array_of_numbers(values: npt.NDArray[Any], kind: Any) -> Any:
    """A numpy array of numbers as an Arrow array over the same memory (no nulls)."""
    import pyarrow as pa

    data = np.ascontiguousarray(values)
    return pa.Array.from_buffers(kind, len(data), [None, pa.py_buffer(data)])


def _arrow_array_of_texts(texts: list[str]) -> Any:
    import pyarrow as pa

    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(e) for e in encoded])
    data = b"".join(encoded)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), len(encoded), buffers)


@functools.cache
def _dictionaries() -> tuple[Any, Any]:
    """The dictionaries of the added columns: origin labels and alpha-2 codes."""
    return _arrow_array_of_texts(_LABELS.tolist()), _arrow_array_of_texts(COUNTRY_CODES.tolist())


class _MinimalCsv:
    """pyarrow's CSV writer, quoting only in chunks that have a cell needing quotes.

    Arrow quotes every text cell or none (and refuses to write a comma, quote or
    line break unquoted). A chunk with no such character in any text cell,
    nearly every chunk of a register, is written with no quotes, so numbers and
    codes read as themselves; a chunk with one is written with text quoted.

    Formatting is the slowest step of a CSV output, so two chunks are formatted
    at once on two threads (pyarrow releases the GIL) and written in their order;
    at most two wait, so memory stays bounded by the chunk size.
    """

    def __init__(self, path: Path) -> None:
        self.handle = path.open("wb")
        self.first = True
        self.pending: deque[Future[Any]] = deque()
        self.pool = ThreadPoolExecutor(2, thread_name_prefix="kommuneintegration-csv")

    def write_table(self, table: Any) -> None:
        if self.first:  # the header through the csv module, which quotes only where needed
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow(
                [_inert(n) for n in table.column_names]
            )
            self.handle.write(header.getvalue().encode("utf-8"))
            self.first = False
        self.pending.append(self.pool.submit(_csv_bytes, table))
        while len(self.pending) > 1:
            self.handle.write(self.pending.popleft().result())

    def finish(self) -> None:
        while self.pending:
            self.handle.write(self.pending.popleft().result())

    def close(self) -> None:
        """Close the file; chunks not written by :meth:`finish` are dropped (the run failed,
        and the output is discarded), so an error here never hides the run's own."""
        self.pool.shutdown(cancel_futures=True)
        self.pending.clear()
        self.handle.close()


def _csv_bytes(table: Any) -> Any:
    """One chunk as CSV without its header, quoted only if a text cell needs it (an Arrow
    buffer, which the file writes without a copy)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = _without_formulas(table)
    quoting = "needed" if _needs_quotes(table) else "none"
    sink = pa.BufferOutputStream()
    pacsv.write_csv(
        table, sink, write_options=pacsv.WriteOptions(include_header=False, quoting_style=quoting)
    )
    return sink.getvalue()


_SPECIAL_BYTES: Final = (34, 44, 10, 13)  # " , \n \r

#: The first characters of a cell a spreadsheet runs as a formula (OWASP, CSV injection).
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_BYTES: Final = np.array([ord(c) for c in _FORMULA_STARTS], dtype=np.uint8)
_NUMBER: Final = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def _inert(cell: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with a leading quote; a number
    written with a sign ("-0.9") stays a number."""
    if not isinstance(cell, str) or not cell.startswith(_FORMULA_STARTS):
        return cell
    import re

    return cell if re.match(_NUMBER, cell) else "'" + cell


def _inert_list(cells: list[Any]) -> list[Any]:
    if not any(isinstance(c, str) and c.startswith(_FORMULA_STARTS) for c in cells):
        return cells
    return [_inert(c) for c in cells]


def _starts_a_formula(array: Any) -> bool:
    """Whether any value of an Arrow string array begins with a formula's sign (read on its
    buffers: one look at each value's first byte)."""
    offsets_buffer, data = array.buffers()[1], array.buffers()[2]
    if data is None or not data.size or not len(array):
        return False
    kind: type[np.integer[Any]] = np.int64 if array.type == "large_string" else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=kind)[
        array.offset : array.offset + len(array) + 1
    ]
    starts = offsets[:-1][offsets[1:] > offsets[:-1]]
    raw = np.frombuffer(data, dtype=np.uint8)
    return bool(np.isin(raw[starts], _FORMULA_BYTES).any())


def _without_formulas(table: Any) -> Any:
    """The chunk with every text cell a spreadsheet would run as a formula made inert."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, column in enumerate(table.columns):
        kind = column.type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            continue
        if not any(_starts_a_formula(chunk) for chunk in column.chunks):
            continue
        risky = pc.and_(
            pc.match_substring_regex(column, r"^[=+\-@\t\r]"),
            pc.invert(pc.match_substring_regex(column, _NUMBER)),
        )
        quoted = pc.binary_join_element_wise(pa.scalar("'", kind), column, pa.scalar("", kind))
        table = table.set_column(i, table.field(i), pc.if_else(risky, quoted, column))
    return table


def _has_special(array: Any) -> bool:
    """Whether an Arrow string array holds a byte that needs quoting (read on its buffer)."""
    data = array.buffers()[2]
    if data is None or not data.size:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    return any(bool((raw == byte).any()) for byte in _SPECIAL_BYTES)


def _needs_quotes(table: Any) -> bool:
    import pyarrow as pa

    for column in table.columns:
        kind = column.type
        if pa.types.is_dictionary(kind):
            if any(_has_special(chunk.dictionary) for chunk in column.chunks):
                return True
        elif (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and any(
            _has_special(chunk) for chunk in column.chunks
        ):
            return True
    return False
