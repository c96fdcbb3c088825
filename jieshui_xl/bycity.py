"""``consolidate --by-city``: districts that share the task table return into one folder.

Each returned workbook records its city (see :mod:`jieshui_xl.identity`); the folder is read once
(:func:`jieshui_xl.returns.collect_by_city`) and its workbooks grouped by that content, never by
file names.  The per-city work is compute and writing only: the usual scorecard and JSON per city,
and an overview (:mod:`jieshui_xl.overview`) that puts the cities side by side.  Files that belong
to no city (not ours, unreadable, skipped) are the overview's findings.  The history store is
written last, once every city's files and the overview are written (:func:`jieshui_xl.round.record_round`).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .data import Collection
from .findings import ERROR, WARNING, Finding, JieshuiError, finding
from .labels import PASS
from .outputs import write_json
from .paths import inside, refuse_outputs_over_inputs, safe_name
from .prevyear import load_prev
from .report import json_number
from .returns import CitySplit, Progress, collect_by_city
from .returns.isolate import prepare_readers
from .round import RoundOutput, record_round, write_round
from .scored import compute_round
from .spec import TaskTable, load_task_table

__all__ = ["ByCity", "consolidate_by_city", "consolidate_city", "overview_json", "overview_name",
           "scorecard_name", "table_for_city"]


def scorecard_name(year: int, city: str) -> str:
    """The stem of a city's scorecard (``--by-city`` and the demo)."""
    return safe_name(f"{year}年{safe_name(city)}节水型城市评分表")


def overview_name(year: int) -> str:
    return f"{year}年各区县节水型城市评分汇总"


@dataclass
class ByCity:
    year: int
    cities: list[RoundOutput]                  # one round per city, in the order found
    findings: list[Finding]
    overview: Path
    overview_json: Path
    data: dict = field(default_factory=dict)    # the overview JSON


def _no_city(folder: Path, found: CitySplit) -> JieshuiError:
    return JieshuiError(
        f"回收文件夹“{folder}”中有 {found.workbooks} 个工作簿，但没有一个是本程序生成的填报表"
        f"（填报表中记录了所属区县），无法按区县汇总。请放入各区县发回的填报表后重试"
        f"（各区县的填报表用“jieshui-xl templates --city 区县名称”生成）。")


def _folder_names(cities: list[str]) -> dict[str, str]:
    """A safe, distinct folder name per city (a city comes from file content: never a path)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for city in cities:
        base = safe_name(city)
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base} ({n})"
        taken.add(name.casefold())
        names[city] = name
    return names


def table_for_city(base: TaskTable, city: str) -> TaskTable:
    """The task table as loaded for ``city`` (only the city differs between the districts' tables)."""
    return dataclasses.replace(base, city=city, params={**base.params, "city": city})


def _cleaned_city_findings(rounds: list[RoundOutput], dirs: dict[str, str]) -> list[Finding]:
    """A city whose recorded name is no safe folder name: each of its files named in a finding."""
    return [finding("city-name-cleaned", file=s.file, unit=s.unit, value=r.round.city, folder=dirs[r.round.city])
            for r in rounds if dirs[r.round.city] != r.round.city for s in r.round.collection.submissions]


def consolidate_city(table: TaskTable, collection: Collection, out_dir: Path, dirname: str,
                     history: Path | None = None) -> RoundOutput:
    """One city's round from its Collection, written (not yet recorded): its scorecard and JSON under
    out_dir/dirname, last year's figures from ``history`` when given."""
    scorecard = inside(out_dir, dirname, scorecard_name(table.year, table.city) + ".xlsx")
    rnd = compute_round(table, collection, load_prev(history, table, recording=True))
    return write_round(rnd, scorecard, scorecard.with_suffix(".json"))


def overview_json(year: int, rounds: list[RoundOutput], findings: list[Finding], out_dir: Path) -> dict:
    """The overview's data (written as JSON, rendered by :func:`jieshui_xl.overview.write_overview`)."""
    first = rounds[0].round.table
    return {
        "year": year,
        "title": first.title,
        "generator": f"jieshui_xl {__version__}",
        "table_version": first.version,
        "generated_at": _dt.datetime.now().isoformat(timespec="seconds"),
        "indicators": [{"code": ind.code, "name": ind.name, "veto": ind.is_veto} for ind in first.indicators],
        "cities": [_city_entry(r, out_dir) for r in rounds],
        "findings": [f.to_dict() for f in findings],
    }


def _city_entry(r: RoundOutput, out_dir: Path) -> dict:
    """A city's line of the overview, read from its Round (never from the JSON written for it)."""
    rnd, result = r.round, r.round.result
    assert r.json is not None, "consolidate_city always writes the city's JSON"
    severities = [f.severity for f in rnd.report]
    return {
        "city": rnd.city,
        "passed": result.passed,
        "total": len(result.indicators),
        "veto_ok": result.veto_ok,
        "verdict": result.verdict,
        "scorecard": r.scorecard.relative_to(out_dir).as_posix(),
        "json": r.json.relative_to(out_dir).as_posix(),
        "indicators": [{"code": i.indicator.code, "status": i.status, "value": json_number(i.value)}
                       for i in result.indicators],
        "returned": rnd.returned,
        "units_total": len(rnd.units),
        "prev_year": r.round.prev.year if r.round.prev.record else None,
        "prev_passed": _prev_passed(r),
        "errors": severities.count(ERROR),
        "warnings": severities.count(WARNING),
    }


def _prev_passed(r: RoundOutput) -> int | None:
    """Last year's count of 达标 of the city (None without a record)."""
    record = r.round.prev.record
    if record is None:
        return None
    return sum(1 for _value, status in record.indicators.values() if status == PASS)


def consolidate_by_city(folder: str | Path, out_dir: str | Path, task_table=None, year: int | None = None,
                        progress: Progress | None = None, history: Path | None = None) -> ByCity:
    """One scorecard (and JSON) per city found in ``folder``, plus the overview workbook and JSON.

    Raises :class:`JieshuiError` when the folder holds no workbook, or no workbook of any city.
    """
    from .overview import write_overview

    folder, out_dir = Path(folder), Path(out_dir)
    prepare_readers()                      # the reader workers start while the task table loads
    base = load_task_table(task_table, year=year)
    tables: dict[str, TaskTable] = {}

    def table_for(city: str) -> TaskTable:
        return tables.setdefault(city, table_for_city(base, city))

    found = collect_by_city(base, folder, table_for, progress)
    if not found.cities:
        raise _no_city(folder, found)
    dirs = _folder_names(found.cities)
    refuse_outputs_over_inputs([out_dir / d for d in dirs.values()], returns=folder)
    rounds = [consolidate_city(table_for(city), found.collections[city], out_dir, dirs[city], history)
              for city in found.cities]
    findings = found.findings + _cleaned_city_findings(rounds, dirs)
    data = overview_json(base.year, rounds, findings, out_dir)
    stem = overview_name(base.year)
    xlsx, json_path = out_dir / f"{stem}.xlsx", out_dir / f"{stem}.json"
    write_overview(data, xlsx)
    write_json(json_path, data)
    rounds = [record_round(r, history) for r in rounds]
    return ByCity(base.year, rounds, findings, xlsx, json_path, data)
