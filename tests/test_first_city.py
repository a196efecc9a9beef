"""docs/first-city.md, followed literally: write its files, install the package, run its commands."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "first-city.md"
BLOCK = re.compile(r"```(\w+)(?: title=\"([^\"]+)\")?\n(.*?)```", re.S)


def blocks():
    return [(kind, title, body) for kind, title, body in BLOCK.findall(GUIDE.read_text("utf-8"))]


@pytest.mark.slow
@pytest.mark.installed_plugins
def test_the_walk_through_works_as_written(tmp_path):
    site = tmp_path / "site"
    # As a newcomer runs it: no KOMMUNEINTEGRATION_LANG, so the Danish default.
    env = {
        **{k: v for k, v in os.environ.items() if k != "KOMMUNEINTEGRATION_LANG"},
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
    }
    outputs = {}
    for kind, title, body in blocks():
        if title:  # a file the guide shows: written exactly as shown
            path = tmp_path / title
            if path.name == "strategy.toml":  # step 3 replaces the example
                for old in path.parent.glob("*.toml"):
                    old.unlink()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
            continue
        if kind != "console":
            continue
        for line in body.strip().splitlines():
            for part in line.split("&&"):  # each command of a line, in order, as a shell does
                argv = shlex.split(part)
                if argv[:2] == ["pip", "install"]:
                    # Installed beside this environment rather than into it (the test
                    # extra's pytest is this environment's own).
                    target = argv[-1]
                    argv = [
                        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--no-build-isolation", "--target", str(site), target,
                    ]  # fmt: skip
                elif argv[:3] == ["python", "-m", "pytest"]:
                    argv = [
                        sys.executable,
                        "-m",
                        "pytest",
                        "-q",
                        "-p",
                        "no:cacheprovider",
                        *argv[3:],
                    ]
                else:
                    argv = [sys.executable, "-m", "kommuneintegration", *argv[1:]]
                done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True)
                assert done.returncode == 0, (line, done.stdout, done.stderr)
                outputs[line.strip() if "&&" not in line else part.strip()] = done.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "kommuneintegration", "plugins", "--format", "json"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    odense = next(p for p in json.loads(listed) if p["name"] == "odense")
    assert odense["errors"] == []
    assert odense["municipality"] == {"code": "461", "name": "Odense"}
    # compare's summary numbers the document and says whom it targets
    assert "[1] Odense: Øvelse: integrationspolitik" in outputs["kommuneintegration compare -m 461"]
    evaluated = outputs["kommuneintegration evaluate -m 461"]
    assert "g1-employment: KAN IKKE VURDERES" in evaluated
    assert "(ikke et citat" in " ".join(evaluated.split())
    assert "fejl:" in outputs["kommuneintegration plugins"]
    assert "ingen" in outputs["kommuneintegration plugins"]
    # Its own test passes too.
    own = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "odense" / "tests")],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert own.returncode == 0, own.stdout + own.stderr
    # Step 6: the translation catalogue, by the plugin's name
    catalogue = (
        tmp_path / "odense" / "src" / "kommuneintegration_odense" / "data" / "locale" / "da.po"
    )
    assert catalogue.is_file()
    assert "kommuneintegration translations odense --into da" in outputs
