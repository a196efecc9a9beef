"""Statistics Denmark's figures: the client, the tables, the cache, and fetch -> evaluate end to end.

No test reaches the real Statbank: a stand-in server on 127.0.0.1
(tests/statbank_server.py) serves answers constructed from DST's documented
formats (tests/data/statbank). One live test is marked and skipped without a
network.
"""

from __future__ import annotations

import json
import socket

import pytest
from helpers import run_cli as run
from statbank_server import DATA, StandIn

from kommuneintegration.statbank import cached, fetch
from kommuneintegration.statbank.cache import Cache
from kommuneintegration.statbank.client import (
    StatbankClient,
    StatbankError,
    parse_bulk,
    parse_tableinfo,
)
from kommuneintegration.statbank.tables import TABLES, to_observations


@pytest.fixture
def stand_in(monkeypatch, tmp_path):
    with StandIn() as server:
        monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", server.url)
        monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "cache"))
        yield server


def info(table):
    return parse_tableinfo((DATA / f"{table}.tableinfo.json").read_text(encoding="utf-8"), table)


def bulk(table, keep=lambda cells: True):
    lines = [
        line
        for line in (DATA / f"{table}.bulk.csv").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    return "\n".join([lines[0], *[x for x in lines[1:] if keep(x.split(";"))]]) + "\n"


# --- tables ---------------------------------------------------------------------------------------


def test_ras200_codes_map_onto_the_librarys_groups_and_suppressed_cells_are_missing():
    rows = parse_bulk(bulk("RAS200", lambda c: c[0] == "851" and c[2] == "18-19"))
    found, suppressed = to_observations(TABLES["RAS200"], info("RAS200"), rows, "employment")
    groups = {o.group for o in found["851"]}
    assert groups == {
        "all",
        "danish-origin",
        "immigrants",
        "immigrants-western",
        "immigrants-non-western",
        "descendants",
        "descendants-western",
        "descendants-non-western",
    }
    assert suppressed == 1  # the ".." cell: missing, not zero
    assert not [o for o in found["851"] if o.group == "descendants-western" and o.year == 2023]
    assert all(o.value > 0 for o in found["851"])
    one = found["851"][0]
    assert one.series == "Statistikbanken RAS200"  # the table is the series
    assert "2025-05-27" in str(one.provenance)  # when it was updated is the source's
    assert "Danmarks Statistik: Statistikbanken, tabel RAS200" in str(one.provenance)
    assert "query OMRÅDE=851, HERKOMST=" in one.provenance.section


def test_ras200s_broad_age_band_change_is_a_break_never_joined():
    broad = ("16-64", "16-65", "1666")
    rows = parse_bulk(bulk("RAS200", lambda c: c[0] == "851" and c[1] == "20" and c[2] in broad))
    found, _ = to_observations(TABLES["RAS200"], info("RAS200"), rows, "employment")
    bands = {
        o.year: str(o.age_band) for o in found["851"] if o.age_band.low == 16 and o.age_band.high
    }
    assert bands == {
        2019: "16-64",
        2020: "16-65",
        2021: "16-65",
        2022: "16-66",
        2023: "16-66",
        2024: "16-66",
    }
    assert all(
        "break in the series" in o.note for o in found["851"] if o.age_band.high in (64, 65, 66)
    )


def test_folk1e_keeps_the_first_quarter_and_sums_its_origin_codes():
    table = TABLES["FOLK1E"]
    query = table.query(info("FOLK1E"), ["851"], since=2023)
    assert query["Tid"] == ["2023K1", "2024K1"]
    assert query["HERKOMST"] == ["TOT", "1", "24", "25", "34", "35"]
    rows = parse_bulk(bulk("FOLK1E", lambda c: c[0] == "851" and c[4] == "2024K1"))
    found, _ = to_observations(table, info("FOLK1E"), rows, "panel")
    by_group = {o.group: o.value for o in found["851"]}
    parts = {o.group: o.value for o in found["851"] if o.provenance.section.startswith("query")}
    assert (
        by_group["non-western"]
        == parts["immigrants-non-western"] + parts["descendants-non-western"]
    )
    assert by_group["all"] == sum(
        parts[g]
        for g in (
            "danish-origin",
            "immigrants-western",
            "immigrants-non-western",
            "descendants-western",
            "descendants-non-western",
        )
    )


# --- the client -------------------------------------------------------------------------------------


def test_dst_error_answers_are_one_line(stand_in):
    client = StatbankClient(stand_in.url)
    with pytest.raises(StatbankError) as caught:
        client.tableinfo("NOPE")
    message = str(caught.value)
    assert "\n" not in message
    assert "EXTRACT-NOTFOUND" in message
    assert "Tabellen NOPE findes ikke" in message
    too_big = {
        "OMRÅDE": [str(i) for i in range(100)],
        "ALDER": [str(i) for i in range(101)],
        "Tid": [str(y) for y in range(1900, 2000)],
    }
    body = {
        "table": "RAS200",
        "format": "CSV",
        "variables": [{"code": k, "values": v} for k, v in too_big.items()],
    }
    with pytest.raises(StatbankError, match=r"REQUEST-LIMIT.*ask for fewer cells"):
        client._post("data", body)


def test_5xx_answers_are_retried_with_back_off(stand_in):
    waits = []
    client = StatbankClient(stand_in.url, retries=3, backoff=0.5, sleep=waits.append)
    stand_in.fail_next = 2
    assert client.tableinfo("RAS200")[0].updated == "2025-05-27T08:00:00"
    assert waits == [0.5, 1.0]


def test_a_dead_network_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path))
    client = StatbankClient("http://127.0.0.1:9/v1", retries=1, sleep=lambda s: None)
    with pytest.raises(
        StatbankError, match=r"cannot reach the Statbank at http://127\.0\.0\.1:9/v1"
    ):
        client.tableinfo("RAS200")


# --- fetch, evaluate, compare, offline ----------------------------------------------------------------


@pytest.mark.installed_plugins
def test_fetch_then_evaluate_turns_aalborgs_employment_target_evaluable(stand_in):
    code, out, err = run("evaluate", "-m", "851", "-f", "json")
    before = {r["target"]: r for r in json.loads(out)}
    assert before["g1-employment-raised"]["status"] == "not-evaluable"

    code, out, err = run("fetch", "-m", "851")
    assert code == 0, err
    assert "RAS200: updated 2025-05-27T08:00:00" in out
    assert "suppressed cells ('..') left out" in out
    asked = [b for endpoint, b in stand_in.requests if endpoint == "data"]
    ages = next(v["values"] for v in asked[0]["variables"] if v["code"] == "ALDER")
    assert {"18-19", "20-24", "25-29"} <= set(ages)  # the bands the city's documents use

    code, out, err = run("evaluate", "-m", "851", "-f", "json")
    after = {r["target"]: r for r in json.loads(out)}
    target = after["g1-employment-raised"]
    assert target["status"] in ("on-track", "achieved", "not-on-track")
    assert "[Statistikbanken RAS200]" in target["reason"]
    # A document's figure and a table's figure are never one series.
    assert "immigrants 18-19: 38.8 % (2022) -> " not in target["reason"]


@pytest.mark.installed_plugins
def test_the_same_works_offline_from_the_cache(stand_in):
    assert run("fetch", "-m", "851")[0] == 0
    stand_in.requests.clear()
    code, out, err = run("fetch", "-m", "851", "--offline")
    assert code == 0, err
    assert stand_in.requests == []  # not one request
    assert "3 requests (3 from the cache)" in out
    code, out, _ = run("evaluate", "-m", "851")
    assert "Statistikbanken RAS200" in out
    code, _, err = run("fetch", "-m", "101", "--offline")
    assert code == 1
    assert "--offline: the cache holds no answer" in err


@pytest.mark.installed_plugins
def test_compare_puts_aalborg_beside_the_country_and_its_kommunegruppe(stand_in, tmp_path):
    assert run("fetch", "-m", "851", "-m", "751")[0] == 0
    code, out, _ = run("compare", "-m", "851")
    assert code == 0
    assert "Statistikbanken: the city, the whole country and its kommunegruppe" in out
    assert "Aalborg (Storbykommuner), RAS200 2024, age 16-66" in out
    danish = run("compare", "-m", "851", "--lang", "da")[1]
    assert "Statistikbanken: byen, hele landet og kommunegruppen" in danish
    assert "Aalborg (Storbykommuner), RAS200 2024, alder 16-66" in danish
    # Markdown and HTML write the same table: every row states city, table, group and year.
    markdown = run("compare", "-m", "851", "-f", "markdown")[1]
    rows = [line for line in markdown.splitlines() if line.startswith("| Aalborg | RAS200 |")]
    assert rows
    assert all(line.count(" | ") == 7 for line in rows)
    assert any(" | immigrants | 16-66 | 2024 | " in line for line in rows)
    page = tmp_path / "report.html"
    assert run("report", "-m", "851", "--out", str(page))[0] == 0
    html = page.read_text(encoding="utf-8")
    assert "<td>RAS200</td><td>immigrants</td><td>16-66</td><td>2024</td>" in html
    data = json.loads(run("compare", "-m", "851", "-f", "json")[1])
    (row,) = [r for r in data["context"] if r["table"] == "RAS200" and r["group"] == "immigrants"]
    assert row["country"] is not None
    assert row["kommunegruppe"] == "Storbykommuner"
    assert row["kommunegruppe_size"] == 2  # Aalborg and Aarhus were fetched
    assert "Statistikbanken, tabel RAS200" in row["source"]
    # Population counts are shown as shares of all residents, so places of any size compare.
    population = [r for r in data["context"] if r["table"] == "FOLK1E"]
    assert {r["unit"] for r in population} == {"percent"}
    assert sum(r["value"] for r in population if r["group"] != "non-western") == pytest.approx(100)
    assert "Statistikbanken" not in run("compare", "-m", "851", "--no-statbank")[1]


@pytest.mark.installed_plugins
def test_fetch_all_asks_once_per_table_for_all_98(stand_in):
    assert run("fetch", "--all", "-m", "851")[0] == 0
    panel = [
        b for endpoint, b in stand_in.requests if endpoint == "data" and b["table"] == "FOLK1E"
    ]
    (request,) = panel
    areas = next(v["values"] for v in request["variables"] if v["code"] == "OMRÅDE")
    assert request["format"] == "BULK"
    assert set(areas) >= {"000", "851"}  # all the table offers of the 98 and the country


@pytest.mark.installed_plugins
def test_a_failed_fetch_leaves_the_cache_as_it_was(stand_in, tmp_path):
    from kommuneintegration.plugins import get_host

    registry = get_host().registry()
    cache = Cache(tmp_path / "c")
    fetch(registry, ["851"], cache=cache)
    before = [(a.table, a.query, a.fetched) for a in cache.answers()]
    stand_in.fail_next = 100
    with pytest.raises(StatbankError):
        fetch(
            registry,
            ["851", "751"],
            refresh=True,
            cache=cache,
            client=StatbankClient(stand_in.url, retries=1, sleep=lambda s: None),
        )
    assert [(a.table, a.query, a.fetched) for a in cache.answers()] == before
    assert cached(registry, cache=cache).observations["851"]


@pytest.mark.installed_plugins
def test_a_dead_network_ends_fetch_with_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr("kommuneintegration.statbank.client.time.sleep", lambda s: None)
    code, _, err = run("fetch", "-m", "851")
    assert code == 1
    assert err.count("\n") == 1
    assert "cannot reach the Statbank" in err
    assert "--offline" in err


def _network() -> bool:
    try:
        socket.create_connection(("api.statbank.dk", 443), timeout=3).close()
    except OSError:
        return False
    return True


@pytest.mark.network
@pytest.mark.skipif(not _network(), reason="no network: api.statbank.dk cannot be reached")
def test_the_real_statbank_describes_ras200(monkeypatch):
    monkeypatch.delenv("KOMMUNEINTEGRATION_STATBANK_URL")
    info, _ = StatbankClient().tableinfo("RAS200")
    assert "HERKOMST" in info.variables
    assert {"20", "30"} <= set(info.variables["HERKOMST"])
