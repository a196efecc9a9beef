"""Statistics Denmark's figures: the client, the tables, the cache, and fetch -> evaluate end to end.

No test reaches the real Statbank: a stand-in server on 127.0.0.1
(tests/statbank_server.py) answers and refuses as DST was recorded doing
(BULK without its zero cells, DST's refusals with their codes and HTTP 400), from
tableinfo in DST's recorded shape (tests/data/statbank). One live test is marked
and skipped without a network.
"""

from __future__ import annotations

import json
import re

import pytest
from helpers import fetch_cities, statbank_reachable
from helpers import run_cli as run
from statbank_server import DATA, StandIn

from kommuneintegration.cityfetch import stored as cached
from kommuneintegration.statbank.cache import Cache
from kommuneintegration.statbank.client import (
    StatbankClient,
    StatbankError,
    data_request,
    parse_bulk,
    parse_tableinfo,
)
from kommuneintegration.statbank.errors import (
    AnswerError,
    NothingToFetchError,
    UnbuildableRequestError,
)
from kommuneintegration.statbank.tables import TABLES, Row, checked_rows, to_observations


@pytest.fixture
def stand_in(monkeypatch, tmp_path):
    with StandIn() as server:
        monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", server.url)
        monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "cache"))
        yield server


def info(table):
    return parse_tableinfo((DATA / f"{table}.tableinfo.json").read_text(encoding="utf-8"), table)


def answered(table, areas, *, since=None, ages=()):
    """What the stand-in (as DST) answers to the request the client builds, read back."""
    variables = TABLES[table].query(info(table), areas, since, ages)
    status, body, _kind = StandIn().answer(
        "data", json.dumps(data_request(table, variables)).encode()
    )
    assert status == 200, body
    rows = checked_rows(info(table), parse_bulk(body), variables)
    return to_observations(TABLES[table], info(table), rows, "panel"), body, variables


# --- tables ---------------------------------------------------------------------------------------


def test_ras200_codes_map_onto_the_librarys_groups_and_suppressed_cells_are_missing():
    (found, suppressed), _body, variables = answered("RAS200", ["851"], ages=["18-19"])
    assert "00" in variables["HERKOMST"]  # the all-origins total, found by its text "I alt"
    groups = {o.group for o in found["851"] if str(o.age_band) == "18-19"}
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
    assert suppressed >= 1  # the ".." cell: missing, not zero
    assert not [
        o
        for o in found["851"]
        if o.group == "descendants-western" and o.year == 2023 and str(o.age_band) == "18-19"
    ]
    one = found["851"][0]
    assert one.series == "Statistikbanken RAS200"  # the table is the series
    assert one.table == "RAS200"
    assert "updated 27 November 2025" in str(one.provenance)  # when, as a reader writes it
    assert "Danmarks Statistik: Statbank, table RAS200" in str(one.provenance)  # English
    assert "query OMRÅDE=851, HERKOMST=" in one.provenance.section


def test_ras200s_16_64_runs_through_the_latest_year_and_added_bands_are_their_own_series():
    (found, _), _body, variables = answered("RAS200", ["851"], ages=["16-65", "16-66"])
    assert variables["ALDER"][:3] == ["16-64", "16-65", "1666"]
    immigrants = [o for o in found["851"] if o.group == "immigrants"]
    years = {
        b: sorted(o.year for o in immigrants if str(o.age_band) == b)
        for b in ("16-64", "16-65", "16-66")
    }
    assert years == {
        "16-64": list(range(2008, 2025)),
        "16-65": [2020, 2021, 2022, 2023, 2024],
        "16-66": [2022, 2023, 2024],
    }
    assert not [o for o in found["851"] if "break" in o.note]  # DST's tableinfo names none


def test_folk1e_keeps_the_first_quarter_and_sums_its_origin_codes():
    table = TABLES["FOLK1E"]
    query = table.query(info("FOLK1E"), ["851"], since=2023)
    assert query["Tid"] == ["2023K1", "2024K1", "2025K1"]
    assert query["HERKOMST"] == ["TOT", "1", "24", "25", "34", "35"]
    assert query["ALDER"] == ["IALT"]
    (found, _), _body, _variables = answered("FOLK1E", ["851"], since=2024)
    in_2024 = [o for o in found["851"] if o.year == 2024]
    by_group = {o.group: o.value for o in in_2024}
    parts = {o.group: o.value for o in in_2024 if o.provenance.section.startswith("query")}
    assert (
        by_group["non-western"]
        == parts["immigrants-non-western"] + parts["descendants-non-western"]
    )


def test_bulk_leaves_out_zero_cells_and_the_client_reads_them_as_zero():
    """Samsø has no descendants from Western countries: BULK leaves those cells out."""
    (found, _), body, _variables = answered("FOLK1E", ["741", "461"])
    assert ";741;" not in body or "741;TOT;IALT;34;" not in body  # the zeros are not in the answer
    assert "741;TOT;IALT;34;" not in body
    samso = {(o.group, o.year) for o in found["741"]}
    odense = {(o.group, o.year) for o in found["461"]}
    assert samso == odense  # every origin group, every year, the sums too
    zero = [o for o in found["741"] if o.group == "descendants-western"]
    assert zero
    assert {o.value for o in zero} == {0}
    assert {"descendants", "western", "immigrants-and-descendants"} <= {g for g, _ in samso}


def test_a_request_gives_every_variable_of_the_table_with_values_it_has():
    for table_id in ("RAS200", "FOLK1E"):
        variables = TABLES[table_id].query(info(table_id), ["851", "000"])
        offered = info(table_id).variables
        assert set(variables) == set(offered)
        for name, values in variables.items():
            assert values
            assert set(values) <= set(offered[name])


def test_a_request_the_table_cannot_answer_is_not_built():
    import attrs

    ras = info("RAS200")
    no_origins = attrs.evolve(ras, variables={**ras.variables, "HERKOMST": ("99",)}, labels={})
    with pytest.raises(UnbuildableRequestError, match="none of the origin codes"):
        TABLES["RAS200"].query(no_origins, ["851"])
    with pytest.raises(UnbuildableRequestError, match="none of the areas"):
        TABLES["RAS200"].query(ras, ["999"])
    # A fixed choice for a variable the table lacks is left out, never sent.
    without = attrs.evolve(
        ras, variables={k: v for k, v in ras.variables.items() if k != "BEREGNING"}
    )
    assert "BEREGNING" not in TABLES["RAS200"].query(without, ["851"])
    # A variable the library does not know is given its total, found by its text.
    extra = attrs.evolve(
        ras,
        variables={**ras.variables, "CIVILSTAND": ("TOT", "U", "G")},
        labels={**ras.labels, "CIVILSTAND": {"TOT": "I alt", "U": "Ugift", "G": "Gift"}},
    )
    assert TABLES["RAS200"].query(extra, ["851"])["CIVILSTAND"] == ["TOT"]
    no_total = attrs.evolve(
        extra,
        labels={**ras.labels, "CIVILSTAND": {"U": "Ugift"}},
        variables={**ras.variables, "CIVILSTAND": ("U", "G")},
    )
    with pytest.raises(UnbuildableRequestError, match="CIVILSTAND"):
        TABLES["RAS200"].query(no_total, ["851"])
    with pytest.raises(NothingToFetchError, match="no period from 2030"):
        TABLES["RAS200"].query(ras, ["851"], since=2030)


def test_an_answer_is_checked_against_its_request():
    variables = TABLES["RAS200"].query(info("RAS200"), ["851"], since=2024)
    good = "OMRÅDE;HERKOMST;ALDER;KØN;BEREGNING;TID;INDHOLD\r\n851;10;16-64;TOT;BFK;2024;80,1\r\n"
    assert len(checked_rows(info("RAS200"), parse_bulk(good), variables)) > 1  # zeros filled in
    for bad, why in [
        (good.replace("851;10", "101;10"), "OMRÅDE=101, which was not asked for"),
        (good + "851;10;16-64;TOT;BFK;2024;79,0\r\n", "repeats the cell"),
        (good.replace(";ALDER", "").replace(";16-64", ""), "missing: ALDER"),
    ]:
        with pytest.raises(AnswerError, match=why):
            checked_rows(info("RAS200"), parse_bulk(bad), variables)
    with pytest.raises(AnswerError, match="not a number"):
        to_observations(
            TABLES["RAS200"],
            info("RAS200"),
            [Row({"OMRÅDE": "851", "HERKOMST": "10", "ALDER": "16-64", "TID": "2024"}, "12.000")],
            "x",
        )
    with pytest.raises(AnswerError, match="described FOLK1E when asked for RAS200"):
        parse_tableinfo((DATA / "FOLK1E.tableinfo.json").read_text(encoding="utf-8"), "RAS200")


def test_a_mandatory_footnote_goes_with_every_figure_and_the_documentation_is_cited():
    import attrs

    (found, _), _body, _variables = answered("FOLK1E", ["851"], since=2025)
    assert "https://www.dst.dk/statistikdokumentation/" in str(found["851"][0].provenance)
    noted = attrs.evolve(
        info("RAS200"), footnote="Tal for 2024 er foreløbige.", footnote_mandatory=True
    )
    rows = [Row({"OMRÅDE": "851", "HERKOMST": "10", "ALDER": "16-64", "TID": "2024"}, "80,1")]
    found, _ = to_observations(TABLES["RAS200"], noted, rows, "x")
    assert found["851"][0].note == "Tal for 2024 er foreløbige."


# --- the client -------------------------------------------------------------------------------------


def test_dst_error_answers_are_one_line(stand_in):
    client = StatbankClient(stand_in.url)
    with pytest.raises(StatbankError) as caught:
        client.tableinfo("NOPE")
    message = str(caught.value)
    assert "\n" not in message
    assert "EXTRACT-NOTFOUND" in message
    assert "Tabel findes ikke: NOPE" in message  # DST's own words
    stand_in.cell_limit = 1_000
    body = {
        "table": "RAS200",
        "format": "CSV",
        "variables": [{"code": v, "values": ["*"]} for v in info("RAS200").variables],
    }
    with pytest.raises(StatbankError, match=r"HTTP 400 REQUEST-LIMIT.*ask for fewer cells"):
        client._post("data", body)


def test_5xx_answers_are_retried_with_back_off(stand_in):
    waits = []
    client = StatbankClient(stand_in.url, retries=3, backoff=0.5, sleep=waits.append)
    stand_in.fail_next = 2
    assert client.tableinfo("RAS200")[0].updated == "2025-11-27T08:00:00"
    assert waits == [0.5, 1.0]


def test_a_redirect_elsewhere_is_refused_and_an_html_page_is_one_line(stand_in):
    client = StatbankClient(stand_in.url, retries=0)
    stand_in.redirect_to = "http://mirror.example.invalid/v1/tableinfo"
    with pytest.raises(StatbankError, match="redirected to another address"):
        client.tableinfo("RAS200")
    assert len(stand_in.requests) == 0  # the body was not sent on
    stand_in.redirect_to = ""
    stand_in.html_error = True
    with pytest.raises(StatbankError) as caught:
        client.tableinfo("RAS200")
    message = str(caught.value)
    assert "an HTML page: 404 - File or directory not found." in message
    assert "\n" not in message
    assert len(message) < 250


def test_a_dead_network_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path))
    client = StatbankClient("http://127.0.0.1:9/v1", retries=1, sleep=lambda s: None)
    with pytest.raises(
        StatbankError, match=r"cannot reach the Statbank at http://127\.0\.0\.1:9/v1"
    ):
        client.tableinfo("RAS200")


def _refusal(body, endpoint="data"):
    status, text, _kind = StandIn().answer(endpoint, json.dumps(body).encode())
    return status, json.loads(text)


def test_the_stand_in_refuses_what_dst_refuses_in_dsts_words():
    everything = [{"code": v, "values": ["*"]} for v in info("RAS200").variables]
    base = {"table": "RAS200", "format": "BULK", "variables": everything}
    cases = [
        ({**base, "table": "NOPE"}, "EXTRACT-NOTFOUND", "Tabel findes ikke: NOPE"),
        ({**base, "table": ""}, "REQUEST-MISSING", "Der er ikke angivet nogen tabel-id."),
        ({**base, "format": "NOPE"}, "REQUEST-MISSING", "Format ikke angivet, eller ikke gyldigt."),
        (
            {**base, "variables": everything[1:]},
            "EXTRACT-NOTALLOWED",
            "Der skal vælges værdier for variabel: OMRÅDE",
        ),
        (
            {**base, "variables": [{"code": "OMRÅDE", "values": []}, *everything[1:]]},
            "EXTRACT-NOTALLOWED",
            "Der skal vælges værdier for variabel: OMRÅDE",
        ),
        (
            {**base, "variables": [{"code": "OMRÅDE", "values": ["999999"]}, *everything[1:]]},
            "EXTRACT-NOTFOUND",
            "Kan ikke finde værdien: 999999 (OMRÅDE)",
        ),
        (
            {**base, "variables": [*everything, {"code": "CIVILSTAND", "values": ["TOT"]}]},
            "EXTRACT-NOTFOUND",
            "Kan ikke finde variablen: CIVILSTAND",
        ),
        ({**base, "timeOrder": "Ascending"}, "EXTRACT-STREAMINGTIMESORT", "Tidssortering"),
    ]
    for body, code, message in cases:
        status, answer = _refusal(body)
        assert status == 400, body
        assert answer["errorTypeCode"] == code
        assert answer["message"].startswith(message)
    status, answer = _refusal({}, "nowhere")
    assert (status, answer["errorTypeCode"]) == (404, "REQUEST-NOTFOUND")


# --- fetch, evaluate, compare, offline ----------------------------------------------------------------


@pytest.mark.installed_plugins
def test_fetch_then_evaluate_turns_aalborgs_employment_target_evaluable(stand_in):
    code, out, err = run("evaluate", "-m", "851", "-f", "json")
    before = {r["target"]: r for r in json.loads(out)}
    assert before["g1-employment-raised"]["status"] == "not-evaluable"

    code, out, err = run("fetch", "-m", "851")
    assert code == 0, err
    assert "RAS200: updated 2025-11-27T08:00:00" in out
    assert stand_in.refused == []  # not one request that DST refuses
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
    assert "immigrants 18-19: 38.8 % (2022) → " not in target["reason"]


@pytest.mark.installed_plugins
def test_the_same_works_offline_from_the_cache(stand_in):
    assert run("fetch", "-m", "851")[0] == 0
    stand_in.requests.clear()
    code, out, err = run("fetch", "-m", "851", "--offline")
    assert code == 0, err
    assert stand_in.requests == []  # not one request
    # RAS200 for Aalborg's indicator, the panel's RAS200 and FOLK1E, and the barometer's
    # tables: every one of them answered from the cache.

    asked, from_cache = map(
        int, re.search(r"(\d+) requests \((\d+) from the cache\)", out).groups()
    )
    assert asked == from_cache >= 8
    code, out, _ = run("evaluate", "-m", "851")
    assert "Statistikbanken RAS200" in out
    code, _, err = run("fetch", "-m", "101", "--offline")
    assert code == 1
    # what is missing, and where the cache is and what it holds
    assert "--offline: no answer for RAS200" in err
    assert re.search(r"statbank\.sqlite holds \d+ answers from http://127\.0\.0\.1:", err)


def test_no_network_says_whether_offline_would_help(monkeypatch, tmp_path):
    monkeypatch.setenv("KOMMUNEINTEGRATION_STATBANK_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "empty"))
    code, _out, err = run("fetch", "-m", "851")
    assert code == 1
    assert "cannot reach the Statbank at http://127.0.0.1:9/v1" in err
    assert "holds no answers from http://127.0.0.1:9/v1 yet, so --offline cannot help" in err
    assert str(tmp_path / "empty") in err
    code, _out, err = run("compare", "-m", "851")
    assert code == 0
    assert "note: no figures from Statistics Denmark" in err
    assert "kommuneintegration fetch gets them" in err
    assert "note:" not in run("compare", "-m", "851", "--no-statbank")[2]


@pytest.mark.installed_plugins
def test_compare_puts_aalborg_beside_the_country_and_its_kommunegruppe(stand_in, tmp_path):
    assert run("fetch", "-m", "851", "-m", "751")[0] == 0
    code, out, _ = run("compare", "-m", "851")
    assert code == 0
    assert "Statistikbanken: the city, the whole country and its kommunegruppe" in out
    # Aalborg's documents use 18-19, 20-24 and 25-29: the panel shows those bands.
    assert "Aalborg (Storbykommuner), RAS200 2024, age 18-19" in out
    assert "Aalborg (Storbykommuner), RAS200 2024, age 25-29" in out
    assert stand_in.refused == []
    danish = run("compare", "-m", "851", "--lang", "da")[1]
    assert "Statistikbanken: kommunen, hele landet og kommunegruppen" in danish
    assert "Aalborg (Storbykommuner), RAS200 2024, alder 18-19" in danish
    # Markdown and HTML write the same table: every row states city, table, group and year.
    markdown = run("compare", "-m", "851", "-f", "markdown")[1]
    rows = [line for line in markdown.splitlines() if line.startswith("| Aalborg | RAS200 |")]
    assert rows
    assert all(line.count(" | ") == 7 for line in rows)
    assert any(" | immigrants | 18-19 | 2024 | " in line for line in rows)
    page = tmp_path / "report.html"
    assert run("report", "-m", "851", "--out", str(page))[0] == 0
    html = page.read_text(encoding="utf-8")
    assert "<td>RAS200</td><td>immigrants</td><td>18-19</td><td>2024</td>" in html
    data = json.loads(run("compare", "-m", "851", "-f", "json")[1])
    (row,) = [
        r
        for r in data["context"]
        if r["table"] == "RAS200" and r["group"] == "immigrants" and r["age_band"] == "18-19"
    ]
    assert {r["group"] for r in data["context"] if r["table"] == "RAS200"} >= {"all"}
    assert row["country"] is not None
    assert row["kommunegruppe"] == "Storbykommuner"
    assert row["kommunegruppe_size"] == 2  # Aalborg and Aarhus were fetched
    assert "Statbank, table RAS200" in row["source"]
    # Population counts are shown as shares of all residents, so places of any size compare.
    population = [r for r in data["context"] if r["table"] == "FOLK1E"]
    assert {r["unit"] for r in population} == {"percent"}
    assert sum(r["value"] for r in population if r["group"] != "non-western") == pytest.approx(100)
    assert "Statistikbanken" not in run("compare", "-m", "851", "--no-statbank")[1]


@pytest.mark.installed_plugins
def test_fetch_all_asks_once_per_table_for_all_98(stand_in):
    assert run("fetch", "--all", "-m", "851")[0] == 0
    asked = [b for endpoint, b in stand_in.requests if endpoint == "data"]
    tables = [b["table"] for b in asked]
    # a few requests per table (the panel's, the barometer's), never one per municipality
    assert max(tables.count(t) for t in set(tables)) <= 3
    for request in asked:
        areas = next(v["values"] for v in request["variables"] if v["code"] in ("OMRÅDE", "BOPOMR"))
        assert request["format"] == "BULK"
        # a city's own indicator for the city; everything else for the 98 and the country
        assert len(set(areas)) == 99 or areas == ["851"]


@pytest.mark.installed_plugins
def test_a_failed_fetch_leaves_the_cache_as_it_was(stand_in, tmp_path):
    from kommuneintegration.plugins import get_host

    registry = get_host().registry()
    cache = Cache(tmp_path / "c")
    fetch_cities(registry, ["851"], cache=cache)
    origin = StatbankClient(stand_in.url).public_base
    before = [(a.table, a.query, a.fetched) for a in cache.answers(origin)]
    stand_in.fail_next = 100
    with pytest.raises(StatbankError):
        fetch_cities(
            registry,
            ["851", "751"],
            refresh=True,
            cache=cache,
            client=StatbankClient(stand_in.url, retries=1, sleep=lambda s: None),
        )
    assert [(a.table, a.query, a.fetched) for a in cache.answers(origin)] == before
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


@pytest.mark.installed_plugins
def test_a_period_range_with_nothing_in_it_is_nothing_to_fetch(stand_in):
    code, out, err = run("fetch", "-m", "851", "--since", "2030")
    assert code == 0, err
    assert "nothing to fetch: RAS200 has no period from 2030 on" in out
    assert [e for e, _b in stand_in.requests if e == "data"] == []  # nothing sent
    assert stand_in.refused == []


@pytest.mark.installed_plugins
def test_fetch_all_sends_nothing_dst_refuses_and_small_places_keep_every_group(stand_in):
    from kommuneintegration.plugins import get_host

    code, _out, err = run("fetch", "--all")
    assert code == 0, err
    assert stand_in.refused == []
    panel = cached(get_host().registry()).panel
    assert len([c for c in panel if c != "000"]) == 98
    folk = lambda code: {(o.group, o.year) for o in panel[code] if o.table == "FOLK1E"}  # noqa: E731
    assert folk("741") == folk("461")  # Samsø has every origin group Odense has, sums too
    assert ("descendants", 2025) in folk("741")


@pytest.mark.installed_plugins
def test_fetch_says_when_a_refresh_would_bring_new_figures(stand_in, monkeypatch):
    import statbank_server

    assert run("fetch", "-m", "851")[0] == 0
    real = statbank_server.tableinfo

    def newer(table):
        data = real(table)
        if data is not None and table.upper() == "RAS200":
            data["updated"] = "2026-11-26T08:00:00"
        return data

    monkeypatch.setattr(statbank_server, "tableinfo", newer)
    code, out, _ = run("fetch", "-m", "851")
    assert code == 0
    assert "RAS200 was updated 2026-11-26T08:00:00 since the cached answers" in out
    assert "fetch --refresh" in out


@pytest.mark.installed_plugins
def test_statbank_figures_flow_into_derived_gaps_with_both_inputs_cited(stand_in):
    assert run("fetch", "-m", "851")[0] == 0
    data = json.loads(run("compare", "-m", "851", "-f", "json")[1])
    gaps = [
        d
        for d in data["derived"]
        if d["kind"] == "gap" and d["municipality"] == "851" and d["year"] == 2024
    ]
    assert gaps  # Danish origin minus each group, from RAS200's own figures
    gap = next(g for g in gaps if g["group"] == "immigrants" and g["age_band"] == "18-19")
    assert gap["reference_group"] == "danish-origin"
    assert all("Statbank, table RAS200" in source for source in gap["sources"])
    figures = [
        o
        for o in cached().observations["851"]
        if o.year == 2024
        and str(o.age_band) == "18-19"
        and o.group in ("danish-origin", "immigrants")
    ]
    by_group = {o.group: o.value for o in figures}
    assert gap["value"] == pytest.approx(by_group["danish-origin"] - by_group["immigrants"])
    # Never across a document's figure and a table's: each gap's inputs share one source.
    in_2022 = [g for g in data["derived"] if g["kind"] == "gap" and g["year"] == 2022]
    mixed = [g for g in in_2022 if len({"Statbank" in source for source in g["sources"]}) > 1]
    assert mixed == []
    assert {any("Statbank" in s for s in g["sources"]) for g in in_2022} == {True, False}


@pytest.mark.installed_plugins
def test_an_answer_without_cells_is_a_warning_and_replaces_nothing(stand_in, monkeypatch):
    from kommuneintegration.plugins import get_host

    assert run("fetch", "-m", "851")[0] == 0
    before = cached(get_host().registry()).observations["851"]
    real = stand_in.answer

    def header_only(endpoint, raw):
        status, body, kind = real(endpoint, raw)
        return (
            (status, body.split("\r\n", 1)[0] + "\r\n", kind)
            if endpoint == "data"
            else (status, body, kind)
        )

    monkeypatch.setattr(stand_in, "answer", header_only)
    code, out, err = run("fetch", "-m", "851", "--refresh")
    # a refresh that would lose the stored figures is kept apart and said (issue 35, class 2)
    assert code == 3, err
    assert "RAS200: the new answers were kept apart, not stored" in out
    assert cached(get_host().registry()).observations["851"] == before  # nothing replaced
    with pytest.raises(AnswerError, match="empty"):
        parse_bulk("")


@pytest.mark.network
@pytest.mark.skipif(
    not statbank_reachable(), reason="no network: api.statbank.dk cannot be reached"
)
def test_the_real_statbank_describes_ras200(monkeypatch):
    monkeypatch.delenv("KOMMUNEINTEGRATION_STATBANK_URL")
    info, _ = StatbankClient().tableinfo("RAS200")
    assert "HERKOMST" in info.variables
    assert {"20", "30"} <= set(info.variables["HERKOMST"])
