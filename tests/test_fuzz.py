"""Fuzzing as a habit: any input to a reader gives a result or the project's own located error.

Every reader of outside input (strategy TOML, observation CSV, register files,
the command line) is fed generated input. The property: it returns, or raises
:class:`InputError` (or a subclass) naming where; never another exception.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

import pytest
import tomli_w
from helpers import make_strategy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommuneintegration.cli import main
from kommuneintegration.datafile import load_strategy
from kommuneintegration.errors import InputError
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.models import Municipality
from kommuneintegration.observations_csv import COLUMNS as OBS_COLUMNS
from kommuneintegration.observations_csv import read_observations
from kommuneintegration.plugins import PluginHost
from kommuneintegration.population.classification import COLUMNS
from kommuneintegration.population.register import classify_file
from kommuneintegration.schema import DataFileError

#: Examples per reader; KOMMUNEINTEGRATION_FUZZ_EXAMPLES=2000 fuzzes longer by hand.
EXAMPLES = int(os.environ.get("KOMMUNEINTEGRATION_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])

toml_scalars = st.one_of(
    st.text(max_size=12),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
strategy_keys = st.sampled_from(
    [
        "id",
        "title",
        "kind",
        "author",
        "source",
        "period",
        "themes",
        "goals",
        "targets",
        "indicators",
        "observations",
        "example",
        "adopted",
        "target_group",
        "x",
    ]
)


def _load_or_located_error(path: Path) -> None:
    try:
        load_strategy(path, target_groups={"non-western"}, catalogue={"employment-rate"})
    except DataFileError as exc:
        assert exc.problems
        assert all(p.file for p in exc.problems), exc


@FUZZ
@given(st.text(max_size=300))
def test_toml_loader_on_any_text(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_text(
            text, encoding="utf-8", errors="surrogatepass"
        ) if "\ud800" not in text else None
        if path.exists():
            _load_or_located_error(path)


@FUZZ
@given(st.binary(max_size=200))
def test_toml_loader_on_any_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_bytes(data)
        _load_or_located_error(path)


@FUZZ
@given(st.dictionaries(strategy_keys, toml_values, max_size=8))
def test_toml_loader_on_any_toml_document(document):
    base = {
        "id": "s",
        "title": "T",
        "kind": "draft",
        "author": "A",
        "source": {"document": "d", "section": "s"},
    }
    try:
        text = tomli_w.dumps({**base, **document})
    except (TypeError, ValueError):  # not expressible as TOML (e.g. NaN keys): nothing to read
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_text(text, encoding="utf-8")
        _load_or_located_error(path)


class _City:
    @hookimpl
    def municipality(self):
        return Municipality("461", "Odense")

    @hookimpl
    def strategies(self, municipality):
        return [make_strategy()]


@pytest.fixture(scope="module")
def registry():
    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(_City(), name="odense")
    return host.registry()


cells = st.one_of(
    st.sampled_from(
        [
            "461",
            "Odense",
            "rate",
            "non-western",
            "indvandrere",
            "18-29",
            "2020",
            "5,4",
            "5.4",
            "%",
            "procentpoint",
            "kilde",
            "",
            "nan",
            "1e3",
            "7_0",
            "-1",
        ]
    ),
    st.text(max_size=8),
)


@FUZZ
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=10), max_size=6),
    delimiter=st.sampled_from([";", ",", "\t"]),
    with_header=st.booleans(),
)
def test_observation_reader_on_any_table(rows, delimiter, with_header, registry):
    header = [delimiter.join(OBS_COLUMNS)] if with_header else []
    text = "\n".join(header + [delimiter.join(r) for r in rows]) + "\n"
    try:
        loaded = read_observations(io.StringIO(text), registry, name="fuzz.csv")
    except InputError as exc:
        assert exc.file == "fuzz.csv"
        return
    assert loaded.accepted + len(loaded.errors) == loaded.rows  # no row is lost
    for error in loaded.errors:
        assert error.line >= 2
        assert error.reason


register_cells = st.one_of(
    st.sampled_from(["DK", "TR", "SE", "", "dk", "XQ", "NA", "ø", '"', "nan"]),
    st.text(max_size=4),
)


@FUZZ
@given(
    st.lists(st.lists(register_cells, min_size=6, max_size=7), max_size=8),
    st.sampled_from(["python", "pyarrow"]),
    st.sampled_from(["raise", "coerce"]),
)
def test_register_reader_on_any_table(rows, engine, errors):
    text = ",".join(COLUMNS) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        src.write_text(text, encoding="utf-8")
        try:
            summary = classify_file(src, out, engine=engine, errors=errors)
        except InputError as exc:
            assert exc.file == str(src)
            assert not out.exists()  # nothing half-written
            return
        assert summary.rows == sum(summary.counts.values())


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["python", "pyarrow"]))
def test_register_reader_on_any_bytes(data, engine):
    header = (",".join(COLUMNS) + "\n").encode()
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        src.write_bytes(header + data)
        try:
            classify_file(src, out, engine=engine, errors="coerce")
        except InputError as exc:
            assert exc.file == str(src)
            assert not out.exists()


parquet_columns = st.sampled_from(["string", "int16", "int64", "float64", "bool", "dictionary"])
parquet_cells = st.one_of(
    st.none(),
    st.sampled_from(["DK", "TR", "", "XQ", "208", "792"]),
    st.integers(-(2**15), 2**15 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
)


@FUZZ
@given(
    st.lists(parquet_columns, min_size=6, max_size=6),
    st.lists(st.lists(parquet_cells, min_size=6, max_size=6), max_size=6),
    st.sampled_from(["out.csv", "out.parquet"]),
    st.sampled_from(["raise", "coerce"]),
)
def test_register_reader_on_any_parquet_columns(kinds, rows, output, errors):
    """Origin columns of any type and content in a Parquet file: every row classified and
    counted, or an InputError naming the file and no output."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")

    def column(kind, values):
        if kind in ("string", "dictionary"):
            text = pa.array([None if v is None else str(v) for v in values], pa.string())
            return text.dictionary_encode() if kind == "dictionary" else text
        if kind == "bool":
            return pa.array([None if v is None else bool(v) for v in values], pa.bool_())
        numbers = [
            v if isinstance(v, int | float) and not isinstance(v, bool) else None for v in values
        ]
        if kind == "float64":
            return pa.array(numbers, pa.float64())
        whole = [None if v is None or v != v or abs(v) == float("inf") else int(v) for v in numbers]
        limit = 2**15 - 1 if kind == "int16" else 2**62
        return pa.array([None if w is None else max(-limit, min(limit, w)) for w in whole], kind)

    cells = list(zip(*rows, strict=True)) if rows else [()] * 6
    table = pa.table({c: column(k, list(v)) for c, k, v in zip(COLUMNS, kinds, cells, strict=True)})
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.parquet", Path(tmp) / output
        pq.write_table(table, src)
        try:
            summary = classify_file(src, out, errors=errors)
        except InputError as exc:
            assert exc.file == str(src)
            assert not out.exists()
            return
        assert summary.rows == len(rows) == sum(summary.counts.values())
        assert out.exists()


words = st.sampled_from(
    [
        "compare",
        "evaluate",
        "show",
        "report",
        "classify",
        "synthesize",
        "plugins",
        "new-plugin",
        "-m",
        "--municipality",
        "-t",
        "--theme",
        "-f",
        "--format",
        "json",
        "csv",
        "markdown",
        "--out",
        "-o",
        "out.csv",
        "in.csv",
        "x.parquet",
        "--summary",
        "--chunk-rows",
        "0",
        "-1",
        "1000000000000",
        "--rows",
        "--as-of",
        "2019",
        "--observations",
        "--code",
        "461",
        "999",
        "851",
        "Aalborg",
        "--encoding",
        "latin-9",
        "--strict",
        "--all",
        "--errors",
        "coerce",
        "./",
    ]
)


@FUZZ
@given(st.lists(st.one_of(words, st.text(max_size=6)), max_size=6))
def test_the_command_line_on_any_arguments(argv):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in.csv").write_text(",".join(COLUMNS) + "\nDK,DK,DK,DK,DK,DK\n")
        cwd = os.getcwd()
        os.chdir(tmp)
        err = io.StringIO()
        old = sys.stderr
        sys.stderr = err
        try:
            with contextlib.suppress(SystemExit):  # argparse's usage errors exit 2, by design
                code = main(argv, out=io.StringIO())
                assert code in (0, 1), code
        finally:
            sys.stderr = old
            os.chdir(cwd)
        # An error is one line (plus any detail lines), never a traceback.
        assert "Traceback" not in err.getvalue()
