"""Small builders for strategies in tests."""

from __future__ import annotations

from typing import Any

from kommuneintegration.models import Strategy
from kommuneintegration.schema import structure

PROV = {"document": "test.txt", "section": "Tabel 1"}


def obs(
    indicator: str,
    value: float,
    *,
    group: str,
    year: int | None = None,
    unit: str = "percent",
    section: str = "Tabel 1",
    **extra: Any,
) -> dict[str, Any]:
    data = {
        "indicator": indicator,
        "value": value,
        "unit": unit,
        "group": group,
        "provenance": {"document": "test.txt", "section": section},
        **extra,
    }
    if year is not None:
        data["year"] = year
    return data


def make_strategy(
    *, observations=(), targets=(), indicators=None, goals=(), themes=(), sid="odense-s"
) -> Strategy:
    indicators = (
        indicators
        if indicators is not None
        else [
            {
                "id": "rate",
                "label": "Beskæftigelse",
                "measure": "rate",
                "unit": "percent",
                "target_group": "non-western",
                "concept": "employment-rate",
                "catalogue": "employment-rate",
            },
        ]
    )
    data = {
        "id": sid,
        "title": "T",
        "kind": "draft",
        "author": "A",
        "source": PROV,
        "indicators": list(indicators),
        "observations": list(observations),
        "targets": list(targets),
        "goals": list(goals),
        "themes": list(themes),
    }
    return structure(data, Strategy)


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr)."""
    import io
    import sys

    from kommuneintegration.cli import main

    out, err = io.StringIO(), io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        code = main(list(argv), out=out)
    finally:
        sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def fetch_cities(registry: Any, codes: list[str], **kwargs: Any) -> Any:
    """What ``kommuneintegration fetch -m CODE`` asks for the cities and their panel (the
    barometer's own requests left out), through the statbank's fetch."""
    from kommuneintegration.cityfetch import plan
    from kommuneintegration.statbank import fetch, request_areas

    return fetch(plan(registry, codes, request_areas(False, codes)), **kwargs)


def statbank_reachable() -> bool:
    """Whether the real Statbank answers at all: the live tests are skipped without it."""
    import socket

    try:
        socket.create_connection(("api.statbank.dk", 443), timeout=3).close()
    except OSError:
        return False
    return True
