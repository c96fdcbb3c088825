"""Returns re-saved by a real spreadsheet program (LibreOffice) are identified and read like the originals;
.ods and .xls returns are read through conversion."""

from __future__ import annotations


import pytest

from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES
from returns_builder import ReturnsBuilder

from jieshui_xl import libreoffice
from jieshui_xl.collect import collect

pytestmark = pytest.mark.libreoffice


def _values(collection):
    return {code: cv.value for code, cv in collection.values.items()}


def _rows(collection):
    return {t: [{k: cv.value for k, cv in row.items()} for row in rows] for t, rows in collection.tables.items()}


def _answers(collection):
    return {k: (a.status, a.evidence, a.note) for k, a in collection.tasks.items()}


@pytest.fixture(scope="module")
def original(table, tmp_path_factory):
    """A full round as generated, and what collecting it gives."""
    tmp = tmp_path_factory.mktemp("lo")
    paths = ReturnsBuilder(table, tmp / "work").round(tmp / "original", SAMPLE_VALUES, SAMPLE_I15_ROWS)
    return paths, collect(table, tmp / "original")


def _converted(paths, fmt, folder):
    folder.mkdir()
    for path in paths.values():
        libreoffice.convert(path, fmt, folder)
    return folder


def test_resaved_by_libreoffice_reads_identically(table, original, tmp_path):
    paths, expected = original
    got = collect(table, _converted(paths, "xlsx", tmp_path / "resaved"))
    assert _values(got) == _values(expected) and len(got.values) == len(expected.values)
    assert _rows(got) == _rows(expected)
    assert _answers(got) == _answers(expected)
    assert {u: (c["name"], c["phone"], c["date"]) for u, c in got.contacts.items()} == \
        {u: (c["name"], c["phone"], c["date"]) for u, c in expected.contacts.items()}
    assert [(f.code, f.file, f.cell) for f in got.report if f.severity != "info"] == []
    assert all(got.unit_status(u) == "returned" for u in table.reporting_units())


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_ods_and_xls_are_read_through_conversion(table, original, tmp_path, fmt):
    paths, expected = original
    unit = table.items["wells_total_count"].reporter
    folder = tmp_path / fmt
    folder.mkdir()
    libreoffice.convert(paths[unit], fmt, folder)
    got = collect(table, folder)
    mine = {k: v for k, v in _values(expected).items() if table.items[k].reporter == unit}
    assert _values(got) == mine
    converted = [f for f in got.report if f.code == "file-converted"]
    assert len(converted) == 1 and converted[0].file.endswith("." + fmt)
    assert [f.code for f in got.report if f.severity != "info"] == []
    assert got.accepted(unit).file.endswith("." + fmt)


def test_without_libreoffice_conversion_is_asked_for(table, original, tmp_path, monkeypatch):
    paths, _ = original
    unit = table.items["wells_total_count"].reporter
    folder = tmp_path / "ods"
    folder.mkdir()
    libreoffice.convert(paths[unit], "ods", folder)
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    got = collect(table, folder)
    assert [f.code for f in got.report] == ["file-needs-conversion"]
    sub, = got.submissions
    assert (sub.status, sub.unit, got.values) == ("rejected", None, {})   # named in a finding, not used
