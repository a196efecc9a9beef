"""README.md gives exactly two command lines, and CI runs the second one verbatim."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```\n(pip install [^\n]+)\n```", text, flags=re.M)


def test_readme_has_exactly_two_commands():
    first, second = commands()
    assert first.endswith("&& kommuneintegration compare")
    assert second.endswith("&& python -m pytest")
    for path in ("./plugins/aalborg", "./plugins/aarhus", "./plugins/kobenhavn"):
        assert path in first
        assert path in second


def test_ci_runs_the_test_command_verbatim_then_lint_and_types():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    _, test_command = commands()
    assert test_command in ci
    after = ci[ci.index(test_command) + 1 :]
    assert "ruff check ." in after
    assert "ruff format --check ." in after
    assert "mypy" in after
