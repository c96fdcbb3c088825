"""One test a cross-check and a kind of cell of the task-table loader (jieshui_xl.spec), each on
the small literal table of tests/table_builder.py with one edit: the finding, its sheet and cell."""

from __future__ import annotations

import pytest
from table_builder import SMALL_TABLE, TableBuilder, literal_table

from jieshui_xl.findings import TaskTableError
from jieshui_xl.spec import load_task_table
from jieshui_xl.spec.checks import CHECKS
from jieshui_xl.spec.sheets import SHEETS


@pytest.fixture
def tb(tmp_path) -> TableBuilder:
    """The small table, to edit with TableBuilder (set/append return the row or cell edited)."""
    return TableBuilder(literal_table(tmp_path / "small.xlsx", SMALL_TABLE))


def findings(tb: TableBuilder, tmp_path) -> list[tuple]:
    with pytest.raises(TaskTableError) as caught:
        load_task_table(tb.save(tmp_path / "edited.xlsx"))
    return [(f.code, f.sheet, f.cell, f.value) for f in caught.value.report]


def test_the_small_table_loads(tb, tmp_path):
    table = load_task_table(tb.save(tmp_path / "edited.xlsx"))
    assert [i.code for i in table.indicators] == ["A01", "A02"] and table.notices == []


# -- the cross-checks, in the order CHECKS runs them ------------------------------------------------

def test_checks_run_in_order():
    assert [c.__name__ for c in CHECKS] == ["indicator_formulas", "calc_formulas", "check_rules",
                                            "task_indicators", "choice_lists", "no_cycles", "evidence_rows"]


def test_indicator_formula_naming_an_unknown_name(tb, tmp_path):
    cell = tb.set("指标", row_where_code="A01", column="计算公式", value="green_km2/totl_km2*100")
    assert findings(tb, tmp_path) == [("table-unknown-name", "指标", cell, "totl_km2")]


def test_indicator_table_missing_from_the_columns_sheet(tb, tmp_path):
    cell = tb.set("指标", row_where_code="A02", column="表格", value="T9")
    assert findings(tb, tmp_path) == [("table-bad-value", "指标", cell, "T9")]


def test_row_formulas_may_use_their_table_columns_and_row_value(tb, tmp_path):
    for code in ("pipe_len", "pipe_old"):
        tb.append("表格列", 表格="T1", 行数=5, 代码=code, 列名=code, 类型="小数", 填报单位="乙局")
    tb.set("指标", row_where_code="A02", column="表格", value="T1")
    tb.set("指标", row_where_code="A02", column="计算公式", value=None)
    tb.set("指标", row_where_code="A02", column="达标规则", value=None)
    tb.set("指标", row_where_code="A02", column="行公式", value="pipe_old/pipe_len")
    tb.set("指标", row_where_code="A02", column="行规则", value="row_value<=0.5")
    table = load_task_table(tb.save(tmp_path / "ok.xlsx"))
    assert table.tables["T1"].rows == 5 and [c.code for c in table.tables["T1"].columns] == ["pipe_len", "pipe_old"]
    cell = tb.set("指标", row_where_code="A02", column="行规则", value="row_value<=pipe_new")
    assert findings(tb, tmp_path) == [("table-unknown-name", "指标", cell, "pipe_new")]


def test_calc_naming_an_unknown_indicator_and_name(tb, tmp_path):
    r = tb.append("计算项", 代码="A01_share", 名称="比例", 所属指标="A09", 公式="green_km2/area_km2")
    assert findings(tb, tmp_path) == [("table-unknown-name", "计算项", f"E{r}", "area_km2"),
                                      ("table-bad-value", "计算项", f"C{r}", "A09")]


def test_check_rule_naming_an_unknown_name(tb, tmp_path):
    cell = tb.set("一致性检查", row_where_code="chk_leak_le_supply", column="规则", value="leak_wm3<=supply")
    assert findings(tb, tmp_path) == [("table-unknown-name", "一致性检查", cell, "supply")]


def test_task_linked_to_an_unknown_indicator(tb, tmp_path):
    cell = tb.set("任务", row_where={"序号": 2}, column="关联指标", value="A09")
    assert findings(tb, tmp_path) == [("table-bad-value", "任务", cell, "A09")]


def test_choices_without_the_task_status_list(tb, tmp_path):
    for r in range(4, 7):
        tb.set("选项", row=r, column="列表", value="其他")
    assert findings(tb, tmp_path) == [("table-missing-value", "选项", None, None)]


def test_calcs_in_a_cycle(tb, tmp_path):
    r1 = tb.append("计算项", 代码="A01_x", 公式="A01_y+1")
    r2 = tb.append("计算项", 代码="A01_y", 公式="A01_x+1")
    with pytest.raises(TaskTableError) as caught:
        load_task_table(tb.save(tmp_path / "cycle.xlsx"))
    (f,) = caught.value.report
    assert (f.code, f.sheet, f.cell) == ("table-cycle", "计算项", f"E{r2}")
    assert f"A01_x（“计算项”E{r1}） → A01_y（“计算项”E{r2}） → A01_x" in f.message


# -- the kinds of cell --------------------------------------------------------------------------

def test_unknown_unit_among_lead_units(tb, tmp_path):
    cell = tb.set("任务", row_where={"序号": 1}, column="牵头单位", value="甲局、丙局")
    assert findings(tb, tmp_path) == [("table-unknown-unit", "任务", cell, "丙局")]


def test_duplicate_code_across_sheets_names_the_first(tb, tmp_path):
    r = tb.append("计算项", 代码="green_km2", 公式="total_km2*0.4")
    with pytest.raises(TaskTableError) as caught:
        load_task_table(tb.save(tmp_path / "dup.xlsx"))
    (f,) = caught.value.report
    assert (f.code, f.sheet, f.cell) == ("table-duplicate-code", "计算项", f"A{r}") and "“数据项”A2" in f.message


def test_duplicate_unit_name(tb, tmp_path):
    r = tb.append("单位", 单位名称="甲局", 简称代码="jia2")
    assert findings(tb, tmp_path) == [("table-duplicate-code", "单位", f"A{r}", "甲局")]


def test_bad_numbers_and_words(tb, tmp_path):
    expected = [
        ("table-bad-value", "数据项", tb.set("数据项", row_where_code="green_km2", column="下限类型", value="<"), "<"),
        ("table-bad-value", "数据项", tb.set("数据项", row_where_code="total_km2", column="上限", value="很大"), "很大"),
        ("table-bad-value", "指标", tb.set("指标", row_where_code="A01", column="小数位", value=1.5), "1.5"),
        ("table-bad-value", "一致性检查",
         tb.set("一致性检查", row_where_code="chk_leak_le_supply", column="严重程度", value="致命"), "致命"),
    ]
    assert findings(tb, tmp_path) == expected


def test_parameter_missing_for_the_year_is_reported_once(tb, tmp_path):
    tb.append("参数", 代码="rate_pct", 名称="比率", 适用年度=2025, 值=40)
    tb.set("指标", row_where_code="A01", column="目标值", value="rate_pct")
    assert findings(tb, tmp_path) == [("table-missing-parameter", "参数", None, "rate_pct")]
    table = load_task_table(tmp_path / "edited.xlsx", year=2026)       # the latest earlier year, said
    assert table.params["rate_pct"] == 40 and "2025年" in table.notices[0]


# -- the declaration ------------------------------------------------------------------------------

def test_missing_sheets_and_columns_in_declaration_order(tb, tmp_path):
    """Sheets in SHEETS order, columns in header order; an indicator without a rule is still named."""
    tb.delete_column("指标", "达标规则")
    tb.delete_column("指标", "牵头单位")
    tb.delete_sheet("选项")
    with pytest.raises(TaskTableError) as caught:
        load_task_table(tb.save(tmp_path / "edited.xlsx"))
    assert [(f.code, f.sheet, f.cell, f.field) for f in caught.value.report] == [
        ("table-missing-column", "指标", None, "牵头单位"), ("table-missing-column", "指标", None, "达标规则"),
        ("table-missing-sheet", "选项", None, None),
        ("table-missing-value", "指标", "第2行", "达标规则"), ("table-missing-value", "指标", "第3行", "达标规则")]


def test_the_bundled_table_has_every_declared_column():
    tb = TableBuilder()
    for sheet in SHEETS:
        assert set(tb.header(sheet.title)) >= {f.header for f in sheet.fields if f.required}, sheet.title


# -- 佐证材料 (evidence) ----------------------------------------------------------------------------

def test_evidence_rows_default_to_the_lead_units(tb, tmp_path):
    table = load_task_table(tb.save(tmp_path / "ok.xlsx"))
    by_code = {e.code: e for e in table.evidence}
    assert by_code["ev_A02_1"].providers == ("乙局",) and by_code["ev_t1_1"].providers == ("甲局",)
    assert by_code["ev_A01_2"].required is False and table.subject(by_code["ev_A02_1"]).label == "指标2"
    assert [e.code for e in table.evidence_of("甲局")] == ["ev_A01_1", "ev_A01_2", "ev_t1_1"]


def test_evidence_row_needs_one_known_subject_and_a_known_volume(tb, tmp_path):
    both = tb.set("佐证材料", row_where_code="ev_A01_1", column="关联任务", value=1)
    unknown = tb.set("佐证材料", row_where_code="ev_A01_2", column="关联指标", value="A09")
    volume = tb.set("佐证材料", row_where_code="ev_A02_1", column="卷册", value="第九卷")
    task = tb.set("佐证材料", row_where_code="ev_t1_1", column="关联任务", value=7)
    assert findings(tb, tmp_path) == [
        ("table-bad-value", "佐证材料", both.replace("D", "C"), "A01"),
        ("table-bad-value", "佐证材料", unknown, "A09"),
        ("table-bad-value", "佐证材料", volume, "第九卷"),
        ("table-bad-value", "佐证材料", task, "7"),
    ]


def test_two_subjects_of_one_number_in_one_volume(tb, tmp_path):
    tb.set("佐证材料", row_where_code="ev_t1_1", column="卷册", value="技术考核指标")
    clash = tb.row_of("佐证材料", {"代码": "ev_t1_1"})
    assert findings(tb, tmp_path) == [("table-bad-value", "佐证材料", f"D{clash}", "任务1（编制节水规划）")]


def test_self_assessment_volume_must_be_a_volume(tb, tmp_path):
    cell = tb.set("参数", row_where_code="self_assessment_volume", column="值", value="封面")
    assert findings(tb, tmp_path) == [("table-bad-value", "参数", None, "封面")] and cell


def test_a_table_without_the_evidence_sheet_asks_for_none(tb, tmp_path):
    tb.delete_sheet("佐证材料")
    assert load_task_table(tb.save(tmp_path / "old.xlsx")).evidence == []
