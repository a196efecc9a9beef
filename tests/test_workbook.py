"""The workbook: real sheets, typed cells, frozen headers, read back with openpyxl."""

from __future__ import annotations

import pytest
from helpers import run_cli as run

openpyxl = pytest.importorskip("openpyxl")  # a test dependency: pip install -e ".[test]"


def sheets(path):
    book = openpyxl.load_workbook(path)
    return {ws.title: ws for ws in book}


def rows(ws):
    keys = [c.value for c in ws[2]]  # the second row: the CSV's and JSON's keys
    return [dict(zip(keys, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=3)]


@pytest.mark.installed_plugins
def test_compare_writes_a_workbook_a_sheet_per_section(tmp_path):
    path = tmp_path / "sammenligning.xlsx"
    code, _out, err = run("compare", "-f", "xlsx", "--out", str(path), "--lang", "da")
    assert code == 0, err
    book = sheets(path)
    assert list(book) == ["Tal", "Evalueringer", "Forskelle", "Kilder"]
    figures = book["Tal"]
    assert figures.freeze_panes == "A3"  # the two header rows stay in view
    assert figures["A1"].value == "Indikator"
    data = rows(figures)
    assert data
    for record in data:
        assert isinstance(record["value"], float | int)  # a number cell, not text
        assert record["year"] is None or isinstance(record["year"], int)
    assert figures.column_dimensions["A"].width >= 8
    years = [c for c in figures[3] if c.value == data[0]["year"] and data[0]["year"]]
    assert all(c.number_format == "0" for c in years)
    sources = rows(book["Kilder"])
    assert any("Aalborg Kommune" in (s["citation"] or "") for s in sources)


@pytest.mark.installed_plugins
def test_evaluate_writes_a_workbook_and_text_never_becomes_a_formula(tmp_path, monkeypatch):
    path = tmp_path / "evaluering.xlsx"
    assert run("evaluate", "-f", "xlsx", "--out", str(path), "--lang", "en")[0] == 0
    book = sheets(path)
    assert list(book) == ["Evaluations", "Sources"]
    evaluations = rows(book["Evaluations"])
    assert {e["status"] for e in evaluations} >= {"missed", "not-evaluable"}
    assert all(isinstance(e["methods_disagree"], bool) for e in evaluations)

    from kommuneintegration.render import workbook

    sheet = workbook._Sheet("t", [("text", "text")])
    sheet.add({"text": "=1+1"})
    raw = workbook._write([sheet])
    (out := tmp_path / "f.xlsx").write_bytes(raw)
    cell = sheets(out)["t"]["A3"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")  # a string, not a formula


def test_a_workbook_goes_to_a_file_only(capsys):
    code, _out, err = run("compare", "-f", "xlsx")
    assert code == 1
    assert "--out FILE.xlsx" in err


@pytest.mark.installed_plugins
@pytest.mark.parametrize("command", ["compare", "evaluate"])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_heading_is_a_readers_word_not_a_key(tmp_path, command, lang):
    path = tmp_path / "book.xlsx"
    assert run(command, "-f", "xlsx", "--out", str(path), "--lang", lang)[0] == 0
    for title, ws in sheets(path).items():
        assert title[:1].isupper(), title
        for heading, key in zip((c.value for c in ws[1]), (c.value for c in ws[2]), strict=True):
            # the first row is for the reader, the second for a program
            assert heading != key.replace("_", " "), (title, key)
            assert heading[:1].isupper(), (title, heading)
