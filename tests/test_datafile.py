import functools
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommuneintegration.catalogue import builtin_target_groups, catalogue_ids
from kommuneintegration.datafile import (
    DataFileError,
    dump_strategy,
    load_plugin_data,
    load_strategy,
    strategy_from_dict,
    structure,
)
from kommuneintegration.models import Observation, Provenance, Strategy

GROUPS = {g.id for g in builtin_target_groups()}

MINIMAL = """
id = "k-2023"
title = "Politik"
kind = "draft"
period = "2023-2026"
author = "Byrådet"
source = { document = "003.txt", section = "whole" }

[[themes]]
id = "employment"
label = "Beskæftigelse"

[[goals]]
id = "g1"
kind = "pejlemærke"
theme = "employment"
text = "Flere i job"

[[goals]]
id = "g2"
kind = "hovedmål"
text = "Lavere overledighed"

[[indicators]]
id = "rate"
label = "Lønmodtagerbeskæftigelse"
measure = "rate"
unit = "percent"
target_group = "non-western"

[[targets]]
id = "t1"
goal = "g2"
indicator = "rate"
kind = "level"
comparator = "at-least"
value = 70
unit = "percent"
year = 2026
wording = "mindst 70 %"
reading = "a level"

[[observations]]
indicator = "rate"
group = "non-western"
year = 2021
value = 60
unit = "percent"
provenance = { document = "003.txt", section = "1. Beskæftigelsesområdet" }
"""


def write(tmp_path: Path, text: str, name: str = "2023.toml") -> Path:
    folder = tmp_path / "kobenhavn"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(DataFileError) as info:
        load_strategy(write(tmp_path, text), target_groups=GROUPS, catalogue=catalogue_ids())
    return [str(p) for p in info.value.problems]


def test_minimal_file_loads(tmp_path):
    strategy = load_strategy(
        write(tmp_path, MINIMAL), target_groups=GROUPS, catalogue=catalogue_ids()
    )
    assert strategy.goals[0].kind.label == "pejlemærke"
    assert strategy.observations[0].quantity.magnitude == 60


def test_wrong_type_names_file_and_key_path(tmp_path):
    text = MINIMAL.replace("value = 70", 'value = "5,8"')
    assert problems(tmp_path, text) == [
        "kobenhavn/2023.toml: targets[0].value: expected a number, got str '5,8'"
    ]


def test_typo_in_key_is_an_error_with_suggestion(tmp_path):
    text = MINIMAL.replace('text = "Flere i job"', 'txt = "Flere i job"')
    found = problems(tmp_path, text)
    assert "kobenhavn/2023.toml: goals[0].txt: unknown key; did you mean 'text'?" in found
    assert "kobenhavn/2023.toml: goals[0].text: required key missing" in found


def test_nested_key_paths(tmp_path):
    text = MINIMAL.replace('section = "1. Beskæftigelsesområdet"', 'sektion = "1"')
    found = problems(tmp_path, text)
    assert (
        "kobenhavn/2023.toml: observations[0].provenance.sektion: unknown key; did you mean 'section'?"
        in found
    )


def test_bad_enum_and_unit_values(tmp_path):
    text = MINIMAL.replace('kind = "hovedmål"', 'kind = "delmål"').replace(
        'unit = "percent"\ntarget_group', 'unit = "pp"\ntarget_group'
    )
    found = problems(tmp_path, text)
    assert any(
        p.startswith("kobenhavn/2023.toml: goals[1].kind: unknown value 'delmål'") for p in found
    )
    assert any(
        p.startswith("kobenhavn/2023.toml: indicators[0].unit: unknown unit 'pp'") for p in found
    )


def test_all_problems_are_reported_together(tmp_path):
    text = MINIMAL.replace('theme = "employment"', 'theme = "jobs"').replace(
        'goal = "g2"', 'goal = "g9"'
    )
    text = text.replace('group = "non-western"\nyear', 'group = "ikke-vestlig"\nyear')
    assert problems(tmp_path, text) == [
        "kobenhavn/2023.toml: goals[0].theme: unknown theme 'jobs'; known: employment",
        "kobenhavn/2023.toml: targets[0].goal: unknown goal 'g9'; known: g1, g2",
        "kobenhavn/2023.toml: observations[0].group: unknown target group 'ikke-vestlig'",
    ]


def test_unit_must_match_indicator(tmp_path):
    text = MINIMAL.replace('value = 60\nunit = "percent"', 'value = 60\nunit = "personer"')
    assert problems(tmp_path, text) == [
        "kobenhavn/2023.toml: observations[0].unit: 'person' but indicator 'rate' is measured in percent"
    ]
    text = MINIMAL.replace('measure = "rate"', 'measure = "gap"')
    assert (
        "kobenhavn/2023.toml: indicators[0].unit: a gap is measured in percentage_point, not percent"
        in problems(tmp_path, text)
    )


def test_duplicate_ids_and_bad_toml(tmp_path):
    text = MINIMAL.replace('id = "g2"', 'id = "g1"')
    assert "kobenhavn/2023.toml: goals[1].id: duplicate id 'g1'" in problems(tmp_path, text)
    found = problems(tmp_path, "id = ")
    assert len(found) == 1
    assert found[0].startswith("kobenhavn/2023.toml: not valid TOML")


def test_error_message_lists_every_problem(tmp_path):
    text = MINIMAL.replace('theme = "employment"', 'theme = "jobs"').replace(
        'goal = "g2"', 'goal = "g9"'
    )
    with pytest.raises(DataFileError, match=r"^2 problems:\n  kobenhavn/2023.toml: goals\[0\]"):
        load_strategy(write(tmp_path, text))


def test_round_trip_keeps_carriage_returns():
    obs = Observation("rate", 0.0, "percent", Provenance("003.txt", "0"), note="a\r\nb\n")
    strategy = Strategy(
        id="s",
        title="T",
        kind="proposal",
        author="A",
        source=Provenance("d", "s"),
        observations=[obs],
    )
    assert structure(tomllib.loads(dump_strategy(strategy)), Strategy) == strategy


def test_round_trip_of_a_file(tmp_path):
    strategy = strategy_from_dict(tomllib.loads(MINIMAL))
    again = load_strategy(write(tmp_path, dump_strategy(strategy), "again.toml"))
    assert again == strategy


# A valid figure for each unit: the ranges Observation enforces (units.UNITS).
_VALUES = {
    "percent": st.floats(0, 100, width=32),
    "percentage_point": st.floats(-100, 100, width=32),
    "person": st.integers(0, 10**7).map(float),
}
_unit_and_value = st.sampled_from(sorted(_VALUES)).flatmap(
    lambda unit: st.tuples(st.just(unit), _VALUES[unit])
)


@st.composite
def _observation(draw):
    unit, value = draw(_unit_and_value)
    return draw(_observation_rest(unit=st.just(unit), value=st.just(value)))


_observation_rest = functools.partial(
    st.builds,
    Observation,
    indicator=st.sampled_from(["rate", "count"]),
    provenance=st.builds(
        Provenance, document=st.just("003.txt"), section=st.text(min_size=1).filter(str.strip)
    ),
    group=st.one_of(st.none(), st.sampled_from(sorted(GROUPS))),
    age_band=st.one_of(st.none(), st.sampled_from(["18-29", "25+", "16-64"])),
    year=st.one_of(st.none(), st.integers(1990, 2025)),
    note=st.text(),
)
observations = _observation()


@given(st.lists(observations, max_size=8))
def test_round_trip_property(obs):
    strategy = Strategy(
        id="s",
        title="T",
        kind="proposal",
        author="A",
        source=Provenance("d", "s"),
        observations=obs,
    )
    # References are not resolvable here on purpose: this checks (de)serialisation only.
    assert structure(tomllib.loads(dump_strategy(strategy)), Strategy) == strategy


def test_plugin_data_folder_errors_name_files(tmp_path):
    root = tmp_path / "data"
    (root / "strategies").mkdir(parents=True)
    (root / "plugin.toml").write_text(
        '[municipality]\ncode = "46"\nname = "Odense"\n[[target_grups]]\n', "utf-8"
    )
    (root / "strategies" / "a.toml").write_text(
        MINIMAL.replace("value = 70", 'value = "x"'), "utf-8"
    )
    with pytest.raises(DataFileError) as info:
        load_plugin_data(root)
    found = [str(p) for p in info.value.problems]
    assert "data/plugin.toml: target_grups: unknown key; did you mean 'target_groups'?" in found
    assert any(p.startswith("data/plugin.toml: municipality.code:") for p in found)
    assert "strategies/a.toml: targets[0].value: expected a number, got str 'x'" in found
