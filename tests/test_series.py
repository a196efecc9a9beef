"""One definition of a series, used by derive, the evaluation, the report and the panel."""

from __future__ import annotations

import grimp
import pytest

from kommuneintegration.derive import changes, reconcile
from kommuneintegration.models import Municipality, Observation, Provenance, Strategy
from kommuneintegration.series import by_series, cell_key, series_key


def _obs(year, value, section="Tabel 1", series="", group="non-western", **kw):
    return Observation(
        "rate",
        value,
        "percent",
        Provenance("doc", section),
        group=group,
        year=year,
        series=series,
        **kw,
    )


def test_the_section_does_not_split_a_series_and_a_tag_does():
    table, text, fetched = (
        _obs(2018, 40),
        _obs(2021, 45, section="Indledning"),
        _obs(2021, 44, series="Statistikbanken RAS200"),
    )
    assert series_key(table) == series_key(text)
    assert series_key(fetched) != series_key(text)
    grouped = by_series([text, fetched, table, _obs(None, 1)])
    assert [[o.year for o in points] for points in grouped.values()] == [[2018, 2021], [2021]]
    assert cell_key(text) != cell_key(fetched)


def test_a_change_runs_across_sections_of_one_document_never_into_a_table():
    import attrs

    from kommuneintegration.schema import structure

    base = structure(
        {
            "id": "x-2024",
            "title": "x",
            "kind": "draft",
            "author": "x",
            "source": {"document": "doc", "section": "all"},
            "indicators": [{"id": "rate", "label": "rate", "measure": "rate", "unit": "percent"}],
        },
        Strategy,
    )
    strategy = attrs.evolve(
        base,
        observations=(
            _obs(2016, 50, section="Indledning, fodnote 1"),
            _obs(2021, 60, section="1. Beskæftigelsesområdet"),
            _obs(2023, 70, series="Statistikbanken RAS200"),
        ),
    )
    (change,) = changes(Municipality("101", "København"), strategy)
    assert (change.from_year, change.year, change.value) == (2016, 2021, 10)


def test_reconcile_keeps_one_figure_per_cell_of_a_series():
    kept, disagreements = reconcile([_obs(2021, 60), _obs(2021, 61, section="Bilag")])
    assert len(kept) == 1
    assert len(disagreements) == 1
    kept, disagreements = reconcile([_obs(2021, 60), _obs(2021, 61, series="Statistikbanken X")])
    assert len(kept) == 2
    assert disagreements == []


def test_every_consumer_of_series_uses_the_one_definition():
    graph = grimp.build_graph("kommuneintegration")
    for module in (
        "kommuneintegration.strategy.derive",
        "kommuneintegration.rules",
        "kommuneintegration.analysis.comparison",
        "kommuneintegration.statbank",
    ):
        imported = graph.find_modules_directly_imported_by(module)
        assert "kommuneintegration.strategy.series" in imported


@pytest.mark.installed_plugins
def test_the_comparison_groups_series_once_and_the_report_draws_them():
    from kommuneintegration.comparison import compare
    from kommuneintegration.i18n import use_language
    from kommuneintegration.plugins import get_host
    from kommuneintegration.render.html import comparison_to_html

    result = compare(get_host().registry(), municipalities=["101"])
    (wage,) = [
        v for v in result.series if v.indicator == "wage-employment" and v.key[1] == "non-western"
    ]
    assert [o.year for o in wage.points] == [2016, 2021]
    assert wage.years == 2
    with use_language("da"):
        page = comparison_to_html(compare(get_host().registry(), municipalities=["101"]))
    assert "København: Lønmodtagerbeskæftigelse, % efter år: " in page
