import pytest
from helpers import make_strategy, obs
from hypothesis import given
from hypothesis import strategies as st

from kommuneintegration.derive import changes, derive_all, gaps, shortfalls
from kommuneintegration.models import Municipality

CITY = Municipality("461", "Odense")
rates = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1))


@given(rates, rates)
def test_gap_is_reference_minus_group_in_points(reference, group):
    s = make_strategy(
        observations=[
            obs("rate", reference, group="danish-origin", year=2021),
            obs("rate", group, group="non-western", year=2021),
        ]
    )
    (figure,), missing = gaps(CITY, s)
    assert missing == []
    assert figure.unit == "percentage_point"
    assert figure.value == pytest.approx(reference - group)
    assert [o.group for o in figure.inputs] == ["danish-origin", "non-western"]


@pytest.mark.parametrize(
    ("changes_", "reason"),
    [
        ({"year": 2020}, "the Danish-origin figure is for 2021, this one for 2020"),
        ({"section": "Tabel 2"}, "they come from different sources (Tabel 1 vs Tabel 2)"),
        ({"age_band": "16-64"}, "age not stated vs 16-64"),
    ],
)
def test_no_gap_across_years_sources_or_ages_and_the_output_says_why(changes_, reason):
    group_obs = obs("rate", 60, group="non-western", **{"year": 2021, **changes_})
    s = make_strategy(observations=[obs("rate", 77, group="danish-origin", year=2021), group_obs])
    found, (missing,) = gaps(CITY, s)
    assert found == []
    assert missing.reason.startswith(
        "gap not computed: no Danish-origin figure of the same year and source"
    )
    assert reason in missing.reason


def test_changes_in_points_and_percent_and_counts():
    s = make_strategy(
        indicators=[
            {"id": "rate", "label": "r", "measure": "rate", "unit": "percent"},
            {"id": "count", "label": "c", "measure": "count", "unit": "person"},
        ],
        observations=[
            obs("rate", 50, group="non-western", year=2016),
            obs("rate", 60, group="non-western", year=2021),
            obs("count", 200, group="immigrants", year=2020, unit="person"),
            obs("count", 250, group="immigrants", year=2022, unit="person"),
            obs("rate", 40, group="western", year=2021),
        ],
    )
    by_indicator = {c.indicator: c for c in changes(CITY, s)}
    assert (by_indicator["rate"].value, by_indicator["rate"].unit) == (10, "percentage_point")
    assert by_indicator["rate"].relative == pytest.approx(20)
    assert (by_indicator["rate"].from_year, by_indicator["rate"].year) == (2016, 2021)
    assert (by_indicator["count"].value, by_indicator["count"].unit) == (50, "person")
    assert by_indicator["count"].relative == pytest.approx(25)
    assert len(by_indicator) == 2  # a one-year series has no change


def test_shortfall_respects_comparator():
    target = {
        "id": "t",
        "kind": "level",
        "comparator": "at-most",
        "value": 5.8,
        "unit": "percent",
        "year": 2014,
        "indicator": "rate",
        "wording": "max 5,8 %",
        "reading": "r",
    }
    s = make_strategy(
        observations=[obs("rate", 7.0, group="non-western", year=2014)], targets=[target]
    )
    (short,) = shortfalls(CITY, s)
    assert short.value == pytest.approx(1.2)  # 1.2 points above a maximum
    assert short.target == "t"


@pytest.mark.installed_plugins
def test_bundled_documents_derived_figures():
    from kommuneintegration.plugins import PluginHost

    registry = PluginHost().registry()
    derived, missing = derive_all(registry.all_strategies())
    kbh_gaps = {
        (d.group, d.year): d.value for d in derived if d.kind == "gap" and d.municipality == "101"
    }
    assert kbh_gaps == {
        ("non-western", 2021): pytest.approx(17),
        ("kobenhavn:udvalgte-menapt", 2021): pytest.approx(22),
    }
    aalborg = {
        (d.group, d.age_band): d.value
        for d in derived
        if d.kind == "gap" and d.municipality == "851" and d.indicator == "employment-frequency"
    }
    assert aalborg == pytest.approx(
        {
            ("immigrants", "18-19"): 22.6,
            ("descendants", "18-19"): 14.6,
            ("immigrants", "20-24"): 9.7,
            ("descendants", "20-24"): 8.5,
            ("immigrants", "25-29"): 15.4,
            ("descendants", "25-29"): 13.7,
        }
    )
    kbh_changes = {
        d.indicator: (d.from_year, d.year, d.value)
        for d in derived
        if d.kind == "change" and d.municipality == "101"
    }
    # Seed 003 states both: "steget med 10 procentpoint" over five and over ten years.
    assert kbh_changes == {
        "wage-employment": (2016, 2021, pytest.approx(10)),
        "youth-education": (2012, 2021, pytest.approx(10)),
    }
    aarhus = [d for d in derived if d.kind == "change" and d.municipality == "751"]
    assert [(d.value, round(d.relative, 1)) for d in aarhus] == [(pytest.approx(15.3), 43.0)]
    short = sorted((d.year, d.value) for d in derived if d.kind == "shortfall")
    assert short == [
        (2018, pytest.approx(1.5)),
        (2019, pytest.approx(1.5)),
        (2020, pytest.approx(1.2)),
        (2021, pytest.approx(0.9)),
    ]
    # Only the 2016 figure (footnote 1) has no Danish-origin partner; 2021's 60 % is stored
    # once, in section 1 and footnote 1, and pairs with section 1's 77 %. The barometer's
    # goal 9 figure for 2018 (a press release of its own) has none either.
    assert {(m.group, m.year) for m in missing} == {("non-western", 2016), ("non-western", 2018)}
