"""Issue 16: every returned file is parsed in an isolated worker; no single file takes the round down.

Each hostile case is built in code and dropped among a good round's returns: the run ends, the bad
file is named in a finding, the good files' figures are intact, nothing hangs.  Bounds apply to the
part consolidation reads: a big e-mail with a scanned PDF, a return with pasted raw data are read.
"""

from __future__ import annotations

import base64
import io
import subprocess
import sys
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import hostile_builder
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_VALUES
from hostile_builder import xlsb
from test_reader_limits import ITEM, _members, _round_with, _values, _write

from jieshui_xl.cli import main
from jieshui_xl.formula import FormulaSyntaxError, parse
from jieshui_xl.paths import safe_filename, safe_name
from jieshui_xl.returns import collect, isolate
from jieshui_xl.returns.limits import Limits
from jieshui_xl.returns.load import sniff


def _copy(data: bytes):
    def make(_src: Path, target: Path) -> None:
        target.write_bytes(data)
    return make


# -- native parsers that die -------------------------------------------------------------------------

def test_an_xlsb_that_panics_the_parser_is_a_finding(table, good_round, tmp_path):
    got, target = _round_with(table, good_round, tmp_path, "面板.xlsb", _copy(xlsb(sheet_rel="rId9")))
    found = [f for f in got.report if f.file == target.name]
    assert found and found[0].code in ("file-unreadable", "file-worker-failed"), found


def test_an_xlsb_whose_cell_lies_beyond_its_dimension_kills_only_its_worker(table, good_round, tmp_path):
    """Declared A1:A1, a cell at XFD1048576: calamine asks for 512 GiB and aborts — in its worker."""
    far = xlsb(dimension=(0, 0, 0, 0), cells=((0, 0, 1.0), (1048575, 16383, 2.0)))
    start = time.monotonic()
    got, target = _round_with(table, good_round, tmp_path, "远处.xlsb", _copy(far))
    assert time.monotonic() - start < 60
    found = [f for f in got.report if f.file == target.name]
    assert [f.code for f in found] == ["file-worker-failed"], found
    assert "文件损坏或超出读取上限，未读取" in found[0].message
    _, expected = good_round
    unit = table.items[ITEM].reporter
    assert {k: v for k, v in _values(got).items() if table.items[k].reporter != unit} == \
        {k: v for k, v in expected.items() if table.items[k].reporter != unit}


@pytest.mark.parametrize("job, says", [(hostile_builder.job_hangs, "1 秒"), (hostile_builder.job_aborts, "异常退出"),
                                       (hostile_builder.job_grabs_memory, "异常退出")])
def test_a_worker_that_hangs_aborts_or_overruns_is_a_finding_and_the_others_go_on(tmp_path, job, says):
    files = []
    for n in range(3):
        files.append(tmp_path / f"{n}.xlsx")
        files[-1].write_bytes(b"not a workbook")
    found = [isolate.Found(p, p.name) for p in files]
    start = time.monotonic()
    got = isolate.parse_isolated(found, Limits(seconds=1, memory_bytes=512 * 2**20), work=job)
    assert time.monotonic() - start < 60
    assert [e.name for e in got] == [p.name for p in files]
    assert all(e.findings[0].code == "file-worker-failed" and says in e.findings[0].message for e in got)
    fine = isolate.parse_isolated(found, Limits(), work=hostile_builder.job_reads)
    assert [e.parsed[0].findings[0].code for e in fine] == ["file-unreadable"] * 3


def test_an_ods_cell_of_two_billion_spaces_is_refused_before_it_is_built(table, good_round, tmp_path):
    def spaces(src: Path, target: Path) -> None:
        buf = io.BytesIO()
        content = ('<?xml version="1.0"?><office:document-content '
                   'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
                   '<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string">'
                   '<text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row>'
                   '</table:table></office:spreadsheet></office:body></office:document-content>')
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            zf.writestr("content.xml", content)
        target.write_bytes(buf.getvalue())
    got, target = _round_with(table, good_round, tmp_path, "空格.ods", spaces)
    found = [f for f in got.report if f.file == target.name]
    assert found and found[0].code == "file-over-limit" and "32767" in found[0].message


# -- e-mail -------------------------------------------------------------------------------------------

def _mail(attachments: list[tuple[str, bytes, str]]) -> bytes:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "数据填报", "a@example.gov.cn", "b@example.gov.cn"
    msg.set_content("见附件")
    for name, data, mime in attachments:
        main_type, sub_type = mime.split("/")
        msg.add_attachment(data, maintype=main_type, subtype=sub_type, filename=name)
    return msg.as_bytes()


def test_a_mail_whose_attachment_name_is_100000_encoded_words_is_refused_at_once(table, good_round, tmp_path):
    word = "=?utf-8?B?" + base64.b64encode("表".encode()).decode() + "?="
    raw = (b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B\n"
           b"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\""
           + " ".join([word] * 100_000).encode() + b".xlsx\"\nContent-Transfer-Encoding: base64\n\nUEsDBA==\n--B--\n")
    start = time.monotonic()
    got, target = _round_with(table, good_round, tmp_path, "名字.eml", _copy(raw))
    assert time.monotonic() - start < 60
    found = [f for f in got.report if f.file == target.name]
    assert found and found[0].code == "file-over-limit" and "异常长" in found[0].message


def test_names_of_ten_million_characters_are_cleaned_in_linear_time():
    start = time.monotonic()
    assert len(safe_name("报" * 10_000_000).encode()) <= 180
    assert safe_filename("x" * 10_000_000 + ".xlsx").endswith(".xlsx")
    assert time.monotonic() - start < 5


def test_a_50_mb_mail_with_a_workbook_and_a_scanned_pdf_is_consolidated(table, good_round, tmp_path):
    paths, expected = good_round
    unit = table.items[ITEM].reporter
    scan = b"%PDF-1.4\n" + bytes(range(256)) * (50 * 2**20 // 256)        # 50 MB, incompressible enough
    mail = _mail([(paths[unit].name, paths[unit].read_bytes(), "application/vnd.ms-excel"),
                  ("扫描件.pdf", scan, "application/pdf")])
    assert len(mail) > 60 * 2**20
    got, target = _round_with(table, good_round, tmp_path, "回复：数据填报.eml", _copy(mail))
    assert _values(got) == expected
    assert got.unit_status(unit) == "returned"


# -- workbooks ----------------------------------------------------------------------------------------

def test_a_return_with_200000_rows_of_pasted_raw_data_is_read(table, good_round, tmp_path):
    def pasted(src: Path, target: Path) -> None:
        wb = openpyxl.load_workbook(src)
        raw = wb.create_sheet("原始数据")
        for n in range(200_000):
            raw.append([n, f"企业{n}", n * 1.5])
        wb.save(target)
    got, target = _round_with(table, good_round, tmp_path, "附原始数据.xlsx", pasted)
    _, expected = good_round
    assert _values(got) == expected
    notes = [f for f in got.report if f.file == target.name and f.code == "sheet-not-read"]
    assert notes and notes[0].sheet == "原始数据"


@pytest.mark.libreoffice
def test_an_xls_whose_text_says_encryptioninfo_is_no_password_file(table, good_round, tmp_path):
    from jieshui_xl.libreoffice import convert

    paths, _ = good_round
    unit = table.items[ITEM].reporter
    wb = openpyxl.load_workbook(paths[unit])
    sheet, ref = next(iter(wb.defined_names["contact_name"].destinations))
    wb[sheet][ref.replace("$", "")] = "EncryptionInfo 张三"
    wb.save(tmp_path / "src.xlsx")
    xls = convert(tmp_path / "src.xlsx", "xls", tmp_path / "xls")
    assert sniff(xls.read_bytes(), ".xls") == "xls"
    got, _target = _round_with(table, good_round, tmp_path, "联系人.xls", lambda _s, t: t.write_bytes(xls.read_bytes()))
    assert got.unit_status(unit) == "returned"


def test_a_parallel_read_gives_the_figures_of_a_serial_one(table, good_round, tmp_path, monkeypatch):
    paths, expected = good_round
    folder = paths[next(iter(paths))].parent
    monkeypatch.setattr(isolate, "MAX_WORKERS", 1)
    serial = collect(table, folder)
    monkeypatch.setattr(isolate, "MAX_WORKERS", 2)
    parallel = collect(table, folder)
    assert _values(serial) == _values(parallel) == expected
    assert [f.to_dict() for f in serial.report] == [f.to_dict() for f in parallel.report]


# -- the task table ------------------------------------------------------------------------------------

def _table_with(tmp_path: Path, sheet: str, code: str, column: str, value) -> Path:
    from jieshui_xl.spec import default_task_table_path

    wb = openpyxl.load_workbook(default_task_table_path())
    ws = wb[sheet]
    heads = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == code)
    row[heads.index(column)].value = value
    path = tmp_path / "task_division.xlsx"
    wb.save(path)
    return path


def test_an_infinite_reader_limit_is_a_task_table_error(tmp_path, good_round):
    paths, _ = good_round
    folder = paths[next(iter(paths))].parent
    table = _table_with(tmp_path, "参数", "reader_max_file_mb", "值", "1e999")
    result = CliRunner().invoke(main, ["consolidate", str(folder), "--task-table", str(table),
                                       "--out", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 2 and "reader_max_file_mb" in result.output and "Traceback" not in result.output


def test_a_formula_of_10000_nested_parentheses_is_a_task_table_error():
    with pytest.raises(FormulaSyntaxError, match="嵌套|过长"):
        parse("(" * 4000 + "1" + ")" * 4000)
    with pytest.raises(FormulaSyntaxError):
        parse("(" * 10_000 + "1" + ")" * 10_000)


# -- memory of the whole run -----------------------------------------------------------------------

def test_the_round_with_every_hostile_file_stays_under_its_bounds(table, good_round, tmp_path):
    """All the cases above in one folder, consolidated from the command line: exit 0, a scorecard, the
    parent's peak resident size far below 1.5 GiB (each worker is capped by RLIMIT_AS)."""
    paths, _ = good_round
    folder = tmp_path / "回收"
    folder.mkdir()
    for path in paths.values():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "面板.xlsb").write_bytes(xlsb(sheet_rel="rId9"))
    (folder / "远处.xlsb").write_bytes(xlsb(cells=((0, 0, 1.0), (1048575, 16383, 2.0))))
    src = paths[table.items[ITEM].reporter]
    members = _members(src)
    _write(folder / "炸弹.xlsx", list(members.items()) + [("xl/bomb.xml", b" " * (100 * 2**20))])
    out = tmp_path / "out"
    script = ("import resource, subprocess, sys; "
              "r = subprocess.run([sys.executable, '-m', 'jieshui_xl', 'consolidate', sys.argv[1], '--out', sys.argv[2]], "
              "capture_output=True, text=True); "
              "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 'Traceback' in r.stderr)")
    start = time.monotonic()
    code, peak_kb, traceback = subprocess.run([sys.executable, "-c", script, str(folder), str(out / "s.xlsx")],
                                              capture_output=True, text=True, check=True).stdout.split()
    assert code == "0" and traceback == "False"
    assert int(peak_kb) < 1536 * 1024, f"peak {int(peak_kb) / 1024:.0f} MB"
    assert (out / "s.xlsx").exists() and time.monotonic() - start < 180
    assert SAMPLE_VALUES
