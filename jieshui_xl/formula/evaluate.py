"""Evaluating a syntax tree in Python, with Excel's semantics (see ``values`` and ``functions``)."""

from __future__ import annotations

from functools import partial
from typing import Callable

from .errors import ExcelError, Raised
from .functions import call
from .parse import Binary, Constant, Name, Node, Percent, Prefix
from .values import COMPARISONS, arithmetic, compare, to_number, to_text

__all__ = ["Lookup", "evaluate"]

Lookup = Callable[[str], object]


def evaluate(node: Node, lookup: Lookup) -> object:
    """The value of ``node``: a number, text, bool or None (blank), or an :class:`ExcelError`;
    names are looked up with ``lookup``."""
    try:
        return _value(node, lookup)
    except Raised as raised:
        return raised.error


def _value(node: Node, lookup: Lookup) -> object:
    """The value of ``node``; an error raises :class:`Raised`."""
    if isinstance(node, Constant):
        return _raising(node.value)
    if isinstance(node, Name):
        return _raising(lookup(node.name))
    if isinstance(node, Prefix):
        operand = _value(node.operand, lookup)
        return -to_number(operand) if node.op == "-" else operand
    if isinstance(node, Percent):
        return to_number(_value(node.operand, lookup)) / 100.0
    if isinstance(node, Binary):
        return _binary(node.op, _value(node.left, lookup), _value(node.right, lookup))
    return call(node.name, [partial(_value, arg, lookup) for arg in node.args])


def _raising(value: object) -> object:
    if isinstance(value, ExcelError):
        raise Raised(value)
    return value


def _binary(op: str, left: object, right: object) -> object:
    if op in COMPARISONS:
        return compare(op, left, right)
    if op == "&":
        return to_text(left) + to_text(right)
    return arithmetic(op, left, right)
