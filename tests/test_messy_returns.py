"""Returns as departments send them on deadline day: values typed in odd ways that once slipped through
(a wrong value accepted, an infinite number that crashed the scorecard, a misleading error).  Each case
is a value typed into a real collection workbook, or parsed directly when only the parsing matters."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from test_values import ITEMS, _pick

from jieshui_xl.cli import main
from jieshui_xl.findings import CATALOGUE
from jieshui_xl.returns import collect
from jieshui_xl.returns.values import Typed, parse_item

G = "General"


@pytest.fixture(scope="module")
def items(table):
    return {role: _pick(table, **attrs) for role, attrs in ITEMS.items()}


ACCEPTED = [  # role, typed, format, parsed value, warning codes
    ("volume", "12.", G, 12.0, ["value-cleaned"]),                   # a trailing decimal point
    ("volume", "1,285.", G, 1285.0, ["value-cleaned"]),
    ("volume", "12\u200b", G, 12.0, ["value-cleaned"]),               # zero-width space (pasted from a web page)
    ("volume", "\ufeff12", G, 12.0, ["value-cleaned"]),               # byte-order mark
    ("volume", "1\u00a0285.5", G, 1285.5, ["value-cleaned"]),         # no-break space between groups
    ("volume", "1285.5\u00a0", G, 1285.5, ["value-cleaned"]),
    ("volume", "１，２８５．５万m³", G, 1285.5, ["value-cleaned"]),
    ("volume", "-0", G, 0.0, []),                                     # negative zero is zero
    ("volume", -0.0, G, 0.0, []),
    ("percent", "17.2%", G, 17.2, ["value-cleaned"]),
    ("percent", 0.172, "0.0%", 17.2, ["value-cleaned"]),
    ("percent", 17.2, G, 17.2, []),
    ("percent", "0.172", G, 0.172, ["value-percent-fraction"]),       # 17.2% typed as a fraction?
    ("percent", 0.172, G, 0.172, ["value-percent-fraction"]),
    ("free_percent", 0.5, G, 0.5, []),                                # a small change is plausible
]

REJECTED = [  # role, typed, format, error
    ("volume", "²", G, "value-not-number"),                          # a superscript is not a digit
    ("volume", "12²", G, "value-not-number"),                         # was read as 122
    ("volume", "①", G, "value-not-number"),                          # was read as 1
    ("volume", "1e400", G, "value-too-large"),                        # was read as infinity
    ("volume", 1e308, G, "value-too-large"),                          # sums overflow to infinity
    ("volume", "1e16", G, "value-too-large"),
    ("volume", float("inf"), G, "value-too-large"),
    ("volume", "12..", G, "value-not-number"),                        # not a unit
    ("volume", "1.285,5", G, "value-not-number"),                     # European decimal comma: no guess
    ("volume", "—", G, "value-not-number"),                           # a dash for zero: no guess
    ("volume", "/", G, "value-not-number"),
    ("volume", "无", G, "value-not-number"),
    ("yesno", "是的", G, "value-bad-choice"),
    ("yesno", "Yes", G, "value-bad-choice"),
    ("yesno", "√", G, "value-bad-choice"),
]


@pytest.mark.parametrize("role,value,fmt,expected,warnings", ACCEPTED)
def test_messy_value_accepted(table, items, role, value, fmt, expected, warnings):
    parsed = parse_item(items[role], Typed(value, fmt), table.yesno_choices())
    assert parsed.value == pytest.approx(expected) and not parsed.rejected
    assert str(parsed.value) != "-0.0"
    assert [code for code, _ in parsed.notes] == warnings
    for code in warnings:
        assert CATALOGUE[code][0] == "warning"


@pytest.mark.parametrize("role,value,fmt,error", REJECTED)
def test_messy_value_rejected(table, items, role, value, fmt, error):
    parsed = parse_item(items[role], Typed(value, fmt), table.yesno_choices())
    assert parsed.value is None and parsed.rejected
    assert [code for code, _ in parsed.notes] == [error]
    assert CATALOGUE[error][0] == "error"


@pytest.mark.parametrize("typed", ["\u200b", "\ufeff", " \u200b\u00a0"])
def test_invisible_characters_alone_are_blank(table, items, typed):
    parsed = parse_item(items["volume"], Typed(typed), [])
    assert parsed.blank and not parsed.notes


def test_percent_fraction_warning_names_the_likely_percentage(table, items):
    (code, kw), = parse_item(items["percent"], Typed("0.172"), []).notes
    assert code == "value-percent-fraction" and kw["percent"] == "17.2"


# ---------------------------------------------------------------------------------------------
# End to end: a real collection workbook, consolidated by the command line
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def templates(table, tmp_path_factory):
    from jieshui_xl.returns import identify_file
    from jieshui_xl.template import write_templates

    paths = write_templates(table, tmp_path_factory.mktemp("tpl"))
    return {identify_file(p).unit: p for p in paths}


def test_huge_values_are_findings_not_a_crash(table, templates, tmp_path):
    from jieshui_xl.fill import fill_workbook

    unit = table.items["public_supply_wm3"].reporter
    returns = tmp_path / "回收"
    path = fill_workbook(templates[unit], returns / "a.xlsx", [
        ("public_supply_wm3", None, "1e400"), ("billed_use_wm3", None, 1e308), ("free_use_wm3", None, 1e308),
        ("contact_name", None, "张三"), ("contact_phone", None, "123")])
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    out = tmp_path / "评分表.xlsx"
    result = CliRunner().invoke(main, ["consolidate", str(returns), "--out", str(out),
                                       "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    flagged = {(f["field"], f["value"]) for f in data["findings"] if f["code"] == "value-too-large"}
    assert flagged == {("public_supply_wm3", "1e400"), ("billed_use_wm3", "1e+308"), ("free_use_wm3", "1e+308")}
    assert before == (path.read_bytes(), path.stat().st_mtime_ns)
    collection = collect(table, returns)
    assert not {"public_supply_wm3", "billed_use_wm3", "free_use_wm3"} & set(collection.values)


def _edited_return(table, templates, tmp_path, edit):
    """区城市管理局's return with public_supply_wm3 = 2000, then ``edit(wb, data_sheet)`` as a department
    would in Excel (which moves defined names along), then collected."""
    import openpyxl

    from jieshui_xl.fill import fill_workbook
    from jieshui_xl.workbook_names import locate

    code = "public_supply_wm3"
    path = fill_workbook(templates[table.items[code].reporter], tmp_path / "r" / "a.xlsx", [(code, None, 2000)])
    wb = openpyxl.load_workbook(path)
    sheet = locate(wb, code).sheet
    edit(wb, sheet)
    wb.save(path)
    c = collect(table, tmp_path / "r")
    assert c.values[code].value == 2000
    return c, sheet, [f for f in c.report if f.code in ("cell-moved", "cells-moved")]


def test_renamed_sheet_is_read_and_the_move_names_the_new_sheet(table, templates, tmp_path):
    """The department renamed the data sheet: every input moved with it, one finding for the sheet."""
    def rename(wb, old):
        wb[old].title = "我的数据"
        for dn in wb.defined_names.values():
            dn.attr_text = dn.attr_text.replace(f"'{old}'!", "'我的数据'!")

    c, old, moved = _edited_return(table, templates, tmp_path, rename)
    assert c.values["public_supply_wm3"].sheet == "我的数据"
    assert len(moved) == 1 and moved[0].code == "cells-moved" and moved[0].sheet == "我的数据"
    count = re.search(rf"“{old}”的 (\d+) 个输入单元格", moved[0].message)
    inputs = len(table.items_of("区城市管理局")) * 2 + 3     # items, their 数据来源 cells, contact fields
    assert count and int(count.group(1)) >= inputs and "我的数据!" in moved[0].message


def test_an_inserted_row_is_one_finding_not_fifty(table, templates, tmp_path):
    """A row inserted above the data moves every input below it; values are read by name."""
    def insert_row(wb, sheet):
        wb[sheet].insert_rows(5)          # openpyxl does not move names: do what Excel does
        for dn in wb.defined_names.values():
            dn.attr_text = re.sub(rf"('{sheet}'!\$[A-Z]+\$)(\d+)",
                                  lambda m: m.group(1) + str(int(m.group(2)) + (int(m.group(2)) >= 5)),
                                  dn.attr_text)

    _, sheet, moved = _edited_return(table, templates, tmp_path, insert_row)
    assert [f.code for f in moved] == ["cells-moved"]
    assert f"“{sheet}”的" in moved[0].message and "个输入单元格" in moved[0].message
