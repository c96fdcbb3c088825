"""The scorecard workbook (评分表): what the coordinator prints and reviewers trace.

One module per sheet; formats are declared once in :mod:`.styles`.  Every result cell is a live
Excel formula — exactly the guarded formula of :func:`jieshui_xl.logic.logic` — with the value
Python computed cached in it, and every name a formula uses is defined in the workbook.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .. import __version__
from ..score import Result
from ..scored import Round
from ..spec import TaskTable
from . import (
    calc_sheet,
    chart_sheet,
    data_sheet,
    findings_sheet,
    notes_sheet,
    score_sheet,
    submissions_sheet,
    tasks_sheet,
    trend_sheet,
)
from .context import Context
from .styles import Styles, report_workbook

__all__ = ["SHEETS", "write_scorecard"]

# Sheet order in the workbook (the scorecard first: it is what opens and what prints first).
SHEETS = [score_sheet.SHEET, notes_sheet.SHEET, tasks_sheet.SHEET, data_sheet.SHEET, calc_sheet.SHEET, findings_sheet.SHEET,
          submissions_sheet.SHEET, chart_sheet.SHEET, trend_sheet.SHEET]
# Write order: the data sheet first (the table's cells are needed by the per-row formulas).
_WRITERS = [data_sheet, calc_sheet, score_sheet, notes_sheet, tasks_sheet, findings_sheet, submissions_sheet, chart_sheet,
            trend_sheet]


def write_scorecard(rnd: Round, path) -> Path:
    """Write the round's scorecard workbook to ``path`` (atomically; the folder is created).

    评分表's 上年值/变化 come from ``rnd.prev``, the 历年趋势 sheet from ``rnd.trend``."""
    path = Path(path)
    with report_workbook(path) as wb:
        ctx = Context(round=rnd, wb=wb, st=Styles(wb))
        for name in SHEETS:
            ctx.sheets[name] = wb.add_worksheet(name)
        for writer in _WRITERS:
            writer.write(ctx)
        ctx.define_names()
        _properties(wb, rnd.table, rnd.result)
    return path


def _properties(wb, table: TaskTable, result: Result) -> None:
    office = str(table.params.get("office_name") or "")
    wb.set_properties({
        "title": score_sheet.title_text(table),
        "subject": f"{table.city}{table.year}年度节水型城市创建考核指标",
        "author": office or "jieshui_xl",
        "company": office,
        "category": "评分表",
        "keywords": f"节水型城市, {table.city}, {table.year}",
        "comments": f"{result.passed}/{len(result.indicators)} 项达标；{result.verdict}。由 jieshui_xl {__version__} 生成，"
                    f"任务分工表版本 {table.version}。",
        "created": _dt.datetime.now(),
    })
    wb.set_custom_property("jieshui_year", str(table.year))
    wb.set_custom_property("jieshui_city", table.city)
    wb.set_custom_property("jieshui_table_version", table.version)
    wb.set_calc_mode("auto")
