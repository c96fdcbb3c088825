"""Find every file under the returns folder; set aside Office lock files and hidden files."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..findings import JieshuiError

__all__ = ["Found", "discover", "is_skipped_name"]

LOCK_PREFIX = "~$"
SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}   # written by Windows Explorer, never data


@dataclass(frozen=True)
class Found:
    path: Path
    name: str          # relative to the folder, with "/" (a hidden folder ends with "/")
    skipped: bool = False


def is_skipped_name(name: str) -> bool:
    return name.startswith(LOCK_PREFIX) or name.startswith(".") or name.lower() in SYSTEM_FILES


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


def discover(folder: Path) -> list[Found]:
    """Every file under ``folder`` (recursively, in a stable order); hidden folders are not entered."""
    check_folder(folder)
    found: list[Found] = []
    for root, dirs, files in os.walk(folder):
        base = Path(root)
        for d in sorted(dirs):
            if _skipped(base / d):
                found.append(Found(base / d, (base / d).relative_to(folder).as_posix() + "/", skipped=True))
        dirs[:] = sorted(d for d in dirs if not _skipped(base / d))
        for f in sorted(files):
            path = base / f
            found.append(Found(path, path.relative_to(folder).as_posix(), skipped=_skipped(path)))
    return sorted(found, key=lambda x: x.name)
