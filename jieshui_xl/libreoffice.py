"""LibreOffice headless: convert workbooks (to PDF, to xlsx) with full recalculation on load.

A private user profile is created per call with ``OOXMLRecalcMode``/``ODFRecalcMode`` set to 0
("always recalculate"), so formulas are recomputed by LibreOffice rather than read from cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .findings import JieshuiError

__all__ = ["LibreOfficeMissing", "soffice_path", "convert", "convert_many", "available"]

_CANDIDATES = ("soffice", "libreoffice",
               r"C:\Program Files\LibreOffice\program\soffice.exe",
               r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
               "/Applications/LibreOffice.app/Contents/MacOS/soffice")

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
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


def convert_many(sources, fmt: str, out_dir: str | Path, timeout: int = 600) -> list[Path]:
    """Convert several files in one LibreOffice start (much faster than one call per file)."""
    soffice = soffice_path()
    if soffice is None:
        raise LibreOfficeMissing()
    sources = [Path(s).resolve() for s in sources]
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jieshui-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--nologo", "--convert-to", fmt, "--outdir", str(out_dir), *map(str, sources)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            names = "、".join(s.name for s in sources)
            raise JieshuiError(f"LibreOffice 转换“{names}”超时（{timeout} 秒）。请关闭其他 LibreOffice 窗口后重试。") from None
    targets = [out_dir / (s.stem + "." + fmt.split(":")[0]) for s in sources]
    for src, target in zip(sources, targets):
        if proc.returncode != 0 or not target.exists():
            raise JieshuiError(f"LibreOffice 未能转换“{src.name}”：{(proc.stderr or proc.stdout).strip()[:300]}")
    return targets
