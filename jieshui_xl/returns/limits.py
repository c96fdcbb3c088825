"""How much of a returned file the reader will look at: bytes, zip members, cells, seconds.

A returned workbook comes from outside and is hostile until read.  Every bound has a default here
(a filled collection workbook is some 30–100 KB, some 600 cells) and may be set per office in the
task table's 参数 sheet under the code given in :data:`PARAMETERS`.  A file beyond a bound is a
finding naming the file; the run goes on with the other files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from ..findings import Report, TaskTableError

__all__ = ["Limits", "ReadLimit", "PARAMETERS"]


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 20 * 2**20          # a returned file (or e-mail) on disk
    member_bytes: int = 64 * 2**20        # one zip member, uncompressed
    member_ratio: int = 200               # uncompressed / compressed size of one zip member
    members: int = 2000                   # members in one zip container
    cells: int = 500_000                  # cell elements scanned in one workbook
    name_cells: int = 10_000              # cells one defined name may cover
    seconds: float = 30.0                 # reading one workbook
    mail_bytes: int = 200 * 2**20         # a saved e-mail (.eml) on disk; each workbook in it: file_bytes
    memory_bytes: int = 1024 * 2**20      # address space of the worker that parses a file (POSIX)

    @classmethod
    def from_params(cls, params: dict) -> "Limits":
        """Defaults, overridden by the task table's 参数 where an office set another value."""
        values, report = {}, Report()
        for f in fields(cls):
            code, scale = PARAMETERS[f.name]
            raw = params.get(code)
            if raw in (None, ""):
                continue
            try:
                number = float(raw)
            except (TypeError, ValueError):
                number = math.nan
            if not (math.isfinite(number) and 0 < number <= CEILINGS[f.name]):
                report.add("table-bad-value", sheet="参数", field=code, value=raw,
                           detail=f"读取上限应为大于 0、不超过 {CEILINGS[f.name]:g} 的数值")
                continue
            values[f.name] = type(getattr(cls, f.name))(number * scale)
        if len(report):
            raise TaskTableError(report)
        return cls(**values)

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) rows for README and messages."""
        return [(LABELS[f.name], f"{getattr(self, f.name)}") for f in fields(self)]


# field -> (参数 code, scale from the parameter's unit to the field's unit)
PARAMETERS = {
    "file_bytes": ("reader_max_file_mb", 2**20),
    "member_bytes": ("reader_max_member_mb", 2**20),
    "member_ratio": ("reader_max_ratio", 1),
    "members": ("reader_max_members", 1),
    "cells": ("reader_max_cells", 1),
    "name_cells": ("reader_max_name_cells", 1),
    "seconds": ("reader_max_seconds", 1),
    "mail_bytes": ("reader_max_mail_mb", 2**20),
    "memory_bytes": ("reader_max_memory_mb", 2**20),
}
# The largest value an office may set (in the parameter's unit): beyond it a bound is no bound.
CEILINGS = {"file_bytes": 2048, "member_bytes": 4096, "member_ratio": 100_000, "members": 1_000_000,
            "cells": 100_000_000, "name_cells": 10_000_000, "seconds": 3600, "mail_bytes": 4096,
            "memory_bytes": 65_536}
LABELS = {
    "file_bytes": "单个文件大小（字节）", "member_bytes": "压缩包内单个部件解压后大小（字节）",
    "member_ratio": "单个部件压缩比", "members": "压缩包内部件数", "cells": "每个工作簿扫描的单元格数",
    "name_cells": "一个名称覆盖的单元格数", "seconds": "读取每个工作簿的秒数",
    "mail_bytes": "单个邮件(.eml)大小（字节）", "memory_bytes": "读取一个文件的工作进程可用内存（字节）",
}


class ReadLimit(Exception):
    """A file went beyond a bound while it was read; ``detail`` says which (Chinese)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail
