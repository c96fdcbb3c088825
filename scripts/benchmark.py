"""Speed and memory of a province round, against floors measured in the same run on the same files.

    python scripts/benchmark.py [--districts 4]

Builds a province round: N districts × every reporting unit (each district's workbooks generated
for it and filled as departments fill them, so every file is distinct), then measures, per returned
workbook: ``consolidate`` of one district, ``consolidate --by-city`` of N and of 10·N districts,
and two floors — python-calamine reading every cell value of every sheet, and zipfile + lxml
parsing every part consolidation looks at (values, formulas, number formats, protection, defined
names).  It also measures peak resident memory of ``--by-city`` at N and 10·N (in a child
process), start-up (``jieshui-xl --help`` against a bare ``python -c pass``), and writing the
templates against bare xlsxwriter writing the same cells.  Machines are shared and noisy: read
the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jieshui_xl.bycity import table_for_city  # noqa: E402
from jieshui_xl.demo import simulate_returns  # noqa: E402
from jieshui_xl.returns import collect  # noqa: E402
from jieshui_xl.spec import load_task_table  # noqa: E402
from jieshui_xl.template import write_templates  # noqa: E402

CITIES = "黔江区 石柱县 秀山县 酉阳县 彭水县 武隆区 丰都县 忠县 垫江县 梁平区".split()


# ---------------------------------------------------------------------------------------------
# The round
# ---------------------------------------------------------------------------------------------

def city_names(n: int) -> list[str]:
    return [CITIES[i] if i < len(CITIES) else f"测试{i + 1}区" for i in range(n)]


def build_round(base, root: Path, cities: list[str]) -> list[Path]:
    """Returned workbooks of every unit of every city, under root/<city>/ (lock files removed)."""
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=len(cities) + 1)
    for n, city in enumerate(cities):
        table = table_for_city(base, city)
        templates = root / "_templates" / city
        if not templates.exists():
            write_templates(table, templates)
        folder = root / "returns" / city
        if not folder.exists():
            simulate_returns(table, templates, folder, start=start + dt.timedelta(hours=n))
            for lock in folder.glob("~$*"):
                lock.unlink()
    return sorted(p for c in cities for p in (root / "returns" / c).glob("*.xlsx"))


def folder_of(root: Path, cities: list[str]) -> Path:
    """A folder holding (links to) the returns of ``cities``."""
    target = root / f"set-{len(cities)}"
    if not target.exists():
        for city in cities:
            (target / city).mkdir(parents=True)
            for path in (root / "returns" / city).iterdir():
                (target / city / path.name).write_bytes(path.read_bytes())
    return target


# ---------------------------------------------------------------------------------------------
# Floors
# ---------------------------------------------------------------------------------------------

def floor_calamine(paths: list[Path]) -> None:
    from python_calamine import CalamineWorkbook
    for path in paths:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
        wb.close()


def floor_lxml(paths: list[Path]) -> None:
    """Every part consolidation looks at, parsed to the last attribute and text."""
    from lxml import etree
    for path in paths:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
            for name in zf.namelist():
                if name.startswith(("xl/worksheets/", "docProps/")) or name in (
                        "xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"):
                    with zf.open(name) as fh:
                        for _, el in etree.iterparse(fh, resolve_entities=False, no_network=True):
                            el.attrib.items()
                            el.text  # noqa: B018 - touched, as a reader would
                            el.clear()


# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------

def cpu(fn, repeat: int = 3) -> float:
    """Best CPU seconds of ``repeat`` runs (CPU time: what the machine's other load does not add)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def child(args: list[str]) -> tuple[float, float]:
    """(CPU seconds, peak resident MB) of ``python -m jieshui_xl ARGS`` in a fresh child process."""
    script = ("import resource, subprocess, sys; "
              "subprocess.run([sys.executable, '-m', 'jieshui_xl', *sys.argv[1:]], check=True, "
              "stdout=subprocess.DEVNULL); "
              "r = resource.getrusage(resource.RUSAGE_CHILDREN); print(r.ru_utime + r.ru_stime, r.ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True).stdout
    seconds, peak_kb = out.split()
    return float(seconds), int(peak_kb) / 1024


def read_in_child(mode: str, paths: list[Path]) -> float:
    """Wall seconds to read and parse ``paths`` in a fresh child process: ``serial`` in that process (the
    reader before issue 16) or ``isolated`` (worker processes; the fork server's start-up included)."""
    listing = Path(tempfile.mkstemp(suffix=".txt")[1])
    listing.write_text("\n".join(map(str, paths)), encoding="utf-8")
    out = subprocess.run([sys.executable, __file__, "--read", mode, str(listing)], capture_output=True, text=True,
                         check=True).stdout
    listing.unlink()
    return float(out)


def _read(mode: str, listing: Path) -> None:
    from jieshui_xl.returns.discover import Found
    from jieshui_xl.returns.isolate import parse_isolated
    from jieshui_xl.returns.limits import Limits
    from jieshui_xl.returns.parse import parse_entry

    found = [Found(Path(p), Path(p).name) for p in listing.read_text(encoding="utf-8").splitlines()]
    start = time.perf_counter()
    if mode == "serial":
        entries = [parse_entry(f, Limits()) for f in found]
    else:
        entries = parse_isolated(found, Limits())
    assert all(e.parsed and e.parsed[0].book is not None for e in entries)
    print(time.perf_counter() - start)


def command_wall(args: list[str], code: Path | None, repeat: int) -> float:
    """Best wall seconds of ``python -m jieshui_xl ARGS`` run from the checkout ``code`` (None: this one)."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jieshui_xl", *args], check=True, stdout=subprocess.DEVNULL, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def startup() -> tuple[float, float]:
    def best(cmd):
        times = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        return min(times)
    return best([sys.executable, "-c", "pass"]), best([sys.executable, "-m", "jieshui_xl", "--help"])


def templates_vs_xlsxwriter(table, out: Path) -> tuple[float, float, int]:
    """Writing the templates, and bare xlsxwriter writing the same cells (values only)."""
    import xlsxwriter

    from jieshui_xl.returns.book import Source
    from jieshui_xl.returns.limits import Limits
    from jieshui_xl.returns.xlsx import read_xlsx

    ours = cpu(lambda: write_templates(table, out / "tpl"), repeat=2)
    books = [read_xlsx(Source(p.name, p.read_bytes(), None), Limits()) for p in sorted((out / "tpl").glob("*.xlsx"))]

    def bare():
        for n, book in enumerate(books):
            wb = xlsxwriter.Workbook(str(out / f"bare{n}.xlsx"))
            for sheet in book.sheets.values():
                ws = wb.add_worksheet(sheet.title)
                for coord, cell in sheet.cells.items():
                    if cell.formula:
                        ws.write_formula(coord, cell.formula)
                    else:
                        ws.write(coord, cell.value if not hasattr(cell.value, "isoformat") else str(cell.value))
            wb.close()
    return ours, cpu(bare, repeat=2), len(books)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=4, help="N: districts of the small province")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="another checkout (e.g. `git worktree add /tmp/before <commit>`): its consolidate "
                             "command timed against this one on the same files")
    parser.add_argument("--read", nargs=2, metavar=("MODE", "LISTING"), help=argparse.SUPPRESS)  # child of read_in_child
    args = parser.parse_args()
    if args.read:
        return _read(args.read[0], Path(args.read[1]))
    n = args.districts
    base = load_task_table()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="jieshui-bench-") as tmp:
        root = Path(tmp)
        os.environ["JIESHUI_HISTORY"] = str(root / "history.sqlite")    # never the user's own store
        print(f"building a round of {10 * n} districts …", file=sys.stderr)
        small, large = city_names(n), city_names(10 * n)
        build_round(base, root, large)
        one = build_round(base, root, small[:1])
        paths_n = build_round(base, root, small)

        # per workbook, in this process (CPU)
        per = len(paths_n)
        t_calamine = cpu(lambda: floor_calamine(paths_n)) / per
        t_lxml = cpu(lambda: floor_lxml(paths_n)) / per
        city_table = table_for_city(base, small[0])
        t_collect = cpu(lambda: collect(city_table, root / "returns" / small[0])) / len(one)

        # whole commands, in a child process (CPU of the child, peak RSS)
        set_one, set_n, set_10n = folder_of(root, small[:1]), folder_of(root, small), folder_of(root, large)
        c_one, rss_one = child(["consolidate", str(set_one / small[0]), "--out", str(root / "o1.xlsx")])
        c_n, rss_n = child(["consolidate", str(set_n), "--by-city", "--out", str(root / "on")])
        c_10n, rss_10n = child(["consolidate", str(set_10n), "--by-city", "--out", str(root / "o10n")])
        files_n, files_10n = len(list(set_n.rglob("*.xlsx"))), len(list(set_10n.rglob("*.xlsx")))

        paths_10n = sorted(set_10n.rglob("*.xlsx"))
        reads = {(mode, size): min(read_in_child(mode, paths) for _ in range(3)) / len(paths)
                 for mode in ("serial", "isolated") for size, paths in (("one", one), ("large", paths_10n))}

        if args.baseline:
            one_args = ["consolidate", str(set_one / small[0]), "--out", str(root / "b1.xlsx")]
            all_args = ["consolidate", str(set_10n), "--by-city", "--out", str(root / "b10n")]
            baseline = {k: (command_wall(a, args.baseline, r), command_wall(a, None, r))
                        for k, a, r in (("one", one_args, 5), ("large", all_args, 2))}

        bare, ours = startup()
        t_tpl, t_bare, n_tpl = templates_vs_xlsxwriter(city_table, root)

    ms = lambda s: f"{s * 1000:.1f}"  # noqa: E731
    rows += [
        ("floor: python-calamine, every value (ms/workbook)", ms(t_calamine)),
        ("floor: zipfile + lxml, every fact (ms/workbook)", ms(t_lxml)),
        ("collect, one district (ms/workbook)", f"{ms(t_collect)}  = {t_collect / t_lxml:.2f}× lxml, "
                                                  f"{t_collect / t_calamine:.2f}× calamine"),
        (f"consolidate command, 1 district, {len(one)} files (ms/workbook, incl. start-up and scorecard)",
         ms(c_one / len(one))),
        (f"--by-city, {n} districts, {files_n} files (ms/workbook)", ms(c_n / files_n)),
        (f"--by-city, {10 * n} districts, {files_10n} files (ms/workbook)",
         f"{ms(c_10n / files_10n)}  = {(c_10n / files_10n) / (c_n / files_n):.2f}× the {n}-district figure"),
        (f"read, 1 district ({len(one)} files): in-process serial vs isolated workers (ms/workbook, wall)",
         f"{ms(reads['serial', 'one'])} vs {ms(reads['isolated', 'one'])} = "
         f"{reads['isolated', 'one'] / reads['serial', 'one']:.2f}×"),
        (f"read, {10 * n} districts ({files_10n} files): in-process serial vs isolated workers (ms/workbook, wall)",
         f"{ms(reads['serial', 'large'])} vs {ms(reads['isolated', 'large'])} = "
         f"{reads['isolated', 'large'] / reads['serial', 'large']:.2f}×"),
        (f"peak RSS: 1 district / {n} / {10 * n} districts (MB)", f"{rss_one:.0f} / {rss_n:.0f} / {rss_10n:.0f}"),
        ("start-up: jieshui-xl --help vs python -c pass (ms)", f"{ms(ours)} vs {ms(bare)} = {ours / bare:.2f}×"),
        (f"templates: {n_tpl} workbooks vs bare xlsxwriter, same cells (ms/workbook)",
         f"{ms(t_tpl / n_tpl)} vs {ms(t_bare / n_tpl)} = {t_tpl / t_bare:.2f}×"),
    ]
    if args.baseline:
        for key, files in (("one", len(one)), ("large", files_10n)):
            then, now = baseline[key]
            rows.append((f"consolidate{' --by-city' if key == 'large' else ''}, {files} files, wall: {args.baseline.name} "
                         "vs this checkout (ms/workbook)", f"{ms(then / files)} vs {ms(now / files)} = {now / then:.2f}×"))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def history_cost(runs: int = 20) -> None:
    """The history store's cost per run: recording one round (every item value with provenance, 20
    indicators; one transaction) and reading last year's record, on the demo round's returns, against
    the rest of a round (compute + scorecard + JSON) without a store.  Self-contained."""
    from jieshui_xl.history import current, record
    from jieshui_xl.round import run_round

    table = load_task_table()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_templates(table, root / "forms")
        collection = collect(table, simulate_returns(table, root / "forms", root / "returns"))
        store = root / "history.sqlite"
        t0 = time.perf_counter()
        out = run_round(table, collection, root / "plain.xlsx", root / "plain.json")
        t_round = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(runs):
            record(store, table, out.round.collection, out.round.result)
        t_record = (time.perf_counter() - t0) / runs
        t0 = time.perf_counter()
        for _ in range(runs):
            current(store, table.city, table.year)
        t_read = (time.perf_counter() - t0) / runs
        size = store.stat().st_size / runs / 1024
    print(f"history store: record {t_record * 1000:.1f} ms, read last year {t_read * 1000:.1f} ms per run "
          f"({len(out.round.collection.values)} item values), {size:.0f} KB per run; a round without the store "
          f"(compute + scorecard + JSON) {t_round * 1000:.0f} ms")


if __name__ == "__main__":
    main()
    if "--read" not in sys.argv:
        history_cost()
