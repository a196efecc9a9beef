"""Classify register files in chunks: CSV or Parquet in, the same columns plus origin out.

``kommuneintegration classify INPUT --out OUTPUT`` is the command-line face of
:func:`classify_file`. The file is read and written chunk by chunk, so memory
does not grow with its size; the six origin columns are read as text (so that
Namibia's code "NA" stays a country and is not taken for a missing value), the
other columns pass through unchanged. The output adds ``origin`` (DST's
``IE_TYPE`` code: 1 Danish origin, 2 immigrant, 3 descendant, 0 undetermined),
``origin_label`` and ``country_of_origin``.

With pyarrow installed (the ``parquet`` extra) CSV is read and written by
pyarrow; without it, by Python's csv module (slower, same result). Parquet
needs pyarrow.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, TextIO, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.errors import InputError
from kommuneintegration.i18n import _, format_number, pick
from kommuneintegration.limits import DEFAULT_CHUNK_ROWS, MAX_CHUNK_ROWS
from kommuneintegration.origin import (
    COLUMNS,
    COUNTRY_CODES,
    ClassifiedPopulation,
    InvalidCodesError,
    Origin,
    classify_many,
)
from kommuneintegration.safefile import atomic_path, check_paths, file_format, write_text

__all__ = ["FileSummary", "classify_file"]

T = TypeVar("T")

ADDED: Final = ("origin", "origin_label", "country_of_origin")
_LABELS: Final = np.array([o.label for o in sorted(Origin)], dtype=object)


@attrs.define
class FileSummary:
    """What a run classified: rows, counts per origin, coerced values per column."""

    rows: int = 0
    counts: dict[str, int] = attrs.field(factory=lambda: {o.label: 0 for o in Origin})
    coerced: dict[str, int] = attrs.field(factory=lambda: dict.fromkeys(COLUMNS, 0))
    seconds: float = 0.0

    def add(self, result: ClassifiedPopulation) -> None:
        self.rows += len(result)
        for origin, n in result.counts().items():
            self.counts[origin.label] += n
        for name, n in result.coerced.items():
            self.coerced[name] += n

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "counts": self.counts,
            "coerced": self.coerced,
            "seconds": round(self.seconds, 3),
        }

    def text(self) -> str:
        """The counts in the output language; ``to_dict`` keeps the Danish labels as keys."""
        origins = {o.label: o for o in Origin}
        lines = [
            _("{rows} rows classified in {seconds} s").format(
                rows=format_number(self.rows), seconds=format_number(self.seconds, decimals=1)
            )
        ]
        for label, n in self.counts.items():
            origin = origins.get(label)
            shown = (
                pick(origin.label_plural, origin.label_plural_en) if origin is not None else label
            )
            lines.append(f"  {shown}: {format_number(n)}")
        coerced = {k: v for k, v in self.coerced.items() if v}
        if coerced:
            lines.append(
                "  "
                + _("invalid codes treated as unknown:")
                + " "
                + ", ".join(f"{k} {format_number(v)}" for k, v in coerced.items())
            )
        if (
            sum(self.counts.values()) != self.rows
        ):  # pragma: no cover - an invariant, checked in tests
            lines.append("  " + _("WARNING: counts do not add up to the rows"))
        return "\n".join(lines)


class _Progress:
    """A one-line progress bar on stderr, for terminals only."""

    def __init__(
        self, total: Callable[[], float] | None, enabled: bool, stream: TextIO = sys.stderr
    ) -> None:
        self.total = total
        self.enabled = enabled
        self.stream = stream
        self.start = time.perf_counter()

    def update(self, rows: int, fraction: float | None) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.start
        if fraction is not None:
            filled = int(30 * min(max(fraction, 0.0), 1.0))
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {100 * min(fraction, 1.0):3.0f}% "
        else:
            bar = ""
        self.stream.write(f"\r{bar}{rows:,} rows {elapsed:.1f} s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _encoding_error(path: Path, encoding: str, exc: Exception) -> InputError:
    """The file, the line of its first undecodable byte, and a hint for the usual cause."""
    hint = (
        "; Danish spreadsheet exports are often cp1252: try --encoding cp1252"
        if _is_utf8(encoding)
        else ""
    )
    return InputError(
        f"the file is not valid {encoding} text ({exc}){hint}",
        file=str(path),
        line=_undecodable_line(path, encoding),
    )


def _undecodable_line(path: Path, encoding: str) -> int | None:
    """The line of the first byte that does not decode, found by reading the file again.

    Readers decode ahead of the line they are on (a text file 8 KiB at a time,
    pyarrow a block at a time), so where they fail says little; this runs only
    on that error.
    """
    decoder = codecs.getincrementaldecoder(_python_encoding(encoding))()
    line = 1
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            try:
                line += decoder.decode(block).count("\n")
            except UnicodeDecodeError as exc:
                before = exc.object[: exc.start].decode(_python_encoding(encoding), "replace")
                return line + before.count("\n")
    return None


def _header(path: Path, encoding: str = "utf-8") -> tuple[list[str], str]:
    """The column names (stripped) and the delimiter of a CSV file, checked."""
    try:
        with path.open("r", encoding=_python_encoding(encoding), newline="") as handle:
            first = handle.readline()
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, encoding, exc) from None
    except LookupError:
        raise InputError(f"unknown text encoding {encoding!r}", file=str(path)) from None
    if not first.strip():
        raise InputError(
            f"the file is empty; expected a header with {', '.join(COLUMNS)}", file=str(path)
        )
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    names = [n.strip() for n in next(csv.reader([first], delimiter=delimiter))]
    _check_unique(names, path, 1)
    return names, delimiter


def _is_utf8(encoding: str) -> bool:
    """True for every spelling of UTF-8 ("utf-8", "UTF8", "utf_8"); LookupError if unknown."""
    return codecs.lookup(encoding).name == "utf-8"


def _python_encoding(encoding: str) -> str:
    """Python's name for the encoding; UTF-8 reads past a byte-order mark."""
    return "utf-8-sig" if _is_utf8(encoding) else encoding


def _check_unique(names: list[str], path: Path, line: int | None) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(
                f"column {name!r} appears more than once in the header", file=str(path), line=line
            )
        seen.add(name)


def _estimated_rows(path: Path) -> int:
    """Rows in a CSV file, estimated from the length of its first lines (for the progress bar)."""
    with path.open("rb") as handle:
        sample = handle.read(1 << 16)
    lines = max(sample.count(b"\n"), 1)
    return max(int(path.stat().st_size / (len(sample) / lines)) - 1, 1)


def _check_columns(names: list[str], path: Path) -> None:
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(names) or 'none'}",
            file=str(path),
        )
    clash = [c for c in ADDED if c in names]
    if clash:
        raise InputError(
            f"already has column(s) {', '.join(clash)}, which classification adds",
            file=str(path),
        )


# --- readers: each yields (columns as a dict of arrays, fraction done) ------------------------


def _csv_python(
    path: Path, chunk_rows: int, encoding: str = "utf-8"
) -> Iterator[tuple[dict[str, npt.NDArray[Any]], float | None]]:
    names, delimiter = _header(path, encoding)
    _check_columns(names, path)
    estimate = _estimated_rows(path)
    done = 0
    with path.open("r", encoding=_python_encoding(encoding), newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader)
        while True:
            lines: list[int] = []
            block: list[list[str]] = []
            try:
                for _, row in zip(range(chunk_rows), reader, strict=False):
                    block.append(row)
                    lines.append(reader.line_num)
            except UnicodeDecodeError as exc:
                raise _encoding_error(path, encoding, exc) from None
            except csv.Error as exc:
                raise InputError(str(exc), file=str(path), line=reader.line_num) from None
            if not block:
                return
            for line, row in zip(lines, block, strict=True):
                if len(row) != len(names):
                    raise InputError(
                        f"expected {len(names)} fields, found {len(row)}",
                        file=str(path),
                        line=line,
                    )
            table = np.array(block, dtype=object).reshape(len(block), len(names))
            done += len(block)
            yield (
                {name: table[:, j].astype(str) for j, name in enumerate(names)},
                min(done / estimate, 0.99),
            )


def _csv_arrow(
    path: Path, chunk_rows: int, encoding: str = "utf-8"
) -> Iterator[tuple[Any, float | None]]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names, delimiter = _header(path, encoding)
    _check_columns(names, path)
    estimate = _estimated_rows(path)
    done = 0
    handle = path.open("rb")
    try:
        reader = pacsv.open_csv(
            handle,
            read_options=pacsv.ReadOptions(
                block_size=max(1 << 20, chunk_rows * 32),
                use_threads=True,
                # The header's names as _header read them (stripped of spaces), not pyarrow's.
                column_names=names,
                skip_rows=1,
                encoding=encoding,
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                # Text, so "NA" (Namibia) and "0101" stay as written.
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid as exc:
                raise _arrow_error(path, encoding, exc, done) from None
            done += batch.num_rows
            yield batch, min(done / estimate, 0.99)
    except pa.ArrowInvalid as exc:
        raise _arrow_error(path, encoding, exc, done) from None
    finally:
        handle.close()


def _arrow_error(path: Path, encoding: str, exc: Exception, rows_read: int) -> InputError:
    """pyarrow's CSV messages in the project's words, with the file and, where known, the line."""
    text = str(exc)
    if "UTF8" in text or "UTF-8" in text or "decode" in text.lower():
        return _encoding_error(path, encoding, exc)
    if "Expected" in text and "columns" in text:
        # "CSV parse error: Expected 7 columns, got 6: <row>": the row is in the next batch.
        detail = text.split(":", 2)[1].strip() if text.count(":") >= 2 else text
        return InputError(f"{detail} (a row after line {rows_read + 1:,})", file=str(path))
    return InputError(f"cannot read as CSV: {text}", file=str(path))


def _parquet(
    path: Path, chunk_rows: int, *, to_csv: bool = False
) -> Iterator[tuple[Any, float | None]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a valid Parquet file ({exc})", file=str(path)) from None
    _check_unique(source.schema_arrow.names, path, None)
    _check_columns(source.schema_arrow.names, path)
    nested = [f for f in source.schema_arrow if pa.types.is_nested(f.type)]
    if to_csv and nested:
        raise InputError(
            f"column {nested[0].name!r} holds {nested[0].type}, which a CSV file cannot: "
            "write the output as Parquet (--out FILE.parquet)",
            file=str(path),
        )
    total = max(source.metadata.num_rows, 1)
    done = 0
    for batch in source.iter_batches(batch_size=chunk_rows):
        done += batch.num_rows
        yield batch, done / total


def _prefetched(chunks: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Read the next chunk on a thread while this one is classified and written.

    Reading (pyarrow's CSV parser) and writing (Parquet) release the GIL, so the
    two overlap; at most ``depth`` chunks wait, so memory stays bounded. An error
    in the reader is raised here, in order; stopping early stops the reader.
    """
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not put(("chunk", chunk)):
                    return
        except BaseException as exc:
            put(("error", exc))
            return
        put(("end", None))

    reader = threading.Thread(target=read, name="kommuneintegration-reader", daemon=True)
    reader.start()
    try:
        while True:
            kind, item = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        reader.join(timeout=5)


def _origin_inputs(batch: Any, *, encode_output: bool = True) -> tuple[Any, list[Any]]:
    """The six origin columns ready for classify_many, and the batch to write.

    For a Parquet output, text columns are dictionary-encoded once, here:
    classification reads the codes through the dictionary, and the writer stores
    the same encoded column, so no string is hashed twice. For a CSV output they
    stay as they are: classify_many reads Arrow strings from their buffers, with
    no hashing at all, and the CSV writer writes them as read. No string becomes
    a Python object either way.
    """
    if isinstance(batch, dict):
        return batch, [batch[c] for c in COLUMNS]
    import pyarrow as pa
    import pyarrow.compute as pc

    inputs = []
    for name in COLUMNS:
        column = batch.column(name)
        if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
            pass  # ISO 3166-1 numeric codes, read as classify_many reads numbers
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            if encode_output:
                column = pc.dictionary_encode(column)
                batch = batch.set_column(batch.schema.get_field_index(name), name, column)
        elif not pa.types.is_dictionary(column.type):
            column = column.cast("string")
        inputs.append(column)
    return batch, inputs


def classify_file(
    source: str | Path,
    destination: str | Path,
    *,
    errors: str = "raise",
    chunk_rows: int | None = None,
    progress: bool | None = None,
    engine: str | None = None,
    encoding: str = "utf-8",
) -> FileSummary:
    """Classify ``source`` chunk by chunk into ``destination``; returns the summary.

    ``engine`` is "pyarrow" or "python" for CSV (default: pyarrow if installed).
    ``chunk_rows`` sets memory use (default 100,000 rows: reading, classifying and
    writing overlap on threads, so small chunks are as fast as large ones).
    With ``errors="raise"`` an invalid code stops the run with the row number in
    the whole file; ``errors="coerce"`` treats it as unknown and counts it.
    """
    source, destination = Path(source), Path(destination)
    if not source.is_file():
        raise FileNotFoundError(f"no such input file: {source}")
    check_paths({"the input": source}, {"the output": destination})
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    kind_in, kind_out = file_format(source), file_format(destination)
    use_arrow = engine == "pyarrow" or (engine is None and _has_pyarrow())
    if chunk_rows is None:
        chunk_rows = DEFAULT_CHUNK_ROWS
    if not 1 <= chunk_rows <= MAX_CHUNK_ROWS:
        raise ValueError(f"chunk_rows must be between 1 and {MAX_CHUNK_ROWS:,}, not {chunk_rows:,}")
    if (kind_in == "parquet" or kind_out == "parquet") and not _has_pyarrow():
        raise RuntimeError("Parquet needs pyarrow: pip install 'kommuneintegration[parquet]'")
    if kind_in == "parquet":
        chunks: Iterator[tuple[Any, float | None]] = _parquet(
            source, chunk_rows, to_csv=kind_out == "csv"
        )
    elif use_arrow:
        chunks = _csv_arrow(source, chunk_rows, encoding)
    else:
        chunks = _csv_python(source, chunk_rows, encoding)
    meter = _Progress(None, sys.stderr.isatty() if progress is None else progress)
    summary = FileSummary()
    start = time.perf_counter()
    # Written to a temporary file beside the destination and renamed into place when
    # complete: an error or Ctrl-C leaves whatever was at the destination untouched.
    with atomic_path(destination) as tmp:
        writer = _Writer(kind_out, tmp, use_arrow)
        background = _Background(writer)
        try:
            for batch, fraction in _prefetched(chunks):
                offset = summary.rows
                batch, inputs = _origin_inputs(batch, encode_output=kind_out == "parquet")
                try:
                    result = classify_many(*inputs, errors=errors)  # type: ignore[arg-type]
                except InvalidCodesError as exc:
                    rows = [(offset + row, value) for row, value in exc.examples]
                    raise InvalidCodesError(
                        exc.argument,
                        exc.count,
                        rows,
                        file=str(source),
                        first_line=2 if kind_in == "csv" else None,
                    ) from None
                background.write(batch, result)
                summary.add(result)
                meter.update(summary.rows, fraction)
            background.finish()
            meter.update(summary.rows, 1.0 if summary.rows else None)
            if not writer.started:
                # An input with a header and no rows still gives an output with a header.
                writer.write_header(source)
            writer.finish()
        finally:
            meter.close()
            background.stop()
            writer.close()
    summary.seconds = time.perf_counter() - start
    return summary


class _Background:
    """Write chunks on a thread while the next one is classified (pyarrow's writers release the GIL).

    At most one chunk waits. An error in the writer is raised at the next
    ``write`` or at ``finish``; ``stop`` ends the thread whatever happened.
    """

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.box: queue.Queue[tuple[Any, ClassifiedPopulation] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.halt = threading.Event()
        self.thread = threading.Thread(
            target=self._run, name="kommuneintegration-writer", daemon=True
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
class _Writer:
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
        origin = _arrow_numbers(result.origin, pa.int8())
        indices = _arrow_numbers(result.country_index, pa.int16())
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
            self.csv_writer.writerow([*names, *ADDED])
            self.wrote_header = True
        columns = [batch[n].tolist() for n in names]
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
            self.write({name: np.empty(0, dtype=str) for name in _header(source)[0]}, empty)

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
def _arrow_numbers(values: npt.NDArray[Any], kind: Any) -> Any:
    """A numpy array of numbers as an Arrow array over the same memory (no nulls)."""
    import pyarrow as pa

    data = np.ascontiguousarray(values)
    return pa.Array.from_buffers(kind, len(data), [None, pa.py_buffer(data)])


def _arrow_strings(texts: list[str]) -> Any:
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
    return _arrow_strings(_LABELS.tolist()), _arrow_strings(COUNTRY_CODES.tolist())


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
            csv.writer(header, lineterminator="\n").writerow(table.column_names)
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

    quoting = "needed" if _needs_quotes(table) else "none"
    sink = pa.BufferOutputStream()
    pacsv.write_csv(
        table, sink, write_options=pacsv.WriteOptions(include_header=False, quoting_style=quoting)
    )
    return sink.getvalue()


_SPECIAL_BYTES: Final = (34, 44, 10, 13)  # " , \n \r


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


def write_summary(summary: FileSummary, path: str | Path) -> None:
    """The summary as JSON, written atomically."""
    write_text(
        path, json.dumps(summary.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    )
