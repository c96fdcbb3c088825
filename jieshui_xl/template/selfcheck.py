"""The live self-check: which computed names an indicator's formulas need, and their cached values.

The formulas are exactly those of :func:`jieshui_xl.logic.logic`; the cached values (what a
spreadsheet shows before it recalculates) are what Python computes for an empty workbook, with the
same evaluator that :func:`jieshui_xl.score.compute` uses.
"""

from __future__ import annotations

from ..data import Collection
from ..formula import ExcelError
from ..logic import Logic, evaluator
from ..spec import Indicator, TaskTable


class SelfCheck:
    def __init__(self, table: TaskTable, lg: Logic):
        self.table, self.logic = table, lg
        self._env = evaluator(table, Collection(year=table.year, city=table.city), lg)

    # -- what to place -------------------------------------------------------------------------------
    def computed_names(self, ind: Indicator) -> list[str]:
        """Computed names (targets, calcs, checks, ...) the indicator's self-check needs, besides its
        value, in the dependency-safe order of ``logic``."""
        needed = self._closure(self._roots(ind))
        return [n for n in self.logic.formulas if n in needed and n != ind.value_name]

    def parameters(self, ind: Indicator) -> list[str]:
        needed = self._closure(self._roots(ind))
        return [p for p in self.table.parameter_names() if p in needed]

    def _roots(self, ind: Indicator) -> set[str]:
        lg, code = self.logic, ind.code
        roots = {ind.value_name} | lg.status[code].names | lg.note[code].names
        roots |= {c.code for c in self.table.indicator_calcs(ind)} | {c.code for c in self.table.checks_of(ind)}
        if ind.target is not None:
            roots.add(ind.target_name)
        if code in lg.tables:
            tl = lg.tables[code]
            for f in (tl.filled, tl.complete, tl.value, tl.passed):
                roots |= f.names
        return roots

    def _closure(self, roots: set[str]) -> set[str]:
        seen, todo = set(), list(roots)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                if name in self.logic.formulas:
                    todo.extend(self.logic.formulas[name].names)
        return seen

    # -- cached values -------------------------------------------------------------------------------
    def value(self, name: str):
        return _cell_value(self._env(name))

    def status(self, ind: Indicator):
        return _cell_value(self.logic.status[ind.code].evaluate(self._env))

    def note(self, ind: Indicator):
        return _cell_value(self.logic.note[ind.code].evaluate(self._env))

    def rows(self, ind: Indicator) -> list[dict]:
        """Per table row: cached values of the helper cells (filled, complete, value, pass)."""
        names = self.logic.tables[ind.code].range_names
        columns = [self._env(name) for name in names.values()]
        return [dict(zip(names, row)) for row in zip(*columns)]


def _cell_value(value):
    """A Python formula result as XlsxWriter caches it (blank shows as 0, errors as their code)."""
    if value is None:
        return 0
    if isinstance(value, ExcelError):
        return value.code
    return value
