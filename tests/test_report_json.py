"""The scorecard JSON: the contract of docs/spec_interfaces.md (keys, types, status mapping)."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES, make_collection

from jieshui_xl.data import Submission
from jieshui_xl.labels import STATUS_LABELS
from jieshui_xl.report import scorecard_json
from jieshui_xl.scored import compute_round

STATUSES = {"pass", "fail", "missing", "invalid"}


def run(table, collection):
    rnd = compute_round(table, collection)
    result, data = rnd.result, scorecard_json(rnd)
    # Plain JSON, no NaN/Infinity, and the same after a round trip.
    assert json.loads(json.dumps(data, ensure_ascii=False, allow_nan=False)) == data
    return result, data


def test_contract_keys_and_types(table, sample_collection):
    result, data = run(table, sample_collection)
    assert data["year"] == table.year == 2023 and isinstance(data["year"], int)
    assert {"year", "indicators", "findings", "submissions"} <= set(data)
    assert [i["code"] for i in data["indicators"]] == [ind.code for ind in table.indicators]
    for item, ind in zip(data["indicators"], table.indicators):
        assert {"code", "name", "value", "unit", "status", "target", "type"} <= set(item)
        assert item["name"] == ind.name and item["unit"] == ind.result_unit
        assert item["target"] == ind.requirement and isinstance(item["target"], str)
        assert item["type"] in ("导向", "底线") and item["type"] == ind.type_label
        assert item["status"] in STATUSES
        assert item["value"] is None or (isinstance(item["value"], float) and not isinstance(item["value"], bool))
        assert item["veto"] == (item["type"] == "底线")
        assert item["status_label"] == STATUS_LABELS[item["status"]]
    first = data["indicators"][0]
    assert first == {**first, "code": "I01", "name": "城市可渗透地面面积比例", "unit": "%", "status": "pass",
                     "target": "不低于45%", "type": "导向"}
    # Full precision, not the 2 decimals shown.
    assert first["value"] == pytest.approx(10.5 / 22.3 * 100, rel=1e-12)
    assert first["value"] != round(first["value"], 2)
    assert data["passed"] == result.passed == sum(i["status"] == "pass" for i in data["indicators"])
    assert data["verdict"] == result.verdict and data["veto_ok"] is result.veto_ok
    assert data["city"] == table.city
    i03 = next(i for i in data["indicators"] if i["code"] == "I03")
    assert set(i03["calcs"]) >= {"I03_R_WL", "I03_R_n"}
    assert i03["calcs"]["I03_R_WL"] == pytest.approx(14.0)
    i15 = next(i for i in data["indicators"] if i["code"] == "I15")
    assert i15["value"] is None and len(i15["rows"]) == 2 and i15["rows"][0]["value"] == pytest.approx(20.0)
    assert [t["seq"] for t in data["tasks"]] == [t.seq for t in table.checklist]
    assert [u["unit"] for u in data["units"]] == table.reporting_units()
    assert all(u["status"] == "returned" for u in data["units"])


def test_missing_values_are_null_and_status_mapping(table):
    values = dict(SAMPLE_VALUES, wells_total_count=None, permeable_area_km2=30.0,  # > builtup: invalid
                  saving_fund_wyuan=1.0)                                        # far below 0.5‰: fail
    result, data = run(table, make_collection(table, values=values, rows=SAMPLE_I15_ROWS))
    by_code = {i["code"]: i for i in data["indicators"]}
    assert by_code["I02"]["status"] == "missing" and by_code["I02"]["value"] is None
    assert by_code["I02"]["missing_items"] == ["wells_total_count"]
    assert by_code["I01"]["status"] == "invalid" and by_code["I01"]["failed_checks"]
    assert by_code["I18"]["status"] == "fail" and by_code["I18"]["value"] == pytest.approx(1 / 600000 * 1000)
    assert by_code["I01"]["status_label"] == "数据异常" and by_code["I02"]["status_label"] == "数据缺失"
    assert {i["status"] for i in data["indicators"]} == STATUSES
    assert data["veto_ok"] is False


def test_i02_without_wells_passes_with_null_value(table):
    values = dict(SAMPLE_VALUES, wells_closed_count=0, wells_total_count=0)
    _, data = run(table, make_collection(table, values=values, rows=SAMPLE_I15_ROWS))
    i02 = next(i for i in data["indicators"] if i["code"] == "I02")
    assert i02["value"] is None and i02["status"] == "pass" and i02["note"] == "无自备井"


def test_findings_and_submissions(table):
    c = make_collection(table, rows=SAMPLE_I15_ROWS, units=[u for u in table.reporting_units() if u != "区财政局"])
    c.report.add("value-not-number", unit="区水利局", file="水利.xlsx", sheet="数据", cell="D12",
                 field="wells_total_count", value="约12", label="自备井总数", item_unit="眼")
    c.submissions.append(Submission(file="旧/水利.xlsx", unit="区水利局", status="superseded", reason="有更新的版本"))
    result, data = run(table, c)
    assert len(data["findings"]) == len(c.report) + len(result.report)
    keys = {"code", "severity", "unit", "file", "sheet", "cell", "field", "value", "message"}
    for f in data["findings"]:
        assert keys <= set(f)
        assert f["severity"] in ("error", "warning", "info") and f["message"]
    first = data["findings"][0]
    assert first == {**first, "code": "value-not-number", "severity": "error", "unit": "区水利局", "file": "水利.xlsx",
                     "sheet": "数据", "cell": "D12", "field": "wells_total_count", "value": "约12"}
    assert any(f["code"] == "unit-not-returned" and f["unit"] == "区财政局" for f in data["findings"])
    subs = data["submissions"]
    assert len(subs) == len(c.submissions)
    for s in subs:
        assert {"unit", "file", "status"} <= set(s)
    assert subs[-1] == {**subs[-1], "unit": "区水利局", "file": "旧/水利.xlsx", "status": "superseded",
                        "reason": "有更新的版本"}
    units = {u["unit"]: u for u in data["units"]}
    assert units["区财政局"]["status"] == "missing" and units["区财政局"]["file"] is None
    assert units["区水利局"]["status"] == "returned" and units["区水利局"]["file"] == "区水利局.xlsx"
