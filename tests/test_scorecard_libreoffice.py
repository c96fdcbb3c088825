"""A real spreadsheet program recomputes the scorecard: LibreOffice (full recalculation on load)
must reproduce every value and status Python computed — for several rounds — and the printout must be
A4 landscape.

The scorecards converted here are written with their cached values blanked, so what is read back
can only come from LibreOffice evaluating the formulas and names, never from the cache.
"""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES, make_collection
from helpers_template import named

from jieshui_xl.labels import STATUS_LABELS
from jieshui_xl.libreoffice import convert
from jieshui_xl.report import scorecard_json
from jieshui_xl.scorecard import context as scorecard_context
from jieshui_xl.scorecard import write_scorecard
from jieshui_xl.scored import compute_round
from jieshui_xl.spec import load_task_table

pytestmark = pytest.mark.libreoffice

WATER_UNIT = "区水利局"


def _without_unit(table, unit):
    values = {k: v for k, v in SAMPLE_VALUES.items() if table.items[k].reporter != unit}
    return make_collection(table, values=values, rows=SAMPLE_I15_ROWS,
                           units=[u for u in table.reporting_units() if u != unit])


ROUNDS = {  # name: (collection factory, expected statuses that show the round does what it says)
    "sample": (lambda t: make_collection(t, rows=SAMPLE_I15_ROWS),
               {"I01": "pass", "I03": "fail", "I15": "pass", "I20": "pass"}),       # I20: fees at 1.1× pass
    "missing_unit": (lambda t: _without_unit(t, WATER_UNIT),
                     {"I02": "missing", "I07": "missing", "I17": "missing", "I01": "pass"}),
    "contradiction": (lambda t: make_collection(t, values=dict(SAMPLE_VALUES, wells_closed_count=15),
                                                rows=SAMPLE_I15_ROWS), {"I02": "invalid"}),
    "no_wells": (lambda t: make_collection(t, values=dict(SAMPLE_VALUES, wells_closed_count=0, wells_total_count=0),
                                           rows=SAMPLE_I15_ROWS), {"I02": "pass"}),
    "i15_partial": (lambda t: make_collection(t, rows=SAMPLE_I15_ROWS + [
        dict(product_industry="化学原料和化学制品制造业", product_output=50.0, product_quota=3.0)]), {"I15": "invalid"}),
    "fees_1_3": (lambda t: make_collection(t, values=dict(SAMPLE_VALUES, resource_fee_collected_wyuan=403),
                                           rows=SAMPLE_I15_ROWS), {"I19": "invalid", "I20": "pass"}),
    "second_conditions": (lambda t: make_collection(t, values=dict(
        SAMPLE_VALUES, industrial_value_added_yi=20, industrial_intensity_decline_pct=6.0,  # 15 > 12.15, decline 6%
        reclaimed_use_wm3=400, reclaimed_rate_prev_pct=20,                                   # 22.2%, growth 11%
        gdp_intensity_prev=25, wells_closed_count=11), rows=[SAMPLE_I15_ROWS[0], dict(SAMPLE_I15_ROWS[1],
                                                                                      product_quota=10.0)]),
        {"I08": "pass", "I09": "pass", "I17": "pass", "I02": "fail", "I15": "fail"}),
    # exactly on target in a spreadsheet, 44.99999999999999 and 89.99999999999999 in binary floating point
    "on_the_target": (lambda t: make_collection(t, values=dict(
        SAMPLE_VALUES, permeable_area_km2=8.1, builtup_area_km2=18, planned_nonres_use_wm3=8.1,
        nonres_public_use_wm3=9), rows=SAMPLE_I15_ROWS), {"I01": "pass", "I12": "pass"}),
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every round written with blank caches and converted (recalculated) by LibreOffice once."""
    table = load_task_table()
    folder = tmp_path_factory.mktemp("lo")
    written = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scorecard_context, "cache", lambda value: "")
        for name, (make, _) in ROUNDS.items():
            collection = make(table)
            rnd = compute_round(table, collection)
            path = write_scorecard(rnd, folder / f"{name}.xlsx")
            written[name] = (rnd.result, scorecard_json(rnd), path)
    out = {}
    for name, (result, data, path) in written.items():
        xlsx = convert(path, "xlsx", folder / "recalculated")
        out[name] = (table, result, data, path, openpyxl.load_workbook(xlsx, data_only=True))
    return out


def _cell(wb, name):
    return named(wb, name)[1]


def _range(wb, name):
    return [row[0].value for row in named(wb, name)[1]]


@pytest.mark.parametrize("name", list(ROUNDS))
def test_libreoffice_reproduces_values_and_statuses(converted, name):
    table, result, data, path, wb = converted[name]
    blanked = openpyxl.load_workbook(path, data_only=True)
    assert _cell(blanked, "value_I01").value is None     # nothing cached: LibreOffice computed what follows
    for item in data["indicators"]:
        code = item["code"]
        value = _cell(wb, f"value_{code}").value
        if item["value"] is None:
            assert value in (None, ""), code
        else:
            assert isinstance(value, (int, float)) and value == pytest.approx(item["value"], rel=1e-9), code
        assert _cell(wb, f"status_{code}").value == STATUS_LABELS[item["status"]], code
        note = _cell(wb, f"status_{code}").offset(column=3).value or ""
        assert note == item["note"], code
    for code, ok in result.checks.items():
        assert bool(_cell(wb, code).value) is ok, code
    for ind in table.indicators:
        if ind.table:
            rows = result.by_code(ind.code).rows
            assert _range(wb, f"{ind.table}_rows_filled") == [float(r.filled) for r in rows]
            assert _range(wb, f"{ind.table}_rows_pass") == [float(r.passed) for r in rows]
            got = _range(wb, f"{ind.table}_rows_value")
            for r, v in zip(rows, got):
                assert v in (None, "") if r.value is None else v == pytest.approx(r.value, rel=1e-9)
    summary = [c.value for c in wb["评分表"][2] if c.value]
    assert data["verdict"] in summary
    assert f"达标指标：{data['passed']} / {len(data['indicators'])} 项" in summary


@pytest.mark.parametrize("name", list(ROUNDS))
def test_rounds_exercise_what_they_claim(converted, name):
    _, _, data, _, _ = converted[name]
    statuses = {i["code"]: i["status"] for i in data["indicators"]}
    for code, expected in ROUNDS[name][1].items():
        assert statuses[code] == expected, (name, code)
    if name == "sample":
        assert any(f["code"] == "check-warning" for f in data["findings"])   # fees at 1.1×: a warning only


@pytest.mark.skipif(not (shutil.which("pdfinfo") and shutil.which("pdftoppm")), reason="poppler-utils 未安装")
def test_pdf_is_a4_landscape(tmp_path):
    table = load_task_table()
    collection = make_collection(table, rows=SAMPLE_I15_ROWS)
    path = write_scorecard(compute_round(table, collection), tmp_path / "评分表.xlsx")
    pdf = convert(path, "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page") and "size" in line)
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert width == pytest.approx(842, abs=1) and height == pytest.approx(595, abs=1)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "考核指标评分表" in text and "底线指标" in text and "第 1 页" in text
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10_000
