import json
from pathlib import Path

import pytest
from helpers import make_strategy, obs

from kommuneintegration.comparison import compare, differences
from kommuneintegration.hookspecs import hookimpl
from kommuneintegration.models import Municipality
from kommuneintegration.plugins import PluginHost
from kommuneintegration.render import comparison_to_dict


def two_cities(first_obs, second_obs, second_indicator=None):
    """Two throwaway cities with one employment-rate indicator each."""
    indicator = {
        "id": "rate",
        "label": "Beskæftigelse",
        "measure": "rate",
        "unit": "percent",
        "concept": "employment-rate",
        "catalogue": "employment-rate",
    }

    def city(code, name, observations, ind):
        strategy = make_strategy(
            observations=observations,
            indicators=[ind],
            sid=f"{name.lower()}-s",
            themes=[
                {"id": "job", "label": "Job", "topics": ["employment"]},
                {
                    "id": "bolig",
                    "label": "Bolig",
                    "topics": ["housing"],
                    "status": "placeholder",
                    "note": "[Udfyldes]",
                },
            ],
        )

        class City:
            @hookimpl
            def municipality(self):
                return Municipality(code, name)

            @hookimpl
            def strategies(self):
                return [strategy]

        return City()

    host = PluginHost(load_entrypoints=False, strict=True)
    host.register(city("461", "Odense", first_obs, indicator), name="odense")
    host.register(city("630", "Vejle", second_obs, second_indicator or indicator), name="vejle")
    return host.registry()


def row(comparison, cid):
    (found,) = [r for r in comparison.indicators if r.indicator.id == cid]
    return found


def test_same_measure_group_age_and_year_is_comparable():
    registry = two_cities(
        [obs("rate", 60, group="non-western", year=2021, age_band="16-64")],
        [obs("rate", 55, group="non-western", year=2021, age_band="16-64")],
    )
    result = row(compare(registry), "employment-rate")
    assert result.comparable
    assert result.differences == ("Odense vs Vejle: same measure, group, age band and year",)


def test_every_difference_in_plain_words():
    other = {
        "id": "rate",
        "label": "Lønmodtagere",
        "measure": "rate",
        "unit": "percent",
        "concept": "wage-earner-employment",
        "catalogue": "employment-rate",
    }
    registry = two_cities(
        [obs("rate", 60, group="immigrants-and-descendants", year=2022, age_band="18-29")],
        [obs("rate", 55, group="non-western", year=2021, age_band="16-64")],
        other,
    )
    result = row(compare(registry), "employment-rate")
    assert not result.comparable
    assert result.differences == (
        "Odense vs Vejle: employment rate (statistic not stated) vs wage-earner employment; "
        "immigrants and descendants of any origin vs "
        "immigrants and descendants from non-Western countries; age 18-29 vs 16-64; 2022 vs 2021",
    )


def test_the_best_matching_pair_is_judged_and_danish_origin_figures_are_context():
    registry = two_cities(
        [
            obs("rate", 77, group="danish-origin", year=2021),
            obs("rate", 60, group="non-western", year=2019),
            obs("rate", 61, group="non-western", year=2021),
        ],
        [
            obs("rate", 55, group="non-western", year=2021),
            obs("rate", 75, group="danish-origin", year=2021),
        ],
    )
    result = row(compare(registry), "employment-rate")
    assert result.comparable
    gap_row = row(compare(registry), "employment-gap")
    assert sorted((e.municipality, e.value) for e in gap_row.entries) == [
        ("461", 16.0),
        ("630", 20.0),
    ]
    assert all(e.derived for e in gap_row.entries)
    assert (
        gap_row.entries[0].derivation
        == "77 % (persons of Danish origin) - 61 % (immigrants and descendants from "
        "non-Western countries) = 16 percentage points"
    )
    assert [n.group for n in gap_row.not_derived] == [
        "non-western"
    ]  # the 2019 figure has no partner


def test_one_city_only_is_said():
    registry = two_cities([obs("rate", 60, group="non-western", year=2021)], [])
    assert row(compare(registry), "employment-rate").differences == (
        "only Odense has figures for this indicator: nothing to compare with",
    )


def test_differences_helper_is_empty_for_equal_entries():
    registry = two_cities([obs("rate", 60, group="non-western", year=2021)], [])
    (entry,) = row(compare(registry), "employment-rate").entries
    assert differences(entry, entry) == []


def test_themes_include_declared_but_empty_sections():
    registry = two_cities([obs("rate", 60, group="non-western", year=2021)], [])
    themes = {t.topic.id: t for t in compare(registry).themes}
    assert themes["employment"].status("461") == "filled"
    assert themes["housing"].status("461") == "placeholder"
    assert themes["safety"].status("461") == "absent"


def test_filters_by_municipality_and_theme():
    registry = two_cities(
        [obs("rate", 60, group="non-western", year=2021)],
        [obs("rate", 55, group="non-western", year=2021)],
    )
    only = compare(registry, municipalities=["Vejle"], themes=["beskæftigelse"])
    assert [m.code for m in only.municipalities] == ["630"]
    assert [t.topic.id for t in only.themes] == ["employment"]
    assert {e.municipality for r in only.indicators for e in r.entries} == {"630"}
    with pytest.raises(KeyError, match="unknown municipality 'Odder'"):
        compare(registry, municipalities=["Odder"])
    with pytest.raises(KeyError, match="unknown theme 'sport'"):
        compare(registry, themes=["sport"])


def test_extra_observations_join_the_comparison():
    registry = two_cities([obs("rate", 60, group="non-western", year=2021)], [])
    from kommuneintegration.models import Observation, Provenance

    extra = {
        "630": (
            Observation(
                "rate",
                58.0,
                "percent",
                Provenance("RAS200", "x.csv, line 2"),
                group="non-western",
                year=2021,
            ),
        )
    }
    result = row(compare(registry, extra_observations=extra), "employment-rate")
    assert result.comparable
    assert {e.source for e in result.entries} >= {"RAS200, x.csv, line 2"}


# --- the JSON shape (documented in docs/comparison.md) -------------------------------------

ENTRY_KEYS = {
    "municipality",
    "municipality_name",
    "strategy",
    "indicator",
    "label",
    "concept",
    "concept_label",
    "value",
    "series",
    "bound",
    "unit",
    "year",
    "period",
    "group",
    "group_label",
    "group_definition",
    "age_band",
    "category",
    "source",
    "derived",
    "derivation",
    "note",
}
EVALUATION_KEYS = {
    "municipality",
    "strategy",
    "document_kind",
    "target",
    "goal",
    "kind",
    "wording",
    "wording_is_quote",
    "year_inferred",
    "reported_reached",
    "value",
    "unit",
    "year",
    "baseline_year",
    "status",
    "status_label",
    "reason",
    "reading",
    "alternative",
    "progress",
    "rule",
    "source",
    "progress_status",
    "progress_ratio",
    "progress_method",
    "progress_reason",
    "methods_disagree",
    "as_of",
}


def check_shape(data):
    assert set(data) == {
        "schema_version",
        "generated_by",
        "municipalities",
        "indicators",
        "derived",
        "not_derived",
        "evaluations",
        "goal_movements",
        "disagreements",
        "context",
        "barometer",
        "themes",
    }
    assert data["schema_version"] == 1
    for m in data["municipalities"]:
        assert set(m) == {"code", "name", "plugin", "strategies"}
        for s in m["strategies"]:
            assert set(s) == {
                "id",
                "title",
                "kind",
                "kind_label",
                "period",
                "author",
                "document",
                "notes",
                "source",
                "target_group",
                "themes",
            }
            assert set(s["target_group"]) == {"id", "wording", "label", "definition", "reading"}
    for ind in data["indicators"]:
        assert set(ind) == {
            "id",
            "label",
            "label_en",
            "measure",
            "unit",
            "comparable",
            "compare_note",
            "differences",
            "not_derived",
            "entries",
        }
        assert isinstance(ind["comparable"], bool)
        for entry in ind["entries"]:
            assert set(entry) == ENTRY_KEYS
            assert isinstance(entry["value"], int | float)
            assert entry["source"]
    for ev in data["evaluations"]:
        assert set(ev) == EVALUATION_KEYS
        assert ev["status"] in {
            "achieved",
            "missed",
            "on-track",
            "not-on-track",
            "not-evaluable",
            "reported-achieved",
            "rule-error",
        }
        assert ev["reason"]
    for theme in data["themes"]:
        assert set(theme) == {"id", "label", "label_en", "coverage"}
        for cov in theme["coverage"].values():
            assert cov["status"] in {"filled", "placeholder", "absent"}


def test_json_shape_of_throwaway_cities():
    registry = two_cities(
        [obs("rate", 60, group="non-western", year=2021)],
        [obs("rate", 55, group="non-western", year=2021)],
    )
    data = json.loads(json.dumps(comparison_to_dict(compare(registry))))
    check_shape(data)


@pytest.mark.installed_plugins
def test_json_shape_and_content_of_the_bundled_cities():
    data = json.loads(
        json.dumps(
            comparison_to_dict(compare(PluginHost(strict=True).registry())), ensure_ascii=False
        )
    )
    check_shape(data)
    # The three cities and the national reference (Hele landet, 000).
    assert [m["code"] for m in data["municipalities"]] == ["000", "101", "751", "851"]
    gap = next(i for i in data["indicators"] if i["id"] == "employment-gap")
    kbh = {
        (e["group"], e["value"])
        for e in gap["entries"]
        if e["municipality"] == "101" and e["derived"]
    }
    assert kbh == {("non-western", 17.0), ("kobenhavn:udvalgte-menapt", 22.0)}
    assert any("wage-earner employment vs employment rate" in d for d in gap["differences"])
    rate = next(i for i in data["indicators"] if i["id"] == "employment-rate")
    assert rate["comparable"] is False
    assert any("age not stated vs 16-64" in d and "2021 vs 2008" in d for d in rate["differences"])
    culture = next(t for t in data["themes"] if t["id"] == "culture-leisure")
    sections = culture["coverage"]["101"]["sections"]
    assert {
        "strategy": "kobenhavn-2023",
        "theme": "3. Kultur- og fritidsområdet",
        "status": "placeholder",
    } in sections
    aarhus = next(m for m in data["municipalities"] if m["code"] == "751")
    assert {s["kind"] for s in aarhus["strategies"]} == {"adopted-policy", "proposal"}
    assert len([e for e in data["evaluations"] if e["municipality"] != "000"]) == 22
    assert len([e for e in data["evaluations"] if e["municipality"] == "000"]) == 18


@pytest.mark.installed_plugins
def test_data_frames_for_developers():
    pd = pytest.importorskip("pandas")
    from kommuneintegration.comparison import FIGURE_COLUMNS, observations_frame

    registry = PluginHost(strict=True).registry()
    result = compare(registry, municipalities=["851", "101"])
    frame = result.to_frame()
    assert list(frame.columns) == list(FIGURE_COLUMNS)
    assert len(frame) == sum(len(row.entries) for row in result.indicators)
    gap = frame[
        (frame.catalogue == "employment-gap") & frame.derived & (frame.municipality == "101")
    ]
    assert sorted(gap.value) == [17.0, 22.0]
    everything = observations_frame(registry)
    assert len(everything) == sum(len(s.observations) for _, s in registry.all_strategies())
    assert everything.year.dtype == pd.Int64Dtype()
    assert not everything.source.str.contains(".txt").any()
    # Both frames have the same columns with the same types.
    assert list(everything.columns) == list(frame.columns)
    assert dict(everything.dtypes) == dict(frame.dtypes)
    assert everything.comparable.isna().all()
    assert frame.comparable.dtype == pd.BooleanDtype()
    # Keyed uniquely: every row is one figure, told apart by FIGURE_KEY (category too).
    from kommuneintegration.comparison import FIGURE_KEY

    for table in (frame, everything):
        assert not table.duplicated(list(FIGURE_KEY)).any()
    education = everything[everything.indicator == "highest-education"]
    assert len(education) == 18
    assert education.category.nunique() == 6  # six levels, three groups each


@pytest.mark.installed_plugins
def test_one_row_schema_for_csv_json_and_frames():
    """CSV's header, a JSON entry's keys (less its catalogue row's) and the frames' columns."""
    import csv
    import io

    from kommuneintegration.comparison import FIGURE_COLUMNS, ROW_FIELDS
    from kommuneintegration.render.csvout import comparison_to_csv

    result = compare(PluginHost(strict=True).registry())
    rows = list(csv.DictReader(io.StringIO(comparison_to_csv(result))))
    assert list(rows[0]) == list(FIGURE_COLUMNS)
    data = comparison_to_dict(result)
    entries = [e for row in data["indicators"] for e in row["entries"]]
    assert len(entries) == len(rows)
    assert {tuple(e) for e in entries} == {tuple(c for c in FIGURE_COLUMNS if c not in ROW_FIELDS)}
    # The same figure in both: the CSV row and the JSON entry agree field by field.
    for row, entry in zip(rows, entries, strict=True):
        for name in ("municipality", "indicator", "group", "category", "source"):
            assert row[name] == (entry[name] or "")
        assert float(row["value"]) == entry["value"]


@pytest.mark.installed_plugins
def test_a_derived_figure_cites_each_document_once_with_every_place():
    """København's 2021 gap rests on two figures of one draft: one citation, both places."""
    from kommuneintegration.plugins import get_host

    data = comparison_to_dict(compare(get_host().registry(), municipalities=["101"]))
    (gap,) = [
        d
        for d in data["derived"]
        if d["kind"] == "gap" and d["year"] == 2021 and d["group"] == "non-western"
    ]
    (source,) = gap["sources"]
    assert source.count("Bilag 1. Udkast til Københavns Kommunes") == 1
    assert source.endswith(
        "1. Beskæftigelsesområdet, Situationen i København; Indledning, fodnote 1"
    )


@pytest.mark.installed_plugins
def test_a_figure_not_derived_says_whose_it_is_in_every_format():
    from kommuneintegration.plugins import get_host
    from kommuneintegration.render import comparison_to_markdown
    from kommuneintegration.render.html import comparison_to_html
    from kommuneintegration.render.text import comparison_to_text

    result = compare(get_host().registry(), municipalities=["101"])
    who = "København, immigrants and descendants from non-Western countries 2016: gap not computed"
    assert who in " ".join(comparison_to_text(result).split())
    assert f"- {who}" in comparison_to_markdown(result)
    assert who in comparison_to_html(result)


def test_the_docs_list_the_row_schema():
    from kommuneintegration.comparison import FIGURE_COLUMNS

    docs = (Path(__file__).resolve().parents[1] / "docs" / "comparison.md").read_text("utf-8")
    listed = " ".join(docs.split("`--format csv`", 1)[1].split("Empty text", 1)[0].split())
    assert listed.split("share: ", 1)[1].count("`") // 2 == len(FIGURE_COLUMNS)
    assert ", ".join(f"`{c}`" for c in FIGURE_COLUMNS) in listed
