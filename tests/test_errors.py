"""One root for the library's errors; unknown choices are their own kind and list the choices."""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil

import pytest

import kommuneintegration
from kommuneintegration.cli import main
from kommuneintegration.errors import (
    InputError,
    KommuneintegrationError,
    UnknownChoiceError,
    UnknownMunicipalityError,
    UnknownTargetGroupError,
    UnknownThemeError,
)
from kommuneintegration.plugins import PluginHost


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(kommuneintegration.__path__, "kommuneintegration."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_error_of_the_library_is_under_one_root():
    classes = _exception_classes()
    assert len(classes) >= 12  # the walk itself finds them
    strays = sorted(
        name for name, cls in classes.items() if not issubclass(cls, KommuneintegrationError)
    )
    assert strays == []
    for name in (
        "kommuneintegration.strategy.schema.DataFileError",
        "kommuneintegration.statbank.errors.StatbankError",
        "kommuneintegration.plugins.registry.PluginError",
        "kommuneintegration.population.classification.InvalidCodesError",
    ):
        assert name in classes


def test_the_root_check_sees_a_stray():
    """The walk above can fail: a class outside the root is told apart."""

    class StrayError(ValueError):
        pass

    assert not issubclass(StrayError, KommuneintegrationError)
    assert issubclass(InputError, KommuneintegrationError)


def _registry():
    return PluginHost(load_entrypoints=True).registry()


@pytest.mark.installed_plugins
def test_an_unknown_municipality_is_its_own_lookup_error_listing_the_loaded_ones():
    with pytest.raises(UnknownMunicipalityError) as raised:
        _registry().municipality("Odder")
    error = raised.value
    assert isinstance(error, LookupError)
    assert isinstance(error, UnknownChoiceError)
    assert error.value == "Odder"
    assert "851" in error.choices
    assert str(error).startswith("unknown municipality 'Odder'; known municipalities: ")
    assert "851 Aalborg" in str(error)


@pytest.mark.installed_plugins
def test_an_unknown_theme_and_target_group_list_the_choices():
    from kommuneintegration.comparison import compare

    registry = _registry()
    with pytest.raises(UnknownThemeError) as theme:
        compare(registry, themes=["sport"])
    assert isinstance(theme.value, LookupError)
    assert theme.value.choices
    assert "known:" in str(theme.value)
    with pytest.raises(UnknownTargetGroupError) as group:
        registry.target_group("martians")
    assert "non-western" in group.value.choices
    assert registry.target_group("non-western").id == "non-western"


@pytest.mark.installed_plugins
def test_the_command_line_prints_the_message_as_written(capsys):
    assert main(["compare", "-m", "999"], out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert "unknown municipality '999'" in err
    assert '"unknown' not in err
    assert "'unknown" not in err


@pytest.mark.installed_plugins
def test_an_unknown_municipality_is_one_danish_line_by_default(capsys, monkeypatch):
    monkeypatch.delenv("KOMMUNEINTEGRATION_LANG", raising=False)
    assert main(["compare", "-m", "999"], out=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("kommuneintegration: fejl: ukendt kommune '999'; kendte kommuner: ")
