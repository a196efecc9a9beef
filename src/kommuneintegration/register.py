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

import csv
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final, TextIO

import attrs
import numpy as np
import numpy.typing as npt

from kommuneintegration.origin import (
    COLUMNS,
    ClassifiedPopulation,
    InvalidCodesError,
    Origin,
    classify_many,
)

__all__ = ["FileSummary", "classify_file"]

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
        lines = [f"{self.rows} rows classified in {self.seconds:.1f} s"]
        lines += [f"  {label}: {n}" for label, n in self.counts.items()]
        coerced = {k: v for k, v in self.coerced.items() if v}
        if coerced:
            lines.append(
                "  invalid codes treated as unknown: "
                + ", ".join(f"{k} {v}" for k, v in coerced.items())
            )
        if (
            sum(self.counts.values()) != self.rows
        ):  # pragma: no cover - an invariant, checked in tests
            lines.append("  WARNING: counts do not add up to the rows")
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


def _format(path: Path) -> str:
    suffixes = "".join(path.suffixes).lower()
    if suffixes.endswith(".parquet") or suffixes.endswith(".pq"):
        return "parquet"
    return "csv"


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _header(path: Path) -> tuple[list[str], str]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise ValueError(f"{path}: the file is empty; expected a header with {', '.join(COLUMNS)}")
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    names = next(csv.reader([first], delimiter=delimiter))
    return [n.strip() for n in names], delimiter


def _estimated_rows(path: Path) -> int:
    """Rows in a CSV file, estimated from the length of its first lines (for the progress bar)."""
    with path.open("rb") as handle:
        sample = handle.read(1 << 16)
    lines = max(sample.count(b"\n"), 1)
    return max(int(path.stat().st_size / (len(sample) / lines)) - 1, 1)


def _check_columns(names: list[str], path: Path) -> None:
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(names) or 'none'}"
        )
    clash = [c for c in ADDED if c in names]
    if clash:
        raise ValueError(
            f"{path}: already has column(s) {', '.join(clash)}, which classification adds"
        )


# --- readers: each yields (columns as a dict of arrays, fraction done) ------------------------


def _csv_python(
    path: Path, chunk_rows: int
) -> Iterator[tuple[dict[str, npt.NDArray[Any]], float | None]]:
    names, delimiter = _header(path)
    _check_columns(names, path)
    estimate = _estimated_rows(path)
    done = 0
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader)
        while True:
            block = [row for _, row in zip(range(chunk_rows), reader, strict=False)]
            if not block:
                return
            for i, row in enumerate(block):
                if len(row) != len(names):
                    raise ValueError(
                        f"{path}: line {reader.line_num - len(block) + i + 1}: expected {len(names)} fields, found {len(row)}"
                    )
            table = np.array(block, dtype=object).reshape(len(block), len(names))
            done += len(block)
            yield (
                {name: table[:, j].astype(str) for j, name in enumerate(names)},
                min(done / estimate, 0.99),
            )


def _csv_arrow(path: Path, chunk_rows: int) -> Iterator[tuple[Any, float | None]]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names, delimiter = _header(path)
    _check_columns(names, path)
    estimate = _estimated_rows(path)
    done = 0
    handle = path.open("rb")
    try:
        reader = pacsv.open_csv(
            handle,
            read_options=pacsv.ReadOptions(
                block_size=max(1 << 20, chunk_rows * 32), use_threads=False
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for batch in reader:
            done += batch.num_rows
            yield batch, min(done / estimate, 0.99)
    finally:
        handle.close()


def _parquet(path: Path, chunk_rows: int) -> Iterator[tuple[Any, float | None]]:
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    _check_columns(source.schema_arrow.names, path)
    total = max(source.metadata.num_rows, 1)
    done = 0
    for batch in source.iter_batches(batch_size=chunk_rows):
        done += batch.num_rows
        yield batch, done / total


def _origin_inputs(batch: Any) -> list[Any]:
    if isinstance(batch, dict):
        return [batch[c] for c in COLUMNS]
    out = []
    for name in COLUMNS:
        column = batch.column(name)
        out.append(column.cast("string") if str(column.type) != "string" else column)
    return out


def classify_file(
    source: str | Path,
    destination: str | Path,
    *,
    errors: str = "raise",
    chunk_rows: int | None = None,
    progress: bool | None = None,
    engine: str | None = None,
) -> FileSummary:
    """Classify ``source`` chunk by chunk into ``destination``; returns the summary.

    ``engine`` is "pyarrow" or "python" for CSV (default: pyarrow if installed).
    ``chunk_rows`` sets memory use (default 500,000 rows with pyarrow, 100,000
    with the python engine, whose rows are Python objects).
    With ``errors="raise"`` an invalid code stops the run with the row number in
    the whole file; ``errors="coerce"`` treats it as unknown and counts it.
    """
    source, destination = Path(source), Path(destination)
    if not source.is_file():
        raise FileNotFoundError(f"no such input file: {source}")
    if source.resolve() == destination.resolve():
        raise ValueError("the output must not be the input file")
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    kind_in, kind_out = _format(source), _format(destination)
    use_arrow = engine == "pyarrow" or (engine is None and _has_pyarrow())
    if chunk_rows is None:
        chunk_rows = 500_000 if use_arrow or kind_in == "parquet" else 100_000
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, not {chunk_rows}")
    if (kind_in == "parquet" or kind_out == "parquet") and not _has_pyarrow():
        raise RuntimeError("Parquet needs pyarrow: pip install 'kommuneintegration[parquet]'")
    if kind_in == "parquet":
        chunks: Iterator[tuple[Any, float | None]] = _parquet(source, chunk_rows)
    elif use_arrow:
        chunks = _csv_arrow(source, chunk_rows)
    else:
        chunks = _csv_python(source, chunk_rows)
    meter = _Progress(None, sys.stderr.isatty() if progress is None else progress)
    summary = FileSummary()
    writer: _Writer | None = None
    start = time.perf_counter()
    try:
        for batch, fraction in chunks:
            offset = summary.rows
            try:
                result = classify_many(*_origin_inputs(batch), errors=errors)  # type: ignore[arg-type]
            except InvalidCodesError as exc:
                rows = [(offset + row, value) for row, value in exc.examples]
                raise InvalidCodesError(exc.argument, exc.count, rows) from None
            if writer is None:
                writer = _Writer(kind_out, destination, use_arrow)
            writer.write(batch, result)
            summary.add(result)
            meter.update(summary.rows, fraction)
        meter.update(summary.rows, 1.0 if summary.rows else None)
        if writer is None:  # an input with a header and no rows still gives an output with a header
            writer = _Writer(kind_out, destination, use_arrow)
            writer.write_header(source)
    finally:
        meter.close()
        if writer is not None:
            writer.close()
    summary.seconds = time.perf_counter() - start
    return summary


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
        table = table.append_column("origin", pa.array(result.origin, pa.int8()))
        table = table.append_column(
            "origin_label", pa.array(_LABELS[result.origin].tolist(), pa.string())
        )
        return table.append_column(
            "country_of_origin", pa.array(result.country_of_origin.tolist(), pa.string())
        )

    def write(self, batch: Any, result: ClassifiedPopulation) -> None:
        if self.kind == "parquet" or self.use_arrow:
            import pyarrow.csv as pacsv
            import pyarrow.parquet as pq

            table = self._table(batch, result)
            if self.arrow_writer is None:
                self.arrow_writer = (
                    pq.ParquetWriter(self.path, table.schema)
                    if self.kind == "parquet"
                    else pacsv.CSVWriter(self.path, table.schema)
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
        empty = ClassifiedPopulation(np.empty(0, dtype=np.int8), np.empty(0, dtype="<U2"))
        if _format(source) == "parquet":
            import pyarrow.parquet as pq

            self.write(pq.read_schema(source).empty_table(), empty)
        else:
            self.write({name: np.empty(0, dtype=str) for name in _header(source)[0]}, empty)

    def close(self) -> None:
        if self.arrow_writer is not None:
            self.arrow_writer.close()
        if self.handle is not None:
            self.handle.close()


def write_summary(summary: FileSummary, path: str | Path) -> None:
    Path(path).write_text(
        json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
