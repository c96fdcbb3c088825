"""汇总数据: every data item as consolidated (the named cells the formulas use) and the table blocks."""

from __future__ import annotations

from ..xlsx import print_setup
from .context import Context, begin_sheet, sheet_ref
from .styles import row_height

SHEET = "汇总数据"

CODE_COL = 1                 # the item code (the name the formulas use): in the workbook, hidden in print
COLUMNS = [  # header, width
    ("序号", 5), ("代码（名称）", 26), ("数据项", 30), ("报送值", 12), ("单位", 9), ("填报单位", 14),
    ("来源文件", 20), ("位置", 13), ("数据来源", 22), ("联系人", 16), ("原始填写 / 未采用的值", 24), ("用于指标", 10),
]
VALUE_COL = 3
HEADER_ROW = 2


def write(ctx: Context) -> None:
    ws, st, table = ctx.sheets[SHEET], ctx.st, ctx.table
    begin_sheet(ctx, ws, [w for _, w in COLUMNS], "汇总数据（各单位报送值，已逐项校验）")
    last = len(COLUMNS) - 1
    ws.merge_range(1, 0, 1, last, "“报送值”单元格以数据项代码命名，评分表和计算过程中的公式按名称引用；"
                   "空白表示未报送或未采用（原因见“问题清单”）。", st.subtitle)
    for c, (head, _) in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, c, head, st.header)
    ws.set_column(CODE_COL, CODE_COL, COLUMNS[CODE_COL][1], None, {"hidden": True})   # names: not printed
    ws.freeze_panes(HEADER_ROW + 1, 0)

    rejected = _rejected_values(ctx)
    users = _indicators_using(ctx)
    row = HEADER_ROW + 1
    for n, item in enumerate(table.items.values(), start=1):
        cv = ctx.collection.values.get(item.code)
        ws.write_number(row, 0, n, st.integer)
        ws.write_string(row, 1, item.code, st.code_wrap)
        ws.write_string(row, 2, item.label, st.text)
        _write_value(ws, row, VALUE_COL, None if cv is None else cv.value, st)
        ctx.define(item.code, SHEET, row, VALUE_COL)
        ws.write_string(row, 4, item.unit, st.text_center)
        ws.write_string(row, 5, item.reporter, st.text)
        ws.write_string(row, 6, cv.file if cv else "", st.text)
        ws.write_string(row, 7, _where(cv), st.text)
        ws.write_string(row, 8, cv.source if cv else "", st.text)
        ws.write_string(row, 9, ctx.contact(item.reporter), st.text)
        extra = ([f"原填：{cv.raw}"] if cv is not None and cv.raw not in (None, "") else []) + rejected.get(item.code, [])
        ws.write_string(row, 10, "\n".join(extra), st.text)
        ws.write_string(row, 11, "、".join(users.get(item.code, [])), st.text_center)
        ws.set_row(row, row_height([(item.label, 30), ("\n".join(extra), 24),
                                    (cv.source if cv else "", 22), (cv.file if cv else "", 20)]))
        row += 1
    ws.autofilter(HEADER_ROW, 0, row - 1, last)
    for tbl in table.tables.values():
        row = _table_block(ctx, ws, tbl, row + 1, rejected)
    print_setup(ws, repeat=HEADER_ROW)


def _table_block(ctx: Context, ws, tbl, row: int, rejected: dict) -> int:
    st = ctx.st
    ind = next((i for i in ctx.table.indicators if i.table == tbl.code), None)
    title = f"表格 {tbl.code}" + (f"：{ind.name}" if ind else "") + f"（{tbl.reporter}填报，最多 {tbl.rows} 行）"
    ws.merge_range(row, 0, row, len(COLUMNS) - 1, title, st.section)
    row += 1
    header = row
    ws.write_string(header, 0, "行", st.header)
    heads = [col.label + (f"（{col.unit}）" if col.unit else "") for col in tbl.columns]
    for c, head in enumerate(heads, start=1):
        ws.write_string(header, c, head, st.header)
    extra_col = len(tbl.columns) + 1
    ws.write_string(header, extra_col, "来源文件 / 原始填写", st.header)
    ws.set_row(header, row_height([(h, _width(c)) for c, h in enumerate(heads, start=1)], minimum=20))
    got = ctx.collection.tables.get(tbl.code, [])
    first = header + 1
    for i in range(tbl.rows):
        r = first + i
        cells = got[i] if i < len(got) else {}
        ws.write_number(r, 0, i + 1, st.integer)
        notes = []
        for c, col in enumerate(tbl.columns, start=1):
            cv = cells.get(col.code)
            _write_value(ws, r, c, None if cv is None else cv.value, st)
            ctx.table_cells[(tbl.code, i, col.code)] = _ref(r, c)
            if cv is not None and cv.raw not in (None, ""):
                notes.append(f"{col.label}原填：{cv.raw}")
        files = sorted({cv.file for cv in cells.values() if cv.file})
        ws.write_string(r, extra_col, "\n".join(files + notes), st.text)
        ws.set_row(r, row_height([(str(cv.value), _width(c)) for c, col in enumerate(tbl.columns, start=1)
                                  if (cv := cells.get(col.code)) is not None and isinstance(cv.value, str)]
                                 + [("\n".join(files + notes), _width(extra_col))]))
    for c, col in enumerate(tbl.columns, start=1):
        ctx.define(col.code, SHEET, first, c, first + tbl.rows - 1)
    row = first + tbl.rows
    lost = [line for col in tbl.columns for line in rejected.get(col.code, [])]
    if lost:
        ws.merge_range(row, 0, row, len(COLUMNS) - 1, "本表未采用的值：" + "；".join(lost), st.note)
        ws.set_row(row, row_height([("本表未采用的值：" + "；".join(lost), 190)]))
        row += 1
    return row


def _width(col: int) -> float:
    return COLUMNS[col][1] if col < len(COLUMNS) else 8.43


def _ref(row: int, col: int) -> str:
    return sheet_ref(SHEET, row, col)


def _write_value(ws, row: int, col: int, value, st) -> None:
    """Numbers as numbers, text as text (never a formula), blank as a true blank."""
    if value is None or value == "":
        ws.write_blank(row, col, None, st.general)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, st.boolean)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, float(value), st.number(None))
    else:
        ws.write_string(row, col, str(value), st.text)


def _where(cv) -> str:
    if cv is None:
        return ""
    if cv.sheet and cv.cell:
        return f"{cv.sheet}!{cv.cell}"
    return cv.cell or cv.sheet or ""


def _rejected_values(ctx: Context) -> dict[str, list[str]]:
    """Values a department typed that were not used (value-* errors), by item or column code."""
    out: dict[str, list[str]] = {}
    for f in ctx.collection.report:
        if f.code.startswith("value-") and f.field and f.value not in (None, "") and f.severity == "error":
            where = f" {f.cell}" if f.cell else ""
            out.setdefault(f.field, []).append(f"未采用{where}：{f.value}")
    return out


def _indicators_using(ctx: Context) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ind in ctx.table.indicators:
        for code in sorted(ctx.table.indicator_items(ind)):
            out.setdefault(code, []).append(ind.code)
    return out
