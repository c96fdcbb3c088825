"""Indicator blocks of the 数据填报 sheet: header with the live self-check, description, one row
per item (asked once per workbook), the table of a table indicator, and the computed rows."""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from ..labels import INVALID, PASS, STATUS_LABELS
from ..spec import Indicator, Item, Table
from .layout import COL_CHECK, COL_HINT, COL_INPUT, COL_LABEL, COL_NO, COL_SOURCE, COL_STATUS, COL_UNIT, COL_VALUE, LAST, Context
from .plan import REFERENCE, Block, ItemRow
from .sheet import Sheet
from .validation import item_rule, prompt_only

PREFILL_MARK, PREV_PREFIX = "上年系统值", "prev_"
SOURCE_PROMPT = ("数据来源", "请注明数据来源，如统计年报、监测报告、台账或文件名称及文号。")
CHECK_OK, CHECK_BAD = "通过", "请核实"
TABLE_HELPERS = ("filled", "complete", "pass")     # hidden helper columns; "value" is shown


def write_block(ctx: Context, sh: Sheet, block: Block) -> None:
    _header(ctx, sh, block)
    _description(ctx, sh, block)
    if block.mode == REFERENCE:
        return
    if block.rows:
        _item_rows(ctx, sh, block.rows)
    if block.others:
        _note_row(ctx, sh, "其他单位填报的数据",
                  "；".join(f"{i.label}（{i.reporter}）" for i in block.others), ctx.styles.muted)
    if block.table is not None:
        _table(ctx, sh, block, block.table)
    if block.selfcheck:
        _computed_rows(ctx, sh, block.checked)


def continued_title(ctx: Context, block: Block):
    """What a page the block continues on starts with: its title, marked （续）."""
    ind = block.indicator
    label = "其他数据项（续）" if ind is None else f"指标{ind.seq}　{ind.name}（续）"

    def write(sh: Sheet, r: int) -> None:
        sh.text(r, COL_NO, "附" if ind is None else ind.seq, ctx.styles.block)
        sh.text(r, COL_LABEL, label, ctx.styles.block, last_col=LAST)
    return write


# -- header and description ---------------------------------------------------------------------------

def _header(ctx: Context, sh: Sheet, block: Block) -> None:
    st, ind, r = ctx.styles, block.indicator, sh.next_row(skip=1)
    if ind is None:
        sh.text(r, COL_NO, "附", st.block)
        sh.text(r, COL_LABEL, "其他数据项（不直接用于指标计算，仍请填写）", st.block, last_col=LAST)
        return
    sh.text(r, COL_NO, ind.seq, st.block)
    sh.text(r, COL_LABEL, f"指标{ind.seq}　{ind.name}（{ind.kind}）", st.block, last_col=COL_SOURCE)
    if not block.selfcheck:
        note = f"由{'、'.join(block.reporters)}填报" if block.mode == REFERENCE else f"汇总后由{ctx.office}计算"
        sh.text(r, COL_CHECK, note, st.block_note, last_col=LAST)
        return
    lg, sc = ctx.logic, ctx.selfcheck
    sh.text(r, COL_CHECK, f"自检\n{ind.result_unit}" if ind.result_unit else "自检", st.block_note)
    sh.formula(r, COL_VALUE, lg.formulas[ind.value_name].render(), st.calc_number(ind.decimals),
               sc.value(ind.value_name))
    sh.name(ind.value_name, r, COL_VALUE)
    sh.formula(r, COL_STATUS, lg.status[ind.code].render(), st.calc_status, sc.status(ind))
    sh.name(ind.status_name, r, COL_STATUS)
    _status_colours(ctx, sh, r, COL_STATUS)


def _description(ctx: Context, sh: Sheet, block: Block) -> None:
    ind = block.indicator
    if ind is None:
        return
    units = "；".join(part for part in (
        "牵头单位：" + "、".join(ind.leads) if ind.leads else "",
        "责任单位：" + "、".join(ind.responsible) if ind.responsible else "") if part)
    for label, text in (("指标释义", ind.definition), ("具体要求", ind.requirement), ("说明", ind.reader_remark),
                        ("分工", units)):
        if text:
            _note_row(ctx, sh, label, text, ctx.styles.text)
    if block.mode == REFERENCE:
        _note_row(ctx, sh, "填报", f"本指标数据由{'、'.join(block.reporters)}填报，汇总后由{ctx.office}计算；"
                             "此处仅供参考，本单位无需填写。", ctx.styles.muted)


def _note_row(ctx: Context, sh: Sheet, label: str, text: str, fmt) -> None:
    r = _label_cells(ctx, sh, label)
    sh.text(r, COL_UNIT, text, fmt, last_col=LAST)


def _label_cells(ctx: Context, sh: Sheet, label: str) -> int:
    r = sh.next_row()
    sh.blank(r, COL_NO, ctx.styles.label)
    sh.text(r, COL_LABEL, label, ctx.styles.key)
    return r


# -- items ----------------------------------------------------------------------------------------

def _item_rows(ctx: Context, sh: Sheet, rows: list[ItemRow]) -> None:
    st, r = ctx.styles, sh.next_row()
    for col, label in ((COL_NO, "序号"), (COL_LABEL, "数据项"), (COL_UNIT, "单位"), (COL_INPUT, "填报值"),
                       (COL_HINT, "填报说明")):
        sh.text(r, col, label, st.header)
    sh.text(r, COL_SOURCE, "数据来源", st.header, last_col=LAST)
    for row in rows:
        _item_row(ctx, sh, row)


def _item_row(ctx: Context, sh: Sheet, row: ItemRow) -> None:
    st, item, r = ctx.styles, row.item, sh.next_row()
    sh.text(r, COL_NO, row.number, st.center)
    sh.text(r, COL_LABEL, item.label if item.required else f"{item.label}（选填）", st.label)
    sh.text(r, COL_UNIT, item.unit, st.center)
    if row.asked_at is not None:
        sh.text(r, COL_INPUT, f"见{row.asked_at}", st.muted)
        sh.text(r, COL_HINT, f"已在上方第 {row.asked_at} 项填报，此处自动引用，无需重复填写。", st.muted, last_col=LAST)
        return
    prefill, hint = ctx.prefill.get(item.code), item.hint
    if prefill is None:
        sh.blank(r, COL_INPUT, st.input_for(item))
    else:   # last year's figure from the history store: still an input cell (editable)
        assert ctx.prev is not None, "prefilled figures come from last year's record"
        shown = st.input_rounded(ctx.table.indicator(item.prev_of).decimals)   # full precision kept
        sh.ws.write_number(r, COL_INPUT, prefill, shown)
        hint = f"{PREFILL_MARK}：已预填{ctx.prev.year}年系统记录值，如有不同可修改。{item.hint}"
    sh.name(item.code, r, COL_INPUT)
    cell = xl_rowcol_to_cell(r, COL_INPUT)
    sh.ws.data_validation(r, COL_INPUT, r, COL_INPUT, item_rule(item, cell, ctx.yesno_source()))
    sh.text(r, COL_HINT, hint, st.text)
    sh.blank(r, COL_SOURCE, st.input_text, last_col=LAST)
    sh.name(f"src_{item.code}", r, COL_SOURCE)
    sh.ws.data_validation(r, COL_SOURCE, r, LAST, prompt_only(*SOURCE_PROMPT))
    _prev_row(ctx, sh, item)


def _prev_row(ctx: Context, sh: Sheet, item: Item) -> None:
    """A read-only 上年值 cell named ``prev_<code>`` under an item the store has last year's value of."""
    prev = ctx.prev
    if prev is None or prev.record is None or prev.record.values.get(item.code) is None:
        return
    record = prev.record
    st, r = ctx.styles, sh.next_row()
    sh.blank(r, COL_NO, st.label)
    # A prefilled item is itself last year's figure: its own recorded value is the year before that.
    label = f"　{prev.year}年报送的本项（{prev.year - 1}年数值）" if item.prev_of else f"　上年值（{prev.year}年）"
    sh.text(r, COL_LABEL, label, st.muted)
    sh.text(r, COL_UNIT, item.unit, st.muted)
    sh.number(r, COL_INPUT, record.values[item.code], st.muted)
    sh.name(f"{PREV_PREFIX}{item.code}", r, COL_INPUT)
    sh.keep_whole(r - 1, r)                 # on the page of its item
    sh.text(r, COL_HINT, "历史数据库中上年采用的数值，仅供对照（不可修改）。", st.muted, last_col=LAST)


# -- the table of a table indicator ----------------------------------------------------------------

def _table(ctx: Context, sh: Sheet, block: Block, tbl: Table) -> None:
    st, ind = ctx.styles, block.checked if block.selfcheck else None   # ind: the self-check it feeds
    hints = "；".join(f"{c.label}：{c.hint}" for c in tbl.columns if c.hint)
    _note_row(ctx, sh, "填写方法", f"每行填写一项，最多 {tbl.rows} 行；一行要么全部填写，要么全部留空。{hints}", st.text)
    r = sh.next_row()
    value_col = len(tbl.columns) + 1
    sh.text(r, COL_NO, "行", st.header)
    for j, col in enumerate(tbl.columns, start=1):
        sh.text(r, j, f"{col.label}（{col.unit}）" if col.unit else col.label, st.header)
    if ind is not None:
        unit = f"（{ind.result_unit}）" if ind.result_unit else ""
        sh.text(r, value_col, f"自动计算{unit}", st.header)
    rows = [_table_row(ctx, sh, tbl, ind, n) for n in range(tbl.rows)]
    first, last = rows[0], rows[-1]
    sh.keep_whole(r, last)                  # header and rows (the ranges of its names) on one page
    for j, col in enumerate(tbl.columns, start=1):
        sh.name(col.code, first, j, last)
        top = xl_rowcol_to_cell(first, j)
        sh.ws.data_validation(first, j, last, j, item_rule(col, top, ctx.yesno_source()))
    if ind is not None:
        _table_names(ctx, sh, ind, first, last, value_col)


def _table_row(ctx: Context, sh: Sheet, tbl: Table, ind: Indicator | None, n: int) -> int:
    """Row ``n`` of the table: input cells, and the row's computed cells when ``ind`` self-checks."""
    st, r = ctx.styles, sh.next_row()
    sh.text(r, COL_NO, str(n + 1), st.center)
    for j, col in enumerate(tbl.columns, start=1):
        sh.blank(r, j, st.input_for(col))
    if ind is None:
        return r
    tl, cached = ctx.logic.tables[ind.code], ctx.selfcheck.rows(ind)[n]
    value_col = len(tbl.columns) + 1
    cells = {c.code: xl_rowcol_to_cell(r, j) for j, c in enumerate(tbl.columns, start=1)}
    cells["row_value"] = xl_rowcol_to_cell(r, value_col)
    sh.formula(r, value_col, tl.value.render(cells), st.calc_number(ind.decimals), cached["value"])
    for k, part in enumerate(TABLE_HELPERS):
        formula = {"filled": tl.filled, "complete": tl.complete, "pass": tl.passed}[part]
        sh.formula(r, ctx.helper_col + k, formula.render(cells), st.calc_number(None), cached[part])
    return r


def _table_names(ctx: Context, sh: Sheet, ind: Indicator, first: int, last: int, value_col: int) -> None:
    names = ctx.logic.tables[ind.code].range_names
    sh.name(names["value"], first, value_col, last)
    for k, part in enumerate(TABLE_HELPERS):
        sh.name(names[part], first, ctx.helper_col + k, last)
    helpers = {p: xl_rowcol_to_cell(first, ctx.helper_col + k, col_abs=True) for k, p in enumerate(TABLE_HELPERS)}
    for fmt, rule in ((ctx.styles.row_pass, f"={helpers['pass']}=1"),
                      (ctx.styles.row_fail, f"=AND({helpers['complete']}=1,{helpers['pass']}=0)")):
        sh.ws.conditional_format(first, value_col, last, value_col, {"type": "formula", "criteria": rule, "format": fmt})


# -- computed rows (self-check) --------------------------------------------------------------------

def _computed_rows(ctx: Context, sh: Sheet, ind: Indicator) -> None:
    lg = ctx.logic
    names = [n for n in ctx.selfcheck.computed_names(ind) if n not in ctx.names.refs]
    for name in sorted(names, key=lambda n: _describe(ctx, n)[4]):    # stable: checks last
        _computed_row(ctx, sh, name)
    note = lg.note[ind.code]
    if note.text != '""':
        r = _label_cells(ctx, sh, "自检说明")
        sh.formula(r, COL_UNIT, note.render(), ctx.styles.calc_text, ctx.selfcheck.note(ind), last_col=LAST)


def _computed_row(ctx: Context, sh: Sheet, name: str) -> None:
    st, sc, r = ctx.styles, ctx.selfcheck, sh.next_row()
    label, unit, explain, decimals, is_check = _describe(ctx, name)
    sh.blank(r, COL_NO, st.label)
    sh.text(r, COL_LABEL, label, st.label)
    sh.text(r, COL_UNIT, unit, st.center)
    sh.text(r, COL_HINT, explain, st.text, last_col=LAST)
    formula = ctx.logic.formulas[name].render()
    if not is_check:
        sh.formula(r, COL_INPUT, formula, st.calc_number(decimals), sc.value(name))
        sh.name(name, r, COL_INPUT)
        return
    ok = sc.value(name) is True
    sh.formula(r, ctx.helper_col, formula, st.calc_text, sc.value(name))
    sh.name(name, r, ctx.helper_col)
    sh.formula(r, COL_INPUT, f'IF({name},"{CHECK_OK}","{CHECK_BAD}")', st.calc_status, CHECK_OK if ok else CHECK_BAD)
    for text, fmt in ((CHECK_OK, st.status[STATUS_LABELS[PASS]]), (CHECK_BAD, st.status[STATUS_LABELS[INVALID]])):
        sh.ws.conditional_format(r, COL_INPUT, r, COL_INPUT,
                                 {"type": "cell", "criteria": "==", "value": f'"{text}"', "format": fmt})


def _describe(ctx: Context, name: str):
    """(label, unit, explanation, decimals, is_check) of a computed name."""
    table = ctx.table
    if name in table.calcs:
        calc = table.calcs[name]
        return f"计算：{calc.label}", calc.unit, calc.note, None, False
    for chk in table.checks:
        if chk.code == name:
            level = "（提示）" if chk.severity == "warning" else ""
            return f"数据核对{level}", "", chk.message, None, True
    for ind in table.indicators:
        if name == ind.target_name:
            return f"指标{ind.seq}达标目标值", ind.result_unit, ind.requirement, ind.decimals, False
        if name == ind.value_name:
            return f"指标{ind.seq}计算值", ind.result_unit, ind.name, ind.decimals, False
    return name, "", "", None, False


def _status_colours(ctx: Context, sh: Sheet, row: int, col: int) -> None:
    for label, fmt in ctx.styles.status.items():
        sh.ws.conditional_format(row, col, row, col,
                                 {"type": "cell", "criteria": "==", "value": f'"{label}"', "format": fmt})
