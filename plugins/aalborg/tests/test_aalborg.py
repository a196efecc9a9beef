"""Aalborg's data loads in a host of its own and keeps its table 3 schedule."""

from kommuneintegration_aalborg import plugin

from kommuneintegration.plugins import PluginHost
from kommuneintegration.testing import citation_problems


def test_aalborg_plugin_validates_and_holds_table_3():
    host = PluginHost(load_entrypoints=False)
    host.register(plugin, name="aalborg")
    registry = host.registry()
    assert registry.problems == ()
    (strategy,) = registry.strategies["851"]
    schedule = [
        (t.year, t.value, t.comparator.value)
        for t in strategy.targets
        if t.id.startswith("workforce-target")
    ]
    assert schedule == [
        (2018, 5.8, "at-least"),
        (2019, 6.0, "at-least"),
        (2020, 6.2, "at-least"),
        (2021, 6.3, "at-least"),
    ]
    assert registry.target_groups["aalborg:flerkulturel"].country_group is None


def test_every_provenance_cites_a_declared_document():
    """Sources a reader can open: every figure and text names a document, never a file name."""
    assert citation_problems(plugin, "aalborg") == []
    assert plugin.data.documents
