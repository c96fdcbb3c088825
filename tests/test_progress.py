"""Progress rounds (工作调度), on a task table written in the test (two lead units, two tasks):
forms, identity (kind and period), reading, evaluation (overdue days, ranking), the history store
(periods in and out of order), reminders, and the 调度表 and its JSON."""

from __future__ import annotations

import datetime as _dt
import email
import email.policy
import json
from pathlib import Path

import openpyxl
import pytest
from helpers_template import read_identity
from table_builder import SMALL_TABLE, TableBuilder, literal_table

from jieshui_xl.fill import fill_workbook
from jieshui_xl.findings import JieshuiError, TaskTableError
from jieshui_xl.mail.progress import progress_mail
from jieshui_xl.mail.run import run_mail
from jieshui_xl.progress import collect_progress, run_progress, write_progress_forms
from jieshui_xl.progress.model import NOT_RETURNED
from jieshui_xl.progressstore import progress_before, progress_periods, progress_trajectory
from jieshui_xl.returns import collect
from jieshui_xl.spec import load_task_table
from jieshui_xl.spec.progress import Period, progress_units, statuses
from jieshui_xl.template import write_templates

# task 1 (deadline 2024-04-30, a milestone) led by 甲局; task 2 (deadline 2024-09-30) led by 乙局
TASKS = """
    | 序号 | 类别 | 任务名称 | 任务内容 | 牵头单位 | 责任单位 | 关联指标 | 完成时限 | 阶段节点 |
    | 1 | 基础 | 编制节水规划 | 编制并报批规划 | 甲局 | | | 2024-04-30 | 2024-03-31 完成初稿；2024-08-31 报批 |
    | 2 | 指标 | 绿地 | 提高绿地比例 | 乙局 | | A01 | 2024-09-30 | |
"""


@pytest.fixture
def table(tmp_path):
    return load_task_table(literal_table(tmp_path / "table.xlsx", dict(SMALL_TABLE, 任务=TASKS)))


def _forms(table, folder: Path, period: str, history: Path | None = None) -> dict[str, Path]:
    files, _, _ = write_progress_forms(table, folder, Period.parse(period), history, say=lambda _: None)
    return {u: next(p for p in files if u in p.name) for u in progress_units(table)}


def _return(form: Path, target: Path, seq: int, status: str, **parts) -> Path:
    entries = [(f"progress{seq:02d}_status", None, status), ("contact_name", None, "张三"),
               ("contact_phone", None, "123")] + [(f"progress{seq:02d}_{k}", None, v) for k, v in parts.items()]
    return fill_workbook(form, target, entries)


def _period(table, tmp_path: Path, period: str, answers: dict, history: Path | None = None, name: str = "") -> object:
    """Forms of ``period``, the units of ``answers`` ({unit: (seq, status, parts)}) returning, consolidated."""
    forms = _forms(table, tmp_path / f"forms{period}", period, history)
    returns = tmp_path / f"returns{period}{name}"
    for unit, (seq, status, parts) in answers.items():
        _return(forms[unit], returns / f"{unit}.xlsx", seq, status, **parts)
    p = Period.parse(period)
    out_dir = tmp_path / f"out{period}{name}"
    return run_progress(table, collect_progress(table, returns, p), p, out_dir / "调度表.xlsx",
                        out_dir / "调度表.json", history)


# -- the task table --------------------------------------------------------------------------------

def test_the_bundled_table_takes_the_plans_stages():
    t = load_task_table()
    deadlines = {task.seq: task.deadline for task in t.tasks}
    assert deadlines[3] == deadlines[5] == _dt.date(2023, 4, 30)         # 第一阶段: 机构、统计制度
    assert deadlines[8] == _dt.date(2023, 12, 31)                         # 申报当年全年
    assert {deadlines[s] for s in deadlines if s not in (3, 5, 8)} == {_dt.date(2023, 9, 30)}
    assert statuses(t).values == ("已完成", "推进中", "未启动", "滞后")       # from 选项, most advanced first


def test_deadline_and_milestones_are_read_from_text(table):
    task = table.tasks[0]
    assert task.deadline == _dt.date(2024, 4, 30)
    assert task.milestones == ((_dt.date(2024, 3, 31), "完成初稿"), (_dt.date(2024, 8, 31), "报批"))


def test_a_bad_deadline_is_a_task_table_error_at_its_cell(tmp_path):
    tb = TableBuilder()
    cell = tb.set("任务", row_where={"序号": 3}, column="完成时限", value="四月底")
    with pytest.raises(TaskTableError) as exc:
        load_task_table(tb.save(tmp_path / "t.xlsx"))
    found = [f for f in exc.value.report if f.code == "table-bad-value"]
    assert [(f.sheet, f.cell, f.value) for f in found] == [("任务", cell, "四月底")]


def test_progress_statuses_must_have_distinct_ranks(tmp_path):
    sheets = dict(SMALL_TABLE, 选项=SMALL_TABLE["选项"].replace("| 进展状态 | 滞后   | 1    |", "| 进展状态 | 滞后   | 2    |"))
    with pytest.raises(TaskTableError) as exc:
        load_task_table(literal_table(tmp_path / "t.xlsx", sheets))
    assert any(f.code == "table-bad-value" and "进展状态" in (f.field or "") for f in exc.value.report)


# -- forms -------------------------------------------------------------------------------------------

def test_one_form_per_lead_unit_with_only_its_tasks(table, tmp_path):
    forms = _forms(table, tmp_path / "forms", "2024-06")
    wb = openpyxl.load_workbook(forms["甲局"])
    names = set(wb.defined_names)
    assert {"progress01_status", "progress01_percent", "progress01_report", "progress01_issues",
            "progress01_plan", "progress01_eta", "contact_name"} <= names
    assert not any(n.startswith("progress02") for n in names)
    ident = read_identity(wb)
    assert (ident.kind, ident.period, ident.unit) == ("progress", "2024-06", "甲局")
    ws = wb["进展填报"]
    assert ws.protection.sheet
    assert any("已完成" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)


def test_next_period_forms_are_prefilled_from_the_store(table, tmp_path):
    store = tmp_path / "h.sqlite"
    _period(table, tmp_path, "2024-04", {"甲局": (1, "推进中", {"report": "完成现状调研", "percent": 40})}, store)
    assert progress_before(store, table.city, table.year, "2024-06")[0] == "2024-04"
    forms = _forms(table, tmp_path / "forms6", "2024-06", store)
    wb = openpyxl.load_workbook(forms["甲局"])
    place = wb.defined_names["progress01_report"].attr_text.split("!")
    ws = wb["进展填报"]
    assert ws[place[1].replace("$", "")].value == "完成现状调研"
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "2024-04 推进中\n本单位上期完成 40%" in texts            # the task's earlier periods, shown


# -- identity: a form of the wrong kind or period -------------------------------------------------------

def test_a_progress_form_in_a_data_round_is_named_not_used(table, tmp_path):
    form = _forms(table, tmp_path / "forms", "2024-06")["甲局"]
    _return(form, tmp_path / "returns" / "甲局.xlsx", 1, "已完成")
    collection = collect(table, tmp_path / "returns")
    assert [f.code for f in collection.report] == ["file-wrong-kind"]
    assert "工作进展调度表" in collection.report.findings[0].message and not collection.values


def test_a_data_form_in_a_progress_round_is_named_not_used(table, tmp_path):
    data_form = next(p for p in write_templates(table, tmp_path / "data") if "甲局" in p.name)
    fill_workbook(data_form, tmp_path / "returns" / "甲局.xlsx", [("green_km2", None, 4.5)])
    collection = collect_progress(table, tmp_path / "returns", Period.parse("2024-06"))
    assert [f.code for f in collection.report] == ["file-wrong-kind"]
    assert "数据填报表" in collection.report.findings[0].message and not collection.progress


def test_a_form_of_another_period_is_named_not_used(table, tmp_path):
    form = _forms(table, tmp_path / "forms", "2024-04")["甲局"]
    _return(form, tmp_path / "returns" / "甲局.xlsx", 1, "已完成")
    collection = collect_progress(table, tmp_path / "returns", Period.parse("2024-06"))
    assert [f.code for f in collection.report] == ["file-wrong-period"]
    assert not collection.progress


# -- evaluation ---------------------------------------------------------------------------------------------

def test_a_task_past_its_deadline_is_overdue_by_the_days_to_the_period_end(table, tmp_path):
    out = _period(table, tmp_path, "2024-06", {"甲局": (1, "推进中", {"eta": "2024-07-31"}),
                                                "乙局": (2, "推进中", {})})
    states = {s.task.seq: s for s in out.round.tasks}
    assert states[1].overdue_days == (_dt.date(2024, 6, 30) - _dt.date(2024, 4, 30)).days == 61
    assert states[2].overdue_days == 0                                   # deadline 2024-09-30 not reached
    data = json.loads((tmp_path / "out2024-06" / "调度表.json").read_text(encoding="utf-8"))
    assert {t["seq"]: t["overdue_days"] for t in data["tasks"]} == {1: 61, 2: 0}
    assert [u["lagging"] for u in data["units"] if u["unit"] == "甲局"] == [[1]]
    codes = [f["code"] for f in data["findings"]]
    assert "progress-overdue" in codes and "progress-eta-after-deadline" in codes
    wb = openpyxl.load_workbook(tmp_path / "out2024-06" / "调度表.xlsx")
    assert wb.sheetnames == ["推进会通报", "任务进展", "单位排名", "问题清单"]


def test_a_task_done_is_never_overdue(table, tmp_path):
    out = _period(table, tmp_path, "2024-06", {"甲局": (1, "已完成", {"percent": 100}), "乙局": (2, "推进中", {})})
    state = out.round.tasks[0]
    assert (state.done, state.overdue_days, state.status) == (True, 0, "已完成")
    assert [(r.unit, r.rank, r.rate) for r in out.round.units] == [("甲局", 1, 100.0), ("乙局", 2, 0.0)]


def test_a_unit_that_returned_nothing(table, tmp_path):
    out = _period(table, tmp_path, "2024-10", {"甲局": (1, "已完成", {})})
    state = out.round.tasks[1]
    assert (state.status, state.missing, state.overdue_days) == (NOT_RETURNED, ["乙局"], 31)
    assert [f.unit for f in out.round.report if f.code == "progress-not-returned"] == ["乙局"]
    last = out.round.units[-1]
    assert (last.unit, last.status, last.lagging) == ("乙局", "missing", [2])


def test_reminders_list_the_tasks_of_late_and_silent_units(table, tmp_path):
    forms = _forms(table, tmp_path / "forms", "2024-06")
    _return(forms["甲局"], tmp_path / "returns" / "甲局.xlsx", 1, "推进中")
    result = run_mail(table, tmp_path / "forms", tmp_path / "outbox", returned_dir=tmp_path / "returns",
                      kind=progress_mail(table, Period.parse("2024-06")), echo=lambda _: None)
    assert set(result.written) == {"甲局", "乙局"}
    bodies = {u: email.message_from_bytes(p.read_bytes(), policy=email.policy.default).get_body().get_content()
              for u, p in result.written.items()}
    assert "任务1 编制节水规划" in bodies["甲局"] and "逾期 61 天" in bodies["甲局"]
    assert "尚未收到" in bodies["乙局"] and "任务2 绿地" in bodies["乙局"]
    assert result.written["甲局"].name.endswith("_督办.eml") and result.written["乙局"].name.endswith("_催报.eml")


# -- the history store: periods ------------------------------------------------------------------------

def test_periods_are_kept_and_an_earlier_period_never_overwrites_a_later_one(table, tmp_path):
    store = tmp_path / "h.sqlite"
    _period(table, tmp_path, "2024-06", {"甲局": (1, "推进中", {}), "乙局": (2, "推进中", {})}, store)
    later = progress_trajectory(store, table.city, table.year)
    out = _period(table, tmp_path, "2024-04", {"甲局": (1, "未启动", {})}, store)
    assert [f.code for f in out.round.report if f.code == "progress-period-out-of-order"] == \
        ["progress-period-out-of-order"]
    assert progress_periods(store, table.city, table.year) == ["2024-04", "2024-06"]
    now = progress_trajectory(store, table.city, table.year)
    assert [s for p, s in now[1] if p == "2024-06"] == [s for p, s in later[1] if p == "2024-06"]
    assert [(p, s.status) for p, s in now[1]] == [("2024-04", "未启动"), ("2024-06", "推进中")]


def test_the_next_period_shows_the_trajectory(table, tmp_path):
    store = tmp_path / "h.sqlite"
    _period(table, tmp_path, "2024-04", {"甲局": (1, "推进中", {}), "乙局": (2, "未启动", {})}, store)
    out = _period(table, tmp_path, "2024-06", {"甲局": (1, "已完成", {}), "乙局": (2, "推进中", {})}, store)
    assert [(p, s.status) for p, s in out.round.tasks[0].trajectory] == [("2024-04", "推进中")]
    assert out.data["tasks"][0]["trajectory"] == [{"period": "2024-04", "status": "推进中", "overdue_days": 0}]


def test_a_folder_without_a_form_of_the_period_writes_and_records_nothing(table, tmp_path):
    store = tmp_path / "h.sqlite"
    form = _forms(table, tmp_path / "forms", "2024-04")["甲局"]
    _return(form, tmp_path / "returns" / "甲局.xlsx", 1, "已完成")
    period = Period.parse("2024-06")
    with pytest.raises(JieshuiError, match="2024-06 期的工作进展调度表"):
        run_progress(table, collect_progress(table, tmp_path / "returns", period), period, tmp_path / "o.xlsx",
                     None, store)
    assert not (tmp_path / "o.xlsx").exists() and progress_periods(store, table.city, table.year) == []
