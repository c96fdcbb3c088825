"""Excel value semantics: how blanks, text, booleans and errors coerce, and what the operators do.

A value is whatever a name resolves to: a number, text, a bool, None (a blank cell), an
:class:`ExcelError`, or a list of values (a range).  Coercing an error raises it (:class:`Raised`).
"""

from __future__ import annotations

import math
import operator
from decimal import Decimal
from typing import Any, Callable, SupportsFloat

from .errors import DIV0, NUM, VALUE, ExcelError, Raised

__all__ = ["to_number", "to_bool", "to_text", "format_number", "significant", "compare", "arithmetic", "COMPARISONS"]


def _raise_error(value: object) -> None:
    if isinstance(value, ExcelError):
        raise Raised(value)


def to_number(value: object) -> float:
    """Coerce like Excel arithmetic: blank -> 0, TRUE -> 1, numeric text -> number."""
    _raise_error(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise Raised(VALUE) from None
    raise Raised(VALUE)


def to_bool(value: object) -> bool:
    """Coerce like Excel logic: blank -> FALSE, number -> not zero, "TRUE"/"FALSE" text; other text is #VALUE!."""
    _raise_error(value)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str) and value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    raise Raised(VALUE)


def to_text(value: object) -> str:
    """Coerce like Excel ``&``: blank -> "", TRUE -> "TRUE", numbers as :func:`format_number`."""
    _raise_error(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def significant(value: float) -> float:
    """``value`` to Excel's precision, 15 significant digits: 8.1/18*100 = 44.99999999999999 is 45,
    as a spreadsheet shows it and compares it (0.1+0.2=0.3 is TRUE in Excel and LibreOffice)."""
    return float(f"{value:.15g}") if math.isfinite(value) else value


def format_number(value: float) -> str:
    """A number as text, as Excel converts it (``&``): at most 15 significant digits, no exponent
    for ordinary magnitudes (1/3 -> 0.333333333333333, 0.00001 -> 0.00001, 1E+20)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" not in text:
        return text
    if 1e-20 <= abs(value) < 1e15:
        return format(Decimal(text), "f")
    mantissa, exponent = text.split("e")
    exp = int(exponent)
    return f"{mantissa}E{'+' if exp >= 0 else '-'}{abs(exp):02d}"


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
}


def _blank_like(other: object) -> object:
    """What a blank compares as: the type of the other side (0, "" or FALSE), as in Excel."""
    if isinstance(other, str):
        return ""
    return False if isinstance(other, bool) else 0.0


def _rank(value: object) -> int:
    """Excel's order across types: numbers < text < logicals."""
    if isinstance(value, bool):
        return 2
    return 1 if isinstance(value, str) else 0


def _key(value: object) -> float | str:
    """The order within one type: text case-insensitive, logicals and numbers as numbers."""
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, SupportsFloat):
        return significant(float(value))
    raise TypeError(f"not comparable: {type(value).__name__}")


def compare(op: str, left: object, right: object) -> bool:
    """A comparison operator (``=``, ``<>``, ``<``, ...) with Excel's rules across types."""
    _raise_error(left)
    _raise_error(right)
    if left is None:
        left = _blank_like(right)
    if right is None:
        right = _blank_like(left)
    left_rank, right_rank = _rank(left), _rank(right)
    if left_rank != right_rank:
        return COMPARISONS[op](left_rank, right_rank)
    return COMPARISONS[op](_key(left), _key(right))


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise Raised(DIV0)
    return a / b


def _power(a: float, b: float) -> float:
    try:
        result = a ** b
    except (OverflowError, ZeroDivisionError):
        raise Raised(NUM) from None
    if isinstance(result, complex):
        raise Raised(NUM)
    return result


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide, "^": _power,
}


def arithmetic(op: str, left: object, right: object) -> float:
    """An arithmetic operator (``+ - * / ^``) on values coerced to numbers."""
    return _ARITHMETIC[op](to_number(left), to_number(right))
