"""The barometer at the scale of all 98 municipalities, as ratios in one run.

    python benchmarks/bench_barometer.py

Starts the Statbank stand-in of the tests (tests/statbank_server.py, which serves
all 98 municipalities as DST answers), runs ``fetch --all`` into a temporary
cache, and prints, each against its named baseline (issue 23's targets in
brackets):

0. ``fetch --all``: its time and how many cells it asks each table for (the cells
   the barometer's formulas and the panel read, no more).
1. ``barometer --all`` from the cache against ``compare`` on the bundled plugins
   with the same cache, each a whole command in a fresh process [at most 3x, issue
   31: the barometer reads each answer's checked numbers stored beside it].
2. ``compare``'s text with all 98 fetched against the same with only the plugin
   cities fetched [bounded: the same length; the municipalities fetched change the
   medians and ranks, not the number of lines], and against ``--no-statbank``.
3. ``report --all``: the size of the page [< 3 MB] and its time against
   ``barometer --all``.

No assertion: the figures are for docs/performance.md and for people. Best of
several runs each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from statbank_server import StandIn  # noqa: E402


def command(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kommuneintegration", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def best(*argv: str, env: dict[str, str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        command(*argv, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with StandIn() as server, tempfile.TemporaryDirectory() as cache:
        env = {
            **os.environ,
            "KOMMUNEINTEGRATION_STATBANK_URL": server.url,
            "KOMMUNEINTEGRATION_CACHE_DIR": cache,
            "KOMMUNEINTEGRATION_LANG": "en",
        }
        start = time.perf_counter()
        fetched = command("fetch", "--all", env=env).stdout
        print(f"fetch --all from the stand-in: {time.perf_counter() - start:.1f} s")
        # what the indicators' formulas need, and no more (issue 31)
        print("  " + next(line.strip() for line in fetched.splitlines() if "cells asked" in line))
        barometer = best("barometer", "--all", env=env)
        compare = best("compare", env=env)
        print("1. barometer --all against compare, both with all 98 municipalities in the cache")
        print(
            f"   barometer {barometer:.2f} s, compare {compare:.2f} s: {barometer / compare:.2f}x  [<= 3x]"
        )
        full = command("compare", env=env).stdout.count("\n")
        bare = command("compare", "--no-statbank", env=env).stdout.count("\n")
        with tempfile.TemporaryDirectory() as few:
            cities = {**env, "KOMMUNEINTEGRATION_CACHE_DIR": few}
            command("fetch", env=cities)
            some = command("compare", env=cities).stdout.count("\n")
        print("2. compare's text with all 98 fetched")
        print(
            f"   {full} lines, against {some} with the plugin cities fetched: "
            f"{full / some:.2f}x  [bounded: 1x]; {bare} with --no-statbank"
        )
        page = Path(cache) / "danmark.html"
        report = best("report", "--all", "-m", "461", "--out", str(page), env=env, repeat=3)
        size = page.stat().st_size / 1_000_000
        print("3. report --all")
        print(
            f"   {size:.2f} MB  [< 3 MB]; {report:.2f} s against barometer --all "
            f"{barometer:.2f} s: {report / barometer:.2f}x"
        )


if __name__ == "__main__":
    main()
