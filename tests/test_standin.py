"""The Statbank stand-in's synthetic Denmark (tests/denmark.py): varied, and its tables agree.

Every expectation is computed from the stand-in's own cells (:func:`statbank_server.cell`)
or the model's functions, never a number copied from them.
"""

from __future__ import annotations

import json
import statistics
import time

import denmark
import pytest
from statbank_server import StandIn, cell

MUNICIPALITIES = [code for code in denmark.PLACES if code != "411"]
QUARTER = "2020K1"  # no named cells in this quarter


def folk1e(area, origin="TOT", sex="TOT", age="IALT", quarter=QUARTER):
    codes = {"OMRÅDE": area, "KØN": sex, "ALDER": age, "HERKOMST": origin, "TID": quarter}
    return int(cell("FOLK1E", codes))


def folk1e_band(area, origin, sex, lo, hi, quarter):
    return sum(folk1e(area, origin, sex, str(a), quarter) for a in range(lo, hi + 1))


def ras201(area, socio, origin, band, sex, year):
    codes = {"OMRÅDE": area, "SOCIO": socio, "HERKOMST": origin, "ALDER": band, "KØN": sex}
    return int(cell("RAS201", {**codes, "TID": str(year)}))


def half_up_rate(numerator, denominator):
    """100 × numerator / denominator with one decimal, half up, as DST prints it."""
    tenths = (2000 * numerator + denominator) // (2 * denominator)
    return f"{tenths // 10},{tenths % 10}"


def bulk(server, table, variables):
    body = {
        "table": table,
        "format": "BULK",
        "lang": "da",
        "valuePresentation": "Code",
        "variables": [{"code": k, "values": v} for k, v in variables.items()],
    }
    status, text, _kind = server.answer("data", json.dumps(body).encode())
    assert status == 200, text
    lines = text.rstrip("\r\n").split("\r\n")
    header = lines[0].split(";")
    return header, [line.split(";") for line in lines[1:]]


def test_sizes_vary_and_the_country_and_regions_are_the_sums_of_their_municipalities():
    assert folk1e("825") < 2_000
    assert folk1e("101") > 600_000
    assert folk1e("411") < 200
    assert 5_500_000 < folk1e("000") < 6_200_000
    assert folk1e("000") == sum(folk1e(code) for code in denmark.PLACES)
    for region in denmark.REGIONS:
        members = [c for c in MUNICIPALITIES if denmark.region(c) == region]
        assert folk1e(region) == sum(folk1e(c) for c in members)
    assert sum(folk1e(r) for r in denmark.REGIONS) == folk1e("000") - folk1e("411")
    assert folk1e("000", quarter="2010K1") != folk1e("000", quarter="2020K1")


def test_non_western_shares_differ_widely():
    share = {c: (folk1e(c, "25") + folk1e(c, "35")) / folk1e(c) for c in MUNICIPALITIES}
    assert min(share.values()) < 0.03
    assert max(share.values()) > 0.25
    assert share["183"] > 0.25
    assert share["153"] > 0.25
    assert 0.12 < share["101"] < 0.18
    assert 20 <= folk1e("825", "25") + folk1e("825", "35") <= 80  # Læsø: a few dozen


def test_folk1e_sexes_and_ages_add_up_to_the_totals():
    for area in ("000", "851", "825"):
        for origin in ("TOT", "1", "25", "35"):
            total = folk1e(area, origin)
            assert folk1e(area, origin, "1") + folk1e(area, origin, "2") == total
            assert sum(folk1e(area, origin, "TOT", str(a)) for a in range(126)) == total
    assert folk1e("000") == sum(folk1e("000", o) for o in ("1", "24", "25", "34", "35"))
    # descendants are young, Danish origin older
    young = folk1e_band("000", "35", "TOT", 0, 19, QUARTER) / folk1e("000", "35")
    assert young > 0.5
    assert folk1e_band("000", "1", "TOT", 0, 19, QUARTER) / folk1e("000", "1") < 0.3


def test_small_islands_have_no_western_descendants_and_bulk_leaves_those_cells_out():
    for code in sorted(denmark.SMALL):
        assert folk1e(code, "34") == 0
        assert folk1e(code, "35") > 0
    server = StandIn()
    _h, rows = bulk(
        server,
        "FOLK1E",
        {"OMRÅDE": ["825", "851"], "KØN": ["TOT"], "ALDER": ["IALT"], "HERKOMST": ["*"],
         "Tid": [QUARTER]},
    )  # fmt: skip
    present = {(r[0], r[3]) for r in rows}
    assert ("825", "34") not in present
    assert {("825", "35"), ("851", "34")} <= present
    _h, rows = bulk(
        server,
        "LIGEUB1",
        {"BOPOMR": ["825"], "HERKOMST": ["34", "25"], "HFUDD": ["TOT"], "ALDER": ["TOT"],
         "KØN": ["TOT"], "Tid": ["2020"]},
    )  # fmt: skip
    assert [r[1] for r in rows] == ["25"]


@pytest.mark.parametrize(
    ("area", "origin", "band", "sex", "year"),
    [
        ("183", "25", "25-29", "K", 2012),
        ("183", "20", "16-64", "TOT", 2023),
        ("751", "10", "40-44", "M", 2016),
        ("825", "10", "60-64", "TOT", 2010),
        ("825", "20", "16-64", "TOT", 2015),
        ("000", "30", "20-24", "TOT", 2009),
        ("084", "00", "16-64", "K", 2018),
        ("461", "35", "16-17", "M", 2014),
        ("101", "24", "65-66", "TOT", 2008),
        ("810", "00", "1666", "TOT", 2023),
        ("810", "00", "16-65", "M", 2021),
        ("540", "34", "18-19", "K", 2021),
    ],
)
def test_ras200_rates_are_ras201_counts_divided(area, origin, band, sex, year):
    origins = {"00": ["999", "24", "25", "34", "35"], "10": ["999"], "20": ["24", "25"],
               "30": ["34", "35"]}.get(origin, [origin])  # fmt: skip
    sexes = ["M", "K"] if sex == "TOT" else [sex]
    if band in ("16-17", "18-19"):  # RAS201 has 16-19 only: from FOLK1E's single years
        lo, hi = (int(x) for x in band.split("-"))
        sex_code = {"M": "1", "K": "2"}
        persons = sum(
            folk1e_band(area, "1" if o == "999" else o, sex_code[s], lo, hi, f"{year + 1}K1")
            for o in origins
            for s in sexes
        )
        assert persons == denmark.ras_persons(area, origins, sexes, (lo, hi), year)
        employed = denmark.employed(area, origins, sexes, (lo, hi), year)
        labour = employed + denmark.unemployed(area, origins, sexes, (lo, hi), year)
    else:
        bands = {
            "16-64": ["16-19", *(f"{a}-{a + 4}" for a in range(20, 65, 5))],
            "1666": ["16-19", *(f"{a}-{a + 4}" for a in range(20, 65, 5)), "65-66"],
            "16-65": None,
        }.get(band, [band])
        if bands is None:  # 16-65: RAS201's 65-66 band is too wide, so from the model
            employed = denmark.employed(area, origins, sexes, (16, 65), year)
            unemployed = denmark.unemployed(area, origins, sexes, (16, 65), year)
            persons = denmark.ras_persons(area, origins, sexes, (16, 65), year)
            labour = employed + unemployed
            bands = []

        def count(socio):
            return sum(
                ras201(area, socio, o, b, s, year) for o in origins for b in bands for s in sexes
            )

        if bands:
            employed, unemployed, outside = count("0"), count("50"), count("55")
            persons = employed + unemployed + outside
            labour = employed + unemployed
    codes = {"OMRÅDE": area, "HERKOMST": origin, "ALDER": band, "KØN": sex, "TID": str(year)}
    assert cell("RAS200", {**codes, "BEREGNING": "BFK"}) == half_up_rate(employed, persons)
    assert cell("RAS200", {**codes, "BEREGNING": "EFK"}) == half_up_rate(labour, persons)


def test_ras201_persons_are_folk1e_on_the_first_of_january_after():
    for area, origin, band, sex, year in (
        ("851", "25", "30-34", "K", 2015),
        ("000", "999", "60-64", "M", 2020),
        ("183", "35", "16-19", "M", 2011),
    ):
        lo, hi = (int(x) for x in band.split("-"))
        folk = folk1e_band(area, "1" if origin == "999" else origin, {"M": "1", "K": "2"}[sex],
                           lo, hi, f"{year + 1}K1")  # fmt: skip
        assert sum(ras201(area, s, origin, band, sex, year) for s in ("0", "50", "55")) == folk


def test_employment_differs_by_place_origin_sex_and_year_and_places_share_a_labour_market():
    def rate(area, origin, year, sex=None):
        return denmark.employed(area, origin, sex, (25, 64), year) / denmark.ras_persons(
            area, origin, sex, (25, 64), year
        )

    assert 0.78 <= rate("000", "1", 2019) <= 0.84
    assert 0.50 <= rate("000", "25", 2019) <= 0.60
    assert rate("000", "35", 2019) > rate("000", "25", 2019)
    assert rate("000", "25", 2019, "K") < rate("000", "25", 2019, "M") - 0.05
    assert rate("000", "25", 2024) > rate("000", "25", 2012)
    assert rate("000", "25", 2010) < rate("000", "25", 2008)
    big = [c for c in MUNICIPALITIES if denmark.ras_persons(c, "25", None, (25, 64), 2019) > 1000]
    danish = [rate(c, "1", 2019) for c in big]
    non_western = [rate(c, "25", 2019) for c in big]
    assert statistics.correlation(danish, non_western) > 0.6
    assert max(danish) - min(danish) > 0.05


def test_ligeub1_agrees_with_folk1e_and_its_totals_are_the_sums_of_their_parts():
    def lig(area, origin, hfudd, band, sex, year=2020):
        codes = {"BOPOMR": area, "HERKOMST": origin, "HFUDD": hfudd, "ALDER": band, "KØN": sex}
        return int(cell("LIGEUB1", {**codes, "TID": str(year)}))

    assert lig("851", "25", "TOT", "20-24", "M") == folk1e_band("851", "25", "1", 20, 24, "2020K1")
    assert lig("000", "0", "TOT", "TOT", "TOT", 2010) == folk1e_band(
        "000", "TOT", "TOT", 15, 69, "2010K1"
    )
    levels = ["H10", "H20", "H30", "H35", "H40", "H50", "H60", "H70", "H80", "H90"]
    bands = [f"{a}-{a + 4}" for a in range(15, 70, 5)]
    for area in ("000", "183", "825"):
        assert lig(area, "0", "TOT", "TOT", "TOT") == sum(
            lig(area, o, "TOT", "TOT", "TOT") for o in ("10", "21", "31")
        )
        assert lig(area, "21", "H50", "25-29", "K") == sum(
            lig(area, o, "H50", "25-29", "K") for o in ("24", "25")
        )
        assert lig(area, "31", "TOT", "TOT", "M") == sum(
            lig(area, o, "TOT", "TOT", "M") for o in ("34", "35")
        )
        assert lig(area, "10", "TOT", "30-34", "TOT") == sum(
            lig(area, "10", h, "30-34", "TOT") for h in levels
        )
        assert lig(area, "25", "H10", "TOT", "K") == sum(
            lig(area, "25", "H10", b, "K") for b in bands
        )
        assert lig(area, "0", "H70", "TOT", "TOT") == sum(
            lig(area, "0", "H70", "TOT", s) for s in ("M", "K")
        )

    def higher(area):
        done = sum(lig(area, "0", h, "35-39", "TOT") for h in ("H40", "H50", "H60", "H70", "H80"))
        return done / lig(area, "0", "TOT", "35-39", "TOT")

    assert higher("157") > higher("360") + 0.1  # Gentofte, Lolland
    unknown = lig("000", "25", "H90", "TOT", "TOT") / lig("000", "25", "TOT", "TOT", "TOT")
    assert unknown > 0.1


def test_ky038_types_and_origins_add_up_and_non_western_recipients_are_several_times_as_many():
    def ky(area, kind, national, origin, year=2018):
        codes = {"OMRÅDE": area, "YDELSESTYPE": kind, "HERKOMST1": national, "HERKOMST": origin}
        return int(cell("KY038", {**codes, "TID": str(year)}))

    types = [v["id"] for v in denmark.tableinfo("KY038")["variables"][1]["values"]][1:]
    for area in ("000", "101", "825", "997"):
        assert ky(area, "10000", "TOT", "0") == sum(ky(area, t, "TOT", "0") for t in types)
        assert ky(area, "10000", "TOT", "0") == sum(
            ky(area, "10000", "TOT", o) for o in ("10", "20", "30", "40")
        )
        assert ky(area, "10000", "TOT", "20") == sum(
            ky(area, "10000", n, "20") for n in ("1", "2", "9", "000")
        )
    assert ky("000", "10000", "TOT", "0") == ky("997", "10000", "TOT", "0") + sum(
        ky(c, "10000", "TOT", "0") for c in MUNICIPALITIES
    )
    assert ky("000", "10032", "TOT", "0", 2012) == 0  # paid from October 2015
    non_western = ky("000", "10000", "9", "20") + ky("000", "10000", "9", "30")
    danish = ky("000", "10000", "1", "10")
    per_person = (non_western / denmark.persons("000", ["25", "35"], None, (16, 64), 2018)) / (
        danish / denmark.persons("000", "1", None, (16, 64), 2018)
    )
    assert 2.5 < per_person < 4.5


def test_strafna6_totals_young_men_and_its_mandatory_footnote():
    def guilty(area, sex, band, origin, year=2019):
        codes = {"OMRÅDE": area, "KØN": sex, "ALDER": band, "HERKOMST1": origin}
        return int(cell("STRAFNA6", {**codes, "TID": str(year)}))

    for area in ("000", "461"):
        for sex in ("M", "K"):
            assert guilty(area, sex, "TOT", "6") == sum(
                guilty(area, sex, b, "6") for b in ("15-29", "30-49", "50-79")
            )
    young_men = guilty("000", "M", "15-29", "1") / denmark.persons("000", "1", "M", (15, 29), 2019)
    young_women = guilty("000", "K", "15-29", "1") / denmark.persons(
        "000", "1", "K", (15, 29), 2019
    )
    older_men = guilty("000", "M", "50-79", "1") / denmark.persons("000", "1", "M", (50, 79), 2019)
    assert young_men > 4 * young_women
    assert young_men > 4 * older_men
    footnote = denmark.tableinfo("STRAFNA6")["footnote"]
    assert footnote["mandatory"] is True
    assert footnote["text"]


def test_folk1c_countries_add_up_to_at_most_the_immigrants_and_descendants():
    info = denmark.tableinfo("FOLK1C")
    countries = next(v for v in info["variables"] if v["id"] == "IELAND")["values"]
    for area in ("101", "825", "183"):
        for herkomst, origins in (("4", ("24", "25")), ("3", ("34", "35"))):
            counted = sum(
                int(cell("FOLK1C", {"OMRÅDE": area, "KØN": "TOT", "ALDER": "IALT",
                                    "HERKOMST": herkomst, "IELAND": c["id"], "TID": QUARTER}))
                for c in countries
            )  # fmt: skip
            assert counted <= sum(folk1e(area, o) for o in origins)


def test_the_new_tables_are_served_with_dsts_fields():
    server = StandIn()
    for table in ("RAS201", "LIGEUB1", "KY038", "STRAFNA6"):
        status, text, _ = server.answer("tableinfo", json.dumps({"table": table}).encode())
        assert status == 200
        info = json.loads(text)
        assert set(info) >= {"id", "text", "description", "unit", "suppressedDataValue",
                             "updated", "active", "contacts", "documentation", "footnote",
                             "variables"}  # fmt: skip
        assert info["variables"][-1]["id"] == "Tid"


def test_a_retired_table_is_answered_as_dst_answers_one_it_no_longer_has():
    server = StandIn()
    server.retired = {"FOLK1C"}
    expected = {"errorTypeCode": "EXTRACT-NOTFOUND", "message": "Tabel findes ikke: FOLK1C"}
    status, text, _ = server.answer("tableinfo", b'{"table": "FOLK1C", "format": "JSON"}')
    assert (status, json.loads(text)) == (400, expected)
    body = {"table": "FOLK1C", "format": "BULK", "variables": []}
    status, text, _ = server.answer("data", json.dumps(body).encode())
    assert (status, json.loads(text)) == (400, expected)
    status, _text, _ = server.answer("tableinfo", b'{"table": "FOLK1E", "format": "JSON"}')
    assert status == 200


def test_recoded_values_are_served_in_tableinfo_requests_and_answers_with_their_texts():
    server = StandIn()
    server.recode = {"RAS200": {"HERKOMST": {"00": "0", "25": "52"}}}
    _s, text, _ = server.answer("tableinfo", b'{"table": "RAS200", "format": "JSON"}')
    herkomst = {v["id"]: v["text"] for v in json.loads(text)["variables"][1]["values"]}
    assert herkomst["0"] == "I alt"
    assert herkomst["52"] == "Indvandrere fra ikke-vestlige lande"
    assert "00" not in herkomst
    assert "25" not in herkomst
    variables = {"OMRÅDE": ["000"], "HERKOMST": ["0", "52", "10"], "ALDER": ["16-64"],
                 "KØN": ["TOT"], "BEREGNING": ["BFK"], "Tid": ["2019"]}  # fmt: skip
    _h, rows = bulk(server, "RAS200", variables)
    got = {r[1]: r[-1] for r in rows}
    codes = {"OMRÅDE": "000", "ALDER": "16-64", "KØN": "TOT", "BEREGNING": "BFK", "TID": "2019"}
    assert got == {
        "0": cell("RAS200", {**codes, "HERKOMST": "00"}),
        "52": cell("RAS200", {**codes, "HERKOMST": "25"}),
        "10": cell("RAS200", {**codes, "HERKOMST": "10"}),
    }
    body = {"table": "RAS200", "format": "BULK",
            "variables": [{"code": k, "values": v} for k, v in {**variables, "HERKOMST": ["25"]}.items()]}  # fmt: skip
    status, text, _ = server.answer("data", json.dumps(body).encode())
    assert status == 400
    assert "Kan ikke finde værdien: 25 (HERKOMST)" in text


def test_a_quarter_million_cells_are_answered_in_seconds():
    server = StandIn()
    variables = {"OMRÅDE": ["*"], "SOCIO": ["*"], "HERKOMST": ["*"], "ALDER": ["*"],
                 "KØN": ["*"], "Tid": [str(y) for y in range(2018, 2024)]}  # fmt: skip
    start = time.perf_counter()
    _h, rows = bulk(server, "RAS201", variables)
    elapsed = time.perf_counter() - start
    asked = 105 * 3 * 5 * 13 * 2 * 6  # 245,700 cells, the zeros (say, employed under 16) left out
    assert 100_000 < len(rows) < asked
    assert elapsed < 10  # about 1 s alone; generous for a shared machine
