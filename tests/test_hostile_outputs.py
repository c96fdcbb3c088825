"""Outputs under attack: inputs never written, names from data kept inside, faults end cleanly."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_I15_ROWS, SAMPLE_VALUES
from returns_builder import ReturnsBuilder

from jieshui_xl.bycity import consolidate_by_city
from jieshui_xl.cli import main
from jieshui_xl.findings import JieshuiError
from jieshui_xl.outputs import STALE_SECONDS, TEMP_PREFIX, atomic_path, write_json
from jieshui_xl.paths import inside, safe_filename, safe_name


def tree_hash(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256 (a folder left untouched hashes the same)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def returns(table, tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    builder = ReturnsBuilder(table, tmp_path / "work")
    unit = table.items["wells_total_count"].reporter
    builder.returned(unit, folder / "水务.xlsx", builder.unit_values(unit, SAMPLE_VALUES),
                     SAMPLE_I15_ROWS if table.tables_of(unit) else None)
    return folder


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# -- inputs are read-only --------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [
    lambda r: ["--out", r / "水务.xlsx"],                              # over a returned workbook
    lambda r: ["--out", r / "评分" / "评分表.xlsx"],                   # a folder inside the returns
    lambda r: ["--out", r.parent / "评分表.xlsx", "--json", r / "x.json"],
    lambda r: ["--by-city", "--out", r / "按区县"],
    lambda r: ["--by-city", "--out", r],
])
def test_output_inside_the_returns_folder_is_refused(returns, extra):
    before = tree_hash(returns)
    result = cli("consolidate", returns, *extra(returns))
    assert result.exit_code == 2, result.output
    assert "回收文件夹" in result.output and "已拒绝" in result.output
    assert tree_hash(returns) == before
    assert not (returns / "评分").exists() and not (returns / "按区县").exists()


def test_output_over_the_task_table_is_refused(returns, tmp_path):
    tt = tmp_path / "任务分工表.xlsx"
    tt.write_bytes((Path(__file__).parents[1] / "templates" / "task_division.xlsx").read_bytes())
    before = tt.read_bytes()
    result = cli("consolidate", returns, "--task-table", tt, "--out", tt)
    assert result.exit_code == 2 and "就是输入文件" in result.output
    assert tt.read_bytes() == before


def test_print_over_its_own_input_is_refused(tmp_path):
    src = tmp_path / "评分表.pdf"
    src.write_bytes(b"%PDF-1.4 not really")
    result = cli("print", src)
    assert result.exit_code == 2 and "就是输入文件" in result.output
    assert src.read_bytes() == b"%PDF-1.4 not really"


# -- names built from data ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("../../etc/passwd", "_._etc_passwd"), ("a\\b", "a_b"), ("CON", "_CON"), ("lpt1.txt", "_lpt1.txt"),
    ('区:*?"<>|县', "区县"), ("名\x00\x1f字", "名字"), ("..", "附件"), ("", "附件"), ("~$锁", "锁"),
    ("北碚区", "北碚区"), ("A.B", "A.B"),
])
def test_safe_name(text, expected):
    assert safe_name(text) == expected


def test_safe_name_length_and_undecodable_bytes():
    assert len(safe_name("区" * 200).encode("utf-8")) <= 180
    assert safe_name(os.fsdecode(b"\xff\xfe")) == "%ff%fe"
    assert safe_filename("C:\\fakepath\\报表.xlsx") == "报表.xlsx"
    assert safe_filename("报表.XLSX") == "报表.xlsx"


def test_inside_refuses_escape(tmp_path):
    assert inside(tmp_path, "a", "b.xlsx") == tmp_path / "a" / "b.xlsx"
    for parts in (("..", "x.xlsx"), ("/etc/passwd",), (".",)):
        with pytest.raises(JieshuiError, match="以外"):
            inside(tmp_path, *parts)


def test_template_file_names_are_safe(table):
    from dataclasses import replace

    from jieshui_xl.template.files import file_name

    crafted = replace(table, city="../城:区")
    assert file_name(crafted, "水务/局") == f"{table.year}年__城区_水务_局_节水型城市数据填报表.xlsx"


def test_by_city_crafted_city_stays_inside(table, tmp_path):
    returns = tmp_path / "回收"
    returns.mkdir()
    builder = ReturnsBuilder(table, tmp_path / "work")
    unit = table.items["wells_total_count"].reporter
    path = builder.returned(unit, returns / "怪.xlsx", builder.unit_values(unit, SAMPLE_VALUES),
                            identity={"city": "../../逃逸"})
    before = tree_hash(tmp_path)
    out = tmp_path / "输出"
    done = consolidate_by_city(returns, out)
    new = set(tree_hash(tmp_path)) - set(before)
    assert new and all(n.startswith("输出/") for n in new), new
    city_dir, = [p for p in out.iterdir() if p.is_dir()]
    assert city_dir.name == "_._逃逸"
    f, = [f for f in done.findings if f.code == "city-name-cleaned"]
    assert f.file == path.name and "../../逃逸" in f.message and f.severity == "warning"
    assert tree_hash(returns) == {k[len("回收/"):]: v for k, v in before.items() if k.startswith("回收/")}


# -- faults end cleanly -----------------------------------------------------------------------------

def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith((TEMP_PREFIX, ".~tmp-"))]


def test_a_killed_write_is_cleaned_by_the_next_run(tmp_path):
    code = (f"import os, signal\nfrom jieshui_xl.outputs import atomic_path\n"
            f"with atomic_path({str(tmp_path / 'a.json')!r}) as tmp:\n"
            f"    tmp.write_bytes(b'half')\n    os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=os.environ, capture_output=True)
    assert proc.returncode == -9
    left, = _temps(tmp_path)
    old = tmp_path / ".~tmp-abcd1234.xlsx"          # what versions before this one left behind
    old.write_bytes(b"x")
    young = tmp_path / f"{TEMP_PREFIX}{'0' * 16}.xlsx"   # may belong to a run still going
    young.write_bytes(b"x")
    stale = time.time() - STALE_SECONDS - 10
    for p in (left, old):
        os.utime(p, (stale, stale))
    write_json(tmp_path / "b.json", {"ok": 1})
    assert _temps(tmp_path) == [young]
    assert not (tmp_path / "a.json").exists()


def test_mode_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_json(tmp_path / "a.json", {})
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def _fail_replace(err):
    def replace(src, dst):
        raise err
    return replace


@pytest.mark.parametrize("err,words", [
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足"),
    (PermissionError(errno.EACCES, "Permission denied"), "请先关闭"),
    (OSError(errno.EROFS, "Read-only file system"), "只读"),
])
def test_write_errors_keep_the_old_file(tmp_path, monkeypatch, err, words):
    target = write_json(tmp_path / "评分表.json", {"old": 1})
    monkeypatch.setattr(os, "replace", _fail_replace(err))
    with pytest.raises(JieshuiError) as exc:
        write_json(target, {"new": 1})
    assert words in str(exc.value) and str(target) in str(exc.value)
    assert '"old": 1' in target.read_text(encoding="utf-8")
    assert _temps(tmp_path) == []


def test_xlsxwriter_errors_are_messages_too(tmp_path):
    import xlsxwriter

    with pytest.raises(JieshuiError, match="同名文件夹|无法写入"):
        with atomic_path(tmp_path / "a.xlsx") as tmp:
            tmp.unlink()
            tmp.mkdir()                         # xlsxwriter cannot create its file: FileCreateError
            try:
                wb = xlsxwriter.Workbook(str(tmp))
                wb.add_worksheet()
                wb.close()
            finally:
                tmp.rmdir()


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="needs POSIX permissions and no root")
def test_output_folder_read_only_or_a_file(returns, tmp_path):
    blocker = tmp_path / "是文件"
    blocker.write_text("x")
    ro = tmp_path / "只读"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        for out in (blocker / "评分表.xlsx", ro / "评分表.xlsx"):
            result = cli("consolidate", returns, "--out", out)
            assert result.exit_code == 2, (out, result.output)
            assert "无法写入" in result.output and "Traceback" not in result.output
    finally:
        ro.chmod(0o700)
    assert list(ro.iterdir()) == []
