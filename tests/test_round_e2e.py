"""The whole round as the office runs it: templates → filled by departments → re-saved by
LibreOffice → `jieshui-xl consolidate` → scorecard whose LibreOffice recalculation equals the JSON.

Expected values are the hand-computed ones of test_compute.py (same sample numbers), here typed
into the real collection workbooks, partly the messy way people type them.
"""

from __future__ import annotations

import json
import math

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES
from helpers_template import named, read_identity
from test_compute import EXPECTED

from jieshui_xl.cli import main
from jieshui_xl.fill import fill_workbook
from jieshui_xl.libreoffice import convert, convert_many
from jieshui_xl.template import write_templates

pytestmark = pytest.mark.libreoffice

# How some departments type (item: text typed) — each must be read as the sample number.
MESSY = {
    "public_supply_wm3": "2,000.0",          # thousands separator, as text
    "wells_total_count": "１２",              # full-width digits
    "household_count": "100000户",            # trailing unit of the item
    "fiscal_expenditure_wyuan": " 600000 ",   # spaces
    "builtup_area_km2": "22.3km²",
}
TASKS = {1: "已完成", 2: "推进中", 3: "已完成", 4: "已完成", 5: "已完成", 6: "已完成", 7: "未启动", 8: "已完成"}


def _entries(table, unit):
    entries = []
    for item in table.items_of(unit):
        value = SAMPLE_VALUES[item.code]
        if value is not None:
            entries.append((item.code, None, MESSY.get(item.code, value)))
    for tbl in table.tables_of(unit):
        for n, row in enumerate(SAMPLE_I15_ROWS, start=1):
            entries += [(col.code, n, row[col.code]) for col in tbl.columns]
    for task in table.tasks_of(unit):
        entries.append((task.name("status"), None, TASKS[task.seq]))
    entries += [("contact_name", None, "测试员"), ("contact_phone", None, "023-1234567")]
    return entries


@pytest.fixture(scope="module")
def round_dirs(table, tmp_path_factory):
    """Templates, filled returns re-saved by LibreOffice (all units but one, which is late)."""
    root = tmp_path_factory.mktemp("round")
    templates = write_templates(table, root / "templates")
    late = "区机关事务管理中心"
    filled = []
    for path in templates:
        unit = read_identity(openpyxl.load_workbook(path)).unit
        if unit != late:
            filled.append(fill_workbook(path, root / "filled" / f"{unit}报送.xlsx", _entries(table, unit)))
    convert_many(filled, "xlsx", root / "returns")
    return root, late


@pytest.fixture(scope="module")
def consolidated(round_dirs):
    root, late = round_dirs
    out = root / "out" / "新建文件夹" / "评分表.xlsx"          # parent folders do not exist yet
    result = CliRunner().invoke(main, ["consolidate", str(root / "returns"), "--out", str(out),
                                       "--json", str(out.with_suffix(".json"))])
    assert result.exit_code == 0, result.output
    return out, json.loads(out.with_suffix(".json").read_text(encoding="utf-8")), late


def test_every_indicator_has_the_hand_computed_value_and_status(consolidated):
    _, data, _ = consolidated
    got = {i["code"]: i for i in data["indicators"]}
    assert len(got) == 20
    for code, (value, status, _target) in EXPECTED.items():
        if code == "I13":       # its unit is late: 数据缺失, no value
            assert got[code]["status"] == "missing" and got[code]["value"] is None
            continue
        assert got[code]["status"] == status, code
        if value is None:
            assert got[code]["value"] is None, code
        else:
            assert got[code]["value"] == pytest.approx(value, rel=1e-12), code


def test_messy_typing_is_accepted_with_a_warning_naming_the_cell(consolidated):
    _, data, _ = consolidated
    cleaned = {f["field"]: f for f in data["findings"] if f["code"] == "value-cleaned"}
    assert set(MESSY) <= set(cleaned)
    for code, typed in MESSY.items():
        f = cleaned[code]
        assert f["severity"] == "warning" and f["value"] == typed and f["cell"] and f["sheet"] and f["file"]
    assert not [f for f in data["findings"] if f["severity"] == "error"]


def test_late_unit_is_listed_and_its_indicator_missing(consolidated, round_dirs):
    _, data, late = consolidated
    missing = [f for f in data["findings"] if f["code"] == "unit-not-returned"]
    assert [f["unit"] for f in missing] == [late]
    root, _ = round_dirs
    status = CliRunner().invoke(main, ["status", str(root / "returns"), "--json", str(root / "status.json")])
    assert status.exit_code == 0
    units = {u["unit"]: u["status"] for u in json.loads((root / "status.json").read_text("utf-8"))["units"]}
    assert units[late] == "missing"
    assert all(s == "returned" for u, s in units.items() if u != late)


def test_libreoffice_recalculation_of_the_scorecard_equals_the_json(consolidated, tmp_path):
    out, data, _ = consolidated
    recalculated = openpyxl.load_workbook(convert(out, "xlsx", tmp_path), data_only=True)
    for ind in data["indicators"]:
        value = _named(recalculated, f"value_{ind['code']}")
        status = _named(recalculated, f"status_{ind['code']}")
        assert status == ind["status_label"], ind["code"]
        if ind["value"] is None:
            assert value in (None, ""), ind["code"]
        else:
            assert math.isclose(value, ind["value"], rel_tol=1e-9), ind["code"]


def _named(wb, name):
    return named(wb, name)[1].value
