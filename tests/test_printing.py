"""PDF through LibreOffice: page setup honoured, atomic output, clear messages without LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from jieshui_xl import libreoffice
from jieshui_xl.cli import main
from jieshui_xl.findings import JieshuiError
from jieshui_xl.libreoffice import LibreOfficeMissing
from jieshui_xl.printing import print_pdf

A4_LANDSCAPE = (841.89, 595.28)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in pt of every page (pdfinfo where installed, else the MediaBoxes)."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                             check=True).stdout
        return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)]
    data = pdf.read_bytes()
    boxes = re.findall(rb"/Type\s*/Page[^s].*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", data, re.S)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def _is_a4_landscape(size) -> bool:
    return abs(size[0] - A4_LANDSCAPE[0]) < 1.5 and abs(size[1] - A4_LANDSCAPE[1]) < 1.5


def _landscape_workbook(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("评分表")
    ws.set_paper(9)                     # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.write_row(0, 0, ["序号", "指标", "结果", "目标", "状态"])
    for i in range(1, 30):
        ws.write_row(i, 0, [i, f"指标{i}", i * 1.5, "≥45%", "达标"])
    wb.close()
    return path


@pytest.mark.libreoffice
def test_a4_landscape_workbook(tmp_path):
    src = _landscape_workbook(tmp_path / "横向 评分表.xlsx")
    pdf = print_pdf(src)
    assert pdf == tmp_path / "横向 评分表.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    sizes = page_sizes(pdf)
    assert sizes and _is_a4_landscape(sizes[0]), sizes
    # a second run replaces the PDF in place and leaves no temporary files behind
    out = print_pdf(src, tmp_path / "输出" / "评分表")
    assert out == tmp_path / "输出" / "评分表.pdf" and out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["横向 评分表.xlsx", "横向 评分表.pdf", "输出"])
    assert [p.name for p in (tmp_path / "输出").iterdir()] == ["评分表.pdf"]


@pytest.mark.libreoffice
def test_real_scorecard_prints_landscape_one_page_wide(tmp_path, table):
    from conftest import SAMPLE_I15_ROWS, make_collection

    from jieshui_xl import compute_round, write_scorecard

    collection = make_collection(table, rows=SAMPLE_I15_ROWS)
    xlsx = tmp_path / "评分表.xlsx"
    write_scorecard(compute_round(table, collection), xlsx)
    pdf = print_pdf(xlsx, tmp_path / "评分表.pdf")
    sizes = page_sizes(pdf)
    assert sizes, "no pages"
    assert all(_is_a4_landscape(s) for s in sizes), sizes
    # one page wide: the 20 indicators of the score sheet fit on very few pages, not a grid of slices
    assert len(sizes) <= 40, len(sizes)
    if shutil.which("pdftotext"):
        first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
        flat = first.replace(" ", "")
        assert table.city in flat and table.indicators[0].name[:6] in flat
        # the first and the last column of the score sheet are on the same (first) page
        header = next(line for line in first.splitlines() if "序号" in line)
        assert "指标" in header and "备注" in header, header
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", str(pdf), str(tmp_path / "page")],
                       check=True)
        assert list(tmp_path.glob("page*.png"))


def test_libreoffice_missing_via_environment(tmp_path, monkeypatch):
    src = tmp_path / "评分表.xlsx"
    src.write_bytes(b"PK\x03\x04")
    monkeypatch.setenv("JIESHUI_SOFFICE", str(tmp_path / "nowhere" / "soffice"))
    monkeypatch.setenv("PATH", "")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(libreoffice, "_CANDIDATES", ("soffice", "libreoffice", str(tmp_path / "no" / "soffice.exe")))
    with pytest.raises(LibreOfficeMissing, match="未安装 LibreOffice"):
        print_pdf(src)
    assert not (tmp_path / "评分表.pdf").exists()


def test_libreoffice_missing_cli_message(tmp_path, monkeypatch):
    src = tmp_path / "评分表.xlsx"
    src.write_bytes(b"PK\x03\x04")
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    result = CliRunner().invoke(main, ["print", str(src)])
    assert result.exit_code == 2
    assert "未安装 LibreOffice" in result.output and "Traceback" not in result.output


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(JieshuiError, match="找不到要转换为 PDF 的文件"):
        print_pdf(tmp_path / "没有这个文件.xlsx")
    with pytest.raises(JieshuiError, match="是文件夹"):
        print_pdf(tmp_path)
    result = CliRunner().invoke(main, ["print", str(tmp_path / "没有.xlsx")])
    assert result.exit_code == 2 and "找不到" in result.output
