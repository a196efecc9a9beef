"""The closed catalogue of concepts: ids with labels in both languages, free text refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_datafile import MINIMAL

from kommuneintegration.catalogue import builtin_concepts
from kommuneintegration.comparison import IndicatorEntry, differences
from kommuneintegration.datafile import load_plugin_data
from kommuneintegration.i18n import use_language
from kommuneintegration.schema import DataFileError

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_TOML = """
[municipality]
code = "461"
name = "Odense"
"""
WITH_CONCEPT = MINIMAL.replace(
    'target_group = "non-western"\n', 'target_group = "non-western"\nconcept = "{concept}"\n', 1
)


def plugin_folder(tmp_path, concept: str, extra: str = "") -> Path:
    root = tmp_path / "data"
    (root / "strategies").mkdir(parents=True)
    (root / "plugin.toml").write_text(PLUGIN_TOML + extra, "utf-8")
    (root / "strategies" / "a.toml").write_text(WITH_CONCEPT.replace("{concept}", concept), "utf-8")
    return root


def test_every_built_in_concept_has_both_labels():
    concepts = builtin_concepts()
    assert len(concepts) >= 25
    for concept in concepts.values():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", concept.id)
        assert concept.label.strip()
        assert concept.label_en.strip()


def test_a_known_concept_is_accepted(tmp_path):
    data = load_plugin_data(plugin_folder(tmp_path, "wage-earner-employment"))
    (indicator,) = data.strategies[0].indicators
    assert indicator.concept == "wage-earner-employment"


def test_free_text_is_refused_with_the_known_ids_and_where(tmp_path):
    with pytest.raises(DataFileError) as info:
        load_plugin_data(plugin_folder(tmp_path, "employment frequency (erhvervsfrekvens)"))
    (problem,) = info.value.problems
    text = str(problem)
    assert text.startswith("strategies/a.toml: indicators[0].concept: unknown concept")
    assert "did you mean 'employment-frequency'?" in text
    assert "concept_note" in text  # where the explanation goes instead
    known = text.split("known: ", 1)[1].split(", ")
    assert known == sorted(builtin_concepts())


def test_a_plugin_adds_a_concept_with_both_labels(tmp_path):
    extra = """
[[concepts]]
id = "odense:fritidsjob"
label = "andel med fritidsjob"
label_en = "share with a spare-time job"
"""
    data = load_plugin_data(plugin_folder(tmp_path, "odense:fritidsjob", extra))
    (concept,) = data.concepts
    assert (concept.label, concept.label_en) == (
        "andel med fritidsjob",
        "share with a spare-time job",
    )
    assert data.strategies[0].indicators[0].concept == "odense:fritidsjob"


@pytest.mark.parametrize(
    ("entry", "where", "what"),
    [
        ('id = "odense:x"\nlabel = "x"\n', "concepts[0].label_en", "required"),
        ('id = "odense:x"\nlabel = "x"\nlabel_en = "  "\n', "concepts[0].label_en", "empty"),
        ('id = "employment-gap"\nlabel = "x"\nlabel_en = "x"\n', "concepts[0].id", "already"),
    ],
)
def test_a_plugin_concept_needs_both_labels_and_a_new_id(tmp_path, entry, where, what):
    with pytest.raises(DataFileError) as info:
        load_plugin_data(plugin_folder(tmp_path, "employment-gap", "[[concepts]]\n" + entry))
    found = [str(p) for p in info.value.problems]
    assert any(f"plugin.toml: {where}" in p and what in p for p in found), found


def _entry(concept: str, label: str) -> IndicatorEntry:
    return IndicatorEntry(
        "101", "København", "s", "rate", "x", concept, 60.0, "percent", 2021, "",
        "non-western", "g", "definition", None, "", "source", concept_label=label,
    )  # fmt: skip


def test_figures_differ_by_concept_id_and_say_so_by_label():
    a = _entry("employment-frequency", "beskæftigelsesfrekvens")
    b = _entry("wage-earner-employment", "lønmodtagerbeskæftigelse")
    with use_language("en"):
        assert differences(a, b) == ["beskæftigelsesfrekvens vs lønmodtagerbeskæftigelse"]
    with use_language("da"):
        assert differences(a, b) == ["beskæftigelsesfrekvens mod lønmodtagerbeskæftigelse"]
    # The same id is the same concept, whatever the label says.
    assert differences(a, _entry("employment-frequency", "Employment Frequency")) == []


def test_docs_list_every_built_in_concept():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for concept in builtin_concepts().values():
        assert f"| `{concept.id}` | {concept.label} | {concept.label_en} |" in docs
