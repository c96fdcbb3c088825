"""评分表: the page the coordinator prints — one row per indicator, live value and status cells."""

from __future__ import annotations

from collections import Counter

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..labels import INVALID, MISSING, PASS, STATUS_LABELS, UNIT_MISSING, UNIT_REJECTED, VERDICTS
from ..prevyear import PrevYear, better_direction
from ..spec import Indicator
from ..xlsx import print_setup
from .context import Context
from .styles import row_height

SHEET = "评分表"

COLUMNS = [  # header, width, wrapped (counts for row height)
    ("序号", 5, False), ("目标", 9, True), ("指标", 18, True), ("类型", 6, False), ("具体要求", 25, True),
    ("实际值", 10, False), ("单位", 9, True), ("达标情况", 9, False), ("牵头单位", 12, True),
    ("责任单位", 18, True), ("备注", 27, True), ("上年值", 10, False), ("变化", 16, True),
]
LAST = len(COLUMNS) - 1
VALUE_COL, UNIT_COL, STATUS_COL, TYPE_COL, NOTE_COL, PREV_COL, CHANGE_COL = 5, 6, 7, 3, 10, 11, 12
TITLE_ROW, SUMMARY_ROW, HEADER_ROW = 0, 1, 2


def title_text(table) -> str:
    return f"{table.city}创建{table.title}{table.year}年度考核指标评分表"


def write(ctx: Context) -> None:
    ws, st, table = ctx.sheets[SHEET], ctx.st, ctx.table
    for i, (_, width, _) in enumerate(COLUMNS):
        ws.set_column(i, i, width)
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, LAST, title_text(table), st.title)
    ws.set_row(TITLE_ROW, 30)
    for c, (head, _, _) in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, c, head, st.header)
    ws.set_row(HEADER_ROW, 20)

    first = HEADER_ROW + 1
    for i, ind in enumerate(table.indicators):
        _indicator_row(ctx, ws, first + i, ind)
    last = first + len(table.indicators) - 1
    _goals(ctx, ws, first)
    _summary(ctx, ws, first, last)
    _status_formats(ctx, ws, first, last)
    row = _signatures(ctx, ws, last + 2)
    if not _has_prev(ctx):                       # first year: no 上年值/变化 on the leader's page
        ws.set_column(PREV_COL, CHANGE_COL, None, None, {"hidden": True})
    ws.print_area(0, 0, row, LAST)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    # The page a leader reads: headline, every indicator and the signatures on one A4 landscape page
    # (notes are on 评分说明, the next printed page).
    print_setup(ws, left=f"{table.city}{table.year}年度评分表", repeat=(TITLE_ROW, HEADER_ROW), pages_high=1)
    ws.activate()


def _has_prev(ctx: Context) -> bool:
    """Whether the store had a record of any indicator for the year before."""
    return any(ctx.prev.indicator(ind.code)[1] is not None for ind in ctx.table.indicators)


def _indicator_row(ctx: Context, ws, row: int, ind: Indicator) -> float:
    """The row of one indicator (live value, status and note); returns its height."""
    st, lg, r = ctx.st, ctx.logic, ctx.result.by_code(ind.code)
    ws.write_number(row, 0, ind.seq, st.integer)
    ws.write_string(row, 2, ind.name, st.text)
    ws.write_string(row, TYPE_COL, ind.type_label, st.veto_type if ind.is_veto else st.text_center)
    ws.write_string(row, 4, ind.requirement, st.text)
    ctx.formula(ws, row, VALUE_COL, lg.formulas[ind.value_name], st.number(ind.decimals), r.value)
    ctx.define(ind.value_name, SHEET, row, VALUE_COL)
    ws.write_string(row, UNIT_COL, ind.result_unit, st.text_center)
    ctx.formula(ws, row, STATUS_COL, lg.status[ind.code], st.status, r.status_label)
    ctx.define(ind.status_name, SHEET, row, STATUS_COL)
    leads = "、".join(ind.leads) or "（未列）"
    responsible = "、".join(ind.responsible)
    ws.write_string(row, 8, leads, st.text)
    ws.write_string(row, 9, responsible, st.text)
    ctx.formula(ws, row, NOTE_COL, lg.note[ind.code], st.text, r.note)
    _prev_cells(ctx, ws, row, ind, r.value)
    height = row_height([(ind.name, 18), (ind.requirement, 25), (ind.result_unit, 9), (leads, 12),
                         (responsible, 18), (r.note, 27), (ind.goal, 9)], minimum=22)
    ws.set_row(row, height)
    return height


def _status_formats(ctx: Context, ws, first: int, last: int) -> None:
    """Conditional formats: 底线 rows that do not pass first (they take priority), then statuses."""
    for i, ind in enumerate(ctx.table.indicators):
        if ind.is_veto:
            row = first + i
            ws.conditional_format(row, 0, row, LAST, {
                "type": "formula", "format": ctx.st.cf_veto,
                "criteria": f'=${xl_col_to_name(STATUS_COL)}${row + 1}<>"{STATUS_LABELS[PASS]}"'})
    ctx.st.status_rules(ws, f"{_cell(first, STATUS_COL)}:{_cell(last, STATUS_COL)}")


DIRECTION = {1: "越高越好", -1: "越低越好", 0: ""}


def _prev_cells(ctx: Context, ws, row: int, ind, value) -> None:
    """上年值 (from the history store) and 变化 (a live formula, with the direction that is better)."""
    st = ctx.st
    prev_year: PrevYear | None = ctx.prev
    prev, _status = prev_year.indicator(ind.code) if prev_year is not None else (None, None)
    if prev is None:
        ws.write_string(row, PREV_COL, "无记录" if prev_year is not None else "", st.text_center)
        ws.write_blank(row, CHANGE_COL, None, st.text)
        return
    ws.write_number(row, PREV_COL, prev, st.number(ind.decimals))
    direction = better_direction(ind)
    pattern = "+0." + "0" * (ind.decimals or 0) if ind.decimals else "+0"
    fmt = f"{pattern};-{pattern[1:]};0"
    prev_cell, v = _cell(row, PREV_COL, absolute=False), ind.value_name
    word = DIRECTION[direction]
    judged = (f'&IF({v}-{prev_cell}>0,"（{word}：{"向好" if direction > 0 else "变差"}）",'
              f'IF({v}-{prev_cell}<0,"（{word}：{"变差" if direction > 0 else "向好"}）","（持平）"))') if word else ""
    text = f'IF(AND(ISNUMBER({v}),ISNUMBER({prev_cell})),TEXT({v}-{prev_cell},"{fmt}"){judged},"")'
    ctx.raw_formula(ws, row, CHANGE_COL, text, [v], st.text, change_text(value, prev, ind.decimals or 0, direction))


def change_text(value, prev: float, decimals: int, direction: int) -> str:
    """What the 变化 formula shows, computed in Python (its cached value)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    delta = value - prev
    text = f"{delta:+.{decimals}f}" if delta != 0 else "0"
    if not DIRECTION[direction]:
        return text
    if delta == 0:
        return text + "（持平）"
    good = (delta > 0) == (direction > 0)
    return text + f"（{DIRECTION[direction]}：{'向好' if good else '变差'}）"


def _cell(row: int, col: int, absolute: bool = True) -> str:
    return xl_rowcol_to_cell(row, col, absolute, absolute)


def _goal_groups(inds) -> list[tuple[int, int]]:
    """(start, end) index ranges of consecutive indicators of the same goal."""
    groups, start = [], 0
    for i in range(1, len(inds) + 1):
        if i == len(inds) or inds[i].goal != inds[start].goal:
            groups.append((start, i))
            start = i
    return groups


def _goals(ctx: Context, ws, first: int) -> None:
    """The 目标 column, merged over consecutive indicators of the same goal."""
    inds = ctx.table.indicators
    for start, end in _goal_groups(inds):
        if end - start > 1:
            ws.merge_range(first + start, 1, first + end - 1, 1, inds[start].goal, ctx.st.text_center)
        else:
            ws.write_string(first + start, 1, inds[start].goal, ctx.st.text_center)


def _summary(ctx: Context, ws, first: int, last: int) -> None:
    st, result, table = ctx.st, ctx.result, ctx.table
    pass_label = STATUS_LABELS[PASS]
    status_range = f"{_cell(first, STATUS_COL)}:{_cell(last, STATUS_COL)}"
    total = len(table.indicators)
    ws.merge_range(SUMMARY_ROW, 0, SUMMARY_ROW, 4, "", st.summary)
    ctx.raw_formula(ws, SUMMARY_ROW, 0, f'"达标指标："&COUNTIF({status_range},"{pass_label}")&" / {total} 项"', [],
                    st.summary, f"达标指标：{result.passed} / {total} 项")
    veto = [ind for ind in table.indicators if ind.is_veto]
    condition = "AND(" + ",".join(f'{ind.status_name}="{pass_label}"' for ind in veto) + ")" if veto else "TRUE"
    ws.merge_range(SUMMARY_ROW, 5, SUMMARY_ROW, 7, "", st.summary)
    ctx.raw_formula(ws, SUMMARY_ROW, 5, f'IF({condition},"{VERDICTS[True]}","{VERDICTS[False]}")',
                    [ind.status_name for ind in veto], st.summary, result.verdict)
    verdict_cell = _cell(SUMMARY_ROW, 5, absolute=False)
    ws.conditional_format(verdict_cell, {"type": "cell", "criteria": "==", "value": f'"{VERDICTS[False]}"',
                                         "format": st.cf_veto})
    ws.conditional_format(verdict_cell, {"type": "cell", "criteria": "==", "value": f'"{VERDICTS[True]}"',
                                         "format": st.cf_good})
    units = table.reporting_units()
    statuses = Counter(ctx.unit_status(u) for u in units)
    received = len(units) - statuses[UNIT_MISSING]
    text = f"报送：{received} / {len(units)} 个单位"
    extra = [f"被退回 {statuses[UNIT_REJECTED]}" if statuses[UNIT_REJECTED] else "",
             f"未报送 {statuses[UNIT_MISSING]}" if statuses[UNIT_MISSING] else ""]
    extra = [e for e in extra if e]
    if extra:
        text += "（" + "，".join(extra) + "）"
    ws.merge_range(SUMMARY_ROW, 8, SUMMARY_ROW, LAST, text, st.summary)
    ws.set_row(SUMMARY_ROW, 24)


def footnotes(ctx: Context) -> list[str]:
    """What a reviewer reads beside the scores (printed on 评分说明): the checklist counts, how to read
    the sheet, the parameters' notices and the indicators' 计算口径."""
    table = ctx.table
    tasks = Counter(t.status for t in ctx.result.tasks)
    choices = sorted(table.task_status_choices(), key=lambda c: -c.rank)
    lines = []
    if ctx.result.tasks:
        counts = "，".join(f"{c.value} {tasks.get(c.value, 0)} 项" for c in choices)
        lines.append(f"基础管理（任务{ctx.result.tasks[0].task.seq}–{ctx.result.tasks[-1].task.seq}）：{counts}"
                     "（详见“基础管理”工作表）。")
    lines.append(f"怎样读评分表：“实际值”“达标情况”“备注”为实时公式，所用数据见“汇总数据”，计算见“计算过程”，"
                 f"问题见“问题清单”。{STATUS_LABELS[MISSING]}＝所需数据未报送或未采用；{STATUS_LABELS[INVALID]}＝数据相互矛盾"
                 "或无法计算。红底白字整行＝底线指标未达标。实际值按规定的小数位显示，是否达标按全精度判定。")
    if ctx.round.notices:
        lines.append("参数说明：" + "；".join(ctx.round.notices))
    remarks = [f"{ind.seq}. {ind.name}：{ind.reader_remark}" for ind in table.indicators if ind.remark]
    if remarks:
        lines.append("各指标的计算口径：\n" + "\n".join(remarks))
    return lines


def _signatures(ctx: Context, ws, row: int) -> int:
    st = ctx.st
    ws.set_row(row, 34)
    ws.merge_range(row, 0, row, 3, "填表人：________________", st.sign)
    ws.merge_range(row, 4, row, 6, "审核人：________________", st.sign)
    ws.merge_range(row, 7, row, 9, "日期：________年____月____日", st.sign)
    ws.write_blank(row, LAST, None, st.sign)
    office = str(ctx.table.params.get("office_name") or "")
    if office:
        row += 1
        ws.merge_range(row, 0, row, LAST, f"（{office}）", st.sign)
    return row
