"""Workbooks attached to saved e-mails (``.eml``): the returns often arrive as whole messages.

:func:`workbook_attachments` parses a saved message and returns the attached workbooks with *safe*
file names: a bare base name (no folder part, no ``..``, no control or reserved characters, not
hidden, not an Office lock-file name), never empty, unique within the message.  A name taken from a
message can therefore never point outside the folder it is written to; :func:`extract_workbooks`
checks that once more on the resolved path before it writes.
"""

from __future__ import annotations

import re
import unicodedata
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

from .findings import JieshuiError
from .outputs import write_bytes

__all__ = ["WORKBOOK_EXTENSIONS", "workbook_attachments", "extract_workbooks", "safe_filename"]

WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")

# Used only when a workbook part carries no file name at all.
_MIME_EXTENSIONS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}

DEFAULT_STEM = "附件"
_RESERVED_CHARS = set('<>:"/\\|?*')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_MAX_STEM_BYTES = 180     # file systems allow 255 bytes; leave room for " (99)" and the extension


def _decode_name(name: str) -> str:
    """Decode what header parsing leaves behind: encoded words and raw 8-bit (GBK / UTF-8) bytes."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):          # undecodable bytes (surrogateescape)
        raw = name.encode("utf-8", "surrogateescape")
        for charset in ("utf-8", "gb18030"):
            try:
                name = raw.decode(charset)
                break
            except UnicodeDecodeError:
                continue
        else:
            name = raw.decode("utf-8", "replace")
    if "=?" in name and "?=" in name:
        try:
            name = str(make_header(decode_header(name)))
        except (LookupError, ValueError, UnicodeDecodeError):
            pass
    return name


def safe_filename(name: str | None, default_suffix: str = "") -> str:
    """A file name that stays inside any folder it is joined to (base name, no reserved characters)."""
    name = unicodedata.normalize("NFC", _decode_name(name or ""))
    name = re.split(r"[\\/]", name)[-1]                            # base name: drop any folder part
    name = "".join(ch for ch in name
                   if ch not in _RESERVED_CHARS and unicodedata.category(ch)[0] != "C")
    name = name.strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = re.sub(r"[^0-9A-Za-z]", "", suffix).lower()
    suffix = "." + suffix if suffix else default_suffix.lower()
    stem = re.sub(r"\.{2,}", ".", stem)                            # never a ".." anywhere
    stem = stem.lstrip("~$. ").rstrip(". ")                        # not hidden, not an Office lock file
    while len(stem.encode("utf-8")) > _MAX_STEM_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(". ")
    if not stem:
        stem = DEFAULT_STEM
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    return stem + suffix


def _unique(name: str, taken: set[str]) -> str:
    stem, suffix = (name[: -len(Path(name).suffix)], Path(name).suffix) if Path(name).suffix else (name, "")
    candidate, n = name, 1
    while candidate.casefold() in taken:                             # case-insensitive, as on Windows
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.casefold())
    return candidate


def _read_message(eml_path: str | Path) -> Message:
    path = Path(eml_path)
    try:
        with path.open("rb") as fh:
            return BytesParser(policy=policy.default).parse(fh)
    except OSError as exc:
        raise JieshuiError(f"无法读取邮件文件“{path}”：{exc.strerror or exc}。") from None


def workbook_attachments(eml_path: str | Path) -> list[tuple[str, bytes]]:
    """The workbooks attached to a saved message, as (safe file name, bytes), in message order.

    Attachments of attached (forwarded) messages are included.  A workbook is recognised by the
    extension of its file name (.xlsx .xlsm .xls .ods, in any case); a part without any file name is
    taken when its content type is a spreadsheet type.
    """
    msg = _read_message(eml_path)
    out: list[tuple[str, bytes]] = []
    taken: set[str] = set()
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        try:
            raw_name = part.get_filename()
        except (ValueError, LookupError, UnicodeError):
            raw_name = None
        if raw_name:
            name = safe_filename(raw_name)
        else:
            suffix = _MIME_EXTENSIONS.get(part.get_content_type())
            if suffix is None:
                continue
            name = safe_filename(None, suffix)
        if Path(name).suffix.lower() not in WORKBOOK_EXTENSIONS:
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
