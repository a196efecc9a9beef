"""Cold-start times of the command line, beside ``python -c "import numpy"``.

    python benchmarks/bench_startup.py              # 7 runs each, best and median
    python benchmarks/bench_startup.py --runs 15

Each command runs in a fresh process, as a user starts it. Printed as seconds
and as ratios against two named baselines: ``python -c pass`` (the
interpreter alone) and ``python -c "import numpy"`` (one scientific import).
The targets: ``--help`` loads no heavy library, and ``compare`` on the bundled
plugins starts and finishes within 0.5 s on a 2-core machine and within 3x
``python -c "import numpy"`` in the same run (it loads no numpy). No assertion:
the figures are for people and docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

BASELINES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
}
COMMANDS = {
    "kommuneintegration --help": [sys.executable, "-m", "kommuneintegration", "--help"],
    "kommuneintegration --version": [sys.executable, "-m", "kommuneintegration", "--version"],
    "kommuneintegration compare": [sys.executable, "-m", "kommuneintegration", "compare"],
    "kommuneintegration compare -f json": [
        sys.executable,
        "-m",
        "kommuneintegration",
        "compare",
        "-f",
        "json",
    ],
}


def timed(command: list[str], runs: int) -> tuple[float, float]:
    env = dict(os.environ)
    # Measure what a user gets: byte-code caches on (some sandboxes turn them off).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(command, env=env, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    base = {name: timed(cmd, args.runs) for name, cmd in BASELINES.items()}
    numpy_best = base['python -c "import numpy"'][0]
    print(f"{'command':<38} {'best s':>7} {'median s':>9} {'x numpy import':>15}")
    for name, (best, median) in base.items():
        print(f"{name:<38} {best:7.3f} {median:9.3f} {best / numpy_best:15.2f}")
    for name, cmd in COMMANDS.items():
        best, median = timed(cmd, args.runs)
        print(f"{name:<38} {best:7.3f} {median:9.3f} {best / numpy_best:15.2f}")
        if name == "kommuneintegration compare":
            compare_best = best
    met = compare_best <= 0.5 and compare_best <= 3 * numpy_best
    print(
        f"goal: compare within 0.5 s and 3x the numpy import: {compare_best:.3f} s, "
        f"{compare_best / numpy_best:.2f}x ({'met' if met else 'not met'})"
    )


if __name__ == "__main__":
    main()
