"""A plugin fuzzer: random hook results, rule results and .po files never take down another city.

Each example registers a throwaway plugin whose hooks return random things (the
right types, the wrong types, broken objects), whose rule returns random
results, and whose translation file is random text; the property is that the
registry builds, the other city (a plain Odense) is compared and evaluated as
without the hostile plugin, and nothing raises but a plugin problem.
"""

from __future__ import annotations

import os

from helpers import make_strategy, obs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommuneintegration.comparison import compare
from kommuneintegration.datafile import load_translations
from kommuneintegration.evaluation import evaluate_all
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.models import Municipality, TargetGroup
from kommuneintegration.plugins import PluginHost
from kommuneintegration.rules import Evaluation, EvaluationRule, Status

EXAMPLES = int(os.environ.get("KOMMUNEINTEGRATION_FUZZ_EXAMPLES", "40"))


class Odense:
    sid = "odense-2024"
    #: Whether the second target uses the plugin's own rule (the bystander has none).
    with_rule = True

    @hookimpl
    def municipality(self):
        return Municipality("461", "Odense")

    @hookimpl
    def strategies(self, municipality):
        return [
            make_strategy(
                sid=self.sid,
                observations=[obs("rate", 50, group="non-western", year=2020)],
                targets=[
                    {
                        "id": "t",
                        "indicator": "rate",
                        "kind": "unspecified",
                        "wording": "w",
                        "reading": "r",
                    },
                    *(
                        [
                            {
                                "id": "t2",
                                "indicator": "rate",
                                "kind": "direction",
                                "direction": "increase",
                                "rule": "odense:r",
                                "wording": "w",
                                "reading": "r",
                            }
                        ]
                        if self.with_rule
                        else []
                    ),
                ],
            )
        ]


class Vejle(Odense):
    """A bystander the hostile plugin never claims."""

    sid = "vejle-2024"
    with_rule = False

    @hookimpl
    def municipality(self):
        return Municipality("630", "Vejle")


class Broken:
    def __str__(self):
        raise RuntimeError("no text")

    def __repr__(self):  # hypothesis must show the example; str() is the trap here
        return "Broken()"

    def __iter__(self):
        raise RuntimeError("no items")


_junk = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=20),
    st.binary(max_size=10),
    st.just(Broken()),
    st.just([Broken()]),
    st.lists(st.integers(), max_size=3),
    st.just([TargetGroup("hostile:g", "g", ["immigrant"])]),
    st.just([TargetGroup("odense:g", "taken", ["immigrant"])]),
    st.just(Municipality("461", "Odense")),
    st.just(Municipality("100", "København")),
    st.just({"da": {"x": 1}}),
)

_results = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=10),
    st.just(Broken()),
    st.builds(
        lambda r: Evaluation(Status.ACHIEVED, r),
        st.one_of(st.none(), st.integers(), st.text(max_size=5)),
    ),
    st.sampled_from(["raise", "exit", "interrupt"]),
)


def _odense_with_rule(rule_result):
    """Odense whose own rule (used by its target t2) returns or raises ``rule_result``."""

    def rule(target, observations, context):
        if rule_result == "raise":
            raise ValueError("boom")
        if rule_result == "exit":
            raise SystemExit(2)
        if rule_result == "interrupt":
            raise GeneratorExit
        return rule_result

    class WithRule(Odense):
        @hookimpl
        def evaluation_rules(self):
            return [EvaluationRule("odense:r", "r", rule)]

    return WithRule()


def _hostile(hooks):
    class Hostile:
        pass

    for hook, value in hooks.items():

        def make(value=value, hook=hook):
            if hook == "strategies":

                def impl(self, municipality):
                    return value

            else:

                def impl(self):
                    return value

            return hookimpl(impl)

        setattr(Hostile, hook, make())

    return Hostile()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    hooks=st.dictionaries(
        st.sampled_from(
            [
                "municipality",
                "strategies",
                "target_groups",
                "country_groups",
                "concepts",
                "translations",
            ]
        ),
        _junk,
        max_size=4,
    ),
    rule_result=_results,
)
def test_random_plugins_never_take_down_another_city(hooks, rule_result):
    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(_odense_with_rule(rule_result), name="odense")
    host.register(Vejle(), name="vejle")
    host.register(_hostile(hooks), name="hostile")
    registry = host.registry()
    if "461" in registry.contested:  # a claim on Odense's code: both claimants out, named
        assert hooks.get("municipality") == Municipality("461", "Odense")
        assert "461" not in registry.municipalities
    else:  # anything else the hostile plugin did costs Odense nothing
        assert registry.municipalities["461"].name == "Odense"
        assert [s.id for s in registry.strategies["461"]] == ["odense-2024"]
    # The bystander is always compared and evaluated as without the hostile plugin.
    assert registry.municipalities["630"].name == "Vejle"
    result = compare(registry, municipalities=["630"])
    assert result.municipalities[0].code == "630"
    rows = evaluate_all(registry, municipalities=["630"])
    assert rows
    assert all(isinstance(r.evaluation.reason, str) for r in rows)
    # The city whose target uses the hostile rule: that target alone may be a rule error.
    for row in evaluate_all(registry, municipalities=["461"]):
        assert type(row.evaluation.reason) is str
        assert isinstance(row.evaluation.status, Status)
        if row.target.id == "t":
            assert row.evaluation.status is Status.NOT_EVALUABLE


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(content=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_random_translation_files_are_a_problem_of_their_plugin_at_most(tmp_path_factory, content):
    root = tmp_path_factory.mktemp("plugin")
    (root / "locale").mkdir()
    (root / "locale" / "da.po").write_bytes(
        b'msgid ""\nmsgstr "Plural-Forms: nplurals=2;\\n"\n' + content
    )
    problems: list = []
    found = load_translations(root, problems)
    assert isinstance(found, dict)
    assert all("da.po" in str(p) for p in problems)
