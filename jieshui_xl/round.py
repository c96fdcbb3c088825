"""One round's compute and write, for an already collected :class:`~jieshui_xl.data.Collection`.

``run_round`` is the one way to finish a round (``consolidate``, each city of ``--by-city``, the
demo, the one-click script): last year's record from the history store → prefilled items applied →
compute → the round recorded in the store → scorecard workbook → JSON.  Reading the returned files
stays with the caller (``collect`` / ``collect_by_city`` read every file once).  ``summary_lines``
is the one console summary of a round.

A store that cannot be used never stops the round: its notice goes into the scorecard (参数说明),
the JSON ``notices`` and :attr:`RoundOutput.notices`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .compute import Result, compute
from .data import Collection
from .findings import severity_counts
from .history import HistoryError, record, series
from .outputs import write_json
from .prevyear import PrevYear, apply_prefill, load_prev
from .report import scorecard_json
from .scorecard import write_scorecard
from .spec import TaskTable

__all__ = ["RoundOutput", "run_round", "summary_lines"]


@dataclass
class RoundOutput:
    table: TaskTable
    collection: Collection
    result: Result
    scorecard: Path
    json: Path | None
    data: dict                                   # the scorecard JSON
    prev: PrevYear
    notices: list[str] = field(default_factory=list)   # history store problems (also in the scorecard)
    run_id: int | None = None


def run_round(table: TaskTable, collection: Collection, scorecard: Path, json_path: Path | None = None,
              history: Path | None = None) -> RoundOutput:
    """Compute the round and write its scorecard (and JSON); record it in ``history`` when given."""
    prev = load_prev(history, table)
    notices = list(prev.notices)
    collection = apply_prefill(table, collection, prev)
    result = compute(table, collection)
    run_id = None
    if history is not None and not notices:
        try:
            run_id = record(history, table, collection, result, generator=f"jieshui_xl {__version__}")
        except HistoryError as exc:
            notices.append(str(exc))
    trend = _trend(history, table, result, notices)
    if notices:
        table = dataclasses.replace(table, notices=[*table.notices, *notices])
    write_scorecard(table, collection, result, Path(scorecard), prev=prev, trend=trend)
    data = scorecard_json(table, collection, result, prev=prev)
    if json_path is not None:
        write_json(json_path, data)
    return RoundOutput(table, collection, result, Path(scorecard), json_path and Path(json_path), data, prev,
                       notices, run_id)


def _trend(history: Path | None, table: TaskTable, result: Result, notices: list[str]) -> dict:
    """year -> code -> (value, status): the city's recorded years, this round's figures for its year."""
    years: dict = {}
    if history is not None and not notices:
        try:
            years = series(history, table.city)
        except HistoryError as exc:
            notices.append(str(exc))
    years[table.year] = {r.indicator.code: (r.value if isinstance(r.value, (int, float)) else None, r.status)
                         for r in result.indicators}
    return dict(sorted(years.items()))


def summary_lines(out: RoundOutput) -> list[str]:
    """The console summary of a round (Chinese)."""
    table, collection, result = out.table, out.collection, out.result
    lines = [f"{table.city}{table.year}年度：{result.passed}/{len(result.indicators)} 项指标达标；{result.verdict}。"]
    counts = severity_counts(list(collection.report) + list(result.report))
    if counts:
        lines.append("问题清单：" + counts)
    missing = [u for u in table.reporting_units() if collection.unit_status(u) == "missing"]
    if missing:
        lines.append("未报送：" + "、".join(missing))
    lines += [f"注意：{n}" for n in out.notices]
    if out.run_id is not None:
        lines.append(f"已记入历史数据库（{table.city}{table.year}年度）。")
    return lines
