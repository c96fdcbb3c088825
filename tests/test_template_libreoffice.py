"""Collection workbooks in a real spreadsheet program: LibreOffice prints them and recalculates
the self-check exactly as Python computes it (jieshui_xl.score)."""

from __future__ import annotations

import math

import openpyxl
import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES, make_collection
from helpers_template import cell_of, fill, workbook_path

from jieshui_xl.libreoffice import convert
from jieshui_xl.score import compute
from jieshui_xl.template import write_templates

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def folder(table, tmp_path_factory):
    out = tmp_path_factory.mktemp("templates_lo")
    write_templates(table, out)
    return out


def test_every_workbook_converts_to_pdf(table, folder, tmp_path):
    for unit in table.reporting_units():
        pdf = convert(workbook_path(table, folder, unit), "pdf", tmp_path)
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 1, unit


def _variant(**changes):
    values = dict(SAMPLE_VALUES)
    values.update(changes)
    return values


SCENARIOS = [  # unit, values, I15 rows, statuses that must come out (besides agreeing with Python)
    ("区城市管理局", _variant(), None, {"I03": "未达标", "I05": "达标"}),
    ("区水利局", _variant(wells_total_count=None), None, {"I02": "数据缺失"}),
    ("区住房城乡建委", _variant(permeable_area_km2=30.0), None, {"I01": "数据异常"}),
    ("区经济信息委", _variant(industrial_value_added_yi=10), SAMPLE_I15_ROWS, {"I08": "未达标", "I15": "达标"}),
    ("区生态环境局", _variant(water_quality_improving="否"), None, {"I04": "未达标"}),
]


@pytest.mark.parametrize("unit,values,rows,expected", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_selfcheck_recalculates_like_python(table, folder, tmp_path, unit, values, rows, expected):
    filled = fill(workbook_path(table, folder, unit), values, rows, out=tmp_path / "filled.xlsx")
    recalculated = convert(filled, "xlsx", tmp_path / "recalc")
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    result = compute(table, make_collection(table, values, rows=rows))
    mine = [r for r in result.indicators if table.indicator_reporter(r.indicator) == unit]
    assert mine
    for r in mine:
        ind = r.indicator
        assert cell_of(wb, ind.status_name).value == r.status_label, ind.code
        _same_number(cell_of(wb, ind.value_name).value, r.value, ind.code)
        for code, value in r.calcs.items():
            _same_number(cell_of(wb, code).value, value if isinstance(value, float) else None, code)
        for chk in table.checks_of(ind):
            assert cell_of(wb, chk.code).value is result.checks[chk.code], chk.code
    labels = {r.code: r.status_label for r in mine}
    assert {code: labels[code] for code in expected} == expected


def _same_number(got, want, what):
    if want is None:
        assert got in (None, ""), (what, got)
    else:
        assert isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), (what, got, want)
