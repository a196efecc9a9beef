"""The package's structure holds: one-way imports, no cycles, a light command-line start."""

from __future__ import annotations

import re
import subprocess
import sys

import grimp
import pytest

from kommuneintegration.plugins import PluginHost

PACKAGE = "kommuneintegration"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), i.e. every cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.find_modules_directly_imported_by(node):
            if not nxt.startswith(PACKAGE):
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module.startswith(PACKAGE) and module not in index:
            visit(module)
    return found


def test_the_import_graph_has_no_cycle():
    # grimp reads module-level, function-level and TYPE_CHECKING imports alike.
    graph = grimp.build_graph(PACKAGE)
    assert _cycles(graph) == []


def test_the_cycle_finder_can_fail():
    graph = grimp.ImportGraph()
    for name in (f"{PACKAGE}.a", f"{PACKAGE}.b", f"{PACKAGE}.c"):
        graph.add_module(name)
    graph.add_import(importer=f"{PACKAGE}.a", imported=f"{PACKAGE}.b")
    graph.add_import(importer=f"{PACKAGE}.b", imported=f"{PACKAGE}.a")
    graph.add_import(importer=f"{PACKAGE}.b", imported=f"{PACKAGE}.c")
    assert _cycles(graph) == [[f"{PACKAGE}.a", f"{PACKAGE}.b"]]


def test_renderers_import_nothing_from_the_plugin_layer():
    # A type named for mypy (the plugin listing's PluginInfo) loads nothing at run time.
    graph = grimp.build_graph(PACKAGE, exclude_type_checking_imports=True)
    renderers = [m for m in graph.modules if m.startswith(f"{PACKAGE}.render")]
    plugin_layer = {
        f"{PACKAGE}.plugins",
        f"{PACKAGE}.registry",
        f"{PACKAGE}.hookspecs",
        f"{PACKAGE}.dataplugin",
        f"{PACKAGE}.default_plugins",
    }
    for module in renderers:
        assert not graph.find_modules_directly_imported_by(module) & plugin_layer, module


@pytest.mark.parametrize(
    "heavy",
    [
        "pint",
        "numpy",
        "pycountry",
        "pluggy",
        "attrs",
        "kommuneintegration.comparison",
        "kommuneintegration_aalborg",
    ],
)
def test_help_imports_no_heavy_library_and_no_plugin(heavy):
    code = (
        "import sys\n"
        "from kommuneintegration.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print({heavy!r} in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stdout


@pytest.mark.parametrize(
    ("source", "output"),
    [("in.csv", "out.parquet"), ("in.parquet", "out.csv"), ("numeric.parquet", "out.csv")],
)
def test_classifying_a_file_never_imports_pandas(tmp_path, source, output):
    """pandas costs 0.2 s to import; a register file's run reads and writes with pyarrow only
    (pa.array and to_numpy would import it, so the run builds arrays from their buffers).
    numeric.parquet has ISO numeric codes with nulls in its origin columns."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from kommuneintegration.population.classification import COLUMNS
    from kommuneintegration.population.synthetic import synthesize

    if source == "numeric.parquet":
        codes = pa.array([208, 792, None, 368] * 100, pa.int16())
        pq.write_table(pa.table(dict.fromkeys(COLUMNS, codes)), tmp_path / source)
    else:
        synthesize(500, seed=3).write(tmp_path / source)
    code = (
        "import sys\n"
        "from kommuneintegration.population.register import classify_file\n"
        f"classify_file({str(tmp_path / source)!r}, {str(tmp_path / output)!r}, chunk_rows=100)\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stdout
    assert (tmp_path / output).stat().st_size


def test_the_package_imports_its_api_lazily():
    code = (
        "import sys, kommuneintegration as k\n"
        "before = 'pint' in sys.modules or 'numpy' in sys.modules\n"
        "from kommuneintegration import classify, percent\n"
        "print(before, 'numpy' in sys.modules, str(percent(5).units))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True", "percent"]


def test_built_in_rules_come_through_the_hook_like_plugin_rules():
    host = PluginHost(load_entrypoints=False, strict=True)
    registry = host.registry()
    assert {"default", "barometer"} <= set(registry.rules)
    assert registry.owners["rule:default"] == "kommuneintegration.plugins.default_plugins.rules"
    # The default plugin is listed only on request, as llm's and datasette's are.
    assert [i.name for i in host.plugins()] == []
    rules, translations = host.plugins(defaults=True)
    assert rules.default
    assert translations.default
    assert rules.hooks == ("evaluation_rules",)
    # The library's own data prose is translated through the same hook as a plugin's.
    assert translations.hooks == ("translations",)
    assert "da" in registry.translations[""]  # "": the library's own data


POLICY_COMMANDS = {
    "compare": ["compare"],
    "compare -f json": ["compare", "-f", "json"],
    "evaluate": ["evaluate"],
    "show": ["show", "851"],
    "report": ["report", "--out", "{tmp}/report.html"],
}


@pytest.mark.installed_plugins
@pytest.mark.parametrize("command", sorted(POLICY_COMMANDS))
def test_the_policy_commands_load_no_population_engine(tmp_path, command):
    """compare, evaluate, show and report are the strategy model's: no numpy, pycountry or pandas.

    Run in a fresh process, as a user starts the command, with the bundled plugins loaded;
    the engine's modules (kommuneintegration.population) stay unloaded too.
    """
    argv = [a.replace("{tmp}", str(tmp_path)) for a in POLICY_COMMANDS[command]]
    code = (
        "import io, sys\n"
        "from kommuneintegration.cli import main\n"
        f"assert main({argv!r}, out=io.StringIO()) == 0\n"
        "heavy = ('numpy', 'pycountry', 'pandas', 'pyarrow', 'kommuneintegration.population')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


def test_the_engine_check_sees_an_engine_import():
    """The check above can fail: a process that classifies does load numpy and the engine."""
    code = (
        "import sys\n"
        "from kommuneintegration import classify_many\n"
        "heavy = ('numpy', 'kommuneintegration.population')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "['kommuneintegration.population', 'numpy']"


def _contracts() -> dict[str, list[str]]:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["containers"][0]: c["layers"] for c in config["contracts"] if c["type"] == "layers"}


def _doc() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text("utf-8")


def _doc_layers(block: str) -> list[str]:
    """The layer names of a drawing: each line that starts at the margin, up to two spaces."""
    return [line.split("  ")[0].strip() for line in block.splitlines() if line and line[0] != " "]


def test_the_docs_draw_the_layers_the_contracts_hold():
    text = _doc().split("## The layers, top to bottom", 1)[1].split("\n## ", 1)[0]
    policy, engine = text.split("```")[1::2][:2]
    contracts = _contracts()
    assert _doc_layers(policy) == contracts["kommuneintegration"]
    assert _doc_layers(engine) == contracts["kommuneintegration.population"]


def test_the_layer_check_can_fail():
    assert _doc_layers("a  x\nb | c\n    more words\n") == ["a", "b | c"]
    assert _doc_layers("a\n") != ["b"]


def test_every_module_is_in_the_docs_table():
    graph = grimp.build_graph(PACKAGE)
    table = _doc().split("## What each module owns", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z0-9_.]+)`", table))
    modules = {m.removeprefix(f"{PACKAGE}.") for m in graph.modules if m.startswith(f"{PACKAGE}.")}
    assert len(modules) > 40
    assert sorted(modules - named) == []


def test_every_command_is_in_the_readme_table():
    from pathlib import Path

    from kommuneintegration.cli import commands

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `kommuneintegration ([a-z-]+)", readme, re.M)
    assert sorted(listed) == sorted(commands())


def test_every_moved_module_keeps_its_old_name_as_the_same_module():
    import importlib

    import kommuneintegration

    assert kommuneintegration.MOVED
    for old, new in kommuneintegration.MOVED.items():
        before = importlib.import_module(f"kommuneintegration.{old}")
        after = importlib.import_module(f"kommuneintegration.{new}")
        assert before is after, old
        assert before.__name__ == f"kommuneintegration.{new}"  # its own name kept
    # a module inside a moved package too, never loaded twice
    rules = importlib.import_module("kommuneintegration.default_plugins.rules")
    assert rules is importlib.import_module("kommuneintegration.plugins.default_plugins.rules")


def test_the_root_holds_only_the_shared_base_and_the_command_line():
    from pathlib import Path

    root = Path(kommuneintegration_path()) / "src" / "kommuneintegration"
    modules = sorted(p.stem for p in root.glob("*.py"))
    assert len(modules) <= 15, modules


def kommuneintegration_path() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[1])


def test_the_figure_row_schema_has_one_home():
    """Each column of the figure row is declared once, on IndicatorEntry's fields; the CSV's
    columns, the key, the record and the workbook's headings are derived from it."""
    import attrs

    from kommuneintegration.analysis.comparison import (
        FIGURE_COLUMNS,
        FIGURE_HEADINGS,
        FIGURE_KEY,
        FIGURE_SCHEMA,
        IndicatorEntry,
        figure_record,
    )
    from kommuneintegration.render.workbook import _headings

    declared = [f.name for f in attrs.fields(IndicatorEntry) if "column" in f.metadata]
    assert {c.attribute for c in FIGURE_SCHEMA if c.attribute} == set(declared)
    assert tuple(c.name for c in FIGURE_SCHEMA) == FIGURE_COLUMNS
    assert set(FIGURE_KEY) <= set(FIGURE_COLUMNS)
    entry = IndicatorEntry(
        municipality="851", municipality_name="Aalborg", strategy="s", indicator="i",
        label="l", concept="", value=1.0, unit="percent", year=2020, period="", group=None,
        group_label="", group_definition="", age_band=None, category="", source="src",
        series_tag="RAS200",
    )  # fmt: skip
    record = figure_record(entry, "employment-rate", True)
    assert tuple(record) == FIGURE_COLUMNS
    assert record["series"] == "RAS200"  # read from the attribute the schema names
    headings = _headings()
    for name in FIGURE_HEADINGS:
        assert headings[name] != name  # a reader's word, never the program's key


def _function_lengths() -> dict[str, int]:
    """Every function's length in lines, from its ``def`` to its last line (docstring included)."""
    import ast
    from pathlib import Path

    root = Path(kommuneintegration_path()) / "src"
    lengths: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                where = f"{path.relative_to(root)}:{node.lineno} {node.name}"
                lengths[where] = (node.end_lineno or node.lineno) - node.lineno + 1
    return lengths


def test_functions_stay_short():
    """Issue 33's limits: no function over 80 lines and at most three over 60."""
    lengths = _function_lengths()
    assert len(lengths) > 500  # the walk found the package
    assert not {f: n for f, n in lengths.items() if n > 80}
    assert len({f: n for f, n in lengths.items() if n > 60}) <= 3
