"""An administrator who breaks the task table gets every problem at once, each pointing at its sheet,
cell and column, in Chinese — and no workbook is written.  And one who edits it correctly (a target,
a reporting unit) changes the round without any code change.

Broken tables are built in code from the bundled one (tests/table_builder.py).
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_I15_ROWS, make_collection
from table_builder import TableBuilder

from jieshui_xl.cli import main
from jieshui_xl.findings import TaskTableError
from jieshui_xl.score import compute
from jieshui_xl.spec import load_task_table

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def problems(path) -> list:
    """The findings of the TaskTableError that loading ``path`` must raise."""
    with pytest.raises(TaskTableError) as caught:
        load_task_table(path)
    report = caught.value.report
    assert len(report) > 0
    for f in report:
        assert f.severity == "error"
        assert CHINESE.search(f.message), f.message
    return list(report)


def only(findings, code: str):
    """The single finding of a table with a single problem (no follow-on noise)."""
    assert [f.code for f in findings] == [code], [f.message for f in findings]
    return findings[0]


def assert_points_at(f, sheet: str, cell: str, column: str):
    assert (f.sheet, f.cell, f.field) == (sheet, cell, column)
    assert f"“{sheet}”" in f.message and cell in f.message and column in f.message, f.message


# ---------------------------------------------------------------------------------------------
# One problem at a time
# ---------------------------------------------------------------------------------------------

def test_bundled_table_loads():
    assert len(load_task_table().indicators) == 20


def test_unknown_unit_as_item_reporter(tmp_path):
    tb = TableBuilder()
    cell = tb.set("数据项", row_where_code="builtup_area_km2", column="填报单位", value="区不存在局")
    f = only(problems(tb.save(tmp_path / "t.xlsx")), "table-unknown-unit")
    assert_points_at(f, "数据项", cell, "填报单位")
    assert "区不存在局" in f.message and "未在“单位”工作表登记" in f.message


def test_unknown_unit_as_indicator_lead(tmp_path):
    tb = TableBuilder()
    cell = tb.set("指标", row_where_code="I05", column="牵头单位", value="区城市管理局\n区节水局")
    f = only(problems(tb.save(tmp_path / "t.xlsx")), "table-unknown-unit")
    assert_points_at(f, "指标", cell, "牵头单位")
    assert f.value == "区节水局"          # the registered unit in the same cell is not reported


def test_formula_naming_unknown_item(tmp_path):
    tb = TableBuilder()
    cell = tb.set("指标", row_where_code="I01", column="计算公式", value="permeable_area_km2/builtup_area*100")
    f = only(problems(tb.save(tmp_path / "t.xlsx")), "table-unknown-name")
    assert_points_at(f, "指标", cell, "计算公式")
    assert "builtup_area" in f.message


def test_duplicate_item_code(tmp_path):
    tb = TableBuilder()
    first = f"A{tb.row_of('数据项', {'代码': 'billed_use_wm3'})}"
    cell = tb.set("数据项", row_where_code="free_use_wm3", column="代码", value="billed_use_wm3")
    found = problems(tb.save(tmp_path / "t.xlsx"))
    f = only([x for x in found if x.code == "table-duplicate-code"], "table-duplicate-code")
    assert (f.sheet, f.cell) == ("数据项", cell)
    assert "billed_use_wm3" in f.message and cell in f.message and first in f.message
    # The formulas that used the vanished code are named too (a consequence, but each is real).
    assert {x.code for x in found} == {"table-duplicate-code", "table-unknown-name"}
    assert all("free_use_wm3" in x.message for x in found if x.code == "table-unknown-name")


@pytest.mark.parametrize("rule", ["value_I01>>45", "(1+", "value_I01>=", "FOO(value_I01)", '"45'])
def test_unparseable_rule(tmp_path, rule):
    tb = TableBuilder()
    cell = tb.set("指标", row_where_code="I01", column="达标规则", value=rule)
    f = only(problems(tb.save(tmp_path / "t.xlsx")), "table-bad-formula")
    assert_points_at(f, "指标", cell, "达标规则")
    assert rule in f.message and "无法解析" in f.message


def test_missing_sheet(tmp_path):
    tb = TableBuilder()
    tb.delete_sheet("计算项")
    f = only(problems(tb.save(tmp_path / "t.xlsx")), "table-missing-sheet")
    assert f.sheet == "计算项" and "“计算项”" in f.message


def test_missing_column(tmp_path):
    tb = TableBuilder()
    tb.delete_column("数据项", "填报单位")
    f = only(problems(tb.save(tmp_path / "t.xlsx")), "table-missing-column")
    assert (f.sheet, f.field) == ("数据项", "填报单位")
    assert "“数据项”" in f.message and "第1行" in f.message and "“填报单位”" in f.message


def test_bad_item_type(tmp_path):
    tb = TableBuilder()
    cell = tb.set("数据项", row_where_code="pipe_length_km", column="类型", value="浮点")
    f = only(problems(tb.save(tmp_path / "t.xlsx")), "table-bad-value")
    assert_points_at(f, "数据项", cell, "类型")
    assert "浮点" in f.message and "小数" in f.message


def test_calc_cycle(tmp_path):
    tb = TableBuilder()
    cell = tb.set("计算项", row_where_code="I03_R1", column="公式", value="I03_R_n*0.08")
    other = f"E{tb.row_of('计算项', {'代码': 'I03_R_n'})}"
    f = only(problems(tb.save(tmp_path / "t.xlsx")), "table-cycle")
    assert "“计算项”" in f.message and cell in f.message and other in f.message
    assert "I03_R1" in f.message and "I03_R_n" in f.message
    assert f.sheet == "计算项" and f.cell in (cell, other)


def test_missing_table_file(tmp_path):
    with pytest.raises(TaskTableError) as caught:
        load_task_table(tmp_path / "没有这个文件.xlsx")
    assert "没有这个文件.xlsx" in str(caught.value) and "文件不存在" in str(caught.value)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    f = only(problems(path), "table-unreadable")
    assert "t.xlsx" in f.message


# ---------------------------------------------------------------------------------------------
# Several at once
# ---------------------------------------------------------------------------------------------

def test_every_content_problem_in_one_error(tmp_path):
    tb = TableBuilder()
    expected = [  # (code, sheet, cell)
        ("table-unknown-unit", "数据项",
         tb.set("数据项", row_where_code="builtup_area_km2", column="填报单位", value="区不存在局")),
        ("table-unknown-unit", "指标", tb.set("指标", row_where_code="I06", column="牵头单位", value="区节水局")),
        ("table-unknown-name", "指标",
         tb.set("指标", row_where_code="I10", column="计算公式", value="resident_metered/household_domestic_use_wm3*100")),
        ("table-bad-formula", "指标", tb.set("指标", row_where_code="I01", column="达标规则", value="value_I01>>45")),
        ("table-bad-formula", "计算项", tb.set("计算项", row_where_code="I03_R2", column="公式", value="(1+")),
        ("table-bad-value", "数据项", tb.set("数据项", row_where_code="pipe_length_km", column="类型", value="浮点")),
        ("table-duplicate-code", "数据项",
         tb.set("数据项", row_where_code="saving_fund_wyuan", column="代码", value="fiscal_expenditure_wyuan")),
        # I17_decline is computed from value_I17; making value_I17 use I17_decline closes a loop:
        ("table-cycle", "指标", tb.set("指标", row_where_code="I17", column="计算公式",
                                      value="nonprimary_water_use_wm3/gdp_nonprimary_yi+0*I17_decline")),
        ("table-unknown-unit", "任务", tb.set("任务", row_where={"序号": 3}, column="牵头单位", value="区城管局")),
    ]
    found = problems(tb.save(tmp_path / "t.xlsx"))
    # the renamed saving_fund_wyuan leaves I18's formula naming an unknown item: also reported
    consequence = [f for f in found if f.code == "table-unknown-name" and f.value == "saving_fund_wyuan"]
    assert len(consequence) == 1
    main_findings = [f for f in found if f not in consequence]
    assert len(main_findings) == len(expected), "\n".join(f.message for f in found)
    for code, sheet, cell in expected:
        hits = [f for f in main_findings if f.code == code and f"“{sheet}”" in f.message and cell in f.message]
        assert len(hits) == 1, (code, sheet, cell, [f.message for f in found])
    for f in found:
        assert f.sheet and f.cell and f"“{f.sheet}”" in f.message and f.cell in f.message, f.message
    # The exception's text lists them all, one a line, and says nothing was written.
    with pytest.raises(TaskTableError) as caught:
        load_task_table(tmp_path / "t.xlsx")
    text = str(caught.value)
    assert "未生成任何文件" in text
    assert len([line for line in text.splitlines() if line.startswith("[错误]")]) == len(found)


def test_structural_problems_are_reported_together(tmp_path):
    """Missing sheets and columns are all listed at once (content is checked once the structure is whole)."""
    tb = TableBuilder()
    tb.delete_sheet("一致性检查")
    tb.delete_column("数据项", "填报单位")
    tb.delete_column("任务", "关联指标")
    found = problems(tb.save(tmp_path / "t.xlsx"))
    assert sorted((f.code, f.sheet, f.field) for f in found) == sorted([
        ("table-missing-sheet", "一致性检查", None),
        ("table-missing-column", "数据项", "填报单位"),
        ("table-missing-column", "任务", "关联指标"),
    ])


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------

def test_cli_templates_with_broken_table_writes_nothing(tmp_path):
    tb = TableBuilder()
    c1 = tb.set("数据项", row_where_code="builtup_area_km2", column="填报单位", value="区不存在局")
    c2 = tb.set("指标", row_where_code="I01", column="达标规则", value="value_I01>>45")
    broken = tb.save(tmp_path / "broken.xlsx")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["templates", "--task-table", str(broken), "--out", str(out)])
    assert result.exit_code != 0
    assert result.exit_code == 2, result.exception     # a handled JieshuiError, not a crash
    text = result.output
    assert "任务分工表有误" in text
    assert f"“数据项”{c1}" in text and "区不存在局" in text
    assert f"“指标”{c2}" in text and "value_I01>>45" in text
    assert not (out.exists() and list(out.rglob("*.xlsx")))


def test_cli_missing_task_table(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["templates", "--task-table", str(tmp_path / "无此文件.xlsx"), "--out", str(out)])
    assert result.exit_code == 2, result.exception
    assert "无此文件.xlsx" in result.output
    assert "文件不存在" in result.output
    assert not (out.exists() and list(out.rglob("*.xlsx")))


# ---------------------------------------------------------------------------------------------
# Correct edits change the round without code changes
# ---------------------------------------------------------------------------------------------

def test_raising_a_target_fails_an_indicator(tmp_path):
    before = load_task_table()
    r = compute(before, make_collection(before, rows=SAMPLE_I15_ROWS)).by_code("I01")
    assert r.status == "pass" and r.target == 45

    tb = TableBuilder()
    assert str(tb.get("指标", row_where_code="I01", column="目标值")) == "45"
    tb.set("指标", row_where_code="I01", column="目标值", value="50")
    table = load_task_table(tb.save(tmp_path / "t.xlsx"))
    r = compute(table, make_collection(table, rows=SAMPLE_I15_ROWS)).by_code("I01")
    assert r.value == pytest.approx(10.5 / 22.3 * 100)       # 47.085…
    assert 47.08 < r.value < 47.09
    assert r.target == 50
    assert r.status == "fail"


def test_reassigning_an_item_moves_it_to_another_unit(tmp_path):
    before = load_task_table()
    assert "frost_depth_m" in [i.code for i in before.items_of("区城市管理局")]
    assert "frost_depth_m" not in [i.code for i in before.items_of("区水利局")]

    tb = TableBuilder()
    tb.set("数据项", row_where_code="frost_depth_m", column="填报单位", value="区水利局")
    table = load_task_table(tb.save(tmp_path / "t.xlsx"))
    assert "frost_depth_m" not in [i.code for i in table.items_of("区城市管理局")]
    assert "frost_depth_m" in [i.code for i in table.items_of("区水利局")]
    assert len(table.items_of("区城市管理局")) == len(before.items_of("区城市管理局")) - 1
    assert table.fingerprint != before.fingerprint        # old workbooks are recognised as outdated


def test_a_new_unit_becomes_a_reporting_unit(tmp_path):
    tb = TableBuilder()
    tb.append("单位", 单位名称="区节水中心", 简称代码="jszx")
    tb.set("数据项", row_where_code="saving_unit_use_wm3", column="填报单位", value="区节水中心")
    tb.set("佐证材料", row_where_code="ev_I13_1", column="提供单位", value="区节水中心")   # its evidence too
    table = load_task_table(tb.save(tmp_path / "t.xlsx"))
    assert [i.code for i in table.items_of("区节水中心")] == ["saving_unit_use_wm3"]
    assert "区节水中心" in table.reporting_units()
    assert "区机关事务管理中心" not in table.reporting_units()
