import io
import json

from test_plugins import Odense

from kommuneintegration.cli import main
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.plugins import PluginHost


def host_with(*plugins):
    host = PluginHost(load_entrypoints=False, strict=False)
    for name, plugin in plugins:
        host.register(plugin, name=name)
    return host


class Broken:
    @hookimpl
    def municipality(self):
        raise ValueError("bad data")


def run(argv, host):
    out = io.StringIO()
    code = main(argv, host=host, out=out)
    return code, out.getvalue()


def test_plugins_table_lists_hooks_and_errors():
    code, text = run(["plugins"], host_with(("odense", Odense()), ("broken", Broken())))
    assert code == 0
    assert "odense\n  municipality: 461 Odense\n  strategies:   odense-2024" in text
    assert "broken\n  municipality: -" in text
    assert "    - ValueError: bad data" in text


def test_plugins_json_and_strict_exit_code():
    host = host_with(("odense", Odense()), ("broken", Broken()))
    code, text = run(["plugins", "--format", "json"], host)
    data = {p["name"]: p for p in json.loads(text)}
    assert data["odense"]["hooks"] == [
        "concepts",
        "country_groups",
        "evaluation_rules",
        "municipality",
        "strategies",
        "target_groups",
        "translations",
    ]
    assert data["broken"]["errors"] == ["ValueError: bad data"]
    code, _ = run(["--strict", "plugins"], host)
    assert code == 1


def test_no_plugins_says_how_to_install():
    code, text = run(["plugins"], host_with())
    assert code == 0
    assert "No plugins installed" in text


def test_errors_are_one_line_without_traceback(capsys):
    assert main(["new-plugin", "x", "--code", "1"], host=host_with()) == 1
    err = capsys.readouterr().err
    assert err.startswith("kommuneintegration: error: municipality code '1'")
    assert "Traceback" not in err


def test_commands_that_need_no_plugins_do_not_load_them(monkeypatch, tmp_path):
    def refuse():
        raise AssertionError("plugins were loaded")

    monkeypatch.setattr("kommuneintegration.plugins.get_host", refuse)
    assert main(["synthesize", "--rows", "10", "--out", str(tmp_path / "p.csv")]) == 0
    assert main(["classify", str(tmp_path / "p.csv"), "--out", str(tmp_path / "c.csv")]) == 0
    assert main(["new-plugin", "odder", "--code", "706", "--dir", str(tmp_path)]) == 0
    assert main(["plugins"]) == 1  # this one does need them, and says so in one line
