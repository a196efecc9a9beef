"""Aarhus's data loads in a host of its own; the party paper is not city policy."""

from kommuneintegration_aarhus import plugin

from kommuneintegration.plugins import PluginHost
from kommuneintegration.testing import citation_problems


def test_aarhus_plugin_validates_and_separates_policy_from_proposal():
    host = PluginHost(load_entrypoints=False)
    host.register(plugin, name="aarhus")
    registry = host.registry()
    assert registry.problems == ()
    kinds = {s.id: (s.kind.value, s.author) for s in registry.strategies["751"]}
    assert kinds == {
        "aarhus-2007": ("adopted-policy", "Aarhus Byråd"),
        "aarhus-2017-alternativet": ("proposal", "Alternativet Aarhus"),
    }


def test_every_provenance_cites_a_declared_document():
    """Sources a reader can open: every figure and text names a document, never a file name."""
    assert citation_problems(plugin, "aarhus") == []
    assert plugin.data.documents
