"""A whole round on a task table written in the test itself (two indicators, four items): the
pipeline depends on nothing of the bundled table, and an administrator's edit changes the round."""

from __future__ import annotations

from pathlib import Path

import pytest
from table_builder import SMALL_TABLE, literal_table

from jieshui_xl.fill import fill_workbook
from jieshui_xl.returns import collect
from jieshui_xl.score import compute
from jieshui_xl.spec import load_task_table
from jieshui_xl.template import write_templates

VALUES = {"甲局": {"green_km2": 4.5, "total_km2": 10, "contact_name": "张三", "contact_phone": "123",
                  "task01_status": "已完成"},
          "乙局": {"supply_wm3": 100, "leak_wm3": 12.5, "contact_name": "李四", "contact_phone": "456"}}


def _round(tmp_path: Path, sheets: dict) -> dict:
    table = load_task_table(literal_table(tmp_path / "table.xlsx", sheets))
    forms = {}
    for path in write_templates(table, tmp_path / "forms"):
        forms[next(u for u in table.reporting_units() if u in path.name)] = path
    returns = tmp_path / "returns"
    returns.mkdir()
    for unit, values in VALUES.items():
        fill_workbook(forms[unit], returns / f"{unit}.xlsx", [(name, 0, value) for name, value in values.items()])
    collection = collect(table, returns)
    result = compute(table, collection)
    return {"table": table, "collection": collection,
            "figures": {r.code: (r.value, r.status) for r in result.indicators}}


def test_a_small_table_runs_the_whole_round(tmp_path):
    got = _round(tmp_path, SMALL_TABLE)
    table, collection = got["table"], got["collection"]
    assert [i.code for i in table.indicators] == ["A01", "A02"] and set(table.reporting_units()) == {"甲局", "乙局"}
    assert got["figures"] == {"A01": (pytest.approx(45.0), "pass"), "A02": (pytest.approx(12.5), "fail")}
    assert collection.values["leak_wm3"].value == 12.5 and collection.tasks[(1, "甲局")].status == "已完成"
    assert [(f.code, f.field) for f in collection.report] == []          # evidence not listed is owed, not a finding


def test_editing_a_target_changes_the_verdict(tmp_path):
    edited = dict(SMALL_TABLE, 指标=SMALL_TABLE["指标"].replace("| 2 | 10 | leak_wm3", "| 2 | 15 | leak_wm3"))
    assert _round(tmp_path, edited)["figures"]["A02"] == (pytest.approx(12.5), "pass")
