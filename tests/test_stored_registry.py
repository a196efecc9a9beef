"""The registry of data plugins kept between runs: the same registry, and never a stale one."""

from __future__ import annotations

import itertools
import os
import shutil
import sys
from pathlib import Path

import pytest

from kommuneintegration.i18n import use_language
from kommuneintegration.plugins import PluginHost
from kommuneintegration.plugins.dataplugin import DataPlugin
from kommuneintegration.plugins.hookspecs import hookimpl

AARHUS = Path(__file__).parents[1] / "plugins" / "aarhus" / "src" / "kommuneintegration_aarhus"


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The store on, in a cache folder of the test's own; a copy of Aarhus's plugin to edit."""
    monkeypatch.setenv("KOMMUNEINTEGRATION_PLUGIN_CACHE", "1")
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "cache"))
    # a package name of the test's own: an imported package is found by its name
    package = f"aarhus_copy_{next(_COPIES)}"
    shutil.copytree(AARHUS, tmp_path / "packages" / package)
    monkeypatch.syspath_prepend(str(tmp_path / "packages"))
    monkeypatch.setattr(sys.modules[__name__], "_PACKAGE", package)
    return tmp_path / "packages" / package


_COPIES = itertools.count()
_PACKAGE = ""


def _host(*extra: object) -> PluginHost:
    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(DataPlugin(_PACKAGE), name="aarhus")
    for i, plugin in enumerate(extra):
        host.register(plugin, name=f"extra{i}")
    return host


def _stored(package: Path) -> list[Path]:
    return sorted((package.parents[1] / "cache" / "registry").glob("*.pickle"))


def _not_built(monkeypatch):
    def refuse(self):
        raise AssertionError("built again")

    monkeypatch.setattr(PluginHost, "_collect", refuse)


def test_the_second_run_reads_the_registry_the_first_built(store, monkeypatch):
    built = _host().registry()
    assert len(_stored(store)) == 1
    assert _stored(store)[0].stat().st_mode & 0o077 == 0  # the user's alone
    _not_built(monkeypatch)
    read = _host().registry()
    assert read == built
    assert [s.id for s in read.strategies["751"]] == [s.id for s in built.strategies["751"]]


def test_an_edited_plugin_file_is_read_again(store):
    before = _host().registry()
    toml = store / "data" / "strategies" / "integrationspolitik-2007.toml"
    toml.write_text(
        toml.read_text("utf-8").replace(
            'title = "Aarhus Kommunes Integrationspolitik"', 'title = "Aarhus, ændret"'
        ),
        "utf-8",
    )
    after = _host().registry()
    titles = {s.id: s.title for s in after.strategies["751"]}
    assert titles["aarhus-2007"] == "Aarhus, ændret"
    assert {s.id: s.title for s in before.strategies["751"]}["aarhus-2007"] != "Aarhus, ændret"
    assert len(_stored(store)) == 2


def test_each_language_has_its_own_registry(store):
    with use_language("da"):
        _host().registry()
    with use_language("en"):
        _host().registry()
    assert len(_stored(store)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"not a registry"),
        lambda p: p.write_bytes(p.read_bytes()[:-100]),  # cut short
        lambda p: p.write_bytes(p.read_bytes().replace(b"registry 1", b"registry 9", 1)),
    ],
)
def test_a_damaged_store_is_passed_over_and_replaced(store, damage):
    built = _host().registry()
    (path,) = _stored(store)
    damage(path)
    assert _host().registry() == built
    assert _host().registry() == built
    assert path.read_bytes().startswith(b"kommuneintegration registry 1\n")


def test_a_store_others_may_write_is_never_read(store, monkeypatch):
    """Reading a pickle runs code: a file another user could have written is not read."""
    _host().registry()
    (path,) = _stored(store)
    path.chmod(0o666)
    calls = []
    real = PluginHost._collect
    monkeypatch.setattr(PluginHost, "_collect", lambda self: calls.append(1) or real(self))
    _host().registry()
    assert calls == [1]
    assert path.stat().st_mode & 0o077 == 0  # and it was replaced by the user's own


def test_a_python_plugin_is_never_stored(store):
    class Python:
        @hookimpl
        def concepts(self):
            return []

    _host(Python()).registry()
    assert _stored(store) == []


def test_the_store_can_be_turned_off(store, monkeypatch):
    monkeypatch.setenv("KOMMUNEINTEGRATION_PLUGIN_CACHE", "0")
    _host().registry()
    assert _stored(store) == []


def test_a_cache_folder_that_cannot_be_written_costs_only_the_time(store, monkeypatch):
    blocked = store.parents[1] / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(blocked))  # a file, not a folder
    registry = _host().registry()
    assert [s.id for s in registry.strategies["751"]]
    assert not registry.problems


def test_old_registries_are_removed(store, monkeypatch):
    from kommuneintegration.plugins import stored

    monkeypatch.setattr(stored, "_KEEP", 2)
    toml = store / "data" / "plugin.toml"
    for i in range(4):
        toml.write_text(toml.read_text("utf-8") + f"\n# edit {i}\n", "utf-8")
        _host().registry()
    assert len(_stored(store)) == 2


def test_compare_reads_the_same_from_the_store_as_from_the_files(tmp_path):
    """The command as the analyst runs it: the first run builds and keeps the registry, the
    second reads it, and both print the same, in Danish and in English."""
    import os
    import subprocess

    env = dict(os.environ, KOMMUNEINTEGRATION_PLUGIN_CACHE="1")
    env["KOMMUNEINTEGRATION_CACHE_DIR"] = str(tmp_path)
    for lang in ("da", "en"):
        command = [sys.executable, "-m", "kommuneintegration", "--lang", lang, "compare"]
        first, second = (
            subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            for _ in range(2)
        )
        assert second.stdout == first.stdout
        assert "Aarhus" in first.stdout
    assert len(list((tmp_path / "registry").glob("*.pickle"))) == 2


def test_a_data_plugin_given_a_hook_of_its_own_is_fenced_and_never_stored(store, monkeypatch):
    """An entry point's module can set a hook on a DataPlugin instance: that is Python code,
    so it runs under the time limit and what the plugin returns is never kept."""
    from kommuneintegration import plugins

    fenced: list[int] = []
    real = plugins.time_limit

    def counting(*args, **kwargs):
        fenced.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(plugins, "time_limit", counting)

    @hookimpl
    def concepts():
        return []

    sneaky = DataPlugin(_PACKAGE)
    sneaky.concepts = concepts
    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(sneaky, name="aarhus")
    assert host.registry().strategies["751"]
    assert fenced
    assert _stored(store) == []


def test_a_file_beyond_the_loaders_limits_is_said_and_nothing_is_kept(store):
    from kommuneintegration.limits import MAX_TRANSLATION_BYTES

    (store / "data" / "locale" / "en.po").write_bytes(b"#" * (MAX_TRANSLATION_BYTES + 1))
    registry = _host().registry()
    assert any("at most" in p.message for p in registry.problems)
    assert _stored(store) == []


def test_each_day_has_its_own_registry(store, monkeypatch):
    """A figure's year is checked against today's: a registry is never read on another day."""
    from kommuneintegration.plugins import stored

    _host().registry()
    monkeypatch.setattr(stored, "_today", lambda: "2999-01-01")
    _host().registry()
    assert len(_stored(store)) == 2


def test_a_linked_strategies_folder_is_read_as_the_loader_reads_it(store, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(store / "data" / "strategies", elsewhere)
    (store / "data" / "strategies").symlink_to(elsewhere, target_is_directory=True)
    _host().registry()
    toml = elsewhere / "integrationspolitik-2007.toml"
    toml.write_text(toml.read_text("utf-8").replace("Integrationspolitik", "Politik"), "utf-8")
    titles = {s.id: s.title for s in _host().registry().strategies["751"]}
    assert titles["aarhus-2007"] == "Aarhus Kommunes Politik"


def test_a_file_changed_while_the_registry_is_built_is_not_kept(store, monkeypatch):
    toml = store / "data" / "plugin.toml"
    real = PluginHost._collect

    def edited_meanwhile(self):
        built = real(self)
        toml.write_text(toml.read_text("utf-8") + "\n# edited\n", "utf-8")
        return built

    monkeypatch.setattr(PluginHost, "_collect", edited_meanwhile)
    _host().registry()
    assert _stored(store) == []


def test_only_the_stores_own_files_are_removed(store, monkeypatch):
    from kommuneintegration.plugins import stored

    monkeypatch.setattr(stored, "_KEEP", 1)
    folder = store.parents[1] / "cache" / "registry"
    folder.mkdir(parents=True, mode=0o700)
    mine = [folder / "model.pickle", folder / "notes.txt", folder / ("0" * 64 + ".pickle.bak")]
    for path in mine:
        path.write_text("the user's own")
    toml = store / "data" / "plugin.toml"
    for i in range(3):
        toml.write_text(toml.read_text("utf-8") + f"\n# edit {i}\n", "utf-8")
        _host().registry()
    assert len(_stored(store)) == 2  # model.pickle and the newest registry
    assert all(path.read_text() == "the user's own" for path in mine)


def test_a_folder_where_the_store_would_be_costs_only_the_time(store):
    built = _host().registry()
    (path,) = _stored(store)
    path.unlink()
    path.mkdir()
    assert _host().registry() == built


def test_an_output_into_the_store_is_refused(tmp_path):
    import os
    import subprocess

    env = dict(os.environ, KOMMUNEINTEGRATION_PLUGIN_CACHE="1")
    env["KOMMUNEINTEGRATION_CACHE_DIR"] = str(tmp_path)
    (tmp_path / "registry").mkdir(mode=0o700)
    out = tmp_path / "registry" / "x.txt"
    command = [sys.executable, "-m", "kommuneintegration", "--lang", "en", "compare", "-o", out]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "the plugins' registry kept between runs" in result.stderr
    assert not out.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_named_as_a_data_file_is_said_never_waited_on(store):
    """A data plugin runs without the time limit, so its files are opened without waiting
    and read only when they are regular files: a FIFO costs its file, not the run."""
    os.mkfifo(store / "data" / "strategies" / "fifo.toml")
    os.mkfifo(store / "data" / "locale" / "en.po")
    registry = _host().registry()
    said = " ".join(p.message for p in registry.problems)
    assert said.count("FIFO (named pipe): only a regular file is read as a data file") == 2
    assert _stored(store) == []


def test_a_data_plugin_class_given_a_hook_is_no_longer_trusted(store, monkeypatch):
    @hookimpl
    def concepts(self):
        return []

    monkeypatch.setattr(DataPlugin, "concepts", concepts, raising=False)
    host = _host()
    host.registry()
    assert host._data_only == frozenset()
    assert _stored(store) == []


def test_a_package_name_that_is_not_a_plain_string_is_not_trusted(store):
    class Name(str):
        pass

    host = PluginHost(load_entrypoints=False, strict=False)
    host.register(DataPlugin(Name(_PACKAGE)), name="aarhus")
    host.registry()
    assert host._data_only == frozenset()
    assert _stored(store) == []
