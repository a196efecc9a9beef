import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommuneintegration import units
from kommuneintegration.units import (
    Q_,
    UnitError,
    dimension_of,
    gap,
    parse_unit,
    percent,
    percentage_points,
    persons,
    relative_change,
    share,
)

rates = st.floats(min_value=0, max_value=100, allow_nan=False)


def test_gap_is_in_percentage_points_kobenhavn_2021():
    # Seed 003: 77 % vs 60 % is "et beskæftigelsesgab på 17 procentpoint".
    result = gap(percent(77), percent(60))
    assert result.units == units.ureg.percentage_point
    assert result.magnitude == pytest.approx(17)
    assert gap(percent(77), percent(55)).magnitude == pytest.approx(22)


def test_percent_and_percentage_points_do_not_mix():
    with pytest.raises(pint.DimensionalityError):
        percent(5) + percentage_points(3)


def test_percentage_point_is_not_printers_point():
    assert percentage_points(1).dimensionality != Q_(1, "pp").dimensionality


@pytest.mark.parametrize("bad", [77, 0.77, "77 %"])
def test_bare_numbers_are_rejected(bad):
    with pytest.raises(TypeError, match="pint quantity"):
        gap(bad, percent(60))


def test_gap_rejects_non_rates():
    with pytest.raises(UnitError, match="rate in percent"):
        gap(persons(10), percent(60))


def test_share_and_relative_change():
    assert share(persons(100_826), persons(100_826 * 4)).magnitude == pytest.approx(25)
    assert relative_change(percent(35.6), percent(50.9)).magnitude == pytest.approx(
        42.977, abs=1e-3
    )
    with pytest.raises(UnitError):
        share(persons(1), percent(3))
    with pytest.raises(ZeroDivisionError):
        relative_change(percent(0), percent(1))


@given(rates, rates)
def test_gap_is_antisymmetric_and_zero_on_equal(a, b):
    assert gap(percent(a), percent(b)).magnitude == pytest.approx(
        -gap(percent(b), percent(a)).magnitude
    )
    assert gap(percent(a), percent(a)).magnitude == 0


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("%", "percent"),
        ("procent", "percent"),
        ("Procentpoint", "percentage_point"),
        ("percentage points", "percentage_point"),
        ("personer", "person"),
        ("antal", "count"),
    ],
)
def test_parse_unit_accepts_danish_and_english(text, unit):
    assert parse_unit(text) == unit
    assert dimension_of(Q_(1, unit) if unit != "count" else Q_(1, "dimensionless")) == unit


def test_parse_unit_rejects_unknown():
    with pytest.raises(UnitError, match="unknown unit 'pp'"):
        parse_unit("pp")


def test_definitions_are_guarded():
    units._define_units()  # a second import must not raise
    assert "percentage_point" in units.ureg


def test_one_registry_shared_with_pint():
    assert units.ureg is pint.get_application_registry()
    assert (percent(10) + pint.get_application_registry().Quantity(5, "percent")).magnitude == 15


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("101.000", "person", 101000),
        ("100.826", "person", 100826),
        ("1.234.567", "count", 1234567),
        ("101000", "person", 101000),
        ("101.000", "percent", 101.0),  # not a count: a decimal point
        ("5,4", "percent", 5.4),
        ("12", "count", 12),
    ],
)
def test_a_danish_thousands_point_is_read_in_a_count(text, unit, value):
    from kommuneintegration.units import parse_figure

    assert parse_figure(text, unit) == value


@pytest.mark.parametrize("text", ["101,000", "1,500"])
def test_an_ambiguous_count_is_refused_with_both_readings(text):
    from kommuneintegration.units import parse_figure

    with pytest.raises(ValueError, match="could be") as raised:
        parse_figure(text, "person")
    digits = text.replace(",", "")
    assert digits in str(raised.value)
    assert text.replace(",", ".") in str(raised.value)


def test_a_count_with_uneven_groups_is_not_a_thousands_point():
    from kommuneintegration.units import parse_figure

    assert parse_figure("1.5", "person") == 1.5  # then refused as not whole by check_figure
    with pytest.raises(ValueError, match="expected a number"):
        parse_figure("1.00.0", "person")
