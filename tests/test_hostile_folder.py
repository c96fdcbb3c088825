"""The returns folder under attack: links, special files, undecodable names, clocks, identities,
and LibreOffice as a guest that leaves nothing behind."""

from __future__ import annotations

import datetime as _dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES
from returns_builder import save, set_identity
from test_hostile_outputs import tree_hash

from jieshui_xl.identity import META_SHEET, PROPERTY_PREFIX
from jieshui_xl.returns import collect
from jieshui_xl.returns.discover import discover

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX links, FIFOs and byte file names")

CODE = "wells_total_count"




def unit_of(table):
    return table.items[CODE].reporter


def returned(builder, table, path: Path, value=12, **kw) -> Path:
    unit = unit_of(table)
    values = dict(builder.unit_values(unit, SAMPLE_VALUES), **{CODE: value})
    return builder.returned(unit, path, values, SAMPLE_I15_ROWS if table.tables_of(unit) else None, **kw)


@pytest.fixture
def alarm():
    """Fail instead of hanging (a FIFO opened for reading blocks forever)."""
    def boom(*_):
        raise TimeoutError("hung")
    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def by_name(found):
    return {f.name: f for f in found}


# -- the folder is the boundary ------------------------------------------------------------------

def test_links_and_special_files_are_not_followed(table, builder, returns, tmp_path, alarm):
    good = returned(builder, table, returns / "水务.xlsx", 12)
    outside = tmp_path / "外面"
    outside.mkdir()
    returned(builder, table, outside / "别处.xlsx", 99)
    (returns / "外链目录").symlink_to(outside, target_is_directory=True)
    (returns / "外链.xlsx").symlink_to(outside / "别处.xlsx")
    (returns / "失效.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    (returns / "循环").symlink_to(returns, target_is_directory=True)
    (returns / "内链.xlsx").symlink_to(good)
    os.mkfifo(returns / "管道.xlsx")
    found = by_name(discover(returns))
    assert found["外链目录/"].code == "file-link-outside" and found["外链目录/"].skipped
    assert found["外链.xlsx"].code == "file-link-outside"
    assert found["失效.xlsx"].code == "file-link-broken"
    assert found["循环/"].code == "file-link-loop"
    assert found["管道.xlsx"].code == "file-not-regular" and "管道" in found["管道.xlsx"].detail
    assert not found["内链.xlsx"].skipped and not found["水务.xlsx"].skipped   # inside: followed
    assert not any(n.startswith("外链目录/") and n != "外链目录/" for n in found)
    before = tree_hash(outside)
    c = collect(table, returns)
    assert c.values[CODE].value == 12                    # the outside workbook (99) never read
    files = {s.file: s.status for s in c.submissions}
    codes = {f.file: f.code for f in c.report}
    for name in ("外链目录/", "外链.xlsx", "失效.xlsx", "循环/", "管道.xlsx"):
        assert files[name] == "rejected" and codes[name] == found[name].code, (files, codes)   # named in a finding
    assert tree_hash(outside) == before


def test_undecodable_names_are_shown_and_read(table, builder, returns, alarm):
    gbk = os.fsdecode("水务局填报表.xlsx".encode("gbk"))
    returned(builder, table, returns / gbk, 12)
    latin = os.fsdecode(b"\xff\xfe.xlsx")                 # neither UTF-8 nor GB18030
    returned(builder, table, returns / latin, 12)
    names = [f.name for f in discover(returns)]
    assert "水务局填报表.xlsx" in names
    assert all(n.encode("utf-8") for n in names)         # printable: no surrogates left
    c = collect(table, returns)
    assert c.values[CODE].value == 12
    assert {s.file for s in c.submissions} >= {"水务局填报表.xlsx"}


def test_undecodable_names_through_the_command_line(table, builder, returns, tmp_path):
    returned(builder, table, returns / os.fsdecode("水务局.xlsx".encode("gbk")), 12)
    returned(builder, table, returns / os.fsdecode(b"\xff\xfe.xlsx"), 12)
    before = tree_hash(returns)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    out, js = tmp_path / "评分表.xlsx", tmp_path / "评分表.json"
    proc = subprocess.run([sys.executable, "-m", "jieshui_xl", "consolidate", str(returns), "--out", str(out),
                           "--json", str(js)], capture_output=True, env=env, timeout=300)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0 and "Traceback" not in err, err
    files = {s["file"] for s in json.loads(js.read_text(encoding="utf-8"))["submissions"]}
    assert "水务局.xlsx" in files
    openpyxl.load_workbook(out)                           # the scorecard was written
    assert tree_hash(returns) == before


# -- clocks and identities --------------------------------------------------------------------------

def test_a_future_save_time_never_wins_alone(table, builder, returns):
    returned(builder, table, returns / "a_未来.xlsx", 99, modified=_dt.datetime(2099, 1, 1))
    returned(builder, table, returns / "b_正常.xlsx", 12, modified=_dt.datetime.now() - _dt.timedelta(hours=1))
    os.utime(returns / "a_未来.xlsx", (0, 0))            # its file time is old too
    c = collect(table, returns)
    assert c.values[CODE].value == 12
    f, = [f for f in c.report if f.code == "saved-in-future"]
    assert f.file == "a_未来.xlsx" and f.severity == "warning" and "2099" in f.message


def _untouched_check(path: Path) -> None:
    """Drop the check value (a workbook of an older generator)."""
    wb = openpyxl.load_workbook(path)
    meta = wb[META_SHEET]
    for row in meta.iter_rows(min_col=1, max_col=2):
        if row[0].value == "check":
            row[1].value = None
            row[0].value = None
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name != PROPERTY_PREFIX + "check"]
    save(wb, path)


def test_an_edited_identity_is_rejected(table, builder, returns):
    last_year = returned(builder, table, returns / "改过.xlsx", 12, identity={"year": table.year - 1})
    wb = openpyxl.load_workbook(last_year)
    assert any(r[0] == "check" for r in wb[META_SHEET].iter_rows(values_only=True)), "no check written"
    set_identity(wb, resign=False, year=table.year)      # last year's form passed off as this year's
    save(wb, last_year)
    c = collect(table, returns)
    f, = [f for f in c.report if f.code == "identity-edited"]
    assert f.file == "改过.xlsx" and f.severity == "error"
    assert CODE not in c.values and c.submissions[0].status == "rejected"


def test_an_identity_without_check_value_is_accepted(table, builder, returns):
    path = returned(builder, table, returns / "旧版.xlsx", 12)
    _untouched_check(path)
    c = collect(table, returns)
    assert c.values[CODE].value == 12
    assert not [f for f in c.report if f.code == "identity-edited"]


def test_output_path_is_a_file(table, builder, returns, tmp_path):
    from click.testing import CliRunner

    from jieshui_xl.cli import main

    returned(builder, table, returns / "水务.xlsx", 12)
    blocker = tmp_path / "是文件"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["consolidate", str(returns), "--out", str(blocker / "评分表.xlsx")])
    assert result.exit_code == 2 and "无法写入" in result.output and "是文件" in result.output
    assert blocker.read_text() == "x"


# -- LibreOffice as a guest ---------------------------------------------------------------------------

def _processes_mentioning(text: str) -> list[str]:
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmd and ("soffice" in cmd or "oosplash" in cmd):
            out.append(f"{pid}: {cmd}")
    return out


@pytest.mark.libreoffice
def test_libreoffice_leaves_no_process_and_no_home_files(tmp_path, monkeypatch):
    import tempfile

    import xlsxwriter

    from jieshui_xl.findings import JieshuiError
    from jieshui_xl.libreoffice import convert

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))      # its profile lands under tmp_path
    src = tmp_path / "表.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    wb.add_worksheet().write(0, 0, 1)
    wb.close()
    assert convert(src, "pdf", tmp_path / "out").exists()
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(JieshuiError) as exc:
        convert(bad, "pdf", tmp_path / "out")
    assert "坏.xlsx" in str(exc.value) and "soffice" not in str(exc.value) and "LibreOffice" not in str(exc.value)
    assert _processes_mentioning(str(tmp_path)) == []
    assert list(home.iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("jieshui-lo-")]
