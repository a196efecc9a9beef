"""A Python plugin's faults cost only its own results (issue 26): checked result fields,
guarded text, a time limit, and a KeyboardInterrupt of its own that is not the user's."""

from __future__ import annotations

import time

import pytest
from helpers import make_strategy, obs
from test_evaluation import registry_with, target

from kommuneintegration.contain import watch_interrupts
from kommuneintegration.evaluation import evaluate_all
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.plugins import PluginHost
from kommuneintegration.rules import Evaluation, EvaluationRule, Status


class UnprintableError(Exception):
    def __str__(self):
        raise RuntimeError("no text for you")


class Sneaky(str):
    def __str__(self):
        raise RuntimeError("a str subclass that bites later")


def _rows(rule_function):
    s = make_strategy(
        observations=[obs("rate", 50, group="non-western", year=2020)],
        targets=[
            target(id="bad", kind="unspecified", rule="odense:bad"),
            target(id="fine", kind="unspecified"),
        ],
    )
    registry = registry_with(s, [EvaluationRule("odense:bad", "faulty", rule_function)])
    return {r.target.id: r.evaluation for r in evaluate_all(registry)}


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        (lambda: Evaluation(Status.ACHIEVED, None), "reason is NoneType, not text"),
        (lambda: Evaluation(Status.ACHIEVED, 12345), "reason is int, not text"),
        (lambda: Evaluation(Status.ACHIEVED, "ok", alternative=b"x"), "alternative is bytes"),
    ],
)
def test_a_result_with_a_wrong_field_is_that_targets_rule_error(returned, words):
    rows = _rows(lambda t, o, c: returned())
    assert rows["bad"].status is Status.RULE_ERROR
    assert words in rows["bad"].reason
    assert rows["fine"].status is Status.NOT_EVALUABLE


def test_a_str_subclass_is_made_plain_text():
    rows = _rows(lambda t, o, c: Evaluation(Status.ACHIEVED, Sneaky("fine words")))
    assert rows["bad"].reason.startswith("fine words")
    assert type(rows["bad"].reason) is str


def test_an_exception_whose_str_raises_is_still_one_reason():
    def rule(t, o, c):
        raise UnprintableError

    rows = _rows(rule)
    assert rows["bad"].status is Status.RULE_ERROR
    assert "UnprintableError" in rows["bad"].reason


def test_a_rule_that_never_returns_is_cut_off(monkeypatch):
    monkeypatch.setenv("KOMMUNEINTEGRATION_PLUGIN_TIMEOUT", "0.2")

    def forever(t, o, c):
        while True:
            time.sleep(0.01)

    started = time.monotonic()
    rows = _rows(forever)
    assert time.monotonic() - started < 5
    assert rows["bad"].status is Status.RULE_ERROR
    assert "time limit of 0.2 s" in rows["bad"].reason


def test_a_keyboard_interrupt_from_plugin_code_is_its_fault_not_the_users():
    def rule(t, o, c):
        raise KeyboardInterrupt

    with watch_interrupts():  # as the command line runs: Ctrl-C was not pressed
        rows = _rows(rule)
    assert rows["bad"].status is Status.RULE_ERROR
    assert "KeyboardInterrupt" in rows["bad"].reason
    with pytest.raises(KeyboardInterrupt):  # outside the command line: taken as the user's
        _rows(rule)


def test_a_hook_returning_an_endless_iterator_costs_only_that_plugin():
    import itertools

    from kommuneintegration.models import TargetGroup

    class Endless:
        @hookimpl
        def target_groups(self):
            return (TargetGroup("endless:g", "g", ["immigrant"]) for _ in itertools.count())

    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(Endless(), name="endless")
    problems = host.registry().problems
    assert any("more than 100,000 items" in p.message for p in problems)


def test_a_figure_changed_behind_attrs_back_after_its_hook_is_that_plugins_problem():
    """check_strategy runs after every hook of every plugin: a NaN set into a frozen
    observation after strategies() returned (here by a plugin called later that holds a
    reference) costs the strategy's plugin that strategy, not the comparison."""
    from test_plugin_fuzz import Odense, Vejle

    from kommuneintegration.comparison import compare

    class Keeper(Odense):
        with_rule = False

        @hookimpl
        def strategies(self, municipality):
            self.kept = super().strategies(municipality)
            return self.kept

    keeper = Keeper()

    class Accomplice:
        @hookimpl
        def translations(self):
            object.__setattr__(keeper.kept[0].observations[0], "value", float("nan"))
            return {}

    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(keeper, name="odense")
    host.register(Vejle(), name="vejle")
    host.register(Accomplice(), name="zz-accomplice")  # called after odense
    registry = host.registry()
    (found,) = [p for p in registry.problems if p.plugin == "odense"]
    assert found.path == "strategies"
    assert "changed after it was returned: strategies[0].observations[0]:" in found.message
    assert "finite" in found.message
    assert not registry.strategies.get("461")
    assert compare(registry, municipalities=["630"]).municipalities[0].code == "630"
    assert evaluate_all(registry, municipalities=["630"])


def test_a_data_plugins_record_changed_by_a_python_plugin_is_still_caught():
    """Data plugins and the library's own run unfenced and are not checked twice (nothing
    foreign ran), but once a Python plugin is installed what they returned is checked again."""
    from kommuneintegration.plugins.dataplugin import DataPlugin

    aarhus = DataPlugin("kommuneintegration_aarhus")  # its own copy of the records

    class Accomplice:
        @hookimpl
        def translations(self):
            object.__setattr__(aarhus.data.strategies[0].observations[0], "value", float("nan"))
            return {}

    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(aarhus, name="aarhus")
    host.register(Accomplice(), name="zz-accomplice")  # called after aarhus
    registry = host.registry()
    (found,) = [p for p in registry.problems if p.plugin == "aarhus"]
    assert "changed after it was returned: strategies[0].observations[0]:" in found.message
    assert not registry.strategies.get("751")


def test_only_foreign_code_is_fenced(monkeypatch):
    """A time limit costs a watchdog thread per call: data plugins and the library's own hooks
    and rules run without one, a Python plugin's hooks and rules with one."""
    from kommuneintegration import plugins
    from kommuneintegration.analysis import evaluation
    from kommuneintegration.plugins.dataplugin import DataPlugin

    fenced: list[str] = []

    def counting(name):
        def fence(*args, **kwargs):
            fenced.append(name)
            return real(*args, **kwargs)

        return fence

    real = plugins.time_limit
    monkeypatch.setattr(plugins, "time_limit", counting("hook"))
    monkeypatch.setattr(evaluation, "time_limit", counting("rule"))
    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(DataPlugin("kommuneintegration_aarhus"), name="aarhus")
    evaluate_all(host.registry())
    assert fenced == []

    class Python:
        @hookimpl
        def concepts(self):
            return []

    host.register(Python(), name="python")
    host._registry = None
    host.registry()
    assert fenced
    assert set(fenced) == {"hook"}


def test_a_rule_that_changes_its_inputs_behind_attrs_back_changes_nothing_else():
    """A rule is handed copies: whatever it sets into the target, the observations or the
    strategy stays with that call, and the registry's figures are as the plugin gave them."""

    def rule(t, observations, context):
        object.__setattr__(observations[0], "value", 99.0)
        object.__setattr__(context.strategy.observations[0], "value", 98.0)
        object.__setattr__(t, "wording", "changed")
        return Evaluation(Status.ACHIEVED, "fine")

    s = make_strategy(
        observations=[obs("rate", 50, group="non-western", year=2020)],
        targets=[target(id="bad", kind="unspecified", rule="odense:bad")],
    )
    registry = registry_with(s, [EvaluationRule("odense:bad", "changes things", rule)])
    first = evaluate_all(registry)
    second = evaluate_all(registry)
    assert [r.evaluation.status for r in first + second] == [Status.ACHIEVED] * 2
    (kept,) = registry.strategies["461"]
    assert kept.observations[0].value == 50
    assert kept.targets[0].wording == "w"


def test_a_target_group_changed_after_its_hook_is_left_out_with_its_plugin():
    from test_plugin_fuzz import Odense, Vejle

    from kommuneintegration.models import TargetGroup

    group = TargetGroup("odense:ny", "nye odenseanere", ["immigrant"])

    class Defines(Odense):
        with_rule = False

        @hookimpl
        def target_groups(self):
            return [group]

    class Accomplice:
        @hookimpl
        def target_groups(self):
            object.__setattr__(group, "label", "")
            return []

    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(Defines(), name="odense")
    host.register(Vejle(), name="vejle")
    host.register(Accomplice(), name="zz-accomplice")  # called after odense
    registry = host.registry()
    (found,) = [p for p in registry.problems if p.plugin == "odense"]
    assert found.path == "target_groups"
    assert "target_groups[0]" in found.message
    assert "odense:ny" not in registry.target_groups
    assert registry.municipalities["630"].name == "Vejle"
    assert evaluate_all(registry, municipalities=["630"])


# --- issue 35, class 5 ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_a_rule_returning_a_figure_that_is_no_number_is_that_rules_fault(bad):
    import json

    from kommuneintegration.render.jsonout import evaluations_to_json
    from kommuneintegration.rules import Progress, ProgressStatus

    def rule(t, o, c):
        return Evaluation(
            Status.ON_TRACK, "fine", distance=Progress(ProgressStatus.ON_TRACK, bad, "why")
        )

    s = make_strategy(
        observations=[obs("rate", 50, group="non-western", year=2020)],
        targets=[
            target(id="bad", kind="unspecified", rule="odense:bad"),
            target(id="fine", kind="unspecified"),
        ],
    )
    registry = registry_with(s, [EvaluationRule("odense:bad", "faulty", rule)])
    rows = evaluate_all(registry)
    by_id = {r.target.id: r.evaluation for r in rows}
    assert by_id["bad"].status is Status.RULE_ERROR
    assert "not a finite number" in by_id["bad"].reason
    assert by_id["fine"].status is Status.NOT_EVALUABLE
    document = json.loads(evaluations_to_json(rows))  # strict JSON: the run did not fall
    assert "rule-error" in json.dumps(document)


def _installed(tmp_path, dist, entry_points, modules):
    """A distribution on a PYTHONPATH folder: its metadata, entry points and modules."""
    info = tmp_path / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8"
    )
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[kommuneintegration]\n{lines}", encoding="utf-8")
    for name, code in modules.items():
        (tmp_path / f"{name}.py").write_text(code, encoding="utf-8")
    return tmp_path


def _program(path, *argv):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(path), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "kommuneintegration", "--lang", "en", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


LEAKY = """
import atexit, os, sys, threading, time

def chatter():
    for _ in range(200):
        print("THREAD-LEAK", flush=True)
        try:
            os.write(1, b"FD-LEAK\\n")
        except OSError:
            pass
        time.sleep(0.01)

threading.Thread(target=chatter, daemon=True).start()
atexit.register(lambda: print("ATEXIT-LEAK", flush=True))
"""


@pytest.mark.installed_plugins
def test_output_of_plugin_threads_and_atexit_handlers_never_reaches_stdout(tmp_path):
    import json

    path = _installed(tmp_path, "leaky-plugin", {"leaky": "leaky_plugin"}, {"leaky_plugin": LEAKY})
    done = _program(path, "evaluate", "-f", "json", "--no-statbank")
    assert done.returncode == 0, done.stderr
    assert "LEAK" not in done.stdout
    assert json.loads(done.stdout)  # the whole output is one JSON document
    assert "ATEXIT-LEAK" in done.stderr  # said, where it cannot spoil the output


@pytest.mark.installed_plugins
def test_a_plugin_name_claimed_by_two_distributions_is_refused_for_both(tmp_path):
    forged = "raise SystemExit('the forged plugin was imported')\n"
    path = _installed(tmp_path, "kommuneintegration-zz", {"aalborg": "forged"}, {"forged": forged})
    listed = _program(path, "plugins")
    assert "kommuneintegration-zz" in listed.stderr + listed.stdout
    assert "claimed by the distributions" in listed.stderr + listed.stdout
    compared = _program(path, "compare", "-f", "json", "--no-statbank")
    assert "forged plugin" not in compared.stderr
    assert "claimed by the distributions" in compared.stderr
    import json

    cities = {m["code"] for m in json.loads(compared.stdout)["municipalities"]}
    assert "851" not in cities  # Aalborg: neither the real nor the forged one wins
    assert "751" in cities  # the other cities are compared


@pytest.mark.installed_plugins
def test_a_keyboard_interrupt_raised_at_a_plugins_import_is_that_plugins_fault(tmp_path):
    path = _installed(
        tmp_path, "interrupting", {"interrupting": "interrupting"},
        {"interrupting": "raise KeyboardInterrupt\n"},
    )  # fmt: skip
    done = _program(path, "compare", "-f", "json", "--no-statbank")
    assert done.returncode == 0, done.stderr
    assert "interrupted" not in done.stderr.split("KeyboardInterrupt")[0]
    assert "interrupting" in done.stderr
    assert "KeyboardInterrupt raised by the plugin's code" in done.stderr


STUCK = """
import re, time
from kommuneintegration.contain import time_limit, watch_interrupts, PluginTimeoutError

def swallowing():
    while True:
        try:
            time.sleep(0.05)
        except PluginTimeoutError:
            pass

def in_c_code():
    re.match(r"(a+)+$", "a" * 64 + "b")  # holds the interpreter for ages

with watch_interrupts(), time_limit(0.3):
    {what}()
print("never here")
"""


@pytest.mark.parametrize("what", ["swallowing", "in_c_code"])
def test_plugin_code_the_time_limit_cannot_stop_ends_the_command_line(what):
    import subprocess
    import sys

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", STUCK.replace("{what}", what)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert time.monotonic() - started < 30
    assert done.returncode == 1
    assert "never here" not in done.stdout
    assert "Timeout" in done.stderr  # where it was stuck
    assert what in done.stderr


@pytest.mark.installed_plugins
def test_a_strategy_id_under_a_longer_plugin_name_is_won_by_neither_and_named():
    """A strategy id belongs to the plugin whose name is its prefix up to a separator;
    where two plugins' names fit and both claim it, it is refused for both, each named."""
    from test_plugin_fuzz import Vejle

    class Longer(Vejle):  # "aarhus-2017" fits aarhus-2017-alternativet as "aarhus" does
        sid = "aarhus-2017-alternativet"

    class Stranger(Vejle):  # "aarhus-2" does not: the id is not under its name
        sid = "aarhus-2017-alternativet"

    host = PluginHost(strict=False)
    host.register(Stranger(), name="aarhus-2")
    registry = host.registry()
    assert "aarhus-2017-alternativet" in {s.id for s in registry.strategies["751"]}
    assert any(p.plugin == "aarhus-2" and "own name" in p.message for p in registry.problems)

    host = PluginHost(strict=False)
    host.register(Longer(), name="aarhus-2017")
    registry = host.registry()
    clashes = [p for p in registry.problems if "'aarhus-2017-alternativet' is claimed" in p.message]
    assert {p.plugin for p in clashes} == {"aarhus", "aarhus-2017"}
    assert all("'aarhus' and 'aarhus-2017'" in p.message for p in clashes)
    assert "751" not in registry.strategies  # never silently won by the longer name
    assert "630" not in registry.strategies
    assert "851" in registry.strategies  # the other plugins are untouched
