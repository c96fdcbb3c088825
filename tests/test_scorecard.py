"""The scorecard workbook, read back with openpyxl: layout, names, live formulas, cached values,
print setup, formats, and that department text can never turn into a formula."""

from __future__ import annotations

import datetime
import re

import openpyxl
import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES, make_collection
from helpers_template import named
from openpyxl.formula import Tokenizer

from jieshui_xl.data import CellValue, Submission, TaskAnswer
from jieshui_xl.findings import SEVERITY_LABELS
from jieshui_xl.formula import NAME_PATTERN, looks_like_cell_reference
from jieshui_xl.labels import STATUS_LABELS, VERDICTS
from jieshui_xl.logic import logic
from jieshui_xl.scorecard import SHEETS, score_sheet, write_scorecard
from jieshui_xl.scored import compute_round

EXPECTED_SHEETS = ["评分表", "评分说明", "基础管理", "汇总数据", "计算过程", "问题清单", "报送情况", "达标对比图", "历年趋势"]


def build(table, tmp_path, collection=None, name="评分表.xlsx"):
    collection = collection or make_collection(table, rows=SAMPLE_I15_ROWS)
    rnd = compute_round(table, collection)
    path = write_scorecard(rnd, tmp_path / "out" / name)
    return rnd.collection, rnd.result, path


def cell_of(wb, name):
    """(worksheet, cell) a defined name points at (a single cell)."""
    dests = list(wb.defined_names[name].destinations)
    assert len(dests) == 1, name
    return named(wb, name)


def range_of(wb, name):
    return named(wb, name)


def blank(v):
    return v is None or v == ""


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from jieshui_xl.spec import load_task_table
    table = load_task_table()
    collection, result, path = build(table, tmp_path_factory.mktemp("sc"))
    return table, collection, result, path, openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)


def test_sheets_in_order(sample):
    *_, wb, _ = sample
    assert wb.sheetnames == EXPECTED_SHEETS == SHEETS
    assert wb.active.title == "评分表"


def test_value_and_status_cells_are_the_logic_formulas(sample):
    table, *_, wb, _ = sample
    lg = logic(table)
    for ind in table.indicators:
        ws, cell = cell_of(wb, ind.value_name)
        assert ws.title == "评分表"
        assert cell.data_type == "f", ind.value_name
        assert cell.value == "=" + lg.formulas[ind.value_name].render()
        ws, cell = cell_of(wb, ind.status_name)
        assert ws.title == "评分表" and cell.data_type == "f"
        assert cell.value == "=" + lg.status[ind.code].render()
        # Same row: the indicator's own row carries its name and its note formula.
        row = [c.value for c in ws[cell.row]]
        assert ind.name in row
        assert "=" + lg.note[ind.code].render() in row


def test_every_item_parameter_and_computed_name_is_defined(sample):
    table, collection, *_, wb, _ = sample
    lg = logic(table)
    for code in table.items:
        ws, cell = cell_of(wb, code)
        assert ws.title == "汇总数据"
        expected = collection.value(code)
        assert (cell.value is None) if expected is None else cell.value == expected, code
        assert cell.data_type != "f"
    for code in table.parameter_names():
        ws, cell = cell_of(wb, code)
        assert ws.title == "计算过程" and cell.value == table.params[code]
    for name, formula in lg.formulas.items():
        ws, cell = cell_of(wb, name)
        assert cell.data_type == "f" and cell.value == "=" + formula.render(), name
        if not name.startswith("value_"):
            assert ws.title == "计算过程", name
    for tbl in table.tables.values():
        for col in tbl.columns:
            ws, cells = range_of(wb, col.code)
            assert ws.title == "汇总数据" and len(cells) == tbl.rows and len(cells[0]) == 1
    for tl in lg.tables.values():
        for name in tl.range_names.values():
            ws, cells = range_of(wb, name)
            assert ws.title == "计算过程" and len(cells) == tl.table.rows
            assert all(row[0].data_type == "f" for row in cells)


def test_every_name_used_by_a_formula_is_defined(sample):
    *_, wb, _ = sample
    defined = set(wb.defined_names.keys())
    used = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                for tok in Tokenizer(cell.value).items:
                    if tok.type == "OPERAND" and tok.subtype == "RANGE" and NAME_PATTERN.match(tok.value) \
                            and not looks_like_cell_reference(tok.value):
                        used.add(tok.value)
    assert used, "no names found: the tokenizer check is broken"
    assert used <= defined, sorted(used - defined)


def test_cached_values_equal_python(sample):
    table, collection, result, _, _, wbv = sample
    for r in result.indicators:
        ind = r.indicator
        _, value = cell_of(wbv, ind.value_name)
        if r.value is None:
            assert blank(value.value), ind.code
        else:
            assert value.value == pytest.approx(r.value, rel=1e-12), ind.code
        _, status = cell_of(wbv, ind.status_name)
        assert status.value == r.status_label
        note = [c.value for c in wbv["评分表"][value.row]][score_sheet.NOTE_COL]
        assert (note or "") == r.note, ind.code
        for code, v in r.calcs.items():
            _, cell = cell_of(wbv, code)
            assert (blank(cell.value) if v == "" else cell.value == pytest.approx(v)), code
        if ind.target is not None:
            _, cell = cell_of(wbv, ind.target_name)
            assert cell.value == pytest.approx(r.target)
        for row in r.rows:
            _, values = range_of(wbv, f"{ind.table}_rows_value")
            got = values[row.number - 1][0].value
            assert blank(got) if row.value is None else got == pytest.approx(row.value)
            _, passed = range_of(wbv, f"{ind.table}_rows_pass")
            assert passed[row.number - 1][0].value == float(row.passed)
    for code, ok in result.checks.items():
        _, cell = cell_of(wbv, code)
        assert cell.value is ok, code
    summary = [c.value for c in wbv["评分表"][2] if c.value]
    assert f"达标指标：{result.passed} / {len(result.indicators)} 项" in summary
    assert result.verdict in summary
    assert any(re.match(r"报送：13 / 13 个单位$", str(v)) for v in summary)


def test_i15_rows_are_live_formulas_over_the_data_block(sample):
    table, *_, wb, _ = sample
    ind = next(i for i in table.indicators if i.table)
    _, values = range_of(wb, f"{ind.table}_rows_value")
    formula = values[0][0].value
    assert formula.startswith("=IF(COUNTA('汇总数据'!")
    _, first_col = range_of(wb, table.tables[ind.table].columns[0].code)
    assert f"'汇总数据'!${first_col[0][0].column_letter}${first_col[0][0].row}" in formula
    assert "row_value" not in formula and "product_" not in formula


def test_print_setup(sample):
    *_, wb, _ = sample
    ws = wb["评分表"]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth defaults to 1 in OOXML (xlsxwriter omits the attribute then): the leader's page is one
    # page wide and one page tall (headline, every indicator, signatures).
    assert (ws.page_setup.fitToWidth or 1) == 1 and (ws.page_setup.fitToHeight or 1) == 1
    assert ws.print_title_rows == "$1:$3"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    # The date is written by the program (2026-12-01), never left to the printer's locale (&D).
    assert ws.oddFooter.right.text == f"生成日期：{datetime.date.today().isoformat()}"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("填表人") for t in texts) and any(t.startswith("审核人") for t in texts)
    assert any(t.startswith("日期") for t in texts)
    assert ws.cell(1, 1).value.startswith("黔江区") and "2023" in ws.cell(1, 1).value
    for name in EXPECTED_SHEETS:
        assert wb[name].page_setup.orientation == "landscape" and str(wb[name].page_setup.paperSize) == "9"


def test_conditional_formats(sample):
    table, *_, wb, _ = sample
    ws = wb["评分表"]
    rules = [(str(rng.sqref), rule) for rng in ws.conditional_formatting for rule in rng.rules]
    cell_values = {f for _, r in rules if r.type == "cellIs" for f in r.formula}
    for label in STATUS_LABELS.values():
        assert f'"{label}"' in cell_values
    veto_rows = [_row_of(wb, ind.status_name) for ind in table.indicators if ind.is_veto]
    assert veto_rows
    for row in veto_rows:
        assert any(r.type == "expression" and sq == f"A{row}:M{row}" for sq, r in rules), row
    assert f'"{VERDICTS[False]}"' in cell_values
    findings_rules = [r for rng in wb["问题清单"].conditional_formatting for r in rng.rules]
    assert {f'"{SEVERITY_LABELS["error"]}"', f'"{SEVERITY_LABELS["warning"]}"'} <= \
        {f for r in findings_rules for f in r.formula}
    assert list(wb["基础管理"].conditional_formatting)


def _row_of(wb, name):
    return cell_of(wb, name)[1].row


def test_department_text_stays_text(table, tmp_path):
    tricky = ["=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)", "+1+2"]
    c = make_collection(table, rows=[dict(SAMPLE_I15_ROWS[0], product_name=tricky[0]), SAMPLE_I15_ROWS[1]])
    code = "permeable_area_km2"
    c.values[code] = CellValue(10.5, table.items[code].reporter, tricky[1] + ".xlsx", "数据", "D5",
                               raw=tricky[2], source=tricky[0])
    unit = table.items[code].reporter
    c.contacts[unit] = {"name": tricky[1], "phone": tricky[3], "date": "2024-01-05"}
    task = table.checklist[0]
    c.tasks[(task.seq, task.reporters[0])] = TaskAnswer(task.seq, task.reporters[0], "已完成", evidence=tricky[1],
                                                        note=tricky[0], file="a.xlsx", cell="C5")
    c.report.add("value-not-number", unit=unit, field="builtup_area_km2", value=tricky[0], label="城市建成区总面积",
                 item_unit="km²")
    _, _, path = build(table, tmp_path, c)
    wb = openpyxl.load_workbook(path)
    seen = {t: [] for t in tricky}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                for t in tricky:
                    if isinstance(cell.value, str) and t in cell.value:
                        seen[t].append((ws.title, cell.coordinate, cell.data_type))
    for t, cells in seen.items():
        assert cells, f"{t!r} not written anywhere"
        assert all(dt == "s" for *_, dt in cells), cells
    _, cell = cell_of(wb, "permeable_area_km2")
    row = [c.value for c in cell.parent[cell.row]]
    assert tricky[0] in row                       # 数据来源
    assert any(tricky[1] in str(v) for v in row)  # contact and file
    assert f"原填：{tricky[2]}" in row
    _, cell = cell_of(wb, "builtup_area_km2")
    assert any(str(v).endswith(f"：{tricky[0]}") for v in [c.value for c in cell.parent[cell.row]] if v)


def test_findings_sheet(table, tmp_path):
    c = make_collection(table, rows=SAMPLE_I15_ROWS)
    c.report.add("value-not-number", unit="区水利局", file="水利.xlsx", sheet="数据", cell="D12",
                 field="wells_total_count", value="约12", label="自备井总数", item_unit="眼")
    c.values.pop("wells_total_count")
    c.report.add("file-skipped", file="~$x.xlsx")
    collection, result, path = build(table, tmp_path, c)
    findings = list(collection.report) + list(result.report)
    assert len(findings) >= 3
    ws = openpyxl.load_workbook(path)["问题清单"]
    header = [c.value for c in ws[2]]
    assert header == ["序号", "严重程度", "代码", "单位", "文件", "工作表", "单元格", "字段", "填报值", "说明"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3) if r[0].value is not None]
    assert len(rows) == len(findings)
    for f, row in zip(findings, rows):
        assert row[1:] == [SEVERITY_LABELS[f.severity], f.code, f.unit, f.file, f.sheet, f.cell, f.field, f.value,
                           f.message]
    assert ws.auto_filter.ref == f"A2:J{len(findings) + 2}"
    assert ws.freeze_panes == "A3"
    assert rows[0][2:10] == ["value-not-number", "区水利局", "水利.xlsx", "数据", "D12", "wells_total_count", "约12",
                             findings[0].message]
    wbv = openpyxl.load_workbook(path, data_only=True)
    assert cell_of(wbv, "status_I02")[1].value == STATUS_LABELS["missing"]


def test_missing_unit(table, tmp_path):
    absent = "区财政局"
    values = {k: v for k, v in SAMPLE_VALUES.items() if table.items[k].reporter != absent}
    units = [u for u in table.reporting_units() if u != absent]
    c = make_collection(table, values=values, rows=SAMPLE_I15_ROWS, units=units)
    _, result, path = build(table, tmp_path, c)
    wb = openpyxl.load_workbook(path, data_only=True)
    affected = [ind for ind in table.indicators if any(table.items[i].reporter == absent
                                                       for i in table.indicator_items(ind))]
    assert affected
    for ind in affected:
        assert cell_of(wb, ind.status_name)[1].value == STATUS_LABELS["missing"]
        assert blank(cell_of(wb, ind.value_name)[1].value)
        assert result.by_code(ind.code).status == "missing"
    ws = wb["报送情况"]
    n = len(table.reporting_units())
    first_section = []
    for r in ws.iter_rows(min_row=4):
        if str(r[0].value or "").startswith("二、"):
            break
        first_section.append(r)
    rows = {r[1].value: r[2].value for r in first_section if r[1].value in table.reporting_units()}
    assert list(rows) == table.reporting_units()
    assert rows[absent] == "未报送"
    assert all(rows[u] == "已报送" for u in units)
    summary = [c.value for c in wb["评分表"][2] if c.value]
    assert f"报送：{n - 1} / {n} 个单位（未报送 1）" in summary
    assert any(ws_row[0].value == absent for ws_row in wb["问题清单"].iter_rows(min_col=4, max_col=4))


def test_veto_failure_is_unmistakable(table, tmp_path):
    c = make_collection(table, values=dict(SAMPLE_VALUES, wells_closed_count=10), rows=SAMPLE_I15_ROWS)
    _, result, path = build(table, tmp_path, c)
    assert not result.veto_ok
    wb = openpyxl.load_workbook(path, data_only=True)
    assert cell_of(wb, "status_I02")[1].value == STATUS_LABELS["fail"]
    assert VERDICTS[False] in [c.value for c in wb["评分表"][2]]
    ws, cell = cell_of(wb, "status_I02")
    assert ws.cell(cell.row, 4).value == table.indicator("I02").type_label == "底线"
    assert ws.cell(cell.row, 4).font.b


def test_tasks_and_submissions_sheets(table, tmp_path):
    task = next(t for t in table.checklist if len(t.reporters) > 1)
    done, other = task.reporters[0], task.reporters[1]
    answers = [TaskAnswer(task.seq, done, "已完成", evidence="黔江府办发〔2023〕5号", file="a.xlsx", cell="C5")]
    c = make_collection(table, rows=SAMPLE_I15_ROWS, tasks=answers)
    c.submissions.append(Submission(file="旧版/水利.xlsx", unit="区水利局", status="superseded",
                                    reason="已有更新的版本"))
    collection, result, path = build(table, tmp_path, c)
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["基础管理"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    row = next(r for r in values if r[3] == done and r[5] == "黔江府办发〔2023〕5号")
    assert row[4] == "已完成"
    tr = next(t for t in result.tasks if t.task.seq == task.seq)
    assert tr.status != "已完成" and other in tr.unanswered
    assert any(r[1] == task.title and r[2] == tr.status for r in values)
    assert any(r[3] == other and "未" in str(r[4]) for r in values)
    subs = [[c.value for c in r] for r in wb["报送情况"].iter_rows()]
    assert any(r[3] == "旧版/水利.xlsx" and r[2] == "被替代（未采用）" and r[7] == "已有更新的版本" for r in subs)


def test_chart_and_properties(sample):
    table, _, result, path, wb, _ = sample
    import zipfile
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert any(n.startswith("xl/charts/chart") for n in names)
        core = z.read("docProps/core.xml").decode("utf-8")
    assert table.city in core and "评分表" in core
    assert wb.properties.title.startswith(table.city)


def test_write_is_atomic_and_creates_folders(table, tmp_path):
    _, _, path = build(table, tmp_path / "a" / "b")
    assert path.exists() and path.parent == tmp_path / "a" / "b" / "out"
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_rejected_table_value_and_invalid_row(table, tmp_path):
    rows = SAMPLE_I15_ROWS + [dict(product_industry="化学原料", product_output=10.0)]
    c = make_collection(table, rows=rows)
    c.report.add("value-not-number", unit="区经济信息委", field="product_water_m3", value="很多", cell="F22",
                 label="年生产用水总量", item_unit="m³")
    _, result, path = build(table, tmp_path, c)
    assert result.by_code("I15").status == "invalid"
    wb = openpyxl.load_workbook(path, data_only=True)
    assert cell_of(wb, "status_I15")[1].value == STATUS_LABELS["invalid"]
    texts = [c.value for r in wb["汇总数据"].iter_rows() for c in r if isinstance(c.value, str)]
    assert any("很多" in t for t in texts)
    _, complete = range_of(wb, "I15_rows_complete")
    assert [r[0].value for r in complete[:4]] == [1, 1, 0, 0]
