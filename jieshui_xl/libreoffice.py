"""LibreOffice headless: convert workbooks (to PDF, to xlsx) with full recalculation on load.

A private user profile is created per call with ``OOXMLRecalcMode``/``ODFRecalcMode`` set to 0
("always recalculate"), so formulas are recomputed by LibreOffice rather than read from cache.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .findings import JieshuiError

__all__ = ["LibreOfficeMissing", "soffice_path", "convert", "convert_many", "available"]

_CANDIDATES = ("soffice", "libreoffice",
               r"C:\Program Files\LibreOffice\program\soffice.exe",
               r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
               "/Applications/LibreOffice.app/Contents/MacOS/soffice")

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeMissing(JieshuiError):
    def __init__(self):
        super().__init__("本机未安装 LibreOffice，无法转换或打印。请从 https://zh-cn.libreoffice.org 下载安装后重试"
                         "（或用 Excel/WPS 打开评分表后直接打印）。")


def soffice_path() -> str | None:
    env = os.environ.get("JIESHUI_SOFFICE")
    if env and Path(env).exists():
        return env
    for name in _CANDIDATES:
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found:
            return found
    return None


def available() -> bool:
    return soffice_path() is not None


def convert(src: str | Path, fmt: str, out_dir: str | Path, timeout: int = 180) -> Path:
    """Convert ``src`` with LibreOffice to ``fmt`` (e.g. "pdf", "xlsx") in ``out_dir``; return the file.

    Formulas are fully recalculated on load.  Raises :class:`LibreOfficeMissing` or
    :class:`JieshuiError` (conversion failed) with a Chinese message.
    """
    return convert_many([src], fmt, out_dir, timeout)[0]


def _guest_env(profile: Path) -> dict[str, str]:
    """LibreOffice's environment: HOME, XDG folders and TMPDIR inside its private profile folder."""
    env = dict(os.environ)
    for key, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
                     ("XDG_DATA_HOME", "data"), ("XDG_RUNTIME_DIR", "runtime"), ("TMPDIR", "tmp"),
                     ("TMP", "tmp"), ("TEMP", "tmp")):
        folder = profile / sub
        folder.mkdir(mode=0o700, exist_ok=True)
        env[key] = str(folder)
    return env


def _end_group(proc: subprocess.Popen) -> None:
    """End LibreOffice and every process it started (its own process group / session)."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
    else:
        import signal

        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)       # helpers (oosplash's children) left in the group
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _run(cmd: list[str], profile: Path, timeout: int) -> int | None:
    """Run LibreOffice as a guest; its whole process group ends with the call.  None on timeout."""
    kw: dict[str, Any]
    if sys.platform == "win32":
        kw = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    else:
        kw = {"start_new_session": True}
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=_guest_env(profile), cwd=profile, **kw)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    finally:
        _end_group(proc)


def _names(sources: list[Path]) -> str:
    return "、".join(f"“{s.name}”" for s in sources)


def convert_many(sources, fmt: str, out_dir: str | Path, timeout: int = 600) -> list[Path]:
    """Convert several files in one LibreOffice start (much faster than one call per file)."""
    soffice = soffice_path()
    if soffice is None:
        raise LibreOfficeMissing()
    sources = [Path(s).resolve() for s in sources]
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jieshui-lo-") as tmp:
        profile = Path(tmp)
        user = profile / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nologo", "--nolockcheck", "--convert-to", fmt, "--outdir", str(out_dir), *map(str, sources)]
        code = _run(cmd, profile, timeout)
    if code is None:
        raise JieshuiError(f"转换{_names(sources)}超时（{timeout} 秒），文件可能过大或已损坏。请用 Excel/WPS 打开并另存后重试。")
    targets = [out_dir / (s.stem + "." + fmt.split(":")[0]) for s in sources]
    failed = [s for s, t in zip(sources, targets) if code != 0 or not t.exists()]
    if failed:
        raise JieshuiError(f"无法转换{_names(failed)}：文件可能已损坏、加密或不是表格文件。"
                           f"请用 Excel/WPS 打开确认后另存为 .xlsx 再试。")
    return targets
