"""The 工作进展调度表 workbook: 推进会通报 (one A4 landscape page for the meeting), 任务进展 (every task),
单位排名 (every lead unit), 问题清单 (every finding).  Written atomically, in the scorecard's styles;
text a unit typed is always written as a string."""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from ..labels import UNIT_STATUS_LABELS
from ..progressstore import ProgressTask, trajectory_text
from ..scorecard.findings_sheet import write_findings
from ..scorecard.styles import Styles, report_workbook, row_height
from ..xlsx import print_setup
from .meeting import status_rules, workbook_title, write_meeting
from .model import ProgressRound, TaskState

__all__ = ["SHEETS", "MEETING_SHEET", "TASKS_SHEET", "UNITS_SHEET", "FINDINGS_SHEET", "write_dispatch",
           "write_meeting_page"]

TASKS_SHEET, UNITS_SHEET, FINDINGS_SHEET = "任务进展", "单位排名", "问题清单"
MEETING_SHEET = "推进会通报"
SHEETS = (MEETING_SHEET, TASKS_SHEET, UNITS_SHEET, FINDINGS_SHEET)

TASK_COLUMNS = (("序号", 5), ("任务名称", 16), ("牵头单位", 14), ("完成时限", 11), ("状态", 9), ("完成比例", 8),
                ("逾期天数", 7), ("历次调度", 16), ("进展情况", 30), ("存在问题", 22), ("下步计划", 22),
                ("预计完成时间", 12), ("下一阶段节点", 14))
UNIT_COLUMNS = (("名次", 5), ("单位", 18), ("报送情况", 9), ("牵头任务", 8), ("已完成", 7), ("完成率", 8),
                ("滞后数", 7), ("滞后或逾期的任务（序号）", 26), ("联系人", 18), ("采用文件", 34))
STATUS_COL, OVERDUE_COL = 4, 6


def write_dispatch(rnd: ProgressRound, path: Path) -> Path:
    """Write the 调度表 of ``rnd`` to ``path`` (atomically; the folder is created)."""
    with report_workbook(path) as wb:
        st = Styles(wb)
        sheets = {name: wb.add_worksheet(name) for name in SHEETS}
        write_meeting(rnd, sheets[MEETING_SHEET], st)
        _tasks(rnd, sheets[TASKS_SHEET], st)
        _units(rnd, sheets[UNITS_SHEET], st)
        write_findings(sheets[FINDINGS_SHEET], st, rnd.findings(), f"{rnd.table.city} {rnd.period.label} ")
        wb.set_properties({"title": workbook_title(rnd), "subject": f"{rnd.table.city}{rnd.period.label}工作调度",
                           "author": str(rnd.table.params.get("office_name") or "jieshui_xl"), "category": "工作进展调度表"})
        wb.set_custom_property("jieshui_period", rnd.period.text)
    return Path(path)


def write_meeting_page(rnd: ProgressRound, path: Path) -> Path:
    """The 推进会通报 sheet alone, as its own workbook (to print the meeting's one page)."""
    with report_workbook(path) as wb:
        write_meeting(rnd, wb.add_worksheet(MEETING_SHEET), Styles(wb))
        wb.set_properties({"title": workbook_title(rnd).replace("工作进展调度表", "工作推进会通报")})
    return Path(path)


def _head(ws, st, row: int, columns, title: str) -> None:
    ws.merge_range(0, 0, 0, len(columns) - 1, title, st.title)
    ws.set_row(0, 26)
    for c, (head, width) in enumerate(columns):
        ws.set_column(c, c, width)
        ws.write_string(row, c, head, st.header)


def per_unit(state: TaskState, part: str) -> str:
    """One field of the answers, prefixed by the unit where several units report the task."""
    several = len(state.reporters) > 1
    texts = [(u, str(getattr(a, part) or "")) for u, a in state.answers.items()]
    return "\n".join(f"{u}：{t}" if several else t for u, t in texts if t)


def _task_values(rnd: ProgressRound, state: TaskState) -> list:
    t = state.task
    percents = [a.percent for a in state.answers.values() if a.percent is not None]
    milestone = state.next_milestone(rnd.period)
    leads = "、".join(state.reporters) + (f"\n（未报送或未填写：{'、'.join(state.missing)}）"
                                          if state.missing and len(state.reporters) > 1 else "")
    return [t.seq, t.title, leads, t.deadline.isoformat() if t.deadline else "（未定）",
            state.status, min(percents) if percents else None, state.overdue_days,
            trajectory_text(state.trajectory + [(rnd.period.text, ProgressTask(t.seq, state.status, state.overdue_days))]),
            per_unit(state, "report"),
            per_unit(state, "issues"), per_unit(state, "plan"), per_unit(state, "eta"),
            f"{milestone[0].isoformat()} {milestone[1]}".strip() if milestone else ""]


def _tasks(rnd: ProgressRound, ws, st) -> None:
    header = 1
    _head(ws, st, header, TASK_COLUMNS, f"{workbook_title(rnd)}　各项任务进展")
    row, category = header + 1, None
    first = row
    for state in rnd.tasks:
        if state.task.category and state.task.category != category:
            category = state.task.category
            ws.merge_range(row, 0, row, len(TASK_COLUMNS) - 1, category, st.section)
            row += 1
        values = _task_values(rnd, state)
        for c, value in enumerate(values):
            _cell(ws, st, row, c, value, centred=c in (0, 3, 4, 6, 11))
        ws.set_row(row, row_height([(str(v), w) for v, (_, w) in zip(values, TASK_COLUMNS) if v is not None]))
        row += 1
    last = max(row - 1, first)
    status_rules(rnd, ws, st, f"{xl_rowcol_to_cell(first, STATUS_COL)}:{xl_rowcol_to_cell(last, STATUS_COL)}")
    ws.conditional_format(first, OVERDUE_COL, last, OVERDUE_COL,
                          {"type": "cell", "criteria": ">", "value": 0, "format": st.cf_bad})
    ws.freeze_panes(header + 1, 2)
    print_setup(ws, repeat=header, left=f"{rnd.table.city} {rnd.period.label}")


def _cell(ws, st, row: int, col: int, value, centred: bool = False) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, st.integer if float(value).is_integer() else st.number(1))
    elif value is None or value == "":
        ws.write_blank(row, col, None, st.text)
    else:
        ws.write_string(row, col, str(value), st.text_center if centred else st.text)


def _units(rnd: ProgressRound, ws, st) -> None:
    header = 1
    _head(ws, st, header, UNIT_COLUMNS, f"{workbook_title(rnd)}　牵头单位排名")
    row = header + 1
    for r in rnd.units:
        contact = rnd.collection.contacts.get(r.unit) or {}
        accepted = rnd.collection.accepted(r.unit)
        values = [r.rank, r.unit, UNIT_STATUS_LABELS.get(r.status, r.status), len(r.tasks), len(r.done),
                  f"{r.rate:.0f}%", len(r.lagging), "、".join(map(str, r.lagging)) or "—",
                  " ".join(str(contact.get(k) or "") for k in ("name", "phone")).strip(),
                  accepted.file if accepted else ""]
        for c, value in enumerate(values):
            _cell(ws, st, row, c, value, centred=c in (2, 5))
        ws.set_row(row, row_height([(str(v), w) for v, (_, w) in zip(values, UNIT_COLUMNS)]))
        row += 1
    last = max(row - 1, header + 1)
    st.unit_status_rules(ws, f"C{header + 2}:C{last + 1}")
    ws.conditional_format(header + 1, 6, last, 6, {"type": "cell", "criteria": ">", "value": 0, "format": st.cf_bad})
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, repeat=header, left=f"{rnd.table.city} {rnd.period.label}")
