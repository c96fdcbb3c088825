"""Values as people type them: pure functions from a cell's content to an accepted value or a finding.

Every function takes what the cell held (:class:`Typed`) and the item it is for (from the task
table) and returns a :class:`Parsed`: the accepted value (or None), the value as typed, and the
notes (finding code + template keywords) to report.  Nothing is guessed silently: a value that was
not a clean entry is either accepted with a ``value-cleaned`` warning saying what was done, or
rejected with an error saying what was expected.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..display import show

__all__ = ["Typed", "Parsed", "Note", "parse_item", "parse_number", "parse_choice", "parse_text",
           "show", "normalize", "same_unit", "is_percent_format", "is_blank"]

Note = tuple[str, dict]   # (finding code, template keywords)

# A clean number as a spreadsheet user would type it into a text cell.
_CLEAN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)", re.ASCII)
# A number with thousands separators (',' or one space between groups of three), then anything.
_LEADING_NUMBER = re.compile(
    r"(?P<num>[+-]?\s?(?:\d{1,3}(?:[,\s]\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?|[+-]?\.\d+)\s*(?P<rest>.*)",
    re.S | re.ASCII)
# Words that make a number approximate: never a unit, always "not a number".
_APPROXIMATE = ("约", "左右", "大约", "大概", "上下", "以上", "以下", "多", "余", "近", "超", "不足", "至少",
                "最多", "预计", "估", "~", "≈", "-", "至")
# Characters nobody sees: pasted from web pages, chat apps or PDF files (zero-width spaces, BOM …).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"))
# Largest magnitude accepted: Excel keeps 15 significant digits, and sums of larger values overflow.
MAX_MAGNITUDE = 1e15
_MINUS_SIGNS = {"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-"}
# Spellings of the same measurement unit (not task-table content: plain metrology).
_UNIT_WORDS = (("平方公里", "km2"), ("平方千米", "km2"), ("立方米", "m3"), ("平方米", "m2"), ("公里", "km"),
               ("千米", "km"), ("兆帕", "mpa"), ("米", "m"), ("^", ""), ("·", ""), (" ", ""))


@dataclass(frozen=True)
class Typed:
    """What a cell held: its (cached) value and its number format."""
    value: object
    number_format: str = "General"


@dataclass(frozen=True)
class Parsed:
    value: float | str | None     # accepted value; None when blank or rejected
    raw: str                      # the value as typed (display text); "" when blank
    notes: tuple[Note, ...] = ()  # findings to report (warnings when accepted, an error when rejected)

    @property
    def blank(self) -> bool:
        return self.value is None and not self.raw

    @property
    def rejected(self) -> bool:
        return self.value is None and bool(self.raw)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), unusual minus signs to '-', invisible characters and surrounding
    spaces removed."""
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
    for sign, ascii_sign in _MINUS_SIGNS.items():
        text = text.replace(sign, ascii_sign)
    return text.strip()


def _narrow(text: str) -> str:
    """Like :func:`normalize` but only full-width characters are narrowed: a superscript or circled
    digit (², ①) stays what it is instead of becoming a digit of the number (12² is not 122)."""
    text = text.translate(_INVISIBLE)
    text = "".join(unicodedata.normalize("NFKC", c) if unicodedata.east_asian_width(c) == "F"
                   else " " if c.isspace() else _MINUS_SIGNS.get(c, c) for c in text)
    return text.strip()


def _unit_key(unit: str) -> str:
    key = normalize(unit).lower()
    for word, replacement in _UNIT_WORDS:
        key = key.replace(word, replacement)
    return key


def same_unit(typed: str, unit: str) -> bool:
    """True when ``typed`` spells the measurement unit ``unit`` (m³ = m3 = 立方米, km² = 平方公里 …)."""
    return bool(unit.strip()) and _unit_key(typed) == _unit_key(unit)


def is_percent_format(number_format: str | None) -> bool:
    """True for a number format that displays a percentage (quoted literals do not count)."""
    fmt = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in fmt


def _is_percent_unit(unit: str) -> bool:
    return normalize(unit) == "%"


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not normalize(value))


def _scaled(value, factor: int) -> float:
    """value × factor without binary noise (0.172 × 100 = 17.2, not 17.199999999999996)."""
    return float(Decimal(repr(float(value))) * factor)


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

def _reject(code: str, raw: str, **kw) -> Parsed:
    return Parsed(None, raw, ((code, kw),))


def _expected(item) -> dict:
    return {"item_unit": item.unit or "无", "bound": item.bound_text()}


def _check_number(item, number: float, raw: str, notes: tuple[Note, ...]) -> Parsed:
    """Size, bounds, then integrality."""
    if not math.isfinite(number) or abs(number) >= MAX_MAGNITUDE:
        return _reject("value-too-large", raw, **_expected(item))
    number = float(number) + 0.0          # -0.0 -> 0.0
    too_low = item.lower is not None and (number < item.lower or (number == item.lower and not item.lower_inclusive))
    too_high = item.upper is not None and number > item.upper
    if too_low or too_high:
        return _reject("value-out-of-range", raw, **_expected(item))
    if item.type == "integer" and not float(number).is_integer():
        return _reject("value-not-integer", raw, **_expected(item))
    return Parsed(float(number), raw, notes)


def _cleaned(number: float, actions: list[str]) -> tuple[Note, ...]:
    if not actions:
        return ()
    return (("value-cleaned", {"parsed": show(number), "detail": "；".join(actions)}),)


def _from_cell_number(item, value, number_format: str) -> Parsed:
    if not is_percent_format(number_format):
        raw = show(value)
        return _check_number(item, float(value), raw, ())
    percent = _scaled(value, 100)
    raw = show(percent) + "%"
    if not _is_percent_unit(item.unit):
        return _reject("value-unit-mismatch", raw, **_expected(item))
    detail = f"单元格为百分比格式，存储值 {show(value)} 按 {show(percent)}（单位 %）读取"
    return _check_number(item, percent, raw, (("value-cleaned", {"parsed": show(percent), "detail": detail}),))


def _looks_like_unit(text: str) -> bool:
    """A short word with no digits apart from a power (m3, km2), no brackets, no approximation word."""
    if not text or len(text) > 10 or any(word in text for word in _APPROXIMATE):
        return False
    if not any(c.isalpha() or c in "%‰°℃" for c in text):
        return False       # punctuation alone ("12..") is not a unit
    if re.search(r"[()（）\[\]【】,，;；:：、?？!！=<>]", text):
        return False
    return not re.search(r"\d", re.sub(r"(?<=[A-Za-z])[23]\b", "", text, flags=re.ASCII), flags=re.ASCII)


def _split_typed_number(text: str) -> tuple[str, str] | None:
    m = _LEADING_NUMBER.fullmatch(text)
    return (m.group("num"), m.group("rest").strip()) if m else None


def _to_float(number_text: str) -> float | None:
    digits = re.sub(r"[,\s]", "", number_text)
    try:
        return float(Decimal(digits))
    except InvalidOperation:
        return None


def _from_text(item, text: str) -> Parsed:
    raw = text
    if _CLEAN_NUMBER.fullmatch(text):
        return _check_number(item, float(Decimal(text)), raw, ())
    actions: list[str] = []
    if text.translate(_INVISIBLE) != text:
        actions.append("去掉了不可见字符")
    if text.translate(_INVISIBLE) != text.translate(_INVISIBLE).strip():
        actions.append("去掉了前后空格")
    norm = _narrow(text)
    if any(unicodedata.east_asian_width(c) == "F" for c in text):
        actions.append("全角字符按半角读取")
    split = _split_typed_number(norm)
    if split is None:
        return _reject("value-not-number", raw, **_expected(item))
    number_text, rest = split
    number = _to_float(number_text)
    if number is None:
        return _reject("value-not-number", raw, **_expected(item))
    if "," in number_text:
        actions.append("去掉了千位分隔符")
    if re.search(r"\d\s\d", number_text) or re.search(r"[+-]\s", number_text):
        actions.append("去掉了数字中的空格")
    if re.search(r"[eE]", number_text):
        actions.append("科学计数法")
    if rest == "%":
        if not _is_percent_unit(item.unit):
            return _reject("value-unit-mismatch", raw, **_expected(item))
        actions.append("去掉了百分号")
    elif rest:
        if same_unit(rest, item.unit):
            actions.append(f"去掉了单位“{item.unit}”")
        elif _looks_like_unit(rest):
            return _reject("value-unit-mismatch", raw, **_expected(item))
        else:
            return _reject("value-not-number", raw, **_expected(item))
    if not actions:
        actions.append("文本按数字读取")
    return _check_number(item, number, raw, _cleaned(number, actions))


def parse_number(item, typed: Typed) -> Parsed:
    """A decimal or integer item."""
    value = typed.value
    if is_blank(value):
        return Parsed(None, "")
    if isinstance(value, bool) or isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        return _reject("value-not-number", show(value), **_expected(item))
    if isinstance(value, (int, float)):
        return _percent_fraction(item, _from_cell_number(item, value, typed.number_format), typed.number_format)
    return _percent_fraction(item, _from_text(item, str(value)), typed.number_format)


def _percent_fraction(item, parsed: Parsed, number_format: str) -> Parsed:
    """A rate in % (never negative) typed as a fraction below 1 (0.172 for 17.2%): accepted as typed,
    with a warning.  Not for signed items (a decline of 0.5% is plausible), nor for anything typed with
    a percent sign or in a percent-formatted cell (the percentage is then explicit)."""
    if (not isinstance(parsed.value, float) or not _is_percent_unit(item.unit) or item.lower is None or item.lower < 0
            or not 0 < parsed.value < 1 or "%" in normalize(parsed.raw) or is_percent_format(number_format)):
        return parsed
    note = ("value-percent-fraction", {"parsed": show(parsed.value), "percent": show(_scaled(parsed.value, 100))})
    return Parsed(parsed.value, parsed.raw, parsed.notes + (note,))


# ---------------------------------------------------------------------------------------------
# Choices and text
# ---------------------------------------------------------------------------------------------

def parse_choice(item, typed: Typed, choices: list[str]) -> Parsed:
    """A value from a drop-down list (是/否, task status): surrounding and full-width spaces allowed."""
    value = typed.value
    if is_blank(value):
        return Parsed(None, "")
    raw = show(value)
    if isinstance(value, str) and normalize(value) in choices:
        return Parsed(normalize(value), raw)
    return _reject("value-bad-choice", raw, choices="、".join(choices))


def parse_text(item, typed: Typed) -> Parsed:
    value = typed.value
    if is_blank(value):
        return Parsed(None, "")
    text = show(value).strip()
    return Parsed(text, show(value))


def parse_item(item, typed: Typed, yesno: list[str]) -> Parsed:
    """Dispatch on the item's type (decimal / integer / yesno / text)."""
    if item.numeric:
        return parse_number(item, typed)
    if item.type == "yesno":
        return parse_choice(item, typed, yesno)
    return parse_text(item, typed)
