"""The format readers' small parts, each against a readable table of cases."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SAMPLE_VALUES
from returns_builder import ReturnsBuilder

from jieshui_xl.returns.book import Source
from jieshui_xl.returns.limits import Limits
from jieshui_xl.returns.numfmt import builtin_format, from_serial, is_date_format
from jieshui_xl.returns.ods import odf_reference
from jieshui_xl.returns.xlsx import parse_time, read_xlsx
from jieshui_xl.workbook_names import parse_reference


@pytest.mark.parametrize("text, expected", [
    ("'数据填报'!$D$12", ("数据填报", "D12", 1)),
    ("表!$B$5:$B$14", ("表", "B5:B14", 10)),
    ("'it''s'!A1", ("it's", "A1", 1)),
    ("=S!$A$1,S!$B$2", ("S", "A1", 1)),          # several areas: the first
    ("S!$B$14:$B$5", ("S", "B5:B14", 10)),        # reversed corners
    ("#REF!", None),
    ("S!$A:$A", None),                            # whole column: never expanded
    ("S!$A$1:$XFD$1048576", None),                # beyond max_cells
    ("S!$A$0", None),
])
def test_parse_reference(text, expected):
    place = parse_reference(text)
    assert (None if place is None else (place.sheet, place.ref, len(place.cells))) == expected


@pytest.mark.parametrize("address, expected", [
    ("$数据填报.$D$12", "'数据填报'!$D$12"),
    ("$数据填报.$B$5:.$B$14", "'数据填报'!$B$5:$B$14"),
    ("$'my sheet'.$A$1:$'my sheet'.$A$3", "'my sheet'!$A$1:$A$3"),
    (".$A$1", None),                              # no sheet
    ("garbage", None),
])
def test_odf_reference(address, expected):
    assert odf_reference(address) == expected


@pytest.mark.parametrize("code, is_date", [
    ("General", False), ("0.00", False), ("0.0%", False), ("#,##0", False), ("@", False),
    ("yyyy-mm-dd", True), ('yyyy"年"m"月"d"日"', True), ("h:mm", True), ("[Red]0.00", False),
    ('0"天"', False), ("[$-F800]dddd, mmmm dd, yyyy", True), ("0.00E+00", False),
])
def test_date_formats(code, is_date):
    assert is_date_format(code) is is_date


def test_builtin_formats_and_serials():
    assert builtin_format(9) == "0%" and builtin_format(31) == 'yyyy"年"m"月"d"日"' and builtin_format(999) == "General"
    assert from_serial(45301) == dt.datetime(2024, 1, 10)
    assert from_serial(45301, date1904=True) == dt.datetime(2028, 1, 11)
    assert from_serial(0.5) == dt.time(12, 0)


@pytest.mark.parametrize("text, expected", [
    ("2024-01-10T09:00:00Z", dt.datetime(2024, 1, 10, 9)),
    ("2024-01-10T17:00:00+08:00", dt.datetime(2024, 1, 10, 9)),
    ("2026-12-01T22:02:33.123456789", dt.datetime(2026, 12, 1, 22, 2, 33, 123456)),   # LibreOffice
    ("2024-01-10", dt.datetime(2024, 1, 10)),
    ("yesterday", None), ("2024-13-40", None),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


def test_xlsb_reader_reads_the_identity_positions(table, tmp_path):
    """calamine has no defined names: the input cells come from the identity, values as typed."""
    from jieshui_xl.returns.xlsb import read_xlsb

    builder = ReturnsBuilder(table, tmp_path / "work")
    unit = table.items["wells_total_count"].reporter
    path = builder.returned(unit, tmp_path / "r.xlsx", builder.unit_values(unit, SAMPLE_VALUES))
    source = Source(path.name, path.read_bytes(), None)
    xlsx, xlsb = read_xlsx(source, Limits()), read_xlsb(source, Limits())
    assert xlsb.identity().unit == xlsx.identity().unit == unit
    for name in xlsx.identity().cells:
        place = xlsx.locate(name)
        assert xlsb.locate(name) == place
        for coord in place.cells:
            assert xlsb.cell(place.sheet, coord)[0].value == xlsx.cell(place.sheet, coord)[0].value, name
    assert {t: s.state for t, s in xlsb.sheets.items()} == {t: s.state for t, s in xlsx.sheets.items()}
    assert not xlsb.formulas_known and all(s.protected is None for s in xlsb.sheets.values())
