"""The national reference loads, and its goals are evaluated by the barometer's own rule."""

from kommuneintegration_danmark import plugin

from kommuneintegration.evaluation import evaluate_all
from kommuneintegration.i18n import use_language
from kommuneintegration.plugins import PluginHost


def test_the_barometer_loads_with_its_indicators_and_figures():
    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(plugin, name="danmark")
    registry = host.registry()
    assert registry.municipalities["000"].name == "Hele landet"
    (strategy,) = registry.strategies["000"]
    assert len(strategy.goals) == 9
    assert [i.label.split()[0] for i in strategy.indicators] == [
        "1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3",
        "4.1", "4.2", "4.3", "5.1", "6.1", "6.2", "6.3", "7", "8", "9",
    ]  # fmt: skip
    gap = strategy.indicator("barometer-1-1")
    assert str(gap.age_band) == "25-64"
    assert [(o.year, o.value) for o in strategy.observations_of("barometer-1-1")] == [
        (2020, 20),
        (2012, 26),
    ]
    for obs in strategy.observations:
        assert obs.provenance.cited.publisher == "Udlændinge- og Integrationsministeriet"


def test_goals_are_evaluated_by_the_barometer_rule():
    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(plugin, name="danmark")
    with use_language("en"):  # the reasons are written in the language of the run
        rows = {r.target.id: r.evaluation for r in evaluate_all(host.registry())}
    assert len(rows) == 18
    # where the rule finds two dated figures it decides; elsewhere the figures are too few
    # (goals 4-9's latest figures often have no year) and the target cannot be evaluated
    assert {e.rule for e in rows.values() if e.movement} == {"barometer"}
    assert all(e.status.value == "not-evaluable" for e in rows.values() if not e.movement)
    assert rows["target-4-3"].movement == "positive"  # 63 % (2012) -> 66 % (2016)
    # 1.1: the gap fell from 26 to 20 points: positive. 3.2: 57 % -> 52 %: negative.
    assert rows["target-1-1"].status.value == "on-track"
    assert "movement positive" in rows["target-1-1"].reason
    assert rows["target-3-2"].status.value == "not-on-track"
    assert "movement negative" in rows["target-3-2"].reason
