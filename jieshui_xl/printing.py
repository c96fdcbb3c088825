"""Printing: a PDF of a workbook (e.g. the scorecard) through LibreOffice headless.

The page setup (A4 landscape, fit to one page wide, repeated title rows) is the workbook's own;
LibreOffice honours it.  The PDF is produced in a private temporary folder and then moved into
place in one step, so an existing PDF is never left half-written.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .findings import JieshuiError
from .libreoffice import available, convert
from .outputs import atomic_path

__all__ = ["NO_PDF_WITHOUT_LIBREOFFICE", "pdf_available", "print_pdf", "pdf_target"]

# What the demo and the one-click script say where no PDF can be made (the scorecard is still written).
NO_PDF_WITHOUT_LIBREOFFICE = "本机未安装 LibreOffice，未生成 PDF（可用 Excel/WPS 打开评分表后打印）。"


def pdf_available() -> bool:
    """Whether this computer can make a PDF (LibreOffice is installed); nothing else needs it."""
    return available()


def pdf_target(workbook: str | Path, out: str | Path | None = None) -> Path:
    """Where the PDF of ``workbook`` goes: ``out`` (``.pdf`` added when missing), else beside it."""
    out = Path(out) if out is not None else Path(workbook).with_suffix(".pdf")
    return out if out.suffix.lower() == ".pdf" else out.with_name(out.name + ".pdf")


def print_pdf(workbook: str | Path, out: str | Path | None = None) -> Path:
    """Convert ``workbook`` to PDF at ``out`` (default: the same name with .pdf beside it).

    Raises :class:`~jieshui_xl.libreoffice.LibreOfficeMissing` where LibreOffice is not installed and
    :class:`JieshuiError` (Chinese message) when the workbook is missing or the PDF cannot be written.
    """
    workbook = Path(workbook)
    if not workbook.exists():
        raise JieshuiError(f"找不到要转换为 PDF 的文件“{workbook}”。请检查文件名和路径。")
    if not workbook.is_file():
        raise JieshuiError(f"“{workbook}”是文件夹，不是工作簿。请指定一个 .xlsx 文件。")
    out = pdf_target(workbook, out)
    with tempfile.TemporaryDirectory(prefix="jieshui-pdf-") as tmp:
        # Convert a private copy: the original may be open (and locked) in Excel or WPS.
        src = Path(tmp) / workbook.name
        shutil.copyfile(workbook, src)
        pdf = convert(src, "pdf", Path(tmp) / "out")
        with atomic_path(out) as target:       # an OSError becomes a Chinese message there
            shutil.copyfile(pdf, target)
    return out
