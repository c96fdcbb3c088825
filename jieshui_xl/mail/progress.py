"""The mail of a progress round (工作调度): each lead unit's progress form, and with ``--remind`` a
督办 message to every unit that returned nothing, whose form was rejected, or whose tasks are
overdue or lagging — with the list of those tasks.  The same ``run_mail`` writes and sends them
(:class:`.run.MailKind`); only what differs is here."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from ..findings import ERROR
from ..labels import REJECTED as FILE_REJECTED
from ..paths import safe_filename
from ..progress import ProgressRound, collect_progress, evaluate, expect
from ..spec import TaskTable
from ..spec.progress import Period, progress_tasks, progress_units
from .compose import MISSING, OVERDUE, REJECTED, Reminder, _contact_line, _date_text, _param, build_message
from .run import MailKind

__all__ = ["progress_mail", "progress_reminders"]


def progress_mail(table: TaskTable, period: Period) -> MailKind:
    """The :class:`MailKind` of ``period``'s progress round."""
    def reminders(table: TaskTable, returned_dir: Path) -> dict[str, Reminder]:
        return progress_reminders(evaluate(table, collect_progress(table, returned_dir, period), period))

    def message(table: TaskTable, unit: str, workbook: Path, reminder: Reminder | None, sender=None):
        text = (_subject(table, period, unit, reminder), _body(table, period, unit, Path(workbook).name, reminder))
        return build_message(table, unit, workbook, reminder, sender=sender, text=text)

    def filename(table: TaskTable, unit: str, reminder: Reminder | None) -> str:
        tags: dict[str, str] = {MISSING: "_催报", REJECTED: "_退回修改"}
        tag = "" if reminder is None else tags.get(str(reminder.status), "_督办")
        return safe_filename(f"{period.text}_工作调度_{unit}{tag}.eml")

    return MailKind(expect=expect(period), units=progress_units, reminders=reminders, message=message,
                    filename=filename, noun="工作进展调度表")


def _task_line(rnd: ProgressRound, seq: int, unit: str) -> str:
    state = next(s for s in rnd.tasks if s.task.seq == seq)
    answer = state.answers.get(unit)
    status = answer.status if answer is not None and answer.status else "未填报"
    t = state.task
    deadline = f"完成时限 {t.deadline.isoformat()}，" if t.deadline else ""
    late = f"，已逾期 {state.overdue_days} 天" if seq in _overdue(rnd, unit) else ""
    return f"任务{t.seq} {t.title}：{deadline}本期状态“{status}”{late}"


def _overdue(rnd: ProgressRound, unit: str) -> list[int]:
    return next((r.overdue for r in rnd.units if r.unit == unit), [])


def progress_reminders(rnd: ProgressRound) -> dict[str, Reminder]:
    """unit -> why it gets a 督办 message: nothing returned (every task it leads listed), a rejected
    form (what is wrong), or tasks overdue or reported lagging (those tasks listed)."""
    out: dict[str, Reminder] = {}
    collection = rnd.collection
    for rank in rnd.units:
        unit = rank.unit
        if rank.status == MISSING:
            tasks = [t.seq for t in progress_tasks(rnd.table, unit)]
            out[unit] = Reminder(MISSING, tasks=[_task_line(rnd, seq, unit) for seq in tasks])
        elif rank.status == REJECTED and collection.accepted(unit) is None:
            errors = [f for f in collection.report if f.unit == unit and f.severity == ERROR]
            reasons = [s.reason for s in collection.submissions if s.unit == unit and s.status == FILE_REJECTED]
            out[unit] = Reminder(REJECTED, errors, list(dict.fromkeys(reasons)))
        elif rank.lagging:
            out[unit] = Reminder(OVERDUE, tasks=[_task_line(rnd, seq, unit) for seq in rank.lagging])
    return out


def _form(table: TaskTable, period: Period) -> str:
    return f"{table.city}创建{table.title}工作进展调度表（{period.label}）"


def _subject(table: TaskTable, period: Period, unit: str, reminder: Reminder | None) -> str:
    tag = {None: "【请报送】", MISSING: "【催报】", REJECTED: "【请修改后重新报送】", OVERDUE: "【督办】"}
    return f"{tag.get(reminder.status if reminder else None, '【督办】')}{_form(table, period)}—{unit}"


def _opening(table: TaskTable, period: Period, filename: str, reminder: Reminder | None) -> list[str]:
    form = f"《{_form(table, period)}》"
    today = _date_text(_dt.date.today())
    if reminder is None:
        return [f"    现将{form}（附件“{filename}”）发给你单位，请填写你单位牵头任务截至{_date_text(period.end)}"
                f"的进展情况后报送。"]
    if reminder.status == MISSING:
        return [f"    截至{today}，尚未收到你单位的{form}。请尽快填写附件“{filename}”并报送。你单位负责填报的任务："]
    if reminder.status == REJECTED:
        lines = [f"    你单位报送的{form}未能采用，请修改后重新报送："]
        problems = [f.message for f in reminder.findings] + [r for r in reminder.reasons
                                                             if not any(r in f.message for f in reminder.findings)]
        return lines + [f"    {n}. {p}" for n, p in enumerate(problems, 1)]
    return [f"    根据你单位报送的{form}，以下任务已过完成时限仍未完成或进展滞后，请抓紧推进，"
            f"并在下期调度表中说明原因、措施和预计完成时间："]


def _body(table: TaskTable, period: Period, unit: str, filename: str, reminder: Reminder | None) -> str:
    lines = [f"{unit}：", ""] + _opening(table, period, filename, reminder)
    tasks = reminder.tasks if reminder is not None else \
        [f"任务{t.seq} {t.title}" + (f"（完成时限 {t.deadline.isoformat()}）" if t.deadline else "")
         for t in progress_tasks(table, unit)]
    lines += [f"    {n}. {line}" for n, line in enumerate(tasks, 1)]
    lines += ["", "    填写要求：用 Excel 或 WPS 打开附件，只在浅黄色单元格中填写；状态从下拉列表选择；不要改动表格布局；"
              "保存为 .xlsx 后直接回复本邮件发回。", _contact_line(table) + "。", "",
              _param(table, "office_name") or "节水办", _date_text(_dt.date.today())]
    return "\n".join(lines) + "\n"
