"""Speed where users feel it: register files, the report, and classify_many, as ratios in one run.

    python benchmarks/bench_scale.py                 # 3 million register rows, 6 million for classify_many
    python benchmarks/bench_scale.py --rows 1000000  # smaller

Prints, each against its named baseline (issue 13's targets in brackets):

1. ``classify_file`` on a CSV register to Parquet and back, against pyarrow's own
   read and write of the same file, in this process [at most 1.5x], and the peak
   memory of the command at the file's size and at twice it (flat: bounded by
   ``--chunk-rows``).
2. The HTML report of a generated plugin with 10,000 observations against
   ``compare`` with the text renderer on the same data [at most 3x; HTML < 2 MB].
3. ``classify_many`` on 6 million rows given as <U2, <U3, object, pyarrow,
   integer-coded arrays and pandas columns (``str``, ``category``), against the
   straightforward numpy-mask version (baselines.py) [at least 4x and under
   100 ms; peak memory < 0.5x the input columns], and the floor for object
   arrays: one comparison of every value, which no conversion can go under.

No assertion: the figures are for docs/performance.md and for people, not a
test that fails on a busy machine. Best of several runs each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from baselines import numpy_masks
from big_plugin import big_registry

from kommuneintegration.analysis.comparison import compare
from kommuneintegration.population.classification import classify_many
from kommuneintegration.population.register import classify_file
from kommuneintegration.population.synthetic import synthesize
from kommuneintegration.render.html import comparison_to_html
from kommuneintegration.render.text import comparison_to_text


def best(func, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss_mib(*argv: str) -> float:
    """Peak memory of a classify command in a fresh process (VmHWM: reset at exec, unlike maxrss)."""
    code = (
        "import re\n"
        "from kommuneintegration.cli import main\n"
        f"main({list(argv)!r})\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def files(rows: int, folder: Path) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    csv_path, pq_path = folder / "register.csv", folder / "register.parquet"
    synthesize(rows, seed=1).write(csv_path)
    pq.write_table(pacsv.read_csv(csv_path), pq_path)
    ours_in = best(lambda: classify_file(csv_path, folder / "out.parquet"))
    arrow_in = best(lambda: pq.write_table(pacsv.read_csv(csv_path), folder / "arrow.parquet"))
    ours_out = best(lambda: classify_file(pq_path, folder / "out.csv"))
    arrow_out = best(lambda: pacsv.write_csv(pq.read_table(pq_path), folder / "arrow.csv"))
    print(f"1. register files, {rows:,} rows ({csv_path.stat().st_size / 2**20:.0f} MiB of CSV)")
    print(
        f"   CSV -> Parquet: classify {ours_in:.2f} s, pyarrow read+write {arrow_in:.2f} s: "
        f"{ours_in / arrow_in:.2f}x  [<= 1.5x]"
    )
    print(
        f"   Parquet -> CSV: classify {ours_out:.2f} s, pyarrow read+write {arrow_out:.2f} s: "
        f"{ours_out / arrow_out:.2f}x  [<= 1.5x]"
    )
    double = folder / "double.csv"
    with double.open("w", encoding="utf-8") as out:
        text = csv_path.read_text(encoding="utf-8")
        out.write(text)
        out.write(text.split("\n", 1)[1])
    one = peak_rss_mib("classify", str(csv_path), "--out", str(folder / "m1.parquet"))
    two = peak_rss_mib("classify", str(double), "--out", str(folder / "m2.parquet"))
    print(
        f"   peak memory of the command: {one:.0f} MiB at {rows:,} rows, {two:.0f} MiB at "
        f"{2 * rows:,} rows (default --chunk-rows 100000)"
    )


def report() -> None:
    registry = big_registry(10_000)
    text_time = best(lambda: comparison_to_text(compare(registry)))
    html_time = best(lambda: comparison_to_html(compare(registry)))
    size = len(comparison_to_html(compare(registry)).encode("utf-8"))
    print("2. a plugin with 10,000 observations")
    print(
        f"   report {html_time:.2f} s, compare (text) {text_time:.2f} s: "
        f"{html_time / text_time:.2f}x  [<= 3x]; HTML {size / 2**20:.2f} MiB  [< 2 MiB]"
    )


def input_bytes(columns) -> int:
    """What the six columns take in memory: arrays' buffers (for object arrays, the
    pointers), pyarrow's buffers, pandas' arrays."""
    return sum(int(getattr(c, "nbytes", 0)) for c in columns)


def peak_of(func) -> int:
    """Peak bytes numpy and Python allocate during one call (tracemalloc sees both)."""
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def classify(rows: int) -> None:
    import pandas as pd
    import pyarrow as pa

    from kommuneintegration.countries import iso_numeric

    population = synthesize(rows, seed=42)
    u2 = population.origin_inputs()
    numeric = iso_numeric()
    print(
        f"3. classify_many on {rows:,} rows, against numpy masks over the same arrays "
        "(what an analyst writes; pyarrow and pandas columns converted to numpy first)"
    )
    as_numpy = lambda cols: numpy_masks(*(np.asarray(c) for c in cols))  # noqa: E731
    variants = {
        "<U2": (u2, lambda cols: numpy_masks(*cols)),
        "<U3": ([a.astype("<U3") for a in u2], lambda cols: numpy_masks(*cols)),
        "object": ([a.astype(object) for a in u2], lambda cols: numpy_masks(*cols)),
        "pyarrow": (
            [pa.array(a) for a in u2],
            lambda cols: numpy_masks(*(c.to_numpy(zero_copy_only=False) for c in cols)),
        ),
        "ISO numeric int16": (
            [np.array([numeric.get(x, -1) for x in a.tolist()], dtype=np.int16) for a in u2],
            lambda cols: numpy_masks(*cols, dk=208, missing=-1),
        ),
        "pandas str": ([pd.Series(a, dtype="str") for a in u2], as_numpy),
        "pandas category": ([pd.Series(a, dtype="category") for a in u2], as_numpy),
    }
    for name, (inputs, baseline) in variants.items():
        ours = best(lambda inputs=inputs: classify_many(*inputs, errors="coerce"))
        theirs = best(lambda inputs=inputs, baseline=baseline: baseline(inputs), repeat=2)
        peak = peak_of(lambda inputs=inputs: classify_many(*inputs, errors="coerce"))
        print(
            f"   {name:<18} {ours * 1000:7.0f} ms, baseline {theirs * 1000:7.0f} ms: "
            f"{theirs / ours:5.1f}x  [>= 4x; < 100 ms]; peak memory "
            f"{peak / input_bytes(inputs):.2f}x the input  [< 0.5x]"
        )
    objects = variants["object"][0]
    compare_only = best(lambda: [c == "DK" for c in objects], repeat=3)
    print(
        f"   object floor: comparing every value with 'DK' once, and nothing else, takes "
        f"{compare_only * 1000:.0f} ms (CPython holds the GIL for it)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000, help="register rows")
    parser.add_argument("--classify-rows", type=int, default=6_000_000)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, numpy {np.__version__}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        files(args.rows, Path(tmp))
    report()
    classify(args.classify_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
