"""The main job and its siblings on the bundled plugins, as a user runs them."""

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from kommuneintegration.cli import main

pytestmark = pytest.mark.installed_plugins


def run(argv):
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def test_compare_table_fits_80_columns_and_speaks_danish():
    code, summary = run(["--lang", "da", "compare"])
    assert code == 0
    code, text = run(["--lang", "da", "compare", "--full"])
    assert code == 0
    too_wide = [line for line in (summary + text).splitlines() if len(line) > 80]
    assert too_wide == []
    for term in (
        "Målgrupper",
        "beskæftigelsesfrekvens",
        "dansk oprindelse",
        "ikke nået",
        "kan ikke vurderes",
    ):
        assert term in text
    assert "beskæftigelsesgab (i procentpoint)" in text  # the unit once, in the heading
    assert re.search(r" 17\* +2021 ", text)
    assert re.search(r" 22\* +2021 ", text)
    assert "35,6 %" in text  # the Danish decimal comma


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_compare_formats(fmt):
    code, text = run(["compare", "--format", fmt])
    assert code == 0
    if fmt == "json":
        assert json.loads(text)["schema_version"] == 1
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        gaps = {(r["municipality"], r["group"], r["value"]) for r in rows if r["derived"] == "True"}
        assert ("101", "non-western", "17") in gaps
        assert all(r["source"] for r in rows)
    else:
        assert "| Municipality | Group | Age | Value | Year | Concept | Source |" in text
        code, danish = run(["compare", "--format", fmt, "--lang", "da"])
        assert "| Kommune | Gruppe | Alder | Værdi | År | Begreb | Kilde |" in danish


def test_compare_filters():
    code, text = run(
        ["compare", "-m", "851", "-m", "København", "--theme", "employment", "-f", "json"]
    )
    assert code == 0
    data = json.loads(text)
    assert [m["code"] for m in data["municipalities"]] == ["851", "101"]  # as asked
    assert [t["id"] for t in data["themes"]] == ["employment"]


def test_unknown_municipality_is_one_line_and_non_zero(capsys):
    code, _ = run(["compare", "-m", "Odder"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "kommuneintegration: error: unknown municipality 'Odder'; known municipalities: 101 København"
    )
    assert "Traceback" not in err


def test_debug_shows_the_traceback():
    with pytest.raises(KeyError):
        main(["--debug", "compare", "-m", "Odder"])


def test_evaluate_with_observations_file(tmp_path, capsys):
    path = tmp_path / "2026.csv"
    path.write_text(
        "municipality,indicator,group,age_band,year,value,unit,source\n"
        "851,workforce-non-western,non-western,,2022,6.4,%,Silkeborg Data\n"
        "851,workforce-non-western,non-western,,20x2,6.4,%,Silkeborg Data\n",
        encoding="utf-8",
    )
    code, text = run(["evaluate", "--observations", str(path), "-f", "json"])
    assert code == 1  # a row was rejected
    err = capsys.readouterr().err
    assert "rejected 2026.csv, line 3: year: expected a year such as 2026, got '20x2'" in err
    assert "read 1 of 2 observation rows" in err
    rows = {r["target"]: r for r in json.loads(text)}
    assert "6.4 % (2022)" in rows["workforce-target-2021"]["progress"]


def test_show_one_city_in_full():
    code, text = run(["show", "851"])
    assert code == 0
    assert "Integrationsstrategi 2023-2026" in text
    assert "Tabel 3" in text
    assert "Forskellighed er en styrke" in text
    code, text = run(["show", "kobenhavn", "--lang", "da"])
    assert "ikke udfyldt: [Udfyldes af KFF" in text


def test_report_is_self_contained_with_captioned_charts(tmp_path):
    out = tmp_path / "report.html"
    code, _ = run(["report", "--out", str(out)])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") >= 5
    assert page.count("<figure>") == page.count("<figcaption>")
    for caption in page.split("<figcaption>")[1:]:
        assert "Sources: " in caption.split("</figcaption>")[0]
    for external in ("<script src", "<link ", '<img src="http', "url(http", "@import"):
        assert external not in page
    assert "Aalborg: Share of employees with non-Western background" in page
    code, _ = run(["report", "--out", str(out), "--lang", "da"])
    assert "Aalborg: Andel ansatte med ikke-vestlig baggrund" in out.read_text(encoding="utf-8")


def test_python_dash_m_works_like_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "kommuneintegration", "compare", "-f", "json", "-m", "751"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["municipalities"][0]["name"] == "Aarhus"


@pytest.mark.installed_plugins
def test_table_rows_stay_distinguishable_and_concepts_keep_their_meaning():
    code, text = run(["compare", "--full", "--lang", "da"])
    assert code == 0
    assert "…" not in "".join(
        line for line in text.splitlines() if line.startswith("  Hele landet")
    )
    # A long group label wraps onto the next line instead of being cut.
    assert "ikke-vestlige lande 25-64" in text
    # The two flex-job figures say which is which, and their concept is named whole.
    assert "venter på et fleksjob:" in text
    assert "berettiget til et fleksjob:" in text
    code, data = run(["compare", "--lang", "da", "-f", "json", "-m", "101"])
    labels = {
        e["concept_label"]
        for row in json.loads(data)["indicators"]
        for e in row["entries"]
        if e["category"]
    }
    assert "andel blandt ledige fleksjobvisiterede og fleksjobberettigede" in labels


def test_long_municipality_names_are_whole_in_the_table():
    """Every one of the 98 names fits its column: rows of two cities never read alike."""
    import attrs

    from kommuneintegration.comparison import compare
    from kommuneintegration.models import Municipality
    from kommuneintegration.plugins import get_host
    from kommuneintegration.render.text import comparison_to_text

    registry = get_host().registry()
    renamed = attrs.evolve(
        registry,
        municipalities={
            **registry.municipalities,
            "851": Municipality("851", "Ringkøbing-Skjern"),
            "751": Municipality("751", "Ringkøbing-Skjerm"),
        },
    )
    text = comparison_to_text(compare(renamed))
    assert "  Ringkøbing-Skjern " in text
    assert "  Ringkøbing-Skjerm " in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_number_and_its_percent_sign_stay_on_one_line():
    from kommuneintegration.render.text import _wrap

    text = "x" * 70 + " 15 % af borgerne"
    lines = _wrap(text, 2, "")
    assert not any(line.strip().startswith("%") for line in lines)
    assert " ".join(" ".join(lines).split()) == text  # nothing lost, no sign left behind
    code, out = run(["compare", "--full", "--lang", "da"])
    assert code == 0
    assert not [line for line in out.splitlines() if line.strip().startswith("% ")]
