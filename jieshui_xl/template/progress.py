"""A progress form (工作调度): one per lead unit, only the tasks it leads, for one period.

Per task: 完成时限 (and 阶段节点), its status in the earlier periods, and the cells the unit fills — 状态 (the
table's 进展状态 list), 完成比例（%）, 进展情况, 存在问题, 下步计划, 预计完成时间 — each a defined name
``progressNN_<part>`` (:func:`jieshui_xl.spec.progress.progress_name`).  Last period's answers are
prefilled into those cells (still editable).  Protected, validated and print-ready like a collection
workbook (same sheet layer, styles, print setup, identity, with kind ``progress`` and its period).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from ..data import ProgressAnswer
from ..identity import PROGRESS_KIND, Identity, literal_digest
from ..progressstore import Earlier, trajectory_text
from ..spec import Task, TaskTable
from ..spec.cells import parse_date
from ..spec.progress import Period, Statuses, progress_fingerprint, progress_name, progress_tasks, statuses
from ..xlsx import Workbook
from .sheet import WORKBOOK_OPTIONS, Names, Sheet, setup_print
from .styles import Styles, text_lines
from .tasks import contact_rows
from .validation import LISTS_SHEET, MESSAGE_MAX, ListSources, clip, prompt_only
from .workbook import write_identity

__all__ = ["PROGRESS_SHEET", "COLUMNS", "form_title", "write_progress_form"]

PROGRESS_SHEET = "进展填报"
# (header, width, part of the defined name or None for a fixed column)
COLUMNS = (("序号", 5, None), ("任务名称", 14, None), ("任务内容", 28, None), ("完成时限", 11, None),
           ("历次调度", 13, None), ("状态", 8, "status"), ("完成比例（%）", 8, "percent"),
           ("进展情况", 26, "report"), ("存在问题", 18, "issues"), ("下步计划", 18, "plan"),
           ("预计完成时间", 11, "eta"))
WIDTHS = tuple(w for _, w, _ in COLUMNS)
LAST = len(COLUMNS) - 1
COL = {part: n for n, (_, _, part) in enumerate(COLUMNS) if part}


def form_title(table: TaskTable, period: Period) -> str:
    return f"{table.city}创建{table.title}工作进展调度表（{period.label}）"


class Form:
    """What every row of one unit's form needs."""

    def __init__(self, table: TaskTable, unit: str, period: Period, wb: Workbook, earlier: Earlier):
        self.table, self.unit, self.period = table, unit, period
        self.st, self.names, self.lists = Styles(wb), Names(), ListSources(wb)
        self.statuses: Statuses = statuses(table)
        self.earlier = earlier
        self.prev = {k: a for k, a in earlier.answers.items() if k[1] == unit}   # this unit's last answers


def write_progress_form(table: TaskTable, unit: str, period: Period, path: Path, generated_at: str,
                        earlier: Earlier | None = None) -> None:
    """Write ``unit``'s progress form for ``period``; ``earlier`` (from the history store): the last
    period's answers, prefilled, and every task's status in the earlier periods, shown."""
    wb = Workbook(str(path), WORKBOOK_OPTIONS)
    form = Form(table, unit, period, wb, earlier or Earlier())
    sh = Sheet(wb, PROGRESS_SHEET, WIDTHS, form.names)
    _heading(form, sh)
    header = _header(form, sh)
    for task in progress_tasks(table, unit):
        _task_row(form, sh, task)
    r = sh.next_row(skip=1)
    sh.text(r, 0, "填报人信息", form.st.section, last_col=LAST)
    contact_rows(form.st, table.year, sh, last=LAST, example=period.end.isoformat())
    sh.finish()
    setup_print(sh, footer_left=unit, footer_right=f"{table.city} {period.label}", landscape=True,
                repeat=(header, header))
    literals = {sh.title: sh.literals}
    if form.lists.literals:
        literals[LISTS_SHEET] = form.lists.literals
    write_identity(wb, Identity(
        unit=unit, unit_code=table.units[unit].code, year=table.year, city=table.city,
        table_version=table.version, fingerprint=progress_fingerprint(table), generated_at=generated_at,
        cells=dict(form.names.refs), kind=PROGRESS_KIND, period=period.text,
        literals={t: frozenset(map(literal_digest, texts)) for t, texts in literals.items()}))
    form.names.define_all(wb)
    wb.set_properties({"title": form_title(table, period), "subject": unit, "company": table.city,
                       "comments": "由 jieshui_xl 生成的工作进展调度表"})
    wb.close()


def _heading(form: Form, sh: Sheet) -> None:
    st, table, period = form.st, form.table, form.period
    r = sh.next_row()
    sh.text(r, 0, form_title(table, period), st.title, last_col=LAST)
    sh.height(r, 30)
    prev = (f"　　已预填 {form.earlier.period} 期本单位的填报内容，请按本期实际修改" if form.prev
            else "　　历史数据库中没有本单位上期的调度记录")
    sh.text(sh.next_row(), 0, f"填报单位：{form.unit}　　调度期次：{period.label}（进展截至 {period.end.isoformat()}）{prev}",
            st.subtitle, last_col=LAST)
    values = "、".join(form.statuses.values)
    guide = (f"填写说明：① 逐项填写本单位牵头任务截至 {period.end.isoformat()} 的进展，状态从下拉列表选择（{values}），"
             f"完成比例填 0～100 的数字；② 完成时限已过仍未完成的任务，请在“存在问题”中说明原因，并填写预计完成时间；"
             f"③ 共同牵头的任务请填报本单位负责部分；④ 浅黄色单元格为填写处，其余内容请勿改动。")
    sh.text(sh.next_row(), 0, guide, st.plain, last_col=LAST)


def _header(form: Form, sh: Sheet) -> int:
    r = sh.next_row(skip=1)
    for col, (head, _, _) in enumerate(COLUMNS):
        sh.text(r, col, head, form.st.header)
    return r


def _deadline_text(task: Task, period: Period) -> str:
    if task.deadline is None:
        return "（未定）"
    text = task.deadline.isoformat() + ("\n（已到期）" if task.deadline <= period.end else "")
    steps = [f"{d.isoformat()} {what}".strip() for d, what in task.milestones]
    return text + ("\n阶段节点：\n" + "\n".join(steps) if steps else "")


def _earlier_text(form: Form, task: Task) -> str:
    """The task's status in each earlier period (all its reporting units together), and this unit's
    last 完成比例."""
    answer = form.prev.get((task.seq, form.unit))
    percent = f"\n本单位上期完成 {answer.percent:g}%" if answer is not None and answer.percent is not None else ""
    return (trajectory_text(form.earlier.trajectory.get(task.seq, []), sep="\n") or "—") + percent


def _task_row(form: Form, sh: Sheet, task: Task) -> None:
    st, r = form.st, sh.next_row()
    others = [u for u in task.leads if u != form.unit]
    note = f"\n（与{'、'.join(others)}共同牵头）" if others else ("" if task.leads else "\n（无牵头单位，由责任单位填报）")
    fixed = (task.seq, task.title, task.text + note, _deadline_text(task, form.period),
             _earlier_text(form, task))
    for col, value in enumerate(fixed):
        sh.text(r, col, value, st.center if col in (0, 3, 4) else st.text)
    answer = form.prev.get((task.seq, form.unit))
    for part, col in COL.items():
        _input(form, sh, r, col, part, task, answer)


def _input(form: Form, sh: Sheet, r: int, col: int, part: str, task: Task, answer: ProgressAnswer | None) -> None:
    """One input cell: named, validated, holding last period's answer (if any)."""
    st, value = form.st, getattr(answer, part, None) if answer is not None else None
    fmt = {"status": st.input_choice, "percent": st.input_number, "eta": st.input_date}.get(part, st.input_text)
    date = parse_date(value) if part == "eta" and value else None
    if date is not None:
        sh.ws.write_datetime(r, col, _dt.datetime.combine(date, _dt.time()), fmt)
    elif isinstance(value, (int, float)):
        sh.ws.write_number(r, col, value, fmt)
    elif value:
        sh.ws.write_string(r, col, str(value), fmt)
        sh.need(r, text_lines(str(value), sh.width(col)))
    else:
        sh.ws.write_blank(r, col, None, fmt)
    sh.name(progress_name(task, part), r, col)
    sh.ws.data_validation(r, col, r, col, _rule(form, part, task))


def _rule(form: Form, part: str, task: Task) -> dict:
    values = "、".join(form.statuses.values)
    if part == "status":
        ask = clip(f"请从下拉列表中选择：{values}。", MESSAGE_MAX)
        return {"validate": "list", "source": form.lists.source(list(form.statuses.values)), "input_title": "状态",
                "input_message": ask, "error_title": "输入有误", "error_message": ask}
    if part == "percent":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                "input_title": "完成比例（%）", "input_message": "填 0～100 的数字，如 60 表示完成 60%。",
                "error_title": "输入有误", "error_message": "完成比例应为 0～100 的数字，不要带 % 或文字。"}
    if part == "eta":
        year = form.table.year
        return {"validate": "date", "criteria": "between", "minimum": _dt.date(year, 1, 1),
                "maximum": _dt.date(year + 3, 12, 31), "input_title": "预计完成时间",
                "input_message": "请填写日期，如 2023-09-30。", "error_type": "warning", "error_title": "请填写日期",
                "error_message": "预计完成时间请填写日期，如 2023-09-30。确需填写文字时可选“是”继续。"}
    hints = {"report": "本期主要工作和已取得的进展（可写已印发文件的名称及文号）。",
             "issues": "推进中遇到的困难；已过完成时限仍未完成的，请说明原因。", "plan": "下一期的工作安排和措施。"}
    return prompt_only(_label(part), hints[part])


def _label(part: str) -> str:
    return next(head for head, _, p in COLUMNS if p == part)
