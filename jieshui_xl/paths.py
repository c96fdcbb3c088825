"""Output paths: inputs are never written, and names built from data stay inside their folder.

:func:`refuse_outputs_over_inputs` is called by the command line before anything is read: an
output (file or folder) that lies inside the returns folder, or is an input file, is refused with a
Chinese message.  :func:`safe_name` / :func:`safe_filename` clean any text that comes from data (a
city, a unit, an attachment name) into one file-name component, and :func:`inside` checks the joined
path once more.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from .findings import JieshuiError

__all__ = ["safe_name", "safe_filename", "inside", "within", "refuse_outputs_over_inputs", "DEFAULT_STEM"]

DEFAULT_STEM = "附件"
_RESERVED_CHARS = set('<>:"/\\|?*')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$",
                    *(f"COM{i}" for i in "0123456789¹²³"), *(f"LPT{i}" for i in "0123456789¹²³")}
MAX_STEM_BYTES = 180     # file systems allow 255 bytes; leave room for " (99)" and the extension
MAX_TEXT_CHARS = 4 * MAX_STEM_BYTES   # more than any stem keeps: longer text is cut before it is cleaned
MAX_SUFFIX_CHARS = 16


def _clean(text: str) -> str:
    """NFC, no reserved or control characters, undecodable bytes (surrogate escapes) shown as ``%FF``."""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace").replace("\\x", "%")
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch not in _RESERVED_CHARS and unicodedata.category(ch)[0] != "C").strip()


def safe_name(text: str | None, default: str = DEFAULT_STEM) -> str:
    """One file-name component made from data (no suffix handling; a "/" or "\\" becomes "_"): never empty, never hidden,
    never ``..``, no reserved Windows device name, at most :data:`MAX_STEM_BYTES` bytes."""
    stem = re.sub(r"\.{2,}", ".", _clean(re.sub(r"[\\/]", "_", (text or "")[:MAX_TEXT_CHARS])))
    stem = stem.lstrip("~$. ").rstrip(". ")                        # not hidden, not an Office lock file
    stem = stem.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore")   # whole characters only
    stem = stem.rstrip(". ") or default
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    return stem


def safe_filename(name: str | None, default_suffix: str = "") -> str:
    """A file name that stays inside any folder it is joined to; the extension kept (lower case)."""
    name = re.split(r"[\\/]", name or "")[-1]                  # base name: drop any folder part
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > MAX_SUFFIX_CHARS:
        stem, suffix = name, ""
    stem, suffix = _clean(stem[:MAX_TEXT_CHARS]), _clean(suffix)
    suffix = re.sub(r"[^0-9A-Za-z]", "", suffix).lower()
    return safe_name(stem) + ("." + suffix if suffix else default_suffix.lower())


def inside(folder: Path, *parts: str) -> Path:
    """``folder / parts``, refused (JieshuiError) unless it resolves inside ``folder``."""
    path = Path(folder).joinpath(*parts)
    root = Path(folder).resolve()
    if not within(path.resolve(), root) or path.resolve() == root:
        raise JieshuiError(f"输出文件名“{'/'.join(parts)}”指向输出文件夹“{folder}”以外的位置，已拒绝写入。")
    return path


def within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_outputs_over_inputs(outputs: Iterable[str | Path | None], inputs: Iterable[str | Path | None] = (),
                               returns: str | Path | None = None) -> None:
    """Raise :class:`JieshuiError` when an output lies inside the returns folder or is an input."""
    root = Path(returns).resolve() if returns is not None else None
    ins = [Path(p) for p in inputs if p is not None]
    for out in (Path(p) for p in outputs if p is not None):
        resolved = out.resolve()
        if root is not None and within(resolved, root):
            raise JieshuiError(f"输出位置“{out}”位于回收文件夹“{returns}”之内，会改动各单位发回的文件，已拒绝。"
                               f"请把输出（--out/--json 等）放到回收文件夹以外，例如它的上一级文件夹。")
        for src in ins:
            if resolved == src.resolve() or _same(out, src):
                raise JieshuiError(f"输出位置“{out}”就是输入文件“{src}”，写入会覆盖它，已拒绝。请换一个输出文件名。")
