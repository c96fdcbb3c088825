"""Excel-syntax formulas over named values: parse once, evaluate in Python, render for Excel.

The task table states every computation as an Excel formula over item codes and other names
(``permeable_area_km2/builtup_area_km2*100``).  The same text is evaluated here, with Excel's
semantics for blanks, text, booleans and errors, and written into the collection workbooks and the
scorecard, so that what Python computes and what a spreadsheet recomputes cannot drift apart.

Tokenising is openpyxl's (``openpyxl.formula.Tokenizer``); this module adds the precedence parser,
the evaluator for a documented set of functions, and the renderer that renames or inlines names.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import Decimal as _Decimal
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from openpyxl.formula import Tokenizer

__all__ = [
    "ExcelError", "Formula", "FormulaSyntaxError", "FUNCTIONS", "parse", "is_blank", "is_error",
    "NAME_PATTERN", "looks_like_cell_reference",
]

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_CELL_REF = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+$|^[Rr]\d*([Cc]\d*)?$|^[Cc]\d*$")


def looks_like_cell_reference(name: str) -> bool:
    """True where Excel would read ``name`` as a cell address (A1, XFD12) or an R1C1 reference
    (R1C1, R12, C3, and ``r``/``c`` alone: the current row or column)."""
    return bool(_CELL_REF.match(name)) or ":" in name or "!" in name


class FormulaSyntaxError(ValueError):
    """A formula that cannot be parsed; the message is Chinese and says what is wrong."""


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value (#DIV/0!, #VALUE!, ...), propagated like Excel does."""
    code: str

    def __str__(self) -> str:
        return self.code


DIV0 = ExcelError("#DIV/0!")
VALUE = ExcelError("#VALUE!")
NUM = ExcelError("#NUM!")
NAME = ExcelError("#NAME?")


def is_blank(value) -> bool:
    return value is None


def is_error(value) -> bool:
    return isinstance(value, ExcelError)


class _Raise(Exception):
    """Internal: carries an ExcelError out of nested evaluation."""

    def __init__(self, error: ExcelError):
        self.error = error


# ---------------------------------------------------------------------------------------------
# Parse tree
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Node:
    kind: str                 # num, str, bool, name, neg, pos, pct, bin, call
    value: object = None      # literal, name, operator or function name
    args: tuple = ()


_BINARY = {  # operator: (precedence, right-associative)
    "=": (1, False), "<>": (1, False), "<": (1, False), ">": (1, False), "<=": (1, False),
    ">=": (1, False), "&": (2, False), "+": (3, False), "-": (3, False), "*": (4, False),
    "/": (4, False), "^": (5, False),
}
_PREFIX_PRECEDENCE = 7   # Excel: negation binds tighter than ^ (-2^2 = 4)
_POSTFIX_PRECEDENCE = 6  # percent


class _Parser:
    def __init__(self, text: str):
        self.text = text
        try:
            items = Tokenizer("=" + text.lstrip("=")).items
        except Exception as exc:  # openpyxl raises plain (English) exceptions on unbalanced input
            what = "引号" if "string" in str(exc).lower() else "括号"
            raise FormulaSyntaxError(f"公式无法解析：{what}不配对") from None
        self.tokens = [t for t in items if t.type != "WHITE-SPACE"]
        self.pos = 0

    def parse(self) -> _Node:
        if not self.tokens:
            raise FormulaSyntaxError("公式为空")
        node = self._expression(0)
        if self.pos != len(self.tokens):
            raise FormulaSyntaxError(f"公式在“{self.tokens[self.pos].value}”处多出内容")
        return node

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _next(self):
        tok = self._peek()
        if tok is None:
            raise FormulaSyntaxError("公式不完整（缺少运算数或右括号）")
        self.pos += 1
        return tok

    def _expression(self, min_prec: int) -> _Node:
        left = self._unary()
        while True:
            tok = self._peek()
            if tok is None:
                return left
            if tok.type == "OPERATOR-POSTFIX" and tok.value == "%":
                self.pos += 1
                left = _Node("pct", args=(left,))
                continue
            if tok.type != "OPERATOR-INFIX":
                return left
            if tok.value not in _BINARY:
                raise FormulaSyntaxError(f"不支持的运算符“{tok.value}”")
            prec, right_assoc = _BINARY[tok.value]
            if prec < min_prec:
                return left
            self.pos += 1
            right = self._expression(prec if right_assoc else prec + 1)
            left = _Node("bin", tok.value, (left, right))

    def _unary(self) -> _Node:
        tok = self._next()
        if tok.type == "OPERATOR-PREFIX":
            operand = self._unary()
            while self._peek() is not None and self._peek().type == "OPERATOR-POSTFIX":
                self.pos += 1
                operand = _Node("pct", args=(operand,))
            return _Node("neg" if tok.value == "-" else "pos", args=(operand,))
        if tok.type == "OPERAND":
            return self._operand(tok)
        if tok.type == "PAREN" and tok.subtype == "OPEN":
            inner = self._expression(0)
            close = self._next()
            if not (close.type == "PAREN" and close.subtype == "CLOSE"):
                raise FormulaSyntaxError("括号不匹配")
            return inner
        if tok.type == "FUNC" and tok.subtype == "OPEN":
            return self._call(tok.value[:-1].upper())
        raise FormulaSyntaxError(f"公式在“{tok.value}”处无法解析")

    def _operand(self, tok) -> _Node:
        if tok.subtype == "NUMBER":
            return _Node("num", float(tok.value))
        if tok.subtype == "TEXT":
            return _Node("str", tok.value[1:-1].replace('""', '"'))
        if tok.subtype == "LOGICAL":
            return _Node("bool", tok.value.upper() == "TRUE")
        if tok.subtype == "ERROR":
            return _Node("err", ExcelError(tok.value))
        return _Node("name", tok.value)

    def _call(self, name: str) -> _Node:
        if name not in FUNCTIONS:
            raise FormulaSyntaxError(f"不支持的函数“{name}”（可用：{'、'.join(sorted(FUNCTIONS))}）")
        args = []
        tok = self._peek()
        if tok is not None and tok.type == "FUNC" and tok.subtype == "CLOSE":
            self.pos += 1
            return self._checked(name, ())
        while True:
            args.append(self._expression(0))
            tok = self._next()
            if tok.type == "SEP" and tok.subtype == "ARG":
                continue
            if tok.type == "FUNC" and tok.subtype == "CLOSE":
                return self._checked(name, tuple(args))
            raise FormulaSyntaxError(f"函数 {name} 的参数在“{tok.value}”处无法解析")

    @staticmethod
    def _checked(name: str, args: tuple) -> _Node:
        low, high = _ARITY.get(name, (1, 255))
        if not low <= len(args) <= high:
            wanted = f"{low}" if low == high else f"{low}～{high}"
            raise FormulaSyntaxError(f"函数 {name} 需要 {wanted} 个参数，公式中有 {len(args)} 个")
        return _Node("call", name, args)


# ---------------------------------------------------------------------------------------------
# Excel value semantics
# ---------------------------------------------------------------------------------------------

def _num(value) -> float:
    """Coerce like Excel arithmetic: blank -> 0, TRUE -> 1, numeric text -> number."""
    if isinstance(value, ExcelError):
        raise _Raise(value)
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
            raise _Raise(VALUE) from None
    raise _Raise(VALUE)


def _bool(value) -> bool:
    if isinstance(value, ExcelError):
        raise _Raise(value)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise _Raise(VALUE)
    raise _Raise(VALUE)


def _text(value) -> str:
    if isinstance(value, ExcelError):
        raise _Raise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _format_number(value)
    return str(value)


def _format_number(value: float) -> str:
    """A number as text, as Excel converts it (``&``): at most 15 significant digits, no exponent
    for ordinary magnitudes (1/3 -> 0.333333333333333, 0.00001 -> 0.00001, 1E+20)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" not in text:
        return text
    if 1e-20 <= abs(value) < 1e15:
        return format(_Decimal(text), "f")
    mantissa, exponent = text.split("e")
    exp = int(exponent)
    return f"{mantissa}E{'+' if exp >= 0 else '-'}{abs(exp):02d}"


def _type_rank(value) -> int:
    if isinstance(value, bool):
        return 2
    if isinstance(value, str):
        return 1
    return 0


def _compare(op: str, left, right) -> bool:
    for v in (left, right):
        if isinstance(v, ExcelError):
            raise _Raise(v)
    # A blank takes the type of the other side (0, "" or FALSE), as in Excel.
    if left is None:
        left = "" if isinstance(right, str) else (False if isinstance(right, bool) else 0.0)
    if right is None:
        right = "" if isinstance(left, str) else (False if isinstance(left, bool) else 0.0)
    rl, rr = _type_rank(left), _type_rank(right)
    if rl != rr:
        a, b = rl, rr
    elif rl == 1:
        a, b = left.lower(), right.lower()
    else:
        a, b = float(left), float(right)
    return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


def _arith(op: str, left, right):
    a, b = _num(left), _num(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            raise _Raise(DIV0)
        return a / b
    try:
        result = a ** b
    except (OverflowError, ZeroDivisionError):
        raise _Raise(NUM) from None
    if isinstance(result, complex):
        raise _Raise(NUM)
    return result


def _round_half_away(x: float, digits: int) -> float:
    # Excel works with 15 significant digits: 2.675*100 = 267.49999999999997 is 267.5 (rounds up),
    # while 0.4999999999 stays below one half.
    factor = 10.0 ** digits
    scaled = float(f"{abs(x) * factor:.15g}")
    return math.copysign(math.floor(scaled + 0.5) / factor, x)


_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def _date(year, month, day) -> float:
    y, m, d = int(_num(year)), int(_num(month)), int(_num(day))
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    try:
        base = _dt.date(y, m, 1)
    except ValueError:
        raise _Raise(NUM) from None
    return float((base - _EXCEL_EPOCH).days + d - 1)


def _flatten(values) -> Iterable:
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flatten(v)
        else:
            yield v


def _numbers_of(args) -> list[float]:
    out = []
    for v in _flatten(args):
        if isinstance(v, ExcelError):
            raise _Raise(v)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
    return out


def _mod(a, b) -> float:
    a, b = _num(a), _num(b)
    if b == 0:
        raise _Raise(DIV0)
    return a - b * math.floor(a / b)


def _fixed(value, digits=2, no_commas=False) -> str:
    """Excel FIXED: thousands separators unless the third argument is TRUE (FIXED(6000,2) = "6,000.00")."""
    d = int(_num(digits))
    text = f"{_round_half_away(_num(value), d) + 0.0:,.{max(0, d)}f}"
    return text.replace(",", "") if _bool(no_commas) else text


def _logicals(args) -> list[bool]:
    """AND/OR arguments; Excel gives #VALUE! when there is no logical value at all (only blanks)."""
    values = [_bool(v) for v in _flatten(args) if v is not None]
    if not values:
        raise _Raise(VALUE)
    return values


# Functions that take evaluated arguments.  IF, IFERROR and the IS* functions are evaluated lazily
# in ``_call`` (they must see errors without propagating them).
_EAGER: dict[str, Callable] = {
    "AND": lambda *a: all(_logicals(a)),
    "OR": lambda *a: any(_logicals(a)),
    "NOT": lambda v: not _bool(v),
    "ABS": lambda v: abs(_num(v)),
    "MIN": lambda *a: min(_numbers_of(a), default=0.0),
    "MAX": lambda *a: max(_numbers_of(a), default=0.0),
    "SUM": lambda *a: float(sum(_numbers_of(a))),
    "COUNT": lambda *a: float(len(_numbers_of(a))),
    "COUNTA": lambda *a: float(sum(1 for v in _flatten(a) if v is not None)),
    "ROUND": lambda v, d: _round_half_away(_num(v), int(_num(d))),
    "MOD": _mod,
    "DATE": _date,
    "LEN": lambda v: float(len(_text(v))),
    "FIXED": _fixed,
}
_LAZY = frozenset({"IF", "IFERROR", "ISBLANK", "ISNUMBER", "ISERROR", "ISTEXT"})
FUNCTIONS = frozenset(_EAGER) | _LAZY
# (fewest, most) arguments, checked when parsing; functions not listed take 1..255 (Excel's limit).
_ARITY = {"IF": (2, 3), "IFERROR": (2, 2), "ISBLANK": (1, 1), "ISNUMBER": (1, 1), "ISERROR": (1, 1),
          "ISTEXT": (1, 1), "NOT": (1, 1), "ABS": (1, 1), "ROUND": (2, 2), "MOD": (2, 2), "DATE": (3, 3),
          "LEN": (1, 1), "FIXED": (1, 3)}


# ---------------------------------------------------------------------------------------------
# Formula
# ---------------------------------------------------------------------------------------------

Resolver = Callable[[str], object]


@dataclass(frozen=True)
class Formula:
    """A parsed formula. ``names`` are the defined names it refers to."""

    text: str
    tree: _Node = field(repr=False)
    names: frozenset = field(default_factory=frozenset)

    def evaluate(self, resolve: Resolver | Mapping[str, object]):
        """Value of the formula; names are looked up with ``resolve`` (callable or mapping).

        Returns a number, text, bool, None (blank) or an :class:`ExcelError`.
        """
        lookup = resolve.__getitem__ if isinstance(resolve, Mapping) else resolve
        try:
            return _evaluate(self.tree, lookup)
        except _Raise as raised:
            return raised.error

    def render(self, rename: Callable[[str], str] | Mapping[str, str] | None = None) -> str:
        """Excel formula text (without ``=``); each name is replaced by ``rename(name)``."""
        if rename is None:
            return _render(self.tree, lambda n: n)
        fn = rename if callable(rename) else (lambda n: rename.get(n, n))
        return _render(self.tree, fn)


def parse(text: str) -> Formula:
    """Parse Excel formula text (with or without a leading ``=``)."""
    text = str(text).strip()
    if text.startswith("="):
        text = text[1:]
    tree = _Parser(text).parse()
    return Formula(text, tree, frozenset(_names(tree)))


def _names(node: _Node) -> Iterable[str]:
    if node.kind == "name":
        yield node.value
    for child in node.args:
        yield from _names(child)


def _evaluate(node: _Node, lookup: Callable[[str], object]):
    kind = node.kind
    if kind in ("num", "str", "bool"):
        return node.value
    if kind == "err":
        raise _Raise(node.value)
    if kind == "name":
        value = lookup(node.value)
        if isinstance(value, ExcelError):
            raise _Raise(value)
        return value
    if kind == "neg":
        return -_num(_evaluate(node.args[0], lookup))
    if kind == "pos":
        return _evaluate(node.args[0], lookup)
    if kind == "pct":
        return _num(_evaluate(node.args[0], lookup)) / 100.0
    if kind == "bin":
        left = _evaluate(node.args[0], lookup)
        right = _evaluate(node.args[1], lookup)
        if node.value in ("=", "<>", "<", ">", "<=", ">="):
            return _compare(node.value, left, right)
        if node.value == "&":
            return _text(left) + _text(right)
        return _arith(node.value, left, right)
    return _call(node, lookup)


def _soft(node: _Node, lookup):
    """Evaluate, returning errors as values instead of raising (for IS*/IFERROR)."""
    try:
        return _evaluate(node, lookup)
    except _Raise as raised:
        return raised.error


def _call(node: _Node, lookup):
    name, args = node.value, node.args
    if name == "IF":
        if not 1 <= len(args) <= 3:
            raise _Raise(VALUE)
        cond = _evaluate(args[0], lookup)
        if isinstance(cond, str) and cond.upper() not in ("TRUE", "FALSE"):
            raise _Raise(VALUE)
        if _bool(cond):
            return _evaluate(args[1], lookup) if len(args) > 1 else True
        return _evaluate(args[2], lookup) if len(args) > 2 else False
    if name == "IFERROR":
        value = _soft(args[0], lookup)
        return _evaluate(args[1], lookup) if isinstance(value, ExcelError) else value
    if name == "ISBLANK":
        return _soft(args[0], lookup) is None
    if name == "ISERROR":
        return isinstance(_soft(args[0], lookup), ExcelError)
    if name == "ISNUMBER":
        v = _soft(args[0], lookup)
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if name == "ISTEXT":
        return isinstance(_soft(args[0], lookup), str)
    values = [_evaluate(a, lookup) for a in args]
    try:
        return _EAGER[name](*values)
    except TypeError:
        raise _Raise(VALUE) from None
    except (ValueError, OverflowError):
        raise _Raise(NUM) from None


def _render(node: _Node, rename: Callable[[str], str]) -> str:
    kind = node.kind
    if kind == "num":
        return _format_number(node.value)
    if kind == "str":
        return '"' + node.value.replace('"', '""') + '"'
    if kind == "bool":
        return "TRUE" if node.value else "FALSE"
    if kind == "err":
        return node.value.code
    if kind == "name":
        return rename(node.value)
    if kind in ("neg", "pos"):
        return ("-" if kind == "neg" else "+") + _wrap(node.args[0], _PREFIX_PRECEDENCE, rename)
    if kind == "pct":
        return _wrap(node.args[0], _POSTFIX_PRECEDENCE, rename) + "%"
    if kind == "bin":
        prec = _BINARY[node.value][0]
        left = _wrap(node.args[0], prec, rename)
        right = _wrap(node.args[1], prec + 1, rename)
        return f"{left}{node.value}{right}"
    return f"{node.value}(" + ",".join(_render(a, rename) for a in node.args) + ")"


def _precedence(node: _Node) -> int:
    if node.kind == "bin":
        return _BINARY[node.value][0]
    if node.kind in ("neg", "pos"):
        return _PREFIX_PRECEDENCE
    if node.kind == "pct":
        return _POSTFIX_PRECEDENCE
    return 99


def _wrap(node: _Node, min_prec: int, rename) -> str:
    text = _render(node, rename)
    return f"({text})" if _precedence(node) < min_prec else text
