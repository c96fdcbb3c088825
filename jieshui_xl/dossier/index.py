"""The index workbook of the application (申报材料目录.xlsx): 总目录, one sheet a volume, 完整性 (what
each indicator or task still lacks, owed by whom) and 未列入清单.  Written atomically in the
scorecard's styles; everything a unit typed is written as a string."""

from __future__ import annotations

import re
from pathlib import Path

from ..scorecard.styles import Styles, report_workbook, row_height
from ..spec import SELF_ASSESSMENT_PARAM, TaskTable, subject_number
from ..xlsx import print_setup
from .plan import PackagePlan, Placed

__all__ = ["write_index", "CONTENTS_SHEET", "COMPLETENESS_SHEET", "UNLISTED_SHEET", "CONTENTS_COLUMNS",
           "VOLUME_COLUMNS", "COMPLETENESS_COLUMNS", "UNLISTED_COLUMNS", "volume_sheet", "PRESENT", "ABSENT", "OPTIONAL"]

CONTENTS_SHEET, COMPLETENESS_SHEET, UNLISTED_SHEET = "总目录", "完整性", "未列入清单"
CONTENTS_COLUMNS = (("卷册", 16), ("编号", 9), ("指标或任务", 30), ("材料份数", 8), ("页数", 7), ("文件夹", 40))
VOLUME_COLUMNS = (("编号", 9), ("指标或任务", 18), ("材料名称", 18), ("材料标题", 24), ("文号/日期", 16),
                  ("提供单位", 12), ("来源文件", 24), ("页数", 5), ("申报材料中的文件名", 30))
COMPLETENESS_COLUMNS = (("卷册", 14), ("编号", 8), ("指标或任务", 26), ("所需材料", 26), ("必需", 5),
                        ("提供单位", 16), ("状态", 13), ("说明", 24))
UNLISTED_COLUMNS = (("收到的文件", 40), ("单位", 16), ("大小（字节）", 12), ("申报材料中的位置", 44))
PRESENT, ABSENT, OPTIONAL = "已提供", "缺少", "可选，未提供"


def volume_sheet(volume: str) -> str:
    """A volume's sheet name (Excel: at most 31 characters, none of []:*?/\\)."""
    return re.sub(r"[\[\]:*?/\\]", "_", volume)[:31]


def write_index(table: TaskTable, plan: PackagePlan, path: Path, scorecard: str) -> Path:
    with report_workbook(path) as wb:
        st = Styles(wb)
        title = f"{table.city}{table.year}年度创建{table.title}申报材料"
        _sheet(wb, st, CONTENTS_SHEET, f"{title}　总目录", CONTENTS_COLUMNS, _contents(table, plan, scorecard))
        for volume in (c.value for c in table.volumes()):
            rows = [_document_row(p) for p in plan.placed if p.volume == volume]
            if scorecard and volume == table.params.get(SELF_ASSESSMENT_PARAM):
                rows.insert(0, ["", "自评估", "评分表", f"{table.city}{table.year}年度评分表", "", "", "", None, scorecard])
            _sheet(wb, st, volume_sheet(volume), f"{title}　{volume}", VOLUME_COLUMNS, rows)
        ws = _sheet(wb, st, COMPLETENESS_SHEET, f"{title}　完整性（缺少的佐证材料及提供单位）", COMPLETENESS_COLUMNS,
                    _completeness(table, plan))
        _state_colours(ws, st, [head for head, _ in COMPLETENESS_COLUMNS].index("状态"))
        _sheet(wb, st, UNLISTED_SHEET, f"{title}　未列入清单的文件", UNLISTED_COLUMNS,
               [[r.name, r.unit or "未识别", r.size, where] for r, where in plan.unlisted])
        wb.set_properties({"title": f"{title}目录", "subject": f"{table.city}{table.year}年度申报材料",
                           "author": str(table.params.get("office_name") or "jieshui_xl")})
    return Path(path)


def _contents(table: TaskTable, plan: PackagePlan, scorecard: str) -> list[list]:
    rows: list[list] = []
    if scorecard:
        rows.append([str(table.params.get(SELF_ASSESSMENT_PARAM) or ""), "", "自评估（评分表）", 1, None, scorecard])
    for volume in (c.value for c in table.volumes()):
        seen: list[tuple[str, int]] = []
        for ev in table.evidence:
            subject = table.subject(ev)
            if ev.volume != volume or (subject.kind, subject.seq) in seen:
                continue
            seen.append((subject.kind, subject.seq))
            docs = [p for p in plan.placed if p.volume == volume and table.subject(p.document.evidence) == subject]
            pages = [p.received.pages for p in docs]
            folder = "/".join(docs[0].folder) if docs else "（无）"
            rows.append([volume, subject_number(table.volume_rank(volume), subject.seq),
                         f"{subject.label} {subject.name}", len(docs),
                         sum(n for n in pages if n) if docs and all(pages) else None, folder])
    return rows


def _document_row(p: Placed) -> list:
    doc, subject_name = p.document, p.folder[-1].split(" ", 1)[-1]
    r = p.received
    return [p.number, subject_name, doc.evidence.title, doc.entry.title, doc.entry.docno, doc.unit, r.name, r.pages,
            p.file_name]


def _completeness(table: TaskTable, plan: PackagePlan) -> list[list]:
    owed = {(o.evidence.code, o.unit): o for o in plan.owed}
    rows = []
    for ev in table.evidence:
        subject = table.subject(ev)
        for unit in ev.providers:
            docs = [p for p in plan.placed if p.document.evidence.code == ev.code and p.document.unit == unit]
            gap = owed.get((ev.code, unit))
            state = f"{PRESENT}（{len(docs)} 份）" if docs else ABSENT if gap else OPTIONAL
            rows.append([ev.volume, subject_number(table.volume_rank(ev.volume), subject.seq),
                         f"{subject.label} {subject.name}", ev.title, "是" if ev.required else "否", unit, state,
                         gap.reason if gap else "、".join(p.number for p in docs)])
    return rows


def _state_colours(ws, st: Styles, col: int) -> None:
    """缺少 red, 已提供 green (可选，未提供 stays plain)."""
    for criteria, value, fmt in (("begins with", ABSENT, st.cf_bad), ("begins with", PRESENT, st.cf_good)):
        ws.conditional_format(2, col, max(2, ws.dim_rowmax), col,
                              {"type": "text", "criteria": criteria, "value": value, "format": fmt})


def _sheet(wb, st: Styles, name: str, title: str, columns, rows: list[list]):
    ws = wb.add_worksheet(name)
    ws.merge_range(0, 0, 0, len(columns) - 1, title, st.title)
    ws.set_row(0, 26)
    for c, (head, width) in enumerate(columns):
        ws.set_column(c, c, width)
        ws.write_string(1, c, head, st.header)
    for n, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(n, c, value, st.integer)
            else:
                ws.write_string(n, c, "" if value is None else str(value), st.text)
        ws.set_row(n, row_height([(str(v), w) for v, (_, w) in zip(values, columns) if v is not None]))
    if not rows:
        ws.merge_range(2, 0, 2, len(columns) - 1, "（无）", st.text_center)
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, max(1, len(rows) + 1), len(columns) - 1)
    print_setup(ws, left=name, landscape=True, repeat=(1, 1))
    return ws
