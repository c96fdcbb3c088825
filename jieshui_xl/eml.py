"""Workbooks attached to saved e-mails (``.eml``): the returns often arrive as whole messages.

:func:`workbook_attachments` parses a saved message and returns the attached workbooks with *safe*
file names: a bare base name (no folder part, no ``..``, no control or reserved characters, not
hidden, not an Office lock-file name), never empty, unique within the message.  A name taken from a
message can therefore never point outside the folder it is written to; :func:`extract_workbooks`
checks that once more on the resolved path before it writes.
"""

from __future__ import annotations

import re
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

from .findings import JieshuiError
from .outputs import write_bytes
from .paths import safe_filename as _safe_filename

__all__ = ["WORKBOOK_EXTENSIONS", "MailTooComplex", "attachments", "workbook_attachments", "extract_workbooks",
           "safe_filename"]

WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")

# Used only when a workbook part carries no file name at all.
_MIME_EXTENSIONS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}

_CHINESE_CHARSETS = ("utf-8", "gb18030")      # GBK is a subset of GB18030; Big5 mail is rare here
MAX_HEADER_CHARS = 16_384   # one header of one part; the standard library decodes long ones in quadratic time
MAX_PARTS = 2000


class MailTooComplex(Exception):
    """A message beyond the bounds (parts, header length): the message says which (Chinese)."""


def _decode_bytes(raw: bytes) -> str:
    for charset in _CHINESE_CHARSETS:
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def _decode_name(name: str) -> str:
    """Decode what header parsing leaves behind: encoded words (RFC 2047, also inside an RFC 2231
    value, as some Chinese mail clients write them) and raw 8-bit GBK/GB18030/UTF-8 bytes."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):          # undecodable bytes (surrogateescape)
        name = _decode_bytes(name.encode("utf-8", "surrogateescape"))
    if "=?" in name and "?=" in name:
        try:
            parts = decode_header(name)
            name = "".join(_decode_part(text, charset) for text, charset in parts)
        except (LookupError, ValueError, UnicodeDecodeError):
            pass
    return name


def _decode_part(text, charset: str | None) -> str:
    if isinstance(text, str):
        return text
    if charset and charset.lower() in ("gb2312", "gbk", "x-gbk", "cp936"):
        charset = "gb18030"                # clients label GBK text as gb2312
    try:
        return text.decode(charset or "ascii")
    except (LookupError, UnicodeDecodeError):
        return _decode_bytes(text)


_RAW_PARAM = re.compile(r'(?:file)?name\s*=\s*"?([^";]*)"?', re.IGNORECASE)


def _raw_filename(part: Message) -> str | None:
    """The name as raw 8-bit bytes in the header (surrogate-escaped): parsing would garble it."""
    for key in ("Content-Disposition", "Content-Type"):
        for k, v in part.raw_items():
            if k.lower() == key.lower() and (m := _RAW_PARAM.search(str(v))):
                return m.group(1)
    return None


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, LookupError, UnicodeError):
        name = None
    if name is None or "\ufffd" in name:
        name = _raw_filename(part) or name
    return name


def safe_filename(name: str | None, default_suffix: str = "") -> str:
    """A file name that stays inside any folder it is joined to (base name, no reserved characters)."""
    return _safe_filename(_decode_name(name or ""), default_suffix)


def _unique(name: str, taken: set[str]) -> str:
    stem, suffix = (name[: -len(Path(name).suffix)], Path(name).suffix) if Path(name).suffix else (name, "")
    candidate, n = name, 1
    while candidate.casefold() in taken:                             # case-insensitive, as on Windows
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.casefold())
    return candidate


def _read_message(eml_path: str | Path | bytes) -> Message:
    if isinstance(eml_path, bytes):                    # already read (within the reader's bounds)
        return BytesParser(policy=policy.default).parsebytes(eml_path)
    path = Path(eml_path)
    try:
        with path.open("rb") as fh:
            return BytesParser(policy=policy.default).parse(fh)
    except OSError as exc:
        raise JieshuiError(f"无法读取邮件文件“{path}”：{exc.strerror or exc}。") from None


def _check_part(part: Message, n: int, max_parts: int) -> None:
    """Bounds before a part's headers are decoded: the number of parts, each raw header's length."""
    if n > max_parts:
        raise MailTooComplex(f"邮件有超过 {max_parts} 个部分")
    for name, value in part.raw_items():
        if len(str(value)) > MAX_HEADER_CHARS:
            raise MailTooComplex(f"邮件头“{name}”异常长（{len(str(value))} 个字符）")


def workbook_attachments(eml_path: str | Path | bytes, max_parts: int = MAX_PARTS) -> list[tuple[str, bytes]]:
    """The workbooks attached to a saved message (a path, or the message's bytes), as (safe file name,
    bytes), in message order.  Raises :class:`MailTooComplex` beyond ``max_parts`` parts or a header
    longer than :data:`MAX_HEADER_CHARS`.

    Attachments of attached (forwarded) messages are included.  A workbook is recognised by the
    extension of its file name (.xlsx .xlsm .xls .ods, in any case); a part without any file name is
    taken when its content type is a spreadsheet type.
    """
    return attachments(eml_path, max_parts)


def attachments(eml_path: str | Path | bytes, max_parts: int = MAX_PARTS,
                suffixes: tuple[str, ...] = WORKBOOK_EXTENSIONS) -> list[tuple[str, bytes]]:
    """The attachments whose file name ends in one of ``suffixes`` (lower case, with the dot), as
    :func:`workbook_attachments` gives the workbooks: the same safe, unique names for the same
    message and suffixes."""
    msg = _read_message(eml_path)
    out: list[tuple[str, bytes]] = []
    taken: set[str] = set()
    for n, part in enumerate(msg.walk(), start=1):
        _check_part(part, n, max_parts)
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        raw_name = _filename(part)
        if raw_name:
            name = safe_filename(raw_name)
        else:
            suffix = _MIME_EXTENSIONS.get(part.get_content_type())
            if suffix is None:
                continue
            name = safe_filename(None, suffix)
        if Path(name).suffix.lower() not in suffixes:
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        out.append((_unique(name, taken), data))
    return out


def extract_workbooks(eml_path: str | Path, dest_dir: str | Path) -> list[Path]:
    """Write the workbooks attached to ``eml_path`` into ``dest_dir``; return the files.

    A file already in ``dest_dir`` under the same name is kept: an identical one is reused, a
    different one makes the new file take a numbered name ("名称 (2).xlsx").
    """
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    taken = {p.name.casefold() for p in dest.iterdir()}
    written: list[Path] = []
    for name, data in workbook_attachments(eml_path):
        target = dest / name
        if target.exists() and target.is_file() and target.read_bytes() == data:
            written.append(target)
            continue
        name = _unique(name, taken)
        target = dest / name
        resolved = target.resolve()
        if resolved.parent != root:
            raise JieshuiError(f"邮件“{Path(eml_path).name}”的附件名“{name}”指向文件夹以外的位置，已拒绝写入。")
        write_bytes(target, data)
        written.append(target)
    return written
