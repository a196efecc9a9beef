"""`new-plugin` writes a package that installs, is discovered, and passes its own test."""

import json
import os
import subprocess
import sys

import pytest

from kommuneintegration.cli import main
from kommuneintegration.scaffold import ScaffoldError, new_plugin


@pytest.mark.slow
def test_generated_plugin_installs_is_discovered_and_passes_its_test(tmp_path):
    assert main(["new-plugin", "odense", "--code", "461", "--dir", str(tmp_path)]) == 0
    package = tmp_path / "odense"
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(package),
        ],
        check=True,
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
    }
    listed = subprocess.run(
        [sys.executable, "-m", "kommuneintegration", "plugins", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    plugins = {p["name"]: p for p in json.loads(listed.stdout)}
    assert plugins["odense"]["distribution"] == "kommuneintegration-odense"
    # The generated strategy is an example with an invented figure: refused until replaced.
    (error,) = plugins["odense"]["errors"]
    assert "the example new-plugin wrote" in error
    refused = subprocess.run(
        [sys.executable, "-m", "kommuneintegration", "compare", "-m", "461"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert refused.returncode == 1
    assert "the example new-plugin wrote" in refused.stderr
    assert "unknown municipality '461'" in refused.stderr
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_generated_data_validates_in_process(tmp_path):
    from kommuneintegration.datafile import load_plugin_data

    path = new_plugin("vejle", "630", tmp_path, municipality="Vejle")
    data = load_plugin_data(path / "src" / "kommuneintegration_vejle" / "data")
    assert data.municipality.name == "Vejle"
    assert data.strategies[0].targets[0].kind.value == "direction"


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("Odense", "461", "lower case"),
        ("odense", "46", "not one of the 98 DST municipality codes"),
        ("odense", "abc", "not one of the 98 DST municipality codes"),
        ("odense", "999", "not one of the 98 DST municipality codes"),
        ("odense", "000", "not one of the 98 DST municipality codes"),
        ("odense", "٤٦١", "three ASCII digits"),
    ],
)
def test_bad_name_or_code(tmp_path, name, code, message):
    with pytest.raises(ScaffoldError, match=message):
        new_plugin(name, code, tmp_path)


def test_refuses_to_overwrite(tmp_path, capsys):
    (tmp_path / "odense").mkdir()
    assert main(["new-plugin", "odense", "--code", "461", "--dir", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert list((tmp_path / "odense").iterdir()) == []


def test_the_name_defaults_to_dsts_and_odd_names_are_escaped(tmp_path):
    import ast
    import tomllib

    from kommuneintegration.datafile import load_plugin_data

    default = new_plugin("lyngby", "173", tmp_path)
    data = load_plugin_data(default / "src" / "kommuneintegration_lyngby" / "data")
    assert data.municipality.name == "Lyngby-Taarbæk"
    # A name other than the official one would never load (the host refuses it), so it is
    # refused here, with the official name; nothing is written.
    crafted = 'Lyngby "Taarbæk"\\\'"""; import os; os.system("echo pwned") #'
    for odd in (crafted, "Lyngby\x1b[2J", "Lyngby\u2028Taarbæk", "Lyngby\x07"):
        with pytest.raises(ScaffoldError, match="173 is 'Lyngby-Taarbæk'"):
            new_plugin("crafted", "173", tmp_path, municipality=odd)
    assert not (tmp_path / "crafted").exists()
    spelled = new_plugin("spelled", "173", tmp_path, municipality="lyngby-taarbaek")
    path = spelled
    test_file = (path / "tests" / "test_spelled.py").read_text(encoding="utf-8")
    ast.parse(test_file)  # valid Python
    init = (path / "src" / "kommuneintegration_spelled" / "__init__.py").read_text(encoding="utf-8")
    ast.parse(init)
    tomllib.loads((path / "pyproject.toml").read_text(encoding="utf-8"))
    with pytest.raises(ScaffoldError, match="one line"):
        new_plugin("twolines", "173", tmp_path, municipality="a\nb")


def test_a_failure_half_way_leaves_no_half_written_package(tmp_path, monkeypatch):
    import kommuneintegration.scaffold as scaffold

    calls = {"n": 0}
    real = scaffold.write_text

    def failing(path, text):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(scaffold, "write_text", failing)
    with pytest.raises(scaffold.ScaffoldError, match="No space left") as raised:
        new_plugin("odense", "461", tmp_path)  # one line naming the folder, not [Errno 28]
    assert str(tmp_path / "odense") in str(raised.value)
    assert list(tmp_path.iterdir()) == []  # neither the package nor its staging folder


def test_a_refused_new_plugin_is_one_line_in_the_output_language(tmp_path, capsys):
    from kommuneintegration.cli import main

    args = ["new-plugin", "odense", "--code", "461", "--municipality", "Od\x1bense"]
    assert main(["--lang", "da", *args, "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "kommune 461 er 'Odense', ikke 'Od\\x1bense'; udelad --municipality" in err
    assert err.count("\n") == 1
    assert main(["--lang", "en", *args, "--dir", str(tmp_path)]) == 1
    assert "municipality 461 is 'Odense', not 'Od\\x1bense'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_new_plugin_says_what_to_run_next_with_the_test_extra(tmp_path):
    from helpers import run_cli

    code, out, _err = run_cli("new-plugin", "odense", "--code", "461", "--dir", str(tmp_path))
    assert code == 0
    folder = tmp_path / "odense"
    # the first Quick start command installs no pytest: the plugin's own [test] extra does
    assert f'pip install -e "{folder}[test]" && python -m pytest {folder}' in out
    assert "pytest>=8" in (folder / "pyproject.toml").read_text("utf-8")
