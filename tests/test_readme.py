"""README.md gives exactly two command lines, and CI runs the second one verbatim."""

import re
from pathlib import Path

import pytest

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


@pytest.mark.installed_plugins
def test_the_sample_output_is_what_the_commands_print():
    """Every line README shows as output is printed by compare or evaluate, in its language."""
    import io

    from kommuneintegration.cli import main

    def run(*argv: str) -> set[str]:
        out = io.StringIO()
        main(list(argv), out=out)
        return set(out.getvalue().splitlines())

    printed = (
        run("--lang", "da", "compare")
        | run("--lang", "da", "compare", "--full")
        | run("--lang", "da", "evaluate")
        | run("--lang", "en", "evaluate")
    )
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## What `kommuneintegration compare` prints", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```\n(.*?)^```", section, flags=re.M | re.S)
    assert len(blocks) >= 3
    shown = [line for block in blocks for line in block.splitlines() if line.strip() != "..."]
    assert [line for line in shown if line not in printed] == []


def test_the_python_examples_run_in_order(tmp_path, monkeypatch):
    """Every ```python block of README.md, run in order in one namespace, as a reader would
    paste them (the register example reads a synthetic register.parquet)."""
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from kommuneintegration.population.synthetic import synthesize

    synthesize(1_000, seed=5).write(tmp_path / "register.parquet")
    monkeypatch.chdir(tmp_path)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.M | re.S)
    assert len(blocks) >= 3
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    register = namespace["register"]
    assert len(register) == 1_000
    assert set(register["origin"]) <= {0, 1, 2, 3}
