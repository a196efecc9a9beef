"""Every municipality's barometer, against a stand-in that serves all 98 as DST answers.

One ``fetch --all`` per module (the stand-in's cells are the same every run); the
figures are then computed here by hand from the stand-in's own cells
(:func:`statbank_server.cell`) and compared with what ``barometer`` prints.
"""

from __future__ import annotations

import json
import math
import statistics

import pytest
from helpers import run_cli as run
from statbank_server import DATA, StandIn, cell

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


def rate(area, origin, year):
    codes = {"OMRÅDE": area, "HERKOMST": origin, "ALDER": "16-64", "KØN": "TOT"}
    return float(cell("RAS200", {**codes, "BEREGNING": "BFK", "TID": str(year)}).replace(",", "."))


def persons(area, origin, quarter):
    return sum(
        int(cell("FOLK1E", {"OMRÅDE": area, "KØN": "TOT", "ALDER": str(a), "HERKOMST": origin,
                            "TID": quarter}))
        for a in range(16, 65)
    )  # fmt: skip


def combined(area, year):
    """Non-Western immigrants' and descendants' rate, weighted by 1 January after."""
    quarter = f"{year + 1}K1"
    n25, n35 = persons(area, "25", quarter), persons(area, "35", quarter)
    return (rate(area, "25", year) * n25 + rate(area, "35", year) * n35) / (n25 + n35)


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


def half_up(x):
    return math.floor(x + 0.5)


def rows_of(out):
    data = json.loads(out)
    return data, {(r["municipality"], r["indicator"], r["group"]): r for r in data["rows"]}


def test_a_municipality_without_a_plugin_gets_its_barometer_computed_as_by_hand(fetched):
    code, out, err = run("barometer", "-m", "461", "-f", "json")
    assert code == 0, err
    data, rows = rows_of(out)
    assert data["covered"] == 98
    row = rows[("461", "employment-rate", "non-western")]
    assert set(row) >= {
        "municipality", "indicator", "value", "year", "baseline_value", "baseline_year",
        "movement", "country_value", "group_median", "peers", "source", "note",
    }  # fmt: skip
    latest, base = combined("461", 2024), combined("461", 2012)
    assert row["value"] == pytest.approx(round(latest, 1))
    assert (row["year"], row["baseline_year"]) == (2024, 2012)
    assert row["baseline_value"] == pytest.approx(round(base, 1))
    diff = half_up(latest) - half_up(base)
    assert row["movement"] == ("positive" if diff > 0 else "negative" if diff < 0 else "unchanged")
    assert row["country_value"] == pytest.approx(round(combined("000", 2024), 1))
    group = KOMMUNER["461"][1]
    peers_in_group = [c for c, (_n, g) in KOMMUNER.items() if g == group]
    in_group = [combined(c, 2024) for c in peers_in_group]
    assert row["group_median"] == pytest.approx(round(statistics.median(in_group), 1))
    assert row["group_n"] == len(peers_in_group)
    everyone = {c: combined(c, 2024) for c in KOMMUNER}
    # a municipality whose group counts fewer than 100 persons (the small islands) is not ranked
    counted = {c: persons(c, "25", "2025K1") + persons(c, "35", "2025K1") for c in KOMMUNER}
    ranked = {c: v for c, v in everyone.items() if counted[c] >= 100}
    assert row["rank"] == 1 + sum(round(v, 1) > round(latest, 1) for v in ranked.values())
    assert row["ranked_n"] == len(ranked)
    assert {"825", "741"} <= set(everyone) - set(ranked)
    assert "RAS200" in row["source"]
    assert "FOLK1E" in row["source"]

    gap = rows[("461", "employment-gap", "non-western")]
    assert gap["unit"] == "percentage_point"
    assert gap["value"] == pytest.approx(round(rate("461", "10", 2024) - latest, 1))
    # a smaller gap is better: the movement reads the other way round
    gap_diff = half_up(rate("461", "10", 2024) - latest) - half_up(rate("461", "10", 2012) - base)
    expected = "positive" if gap_diff < 0 else "negative" if gap_diff > 0 else "unchanged"
    assert gap["movement"] == expected

    share = rows[("461", "population-share-by-origin", "non-western")]
    quarter = "2025K1"
    expected_share = (
        100
        * (residents("461", "25", quarter) + residents("461", "35", quarter))
        / residents("461", "TOT", quarter)
    )
    assert share["value"] == pytest.approx(round(expected_share, 1))
    assert share["movement"] is None  # no better direction
    menapt = rows[("461", "population-share-by-origin", "menapt")]
    assert menapt["value"] == pytest.approx(round(menapt_share("461", quarter), 1))
    assert menapt["baseline_value"] == pytest.approx(round(menapt_share("461", "2012K1"), 1))
    # København's selected MENAPT countries, a plugin's country group, for any municipality
    assert ("461", "population-share-by-origin", "kobenhavn:udvalgte-menapt") in rows


def test_peers_are_the_nearest_by_the_documented_distance_and_weights_move_them(fetched):
    _data, rows = rows_of(run("barometer", "-m", "461", "-f", "json")[1])
    data = json.loads(run("barometer", "-m", "461", "-f", "json")[1])
    peers = data["peers"]["461"]
    assert len(peers) == 5
    assert "461" not in {p["code"] for p in peers}
    assert [p["distance"] for p in peers] == sorted(p["distance"] for p in peers)
    row = rows[("461", "employment-rate", "non-western")]
    assert [p["code"] for p in row["peers"]] == [p["code"] for p in peers]
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
    row = rows[("461", "employment-rate", "non-western")]
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
    rows = {(r["indicator"], r["group"]): r for r in json.loads(out)["barometer"]}
    rate = rows[("employment-rate", "non-western")]
    assert rate["municipality"] == "851"
    assert rate["value"] == pytest.approx(round(combined("851", 2024), 1))
    # Aalborg's own target on its employment-rate indicator stands beside it ...
    assert {
        "strategy": "aalborg-2023",
        "target": "g1-employment-raised",
    } in rate["targets"]
    # ... and the barometer's own published national figure (1.2: 60 % in 2020)
    (published,) = rate["national"]
    assert (published["value"], published["year"], published["age_band"]) == (60, 2020, "25-64")

    danish = run("compare", "-m", "851", "--lang", "da")[1]
    assert "Integrationsbarometeret ud fra Danmarks Statistiks tal" in danish
    assert "eget mål g1-employment-raised" in danish
    page = tmp_path / "r.html"
    assert run("report", "-m", "851", "--out", str(page), "--lang", "en")[0] == 0
    assert "Integrationsbarometer from Statistics Denmark" in page.read_text("utf-8")
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
    assert run("barometer", "-m", "461", "-f", "xlsx", "--out", str(path))[0] == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Barometer"
    ws = book["Barometer"]
    keys = [c.value for c in ws[2]]
    cells = [
        dict(zip(keys, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=3)
    ]
    _data, rows = rows_of(run("barometer", "-m", "461", "-f", "json")[1])
    for sheet_row in cells:
        row = rows[(sheet_row["municipality"], sheet_row["indicator"], sheet_row["group"])]
        assert sheet_row["value"] == row["value"]
        assert isinstance(sheet_row["value"], float)
        assert sheet_row["peers"] == " ".join(p["code"] for p in row["peers"])
