"""A municipality's own page, the static site, the barometer workbook, against the stand-in.

One ``fetch --all`` per module against the stand-in that serves a varied Denmark
(tests/denmark.py); then ``report -m CODE`` and ``report --all --out DIR/``.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from helpers import run_cli as run
from statbank_server import StandIn


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    with StandIn() as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOMMUNEINTEGRATION_STATBANK_URL", server.url)
        mp.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        code, _out, err = run("fetch", "--all")
        assert code == 0, err
        yield server


def barometer_json(code):
    status, out, err = run("barometer", "-m", code, "-f", "json", "--lang", "en")
    assert status == 0, err
    return json.loads(out)


def sections(page):
    return re.findall(r"<section class='indicator'>(.*?)</section>", page, re.S)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_any_municipality_has_its_own_page_with_every_year_of_every_indicator(
    fetched, tmp_path, lang
):
    path = tmp_path / "odense.html"
    code, _out, err = run("report", "-m", "461", "--out", str(path), "--lang", lang)
    assert code == 0, err
    page = path.read_text("utf-8")
    assert f"<html lang='{lang}'" in page
    assert "Odense" in page
    assert "docs/barometer.md" not in page  # the methods are on the page
    assert "<script" not in page  # self-contained, static
    assert "http-equiv" not in page
    data = barometer_json("461")
    rows = [r for r in data["rows"] if r["municipality"] == "461"]
    found = sections(page)
    assert len(found) == len(rows)  # one section per indicator with a figure
    for row, section in zip(rows, found, strict=True):
        # a line chart: the municipality, the country and the kommunegruppe's median as lines
        # of every year, the peers faintly (one pale line each)
        assert "<svg" in section
        assert section.count("<polyline") == len(row["peers"])
        years = [p["year"] for p in row["series"]]
        table = section[section.index("<table class='years'") :]
        assert len(re.findall(r"<th scope='row'>", table)) == len(years)
        for year in years:
            assert f"<th scope='row'>{year}" in table
        if any(not p["comparable"] for p in row["series"]):
            assert "stroke-dasharray='4 3'" in section  # the break in the series, marked
    words = {
        "da": ("Sådan ligger Odense", "Sådan er tallene beregnet", "Indikatorer med placering"),
        "en": ("Where Odense stands", "How the figures are made", "Ranked indicators"),
    }
    for word in words[lang]:
        assert word in page
    # the summary comes first: before the first indicator's chart
    assert page.index("id='summary'") < page.index("<section class='indicator'>")


def test_the_summary_names_the_peers_and_the_figures_beside_the_municipality(fetched, tmp_path):
    path = tmp_path / "odense.html"
    assert run("report", "-m", "Odense", "--out", str(path), "--lang", "en")[0] == 0
    page = path.read_text("utf-8")
    summary = page[page.index("id='summary'") : page.index("<section class='indicator'>")]
    data = barometer_json("461")
    ranked = [r for r in data["rows"] if r["ranked"]]
    assert summary.count("<tr>") - summary.count("<thead><tr>") == len(
        [r for r in data["rows"] if r["municipality"] == "461"]
    )
    first = ranked[0]
    for peer in first["peers"]:
        assert peer["name"] in summary
    assert f"{first['value']:.1f}" in summary
    assert f"{first['country_value']:.1f}" in summary
    shared = "=" if first["rank_shared"] else ""  # a place shared with another: "41="
    assert f"{first['rank']}{shared}/{first['ranked_n']}" in summary


def test_a_peers_series_is_the_peers_own_every_year(fetched):
    from kommuneintegration.barometer import barometer

    odense = barometer(["461"])
    row = odense.rows[0]
    peer = row.peers[0]
    assert peer.series  # every year of the row
    theirs = next(r for r in barometer([peer.code]).rows if r.indicator.key == row.indicator.key)
    assert peer.series == tuple((p.year, p.value) for p in theirs.series)
    assert [y for y, _v in peer.series] == [p.year for p in row.series]


@pytest.mark.installed_plugins
def test_a_plugin_citys_page_has_its_strategy_targets_and_evaluation(fetched, tmp_path):
    path = tmp_path / "aalborg.html"
    code, _out, err = run("report", "-m", "851", "--out", str(path), "--lang", "da")
    assert code == 0, err
    page = path.read_text("utf-8")
    assert "Strategi, mål og opfølgning" in page
    assert page.index("Sådan ligger Aalborg") < page.index("id='strategy'")
    strategy = page[page.index("id='strategy'") :]
    assert "Integrationsstrategi" in strategy  # its own document
    assert "<td class='ok'>" in strategy or "class='bad'" in strategy or "class='na'" in strategy


def test_an_unknown_municipality_is_said(fetched, tmp_path):
    code, _out, err = run("report", "-m", "Atlantis", "--out", str(tmp_path / "x.html"))
    assert code == 1
    assert "Atlantis" in err


@pytest.mark.parametrize("lang", ["da", "en"])
def test_report_all_into_a_folder_is_a_site_linked_both_ways(fetched, tmp_path, lang):
    from kommuneintegration.municipalities import official_municipalities

    site = tmp_path / "site"
    code, out, err = run("report", "--all", "--out", f"{site}/", "--lang", lang)
    assert code == 0, err
    assert str(site / "index.html") in out
    official = official_municipalities()
    names = {p.name for p in site.iterdir()}
    assert names == {"index.html", *(f"k{c}.html" for c in official)}  # nothing else left
    index = (site / "index.html").read_text("utf-8")
    for code_ in official:
        assert f"href='k{code_}.html'" in index  # the overview links every page ...
        page = (site / f"k{code_}.html").read_text("utf-8")
        assert f"<html lang='{lang}'" in page
        assert "href='index.html'" in page  # ... and every page links back
        assert official[code_].name in page
    assert not re.search(r"href='#k\d", index)  # dots and names lead to the pages
    # written again over itself: the same files, replaced whole
    assert run("report", "--all", "--out", str(site), "--lang", lang)[0] == 0
    assert {p.name for p in site.iterdir()} == names


def test_a_site_is_never_written_over_the_cache(fetched, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(cache))
    from kommuneintegration.statbank.cache import Cache

    path = Cache().path
    code, _out, err = run("report", "--all", "--out", f"{path}/")
    assert code == 1
    assert err


#: The program's codes that a Danish reader must never meet in a cell of their own.
PROGRAM_CODES = {
    "positive", "negative", "unchanged", "percent", "percentage_point", "non-western",
    "menapt", "foreign-origin", "men", "women", "higher", "lower",
}  # fmt: skip
#: The columns that keep the program's codes, apart (their headings say so).
CODE_COLUMNS = {"Indikatornøgle", "Kommunekode", "Nøgle", "Den sammenlignelige kommunes kode"}


def test_the_danish_barometer_workbook_is_a_danish_analysts(fetched, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from kommuneintegration.municipalities import official_municipalities

    path = tmp_path / "barometer.xlsx"
    code, _out, err = run(
        "barometer", "-m", "461", "-m", "825", "-f", "xlsx", "--out", str(path), "--lang", "da"
    )
    assert code == 0, err
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Oversigt"  # first: the municipalities asked for
    summary = book["Oversigt"]
    assert [r[0].value for r in summary.iter_rows(min_row=2)] == ["Odense", "Læsø"]
    official = official_municipalities()
    for ws in book.worksheets:
        headings = [c.value for c in ws[1]]
        assert ws.auto_filter.ref.startswith("A1:")  # the filter on the headings, row 1
        assert ws.freeze_panes == "A2"
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage  # to the width of the page
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$1"  # the headings on every printed page
        for row in ws.iter_rows(min_row=2):
            for heading, cell in zip(headings, row, strict=True):
                if heading in CODE_COLUMNS or not isinstance(cell.value, str):
                    continue
                assert cell.value not in PROGRAM_CODES, (ws.title, heading, cell.value)
    rows = book["Barometer"]
    headings = [c.value for c in rows[1]]
    for row in rows.iter_rows(min_row=2):
        cells = dict(zip(headings, row, strict=True))
        if cells["Værdi"].value is not None:
            assert cells["Værdi"].number_format == "0.0"  # rates one decimal
        if cells["Personer"].value is not None:
            assert cells["Personer"].number_format == "#,##0"  # whole, thousands separated
        peers = cells["Sammenlignelige kommuner"].value.split(", ")
        assert all(p in {m.name for m in official.values()} for p in peers)  # by name
        assert cells["Bevægelse"].value in {None, "positiv", "negativ", "uændret"}
    assert "Median i kommunegruppen" in headings
    assert not any("(n)" in h for h in headings)


@pytest.mark.parametrize(
    ("lang", "words", "foreign"),
    [
        ("da", ("tabel RAS201 (licens CC BY 4.0)", "opdateret "), ("licence", "updated ")),
        ("en", ("table RAS201 (licence CC BY 4.0)", "updated "), ("licens", "opdateret ")),
    ],
)
def test_sources_are_in_the_output_language_with_a_readers_date(fetched, lang, words, foreign):
    code, out, err = run("barometer", "-m", "461", "--lang", lang)
    assert code == 0, err
    sources = out[out.rindex("\n" + ("Kilder" if lang == "da" else "Sources")) :]
    flat = " ".join(sources.split())
    for word in words:
        assert word in flat
    for word in foreign:
        assert word not in flat
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", flat)  # no raw timestamp
    month = r"(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)"
    pattern = rf"\d{{1,2}}\. {month} \d{{4}}" if lang == "da" else r"\d{1,2} [A-Z][a-z]+ \d{4}"
    assert re.search(pattern, flat)


# Point 4 of issue 34: compare leads with a summary, and gives any section in full.

_SECTION_HEADINGS = {
    "målgrupper": "Målgrupper (hvem hvert dokument retter sig mod)",
    "temaer": "Temaer (hvad hvert dokument dækker)",
    "indikatorer": "Indikatorer (tallene side om side)",
    "statistikbanken": "Statistikbanken: kommunen, hele landet og kommunegruppen",
    "barometer": "Integrationsbarometeret ud fra Danmarks Statistiks tal",
    "evaluering": "Evaluering (mål holdt op mod tal)",
}


def _compare(*argv):
    code, out, err = run("compare", *argv)
    assert code == 0, err
    return out


@pytest.mark.installed_plugins
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("statbank", [True, False], ids=["with-statbank", "without"])
def test_compare_leads_with_a_summary_of_a_few_screens(fetched, lang, statbank):
    extra = [] if statbank else ["--no-statbank"]
    summary = _compare("--lang", lang, *extra)
    full = _compare("--lang", lang, "--full", *extra)
    assert len(summary.splitlines()) <= 300
    assert len(full.splitlines()) > 2 * len(summary.splitlines())  # it is a summary
    assert all(len(line) <= 80 for line in summary.splitlines())
    # the summary says how to get each section in full, by the name a reader types
    last = " ".join(summary.split()[-40:])
    assert "--section" in last
    assert "--full" in last
    for name in ("indikatorer", "evaluering") if lang == "da" else ("indicators", "evaluation"):
        assert name in last
    # every target is in the summary, by id; every indicator with its verdict
    for target in ("workforce-target-2021", "target-3-2", "overall-best-in-europe"):
        assert target in summary
    assert ("gennemført ungdomsuddannelse: sammenlignelig" in summary) == (lang == "da")
    # the Statbank figures and the barometer only where the cache gives them
    assert ("Statistikbanken" in summary) == statbank
    assert ("37=/94" in summary) == statbank  # København's place on the employment rate
    # what the summary leaves out: sources, readings, the evaluations' reasons
    assert "integrationsbarometer.dk, under" not in summary
    assert "begrundelse:" not in summary
    assert "reason:" not in summary


@pytest.mark.installed_plugins
def test_compare_gives_any_section_in_full(fetched):
    full = _compare("--lang", "da", "--full")
    sections = {}
    for name, heading in _SECTION_HEADINGS.items():
        text = _compare("--lang", "da", "--section", name)
        assert "\n" + heading + "\n" in text
        for other, other_heading in _SECTION_HEADINGS.items():
            if other != name:
                assert other_heading not in text
        body = text.split("\n", 2)[2]  # after the line of the compared cities
        assert body in full  # the section as --full prints it
        sections[name] = body
    # the indicators in full: every figure with its sources; the evaluation with its reasons
    assert "Kilder:" in sections["indikatorer"]
    assert (
        "beskæftigelsesgab (i procentpoint): ikke direkte sammenlignelig" in sections["indikatorer"]
    )
    assert "begrundelse:" in sections["evaluering"]
    # the English id does as the Danish name, and two sections come in the table's order
    assert _compare("--lang", "da", "-s", "indicators") == _compare(
        "--lang", "da", "-s", "indikatorer"
    )
    both = _compare("--lang", "da", "-s", "evaluering", "-s", "målgrupper")
    assert both.index("Målgrupper (") < both.index("Evaluering (")


@pytest.mark.installed_plugins
def test_compare_sections_are_listed_in_help_and_refused_elsewhere(fetched, capsys):
    with pytest.raises(SystemExit) as done:
        run("compare", "--help", "--lang", "da")
    assert done.value.code == 0
    flat = " ".join(capsys.readouterr().out.split())
    for name in ("målgrupper", "temaer", "indikatorer", "statistikbanken", "evaluering"):
        assert f"{name}: " in flat
    assert "--full alle afsnit i deres helhed" in flat
    from kommuneintegration.cli import main

    with pytest.raises(SystemExit) as done:
        main(["compare", "--section", "tal", "--lang", "da"])
    assert done.value.code == 2
    assert "ukendt afsnit 'tal'" in capsys.readouterr().err
    code, _out, err = run("compare", "--full", "-f", "json", "--lang", "en")
    assert code != 0
    assert "--full is for the table format" in err


# Point 1 of issue 34: expected against actual in the own page's summary.


def _expected_items(page):
    found = re.search(r"<ul class='expected'>(.*?)</ul>", page, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1), re.S) if found else []


@pytest.mark.parametrize(
    ("lang", "above", "below", "better", "worse"),
    [
        ("en", "above the ", "below the ", "better than expected", "worse than expected"),
        ("da", "over de ", "under de ", "bedre end forventet", "dårligere end forventet"),
    ],
)
def test_the_own_page_says_where_a_figure_is_above_or_below_what_is_expected(
    fetched, tmp_path, lang, above, below, better, worse
):
    path = tmp_path / "odense.html"
    code, _out, err = run("report", "-m", "461", "--out", str(path), "--lang", lang)
    assert code == 0, err
    page = path.read_text("utf-8")
    summary = page[page.index("id='summary'") : page.index("<section class='indicator'>")]
    items = [" ".join(i.split()) for i in _expected_items(summary)]
    status, out, err = run("barometer", "-m", "461", "-f", "json", "--lang", lang)
    assert status == 0, err
    rows = [r for r in json.loads(out)["rows"] if r["municipality"] == "461" and r["ranked"]]
    called = [
        r
        for r in rows
        if {r["against_expected"], r["against_expected_labour_market"]} & {"higher", "lower"}
    ]
    assert called  # the stand-in's Odense differs from what is expected somewhere
    # said only where the interval excludes the expected value, each such figure once
    assert len(items) == len(called)
    for row, item in zip(called, items, strict=True):
        assert item.startswith(html.escape(row["label"]) + ": ")
        words = {row["against_expected"], row["against_expected_labour_market"]} - {"similar"}
        assert (above in item) == ("higher" in words)
        assert (below in item) == ("lower" in words)
        low = f"{row['low']:.1f}"
        assert (low if lang == "en" else low.replace(".", ",")) in item  # its interval
    # more employment than expected is better; more convictions than expected is worse
    directions = {"employment-rate": better, "conviction-share": worse}
    judged = [
        (item, directions[row["indicator"]])
        for row, item in zip(called, items, strict=True)
        if row["indicator"] in directions and above in item and below not in item
    ]
    assert judged  # the stand-in's Odense has both above what is expected
    for item, verdict in judged:
        assert item.endswith(verdict + ".")
    # the methods on the page say how the expected values are made
    methods = page[page.index("id='methods'") :]
    assert ("indirect standardisation" if lang == "en" else "indirekte standardisering") in methods


# Point 5 of issue 34, print: bars within a chart in time order, value labels never cut.


def test_figures_side_by_side_are_in_time_order_within_each_city():
    from kommuneintegration.comparison import compare
    from kommuneintegration.plugins import get_host

    c = compare(get_host().registry())
    checked = 0
    for row in c.indicators:
        cities = list(dict.fromkeys(e.municipality for e in row.entries))
        assert [e.municipality for e in row.entries] == sorted(
            (e.municipality for e in row.entries), key=cities.index
        )  # each city's figures together
        for city in cities:
            years = [e.year for e in row.entries if e.municipality == city]
            dated = [y for y in years if y is not None]
            assert dated == sorted(dated)
            assert years[: len(dated)] == dated  # an undated figure after the dated ones
            checked += len(dated) > 1
    assert checked  # Hele landet's 2012 and 2020, København's 2016 and 2021


def test_a_bar_charts_value_labels_fit_inside_it():
    from kommuneintegration.render.svg import Bar, bar_chart

    text = "op til 29 procentpoint"
    svg = bar_chart(
        [Bar("Hele landet 2012", 29.0, "#333", text), Bar("Hele landet 2021", 20.0, "#333", "20")],
        axis_label="beskæftigelsesgab",
        alt="",
    )
    width = float(re.search(r"viewBox='0 0 (\d+)", svg).group(1))
    ends = [
        float(x) + 8 * len(t)
        for x, t in re.findall(r"<text x='([\d.]+)' y='[\d.]+' fill='#222'>([^<]+)</text>", svg)
        if t == text
    ]
    assert ends
    assert max(ends) <= width


@pytest.mark.installed_plugins
def test_compare_cites_the_statbank_in_the_output_language_with_a_readers_date(tmp_path):
    from statbank_server import StandIn

    with StandIn() as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOMMUNEINTEGRATION_STATBANK_URL", server.url)
        mp.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(tmp_path / "cache"))
        assert run("fetch", "-m", "851")[0] == 0
        danish = run("compare", "-m", "851", "--full", "--lang", "da")[1]
        english = run("compare", "-m", "851", "--full", "--lang", "en")[1]
    flat_da, flat_en = " ".join(danish.split()), " ".join(english.split())
    assert "tabel RAS200 (licens CC BY 4.0)" in flat_da
    assert "table RAS200" not in flat_da
    assert "table RAS200 (licence CC BY 4.0)" in flat_en
    assert "T08:00:00" not in flat_da + flat_en  # no timestamp: a date as a reader writes it
    assert "opdateret 27. november 2025" in flat_da


def test_the_page_for_all_98_prints_every_table_whole(tmp_path, monkeypatch):
    """On paper the folded tables open and the table of every municipality (a column per
    indicator) gets a landscape page, after the shared print styles, so none loses columns."""
    from kommuneintegration.render.overview import _EXTRA_CSS, _SCRIPT
    from kommuneintegration.render.page import PRINT_CSS

    assert "beforeprint" in _SCRIPT
    assert "d.open = true" in _SCRIPT
    assert "landscape" in _EXTRA_CSS
    assert "landscape" not in PRINT_CSS  # the shared styles come first: the page's own win
