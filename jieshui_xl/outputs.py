"""Writing outputs atomically: a crash or a full disk never leaves half a workbook behind.

The new content is written to a temporary file beside the target (``.~jieshui-tmp-*``) and moved
over the target in one step.  A run killed half-way (SIGKILL, power cut) leaves that temporary file;
the next write into the same folder recognises it by its name and removes it once it is older than
:data:`STALE_SECONDS` (a younger one may belong to a run still going).  Every ``OSError`` on output
becomes a :class:`JieshuiError` with a Chinese message naming the path and what to do; the previous
output is then left exactly as it was.  Files are created with the mode the umask gives (not 0600).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import re
import secrets
import sys
import time
import traceback
from pathlib import Path
from typing import Iterator

from .findings import JieshuiError

__all__ = ["atomic_path", "write_json", "write_bytes", "output_error", "name_outputs", "clean_stale", "TEMP_PREFIX"]

TEMP_PREFIX = ".~jieshui-tmp-"
STALE_SECONDS = 600
# ours, and the mkstemp names of versions before 0.2 (".~tmp-" + 8 random characters)
_TEMP_NAME = re.compile(r"^(?:\.~jieshui-tmp-[0-9a-f]{16}(?:\.[A-Za-z0-9]{1,8})?|\.~tmp-[a-z0-9_]{8}\.[A-Za-z0-9]{1,8})$")


def clean_stale(folder: Path, now: float | None = None) -> list[Path]:
    """Remove temporary files an interrupted run left in ``folder``; return what was removed."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc`` (xlsxwriter wraps it in its own FileCreateError)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, OSError):
            return current
        inner = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = inner or current.__cause__ or current.__context__
        seen += 1
    return None


_OPTIONS: dict[Path, str] = {}     # an output given on the command line -> its option ("--json")


def name_outputs(options: dict[str, str | Path | None]) -> None:
    """Remember which command-line option gave which output path (option -> path), so that a failed
    write names the option at fault."""
    for option, path in options.items():
        if path:
            _OPTIONS[Path(path).absolute()] = option


def _option_for(path: str | Path) -> str:
    target = Path(path).absolute()
    for candidate in (target, *target.parents):
        if candidate in _OPTIONS:
            return _OPTIONS[candidate]
    return "输出位置"


def output_error(path: str | Path, exc: OSError) -> JieshuiError:
    """A Chinese message for a failed write of ``path``: what happened, and what to do with which option."""
    where, option = f"无法写入“{path}”", _option_for(path)
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        return JieshuiError(f"{where}：磁盘空间不足。请清理磁盘或换一个位置（{option}）后重试；原有文件未改动。")
    if exc.errno == errno.EROFS:
        return JieshuiError(f"{where}：该位置只读。请换一个可写的位置（{option}）后重试。")
    if isinstance(exc, IsADirectoryError):
        return JieshuiError(f"{where}：已有同名文件夹。请换一个文件名，或移走该文件夹后重试。")
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return JieshuiError(f"{where}：路径中的某一级是文件而不是文件夹。请换一个输出位置后重试。")
    if isinstance(exc, PermissionError):
        return JieshuiError(f"{where}：文件被占用或没有写入权限。如该文件正在 Excel/WPS 中打开，请先关闭它再重试；"
                            f"否则请换一个有写入权限的位置（{option}）。原有文件未改动。")
    return JieshuiError(f"{where}：{exc.strerror or type(exc).__name__}。请检查该位置后重试；原有文件未改动。")


def _create_temp(parent: Path, suffix: str) -> Path:
    """A new empty file beside the target, with the mode the umask gives."""
    for _ in range(10):
        tmp = parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}{suffix}"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666))
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "temporary name taken", str(parent))


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one step.

    Raises :class:`JieshuiError` (Chinese message) for any OSError while writing or replacing.
    """
    target = Path(target)
    tmp: Path | None = None
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(target.parent)
        tmp = _create_temp(target.parent, re.sub(r"[^.A-Za-z0-9]", "", target.suffix)[:9])
        yield tmp
        os.replace(tmp, target)
    except JieshuiError:
        raise
    except Exception as exc:        # noqa: BLE001 - only OSErrors are turned into messages
        os_exc = _os_error(exc)
        if os_exc is None:
            raise
        _drop_writer(exc)
        raise output_error(target, os_exc) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _drop_writer(exc: BaseException | None) -> None:
    """Free what the failed writer left open (XlsxWriter's zip file) now, quietly: on a full disk its
    finaliser would try to write again and print a traceback after the Chinese message."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _info: None
    try:
        seen: set[int] = set()
        while exc is not None and id(exc) not in seen:       # the error and those it wraps
            seen.add(id(exc))
            traceback.clear_frames(exc.__traceback__)
            exc = exc.__context__ or exc.__cause__
        gc.collect()
    finally:
        sys.unraisablehook = hook


def write_bytes(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_json(target: str | Path, data) -> Path:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return write_bytes(target, (text + "\n").encode("utf-8"))
