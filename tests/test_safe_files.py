"""Nothing lost: outputs written atomically, inputs never overwritten, register files read safely."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import run_cli

from kommuneintegration.cli import main
from kommuneintegration.errors import InputError
from kommuneintegration.population import classification as origin_module
from kommuneintegration.population.classification import COLUMNS, classify_many
from kommuneintegration.population.register import classify_file
from kommuneintegration.safefile import SameFileError, atomic_write, check_paths, file_format

ROW = "DK,DK,DK,DK,DK,DK"


def register(path, rows=5, extra=""):
    lines = [",".join(COLUMNS)] + [ROW] * rows
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def run(*argv):
    code, _, err = run_cli(*argv)
    return code, err


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- same file -------------------------------------------------------------------------------


def test_summary_may_not_be_the_input(tmp_path):
    src = register(tmp_path / "in.csv")
    before = src.read_bytes()
    code, err = run("classify", str(src), "--out", str(tmp_path / "out.csv"), "--summary", str(src))
    assert code == 1
    assert "--summary" in err
    assert "same file" in err
    assert src.read_bytes() == before
    assert not (tmp_path / "out.csv").exists()  # refused before anything was written


def test_summary_may_not_be_the_output(tmp_path):
    src = register(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    code, err = run("classify", str(src), "--out", str(out), "--summary", str(out))
    assert code == 1
    assert "are the same file" in err
    assert not out.exists()


@pytest.mark.parametrize("spelling", ["hardlink", "symlink", "dot"])
def test_output_that_is_the_input_under_another_name_is_refused(tmp_path, spelling, monkeypatch):
    src = register(tmp_path / "h.csv")
    before = src.read_bytes()
    if spelling == "hardlink":
        other = tmp_path / "h2.csv"
        os.link(src, other)
    elif spelling == "symlink":
        other = tmp_path / "h2.csv"
        other.symlink_to(src)
    else:
        monkeypatch.chdir(tmp_path)
        other = "./sub/../h.csv"
        (tmp_path / "sub").mkdir()
    code, err = run("classify", str(src), "--out", str(other))
    assert code == 1
    assert "same file" in err
    assert src.read_bytes() == before


def test_report_may_not_overwrite_its_observations(tmp_path):
    keep = tmp_path / "keep.csv"
    keep.write_text("municipality,indicator\n", encoding="utf-8")
    code, err = run("report", "--out", str(keep), "--observations", str(keep))
    assert code == 1
    assert "--out" in err
    assert "--observations" in err
    assert keep.read_text(encoding="utf-8") == "municipality,indicator\n"


def test_an_output_that_is_a_folder_is_refused(tmp_path):
    src = register(tmp_path / "in.csv")
    code, err = run("classify", str(src), "--out", str(tmp_path / "dir.parquet") + "/")
    assert code == 1
    assert "is a folder" in err
    (tmp_path / "d.csv").mkdir()
    code, err = run("classify", str(src), "--out", str(tmp_path / "d.csv"))
    assert code == 1
    assert "is a folder" in err


def test_check_paths_allows_distinct_files(tmp_path):
    check_paths({"in": tmp_path / "a"}, {"out": tmp_path / "b", "summary": tmp_path / "c"})
    with pytest.raises(SameFileError):
        check_paths({}, {"out": tmp_path / "b", "summary": tmp_path / "x" / ".." / "b"})


# --- atomic ------------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("old", encoding="utf-8")

    def half_written():
        with atomic_write(target) as handle:
            handle.write("new, half")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        half_written()
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []
    with atomic_write(target) as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("out_name", ["out.csv", "out.parquet"])
def test_a_bad_code_late_in_the_file_leaves_the_old_output_untouched(tmp_path, out_name):
    src = register(tmp_path / "in.csv", rows=50, extra="DK,XQ,DK,DK,DK,DK\n")
    out = tmp_path / out_name
    out.write_bytes(b"previous result")
    code, err = run("classify", str(src), "--out", str(out), "--chunk-rows", "7")
    assert code == 1
    assert "line 52" in err  # header 1, 50 good rows, the bad one
    assert out.read_bytes() == b"previous result"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_ctrl_c_in_the_middle_leaves_no_partial_output(tmp_path, monkeypatch, engine):
    # pyarrow reads blocks of at least 1 MiB: 150,000 rows make three.
    src = register(tmp_path / "in.csv", rows=150_000 if engine == "pyarrow" else 100)
    out = tmp_path / "out.csv"
    calls = []
    real = origin_module.classify_many

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr("kommuneintegration.population.register.classify_many", interrupted)
    with pytest.raises(KeyboardInterrupt):
        classify_file(src, out, chunk_rows=10, engine=engine)
    assert len(calls) == 2
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_written_files_get_ordinary_permissions(tmp_path):
    src = register(tmp_path / "in.csv")
    classify_file(src, tmp_path / "o.csv")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "o.csv").stat().st_mode & 0o777 == 0o666 & ~umask


# --- formats and encodings -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["s.pq", "S.PARQUET", "s.parquet"])
def test_synthesize_format_follows_the_extension(tmp_path, name):
    assert file_format(name) == "parquet"
    assert run("synthesize", "--rows", "20", "--out", str(tmp_path / name))[0] == 0
    assert pq.read_table(tmp_path / name).num_rows == 20


def test_chunk_rows_out_of_range_is_refused_with_the_range(tmp_path, capsys):
    src = register(tmp_path / "in.csv")
    with pytest.raises(SystemExit):
        main(
            [
                "classify",
                str(src),
                "--out",
                str(tmp_path / "o.csv"),
                "--chunk-rows",
                "1000000000000",
            ]
        )
    assert "between 1 and 50,000,000" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_cp1252_file_names_the_encoding_and_reads_with_encoding(tmp_path, engine):
    path = tmp_path / "latin.csv"
    text = ",".join(COLUMNS) + ",navn\n" + ROW + ",Søren Ærø\n"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(InputError, match=r"not valid utf-8 text.*--encoding cp1252"):
        classify_file(path, tmp_path / "o.csv", engine=engine)
    summary = classify_file(path, tmp_path / "o.csv", engine=engine, encoding="cp1252")
    assert summary.rows == 1
    assert "Søren Ærø" in (tmp_path / "o.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_header_names_with_spaces_are_read(tmp_path, engine):
    path = tmp_path / "spaced.csv"
    path.write_text(", ".join(COLUMNS) + "\n" + ROW + "\n", encoding="utf-8")
    assert classify_file(path, tmp_path / "o.csv", engine=engine).rows == 1


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_repeated_header_column_is_an_error(tmp_path, engine):
    path = tmp_path / "dup.csv"
    path.write_text(",".join([*COLUMNS, "birth_country"]) + "\n" + ROW + ",DK\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"dup\.csv, line 1: column 'birth_country' appears more"):
        classify_file(path, tmp_path / "o.csv", engine=engine)


def test_a_corrupt_parquet_file_says_so(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(InputError, match=r"broken\.parquet: not a valid Parquet file"):
        classify_file(path, tmp_path / "o.csv")


def test_nan_in_a_float_parquet_column_is_not_recorded(tmp_path):
    path = tmp_path / "nan.parquet"
    columns = {c: pa.array(["DK", "DK"]) for c in COLUMNS}
    columns["father_birth_country"] = pa.array([float("nan"), float("nan")])
    columns["father_citizenship"] = pa.array([None, None], pa.float64())
    pq.write_table(pa.table(columns), path)
    summary = classify_file(path, tmp_path / "o.csv")
    assert summary.rows == 2
    assert summary.coerced == dict.fromkeys(COLUMNS, 0)


def test_classify_many_honours_a_mask_and_refuses_2d():
    codes = np.array(["DK", "TR", "SE"])
    masked = np.ma.array(["DK", "XQ", "SE"], mask=[False, True, False])
    result = classify_many(codes, masked, codes, codes, codes, codes)
    # Row 1: citizenship masked (not recorded), so the invalid "XQ" underneath is never read.
    assert result.country_of_origin.tolist() == ["DK", "TR", "SE"]
    with pytest.raises(InputError, match=r"birth_country: expected one value per person"):
        classify_many(*[np.array([["DK", "DK"]])] * 6)


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_classified_csv_quotes_only_where_needed(tmp_path, engine):
    import csv as csv_module

    plain = tmp_path / "plain.csv"
    plain.write_text("note," + ",".join(COLUMNS) + "\nplain,DK,DK,DK,DK,DK,DK\n", encoding="utf-8")
    classify_file(plain, tmp_path / "plain-out.csv", engine=engine)
    header, row = (tmp_path / "plain-out.csv").read_text(encoding="utf-8").splitlines()
    assert header.startswith("note,birth_country,")
    assert row == "plain,DK,DK,DK,DK,DK,DK,1,dansk oprindelse,DK"  # no quotes anywhere
    # A cell with a comma is quoted (pyarrow quotes the text of its whole chunk), and read back.
    odd = tmp_path / "odd.csv"
    odd.write_text(
        "note," + ",".join(COLUMNS) + '\nplain,DK,DK,DK,DK,DK,DK\n"a, b",DK,DK,,,,\n',
        encoding="utf-8",
    )
    classify_file(odd, tmp_path / "odd-out.csv", engine=engine)
    assert '"a, b"' in (tmp_path / "odd-out.csv").read_text(encoding="utf-8")
    rows = list(csv_module.DictReader((tmp_path / "odd-out.csv").open(encoding="utf-8")))
    assert [r["note"] for r in rows] == ["plain", "a, b"]
    assert [r["origin"] for r in rows] == ["1", "1"]


# --- only regular files are written -------------------------------------------------------------


def _report(path, capsys):
    from kommuneintegration.cli import main

    code = main(["--lang", "en", "report", "--out", str(path)], out=io.StringIO())
    return code, capsys.readouterr().err


@pytest.mark.installed_plugins
def test_a_device_a_fifo_or_a_socket_is_never_replaced(tmp_path, capsys):
    import socket
    import stat as stat_

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for target, kind in (
            (Path("/dev/null"), "a device"),
            (fifo, "a FIFO"),
            (sock_path, "a socket"),
        ):
            before = os.lstat(target)
            code, err = _report(target, capsys)
            assert code == 1, target
            assert kind in err
            assert err.count("\n") == 1
            after = os.lstat(target)
            assert stat_.S_IFMT(after.st_mode) == stat_.S_IFMT(before.st_mode)
            assert after.st_ino == before.st_ino
    finally:
        server.close()
    assert not list(Path("/dev").glob(".null.*.tmp"))  # no temporary file in /dev


@pytest.mark.installed_plugins
def test_a_symlink_is_followed_and_its_file_replaced_never_the_link(tmp_path, capsys):
    real = tmp_path / "real.html"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    code, err = _report(link, capsys)
    assert code == 0, err
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    to_device = tmp_path / "null.html"
    to_device.symlink_to("/dev/null")
    code, err = _report(to_device, capsys)
    assert code == 1
    assert "a device" in err
    assert Path("/dev/null").is_char_device()
    loop = tmp_path / "loop.html"
    loop.symlink_to(tmp_path / "loop2.html")
    (tmp_path / "loop2.html").symlink_to(loop)
    code, err = _report(loop, capsys)
    assert code == 1
    assert "loop" in err or "cannot be written" in err


@pytest.mark.installed_plugins
def test_a_dash_writes_to_the_standard_output():
    from kommuneintegration.cli import main

    out = io.StringIO()
    assert main(["compare", "-f", "json", "--out", "-"], out=out) == 0
    assert out.getvalue().lstrip().startswith("{")


@pytest.mark.installed_plugins
def test_dev_stdout_and_stderr_are_streams_never_replaced(capsys):
    from kommuneintegration.cli import main

    if not os.path.islink("/dev/stdout"):
        pytest.skip("no /dev/stdout link here")
    before = os.readlink("/dev/stdout"), os.readlink("/dev/stderr")
    out = io.StringIO()  # /dev/stdout is the command's standard output: written as a stream
    assert main(["--lang", "en", "report", "--out", "/dev/stdout"], out=out) == 0
    assert out.getvalue().startswith("<!DOCTYPE html>")
    code, err = _report(Path("/dev/stderr"), capsys)  # any other descriptor: refused
    assert code == 1
    assert "stream of this process" in err
    assert (os.readlink("/dev/stdout"), os.readlink("/dev/stderr")) == before


@pytest.mark.parametrize("kind", ["fifo", "folder", "device", "loop"])
def test_an_input_that_is_not_a_file_is_one_line_naming_the_option(tmp_path, kind, capsys):
    if kind == "fifo":
        source = tmp_path / "pipe.csv"
        os.mkfifo(source)
    elif kind == "folder":
        source = tmp_path
    elif kind == "device":
        source = Path("/dev/zero")
    else:
        source = tmp_path / "loop.csv"
        source.symlink_to(tmp_path / "loop2.csv")
        (tmp_path / "loop2.csv").symlink_to(source)
    assert main(["--lang", "en", "classify", str(source), "--out", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "the input" in err
    assert main(["--lang", "en", "evaluate", "--observations", str(source)], out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert "--observations" in err
    assert err.count("\n") == 1


def test_a_negative_seed_names_the_option(tmp_path, capsys):
    assert (
        main(["synthesize", "--rows", "5", "--seed", "-5", "--out", str(tmp_path / "x.csv")]) == 1
    )
    assert "--seed" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.installed_plugins
def test_an_output_the_stream_cannot_encode_is_refused_before_a_byte(capsys):
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert main(["compare", "-f", "json"], out=ascii_out) == 1
    ascii_out.flush()
    assert ascii_out.buffer.getvalue() == b""
    assert "PYTHONIOENCODING=utf-8" in capsys.readouterr().err


def test_a_header_only_csv_without_a_line_end_is_zero_rows(tmp_path, capsys):
    source = tmp_path / "h.csv"
    source.write_text(",".join(COLUMNS), encoding="utf-8")  # no final newline
    out = tmp_path / "o.csv"
    assert main(["--lang", "en", "classify", str(source), "--out", str(out)]) == 0
    assert "0 rows classified" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith(",".join(COLUMNS))


def test_an_error_line_is_in_the_language_asked_for(tmp_path, capsys):
    assert main(["--lang", "en", "classify", str(tmp_path / "nope.csv"), "--out", "x.csv"]) == 1
    assert capsys.readouterr().err.startswith("kommuneintegration: error: ")
    assert main(["--lang", "da", "classify", str(tmp_path / "nope.csv"), "--out", "x.csv"]) == 1
    assert capsys.readouterr().err.startswith("kommuneintegration: fejl: ")


def test_refusals_of_paths_and_options_are_in_the_output_language(tmp_path, capsys):
    """Each refusal is one line in the language asked for (Danish by default)."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert main(["--lang", "da", "classify", str(fifo), "--out", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kommuneintegration: fejl: inputfilen ")
    assert "er en FIFO (navngivet rør), ikke en almindelig fil" in err
    assert err.count("\n") == 1
    source = tmp_path / "in.csv"
    source.write_text("x\n", "utf-8")
    assert main(["--lang", "da", "classify", str(source), "--out", str(tmp_path)]) == 1
    assert "er en mappe; angiv et filnavn til output" in capsys.readouterr().err
    args = ["--lang", "da", "synthesize", "--rows", "5", "--seed", "-5"]
    assert main([*args, "--out", str(tmp_path / "x.csv")]) == 1
    err = capsys.readouterr().err
    assert "--seed skal være et helt tal fra 0 til 4.294.967.295, ikke -5" in err
    assert main(["--lang", "en", *args[2:], "--out", str(tmp_path / "x.csv")]) == 1
    assert (
        "--seed must be a whole number from 0 to 4,294,967,295, not -5" in capsys.readouterr().err
    )


def test_observation_file_refusals_are_in_the_output_language(tmp_path, capsys):
    header_only = tmp_path / "h.csv"
    header_only.write_text("kommune,indikator\n", "utf-8")
    assert main(["--lang", "da", "evaluate", "--observations", str(header_only)]) == 1
    err = capsys.readouterr().err
    assert "h.csv, linje 1: mangler kolonne(r) municipality, indicator" in err
    assert main(["--lang", "en", "evaluate", "--observations", str(header_only)]) == 1
    assert "h.csv, line 1: missing column(s) municipality, indicator" in capsys.readouterr().err


def test_a_register_without_its_columns_is_refused_in_the_output_language(tmp_path, capsys):
    source = tmp_path / "x.csv"
    source.write_text("x", "utf-8")
    assert main(["--lang", "da", "classify", str(source), "--out", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert "x.csv: mangler kolonne(r) birth_country, citizenship" in err
    assert "; fandt x" in err


def test_no_output_overwrites_the_statbank_cache_it_read(tmp_path, monkeypatch):
    """The cache is every command's input too: --out on it, or on a hard link to it, is refused."""
    import os

    from helpers import run_cli

    from kommuneintegration.statbank.cache import Cache

    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "cache"))
    cache = Cache()
    cache.folder.mkdir(parents=True)
    cache.path.write_bytes(b"the cache")
    link = tmp_path / "link.json"
    os.link(cache.path, link)
    for target in (cache.path, link):
        code, _out, err = run_cli("compare", "-f", "json", "--out", str(target), "--no-statbank")
        assert code == 1
        assert "Statbank cache" in err
    assert cache.path.read_bytes() == b"the cache"
