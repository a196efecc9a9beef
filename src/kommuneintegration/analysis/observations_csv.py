"""Observations from a CSV file, so that targets can be evaluated again when new figures exist.

Columns (header required, order free; "," or ";" as separator):
``municipality, indicator, group, age_band, year, value, unit, source``.

- ``municipality``: DST code or name ("851", "Aalborg");
- ``indicator``: the id of an indicator in one of that city's strategies
  (``kommuneintegration show CODE`` lists them);
- ``group``: a target-group id or Danish label ("immigrants", "indvandrere");
- ``age_band``: "18-29", "25+" or empty; ``year``: a whole year;
- ``value``: a number, "5.4" or "5,4"; ``unit``: "%", "procentpoint", "personer";
- ``source``: where the figure comes from (becomes its provenance).

A malformed row is rejected with its line number and the reason; every other
row is kept.
"""

from __future__ import annotations

import collections
import csv
import io
from collections.abc import Mapping
from pathlib import Path

import attrs

from kommuneintegration.errors import (
    InputError,
    KommuneintegrationError,
    UnknownMunicipalityError,
    UnknownTargetGroupError,
)
from kommuneintegration.i18n import _, format_number
from kommuneintegration.plugins.registry import Registry
from kommuneintegration.strategy.models import AgeBand, Observation, Provenance
from kommuneintegration.units import UnitError, parse_figure, parse_unit
from kommuneintegration.words import delimiter_of

__all__ = ["COLUMNS", "ObservationFile", "RowError", "read_observations"]

COLUMNS = ("municipality", "indicator", "group", "age_band", "year", "value", "unit", "source")


@attrs.frozen
class RowError:
    """A rejected row: file, line number (1 is the header) and the reason."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return _("{file}, line {line}: {reason}").format(
            file=self.file, line=format_number(self.line), reason=self.reason
        )


@attrs.frozen
class ObservationFile:
    """What a CSV file gave: observations per municipality code, and the rejected rows."""

    observations: Mapping[str, tuple[Observation, ...]]
    errors: tuple[RowError, ...]
    rows: int

    @property
    def accepted(self) -> int:
        return sum(len(v) for v in self.observations.values())


class _RowError(KommuneintegrationError, ValueError):
    pass


def _group_id(text: str, registry: Registry) -> str | None:
    if not text.strip():
        return None
    try:
        return registry.target_group(text).id
    except UnknownTargetGroupError as exc:
        raise _RowError(f"group: {exc}") from None


def _number(text: str, column: str, unit: str) -> float:
    try:
        return parse_figure(text, unit)
    except ValueError as exc:
        raise _RowError(f"{column}: {exc}") from None


def _row(
    raw: Mapping[str, str], registry: Registry, file: str, line: int
) -> tuple[str, Observation]:
    try:
        municipality = registry.municipality(raw["municipality"].strip())
    except UnknownMunicipalityError as exc:
        raise _RowError(f"municipality: {exc}") from None
    indicator_id = raw["indicator"].strip()
    indicators = {
        i.id: i for s in registry.strategies.get(municipality.code, ()) for i in s.indicators
    }
    if indicator_id not in indicators:
        known = ", ".join(sorted(indicators)) or _("none")
        raise _RowError(
            _("indicator: {municipality} has no indicator {indicator}; known: {known}").format(
                municipality=municipality.name, indicator=repr(indicator_id), known=known
            )
        )
    indicator = indicators[indicator_id]
    try:
        unit = parse_unit(raw["unit"])
    except UnitError as exc:
        raise _RowError(f"unit: {exc}") from None
    if unit != indicator.unit:
        raise _RowError(
            _("unit: {unit} but indicator {indicator} is measured in {expected}").format(
                unit=unit, indicator=repr(indicator_id), expected=indicator.unit
            )
        )
    year_text = raw["year"].strip()
    if not year_text.isdigit() or len(year_text) != 4:
        raise _RowError(
            _("year: expected a year such as 2026, got {value}").format(value=repr(year_text))
        )
    band_text = raw["age_band"].strip()
    try:
        age_band = AgeBand.parse(band_text) if band_text else None
    except ValueError as exc:
        raise _RowError(f"age_band: {exc}") from None
    source = raw["source"].strip()
    if not source:
        raise _RowError(_("source: every figure needs a source"))
    value = _number(raw["value"], "value", unit)
    try:
        observation = Observation(
            indicator=indicator_id,
            value=value,
            unit=unit,
            provenance=Provenance(source, f"{file}, line {line}"),
            group=_group_id(raw["group"], registry),
            age_band=age_band,
            year=int(year_text),
        )
    except ValueError as exc:
        # Observation's validators name the field: "value: 150 is out of range ...".
        field = exc.args[1].name if len(exc.args) > 1 and hasattr(exc.args[1], "name") else "row"
        raise _RowError(f"{field}: {exc.args[0]}") from None
    return municipality.code, observation


def read_observations(
    source: str | Path | io.TextIOBase, registry: Registry, *, name: str | None = None
) -> ObservationFile:
    """Read and check a CSV file of observations against the loaded plugins."""
    if isinstance(source, str | Path):
        path = Path(source)
        file = name or path.name
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                _(
                    "the file is not valid UTF-8 text ({error}); save it as UTF-8 "
                    "(CSV UTF-8 in Excel)"
                ).format(error=exc),
                file=file,
            ) from None
        except OSError as exc:
            raise InputError(
                _("cannot read: {error}").format(error=exc.strerror or exc), file=file
            ) from None
    else:
        text = source.read()
        file = name or "<stdin>"
    dialect = _dialect(delimiter_of(text))
    # The csv module refuses a field over 128 KiB and with it the whole file; the file
    # itself is bounded (limits.MAX_OBSERVATIONS_BYTES), so a long field is only a long
    # value, judged in its row like any other.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        return _read_rows(text, dialect, file, registry)
    finally:
        csv.field_size_limit(limit)


def _dialect(delimiter: str) -> type[csv.Dialect]:
    """Excel's CSV dialect (doubled quotes, RFC 4180) with the header's own delimiter."""

    class Found(csv.excel):
        pass

    Found.delimiter = delimiter
    return Found


def _read_rows(
    text: str, dialect: type[csv.Dialect] | csv.Dialect, file: str, registry: Registry
) -> ObservationFile:
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            _("missing column(s) {missing}; the header must name {columns}").format(
                missing=", ".join(missing), columns=", ".join(COLUMNS)
            ),
            file=file,
            line=1,
        )
    counted = collections.Counter(header)  # linear: a header of 30,000 names is one pass
    repeated = sorted(h for h, n in counted.items() if n > 1)
    if repeated:
        raise InputError(
            _("column(s) {columns} appear more than once in the header").format(
                columns=", ".join(map(repr, repeated))
            ),
            file=file,
            line=1,
        )
    reader.fieldnames = header
    found: dict[str, list[Observation]] = {}
    errors: list[RowError] = []
    rows = 0
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(str(exc), file=file, line=reader.line_num) from None
        rows += 1
        line = reader.line_num
        if None in raw or any(raw.get(c) is None for c in COLUMNS):
            # DictReader puts surplus fields under None and fills missing ones with None.
            surplus = raw.pop(None, None) or []
            present = sum(1 for value in raw.values() if value is not None) + len(surplus)
            errors.append(
                RowError(
                    file,
                    line,
                    _("expected {expected} columns, found {found}").format(
                        expected=len(header), found=present
                    ),
                )
            )
            continue
        try:
            code, observation = _row(raw, registry, file, line)
        except (_RowError, ValueError) as exc:
            errors.append(RowError(file, line, str(exc)))
            continue
        found.setdefault(code, []).append(observation)
    return ObservationFile({k: tuple(v) for k, v in found.items()}, tuple(errors), rows)
