"""Speed and memory of classify_many and aggregate on a national-size register.

    python benchmarks/bench_classify.py            # 6 million residents
    python benchmarks/bench_classify.py --rows 200000

Prints, from one run, the time of classify_many and its ratios against two
baselines implemented in baselines.py (a per-row Python loop, measured on a
sample and scaled; a straightforward numpy version with boolean masks over
string arrays), the peak memory the call allocates relative to the input
columns, and the time to aggregate. No assertion: the figures are for
docs/performance.md and for people, not a test that fails on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from baselines import numpy_masks, python_loop, row_loop

from kommuneintegration.population.aggregate import aggregate
from kommuneintegration.population.classification import classify_many
from kommuneintegration.population.synthetic import synthesize
from kommuneintegration.strategy.catalogue import builtin_target_groups


def best_of(repeat: int, func, *args):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=6_000_000)
    parser.add_argument("--loop-sample", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    population = synthesize(args.rows, seed=args.seed)
    inputs = population.origin_inputs()
    input_bytes = sum(a.nbytes for a in inputs)
    print(
        f"population: {args.rows:,} synthetic residents (seed {args.seed}); input columns {input_bytes / 2**20:.0f} MiB"
    )

    ours, result = best_of(args.repeat, classify_many, *inputs)
    print(f"classify_many:        {ours:8.3f} s  ({args.rows / ours / 1e6:.1f} million rows/s)")

    sample = min(args.loop_sample, args.rows)
    loop_sample, (loop_origin, _) = best_of(1, row_loop, *(a[:sample] for a in inputs))
    assert np.array_equal(loop_origin, result.origin[:sample]), (
        "the loop baseline disagrees with classify_many"
    )
    loop = loop_sample * args.rows / max(sample, 1)
    print(
        f"baseline row loop:    {loop:8.3f} s  (a loop over the arrays' rows; {sample:,} rows measured, scaled)"
    )
    lists = [a[:sample].tolist() for a in inputs]
    tuned_sample, _ = best_of(1, python_loop, *lists)
    tuned = tuned_sample * args.rows / max(sample, 1)
    print(f"  for reference, a tuned loop over Python lists (converted beforehand): {tuned:.3f} s")

    masks, (origin, _) = best_of(args.repeat, numpy_masks, *inputs)
    assert np.array_equal(origin, result.origin), "the numpy baseline disagrees with classify_many"
    print(f"baseline numpy masks: {masks:8.3f} s")

    tracemalloc.start()
    classify_many(*inputs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"peak memory of the call: {peak / 2**20:.0f} MiB = {peak / input_bytes:.2f} x the input columns"
    )

    agg_time, agg = best_of(
        1,
        lambda: aggregate(
            result,
            municipality=population.columns["municipality"],
            age=population.columns["age"],
            status=population.columns["employed"],
            target_groups=builtin_target_groups(),
        ),
    )
    assert agg.total() == args.rows
    print(f"aggregate (8 target groups): {agg_time:.3f} s; counts add up to {agg.total():,} rows")

    print(
        f"ratios: vs row loop {loop / ours:.0f}x (vs tuned list loop {tuned / ours:.0f}x), vs numpy masks {masks / ours:.1f}x, "
        f"memory {peak / input_bytes:.2f}x input"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
