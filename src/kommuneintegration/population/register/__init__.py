"""Classify register files in chunks: CSV or Parquet in, the same columns plus origin out.

``kommuneintegration classify INPUT --out OUTPUT`` is the command-line face of
:func:`classify_file`. The file is read and written chunk by chunk, so memory
does not grow with its size: ``read`` reads the chunks, this module classifies
them and counts, ``write`` writes them, each on its own thread. The six origin
columns of a CSV file are read as text (so that Namibia's code "NA" stays a
country and is not taken for a missing value); in Parquet, text columns hold
alpha-2 codes and number columns ISO numeric codes. The other columns pass
through unchanged. The output adds ``origin`` (DST's
``IE_TYPE`` code: 1 Danish origin, 2 immigrant, 3 descendant, 0 undetermined),
``origin_label`` and ``country_of_origin``.

With pyarrow installed (the ``parquet`` extra) CSV is read and written by
pyarrow; without it, by Python's csv module (slower, same result). Parquet
needs pyarrow.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import attrs

from kommuneintegration.errors import InputError
from kommuneintegration.i18n import _, format_number, pick
from kommuneintegration.limits import DEFAULT_CHUNK_ROWS, MAX_CHUNK_ROWS
from kommuneintegration.population.classification import (
    COLUMNS,
    ClassifiedPopulation,
    InvalidCodesError,
    Origin,
    classify_many,
)
from kommuneintegration.population.register.read import (
    ADDED,
    ascii_compatible,
    csv_arrow,
    csv_python,
    origin_inputs,
    parquet,
    prefetched,
)
from kommuneintegration.population.register.write import Background, Writer
from kommuneintegration.safefile import atomic_path, check_paths, file_format, write_text

__all__ = ["ADDED", "FileSummary", "classify_file", "write_summary"]


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


def _chunks(
    source: Path,
    kinds: tuple[str, str],
    chunk_rows: int | None,
    use_arrow: bool,
    encoding: str,
) -> Iterator[tuple[Any, float | None]]:
    """The reader of ``source`` for the formats in and out (``kinds``), its chunk size checked."""
    kind_in, kind_out = kinds
    if chunk_rows is None:
        chunk_rows = DEFAULT_CHUNK_ROWS
    if not 1 <= chunk_rows <= MAX_CHUNK_ROWS:
        raise ValueError(f"chunk_rows must be between 1 and {MAX_CHUNK_ROWS:,}, not {chunk_rows:,}")
    if (kind_in == "parquet" or kind_out == "parquet") and not _has_pyarrow():
        raise RuntimeError("Parquet needs pyarrow: pip install 'kommuneintegration[parquet]'")
    if kind_in == "parquet":
        return parquet(source, chunk_rows, to_csv=kind_out == "csv")
    if use_arrow and ascii_compatible(encoding):
        return csv_arrow(source, chunk_rows, encoding)
    return csv_python(source, chunk_rows, encoding)


def _classify_chunk(
    batch: Any, offset: int, source: Path, kinds: tuple[str, str], errors: str
) -> tuple[Any, ClassifiedPopulation]:
    """One chunk read and classified; an error names the file and the row in the whole file.

    ``offset`` is the rows of the chunks before this one.
    """
    kind_in, kind_out = kinds
    try:
        batch, inputs = origin_inputs(batch, encode_output=kind_out == "parquet")
    except InputError as exc:  # a column that cannot be read as codes: its file
        raise InputError(exc.reason, file=str(source)) from None
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
    return batch, result


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
    check_paths({_("the input"): source}, {_("the output"): destination})
    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    kinds = (file_format(source), file_format(destination))
    use_arrow = engine == "pyarrow" or (engine is None and _has_pyarrow())
    chunks = _chunks(source, kinds, chunk_rows, use_arrow, encoding)
    meter = _Progress(None, sys.stderr.isatty() if progress is None else progress)
    summary = FileSummary()
    start = time.perf_counter()
    # Written to a temporary file beside the destination and renamed into place when
    # complete: an error or Ctrl-C leaves whatever was at the destination untouched.
    with atomic_path(destination) as tmp:
        writer = Writer(kinds[1], tmp, use_arrow)
        background = Background(writer)
        try:
            for batch, fraction in prefetched(chunks):
                batch, result = _classify_chunk(batch, summary.rows, source, kinds, errors)
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


def write_summary(summary: FileSummary, path: str | Path) -> None:
    """The summary as JSON, written atomically."""
    write_text(
        path, json.dumps(summary.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    )
