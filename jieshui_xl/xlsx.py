"""XlsxWriter as every writer of this project uses it: no failure passes silently, one print setup.

XlsxWriter reports many failures only by a negative return value (a name it refuses, a cell out of
range, a validation or conditional format it cannot write) and writes the workbook anyway — whose
formulas would then show ``#NAME?``.  :class:`Workbook` checks every such value and raises a
:class:`~jieshui_xl.findings.JieshuiError` naming the sheet and cell or the name, so that workbook is
never written.
"""

from __future__ import annotations

import datetime as _dt
import functools
import inspect

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet as _Worksheet

from .findings import JieshuiError

__all__ = ["Workbook", "Worksheet", "print_setup", "footer_text"]

_HINT = "因此没有写出该文件。这是程序或任务分工表的问题，请把本消息告知维护人员。"


def _where(args) -> str:
    """The cell or range an XlsxWriter call was given (``B3`` from ``(2, 1)`` or ``"B3"``)."""
    if args and isinstance(args[0], str):
        return args[0]
    if len(args) >= 2 and all(isinstance(a, int) for a in args[:2]):
        return xl_rowcol_to_cell(args[0], args[1])
    return ""


def _checked(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        if type(result) is int and result < 0:
            raise JieshuiError(f"无法写入工作表“{self.name}”{_where(args)}（{method.__name__} 返回 {result}）；" + _HINT)
        return result
    return call


class Worksheet(_Worksheet):
    """A worksheet whose every public method that reports failure by its return value raises instead."""


for _name, _method in inspect.getmembers(_Worksheet, inspect.isfunction):
    if not _name.startswith("_"):
        setattr(Worksheet, _name, _checked(_method))


class Workbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook with checked worksheets and checked defined names."""

    def add_worksheet(self, name=None, worksheet_class=None):
        return super().add_worksheet(name, worksheet_class or Worksheet)

    def define_name(self, name, formula):
        if super().define_name(name, formula) < 0:
            raise JieshuiError(f"Excel 不接受名称“{name}”（{formula}）：引用它的公式会显示 #NAME?；" + _HINT)
        return 0


def footer_text(text: str) -> str:
    """Header/footer text: '&' doubled; a leading digit separated (after a section code it is a font size)."""
    text = str(text).replace("&", "&&")
    return " " + text if text[:1].isdigit() else text


def print_setup(ws, *, left: str = "", right: str | None = None, landscape: bool = True, pages_high: int = 0,
                repeat=None, margins: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.6)) -> None:
    """A4, one page wide (``pages_high`` 0: as many long as needed), centred, ``repeat`` rows
    (a row or a (first, last) pair) on every page; footer: ``left`` | page x of y | ``right``, by
    default the date the file was generated, written as 2026-12-01 (never left to the locale)."""
    ws.set_paper(9)
    ws.fit_to_pages(1, pages_high)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.center_horizontally()
    left_m, right_m, top_m, bottom_m = margins
    ws.set_margins(left=left_m, right=right_m, top=top_m, bottom=bottom_m)
    if repeat is not None:
        ws.repeat_rows(*(repeat if isinstance(repeat, tuple) else (repeat,)))
    if right is None:
        right = f"生成日期：{_dt.date.today().isoformat()}"
    ws.set_footer(f"&L{footer_text(left)}&C第 &P 页，共 &N 页&R{footer_text(right)}", {"margin": 0.3})
