"""The round's logic, stated once as Excel formulas, and the one evaluator of those formulas.

:func:`logic` wraps the task table's formulas into guarded formulas: for each indicator a value, a
status (数据缺失 / 数据异常 / 达标 / 未达标) and a note; for each check a guarded rule; for a table
indicator the per-row helper formulas.  The collection workbooks (self-check) and the scorecard write
this very text into cells; :class:`Evaluator` is how Python evaluates it on a
:class:`~jieshui_xl.data.Collection`, for :func:`jieshui_xl.score.compute` and for the cached values
every writer stores, so a spreadsheet's recalculation reproduces the Python result.

It depends only on the task table (and the Collection model), so the generator uses it without
the scoring stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import Collection
from .findings import ERROR
from .formula import ExcelError, Formula, parse
from .labels import FAIL, INVALID, MISSING, PASS, STATUS_LABELS
from .spec import ROW_NAME, Indicator, Table, TaskTable

__all__ = ["Evaluator", "Logic", "RowResult", "TableLogic", "evaluator", "logic", "row_logic"]


# ---------------------------------------------------------------------------------------------
# The logic, as formulas
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableLogic:
    """Formulas of a table indicator.  Row formulas use column codes and ``row_value``, to be
    rendered per row; the aggregate formulas use the range names ``<table>_rows_filled`` etc."""
    table: Table
    filled: Formula        # 1 if any cell of the row is filled
    complete: Formula      # 1 if every cell of the row is filled
    value: Formula         # the row's value, "" where incomplete or not computable
    passed: Formula        # 1 if the row's value meets the row rule
    range_names: dict      # part -> defined name of the helper column (filled/complete/value/pass)


@dataclass(frozen=True)
class Logic:
    """Every computed name of the round with its (guarded) formula, in dependency-safe order."""
    formulas: dict[str, Formula]           # name -> formula (calcs, targets, values, checks, ...)
    status: dict[str, Formula]             # indicator code -> status formula
    note: dict[str, Formula]               # indicator code -> note formula
    required: dict[str, list[str]]         # indicator code -> required items it needs
    tables: dict[str, TableLogic]          # indicator code -> table logic


def _missing_condition(items: list[str]) -> str:
    return "OR(" + ",".join(f"ISBLANK({i})" for i in items) + ")" if items else "FALSE"


def _guarded(formula: Formula | None, missing: str, blank: str = '""') -> Formula:
    if formula is None:
        return parse('""')
    if missing == "FALSE":
        return parse(f"IFERROR({formula.text},{blank})")
    return parse(f"IF({missing},{blank},IFERROR({formula.text},{blank}))")


def _required(table: TaskTable, formulas) -> list[str]:
    used = set()
    for f in formulas:
        used |= table.items_used(f)
    return sorted(i for i in used if table.items[i].required)


def row_logic(table: TaskTable, ind: Indicator) -> TableLogic:
    tbl = table.tables[ind.table]
    cols = ",".join(c.code for c in tbl.columns)
    n = len(tbl.columns)
    names = {part: f"{tbl.code}_rows_{part}" for part in ("filled", "complete", "value", "pass")}
    value = parse(f'IF(COUNTA({cols})={n},IFERROR({ind.row_formula.text},""),"")') if ind.row_formula \
        else parse('""')
    passed = parse(f"IF(ISNUMBER({ROW_NAME}),IF({ind.row_rule.text},1,0),0)") if ind.row_rule else parse("0")
    return TableLogic(table=tbl, filled=parse(f"IF(COUNTA({cols})>0,1,0)"),
                      complete=parse(f"IF(COUNTA({cols})={n},1,0)"), value=value, passed=passed,
                      range_names=names)


def logic(table: TaskTable) -> Logic:
    """Build the guarded formulas of every indicator, calc, target and check."""
    formulas: dict[str, Formula] = {}
    status: dict[str, Formula] = {}
    note: dict[str, Formula] = {}
    required: dict[str, list[str]] = {}
    tables: dict[str, TableLogic] = {}
    for chk in table.checks:
        missing = _missing_condition(_required(table, [chk.rule]))
        formulas[chk.code] = parse(f"IF({missing},TRUE,IFERROR(AND({chk.rule.text}),FALSE))")
    for calc in table.calcs.values():
        formulas[calc.code] = _guarded(calc.formula, "FALSE")
    for ind in table.indicators:
        if ind.table:
            tables[ind.code] = tl = row_logic(table, ind)
            r = tl.range_names
            formulas[ind.value_name] = parse('""')
            status[ind.code] = parse(
                f'IF(SUM({r["filled"]})=0,"{STATUS_LABELS[MISSING]}",'
                f'IF(SUM({r["complete"]})<SUM({r["filled"]}),"{STATUS_LABELS[INVALID]}",'
                f'IF(SUM({r["pass"]})=SUM({r["filled"]}),"{STATUS_LABELS[PASS]}","{STATUS_LABELS[FAIL]}")))')
            note[ind.code] = parse(f'IF(SUM({r["filled"]})=0,"",SUM({r["filled"]})&"项中"&SUM({r["pass"]})&"项达标")')
            required[ind.code] = []
            continue
        req = _required(table, [ind.formula, ind.rule, ind.target])
        required[ind.code] = req
        missing = _missing_condition(req)
        formulas[ind.target_name] = _guarded(ind.target, "FALSE")
        formulas[ind.value_name] = _guarded(ind.formula, missing)
        errors = [f"ISERROR({ind.formula.text})"] if ind.formula else []
        errors += [f"NOT({c.code})" for c in table.checks_of(ind) if c.severity == ERROR]
        invalid = "OR(" + ",".join(errors) + ")" if errors else "FALSE"
        assert ind.rule is not None, "the loader refuses an indicator without a table or a rule"
        status[ind.code] = parse(
            f'IF({missing},"{STATUS_LABELS[MISSING]}",IF({invalid},"{STATUS_LABELS[INVALID]}",'
            f'IF(IFERROR(AND({ind.rule.text}),FALSE),"{STATUS_LABELS[PASS]}","{STATUS_LABELS[FAIL]}")))')
        note[ind.code] = _guarded(ind.note, missing)
    return Logic(formulas=formulas, status=status, note=note, required=required, tables=tables)



@dataclass
class RowResult:
    number: int                      # 1-based row of the table
    cells: dict[str, object]         # column code -> value
    filled: bool
    complete: bool
    value: float | None
    passed: bool



class Evaluator:
    """The one name resolver: items from the collection, parameters, computed names (evaluated once,
    from the formulas of :func:`logic`) and table helper ranges.  :func:`compute` and everything
    that shows a computed value (scorecard, self-check) read values through it."""

    def __init__(self, table: TaskTable, collection: Collection, lg: Logic):
        self.table, self.collection, self.logic = table, collection, lg
        self.cache: dict[str, object] = {}
        self.rows: dict[str, list[RowResult]] = {}

    def __call__(self, name: str):
        if name in self.cache:
            return self.cache[name]
        if name in self.table.items:
            value = self.collection.value(name)
        elif name in self.table.params:
            value = self.table.params[name]
        elif name in self.logic.formulas:
            value = self.logic.formulas[name].evaluate(self)
        else:
            value = self._range(name)
        self.cache[name] = value
        return value

    def _range(self, name: str):
        for code, tl in self.logic.tables.items():
            for part, range_name in tl.range_names.items():
                if range_name == name:
                    rows = self.table_rows(code)
                    return [_row_part(r, part) for r in rows]
        return ExcelError("#NAME?")

    def table_rows(self, code: str) -> list[RowResult]:
        if code not in self.rows:
            tl = self.logic.tables[code]
            ind = self.table.indicator(code)
            got = self.collection.tables.get(tl.table.code, [])
            out = []
            for n in range(tl.table.rows):
                cells = {c.code: (got[n][c.code].value if n < len(got) and c.code in got[n] else None)
                         for c in tl.table.columns}
                out.append(self._row(n + 1, cells, tl, ind))
            self.rows[code] = out
        return self.rows[code]

    def _row(self, number: int, cells: dict, tl: TableLogic, ind: Indicator) -> RowResult:
        value = None

        def env(name):
            return cells[name] if name in cells else (value if name == ROW_NAME else self(name))
        value = tl.value.evaluate(env)
        passed = tl.passed.evaluate(env)
        return RowResult(number=number, cells=cells, filled=tl.filled.evaluate(env) == 1,
                         complete=tl.complete.evaluate(env) == 1,
                         value=value if isinstance(value, float) else None, passed=passed == 1)


def evaluator(table: TaskTable, collection: Collection, lg: Logic | None = None) -> Evaluator:
    """The value of any name on ``collection`` (item, parameter, computed name, table helper range),
    as :func:`compute` resolves it: for evaluating the formulas of :func:`logic` elsewhere."""
    return Evaluator(table, collection, lg or logic(table))


def _row_part(row: RowResult, part: str):
    return {"filled": float(row.filled), "complete": float(row.complete),
            "value": row.value if row.value is not None else "", "pass": float(row.passed)}[part]
