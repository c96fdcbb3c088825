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
from .data import Collection
from .findings import severity_counts
from .history import HistoryError, record, series
from .labels import PASS, UNIT_MISSING, UNIT_REJECTED, UNIT_RETURNED, UNIT_STATUS_LABELS, UNREADABLE_LABEL
from .outputs import write_json
from .prevyear import PrevYear, apply_prefill, load_prev
from .report import scorecard_json
from .score import Result, compute
from .scorecard import write_scorecard
from .spec import TaskTable
from .status import unit_entry

__all__ = ["RoundOutput", "output_lines", "owes_something", "run_round", "summary_lines"]


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
    """The console summary of a round (Chinese): figures, who owes what, problems, store notices."""
    table, collection, result = out.table, out.collection, out.result
    lines = [f"{table.city}{table.year}年度：{result.passed}/{len(result.indicators)} 项指标达标；{result.verdict}。"]
    lines += [f"  - {r.indicator.seq}. {r.indicator.name}：{r.status_label}" for r in result.indicators
              if r.status != PASS]
    lines += _unit_lines(table, collection)
    counts = severity_counts(list(collection.report) + list(result.report))
    if counts:
        lines.append("问题清单：" + counts + "（详见评分表“问题清单”工作表）")
    lines += [f"注意：{n}" for n in out.notices]
    if out.run_id is not None:
        lines.append(f"已记入历史数据库（{table.city}{table.year}年度）。")
    return lines


def _unit_lines(table: TaskTable, collection: Collection) -> list[str]:
    """报送 counts, then who must be chased, asked to re-save, or asked to correct."""
    units = table.reporting_units()
    entries = {u: unit_entry(collection, u) for u in units}
    counts = {k: sum(1 for e in entries.values() if e["status"] == k) for k in UNIT_STATUS_LABELS}
    lines = [f"报送：共 {len(units)} 个单位，" + "，".join(f"{UNIT_STATUS_LABELS[k]} {v} 个" for k, v in counts.items()) + "。"]
    missing = [u for u, e in entries.items() if e["status"] == UNIT_MISSING]
    unreadable = [u for u, e in entries.items() if e["status"] == UNIT_REJECTED and e["unreadable"]]
    rejected = [u for u, e in entries.items() if e["status"] == UNIT_REJECTED and not e["unreadable"]]
    if missing:
        lines.append("未报送（请催报）：" + "、".join(missing))
    if unreadable:
        lines.append(f"{UNREADABLE_LABEL}（请让其用 Excel/WPS 另存为 .xlsx 后重发）：" + "、".join(unreadable))
    if rejected:
        lines.append(f"{UNIT_STATUS_LABELS[UNIT_REJECTED]}（请通知修改后重报）："
                     + "、".join(f"{u}（错误 {entries[u]['errors']} 条）" for u in rejected))
    if not (missing or unreadable or rejected):
        lines.append("所有单位均已报送可用的填报表。")
    return lines


def output_lines(out: RoundOutput, pdf: Path | None = None) -> list[str]:
    """Where the round's files are (absolute paths, one per line)."""
    lines = [f"评分表：{out.scorecard.resolve()}"]
    if out.json is not None:
        lines.append(f"JSON：{out.json.resolve()}")
    if pdf is not None:
        lines.append(f"PDF：{Path(pdf).resolve()}")
    return lines


def owes_something(out: RoundOutput) -> bool:
    """Whether some unit has still to send (or re-send) a usable workbook."""
    return any(out.collection.unit_status(u) != UNIT_RETURNED for u in out.table.reporting_units())
