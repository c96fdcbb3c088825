"""Formula text → syntax tree, with Excel's operator precedence.

Tokenising is openpyxl's (``openpyxl.formula.Tokenizer``); the precedence parser is here.  Every
syntax error is a :class:`FormulaSyntaxError` with a Chinese message (no tokenizer English leaks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Union

from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token

from .errors import ExcelError, FormulaSyntaxError
from .functions import FUNCTIONS

__all__ = ["Node", "Constant", "Name", "Prefix", "Percent", "Binary", "Call", "parse_tree", "names_in",
           "BINARY", "PREFIX_PRECEDENCE", "POSTFIX_PRECEDENCE", "NAME_PATTERN", "looks_like_cell_reference"]

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_CELL_REF = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+$|^[Rr]\d*([Cc]\d*)?$|^[Cc]\d*$")


def looks_like_cell_reference(name: str) -> bool:
    """True where Excel would read ``name`` as a cell address (A1, XFD12) or an R1C1 reference
    (R1C1, R12, C3, and ``r``/``c`` alone: the current row or column)."""
    return bool(_CELL_REF.match(name)) or ":" in name or "!" in name


# -- syntax tree -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Constant:
    value: float | str | bool | ExcelError


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Prefix:
    op: str                   # "-" or "+"
    operand: Node


@dataclass(frozen=True)
class Percent:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    name: str                 # upper case, one of FUNCTIONS
    args: tuple[Node, ...]


Node = Union[Constant, Name, Prefix, Percent, Binary, Call]

BINARY = {  # operator: (precedence, right-associative)
    "=": (1, False), "<>": (1, False), "<": (1, False), ">": (1, False), "<=": (1, False),
    ">=": (1, False), "&": (2, False), "+": (3, False), "-": (3, False), "*": (4, False),
    "/": (4, False), "^": (5, False),
}
PREFIX_PRECEDENCE = 7   # Excel: negation binds tighter than ^ (-2^2 = 4)
POSTFIX_PRECEDENCE = 6  # percent


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, the node itself first, left to right."""
    yield node
    if isinstance(node, (Prefix, Percent)):
        yield from walk(node.operand)
    elif isinstance(node, Binary):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)


def names_in(node: Node) -> Iterator[str]:
    """The names a tree refers to (with repeats)."""
    return (n.name for n in walk(node) if isinstance(n, Name))


MAX_CHARS = 8192        # Excel's longest formula
MAX_DEPTH = 200         # nesting of the syntax tree (Excel nests functions 64 deep)


def parse_tree(text: str) -> Node:
    """The syntax tree of formula text (without the leading ``=``); a formula longer than Excel takes
    or nested deeper than :data:`MAX_DEPTH` is a :class:`FormulaSyntaxError` (never a RecursionError)."""
    if len(text) > MAX_CHARS:
        raise FormulaSyntaxError(f"公式过长（{len(text)} 个字符，Excel 最多 {MAX_CHARS} 个）")
    try:
        tree = _Parser(text).parse()
    except RecursionError:
        tree = None
    if tree is None or _depth(tree) > MAX_DEPTH:
        raise FormulaSyntaxError(f"公式嵌套层数过多（超过 {MAX_DEPTH} 层），请拆成几个计算项")
    return tree


def _depth(tree: Node) -> int:
    """The depth of a tree, without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(node, (Prefix, Percent)):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, Binary):
            stack += [(node.left, depth + 1), (node.right, depth + 1)]
        elif isinstance(node, Call):
            stack += [(arg, depth + 1) for arg in node.args]
    return deepest


# -- parser ----------------------------------------------------------------------------------------

def _tokens(text: str) -> list[Token]:
    try:
        items = Tokenizer("=" + text.lstrip("=")).items
    except Exception as exc:  # openpyxl raises plain (English) exceptions on unbalanced input
        what = "引号" if "string" in str(exc).lower() else "括号"
        raise FormulaSyntaxError(f"公式无法解析：{what}不配对") from None
    return [t for t in items if t.type != Token.WSPACE]


def _is(tok: Token | None, type_: str, subtype: str | None = None) -> bool:
    return tok is not None and tok.type == type_ and (subtype is None or tok.subtype == subtype)


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.pos = 0

    def parse(self) -> Node:
        if not self.tokens:
            raise FormulaSyntaxError("公式为空")
        node = self._expression(0)
        if self.pos != len(self.tokens):
            raise FormulaSyntaxError(f"公式在“{self.tokens[self.pos].value}”处多出内容")
        return node

    def _peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _next(self) -> Token:
        tok = self._peek()
        if tok is None:
            raise FormulaSyntaxError("公式不完整（缺少运算数或右括号）")
        self.pos += 1
        return tok

    def _percents(self, node: Node) -> Node:
        """``node`` followed by any number of ``%``."""
        while _is(self._peek(), Token.OP_POST):
            self.pos += 1
            node = Percent(node)
        return node

    def _expression(self, min_prec: int) -> Node:
        left = self._unary()
        while True:
            left = self._percents(left)
            tok = self._peek()
            if tok is None or tok.type != Token.OP_IN:
                return left
            if tok.value not in BINARY:
                raise FormulaSyntaxError(f"不支持的运算符“{tok.value}”")
            prec, right_assoc = BINARY[tok.value]
            if prec < min_prec:
                return left
            self.pos += 1
            right = self._expression(prec if right_assoc else prec + 1)
            left = Binary(tok.value, left, right)

    def _unary(self) -> Node:
        tok = self._next()
        if tok.type == Token.OP_PRE:
            return Prefix("-" if tok.value == "-" else "+", self._percents(self._unary()))
        if tok.type == Token.OPERAND:
            return _operand(tok)
        if _is(tok, Token.PAREN, Token.OPEN):
            inner = self._expression(0)
            if not _is(self._next(), Token.PAREN, Token.CLOSE):
                raise FormulaSyntaxError("括号不匹配")
            return inner
        if _is(tok, Token.FUNC, Token.OPEN):
            return self._call(tok.value[:-1].upper())
        raise FormulaSyntaxError(f"公式在“{tok.value}”处无法解析")

    def _call(self, name: str) -> Call:
        if name not in FUNCTIONS:
            raise FormulaSyntaxError(f"不支持的函数“{name}”（可用：{'、'.join(sorted(FUNCTIONS))}）")
        args: list[Node] = []
        if _is(self._peek(), Token.FUNC, Token.CLOSE):
            self.pos += 1
            return _checked(name, args)
        while True:
            args.append(self._expression(0))
            tok = self._next()
            if _is(tok, Token.FUNC, Token.CLOSE):
                return _checked(name, args)
            if not _is(tok, Token.SEP, Token.ARG):
                raise FormulaSyntaxError(f"函数 {name} 的参数在“{tok.value}”处无法解析")


def _operand(tok: Token) -> Constant | Name:
    if tok.subtype == Token.NUMBER:
        return Constant(float(tok.value))
    if tok.subtype == Token.TEXT:
        return Constant(tok.value[1:-1].replace('""', '"'))
    if tok.subtype == Token.LOGICAL:
        return Constant(tok.value.upper() == "TRUE")
    if tok.subtype == Token.ERROR:
        return Constant(ExcelError(tok.value))
    return Name(tok.value)


def _checked(name: str, args: list[Node]) -> Call:
    low, high = FUNCTIONS[name].arity
    if not low <= len(args) <= high:
        wanted = f"{low}" if low == high else f"{low}～{high}"
        raise FormulaSyntaxError(f"函数 {name} 需要 {wanted} 个参数，公式中有 {len(args)} 个")
    return Call(name, tuple(args))
