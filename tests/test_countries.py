import datetime as dt
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommuneintegration.countries import (
    ALL_CODES,
    NAME_OVERRIDES,
    SPECIAL_CODES,
    CountryGroup,
    UnknownCountryError,
    UnknownCountryGroupError,
    builtin_groups,
    country_group,
    country_name,
    lookup,
)
from kommuneintegration.population.codes import country_mask, to_codes

CODES = sorted(ALL_CODES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("TR", "TR"),
        ("tr", "TR"),
        ("TUR", "TR"),
        ("Turkey", "TR"),
        ("Tyrkiet", "TR"),
        ("Türkiye", "TR"),
        ("Syrien", "SY"),
        ("Irak", "IQ"),
        ("Iran", "IR"),
        ("Storbritannien", "GB"),
        ("UK", "GB"),
        ("Danmark", "DK"),
        ("denmark", "DK"),
        ("  Danmark ", "DK"),
        ("Kosovo", "XK"),
        ("Afghanistan", "AF"),
        ("Libanon", "LB"),
        ("Pakistan", "PK"),
        ("Jugoslavien", "YU"),
        ("Sovjetunionen", "SU"),
        ("Tjekkoslovakiet", "CS"),
        ("Statsløs", "XS"),
        ("Vatikanstaten", "VA"),
        ("USA", "US"),
    ],
)
def test_lookup(text, code):
    assert lookup(text) == code


def test_unknown_name_suggests_near_matches():
    with pytest.raises(
        UnknownCountryError, match=r"unknown country 'Tyrkie'.*Tyrkiet \(TR\)"
    ) as info:
        lookup("Tyrkie")
    assert info.value.suggestions
    with pytest.raises(UnknownCountryError, match=r"unknown country 'Atlantis'$"):
        lookup("Atlantis")


def test_override_table_entries_all_resolve():
    for name, code in NAME_OVERRIDES.items():
        assert lookup(name) == code
        assert code in ALL_CODES
    for code in SPECIAL_CODES:
        assert lookup(code) == code


@given(st.sampled_from(CODES))
def test_danish_and_english_names_round_trip(code):
    assert lookup(country_name(code, "da")) == code
    assert lookup(country_name(code, "en")) == code


def test_danish_names_in_use():
    assert country_name("TR") == "Tyrkiet"
    assert country_name("DK") == "Danmark"
    assert country_name("GB") == "Storbritannien"


@given(st.sampled_from(CODES))
def test_western_and_non_western_partition_every_code(code):
    western, non_western = country_group("western"), country_group("non-western")
    assert (code in western) != (code in non_western)


def test_menapt_is_inside_non_western_and_has_24():
    menapt = country_group("menapt")
    assert len(menapt) == 24
    assert menapt.members <= country_group("non-western").members
    assert "TR" in menapt
    assert "Tyrkiet" in menapt
    assert "IL" not in menapt
    assert "SS" not in menapt


def test_western_holds_eu_and_the_thirteen():
    western = country_group("western")
    thirteen = {"AD", "AU", "CA", "IS", "LI", "MC", "NZ", "NO", "SM", "CH", "GB", "US", "VA"}
    assert thirteen <= western.members
    assert country_group("eu").members <= western.members
    assert len(country_group("eu")) == 27
    assert "GB" not in country_group("eu")


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("GL", "western"),
        ("CS", "western"),
        ("XS", "non-western"),
        ("ZZ", "non-western"),
        ("YU", "non-western"),
        ("SU", "non-western"),
    ],
)
def test_documented_edge_cases(code, group):
    assert code in country_group(group)


def test_danish_aliases_and_provenance():
    assert country_group("vestlige") is country_group("western")
    assert country_group("ikke-vestlige") is country_group("non-western")
    group = country_group("western")
    assert group.label == "vestlige lande"
    assert "Lande i Personstatistik" in group.source
    assert group.valid_from == dt.date(2021, 1, 1)
    assert any("Greenland" in note for note in group.notes)


def test_unknown_group_and_unknown_member():
    with pytest.raises(UnknownCountryGroupError, match="known groups: eu, menapt"):
        country_group("nordic")
    with pytest.raises(UnknownCountryError):
        _ = "Atlantis" in country_group("western")


def test_groups_are_immutable():
    with pytest.raises(AttributeError):
        country_group("menapt").members = frozenset()  # type: ignore[misc]


def test_registry_versions_and_plugin_groups():
    registry = builtin_groups()
    selected = registry.add_definition(
        {
            "id": "kobenhavn:udvalgte-menapt",
            "label": "udvalgte MENAPT-lande",
            "members": ["Tyrkiet", "Syrien", "Irak", "Iran", "Afghanistan", "Libanon", "Pakistan"],
            "source": "seed 003",
            "valid_from": "2021-01-01",
        }
    )
    assert selected.members == {"TR", "SY", "IQ", "IR", "AF", "LB", "PK"}
    assert selected.members <= registry.get("menapt").members
    registry.register(
        CountryGroup(
            "menapt",
            "MENAPT-lande (25)",
            registry.get("menapt").members | {"SS"},
            "Finansministeriet 2021",
            "2021-06-01",
            version="2021-fm",
        )
    )
    assert len(registry.get("menapt")) == 25
    assert len(registry.get("menapt", version="2020-12")) == 24
    assert len(country_group("menapt")) == 24  # the built-in registry is untouched
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.get("eu"))


def test_mask_and_to_codes():
    codes = to_codes(["Tyrkiet", "DK", None, "", "Storbritannien", "tr"])
    assert codes.tolist() == ["TR", "DK", "", "", "GB", "TR"]
    assert country_mask(country_group("menapt"), codes).tolist() == [
        True,
        False,
        False,
        False,
        False,
        True,
    ]
    assert country_mask(country_group("western"), np.array(["DK", "GB", "TR"])).tolist() == [
        True,
        True,
        False,
    ]
    with pytest.raises(UnknownCountryError):
        to_codes(["Narnia"])


def test_the_shipped_iso_table_is_whole_and_reads_both_ways():
    """data/iso3166.tsv (written from pycountry) is what lookups and names come from."""
    from kommuneintegration.countries import _iso_table

    rows = _iso_table()
    codes = [row["alpha_2"] for row in rows]
    assert len(codes) == len(set(codes)) >= 249
    for row in rows:
        assert re.fullmatch("[A-Z]{2}", row["alpha_2"]), row
        assert re.fullmatch("[A-Z]{3}", row["alpha_3"]), row
        assert row["name"], row
        assert lookup(row["alpha_3"]) == row["alpha_2"]
        assert lookup(row["name"]) == row["alpha_2"] or row["name"] in NAME_OVERRIDES


def test_the_shipped_iso_table_agrees_with_pycountry():
    """Each code of the table is pycountry's, with the same alpha-3 (scripts/update_countries.py
    rewrites the table; a country pycountry has and the table lacks is listed to add)."""
    pycountry = pytest.importorskip("pycountry")
    from kommuneintegration.countries import _iso_table

    for row in _iso_table():
        country = pycountry.countries.get(alpha_2=row["alpha_2"])
        assert country is not None, f"{row['alpha_2']} is no longer in ISO 3166-1"
        assert country.alpha_3 == row["alpha_3"]
        assert int(country.numeric) == int(row["numeric"])
