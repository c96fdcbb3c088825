"""E-mails to the reporting units: one message per unit with its collection workbook attached.

Messages are always written as ``.eml`` files (a coordinator can open one in Outlook / Foxmail and
press 发送; ``X-Unsent: 1`` makes Outlook open it as a draft).  With ``send=True`` they also go out
over SMTP; the password is read only from the environment variable ``JIESHUI_SMTP_PASSWORD``.
TLS (``--ssl`` / ``--starttls``) always verifies the server's certificate; a server whose certificate
comes from an internal CA is trusted by naming that CA's certificate in ``JIESHUI_SMTP_CAFILE``.
With ``returned_dir`` only units that have not returned a usable workbook get a reminder, and a
rejected unit's reminder lists what is wrong.

Everything about the units comes from the task table: addresses from the 单位 sheet
(``Unit.emails`` / ``Unit.cc_emails``), the office's name, e-mail, contact and deadline from 参数.
Workbooks are recognised by the identity they carry, not by their file names.
"""

from __future__ import annotations

import base64
import datetime as _dt
import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Callable, Iterable

from .data import REJECTED as FILE_REJECTED, UNIT_MISSING, UNIT_REJECTED
from .findings import ERROR, Finding, JieshuiError
from .outputs import write_bytes

__all__ = ["CAFILE_ENV", "PASSWORD_ENV", "MailResult", "Reminder", "build_message", "eml_filename", "find_workbooks",
           "reminders_for", "run_mail", "send_messages", "tls_context", "write_eml"]

PASSWORD_ENV = "JIESHUI_SMTP_PASSWORD"
CAFILE_ENV = "JIESHUI_SMTP_CAFILE"         # extra trusted CA certificate (PEM), e.g. an internal CA
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
EML_POLICY = policy.default.clone(linesep="\r\n")
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")

MISSING, REJECTED = UNIT_MISSING, UNIT_REJECTED   # why a unit gets a reminder


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------

@dataclass
class Reminder:
    """Why a unit gets a reminder: nothing returned (``missing``) or a return that was not usable."""
    status: str                                   # missing | rejected
    findings: list[Finding] = field(default_factory=list)   # the unit's error findings
    reasons: list[str] = field(default_factory=list)        # why its files were not used


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


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

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


def _title(table) -> str:
    return _param(table, "title") or "节水型城市"


def _form_name(table) -> str:
    return f"{table.year}年度{table.city}创建{_title(table)}数据填报表"


def valid_address(text: str) -> bool:
    return bool(_ADDRESS.match(text or ""))


def _addresses(values: Iterable[str]) -> tuple[list[str], list[str]]:
    good, bad = [], []
    for v in values:
        (good if valid_address(v) else bad).append(v)
    return good, bad


def _unit(table, unit):
    name = getattr(unit, "name", unit)
    if name not in table.units:
        raise JieshuiError(f"任务分工表“单位”工作表中没有“{name}”。")
    return table.units[name]


def eml_filename(table, unit: str, reminder: Reminder | None = None) -> str:
    from .eml import safe_filename

    tag = "" if reminder is None else ("_催报" if reminder.status == MISSING else "_退回修改")
    return safe_filename(f"{table.year}年度_{unit}{tag}.eml")


# ---------------------------------------------------------------------------------------------
# Finding the workbooks
# ---------------------------------------------------------------------------------------------

def find_workbooks(table, templates_dir: Path, ignored: list[str] | None = None) -> dict[str, Path]:
    """The collection workbook of each unit in ``templates_dir`` (by identity, not file name), decided
    as consolidation decides it: a file that consolidation would refuse is never mailed."""
    from .collect import identify_file
    from .collect.identify import problems
    from .findings import finding

    found: dict[str, tuple[str, Path]] = {}
    ignored = [] if ignored is None else ignored
    for path in sorted(Path(templates_dir).iterdir()):
        if not path.is_file() or path.suffix.lower() != ".xlsx" or path.name.startswith(("~$", ".")):
            continue
        ident = identify_file(path)
        reasons = problems(table, ident) if ident is not None else []
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


# ---------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------

def reminders_for(table, collection) -> dict[str, Reminder]:
    """Units whose status is missing or rejected, with what is wrong for the rejected ones."""
    out: dict[str, Reminder] = {}
    for unit in table.reporting_units():
        status = collection.unit_status(unit)
        if status == MISSING:
            out[unit] = Reminder(MISSING)
        elif status == REJECTED:
            errors = [f for f in collection.report if f.unit == unit and f.severity == ERROR]
            reasons = [s.reason for s in collection.submissions
                       if s.unit == unit and s.status == FILE_REJECTED and s.reason]
            out[unit] = Reminder(REJECTED, errors, list(dict.fromkeys(reasons)))
    return out


def _where(f: Finding) -> str:
    parts = []
    if f.file:
        parts.append(f"文件“{f.file}”")
    if f.sheet:
        parts.append(f"工作表“{f.sheet}”")
    if f.cell:
        parts.append(f"单元格 {f.cell}")
    return "，".join(parts)


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------

def _subject(table, unit: str, reminder: Reminder | None) -> str:
    deadline = _deadline(table)
    if reminder is not None and reminder.status == REJECTED:
        tag = "【请修改后重新报送】"
    elif reminder is not None:
        tag = f"【催报：请于{deadline}前报送】" if deadline and not _past(table) else "【催报：请尽快报送】"
    else:
        tag = f"【请于{deadline}前报送】" if deadline else "【请尽快报送】"
    return f"{tag}{_form_name(table)}—{unit}"


def _past(table) -> bool:
    m = re.fullmatch(r"(\d+)年(\d+)月(\d+)日", _deadline(table))
    return bool(m) and _dt.date(int(m[1]), int(m[2]), int(m[3])) < _dt.date.today()


def _body(table, unit: str, filename: str, reminder: Reminder | None) -> str:
    deadline = _deadline(table)
    office = _param(table, "office_name")
    office_email = _param(table, "office_email")
    contact, phone = _param(table, "office_contact"), _param(table, "office_phone")
    today = _date_text(_dt.date.today())
    by = f"请于{deadline}前" if deadline else "请尽快"
    lines = [f"{unit}：", ""]

    if reminder is None:
        lines.append(f"    现将《{_form_name(table)}》（附件“{filename}”）发给你单位，{by}填写完毕并报送。")
    elif reminder.status == MISSING:
        late = "已过报送截止日期，" if _past(table) else ""
        lines.append(f"    截至{today}，尚未收到你单位的《{_form_name(table)}》，{late}"
                     f"{'请尽快' if late or not deadline else by}填写附件“{filename}”并报送。")
    else:
        lines.append(f"    你单位报送的《{_form_name(table)}》存在以下问题，有关数据未能采用。"
                     f"请修改后{'尽快' if _past(table) or not deadline else f'于{deadline}前'}重新报送：")
        n = 0
        for f in reminder.findings:
            n += 1
            where = _where(f)
            lines.append(f"    {n}. {where + '：' if where else ''}{f.message}")
        for reason in reminder.reasons:
            if not any(reason in f.message for f in reminder.findings):
                n += 1
                lines.append(f"    {n}. {reason}")
        if n == 0:
            lines.append("    （报送的文件未能采用，请与节水办联系核实。）")
        lines.append(f"    请在原表上改正后重新发送；如原表已损坏或版式被改动，可使用本邮件附件中的空白填报表"
                     f"“{filename}”重新填写。")
    lines.append("")

    sections: list[tuple[str, list[str]]] = []
    what: list[str] = []
    items = table.items_of(unit)
    tables = table.tables_of(unit)
    tasks = table.tasks_of(unit)
    n = 0
    if items:
        n += 1
        what.append(f"    {n}. 数据项 {len(items)} 项：")
        for i, item in enumerate(items, 1):
            what.append(f"       （{i}）{item.label}" + (f"（{item.unit}）" if item.unit else ""))
    for tbl in tables:
        n += 1
        name = next((ind.name for ind in table.indicators if ind.table == tbl.code), tbl.code)
        cols = "、".join(c.label for c in tbl.columns)
        what.append(f"    {n}. 表格“{name}”：按行填写，最多 {tbl.rows} 行（{cols}），每行填全或整行留空。")
    if tasks:
        n += 1
        choices = " / ".join(c.value for c in table.task_status_choices()) or "进展状态"
        what.append(f"    {n}. 基础管理任务 {len(tasks)} 项的进展情况（{choices}）及佐证材料说明：")
        for t in tasks:
            what.append(f"       任务{t.seq}：{t.title}")
    n += 1
    what.append(f"    {n}. 填表联系人、联系电话和填表日期。")
    what.append("    各项的口径和单位见表内“填报说明”。数字请填纯数字，不要带“约”“左右”等文字或单位。")
    sections.append(("需要填写的内容", what))

    reply = f"直接回复本邮件，把填好的工作簿作为附件发送至 {office_email}" if office_email else \
        "直接回复本邮件，把填好的工作簿作为附件发回"
    sections.append(("填写和报送要求", [
        "    1. 用 Excel 或 WPS 打开附件，只在空白的输入单元格中填写；",
        "    2. 不要重命名、删除或移动工作表，不要插入或删除行、列；",
        "    3. 保存为 .xlsx 格式（Excel 工作簿），不要另存为 .xls、.et、PDF 或截图；文件名可以不改；",
        f"    4. {reply}。",
    ]))
    who = office or "节水办"
    contact_line = f"    如有疑问，请联系{who}"
    if contact:
        contact_line += f" {contact}"
    details = [x for x in (f"电话：{phone}" if phone else "", f"邮箱：{office_email}" if office_email else "") if x]
    if details:
        contact_line += "（" + "，".join(details) + "）"
    sections.append(("联系方式", [contact_line + "。"]))

    numerals = "一二三四五六七八九十"
    for k, (title, body) in enumerate(sections):
        lines.append(f"{numerals[k]}、{title}")
        lines.extend(body)
        lines.append("")
    lines.append(who)
    lines.append(today)
    return "\n".join(lines) + "\n"


def build_message(table, unit, workbook_path: str | Path, reminder: Reminder | None = None,
                  sender: str | None = None) -> EmailMessage:
    """The message to ``unit`` (a name or :class:`~jieshui_xl.spec.Unit`) with its workbook attached.

    To / Cc come from the unit's row in the 单位 sheet (invalid addresses are left out); From is
    ``sender`` or the ``office_email`` parameter, shown with ``office_name``.
    """
    u = _unit(table, unit)
    path = Path(workbook_path)
    data = path.read_bytes()
    msg = EmailMessage()
    msg["Subject"] = _subject(table, u.name, reminder)
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
    msg.set_content(_body(table, u.name, path.name, reminder), cte="base64")
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


# ---------------------------------------------------------------------------------------------
# SMTP
# ---------------------------------------------------------------------------------------------

def _cafile_setting() -> str:
    """The value of ``JIESHUI_SMTP_CAFILE`` without surrounding blanks or quotes (``set X="C:\\a.pem"``)."""
    return os.environ.get(CAFILE_ENV, "").strip().strip('"').strip()


def tls_context() -> ssl.SSLContext:
    """The TLS context for SMTP: the system's trusted CAs plus, if ``JIESHUI_SMTP_CAFILE`` names one,
    the CA certificate in that file.  Certificate and host name verification always stay on.

    Raises :class:`JieshuiError` when the variable names a file that is missing or holds no certificate.
    """
    context = ssl.create_default_context()
    cafile = _cafile_setting()
    if not cafile:
        return context
    path = Path(cafile).expanduser()
    if not path.is_file():
        raise JieshuiError(f"环境变量 {CAFILE_ENV} 指定的 CA 证书文件“{cafile}”不存在。请把邮件服务器的 CA 证书"
                           f"（PEM 格式，一般是 .pem 或 .crt 文件，可向信息中心（IT）索取）保存到本机，"
                           f"再把 {CAFILE_ENV} 设为该文件的完整路径。")
    try:
        context.load_verify_locations(cafile=str(path))
    except (ssl.SSLError, ValueError, OSError) as exc:
        try:                                          # a DER-encoded .cer, as Windows often exports
            context.load_verify_locations(cadata=path.read_bytes())
        except (ssl.SSLError, ValueError, OSError):
            raise JieshuiError(f"无法读取环境变量 {CAFILE_ENV} 指定的 CA 证书“{cafile}”（{exc}）。该文件应是"
                               f"PEM 格式的证书（以 -----BEGIN CERTIFICATE----- 开头），请向信息中心（IT）"
                               f"索取邮件服务器的 CA 证书。") from None
    return context


_VERIFY_TEXT = {                                      # OpenSSL X509_V_ERR_* codes
    9: "证书尚未生效", 10: "证书已过期", 18: "服务器使用自签名证书", 19: "证书链中有不受信任的自签名证书",
    20: "证书由本机不信任的机构签发", 21: "证书由本机不信任的机构签发",
    62: "证书上的名称与服务器地址不符", 64: "证书上的 IP 地址与服务器地址不符",
}


def _certificate_error(exc: ssl.SSLCertVerificationError, host: str, port: int) -> str:
    code = getattr(exc, "verify_code", None)
    detail = _VERIFY_TEXT.get(code) or getattr(exc, "verify_message", None) or exc.reason or str(exc)
    head = f"无法验证 SMTP 服务器 {host}:{port} 的证书（{detail}），为安全起见没有发送"
    if code in (62, 64):
        return (f"{head}。请把 --smtp-host 改为证书上登记的服务器名称（可向信息中心（IT）询问），"
                f"不要用 IP 地址或别名代替")
    if code in (9, 10):
        return f"{head}。请联系信息中心（IT）更新邮件服务器的证书，或检查本机日期和时间是否正确"
    cafile = _cafile_setting()
    if cafile:
        return (f"{head}。环境变量 {CAFILE_ENV} 指定的“{cafile}”不能验证该服务器，请确认它是这台邮件服务器的"
                f" CA 证书（可向信息中心（IT）索取）")
    return (f"{head}。如果该邮件服务器使用单位内部的证书颁发机构（CA），请向信息中心（IT）索取其 CA 证书"
            f"（PEM 格式），并把环境变量 {CAFILE_ENV} 设为该证书文件的路径（Windows：set {CAFILE_ENV}="
            f"C:\\证书\\ca.pem）后重新运行")


def _smtp_error(exc: BaseException, host: str, port: int) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (f"SMTP 登录失败（{exc.smtp_code}）：用户名或密码不正确。密码（很多邮箱为“授权码”）"
                f"取自环境变量 {PASSWORD_ENV}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "、".join(exc.recipients)
        return f"邮件服务器拒收收件人 {refused}，请核对任务分工表中的电子邮箱"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"邮件服务器拒绝发件人 {exc.sender}（{exc.smtp_code}），发件邮箱须与登录用户一致"
    if isinstance(exc, smtplib.SMTPDataError):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"邮件服务器拒收该邮件（{exc.smtp_code} {text}）"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"SMTP 服务器 {host}:{port} 不支持所要求的功能（{exc}），请检查 --starttls / --ssl 设置"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _certificate_error(exc, host, port)
    if isinstance(exc, socket.gaierror):
        return f"找不到 SMTP 服务器“{host}”，请检查服务器地址和网络"
    if isinstance(exc, ConnectionRefusedError):
        return f"SMTP 服务器 {host}:{port} 拒绝连接，请检查端口"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"连接 SMTP 服务器 {host}:{port} 超时，请检查网络和端口"
    if isinstance(exc, ssl.SSLError):
        return (f"与 {host}:{port} 建立加密连接失败（{exc.reason or exc}）。SSL 一般用端口 465（--ssl），"
                f"STARTTLS 一般用 587（--starttls）")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"SMTP 服务器 {host}:{port} 断开了连接"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"SMTP 错误 {exc.smtp_code}：{text}"
    return f"发送失败：{exc}"


def default_port(starttls: bool = False, use_ssl: bool = False) -> int:
    return 465 if use_ssl else 587 if starttls else 25


def send_messages(messages: list[tuple[str, EmailMessage]], host: str, port: int | None = None,
                  starttls: bool = False, use_ssl: bool = False, user: str | None = None,
                  password: str | None = None, envelope_from: str | None = None,
                  echo: Callable[[str], object] = print, timeout: float = 60,
                  context: ssl.SSLContext | None = None) -> tuple[list[str], dict[str, str]]:
    """Send ``(unit, message)`` pairs over one SMTP connection; return (sent units, {unit: reason}).

    An error with one message is reported for its unit and the others continue; a connection or
    login failure (including a server certificate that cannot be verified) fails every message that
    could not be sent.  ``context`` defaults to :func:`tls_context`.
    """
    port = port or default_port(starttls, use_ssl)
    if context is None and (starttls or use_ssl):
        context = tls_context()
    sent: list[str] = []
    failed: dict[str, str] = {}
    smtp: smtplib.SMTP | None = None

    def connect() -> smtplib.SMTP:
        conn = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context) if use_ssl \
            else smtplib.SMTP(host, port, timeout=timeout)
        try:
            conn.ehlo_or_helo_if_needed()
            if starttls:
                conn.starttls(context=context)
                conn.ehlo()
            if user:
                _login(conn, user, password or "")
        except BaseException:
            conn.close()
            raise
        return conn

    def give_up(index: int, exc: BaseException) -> None:
        reason = _smtp_error(exc, host, port)
        echo(f"发送失败：{messages[index][0]}——{reason}")
        for other, _ in messages[index:]:
            failed[other] = reason
        if messages[index + 1:]:
            echo(f"其余 {len(messages) - index - 1} 封邮件未发送（同一原因）。")

    for index, (unit, msg) in enumerate(messages):
        for attempt in (1, 2):
            if smtp is None:
                try:
                    smtp = connect()
                except (smtplib.SMTPException, OSError) as exc:
                    # connection or login failure: nothing more can go out on this server
                    give_up(index, exc)
                    return sent, failed
            try:
                to_addrs = [a for key in ("To", "Cc") for a in _header_addresses(msg, key)]
                refused = smtp.send_message(msg, from_addr=envelope_from, to_addrs=to_addrs)
                sent.append(unit)
                echo(f"已发送：{unit}（{'、'.join(a for a in to_addrs if a not in refused)}）")
                if refused:
                    echo(f"  注意：邮件服务器拒收了{unit}的部分收件人：{'、'.join(refused)}，请核对电子邮箱。")
                break
            except smtplib.SMTPServerDisconnected as exc:
                smtp = None                           # the server hung up: reconnect once and retry
                if attempt == 2:
                    failed[unit] = _smtp_error(exc, host, port)
                    echo(f"发送失败：{unit}——{failed[unit]}")
            except (smtplib.SMTPException, OSError) as exc:
                failed[unit] = _smtp_error(exc, host, port)
                echo(f"发送失败：{unit}——{failed[unit]}")
                try:
                    smtp.rset()
                except (smtplib.SMTPException, OSError):
                    _quit(smtp)
                    smtp = None
                break
    _quit(smtp)
    return sent, failed


def _group_by_reason(failed: dict[str, str]) -> dict[str, list[str]]:
    """Units that failed for the same reason, together (one line per reason, not per unit)."""
    grouped: dict[str, list[str]] = {}
    for unit, reason in failed.items():
        grouped.setdefault(reason, []).append(unit)
    return grouped


def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
    """``SMTP.login``; non-ASCII credentials (which smtplib cannot encode) go as UTF-8 AUTH PLAIN."""
    if (user + password).isascii():
        conn.login(user, password)
        return
    if not conn.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("服务器不支持 AUTH 登录")
    token = base64.b64encode(f"\0{user}\0{password}".encode("utf-8")).decode("ascii")
    code, resp = conn.docmd("AUTH", "PLAIN " + token)
    if code == 334:                                   # server asked for the credentials separately
        code, resp = conn.docmd(token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, resp)


def _quit(smtp) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _header_addresses(msg: EmailMessage, key: str) -> list[str]:
    header = msg.get(key)
    if header is None:
        return []
    return [a.addr_spec for a in header.addresses]


# ---------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------

def run_mail(table, templates_dir, outbox, returned_dir=None, send=False, smtp_host=None, smtp_port=None,
             starttls=False, use_ssl=False, smtp_user=None, echo=print) -> MailResult:
    """Write (and with ``send`` also send) one message per unit workbook found in ``templates_dir``.

    Raises :class:`JieshuiError` (Chinese message) only when nothing could be done: no workbook, bad
    options, or, with ``send``, not a single message sent.
    """
    templates_dir, outbox = Path(templates_dir), Path(outbox)
    password = context = None
    if send:
        if not smtp_host:
            raise JieshuiError("发送邮件需要指定 SMTP 服务器：--smtp-host（如 smtp.example.gov.cn）。")
        if starttls and use_ssl:
            raise JieshuiError("--starttls 与 --ssl 只能选一个：端口 465 用 --ssl，端口 587 用 --starttls。")
        if smtp_user:
            password = os.environ.get(PASSWORD_ENV)
            if not password:
                raise JieshuiError(
                    f"已指定 SMTP 用户名“{smtp_user}”，但没有设置环境变量 {PASSWORD_ENV}。密码不能写在命令行或文件里，"
                    f"请先在命令行窗口执行 set {PASSWORD_ENV}=密码或授权码（Windows），或 "
                    f"export {PASSWORD_ENV}=…（Linux/macOS），再运行本命令。")
        context = tls_context() if starttls or use_ssl else None      # a bad CA file stops here
    if not templates_dir.is_dir():
        raise JieshuiError(f"找不到填报表文件夹“{templates_dir}”。请先运行 jieshui-xl templates --out "
                           f"{templates_dir} 生成填报表。")
    result = MailResult()
    workbooks = find_workbooks(table, templates_dir, result.ignored)
    for note in result.ignored:
        echo(f"提示：{note}。")
    if not workbooks:
        raise JieshuiError(f"文件夹“{templates_dir}”中没有找到{table.city}{table.year}年度的填报表。"
                           f"请先运行 jieshui-xl templates --year {table.year} --out {templates_dir} 生成填报表。")
    order = [u for u in table.reporting_units() if u in workbooks] + \
        [u for u in workbooks if u not in table.reporting_units()]
    result.without_workbook = [u for u in table.reporting_units() if u not in workbooks]

    reminders: dict[str, Reminder] | None = None
    if returned_dir is not None:
        returned_dir = Path(returned_dir)
        if not returned_dir.is_dir():
            raise JieshuiError(f"找不到回收文件夹“{returned_dir}”。催报需要指定存放各单位已报送文件的文件夹。")
        from .collect import collect

        collection = collect(table, returned_dir)
        reminders = reminders_for(table, collection)
        result.up_to_date = [u for u in order if u not in reminders]
        order = [u for u in order if u in reminders]
        if result.up_to_date:
            echo("已报送，不再催报：" + "、".join(result.up_to_date))
        if not order:
            echo("所有单位均已报送可用的填报表，无需催报。")
            return result

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

    messages: list[tuple[str, EmailMessage]] = []
    for unit in order:
        reminder = reminders.get(unit) if reminders is not None else None
        u = table.units[unit]
        to, bad_to = _addresses(u.emails)
        _, bad_cc = _addresses(u.cc_emails)
        if bad_to or bad_cc:
            result.bad_addresses[unit] = bad_to + bad_cc
        if not to:
            result.no_address.append(unit)
        msg = build_message(table, unit, workbooks[unit], reminder, sender=sender or None)
        result.written[unit] = write_eml(msg, outbox / eml_filename(table, unit, reminder))
        messages.append((unit, msg))

    kind = "催报邮件" if reminders is not None else "邮件"
    echo(f"已生成 {len(result.written)} 封{kind}（.eml），位于：{outbox.resolve()}")
    for unit, path in result.written.items():
        echo(f"  {path.name}")
    for unit, bad in result.bad_addresses.items():
        echo(f"提示：{unit}的电子邮箱“{'、'.join(bad)}”格式不正确，已忽略。请在任务分工表“单位”工作表中改正。")
    if result.no_address:
        echo("以下单位在任务分工表“单位”工作表中没有登记电子邮箱，邮件已生成但没有收件人"
             "（可在“电子邮箱”列补填后重新运行，或打开 .eml 后手工填写收件人）：" + "、".join(result.no_address))
    if result.without_workbook and reminders is None:
        echo("以下单位没有找到填报表，未生成邮件：" + "、".join(result.without_workbook))

    if not send:
        return result

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
    for reason, units in _group_by_reason(result.failed).items():
        echo(f"发送失败的单位：{'、'.join(units)}（{reason}）")
    if not result.sent:
        first = next(iter(result.failed.values()), "")
        raise JieshuiError(f"邮件一封也没有发出：{first}。.eml 文件已写入“{outbox}”，可修正后重试或手工发送。")
    return result
