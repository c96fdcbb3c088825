"""Returns re-saved by a real spreadsheet program (LibreOffice) are identified and read like the originals;
.ods and .xls returns are read natively (no LibreOffice needed) to the same figures."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES
from returns_builder import ReturnsBuilder

from jieshui_xl import libreoffice
from jieshui_xl.returns import collect
from jieshui_xl.score import compute

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


def _figures(table, collection):
    return [(r.code, r.value, r.status) for r in compute(table, collection).indicators]


def _same_round(got, expected):
    assert _values(got) == _values(expected) and len(got.values) == len(expected.values)
    assert _rows(got) == _rows(expected)
    assert _answers(got) == _answers(expected)
    assert {u: (c["name"], c["phone"], c["date"]) for u, c in got.contacts.items()} == \
        {u: (c["name"], c["phone"], c["date"]) for u, c in expected.contacts.items()}


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_ods_and_xls_are_read_natively_without_libreoffice(table, original, tmp_path, monkeypatch, fmt):
    """The office PC has no LibreOffice: .ods and .xls returns give the figures of the .xlsx round."""
    paths, expected = original
    folder = _converted(paths, fmt, tmp_path / fmt)
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    got = collect(table, folder)
    _same_round(got, expected)
    assert [(f.code, f.file) for f in got.report if f.severity != "info"] == []
    assert not [f for f in got.report if f.code in ("file-converted", "file-needs-conversion")]
    assert all(got.unit_status(u) == "returned" for u in table.reporting_units())
    assert _figures(table, got) == _figures(table, expected)


def test_a_mixed_round_computes_like_the_all_xlsx_round(table, original, tmp_path, monkeypatch):
    paths, expected = original
    folder = tmp_path / "mixed"
    folder.mkdir()
    for n, path in enumerate(paths.values()):
        libreoffice.convert(path, ("xlsx", "ods", "xls")[n % 3], folder)
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    got = collect(table, folder)
    _same_round(got, expected)
    assert _figures(table, got) == _figures(table, expected)


def test_a_web_page_saved_as_xls_needs_libreoffice(table, tmp_path, monkeypatch):
    folder = tmp_path / "html"
    folder.mkdir()
    (folder / "区水利局.xls").write_text("<html><body><table><tr><td>12</td></tr></table></body></html>")
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    got = collect(table, folder)
    assert [f.code for f in got.report] == ["file-needs-conversion"]
    sub, = got.submissions
    assert (sub.status, sub.unit, got.values) == ("rejected", "区水利局", {})   # received: 已收到，无法读取
    assert got.unit_status("区水利局") == "rejected" and "已收到，无法读取" in sub.reason
