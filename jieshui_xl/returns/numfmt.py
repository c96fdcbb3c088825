"""Number formats of a spreadsheet cell: the built-in ones by id, and which formats show dates.

The built-in ids are those of ECMA-376 Part 1, 18.8.30; ids 27–36 and 50–58 are the East Asian
date formats that a Chinese-language Excel saves by id alone (``yyyy"年"m"月"d"日"`` and the like).
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["builtin_format", "is_date_format", "from_serial"]

_BUILTIN = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 14: "yyyy/m/d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
    18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy/m/d h:mm",
    37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}
_EAST_ASIAN_DATES = set(range(27, 37)) | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[(?!(?:h+|m+|s+)\])[^\]]*\]", re.I)
_DATE_PART = re.compile(r"[dmyhs]|[年月日时分秒]", re.I)


def builtin_format(fmt_id: int) -> str:
    if fmt_id in _EAST_ASIAN_DATES:
        return 'yyyy"年"m"月"d"日"'
    return _BUILTIN.get(fmt_id, "General")


def is_date_format(code: str | None) -> bool:
    """True for a format that shows a date or a time (quoted text, colours and locales ignored)."""
    if not code or code == "General" or code == "@":
        return False
    section = _BRACKET.sub("", _QUOTED.sub("", code.split(";")[0]))
    return bool(_DATE_PART.search(section)) and "E+" not in section.upper()


def from_serial(serial: float, date1904: bool = False) -> _dt.datetime | _dt.time:
    """A spreadsheet serial number as Excel shows it (1900 system with its 29 Feb 1900)."""
    if 0 <= serial < 1:
        seconds = round(serial * 86400)
        return (_dt.datetime.min + _dt.timedelta(seconds=min(seconds, 86399))).time()
    if date1904:
        epoch = _dt.datetime(1904, 1, 1)
    else:
        epoch = _dt.datetime(1899, 12, 31) if serial < 60 else _dt.datetime(1899, 12, 30)
    return epoch + _dt.timedelta(days=serial)
