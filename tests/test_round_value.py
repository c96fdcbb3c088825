"""Issue 15: the round is one value, and the history store only ever holds real rounds.

- A folder with no collection workbook exits non-zero and records nothing; a round whose outputs
  could not be written records nothing; a round with no form of its own year is not recorded.
- A store with values that are no finite number, or with views/triggers of its own, is a notice:
  the scorecard is written, nothing hangs, the file stays byte-identical.
- A unit's status is decided once: 报送情况, the scorecard JSON and ``status`` agree on every unit.
- A programmer can drive a round through the public API alone; a wheel carries the task table.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_VALUES, make_collection

import jieshui_xl
from jieshui_xl import history
from jieshui_xl.cli import main
from jieshui_xl.fill import fill_workbook

REPO = Path(__file__).resolve().parents[1]


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _runs(store: Path) -> list:
    return jieshui_xl.history_json(store)["runs"]


# -- what is recorded ----------------------------------------------------------------------------

def test_a_folder_of_junk_workbooks_exits_non_zero_and_records_nothing(tmp_path):
    returns = tmp_path / "回收表"
    returns.mkdir()
    for n in range(3):
        wb = openpyxl.Workbook()
        wb.active["A1"] = f"别的表 {n}"
        wb.save(returns / f"其他{n}.xlsx")
    store = tmp_path / "h.sqlite"
    result = _run("consolidate", returns, "--out", tmp_path / "s.xlsx", "--history", store)
    assert result.exit_code != 0
    assert "没有一个是本系统下发的填报表" in result.output and "未记入历史数据库" in result.output
    assert not (tmp_path / "s.xlsx").exists()
    assert not store.exists()


def test_a_round_whose_scorecard_cannot_be_written_records_nothing(tmp_path, table):
    forms = jieshui_xl.write_templates(table, tmp_path / "forms")
    returns = tmp_path / "回收表"
    returns.mkdir()
    shutil.copy(forms[0], returns / forms[0].name)
    store = tmp_path / "h.sqlite"
    blocked = tmp_path / "s.xlsx"
    blocked.mkdir()                                    # the scorecard's path is a folder: cannot be written
    result = _run("consolidate", returns, "--out", blocked, "--history", store)
    assert result.exit_code == 2, result.output
    assert _runs(store) == []


def test_last_years_forms_only_write_a_scorecard_but_record_nothing(tmp_path):
    assert _run("templates", "--year", "2022", "--out", tmp_path / "t2022").exit_code == 0
    returns = tmp_path / "回收表"
    returns.mkdir()
    src = next((tmp_path / "t2022").glob("*.xlsx"))
    shutil.copy(src, returns / src.name)
    store = tmp_path / "h.sqlite"
    result = _run("consolidate", returns, "--out", tmp_path / "s.xlsx", "--history", store)
    assert result.exit_code == 0, result.output
    assert "未记入历史数据库" in result.output
    assert (tmp_path / "s.xlsx").exists() and _runs(store) == []


def test_prefill_messages_say_what_was_prefilled(tmp_path, table):
    store = tmp_path / "h.sqlite"
    empty = jieshui_xl.compute_round(table, make_collection(table, values={}))   # every indicator 数据缺失
    history.record(store, table, empty.collection, empty.result)
    result = _run("templates", "--year", table.year + 1, "--out", tmp_path / "forms", "--history", store)
    assert result.exit_code == 0, result.output
    assert f"{table.year}年度的记录没有可预填的数值" in result.output
    for path in (tmp_path / "forms").glob("*.xlsx"):
        text = " ".join(str(c.value) for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row
                        if c.value is not None)
        assert "已按历史数据库" not in text, path.name


# -- a store that is not what the tool wrote ---------------------------------------------------------

def _store_with_a_2022_record(path: Path, table22) -> None:
    rnd = jieshui_xl.compute_round(table22, make_collection(table22))
    history.record(path, table22, rnd.collection, rnd.result)


def _text_value(con):
    con.execute("UPDATE indicator_value SET value = 'abc' WHERE code = 'I08'")


def _infinite_value(con):
    con.execute("UPDATE indicator_value SET value = 9e999 WHERE code = 'I09'")


def _item_infinity(con):
    con.execute("UPDATE item_value SET num = -9e999 WHERE code = 'public_supply_wm3'")


def _endless_view(con):
    con.execute("ALTER TABLE run RENAME TO run_data")
    con.execute("CREATE VIEW run AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                "SELECT r.* FROM run_data r, n")


def _trigger(con):
    con.execute("CREATE TRIGGER t AFTER INSERT ON run BEGIN DELETE FROM item_value; END")


@pytest.mark.parametrize("damage", [_text_value, _infinite_value, _item_infinity, _endless_view, _trigger])
def test_a_hostile_store_is_a_notice_and_is_left_alone(tmp_path, table, damage):
    store = tmp_path / "h.sqlite"
    _store_with_a_2022_record(store, jieshui_xl.load_task_table(year=table.year - 1))
    con = sqlite3.connect(store)
    damage(con)
    con.commit()
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    before = _digest(store)
    start = time.monotonic()
    rnd = jieshui_xl.compute_round(table, make_collection(table), jieshui_xl.load_prev(store, table))
    out = jieshui_xl.record_round(jieshui_xl.write_round(rnd, tmp_path / "s.xlsx", tmp_path / "s.json"), store)
    assert time.monotonic() - start < 60
    assert rnd.prev.record is None and rnd.prev.series == {} and len(rnd.prev.notices) == 1
    assert str(store) in rnd.prev.notices[0] and "评分表照常生成" in rnd.prev.notices[0]
    assert out.run_id is None and (tmp_path / "s.xlsx").exists()
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["notices"][-1] == rnd.prev.notices[0]
    assert _digest(store) == before


def test_every_statement_runs_under_a_deadline(tmp_path, monkeypatch):
    store = tmp_path / "h.sqlite"
    monkeypatch.setattr(history, "QUERY_SECONDS", 0.2)
    with pytest.raises(history.HistoryError, match="秒仍未完成"):
        with history._connect(store, write=True) as con:
            con.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")


def test_the_store_runs_no_code_of_its_schema(tmp_path):
    store = tmp_path / "h.sqlite"
    with history._connect(store, write=True) as con:
        assert con.execute("PRAGMA trusted_schema").fetchone()[0] == 0


# -- one decision of each unit's status --------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed_round(tmp_path_factory, table):
    """A returned, a rejected (an error that keeps an item out), an unreadable and a missing unit."""
    tmp = tmp_path_factory.mktemp("mixed")
    forms = {jieshui_xl.identify_file(p).unit: p for p in jieshui_xl.write_templates(table, tmp / "forms")}
    units = [u for u in table.reporting_units() if table.items_of(u)]
    good, bad, unreadable, missing = units[:4]
    returns = tmp / "回收表"
    wrong = next(i.code for i in table.items_of(bad) if isinstance(SAMPLE_VALUES[i.code], (int, float)))
    for unit, typed in ((good, {}), (bad, {wrong: "约十二"})):
        entries = [(i.code, None, typed.get(i.code, SAMPLE_VALUES[i.code])) for i in table.items_of(unit)
                   if SAMPLE_VALUES[i.code] is not None]
        fill_workbook(forms[unit], returns / f"{unit}.xlsx", entries)
    (returns / f"{unreadable}报送.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    out = tmp / "评分表.xlsx"
    result = _run("consolidate", returns, "--out", out, "--json", out.with_suffix(".json"), "--history",
                  tmp / "h.sqlite")
    assert result.exit_code == 0, result.output
    status = _run("status", returns, "--json", tmp / "status.json")
    assert status.exit_code == 0, status.output
    return (dict(good=good, bad=bad, unreadable=unreadable, missing=missing), out,
            json.loads(out.with_suffix(".json").read_text(encoding="utf-8")),
            json.loads((tmp / "status.json").read_text(encoding="utf-8")), status.output)


def _sheet_units(path: Path) -> dict:
    ws = openpyxl.load_workbook(path)["报送情况"]
    rows = {}
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[0], int) and row[1] and row[2] and row[5] is not None and row[1] not in rows:
            rows[row[1]] = dict(label=row[2], file=row[3] or None, errors=row[5])
    return rows


def test_the_units_status_agrees_in_the_sheet_the_json_and_status(mixed_round, table):
    units, path, data, status_data, status_output = mixed_round
    sheet = _sheet_units(path)
    scorecard = {u["unit"]: u for u in data["units"]}
    status = {u["unit"]: u for u in status_data["units"]}
    for unit in table.reporting_units():
        a, b, c = sheet[unit], scorecard[unit], status[unit]
        assert (a["file"], a["errors"]) == (b["file"], b["errors"]) == (c["file"], c["errors"]), unit
        assert b["status"] == c["status"] and a["label"] == b["label"] == c["label"], unit
        line = next(line for line in status_output.splitlines() if line.startswith(f"{unit}："))
        assert line.startswith(f"{unit}：{c['label']}"), line
    assert [status[units[k]]["status"] for k in ("good", "bad", "unreadable", "missing")] == \
        ["returned", "rejected", "rejected", "missing"]
    assert status[units["unreadable"]]["unreadable"] and status[units["unreadable"]]["file"]
    assert status[units["bad"]]["errors"] >= 1 and status[units["missing"]]["file"] is None


# -- the public API ----------------------------------------------------------------------------------

def test_a_round_scripted_through_the_public_api_alone(tmp_path):
    import jieshui_xl as j

    table = j.load_task_table()
    forms = j.write_templates(table, tmp_path / "forms")
    returns = tmp_path / "returns"
    returns.mkdir()
    for form in forms:                       # what a script would do: fill each named input with openpyxl
        wb = openpyxl.load_workbook(form)
        unit = j.identify_file(form).unit
        typed = {i.code: SAMPLE_VALUES[i.code] for i in table.items_of(unit) if SAMPLE_VALUES[i.code] is not None}
        typed |= {t.name("status"): "已完成" for t in table.tasks_of(unit)} | {"contact_name": "张三"}
        for name, value in typed.items():
            sheet, ref = next(iter(wb.defined_names[name].destinations))
            wb[sheet][ref.replace("$", "")] = value
        wb.save(returns / form.name)
    store = tmp_path / "h.sqlite"
    collection = j.collect(table, returns)
    rnd = j.compute_round(table, collection, j.load_prev(store, table))
    assert isinstance(rnd, j.Round) and rnd.real and all(u.status == j.UnitStatus.RETURNED for u in rnd.units)
    assert all(isinstance(r.status, j.IndicatorStatus) for r in rnd.result.indicators)
    assert all(isinstance(f.code, j.FindingCode) and isinstance(f.severity, j.Severity) for f in rnd.report)
    out = j.record_round(j.write_round(rnd, tmp_path / "s.xlsx", tmp_path / "s.json"), store)
    assert out.run_id is not None and out.data["passed"] == rnd.result.passed
    assert [r["year"] for r in j.history_json(store)["runs"]] == [table.year]
    assert j.status_json(table, collection)["units"][0]["status"] == "returned"
    assert issubclass(j.HistoryError, j.JieshuiError) and issubclass(j.TaskTableError, j.JieshuiError)


COMMAND_LAYER = {".clitext"}      # the command line's own parts (click's words in Chinese)


def test_cli_and_scripts_import_only_public_names():
    import ast

    sources = [REPO / "jieshui_xl" / "cli.py", *sorted((REPO / "scripts").glob("*.py"))]
    for path in sources:
        if path.name == "benchmark.py":      # a developer tool that measures the private readers
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = ("." * node.level) + (node.module or "")
                if module in (".", "jieshui_xl"):
                    assert {a.name for a in node.names} <= set(jieshui_xl.__all__), (path.name, ast.dump(node))
                elif path.name != "cli.py" or module not in COMMAND_LAYER:
                    assert not module.startswith((".", "jieshui_xl")), (path.name, module)


def test_a_wheel_carries_the_task_table_and_runs_the_demo(tmp_path):
    """Built from a copy of the checkout, installed without -e into a fresh environment, run elsewhere."""
    src = tmp_path / "src"
    for name in ("jieshui_xl", "templates", "setup.py", "setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, src / name)
    shutil.rmtree(src / "jieshui_xl" / "__pycache__", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "dist"), str(src)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True)
    shutil.rmtree(src)                                   # no checkout left to fall back on
    env = {**os.environ, "PYTHONPATH": ""}
    probe = subprocess.run([str(python), "-c", "import jieshui_xl, jieshui_xl.spec as s; t = jieshui_xl.load_task_table();"
                            " print(jieshui_xl.__file__); print(s.default_task_table_path()); print(len(t.indicators))"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert probe.returncode == 0, probe.stderr
    module, table_path, count = probe.stdout.split("\n")[:3]
    assert module.startswith(str(venv)) and table_path.startswith(str(venv)) and int(count) == 20
    demo = subprocess.run([str(bindir / "jieshui-xl"), "demo", "--out", str(tmp_path / "演示输出")],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert list((tmp_path / "演示输出" / "3_评分表").glob("*.xlsx"))
