"""`consolidate --by-city`: districts sharing the task table return into one folder.

Two cities' rounds are generated and filled here (file names made neutral, so cities can only be
found by content), with a foreign workbook and an Office lock file beside them.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES, make_collection

from jieshui_xl.bycity import consolidate_by_city, overview_name, scorecard_name
from jieshui_xl.cli import main
from jieshui_xl.fill import fill_workbook
from jieshui_xl.labels import STATUS_LABELS, VERDICTS
from jieshui_xl.overview import FILES_SHEET, FINDINGS_SHEET, SUMMARY_SHEET, write_overview
from jieshui_xl.returns import collect, identify_file
from jieshui_xl.score import compute
from jieshui_xl.spec import load_task_table
from jieshui_xl.template import write_templates

CITIES = ["黔江区", "石柱县"]
CHANGED = {"黔江区": {"billed_use_wm3": 1800},          # I03 (a veto indicator) passes there
           "石柱县": {"wells_closed_count": 9}}         # I02 (a veto indicator) fails there
LATE = {"石柱县": "区机关事务管理中心"}                  # returns nothing in that city
FOREIGN, LOCK = "别的表格.xlsx", "~$return_03.xlsx"


def _values(table, city):
    values = dict(SAMPLE_VALUES, **CHANGED[city])
    if city in LATE:
        values.update({item.code: None for item in table.items_of(LATE[city])})
    return values


def _entries(table, unit, values):
    entries = [(item.code, None, values[item.code]) for item in table.items_of(unit)
               if values[item.code] is not None]
    for tbl in table.tables_of(unit):
        for n, row in enumerate(SAMPLE_I15_ROWS, start=1):
            entries += [(col.code, n, row[col.code]) for col in tbl.columns]
    return entries + [("contact_name", None, "填报人")]     # task-only units fill at least this


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    """returns/: both cities' filled workbooks under neutral names, a foreign workbook, a lock file."""
    root = tmp_path_factory.mktemp("bycity")
    returns = root / "returns"
    returns.mkdir()
    city_of: dict[str, str] = {}
    n = 0
    for city in CITIES:
        table = load_task_table(city=city)
        values = _values(table, city)
        for path in write_templates(table, root / "templates" / city):
            unit = identify_file(path).unit
            if unit == LATE.get(city):
                continue
            n += 1
            name = f"return_{n:02d}.xlsx"
            fill_workbook(path, returns / name, _entries(table, unit, values))
            city_of[name] = city
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "=SUM(1,2)"
    foreign.save(returns / FOREIGN)
    (returns / LOCK).write_bytes(b"\x00lock")
    return root, returns, city_of


@pytest.fixture(scope="module")
def done(round_):
    root, returns, _ = round_
    return consolidate_by_city(returns, root / "out")


def _expected(city):
    table = load_task_table(city=city)
    units = [u for u in table.reporting_units() if u != LATE.get(city)]
    return table, compute(table, make_collection(table, _values(table, city), rows=SAMPLE_I15_ROWS, units=units))


def _city_json(root, city):
    year = load_task_table().year
    return json.loads((root / "out" / city / f"{scorecard_name(year, city)}.json").read_text("utf-8"))


def _overview_json(root):
    year = load_task_table().year
    return json.loads((root / "out" / f"{overview_name(year)}.json").read_text("utf-8"))


@pytest.mark.parametrize("city", CITIES)
def test_each_city_json_has_the_statuses_and_values_compute_gives(done, round_, city):
    root, _, _ = round_
    data = _city_json(root, city)
    assert data["city"] == city
    _, expected = _expected(city)
    got = {i["code"]: i for i in data["indicators"]}
    assert len(got) == len(expected.indicators) == 20
    for r in expected.indicators:
        assert got[r.code]["status"] == r.status, (city, r.code)
        if r.value is None or isinstance(r.value, str):
            assert got[r.code]["value"] is None, (city, r.code)
        else:
            assert got[r.code]["value"] == pytest.approx(r.value, rel=1e-12), (city, r.code)
    assert (data["passed"], data["veto_ok"]) == (expected.passed, expected.veto_ok)
    assert (root / "out" / city / f"{scorecard_name(data['year'], city)}.xlsx").is_file()


def test_the_two_cities_differ_where_their_values_do(done, round_):
    root, _, _ = round_
    a, b = ({i["code"]: i["status"] for i in _city_json(root, c)["indicators"]} for c in CITIES)
    assert (a["I03"], b["I03"]) == ("pass", "fail")
    assert (a["I02"], b["I02"]) == ("pass", "fail")
    assert a["I13"] != "missing" and b["I13"] == "missing"    # 石柱县's late unit reports I13's item


@pytest.mark.parametrize("city", CITIES)
def test_a_city_result_holds_only_its_own_files(done, round_, city):
    root, _, city_of = round_
    data = _city_json(root, city)
    files = {s["file"] for s in data["submissions"]}
    assert files == {name for name, c in city_of.items() if c == city}
    codes = {f["code"] for f in data["findings"]}
    assert not codes & {"file-wrong-city", "file-unknown", "file-skipped"}
    assert all(f["file"] in files for f in data["findings"] if f["file"])
    assert all(s["status"] == "accepted" for s in data["submissions"])
    missing = [f["unit"] for f in data["findings"] if f["code"] == "unit-not-returned"]
    assert missing == ([LATE[city]] if city in LATE else [])


def test_overview_json_lists_both_cities_with_their_counts(done, round_):
    root, _, _ = round_
    data = _overview_json(root)
    assert data == done.data
    assert data["year"] == load_task_table().year
    assert [c["city"] for c in data["cities"]] == sorted(CITIES)
    for entry in data["cities"]:
        table, expected = _expected(entry["city"])
        assert entry["passed"] == expected.passed and entry["total"] == 20
        assert entry["veto_ok"] == expected.veto_ok and entry["verdict"] == expected.verdict
        assert entry["units_total"] == len(table.reporting_units()) == 13
        assert entry["returned"] == 13 - (entry["city"] in LATE)
        assert [(i["code"], i["status"]) for i in entry["indicators"]] == \
            [(r.code, r.status) for r in expected.indicators]
        assert (root / "out" / entry["scorecard"]).is_file() and (root / "out" / entry["json"]).is_file()
        assert entry["scorecard"] == f"{entry['city']}/{scorecard_name(data['year'], entry['city'])}.xlsx"
    got = {c["city"]: (c["passed"], c["veto_ok"]) for c in data["cities"]}
    assert got == {"黔江区": (18, True), "石柱县": (16, False)}


def test_files_of_no_city_are_overview_findings_not_dropped(done, round_):
    root, _, _ = round_
    findings = _overview_json(root)["findings"]
    assert {(f["file"], f["code"]) for f in findings} == {(FOREIGN, "file-unknown"), (LOCK, "file-skipped")}
    assert all(f["message"] for f in findings)


def test_overview_workbook(done):
    wb = openpyxl.load_workbook(done.overview)
    assert wb.sheetnames == [SUMMARY_SHEET, FILES_SHEET, FINDINGS_SHEET]
    ws = wb[SUMMARY_SHEET]
    assert ws.freeze_panes == "C4"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.page_setup.fitToWidth in (None, 1)                              # 1 is the default
    header = [c.value for c in ws[3]]
    assert header[:2] == ["序号", "区县"] and header[2].endswith("城市可渗透地面面积比例")
    assert header[3].startswith("★I02")
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, max_row=5, values_only=True)}
    assert set(rows) == set(CITIES)
    for entry in done.data["cities"]:
        row = rows[entry["city"]]
        assert list(row[2:22]) == [STATUS_LABELS[i["status"]] for i in entry["indicators"]]
        assert row[22] == entry["passed"] and row[23] == entry["verdict"] and row[24] == entry["returned"]
    rules = [r.formula[0] for rng in ws.conditional_formatting for r in rng.rules]
    for label in list(STATUS_LABELS.values()) + list(VERDICTS.values()):
        assert f'"{label}"' in rules
    files = wb[FILES_SHEET]
    listed = {r[1]: r[5] for r in files.iter_rows(min_row=4, values_only=True) if r[1]}
    assert listed == {c["city"]: c["scorecard"] for c in done.data["cities"]}
    problems = [r[1] for r in wb[FINDINGS_SHEET].iter_rows(min_row=4, values_only=True) if r[1]]
    assert sorted(problems) == sorted([FOREIGN, LOCK])


def test_overview_writes_department_text_as_strings_never_formulas(tmp_path):
    table = load_task_table()
    data = {"year": 2023, "title": "", "generated_at": "",
            "indicators": [{"code": i.code, "name": i.name, "veto": i.is_veto} for i in table.indicators],
            "cities": [{"city": "=HYPERLINK(\"http://x\",\"y\")", "passed": 1, "total": 20, "veto_ok": False,
                        "verdict": VERDICTS[False], "scorecard": "=a/b.xlsx", "json": "=a/b.json",
                        "indicators": [{"code": i.code, "status": "pass", "value": 1.0} for i in table.indicators],
                        "returned": 1, "units_total": 13, "errors": 0}],
            "findings": [{"code": "file-unknown", "severity": "error", "file": "=1+2", "message": "+SUM(1)"}]}
    wb = openpyxl.load_workbook(write_overview(data, tmp_path / "o.xlsx"))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    texts = {c.value for c in cells}
    assert {"=HYPERLINK(\"http://x\",\"y\")", "=1+2", "+SUM(1)"} <= texts
    assert all(c.data_type == "s" for c in cells if c.value.startswith(("=", "+")))


def test_collect_without_cities_is_unchanged_and_with_cities_keeps_one(round_):
    _, returns, city_of = round_
    table = load_task_table(city="黔江区")
    everything = collect(table, returns)
    assert {s.file for s in everything.submissions} == set(city_of) | {FOREIGN, LOCK}
    wrong = {f.file for f in everything.report if f.code == "file-wrong-city"}
    assert wrong == {name for name, c in city_of.items() if c == "石柱县"}
    own = collect(table, returns, cities=["黔江区"])
    assert {s.file for s in own.submissions} == {name for name, c in city_of.items() if c == "黔江区"}
    assert own.values == everything.values
    assert not [f for f in own.report if f.code.startswith("file-")]


# -- command line -----------------------------------------------------------------------------

@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_cli_by_city_exit_0_and_lists_every_city(run, round_, tmp_path):
    _, returns, _ = round_
    out = tmp_path / "新文件夹" / "评分"
    result = run("consolidate", returns, "--by-city", "--out", out)
    assert result.exit_code == 0, result.output
    year = load_task_table().year
    assert (out / f"{overview_name(year)}.xlsx").is_file() and (out / f"{overview_name(year)}.json").is_file()
    for city in CITIES:
        assert city in result.output
        assert (out / city / f"{scorecard_name(year, city)}.json").is_file()
    assert "汇总表" in result.output
    assert not [p for p in out.rglob("*") if p.name.startswith(".~tmp-")]     # atomic writes leave nothing


def test_cli_by_city_help_says_out_is_a_folder(run):
    result = run("consolidate", "--help")
    assert result.exit_code == 0
    assert "--by-city" in result.output and "输出文件夹" in result.output and "不需要" in result.output


def test_cli_by_city_without_any_workbook_is_exit_2(run, tmp_path):
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / "说明.txt").write_text("不是工作簿", encoding="utf-8")
    result = run("consolidate", tmp_path / "returns", "--by-city", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "错误" in result.output and "工作簿" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_by_city_without_any_city_is_exit_2(run, round_, tmp_path):
    _, returns, _ = round_
    (tmp_path / "returns").mkdir()
    shutil.copy(returns / FOREIGN, tmp_path / "returns" / FOREIGN)
    result = run("consolidate", tmp_path / "returns", "--by-city", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "错误" in result.output and "区县" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_by_city_out_must_not_be_a_file(run, round_, tmp_path):
    _, returns, _ = round_
    (tmp_path / "a.xlsx").write_bytes(b"")
    result = run("consolidate", returns, "--by-city", "--out", tmp_path / "a.xlsx")
    assert result.exit_code == 2 and "文件夹" in result.output


def test_plain_consolidate_is_unchanged(run, round_, tmp_path):
    _, returns, city_of = round_
    result = run("consolidate", returns, "--out", tmp_path / "s.xlsx", "--json", tmp_path / "s.json")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert data["city"] == "黔江区"
    assert {s["file"] for s in data["submissions"]} == set(city_of) | {FOREIGN, LOCK}
    assert {f["file"] for f in data["findings"] if f["code"] == "file-wrong-city"} == \
        {name for name, c in city_of.items() if c == "石柱县"}
    assert not list(tmp_path.glob("*汇总*"))
    assert run("consolidate", returns, "--out", tmp_path).exit_code == 2          # --out is still a file
    assert run("consolidate", returns).exit_code == 2                             # and still required


@pytest.mark.libreoffice
def test_overview_prints_on_a4_landscape_one_page_wide(done, tmp_path):
    from jieshui_xl.libreoffice import convert

    pdf = convert(done.overview, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split(" x "))
    assert (round(width), round(height)) == (842, 595), size                 # A4 landscape
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages == 3                                                         # one page per sheet
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    png = next(tmp_path.glob("page*.png")).read_bytes()
    assert png[12:16] == b"IHDR"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > height                                                     # rendered landscape


def test_overview_gains_last_years_pass_count_from_the_store(done, round_, tmp_path):
    import dataclasses

    from jieshui_xl.history import record

    root, returns, _ = round_
    store = tmp_path / "history.sqlite"
    first = done.cities[0].round
    record(store, dataclasses.replace(first.table, year=first.table.year - 1), first.collection, first.result)
    again = consolidate_by_city(returns, tmp_path / "out", history=store)
    entries = {c["city"]: c for c in again.data["cities"]}
    assert entries[first.table.city]["prev_passed"] == first.result.passed
    assert entries[first.table.city]["prev_year"] == first.table.year - 1
    others = [c for name, c in entries.items() if name != first.table.city]
    assert others and all(c["prev_passed"] is None for c in others)
    ws = openpyxl.load_workbook(again.overview).worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row]
    assert "上年\n达标项数" in texts and "无记录" in texts
