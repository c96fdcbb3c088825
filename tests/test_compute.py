"""The 20 indicators, computed from the bundled task table, against hand-computed expectations.

Every expected value is written out as arithmetic on the sample numbers (tests/conftest.py
SAMPLE_VALUES and SAMPLE_I15_ROWS), independently of the formula engine, following
docs/spec_indicators.md §3–§5.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES, make_collection
from table_builder import TableBuilder

from jieshui_xl.data import TaskAnswer
from jieshui_xl.findings import TaskTableError
from jieshui_xl.score import compute
from jieshui_xl.spec import load_task_table


def run(table, rows=SAMPLE_I15_ROWS, **changes):
    """Compute on the sample with some values changed (None = left blank)."""
    values = {**SAMPLE_VALUES, **changes}
    return compute(table, make_collection(table, values, rows=rows))


@pytest.fixture(scope="module")
def sample(table):
    return compute(table, make_collection(table, rows=SAMPLE_I15_ROWS))


# ---------------------------------------------------------------------------------------------
# All 20 indicators on the sample
# ---------------------------------------------------------------------------------------------

# I03 (CJJ 92-2016): R_WL = (Q_s − Q_a)/Q_s×100; R1 = 0.08·r·100; R2 = 0.99·(A − 0.0693)·100 in [−3, 3];
# R3 by pressure (0.4 MPa → 0.5); R4 by frost depth (0 m → 0).
R_WL = (2000 - (1700 + 20)) / 2000 * 100            # 14.0
R1 = 0.08 * (900 / 2000) * 100                      # 3.6
R2 = 0.99 * (150 / 2000 - 0.0693) * 100             # 0.5643
R3 = 0.5
R4 = 0.0
R_N = R1 + R2 + R3 + R4                             # 4.6643

EXPECTED = {  # code: (value, status, target)
    "I01": (10.5 / 22.3 * 100, "pass", 45),                              # 47.09 ≥ 45
    "I02": (12 / 12 * 100, "pass", 100),
    "I03": (R_WL - R_N, "fail", 8.5),                                    # 9.34 > 8.5
    "I04": (None, "pass", None),                                         # 0, 0, 0 and 是
    "I05": (950 * 1e7 / (100000 * 2.5 * 365), "pass", 140),              # 104.11 L/人·天
    "I06": (12000 / 100000 * 100, "pass", 10),                           # 12
    "I07": (5000, "pass", 6000),                                         # ≤ quota
    "I08": (300 / 50, "pass", 0.5 * 24.3),                               # 6 < 12.15
    "I09": (500 / 1800 * 100, "pass", 25),                               # 27.78
    "I10": (900 / 950 * 100, "pass", 90),                                # 94.74
    "I11": (20 / 20 * 100, "pass", 100),
    "I12": (400 / 420 * 100, "pass", 90),                                # 95.24
    "I13": (60 / (1800 - 300 - 950) * 100, "fail", 15),                  # 10.91 < 15
    "I14": (2000 / (300 + 2000) * 100, "pass", 83),                      # 86.96
    "I15": (None, "pass", None),                                         # 20 ≤ 25, 18 ≤ 20
    "I16": (80 / 300 * 100, "pass", 20),                                 # 26.67
    "I17": (4000 / 200, "fail", 0.4 * 46.9),                             # 20 ≥ 18.76, no prev
    "I18": (500 / 600000 * 1000, "pass", 0.5),                           # 0.833‰
    "I19": (300 / 310 * 100, "pass", 95),                                # 96.77
    "I20": (1100 / 1000 * 100, "pass", 95),                              # 110 (a warning)
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_sample_indicator(sample, code):
    value, status, target = EXPECTED[code]
    r = sample.by_code(code)
    if value is None:
        assert r.value is None
    else:
        assert r.value == pytest.approx(value, rel=1e-12)
    assert r.status == status
    if target is None:
        assert r.target is None
    else:
        assert r.target == pytest.approx(target, rel=1e-12)


def test_sample_counts(sample):
    assert len(sample.indicators) == 20
    assert sample.passed == 17
    assert [r.code for r in sample.indicators if r.status != "pass"] == ["I03", "I13", "I17"]
    assert sample.year == 2023 and sample.city == "黔江区"


def test_i03_calculation_detail(sample):
    calcs = sample.by_code("I03").calcs
    assert calcs["I03_R_WL"] == pytest.approx(R_WL)
    assert calcs["I03_R1"] == pytest.approx(R1)
    assert calcs["I03_R2"] == pytest.approx(R2)
    assert calcs["I03_R3"] == R3
    assert calcs["I03_R4"] == R4
    assert calcs["I03_R_n"] == pytest.approx(R_N)
    assert sample.by_code("I03").value == pytest.approx(14 - 4.6643)
    assert sample.by_code("I03").note == "综合漏损率14.00%，修正值4.66%"


@pytest.mark.parametrize("pressure, r3", [(0.0, 0), (0.35, 0), (0.36, 0.5), (0.55, 0.5), (0.56, 1), (0.75, 1),
                                          (0.76, 2)])
def test_i03_pressure_correction(table, pressure, r3):
    r = run(table, outlet_pressure_mpa=pressure).by_code("I03")
    assert r.calcs["I03_R3"] == r3
    assert r.value == pytest.approx(R_WL - (R1 + R2 + r3 + R4))


@pytest.mark.parametrize("depth, r4", [(0, 0), (1.4, 0), (1.5, 1)])
def test_i03_frost_correction(table, depth, r4):
    assert run(table, frost_depth_m=depth).by_code("I03").calcs["I03_R4"] == r4


@pytest.mark.parametrize("pipe_km, r2", [
    (150, 0.99 * (150 / 2000 - 0.0693) * 100),      # inside the band
    (400, 3),                                       # 0.99·(0.2 − 0.0693)·100 = 12.9 → clamped to 3
    (0, -3),                                        # 0.99·(0 − 0.0693)·100 = −6.86 → clamped to −3
    (100, 0.99 * (100 / 2000 - 0.0693) * 100),      # −1.91, negative but inside
])
def test_i03_pipe_length_correction_is_clamped(table, pipe_km, r2):
    assert run(table, pipe_length_km=pipe_km).by_code("I03").calcs["I03_R2"] == pytest.approx(r2)


def test_i03_passes_when_leakage_is_lower(table):
    r = run(table, billed_use_wm3=1750).by_code("I03")
    assert r.value == pytest.approx((2000 - 1770) / 2000 * 100 - R_N)      # 6.84
    assert r.status == "pass"


@pytest.mark.parametrize("values, code, shown", [
    (dict(permeable_area_km2=8.1, builtup_area_km2=18), "I01", 45.0),           # 8.1/18*100 = 44.99999999999999
    (dict(planned_nonres_use_wm3=8.1, nonres_public_use_wm3=9), "I12", 90.0),   # 89.99999999999999
])
def test_a_value_exactly_on_target_passes_as_in_a_spreadsheet(table, values, code, shown):
    r = run(table, **values).by_code(code)
    assert r.value == shown and r.status == "pass"


def test_notes(sample):
    assert sample.by_code("I04").note == "直排口0个；管网空白区0处；黑臭水体0条；水质持续改善：是"
    assert sample.by_code("I07").note == "控制指标6,000.00万m³"       # FIXED() as Excel shows it
    assert sample.by_code("I15").note == "2项中2项达标"
    assert sample.by_code("I09").note == "利用率达标"


# ---------------------------------------------------------------------------------------------
# I05: days of the period year
# ---------------------------------------------------------------------------------------------

def test_i05_uses_365_days_in_2023(sample):
    assert sample.by_code("I05").calcs["I05_days"] == 365
    assert sample.by_code("I05").value == pytest.approx(9.5e9 / 91_250_000)         # 104.11


def test_year_without_national_averages_uses_latest_earlier_year_with_notice():
    """National averages are published a year late: a year without its own row uses the latest
    earlier year's value, and the loader says so (table.notices, shown in the scorecard)."""
    t = load_task_table(year=2024)
    assert t.params["national_gdp_intensity"] == 46.9
    assert t.params["national_industrial_intensity"] == 24.3
    assert len(t.notices) == 2
    assert all("2024年" in n and "2023年" in n for n in t.notices)


def test_year_before_any_national_average_is_refused():
    with pytest.raises(TaskTableError) as caught:
        load_task_table(year=2019)
    found = list(caught.value.report)
    assert sorted(f.value for f in found) == ["national_gdp_intensity", "national_industrial_intensity"]
    for f in found:
        assert f.code == "table-missing-parameter" and f.sheet == "参数"
        assert "2019年" in f.message and f.value in f.message


@pytest.fixture(scope="module")
def table_2024(tmp_path_factory):
    tb = TableBuilder()
    tb.append("参数", 代码="national_industrial_intensity", 名称="全国万元工业增加值用水量", 适用年度=2024, 值=23.0)
    tb.append("参数", 代码="national_gdp_intensity", 名称="全国万元地区生产总值用水量", 适用年度=2024, 值=45.0)
    path = tb.save(tmp_path_factory.mktemp("t2024") / "task_division.xlsx")
    return load_task_table(path, year=2024)


def test_i05_uses_366_days_in_leap_year_2024(table_2024):
    result = compute(table_2024, make_collection(table_2024, rows=SAMPLE_I15_ROWS))
    assert result.year == 2024
    i05 = result.by_code("I05")
    assert i05.calcs["I05_days"] == 366
    assert i05.value == pytest.approx(950 * 1e7 / (100000 * 2.5 * 366))              # 103.83
    assert result.by_code("I08").target == pytest.approx(0.5 * 23.0)
    assert result.by_code("I17").target == pytest.approx(0.4 * 45.0)


# ---------------------------------------------------------------------------------------------
# Parameters by year
# ---------------------------------------------------------------------------------------------

def test_year_2022_uses_2022_national_averages():
    t = load_task_table(year=2022)
    result = compute(t, make_collection(t, rows=SAMPLE_I15_ROWS))
    assert t.params["national_industrial_intensity"] == 24.1
    assert t.params["national_gdp_intensity"] == 49.6
    assert result.by_code("I08").target == pytest.approx(0.5 * 24.1)     # 12.05
    assert result.by_code("I17").target == pytest.approx(0.4 * 49.6)     # 19.84
    assert result.by_code("I17").status == "fail"                         # 20 is not below 19.84
    assert result.by_code("I05").calcs["I05_days"] == 365


def test_year_2021_i17_passes_on_the_lower_bar():
    t = load_task_table(year=2021)
    i17 = compute(t, make_collection(t, rows=SAMPLE_I15_ROWS)).by_code("I17")
    assert i17.target == pytest.approx(0.4 * 51.8)                        # 20.72
    assert i17.value == 20 and i17.status == "pass"
    assert i17.note == "低于全国平均值的40%"                            # no prev: nothing more to say


# ---------------------------------------------------------------------------------------------
# I08 / I17: the year-on-year decline
# ---------------------------------------------------------------------------------------------
# With industrial_new_water_wm3 = 700 the intensity is 700 / 50 = 14 m³/万元, not below 12.15.

def test_i08_official_decline_is_used_over_the_derived_one(table):
    # derived from prev would be (15 − 14)/15×100 = 6.67 ≥ 5; the official −1.6 wins and fails
    r = run(table, industrial_new_water_wm3=700, saving_enterprise_use_wm3=150, industrial_intensity_prev=15,
            industrial_intensity_decline_pct=-1.6).by_code("I08")
    assert r.value == pytest.approx(14)
    assert r.calcs["I08_decline"] == -1.6
    assert r.status == "fail"
    assert r.note == "不低于全国平均值的50%；年降低率-1.60%（官方公布，可比价）"


def test_i08_official_decline_passes(table):
    r = run(table, industrial_new_water_wm3=700, saving_enterprise_use_wm3=150,
            industrial_intensity_prev=None, industrial_intensity_decline_pct=6).by_code("I08")
    assert r.status == "pass"
    assert r.note == "不低于全国平均值的50%；年降低率6.00%（官方公布，可比价）"


def test_i08_decline_derived_from_previous_year(table):
    r = run(table, industrial_new_water_wm3=700, saving_enterprise_use_wm3=150, industrial_intensity_prev=15,
            industrial_intensity_decline_pct=None).by_code("I08")
    assert r.calcs["I08_decline"] == pytest.approx((15 - 14) / 15 * 100)     # 6.67
    assert r.status == "pass"
    assert "按当年价推算" in r.note
    assert r.note == "不低于全国平均值的50%；年降低率6.67%（按当年价推算）"


def test_i08_derived_decline_below_5_fails(table):
    r = run(table, industrial_new_water_wm3=700, saving_enterprise_use_wm3=150, industrial_intensity_prev=14.5,
            industrial_intensity_decline_pct=None).by_code("I08")
    assert r.calcs["I08_decline"] == pytest.approx((14.5 - 14) / 14.5 * 100)   # 3.45
    assert r.status == "fail"
    assert r.note == "不低于全国平均值的50%；年降低率3.45%（按当年价推算）"


def test_i08_without_previous_year_tests_only_the_level(table):
    r = run(table, industrial_new_water_wm3=700, saving_enterprise_use_wm3=150, industrial_intensity_prev=None,
            industrial_intensity_decline_pct=None).by_code("I08")
    assert r.calcs["I08_decline"] == ""
    assert r.status == "fail"
    assert r.note == "不低于全国平均值的50%；未填上年数据，无法判定年降低率"
    assert r.missing_items == []                  # optional items are not “missing”


def test_i17_decline_paths(table):
    # value 4000 / 200 = 20, target 0.4 × 46.9 = 18.76: the level fails, so the decline decides.
    derived = run(table, gdp_intensity_prev=21.5).by_code("I17")
    assert derived.calcs["I17_decline"] == pytest.approx((21.5 - 20) / 21.5 * 100)      # 6.98
    assert derived.status == "pass" and "按当年价推算" in derived.note
    official = run(table, gdp_intensity_prev=21.5, gdp_intensity_decline_pct=3).by_code("I17")
    assert official.status == "fail" and official.note == "不低于全国平均值的40%；年降低率3.00%（官方公布，可比价）"
    neither = run(table).by_code("I17")
    assert neither.status == "fail" and neither.note == "不低于全国平均值的40%；未填上年数据，无法判定年降低率"


# ---------------------------------------------------------------------------------------------
# I09: the growth path
# ---------------------------------------------------------------------------------------------
# reclaimed_use 400 / 1800 × 100 = 22.22 %, below 25.

def test_i09_growth_passes(table):
    r = run(table, reclaimed_use_wm3=400, reclaimed_rate_prev_pct=20).by_code("I09")
    assert r.value == pytest.approx(400 / 1800 * 100)
    assert r.calcs["I09_growth"] == pytest.approx((400 / 1800 * 100 - 20) / 20 * 100)     # 11.11
    assert r.status == "pass"
    assert r.note == "年增长率11.11%"


def test_i09_growth_too_small(table):
    r = run(table, reclaimed_use_wm3=400, reclaimed_rate_prev_pct=21.5).by_code("I09")
    assert r.calcs["I09_growth"] == pytest.approx((400 / 1800 * 100 - 21.5) / 21.5 * 100)  # 3.36
    assert r.status == "fail"


@pytest.mark.parametrize("prev", [None, 0])
def test_i09_without_previous_rate_tests_the_level(table, prev):
    r = run(table, reclaimed_use_wm3=400, reclaimed_rate_prev_pct=prev).by_code("I09")
    assert r.calcs["I09_growth"] == ""
    assert r.status == "fail"
    assert r.note == "无上年利用率，仅按利用率判定"


# ---------------------------------------------------------------------------------------------
# I02, I04, I15
# ---------------------------------------------------------------------------------------------

def test_i02_with_no_wells(table):
    r = run(table, wells_closed_count=0, wells_total_count=0).by_code("I02")
    assert r.value is None
    assert r.status == "pass"
    assert r.note == "无自备井"


def test_i02_fails_when_a_well_is_open(table):
    r = run(table, wells_closed_count=11).by_code("I02")
    assert r.value == pytest.approx(11 / 12 * 100)
    assert r.status == "fail"


@pytest.mark.parametrize("changes, status", [
    ({}, "pass"),
    ({"black_odorous_count": 1}, "fail"),
    ({"dry_outfall_count": 2}, "fail"),
    ({"sewer_gap_count": 1}, "fail"),
    ({"water_quality_improving": "否"}, "fail"),
    ({"water_quality_improving": None}, "missing"),
])
def test_i04(table, changes, status):
    assert run(table, **changes).by_code("I04").status == status


def test_i04_note_names_the_counts(table):
    assert run(table, black_odorous_count=1).by_code("I04").note == \
        "直排口0个；管网空白区0处；黑臭水体1条；水质持续改善：是"


def test_i15_rows(sample):
    rows = sample.by_code("I15").rows
    assert len(rows) == 10
    assert rows[0].value == pytest.approx(20000 / 1000) and rows[0].passed           # 20 ≤ 25
    assert rows[1].value == pytest.approx(9000 / 500) and rows[1].passed             # 18 ≤ 20
    assert not rows[2].filled and rows[2].value is None


def test_i15_one_row_over_its_quota(table):
    over = dict(SAMPLE_I15_ROWS[0], product_name="新闻纸", product_water_m3=30000.0)       # 30 > 25
    r = run(table, rows=SAMPLE_I15_ROWS + [over]).by_code("I15")
    assert r.status == "fail"
    assert r.note == "3项中2项达标"
    assert [row.passed for row in r.rows[:3]] == [True, True, False]


def test_i15_partly_filled_row_is_invalid(table):
    partial = {k: v for k, v in SAMPLE_I15_ROWS[0].items() if k != "product_quota"}
    r = run(table, rows=SAMPLE_I15_ROWS + [partial]).by_code("I15")
    assert r.status == "invalid"
    assert r.rows[2].filled and not r.rows[2].complete and r.rows[2].value is None


def test_i15_without_rows_is_missing(table):
    r = run(table, rows=None).by_code("I15")
    assert r.status == "missing"
    assert r.note == ""


# ---------------------------------------------------------------------------------------------
# Fees, missing items, contradictions
# ---------------------------------------------------------------------------------------------

def test_fees_above_receivable_warn_but_count(sample):
    i20 = sample.by_code("I20")
    assert i20.value == pytest.approx(110) and i20.status == "pass"              # 1.1 × receivable
    warnings = [f for f in sample.report if f.code == "check-warning"]
    assert [f.value for f in warnings] == ["chk_sewage_fee_le_receivable"]
    assert warnings[0].severity == "warning"
    assert "实收污水处理费（含自备水）=1100" in warnings[0].message
    assert not [f for f in sample.report if f.code == "check-failed"]


def test_fees_far_above_receivable_are_invalid(table):
    result = run(table, resource_fee_collected_wyuan=403)                        # 1.3 × 310
    i19 = result.by_code("I19")
    assert i19.status == "invalid"
    assert i19.value == pytest.approx(403 / 310 * 100)                           # still shown: 130
    assert "chk_resource_fee_le_120pct" in i19.failed_checks
    failed = [f for f in result.report if f.code == "check-failed"]
    assert [f.value for f in failed] == ["chk_resource_fee_le_120pct"]
    assert failed[0].unit == "区水利局"


def test_missing_item_makes_every_indicator_using_it_missing(table):
    result = run(table, household_count=None)
    assert result.by_code("I05").status == "missing"
    assert result.by_code("I06").status == "missing"
    assert result.by_code("I05").missing_items == ["household_count"]
    assert result.by_code("I05").value is None and result.by_code("I06").value is None
    others = [r.code for r in result.indicators if r.status == "missing"]
    assert others == ["I05", "I06"]


def test_item_shared_by_three_indicators(table):
    result = run(table, household_domestic_use_wm3=None)
    assert [r.code for r in result.indicators if r.status == "missing"] == ["I05", "I10", "I13"]


def test_optional_items_blank_are_not_missing(sample):
    assert sample.by_code("I17").status == "fail"         # gdp_intensity_prev etc. are blank in the sample
    assert sample.by_code("I17").missing_items == []


def test_closed_wells_above_total_is_invalid(table):
    result = run(table, wells_closed_count=13)
    i02 = result.by_code("I02")
    assert i02.status == "invalid"
    assert i02.failed_checks == ["chk_wells_closed_le_total"]
    failed = [f for f in result.report if f.code == "check-failed"]
    assert len(failed) == 1
    f = failed[0]
    assert f.severity == "error"
    assert f.field == "wells_closed_count,wells_total_count"
    assert "公共供水管网覆盖范围内已关停的自备井数=13" in f.message
    assert "公共供水管网覆盖范围内自备井总数=12" in f.message
    assert f.unit == "区水利局"
    assert result.checks["chk_wells_closed_le_total"] is False


def test_a_check_with_a_missing_item_does_not_fail(table):
    result = run(table, wells_total_count=None)
    assert result.checks["chk_wells_closed_le_total"] is True
    assert result.by_code("I02").status == "missing"


def test_zero_denominator_is_invalid(table):
    # city 1250 − industrial 300 − household 950 = 0
    i13 = run(table, city_water_use_wm3=1250).by_code("I13")
    assert i13.status == "invalid"
    assert i13.value is None


# ---------------------------------------------------------------------------------------------
# The veto verdict
# ---------------------------------------------------------------------------------------------

VETO_PASS = {"billed_use_wm3": 1750}        # I03 = 6.84 ≤ 8.5; I02, I07, I11 pass on the sample


def test_sample_verdict_fails_on_i03(sample):
    assert [r.code for r in sample.veto] == ["I02", "I03", "I07", "I11"]
    assert not sample.veto_ok
    assert sample.verdict == "底线指标未全部达标"


def test_verdict_when_all_four_pass(table):
    result = run(table, **VETO_PASS)
    assert [r.status for r in result.veto] == ["pass"] * 4
    assert result.veto_ok
    assert result.verdict == "底线指标全部达标"
    assert result.by_code("I13").status == "fail"       # a failing 导向 indicator does not matter


@pytest.mark.parametrize("changes", [
    {"wells_closed_count": 10},            # I02 fail
    {"total_water_use_wm3": 6500},         # I07 fail (above the quota)
    {"fixture_samples_passed": 19},        # I11 fail (95 %)
    {"public_supply_wm3": None},           # I03 missing
    {"fixture_samples_passed": 21},        # I11 invalid (passed > total)
])
def test_verdict_fails_when_one_veto_indicator_does_not_pass(table, changes):
    result = run(table, **{**VETO_PASS, **changes})
    assert not result.veto_ok
    assert result.verdict == "底线指标未全部达标"


# ---------------------------------------------------------------------------------------------
# Tasks 1–8 and returns
# ---------------------------------------------------------------------------------------------

def answers(*triples):
    return [TaskAnswer(task=t, unit=u, status=s) for t, u, s in triples]


def test_task_status_is_the_least_advanced_answer(table):
    c = make_collection(table, rows=SAMPLE_I15_ROWS, tasks=answers(
        (1, "区住房城乡建委", "已完成"), (1, "区城市管理局", "推进中"),
        (3, "区城市管理局", "已完成"),
        (4, "区发展改革委", "已完成"), (4, "区住房城乡建委", "推进中"), (4, "区城市管理局", "未启动"),
        (4, "区水利局", "已完成"),
    ))
    tasks = {t.task.seq: t for t in compute(table, c).tasks}
    assert [t.task.seq for t in tasks.values()] == list(range(1, 9))
    assert tasks[1].status == "推进中" and tasks[1].unanswered == []
    assert tasks[3].status == "已完成"
    assert tasks[4].status == "未启动"


def test_unanswered_lead_unit_counts_as_not_started(table):
    c = make_collection(table, rows=SAMPLE_I15_ROWS, tasks=answers((1, "区住房城乡建委", "已完成")))
    result = compute(table, c)
    task1 = result.tasks[0]
    assert task1.status == "未启动"
    assert task1.unanswered == ["区城市管理局"]
    missing = [f for f in result.report if f.code == "task-status-missing" and f.message.startswith("任务1“")]
    assert len(missing) == 1
    assert missing[0].unit == "区城市管理局" and missing[0].field == "task01_status"
    assert "编制城市节水相关规划" in missing[0].message and "未启动" in missing[0].message


def test_task_8_is_asked_of_its_responsible_units(table):
    units = table.tasks[7].responsible
    c = make_collection(table, rows=SAMPLE_I15_ROWS, tasks=answers(*[(8, u, "已完成") for u in units]))
    task8 = compute(table, c).tasks[7]
    assert task8.status == "已完成" and task8.unanswered == []
    assert set(task8.answers) == set(units) and len(units) == 9


def test_unit_not_returned(table):
    units = [u for u in table.reporting_units() if u != "区财政局"]
    values = {k: (None if table.items[k].reporter == "区财政局" else v) for k, v in SAMPLE_VALUES.items()}
    result = compute(table, make_collection(table, values, rows=SAMPLE_I15_ROWS, units=units))
    not_returned = [f for f in result.report if f.code == "unit-not-returned"]
    assert [f.unit for f in not_returned] == ["区财政局"]
    assert "区财政局" in not_returned[0].message
    assert result.by_code("I18").status == "missing"
    # a unit that returned nothing is not also chased for each of its tasks (task 6 is its)
    assert not [f for f in result.report if f.code == "task-status-missing" and f.unit == "区财政局"]
    assert result.tasks[5].status == "未启动"
