"""The 佐证材料清单 sheet: the evidence the unit provides (the task table's 佐证材料 rows naming it), one
row a document kind, with four input cells named ``<code>_title``, ``_docno``, ``_file``, ``_note``."""

from __future__ import annotations

from ..spec import EVIDENCE_PARTS, EVIDENCE_SHEET, Evidence
from .datasheet import heading
from .layout import Context
from .sheet import Sheet, setup_print
from .validation import prompt_only

# 编号 | 指标或任务 | 所需材料 | 材料标题 | 文号/日期 | 附件文件名 | 备注
EVIDENCE_WIDTHS = (8, 22, 28, 28, 18, 30, 18)
COL_FIRST_INPUT = 3
LAST = len(EVIDENCE_WIDTHS) - 1
FILE_SEPARATORS = "分号或换行"
HINTS = {
    "title": "文件或材料的标题，如“关于印发××的通知”“2023年供水统计年报”。",
    "docno": "发文字号及日期，如“黔江府办发〔2023〕12号 2023-05-10”；没有文号的填写日期。",
    "file": f"随本表一并发回的附件的文件名（含扩展名，如 漏损率测算报告.pdf），多个文件用{FILE_SEPARATORS}分隔。",
    "note": "其他需要说明的情况，如尚未形成的材料及预计时间。",
}


def write_evidence_sheet(ctx: Context, wb) -> Sheet:
    sh = Sheet(wb, EVIDENCE_SHEET, EVIDENCE_WIDTHS, ctx.names)
    st = ctx.styles
    heading(ctx, sh, f"填报单位：{ctx.unit}　　佐证材料清单", LAST)
    sh.text(sh.next_row(), 0, how_to_return(ctx), st.plain, last_col=LAST)
    r = sh.next_row()
    header = ("编号", "指标或任务", "所需材料", *(label for _, label in EVIDENCE_PARTS))
    for col, label in enumerate(header):
        sh.text(r, col, label, st.header)
    head = r
    for ev in ctx.plan.evidence:
        _row(ctx, sh, ev)
    sh.finish()
    setup_print(sh, footer_left=ctx.unit, footer_right=f"{ctx.table.city}{ctx.table.year}年度", landscape=True,
                repeat=(0, head))
    return sh


def how_to_return(ctx: Context) -> str:
    return ("请逐项填写佐证材料的标题、文号/日期和附件文件名，并把所列附件与本表一并发回：附在同一封邮件中，"
            "或与本表放在同一文件夹（也可打包为 .zip）。附件文件名须与实际文件完全一致；标有“可选”的材料没有可留空。")


def _row(ctx: Context, sh: Sheet, ev: Evidence) -> None:
    st, r = ctx.styles, sh.next_row()
    subject = ctx.table.subject(ev)
    sh.text(r, 0, subject.label, st.center)
    sh.text(r, 1, subject.name, st.label)
    need = ev.title + ("" if ev.required else "（可选）") + (f"\n{ev.note}" if ev.note else "")
    sh.text(r, 2, need, st.text)
    for col, (part, label) in enumerate(EVIDENCE_PARTS, start=COL_FIRST_INPUT):
        sh.blank(r, col, st.input_text)
        sh.name(ev.name(part), r, col)
        sh.ws.data_validation(r, col, r, col, prompt_only(label, HINTS[part]))
    sh.need(r, 2)
