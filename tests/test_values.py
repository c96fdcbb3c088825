"""Values as people type them: each accepted case with its parsed value and warning, each rejected case
with its error.  Items come from the bundled task table (by their type and bounds, not hard-coded)."""

from __future__ import annotations

import datetime as dt

import pytest

from jieshui_xl.findings import CATALOGUE
from jieshui_xl.returns.values import Typed, is_percent_format, parse_choice, parse_item, parse_text, same_unit


def _pick(table, **want):
    """The first item of the task table with these attributes (e.g. type="integer", unit="眼")."""
    for item in table.items.values():
        if all(getattr(item, k) == v for k, v in want.items()):
            return item
    raise LookupError(want)


ITEMS = {  # role -> attributes of an item in the task table
    "volume": dict(type="decimal", unit="万m³", lower=0.0, lower_inclusive=True),
    "positive": dict(type="decimal", unit="万m³", lower=0.0, lower_inclusive=False),
    "count": dict(type="integer", unit="眼", lower=0.0, lower_inclusive=True),
    "area": dict(type="decimal", unit="km²", lower=0.0, lower_inclusive=True),
    "percent": dict(type="decimal", unit="%", lower=0.0),
    "free_percent": dict(type="decimal", unit="%", lower=None),
    "yesno": dict(type="yesno"),
}

G = "General"
ACCEPTED = [  # role, cell value, number format, parsed value, warning code (None = clean)
    ("volume", 1285, G, 1285.0, None),
    ("volume", 1285.5, "0.00", 1285.5, None),
    ("volume", "1285", G, 1285.0, None),                       # number stored as text, clean
    ("volume", " 1285.5 ", "@", 1285.5, "value-cleaned"),      # surrounding spaces: a warning
    ("volume", "1,285.0", G, 1285.0, "value-cleaned"),        # thousands separator
    ("volume", "1，285", G, 1285.0, "value-cleaned"),          # full-width comma
    ("volume", "１２８５", G, 1285.0, "value-cleaned"),         # full-width digits
    ("volume", "１２８５．５", G, 1285.5, "value-cleaned"),      # full-width point
    ("volume", "1 285", G, 1285.0, "value-cleaned"),           # space as thousands separator
    ("volume", "1285万m³", G, 1285.0, "value-cleaned"),         # the item's own unit
    ("volume", "1285 万立方米", G, 1285.0, "value-cleaned"),     # the same unit spelled out
    ("volume", "0", G, 0.0, None),                             # ≥0 admits 0
    ("count", "12眼", G, 12.0, "value-cleaned"),
    ("count", 12.0, G, 12.0, None),
    ("count", "12.0", G, 12.0, None),
    ("area", "3.5 km²", G, 3.5, "value-cleaned"),
    ("area", "3.5km2", G, 3.5, "value-cleaned"),
    ("area", "3.5平方公里", G, 3.5, "value-cleaned"),
    ("percent", "17.2%", G, 17.2, "value-cleaned"),
    ("percent", "17.2％", G, 17.2, "value-cleaned"),
    ("percent", 0.172, "0.0%", 17.2, "value-cleaned"),         # percent-formatted number cell
    ("percent", 0.172, "0.00%", 17.2, "value-cleaned"),
    ("percent", 17.2, G, 17.2, None),
    ("free_percent", "-1.6", G, -1.6, None),                   # an item with no lower bound
    ("free_percent", "−1.6", G, -1.6, "value-cleaned"),        # a typographic minus sign
    ("volume", "1.2e3", G, 1200.0, "value-cleaned"),
]

REJECTED = [  # role, cell value, number format, error code
    ("volume", "约12", G, "value-not-number"),
    ("volume", "12左右", G, "value-not-number"),
    ("volume", "12-15", G, "value-not-number"),
    ("volume", "待统计", G, "value-not-number"),
    ("volume", "1,28", G, "value-not-number"),                 # not a thousands separator
    ("volume", "12.5.3", G, "value-not-number"),
    ("volume", "nan", G, "value-not-number"),
    ("volume", "12吨", G, "value-unit-mismatch"),
    ("volume", "12 m³", G, "value-unit-mismatch"),             # m³ is not 万m³
    ("volume", "17%", G, "value-unit-mismatch"),               # a percentage for a volume
    ("volume", 0.5, "0%", "value-unit-mismatch"),              # a percent-formatted volume
    ("volume", "-5", G, "value-out-of-range"),
    ("volume", -5, G, "value-out-of-range"),
    ("positive", 0, G, "value-out-of-range"),                  # 0 in a >0 item
    ("positive", "0", G, "value-out-of-range"),
    ("count", 12.5, G, "value-not-integer"),
    ("count", "12.5眼", G, "value-not-integer"),
    ("count", "-1", G, "value-out-of-range"),
    ("volume", True, G, "value-not-number"),                   # a boolean in a number cell
    ("volume", dt.datetime(2023, 5, 1), "yyyy-mm-dd", "value-not-number"),   # a date in a number cell
    ("volume", "#DIV/0!", G, "value-not-number"),
    ("yesno", "对", G, "value-bad-choice"),
    ("yesno", True, G, "value-bad-choice"),
    ("yesno", 1, G, "value-bad-choice"),
]


@pytest.fixture(scope="module")
def items(table):
    return {role: _pick(table, **attrs) for role, attrs in ITEMS.items()}


@pytest.mark.parametrize("role,value,fmt,expected,warning", ACCEPTED)
def test_accepted(table, items, role, value, fmt, expected, warning):
    parsed = parse_item(items[role], Typed(value, fmt), table.yesno_choices())
    assert parsed.value == pytest.approx(expected) and isinstance(parsed.value, float)
    assert [code for code, _ in parsed.notes] == ([warning] if warning else [])
    assert not parsed.rejected


@pytest.mark.parametrize("role,value,fmt,error", REJECTED)
def test_rejected(table, items, role, value, fmt, error):
    parsed = parse_item(items[role], Typed(value, fmt), table.yesno_choices())
    assert parsed.value is None and parsed.rejected
    assert [code for code, _ in parsed.notes] == [error]
    assert CATALOGUE[error][0] == "error"


def test_rejected_keeps_the_value_as_typed_and_what_was_expected(table, items):
    parsed = parse_item(items["volume"], Typed("约12"), [])
    code, kw = parsed.notes[0]
    assert parsed.raw == "约12"
    assert kw["item_unit"] == items["volume"].unit and kw["bound"] == items["volume"].bound_text()


def test_cleaned_warning_says_what_was_done(table, items):
    parsed = parse_item(items["volume"], Typed("１,２８５万m³"), [])
    (code, kw), = parsed.notes
    assert code == "value-cleaned" and kw["parsed"] == "1285"
    assert "全角" in kw["detail"] and "千位分隔符" in kw["detail"] and items["volume"].unit in kw["detail"]
    assert parsed.raw == "１,２８５万m³"


def test_percent_cell_shows_what_the_user_saw(table, items):
    parsed = parse_item(items["percent"], Typed(0.172, "0.0%"), [])
    assert parsed.raw == "17.2%" and parsed.value == 17.2   # exactly, no binary noise


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_blank(table, items, value):
    for role in ("volume", "yesno"):
        parsed = parse_item(items[role], Typed(value), table.yesno_choices())
        assert parsed.blank and parsed.value is None and not parsed.notes


@pytest.mark.parametrize("typed", ["是", " 是 ", "\u3000是", "否"])
def test_yesno_accepts_spaces(table, items, typed):
    parsed = parse_item(items["yesno"], Typed(typed), table.yesno_choices())
    assert parsed.value == typed.strip("\u3000 ") and not parsed.notes


def test_choice_from_the_task_table(table):
    statuses = [c.value for c in table.task_status_choices()]
    assert parse_choice(None, Typed(f" {statuses[0]}"), statuses).value == statuses[0]
    bad = parse_choice(None, Typed("基本完成"), statuses)
    assert bad.rejected and bad.notes[0][1]["choices"] == "、".join(statuses)


@pytest.mark.parametrize("value,expected", [("  GB/T 18916.6-2012 ", "GB/T 18916.6-2012"), (12, "12"),
                                            (12.5, "12.5"), (dt.datetime(2024, 1, 10), "2024-01-10")])
def test_text(value, expected):
    assert parse_text(None, Typed(value)).value == expected


@pytest.mark.parametrize("fmt,percent", [("0%", True), ("0.00%", True), ('0.0"%"', False), ("General", False),
                                         ("0.0\\%", False), (None, False)])
def test_percent_format(fmt, percent):
    assert is_percent_format(fmt) is percent


@pytest.mark.parametrize("typed,unit,same", [("万m3", "万m³", True), ("km2", "km²", True), ("平方千米", "km²", True),
                                             ("mpa", "MPa", True), ("m³", "万m³", False), ("吨", "万m³", False),
                                             ("个", "", False)])
def test_same_unit(typed, unit, same):
    assert same_unit(typed, unit) is same
