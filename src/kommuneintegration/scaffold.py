"""Write a new municipality plugin: an installable package with data, a test and a README.

``kommuneintegration new-plugin odense --code 461`` is the command-line face
of :func:`new_plugin`. The package it writes passes its own test as written, and
is listed by ``kommuneintegration plugins`` once installed with ``pip install``.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

__all__ = ["ScaffoldError", "new_plugin"]


class ScaffoldError(ValueError):
    """The plugin cannot be written (bad name or code, or the folder exists)."""


_PYPROJECT = Template("""[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "kommuneintegration-$name"
version = "0.1.0"
description = "$municipality Kommune ($code) for kommuneintegration."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["kommuneintegration>=0.1"]

[project.optional-dependencies]
test = ["pytest>=8"]

[project.entry-points.kommuneintegration]
$name = "$package:plugin"

[tool.hatch.build.targets.wheel]
packages = ["src/$package"]
""")

_INIT = Template('''"""$municipality Kommune ($code): strategy data for kommuneintegration.

The data lives in ``data/plugin.toml`` and ``data/strategies/*.toml``.
"""

from kommuneintegration.dataplugin import DataPlugin

plugin = DataPlugin(__name__)
''')

_PLUGIN_TOML = Template("""# The municipality and the target groups its documents speak of.
[municipality]
code = "$code"
name = "$municipality"

# A target group of your own, if the built-in ones ("danish-origin",
# "immigrants", "descendants", "immigrants-and-descendants", "non-western",
# "western", "menapt", "all") do not say what your documents mean.
[[target_groups]]
id = "$name:target-group"
label = "borgere med anden etnisk baggrund end dansk"
origins = ["immigrant", "descendant"]
reading = "How you read the document's term: say so where the document does not define it."
""")

_STRATEGY_TOML = Template("""# One strategy document. Every figure needs its provenance: the source file
# and the table or section it comes from. See docs/plugins.md for every key.

id = "$name-strategy"
title = "Integrationspolitik"
kind = "adopted-policy"          # or "draft", "proposal"
period = "2024-2027"
author = "$municipality Byråd"
target_group = "$name:target-group"
source = { document = "integrationspolitik.pdf", section = "whole document" }

[[themes]]
id = "employment"
label = "Beskæftigelse"
topics = ["employment"]

[[goals]]
id = "g1"
kind = "målsætning"
theme = "employment"
text = "Flere borgere med anden etnisk baggrund end dansk skal i beskæftigelse."

[[indicators]]
id = "employment-rate"
label = "Beskæftigelsesfrekvens"
measure = "rate"
unit = "percent"
target_group = "$name:target-group"
age_band = "16-64"
concept = "employment frequency"
catalogue = "employment-rate"

[[targets]]
id = "g1-employment"
goal = "g1"
indicator = "employment-rate"
group = "$name:target-group"
kind = "direction"
direction = "increase"
baseline_year = 2023
year = 2027
wording = "Beskæftigelsesfrekvensen skal stige."
reading = "Higher in 2027 than in 2023."

[[observations]]
indicator = "employment-rate"
group = "$name:target-group"
age_band = "16-64"
year = 2023
value = 60.0
unit = "percent"
provenance = { document = "integrationspolitik.pdf", section = "Tabel 1" }
""")

_TEST = Template('''"""The plugin's data loads and validates in the host, as the library would load it."""

from kommuneintegration.plugins import PluginHost

from $package import plugin


def test_plugin_data_is_valid():
    host = PluginHost(load_entrypoints=False)
    host.register(plugin, name="$name")
    registry = host.registry()
    assert registry.problems == ()
    assert registry.municipality("$code").name == "$municipality"
    assert registry.strategies["$code"]
''')

_README = Template("""# kommuneintegration-$name

$municipality Kommune ($code) for [kommuneintegration](https://pypi.org/project/kommuneintegration/).

Edit `src/$package/data/plugin.toml` and the files in
`src/$package/data/strategies/`, then:

```
pip install -e . && pytest && kommuneintegration plugins
```

`kommuneintegration plugins` lists the plugin with any problem in its data,
naming the file and key.
""")


def new_plugin(
    name: str, code: str, directory: str | Path = ".", municipality: str | None = None
) -> Path:
    """Write the package ``<directory>/<name>`` and return its path."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ScaffoldError(
            f"plugin name {name!r} must be lower case letters, digits and underscores, starting with a letter"
        )
    if not re.fullmatch(r"\d{3}", code):
        raise ScaffoldError(
            f"municipality code {code!r} must be DST's three digits (101 København, 851 Aalborg)"
        )
    target = Path(directory) / name
    if target.exists():
        raise ScaffoldError(f"{target} already exists; choose another --dir or name")
    values = {
        "name": name,
        "code": code,
        "package": f"kommuneintegration_{name}",
        "municipality": municipality or name.replace("_", " ").title(),
    }
    package = target / "src" / values["package"]
    files = {
        target / "pyproject.toml": _PYPROJECT,
        target / "README.md": _README,
        package / "__init__.py": _INIT,
        package / "data" / "plugin.toml": _PLUGIN_TOML,
        package / "data" / "strategies" / "strategy.toml": _STRATEGY_TOML,
        target / "tests" / f"test_{name}.py": _TEST,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.substitute(values), encoding="utf-8")
    return target
