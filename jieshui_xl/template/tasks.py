"""The checklist of basic-management tasks the unit answers, and the contact fields."""

from __future__ import annotations

import datetime as _dt

from ..spec import Task
from .layout import COL_HINT, COL_INPUT, COL_LABEL, COL_NO, COL_SOURCE, COL_UNIT, LAST, Context
from .sheet import Sheet
from .validation import MESSAGE_MAX, clip, prompt_only

# checklist columns: 序号 | 任务名称 | 任务内容 (C:E) | 进展状态 | 佐证材料 (G:H) | 备注
COL_TEXT, COL_TEXT_END = COL_UNIT, COL_HINT
COL_STATUS = COL_SOURCE
COL_EVIDENCE, COL_EVIDENCE_END = COL_SOURCE + 1, LAST - 1
COL_NOTE = LAST

CONTACTS = (  # defined name, label, hint, kind
    ("contact_name", "填报人", "请填写填报人姓名。", "text"),
    ("contact_phone", "联系电话", "手机或座机，便于核实数据。", "text"),
    ("fill_date", "填报日期", "请填写日期，如 {example}。", "date"),
)


def write_checklist(ctx: Context, sh: Sheet) -> None:
    def header(sh: Sheet, r: int) -> None:
        st = ctx.styles
        for col, label in ((COL_NO, "序号"), (COL_LABEL, "任务名称"), (COL_STATUS, "进展状态"), (COL_NOTE, "备注")):
            sh.text(r, col, label, st.header)
        sh.text(r, COL_TEXT, "任务内容", st.header, last_col=COL_TEXT_END)
        sh.text(r, COL_EVIDENCE, "佐证材料（文件名称及文号）", st.header, last_col=COL_EVIDENCE_END)

    header(sh, sh.next_row())
    sh.carry = header                       # a page the list continues on starts with its header
    for task in ctx.plan.tasks:
        _task_row(ctx, sh, task)
    sh.carry = None


def _task_row(ctx: Context, sh: Sheet, task: Task) -> None:
    st, r = ctx.styles, sh.next_row()
    sh.text(r, COL_NO, task.seq, st.center)
    sh.text(r, COL_LABEL, task.title, st.label)
    sh.text(r, COL_TEXT, task.text + _shared_note(ctx, task), st.text, last_col=COL_TEXT_END)
    choices = [c.value for c in ctx.table.task_status_choices()]
    sh.blank(r, COL_STATUS, st.input_choice)
    sh.name(task.name("status"), r, COL_STATUS)
    sh.ws.data_validation(r, COL_STATUS, r, COL_STATUS, {
        "validate": "list", "source": ctx.status_source(), "input_title": "进展状态",
        "input_message": clip(f"请从下拉列表中选择：{'、'.join(choices)}。", MESSAGE_MAX),
        "error_title": "输入有误", "error_message": clip(f"请从下拉列表中选择：{'、'.join(choices)}。", MESSAGE_MAX)})
    sh.blank(r, COL_EVIDENCE, st.input_text, last_col=COL_EVIDENCE_END)
    sh.name(task.name("evidence"), r, COL_EVIDENCE)
    sh.ws.data_validation(r, COL_EVIDENCE, r, COL_EVIDENCE_END, prompt_only(
        "佐证材料", "请填写佐证文件的名称及文号，多个文件用分号隔开；尚无文件的可留空并在备注中说明。"))
    sh.blank(r, COL_NOTE, st.input_text)
    sh.name(task.name("note"), r, COL_NOTE)
    sh.ws.data_validation(r, COL_NOTE, r, COL_NOTE, prompt_only("备注", "其他需要说明的情况，如推进中的预计完成时间。"))


def _shared_note(ctx: Context, task: Task) -> str:
    others = [u for u in task.reporters if u != ctx.unit]
    if not task.leads:
        return "\n（本任务无牵头单位，由各责任单位分别填报本单位落实情况。）"
    if others:
        return f"\n（本任务由本单位与{'、'.join(others)}共同牵头，请填报本单位负责部分的情况。）"
    return ""


def write_contact(ctx: Context, sh: Sheet) -> None:
    contact_rows(ctx.styles, ctx.table.year, sh)


def contact_rows(st, year: int, sh: Sheet, last: int = LAST, example: str = "") -> None:
    """The contact fields (named ``contact_name``, ``contact_phone``, ``fill_date``), hints up to ``last``;
    ``example``: the date the hint shows (default: 15 January of the next year, a data round's deadline)."""
    for name, label, hint, kind in CONTACTS:
        r = sh.next_row()
        sh.blank(r, COL_NO, st.label)
        sh.text(r, COL_LABEL, label, st.key)
        sh.blank(r, COL_UNIT, st.input_date if kind == "date" else st.input_text, last_col=COL_INPUT)
        sh.name(name, r, COL_UNIT)
        hint = hint.format(example=example or f"{year + 1}-01-15")
        sh.text(r, COL_HINT, hint, st.muted, last_col=last)
        sh.ws.data_validation(r, COL_UNIT, r, COL_INPUT, _contact_rule(year, label, hint, kind))


def _contact_rule(year: int, label: str, hint: str, kind: str) -> dict:
    if kind != "date":
        return prompt_only(label, hint)
    return {"validate": "date", "criteria": "between", "minimum": _dt.date(year, 1, 1),
            "maximum": _dt.date(year + 2, 12, 31), "input_title": label, "input_message": hint,
            "error_title": "日期有误",
            "error_message": f"请填写 {year}年1月1日 至 {year + 2}年12月31日 之间的日期，如 {year + 1}-01-15。"}
