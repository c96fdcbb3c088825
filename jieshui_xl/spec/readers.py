"""Model objects from the rows of each sheet.

Each reader reads a row's cells in the order of the original loader, so that the problems of a
row are reported in the same order (a code first, then the columns its object is made of).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from ..formula import Formula
from .cells import NAMES, Cells, RowCells, Text
from .model import Calc, Check, Choice, Column, Indicator, Item, Table, Task, TaskTable, Unit
from .names import is_formula_name
from .params import read_params
from .problems import Problems
from .rows import Row, Rows
from .sheets import (HINT, ITEM_TYPE, LOWER, LOWER_INCLUSIVE, REPORTER, REQUIRED, UNIT, UPPER, CalcSheet,
                     CheckSheet, ChoiceSheet, ColumnSheet, IndicatorSheet, ItemSheet, ParamSheet, TaskSheet,
                     UnitSheet)


def read_task_table(path: Path, rows: Rows, problems: Problems, year: int | None, city: str | None) -> TaskTable:
    """The task table the rows describe, every problem of a cell reported to ``problems``."""
    cells = Cells(problems)
    params = read_params(cells, rows[ParamSheet.title], year, city)
    units = read_units(cells, rows[UnitSheet.title])
    cells.units = units if problems.have_sheets(UnitSheet.title) else None
    cells.codes[NAMES] = {p: f"“{ParamSheet.title}”工作表" for p in params.values if is_formula_name(p)}
    return TaskTable(
        path=path, year=params.year, city=params.city, params=params.values, units=units,
        items=read_items(cells, rows[ItemSheet.title]),
        tables=read_tables(cells, rows[ColumnSheet.title]),
        indicators=read_indicators(cells, rows[IndicatorSheet.title]),
        calcs=read_calcs(cells, rows[CalcSheet.title]),
        tasks=read_tasks(cells, rows[TaskSheet.title]),
        checks=read_checks(cells, rows[CheckSheet.title]),
        choices=read_choices(cells, rows[ChoiceSheet.title]),
        param_labels=params.labels, notices=params.notices,
    )


def read_units(cells: Cells, rows: list[Row]) -> dict[str, Unit]:
    U = UnitSheet
    units: dict[str, Unit] = {}
    for row in rows:
        get = cells.of(row)
        name = get(U.name)
        if name in units:
            cells.bad("table-duplicate-code", row, U.name, value=name, other="前面的同名单位")
        units[name] = Unit(name=name, code=get(U.code), email=get(U.email), cc=get(U.cc), contact=get(U.contact),
                           phone=get(U.phone), note=get(U.note))
    return units


def _item_fields(get: RowCells, label: Text) -> dict[str, Any]:
    """What a data item and a table's column have alike (read in this order)."""
    return {"type": get(ITEM_TYPE), "lower_inclusive": get(LOWER_INCLUSIVE), "reporter": get(REPORTER),
            "required": get(REQUIRED), "label": get(label), "unit": get(UNIT), "lower": get(LOWER),
            "upper": get(UPPER), "hint": get(HINT), "row": get.row.number}


def read_items(cells: Cells, rows: list[Row]) -> dict[str, Item]:
    items = {}
    for row in rows:
        get = cells.of(row)
        code = get(ItemSheet.code)
        items[code] = Item(code=code, prev_of=get(ItemSheet.prev_of), **_item_fields(get, ItemSheet.label))
    return items


def read_tables(cells: Cells, rows: list[Row]) -> dict[str, Table]:
    C = ColumnSheet
    cols: dict[str, list[Column]] = {}
    sizes: dict[str, int] = {}
    for row in rows:
        get = cells.of(row)
        table = get(C.table)
        sizes[table] = get(C.rows) or C.rows.default          # 0 rows: the default
        code = get(C.code)
        cols.setdefault(table, []).append(Column(code=code, table=table, **_item_fields(get, C.label)))
    return {t: Table(code=t, rows=sizes[t], columns=tuple(c)) for t, c in cols.items()}


def read_indicators(cells: Cells, rows: list[Row]) -> list[Indicator]:
    I = IndicatorSheet  # noqa: E741
    out = []
    for row in rows:
        get = cells.of(row)
        code = get(I.code)
        ind = Indicator(
            seq=get(I.seq), goal=get(I.goal), name=get(I.name), definition=get(I.definition), kind=get(I.kind),
            requirement=get(I.requirement), leads=get(I.leads), responsible=get(I.responsible), code=code,
            result_unit=get(I.result_unit), decimals=get(I.decimals), target=get(I.target), formula=get(I.formula),
            rule=get(I.rule), note=get(I.note), table=get(I.table), row_formula=get(I.row_formula),
            row_rule=get(I.row_rule), remark=get(I.remark))
        for derived in (ind.value_name, ind.target_name, ind.status_name):
            cells.codes[NAMES][derived] = f"“{row.sheet}”{row.cell(I.code)}"
        if not row.text(I.rule) and not ind.table:   # (a rule that did not parse is reported once)
            cells.bad("table-missing-value", row, I.rule)
        out.append(ind)
    return out


def read_calcs(cells: Cells, rows: list[Row]) -> dict[str, Calc]:
    C = CalcSheet
    out = {}
    for row in rows:
        get = cells.of(row)
        code = get(C.code)
        f = get(C.formula)
        if f is None and row.text(C.formula) == "":
            cells.bad("table-missing-value", row, C.formula)
        # f is None only where a problem was reported (blank, or did not parse): such a table is refused
        out[code] = Calc(code=code, label=get(C.label), indicator=get(C.indicator), unit=get(C.unit),
                         formula=cast(Formula, f), note=get(C.note))
    return out


def read_tasks(cells: Cells, rows: list[Row]) -> list[Task]:
    T = TaskSheet
    out = []
    for row in rows:
        get = cells.of(row)
        out.append(Task(seq=get(T.seq), category=get(T.category), title=get(T.name), text=get(T.text),
                        leads=get(T.leads), responsible=get(T.responsible), indicator=get(T.indicator),
                        note=get(T.note)))
    return out


def read_checks(cells: Cells, rows: list[Row]) -> list[Check]:
    C = CheckSheet
    out = []
    for row in rows:
        get = cells.of(row)
        code, severity, rule = get(C.code), get(C.severity), get(C.rule)
        if rule is not None:
            out.append(Check(code=code, rule=rule, severity=severity, message=get(C.message)))
    return out


def read_choices(cells: Cells, rows: list[Row]) -> dict[str, list[Choice]]:
    C = ChoiceSheet
    out: dict[str, list[Choice]] = {}
    for row in rows:
        get = cells.of(row)
        out.setdefault(get(C.list_name), []).append(Choice(get(C.value), get(C.rank)))
    return out
