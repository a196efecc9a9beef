"""København's data loads in a host of its own, with its own country group."""

from kommuneintegration_kobenhavn import plugin

from kommuneintegration.plugins import PluginHost
from kommuneintegration.testing import citation_problems


def test_kobenhavn_plugin_validates_and_contributes_selected_menapt():
    host = PluginHost(load_entrypoints=False)
    host.register(plugin, name="kobenhavn")
    registry = host.registry()
    assert registry.problems == ()
    selected = registry.country_groups.get("kobenhavn:udvalgte-menapt")
    assert selected.members <= registry.country_groups.get("menapt").members
    assert len(selected) == 7
    placeholders = [
        t.note
        for s in registry.strategies["101"]
        for t in s.themes
        if t.status.value == "placeholder"
    ]
    assert len(placeholders) == 5


def test_every_provenance_cites_a_declared_document():
    """Sources a reader can open: every figure and text names a document, never a file name."""
    assert citation_problems(plugin, "kobenhavn") == []
    assert plugin.data.documents
