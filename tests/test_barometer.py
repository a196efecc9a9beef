"""Every municipality's barometer, against a stand-in that serves all 98 as DST answers.

One ``fetch --all`` per module (the stand-in's cells are the same every run); the
figures are then computed here by hand from the stand-in's own cells
(:func:`statbank_server.cell`) and compared with what ``barometer`` prints.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import statistics

import pytest
from helpers import run_cli as run
from statbank_server import DATA, StandIn, cell, tableinfo

KOMMUNER = {}
for line in (
    (DATA.parents[2] / "src/kommuneintegration/data/kommuner.csv").read_text("utf-8").splitlines()
):
    fields = line.split(";")
    if line and not line.startswith("#") and fields[0].isdigit():
        KOMMUNER[fields[0]] = (fields[1], int(fields[2]))

#: The Ministry's 24 MENAPT countries (../shared/FACTS.md), by their Danish names.
MENAPT = {
    "Afghanistan", "Algeriet", "Bahrain", "Djibouti", "Egypten", "Irak", "Iran", "Jordan",
    "Kuwait", "Libanon", "Libyen", "Mauretanien", "Marokko", "Oman", "Pakistan", "Qatar",
    "Saudi-Arabien", "Somalia", "Sudan", "Syrien", "Tunesien", "Tyrkiet",
    "Forenede Arabiske Emirater", "Yemen",
}  # fmt: skip


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    with StandIn() as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOMMUNEINTEGRATION_STATBANK_URL", server.url)
        mp.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        code, out, err = run("fetch", "--all")
        assert code == 0, err
        assert server.refused == []
        yield server, out


def value_of(text):
    return None if text.strip() == ".." else float(text.replace(",", "."))


def codes_by_text(table, variable, *texts):
    """The codes of ``texts`` in the table's own tableinfo, as the library reads them."""
    values = next(v for v in tableinfo(table)["variables"] if v["id"].upper() == variable)
    found = {v["text"]: v["id"] for v in values["values"]}
    return [found[t] for t in texts]


def every_code(table, variable):
    values = next(v for v in tableinfo(table)["variables"] if v["id"].upper() == variable)
    return [v["id"] for v in values["values"]]


def total(table, fixed, **choices):
    """The sum of every combination of ``choices`` (variable -> codes), ``fixed`` the rest."""
    names = list(choices)
    found = 0.0
    for combination in itertools.product(*(choices[n] for n in names)):
        value = value_of(cell(table, {**fixed, **dict(zip(names, combination, strict=True))}))
        if value is None:
            return None
        found += value
    return found


AGES_25_64 = [f"{a}-{a + 4} år" for a in range(25, 65, 5)]
AGES_16_64 = ["16-19 år", "20-24 år", *AGES_25_64]
NON_WESTERN = ["Indvandrere fra ikke-vestlige lande", "Efterkommere fra ikke-vestlige lande"]


def ras201(area, year, herkomst, ages, sexes=("Mænd", "Kvinder"), employed=True):
    socio = (
        codes_by_text("RAS201", "SOCIO", "Beskæftigede")
        if employed
        else every_code("RAS201", "SOCIO")
    )
    return total(
        "RAS201",
        {"OMRÅDE": area, "TID": str(year)},
        SOCIO=socio,
        HERKOMST=codes_by_text("RAS201", "HERKOMST", *herkomst),
        ALDER=codes_by_text("RAS201", "ALDER", *ages),
        KØN=codes_by_text("RAS201", "KØN", *sexes),
    )


def employment(area, year, herkomst=NON_WESTERN, sexes=("Mænd", "Kvinder")):
    """The barometer's 1.2 by hand: employed 25-64 over all 25-64, from RAS201's counts."""
    employed = ras201(area, year, herkomst, AGES_25_64, sexes)
    persons = ras201(area, year, herkomst, AGES_25_64, sexes, employed=False)
    return 100 * employed / persons, persons


def danish_employment(area, year, sexes=("Mænd", "Kvinder")):
    return employment(area, year, ["Personer med dansk oprindelse"], sexes)[0]


def education(area, year, herkomst, levels, ages):
    fixed = {"BOPOMR": area, "TID": str(year), "KØN": codes_by_text("LIGEUB1", "KØN", "I alt")[0]}
    choose = {
        "HERKOMST": codes_by_text("LIGEUB1", "HERKOMST", *herkomst),
        "ALDER": codes_by_text("LIGEUB1", "ALDER", *ages),
    }
    done = total("LIGEUB1", fixed, **choose, HFUDD=codes_by_text("LIGEUB1", "HFUDD", *levels))
    everyone = total("LIGEUB1", fixed, **choose, HFUDD=codes_by_text("LIGEUB1", "HFUDD", "I alt"))
    return 100 * done / everyone if everyone else None  # an empty group has no share


YOUTH_OR_MORE = [
    "H20 Gymnasiale uddannelser",
    "H30 Erhvervsfaglige uddannelser",
    "H40 Korte videregående uddannelser, KVU",
    "H50 Mellemlange videregående uddannelser, MVU",
    "H60 Bacheloruddannelser, BACH",
    "H70 Lange videregående uddannelser, LVU",
    "H80 Ph.d. og forskeruddannelser",
]


def cash_benefits(area, year, national, herkomst):
    recipients = total(
        "KY038",
        {"OMRÅDE": area, "TID": str(year)},
        YDELSESTYPE=codes_by_text("KY038", "YDELSESTYPE", "Ydelser i alt"),
        HERKOMST1=codes_by_text("KY038", "HERKOMST1", national),
        HERKOMST=codes_by_text("KY038", "HERKOMST", "I alt"),
    )
    persons = ras201(area, year, herkomst, AGES_16_64, employed=False)
    return 100 * recipients / persons


def convictions(area, year, national, origins):
    guilty = total(
        "STRAFNA6",
        {"OMRÅDE": area, "TID": str(year)},
        KØN=codes_by_text("STRAFNA6", "KØN", "Mænd"),
        ALDER=codes_by_text("STRAFNA6", "ALDER", "15-29 år"),
        HERKOMST1=codes_by_text("STRAFNA6", "HERKOMST1", national),
    )
    men = total(
        "FOLK1E",
        {"OMRÅDE": area, "TID": f"{year}K1", "KØN": "1"},
        ALDER=[str(a) for a in range(15, 30)],
        HERKOMST=origins,
    )
    return 100 * guilty / men


def residents(area, origin, quarter):
    codes = {"OMRÅDE": area, "KØN": "TOT", "ALDER": "IALT", "HERKOMST": origin, "TID": quarter}
    return int(cell("FOLK1E", codes))


def menapt_share(area, quarter):
    info = json.loads((DATA / "FOLK1C.tableinfo.json").read_text("utf-8"))
    ieland = next(v for v in info["variables"] if v["id"] == "IELAND")["values"]
    codes = [v["id"] for v in ieland if v["text"] in MENAPT]
    count = sum(
        int(cell("FOLK1C", {"OMRÅDE": area, "KØN": "TOT", "ALDER": "IALT", "HERKOMST": o,
                            "IELAND": c, "TID": quarter}))
        for c in codes
        for o in ("4", "3")
    )  # fmt: skip
    return 100 * count / residents(area, "TOT", quarter)


def shown(value):
    """A figure as the barometer gives it: one decimal, or None for an empty group."""
    return None if value is None else pytest.approx(round(value, 1))


def half_up(x):
    return math.floor(x + 0.5)


def movement(base, latest, higher=True):
    diff = half_up(latest) - half_up(base)
    if diff == 0:
        return "unchanged"
    return "positive" if (diff > 0) == higher else "negative"


def rows_of(out):
    data = json.loads(out)
    return data, {
        (r["municipality"], r["indicator"], r["group"], r["sex"]): r for r in data["rows"]
    }


#: Municipalities of very different size and make-up: a city, a small island, the capital.
VARIED = ("461", "825", "101")


@pytest.fixture(scope="module")
def odense_laeso(fetched):
    code, out, err = run("barometer", "-m", "461", "-m", "825", "-m", "101", "-f", "json")
    assert code == 0, err
    return rows_of(out)


@pytest.mark.parametrize("area", VARIED)
def test_the_25_64_employment_rate_is_ras201s_counts_by_hand(odense_laeso, area):
    data, rows = odense_laeso
    assert data["covered"] == 98
    row = rows[(area, "employment-rate", "non-western", None)]
    assert row["barometer_indicator"] == "1.2"
    latest, persons = employment(area, 2023)
    base, _n = employment(area, 2012)
    assert row["value"] == pytest.approx(round(latest, 1))
    assert row["persons"] == persons
    assert (row["year"], row["baseline_year"]) == (2023, 2012)
    assert row["baseline_value"] == pytest.approx(round(base, 1))
    assert row["movement"] == movement(base, latest)
    assert row["country_value"] == pytest.approx(round(employment("000", 2023)[0], 1))
    assert row["reference_value"] == pytest.approx(round(danish_employment(area, 2023), 1))
    # every year RAS201 has, 2008 shown but not comparable (RAS's break in method)
    series = {p["year"]: p for p in row["series"]}
    assert sorted(series) == list(range(2008, 2024))
    assert series[2008]["comparable"] is False
    assert all(p["comparable"] for y, p in series.items() if y >= 2009)
    for year in (2008, 2015, 2020):
        assert series[year]["value"] == pytest.approx(round(employment(area, year)[0], 1))
        assert series[year]["country_value"] == pytest.approx(round(employment("000", year)[0], 1))
    # men and women apart, and the gap, Danish origin minus the group
    for sex, words in (("men", ("Mænd",)), ("women", ("Kvinder",))):
        apart = rows[(area, "employment-rate", "non-western", sex)]
        assert apart["value"] == pytest.approx(round(employment(area, 2023, sexes=words)[0], 1))
    gap = rows[(area, "employment-gap", "non-western", None)]
    assert gap["unit"] == "percentage_point"
    assert gap["value"] == pytest.approx(
        round(danish_employment(area, 2023) - latest, 1), abs=0.051
    )
    base_gap = danish_employment(area, 2012) - base
    assert gap["movement"] == movement(base_gap, danish_employment(area, 2023) - latest, False)


def test_the_kommunegruppe_median_and_the_rank_are_over_the_98_by_hand(odense_laeso):
    _data, rows = odense_laeso
    row = rows[("461", "employment-rate", "non-western", None)]
    everyone = {c: employment(c, 2023) for c in KOMMUNER}
    group = KOMMUNER["461"][1]
    in_group = [v for c, (v, _n) in everyone.items() if KOMMUNER[c][1] == group]
    assert row["group_median"] == pytest.approx(round(statistics.median(in_group), 1))
    assert row["group_n"] == len(in_group)
    ranked = {c: round(v, 1) for c, (v, n) in everyone.items() if n >= 100}
    assert row["ranked_n"] == len(ranked) < 98  # the small islands' few are not ranked
    assert row["rank"] == 1 + sum(v > ranked["461"] for v in ranked.values())
    assert rows[("825", "employment-rate", "non-western", None)]["small"] is True


@pytest.mark.parametrize("area", VARIED)
def test_education_cash_benefits_and_crime_are_their_tables_by_hand(odense_laeso, area):
    _data, rows = odense_laeso
    danish = ["Dansk oprindelse"]
    youth = rows[(area, "youth-education-completion", "non-western", None)]
    expected = education(area, 2024, NON_WESTERN, YOUTH_OR_MORE, ["20-24 år"])
    assert youth["value"] == shown(expected)
    assert youth["series"][-1]["year"] == 2024
    assert youth["reference_value"] == shown(
        education(area, 2024, danish, YOUTH_OR_MORE, ["20-24 år"])
    )
    higher = rows[(area, "highest-completed-education", "non-western", None)]
    ages = ["25-29 år", "30-34 år", "35-39 år"]
    assert higher["value"] == shown(education(area, 2024, NON_WESTERN, YOUTH_OR_MORE[2:], ages))
    cash = rows[(area, "cash-benefit-share", "non-western", None)]
    assert cash["year"] == 2023  # KY038 runs to 2024, RAS201 (its denominator) to 2023
    group = cash_benefits(area, 2023, "Ikke vestlige lande", NON_WESTERN)
    reference = cash_benefits(
        area, 2023, "Personer med dansk oprindelse", ["Personer med dansk oprindelse"]
    )
    assert cash["value"] == pytest.approx(round(group, 1))
    gap = rows[(area, "cash-benefit-gap", "non-western", None)]
    assert gap["value"] == pytest.approx(round(group - reference, 1), abs=0.051)
    crime = rows[(area, "conviction-share", "foreign-origin", None)]
    assert crime["value"] == pytest.approx(
        round(
            convictions(area, 2023, "Personer med udenlandsk oprindelse", ["24", "25", "34", "35"]),
            1,
        )
    )
    assert crime["reference_value"] == pytest.approx(
        round(convictions(area, 2023, "Personer med dansk oprindelse", ["1"]), 1)
    )
    assert "STRAFNA6:" in crime["note"]  # the table's mandatory footnote goes with its figures


def test_the_population_shares_are_context_never_ranked(odense_laeso):
    _data, rows = odense_laeso
    share = rows[("461", "population-share-by-origin", "non-western", None)]
    quarter = "2025K1"
    expected = (
        100
        * (residents("461", "25", quarter) + residents("461", "35", quarter))
        / residents("461", "TOT", quarter)
    )
    assert share["value"] == pytest.approx(round(expected, 1))
    assert share["movement"] is None  # no better direction
    assert share["rank"] is None
    assert share["ranked"] is False
    menapt = rows[("461", "population-share-by-origin", "menapt", None)]
    assert menapt["value"] == pytest.approx(round(menapt_share("461", quarter), 1))
    assert menapt["baseline_value"] == pytest.approx(round(menapt_share("461", "2012K1"), 1))
    assert menapt["rank"] is None


def test_what_no_table_gives_is_said_in_every_output(odense_laeso):
    data, _rows = odense_laeso
    said = {i["barometer_indicator"] for i in data["not_available"]}
    assert said >= {"2.1", "3.1", "3.2", "3.3", "8"}
    text = run("barometer", "-m", "461", "--lang", "da")[1]
    assert "9. klasses afgangsprøve" in text
    markdown = run("barometer", "-m", "461", "-f", "markdown")[1]
    assert "| 2.1 " not in markdown  # not a row of figures ...
    assert "- 2.1 " in markdown  # ... but said


def test_every_year_in_csv_rows_and_in_the_text_table(fetched):
    code, out, err = run("barometer", "-m", "461", "-f", "csv", "--years")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    mine = [
        r
        for r in rows
        if r["indicator"] == "employment-rate" and r["sex"] == "" and r["municipality"] == "461"
    ]
    assert [int(r["year"]) for r in mine] == list(range(2008, 2024))
    assert float(mine[7]["value"]) == pytest.approx(round(employment("461", 2015)[0], 1))
    one_row = list(csv.DictReader(io.StringIO(run("barometer", "-m", "461", "-f", "csv")[1])))
    series = next(r for r in one_row if r["indicator"] == "employment-rate" and not r["sex"])
    assert series["series"].startswith("2008=")
    text = run("barometer", "-m", "461", "-m", "825")[1]
    assert "2008*" in text  # before the break, marked
    assert "before a break in the series" in text
    lines = [line for line in text.splitlines() if line.strip().startswith("2015 ")]
    assert lines, text


def test_peers_are_the_nearest_by_the_documented_distance_and_weights_move_them(fetched):
    _data, rows = rows_of(run("barometer", "-m", "461", "-f", "json")[1])
    data = json.loads(run("barometer", "-m", "461", "-f", "json")[1])
    peers = data["peers"]["461"]
    assert len(peers) == 5
    assert "461" not in {p["code"] for p in peers}
    assert [p["distance"] for p in peers] == sorted(p["distance"] for p in peers)
    # per indicator, the make-up that indicator's expected value reads is a characteristic too
    row = rows[("461", "employment-rate", "non-western", None)]
    assert len(row["peers"]) == 5
    assert [p["distance"] for p in row["peers"]] == sorted(p["distance"] for p in row["peers"])
    assert all(p["expected"] is not None for p in row["peers"])
    assert "461" not in {p["code"] for p in row["peers"]}
    heavy = json.loads(
        run("barometer", "-m", "461", "--peer-weights", "kommunegruppe=100", "--peers", "3",
            "-f", "json")[1]
    )["peers"]["461"]  # fmt: skip
    same_group = {c for c, (_n, g) in KOMMUNER.items() if g == KOMMUNER["461"][1]} - {"461"}
    assert 0 < len(same_group) < 3
    # the other municipalities of its kommunegruppe come first, then the nearest of the rest
    assert {p["code"] for p in heavy[: len(same_group)]} == same_group
    assert heavy[-1]["code"] not in same_group
    code, _out, err = run("barometer", "-m", "461", "--peer-weights", "size=2")
    assert code == 1
    assert "--peer-weights" in err
    assert "population" in err


def test_small_groups_are_marked_not_ranked(fetched):
    data, rows = rows_of(
        run("barometer", "-m", "461", "--min-persons", "10000000", "-f", "json")[1]
    )
    row = rows[("461", "employment-rate", "non-western", None)]
    assert row["small"] is True
    assert row["rank"] is None
    assert row["value"] is not None
    assert "not ranked" in row["note"]
    assert data["min_persons"] == 10_000_000


def test_all_98_in_both_languages_and_names_in_the_order_asked(fetched):
    code, out, _err = run("barometer", "--all", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data["municipalities"]) == 98
    assert {r["municipality"] for r in data["rows"]} == set(KOMMUNER)
    ordered = json.loads(run("barometer", "-m", "851", "-m", "Odense", "-f", "json")[1])
    assert ordered["municipalities"] == ["851", "461"]
    danish = run("barometer", "-m", "461", "--lang", "da")[1]
    english = run("barometer", "-m", "461", "--lang", "en")[1]
    assert "hele landet" in danish
    assert "the whole country" in english
    assert "employment rate" not in danish
    assert "Integrationsbarometer" in english
    for fmt in ("csv", "markdown", "table"):
        code, out, _err = run("barometer", "-m", "461", "-f", fmt)
        assert code == 0
        assert "461" in out


def test_an_unknown_municipality_and_an_empty_cache_say_what_to_do(tmp_path, monkeypatch):
    code, _out, err = run("barometer", "-m", "Atlantis")
    assert code == 1
    assert "Atlantis" in err
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "empty"))
    code, _out, err = run("barometer", "-m", "461")
    assert code == 1
    assert "fetch --all" in err
    assert str(tmp_path / "empty") in err


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_page_for_the_whole_country_has_every_municipality_and_stays_small(
    fetched, tmp_path, lang
):
    page = tmp_path / f"danmark-{lang}.html"
    code, _out, err = run("report", "--all", "-m", "461", "--out", str(page), "--lang", lang)
    assert code == 0, err
    text = page.read_text("utf-8")
    assert page.stat().st_size < 3_000_000
    assert f"<html lang='{lang}'" in text
    for municipality in KOMMUNER:
        assert f"id='k{municipality}'" in text  # an anchor per municipality
    # every indicator's dot plot: a dot per municipality with a figure, each linking to it
    assert text.count("<circle") >= 4 * 98
    assert text.count("href='#k461'") >= 5
    assert "class='chosen'" in text  # Odense highlighted in the tables
    assert "table class='sortable'" in text
    words = {"da": "Alle kommuner", "en": "Every municipality"}
    assert words[lang] in text


def test_every_field_of_a_row_is_documented():
    from kommuneintegration.render.barometer import JSON_ROW_FIELDS

    docs = (DATA.parents[2] / "docs" / "barometer.md").read_text("utf-8")
    missing = [f for f in JSON_ROW_FIELDS if f"`{f}`" not in docs]
    assert missing == []


@pytest.mark.installed_plugins
def test_a_plugin_city_sees_its_barometer_beside_its_own_targets(fetched, tmp_path):
    from kommuneintegration.barometer.indicators import EMPLOYMENT_GAP, EMPLOYMENT_RATE
    from kommuneintegration.plugins import get_host

    # The national plugin's 1.1 and 1.2 carry the barometer's ids: city, country and peers
    # line up on one indicator.
    national = get_host().registry().strategies["000"][0]
    ids = {i.id: i.catalogue for i in national.indicators}
    assert ids["barometer-1-1"] == EMPLOYMENT_GAP.id
    assert ids["barometer-1-2"] == EMPLOYMENT_RATE.id

    code, out, err = run("compare", "-m", "851", "-f", "json")
    assert code == 0, err
    rows = {(r["indicator"], r["group"], r["sex"]): r for r in json.loads(out)["barometer"]}
    assert {sex for _i, _g, sex in rows} == {None}  # men and women apart: barometer only
    rate = rows[("employment-rate", "non-western", None)]
    assert rate["municipality"] == "851"
    assert rate["value"] == pytest.approx(round(employment("851", 2023)[0], 1))
    # Aalborg's own target on its employment-rate indicator stands beside it ...
    assert {
        "strategy": "aalborg-2023",
        "target": "g1-employment-raised",
    } in rate["targets"]
    # ... and the barometer's own published national figure (1.2: 60 % in 2020)
    (published,) = rate["national"]
    assert (published["value"], published["year"], published["age_band"]) == (60, 2020, "25-64")

    danish = run("compare", "--full", "-m", "851", "--lang", "da")[1]
    assert "Integrationsbarometeret ud fra Danmarks Statistiks tal" in danish
    # named by its wording, never by its id
    assert "eget mål “At andelen af unge med flerkulturel baggrund" in " ".join(danish.split())
    assert "eget mål g1-employment-raised" not in danish
    page = tmp_path / "r.html"
    assert run("report", "-m", "851", "--out", str(page), "--lang", "en")[0] == 0
    own = page.read_text("utf-8")  # its own page: the barometer, then its strategy
    assert own.index("Where Aalborg stands") < own.index("Strategy, targets and evaluation")
    bare = json.loads(run("compare", "-m", "851", "-f", "json", "--no-statbank")[1])
    assert bare["barometer"] == []


@pytest.mark.installed_plugins
def test_long_series_are_summarised_in_text_with_a_count(fetched):
    out = run("evaluate", "-m", "851")[1]
    progress = next(line for line in out.splitlines() if "progress:" in line)
    assert "…" in out
    # RAS200's 17 years (2008-2024) are its first figure, its last two and their number
    assert "(17 figures)" in out
    assert "(2008) → …" in out.replace("\n      ", " ")
    assert progress


def test_the_barometer_as_a_workbook_has_the_same_numbers(fetched, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "barometer.xlsx"
    assert run("barometer", "-m", "461", "-f", "xlsx", "--out", str(path), "--lang", "en")[0] == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[1] == "Barometer"
    ws = book["Barometer"]
    headings = [c.value for c in ws[1]]
    cells = [
        dict(zip(headings, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)
    ]
    _data, rows = rows_of(run("barometer", "-m", "461", "-f", "json")[1])
    by_key = {(r["municipality"], r["indicator"], r["group"], r["sex"]): r for r in rows.values()}
    by_label = {r["label"]: r for r in by_key.values()}
    for sheet_row in cells:
        row = by_label[sheet_row["Indicator"]]
        assert sheet_row["Value"] == row["value"]
        assert isinstance(sheet_row["Value"], int | float)  # a number cell, not text
        assert sheet_row["Peers"] == ", ".join(p["name"] for p in row["peers"])
