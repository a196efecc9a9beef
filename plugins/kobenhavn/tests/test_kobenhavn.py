"""København's data loads in a host of its own, with its own country group."""

from kommuneintegration_kobenhavn import plugin

from kommuneintegration.plugins import PluginHost


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
    host = PluginHost(load_entrypoints=False)
    host.register(plugin, name="kobenhavn")
    registry = host.registry()
    documents = {d.key: d for d in plugin.data.documents}
    assert documents
    for document in documents.values():
        assert document.publisher
        assert document.title
        assert document.status
    for strategy in registry.strategies["101"]:
        items = [strategy, *strategy.observations, *strategy.targets, *strategy.indicators]
        for item in items:
            provenance = item.source if item is strategy else item.provenance
            assert provenance is not None
            assert provenance.cited is documents[provenance.document]
            assert ".txt" not in str(provenance)
