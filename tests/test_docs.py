"""Lists in the docs derived from the code (datasette's tests/test_docs.py is the model)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_glossary_is_the_librarys_own_terms():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from write_glossary import GLOSSARY, glossary
    finally:
        sys.path.pop(0)
    assert GLOSSARY.read_text("utf-8") == glossary(), (
        "docs/glossary.md is not what the code holds: run python scripts/write_glossary.py"
    )
    text = GLOSSARY.read_text("utf-8")
    for term in ("dansk oprindelse", "indvandrer", "efterkommer", "ikke-vestlige lande", "MENAPT"):
        assert term in text


def test_the_glossary_check_can_fail(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import write_glossary
    finally:
        sys.path.pop(0)
    stale = tmp_path / "glossary.md"
    stale.write_text("# an old glossary\n", encoding="utf-8")
    assert stale.read_text("utf-8") != write_glossary.glossary()
    monkeypatch.setattr(write_glossary, "GLOSSARY", stale)
    assert write_glossary.main() == 0
    assert stale.read_text("utf-8") == write_glossary.glossary()


def test_the_barometer_page_lists_the_indicators_the_records_hold():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import write_barometer_docs
    finally:
        sys.path.pop(0)
    text = write_barometer_docs.PAGE.read_text("utf-8")
    assert text == write_barometer_docs.page(text), (
        "docs/barometer.md is not what the records hold: run python scripts/write_barometer_docs.py"
    )
    from kommuneintegration.barometer.indicators import BAROMETER_INDICATORS, NOT_AVAILABLE

    for indicator in BAROMETER_INDICATORS:
        assert f"`{indicator.key}`" in text
    for item in NOT_AVAILABLE:
        assert f"| {item.barometer} |" in text
    stale = text.replace("RAS201", "RAS999", 1)
    assert write_barometer_docs.page(stale) != stale  # the check can fail
