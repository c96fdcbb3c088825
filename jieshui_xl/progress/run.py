"""A progress round (工作调度) from end to end, on the data round's machinery: the forms
(``templates --progress``), reading them (``collect`` expecting progress forms of the period),
evaluating, the history store (one run per period), the 调度表 and its JSON (``consolidate --progress``).

A store that cannot be used never stops the round: its notice goes to the console, the JSON
``notices`` and the 问题清单.  A period earlier than one already recorded is recorded as that period
only (later periods stay as they are), with a finding that says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import __version__
from ..console import Progress
from ..data import Collection
from ..findings import JieshuiError, severity_counts
from ..history import HistoryError
from ..identity import PROGRESS_KIND
from ..labels import SKIPPED
from ..outputs import write_json
from ..progressstore import Earlier, ProgressTask, earlier, progress_periods, progress_trajectory, record_progress
from ..returns import Expect, collect
from ..spec import TaskTable, load_task_table
from ..spec.progress import Period, statuses
from .meeting import summary_text
from .model import ProgressRound, evaluate
from .report import progress_json
from .workbook import write_dispatch

__all__ = ["ProgressOutput", "collect_progress", "load_progress_table", "progress_summary_lines", "run_progress",
           "write_progress_forms"]


def load_progress_table(path: Path | None, year: int | None, period_text: str,
                        city: str | None = None) -> tuple[TaskTable, Period]:
    """The task table and period of a progress round: the period's year is the round's year (a
    ``year`` given must agree), and the table must have the 进展状态 list (JieshuiError otherwise)."""
    period = Period.parse(period_text)
    if year is not None and year != period.year:
        raise JieshuiError(f"--year {year} 与调度期次 {period.text} 的年份不一致，请只写 --progress {period.text}。")
    table = load_task_table(path, year=period.year, city=city)
    statuses(table)
    return table, period


def expect(period: Period) -> Expect:
    return Expect(PROGRESS_KIND, period.text)


def write_progress_forms(table: TaskTable, out_dir: Path, period: Period, history: Path | None,
                say: Callable[[str], None] = print) -> tuple[list[Path], str, list[str]]:
    """The period's progress forms, last period's answers prefilled from ``history``; returns
    (files, the period prefilled from or "", store notices)."""
    from ..template import write_progress_templates

    found, notices = Earlier(), []
    if history is not None:
        try:
            found = earlier(history, table.city, table.year, period.text)
        except HistoryError as exc:
            notices.append(str(exc))
    files = write_progress_templates(table, out_dir, period, earlier=found, progress=say)
    return list(files), found.period, notices


def collect_progress(table: TaskTable, folder: Path, period: Period, progress: Progress | None = None) -> Collection:
    """Every returned file under ``folder``: the period's progress forms read, everything else named."""
    return collect(table, folder, progress=progress, expect=expect(period))


@dataclass
class ProgressOutput:
    round: ProgressRound
    workbook: Path
    json: Path | None
    data: dict
    recorded: bool = False
    notices: list[str] = field(default_factory=list)


def run_progress(table: TaskTable, collection: Collection, period: Period, out: Path, json_path: Path | None = None,
                 history: Path | None = None) -> ProgressOutput:
    """Evaluate the period, record it in ``history`` (when given), write the 调度表 (and JSON).  A
    folder without a single progress form of the period is no round: JieshuiError, nothing written
    or recorded."""
    if not _identified(collection):
        raise JieshuiError(f"回收文件夹中的 {len(collection.submissions)} 个文件没有一个是 {period.text} 期的工作进展调度表，"
                           f"未生成调度表，也未记入历史数据库。请放入各牵头单位发回的 {period.text} 期调度表后重试"
                           f"（其他文件的情况：{_first_reason(collection)}）。")
    notices: list[str] = []
    trajectory, periods = {}, []
    if history is not None:
        try:
            trajectory = progress_trajectory(history, table.city, table.year)
            periods = progress_periods(history, table.city, table.year)
        except HistoryError as exc:
            notices.append(str(exc))
    rnd = evaluate(table, collection, period, trajectory)
    later = [p for p in periods if p > period.text]
    if later:
        rnd.report.add("progress-period-out-of-order", city=table.city, year=table.year, latest=later[-1],
                       period=period.text)
    recorded = False
    if history is not None and not notices:
        try:
            record_progress(history, table.city, table.year, period.text, _task_rows(rnd),
                            list(collection.progress.values()), table.version, f"jieshui_xl {__version__}")
            recorded = True
        except HistoryError as exc:
            notices.append(str(exc))
    rnd.notices = notices
    write_dispatch(rnd, Path(out))
    data = progress_json(rnd)
    if json_path is not None:
        write_json(json_path, data)
    return ProgressOutput(rnd, Path(out), json_path and Path(json_path), data, recorded, notices)


def _identified(collection: Collection) -> bool:
    """A progress form of the period was found: used, superseded, a copy, or refused for its content
    (not for being another round's workbook or no workbook of ours at all)."""
    other = {"file-wrong-kind", "file-wrong-period", "file-unknown", "file-wrong-city", "file-wrong-year"}
    refused = {f.file for f in collection.report if f.code in other}
    return any(s.unit and s.file not in refused and s.status != SKIPPED for s in collection.submissions)


def _first_reason(collection: Collection) -> str:
    return next((s.reason for s in collection.submissions if s.reason), "无")


def _task_rows(rnd: ProgressRound) -> list[ProgressTask]:
    return [ProgressTask(s.task.seq, s.status, s.overdue_days, s.task.deadline.isoformat() if s.task.deadline else "")
            for s in rnd.tasks]


def progress_summary_lines(out: ProgressOutput) -> list[str]:
    """The console summary (Chinese): figures, who has not returned, overdue tasks, where the files are."""
    rnd = out.round
    lines = [f"{rnd.table.city}{rnd.period.label}工作调度：{summary_text(rnd)}"]
    missing = [r.unit for r in rnd.units if r.status == "missing"]
    lines.append(f"报送：{len(rnd.units)} 个牵头单位，已报送 {len(rnd.units) - len(missing)} 个。")
    if missing:
        lines.append("未报送（请催报）：" + "、".join(missing))
    for s in sorted(rnd.overdue, key=lambda s: -s.overdue_days):
        lines.append(f"  逾期：任务{s.task.seq} {s.task.title}（{'、'.join(s.reporters)}，{s.status}，逾期 {s.overdue_days} 天）")
    top = [f"{r.rank}. {r.unit} {r.rate:.0f}%" for r in rnd.units[:3]]
    lines.append("完成率前三：" + "；".join(top))
    counts = severity_counts(rnd.findings())
    if counts:
        lines.append("问题清单：" + counts + "（详见调度表“问题清单”工作表）")
    lines += [f"注意：{f.message}" for f in rnd.report if f.code == "progress-period-out-of-order"]
    lines += [f"注意：{n}" for n in out.notices]
    if out.recorded:
        lines.append(f"已记入历史数据库（{rnd.table.city}{rnd.table.year}年 {rnd.period.text} 期）。")
    lines.append(f"调度表：{out.workbook.resolve()}")
    if out.json is not None:
        lines.append(f"JSON：{out.json.resolve()}")
    return lines
