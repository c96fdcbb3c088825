"""The rules a code of the task table must follow to be a name in Excel formulas, and the names
a table defines.

:func:`excel_accepts_name` is the one rule; the others build on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..formula import NAME_PATTERN, looks_like_cell_reference

if TYPE_CHECKING:
    from .model import TaskTable

ROW_NAME = "row_value"      # in a table indicator's row rule: the row's computed value


def excel_accepts_name(name: str) -> bool:
    """Whether Excel (and XlsxWriter) take ``name`` as a defined name: a letter or ``_`` first, then
    letters, digits, ``_`` or ``.``; not a cell reference (``ab12``, ``XFD1``, ``R1C1``, ``R12``,
    ``C3``, ``r``, ``c``), not ``TRUE``/``FALSE``, at most 255 characters."""
    return (bool(NAME_PATTERN.match(name)) and not looks_like_cell_reference(name)
            and name.upper() not in ("TRUE", "FALSE") and len(name) <= 255)


def accepted(name: str) -> bool:
    """Whether a parameter's code can be a name (:func:`excel_accepts_name`, looked up at call time
    so a test can replace the rule in this module)."""
    return excel_accepts_name(name)


def is_formula_name(name: str) -> bool:
    """A code that formulas use (data item, column, calc, check): Excel accepts it and it has a ``_``."""
    return accepted(name) and "_" in name


def is_plain_name(name: str) -> bool:
    """An indicator's or a unit's code: only the names made from it (``value_I01``) are formula names."""
    return bool(NAME_PATTERN.match(name))


def iter_defined_names(table: TaskTable) -> Iterable[str]:
    """Every name a formula of the table may use (for writers that define them)."""
    yield from table.items
    yield from table.parameter_names()
    yield from table.calcs
    for ind in table.indicators:
        yield ind.value_name
        yield ind.target_name
