"""`jieshui-xl demo`: the bundled round end to end, as README's main-job command runs it."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from jieshui_xl.cli import main
from jieshui_xl.demo import read_demo_rows
from jieshui_xl.libreoffice import available

# What the bundled sample data (jieshui_xl/data/demo_round.csv) must give; hand-computed.
R_WL = (2650 - (2318 + 35.5)) / 2650 * 100
R1 = 0.08 * 1105 / 2650 * 100
R2 = 0.99 * (196 / 2650 - 0.0693) * 100
DEMO_EXPECTED = {
    "I01": (15.82 / 33.6 * 100, "pass"),
    "I02": (100.0, "pass"),
    "I03": (R_WL - (R1 + R2 + 0 + 0), "pass"),          # pressure 0.32 MPa → R3 = 0; frost 0 → R4 = 0
    "I05": (1180 * 1e7 / (96500 * 2.62 * 365), "pass"),
    "I06": (8860 / 96500 * 100, "fail"),                 # below 10%
    "I08": (812 / 86.4, "pass"),
    "I13": (None, "missing"),                            # 区机关事务管理中心 is late
    "I15": (None, "pass"),
    "I17": (7320 / 238.5, "pass"),                       # above 0.4 × 46.9, but declined 7.28% from 33.1
    "I18": (980 / 1562300 * 1000, "pass"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "演示输出"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_demo_leaves_templates_returns_scorecard_and_json(demo, table):
    out, output = demo
    assert len(list((out / "1_填报表").glob("*.xlsx"))) == len(table.reporting_units())
    scorecard = next((out / "3_评分表").glob("*.xlsx"))
    names = openpyxl.load_workbook(scorecard).defined_names
    for ind in table.indicators:
        assert ind.value_name in names and ind.status_name in names
    assert "评分表" in output and "未报送（请催报）：区机关事务管理中心" in output


def test_demo_pdf_exists_where_libreoffice_does(demo):
    out, output = demo
    pdfs = list((out / "3_评分表").glob("*.pdf"))
    assert len(pdfs) == (1 if available() else 0)
    assert ("PDF：" in output) == available()


@pytest.mark.parametrize("code", sorted(DEMO_EXPECTED))
def test_demo_indicator(demo, code):
    out, _ = demo
    data = json.loads(next((out / "3_评分表").glob("*.json")).read_text(encoding="utf-8"))
    ind = next(i for i in data["indicators"] if i["code"] == code)
    value, status = DEMO_EXPECTED[code]
    assert ind["status"] == status
    assert ind["value"] == (None if value is None else pytest.approx(value, rel=1e-12))


def test_demo_shows_the_mess_it_was_given(demo):
    out, _ = demo
    data = json.loads(next((out / "3_评分表").glob("*.json")).read_text(encoding="utf-8"))
    codes = {f["code"] for f in data["findings"]}
    assert {"value-cleaned", "file-superseded", "file-wrong-year", "file-skipped", "unit-not-returned"} <= codes
    typed = {f["value"] for f in data["findings"] if f["code"] == "value-cleaned"}
    assert {"１２", "12眼", "8,860", "24.1%", "980万元"} <= typed


def test_demo_data_is_a_readable_table_covering_every_returning_unit(table):
    files = read_demo_rows()
    units = {unit for (_name, unit, _year) in files}
    assert units == set(table.reporting_units()) - {"区机关事务管理中心"}
