"""The messages: subject, body and attachment of each unit's e-mail, and the .eml file.

Everything about the units comes from the task table: addresses from the 单位 sheet
(``Unit.emails`` / ``Unit.cc_emails``), the office's name, e-mail, contact and deadline from 参数.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Iterable

from ..findings import Finding, JieshuiError
from ..labels import UNIT_MISSING, UNIT_REJECTED
from ..outputs import write_bytes

__all__ = ["Reminder", "build_message", "eml_filename", "write_eml", "valid_address", "MISSING", "REJECTED",
           "OVERDUE"]

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
EML_POLICY = policy.default.clone(linesep="\r\n")
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")

MISSING, REJECTED = UNIT_MISSING, UNIT_REJECTED   # why a unit gets a reminder
EVIDENCE = "evidence"                              # its workbook was used, but evidence (佐证材料) is owed
OVERDUE = "overdue"             # a progress round: returned, but tasks are overdue or lagging


@dataclass
class Reminder:
    """Why a unit gets a reminder: nothing returned (``missing``) or a return that was not usable."""
    status: str                                   # missing | rejected | overdue (progress rounds)
    findings: list[Finding] = field(default_factory=list)   # the unit's error findings
    reasons: list[str] = field(default_factory=list)        # why its files were not used
    tasks: list[str] = field(default_factory=list)          # progress rounds: the tasks to act on, one a line
    evidence: list[str] = field(default_factory=list)       # the evidence (佐证材料) still owed, one a line



def _param(table, key: str) -> str:
    value = table.params.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date_text(value) -> str:
    """``2024-01-20`` / a date → ``2024年1月20日``; other text as written."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = "" if value is None else str(value).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?", text)
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else text


def _deadline(table) -> str:
    """The deadline in words; “次年1月20日” (a rule over years) becomes a date of the round's year."""
    text = _date_text(table.params.get("deadline"))
    m = re.fullmatch(r"(次年|当年|本年)(\d{1,2})月(\d{1,2})日", text)
    if m:
        year = table.year + (1 if m[1] == "次年" else 0)
        text = f"{year}年{int(m[2])}月{int(m[3])}日"
    return text


def _form_name(table) -> str:
    return f"{table.year}年度{table.city}创建{table.title}数据填报表"


def valid_address(text: str) -> bool:
    return bool(_ADDRESS.match(text or ""))


def _addresses(values: Iterable[str]) -> tuple[list[str], list[str]]:
    good: list[str] = []
    bad: list[str] = []
    for v in values:
        (good if valid_address(v) else bad).append(v)
    return good, bad


def _unit(table, unit):
    name = getattr(unit, "name", unit)
    if name not in table.units:
        raise JieshuiError(f"任务分工表“单位”工作表中没有“{name}”。")
    return table.units[name]


def eml_filename(table, unit: str, reminder: Reminder | None = None) -> str:
    from ..paths import safe_filename

    tag = "" if reminder is None else {MISSING: "_催报", EVIDENCE: "_补交佐证材料"}.get(reminder.status, "_退回修改")
    return safe_filename(f"{table.year}年度_{unit}{tag}.eml")


def _where(f: Finding) -> str:
    parts = []
    if f.file:
        parts.append(f"文件“{f.file}”")
    if f.sheet:
        parts.append(f"工作表“{f.sheet}”")
    if f.cell:
        parts.append(f"单元格 {f.cell}")
    return "，".join(parts)



def _subject(table, unit: str, reminder: Reminder | None) -> str:
    deadline = _deadline(table)
    if reminder is not None and reminder.status == REJECTED:
        tag = "【请修改后重新报送】"
    elif reminder is not None and reminder.status == EVIDENCE:
        tag = "【请补交佐证材料】"
    elif reminder is not None:
        tag = f"【催报：请于{deadline}前报送】" if deadline and not _past(table) else "【催报：请尽快报送】"
    else:
        tag = f"【请于{deadline}前报送】" if deadline else "【请尽快报送】"
    return f"{tag}{_form_name(table)}—{unit}"


def _past(table) -> bool:
    m = re.fullmatch(r"(\d+)年(\d+)月(\d+)日", _deadline(table))
    return m is not None and _dt.date(int(m[1]), int(m[2]), int(m[3])) < _dt.date.today()


def _body(table, unit: str, filename: str, reminder: Reminder | None) -> str:
    lines = [f"{unit}：", ""] + _opening(table, unit, filename, reminder) + [""]
    sections = [("需要填写的内容", _what_to_fill(table, unit)), ("填写和报送要求", _requirements(table)),
                ("联系方式", [_contact_line(table) + "。"])]
    numerals = "一二三四五六七八九十"
    for k, (title, body) in enumerate(sections):
        lines += [f"{numerals[k]}、{title}", *body, ""]
    lines += [_param(table, "office_name") or "节水办", _date_text(_dt.date.today())]
    return "\n".join(lines) + "\n"


def _opening(table, unit: str, filename: str, reminder: Reminder | None) -> list[str]:
    lines = _opening_lines(table, unit, filename, reminder)
    if reminder is not None and reminder.evidence:
        lines += [("    以下佐证材料尚未收到，请在填报表“佐证材料清单”中填写标题、文号和附件文件名，并把文件"
                   "附在邮件中（或打包为 .zip）一并发送：" if reminder.status != EVIDENCE else
                   f"    你单位报送的《{_form_name(table)}》已收到，但以下佐证材料尚未收到。请在填报表“佐证材料清单”中"
                   "填写标题、文号和附件文件名，并把填报表与文件一并重新发送（文件名须与清单一致）：")]
        lines += [f"    {n}. {text}" for n, text in enumerate(reminder.evidence, 1)]
    return lines


def _opening_lines(table, unit: str, filename: str, reminder: Reminder | None) -> list[str]:
    deadline = _deadline(table)
    by = f"请于{deadline}前" if deadline else "请尽快"
    if reminder is None:
        return [f"    现将《{_form_name(table)}》（附件“{filename}”）发给你单位，{by}填写完毕并报送。"]
    if reminder.status == EVIDENCE:
        return []
    if reminder.status == MISSING:
        late = "已过报送截止日期，" if _past(table) else ""
        return [f"    截至{_date_text(_dt.date.today())}，尚未收到你单位的《{_form_name(table)}》，{late}"
                f"{'请尽快' if late or not deadline else by}填写附件“{filename}”并报送。"]
    when = '尽快' if _past(table) or not deadline else f'于{deadline}前'
    lines = [f"    你单位报送的《{_form_name(table)}》存在以下问题，有关数据未能采用。请修改后{when}重新报送："]
    problems = [f"{_where(f) + '：' if _where(f) else ''}{f.message}" for f in reminder.findings]
    problems += [r for r in reminder.reasons if not any(r in f.message for f in reminder.findings)]
    numbered = [f"    {n}. {text}" for n, text in enumerate(problems, 1)]
    lines += numbered or ["    （报送的文件未能采用，请与节水办联系核实。）"]
    lines.append(f"    请在原表上改正后重新发送；如原表已损坏或版式被改动，可使用本邮件附件中的空白填报表"
                 f"“{filename}”重新填写。")
    return lines


def _what_to_fill(table, unit: str) -> list[str]:
    """What the unit's workbook asks for, numbered: items, tables, checklist tasks, contact."""
    parts: list[list[str]] = []
    items, tasks = table.items_of(unit), table.tasks_of(unit)
    if items:
        listed = [f"   （{i}）{item.label}" + (f"（{item.unit}）" if item.unit else "")
                  for i, item in enumerate(items, 1)]
        parts.append([f"数据项 {len(items)} 项："] + listed)
    for tbl in table.tables_of(unit):
        name = next((ind.name for ind in table.indicators if ind.table == tbl.code), tbl.code)
        cols = "、".join(c.label for c in tbl.columns)
        parts.append([f"表格“{name}”：按行填写，最多 {tbl.rows} 行（{cols}），每行填全或整行留空。"])
    if tasks:
        choices = " / ".join(c.value for c in table.task_status_choices()) or "进展状态"
        parts.append([f"基础管理任务 {len(tasks)} 项的进展情况（{choices}）及佐证材料说明："] +
                     [f"   任务{t.seq}：{t.title}" for t in tasks])
    evidence = table.evidence_of(unit)
    if evidence:
        parts.append([f"佐证材料 {len(evidence)} 项（“佐证材料清单”工作表）：填写标题、文号/日期和附件文件名，"
                      "文件随填报表一并发回。"])
    parts.append(["填表联系人、联系电话和填表日期。"])
    what = []
    for n, (head, *rest) in enumerate(parts, 1):
        what += [f"    {n}. {head}"] + [f"    {line}" for line in rest]
    return what + ["    各项的口径和单位见表内“填报说明”。数字请填纯数字，不要带“约”“左右”等文字或单位。"]


def _requirements(table) -> list[str]:
    office_email = _param(table, "office_email")
    reply = f"直接回复本邮件，把填好的工作簿作为附件发送至 {office_email}" if office_email else \
        "直接回复本邮件，把填好的工作簿作为附件发回"
    return ["    1. 用 Excel 或 WPS 打开附件，只在空白的输入单元格中填写；",
            "    2. 不要重命名、删除或移动工作表，不要插入或删除行、列；",
            "    3. 保存为 .xlsx 格式（Excel 工作簿），不要另存为 .xls、.et、PDF 或截图；文件名可以不改；",
            f"    4. {reply}。"]


def _contact_line(table) -> str:
    contact, phone, email = (_param(table, k) for k in ("office_contact", "office_phone", "office_email"))
    line = f"    如有疑问，请联系{_param(table, 'office_name') or '节水办'}" + (f" {contact}" if contact else "")
    details = [x for x in (f"电话：{phone}" if phone else "", f"邮箱：{email}" if email else "") if x]
    return line + ("（" + "，".join(details) + "）" if details else "")


def build_message(table, unit, workbook_path: str | Path, reminder: Reminder | None = None,
                  sender: str | None = None, text: tuple[str, str] | None = None) -> EmailMessage:
    """The message to ``unit`` (a name or :class:`~jieshui_xl.spec.Unit`) with its workbook attached.

    To / Cc come from the unit's row in the 单位 sheet (invalid addresses are left out); From is
    ``sender`` or the ``office_email`` parameter, shown with ``office_name``.  ``text``: (subject,
    body) written by the caller (a progress round's messages), instead of a data round's.
    """
    u = _unit(table, unit)
    path = Path(workbook_path)
    data = path.read_bytes()
    msg = EmailMessage()
    subject, body = text or (_subject(table, u.name, reminder), _body(table, u.name, path.name, reminder))
    msg["Subject"] = subject
    sender = sender or _param(table, "office_email")
    office = _param(table, "office_name")
    if sender and valid_address(sender):
        local, _, domain = sender.partition("@")
        msg["From"] = Address(display_name=office, username=local, domain=domain) if office else sender
        if sender != _param(table, "office_email") and valid_address(_param(table, "office_email")):
            msg["Reply-To"] = _param(table, "office_email")
    to, _ = _addresses(u.emails)
    cc, _ = _addresses(u.cc_emails)
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Date"] = format_datetime(_dt.datetime.now().astimezone())
    domain = sender.partition("@")[2] if sender and valid_address(sender) else "jieshui.invalid"
    msg["Message-ID"] = make_msgid("jieshui", domain=domain)
    msg.set_content(body, cte="base64")
    msg.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=path.name)
    return msg


def write_eml(message: EmailMessage, path: str | Path, draft: bool = True) -> Path:
    """Write ``message`` as an ``.eml`` file (atomically).  ``draft`` adds ``X-Unsent: 1``."""
    if draft and "X-Unsent" not in message:
        message["X-Unsent"] = "1"
        try:
            data = message.as_bytes(policy=EML_POLICY)
        finally:
            del message["X-Unsent"]
    else:
        data = message.as_bytes(policy=EML_POLICY)
    return write_bytes(path, data)
