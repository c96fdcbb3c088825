"""报送情况: each reporting unit's status and every file found in the returns folder."""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from ..data import UnitState
from ..evidence import Owed, owed_by_unit
from ..labels import ACCEPTED, SUBMISSION_LABELS, UNIT_MISSING
from ..xlsx import Pager, print_setup
from .context import Context, begin_sheet, section
from .styles import row_height

SHEET = "报送情况"

UNIT_COLUMNS = [("序号", 5), ("单位", 18), ("报送情况", 10), ("采用文件", 30), ("保存时间", 16), ("错误", 7),
                ("警告", 7), ("联系人", 18), ("填报日期", 12), ("说明", 34)]
LAST = len(UNIT_COLUMNS) - 1
WIDTHS = [w for _, w in UNIT_COLUMNS]


def write(ctx: Context) -> None:
    ws, st = ctx.sheets[SHEET], ctx.st
    begin_sheet(ctx, ws, WIDTHS, "报送情况")
    print_setup(ws, repeat=0)
    pager = Pager(ws, WIDTHS, top=26, repeat=26)
    header = 2
    row = section(ws, st, pager, 1, "一、各填报单位", [h for h, _ in UNIT_COLUMNS], WIDTHS)
    row = _unit_rows(ctx, ws, pager, row)
    row = section(ws, st, pager, row + 1, "二、收到的文件（含被替代、重复和退回的文件）",
                  ["序号", "识别为单位", "处理结果", "文件", "保存时间", "错误", "警告", "原因"], WIDTHS)
    _file_rows(ctx, ws, pager, row)
    ws.freeze_panes(header + 1, 0)


def _unit_rows(ctx: Context, ws, pager: Pager, row: int) -> int:
    """One row per reporting unit from ``row`` (its status coloured); returns the row after them."""
    st, coll = ctx.st, ctx.collection
    first = row
    owed = owed_by_unit(ctx.round.table, coll)
    for n, state in enumerate(ctx.round.units, start=1):
        unit, sub = state.unit, state.main
        contact = coll.contacts.get(unit) or {}
        note = _unit_note(ctx, state, owed.get(unit, []))
        height = row_height([(unit, 18), (sub.file if sub else "", 30), (ctx.contact(unit), 18), (note, 34)])
        row = pager.place(row, height)
        ws.set_row(row, height)
        ws.write_number(row, 0, n, st.integer)
        ws.write_string(row, 1, unit, st.text)
        ws.write_string(row, 2, state.label, st.text_center)
        ws.write_string(row, 3, sub.file if sub else "", st.text)
        _datetime(ws, row, 4, sub.saved_at if sub else None, st)
        ws.write_number(row, 5, sub.errors if sub else 0, st.integer)
        ws.write_number(row, 6, sub.warnings if sub else 0, st.integer)
        ws.write_string(row, 7, ctx.contact(unit), st.text)
        ws.write_string(row, 8, str(contact.get("date") or ""), st.text)
        ws.write_string(row, 9, note, st.text)
        row += 1
    rng = f"{xl_rowcol_to_cell(first, 2)}:{xl_rowcol_to_cell(max(row - 1, first), 2)}"
    st.unit_status_rules(ws, rng)
    return row


def _file_rows(ctx: Context, ws, pager: Pager, row: int) -> None:
    """One row per file found in the returns folder, from ``row``."""
    st, coll = ctx.st, ctx.collection
    if not coll.submissions:
        ws.merge_range(row, 0, row, LAST, "回收文件夹中没有文件。", st.text)
        row += 1
    for n, s in enumerate(coll.submissions, start=1):
        height = row_height([(s.file, 30), (s.reason, 62), (s.unit or "", 18),
                             (SUBMISSION_LABELS.get(s.status, s.status), 10)])
        row = pager.place(row, height)
        ws.set_row(row, height)
        ws.write_number(row, 0, n, st.integer)
        ws.write_string(row, 1, s.unit or "（无法识别）", st.text)
        ws.write_string(row, 2, SUBMISSION_LABELS.get(s.status, s.status), st.text_center)
        ws.write_string(row, 3, s.file, st.text)
        _datetime(ws, row, 4, s.saved_at, st)
        ws.write_number(row, 5, s.errors, st.integer)
        ws.write_number(row, 6, s.warnings, st.integer)
        ws.merge_range(row, 7, row, LAST, "", st.text)
        ws.write_string(row, 7, s.reason, st.text)
        row += 1


def _datetime(ws, row, col, value, st) -> None:
    if value is None:
        ws.write_blank(row, col, None, st.text)
    else:
        ws.write_datetime(row, col, value.replace(tzinfo=None) if getattr(value, "tzinfo", None) else value,
                          st.datetime)


def _unit_note(ctx: Context, state: UnitState, owed: list[Owed]) -> str:
    """Why a unit is not 已报送: the reasons its files were not used, or that nothing came; and the
    evidence (佐证材料) it still owes."""
    table = ctx.round.table
    subjects = "、".join(dict.fromkeys(table.subject(o.evidence).label for o in owed))
    evidence = f"缺佐证材料 {len(owed)} 项（{subjects}；明细见申报材料目录“完整性”工作表）" if owed else ""
    if state.status == UNIT_MISSING:
        return f"未收到填报表{f'及佐证材料（{len(owed)} 项）' if owed else ''}，请催报。"
    reasons = [s.reason for s in state.files if s.status != ACCEPTED and s.reason]
    sub = state.main
    if sub is not None and sub.status == ACCEPTED and sub.errors:
        reasons.insert(0, f"采用的填报表有 {sub.errors} 个错误（见“问题清单”）")
    return "；".join([*dict.fromkeys(reasons), *([evidence] if evidence else [])])
