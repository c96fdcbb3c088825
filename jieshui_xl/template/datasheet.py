"""The 数据填报 sheet: title, then the sections the unit must fill (indicator data, checklist,
contact), one page wide in landscape, protected without a password."""

from __future__ import annotations

import io
from dataclasses import replace

import xlsxwriter

from ..xlsx import Carry, keep_blocks_together
from .blocks import continued_title, write_block
from .layout import DATA_SHEET, DATA_WIDTHS, LAST, SECTION_NUMBERS, Context
from .sheet import FORM_MARGINS, WORKBOOK_OPTIONS, Names, Sheet, setup_print
from .styles import LINE_HEIGHT, Styles
from .tasks import write_checklist, write_contact
from .validation import ListSources


def workbook_title(ctx: Context) -> str:
    return f"{ctx.table.city}创建{ctx.table.title}{ctx.table.year}年度数据填报表"


def heading(ctx: Context, sh: Sheet, subtitle: str, last_col: int) -> None:
    """A sheet's first two rows: the workbook's title, then ``subtitle``."""
    r = sh.next_row()
    sh.text(r, 0, workbook_title(ctx), ctx.styles.title, last_col=last_col)
    sh.height(r, 30)
    sh.text(sh.next_row(), 0, subtitle, ctx.styles.subtitle, last_col=last_col)


def write_data_sheet(ctx: Context, wb) -> Sheet:
    """The sheet, written twice: a rehearsal in a scratch workbook lays out the pages (breaks between
    blocks; inside a block taller than a page, between rows, under its title repeated), then the
    sheet is written with those repeated titles in place."""
    scratch = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True, **WORKBOOK_OPTIONS})
    rehearsal = replace(ctx, styles=Styles(scratch), names=Names(), lists=ListSources(scratch))
    sh, starts = _write(rehearsal, scratch, ())
    carry = Carry(rows=sh.carried, height=2 * LINE_HEIGHT + 5)
    bounds = [*starts, sh.row]
    breaks = keep_blocks_together(sh.ws, DATA_WIDTHS, [sh.pieces(a, b) for a, b in zip(bounds, bounds[1:])],
                                  repeat_height=sh.rows_height(0, 2), margins=FORM_MARGINS, carry=carry)
    sh, _ = _write(ctx, wb, carry.at)
    sh.ws.set_h_pagebreaks(sh.moved(breaks))
    return sh


def _write(ctx: Context, wb, continue_at) -> tuple[Sheet, list[int]]:
    """The sheet, with the block titles repeated before rows ``continue_at``; the first row of each
    block a page break must not split."""
    sh = Sheet(wb, DATA_SHEET, DATA_WIDTHS, ctx.names, continue_at)
    st, table = ctx.styles, ctx.table
    deadline = f"　　填报截止：{ctx.param('deadline')}" if ctx.param("deadline") else ""
    heading(ctx, sh, f"填报单位：{ctx.unit}　　考核年度：{table.year}年{deadline}", LAST)
    starts: list[int] = []
    for n, (title, note, write) in enumerate(_sections(ctx)):
        r = sh.next_row(skip=1)
        starts.append(r)
        sh.text(r, 0, f"{SECTION_NUMBERS[n]}、{title}", st.section, last_col=LAST)
        sh.text(sh.next_row(), 0, note, st.plain, last_col=LAST)
        write(sh, starts)
    sh.ws.set_column(ctx.helper_col, ctx.helper_col + 2, 8, None, {"hidden": True})
    sh.finish()
    setup_print(sh, footer_left=ctx.unit, footer_right=f"{table.city}{table.year}年度", landscape=True,
                repeat=(0, 1))
    return sh, starts


def _sections(ctx: Context):
    plan = ctx.plan
    if plan.blocks:
        yield ("指标数据", "请在浅黄色单元格中填写本单位负责的数据，并注明数据来源。"
               + ("标有“自检”的指标随填写自动计算结果和状态，供核对。" if plan.has_selfcheck else ""),
               lambda sh, starts: _write_blocks(ctx, sh, starts))
    if plan.tasks:
        yield ("基础管理任务", "请逐项选择进展状态（下拉列表），填写佐证材料的文件名称及文号。",
               lambda sh, starts: write_checklist(ctx, sh))
    yield ("填报人信息", "请填写填报人、联系电话和填报日期，便于核实数据。",
           lambda sh, starts: write_contact(ctx, sh))


def _write_blocks(ctx: Context, sh: Sheet, starts: list[int]) -> None:
    for n, block in enumerate(ctx.plan.blocks):
        if n:                               # the first block stays with its section's title
            starts.append(sh.row)
        sh.carry = continued_title(ctx, block)
        write_block(ctx, sh, block)
        sh.carry = None
