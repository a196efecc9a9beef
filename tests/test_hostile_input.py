"""Regression tests for the hostile inputs of issue 9: nothing lost, nothing silently wrong."""

from __future__ import annotations

import io
import json

import attrs
import pytest
from helpers import run_cli as run

from kommuneintegration.comparison import compare
from kommuneintegration.datafile import load_strategy
from kommuneintegration.errors import InputError
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.models import Concept, Municipality, Observation, Provenance
from kommuneintegration.observations_csv import read_observations
from kommuneintegration.plugins import PluginHost
from kommuneintegration.render import comparison_to_csv, comparison_to_markdown, comparison_to_text
from kommuneintegration.schema import DataFileError

HEADER = "municipality;indicator;group;age_band;year;value;unit;source\n"
PROV = Provenance("test", "Tabel 1")


# --- figures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (150.0, "percent", "150 is out of range for percent: a figure is from 0 to 100"),
        (-20.0, "percent", "-20 is out of range for percent"),
        (101.0, "percentage_point", "out of range for percentage_point"),
        (-3.0, "person", "-3 is out of range for person: a figure is 0 or more"),
        (2.5, "person", "2.5 is not a whole number"),
        (float("nan"), "percent", "expected a finite number"),
        (float("-inf"), "percent", "expected a finite number"),
        (True, "percent", "expected a number, got bool"),
    ],
)
def test_the_python_api_refuses_impossible_figures(value, unit, message):
    with pytest.raises(ValueError, match=message):
        Observation("rate", value, unit, PROV, year=2020)


@pytest.mark.parametrize("year", [0, 1899, 9999])
def test_the_python_api_refuses_impossible_years(year):
    with pytest.raises(ValueError, match="from 1900 to this year"):
        Observation("rate", 5.0, "percent", PROV, year=year)


@pytest.fixture(scope="module")
def registry():
    return PluginHost(strict=True).registry()


@pytest.mark.installed_plugins
@pytest.mark.parametrize(
    ("value", "year", "reason"),
    [
        ("150", "2021", "value: 150 is out of range for percent"),
        ("-20", "2021", "value: -20 is out of range for percent"),
        ("7_0", "2021", "value: expected a number such as 5.4 or 5,4"),
        ("1e3", "2021", "value: expected a number such as 5.4 or 5,4"),
        ("nan", "2021", "value: expected a number such as 5.4 or 5,4"),
        ("-inf", "2021", "value: expected a number such as 5.4 or 5,4"),
        ("5.4", "0000", "year: an observation's year is from 1900 to this year"),
        ("5.4", "9999", "year: an observation's year is from 1900 to this year"),
    ],
)
def test_csv_figures_that_cannot_be_are_rejected_with_their_line(registry, value, year, reason):
    text = HEADER + f"851;workforce-non-western;non-western;;{year};{value};%;x\n"
    loaded = read_observations(io.StringIO(text), registry, name="bad.csv")
    assert loaded.accepted == 0
    (error,) = loaded.errors
    assert str(error).startswith(f"bad.csv, line 2: {reason}")


@pytest.mark.installed_plugins
def test_both_decimal_separators_are_read(registry):
    text = HEADER + "851;workforce-non-western;non-western;;2020;5,4;%;x\n"
    text += "851;workforce-non-western;non-western;;2019;4.5;%;x\n"
    loaded = read_observations(io.StringIO(text), registry)
    assert sorted(o.value for o in loaded.observations["851"]) == [4.5, 5.4]


@pytest.mark.installed_plugins
def test_a_repeated_csv_header_column_is_an_error(registry):
    text = "municipality;indicator;group;age_band;year;value;value;unit;source\n"
    with pytest.raises(InputError, match=r"dup\.csv, line 1: column\(s\) 'value' appear more"):
        read_observations(io.StringIO(text), registry, name="dup.csv")


@pytest.mark.installed_plugins
def test_a_disagreeing_csv_figure_does_not_flip_a_target(registry):
    # Aalborg's table 3 has 5.4 % for 2021; a CSV row says 6.4 %.
    text = HEADER + "851;workforce-non-western;non-western;;2021;6,4;%;Statistikbanken\n"
    loaded = read_observations(io.StringIO(text), registry, name="conflict.csv")
    result = compare(registry, municipalities=["851"], extra_observations=loaded.observations)
    (row,) = [r for r in result.evaluations if r.target.id == "workforce-target-2021"]
    assert row.evaluation.status.value == "missed"  # as it is on the document's 5.4 % alone
    assert "used 5.4 %" in row.evaluation.reason
    assert "not used 6.4 % (Statistikbanken, conflict.csv, line 2)" in row.evaluation.reason
    (flag,) = result.disagreements
    assert flag.used.value == 5.4
    assert [o.value for o in flag.others] == [6.4]
    assert "Figures that disagree" in comparison_to_text(result)


@pytest.mark.installed_plugins
def test_compare_json_is_strict_json(tmp_path):
    code, out, _ = run("compare", "-f", "json")
    assert code == 0
    json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))


# --- data files --------------------------------------------------------------------------------


def test_a_toml_file_nested_5000_deep_is_a_data_file_error(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"deep\.toml: (nested too deeply|not valid TOML)"):
        load_strategy(path)


def test_an_invalid_utf8_toml_file_is_a_data_file_error(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes('title = "Århus"\n'.encode("latin-1"))
    with pytest.raises(DataFileError, match=r"latin\.toml: not valid UTF-8 text"):
        load_strategy(path)


# --- text that attacks the reader -----------------------------------------------------------------


class Hostile:
    """A plugin whose strings try to act on the reader's terminal, Markdown and spreadsheet."""

    @hookimpl
    def municipality(self):
        # A municipality's name must be its official one (another is refused at the door,
        # tests/test_plugins.py): the terminal attack rides on the document's author.
        return Municipality("461", "Odense")

    @hookimpl
    def concepts(self):
        return [Concept("hostile:x", '=HYPERLINK("http://x")', '=HYPERLINK("http://x")')]

    @hookimpl
    def strategies(self, municipality):
        from helpers import make_strategy, obs

        strategy = make_strategy(
            sid="hostile-s",
            observations=[
                obs("rate", 50, group="non-western", year=2020),
                obs("rate", 40, group="danish-origin", year=2020),
            ],
            indicators=[
                {
                    "id": "rate",
                    "label": "=HYPERLINK(1)",
                    "measure": "rate",
                    "unit": "percent",
                    "concept": "hostile:x",
                    "catalogue": "employment-rate",
                }
            ],
        )
        return [
            attrs.evolve(
                strategy, title="<script>alert(1)</script> | x\r\x1b[2J\x07", author="Odense"
            )
        ]


@pytest.fixture
def hostile():
    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(Hostile(), name="hostile")
    return compare(host.registry())


def test_text_output_shows_control_characters_escaped(hostile):
    text = comparison_to_text(hostile)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\r" not in text
    assert "\\x1b[2J\\x07" in text


def test_markdown_escapes_html_and_pipes(hostile):
    md = comparison_to_markdown(hostile)
    assert "<script>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| x\\\\x0d" in md  # its backslash doubled
    assert "\x1b" not in md


def test_csv_neutralises_formulas_but_keeps_numbers(hostile):
    import csv

    rows = list(csv.DictReader(io.StringIO(comparison_to_csv(hostile))))
    assert all(r["concept_label"].startswith("'=HYPERLINK") for r in rows)
    assert not any(v.startswith(("=", "@", "+")) for r in rows for v in r.values())
    (gap,) = [r for r in rows if r["derived"] == "True"]
    assert gap["value"] == "-10"  # a negative number is a value, not a formula: left as it is
    assert rows[0]["municipality_name"] == "Odense"
    assert not any("\x1b" in v or "\x07" in v for r in rows for v in r.values() if v)


def test_cli_messages_escape_control_characters(tmp_path):
    code, _, err = run("show", "\x1b[2Jnowhere")
    assert code == 1
    assert "\x1b" not in err
    assert "\\x1b[2Jnowhere" in err


def _unescaped_pipes(line: str) -> int:
    """Pipes that end a cell: those after an even number of backslashes."""
    import re

    return len(re.findall(r"(?:(?<=[^\\])|^)(?:\\\\)*\|", line))


def test_markdown_cells_hold_backslashes_pipes_links_and_images():
    from kommuneintegration.render.markdown import _cell, _row

    hostile = ["a\\|b", "![t](http://evil.example/x.png)", "[x](javascript:alert(1))", "c\\\\|d"]
    row = _row(*(_cell(t) for t in hostile))
    assert _unescaped_pipes(row) == len(hostile) + 1  # the row's own pipes only
    assert "](" not in row.replace("\\](", "")  # no bracket left to close a link
    assert "\\!\\[t\\]" in row
    assert _unescaped_pipes(_row("a|b")) == 3  # the check can fail: an unescaped pipe


def test_markdown_of_a_whole_comparison_keeps_its_columns(hostile):
    md = comparison_to_markdown(hostile)
    for block in md.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if len(lines) > 2:
            width = _unescaped_pipes(lines[0])
            assert all(_unescaped_pipes(line) == width for line in lines), block


# --- issue 35, class 1: an output never lands on a stream's file, an input or the cache ------


def _cli(*argv, stdout=None, env=None):
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "kommuneintegration", *argv],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.installed_plugins
@pytest.mark.parametrize("stream", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_out_to_the_standard_output_appends_to_the_log_behind_it(tmp_path, stream):
    log = tmp_path / "log"
    log.write_text("earlier lines\n", encoding="utf-8")
    with open(log, "a", encoding="utf-8") as handle:
        done = _cli("compare", "-f", "json", "--no-statbank", "--out", stream, stdout=handle)
    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier lines\n")  # appended, not replaced
    assert json.loads(text.removeprefix("earlier lines\n"))["municipalities"]
    assert log.is_file()
    assert not log.is_symlink()


@pytest.mark.parametrize("stream", ["/dev/fd/2", "/proc/self/fd/2", "/dev/stderr"])
def test_out_to_another_descriptor_is_refused_and_its_file_kept(tmp_path, stream):
    errors = tmp_path / "errors"
    errors.write_text("kept\n", encoding="utf-8")
    done = _cli("synthesize", "-n", "3", "--out", stream, env={"PYTHONUNBUFFERED": "1"})
    assert done.returncode == 1
    assert "stream of this process" in done.stderr
    assert errors.read_text(encoding="utf-8") == "kept\n"


@pytest.mark.installed_plugins
@pytest.mark.parametrize("how", ["path", "hardlink", "new-file"])
def test_no_output_lands_on_a_plugin_s_own_data(tmp_path, how):
    import importlib
    import os
    from pathlib import Path

    package = Path(importlib.import_module("kommuneintegration_aalborg").__file__).parent
    data = package / "data" / "plugin.toml"
    before = data.read_bytes()
    if how == "path":
        target = data
    elif how == "hardlink":
        target = tmp_path / "innocent.csv"
        os.link(data, target)
    else:
        target = package / "data" / "strategies" / "extra.toml"
    code, _out, err = run("compare", "-f", "csv", "--no-statbank", "--out", str(target))
    assert code == 1
    assert "aalborg" in err
    assert "reads" in err
    assert data.read_bytes() == before
    if how == "new-file":
        assert not target.exists()


@pytest.mark.installed_plugins
@pytest.mark.parametrize("suffix", ["", "-journal", "-wal"])
def test_no_output_lands_on_the_cache_s_own_files(tmp_path, monkeypatch, suffix):
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path))
    target = tmp_path / f"statbank.sqlite{suffix}"
    code, _out, err = run("compare", "-f", "csv", "--no-statbank", "--out", str(target))
    assert code == 1
    assert "Statbank cache" in err
    assert "same file" in err
    assert not target.exists()


# --- issue 35, class 6: files and options bounded -------------------------------------------


@pytest.mark.installed_plugins
def test_a_huge_csv_header_is_read_in_linear_time(registry, tmp_path):
    import time

    header = HEADER.rstrip("\n") + ";" + ";".join(f"extra{i}" for i in range(30_000)) + "\n"
    assert len(header) > 240_000
    started = time.monotonic()
    loaded = read_observations(io.StringIO(header + "851;x;y;;2020;5;percent;s\n"), registry)
    assert time.monotonic() - started < 10  # csv.Sniffer took minutes here
    assert loaded.rows == 1


def test_the_delimiter_is_the_one_found_most_outside_quotes():
    from kommuneintegration.words import delimiter_of

    assert delimiter_of("a;b;c") == ";"
    assert delimiter_of('"x,y,z";b;c') == ";"  # commas inside quotes do not count
    assert delimiter_of("a\tb\tc") == "\t"
    assert delimiter_of("single") == ","


@pytest.mark.installed_plugins
def test_an_rfc_4180_row_with_doubled_quotes_is_read(registry):
    text = HEADER + '851;workforce-non-western;non-western;;2020;5,4;%;"Tabel ""1"", s. 3"\n'
    loaded = read_observations(io.StringIO(text), registry)
    assert not loaded.errors, loaded.errors
    (figure,) = loaded.observations["851"]
    assert 'Tabel "1", s. 3' in str(figure.provenance)


@pytest.mark.installed_plugins
@pytest.mark.parametrize("weight", ["1e308", "1001", "inf", "nan", "-1"])
def test_peer_weights_are_finite_and_bounded(weight):
    code, out, err = run("barometer", "-m", "461", "--peer-weights", f"population={weight}")
    assert code == 1
    assert "--peer-weights" in err
    assert "Infinity" not in out
    assert err.count("\n") == 1  # one line, no XlsxWriter or JSON message


# --- issue 35, class 4: texts from outside are data -----------------------------------------


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_classify_csv_neutralises_formula_cells_but_keeps_signed_numbers(tmp_path, engine):
    import csv as csv_module

    from kommuneintegration.population.classification import COLUMNS
    from kommuneintegration.population.register import classify_file

    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_module.writer(handle)
        writer.writerow([*COLUMNS, "note", "=head"])
        writer.writerow(["DK"] * 6 + ["=1+2+cmd|' /C calc'!A0", "@SUM(1)"])
        writer.writerow(["DK"] * 6 + ["-0.9", "+5"])
        writer.writerow(["DK"] * 6 + ["-abc", "\tx"])
    out = tmp_path / "out.csv"
    classify_file(src, out, engine=engine)
    rows = list(csv_module.reader(out.open(encoding="utf-8", newline="")))
    cells = [cell for row in rows for cell in row]
    for cell in cells:  # nothing a spreadsheet would run
        if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
            float(cell)  # only a number may begin with a sign
    assert "'=1+2+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1)" in cells
    assert "'=head" in rows[0]
    assert rows[2][6:8] == ["-0.9", "+5"]  # numbers stay numbers
    assert rows[3][6] == "'-abc"


@pytest.mark.parametrize(
    "render",
    ["markdown", "html"],
)
def test_statbank_and_plugin_text_is_inert_in_markdown_and_html(render):
    from kommuneintegration.render.cells import markdown_text
    from kommuneintegration.render.html import _e

    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>\x1b[2J|[x](javascript:1)"
    shown = markdown_text(hostile) if render == "markdown" else _e(hostile)
    assert "<script>" not in shown
    assert "<img" not in shown
    assert "\x1b" not in shown
    assert "\\x1b" in shown  # visible, not acted on
    if render == "markdown":
        assert "|" not in shown.replace("\\|", "")
        assert "](" not in shown.replace("\\](", "")


def test_the_barometer_markdown_escapes_what_it_shows():
    from kommuneintegration.render.barometer import _md

    shown = _md("<img src=x onerror=alert(1)>|\x1b[2J")
    assert shown == "&lt;img src=x onerror=alert(1)&gt;\\|\\\\x1b\\[2J"


def test_a_long_text_in_a_workbook_cell_is_cut_with_a_mark_and_a_warning():
    from kommuneintegration.render.workbook import CELL_LIMIT, CutTextWarning, _fitted

    with pytest.warns(
        CutTextWarning, match=r"row 7, column Reason: a text of 40.000 characters was cut"
    ):
        cut = _fitted("x" * 40_000, "Sheet", 7, "Reason")
    assert len(cut) <= CELL_LIMIT
    assert cut.endswith(("(cut: 40,000 characters in all)", "(cut: 40.000 characters in all)"))
    assert "[…]" in cut


# --- issue 35, class 7: clear lines ------------------------------------------------------------


def test_new_plugin_makes_a_dir_not_there_yet_with_normal_permissions(tmp_path):
    import os
    import stat

    where = tmp_path / "not" / "there"
    code, _out, err = run("new-plugin", "odense", "--code", "461", "--dir", str(where))
    assert code == 0, err
    assert "Errno" not in err
    umask = os.umask(0)
    os.umask(umask)
    for folder in (where / "odense", where / "odense" / "src" / "kommuneintegration_odense"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask  # not private (0700)
    assert not [p for p in where.iterdir() if p.name.startswith(".")]  # no staging left


def test_new_plugin_into_a_file_is_one_line_naming_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _out, err = run("new-plugin", "odense", "--code", "461", "--dir", str(blocker / "sub"))
    assert code == 1
    assert str(blocker) in err
    assert "Errno" not in err
    assert err.count("\n") == 1


# --- issue 35, class 7: unclear messages made one clear line ------------------------------------


@pytest.mark.installed_plugins
@pytest.mark.parametrize("typed", ["ＡＡＬＢＯＲＧ", "  Aalborg  ", "Aal\u3000borg"])
def test_a_full_width_or_padded_name_is_normalised_and_said(typed):
    code, out, err = run("--lang", "en", "show", typed)
    if typed == "Aal\u3000borg":  # an ideographic space inside: 'Aal borg', no such place
        assert code == 1
        assert "'Aal borg'" in err
        return
    assert code == 0, err
    assert "Aalborg" in out
    (note,) = [line for line in err.splitlines() if "is read as" in line]
    assert repr(typed) in note
    assert "'AALBORG'" in note or "'Aalborg'" in note


def test_since_after_this_year_says_in_one_line_why_there_is_no_baseline():
    import contextlib

    from kommuneintegration.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        main(["--lang", "en", "barometer", "--since", "3000"], out=io.StringIO())
    assert exit_.value.code == 2
    (line,) = [line for line in err.getvalue().splitlines() if "--since" in line and "3000" in line]
    assert "after this year" in line
    assert "no baseline" in line


@pytest.mark.installed_plugins
@pytest.mark.parametrize(
    ("errno_", "words"),
    [(28, "the disk is full"), (30, "is read-only or not yours")],
)
def test_an_out_file_on_a_full_disk_or_read_only_folder_is_said_as_such(
    tmp_path, monkeypatch, errno_, words
):
    import os

    target = tmp_path / "c.json"
    target.write_text("kept", encoding="utf-8")

    def fail(*_args, **_kwargs):
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr("kommuneintegration.safefile.os.replace", fail)
    code, _out, err = run(
        "compare", "-m", "851", "--no-statbank", "-f", "json", "--out", str(target)
    )
    assert code == 1
    assert err.count("\n") == 1, err
    assert str(target) in err
    assert words in err
    assert target.read_text(encoding="utf-8") == "kept"  # the file as it was
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]  # no temporary file left


# --- issue 35, class 7: internal messages made one clear line ------------------------------------

_INTERNAL = (
    "Errno",
    "Error",  # UnicodeError, ArrowInvalid, RecursionError, AttributeError ... by name
    "Exception",
    "IncompleteRead",
    "maximum recursion",
    "object has no attribute",
    "straddl",
    "does not start with BOM",
    "Unsupported cast",
    "cast_string",
)


def one_clear_line(err: str, *names: str) -> str:
    """The one line on stderr, naming ``names``, with no Python or library internals."""
    assert err.count("\n") == 1, err
    for name in names:
        assert name in err, (name, err)
    for word in _INTERNAL:
        assert word not in err, (word, err)
    return err


_ORIGIN_HEADER = (
    "birth_country,citizenship,mother_birth_country,mother_citizenship,"
    "father_birth_country,father_citizenship\n"
)


@pytest.mark.parametrize("engine", ["pyarrow", "python"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_register_file_not_in_its_declared_utf16_is_one_line(tmp_path, monkeypatch, engine, lang):
    if engine == "python":
        monkeypatch.setattr("kommuneintegration.population.register._has_pyarrow", lambda: False)
    src = tmp_path / "register.csv"
    src.write_bytes((_ORIGIN_HEADER + "DK,DK,DK,DK,DK,DK\n" * 50).encode("utf-16-le"))  # no BOM
    out = tmp_path / "out.csv"
    code, _out, err = run(
        "--lang", lang, "classify", str(src), "--out", str(out), "--encoding", "utf-16"
    )
    assert code == 1
    one_clear_line(err, str(src), "utf-16-le")
    assert ("does not begin" in err) == (lang == "en")
    assert ("begynder ikke" in err) == (lang == "da")
    assert not out.exists()
    assert src.read_bytes().startswith("birth".encode("utf-16-le"))  # the input as it was


def test_a_utf16_register_file_with_its_bom_is_read_whole(tmp_path):
    src = tmp_path / "register.csv"
    src.write_bytes((_ORIGIN_HEADER + "DK,DK,DK,DK,DK,DK\n" * 30_000).encode("utf-16"))
    out = tmp_path / "out.csv"
    code, _out, err = run("classify", str(src), "--out", str(out), "--encoding", "utf-16")
    assert code == 0, err
    assert out.read_text(encoding="utf-8").count("\n") == 30_001


@pytest.mark.parametrize("kind", ["list", "struct", "binary"])
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_parquet_column_of_the_wrong_type_is_one_line_naming_it(tmp_path, kind, suffix):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from kommuneintegration.population.classification import COLUMNS

    values = {
        "list": pa.array([[1], [2]]),
        "struct": pa.array([{"a": 1}, {"a": 2}]),
        "binary": pa.array([b"\xff\xfe", b"DK"]),
    }[kind]
    src = tmp_path / "register.parquet"
    pq.write_table(
        pa.table({**{c: pa.array(["DK", "SE"]) for c in COLUMNS[:-1]}, COLUMNS[-1]: values}), src
    )
    before = src.read_bytes()
    out = tmp_path / f"out{suffix}"
    code, _out, err = run("--lang", "en", "classify", str(src), "--out", str(out))
    assert code == 1
    one_clear_line(err, str(src), "'father_citizenship'")
    assert not out.exists()
    assert src.read_bytes() == before


def _plugin_data_copy(tmp_path):
    import importlib
    import shutil
    from pathlib import Path

    package = Path(importlib.import_module("kommuneintegration_aalborg").__file__).parent
    data = tmp_path / "data"
    shutil.copytree(package / "data", data)
    return data


def _first_line_replaced(text: str, start: str, new: str) -> str:
    lines = text.splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith(start))
    lines[at] = new + "\n"
    return "".join(lines)


@pytest.mark.installed_plugins
@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda t: "municipality = [1, 2]\n" + t.replace("[municipality]", "[_m]", 1),
            "municipality",
        ),
        (lambda t: "documents = 3\n" + t.replace("[[documents]]", "[[_d]]"), "documents"),
        (
            lambda t: "target_groups = ['x']\n" + t.replace("[[target_groups]]", "[[_t]]"),
            "target_groups[0]",
        ),
        (lambda t: _first_line_replaced(t, "provenance = {", 'provenance = ["x"]'), "provenance"),
        (lambda t: t + "\n[[country_groups]]\nid = 'x'\nmembers = [[1]]\n", "members"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_plugin_data_file_of_the_wrong_shape_is_said_naming_the_key(
    tmp_path, change, where, lang
):
    data = _plugin_data_copy(tmp_path)
    path = data / "plugin.toml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = path.read_bytes()
    code, _out, err = run("--lang", lang, "translations", str(data))
    assert code == 1
    assert "plugin.toml" in err
    assert where in err
    assert ("expected" in err) == (lang == "en")
    for word in _INTERNAL:
        assert word not in err, (word, err)
    assert path.read_bytes() == before


@pytest.mark.parametrize("lang", ["en", "da"])
def test_new_plugin_onto_a_link_to_nowhere_is_one_line_and_the_link_kept(tmp_path, lang):
    link = tmp_path / "odense"
    link.symlink_to(tmp_path / "nowhere")
    code, _out, err = run(
        "--lang", lang, "new-plugin", "odense", "--code", "461", "--dir", str(tmp_path)
    )
    assert code == 1
    one_clear_line(err, str(link))
    assert link.is_symlink()
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("lang", ["en", "da"])
def test_every_temporary_name_taken_is_one_line_naming_the_folder(tmp_path, monkeypatch, lang):
    import errno
    import os

    def taken(*_args, **_kwargs):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))

    monkeypatch.setattr("tempfile.mkstemp", taken)
    monkeypatch.setattr("tempfile.mkdtemp", taken)
    code, _out, err = run(
        "--lang", lang, "new-plugin", "odense", "--code", "461", "--dir", str(tmp_path)
    )
    assert code == 1
    one_clear_line(err, str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "s.json"
    target.write_text("kept", encoding="utf-8")
    code, _out, err = run("--lang", lang, "synthesize", "-n", "3", "--out", str(target))
    assert code == 1
    one_clear_line(err, str(target))
    assert target.read_text(encoding="utf-8") == "kept"


def test_a_cell_of_megabytes_in_a_register_makes_one_short_line(tmp_path):
    """A hostile cell (3 MB, or 1.5 MB of line breaks inside quotes) is named, clipped with a
    mark and its length: the error stays one short line."""
    columns = "birth_country,citizenship,mother_birth_country,mother_citizenship,"
    columns += "father_birth_country,father_citizenship\n"
    good = "DK,DK,DK,DK,DK,DK\n"
    for name, cell in (("wide", "X" * 3_000_000), ("tall", "a\n" * 750_000)):
        source = tmp_path / f"{name}.csv"
        source.write_text(columns + good * 100 + f'"{cell}",DK,DK,DK,DK,DK\n' + good)
        code, _out, err = run("classify", str(source), "--out", str(tmp_path / f"{name}-out.csv"))
        assert code == 1
        assert err.count("\n") == 1
        assert len(err) < 600
        assert "line 102" in err
        assert "characters)" in err
