"""SMTP: one connection for all messages, TLS that always verifies, errors in Chinese.

TLS (``--ssl`` / ``--starttls``) always verifies the server's certificate; a server whose certificate
comes from an internal CA is trusted by naming that CA's certificate in ``JIESHUI_SMTP_CAFILE``.
The password is read only from the environment variable ``JIESHUI_SMTP_PASSWORD``.
"""

from __future__ import annotations

import base64
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

from ..findings import JieshuiError

__all__ = ["CAFILE_ENV", "PASSWORD_ENV", "send_messages", "tls_context", "default_port", "group_by_reason"]

PASSWORD_ENV = "JIESHUI_SMTP_PASSWORD"
CAFILE_ENV = "JIESHUI_SMTP_CAFILE"         # extra trusted CA certificate (PEM), e.g. an internal CA


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
    known = _VERIFY_TEXT.get(code if isinstance(code, int) else -1)
    detail = known or getattr(exc, "verify_message", None) or exc.reason or str(exc)
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
    server = _Server(host, port, starttls, use_ssl, user, password, timeout, context)
    sent: list[str] = []
    failed: dict[str, str] = {}
    smtp: smtplib.SMTP | None = None
    for index, (unit, msg) in enumerate(messages):
        for attempt in (1, 2):
            if smtp is None:
                try:
                    smtp = server.connect()
                except (smtplib.SMTPException, OSError) as exc:
                    # connection or login failure: nothing more can go out on this server
                    _give_up(messages, index, server.error(exc), failed, echo)
                    return sent, failed
            try:
                to_addrs, refused = _send(smtp, msg, envelope_from)
                sent.append(unit)
                _echo_sent(echo, unit, to_addrs, refused)
                break
            except smtplib.SMTPServerDisconnected as exc:
                smtp = None                           # the server hung up: reconnect once and retry
                if attempt == 2:
                    failed[unit] = server.error(exc)
                    echo(f"发送失败：{unit}——{failed[unit]}")
            except (smtplib.SMTPException, OSError) as exc:
                failed[unit] = server.error(exc)
                echo(f"发送失败：{unit}——{failed[unit]}")
                smtp = _reset(smtp)
                break
    _quit(smtp)
    return sent, failed


@dataclass
class _Server:
    """Where and how :func:`send_messages` connects."""
    host: str
    port: int
    starttls: bool
    use_ssl: bool
    user: str | None
    password: str | None
    timeout: float
    context: ssl.SSLContext | None

    def connect(self) -> smtplib.SMTP:
        """A connection, encrypted and logged in as asked (closed again when a step fails)."""
        conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context) if self.use_ssl \
            else smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            conn.ehlo_or_helo_if_needed()
            if self.starttls:
                conn.starttls(context=self.context)
                conn.ehlo()
            if self.user:
                _login(conn, self.user, self.password or "")
        except BaseException:
            conn.close()
            raise
        return conn

    def error(self, exc: BaseException) -> str:
        return _smtp_error(exc, self.host, self.port)


def _send(smtp: smtplib.SMTP, msg: EmailMessage, envelope_from: str | None) -> tuple[list[str], dict]:
    """Send ``msg`` to its To and Cc addresses; (those addresses, the ones the server refused)."""
    to_addrs = [a for key in ("To", "Cc") for a in _header_addresses(msg, key)]
    return to_addrs, smtp.send_message(msg, from_addr=envelope_from, to_addrs=to_addrs)


def _echo_sent(echo: Callable[[str], object], unit: str, to_addrs: list[str], refused: dict) -> None:
    echo(f"已发送：{unit}（{'、'.join(a for a in to_addrs if a not in refused)}）")
    if refused:
        echo(f"  注意：邮件服务器拒收了{unit}的部分收件人：{'、'.join(refused)}，请核对电子邮箱。")


def _give_up(messages: list[tuple[str, EmailMessage]], index: int, reason: str, failed: dict[str, str],
             echo: Callable[[str], object]) -> None:
    """Message ``index`` and every one after it fail for ``reason`` (no connection to send them on)."""
    echo(f"发送失败：{messages[index][0]}——{reason}")
    for other, _ in messages[index:]:
        failed[other] = reason
    if messages[index + 1:]:
        echo(f"其余 {len(messages) - index - 1} 封邮件未发送（同一原因）。")


def _reset(smtp: smtplib.SMTP) -> smtplib.SMTP | None:
    """The connection after a failed message: reset for the next one, or None when it is unusable."""
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        _quit(smtp)
        return None
    return smtp


def group_by_reason(failed: dict[str, str]) -> dict[str, list[str]]:
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
