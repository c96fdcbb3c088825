"""The history store across years: three rounds 2023 → 2024 → 2025 through one store, prefilled
last-year figures deciding I08/I09/I17, re-runs, concurrency, damaged and locked stores, export."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES
from helpers_template import read_identity

from jieshui_xl.fill import fill_workbook
from jieshui_xl.history import (
    SCHEMA_VERSION,
    current,
    default_history_path,
    history_json,
    record,
    runs,
)
from jieshui_xl.historyview import export_history
from jieshui_xl.prevyear import load_prev
from jieshui_xl.returns import collect
from jieshui_xl.round import run_round
from jieshui_xl.score import compute
from jieshui_xl.spec import load_task_table
from jieshui_xl.template import write_templates
from jieshui_xl.workbook_names import locate

REPO = Path(__file__).resolve().parents[1]

# Per year: what the departments type (None = the cell is cleared; absent = left as generated).
# Levels of I08/I09/I17 fail every year; the year-on-year rule decides, from the stored figures.
YEARS = {
    2023: dict(industrial_new_water_wm3=300, industrial_value_added_yi=20,      # 15 m³/万元
               reclaimed_use_wm3=400, sewage_treated_wm3=1800,                  # 22.22 %
               nonprimary_water_use_wm3=4000, gdp_nonprimary_yi=200,            # 20 m³/万元
               household_domestic_use_wm3=950),
    2024: dict(industrial_new_water_wm3=280, industrial_value_added_yi=20,      # 14: −6.7 % vs stored 15
               reclaimed_use_wm3=430, sewage_treated_wm3=1800,                  # 23.89: +7.5 % vs stored 22.22
               reclaimed_rate_prev_pct=None,                                    # cleared: the stored figure
               nonprimary_water_use_wm3=3900, gdp_nonprimary_yi=200,            # 19.5: −2.5 % vs stored 20
               gdp_intensity_prev=21.0,                                         # overwritten: −7.1 % vs 21
               household_domestic_use_wm3=950),
    2025: dict(industrial_new_water_wm3=260, industrial_value_added_yi=20,      # 13: −7.1 % vs stored 14
               reclaimed_use_wm3=440, sewage_treated_wm3=1800,
               nonprimary_water_use_wm3=3800, gdp_nonprimary_yi=200,
               household_domestic_use_wm3=950),
}
PREV_ITEMS = ("industrial_intensity_prev", "reclaimed_rate_prev_pct", "gdp_intensity_prev")


def _values(year: int) -> dict:
    base = {k: v for k, v in SAMPLE_VALUES.items() if k not in PREV_ITEMS}
    return {**base, **YEARS[year]}


def _forms(table, folder: Path, store: Path) -> dict[str, Path]:
    paths = write_templates(table, folder, prev=load_prev(store, table))
    return {read_identity(openpyxl.load_workbook(p, read_only=False)).unit: p for p in paths}


def _fill(table, forms: dict[str, Path], returns: Path, values: dict) -> None:
    for unit, form in forms.items():
        entries = [(code, None, v) for code, v in values.items() if code in table.items
                   and table.items[code].reporter == unit]
        for task in table.tasks_of(unit):
            entries.append((task.name("status"), None, "已完成"))
        if any(t.reporter == unit for t in table.tables.values()):
            entries += [(k, n, v) for n, row in enumerate(SAMPLE_I15_ROWS, 1) for k, v in row.items()]
        entries += [("contact_name", None, f"{unit}联系人"), ("contact_phone", None, "023-1")]
        fill_workbook(form, returns / f"{table.units[unit].code}.xlsx", entries)


def _round(tmp: Path, store: Path, year: int, values: dict | None = None):
    table = load_task_table(year=year)
    forms = _forms(table, tmp / f"forms{year}", store)
    returns = tmp / f"returns{year}"
    returns.mkdir(exist_ok=True)
    _fill(table, forms, returns, _values(year) if values is None else values)
    out = run_round(table, collect(table, returns), tmp / f"{year}.xlsx", tmp / f"{year}.json", history=store)
    return out, forms


@pytest.fixture(scope="module")
def three_rounds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rounds")
    store = tmp / "history.sqlite"
    got = {}
    for year in YEARS:
        got[year] = _round(tmp, store, year)
    return store, got


def _ind(out, code):
    return next(i for i in out.data["indicators"] if i["code"] == code)


def _findings(out, code):
    return [f for f in out.data["findings"] if f["code"] == code]


def test_first_year_has_no_record_and_says_so(three_rounds):
    store, got = three_rounds
    out, forms = got[2023]
    assert all(i["prev_year"] is None and i["prev_value"] is None and i["prev_status"] is None
               for i in out.data["indicators"])
    guide = openpyxl.load_workbook(forms["区经济信息委"])["填报说明"]
    texts = [c.value for row in guide.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("没有黔江区2022年度的记录" in t for t in texts)
    assert locate(openpyxl.load_workbook(forms["区经济信息委"]), "prev_industrial_value_added_yi") is None
    for code in ("I08", "I09", "I17"):
        assert _ind(out, code)["status"] == "fail"


def test_templates_prefill_last_years_figures_and_prev_cells(three_rounds):
    store, got = three_rounds
    _, forms = got[2024]
    wb = openpyxl.load_workbook(forms["区经济信息委"])
    place = locate(wb, "industrial_intensity_prev")
    cell = wb[place.sheet][place.cells[0]]
    assert cell.value == pytest.approx(15.0) and cell.protection.locked is False     # editable
    hint = wb[place.sheet].cell(cell.row, cell.column + 1).value
    assert "上年系统值" in hint
    prev = locate(wb, "prev_industrial_value_added_yi")
    prev_cell = wb[prev.sheet][prev.cells[0]]
    assert prev_cell.value == 20 and prev_cell.protection.locked is not False       # read-only
    assert "prev_industrial_value_added_yi" in wb.defined_names


def test_stored_figures_decide_the_year_on_year_rules(three_rounds):
    _, got = three_rounds
    out = got[2024][0]
    i08, i09, i17 = (_ind(out, c) for c in ("I08", "I09", "I17"))
    assert i08["value"] == pytest.approx(14.0) and i08["status"] == "pass"          # level fails, decline passes
    assert i08["calcs"]["I08_decline"] == pytest.approx((15 - 14) / 15 * 100)
    assert i09["status"] == "pass" and i09["calcs"]["I09_growth"] == pytest.approx((430 / 18 - 400 / 18) / (400 / 18) * 100)
    assert (i08["prev_year"], i08["prev_value"], i08["prev_status"]) == (2023, pytest.approx(15.0), "fail")
    assert i17["prev_value"] == pytest.approx(20.0) and i17["prev_status"] == "fail"
    out25 = got[2025][0]
    assert _ind(out25, "I08")["status"] == "pass"
    assert _ind(out25, "I08")["calcs"]["I08_decline"] == pytest.approx((14 - 13) / 14 * 100)
    assert _ind(out25, "I17")["prev_value"] == pytest.approx(19.5)


def test_a_cleared_prefill_takes_the_stored_figure(three_rounds):
    _, got = three_rounds
    out = got[2024][0]
    used = _findings(out, "prefill-used")
    assert [f["field"] for f in used] == ["reclaimed_rate_prev_pct"]
    assert "2023" in used[0]["message"] and "22.2" in used[0]["message"]
    assert out.round.collection.values["reclaimed_rate_prev_pct"].file == "历史数据库"


def test_an_overwritten_prefill_counts_and_is_reported(three_rounds):
    _, got = three_rounds
    out = got[2024][0]
    changed = _findings(out, "prefill-changed")
    assert [(f["field"], f["severity"]) for f in changed] == [("gdp_intensity_prev", "warning")]
    assert "20" in changed[0]["message"] and "21" in changed[0]["message"]
    i17 = _ind(out, "I17")
    assert i17["status"] == "pass" and i17["calcs"]["I17_decline"] == pytest.approx((21 - 19.5) / 21 * 100)


def test_prefilled_returns_have_no_spurious_findings(three_rounds):
    _, got = three_rounds
    for year in (2024, 2025):
        out = got[year][0]
        codes = {f["code"] for f in out.data["findings"]} - {"prefill-used", "prefill-changed"}
        assert not codes & {"extra-content", "extra-content-more", "name-missing", "name-broken", "cell-moved",
                            "cells-moved", "value-missing"}, out.data["findings"]
    assert _findings(got[2025][0], "prefill-changed") == [] and _findings(got[2025][0], "prefill-used") == []


def test_2024_is_a_leap_year_for_I05(three_rounds):
    _, got = three_rounds
    v = SAMPLE_VALUES
    for year, days in ((2023, 365), (2024, 366), (2025, 365)):
        i05 = _ind(got[year][0], "I05")
        expected = 950 * 10 ** 7 / (v["household_count"] * v["persons_per_household"] * days)
        assert i05["value"] == pytest.approx(expected) and i05["calcs"]["I05_days"] == days


def test_scorecard_shows_prev_change_and_trend(three_rounds):
    _, got = three_rounds
    out = got[2025][0]
    wb = openpyxl.load_workbook(out.scorecard)
    ws = wb["评分表"]
    header = [c.value for c in ws[3]]
    assert header[-2:] == ["上年值", "变化"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[2].value == "万元工业增加值用水量")
    assert row[-2].value == pytest.approx(14.0) and row[-1].value.startswith("=")
    cached = openpyxl.load_workbook(out.scorecard, data_only=True)["评分表"]
    assert cached.cell(row[-1].row, row[-1].column).value == "-1.00（越低越好：向好）"
    trend = wb["历年趋势"]
    assert [c.value for c in trend[3]][2:5] == ["2023年", "2024年", "2025年"]
    assert len(trend._charts) == 1 and trend._charts[0].tagname == "lineChart"


def test_history_json_and_rerun_supersedes(three_rounds, tmp_path):
    store, got = three_rounds
    copy = tmp_path / "h.sqlite"
    copy.write_bytes(store.read_bytes())
    out = got[2024][0]
    record(copy, out.round.table, out.round.collection, out.round.result)
    data = history_json(copy, "黔江区")
    years = [(r["year"], r["superseded"]) for r in data["runs"]]
    assert years == [(2023, False), (2024, True), (2024, False), (2025, False)]
    run = data["runs"][0]
    assert set(run) == {"city", "year", "recorded_at", "superseded", "indicators"}
    assert run["indicators"][0].keys() == {"code", "value", "status"} and len(run["indicators"]) == 20
    assert current(copy, "黔江区", 2024).values["gdp_intensity_prev"] == 21.0
    with sqlite3.connect(copy) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        prov = con.execute("SELECT unit, file, sheet, cell, contact, saved_at FROM item_value WHERE code = "
                           "'industrial_value_added_yi' LIMIT 1").fetchone()
    assert prov[0] == "区经济信息委" and prov[1].endswith(".xlsx") and prov[2] and prov[3] and "联系人" in prov[4]
    assert prov[5]


def test_export_read_back_with_pandas(three_rounds, tmp_path):
    import pandas as pd

    store, _ = three_rounds
    data = history_json(store)
    csv = export_history(data, tmp_path / "h.csv")
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(csv, encoding="utf-8-sig")
    assert len(frame) == 3 * 20 and set(frame["年度"]) == {2023, 2024, 2025}
    i08 = frame[(frame["年度"] == 2024) & (frame["指标代码"] == "I08")].iloc[0]
    assert i08["数值"] == pytest.approx(14.0) and i08["达标情况"] == "达标" and i08["城市"] == "黔江区"
    xlsx = pd.read_excel(export_history(data, tmp_path / "h.xlsx"), engine="openpyxl")
    assert xlsx.shape == frame.shape


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _small_round(tmp: Path, store: Path):
    table = load_task_table()
    forms = _forms(table, tmp / "forms", store)
    returns = tmp / "returns"
    returns.mkdir(exist_ok=True)
    _fill(table, {u: p for u, p in list(forms.items())[:2]}, returns, SAMPLE_VALUES)
    return table, collect(table, returns)


@pytest.mark.parametrize("damage", ["garbage", "newer", "locked"])
def test_a_bad_store_never_stops_the_scorecard_and_is_left_alone(tmp_path, damage):
    store = tmp_path / "history.sqlite"
    table, collection = _small_round(tmp_path, tmp_path / "none.sqlite")
    lock = None
    if damage == "garbage":
        store.write_bytes(b"not a database at all " * 100)
    else:
        record(store, table, collection, compute(table, collection))
        if damage == "newer":
            with sqlite3.connect(store) as con:
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        else:
            lock = sqlite3.connect(store, isolation_level=None)
            lock.execute("BEGIN IMMEDIATE")
            lock.execute("UPDATE run SET generator = 'x'")
    before = _hash(store)
    from jieshui_xl import history
    history.BUSY_MS, saved = 200, history.BUSY_MS
    try:
        out = run_round(table, collection, tmp_path / "s.xlsx", tmp_path / "s.json", history=store)
    finally:
        history.BUSY_MS = saved
        if lock is not None:
            lock.execute("ROLLBACK")
            lock.close()
    assert out.scorecard.is_file() and out.json.is_file()
    assert out.notices and str(store) in out.notices[0] and "未被改动" in out.notices[0]
    assert any(str(store) in n for n in json.loads(out.json.read_text("utf-8"))["notices"])
    assert _hash(store) == before


def test_two_concurrent_consolidations_are_both_recorded(tmp_path):
    table, _ = _small_round(tmp_path, tmp_path / "none.sqlite")
    store = tmp_path / "history.sqlite"
    cmd = [sys.executable, "-m", "jieshui_xl", "consolidate", str(tmp_path / "returns"), "--history", str(store)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen(cmd + ["--out", str(tmp_path / f"s{n}.xlsx")], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in range(2)]
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0 and "注意" not in stdout + stderr, stdout + stderr
    got = runs(store)
    assert [r["superseded"] for r in got] == [True, False]
    with sqlite3.connect(store) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT COUNT(DISTINCT run_id) FROM indicator_value").fetchone()[0] == 2


def test_history_command_lists_and_exports(three_rounds, tmp_path):
    store, _ = three_rounds
    cmd = [sys.executable, "-m", "jieshui_xl", "history", "--history", str(store), "--city", "黔江区",
           "--json", str(tmp_path / "h.json"), "--export", str(tmp_path / "h.csv")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert "黔江区" in proc.stdout and "当前" in proc.stdout and "2024" in proc.stdout
    data = json.loads((tmp_path / "h.json").read_text("utf-8"))
    assert [r["year"] for r in data["runs"]] == [2023, 2024, 2025]
    assert (tmp_path / "h.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_default_store_is_the_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("JIESHUI_HISTORY", str(tmp_path / "x.sqlite"))
    assert default_history_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("JIESHUI_HISTORY")
    assert default_history_path().name == "history.sqlite" and "jieshui_xl" in default_history_path().parts


def test_cli_start_up_imports_no_pandas_openpyxl_or_lxml():
    code = ("import sys\nfrom jieshui_xl.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'openpyxl', 'lxml', 'sqlite3') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr


def test_cli_templates_and_consolidate_with_a_damaged_store(tmp_path):
    from click.testing import CliRunner

    from jieshui_xl.cli import main

    store = tmp_path / "bad.sqlite"
    store.write_bytes(b"\x00garbage" * 64)
    before = _hash(store)
    runner = CliRunner()
    got = runner.invoke(main, ["templates", "--out", str(tmp_path / "forms"), "--history", str(store)])
    assert got.exit_code == 0 and str(store) in got.output and "未被改动" in got.output, got.output
    empty = runner.invoke(main, ["templates", "--out", str(tmp_path / "forms2"), "--history",
                                 str(tmp_path / "new.sqlite")])
    assert empty.exit_code == 0 and "没有黔江区2022年度的记录" in empty.output
    assert not (tmp_path / "new.sqlite").exists()              # reading never creates a store
    returns = tmp_path / "returns"
    returns.mkdir()
    table = load_task_table()
    forms = {read_identity(openpyxl.load_workbook(p)).unit: p for p in (tmp_path / "forms").glob("*.xlsx")}
    _fill(table, dict(list(forms.items())[:1]), returns, SAMPLE_VALUES)
    done = runner.invoke(main, ["consolidate", str(returns), "--out", str(tmp_path / "s.xlsx"), "--history", str(store)])
    assert done.exit_code == 0 and "注意" in done.output and str(store) in done.output, done.output
    assert (tmp_path / "s.xlsx").is_file() and _hash(store) == before


@pytest.mark.libreoffice
def test_libreoffice_recomputes_the_change_column_and_trend(three_rounds, tmp_path):
    from jieshui_xl.libreoffice import convert
    from jieshui_xl.scorecard.score_sheet import CHANGE_COL, HEADER_ROW

    _, got = three_rounds
    out = got[2025][0]
    ours = openpyxl.load_workbook(out.scorecard, data_only=True)
    theirs = openpyxl.load_workbook(convert(out.scorecard, "xlsx", tmp_path), data_only=True)
    rows = range(HEADER_ROW + 2, HEADER_ROW + 2 + len(out.round.table.indicators))
    changes = [ours["评分表"].cell(r, CHANGE_COL + 1).value for r in rows]
    assert sum(1 for c in changes if c) >= 15 and any("向好" in c for c in changes if c)
    assert changes == [theirs["评分表"].cell(r, CHANGE_COL + 1).value for r in rows]


@pytest.mark.parametrize("rule, direction", [
    ("value_I01>=target_I01", 1),
    ("target_I01>value_I01", -1),                      # reversed operands: below the target passes
    ("value_I01<target_I01", -1),
    ("AND(x_flag=1,target_I01<=value_I01)", 1),
    ("OR(a=0,IF(b>0,value_I01<=5,FALSE))", -1),
    ('x_flag="是"', 0),
])
def test_better_direction_is_read_from_the_parsed_rule(rule, direction):
    from types import SimpleNamespace

    from jieshui_xl.formula import parse
    from jieshui_xl.prevyear import better_direction

    ind = SimpleNamespace(rule=parse(rule), value_name="value_I01")
    assert better_direction(ind) == direction
