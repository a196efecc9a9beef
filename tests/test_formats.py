"""One table of output formats: the command line's choices and dispatch come from it."""

from __future__ import annotations

import io
import json

import pytest

from kommuneintegration.cli import build_parser, main
from kommuneintegration.render import formats
from kommuneintegration.render.formats import FORMATS, OutputFormat, formats_for, output_format


def _choices(command: str) -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    action = next(a for a in sub.choices[command]._actions if a.dest == "format")
    return list(action.choices)


@pytest.mark.parametrize(
    ("command", "subject"),
    [("compare", "comparison"), ("evaluate", "evaluations"), ("plugins", "plugins")],
)
def test_the_format_choices_are_the_tables(command, subject):
    assert _choices(command) == [f.id for f in formats_for(subject)]


def test_every_renderer_in_the_table_exists():
    for fmt in FORMATS:
        assert fmt.extension.startswith(".")
        for subject in fmt.renderers:
            assert callable(fmt.renderer(subject)), (fmt.id, subject)


def test_an_unknown_format_lists_the_choices():
    with pytest.raises(formats.UnknownFormatError, match="expected one of table, json"):
        output_format("xls", "evaluations")


@pytest.mark.installed_plugins
def test_a_new_row_is_a_new_format_and_a_binary_one_goes_only_to_a_file(
    tmp_path, monkeypatch, capsys
):
    """A binary format added to the table: offered by --format, refused without --out,
    written atomically with it (the bytes are what the renderer returned)."""
    row = OutputFormat("bin", "test bytes", ".bin", True, {"evaluations": "testrender:as_bytes"})
    monkeypatch.setattr(formats, "FORMATS", (*FORMATS, row))
    module = type(json)("kommuneintegration.render.testrender")
    module.as_bytes = lambda rows: b"\x00" + str(len(list(rows))).encode()
    monkeypatch.setitem(__import__("sys").modules, "kommuneintegration.render.testrender", module)
    assert "bin" in _choices("evaluate")
    assert main(["evaluate", "-f", "bin"], out=io.StringIO()) == 1
    assert "--out" in capsys.readouterr().err
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    assert main(["evaluate", "-f", "bin", "--out", str(target)], out=io.StringIO()) == 0
    data = target.read_bytes()
    assert data.startswith(b"\x00")
    assert int(data[1:]) > 10
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]  # no temporary file left


@pytest.mark.installed_plugins
def test_a_text_format_goes_to_out_when_asked(tmp_path):
    target = tmp_path / "c.json"
    out = io.StringIO()
    assert main(["compare", "-f", "json", "--out", str(target)], out=out) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 1
    assert str(target) in out.getvalue()
