"""The 填报说明 sheet: who fills what by when, how to fill it, what the colours mean, and the
parameters the self-check uses (locked, named cells)."""

from __future__ import annotations

from .datasheet import heading
from .evidence import EVIDENCE_SHEET, how_to_return
from .layout import GUIDE_SHEET, Context
from .plan import REPORT
from .sheet import Sheet, setup_print
from .styles import STATUS_COLOURS

GUIDE_WIDTHS = (16, 44, 16, 14)
LAST = len(GUIDE_WIDTHS) - 1


def write_guide(ctx: Context, wb) -> Sheet:
    sh = Sheet(wb, GUIDE_SHEET, GUIDE_WIDTHS, ctx.names)
    heading(ctx, sh, "填 报 说 明", LAST)
    _facts(ctx, sh)
    _numbered(ctx, sh, "填写方法", _how_to(ctx))
    _colours(ctx, sh)
    _parameters(ctx, sh)
    sh.finish()
    setup_print(sh, footer_left=ctx.unit, footer_right=f"{ctx.table.city}{ctx.table.year}年度", landscape=False)
    return sh


def _facts(ctx: Context, sh: Sheet) -> None:
    facts = (("填报单位", ctx.unit), ("考核年度", f"{ctx.table.year}年"), ("城市（区县）", ctx.table.city),
             ("填报截止", ctx.param("deadline")), ("报送至", ctx.param("office_name")),
             ("联系人", ctx.param("office_contact")), ("联系电话", ctx.param("office_phone")),
             ("回收邮箱", ctx.param("office_email")), ("本表内容", _contents(ctx)), ("上年数据", _prev_text(ctx)))
    sh.next_row()
    for key, value in facts:
        if value:
            r = sh.next_row()
            sh.text(r, 0, key, ctx.styles.key)
            sh.text(r, 1, value, ctx.styles.text, last_col=LAST)


def _prev_text(ctx: Context) -> str:
    """What this form took from the history store, as it is ("" when no store was consulted)."""
    prev = ctx.prev
    if prev is None:
        return ""
    if prev.notices:
        return "历史数据库无法读取，本表未预填上年数据；上年数据请按实际填写。"
    if prev.record is None:
        return f"历史数据库中没有{ctx.table.city}{prev.year}年度的记录，本表未预填上年数据；上年数据请按实际填写。"
    items = ctx.plan.items
    filled = [i.label for i in items if i.code in ctx.prefill]
    shown = any(prev.record.values.get(i.code) is not None for i in items)
    text = (f"已按历史数据库中{prev.year}年度的记录预填：{'、'.join(filled)}（标有“上年系统值”，仍可修改；"
            f"与记录不同时以填报值为准，汇总时将提示核实）。" if filled else
            f"历史数据库中{prev.year}年度的记录没有本表可预填的数值，本表未预填上年数据。")
    return text + ("各数据项下方的“上年值”为上年采用的数值，仅供对照。" if shown else "")


def _contents(ctx: Context) -> str:
    plan, parts = ctx.plan, []
    if plan.items:
        seqs = [str(b.indicator.seq) for b in plan.blocks if b.indicator is not None and b.mode == REPORT]
        parts.append(f"数据项 {len(plan.items)} 项（涉及指标 {'、'.join(seqs)}）")
    tables = [b.table for b in plan.blocks if b.table is not None]
    parts += [f"表格 1 张（最多 {t.rows} 行）" for t in tables]
    if plan.tasks:
        parts.append(f"基础管理任务 {len(plan.tasks)} 项（任务 {'、'.join(str(t.seq) for t in plan.tasks)}）")
    text = "；".join(parts + ["填报人信息"]) + "，均在“数据填报”工作表中"
    if plan.evidence:
        text += f"；佐证材料 {len(plan.evidence)} 项，在“{EVIDENCE_SHEET}”工作表中"
    return text + "。"


def _how_to(ctx: Context) -> list[str]:
    plan, office = ctx.plan, ctx.office
    lines = ["请只在浅黄色单元格中填写，其他单元格已锁定。工作表已设保护（无密码），请不要撤销保护，"
             "不要插入或删除行列、修改工作表名称；如确需调整，请先与" + office + "联系。"]
    if plan.items or any(b.table for b in plan.blocks):
        lines += ["数值只填纯数字，计量单位以“单位”列为准，不要带单位或“约”“左右”等文字；"
                  "百分数按数字填写，如 17.2 表示 17.2%。选填项没有数据可留空，必填项请勿留空。",
                  "每项数据请在“数据来源”栏注明来源（统计年报、监测报告、台账或文件名称及文号）。"]
    if any(r.asked_at for b in plan.blocks for r in b.rows):
        lines.append("同一数据只填一次：被多个指标使用的数据在第一次出现处填写，其他指标处标注“见…”。")
    lines.append("带下拉箭头的单元格请从下拉列表中选择；选中单元格时会显示填写提示，填错时会提示改正。")
    if plan.has_selfcheck:
        lines.append("指标右侧的“自检”随填写自动计算结果和状态，供本单位核对；最终结果以" + office + "汇总计算为准。")
    lines.append("填写完成后请保存为 Excel 工作簿（.xlsx）格式，不要另存为 .xls、.et 或 PDF；文件名可以不改。")
    if plan.evidence:
        lines.append(f"“{EVIDENCE_SHEET}”工作表：" + how_to_return(ctx))
    lines.append(_return_line(ctx))
    return lines


def _return_line(ctx: Context) -> str:
    deadline = f"请于{ctx.param('deadline')}前" if ctx.param("deadline") else "请"
    email = ctx.param("office_email")
    where = f"通过电子邮件发送至 {email}（{ctx.office}）" if email else f"报送{ctx.office}"
    return f"{deadline}将本文件{where}。"


def _numbered(ctx: Context, sh: Sheet, title: str, lines: list[str]) -> None:
    sh.text(sh.next_row(skip=1), 0, title, ctx.styles.section, last_col=LAST)
    for n, line in enumerate(lines, start=1):
        r = sh.next_row()
        sh.text(r, 0, f"{n}.", ctx.styles.plain)
        sh.text(r, 1, line, ctx.styles.plain, last_col=LAST)


def _colours(ctx: Context, sh: Sheet) -> None:
    st = ctx.styles
    sh.text(sh.next_row(skip=1), 0, "颜色说明", st.section, last_col=LAST)
    swatches = [("填写", st.swatch_input, "浅黄色：需要本单位填写的单元格")]
    if ctx.plan.has_selfcheck:
        swatches.append(("自动计算", st.calc_status, "浅蓝色：自检，随填写自动计算，不需填写"))
        swatches += [(label, st.swatch[label], f"自检状态“{label}”：{meaning}")
                     for label, (_, _, meaning) in STATUS_COLOURS.items()]
    for label, fmt, meaning in swatches:
        r = sh.next_row()
        sh.text(r, 0, label, fmt)
        sh.text(r, 1, meaning, st.plain, last_col=LAST)


def _parameters(ctx: Context, sh: Sheet) -> None:
    names = [p for p in ctx.table.parameter_names() if p in _needed_parameters(ctx)]
    if not names:
        return
    st = ctx.styles
    sh.text(sh.next_row(skip=1), 0, f"考核参数（由{ctx.office}设定，自检计算使用，不需填写）", st.section, last_col=LAST)
    for name in names:
        label, unit = ctx.table.param_labels.get(name, (name, ""))
        r = sh.next_row()
        sh.blank(r, 0, st.label)
        sh.text(r, 1, label or name, st.label)
        sh.number(r, 2, ctx.table.params[name], st.param)
        sh.name(name, r, 2)
        sh.text(r, 3, unit, st.center)


def _needed_parameters(ctx: Context) -> set[str]:
    blocks = [b for b in ctx.plan.blocks if b.selfcheck]
    return {p for b in blocks for p in ctx.selfcheck.parameters(b.checked)}
