"""The plugin host, with throwaway plugins registered at run time (no installed plugins)."""

import importlib.metadata
import re
import types
from pathlib import Path

import pytest

from kommuneintegration import hookspecs
from kommuneintegration.countries import CountryGroup
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.models import (
    Concept,
    Municipality,
    Observation,
    Provenance,
    Strategy,
    TargetGroup,
)
from kommuneintegration.plugins import PluginError, PluginHost
from kommuneintegration.rules import Evaluation, EvaluationRule

ROOT = Path(__file__).resolve().parents[1]
PROV = Provenance("odense.pdf", "Tabel 1")

#: The hooks, read from the specs themselves (hookspecs marks each).
HOOK_NAMES = {
    name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "kommuneintegration_spec")
}


def strategy(sid="odense-2024", group="odense:ny", **kwargs):
    defaults = {
        "indicators": [
            {
                "id": "rate",
                "label": "Beskæftigelse",
                "measure": "rate",
                "unit": "percent",
                "target_group": group,
            }
        ],
        "observations": [Observation("rate", 61.0, "percent", PROV, group=group, year=2023)],
    }
    from kommuneintegration.schema import structure

    base = structure(
        {
            "id": sid,
            "title": "Politik",
            "kind": "draft",
            "author": "Byrådet",
            "source": {"document": "odense.pdf", "section": "all"},
            "indicators": defaults["indicators"],
        },
        Strategy,
    )
    import attrs

    return attrs.evolve(base, observations=kwargs.get("observations", defaults["observations"]))


class Odense:
    """A complete throwaway plugin: one of each hook."""

    @hookimpl
    def municipality(self):
        return Municipality("461", "Odense")

    @hookimpl
    def strategies(self, municipality):
        assert municipality.code == "461"
        return [strategy()]

    @hookimpl
    def target_groups(self):
        return [
            TargetGroup("odense:ny", "nye odenseanere", ["immigrant"], country_group="odense:nabo")
        ]

    @hookimpl
    def country_groups(self):
        return [CountryGroup("odense:nabo", "nabolande", ["SE", "DE"], "test", "2024-01-01")]

    @hookimpl
    def translations(self):
        return {"en": {"Ny læsning.": "A new reading."}}

    @hookimpl
    def concepts(self):
        return [Concept("odense:fritidsjob", "andel med fritidsjob", "share with a spare-time job")]

    @hookimpl
    def evaluation_rules(self):
        return [
            EvaluationRule(
                "odense:always", "test rule", lambda t, o, c: Evaluation("achieved", "test")
            )
        ]


@pytest.fixture
def host():
    return PluginHost(load_entrypoints=False, strict=False)


def test_register_throwaway_plugin_supplies_everything(host):
    host.register(Odense(), name="odense")
    registry = host.registry()
    assert registry.problems == ()
    assert registry.municipality("461").name == "Odense"
    assert registry.municipality("odense").code == "461"
    assert [s.id for s in registry.strategies["461"]] == ["odense-2024"]
    assert registry.target_groups["odense:ny"].label == "nye odenseanere"
    assert "SE" in registry.country_groups.get("odense:nabo")
    assert registry.rules["odense:always"].description == "test rule"
    assert registry.concepts["odense:fritidsjob"].label_en == "share with a spare-time job"
    assert registry.owners["concept:odense:fritidsjob"] == "odense"
    assert "employment-frequency" in registry.concepts  # the built-in catalogue is there too
    assert registry.translations["odense"] == {"en": {"Ny læsning.": "A new reading."}}
    (info,) = host.plugins()
    assert info.hooks == tuple(sorted(HOOK_NAMES))
    assert info.municipality.code == "461"
    host.unregister("odense")
    assert host.registry().municipalities == {}


def test_a_broken_plugin_does_not_take_the_others_down(host):
    class Broken:
        @hookimpl
        def municipality(self):
            raise RuntimeError("database unreachable")

    host.register(Odense(), name="odense")
    host.register(Broken(), name="broken")
    registry = host.registry()
    assert list(registry.municipalities) == ["461"]
    (problem,) = registry.problems
    assert problem.plugin == "broken"
    assert "RuntimeError: database unreachable" in str(problem)
    infos = {i.name: i for i in host.plugins()}
    assert infos["broken"].errors == ("RuntimeError: database unreachable",)
    assert infos["odense"].errors == ()


def test_strict_mode_raises(monkeypatch):
    class Broken:
        @hookimpl
        def municipality(self):
            return "461"

    monkeypatch.setenv("KOMMUNEINTEGRATION_STRICT_PLUGINS", "1")
    strict = PluginHost(load_entrypoints=False)
    assert strict.strict
    strict.register(Broken(), name="broken")
    with pytest.raises(
        PluginError, match=r"plugin 'broken': TypeError: municipality\(\) returned str"
    ):
        strict.registry()


@pytest.mark.parametrize(
    ("hook_body", "message"),
    [
        ("return Municipality('461', 'Odense')", None),
        ("return 'Odense'", "municipality() returned str, expected Municipality"),
    ],
)
def test_return_types_are_checked(host, hook_body, message):
    namespace = {"Municipality": Municipality}
    exec(f"def municipality():\n    {hook_body}", namespace)  # a plugin module with one hook
    module = types.ModuleType("plugin_module")
    module.municipality = hookimpl(namespace["municipality"])
    host.register(module, name="mod")
    problems = [str(p) for p in host.registry().problems]
    assert problems == ([] if message is None else [f"plugin 'mod': TypeError: {message}"])


def test_iterable_hooks_must_return_the_right_objects(host):
    class Bad:
        @hookimpl
        def target_groups(self):
            return [TargetGroup("bad:ok", "ok", ["immigrant"]), {"id": "bad:dict"}]

    host.register(Bad(), name="bad")
    (problem,) = host.registry().problems
    assert "target_groups()[1] is dict, expected TargetGroup" in str(problem)


def test_duplicate_municipality_codes_name_both_plugins(host):
    class Copy(Odense):
        @hookimpl
        def target_groups(self):
            return []

        @hookimpl
        def country_groups(self):
            return []

        @hookimpl
        def evaluation_rules(self):
            return []

        @hookimpl
        def concepts(self):
            return []

        @hookimpl
        def strategies(self, municipality):
            return []

    host.register(Odense(), name="odense")
    host.register(Copy(), name="b-copy")
    registry = host.registry()
    # A contested code belongs to nobody: neither plugin's city is in the comparison.
    assert "461" not in registry.municipalities
    assert "461" not in registry.owners
    message = (
        "municipality code 461 is claimed by plugins 'b-copy' (registered at run time) and "
        "'odense' (registered at run time): it belongs to none of them until all but one are "
        "uninstalled"
    )
    assert [str(p) for p in registry.problems] == [
        f"plugin 'b-copy': municipality: {message}",
        f"plugin 'odense': municipality: {message}",
    ]
    for spelling in ("461", "Odense", "odense"):
        with pytest.raises(PluginError, match="claimed by plugins 'b-copy'"):
            registry.municipality(spelling)
    strict = PluginHost(load_entrypoints=False, strict=True)
    strict.register(Odense(), name="odense")
    strict.register(Copy(), name="b-copy")
    with pytest.raises(PluginError, match="claimed by plugins"):
        strict.registry()


def test_references_units_and_groups_are_validated_with_plugin_name(host):
    class Sloppy(Odense):
        @hookimpl
        def strategies(self, municipality):
            bad_obs = Observation("rate", 61.0, "person", PROV, group="odense:gammel", year=2023)
            return [strategy(observations=[bad_obs])]

    host.register(Sloppy(), name="odense")
    registry = host.registry()
    assert sorted(str(p) for p in registry.problems) == [
        "plugin 'odense': strategies[0] odense-2024: observations[0].group: unknown target group 'odense:gammel'; did you mean 'odense:ny'?",
        "plugin 'odense': strategies[0] odense-2024: observations[0].unit: 'person' but indicator 'rate' is measured in percent",
    ]
    assert "461" not in registry.municipalities  # a plugin with bad data is left out, and reported


def test_target_group_with_unknown_country_group(host):
    class Groups:
        @hookimpl
        def target_groups(self):
            return [TargetGroup("groups:y", "y", ["immigrant"], country_group="nordic")]

    host.register(Groups(), name="groups")
    (problem,) = host.registry().problems
    assert "unknown country group 'nordic'" in str(problem)


def test_typo_in_hook_name_is_reported(host):
    class Typo:
        @hookimpl
        def municipalities(self):
            return []

    host.register(Typo(), name="typo")
    (problem,) = host.load_problems
    assert problem.plugin == "typo"
    assert "unknown hook" in problem.message
    assert host.plugin_names() == []


def test_entry_point_that_fails_to_import_is_reported(monkeypatch):
    class FakeDist:
        name = "kommuneintegration-broken"
        version = "9.9"

    good = importlib.metadata.EntryPoint("odense", "test_plugins:ODENSE", "kommuneintegration")
    bad = importlib.metadata.EntryPoint("broken", "no_such_module_xyz:plugin", "kommuneintegration")
    object.__setattr__(bad, "dist", FakeDist())
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [bad, good])
    host = PluginHost(strict=False)
    assert host.plugin_names() == ["odense"]
    (problem,) = host.load_problems
    assert str(problem).startswith(
        "plugin 'broken' (kommuneintegration-broken): failed to load: ModuleNotFoundError"
    )
    assert {i.name: i.errors != () for i in host.plugins()} == {"broken": True, "odense": False}
    with pytest.raises(PluginError, match="no_such_module_xyz"):
        PluginHost(strict=True)


ODENSE = Odense()


def test_every_hook_is_documented_and_tested():
    spec_names = set(HOOK_NAMES)
    assert len(spec_names) >= 7  # the spec markers are found
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    tests = Path(__file__).read_text(encoding="utf-8")
    for name in spec_names:
        assert getattr(hookspecs, name).__doc__, f"hook {name} has no docstring"
        assert re.search(rf"^### `{name}\(", docs, re.M), (
            f"hook {name} is not documented in docs/plugins.md"
        )
        assert re.search(rf"def {name}\(self", tests), (
            f"hook {name} has no throwaway implementation in tests"
        )


@pytest.mark.installed_plugins
def test_a_plugin_claiming_an_installed_city_takes_nothing_over(capsys):
    import io

    from kommuneintegration.cli import main

    class Fake:
        @hookimpl
        def municipality(self):
            return Municipality("851", "Fake Aalborg")

    host = PluginHost(strict=False)
    host.register(Fake(), name="aa")
    out = io.StringIO()
    # A name that is not the code's official one is refused at the door: Aalborg stays.
    assert main(["show", "851"], host=host, out=out) == 0
    assert "Fake Aalborg" not in out.getvalue()
    problems = [p for p in host.registry().problems if p.plugin == "aa"]
    assert "851 is 'Aalborg', not 'Fake Aalborg'" in problems[0].message

    class Twin:
        @hookimpl
        def municipality(self):
            return Municipality("851", "Aalborg")

    host = PluginHost(strict=False)
    host.register(Twin(), name="aa")
    assert main(["show", "851"], host=host, out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert "'aa' (registered at run time) and 'aalborg' (kommuneintegration-aalborg)" in err
    assert main(["compare", "-m", "Aalborg"], host=host, out=io.StringIO()) == 1
    out = io.StringIO()
    assert main(["compare"], host=host, out=out) == 0  # the other cities still work
    assert "København" in out.getvalue()
    assert "Aalborg" not in out.getvalue().split("\n")[0]


@pytest.mark.parametrize(
    ("municipality", "why"),
    [
        (Municipality("100", "København"), "not one of Statistics Denmark's 98"),
        (Municipality("147", "København"), "147 is 'Frederiksberg', not 'København'"),
    ],
)
def test_a_plugin_cannot_take_over_a_name_or_invent_a_code(municipality, why):
    class Usurper:
        @hookimpl
        def municipality(self):
            return municipality

    host = PluginHost(strict=False)
    host.register(Usurper(), name="usurper")
    registry = host.registry()
    assert why in next(p.message for p in registry.problems if p.plugin == "usurper")
    assert registry.municipality("København").code == "101"
    assert municipality.code not in registry.municipalities or municipality.code == "101"


def test_a_municipality_whose_code_changes_between_reads_is_read_once():
    class Shifty(Municipality):
        reads = 0

        @property  # type: ignore[misc]
        def code(self):
            Shifty.reads += 1
            return "461" if Shifty.reads == 1 else "851"

    class Plugin:
        @hookimpl
        def municipality(self):
            return object.__new__(Shifty)

    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(Plugin(), name="shifty")
    registry = host.registry()
    assert "851" not in registry.municipalities


@pytest.mark.parametrize("exc", [SystemExit(3), BaseException("odd"), GeneratorExit()])
def test_a_plugin_that_exits_in_a_hook_is_a_plugin_problem(host, exc):
    class Exiting(Odense):
        @hookimpl
        def strategies(self, municipality):
            raise exc

    host.register(Exiting(), name="exiting")
    (problem,) = host.registry().problems
    assert problem.plugin == "exiting"
    assert type(exc).__name__ in problem.message


def test_a_plugin_that_exits_at_import_is_a_plugin_problem(monkeypatch, tmp_path):
    (tmp_path / "exiting_plugin.py").write_text("import sys\nsys.exit(3)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = importlib.metadata.EntryPoint("exiting", "exiting_plugin", "kommuneintegration")
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [ep])
    host = PluginHost(strict=False)
    (problem,) = host.load_problems
    assert problem.plugin == "exiting"
    assert "SystemExit: 3" in problem.message
    with pytest.raises(PluginError, match="SystemExit"):
        PluginHost(strict=True)


def test_ctrl_c_in_a_plugin_is_not_swallowed(host):
    class Interrupted(Odense):
        @hookimpl
        def strategies(self, municipality):
            raise KeyboardInterrupt

    host.register(Interrupted(), name="interrupted")
    with pytest.raises(KeyboardInterrupt):
        host.registry()


def test_citation_problems_finds_undeclared_documents_and_file_names():
    from kommuneintegration.testing import citation_problems

    class Sloppy(Odense):
        @hookimpl
        def strategies(self, municipality):
            bad = Observation(
                "rate", 61.0, "percent", Provenance("report.pdf", "Tabel 1"), year=2020
            )
            return [strategy(observations=[bad])]

    problems = citation_problems(Sloppy(), "odense")
    assert any("document 'report.pdf' is not declared" in p for p in problems)
    assert any("cites a file name: report.pdf, Tabel 1" in p for p in problems)


def test_an_id_belongs_to_its_plugin_and_a_second_claim_names_who_has_it(host):
    """Groups and concepts only under the plugin's own name; a rule's second claim is named."""

    class Claims:
        @hookimpl
        def target_groups(self):
            return [
                TargetGroup("non-western", "x", ["immigrant"]),
                TargetGroup("first:g", "x", ["immigrant"]),
            ]

        @hookimpl
        def concepts(self):
            return [Concept("employment-gap", "a", "b"), Concept("first:c", "a", "b")]

        @hookimpl
        def evaluation_rules(self):
            return [EvaluationRule("o:r", "d", lambda t, o, c: None)]

    host.register(Claims(), name="first")
    host.register(Claims(), name="second")
    problems = host.registry().problems
    first = {str(p) for p in problems if p.plugin == "first"}
    assert first == {
        "plugin 'first': target_groups: target group 'non-western' is not under the plugin's "
        "own name: write it as 'first:...'",
        "plugin 'first': concepts: concept 'employment-gap' is not under the plugin's own name: "
        "write it as 'first:...'",
    }
    second = {str(p) for p in problems if p.plugin == "second"}
    assert (
        "plugin 'second': target_groups: target group 'first:g' is not under the plugin's own name: write it as 'second:...'"
        in second
    )
    # A bystander keeps its own: København's groups are untouched by both.
    registry = host.registry()
    assert "non-western" in registry.target_groups  # still the built-in one


@pytest.mark.installed_plugins
def test_a_plugin_claiming_another_citys_group_knocks_nobody_out():
    class Evil:
        @hookimpl
        def target_groups(self):
            return [TargetGroup("kobenhavn:etnisk-minoritet", "taken", ["immigrant"])]

    host = PluginHost(strict=False)
    host.register(Evil(), name="aaa-evil")
    registry = host.registry()
    assert registry.strategies["101"]  # København is compared as before
    assert registry.target_groups["kobenhavn:etnisk-minoritet"].label != "taken"
    assert any(p.plugin == "aaa-evil" for p in registry.problems)


@pytest.mark.installed_plugins
def test_a_plugins_print_never_corrupts_the_output(capsys):
    import io
    import json

    from kommuneintegration.cli import main

    class Noisy:
        @hookimpl
        def target_groups(self):
            print("noise from a hook")
            return []

        @hookimpl
        def evaluation_rules(self):
            def loud(target, observations, context):
                print("noise from a rule")
                return None

            return [EvaluationRule("noisy:loud", "prints", loud)]

    host = PluginHost(strict=False)
    host.register(Noisy(), name="noisy")
    out = io.StringIO()
    import sys

    real = sys.stdout
    sys.stdout = out  # the command writes where a user's terminal would be
    try:
        assert main(["compare", "-f", "json"], host=host) == 0
    finally:
        sys.stdout = real
    data = json.loads(out.getvalue())  # valid JSON: no noise in it
    assert data["schema_version"] == 1
    assert "noise" not in out.getvalue()


@pytest.mark.installed_plugins
def test_a_plugin_claiming_another_citys_strategy_id_takes_nothing():
    class Thief:
        @hookimpl
        def municipality(self):
            return Municipality("147", "Frederiksberg")

        @hookimpl
        def strategies(self, municipality):
            return [strategy(sid="kobenhavn-2023")]

    host = PluginHost(strict=False)
    host.register(Thief(), name="aaa-thief")  # listed before kobenhavn
    registry = host.registry()
    assert [s.id for s in registry.strategies["101"]] == ["kobenhavn-2011", "kobenhavn-2023"]
    assert any(
        p.plugin == "aaa-thief"
        and "strategy id 'kobenhavn-2023' is not under the plugin's own name" in p.message
        for p in registry.problems
    )


@pytest.mark.installed_plugins
def test_a_plugin_writing_to_the_descriptor_itself_never_corrupts_the_output():
    import json
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "from kommuneintegration.cli import main\n"
        "from kommuneintegration.hookspecs import hookimpl\n"
        "from kommuneintegration.plugins import PluginHost\n"
        "class Noisy:\n"
        "    @hookimpl\n"
        "    def target_groups(self):\n"
        "        os.write(1, b'FD NOISE\\n')\n"
        "        os.write(2, b'FD NOISE\\n')\n"
        "        return []\n"
        "host = PluginHost(strict=False)\n"
        "host.register(Noisy(), name='noisy')\n"
        "sys.exit(main(['compare', '-f', 'json'], host=host))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "NOISE" not in result.stdout + result.stderr
    assert json.loads(result.stdout)["schema_version"] == 1


def test_a_strategy_id_without_its_plugins_name_is_refused_with_the_form_to_write():
    from test_plugin_fuzz import Vejle

    class Unprefixed(Vejle):
        sid = "integrationspolitik-2024"

    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(Unprefixed(), name="vejle")
    registry = host.registry()
    (problem,) = [p for p in registry.problems if p.path == "strategies"]
    assert problem.plugin == "vejle"
    assert "'integrationspolitik-2024' is not under the plugin's own name" in problem.message
    assert "'vejle-...'" in problem.message
    assert not registry.strategies.get("630")


def test_a_strategy_id_two_plugin_names_fit_is_refused_for_both_and_named():
    from test_plugin_fuzz import Odense, Vejle

    class Short(Odense):  # plugin "odense": "odense-extra-2020" fits its name too
        sid = "odense-extra-2020"
        with_rule = False

    class Long(Vejle):
        sid = "odense-extra-2020"

    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(Short(), name="odense")  # listed first
    host.register(Long(), name="odense-extra")
    registry = host.registry()
    assert "630" not in registry.strategies  # neither a longer name nor the order wins it
    clashes = [p for p in registry.problems if "'odense-extra-2020' is claimed" in p.message]
    assert {p.plugin for p in clashes} == {"odense", "odense-extra"}
    assert all("'odense' and 'odense-extra'" in p.message for p in clashes)
