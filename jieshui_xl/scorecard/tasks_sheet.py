"""基础管理: the checklist tasks (those with no linked indicator) — each reporting unit's answer and the overall status."""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from ..progressstore import trajectory_text
from ..score import TaskResult
from ..xlsx import print_setup
from .context import Context, begin_sheet
from .styles import row_height

SHEET = "基础管理"

COLUMNS = [("序号", 5), ("任务", 22), ("总体进展", 9), ("填报单位", 14), ("该单位进展", 17),
           ("佐证材料（文件名称及文号）", 32), ("说明", 26), ("来源文件", 20), ("牵头单位", 16),
           ("年内调度", 18)]
LAST = len(COLUMNS) - 1
OVERALL_COL, UNIT_STATUS_COL = 2, 4


def write(ctx: Context) -> None:
    ws, st, table = ctx.sheets[SHEET], ctx.st, ctx.table
    begin_sheet(ctx, ws, [w for _, w in COLUMNS], "基础管理任务完成情况")
    choices = sorted(table.task_status_choices(), key=lambda c: c.rank)
    lowest = choices[0].value if choices else ""
    ws.merge_range(1, 0, 1, LAST, "“总体进展”取各填报单位中最落后的进展（"
                   + " < ".join(c.value for c in choices) + f"）；未填报的单位按“{lowest}”计。", st.subtitle)
    header = 2
    for c, (head, _) in enumerate(COLUMNS):
        ws.write_string(header, c, head, st.header)
    row = header + 1
    first = row
    category = None
    for tr in ctx.result.tasks:
        task = tr.task
        if task.category and task.category != category:
            category = task.category
            ws.merge_range(row, 0, row, LAST, category, st.section)
            row += 1
        row = _task_rows(ctx, ws, tr, row, lowest)
    _status_rules(ctx, ws, first, max(row - 1, first), [c.value for c in choices], lowest)
    _progress_rows(ctx, ws, row + 1)
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, repeat=header)


def _task_rows(ctx: Context, ws, tr: TaskResult, row: int, lowest: str) -> int:
    """One row per reporting unit of the task from ``row``, the task's own columns merged over them;
    returns the next free row."""
    st, task = ctx.st, tr.task
    reporters = list(task.reporters) or [""]
    start = row
    for unit in reporters:
        _unit_row(ctx, ws, row, tr, unit, lowest, single=len(reporters) == 1)
        row += 1
    leads = "、".join(task.leads) or ("（无牵头单位，由责任单位分别填报）" if task.responsible else "")
    title = f"{task.title}"
    for col, text, fmt in ((0, None, st.integer), (1, title, st.text), (OVERALL_COL, tr.status, st.status),
                           (8, leads, st.text), (9, trajectory(ctx, task.seq), st.text)):
        if row - start > 1:
            ws.merge_range(start, col, row - 1, col, "" if text is None else text, fmt)
            if text is None:
                ws.write_number(start, col, task.seq, fmt)
        elif text is None:
            ws.write_number(start, col, task.seq, fmt)
        else:
            ws.write_string(start, col, text, fmt)
    return row


def _progress_rows(ctx: Context, ws, row: int) -> None:
    """Every task's status over the year's progress periods (工作调度), where the store records any."""
    progress = ctx.prev.progress
    if not progress:
        return
    st = ctx.st
    ws.merge_range(row, 0, row, LAST, "年内工作调度：各项任务各期状态（工作进展调度表汇总结果）", st.section)
    for task in ctx.table.tasks:
        row += 1
        steps = trajectory_text(progress.get(task.seq, [])) or "—"
        ws.write_number(row, 0, task.seq, st.integer)
        ws.merge_range(row, 1, row, 2, task.title, st.text)
        ws.merge_range(row, 3, row, 4, "、".join(task.leads or task.responsible), st.text)
        ws.merge_range(row, 5, row, LAST, steps, st.text)
        ws.set_row(row, row_height([(task.title, 31), ("、".join(task.leads or task.responsible), 31),
                                    (steps, sum(w for _, w in COLUMNS[5:]))], minimum=18))


def trajectory(ctx: Context, seq: int) -> str:
    """The task's status in each progress period of the year recorded in the store (工作调度), one a line."""
    return trajectory_text(ctx.prev.progress.get(seq, []), sep="\n") or "—"


def _unit_row(ctx: Context, ws, row: int, tr: TaskResult, unit: str, lowest: str, single: bool) -> None:
    """What ``unit`` answered to the task (``single``: the task's only reporter, its row fits the title)."""
    st, task, answer = ctx.st, tr.task, tr.answers.get(unit)
    if answer is not None and unit not in tr.unanswered:
        status = answer.status
    elif ctx.unit_status(unit) == "missing":
        status = f"未报送（按{lowest}计）"
    else:
        status = f"未填写（按{lowest}计）"
    ws.write_string(row, 3, unit, st.text)
    ws.write_string(row, UNIT_STATUS_COL, status, st.text_center)
    evidence = answer.evidence if answer else ""
    note = answer.note if answer else ""
    ws.write_string(row, 5, evidence, st.text)
    ws.write_string(row, 6, note, st.text)
    where = (answer.file + (f" {answer.cell}" if answer.cell else "")) if answer and answer.file else ""
    ws.write_string(row, 7, where, st.text)
    height = row_height([(evidence, 34), (note, 26), (where, 20), (status, 17)], minimum=20)
    if single:
        height = max(height, row_height([(task.title, 22), ("、".join(task.leads), 16),
                                         (trajectory(ctx, task.seq), 18)], minimum=20))
    ws.set_row(row, height)


def _status_rules(ctx: Context, ws, first: int, last: int, order: list[str], lowest: str) -> None:
    """Colour the overall and per-unit progress by rank; flag the units counted as the lowest."""
    for col in (OVERALL_COL, UNIT_STATUS_COL):
        rng = f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)}"
        ctx.st.ranked_rules(ws, rng, order)
        if col == UNIT_STATUS_COL:
            ws.conditional_format(rng, {"type": "text", "criteria": "containing", "value": lowest,
                                        "format": ctx.st.cf_bad})
