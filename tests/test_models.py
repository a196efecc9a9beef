import attrs
import numpy as np
import pytest

from kommuneintegration.catalogue import builtin_target_groups
from kommuneintegration.countries import builtin_groups
from kommuneintegration.models import (
    AgeBand,
    DocumentKind,
    GoalKind,
    Measure,
    Observation,
    Period,
    Provenance,
    Target,
    TargetGroup,
    TargetKind,
)
from kommuneintegration.origin import Origin
from kommuneintegration.population.aggregate import target_group_mask
from kommuneintegration.population.classification import classify_many

PROV = Provenance("000_6b20bc84006b727e.txt", "Tabel 3")


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("hovedmål", GoalKind.MAIN_GOAL),
        ("main-goal", GoalKind.MAIN_GOAL),
        ("Pejlemærke", GoalKind.GUIDING_MARK),
        ("målsætning", GoalKind.OBJECTIVE),
        ("udkast", DocumentKind.DRAFT),
        ("politisk forslag", DocumentKind.PROPOSAL),
        ("ADOPTED_POLICY", DocumentKind.ADOPTED_POLICY),
        ("andel", Measure.SHARE),
    ],
)
def test_enums_accept_danish_labels_and_english_values(text, member):
    assert type(member)(text) is member


def test_enum_error_lists_options():
    with pytest.raises(ValueError, match=r"unknown value 'målet'.*'main-goal' \(hovedmål\)"):
        GoalKind("målet")


def test_period_and_age_band():
    assert Period.parse("2023-2026") == Period(2023, 2026)
    assert str(Period.parse("2014")) == "2014"
    assert 2024 in Period(2023, 2026)
    assert AgeBand.parse("18-29 år") == AgeBand(18, 29)
    assert str(AgeBand.parse("25+")) == "25+"
    assert AgeBand(16, 64).contains(AgeBand(18, 29))
    assert not AgeBand(18, 29).contains(AgeBand(16, 64))
    with pytest.raises(ValueError, match=r"ends \(2023\) before it starts \(2026\)"):
        Period(2026, 2023)
    with pytest.raises(ValueError, match="age band must look like"):
        AgeBand.parse("young")


def test_observation_quantity_and_units():
    obs = Observation("workforce", 5.4, "%", PROV, group="non-western", year=2021)
    assert obs.unit == "percent"
    assert obs.quantity.magnitude == 5.4
    assert str(obs.quantity.units) == "percent"
    with pytest.raises(ValueError, match="unknown unit"):
        Observation("workforce", 5.4, "pp", PROV)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "level"}, "needs a value"),
        ({"kind": "change", "value": 3.0}, "a value needs a unit"),
        ({"kind": "unspecified", "value": 3.0, "unit": "percent"}, "has no value"),
        ({"kind": "direction"}, "needs a direction"),
        ({"kind": "reference"}, "needs a reference"),
    ],
)
def test_target_consistency(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Target(id="t", wording="w", reading="r", **kwargs)


def test_target_evolve_keeps_validation():
    target = Target(
        id="t",
        kind="level",
        comparator="at-most",
        value=5.8,
        unit="percentage_point",
        wording="max 5,8 %",
        reading="points",
    )
    assert target.kind is TargetKind.LEVEL
    assert target.quantity.magnitude == 5.8
    with pytest.raises(ValueError, match="needs a value"):
        attrs.evolve(target, value=None, unit=None)


def test_target_groups_as_vectorised_masks():
    groups = {g.id: g for g in builtin_target_groups()}
    registry = builtin_groups()
    registry.add_definition(
        {
            "id": "kobenhavn:udvalgte-menapt",
            "label": "udvalgte MENAPT-lande",
            "members": ["TR", "SY", "IQ", "IR", "AF", "LB", "PK"],
            "source": "seed 003",
            "valid_from": "2021-01-01",
        }
    )
    selected = TargetGroup(
        "kobenhavn:udvalgte-menapt",
        "udvalgte",
        ["immigrant", "descendant"],
        country_group="kobenhavn:udvalgte-menapt",
    )
    population = classify_many(
        np.array(["DK", "TR", "DK", "DE", "DK", "EG"]),
        np.array(["DK", "TR", "TR", "DE", "DK", "EG"]),
        np.array(["DK", "", "DK", "", "DE", ""]),
        np.array(["DK", "", "TR", "", "DE", ""]),
        np.array([""] * 6),
        np.array([""] * 6),
    )
    assert population.origin.tolist() == [1, 2, 3, 2, 3, 2]
    assert target_group_mask(groups["danish-origin"], population).tolist() == [
        True,
        False,
        False,
        False,
        False,
        False,
    ]
    assert target_group_mask(groups["non-western"], population).tolist() == [
        False,
        True,
        True,
        False,
        False,
        True,
    ]
    assert target_group_mask(groups["menapt"], population).tolist() == [
        False,
        True,
        True,
        False,
        False,
        True,
    ]
    assert target_group_mask(selected, population, registry).tolist() == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]
    assert target_group_mask(groups["immigrants-and-descendants"], population).sum() == 5
    assert target_group_mask(groups["all"], population).all()


def test_target_group_describe():
    groups = {g.id: g for g in builtin_target_groups()}
    assert (
        groups["non-western"].describe() == "immigrants and descendants from non-Western countries"
    )
    assert (
        groups["immigrants-and-descendants"].describe()
        == "immigrants and descendants of any origin"
    )
    assert groups["all"].describe() == "all residents"
    with pytest.raises(ValueError, match="at least one origin"):
        TargetGroup("x", "x", [])
    assert TargetGroup("x", "x", ["efterkommere"]).origins == {Origin.DESCENDANT}
