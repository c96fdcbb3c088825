"""The scorecard prints as a reviewer reads it: wrapped text has the height it needs, a merged 目标
cell is never split by a page break, every page of a multi-section sheet starts with its section's
column header, and the footer carries the generation date written by the program."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from conftest import SAMPLE_I15_ROWS, make_collection

from jieshui_xl.scorecard import calc_sheet, submissions_sheet, write_scorecard
from jieshui_xl.scorecard.styles import NOTE_SIZE, row_height
from jieshui_xl.scored import compute_round
from jieshui_xl.spec import load_task_table
from jieshui_xl.xlsx import Pager, keep_blocks_together


@pytest.fixture(scope="module")
def wb(tmp_path_factory):
    table = load_task_table()
    collection = make_collection(table, rows=SAMPLE_I15_ROWS)
    path = write_scorecard(compute_round(table, collection), tmp_path_factory.mktemp("p") / "s.xlsx")
    return openpyxl.load_workbook(path)


def merged_cells(ws) -> set[tuple[int, int]]:
    return {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
            for c in range(m.min_col, m.max_col + 1)}


def short_rows(ws, widths) -> list[str]:
    """Cells of wrapped text (not merged) whose row is lower than the text needs."""
    merged, short = merged_cells(ws), []
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if not isinstance(cell.value, str) or cell.value.startswith("=") or (cell.row, cell.column) in merged:
                continue
            if not cell.alignment.wrap_text or cell.column > len(widths) or ws.column_dimensions[
                    cell.column_letter].hidden:
                continue          # a hidden column (codes, raw formulas) is not printed: no height owed to it
            small = cell.font.sz == NOTE_SIZE and cell.font.name != "Consolas"
            need = row_height([(cell.value, widths[cell.column - 1])], minimum=0, small=small)
            height = ws.row_dimensions[cell.row].height or 15
            if height < need - 0.75:            # Excel stores heights in whole pixels
                short.append(f"{cell.coordinate} {height} < {need}: {cell.value[:30]}")
    return short


def test_wrapped_text_has_the_height_it_needs(wb):
    assert short_rows(wb["计算过程"], calc_sheet.WIDTHS) == []
    assert short_rows(wb["报送情况"], [w for _, w in submissions_sheet.UNIT_COLUMNS]) == []


def test_i15_rows_of_the_calc_sheet_fit_their_unit_and_rule(wb):
    ws = wb["计算过程"]
    rows = [c.row for c in ws["A"] if c.value == 1 and ws.cell(c.row, 3).value == "product_water_m3/product_output"]
    assert rows, "the I15 rows are there"
    for r in range(rows[0], rows[0] + 10):
        assert (ws.row_dimensions[r].height or 15) >= 2 * 13.5, r     # 单位 m³/产品计量单位 takes two lines


def breaks(ws) -> list[int]:
    """1-based rows that start a new page (manual breaks)."""
    return [b.id + 1 for b in ws.row_breaks.brk]


def test_the_leaders_page_is_one_page_with_the_signatures(wb):
    """评分表 prints on one page (headline, all indicators, signatures): no break splits a 目标 block."""
    ws = wb["评分表"]
    goals = [m for m in ws.merged_cells.ranges if m.min_col == m.max_col == 2 and m.max_row > m.min_row]
    assert goals and not breaks(ws)
    assert ws.print_title_rows == "$1:$3"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToHeight or 1) == 1
    area_last = int(ws.print_area[0].split("$")[-1]) if isinstance(ws.print_area, list) else int(ws.print_area.split("$")[-1])
    signed = [c.row for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("填表人")]
    assert signed and signed[0] <= area_last


@pytest.mark.parametrize("sheet", ["计算过程", "报送情况"])
def test_every_page_starts_with_its_section_header(wb, sheet):
    ws = wb[sheet]
    header_fill = ws.cell(3, 1).fill.fgColor.rgb if sheet == "报送情况" else None
    pages = breaks(ws)
    assert ws.print_title_rows == "$1:$1"
    if sheet == "计算过程":
        assert pages, "the calc sheet takes several pages"
    heads = {}                                  # 1-based row of each column header -> its texts
    for row in ws.iter_rows():
        texts = tuple(c.value for c in row)
        if row[0].font.b and row[0].alignment.horizontal == "center" and row[0].value in ("代码", "行", "序号"):
            heads[row[0].row] = texts
    for b in pages:
        if b + 1 in heads:                      # the page opens a new section: its title, then its header
            continue
        assert b in heads, (sheet, b)
        earlier = max(r for r in heads if r < b)    # the header the section began with
        assert heads[b] == heads[earlier]
    assert header_fill is None or header_fill.endswith("D9E1F2")


def test_footer_date_is_written_by_the_program(wb):
    today = datetime.date.today().isoformat()
    for ws in wb.worksheets:
        assert ws.oddFooter.right.text == f"生成日期：{today}", ws.title
        assert "&D" not in (ws.oddFooter.right.text or "")


def test_pager_repeats_the_header_and_keeps_blocks_whole():
    class Sheet:                                 # records what a Pager does to a worksheet
        breaks: list = []

        def set_h_pagebreaks(self, rows):
            self.breaks = list(rows)

    ws, written = Sheet(), []
    pager = Pager(ws, [100], top=0)
    pager.heading = (written.append, 20)
    row, rows = 0, []
    for _ in range(8):          # blocks of a third of a page: three on the first, two under each header
        row = pager.place(row, pager.capacity / 3)
        rows.append(row)
        row += 1
    assert ws.breaks == [3, 6, 9] and written == ws.breaks      # the header written where each page starts
    assert rows == [0, 1, 2, 4, 5, 7, 8, 10]
    blocks = [[(0, 100.0)], [(3, pager.capacity - 50)], [(9, 60.0)]]
    assert keep_blocks_together(Sheet(), [100], blocks, repeat_height=0) == [3, 9]


def test_form_pages_break_only_before_a_block_or_section(tmp_path):
    """A collection form breaks its pages between indicator blocks and sections, never inside one that
    fits on a page: the first row after a break is a block's title (指标N …) or a section's (二、…).
    A block or list taller than a page continues on the next under its title marked （续）, or its
    column header, written on the row after the break."""
    from jieshui_xl import write_templates

    table = load_task_table()
    broken, continued = 0, set()
    for path in write_templates(table, tmp_path / "forms"):
        ws = openpyxl.load_workbook(path)["数据填报"]
        broken += len(ws.row_breaks.brk)
        for brk in ws.row_breaks.brk:
            first = [str(ws.cell(brk.id + 1, c).value or "") for c in (1, 2)]
            texts = [str(ws.cell(r, c).value or "") for r in range(brk.id + 1, brk.id + 4) for c in (1, 2)]
            if first[1].endswith("（续）") or first[:2] == ["序号", "任务名称"]:
                continued.add((path.name.split("_")[2], first[1]))
                continue
            assert any(t.startswith("指标") or t[:2] in ("一、", "二、", "三、", "四、") for t in texts), \
                (path.name, brk.id, texts)
    assert broken, "the longer forms take several pages"
    assert ("区城市管理局", "指标3　城市公共供水管网漏损率（续）") in continued        # the R1–R4 corrections
    assert ("区城市管理局", "任务名称") in continued                                  # its eight tasks
