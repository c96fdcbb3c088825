"""计算过程: parameters, every indicator's formula with its numbers, calcs (I03's R_WL … R_n, the
declines and growth), consistency checks and the per-row computation of table indicators.

The cells here carry the names ``target_Ixx``, the calc codes, the check codes, the parameters and
the table helper ranges; every one is a live formula from :func:`jieshui_xl.logic.logic`.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from ..findings import SEVERITY_LABELS
from ..formula import parse
from ..spec import ROW_NAME
from ..xlsx import Pager, print_setup
from .context import HEADER_HEIGHT, Context, begin_sheet, section, sheet_ref, substituted
from .styles import row_height

SHEET = "计算过程"

WIDTHS = [25, 22, 32, 28, 11, 9, 10, 26, 9, 34]
LAST = len(WIDTHS) - 1
CHECK_COL = LAST + 1            # a check's own (named) TRUE/FALSE cell
HIDDEN = (0, 2, CHECK_COL)      # 代码, 公式 and the checks' TRUE/FALSE: in the workbook, not printed


TOP = 26 + 15 + 15     # points: title, subtitle and the gap above the first section


def write(ctx: Context) -> None:
    ws, st = ctx.sheets[SHEET], ctx.st
    begin_sheet(ctx, ws, WIDTHS, "计算过程")
    ws.merge_range(1, 0, 1, LAST, "每个结果都是实时公式：修改“汇总数据”中的报送值后，Excel/WPS/LibreOffice 会重新计算。"
                   "“代入数值”为程序计算时代入的数值，便于核对。", st.subtitle)
    print_setup(ws, repeat=0)
    # Codes, raw formulas and the checks' TRUE/FALSE stay in the workbook for auditors, not on paper:
    # a reviewer reads the names, the numbers put in (代入数值), the results and 一致/不一致.
    for col in HIDDEN:
        ws.set_column(col, col, WIDTHS[col] if col < len(WIDTHS) else 8, None, {"hidden": True})
    pager = Pager(ws, [w for c, w in enumerate(WIDTHS) if c not in HIDDEN], top=TOP, repeat=26)
    row = _parameters(ctx, ws, pager, 3)
    row = _indicators(ctx, ws, pager, row + 1)
    row = _calcs(ctx, ws, pager, row + 1)
    row = _checks(ctx, ws, pager, row + 1)
    for code, tl in ctx.logic.tables.items():
        row = _table_rows(ctx, ws, pager, code, tl, row + 1)


def _header(ws, st, pager: Pager, row: int, title: str, heads: list[str], keep: float = HEADER_HEIGHT * 2) -> int:
    return section(ws, st, pager, row, title, heads + [""] * (LAST + 1 - len(heads)), WIDTHS, keep)


def _lead(ws, st, row: int, code: str, label: str, formula: str, shown: str) -> None:
    """The first four columns of a formula row: 代码 | name | formula | 代入数值."""
    ws.write_string(row, 0, code, st.code_wrap)
    ws.write_string(row, 1, label, st.text)
    ws.write_string(row, 2, formula, st.code_wrap)
    ws.write_string(row, 3, shown, st.code_wrap)


def _height(texts: list, note: str = "") -> float:
    """A height that shows ``texts`` ((text, column) pairs) and the small-print note of the last column."""
    return max(row_height([(text, WIDTHS[col]) for text, col in texts if col not in HIDDEN]),
               row_height([(note, WIDTHS[LAST])], small=True))


def _place(ws, pager: Pager, row: int, texts: list, note: str = "") -> int:
    height = _height(texts, note)
    row = pager.place(row, height)
    ws.set_row(row, height)
    return row


def _parameters(ctx: Context, ws, pager: Pager, row: int) -> int:
    st = ctx.st
    row = _header(ws, st, pager, row, "一、参数（节水办在任务分工表“参数”工作表中设定）",
                  ["代码", "参数", "", "", "值"])
    for code in ctx.table.parameter_names():
        row = _place(ws, pager, row, [])
        label, unit = ctx.table.param_labels.get(code, ("", ""))
        ws.write_string(row, 0, code, st.code)
        ws.merge_range(row, 1, row, 3, (label or code) + (f"（{unit}）" if unit else ""), st.text)
        value = ctx.table.params[code]
        assert isinstance(value, (int, float)), "parameter_names() lists numeric parameters only"
        ws.write_number(row, 4, float(value), st.number(None))
        ctx.define(code, SHEET, row, 4)
        row += 1
    return row


def _indicators(ctx: Context, ws, pager: Pager, row: int) -> int:
    st, lg = ctx.st, ctx.logic
    row = _header(ws, st, pager, row, "二、指标计算",
                  ["代码", "指标", "计算公式", "代入数值", "计算结果", "单位", "目标值", "达标要求", "达标情况", "说明"])
    first = row
    for ind in ctx.table.indicators:
        r = ctx.result.by_code(ind.code)
        shown_formula = ind.formula or (ind.row_formula if ind.table else None)
        formula = shown_formula.text if shown_formula else ""
        shown = substituted(ind.formula, ctx.value) if ind.formula else ("逐行计算，见下方表格" if ind.table else "")
        rule = ind.rule.text if ind.rule else (ind.row_rule.text if ind.row_rule else "")
        row = _place(ws, pager, row, [(ind.code, 0), (ind.name, 1), (formula, 2), (shown, 3),
                                      (ind.result_unit, 5), (ind.requirement, 7)], ind.remark)
        _lead(ws, st, row, ind.code, ind.name, formula, shown)
        ctx.raw_formula(ws, row, 4, ind.value_name, [ind.value_name], st.number(ind.decimals), r.value)
        ws.write_string(row, 5, ind.result_unit, st.text_center)
        if ind.target_name in lg.formulas:
            ctx.formula(ws, row, 6, lg.formulas[ind.target_name], st.number(None), ctx.value(ind.target_name))
            ctx.define(ind.target_name, SHEET, row, 6)
        else:
            ws.write_blank(row, 6, None, st.text)
        ws.write_string(row, 7, ind.requirement or rule, st.text)
        ctx.raw_formula(ws, row, 8, ind.status_name, [ind.status_name], st.status, r.status_label)
        ws.write_string(row, 9, ind.reader_remark, st.note)
        row += 1
    status_col = _col(8)
    st.status_rules(ws, f"{status_col}{first + 1}:{status_col}{row}")
    return row


def _calcs(ctx: Context, ws, pager: Pager, row: int) -> int:
    st, lg = ctx.st, ctx.logic
    row = _header(ws, st, pager, row, "三、计算项（指标公式用到的中间结果，定义见任务分工表“计算项”工作表）",
                  ["代码", "名称", "公式", "代入数值", "结果", "单位", "所属指标", "", "", "说明"])
    for calc in ctx.table.calcs.values():
        shown = substituted(calc.formula, ctx.value)
        row = _place(ws, pager, row, [(calc.code, 0), (calc.label, 1), (_text(calc.formula), 2), (shown, 3),
                                      (calc.unit, 5)], calc.note)
        _lead(ws, st, row, calc.code, calc.label, _text(calc.formula), shown)
        ctx.formula(ws, row, 4, lg.formulas[calc.code], st.number(4), ctx.value(calc.code))
        ctx.define(calc.code, SHEET, row, 4)
        ws.write_string(row, 5, calc.unit, st.text_center)
        owner = next((i for i in ctx.table.indicators if i.code == calc.indicator), None)
        ws.write_string(row, 6, f"指标{owner.seq}" if owner else calc.indicator, st.text_center)
        ws.write_blank(row, 7, None, st.text)
        ws.write_blank(row, 8, None, st.text)
        ws.write_string(row, 9, calc.note, st.note)
        row += 1
    return row


def _checks(ctx: Context, ws, pager: Pager, row: int) -> int:
    st, lg = ctx.st, ctx.logic
    row = _header(ws, st, pager, row, "四、一致性检查（“不一致”且为“错误”时相关指标为“数据异常”，“警告”只提示）",
                  ["代码", "提示", "规则", "代入数值", "结果", "严重程度", "", "", "", "涉及数据项"])
    first = row
    for chk in ctx.table.checks:
        shown = substituted(chk.rule, ctx.value)
        items = "、".join(ctx.table.items[c].label for c in sorted(ctx.table.items_used(chk.rule)))
        row = _place(ws, pager, row, [(chk.code, 0), (chk.message, 1), (chk.rule.text, 2), (shown, 3)], items)
        _lead(ws, st, row, chk.code, chk.message, chk.rule.text, shown)
        ctx.formula(ws, row, CHECK_COL, lg.formulas[chk.code], st.boolean, ctx.value(chk.code))
        ctx.define(chk.code, SHEET, row, CHECK_COL)
        ctx.raw_formula(ws, row, 4, f'IF({chk.code},"一致","不一致")', [chk.code], st.text_center,
                        "一致" if ctx.value(chk.code) is True else "不一致")
        ws.write_string(row, 5, SEVERITY_LABELS.get(chk.severity, chk.severity), st.text_center)
        for c in (6, 7, 8):
            ws.write_blank(row, c, None, st.text)
        ws.write_string(row, 9, items, st.note)
        cf = st.cf_bad if chk.severity == "error" else st.cf_warn
        ws.conditional_format(row, 4, row, 4, {"type": "cell", "criteria": "==", "value": '"不一致"', "format": cf})
        row += 1
    if row > first:
        ws.conditional_format(first, 4, row - 1, 4, {"type": "cell", "criteria": "==", "value": '"一致"',
                                                     "format": st.cf_good})
    return row


def _table_rows(ctx: Context, ws, pager: Pager, code: str, tl, row: int) -> int:
    """Per-row formulas of a table indicator, with its helper ranges (filled/complete/value/pass),
    on one page (the helper ranges are contiguous)."""
    st = ctx.st
    ind = ctx.table.indicator(code)
    r = ctx.result.by_code(code)
    tbl = tl.table
    texts = [_row_texts(ctx, ind, tbl, r.rows[i] if i < len(r.rows) else None) for i in range(tbl.rows)]
    heights = [_height([(t["content"], 1), (t["formula"], 2), (t["shown"], 3), (ind.result_unit, 5),
                        (t["rule"], 9)]) for t in texts]
    block = sum(heights) + HEADER_HEIGHT                  # the rows and their 合计
    row = _header(ws, st, pager, row, f"五、{ind.code} {ind.name}：逐行计算（数据见“汇总数据”表格 {tbl.code}）",
                  ["行", "行内容", "行公式", "代入数值", "行值", "单位", "已填(1/0)", "填全(1/0)", "达标(1/0)",
                   "行规则（代入数值）"], keep=block)
    value_col, filled_col, complete_col, pass_col = 4, 6, 7, 8
    row = pager.place(row, block)
    first = row
    for i, t in enumerate(texts):
        rr = r.rows[i] if i < len(r.rows) else None
        cells = {c.code: ctx.table_cells[(tbl.code, i, c.code)] for c in tbl.columns}
        rename = dict(cells, row_value=sheet_ref(SHEET, row, value_col))
        ws.set_row(row, heights[i])
        ws.write_number(row, 0, i + 1, st.integer)
        ws.write_string(row, 1, t["content"], st.text)
        ws.write_string(row, 2, t["formula"], st.code_wrap)
        ws.write_string(row, 3, t["shown"], st.code_wrap)
        ctx.formula(ws, row, value_col, tl.value, st.number(ind.decimals),
                    rr.value if rr else None, rename)
        ws.write_string(row, 5, ind.result_unit, st.text_center)
        ctx.formula(ws, row, filled_col, tl.filled, st.integer, float(rr.filled) if rr else 0.0, rename)
        ctx.formula(ws, row, complete_col, tl.complete, st.integer, float(rr.complete) if rr else 0.0, rename)
        ctx.formula(ws, row, pass_col, tl.passed, st.integer, float(rr.passed) if rr else 0.0, rename)
        ws.write_string(row, 9, t["rule"], st.code_wrap)
        row += 1
    last = row - 1
    for part, col in (("filled", filled_col), ("complete", complete_col), ("value", value_col),
                      ("pass", pass_col)):
        ctx.define(tl.range_names[part], SHEET, first, col, last)
    ws.conditional_format(first, complete_col, last, complete_col, {
        "type": "formula", "criteria": f"=AND(${_col(filled_col)}{first + 1}=1,${_col(complete_col)}{first + 1}=0)",
        "format": st.cf_odd})
    ws.conditional_format(first, pass_col, last, pass_col, {
        "type": "formula", "criteria": f"=AND(${_col(filled_col)}{first + 1}=1,${_col(pass_col)}{first + 1}=0)",
        "format": st.cf_bad})
    # The aggregate (status and note use the helper ranges by name).
    ws.set_row(row, HEADER_HEIGHT)
    ws.write_string(row, 0, "合计", st.header)
    ws.write_string(row, 1, "已填行数 / 达标行数", st.text)
    for part, col in (("filled", filled_col), ("complete", complete_col), ("pass", pass_col)):
        name = tl.range_names[part]
        cached = sum(1.0 for x in r.rows if getattr(x, {"filled": "filled", "complete": "complete",
                                                         "pass": "passed"}[part]))
        ctx.formula(ws, row, col, parse(f"SUM({name})"), st.integer, cached)
    return row + 1


def _row_texts(ctx: Context, ind, tbl, rr) -> dict[str, str]:
    """What one row of a table indicator shows: its content, formula, numbers and rule."""
    text_cols = [c for c in tbl.columns if not c.numeric][:2]
    cells = rr.cells if rr else {}

    def row_values(name: str):
        if name in cells:
            return cells[name]
        return (rr.value if rr else None) if name == ROW_NAME else ctx.value(name)
    content = " / ".join(str(rr.cells.get(c.code)) for c in text_cols if rr and rr.cells.get(c.code) is not None)
    rule = substituted(ind.row_rule, row_values) if rr and rr.value is not None and ind.row_rule else ""
    return {"content": content, "formula": ind.row_formula.text if ind.row_formula else "",
            "shown": substituted(ind.row_formula, row_values) if rr and rr.filled else "", "rule": rule}


def _text(formula) -> str:
    return formula.text if formula is not None else ""


def _col(col: int) -> str:
    return xl_col_to_name(col)


__all__ = ["SHEET", "write"]
