"""Population scale: blocks, synthetic data, aggregation against the per-row reference, files."""

import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import aggregate_reference
from strategies import columns, incomplete_persons

from kommuneintegration.catalogue import builtin_target_groups
from kommuneintegration.cli import main
from kommuneintegration.errors import InputError
from kommuneintegration.population import classification as origin_module
from kommuneintegration.population.aggregate import DEFAULT_AGE_BANDS, UNKNOWN, aggregate
from kommuneintegration.population.classification import (
    COLUMNS,
    InvalidCodesError,
    Origin,
    classify,
    classify_many,
)
from kommuneintegration.population.register import classify_file
from kommuneintegration.population.synthetic import synthesize

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from baselines import numpy_masks, python_loop, row_loop

GROUPS = builtin_target_groups()


# --- classify_many in blocks, and the benchmark's baselines -------------------------------


@settings(max_examples=60)
@given(st.lists(incomplete_persons, max_size=40), st.integers(1, 7))
def test_blocks_and_threads_agree_with_the_reference(people, block):
    cols = {k: np.array(v, dtype="<U2") for k, v in columns(people).items()}
    saved = origin_module.BLOCK_ROWS
    origin_module.BLOCK_ROWS = block  # many blocks on the thread pool
    try:
        result = classify_many(**cols)
    finally:
        origin_module.BLOCK_ROWS = saved
    expected = [classify(p) for p in people]
    assert result.origin.tolist() == [int(c.origin) for c in expected]
    assert result.country_of_origin.tolist() == [c.country_of_origin or "" for c in expected]


@settings(max_examples=60)
@given(st.lists(incomplete_persons, min_size=1, max_size=40))
def test_three_implementations_agree(people):
    """The vectorised path, the scalar reference and the benchmark's independent numpy version."""
    cols = {k: np.array(v, dtype="<U2") for k, v in columns(people).items()}
    result = classify_many(**cols)
    masks_origin, masks_country = numpy_masks(*cols.values())
    loop_origin, loop_country = row_loop(*cols.values())
    list_origin, list_country = python_loop(*(c.tolist() for c in cols.values()))
    assert result.origin.tolist() == masks_origin.tolist() == loop_origin.tolist() == list_origin
    assert (
        result.country_of_origin.tolist()
        == masks_country.tolist()
        == loop_country.tolist()
        == list_country
    )


@settings(max_examples=60)
@given(st.lists(incomplete_persons, min_size=1, max_size=40))
def test_the_integer_coded_baseline_agrees_too(people):
    """The benchmark's numpy baseline over ISO numeric codes (208 Denmark, -1 not recorded)."""
    import pycountry

    numeric = {c.alpha_2: int(c.numeric) for c in pycountry.countries}
    back = {v: k for k, v in numeric.items()}
    cols = {
        k: np.array([numeric.get(x, -1) for x in v], dtype=np.int16)
        for k, v in columns(people).items()
    }
    result = classify_many(**cols)
    masks_origin, masks_country = numpy_masks(*cols.values(), dk=208, missing=-1)
    assert result.origin.tolist() == masks_origin.tolist()
    assert result.country_of_origin.tolist() == [back.get(int(c), "") for c in masks_country]


def test_invalid_code_rows_are_global_across_blocks(monkeypatch):
    monkeypatch.setattr(origin_module, "BLOCK_ROWS", 3)
    cols = {name: np.array(["DK"] * 10) for name in COLUMNS}
    cols["father_citizenship"] = np.array(["DK"] * 7 + ["Q1", "DK", "dnk"], dtype="<U3")
    with pytest.raises(InvalidCodesError) as info:
        classify_many(**cols)
    assert info.value.examples == [(7, "Q1"), (9, "dnk")]
    assert info.value.count == 2


# --- the synthetic population ---------------------------------------------------------------


def test_synthetic_population_is_seeded_and_covers_every_case():
    a, b, c = synthesize(20_000, seed=7), synthesize(20_000, seed=7), synthesize(20_000, seed=8)
    assert all(np.array_equal(a.columns[k], b.columns[k]) for k in a.columns)
    assert not np.array_equal(a.columns["birth_country"], c.columns["birth_country"])
    result = classify_many(*a.origin_inputs())
    counts = result.counts()
    assert all(counts[o] > 0 for o in Origin)
    assert (
        counts[Origin.DANISH]
        > counts[Origin.IMMIGRANT]
        > counts[Origin.DESCENDANT]
        > counts[Origin.UNDETERMINED]
    )
    assert set(a.columns) == {"municipality", "age", "employed", *COLUMNS}
    born_dk_foreign_parents = (
        (a.columns["birth_country"] == "DK")
        & (a.columns["mother_birth_country"] == "DK")
        & (a.columns["mother_citizenship"] != "DK")
        & (a.columns["mother_citizenship"] != "")
    )
    assert born_dk_foreign_parents.any()  # the third generation is there
    assert (a.columns["mother_birth_country"] == "").any()  # and unknown parents


# --- aggregation against the single-row reference ---------------------------------------------

ages = st.one_of(
    st.integers(0, 104),
    st.just(-1),
    st.just(float("nan")),
    st.just(17.5),
    st.integers(-(10**6), 10**6),
)
statuses = st.sampled_from([True, False, None])
municipalities = st.sampled_from(["101", "751", "851", ""])


@settings(max_examples=80)
@given(st.lists(st.tuples(incomplete_persons, municipalities, ages, statuses), max_size=50))
def test_aggregation_equals_the_per_row_reference(rows):
    people = [r[0] for r in rows]
    muni = [r[1] for r in rows]
    age = [r[2] for r in rows]
    status = [r[3] for r in rows]
    population = classify_many(**columns(people))
    status_array = np.array([2 if s is None else int(s) for s in status])
    fast = aggregate(
        population,
        municipality=np.array(muni, dtype="<U3"),
        age=np.array(age, dtype=float),
        status=np.where(status_array == 2, -1, status_array),
        target_groups=GROUPS,
    )
    slow = aggregate_reference(people, muni, age, status, target_groups=GROUPS)
    assert fast.counts == slow.counts
    assert fast.group_counts == slow.group_counts
    assert fast.total() == len(rows)
    whole = [a for a in age if a == a and a == int(a)]
    if len(whole) == len(age):  # whole years: the integer path (one table) counts the same
        by_int = aggregate(
            population,
            municipality=np.array(muni, dtype="<U3"),
            age=np.array(age, dtype=np.int64),
            status=np.where(status_array == 2, -1, status_array),
            target_groups=GROUPS,
        )
        assert by_int.counts == slow.counts
        assert by_int.group_counts == slow.group_counts


def test_unknowns_are_counted_not_dropped():
    population = classify_many(
        ["DK", "", "TR"], ["DK", "DK", "TR"], ["", "", ""], ["", "", ""], ["", "", ""], ["", "", ""]
    )
    result = aggregate(
        population,
        municipality=np.array(["101", "", "101"]),
        age=np.array([30, np.nan, -3]),
        status=np.array(["employed", "?", "ledig"]),
    )
    assert result.total() == 3
    assert result.by("municipality") == {("101",): 2, (UNKNOWN,): 1}
    assert result.by("age_band") == {("30-39",): 1, (UNKNOWN,): 2}
    assert result.by("status") == {("employed",): 1, (UNKNOWN,): 1, ("not-employed",): 1}
    assert result.by("origin") == {("danish",): 1, ("undetermined",): 1, ("immigrant",): 1}


def test_aggregations_add_up_and_give_observations():
    pop = synthesize(30_000, seed=3)
    classified = classify_many(*pop.origin_inputs())
    whole = aggregate(
        classified,
        municipality=pop.columns["municipality"],
        age=pop.columns["age"],
        status=pop.columns["employed"],
        target_groups=GROUPS,
    )
    half = 15_000
    parts = [
        aggregate(
            classify_many(*(c[sl] for c in pop.origin_inputs())),
            municipality=pop.columns["municipality"][sl],
            age=pop.columns["age"][sl],
            status=pop.columns["employed"][sl],
            target_groups=GROUPS,
        )
        for sl in (slice(0, half), slice(half, None))
    ]
    summed = parts[0] + parts[1]
    assert summed.counts == whole.counts
    assert summed.group_counts == whole.group_counts
    observations = whole.observations(
        year=2026,
        source="synthetic",
        rate_indicator="employment-frequency",
        count_indicator="residents",
        groups=["immigrants"],
        age_bands=["20-24"],
    )
    (rate, count) = observations["851"]
    assert rate.unit == "percent"
    assert count.unit == "person"
    expected, employed, known = whole.rate("immigrants", "851", "20-24")
    assert rate.value == pytest.approx(expected)
    assert rate.note == f"{employed} employed of {known} with known status"
    assert count.quantity.magnitude == sum(
        n
        for (m, b, _), n in whole.group_counts["immigrants"].items()
        if m == "851" and b == "20-24"
    )
    assert rate.provenance.section.startswith("aggregated from 30000 rows")
    assert [str(b) for b in DEFAULT_AGE_BANDS][-1] == "65+"


# --- files and the commands ---------------------------------------------------------------


@pytest.fixture
def register_csv(tmp_path):
    path = tmp_path / "register.csv"
    synthesize(2_500, seed=11).write(path)
    return path


@pytest.mark.parametrize("engine", ["pyarrow", "python"])
def test_classify_file_in_chunks_matches_classify_many(tmp_path, register_csv, engine):
    pytest.importorskip("pyarrow")
    out = tmp_path / f"out-{engine}.csv"
    summary = classify_file(register_csv, out, chunk_rows=700, engine=engine)
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == summary.rows == 2_500
    given = list(csv.DictReader(register_csv.open(encoding="utf-8")))
    assert [{k: r[k] for k in given[0]} for r in rows] == given  # every row, in its order
    expected = classify_many(*(np.array([r[c] for r in rows], dtype="<U2") for c in COLUMNS))
    assert [int(r["origin"]) for r in rows] == expected.origin.tolist()
    assert [r["country_of_origin"] for r in rows] == expected.country_of_origin.tolist()
    assert {r["origin_label"] for r in rows} <= {o.label for o in Origin}
    assert sum(summary.counts.values()) == summary.rows
    assert list(rows[0])[:3] == ["municipality", "age", "employed"]


def test_csv_output_quotes_only_the_chunks_that_need_it_and_keeps_the_order(tmp_path):
    """Chunks are formatted two at a time on threads: each is quoted on its own, and they
    are written in the order read (Parquet input: chunks of exactly ``chunk_rows``)."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import csv

    notes = [f"row {i}" + (', with "a comma"' if i % 7 == 3 else "") for i in range(40)]
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"note": notes, **{c: ["DK"] * 40 for c in COLUMNS}}), source)
    out = tmp_path / "out.csv"
    classify_file(source, out, chunk_rows=3)
    back = list(csv.reader(out.open(encoding="utf-8")))
    assert back[0] == ["note", *COLUMNS, "origin", "origin_label", "country_of_origin"]
    assert [r[0] for r in back[1:]] == notes
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1] == "row 0,DK,DK,DK,DK,DK,DK,1,dansk oprindelse,DK"  # no quotes needed
    assert lines[4].startswith('"row 3, with ""a comma""","DK"')  # its chunk is quoted


def test_a_parquet_register_with_iso_numeric_codes(tmp_path):
    """Integer columns in a Parquet file are ISO 3166-1 numeric codes, as in classify_many;
    a float column's NaN and an integer column's null are not recorded."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import csv

    columns = {c: pa.array([208, 792, 368, None], pa.int16()) for c in COLUMNS}
    columns["mother_birth_country"] = pa.array([208.0, 792.0, 368.0, float("nan")])
    columns["citizenship"] = pa.array([208, 792, 368, 999], pa.int16())
    source = tmp_path / "numeric.parquet"
    pq.write_table(pa.table(columns), source)
    with pytest.raises(InvalidCodesError, match=r"citizenship: 1 invalid .* row 3 \(999\)"):
        classify_file(source, tmp_path / "out.csv")
    summary = classify_file(source, tmp_path / "out.csv", errors="coerce")
    assert summary.coerced["citizenship"] == 1
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["country_of_origin"] for r in rows] == ["DK", "TR", "IQ", ""]
    assert [r["birth_country"] for r in rows][:3] == ["208", "792", "368"]  # kept as given


def test_a_nested_parquet_column_is_refused_for_a_csv_output_by_name(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "nested.parquet"
    table = {"visits": pa.array([[1, 2], [3]]), **{c: ["DK", "TR"] for c in COLUMNS}}
    pq.write_table(pa.table(table), source)
    with pytest.raises(
        InputError, match=r"nested\.parquet.*'visits' holds list<.*--out FILE\.parquet"
    ):
        classify_file(source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    assert classify_file(source, tmp_path / "out.parquet").rows == 2  # Parquet holds it


def test_classify_parquet_round_trip(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    source = synthesize(3_000, seed=2).write(tmp_path / "in.parquet")
    summary = classify_file(source, tmp_path / "out.parquet", chunk_rows=1_000)
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == summary.rows == 3_000
    assert table.column("age").type.bit_width == 16  # other columns keep their types
    assert set(table.column("origin").to_pylist()) <= {0, 1, 2, 3}


def test_namibia_is_a_country_not_a_missing_value(tmp_path):
    path = tmp_path / "na.csv"
    path.write_text(",".join(COLUMNS) + "\nNA,NA,NA,NA,NA,NA\nDK,DK,,,,\n", encoding="utf-8")
    for engine in ("python", "pyarrow"):
        classify_file(path, tmp_path / f"o-{engine}.csv", engine=engine)
        text = (tmp_path / f"o-{engine}.csv").read_text(encoding="utf-8")
        assert "indvandrer" in text.splitlines()[1]
        assert text.splitlines()[1].rstrip().endswith(("NA", '"NA"'))


def test_invalid_codes_report_the_row_in_the_whole_file(tmp_path):
    path = tmp_path / "bad.csv"
    lines = [",".join(COLUMNS)] + ["DK,DK,DK,DK,DK,DK"] * 9 + ["DK,XQ,DK,DK,DK,DK"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        InvalidCodesError,
        # Row 9 (0-based) of the data is line 11 of the file: the header is line 1.
        match=r"bad\.csv, citizenship: 1 invalid country code, first at line 11 \('XQ'\)",
    ):
        classify_file(path, tmp_path / "out.csv", chunk_rows=4, engine="python")
    summary = classify_file(
        path, tmp_path / "out.csv", chunk_rows=4, engine="python", errors="coerce"
    )
    assert summary.coerced["citizenship"] == 1
    assert summary.rows == 10


def test_missing_columns_and_empty_files(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("birth_country,citizenship\nDK,DK\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        classify_file(path, tmp_path / "o.csv")
    empty = tmp_path / "header-only.csv"
    empty.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    assert classify_file(empty, tmp_path / "o2.csv").rows == 0
    import csv

    header = next(csv.reader((tmp_path / "o2.csv").open(encoding="utf-8")))
    assert header[0] == "birth_country"


@pytest.mark.parametrize("output", ["o.csv", "o.parquet"])
@pytest.mark.parametrize("source_kind", ["csv", "parquet"])
def test_inputs_without_rows_give_an_empty_output_of_the_right_format(
    tmp_path, output, source_kind
):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    if source_kind == "csv":
        source = tmp_path / "in.csv"
        source.write_text("municipality," + ",".join(COLUMNS) + "\n", encoding="utf-8")
    else:
        source = tmp_path / "in.parquet"
        pq.write_table(
            pa.table({c: pa.array([], pa.string()) for c in ("municipality", *COLUMNS)}), source
        )
    assert classify_file(source, tmp_path / output).rows == 0
    if output.endswith(".parquet"):
        table = pq.read_table(tmp_path / output)
        assert table.num_rows == 0
        names = table.schema.names
    else:
        names = (tmp_path / output).read_text(encoding="utf-8").strip().replace('"', "").split(",")
    assert names == ["municipality", *COLUMNS, "origin", "origin_label", "country_of_origin"]


def test_classify_and_synthesize_commands(tmp_path, capsys):
    data = tmp_path / "pop.csv"
    assert main(["synthesize", "--rows", "1500", "--seed", "4", "--out", str(data)]) == 0
    summary = tmp_path / "summary.json"
    out = io.StringIO()
    assert (
        main(
            ["classify", str(data), "--out", str(tmp_path / "c.csv"), "--summary", str(summary)],
            out=out,
        )
        == 0
    )
    counts = json.loads(summary.read_text(encoding="utf-8"))
    assert counts["rows"] == 1500
    assert sum(counts["counts"].values()) == 1500
    assert "1,500 rows classified" in out.getvalue()
    # Every origin is named in words, the undetermined too (its enum value is 0: falsy).
    for words in ("persons of undetermined origin", "persons of Danish origin", "immigrants"):
        assert words in out.getvalue()
    danish = io.StringIO()
    args = ["--lang", "da", "classify", str(data), "--out", str(tmp_path / "d.csv")]
    assert main(args, out=danish) == 0
    assert "1.500 rækker klassificeret" in danish.getvalue()
    assert "personer med uoplyst herkomst" in danish.getvalue()
    assert main(["classify", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "x.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


@pytest.mark.slow
def test_dask_gives_the_single_machine_result_on_a_local_cluster():
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    import dask.dataframe as dd
    import pandas as pd

    from kommuneintegration.population.parallel import aggregate_dask, classify_dask

    pop = synthesize(40_000, seed=9)
    frame = dd.from_pandas(pd.DataFrame(dict(pop.columns)), npartitions=5)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        counted = aggregate_dask(frame, target_groups=GROUPS)
        classified = classify_dask(frame).compute()
    population = classify_many(*pop.origin_inputs())
    local = aggregate(
        population,
        municipality=pop.columns["municipality"],
        age=pop.columns["age"],
        status=pop.columns["employed"],
        target_groups=GROUPS,
    )
    assert counted.counts == local.counts
    assert counted.group_counts == local.group_counts
    assert classified["origin"].to_numpy().tolist() == population.origin.tolist()


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("bad_row", [0, 3_000])
def test_an_undecodable_byte_is_reported_on_its_own_line(tmp_path, engine, bom, bad_row):
    """Readers decode kilobytes ahead; the message still names the line the byte is on."""
    from kommuneintegration.errors import InputError

    rows = [b"DK,DK,DK,DK,DK,DK"] * 5_000
    rows[bad_row] = b"DK,DK,\xe6,DK,DK,DK"  # cp1252's "æ" in a file read as UTF-8
    path = tmp_path / "cp1252.csv"
    path.write_bytes(bom + ",".join(COLUMNS).encode() + b"\n" + b"\n".join(rows) + b"\n")
    with pytest.raises(InputError, match="try --encoding cp1252") as caught:
        classify_file(path, tmp_path / "out.csv", engine=engine)
    assert caught.value.line == bad_row + 2  # the header is line 1
    assert caught.value.file == str(path)
    assert not (tmp_path / "out.csv").exists()
