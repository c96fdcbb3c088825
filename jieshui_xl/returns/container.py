"""A zip container (.xlsx, .xlsm, .ods, .xlsb) opened within the reader's bounds.

Before any member is read: the number of members, duplicate member names (two members of one name
let two programs read two different workbooks from one file), and each member's declared size and
compression ratio are checked.  Members are then streamed, never decompressed whole into memory;
:mod:`zipfile` itself stops a member at its declared size.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections import Counter
from typing import IO

from .limits import Limits, ReadLimit

__all__ = ["Container", "Deadline"]


class Deadline:
    """Seconds left for one file; :meth:`check` raises :class:`ReadLimit` once they are spent."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise ReadLimit(f"读取超过 {self.seconds:g} 秒仍未完成（文件内容异常庞大或结构异常）")


class Container:
    """The members of one zip file, checked against ``limits`` when opened."""

    def __init__(self, data: bytes, limits: Limits):
        self.limits = limits
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        infos = self.zip.infolist()
        if len(infos) > limits.members:
            raise ReadLimit(f"压缩包内有 {len(infos)} 个部件，超过上限 {limits.members}")
        dupes = [name for name, n in Counter(i.filename for i in infos).items() if n > 1]
        if dupes:
            raise ReadLimit(f"压缩包内有同名部件“{dupes[0]}”（同一文件可被不同程序读出不同内容）")
        self.infos = {i.filename: i for i in infos}
        self.lower = {name.lower(): name for name in self.infos}

    def names(self) -> list[str]:
        return list(self.infos)

    def find(self, name: str) -> str | None:
        """The member's actual name (zip names are case-sensitive, Office's part names are not)."""
        name = name.lstrip("/")
        return name if name in self.infos else self.lower.get(name.lower())

    def open(self, name: str) -> IO[bytes]:
        info = self.infos[self.find(name) or name]
        if info.file_size > self.limits.member_bytes:
            raise ReadLimit(f"部件“{info.filename}”解压后有 {info.file_size} 字节，超过上限 {self.limits.member_bytes}")
        if info.compress_size and info.file_size / info.compress_size > self.limits.member_ratio:
            raise ReadLimit(f"部件“{info.filename}”的压缩比异常（{info.file_size // info.compress_size}:1，"
                            f"疑似“压缩炸弹”）")
        return self.zip.open(info)

    def read(self, name: str) -> bytes:
        with self.open(name) as fh:
            return fh.read(self.limits.member_bytes + 1)

    def close(self) -> None:
        self.zip.close()
