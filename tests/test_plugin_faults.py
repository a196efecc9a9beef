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
