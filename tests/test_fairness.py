"""A fair comparison of the 98: each method checked by hand, then the barometer's rows against
figures computed here from the stand-in's own cells (issue 32)."""

from __future__ import annotations

import itertools
import json
import math
import re

import pytest
from helpers import run_cli as run
from statbank_server import cell
from test_barometer import KOMMUNER, NON_WESTERN, codes_by_text, employment, every_code, fetched

from kommuneintegration.barometer.fairness import (
    against,
    indirect,
    least_squares,
    newcombe,
    place_range,
    trend,
    wilson,
)
from kommuneintegration.render.svg import swarm

__all__ = ["fetched"]  # the module's fetch --all, shared with test_barometer


# --- the methods, by hand ------------------------------------------------------------------------


def test_wilson_is_the_score_interval_by_hand():
    # 45 of 100: p = 0.45, z = 1.96: centre (0.45 + 1.96²/200) / (1 + 1.96²/100)
    low, high = wilson(45, 100)
    z = 1.959963984540054
    centre = (0.45 + z * z / 200) / (1 + z * z / 100)
    spread = z * math.sqrt(0.45 * 0.55 / 100 + z * z / 40000) / (1 + z * z / 100)
    assert low == pytest.approx(100 * (centre - spread))
    assert high == pytest.approx(100 * (centre + spread))
    assert (round(low, 1), round(high, 1)) == (35.6, 54.8)  # the textbook's 0.356-0.548
    # fewer persons, a wider interval; none without persons; 0 % and 100 % stay in 0-100
    assert wilson(9, 20)[1] - wilson(9, 20)[0] > high - low
    assert wilson(0, 0) is None
    assert wilson(0, 10)[0] == 0
    assert wilson(10, 10)[1] == pytest.approx(100)


def test_newcombe_holds_the_difference_and_widens_with_either_interval():
    a, b = wilson(60, 100), wilson(30, 100)
    low, high = newcombe(60, a, 30, b)
    assert low < 30 < high
    assert low == pytest.approx(30 - math.sqrt((60 - a[0]) ** 2 + (b[1] - 30) ** 2))
    wider = newcombe(60, wilson(6, 10), 30, b)
    assert wider[1] - wider[0] > high - low


def test_indirect_standardisation_by_hand():
    # two strata: the standard's rates 80 % and 40 %; 100 and 300 persons: (80 + 120) / 400
    persons = {("young",): 100, ("old",): 300}
    rates = {("young",): 0.8, ("old",): 0.4}
    assert indirect(persons, rates) == pytest.approx(100 * 200 / 400)
    assert indirect({}, rates) is None


def test_least_squares_by_hand():
    line = least_squares([(0, 1), (1, 3), (2, 5)])
    assert (line.intercept, line.slope, line.r2) == pytest.approx((1, 2, 1))
    scattered = least_squares([(0, 0), (1, 2), (2, 1), (3, 3)])
    assert 0 < scattered.r2 < 1
    assert least_squares([(1, 1), (1, 2), (1, 3)]) is None  # x does not vary


def test_the_trend_test_needs_five_points_and_reads_the_direction():
    rising = [(year, 400 + 20 * i, 1000) for i, year in enumerate(range(2019, 2024))]
    assert trend(rising) == "increasing"
    assert trend([(y, 1000 - k, n) for y, k, n in rising]) == "decreasing"
    flat = [(year, 400 + (i % 2), 1000) for i, year in enumerate(range(2019, 2024))]
    assert trend(flat) == "no-change"
    assert trend(rising[:4]) == "not-calculated"
    # the same rise on few persons is within chance
    assert trend([(y, k / 100, n / 100) for y, k, n in rising]) == "no-change"


def test_a_place_range_counts_the_certainly_and_the_possibly_better():
    intervals = {"a": (70, 80), "b": (60, 72), "c": (50, 55), "d": (40, 65)}
    assert place_range(intervals, "b", "higher") == (1, 3)  # a and d could be better, not surely
    assert place_range(intervals, "c", "higher") == (3, 4)  # a and b surely better, d maybe
    assert place_range(intervals, "c", "lower") == (1, 2)
    assert against((50, 55), 60) == "lower"
    assert against((50, 55), 52) == "similar"


def test_a_swarm_keeps_every_dot_clear_of_every_other():
    xs = [10.0] * 9 + [12.0, 14.0, 30.0]
    radii = [5.0] * 12
    ys = swarm(xs, radii)
    for (x1, y1), (x2, y2) in itertools.combinations(zip(xs, ys, strict=True), 2):
        assert math.hypot(x1 - x2, y1 - y2) >= 10 - 1e-9
    assert ys[-1] == 0  # a dot alone stays on the middle line


# --- the barometer's rows, against the stand-in -----------------------------------------------


@pytest.fixture(scope="module")
def rows(fetched):
    code, out, err = run("barometer", "-m", "461", "-m", "825", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    return data, {
        (r["municipality"], r["indicator"], r["group"], r["sex"]): r for r in data["rows"]
    }


def test_every_rate_row_has_expected_values_an_interval_holding_it_and_a_place_range(rows):
    data, by_key = rows
    rates = [r for r in data["rows"] if r["ranked"] and r["value"] is not None]
    assert rates
    for row in rates:
        assert row["low"] <= row["value"] <= row["high"], row["indicator"]
        assert row["expected"] is not None, row["indicator"]
        assert row["actual_minus_expected"] == pytest.approx(
            round(row["value"] - row["expected"], 1), abs=0.11
        )
        assert row["rank_low"] <= row["rank_high"], row["indicator"]  # Læsø's too: a range
        if row["rank"] is not None:
            assert row["rank_low"] <= row["rank"] <= row["rank_high"], row["indicator"]
    odense = by_key[("461", "employment-rate", "non-western", None)]
    laeso = by_key[("825", "employment-rate", "non-western", None)]
    assert laeso["high"] - laeso["low"] > odense["high"] - odense["low"]
    assert laeso["small"] is True
    assert laeso["rank"] is None
    # few persons: a place is not given, but the wide range of places chance allows is
    assert laeso["rank_high"] - laeso["rank_low"] > odense["rank_high"] - odense["rank_low"]
    assert odense["trend"] in ("increasing", "decreasing", "no-change")
    assert data["fits"]["employment-rate/non-western"]["n"] >= 90


def _strata(area, year, herkomst):
    """RAS201's employed and persons by origin, age band and sex, 25-64."""
    socio_all = every_code("RAS201", "SOCIO")
    (employed_code,) = codes_by_text("RAS201", "SOCIO", "Beskæftigede")
    bands = codes_by_text("RAS201", "ALDER", *(f"{a}-{a + 4} år" for a in range(25, 65, 5)))
    sexes = codes_by_text("RAS201", "KØN", "Mænd", "Kvinder")
    found = {}
    for h, a, k in itertools.product(codes_by_text("RAS201", "HERKOMST", *herkomst), bands, sexes):
        codes = {"OMRÅDE": area, "HERKOMST": h, "ALDER": a, "KØN": k, "TID": str(year)}
        persons = sum(int(cell("RAS201", {**codes, "SOCIO": s})) for s in socio_all)
        employed = int(cell("RAS201", {**codes, "SOCIO": employed_code}))
        found[(h, a, k)] = (employed, persons)
    return found


def test_the_expected_rate_is_indirect_standardisation_by_hand(rows):
    _data, by_key = rows
    country = _strata("000", 2023, NON_WESTERN)
    for area in ("461", "825"):
        own = _strata(area, 2023, NON_WESTERN)
        persons = sum(n for _e, n in own.values())
        expected = sum(n * country[s][0] / country[s][1] for s, (_e, n) in own.items()) / persons
        row = by_key[(area, "employment-rate", "non-western", None)]
        assert row["expected"] == pytest.approx(round(100 * expected, 1))
        employed = sum(e for e, _n in own.values())
        low, high = wilson(employed, persons)
        assert (row["low"], row["high"]) == pytest.approx((round(low, 1), round(high, 1)))


def test_the_labour_market_line_is_least_squares_over_the_98_by_hand(rows):
    data, by_key = rows
    fit = data["fits"]["employment-rate/non-western"]
    assert 0 <= fit["r2"] <= 1
    row = by_key[("461", "employment-rate", "non-western", None)]
    danish = row["reference_value"]
    # expected with the labour market = expected from make-up + the line at its Danish rate
    assert row["expected_labour_market"] == pytest.approx(
        row["expected"] + fit["intercept"] + fit["slope"] * danish, abs=0.15
    )
    # the line's slope is what the stand-in's shared local labour market puts there: positive
    assert fit["slope"] > 0
    assert employment("461", 2023)[0] == pytest.approx(row["value"], abs=0.05)


def test_no_population_share_is_ranked_and_a_plugins_group_is_its_citys(fetched):
    code, out, err = run("barometer", "-m", "461", "-m", "101", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    shares = [r for r in data["rows"] if r["indicator"] == "population-share-by-origin"]
    assert shares
    assert {r["rank"] for r in shares} == {None}
    assert {r["ranked"] for r in shares} == {False}
    groups = {(r["municipality"], r["group"]) for r in shares}
    assert ("101", "kobenhavn:udvalgte-menapt") in groups
    assert ("461", "kobenhavn:udvalgte-menapt") not in groups  # København's, not Odense's
    label = next(r["label"] for r in shares if r["group"] == "kobenhavn:udvalgte-menapt")
    assert "City of Copenhagen" in label
    assert "Afghanistan" in label
    assert "Iran," in label  # the short name, as FOLK1C writes it: a list stays readable
    assert "Islamic Republic" not in label
    asked = json.loads(
        run("barometer", "-m", "461", "--group", "kobenhavn:udvalgte-menapt", "-f", "json")[1]
    )
    assert any(r["group"] == "kobenhavn:udvalgte-menapt" for r in asked["rows"])


def test_shared_places_are_said_in_text_and_json(fetched):
    data = json.loads(run("barometer", "--all", "-f", "json")[1])
    rows = [r for r in data["rows"] if r["indicator"] == "employment-rate" and r["sex"] is None]
    places = [r["rank"] for r in rows if r["rank"] is not None]
    for row in rows:
        if row["rank"] is not None:
            assert row["rank_shared"] is (places.count(row["rank"]) > 1)
    shared = next((r for r in rows if r["rank_shared"]), None)
    if shared is not None:
        text = run("barometer", "-m", shared["municipality"])[1]
        assert f"{shared['rank']}=/{shared['ranked_n']}" in text


def test_no_dot_of_the_page_for_all_98_lies_under_another(fetched, tmp_path):
    page = tmp_path / "danmark.html"
    code, _out, err = run("report", "--all", "-m", "461", "--out", str(page))
    assert code == 0, err
    text = page.read_text("utf-8")
    plots = re.findall(r"<svg.*?</svg>", text, flags=re.S)
    assert plots
    for svg in plots:
        circles = [
            (float(x), float(y), float(r))
            for x, y, r in re.findall(r"<circle cx='([\d.]+)' cy='([\d.]+)' r='([\d.]+)'", svg)
        ]
        for (x1, y1, r1), (x2, y2, r2) in itertools.combinations(circles, 2):
            assert math.hypot(x1 - x2, y1 - y2) >= r1 + r2 - 0.15  # drawn to one decimal
    assert len(KOMMUNER) == 98
