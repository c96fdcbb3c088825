"""Consolidation of a returns folder: every file used or named in a finding, values as typed, the
latest save of a unit wins.  Inputs are built in code (tests/returns_builder.py), never committed."""

from __future__ import annotations

import datetime as dt
import email.message
import os
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES, make_collection
from returns_builder import ReturnsBuilder, cache_results, cells_of, move_name, save, to_xlsm

from jieshui_xl.findings import JieshuiError
from jieshui_xl.returns import collect
from jieshui_xl.score import compute

# Saves after the templates were generated (now) and not in the future: times a reader trusts.
T0 = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0) - dt.timedelta(hours=6)


def codes(collection, file=None):
    return [f.code for f in collection.report if file is None or f.file == file]


def only(collection, code):
    found = [f for f in collection.report if f.code == code]
    assert len(found) == 1, (code, [(f.code, f.file, f.field) for f in collection.report])
    return found[0]




def unit_of(table, code):
    return table.items[code].reporter


def return_unit(builder, table, folder, code, value, name=None, **kw):
    """A return from the unit that reports ``code``, with its sample values and ``value`` for ``code``."""
    unit = unit_of(table, code)
    values = dict(builder.unit_values(unit, SAMPLE_VALUES), **{code: value})
    rows = SAMPLE_I15_ROWS if table.tables_of(unit) else None
    return builder.returned(unit, folder / (name or f"{table.units[unit].code}.xlsx"), values, rows, **kw)


# ---------------------------------------------------------------------------------------------
# A whole round
# ---------------------------------------------------------------------------------------------

MODES = [pytest.param(False, id="minimal-workbook"), pytest.param(True, id="generated-template")]


@pytest.fixture(scope="module", params=MODES)
def full_round(request, table, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("round")
    builder = ReturnsBuilder(table, tmp / "work", use_templates=request.param)
    builder.round(tmp / "回收" / "第一批", SAMPLE_VALUES, SAMPLE_I15_ROWS)
    calls = []
    collection = collect(table, tmp / "回收", progress=lambda *a: calls.append(a))
    return collection, calls


def test_full_round_values(table, full_round):
    collection, _ = full_round
    expected = {k: v for k, v in SAMPLE_VALUES.items() if v is not None}
    assert {k: cv.value for k, cv in collection.values.items()} == pytest.approx(
        {k: float(v) if table.items[k].numeric else v for k, v in expected.items()})
    for code, cv in collection.values.items():
        assert cv.unit == table.items[code].reporter
        assert cv.file.startswith("第一批/") and cv.sheet and cv.cell and cv.raw is None


def test_full_round_tables_tasks_contacts(table, full_round):
    collection, _ = full_round
    for code in table.tables:
        assert [{k: cv.value for k, cv in row.items()} for row in collection.tables[code]] == SAMPLE_I15_ROWS
    asked = {(t.seq, u) for t in table.checklist for u in t.reporters if u in table.reporting_units()}
    assert set(collection.tasks) == asked
    first = table.task_status_choices()[0].value
    assert all(a.status == first and a.evidence and a.cell for a in collection.tasks.values())
    assert set(collection.contacts) == set(table.reporting_units())
    assert all(c["name"] and c["phone"] and c["date"] == "2024-01-10" for c in collection.contacts.values())


def test_full_round_is_clean_and_computes_like_the_sample(table, full_round):
    collection, _ = full_round
    assert [f.code for f in collection.report] == []
    assert {s.status for s in collection.submissions} == {"accepted"}
    assert all(collection.unit_status(u) == "returned" for u in table.reporting_units())
    expected = compute(table, make_collection(table, rows=SAMPLE_I15_ROWS))
    got = compute(table, collection)
    assert [(r.code, r.status, r.value) for r in got.indicators] == \
        [(r.code, r.status, r.value) for r in expected.indicators]


def test_progress_is_reported_per_file(table, full_round):
    collection, calls = full_round
    total = len(table.reporting_units())
    assert [c[:2] for c in calls] == [(n, total) for n in range(1, total + 1)]
    assert {c[2] for c in calls} == {s.file for s in collection.submissions}


def test_missing_unit(table, builder, returns):
    units = table.reporting_units()
    builder.round(returns, SAMPLE_VALUES, SAMPLE_I15_ROWS, units=units[1:])
    c = collect(table, returns)
    assert c.unit_status(units[0]) == "missing"
    assert not any(cv.unit == units[0] for cv in c.values.values())
    assert "unit-not-returned" not in codes(c)           # compute reports it, not collect


# ---------------------------------------------------------------------------------------------
# Several returns of one unit
# ---------------------------------------------------------------------------------------------

def test_latest_save_wins_not_the_file_name_nor_the_file_time(table, builder, returns):
    code = "wells_total_count"
    newer = return_unit(builder, table, returns, code, 15, name="a_第一版.xlsx", modified=T0 + dt.timedelta(hours=2))
    older = return_unit(builder, table, returns, code, 13, name="z_最终版.xlsx", modified=T0)
    os.utime(older, (newer.stat().st_mtime + 3600,) * 2)      # the older save was copied last
    c = collect(table, returns)
    assert c.values[code].value == 15 and c.values[code].file == "a_第一版.xlsx"
    f = only(c, "file-superseded")
    assert f.file == "z_最终版.xlsx" and "a_第一版.xlsx" in f.message and f.severity == "warning"
    assert {s.file: s.status for s in c.submissions} == {"a_第一版.xlsx": "accepted", "z_最终版.xlsx": "superseded"}
    assert c.unit_status(unit_of(table, code)) == "returned"


def test_identical_copy_is_ignored(table, builder, returns):
    path = return_unit(builder, table, returns, "wells_total_count", 12)
    (returns / "转发").mkdir()
    copy = returns / "转发" / "副本.xlsx"
    copy.write_bytes(path.read_bytes())
    c = collect(table, returns)
    f = only(c, "file-identical-copy")
    assert f.file == "转发/副本.xlsx" and f.severity == "info" and path.name in f.message
    assert {s.file: s.status for s in c.submissions} == {path.name: "accepted", "转发/副本.xlsx": "duplicate"}


# ---------------------------------------------------------------------------------------------
# Files that are not mixed in
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("identity,code", [
    (dict(year=2022), "file-wrong-year"),
    (dict(city="某某县"), "file-wrong-city"),
    (dict(table_version="2022.3"), "file-version-mismatch"),
    (dict(fingerprint="0000000000000000"), "file-version-mismatch"),
    (dict(unit="区不存在局"), "file-unknown-unit"),
])
def test_foreign_workbooks_are_rejected(table, builder, returns, identity, code):
    path = return_unit(builder, table, returns, "wells_total_count", 12, identity=identity)
    c = collect(table, returns)
    f = only(c, code)
    assert f.file == path.name and f.severity == "error"
    assert c.values == {} and c.tasks == {} and c.contacts == {}
    sub, = c.submissions
    assert sub.status == "rejected" and sub.reason == f.message and sub.errors == 1
    if "unit" not in identity:
        assert c.unit_status(unit_of(table, "wells_total_count")) == "rejected"


def test_not_ours_corrupt_and_other_files(table, builder, returns):
    return_unit(builder, table, returns, "wells_total_count", 12)
    wb = openpyxl.Workbook()
    wb.active["A1"] = "别的表"
    wb.save(returns / "统计表.xlsx")
    (returns / "损坏.xlsx").write_bytes(os.urandom(2048))
    (returns / "说明.txt").write_text("请查收", encoding="utf-8")
    (returns / "假的.xls").write_bytes(b"not a spreadsheet at all")
    c = collect(table, returns)
    by_file = {f.file: f.code for f in c.report}
    assert by_file == {"统计表.xlsx": "file-unknown", "损坏.xlsx": "file-unreadable",
                       "说明.txt": "file-not-workbook", "假的.xls": "file-unreadable"}
    assert all(s.status == "rejected" and s.unit is None for s in c.submissions if s.file in by_file)


def test_lock_and_hidden_files_are_skipped_and_listed(table, builder, returns):
    path = return_unit(builder, table, returns, "wells_total_count", 12)
    (returns / f"~${path.name}").write_bytes(b"\0" * 165)
    (returns / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (returns / ".备份").mkdir()
    (returns / ".备份" / "old.xlsx").write_bytes(path.read_bytes())
    c = collect(table, returns)
    skipped = [f.file for f in c.report if f.code == "file-skipped"]
    assert skipped == [".DS_Store", ".备份/", f"~${path.name}"]
    assert all(f.severity == "info" for f in c.report)
    assert sorted(s.file for s in c.submissions if s.status == "skipped") == sorted(skipped)


def test_folder_errors(table, tmp_path):
    with pytest.raises(JieshuiError, match="找不到"):
        collect(table, tmp_path / "没有")
    (tmp_path / "空").mkdir()
    with pytest.raises(JieshuiError, match="没有找到任何工作簿"):
        collect(table, tmp_path / "空")
    (tmp_path / "空" / "a.txt").write_text("x")
    (tmp_path / "空" / "~$a.xlsx").write_text("x")
    with pytest.raises(JieshuiError, match="只有 1 个其他文件"):
        collect(table, tmp_path / "空")


def test_returned_files_are_not_modified(table, builder, returns):
    path = return_unit(builder, table, returns, "wells_total_count", "12眼")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    collect(table, returns)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in returns.iterdir()) == [path.name]


# ---------------------------------------------------------------------------------------------
# Values and layout changes
# ---------------------------------------------------------------------------------------------

def test_messy_cell_finding_fields(table, builder, returns):
    (returns / "区水利局").mkdir()
    code = "wells_total_count"
    path = return_unit(builder, table, returns / "区水利局", code, "约12")
    sheet, cell = cells_of(openpyxl.load_workbook(path), code)[0]
    c = collect(table, returns)
    f = only(c, "value-not-number")
    assert (f.unit, f.file, f.sheet, f.cell, f.field, f.value) == \
        (unit_of(table, code), f"区水利局/{path.name}", sheet, cell, code, "约12")
    assert table.items[code].label in f.message and table.items[code].unit in f.message
    assert code not in c.values
    sub = c.accepted(unit_of(table, code))
    assert sub.errors == 1 and c.unit_status(unit_of(table, code)) == "rejected"


def test_cleaned_value_keeps_raw(table, builder, returns):
    code = "public_supply_wm3"
    return_unit(builder, table, returns, code, "２,０００万m³")
    c = collect(table, returns)
    cv = c.values[code]
    assert cv.value == 2000.0 and cv.raw == "２,０００万m³"
    f = only(c, "value-cleaned")
    assert f.value == "２,０００万m³" and f.cell == cv.cell and f.severity == "warning"
    assert c.unit_status(unit_of(table, code)) == "returned"


def test_required_blank_warns_optional_blank_does_not(table, builder, returns):
    required = next(i for i in table.items.values() if i.required and i.numeric)
    optional = [i.code for i in table.items_of(required.reporter) if not i.required]
    values = dict(builder.unit_values(required.reporter, SAMPLE_VALUES), **{required.code: None})
    for code in optional:
        values.pop(code, None)
    builder.returned(required.reporter, returns / "r.xlsx", values,
                     SAMPLE_I15_ROWS if table.tables_of(required.reporter) else None)
    c = collect(table, returns)
    assert codes(c) == ["value-missing"] and only(c, "value-missing").field == required.code


def test_formula_cells(table, builder, returns):
    unit = unit_of(table, "wells_total_count")
    values = dict(builder.unit_values(unit, SAMPLE_VALUES), wells_total_count="=10+2", wells_closed_count="=6*2")
    wb = builder.workbook(unit, values)
    sheet, cell = cells_of(wb, "wells_total_count")[0]
    path = save(wb, returns / "f.xlsx")
    cache_results(path, wb.sheetnames.index(sheet), {cell: 12})   # as Excel saves it; the other has none
    c = collect(table, returns)
    f = only(c, "value-formula")
    assert (f.field, f.value, f.cell) == ("wells_total_count", "=10+2", cell)
    assert c.values["wells_total_count"].value == 12.0
    assert only(c, "value-formula-no-result").field == "wells_closed_count"
    assert "wells_closed_count" not in c.values


def test_cell_moved_is_still_read(table, builder, returns):
    code = "wells_total_count"
    unit = unit_of(table, code)
    wb = builder.workbook(unit, builder.unit_values(unit, SAMPLE_VALUES))
    (old_sheet, old_cell), = cells_of(wb, code)
    sheet, cell = move_name(wb, code, "Z40")
    save(wb, returns / "moved.xlsx")
    c = collect(table, returns)
    f = only(c, "cell-moved")
    assert (f.sheet, f.cell, f.field) == (sheet, "Z40", code) and old_cell in f.message
    assert c.values[code].value == SAMPLE_VALUES[code] and c.values[code].cell == "Z40"


def test_name_deleted(table, builder, returns):
    code = "wells_total_count"
    unit = unit_of(table, code)
    wb = builder.workbook(unit, builder.unit_values(unit, SAMPLE_VALUES))
    del wb.defined_names[code]
    save(wb, returns / "n.xlsx")
    c = collect(table, returns)
    f = only(c, "name-missing")
    assert f.field == code and f.severity == "error" and code not in c.values


def test_protection_removed(table, builder, returns):
    unit = unit_of(table, "wells_total_count")
    wb = builder.workbook(unit, builder.unit_values(unit, SAMPLE_VALUES))
    sheet, _ = cells_of(wb, "wells_total_count")[0]
    wb[sheet].protection.sheet = False
    save(wb, returns / "p.xlsx")
    c = collect(table, returns)
    f = only(c, "file-protection-removed")
    assert f.sheet == sheet and f.severity == "warning"
    assert c.values["wells_total_count"].value == SAMPLE_VALUES["wells_total_count"]


def test_extra_sheet_content_is_reported(table, builder, returns):
    unit = unit_of(table, "wells_total_count")
    wb = builder.workbook(unit, builder.unit_values(unit, SAMPLE_VALUES))
    ws = wb.create_sheet("补充说明")
    ws["B3"] = "另有自备井3眼未纳入统计"
    save(wb, returns / "e.xlsx")
    c = collect(table, returns)
    f = only(c, "extra-content")
    assert (f.sheet, f.cell, f.value) == ("补充说明", "B3", "另有自备井3眼未纳入统计")


def test_content_beside_the_inputs_is_reported(table, builder, returns):
    unit = unit_of(table, "wells_total_count")
    wb = builder.workbook(unit, builder.unit_values(unit, SAMPLE_VALUES))
    sheet, _ = cells_of(wb, "wells_total_count")[0]
    wb[sheet]["ZZ200"] = "备注：含已报废井"
    save(wb, returns / "e.xlsx")
    c = collect(table, returns)
    f = only(c, "extra-content")
    assert (f.sheet, f.cell, f.value) == (sheet, "ZZ200", "备注：含已报废井")


def test_xlsm_is_read_without_macros(table, builder, returns):
    path = to_xlsm(return_unit(builder, table, returns, "wells_total_count", 12))
    c = collect(table, returns)
    assert path.suffix == ".xlsm" and c.values["wells_total_count"].file == path.name
    assert codes(c) == []


# ---------------------------------------------------------------------------------------------
# Tables, checklist, contact, data sources
# ---------------------------------------------------------------------------------------------

def _table_unit(table):
    tbl = next(iter(table.tables.values()))
    return tbl, tbl.reporter


def test_table_rows_incomplete_or_rejected(table, builder, returns):
    tbl, unit = _table_unit(table)
    first, second = dict(SAMPLE_I15_ROWS[0]), dict(SAMPLE_I15_ROWS[1])
    numeric = next(c for c in tbl.columns if c.numeric)
    text = next(c for c in tbl.columns if not c.numeric)
    first.pop(text.code)                       # partly filled
    second[numeric.code] = "很多"               # filled, but a cell rejected
    builder.returned(unit, returns / "t.xlsx", builder.unit_values(unit, SAMPLE_VALUES), [first, second])
    c = collect(table, returns)
    rows = [f for f in c.report if f.code == "table-row-incomplete"]
    assert [f.message for f in rows] == [rows[0].message, rows[1].message] and len(rows) == 2
    assert text.label in rows[0].message and "第1行" in rows[0].message
    assert f"{numeric.label}（填写有误）" in rows[1].message and "第2行" in rows[1].message
    assert only(c, "value-not-number").value == "很多"
    got = c.tables[tbl.code]
    assert len(got) == 2 and text.code not in got[0] and numeric.code not in got[1]
    status = {r.code: r.status for r in compute(table, c).indicators}
    assert status[next(i.code for i in table.indicators if i.table == tbl.code)] == "invalid"


def test_task_status_and_contact(table, builder, returns):
    unit = next(u for u in table.reporting_units() if len(table.tasks_of(u)) >= 2)
    t1, t2 = table.tasks_of(unit)[:2]
    values = builder.unit_values(unit, SAMPLE_VALUES, contact=False)
    values[t1.name("status")] = "基本完成"
    values[t2.name("status")] = f"\u3000{table.task_status_choices()[1].value} "
    values[t2.name("note")] = "年底完成"
    values["contact_phone"] = 13800138000
    builder.returned(unit, returns / "k.xlsx", values, SAMPLE_I15_ROWS if table.tables_of(unit) else None)
    c = collect(table, returns)
    bad = only(c, "value-bad-choice")
    assert (bad.field, bad.value) == (t1.name("status"), "基本完成")
    assert c.tasks[(t1.seq, unit)].status == "" and c.tasks[(t1.seq, unit)].cell == bad.cell
    a2 = c.tasks[(t2.seq, unit)]
    assert (a2.status, a2.note) == (table.task_status_choices()[1].value, "年底完成")
    assert c.contacts[unit]["phone"] == "13800138000" and c.contacts[unit]["name"] == ""
    assert only(c, "contact-missing").field == "contact_name"
    assert "task-status-missing" not in codes(c)


def test_data_source(table, builder, returns):
    code = "wells_total_count"
    unit = unit_of(table, code)
    wb = builder.workbook(unit, builder.unit_values(unit, SAMPLE_VALUES))
    assert "src_" + code in wb.defined_names        # every item of the bundled table has a 数据来源 cell
    values = dict(builder.unit_values(unit, SAMPLE_VALUES), **{"src_" + code: "  2023年水资源公报 "})
    values.pop("wells_closed_count")
    values["src_wells_closed_count"] = "普查台账"
    builder.returned(unit, returns / "s.xlsx", values)
    c = collect(table, returns)
    assert c.values[code].source == "2023年水资源公报"
    f = only(c, "source-without-value")
    assert (f.field, f.value) == ("wells_closed_count", "普查台账")


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------

def _eml(path: Path, attachments: dict[str, bytes]) -> Path:
    msg = email.message.EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "回复：填报表", "a@example.com", "b@example.com"
    msg.set_content("附件为我单位填报表。")
    for name, data in attachments.items():
        msg.add_attachment(data, maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=name)
    path.write_bytes(msg.as_bytes())
    return path


def test_eml_attachments(table, builder, returns, tmp_path):
    path = return_unit(builder, table, tmp_path, "wells_total_count", 12)
    _eml(returns / "回复.eml", {"区水利局填报表.xlsx": path.read_bytes()})
    _eml(returns / "无附件.eml", {})
    (returns / "另存.xlsx").write_bytes(path.read_bytes())
    c = collect(table, returns)
    assert c.values["wells_total_count"].value == 12
    assert {s.file: s.status for s in c.submissions} == {
        "另存.xlsx": "accepted", "回复.eml/区水利局填报表.xlsx": "duplicate", "无附件.eml": "rejected"}
    assert only(c, "eml-no-workbook").file == "无附件.eml"


def test_percent_formatted_cell(table, builder, returns):
    item = next(i for i in table.items.values() if i.unit == "%" and i.lower is not None)
    wb = builder.workbook(item.reporter, builder.unit_values(item.reporter, SAMPLE_VALUES))
    sheet, cell = cells_of(wb, item.code)[0]
    wb[sheet][cell].value, wb[sheet][cell].number_format = 0.172, "0.0%"
    save(wb, returns / "pct.xlsx")
    c = collect(table, returns)
    assert (c.values[item.code].value, c.values[item.code].raw) == (17.2, "17.2%")
    f = only(c, "value-cleaned")
    assert (f.field, f.cell, f.value) == (item.code, cell, "17.2%") and "百分比" in f.message


def test_many_extra_cells_are_capped_with_a_count(table, builder, returns):
    from jieshui_xl.returns.layout import MAX_EXTRA_PER_SHEET
    unit = unit_of(table, "wells_total_count")
    wb = builder.workbook(unit, builder.unit_values(unit, SAMPLE_VALUES))
    ws = wb.create_sheet("粘贴的明细")
    for n in range(1, MAX_EXTRA_PER_SHEET + 11):
        ws.cell(row=n, column=1, value=f"井{n}")
    save(wb, returns / "many.xlsx")
    c = collect(table, returns)
    assert codes(c).count("extra-content") == MAX_EXTRA_PER_SHEET
    more = only(c, "extra-content-more")
    assert (more.sheet, more.cell) == ("粘贴的明细", f"A{MAX_EXTRA_PER_SHEET + 1}") and "10 个" in more.message


def test_a_blank_workbook_sent_back_is_rejected_with_a_finding(table, tmp_path):
    """A department that returns the workbook without filling anything: rejected, reminded."""
    from jieshui_xl.fill import fill_workbook
    from jieshui_xl.returns import collect, identify_file
    from jieshui_xl.template import write_templates

    paths = {identify_file(p).unit: p for p in write_templates(table, tmp_path / "t")}
    returns = tmp_path / "returns"
    returns.mkdir()
    (returns / "空表.xlsx").write_bytes(paths["区财政局"].read_bytes())
    fill_workbook(paths["区商务委"], returns / "商务委.xlsx", [("task08_status", None, "已完成")])
    c = collect(table, returns)
    empty = [f for f in c.report if f.code == "file-empty"]
    assert [(f.unit, f.file, f.severity) for f in empty] == [("区财政局", "空表.xlsx", "error")]
    assert c.unit_status("区财政局") == "rejected"
    assert c.unit_status("区商务委") == "returned"


def test_a_constant_on_a_calculation_cell_is_reported(table, builder, returns):
    """Rows inserted without moving the names (as some tools do) push a typed value onto a cell the
    template names for a calculation: it is reported, never lost silently."""
    unit = unit_of(table, "wells_total_count")
    wb = builder.workbook(unit, builder.unit_values(unit, SAMPLE_VALUES))
    calc = next(n for n in wb.defined_names if n.startswith(("target_", "value_", "chk_")))
    sheet, coord = cells_of(wb, calc)[0]
    wb[sheet][coord].value = 42
    save(wb, returns / "pushed.xlsx")
    c = collect(table, returns)
    f = only(c, "extra-content")
    assert (f.sheet, f.cell, f.value) == (sheet, coord, "42")
