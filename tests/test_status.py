"""status_json: one entry per reporting unit, in table order, returned / rejected / missing."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES
from returns_builder import ReturnsBuilder

from jieshui_xl.cli import main
from jieshui_xl.data import Collection, Submission
from jieshui_xl.returns import collect
from jieshui_xl.status import status_json


def _collection(table, *subs):
    c = Collection(year=table.year, city=table.city)
    c.submissions.extend(subs)
    return c


def test_shape_and_order(table):
    data = status_json(table, _collection(table))
    assert data["year"] == table.year
    assert [u["unit"] for u in data["units"]] == table.reporting_units()
    assert all({"unit", "status", "file", "errors"} <= set(u) for u in data["units"])
    assert {(u["status"], u["file"], u["errors"]) for u in data["units"]} == {("missing", None, 0)}
    json.dumps(data, ensure_ascii=False)


def test_statuses(table):
    a, b, c, d = table.reporting_units()[:4]
    data = status_json(table, _collection(
        table,
        Submission(file="a.xlsx", unit=a),
        Submission(file="b.xlsx", unit=b, errors=3),
        Submission(file="c_old.xlsx", unit=c, status="rejected", errors=1, reason="年度不符"),
        Submission(file="a_old.xlsx", unit=a, status="superseded", warnings=1),
        Submission(file="x.txt", status="rejected", errors=1),
        Submission(file="~$a.xlsx", status="skipped"),
    ))
    units = {u["unit"]: u for u in data["units"]}
    assert (units[a]["status"], units[a]["file"], units[a]["errors"]) == ("returned", "a.xlsx", 0)
    assert [f["file"] for f in units[a]["files"]] == ["a.xlsx", "a_old.xlsx"]
    assert (units[b]["status"], units[b]["file"], units[b]["errors"]) == ("rejected", "b.xlsx", 3)
    assert (units[c]["status"], units[c]["file"], units[c]["errors"]) == ("rejected", "c_old.xlsx", 1)
    assert units[c]["files"][0]["reason"] == "年度不符"
    assert (units[d]["status"], units[d]["file"]) == ("missing", None)
    assert [f["file"] for f in data["other_files"]] == ["x.txt", "~$a.xlsx"]


def test_status_of_a_collected_folder_and_cli(table, tmp_path):
    units = table.reporting_units()
    builder = ReturnsBuilder(table, tmp_path / "work")
    folder = tmp_path / "回收"
    builder.round(folder, SAMPLE_VALUES, SAMPLE_I15_ROWS, units=units[1:])
    unit = table.items["wells_total_count"].reporter
    values = dict(builder.unit_values(unit, SAMPLE_VALUES), wells_total_count="约12")
    builder.returned(unit, folder / f"{table.units[unit].code}.xlsx", values)
    data = status_json(table, collect(table, folder))
    by_unit = {u["unit"]: u for u in data["units"]}
    assert by_unit[units[0]]["status"] == "missing"
    assert (by_unit[unit]["status"], by_unit[unit]["errors"]) == ("rejected", 1)
    assert sum(u["status"] == "returned" for u in data["units"]) == len(units) - 2

    out = tmp_path / "status.json"
    result = CliRunner().invoke(main, ["status", str(folder), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["units"] == json.loads(json.dumps(data["units"], default=str))
    assert f"{units[0]}：未报送" in result.output
    assert f"{unit}：被退回" in result.output        # the scorecard's label (labels.UNIT_STATUS_LABELS)


def test_cli_status_without_folder(tmp_path):
    result = CliRunner().invoke(main, ["status", str(tmp_path / "没有")])
    assert result.exit_code == 2 and "找不到回收文件夹" in result.output
