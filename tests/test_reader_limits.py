"""Hostile returned files against the bounded reader: each is a finding naming the file, the good
files' figures are unchanged, memory stays bounded.  Every hostile file is built here, in code."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from jieshui_xl.returns import collect
from jieshui_xl.returns.limits import Limits

ITEM = "wells_total_count"          # an item of the unit whose file is made hostile


def _values(collection) -> dict:
    return {code: cv.value for code, cv in collection.values.items()}


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _write(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")          # a duplicate name is what the test wants
        for name, data in members:
            zf.writestr(name, data)
    return path


def _data_sheet(members: dict[str, bytes]) -> str:
    """The member of the sheet with the most cells (the 数据填报 sheet)."""
    sheets = [n for n in members if n.startswith("xl/worksheets/sheet")]
    return max(sheets, key=lambda n: members[n].count(b"<c "))


def _round_with(table, good_round, tmp_path, name: str, make) -> tuple[object, Path]:
    """The good round with the hostile unit's file replaced by ``make(original_path, target)``."""
    paths, _ = good_round
    unit = table.items[ITEM].reporter
    folder = tmp_path / "回收"
    folder.mkdir()
    for u, path in paths.items():
        if u != unit:
            (folder / path.name).write_bytes(path.read_bytes())
    target = folder / name
    make(paths[unit], target)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    got = collect(table, folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before   # nothing modified
    return got, target


def _assert_contained(table, good_round, got, file: str, code: str, detail: str = "") -> None:
    _, expected = good_round
    unit = table.items[ITEM].reporter
    found = [f for f in got.report if f.file == file and f.code == code]
    assert found, [(f.code, f.file) for f in got.report]
    assert detail in found[0].message
    others = {k: v for k, v in expected.items() if table.items[k].reporter != unit}
    assert {k: v for k, v in _values(got).items() if table.items[k].reporter != unit} == others
    assert got.unit_status(unit) == "rejected"


def _bomb(src: Path, target: Path) -> None:
    """The workbook with 60 MB of blanks in its data sheet: a member compressed far beyond the ratio."""
    members = _members(src)
    sheet = _data_sheet(members)
    members[sheet] = members[sheet].replace(b"</worksheet>", b" " * (60 * 2**20) + b"</worksheet>")
    _write(target, list(members.items()))


def test_a_zip_bomb_member_is_a_finding(table, good_round, tmp_path):
    got, target = _round_with(table, good_round, tmp_path, "炸弹.xlsx", _bomb)
    _assert_contained(table, good_round, got, target.name, "file-over-limit", "压缩")


def test_duplicate_member_names_are_a_finding(table, good_round, tmp_path):
    def twice(src, target):
        members = _members(src)
        sheet = _data_sheet(members)
        forged = re.sub(rb"<v>12</v>", b"<v>999</v>", members[sheet])
        _write(target, list(members.items()) + [(sheet, forged)])
    unit = table.items[ITEM].reporter            # a file that cannot be trusted: its unit from its name
    got, target = _round_with(table, good_round, tmp_path, f"{unit}两份.xlsx", twice)
    _assert_contained(table, good_round, got, target.name, "file-over-limit", "同名部件")


def test_a_name_over_a_whole_sheet_is_refused_not_expanded(table, good_round, tmp_path):
    def whole(src, target):
        members = _members(src)
        whole = "'数据填报'!$A$1:$XFD$1048576".encode()
        members["xl/workbook.xml"] = re.sub(rb'(<definedName name="%s">)[^<]*' % ITEM.encode(),
                                            lambda m: m.group(1) + whole, members["xl/workbook.xml"])
        _write(target, list(members.items()))
    got, target = _round_with(table, good_round, tmp_path, "整表.xlsx", whole)
    broken = [f for f in got.report if f.code == "name-broken"]
    assert [(f.file, f.field) for f in broken] == [(target.name, ITEM)]
    _, expected = good_round
    assert ITEM not in got.values
    assert {k: v for k, v in _values(got).items()} == {k: v for k, v in expected.items() if k != ITEM}


def test_a_styled_cell_at_the_last_cell_of_the_sheet_costs_nothing(table, good_round, tmp_path):
    def far(src, target):
        members = _members(src)
        sheet = _data_sheet(members)
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', members[sheet])
        members[sheet] = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>')
        _write(target, list(members.items()))
    got, target = _round_with(table, good_round, tmp_path, "远处.xlsx", far)
    _, expected = good_round
    assert _values(got) == expected
    assert not [f for f in got.report if f.severity == "error"]


def test_strict_open_xml_reads_like_transitional(table, good_round, tmp_path):
    got, _ = _round_with(table, good_round, tmp_path, "严格.xlsx", _to_strict)
    _, expected = good_round
    assert _values(got) == expected
    assert not [f for f in got.report if f.severity == "error"]


_STRICT = [(rb"http://schemas.openxmlformats.org/spreadsheetml/2006/main", rb"http://purl.oclc.org/ooxml/spreadsheetml/main"),
           (rb"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            rb"http://purl.oclc.org/ooxml/officeDocument/relationships"),
           (rb'sheet="1"', rb'sheet="true"'), (rb'date1904="0"', rb'date1904="false"')]


def _to_strict(src: Path, target: Path) -> None:
    """The workbook as Excel saves it in "Strict Open XML" (namespaces, relationship types, booleans)."""
    members = _members(src)
    for name, data in members.items():
        if name.endswith((".xml", ".rels")):
            for old, new in _STRICT:
                data = data.replace(old, new)
            members[name] = data
    _write(target, list(members.items()))


def test_a_file_larger_than_the_limit_is_not_read(table, good_round, tmp_path):
    small = dataclasses.replace(table, params={**table.params, "reader_max_file_mb": 0.001})
    assert Limits.from_params(small.params).file_bytes == int(0.001 * 2**20)
    paths, _ = good_round
    folder = tmp_path / "回收"
    folder.mkdir()
    path = paths[table.items[ITEM].reporter]
    (folder / path.name).write_bytes(path.read_bytes())
    got = collect(small, folder)
    assert [f.code for f in got.report] == ["file-over-limit"] and got.values == {}


def test_too_many_cells_and_too_many_seconds_are_findings(table, good_round, tmp_path):
    paths, _ = good_round
    folder = tmp_path / "回收"
    folder.mkdir()
    path = paths[table.items[ITEM].reporter]
    (folder / path.name).write_bytes(path.read_bytes())
    for code, value, detail in (("reader_max_cells", 50, "单元格超过 50 个"), ("reader_max_seconds", 1e-9, "秒")):
        bounded = dataclasses.replace(table, params={**table.params, code: value})
        got = collect(bounded, folder)
        found, = [f for f in got.report if f.code == "file-over-limit"]
        assert detail in found.message and got.values == {}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_never_hangs_the_run(table, good_round, tmp_path):
    got, target = _round_with(table, good_round, tmp_path, "管道.xlsx", lambda src, t: os.mkfifo(t))
    assert [f.code for f in got.report if f.file == target.name] == ["file-not-regular"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_an_endless_device_is_not_read(table, good_round, tmp_path):
    got, target = _round_with(table, good_round, tmp_path, "无尽.xlsx", lambda src, t: t.symlink_to("/dev/zero"))
    assert [f.code for f in got.report if f.file == target.name] == ["file-link-outside"]


def test_peak_memory_stays_bounded_on_hostile_files(table, good_round, tmp_path):
    """A bomb, a huge range and a far styled cell in one folder with the good files: the consolidation
    process stays far below 300 MB (measured as the child's peak resident size)."""
    paths, _ = good_round
    folder = tmp_path / "回收"
    folder.mkdir()
    for path in paths.values():
        (folder / path.name).write_bytes(path.read_bytes())
    src = paths[table.items[ITEM].reporter]
    members = _members(src)
    sheet = _data_sheet(members)
    bomb = members[sheet].replace(b"</worksheet>", b" " * (200 * 2**20) + b"</worksheet>")
    _write(folder / "炸弹.xlsx", [(n, bomb if n == sheet else d) for n, d in members.items()])
    _write(folder / "远处.xlsx", [(n, d if n != sheet else d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="1"><v>1</v></c></row></sheetData>'))
        for n, d in members.items()])
    out = tmp_path / "out"
    script = ("import resource, subprocess, sys; "
              "subprocess.run([sys.executable, '-m', 'jieshui_xl', 'consolidate', sys.argv[1], '--out', sys.argv[2]], "
              "check=True, stdout=subprocess.DEVNULL); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    peak_kb = int(subprocess.run([sys.executable, "-c", script, str(folder), str(out / "s.xlsx")],
                                 capture_output=True, text=True, check=True).stdout)
    assert peak_kb < 300 * 1024, f"peak {peak_kb / 1024:.0f} MB"
    assert (out / "s.xlsx").exists()


def test_a_received_but_unreadable_return_is_never_reported_missing(table, good_round, tmp_path):
    """Status, console and reminders name the unit as 已收到，无法读取 (rejected), not 未报送."""
    from click.testing import CliRunner

    from jieshui_xl.cli import main
    from jieshui_xl.mail import reminders_for

    got, target = _round_with(table, good_round, tmp_path, "附件1.xlsx", _bomb)
    unit = table.items[ITEM].reporter
    result = CliRunner().invoke(main, ["status", str(target.parent)])
    assert result.exit_code == 0 and f"{unit}：已收到，无法读取" in result.output
    reminder = reminders_for(table, got)[unit]
    assert reminder.status == "rejected" and any(f.file == target.name for f in reminder.findings)


def test_temporary_folders_of_an_interrupted_run_are_removed(table, good_round, tmp_path, monkeypatch):
    import tempfile
    import time

    from jieshui_xl.returns import STALE_TMP, TMP_PREFIX

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale, fresh = tmp_path / f"{TMP_PREFIX}old", tmp_path / f"{TMP_PREFIX}running"
    for folder in (stale, fresh):
        (folder / "0001").mkdir(parents=True)
    old = time.time() - STALE_TMP - 60
    os.utime(stale, (old, old))
    paths, _ = good_round
    collect(table, next(iter(paths.values())).parent)
    assert not stale.exists() and fresh.exists()        # a concurrent run's folder is left alone
