"""Collection workbooks (jieshui_xl.template), read back with openpyxl."""

from __future__ import annotations

import dataclasses
import json

import pytest
from helpers_template import cell_of, cells_of, load, read_identity, validations_at, visible_sheets, workbook_path

from jieshui_xl.data import Collection
from jieshui_xl.identity import META_SHEET, PROPERTY_PREFIX
from jieshui_xl.labels import STATUS_LABELS
from jieshui_xl.logic import logic
from jieshui_xl.score import compute
from jieshui_xl.spec import EVIDENCE_PARTS, load_task_table
from jieshui_xl.template import MANIFEST, write_templates
from jieshui_xl.template.styles import text_lines
from jieshui_xl.textwidth import text_width

PARTS = ("status", "evidence", "note")
OPERATORS = {">=": "greaterThanOrEqual", ">": "greaterThan", "<=": "lessThanOrEqual"}


@pytest.fixture(scope="module")
def folder(table, tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    written = write_templates(table, out)
    assert len(written) == len(table.reporting_units())
    return out


@pytest.fixture(scope="module")
def books(table, folder):
    return {unit: load(table, folder, unit) for unit in table.reporting_units()}


@pytest.fixture(scope="module")
def cached(table, folder):
    return {unit: load(table, folder, unit, data_only=True) for unit in table.reporting_units()}


def test_one_workbook_per_reporting_unit(table, folder, books):
    files = sorted(p.name for p in folder.glob("*.xlsx"))
    assert files == sorted(workbook_path(table, folder, u).name for u in table.reporting_units())
    for wb in books.values():
        assert wb.sheetnames[:2] == ["填报说明", "数据填报"]
        assert wb[META_SHEET].sheet_state == "veryHidden"


def test_every_item_is_named_in_exactly_its_reporters_workbook(table, books):
    for code, item in table.items.items():
        holders = [u for u, wb in books.items() if code in wb.defined_names]
        assert holders == [item.reporter], code
        wb = books[item.reporter]
        cell = cell_of(wb, code)
        assert cell.protection.locked is False, code
        assert cell.parent.protection.sheet is True
        assert cell_of(wb, f"src_{code}").protection.locked is False


def test_numeric_items_are_validated_by_type_and_bounds(table, books):
    for code, item in table.items.items():
        if not item.numeric:
            continue
        cell = cell_of(books[item.reporter], code)
        [dv] = validations_at(cell.parent, cell)
        assert dv.type == ("whole" if item.type == "integer" else "decimal"), code
        assert dv.errorTitle and dv.error and dv.promptTitle and dv.prompt
        if item.lower is not None and item.upper is None:
            assert dv.operator == OPERATORS[">=" if item.lower_inclusive else ">"], code
            assert float(dv.formula1) == item.lower
        elif item.lower is None and item.upper is None:
            assert dv.operator in (None, "between") and float(dv.formula1) < -1e12 < 1e12 < float(dv.formula2)


def test_yesno_items_are_dropdowns_of_the_table_choices(table, books):
    yesno = [i for i in table.items.values() if i.type == "yesno"]
    assert yesno
    for item in yesno:
        cell = cell_of(books[item.reporter], item.code)
        [dv] = validations_at(cell.parent, cell)
        assert dv.type == "list" and dv.formula1 == '"' + ",".join(table.yesno_choices()) + '"'


def test_prompts_and_messages_respect_excel_limits(books):
    for wb in books.values():
        for ws in wb.worksheets:
            for dv in ws.data_validations.dataValidation:
                assert len(dv.promptTitle or "") <= 32 and len(dv.prompt or "") <= 255
                assert len(dv.errorTitle or "") <= 32 and len(dv.error or "") <= 255
                assert dv.type != "list" or len(dv.formula1) <= 257


def test_table_columns_are_ten_row_ranges_in_the_reporters_workbook(table, books):
    for tbl in table.tables.values():
        for col in tbl.columns:
            holders = [u for u, wb in books.items() if col.code in wb.defined_names]
            assert holders == [tbl.reporter]
            cells = cells_of(books[tbl.reporter], col.code)
            assert len(cells) == tbl.rows and len({c.column for c in cells}) == 1
            assert all(c.protection.locked is False for c in cells)
            if col.numeric:
                assert all(len(validations_at(c.parent, c)) == 1 for c in cells)


def test_checklist_names_exist_exactly_for_the_units_that_answer(table, books):
    for task in table.checklist:
        for part in PARTS:
            holders = sorted(u for u, wb in books.items() if task.name(part) in wb.defined_names)
            assert holders == sorted(task.reporters), task.name(part)
    four = next(t for t in table.checklist if t.seq == 4)
    assert len(four.leads) == 4 and all(four.name("status") in books[u].defined_names for u in four.leads)
    eight = next(t for t in table.checklist if t.seq == 8)
    assert not eight.leads and all(eight.name("status") in books[u].defined_names for u in eight.responsible)
    wb = books[four.leads[0]]
    cell = cell_of(wb, four.name("status"))
    [dv] = validations_at(cell.parent, cell)
    assert dv.formula1 == '"' + ",".join(c.value for c in table.task_status_choices()) + '"'


def test_contact_fields_in_every_workbook(table, books):
    for wb in books.values():
        for name in ("contact_name", "contact_phone", "fill_date"):
            assert cell_of(wb, name).protection.locked is False
        cell = cell_of(wb, "fill_date")
        [dv] = validations_at(cell.parent, cell)
        assert dv.type == "date"


def test_only_named_cells_are_unlocked_and_visible_sheets_are_protected(books):
    for unit, wb in books.items():
        allowed = set()
        for name in wb.defined_names:
            for cell in cells_of(wb, name):
                allowed |= _merged_with(cell)
        for ws in visible_sheets(wb):
            assert ws.protection.sheet is True and not ws.protection.password
            for row in ws.iter_rows():
                for cell in row:
                    if cell.has_style and cell.protection.locked is False:
                        assert (ws.title, cell.coordinate) in allowed, (unit, ws.title, cell.coordinate)


def _merged_with(cell) -> set:
    ws = cell.parent
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return {(ws.title, c.coordinate) for row in ws.iter_rows(
                min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col) for c in row}
    return {(ws.title, cell.coordinate)}


def test_print_setup(books):
    for unit, wb in books.items():
        for ws in visible_sheets(wb):
            assert ws.page_setup.paperSize == 9
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            # OOXML: fitToWidth defaults to 1 when absent; fitToHeight 0 means "as many pages as needed"
            assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
            footer = ws.oddFooter
            assert "&P" in footer.center.text and "&N" in footer.center.text and unit in footer.left.text
        assert wb["数据填报"].print_title_rows == "$1:$2"
        assert wb["数据填报"].page_setup.orientation == "landscape"


def test_identity_is_readable_and_records_every_name(table, books):
    for unit, wb in books.items():
        ident = read_identity(wb)
        assert (ident.unit, ident.unit_code, ident.year, ident.city) == (
            unit, table.units[unit].code, table.year, table.city)
        assert (ident.fingerprint, ident.table_version) == (table.fingerprint, table.version)
        names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
        assert ident.cells == names
        props = {p.name: p.value for p in wb.custom_doc_props.props}
        assert props[PROPERTY_PREFIX + "unit"] == unit and props[PROPERTY_PREFIX + "fingerprint"] == table.fingerprint


def test_selfcheck_formulas_are_the_logic_formulas(table, books):
    lg = logic(table)
    checked = 0
    for ind in table.indicators:
        reporter = table.indicator_reporter(ind)
        for unit, wb in books.items():
            if unit != reporter:
                assert ind.status_name not in wb.defined_names, (unit, ind.code)
                continue
            assert cell_of(wb, ind.status_name).value == "=" + lg.status[ind.code].render()
            assert cell_of(wb, ind.value_name).value == "=" + lg.formulas[ind.value_name].render()
            for name in [c.code for c in table.indicator_calcs(ind)] + [c.code for c in table.checks_of(ind)]:
                assert cell_of(wb, name).value == "=" + lg.formulas[name].render(), name
            for name in lg.status[ind.code].names | lg.formulas[ind.value_name].names:
                assert name in wb.defined_names, (ind.code, name)
            checked += 1
    assert checked == sum(1 for i in table.indicators if table.indicator_reporter(i))


def test_table_row_helpers_render_the_row_formulas(table, books):
    lg = logic(table)
    for code, tl in lg.tables.items():
        wb = books[tl.table.reporter]
        cols = {c.code: cells_of(wb, c.code) for c in tl.table.columns}
        helpers = {part: cells_of(wb, name) for part, name in tl.range_names.items()}
        assert all(len(cells) == tl.table.rows for cells in helpers.values())
        for n in range(tl.table.rows):
            rename = {c: cells[n].coordinate for c, cells in cols.items()}
            rename["row_value"] = helpers["value"][n].coordinate
            for part, formula in (("filled", tl.filled), ("complete", tl.complete), ("value", tl.value),
                                  ("pass", tl.passed)):
                assert helpers[part][n].value == "=" + formula.render(rename)
        assert cell_of(wb, f"status_{code}").value == "=" + lg.status[code].render()


def test_cached_values_are_what_python_computes_for_an_empty_workbook(table, cached):
    empty = compute(table, Collection(year=table.year, city=table.city))
    assert {r.status for r in empty.indicators} <= set(STATUS_LABELS)
    for r in empty.indicators:
        reporter = table.indicator_reporter(r.indicator)
        if reporter:
            assert cell_of(cached[reporter], r.indicator.status_name).value == r.status_label


def test_parameters_are_locked_named_cells(table, books):
    lg = logic(table)
    for wb in books.values():
        for name in table.parameter_names():
            if name in wb.defined_names:
                cell = cell_of(wb, name)
                assert cell.value == table.params[name] and cell.protection.locked is not False
    used = {n for f in lg.formulas.values() for n in f.names} & set(table.parameter_names())
    assert used and all(any(p in wb.defined_names for wb in books.values()) for p in used)


def test_status_cells_are_coloured_by_status(table, books):
    ind = next(i for i in table.indicators if table.indicator_reporter(i))
    wb = books[table.indicator_reporter(ind)]
    cell = cell_of(wb, ind.status_name)
    rules = [r for rng in cell.parent.conditional_formatting for r in rng.rules
             if cell.coordinate in rng.sqref]
    assert sorted(r.formula[0] for r in rules) == sorted(f'"{s}"' for s in STATUS_LABELS.values())


def test_an_item_used_by_several_indicators_is_asked_once(table, books):
    shared = [i for i in table.items.values()
              if sum(1 for ind in table.indicators if i.code in table.indicator_items(ind)) > 1]
    assert shared
    for item in shared:
        wb = books[item.reporter]
        texts = [c.value for c in wb["数据填报"]["B"] if c.value == item.label]
        later = [c for row in wb["数据填报"].iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("见")]
        assert len(texts) >= 1 and len(cells_of(wb, item.code)) == 1
        assert later, item.code


def test_task_only_unit_has_checklist_and_contact_only(table, books):
    task_only = [u for u in table.reporting_units() if not table.items_of(u) and not table.tables_of(u)]
    assert "区商务委" in task_only and "区发展改革委" in task_only
    for unit in task_only:
        wb = books[unit]
        names = set(wb.defined_names)
        expected = {t.name(p) for t in table.tasks_of(unit) for p in PARTS} | {"contact_name", "contact_phone",
                                                                              "fill_date"}
        expected |= {ev.name(part) for ev in table.evidence_of(unit) for part, _ in EVIDENCE_PARTS}
        assert names == expected, unit


def test_lead_without_items_sees_a_read_only_reference(table, books):
    refs = [(ind, u) for ind in table.indicators for u in ind.leads
            if u in books and u != table.indicator_reporter(ind)
            and not any(table.items[c].reporter == u for c in table.indicator_items(ind))]
    assert any(ind.code == "I12" and u == "区水利局" for ind, u in refs)
    for ind, unit in refs:
        wb = books[unit]
        texts = [c.value for row in wb["数据填报"].iter_rows() for c in row if isinstance(c.value, str)]
        assert any(t.startswith(f"指标{ind.seq}　{ind.name}") for t in texts)
        reporters = {table.items[c].reporter for c in table.indicator_items(ind)}
        assert any(t.startswith("由") and all(r in t for r in reporters) for t in texts)
        assert ind.value_name not in wb.defined_names and ind.status_name not in wb.defined_names
        assert not any(code in wb.defined_names for code in table.indicator_items(ind))


def test_labels_starting_with_equals_stay_text(table, tmp_path):
    item = next(iter(table.items.values()))
    items = dict(table.items)
    items[item.code] = dataclasses.replace(item, hint="=1+1 见说明", label="=SUM(A1)")
    variant = dataclasses.replace(table, items=items)
    write_templates(variant, tmp_path)
    wb = load(variant, tmp_path, item.reporter)
    values = [c for row in wb["数据填报"].iter_rows() for c in row if c.value in ("=1+1 见说明", "=SUM(A1)")]
    assert len(values) >= 2 and all(c.data_type == "s" for c in values)


def test_long_dropdown_goes_to_a_hidden_locked_sheet(table, tmp_path):
    from jieshui_xl.spec import Choice
    long = [Choice(f"选项{n:03d}——较长的说明文字", n) for n in range(30)]
    variant = dataclasses.replace(table, choices={**table.choices, "是否": long})
    write_templates(variant, tmp_path)
    item = next(i for i in table.items.values() if i.type == "yesno")
    wb = load(variant, tmp_path, item.reporter)
    cell = cell_of(wb, item.code)
    [dv] = validations_at(cell.parent, cell)
    assert dv.type == "list" and dv.formula1.startswith("'下拉选项'!")
    lists = wb["下拉选项"]
    assert lists.sheet_state == "hidden" and lists.protection.sheet
    assert [c.value for c in lists["A"]] == [c.value for c in long]


def test_rerun_replaces_own_files_and_nothing_else(table, tmp_path):
    old = load_task_table(year=table.year - 1)
    first = write_templates(old, tmp_path)
    foreign = tmp_path / "说明.txt"
    foreign.write_text("别动", encoding="utf-8")
    modified = first[0]
    modified.write_bytes(modified.read_bytes() + b"\0")
    same_name_foreign = workbook_path(table, tmp_path, table.reporting_units()[1])
    same_name_foreign.write_bytes(b"user's own file")
    messages = []
    second = write_templates(table, tmp_path, progress=messages.append)
    assert foreign.read_text(encoding="utf-8") == "别动"
    assert modified.exists() and modified in second.kept
    assert same_name_foreign.read_bytes() == b"user's own file" and same_name_foreign in second.kept
    assert sorted(second.removed) == sorted(first[1:])
    assert not any(p.exists() for p in first[1:])
    assert len(second) == len(table.reporting_units()) - 1
    assert any(same_name_foreign.name in m and "未覆盖" in m for m in messages)
    third = write_templates(table, tmp_path)
    assert same_name_foreign in third.kept and sorted(third) == sorted(second)
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(p.name for p in third)


def test_out_dir_is_created(table, tmp_path):
    target = tmp_path / "新建" / "填报表"
    assert len(write_templates(table, target)) == len(table.reporting_units())


def test_cjk_width_and_lines():
    assert text_width("ab中文，") == 8
    assert text_lines("中" * 20, 10) > text_lines("a" * 20, 10) >= 1
    assert text_lines("一\n二", 40) == 2


def test_an_item_no_indicator_uses_still_gets_its_input_cell(table, tmp_path):
    base = next(i for i in table.items.values() if i.numeric)
    extra = dataclasses.replace(base, code="extra_note_wm3", label="附加统计量")
    variant = dataclasses.replace(table, items={**table.items, extra.code: extra})
    write_templates(variant, tmp_path)
    wb = load(variant, tmp_path, extra.reporter)
    cell = cell_of(wb, extra.code)
    assert cell.protection.locked is False and validations_at(cell.parent, cell)
    assert cell_of(wb, f"src_{extra.code}").protection.locked is False


def test_a_table_no_indicator_uses_still_gets_its_ranges(table, tmp_path):
    base = next(iter(table.tables.values()))
    cols = tuple(dataclasses.replace(c, code=f"extra_{c.code}", table="T2") for c in base.columns)
    extra = dataclasses.replace(base, code="T2", rows=4, columns=cols)
    variant = dataclasses.replace(table, tables={**table.tables, "T2": extra})
    write_templates(variant, tmp_path)
    wb = load(variant, tmp_path, extra.reporter)
    for col in cols:
        cells = cells_of(wb, col.code)
        assert len(cells) == 4 and all(c.protection.locked is False for c in cells)
