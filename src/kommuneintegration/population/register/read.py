"""Reading register files chunk by chunk: CSV (pyarrow's reader, or Python's csv
module without pyarrow) and Parquet, checked at the door, each chunk with how far the
file is read; the next chunk is read on a thread while this one is classified.

The six origin columns of a CSV file are read as text, so that Namibia's code "NA"
stays a country and is not taken for a missing value.
"""

from __future__ import annotations

import codecs
import contextvars
import csv
import io
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt

from kommuneintegration.errors import InputError
from kommuneintegration.i18n import _, format_number
from kommuneintegration.population.classification import COLUMNS
from kommuneintegration.words import HEADER_SCAN_CHARS, delimiter_of

T = TypeVar("T")

#: The columns classification adds: an input that has one already is refused.
ADDED: Final = ("origin", "origin_label", "country_of_origin")


def _encoding_error(path: Path, encoding: str, exc: Exception) -> InputError:
    """The file, the line of its first undecodable byte, and a hint for the usual cause."""
    if not isinstance(exc, UnicodeDecodeError) and _needs_bom(encoding):
        # Python's UTF-16 and UTF-32 decoders want a byte-order mark and say so in English.
        return InputError(
            _(
                "the file is not {encoding} text as --encoding says: it does not begin with a "
                "byte-order mark; give the byte order (--encoding {encoding}-le or "
                "{encoding}-be), or the encoding it is in (utf-8, cp1252)"
            ).format(encoding=codecs.lookup(encoding).name),
            file=str(path),
        )
    hint = (
        "; "
        + _("Danish spreadsheet exports are often cp1252: try --encoding {encoding}").format(
            encoding="cp1252"
        )
        if _is_utf8(encoding)
        else ""
    )
    line = _undecodable_line(path, encoding)
    if isinstance(exc, UnicodeDecodeError):
        why = _("byte {byte} cannot be read as {encoding}").format(
            byte=f"0x{exc.object[exc.start]:02x}" if exc.start < len(exc.object) else "?",
            encoding=encoding,
        )
    else:
        why = _("it cannot be read as {encoding}").format(encoding=encoding)
    return InputError(
        _("the file is not valid {encoding} text ({why}){hint}").format(
            encoding=encoding, why=why, hint=hint
        ),
        file=str(path),
        line=line,
    )


def _needs_bom(encoding: str) -> bool:
    """UTF-16 or UTF-32 without a byte order: Python's decoder reads it from a BOM."""
    try:
        return codecs.lookup(encoding).name in ("utf-16", "utf-32")
    except LookupError:
        return False


def ascii_compatible(encoding: str) -> bool:
    """Whether the encoding writes a comma and a line end as the ASCII bytes: pyarrow's CSV
    reader cuts its input into blocks at those bytes before decoding, so UTF-16 and UTF-32
    (two or four bytes to a character) are read by Python's csv module instead."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return True  # header() names the unknown encoding
    return not name.startswith(("utf-16", "utf-32"))


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
            except UnicodeError:  # no byte-order mark: nothing decodes
                return 1
    return None


def header(path: Path, encoding: str = "utf-8") -> tuple[list[str], str]:
    """The column names (stripped) and the delimiter of a CSV file, checked."""
    try:
        with path.open("r", encoding=_python_encoding(encoding), newline="") as handle:
            first = handle.readline(HEADER_SCAN_CHARS + 1)
    except UnicodeError as exc:  # UnicodeDecodeError, or UTF-16 with no byte-order mark
        raise _encoding_error(path, encoding, exc) from None
    except LookupError:
        raise InputError(
            _("unknown text encoding {encoding}").format(encoding=repr(encoding)), file=str(path)
        ) from None
    if not first.strip():
        raise InputError(
            _("the file is empty; expected a header with {columns}").format(
                columns=", ".join(COLUMNS)
            ),
            file=str(path),
        )
    if len(first) > HEADER_SCAN_CHARS:
        raise InputError(
            _("the header line is longer than {limit} characters; is this a register file?").format(
                limit=format_number(HEADER_SCAN_CHARS)
            ),
            file=str(path),
            line=1,
        )
    delimiter = delimiter_of(first)
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
                _("column {name} appears more than once in the header").format(name=repr(name)),
                file=str(path),
                line=line,
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
            _("missing column(s) {missing}; found {found}").format(
                missing=", ".join(missing), found=", ".join(names) or _("none")
            ),
            file=str(path),
        )
    clash = [c for c in ADDED if c in names]
    if clash:
        raise InputError(
            _("already has column(s) {columns}, which classification adds").format(
                columns=", ".join(clash)
            ),
            file=str(path),
        )


# --- readers: each yields (columns as a dict of arrays, fraction done) ------------------------


def csv_python(
    path: Path, chunk_rows: int, encoding: str = "utf-8"
) -> Iterator[tuple[dict[str, npt.NDArray[Any]], float | None]]:
    names, delimiter = header(path, encoding)
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
                for _row_number, row in zip(range(chunk_rows), reader, strict=False):
                    block.append(row)
                    lines.append(reader.line_num)
            except UnicodeError as exc:
                raise _encoding_error(path, encoding, exc) from None
            except csv.Error as exc:
                raise InputError(str(exc), file=str(path), line=reader.line_num) from None
            if not block:
                return
            for line, row in zip(lines, block, strict=True):
                if len(row) != len(names):
                    raise InputError(
                        _("expected {expected} fields, found {found}").format(
                            expected=len(names), found=len(row)
                        ),
                        file=str(path),
                        line=line,
                    )
            table = np.array(block, dtype=object).reshape(len(block), len(names))
            done += len(block)
            yield (
                {name: table[:, j].astype(str) for j, name in enumerate(names)},
                min(done / estimate, 0.99),
            )


def csv_arrow(
    path: Path, chunk_rows: int, encoding: str = "utf-8"
) -> Iterator[tuple[Any, float | None]]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names, delimiter = header(path, encoding)
    _check_columns(names, path)
    estimate = _estimated_rows(path)
    done = 0
    handle: Any = path.open("rb")
    start = handle.read(1 << 16)
    handle.seek(0)
    if len(start) < 1 << 16 and b"\n" not in start and b"\r" not in start:
        # The header alone, with no line end: pyarrow cannot skip it; read it with one.
        handle.close()
        handle = io.BytesIO(start + b"\n")
    try:
        reader = pacsv.open_csv(
            handle,
            read_options=pacsv.ReadOptions(
                block_size=max(1 << 20, chunk_rows * 32),
                use_threads=True,
                # The header's names as header read them (stripped of spaces), not pyarrow's.
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
    import re

    counts = re.search(r"Expected (\d+) columns, got (\d+)", text)
    if counts:
        # "CSV parse error: Expected 7 columns, got 6: <row>": the row is in the next batch.
        return InputError(
            _("a row has {got} columns, not {expected} (a row after line {line})").format(
                got=counts.group(2),
                expected=counts.group(1),
                line=format_number(rows_read + 1),
            ),
            file=str(path),
        )
    return InputError(_("cannot read as CSV: {error}").format(error=text), file=str(path))


def parquet(
    path: Path, chunk_rows: int, *, to_csv: bool = False
) -> Iterator[tuple[Any, float | None]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            _("not a valid Parquet file ({error})").format(error=exc), file=str(path)
        ) from None
    _check_unique(source.schema_arrow.names, path, None)
    _check_columns(source.schema_arrow.names, path)
    nested = [f for f in source.schema_arrow if pa.types.is_nested(f.type)]
    if to_csv and nested:
        raise InputError(
            _(
                "column {name} holds {type}, which a CSV file cannot: "
                "write the output as Parquet (--out FILE.parquet)"
            ).format(name=repr(nested[0].name), type=nested[0].type),
            file=str(path),
        )
    for name in COLUMNS:
        kind = source.schema_arrow.field(name).type
        try:  # the cast classification makes of a column that is neither text nor numbers
            pa.nulls(0, type=kind).cast(pa.string())  # pa.array() would import pandas
        except (pa.ArrowException, TypeError):
            raise InputError(
                _(
                    "column {name} holds {type}, not country codes: expected text "
                    "(ISO 3166-1 codes such as DK) or numbers (208 for Denmark)"
                ).format(name=repr(name), type=kind),
                file=str(path),
            ) from None
    total = max(source.metadata.num_rows, 1)
    done = 0
    for batch in source.iter_batches(batch_size=chunk_rows):
        done += batch.num_rows
        yield batch, done / total


def prefetched(chunks: Iterator[T], depth: int = 1) -> Iterator[T]:
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

    # Run in a copy of this context: the output language (a context variable) holds in
    # the reader thread too, so its refusals are worded as the caller asked.
    context = contextvars.copy_context()
    reader = threading.Thread(
        target=context.run, args=(read,), name="kommuneintegration-reader", daemon=True
    )
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


def origin_inputs(batch: Any, *, encode_output: bool = True) -> tuple[Any, list[Any]]:
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
            try:
                column = column.cast("string")
            except (pa.ArrowException, TypeError):  # binary that is not UTF-8 text
                raise InputError(
                    _(
                        "column {name} holds {type} values that are not UTF-8 text; expected "
                        "ISO 3166-1 codes such as DK, or numbers"
                    ).format(name=repr(name), type=column.type),
                    column=name,
                ) from None
        inputs.append(column)
    return batch, inputs
