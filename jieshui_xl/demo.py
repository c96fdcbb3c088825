"""The demo round: templates → filled as departments would → consolidated scorecard (and PDF).

The departments' answers live in a readable file, ``jieshui_xl/data/demo_round.csv`` (one row per
cell typed: unit, file name the department saved, year of the form used, defined name, row,
value as typed).  Some answers are messy on purpose, one unit returns twice, one sends last year's
form, and one unit (not in the file) is late.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
import shutil
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .bycity import scorecard_name
from .dossier import PackageOutput, build_package, package_lines
from .fill import fill_workbook
from .libreoffice import available as libreoffice_available
from .returns import identify_file
from .spec import TaskTable, load_task_table
from .specimen import read_evidence_rows, write_evidence

__all__ = ["DEMO_DATA", "DemoResult", "run_demo", "read_demo_rows", "simulate_returns", "typed_value"]

DEMO_DATA = Path(__file__).with_name("data") / "demo_round.csv"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


@dataclass
class DemoResult:
    templates: list[Path]
    returns_dir: Path
    scorecard: Path
    json: Path
    pdf: Path | None
    result: object
    collection: object
    package: PackageOutput | None = None


def read_demo_rows(path: Path = DEMO_DATA) -> "OrderedDict[tuple[str, str, int | None], list]":
    """(file, unit, year or None) -> [(name, row, value as typed)], in file order."""
    files: OrderedDict = OrderedDict()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            year = int(rec["年度"]) if rec["年度"].strip() else None
            key = (rec["文件名"], rec["单位"], year)
            row = int(rec["行"]) if rec["行"].strip() else None
            files.setdefault(key, []).append((rec["名称"], row, typed_value(rec["填报值"])))
    return files


def typed_value(text: str):
    """What a cell holds after a person typed ``text``: plain numbers and dates become values."""
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if _DATE.match(text):
        return _dt.datetime.strptime(text, "%Y-%m-%d")
    return text


def run_demo(out_dir: Path, echo: Callable[[str], None] = print, task_table: Path | None = None,
             data: Path = DEMO_DATA, history: Path | None = None) -> DemoResult:
    """The bundled round; recorded in ``history`` only when one is given (the demo never touches the
    user's store by default)."""
    from .returns import collect
    from .round import output_lines, run_round, summary_lines

    table = load_task_table(task_table)
    out_dir = Path(out_dir)
    templates = _write_templates(table, out_dir / "1_填报表")
    echo(f"① 已生成 {len(templates)} 份填报表：{(out_dir / '1_填报表').resolve()}")
    returns_dir = simulate_returns(table, out_dir / "1_填报表", out_dir / "2_回收表", read_demo_rows(data),
                                   task_table, evidence=read_evidence_rows())
    echo(f"② 已模拟各单位填报并发回（含不规范填写、重复报送、误用上年表格、一个单位逾期未报；佐证材料有缺有漏，"
         f"部分装在压缩包或邮件中）：{returns_dir.resolve()}")

    collection = collect(table, returns_dir)
    scorecard = out_dir / "3_评分表" / f"{scorecard_name(table.year, table.city)}.xlsx"
    json_path = scorecard.with_suffix(".json")
    out = run_round(table, collection, scorecard, json_path, history=history)
    collection, result = out.round.collection, out.round.result
    pdf = _pdf(scorecard, echo)
    echo("③ 汇总完成：")
    for line in summary_lines(out):
        echo("   " + line)
    for line in output_lines(out, pdf):
        echo(line)
    package = build_package(out.round, returns_dir, out_dir / "4_申报材料")
    echo("④ 申报材料已整理（佐证材料复制并编号，原文件未改动）：")
    for line in package_lines(package):
        echo("   " + line)
    return DemoResult(templates, returns_dir, scorecard, json_path, pdf, result, collection, package)


def _write_templates(table: TaskTable, folder: Path) -> list[Path]:
    from .template import write_templates

    return write_templates(table, folder)


def _templates_by_unit(paths: list[Path]) -> dict[str, Path]:
    idents = ((p, identify_file(p)) for p in paths)
    return {ident.unit: p for p, ident in idents if ident is not None}


def simulate_returns(table: TaskTable, templates_dir: Path, folder: Path, files=None,
                     task_table: Path | None = None, start: _dt.datetime | None = None,
                     evidence: list[dict[str, str]] | None = None) -> Path:
    """Fill one workbook per demo file into ``folder`` (the demo's own folder, rebuilt each run).

    Each file is saved a minute after the previous one, from ``start`` (default: as many minutes ago
    as there are files, so every save is after the templates were generated and none is in the
    future); an Office lock file is left behind, as Excel does.  ``evidence``: rows of evidence files
    the units send with their workbooks (:func:`~jieshui_xl.specimen.write_evidence`).
    """
    files = read_demo_rows() if files is None else files
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    forms = {table.year: _templates_by_unit(sorted(Path(templates_dir).glob("*.xlsx")))}
    start = start or _dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(minutes=len(files) + 1)
    with tempfile.TemporaryDirectory(prefix="jieshui-demo-") as tmp:
        for n, ((name, unit, year), entries) in enumerate(files.items()):
            year = year or table.year
            if year not in forms:
                other = load_task_table(task_table, year=year)
                forms[year] = _templates_by_unit(_write_templates(other, Path(tmp) / str(year)))
            fill_workbook(forms[year][unit], folder / name, entries, modified=start + _dt.timedelta(minutes=n))
    (folder / f"~${next(iter(files))[0]}").write_bytes(b"\x00" * 162)   # an Office lock file left behind
    write_evidence(folder, evidence or [])
    return folder


def _pdf(scorecard: Path, echo) -> Path | None:
    from .printing import NO_PDF_WITHOUT_LIBREOFFICE, print_pdf

    if not libreoffice_available():
        echo(NO_PDF_WITHOUT_LIBREOFFICE)
        return None
    return print_pdf(scorecard)


