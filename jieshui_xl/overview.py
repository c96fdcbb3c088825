"""The by-city overview workbook (各区县评分汇总): the cities side by side, one row each.

It renders the overview JSON of :func:`jieshui_xl.bycity.overview_json`, so the workbook and the JSON
never disagree.  Sheets: 汇总 (status of every indicator per city, printable on one A4 landscape page
wide), 评分表文件 (each city's scorecard and JSON), 文件问题 (files that belong to no city).
City names and messages come from returned files: they are written as strings, never as formulas.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from . import __version__
from .findings import SEVERITY_LABELS
from .labels import STATUS_COLOURS, STATUS_LABELS, VERDICTS
from .scorecard.styles import DEFAULT_FORMAT, Styles, report_workbook, row_height
from .spec import DEFAULT_TITLE
from .xlsx import print_setup

__all__ = ["write_overview", "SUMMARY_SHEET", "FILES_SHEET", "FINDINGS_SHEET"]

SUMMARY_SHEET, FILES_SHEET, FINDINGS_SHEET = "汇总", "评分表文件", "文件问题"
TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 0, 1, 2
IND_WIDTH = 6.5
LEAD = [("序号", 5), ("区县", 11)]
TAIL = [("达标项数", 7), ("底线指标", 16), ("报送单位", 7), ("问题\n（错误）", 7), ("上年\n达标项数", 8)]
CELL = dict(DEFAULT_FORMAT, border=1, border_color="#808080")


def write_overview(data: dict, path) -> Path:
    """Write the overview workbook for ``data`` (the overview JSON) to ``path``, atomically."""
    path = Path(path)
    with report_workbook(path) as wb:
        st = Styles(wb)
        _summary(wb, st, data)
        _files(wb, st, data)
        _findings(wb, st, data)
        wb.set_properties({
            "title": _title(data), "subject": f"{data['year']}年度各区县节水型城市创建考核指标汇总",
            "author": "jieshui_xl", "category": "评分汇总",
            "comments": f"由 jieshui_xl {__version__} 生成。", "created": _dt.datetime.now()})
        wb.set_custom_property("jieshui_year", str(data["year"]))
    return path


def _title(data: dict) -> str:
    return f"{data['year']}年度各区县创建{data.get('title') or DEFAULT_TITLE}考核指标评分汇总"


def _print_setup(ws, title: str, repeat_to: int) -> None:
    print_setup(ws, left=title, repeat=(0, repeat_to), margins=(0.3, 0.3, 0.5, 0.6))


def _prev_passed(ws, row: int, col: int, city: dict, fraction, st: Styles) -> None:
    """Last year's count of 达标 (history store), or 无记录."""
    if city.get("prev_passed") is None:
        ws.write_string(row, col, "无记录", st.text)
    else:
        ws.write_number(row, col, city["prev_passed"], fraction(city["total"]))


def _summary(wb, st: Styles, data: dict) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    indicators = data["indicators"]
    heads = LEAD + [(f"{'★' if i['veto'] else ''}{i['code']}\n{i['name']}", IND_WIDTH) for i in indicators] + TAIL
    first_ind, first_tail = len(LEAD), len(LEAD) + len(indicators)
    title = _title(data)
    _summary_heading(wb, ws, st, data, heads, title)
    row = _city_rows(wb, ws, st, data, first_ind)
    if data["cities"]:
        _summary_rules(ws, st, row - 1, first_ind, first_tail)
    row = _legend(wb, ws, st, row + 1, first_ind)
    _summary_notes(ws, st, data, heads, row)
    ws.freeze_panes(HEADER_ROW + 1, len(LEAD))
    _print_setup(ws, title, HEADER_ROW)
    ws.activate()


def _summary_heading(wb, ws, st: Styles, data: dict, heads: list[tuple[str, float]], title: str) -> None:
    """Column widths, title, subtitle and the column headers of 汇总."""
    last = len(heads) - 1
    for c, (_, width) in enumerate(heads):
        ws.set_column(c, c, width)
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last, title, st.title)
    ws.set_row(TITLE_ROW, 30)
    subtitle = (f"共 {len(data['cities'])} 个区县；每个区县的评分表见“{FILES_SHEET}”工作表；★ 为底线指标；"
                f"生成时间：{data.get('generated_at', '')}")
    ws.merge_range(SUBTITLE_ROW, 0, SUBTITLE_ROW, last, subtitle, st.subtitle)
    header = wb.add_format(dict(CELL, bold=True, bg_color="#D9E1F2", align="center", text_wrap=True, font_size=9))
    for c, (head, _) in enumerate(heads):
        ws.write_string(HEADER_ROW, c, head, header)
    ws.set_row(HEADER_ROW, row_height([(h, w) for h, w in heads], small=True))


def _city_rows(wb, ws, st: Styles, data: dict, first_ind: int) -> int:
    """One row per city under the header: each indicator's status and the city's totals; returns the
    row after the last city."""
    indicators = data["indicators"]
    first_tail = first_ind + len(indicators)
    verdict = wb.add_format(dict(CELL, align="center", bold=True, text_wrap=True))
    fractions: dict[int, object] = {}

    def fraction(total: int):
        if total not in fractions:
            fractions[total] = wb.add_format(dict(CELL, num_format=f'0"/{int(total)}"', align="center"))
        return fractions[total]

    row = HEADER_ROW + 1
    for n, city in enumerate(data["cities"], start=1):
        ws.write_number(row, 0, n, st.integer)
        ws.write_string(row, 1, str(city["city"]), st.text)
        status = {i["code"]: i["status"] for i in city["indicators"]}
        for c, ind in enumerate(indicators, start=first_ind):
            ws.write_string(row, c, STATUS_LABELS.get(status.get(ind["code"], ""), ""), st.status)
        ws.write_number(row, first_tail, city["passed"], fraction(city["total"]))
        ws.write_string(row, first_tail + 1, str(city["verdict"]), verdict)
        ws.write_number(row, first_tail + 2, city["returned"], fraction(city["units_total"]))
        ws.write_number(row, first_tail + 3, city.get("errors", 0), st.integer)
        _prev_passed(ws, row, first_tail + 4, city, fraction, st)
        ws.set_row(row, row_height([(str(city["city"]), 11), (str(city["verdict"]), 16)], minimum=22))
        row += 1
    return row


def _summary_rules(ws, st: Styles, last_row: int, first_ind: int, first_tail: int) -> None:
    """Status colours over the indicator columns, and the verdict column's colours."""
    st.status_rules(ws, f"{xl_rowcol_to_cell(HEADER_ROW + 1, first_ind)}:"
                        f"{xl_rowcol_to_cell(last_row, first_tail - 1)}")
    verdicts = f"{xl_rowcol_to_cell(HEADER_ROW + 1, first_tail + 1)}:{xl_rowcol_to_cell(last_row, first_tail + 1)}"
    for ok, fmt in ((True, st.cf_good), (False, st.cf_bad)):
        ws.conditional_format(verdicts, {"type": "cell", "criteria": "==", "value": '"' + VERDICTS[ok] + '"',
                                         "format": fmt})


def _legend(wb, ws, st: Styles, row: int, first_ind: int) -> int:
    """The status colours at ``row``, under the indicator columns; returns the row for the notes."""
    ws.write_string(row, 1, "图例", st.note)
    legend = [(STATUS_LABELS[code], colours) for code, colours in STATUS_COLOURS.items()]
    for k, (label, colours) in enumerate(legend):
        c = first_ind + 2 * k
        ws.merge_range(row, c, row, c + 1, label,
                       wb.add_format(dict(CELL, align="center", bg_color=colours[0], font_color=colours[1])))
    return row + 2


def _summary_notes(ws, st: Styles, data: dict, heads: list[tuple[str, float]], row: int) -> None:
    notes = ["“达标项数”为该区县达标的指标数 / 指标总数；“报送单位”为已报送的单位数 / 应报送的单位数；"
             "“问题（错误）”为该区县评分表“问题清单”中的错误条数；“上年达标项数”取自历史数据库中该区县上一年度的当前记录。"]
    others = len(data.get("findings") or [])
    if others:
        notes.append(f"回收文件夹中另有 {others} 条不属于任何区县的文件问题（无法识别、无法读取或已跳过的文件），"
                     f"见“{FINDINGS_SHEET}”工作表。")
    last = len(heads) - 1
    for text in notes:
        ws.merge_range(row, 0, row, last, text, st.note)
        ws.set_row(row, row_height([(text, sum(w for _, w in heads) * 0.97)], small=True))
        row += 1


FILE_COLUMNS = [("序号", 5), ("区县", 12), ("达标项数", 8), ("底线指标", 16), ("报送单位", 8),
                ("评分表", 48), ("JSON", 48)]


def _files(wb, st: Styles, data: dict) -> None:
    ws = wb.add_worksheet(FILES_SHEET)
    for c, (_, width) in enumerate(FILE_COLUMNS):
        ws.set_column(c, c, width)
    last = len(FILE_COLUMNS) - 1
    ws.merge_range(0, 0, 0, last, f"{data['year']}年度各区县评分表文件", st.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last, "路径相对于本汇总表所在的文件夹；点击可打开。", st.subtitle)
    for c, (head, _) in enumerate(FILE_COLUMNS):
        ws.write_string(2, c, head, st.header)
    link = wb.add_format(dict(CELL, font_color="#0563C1", underline=1))
    row = 3
    for n, city in enumerate(data["cities"], start=1):
        ws.write_number(row, 0, n, st.integer)
        ws.write_string(row, 1, str(city["city"]), st.text)
        ws.write_string(row, 2, f"{city['passed']}/{city['total']}", st.text_center)
        ws.write_string(row, 3, str(city["verdict"]), st.text_center)
        ws.write_string(row, 4, f"{city['returned']}/{city['units_total']}", st.text_center)
        for c, key in ((5, "scorecard"), (6, "json")):
            _link(ws, row, c, str(city[key]), link, st.text)
        ws.set_row(row, row_height([(str(city["city"]), 12), (str(city["scorecard"]), 48)], minimum=20))
        row += 1
    ws.freeze_panes(3, 0)
    _print_setup(ws, f"{data['year']}年度各区县评分表文件", 2)


def _link(ws, row: int, col: int, rel: str, link_format, text_format) -> None:
    """A relative link to a file beside the overview; plain text where a link is not possible."""
    target = "external:" + rel.replace("/", "\\")
    if len(target) <= 255 and "#" not in rel:
        ws.write_url(row, col, target, link_format, string=rel)
    else:
        ws.write_string(row, col, rel, text_format)


FINDING_COLUMNS = [("序号", 5), ("文件", 40), ("类别", 7), ("说明", 80)]


def _findings(wb, st: Styles, data: dict) -> None:
    ws = wb.add_worksheet(FINDINGS_SHEET)
    for c, (_, width) in enumerate(FINDING_COLUMNS):
        ws.set_column(c, c, width)
    last = len(FINDING_COLUMNS) - 1
    ws.merge_range(0, 0, 0, last, "不属于任何区县的文件", st.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last, "这些文件不是可识别区县的填报表（或无法读取、已跳过），未计入任何区县的评分表。",
                   st.subtitle)
    for c, (head, _) in enumerate(FINDING_COLUMNS):
        ws.write_string(2, c, head, st.header)
    findings = data.get("findings") or []
    row = 3
    for n, f in enumerate(findings, start=1):
        file_, message = str(f.get("file") or ""), str(f.get("message") or "")
        ws.write_number(row, 0, n, st.integer)
        ws.write_string(row, 1, file_, st.text)
        ws.write_string(row, 2, SEVERITY_LABELS.get(f.get("severity"), str(f.get("severity") or "")), st.text_center)
        ws.write_string(row, 3, message, st.text)
        ws.set_row(row, row_height([(file_, 38), (message, 76)], minimum=20))
        row += 1
    if findings:
        st.severity_rules(ws, f"C4:C{row}", SEVERITY_LABELS)
    else:
        ws.merge_range(row, 0, row, last, "无：回收文件夹中的文件都已归入某个区县。", st.text_center)
    ws.freeze_panes(3, 0)
    _print_setup(ws, "不属于任何区县的文件", 2)
