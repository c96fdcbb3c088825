"""A syntax tree back to Excel formula text, each name renamed, with as few parentheses as the
precedence rules allow."""

from __future__ import annotations

from typing import Callable

from .errors import ExcelError
from .parse import BINARY, POSTFIX_PRECEDENCE, PREFIX_PRECEDENCE, Binary, Constant, Name, Node, Percent, Prefix
from .values import format_number

__all__ = ["Rename", "render"]

Rename = Callable[[str], str]
_ATOM = 99


def render(node: Node, rename: Rename) -> str:
    """Formula text (without ``=``); each name is replaced by ``rename(name)``."""
    if isinstance(node, Constant):
        return _constant(node.value)
    if isinstance(node, Name):
        return rename(node.name)
    if isinstance(node, Prefix):
        return node.op + _wrapped(node.operand, PREFIX_PRECEDENCE, rename)
    if isinstance(node, Percent):
        return _wrapped(node.operand, POSTFIX_PRECEDENCE, rename) + "%"
    if isinstance(node, Binary):
        prec = BINARY[node.op][0]
        return _wrapped(node.left, prec, rename) + node.op + _wrapped(node.right, prec + 1, rename)
    return f"{node.name}(" + ",".join(render(arg, rename) for arg in node.args) + ")"


def _constant(value: float | str | bool | ExcelError) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, ExcelError):
        return value.code
    return format_number(value)


def _precedence(node: Node) -> int:
    if isinstance(node, Binary):
        return BINARY[node.op][0]
    if isinstance(node, Prefix):
        return PREFIX_PRECEDENCE
    if isinstance(node, Percent):
        return POSTFIX_PRECEDENCE
    return _ATOM


def _wrapped(node: Node, min_prec: int, rename: Rename) -> str:
    """``node`` rendered, in parentheses where it binds less tightly than ``min_prec``."""
    text = render(node, rename)
    return f"({text})" if _precedence(node) < min_prec else text
