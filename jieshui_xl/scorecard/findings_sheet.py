"""问题清单: every finding of the round (consolidation and computation), filterable."""

from __future__ import annotations

from ..findings import SEVERITY_LABELS
from ..xlsx import print_setup
from .context import Context, title_row
from .styles import row_height

SHEET = "问题清单"

COLUMNS = [("序号", 5), ("严重程度", 8), ("代码", 20), ("单位", 14), ("文件", 22), ("工作表", 12), ("单元格", 8),
           ("字段", 20), ("填报值", 14), ("说明", 60)]
LAST = len(COLUMNS) - 1
HEADER_ROW = 1
HIDDEN = (2, 7)                     # 代码, 字段


def write(ctx: Context) -> None:
    write_findings(ctx.sheets[SHEET], ctx.st, ctx.findings(), f"{ctx.table.city}{ctx.table.year}年度 ")


def write_findings(ws, st, findings: list, title_prefix: str) -> None:
    """Every finding, one row each, under the title “<title_prefix>问题清单（共 N 条：…）” (also the
    progress round's 调度表 uses it)."""
    counts = {label: sum(1 for f in findings if f.severity == code) for code, label in SEVERITY_LABELS.items()}
    summary = "，".join(f"{label} {n} 条" for label, n in counts.items() if n) or "无"
    title_row(ws, st, [w for _, w in COLUMNS], f"{title_prefix}问题清单（共 {len(findings)} 条：{summary}）")
    for c, (head, _) in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, c, head, st.header)
    row = HEADER_ROW + 1
    for n, f in enumerate(findings, start=1):
        ws.write_number(row, 0, n, st.integer)
        values = [SEVERITY_LABELS.get(f.severity, f.severity), f.code, f.unit, f.file, f.sheet, f.cell, f.field,
                  f.value, f.message]
        for c, v in enumerate(values, start=1):
            fmt = st.code_wrap if c == 2 else st.text
            if v is None or v == "":
                ws.write_blank(row, c, None, fmt)
            else:
                ws.write_string(row, c, str(v), fmt)
        ws.set_row(row, row_height([(f.message, 60), (f.file or "", 22), (f.value or "", 14), (f.unit or "", 14)]))
        row += 1
    if not findings:
        ws.merge_range(row, 0, row, LAST, "本轮没有发现问题。", st.text)
        row += 1
    last = max(row - 1, HEADER_ROW + 1)
    ws.autofilter(HEADER_ROW, 0, last, LAST)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    st.severity_rules(ws, f"B{HEADER_ROW + 2}:B{last + 1}", SEVERITY_LABELS)
    for col in HIDDEN:              # finding codes and item codes: for filtering on screen, not on paper
        ws.set_column(col, col, COLUMNS[col][1], None, {"hidden": True})
    print_setup(ws, repeat=HEADER_ROW)
