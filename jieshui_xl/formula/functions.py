"""The Excel functions a formula may call: one table, with each function's arity.

Most functions take evaluated arguments.  A *lazy* one (IF, IFERROR, the IS* functions) gets each
argument as a thunk: IF evaluates only the branch it takes, and IFERROR and IS* see an error as a
value instead of propagating it.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from .errors import DIV0, NUM, VALUE, ExcelError, Raised
from .values import significant, to_bool, to_number, to_text

__all__ = ["Function", "FUNCTIONS", "Thunk", "call"]

Thunk = Callable[[], object]
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Function:
    apply: Callable[..., object]
    arity: tuple[int, int] = (1, 255)   # (fewest, most) arguments, checked when parsing; 255 is Excel's limit
    lazy: bool = False                  # arguments are passed as thunks, not values


def call(name: str, args: Sequence[Thunk]) -> object:
    """Apply the function ``name``; Python's TypeError is Excel's #VALUE!, ValueError/OverflowError #NUM!."""
    function = FUNCTIONS[name]
    if function.lazy:
        return function.apply(*args)
    values = [arg() for arg in args]
    try:
        return function.apply(*values)
    except TypeError:
        raise Raised(VALUE) from None
    except (ValueError, OverflowError):
        raise Raised(NUM) from None


# -- lazy ------------------------------------------------------------------------------------------

def _soft(arg: Thunk) -> object:
    """The argument's value, an error returned as a value instead of raised."""
    try:
        return arg()
    except Raised as raised:
        return raised.error


def _if(condition: Thunk, then: Thunk, otherwise: Thunk | None = None) -> object:
    if to_bool(condition()):
        return then()
    return otherwise() if otherwise is not None else False


def _iferror(arg: Thunk, fallback: Thunk) -> object:
    value = _soft(arg)
    return fallback() if isinstance(value, ExcelError) else value


def _isnumber(arg: Thunk) -> bool:
    value = _soft(arg)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- eager -----------------------------------------------------------------------------------------

def _flatten(values: Iterable[object]) -> Iterator[object]:
    """Every value, ranges (lists) expanded."""
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flatten(v)
        else:
            yield v


def _numbers_of(args: Iterable[object]) -> list[float]:
    """The numbers among the arguments (text, logicals and blanks skipped, as in SUM/MIN/MAX)."""
    out = []
    for v in _flatten(args):
        if isinstance(v, ExcelError):
            raise Raised(v)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
    return out


def _logicals(args: Iterable[object]) -> list[bool]:
    """AND/OR arguments; Excel gives #VALUE! when there is no logical value at all (only blanks)."""
    values = [to_bool(v) for v in _flatten(args) if v is not None]
    if not values:
        raise Raised(VALUE)
    return values


def _round_half_away(x: float, digits: int) -> float:
    """Excel ROUND. Excel works with 15 significant digits: 2.675*100 = 267.49999999999997 is 267.5
    (rounds up), while 0.4999999999 stays below one half."""
    factor = 10.0 ** digits
    scaled = significant(abs(x) * factor)
    return math.copysign(math.floor(scaled + 0.5) / factor, x)


def _round(value: object, digits: object) -> float:
    return _round_half_away(to_number(value), int(to_number(digits)))


def _mod(a: object, b: object) -> float:
    x, y = to_number(a), to_number(b)
    if y == 0:
        raise Raised(DIV0)
    return x - y * math.floor(x / y)


def _date(year: object, month: object, day: object) -> float:
    """Excel DATE as a serial number; months beyond 12 (or below 1) carry into the year."""
    y, m, d = int(to_number(year)), int(to_number(month)), int(to_number(day))
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    try:
        base = _dt.date(y, m, 1)
    except ValueError:
        raise Raised(NUM) from None
    return float((base - _EXCEL_EPOCH).days + d - 1)


def _fixed(value: object, digits: object = 2, no_commas: object = False) -> str:
    """Excel FIXED: thousands separators unless the third argument is TRUE (FIXED(6000,2) = "6,000.00")."""
    d = int(to_number(digits))
    text = f"{_round_half_away(to_number(value), d) + 0.0:,.{max(0, d)}f}"
    return text.replace(",", "") if to_bool(no_commas) else text


FUNCTIONS: dict[str, Function] = {
    "IF": Function(_if, (2, 3), lazy=True),
    "IFERROR": Function(_iferror, (2, 2), lazy=True),
    "ISBLANK": Function(lambda arg: _soft(arg) is None, (1, 1), lazy=True),
    "ISERROR": Function(lambda arg: isinstance(_soft(arg), ExcelError), (1, 1), lazy=True),
    "ISNUMBER": Function(_isnumber, (1, 1), lazy=True),
    "ISTEXT": Function(lambda arg: isinstance(_soft(arg), str), (1, 1), lazy=True),
    "AND": Function(lambda *a: all(_logicals(a))),
    "OR": Function(lambda *a: any(_logicals(a))),
    "NOT": Function(lambda v: not to_bool(v), (1, 1)),
    "ABS": Function(lambda v: abs(to_number(v)), (1, 1)),
    "MIN": Function(lambda *a: min(_numbers_of(a), default=0.0)),
    "MAX": Function(lambda *a: max(_numbers_of(a), default=0.0)),
    "SUM": Function(lambda *a: float(sum(_numbers_of(a)))),
    "COUNT": Function(lambda *a: float(len(_numbers_of(a)))),
    "COUNTA": Function(lambda *a: float(sum(1 for v in _flatten(a) if v is not None))),
    "ROUND": Function(_round, (2, 2)),
    "MOD": Function(_mod, (2, 2)),
    "DATE": Function(_date, (3, 3)),
    "LEN": Function(lambda v: float(len(to_text(v))), (1, 1)),
    "FIXED": Function(_fixed, (1, 3)),
}
