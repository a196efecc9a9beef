"""The barometer's sources: one refused table costs only its own figures, codes are read by
their texts, and the statbank package knows nothing of plugins.

Each test fetches the whole country and Aalborg (``fetch -m 851``, cheaper than all 98)
from a stand-in that answers as DST does, sometimes as DST answers a retired table
(HTTP 400 "Tabel findes ikke"), sometimes with its codes changed and its texts kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import run_cli as run
from helpers import statbank_reachable
from statbank_server import StandIn

pytestmark = pytest.mark.installed_plugins


def _fetch(tmp_path, name, **stand_in):
    """Fetch 851 and the whole country into a cache of its own; (exit, stdout, the cache)."""
    cache = tmp_path / name
    with StandIn() as server, pytest.MonkeyPatch.context() as mp:
        for key, value in stand_in.items():
            setattr(server, key, value)
        mp.setenv("KOMMUNEINTEGRATION_STATBANK_URL", server.url)
        mp.setenv("KOMMUNEINTEGRATION_CACHE_DIR", str(cache))
        code, out, err = run("fetch", "-m", "851")
        barometer = run("barometer", "-m", "851", "-f", "json")
    return code, out, err, barometer


def _rows(barometer):
    code, out, err = barometer
    assert code == 0, err
    data = json.loads(out)
    return data, {(r["indicator"], r["group"], r["sex"]): r for r in data["rows"]}


def test_a_retired_folk1c_costs_only_the_country_groups(tmp_path):
    code, out, _err, barometer = _fetch(tmp_path, "retired", retired={"FOLK1C"})
    assert code == 3  # some tables refused, the others fetched and stored
    (line,) = [line for line in out.splitlines() if "FOLK1C not fetched" in line]
    assert "Tabel findes ikke: FOLK1C" in line
    assert "MENAPT" in line  # what lacks its figures, by name
    data, rows = _rows(barometer)
    assert rows[("employment-rate", "non-western", None)]["value"] is not None
    assert rows[("population-share-by-origin", "non-western", None)]["value"] is not None
    assert not [r for r in data["rows"] if r["group"] == "menapt"]
    assert any("FOLK1C" in note and "MENAPT" in note for note in data["notes"])


def test_a_retired_ligeub1_costs_only_education(tmp_path):
    code, out, _err, barometer = _fetch(tmp_path, "retired", retired={"LIGEUB1"})
    assert code == 3
    (line,) = [line for line in out.splitlines() if "LIGEUB1 not fetched" in line]
    assert "youth education" in line
    _data, rows = _rows(barometer)
    shown = {key[0] for key in rows}
    assert "youth-education-completion" not in shown
    assert "highest-completed-education" not in shown
    assert {"employment-rate", "cash-benefit-share", "conviction-share"} <= shown


def test_the_same_figures_come_out_when_codes_change_and_texts_stay(tmp_path):
    _code, _out, _err, plain = _fetch(tmp_path, "plain")
    recoded = {
        "RAS201": {"HERKOMST": {"999": "5", "25": "A25"}, "SOCIO": {"0": "B0"}},
        "LIGEUB1": {"HERKOMST": {"10": "D10"}, "HFUDD": {"H20": "X20", "TOT": "ALLE"}},
        "KY038": {"HERKOMST1": {"9": "NV"}, "YDELSESTYPE": {"10000": "Y0"}},
        "STRAFNA6": {"HERKOMST1": {"6": "U6"}},
    }
    code, _out, err, changed = _fetch(tmp_path, "recoded", recode=recoded)
    assert code == 0, err
    _data, before = _rows(plain)
    _data, after = _rows(changed)
    assert before.keys() == after.keys()
    for key, row in before.items():
        assert after[key]["value"] == row["value"], key
        assert [p["value"] for p in after[key]["series"]] == [p["value"] for p in row["series"]]


def test_a_text_the_table_lacks_leaves_out_what_needs_it_named(tmp_path):
    def renamed(endpoint, status, body, kind):
        if endpoint == "tableinfo" and '"RAS201"' in body:
            body = body.replace('"Beskæftigede"', '"I beskæftigelse"')
        return status, body, kind

    code, out, _err, barometer = _fetch(tmp_path, "renamed", tamper=renamed)
    assert code == 0
    assert "RAS201 has no value 'Beskæftigede' of SOCIO" in out
    data, rows = _rows(barometer)
    shown = {key[0] for key in rows}
    assert "employment-rate" not in shown
    assert "employment-gap" not in shown
    assert "cash-benefit-share" in shown  # RAS201's persons, every status: still read
    assert any("'Beskæftigede'" in note for note in data["notes"])


def test_the_statbank_package_loads_nothing_of_the_plugin_layer():
    code = (
        "import sys, kommuneintegration.statbank, kommuneintegration.statbank.cells; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('kommuneintegration'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    ).stdout.split()
    assert "kommuneintegration.statbank.cells" in loaded
    for layer in ("registry", "plugins", "hookspecs", "barometer", "cityfetch", "evaluation"):
        assert f"kommuneintegration.{layer}" not in loaded


@pytest.mark.network
@pytest.mark.skipif(
    not statbank_reachable(), reason="no network: api.statbank.dk cannot be reached"
)
def test_the_real_statbank_gives_the_ministrys_2014_employment_figures(monkeypatch, tmp_path):
    """The ministry published 1.2 = 52 % and 1.1 = 26 percentage points for the whole country
    in 2014 (../shared/FACTS.md); RAS201's counts must give them within one point."""
    from kommuneintegration.barometer import barometer, load_inputs
    from kommuneintegration.barometer.fetching import requests
    from kommuneintegration.barometer.indicators import EMPLOYMENT_GAP, EMPLOYMENT_RATE
    from kommuneintegration.statbank import fetch
    from kommuneintegration.statbank.cache import Cache

    monkeypatch.delenv("KOMMUNEINTEGRATION_STATBANK_URL", raising=False)
    cache = Cache(tmp_path)
    fetch(requests([EMPLOYMENT_RATE], ("000",)), since=2012, cache=cache)
    result = barometer(["101"], inputs=load_inputs(cache))
    by_key = {r.indicator.key: r for r in result.rows}
    rate = next(p for p in by_key[EMPLOYMENT_RATE.key].series if p.year == 2014)
    gap = next(p for p in by_key[EMPLOYMENT_GAP.key].series if p.year == 2014)
    assert rate.country == pytest.approx(52, abs=1)
    assert gap.country == pytest.approx(26, abs=1)


def test_fetch_asks_each_table_for_exactly_the_cells_the_formulas_read():
    """The union of the cells every indicator's parts read is what the requests ask, cell for
    cell (time and area aside): nothing the formulas do not need, nothing they need missed."""
    import itertools

    from statbank_server import tableinfo

    from kommuneintegration.barometer import barometer_groups
    from kommuneintegration.barometer.fetching import requests
    from kommuneintegration.barometer.indicators import indicators
    from kommuneintegration.statbank.client import parse_tableinfo
    from kommuneintegration.statbank.tables import select_query

    def cells(table, select, quarter):
        info = parse_tableinfo(json.dumps(tableinfo(table)), table)
        chosen = select_query(info, select, ["000"], quarter=quarter).variables
        fixed = {k: v for k, v in chosen.items() if k.upper() not in ("OMRÅDE", "BOPOMR")}
        return {
            tuple(sorted(zip(fixed, combo, strict=True)))
            for combo in itertools.product(*fixed.values())
        }

    shown = indicators(barometer_groups())
    needed: dict[str, set] = {}
    for indicator in shown:
        reference = indicator.reference.parts if indicator.reference else ()
        for part in (*indicator.rate.parts, *reference):
            quarter = "K1" if part.period.endswith("K1") else ""
            needed.setdefault(part.table, set()).update(cells(part.table, part.select, quarter))
    asked: dict[str, set] = {}
    counts: dict[str, int] = {}
    for request in requests(shown, ("000",)):
        found = cells(request.table, request.select, request.quarter)
        asked.setdefault(request.table, set()).update(found)
        counts[request.table] = counts.get(request.table, 0) + len(found)
    assert asked == needed
    assert counts["RAS201"] == len(needed["RAS201"])  # one request, no cell twice
