"""推进会通报: the page printed for the progress meeting — one A4 landscape page: the period's figures,
the lead units ranked (left) and the tasks overdue (right)."""

from __future__ import annotations

from xlsxwriter.utility import xl_range

from ..labels import UNIT_MISSING, UNIT_STATUS_LABELS
from ..scorecard.styles import row_height
from ..xlsx import print_setup
from .model import NOT_ANSWERED, NOT_RETURNED, ProgressRound, TaskState

__all__ = ["write_meeting", "summary_text", "status_rules", "workbook_title", "RANK_COLUMNS", "OVERDUE_COLUMNS"]

RANK_COLUMNS = (("名次", 5), ("单位", 19), ("报送", 7), ("牵头任务", 6), ("已完成", 6), ("完成率", 7), ("滞后数", 6))
GAP = 2
OVERDUE_COLUMNS = (("序号", 5), ("任务", 22), ("牵头单位", 17), ("完成时限", 10), ("状态", 8), ("逾期天数", 7))
RIGHT = len(RANK_COLUMNS) + 1                       # first column of the overdue list
LAST = RIGHT + len(OVERDUE_COLUMNS) - 1


def summary_text(rnd: ProgressRound) -> str:
    """共 28 项任务：已完成 5 项，推进中 12 项，…；逾期未完成 2 项。"""
    counts = "，".join(f"{k} {v} 项" for k, v in rnd.counts().items() if v)
    return f"共 {len(rnd.tasks)} 项任务：{counts}；逾期未完成 {len(rnd.overdue)} 项。"


def _units_text(rnd: ProgressRound) -> str:
    missing = [r.unit for r in rnd.units if r.status == UNIT_MISSING]
    returned = len(rnd.units) - len(missing)
    tail = f"，{UNIT_STATUS_LABELS[UNIT_MISSING]} {len(missing)} 个（{'、'.join(missing)}）" if missing else ""
    return f"报送：{len(rnd.units)} 个牵头单位，已报送 {returned} 个{tail}。"


def workbook_title(rnd: ProgressRound) -> str:
    return f"{rnd.table.city}创建{rnd.table.title}工作进展调度表（{rnd.period.label}）"


def status_rules(rnd: ProgressRound, ws, st, cell_range: str) -> None:
    """Colour statuses: the most advanced green, the least (滞后) red, the others yellow; 未报送 and
    未填写 red."""
    st.ranked_rules(ws, cell_range, list(reversed(rnd.statuses.values)))
    for label in (NOT_RETURNED, NOT_ANSWERED):
        ws.conditional_format(cell_range, {"type": "cell", "criteria": "==", "value": f'"{label}"', "format": st.cf_bad})


def write_meeting(rnd: ProgressRound, ws, st) -> None:
    for c, (_, width) in enumerate(RANK_COLUMNS):
        ws.set_column(c, c, width)
    ws.set_column(len(RANK_COLUMNS), len(RANK_COLUMNS), GAP)
    for c, (_, width) in enumerate(OVERDUE_COLUMNS, start=RIGHT):
        ws.set_column(c, c, width)
    ws.merge_range(0, 0, 0, LAST, workbook_title(rnd).replace("工作进展调度表", "工作推进会通报"), st.title)
    ws.set_row(0, 28)
    lines = (f"进展截至 {rnd.period.end.isoformat()}。{summary_text(rnd)}", _units_text(rnd))
    width = sum(w for _, w in RANK_COLUMNS + OVERDUE_COLUMNS) + GAP
    for r, text in enumerate(lines, start=1):
        ws.merge_range(r, 0, r, LAST, text, st.note)
        ws.set_row(r, row_height([(text, width)], small=True))
    ws.merge_range(3, 0, 3, len(RANK_COLUMNS) - 1, "一、牵头单位排名（按完成率，再按报送和滞后数）", st.section)
    ws.merge_range(3, RIGHT, 3, LAST, f"二、逾期未完成的任务（{len(rnd.overdue)} 项）", st.section)
    for c, (head, _) in enumerate(RANK_COLUMNS):
        ws.write_string(4, c, head, st.header)
    for c, (head, _) in enumerate(OVERDUE_COLUMNS, start=RIGHT):
        ws.write_string(4, c, head, st.header)
    row = _rows(rnd, ws, st, 5)
    st.unit_status_rules(ws, xl_range(5, 2, 4 + max(len(rnd.units), 1), 2))
    if rnd.overdue:
        status_rules(rnd, ws, st, xl_range(5, RIGHT + 4, 4 + len(rnd.overdue), RIGHT + 4))
    note = (f"说明：完成率＝本单位报告“{rnd.statuses.done}”的牵头任务数÷牵头任务数；滞后数＝报告“{rnd.statuses.lagging}”"
            f"或已过完成时限仍未完成的任务数；任务状态取各牵头单位中最落后者，未报送的单位按未完成计。")
    ws.merge_range(row + 1, 0, row + 1, LAST, note, st.note)
    ws.set_row(row + 1, row_height([(note, width)], small=True))
    print_setup(ws, landscape=True, pages_high=1, left=f"{rnd.table.city} {rnd.period.label}")


def _rows(rnd: ProgressRound, ws, st, row: int) -> int:
    """The ranking and the overdue tasks side by side from ``row``; returns the row after them."""
    overdue: list[TaskState] = sorted(rnd.overdue, key=lambda s: (-s.overdue_days, s.task.seq))
    for n in range(max(len(rnd.units), len(overdue), 1)):
        texts = []
        if n < len(rnd.units):
            r = rnd.units[n]
            values = [r.rank, r.unit, UNIT_STATUS_LABELS[r.status], len(r.tasks), len(r.done), f"{r.rate:.0f}%",
                      len(r.lagging)]
            _write(ws, st, row + n, 0, values)
            texts.append((r.unit, RANK_COLUMNS[1][1]))
        if n < len(overdue):
            s = overdue[n]
            deadline = s.task.deadline.isoformat() if s.task.deadline else ""
            lead = "、".join(s.reporters)
            _write(ws, st, row + n, RIGHT, [s.task.seq, s.task.title, lead, deadline, s.status, s.overdue_days])
            texts += [(s.task.title, OVERDUE_COLUMNS[1][1]), (lead, OVERDUE_COLUMNS[2][1])]
        elif n == 0:
            ws.merge_range(row, RIGHT, row, LAST, "本期没有逾期未完成的任务。", st.text_center)
        ws.set_row(row + n, row_height(texts))
    return row + max(len(rnd.units), len(overdue), 1)


def _write(ws, st, row: int, col: int, values: list) -> None:
    for c, value in enumerate(values, start=col):
        if isinstance(value, int):
            ws.write_number(row, c, value, st.integer)
        else:
            ws.write_string(row, c, str(value), st.text if c in (1, RIGHT + 1, RIGHT + 2) else st.text_center)
