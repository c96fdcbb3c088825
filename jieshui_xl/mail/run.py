"""``jieshui-xl mail``: find each unit's workbook, write its message (a reminder with ``--remind``),
and with ``--send`` send them.  Workbooks are recognised by the identity they carry, as
consolidation recognises them, never by their file names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

from ..evidence import owed_by_unit, owed_text
from ..findings import ERROR, JieshuiError
from ..labels import REJECTED as FILE_REJECTED
from .compose import (
    EVIDENCE,
    MISSING,
    REJECTED,
    Reminder,
    _addresses,
    _param,
    build_message,
    eml_filename,
    valid_address,
    write_eml,
)
from .smtp import PASSWORD_ENV, group_by_reason, send_messages, tls_context

__all__ = ["DATA_MAIL", "MailKind", "MailResult", "find_workbooks", "reminders_for", "run_mail"]


@dataclass
class MailResult:
    written: dict[str, Path] = field(default_factory=dict)        # unit -> .eml
    no_address: list[str] = field(default_factory=list)           # units written without To
    bad_addresses: dict[str, list[str]] = field(default_factory=dict)
    without_workbook: list[str] = field(default_factory=list)     # reporting units with no workbook
    ignored: list[str] = field(default_factory=list)              # files in templates_dir not used (why)
    up_to_date: list[str] = field(default_factory=list)           # --remind: units that returned
    sent: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)              # --send: units without an address
    failed: dict[str, str] = field(default_factory=dict)          # unit -> reason (Chinese)


def find_workbooks(table, templates_dir: Path, ignored: list[str] | None = None, expect=None) -> dict[str, Path]:
    """The collection workbook (``expect``: the round's kind, default a data round's) of each unit in
    ``templates_dir`` (by identity, not file name), decided as consolidation decides it: a file that
    consolidation would refuse is never mailed."""
    from ..findings import finding
    from ..returns import identify_file
    from ..returns.identify import DATA_ROUND, problems

    expect = expect or DATA_ROUND

    found: dict[str, tuple[str, Path]] = {}
    ignored = [] if ignored is None else ignored
    for path in sorted(Path(templates_dir).iterdir()):
        if not path.is_file() or path.suffix.lower() != ".xlsx" or path.name.startswith(("~$", ".")):
            continue
        ident = identify_file(path)
        reasons = problems(table, ident, expect) if ident is not None else []
        if ident is None:
            ignored.append(f"“{path.name}”不是本系统生成的填报表（或无法读取），已忽略")
        elif reasons:
            code, kw = reasons[0]
            ignored.append(finding(code, file=path.name, unit=ident.unit, **kw).message.replace("未采用", "已忽略"))
        else:
            stamp = ident.generated_at or ""
            previous = found.get(ident.unit)
            if previous is not None:
                older = min(previous, (stamp, path))
                ignored.append(f"“{older[1].name}”与另一份文件都是{ident.unit}的填报表，采用较新生成的一份")
                if older == (stamp, path):
                    continue
            found[ident.unit] = (stamp, path)
    return {unit: path for unit, (_, path) in found.items()}


def reminders_for(table, collection) -> dict[str, Reminder]:
    """Units whose status is missing or rejected, with what is wrong for the rejected ones, and units
    that owe evidence (佐证材料); each reminder lists the evidence its unit owes."""
    out: dict[str, Reminder] = {}
    owed = owed_by_unit(table, collection)
    for unit in table.reporting_units():
        state = collection.unit_state(unit)
        evidence = [owed_text(table, o) for o in owed.get(unit, [])]
        if state.status == MISSING:
            out[unit] = Reminder(MISSING, evidence=evidence)
        elif state.status == REJECTED:
            errors = [f for f in collection.report if f.unit == unit and f.severity == ERROR]
            reasons = [s.reason for s in state.files if s.status == FILE_REJECTED and s.reason]
            out[unit] = Reminder(REJECTED, errors, list(dict.fromkeys(reasons)), evidence=evidence)
        elif evidence:
            out[unit] = Reminder(EVIDENCE, evidence=evidence)
    return out


def _data_reminders(table, returned_dir: Path) -> dict[str, Reminder]:
    from ..returns import collect

    return reminders_for(table, collect(table, returned_dir, empty_ok=True))


@dataclass(frozen=True)
class MailKind:
    """What differs between the mail of a data round and of a progress round (:mod:`.progress`):
    the workbooks mailed, the units, who gets a reminder, the message and its file name."""
    expect: object = None                                  # returns.identify.Expect; None: a data round
    units: Callable = lambda table: table.reporting_units()
    reminders: Callable = _data_reminders                  # (table, returned_dir) -> unit -> Reminder
    message: Callable = build_message                      # (table, unit, workbook, reminder, sender=)
    filename: Callable = eml_filename                      # (table, unit, reminder)
    noun: str = "填报表"


DATA_MAIL = MailKind()


def run_mail(table, templates_dir, outbox, returned_dir=None, send=False, smtp_host=None, smtp_port=None,
             starttls=False, use_ssl=False, smtp_user=None, echo=print, kind: MailKind | None = None) -> MailResult:
    """Write (and with ``send`` also send) one message per unit workbook found in ``templates_dir``
    (``kind``: a data round's by default, or a progress round's).

    Raises :class:`JieshuiError` (Chinese message) only when nothing could be done: no workbook, bad
    options, or, with ``send``, not a single message sent.
    """
    kind = kind or DATA_MAIL
    templates_dir, outbox = Path(templates_dir), Path(outbox)
    password, context = _send_options(send, smtp_host, starttls, use_ssl, smtp_user)
    result = MailResult()
    workbooks = _workbooks(table, templates_dir, result, echo, kind)
    units = kind.units(table)
    order = [u for u in units if u in workbooks] + [u for u in workbooks if u not in units]
    result.without_workbook = [u for u in units if u not in workbooks]
    reminders = None
    if returned_dir is not None:
        reminders = _reminders(table, Path(returned_dir), kind)
        result.up_to_date = [u for u in order if u not in reminders]
        order = [u for u in order if u in reminders]
        if result.up_to_date:
            echo("已报送，不再催报：" + "、".join(result.up_to_date))
        if not order:
            echo(f"所有单位均已报送可用的{kind.noun}，无需催报。")
            return result
    sender = _sender(table, smtp_user, send, echo)
    messages = _write_messages(table, order, workbooks, reminders, sender, outbox, result, kind)
    _say_written(result, outbox, reminders is not None, echo)
    if send:
        _send(result, messages, outbox, sender, smtp_host, smtp_port, starttls, use_ssl, smtp_user, password,
              context, echo)
    return result


def _send_options(send: bool, smtp_host, starttls: bool, use_ssl: bool, smtp_user):
    """(password, TLS context) for ``--send``; bad options stop here, before anything is written."""
    if not send:
        return None, None
    if not smtp_host:
        raise JieshuiError("发送邮件需要指定 SMTP 服务器：--smtp-host（如 smtp.example.gov.cn）。")
    if starttls and use_ssl:
        raise JieshuiError("--starttls 与 --ssl 只能选一个：端口 465 用 --ssl，端口 587 用 --starttls。")
    password = None
    if smtp_user:
        password = os.environ.get(PASSWORD_ENV)
        if not password:
            raise JieshuiError(
                f"已指定 SMTP 用户名“{smtp_user}”，但没有设置环境变量 {PASSWORD_ENV}。密码不能写在命令行或文件里，"
                f"请先在命令行窗口执行 set {PASSWORD_ENV}=密码或授权码（Windows），或 "
                f"export {PASSWORD_ENV}=…（Linux/macOS），再运行本命令。")
    return password, (tls_context() if starttls or use_ssl else None)      # a bad CA file stops here


def _workbooks(table, templates_dir: Path, result: MailResult, echo, kind: MailKind) -> dict[str, Path]:
    if not templates_dir.is_dir():
        raise JieshuiError(f"找不到{kind.noun}文件夹“{templates_dir}”。请先运行 jieshui-xl templates --out "
                           f"{templates_dir} 生成{kind.noun}。")
    workbooks = find_workbooks(table, templates_dir, result.ignored, kind.expect)
    for note in result.ignored:
        echo(f"提示：{note}。")
    if not workbooks:
        raise JieshuiError(f"文件夹“{templates_dir}”中没有找到{table.city}{table.year}年度的{kind.noun}。"
                           f"请先运行 jieshui-xl templates --out {templates_dir} 生成{kind.noun}"
                           f"（调度表加 --progress 年-月）。")
    return workbooks


def _reminders(table, returned_dir: Path, kind: MailKind) -> dict[str, Reminder]:
    if not returned_dir.is_dir():
        raise JieshuiError(f"找不到回收文件夹“{returned_dir}”。催报需要指定存放各单位已报送文件的文件夹。")
    return kind.reminders(table, returned_dir)


def _sender(table, smtp_user, send: bool, echo) -> str:
    sender = _param(table, "office_email")
    if not valid_address(sender):
        if sender:
            echo(f"提示：参数 office_email 的值“{sender}”不是有效的电子邮箱，已忽略。")
        sender = smtp_user if smtp_user and valid_address(smtp_user) else ""
    if not sender:
        if send:
            raise JieshuiError("发送邮件需要发件人邮箱：请在任务分工表“参数”工作表中填写 office_email（节水办邮箱），"
                               "或用 --smtp-user 指定登录邮箱。")
        echo("提示：任务分工表“参数”中没有填写 office_email（节水办邮箱），邮件没有发件人。")
    return sender


def _write_messages(table, order, workbooks, reminders, sender: str, outbox: Path, result: MailResult,
                    kind: MailKind = DATA_MAIL) -> list[tuple[str, EmailMessage]]:
    messages = []
    for unit in order:
        reminder = reminders.get(unit) if reminders is not None else None
        u = table.units[unit]
        to, bad_to = _addresses(u.emails)
        _, bad_cc = _addresses(u.cc_emails)
        if bad_to or bad_cc:
            result.bad_addresses[unit] = bad_to + bad_cc
        if not to:
            result.no_address.append(unit)
        msg = kind.message(table, unit, workbooks[unit], reminder, sender=sender or None)
        result.written[unit] = write_eml(msg, outbox / kind.filename(table, unit, reminder))
        messages.append((unit, msg))
    return messages


def _say_written(result: MailResult, outbox: Path, reminding: bool, echo) -> None:
    echo(f"已生成 {len(result.written)} 封{'催报邮件' if reminding else '邮件'}（.eml），位于：{outbox.resolve()}")
    for path in result.written.values():
        echo(f"  {path.name}")
    for unit, bad in result.bad_addresses.items():
        echo(f"提示：{unit}的电子邮箱“{'、'.join(bad)}”格式不正确，已忽略。请在任务分工表“单位”工作表中改正。")
    if result.no_address:
        echo("以下单位在任务分工表“单位”工作表中没有登记电子邮箱，邮件已生成但没有收件人"
             "（可在“电子邮箱”列补填后重新运行，或打开 .eml 后手工填写收件人）：" + "、".join(result.no_address))
    if result.without_workbook and not reminding:
        echo("以下单位没有找到填报表，未生成邮件：" + "、".join(result.without_workbook))


def _send(result: MailResult, messages, outbox: Path, sender: str, smtp_host, smtp_port, starttls, use_ssl,
          smtp_user, password, context, echo) -> None:
    result.refused = list(result.no_address)
    for unit in result.refused:
        echo(f"未发送：{unit}没有登记电子邮箱。")
    to_send = [(unit, msg) for unit, msg in messages if unit not in result.refused]
    if not to_send:
        raise JieshuiError("没有可以发送的邮件：这些单位都没有登记电子邮箱。请在任务分工表“单位”工作表的“电子邮箱”列"
                           f"填写后重试（.eml 文件已写入“{outbox}”，也可手工发送）。")
    envelope = smtp_user if smtp_user and valid_address(smtp_user) else (sender or None)
    if smtp_user and not starttls and not use_ssl and smtp_host not in ("localhost", "127.0.0.1", "::1"):
        echo("警告：未加密的连接上传送密码。如服务器支持，请加 --ssl（端口 465）或 --starttls（端口 587）。")
    result.sent, result.failed = send_messages(
        to_send, smtp_host, smtp_port, starttls=starttls, use_ssl=use_ssl, user=smtp_user, password=password,
        envelope_from=envelope, echo=echo, context=context)
    echo(f"发送完成：成功 {len(result.sent)} 封，失败 {len(result.failed)} 封，"
         f"未登记邮箱未发送 {len(result.refused)} 个单位。")
    for reason, units in group_by_reason(result.failed).items():
        echo(f"发送失败的单位：{'、'.join(units)}（{reason}）")
    if not result.sent:
        first = next(iter(result.failed.values()), "")
        raise JieshuiError(f"邮件一封也没有发出：{first}。.eml 文件已写入“{outbox}”，可修正后重试或手工发送。")
