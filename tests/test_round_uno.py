"""The round filled *in LibreOffice itself* (UNO), saved as .xlsx (and one as .ods), consolidated.

This is the closest to how departments work: a real spreadsheet program opens the collection
workbook, values are entered into the named input cells (numbers as numbers, messy text as typed
text) and the program saves it.  Needs LibreOffice's Python bridge (Debian: python3-uno).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_compute import EXPECTED
from test_round_e2e import _entries

from jieshui_xl.cli import main
from jieshui_xl.libreoffice import soffice_path
from jieshui_xl.returns import identify_file
from jieshui_xl.template import write_templates

pytestmark = pytest.mark.libreoffice
UNO_PYTHON = "/usr/bin/python3"


def _has_uno() -> bool:
    try:
        return subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def filled_in_libreoffice(table, tmp_path_factory):
    if not _has_uno():
        pytest.skip("LibreOffice 的 Python 接口（python3-uno）不可用：跳过在 LibreOffice 中填报的测试")
    root = tmp_path_factory.mktemp("uno")
    jobs = []
    for path in write_templates(table, root / "templates"):
        unit = identify_file(path).unit
        fmt = "ods" if unit == "区财政局" else "xlsx"
        entries = [[n, r, v.isoformat() if isinstance(v, dt.date) else v] for n, r, v in _entries(table, unit)]
        if unit == table.items["reclaimed_rate_prev_pct"].reporter:
            entries.append(["reclaimed_rate_prev_pct", None, {"typed": "26%"}])     # Calc stores 0.26, 0%
        jobs.append({"template": str(path), "target": str(root / "returns" / f"{unit}.{fmt}"), "format": fmt,
                     "entries": entries})
    (root / "returns").mkdir()
    spec = root / "jobs.json"
    spec.write_text(json.dumps({"soffice": soffice_path(), "jobs": jobs}, ensure_ascii=False), encoding="utf-8")
    script = Path(__file__).with_name("lo_fill.py")
    subprocess.run([UNO_PYTHON, str(script), str(spec)], check=True, timeout=600)
    return root


def test_round_filled_in_libreoffice_gives_every_hand_computed_result(filled_in_libreoffice):
    root = filled_in_libreoffice
    out = root / "score" / "评分表.xlsx"
    result = CliRunner().invoke(main, ["consolidate", str(root / "returns"), "--out", str(out),
                                       "--json", str(out.with_suffix(".json"))])
    assert result.exit_code == 0, result.output
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    got = {i["code"]: i for i in data["indicators"]}
    for code, (value, status, _target) in EXPECTED.items():
        assert got[code]["status"] == status, code
        if value is None:
            assert got[code]["value"] is None, code
        else:
            assert got[code]["value"] == pytest.approx(value, rel=1e-12), code
    assert not [f for f in data["findings"] if f["severity"] == "error"], data["findings"]
    assert {u["unit"]: u["status"] for u in data["units"]}["区财政局"] == "returned"      # the .ods one
    assert all(s["status"] == "accepted" for s in data["submissions"])


def test_percent_typed_in_calc_is_read_in_percent(filled_in_libreoffice):
    """“26%” typed into a % item becomes 0.26 with a percent format in Calc: read as 26 (with a warning)."""
    root = filled_in_libreoffice
    data = json.loads((root / "score" / "评分表.json").read_text(encoding="utf-8"))
    i09 = next(i for i in data["indicators"] if i["code"] == "I09")
    rate = 500 / 1800 * 100
    assert i09["calcs"]["I09_growth"] == pytest.approx((rate - 26) / 26 * 100, rel=1e-9)
    warned = [f for f in data["findings"] if f["field"] == "reclaimed_rate_prev_pct"]
    assert [f["code"] for f in warned] == ["value-cleaned"]
