"""The HTML report: charts that do not mislead, and a page that grows with its input, not faster."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from kommuneintegration.comparison import compare
from kommuneintegration.i18n import use_language
from kommuneintegration.render.html import comparison_to_html
from kommuneintegration.render.svg import Bar, Line, Marker, bar_chart, colour_for, line_chart

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from big_plugin import big_registry


@pytest.fixture(scope="module")
def english_report(tmp_path_factory):
    """The bundled cities' report in English, as the command line writes it: made once for
    the tests that read it."""
    from helpers import run_cli

    page = tmp_path_factory.mktemp("report") / "r.html"
    assert run_cli("report", "--out", str(page), "--lang", "en")[0] == 0
    return page.read_text("utf-8")


def test_a_municipality_keeps_its_colour_whatever_else_is_installed():
    assert colour_for("851") == colour_for("851")
    assert colour_for("751") != colour_for("851")
    assert colour_for("461") == colour_for("461")  # a function of the code alone


def test_line_charts_have_whole_years_a_zero_baseline_and_alt_text():
    svg = line_chart(
        [Line("indvandrere", ((2018, 4.3), (2019, 4.5), (2021, 5.4)), "#000")],
        markers=[Marker(2021, 6.3, "mål 6.3")],
        axis_label="%",
        alt="Aalborg: share by year",
    )
    assert "<title>Aalborg: share by year</title>" in svg
    assert "aria-label='Aalborg: share by year'" in svg
    years = re.findall(r">(\d{4}(?:\.\d+)?)</text>", svg)
    assert years == ["2018", "2019", "2020", "2021"]
    ticks = [float(t) for t in re.findall(r"text-anchor='end' fill='#444'>([\d.]+)</text>", svg)]
    assert ticks[0] == 0
    assert ticks[-1] >= 6.3


def test_bar_charts_start_at_zero_and_say_everything_in_their_alt_text():
    svg = bar_chart(
        [Bar("Aalborg 2022, 18-19: indvandrere", 38.8, "#000", "38.8 %")],
        axis_label="%",
        alt="bars",
    )
    assert ">0</text>" in svg
    assert "<title>Aalborg 2022, 18-19: indvandrere: 38.8 %</title>" in svg


@pytest.mark.installed_plugins
def test_the_bundled_report_has_one_chart_per_indicator_and_city():
    from kommuneintegration.plugins import get_host

    page = comparison_to_html(compare(get_host().registry()))
    assert "matplotlib" not in page
    assert page.count("<svg") == page.count("role='img'")
    assert all("<title>" in chunk for chunk in page.split("<svg")[1:])


def test_a_report_of_10000_figures_is_linear_and_small():
    # Its speed against compare is measured by benchmarks/bench_scale.py, not here.
    registry = big_registry(10_000)
    page = comparison_to_html(compare(registry))
    assert len(page.encode("utf-8")) < 2_000_000
    # One chart per indicator and city: 5 indicators, one city (bars and development).
    assert page.count("<figure>") <= 2 * 5 + 1
    assert "Showing the latest figure of each of" in page
    # Counts in a summary note are numbers as the language writes them.
    assert re.search(r"\(\d{1,3}(,\d{3})+ derived figures in all", page)
    with use_language("da"):
        danish = comparison_to_html(compare(registry))
    assert re.search(r"\(\d{1,3}(\.\d{3})+ beregnede tal i alt", danish)


@pytest.mark.installed_plugins
def test_the_report_opens_with_a_summary_and_contents():
    from kommuneintegration.plugins import get_host

    with use_language("da"):
        page = comparison_to_html(compare(get_host().registry()))
    summary = page.index("Kort fortalt:")
    contents = page.index("Indhold")
    assert summary < contents < page.index("<h2 id='s1'>")
    assert "<a href='#s1'>Målgrupper" in page
    assert "<html lang='da'>" in page
    assert page.count("<h2 id='s") == page.count("<li><a href='#s")


@pytest.mark.installed_plugins
def test_long_lists_show_twenty_and_say_how_many_more():
    import attrs

    from kommuneintegration.comparison import compare
    from kommuneintegration.plugins import get_host
    from kommuneintegration.render.html import comparison_to_html

    c = compare(get_host().registry())
    one = c.not_derived[0]
    many = attrs.evolve(c, not_derived=tuple(attrs.evolve(one, year=y) for y in range(1990, 2020)))
    page = comparison_to_html(many)
    start = page.index("<h3>Not derived</h3>")
    listed = page[start : page.index("</ul>", start)]
    assert listed.count("<li>") == 20
    assert "and 10 more; every one is in kommuneintegration compare -f json" in listed


@pytest.mark.installed_plugins
def test_show_cites_each_document_once_as_a_numbered_note():
    from helpers import run_cli

    code, out, _err = run_cli("show", "851", "--lang", "da")
    assert code == 0
    figures = out[out.index("Tal (observationer)") :] if "Tal (observationer)" in out else out
    flat = " ".join(figures.split())
    citation = "Aalborg Kommune, Integrationsrådet: Integrationsstrategi 2023-2026"
    assert flat.count(citation) == 1  # once, as note [1], not after each of its figures
    assert "[1] " + citation in flat
    assert "[1, Tabel 1" in flat
    assert "[antal, ]" not in out
    assert ", ]" not in out


@pytest.mark.installed_plugins
def test_cities_come_in_the_order_asked_and_the_summary_counts_what_can_be_compared(
    english_report,
):
    from helpers import run_cli

    out = run_cli("compare", "-m", "851", "-m", "101", "--lang", "en")[1]
    assert out.index("Aalborg (851)") < out.index("København (101)")
    evaluation = run_cli("evaluate", "-m", "851", "-m", "101", "--lang", "en")[1]
    assert evaluation.index("Aalborg:") < evaluation.index("København:")
    text = english_report
    summary = re.search(r"<p class='summary'>(.*?)</p>", text).group(1)
    assert "of them with figures from more than one place" in summary
    assert re.search(r"\b1 indicator is directly comparable\.", summary)
    derived = text[text.index("Derived figures") :]
    assert "<td>wage-employment" not in derived  # labels, not ids


def test_a_bar_chart_wraps_labels_and_draws_a_bound_as_a_bound():
    from kommuneintegration.render.svg import Bar, bar_chart

    long = "København 2021: københavnere med baggrund i udvalgte MENAPT-lande og mere til"
    svg = bar_chart(
        [Bar(long, 55, "#0072B2", "55 %"), Bar("kort", 20, "#009E73", "op til 20 %", "at-most")],
        axis_label="andel (%)",
        alt="a chart",
        bound_legend="skraveret: en grænse",
    )
    shown = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    assert long in shown  # wrapped over lines, every word there
    assert "…" not in svg
    assert "fill='url(#bound-hatch)'" in svg  # the bound is hatched and outlined ...
    assert "skraveret: en grænse" in svg  # ... and the legend says what that means


def test_a_line_chart_does_not_join_distant_years_with_a_solid_line():
    from kommuneintegration.render.svg import Line, line_chart

    svg = line_chart(
        [Line("gruppe", ((2012, 26.0), (2020, 20.0)), "#333")],
        axis_label="pp",
        alt="a chart",
        gap_label="prikket: år imellem",
    )
    assert "stroke-dasharray='2 5'" in svg
    assert "stroke-width='2.2'" not in svg  # no solid segment across the eight years
    assert "prikket: år imellem" in svg
    solid = line_chart([Line("g", ((2020, 1.0), (2021, 2.0)), "#333")], axis_label="", alt="")
    assert "stroke-width='2.2'" in solid


@pytest.mark.installed_plugins
def test_the_reports_charts_keep_one_unit_and_measure_each(english_report):
    text = english_report
    education = text[text.index("<h3>highest completed education") :]
    education = education[: education.index("<h3>", 5)]
    figure = education[education.index("<figure>") : education.index("</figure>")]
    assert figure.count("<svg") == 2  # the country's share apart from Aalborg's distribution
    assert "distribution by category" in figure
    assert "class='bad'>declared but empty" not in text  # not red: it is no error


@pytest.mark.installed_plugins
def test_a_citys_development_chart_has_the_countrys_series_for_the_same_indicator(
    english_report,
):
    text = english_report
    development = text[text.index("Development (time series and targets)") :]
    figures = re.findall(r"<figure>.*?</figure>", development, re.S)
    city = [f for f in figures if "<strong>København:" in f or "<strong>Aarhus:" in f]
    assert any("Whole country: " in f for f in city)
    national = [f for f in figures if "<strong>Whole country:" in f]
    assert national
    assert all("Whole country: Whole country" not in f for f in national)
