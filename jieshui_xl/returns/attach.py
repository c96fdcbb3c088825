"""Evidence files (佐证材料) that come with the returns, read in a worker with the workbooks' bounds.

A file whose extension the task table lists as evidence (参数 ``evidence_file_types``) is described
— its name, size, sha256 and, for a PDF, its pages (:func:`~jieshui_xl.pdfpages.count_pages`) — never
parsed otherwise.  A ``.zip`` is opened as a :class:`~.container.Container` (member count, duplicate
names, each member's size and compression ratio checked first; the members together at most
``Limits.mail_bytes``), and each member of an evidence type is described; a member whose name would
leave a folder (absolute, ``..``, a drive, control characters) is refused, not read.  The attachments
of a saved e-mail are described the same way.  :func:`fetch` reads one such file again (the package
copies it) and checks it is the very bytes described.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path, PurePosixPath

from ..data import Received
from ..findings import Report
from ..pdfpages import count_pages
from .container import Container, Deadline
from .limits import Limits, ReadLimit
from .load import FileTooLarge, NotRegular, read_file

__all__ = ["DEFAULT_TYPES", "ZIP_SUFFIX", "evidence_suffixes", "describe", "read_zip", "unsafe_member", "fetch",
           "FetchError"]

ZIP_SUFFIX = ".zip"
DEFAULT_TYPES = "pdf jpg jpeg png tif tiff ofd doc docx wps zip"   # a table without evidence_file_types
TYPES_PARAM = "evidence_file_types"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def evidence_suffixes(params: dict) -> tuple[str, ...]:
    """The extensions (".pdf", ...) the task table accepts as evidence."""
    raw = params.get(TYPES_PARAM)
    words = re.split(r"[\s,，;；、]+", str(DEFAULT_TYPES if raw in (None, "") else raw).lower())
    return tuple(sorted({"." + w.lstrip(".") for w in words if w.strip(".")}))


def describe(name: str, base: str, path: str, data: bytes, origin: str = "folder", member: str = "") -> Received:
    pages = count_pages(data) if base.lower().endswith(".pdf") else None
    return Received(name=name, base=base, path=path, member=member, origin=origin, size=len(data),
                    digest=hashlib.sha256(data).hexdigest(), pages=pages)


def unsafe_member(name: str) -> str | None:
    """Why a zip member's name could point outside the folder it is unpacked in (None: it cannot)."""
    if _CONTROL.search(name):
        return "含控制字符"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "是绝对路径"
    if ".." in re.split(r"[\\/]", name):
        return "含“..”（指向上级文件夹）"
    return None


def read_zip(name: str, path: str, data: bytes, limits: Limits, suffixes: tuple[str, ...],
             report: Report) -> list[Received]:
    """The evidence members of a zip (``name``: its name in the folder, or in its e-mail)."""
    try:
        box = Container(data, limits)
    except ReadLimit as exc:
        report.add("evidence-zip-refused", file=name, detail=exc.detail)
        return []
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        report.add("evidence-zip-refused", file=name, detail=f"压缩包已损坏（{type(exc).__name__}）")
        return []
    out: list[Received] = []
    total, deadline = 0, Deadline(limits.seconds)
    try:
        for member in box.names():
            if member.endswith("/"):
                continue
            base = PurePosixPath(member.replace("\\", "/")).name
            if (why := unsafe_member(member)) is not None:
                report.add("evidence-name-unsafe", file=f"{name}/{member}"[:300], detail=why)
                continue
            if PurePosixPath(base).suffix.lower() not in suffixes or PurePosixPath(base).suffix.lower() == ZIP_SUFFIX:
                continue
            deadline.check()
            content = box.read(member)
            total += len(content)
            if len(content) > limits.member_bytes or total > limits.mail_bytes:
                raise ReadLimit(f"解压后超过 {limits.mail_bytes // 2**20} MB")
            out.append(describe(f"{name}/{member}", base, path, content, "zip", member))
    except ReadLimit as exc:
        report.add("evidence-zip-refused", file=name, detail=exc.detail)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        report.add("evidence-zip-refused", file=name, detail=f"压缩包已损坏（{type(exc).__name__}）")
    finally:
        box.close()
    return out


class FetchError(Exception):
    """The file could not be read again, or is no longer the file described (Chinese detail)."""


def fetch(received: Received, limits: Limits, suffixes: tuple[str, ...]) -> bytes:
    """The bytes of an evidence file described earlier, read again within the same bounds."""
    try:
        data = read_file(Path(received.path), limits.mail_bytes)
    except (OSError, FileTooLarge, NotRegular) as exc:
        raise FetchError(f"无法再次读取（{type(exc).__name__}）") from None
    if received.origin == "zip":
        box = Container(data, limits)
        try:
            data = box.read(received.member)
        finally:
            box.close()
    elif received.origin == "eml":
        from ..eml import attachments

        found = dict(attachments(data, limits.members, suffixes))
        if received.member not in found:
            raise FetchError("邮件中已找不到该附件")
        data = found[received.member]
    if hashlib.sha256(data).hexdigest() != received.digest:
        raise FetchError("文件在汇总后被改动过")
    return data
