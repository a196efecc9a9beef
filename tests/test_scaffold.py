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
    assert plugins["odense"]["municipality"] == {"code": "461", "name": "Odense"}
    assert plugins["odense"]["errors"] == []
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
        ("odense", "46", "three digits"),
        ("odense", "abc", "three digits"),
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
