"""Speed and memory of a round, phase by phase (figures quoted in README).

    python scripts/benchmark.py [--copies 5]

Builds the demo round's returned workbooks, then a folder with ``copies`` returns per unit (as if
every department had sent its workbook several times), and measures each phase: wall time and
peak Python memory (tracemalloc).  Machines are shared and noisy: compare the ratios within one run
(e.g. consolidating 5× the files should take about 5× as long), not absolute seconds across runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jieshui_xl.collect import collect  # noqa: E402
from jieshui_xl.compute import compute  # noqa: E402
import datetime as dt  # noqa: E402

from jieshui_xl.demo import simulate_returns  # noqa: E402
from jieshui_xl.report import scorecard_json  # noqa: E402
from jieshui_xl.scorecard import write_scorecard  # noqa: E402
from jieshui_xl.spec import load_task_table  # noqa: E402
from jieshui_xl.template import write_templates  # noqa: E402


def measure(label: str, fn, rows: list):
    tracemalloc.start()
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows.append((label, seconds, peak))
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5, help="returns per unit in the large folder")
    args = parser.parse_args()
    rows: list = []
    with tempfile.TemporaryDirectory(prefix="jieshui-bench-") as tmp:
        root = Path(tmp)
        table = measure("load task table", load_task_table, rows)
        templates = root / "1_填报表"
        measure("write templates", lambda: write_templates(table, templates), rows)
        # Every batch is the demo round saved on another day: distinct files, as real returns are.
        start = dt.datetime(table.year + 1, 1, 10, tzinfo=dt.timezone.utc)
        small = simulate_returns(table, templates, root / "small" / "batch0", start=start)
        for k in range(1, args.copies):
            simulate_returns(table, templates, root / "small" / f"batch{k}", start=start + dt.timedelta(days=k))
        n_small = len([p for p in small.iterdir() if not p.name.startswith("~$")])
        n_big = n_small * args.copies
        collect(table, small)        # warm-up: the layout check builds its reference templates once
        measure(f"collect {n_small} files", lambda: collect(table, small), rows)
        collection = measure(f"collect {n_big} files", lambda: collect(table, root / "small"), rows)
        result = measure("compute", lambda: compute(table, collection), rows)
        measure("write scorecard", lambda: write_scorecard(table, collection, result, root / "s.xlsx"), rows)
        measure("scorecard json", lambda: scorecard_json(table, collection, result), rows)
    print(f"{'phase':<28}{'seconds':>10}{'peak MiB':>10}")
    for label, seconds, peak in rows:
        print(f"{label:<28}{seconds:>10.2f}{peak:>10.1f}")
    small = next(s for label, s, _ in rows if label.startswith(f"collect {n_small} "))
    large = next(s for label, s, _ in rows if label.startswith(f"collect {n_big} "))
    print(f"collect scaling: {args.copies}x files took {large / small:.2f}x the time")


if __name__ == "__main__":
    main()
