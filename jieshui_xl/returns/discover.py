"""Find every file under the returns folder; set aside Office lock files and hidden files.

The returns folder is the boundary: a link (file or folder) pointing outside it is not followed,
nor a dangling or looping link; only regular files are offered for reading (a FIFO, socket or
device is never opened).  Each entry set aside for such a reason carries the finding code that
says why (:attr:`Found.code`).  File names that are not valid UTF-8 (surrogate-escaped bytes on
Linux, e.g. GBK names from a Windows zip tool) are shown decoded as GB18030 where they are that,
else with ``\\xNN`` escapes, so no name ever fails to print.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..findings import JieshuiError

__all__ = ["Found", "discover", "is_skipped_name", "display_name"]

LOCK_PREFIX = "~$"
SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}   # written by Windows Explorer, never data
SKIPPED = "file-skipped"


@dataclass(frozen=True)
class Found:
    path: Path
    name: str          # relative to the folder, with "/" (a hidden folder ends with "/"); always printable
    skipped: bool = False
    code: str = ""     # finding code when set aside ("file-skipped", "file-link-outside", ...)
    detail: str = ""   # for the finding's message (where a link points, what kind of file)


def is_skipped_name(name: str) -> bool:
    return name.startswith(LOCK_PREFIX) or name.startswith(".") or name.lower() in SYSTEM_FILES


def display_name(name: str) -> str:
    """A printable form of a file name: surrogate escapes decoded as GB18030 or shown as ``\\xNN``."""
    if not any("\udc80" <= ch <= "\udcff" for ch in name):
        return name
    raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _hidden_attribute(path: Path) -> bool:
    """Windows' hidden attribute (elsewhere there is none)."""
    try:
        attrs = getattr(os.stat(path, follow_symlinks=False), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attrs & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _skipped(path: Path) -> bool:
    return is_skipped_name(path.name) or _hidden_attribute(path)


def check_folder(folder: Path) -> None:
    if not folder.exists():
        raise JieshuiError(f"找不到回收文件夹“{folder}”。请检查路径是否正确（可把文件夹拖入命令行窗口以填入完整路径）。")
    if not folder.is_dir():
        raise JieshuiError(f"“{folder}”不是文件夹。请指定存放回收填报表的文件夹，而不是其中的某个文件。")


_KINDS = ((stat.S_ISFIFO, "命名管道"), (stat.S_ISSOCK, "套接字"), (stat.S_ISCHR, "设备"), (stat.S_ISBLK, "设备"))


def _kind(mode: int) -> str:
    return next((text for test, text in _KINDS if test(mode)), "特殊文件")


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Walk:
    """One walk of the returns folder (``root`` resolved once: the boundary)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.root = os.path.realpath(folder)
        self.found: list[Found] = []

    def add(self, path: Path, rel: str, code: str = "", detail: str = "") -> None:
        self.found.append(Found(path, display_name(rel), skipped=bool(code), code=code, detail=detail))

    def walk(self, base: Path, rel: str, ancestors: frozenset[str]) -> None:
        try:
            entries = sorted(os.scandir(base), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            self.entry(Path(entry.path), rel + entry.name, ancestors)

    def entry(self, path: Path, rel: str, ancestors: frozenset[str]) -> None:
        try:
            st = os.lstat(path)
        except OSError:
            return
        if stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode) and os.path.isdir(path):
            return self.folder_entry(path, rel, ancestors, stat.S_ISLNK(st.st_mode))
        if _skipped(path):
            return self.add(path, rel, SKIPPED)
        if stat.S_ISLNK(st.st_mode):
            return self.link(path, rel)
        if not stat.S_ISREG(st.st_mode):
            return self.add(path, rel, "file-not-regular", _kind(st.st_mode))
        self.add(path, rel)

    def folder_entry(self, path: Path, rel: str, ancestors: frozenset[str], is_link: bool) -> None:
        if _skipped(path):
            return self.add(path, rel + "/", SKIPPED)
        real = os.path.realpath(path)
        if is_link and not _within(real, self.root):
            return self.add(path, rel + "/", "file-link-outside", display_name(real))
        if real in ancestors:
            return self.add(path, rel + "/", "file-link-loop")
        self.walk(path, rel + "/", ancestors | {real})

    def link(self, path: Path, rel: str) -> None:
        """A link to a file: read only when it points to a regular file inside the folder."""
        real = os.path.realpath(path)
        try:
            st = os.stat(path)
        except OSError as exc:
            code = "file-link-loop" if exc.errno == errno.ELOOP else "file-link-broken"
            return self.add(path, rel, code, display_name(os.readlink(path)))
        if not _within(real, self.root):
            return self.add(path, rel, "file-link-outside", display_name(real))
        if not stat.S_ISREG(st.st_mode):
            return self.add(path, rel, "file-not-regular", _kind(st.st_mode))
        self.add(path, rel)


def discover(folder: Path) -> list[Found]:
    """Every file under ``folder`` (recursively, in a stable order); hidden folders are not entered."""
    check_folder(folder)
    run = _Walk(Path(folder))
    run.walk(Path(folder), "", frozenset({run.root}))
    return sorted(run.found, key=lambda x: x.name)
