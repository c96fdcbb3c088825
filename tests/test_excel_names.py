"""Names Excel reserves are refused at load, and no XlsxWriter failure passes silently: a workbook
whose formulas would show #NAME? is never written."""

from __future__ import annotations

import pytest
from conftest import make_collection
from table_builder import TableBuilder

from jieshui_xl.findings import JieshuiError, TaskTableError
from jieshui_xl.scorecard import write_scorecard
from jieshui_xl.scored import compute_round
from jieshui_xl.spec import excel_accepts_name, load_task_table
from jieshui_xl.spec import names as spec_names
from jieshui_xl.template import validation, write_templates
from jieshui_xl.xlsx import Workbook

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")   # XlsxWriter says why it refuses

RESERVED = ["r", "c", "R", "C", "ab12", "XFD1", "R1C1", "R12", "C3", "rc", "TRUE", "false", "1abc"]


@pytest.mark.parametrize("name", RESERVED)
def test_reserved_names_are_not_accepted(name):
    assert not excel_accepts_name(name)


@pytest.mark.parametrize("name", ["rate", "national_gdp_intensity", "XFDA1", "R1C1_x", "true_count", "c_3"])
def test_ordinary_names_are_accepted(name):
    assert excel_accepts_name(name)


def _table_with_parameters(tmp_path, codes):
    tb = TableBuilder()
    rows = [tb.append("参数", 代码=code, 名称="测试参数", 值=1.5) for code in codes]
    return tb.save(tmp_path / "reserved.xlsx"), rows


def test_task_table_with_reserved_codes_is_refused_with_sheet_and_cell(tmp_path):
    codes = ["r", "C", "R1C1", "ab12", "TRUE"]
    path, rows = _table_with_parameters(tmp_path, codes)
    with pytest.raises(TaskTableError) as caught:
        load_task_table(path)
    bad = [f for f in caught.value.report if f.code == "table-bad-code"]
    assert [(f.sheet, f.cell, f.value) for f in bad] == [("参数", f"A{r}", c) for r, c in zip(rows, codes)]
    assert all("“参数”" in f.message and f.cell in f.message and "Excel" in f.message for f in bad)


def test_reserved_item_code_is_refused(tmp_path):
    tb = TableBuilder()
    cell = tb.set("数据项", row_where_code="builtup_area_km2", column="代码", value="R1C1")
    with pytest.raises(TaskTableError) as caught:
        load_task_table(tb.save(tmp_path / "item.xlsx"))
    assert ("table-bad-code", "数据项", cell) in {(f.code, f.sheet, f.cell) for f in caught.value.report}


def test_define_name_refused_by_xlsxwriter_raises(tmp_path):
    wb = Workbook(str(tmp_path / "x.xlsx"))
    wb.add_worksheet("表")
    with pytest.raises(JieshuiError, match="R1C1"):
        wb.define_name("R1C1", "='表'!$A$1")


def test_cell_refused_by_xlsxwriter_raises_naming_sheet_and_cell(tmp_path):
    wb = Workbook(str(tmp_path / "x.xlsx"))
    ws = wb.add_worksheet("数据")
    with pytest.raises(JieshuiError, match="“数据”A2000000"):
        ws.write_string(1999999, 0, "x")
    with pytest.raises(JieshuiError, match="data_validation"):
        ws.data_validation(0, 0, 0, 0, {"validate": "any", "input_message": "长" * 300})


def test_scorecard_with_a_name_excel_refuses_is_not_written(tmp_path, monkeypatch):
    """Forced: the load check let through, XlsxWriter refuses the parameter name ``r``."""
    path, _ = _table_with_parameters(tmp_path, ["r"])
    monkeypatch.setattr(spec_names, "excel_accepts_name", lambda name: True)
    table = load_task_table(path)
    assert "r" in table.parameter_names()
    collection = make_collection(table)
    target = tmp_path / "out" / "评分表.xlsx"
    with pytest.raises(JieshuiError, match="“r”"):
        write_scorecard(compute_round(table, collection), target)
    assert not target.exists() and not list((tmp_path / "out").glob("*.xlsx"))


def test_template_with_a_refused_validation_is_not_written(table, tmp_path, monkeypatch):
    """Forced: an input message over Excel's 255 characters (clipping disabled) is refused."""
    monkeypatch.setattr(validation, "clip", lambda text, limit: text + "很长" * 200)
    with pytest.raises(JieshuiError, match="data_validation"):
        write_templates(table, tmp_path / "t")
    assert not list((tmp_path / "t").glob("*.xlsx"))
