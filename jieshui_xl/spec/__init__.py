"""The task table (任务分工表): typed model, loader and validation.

``templates/task_division.xlsx`` is the one editable source of truth.  :func:`load_task_table`
reads it into a :class:`TaskTable`; every problem an administrator can make (a missing sheet or
column, an unknown unit, a duplicate code, a formula naming an unknown item, a cycle) is collected
into one report, and :class:`~jieshui_xl.findings.TaskTableError` is raised with all of them.

The package, by job: :mod:`.model` (the objects and :class:`TaskTable`'s questions), :mod:`.sheets`
(each sheet's columns, declared), :mod:`.rows` (the generic sheet reader), :mod:`.cells` (how a
cell of each kind is read), :mod:`.readers` and :mod:`.params` (objects from rows), :mod:`.checks`
(the cross-checks), :mod:`.names` (which codes Excel takes as names).
"""

from __future__ import annotations

from pathlib import Path

from ..findings import TaskTableError
from .checks import CHECKS
from .evidence import (
    EVIDENCE_PARTS,
    EVIDENCE_SHEET,
    SELF_ASSESSMENT_PARAM,
    VOLUME_LIST,
    Evidence,
    Subject,
    document_number,
    numeral,
    subject_number,
)
from .model import (
    DEFAULT_TITLE,
    ITEM_TYPES,
    TASK_STATUS_LIST,
    VETO_KIND,
    YESNO_LIST,
    Calc,
    Check,
    Choice,
    Column,
    Indicator,
    Item,
    Table,
    Task,
    TaskTable,
    Unit,
)
from .names import ROW_NAME, excel_accepts_name, iter_defined_names
from .problems import Problems
from .readers import read_task_table
from .rows import read_workbook
from .sheets import SHEETS

__all__ = [
    "Calc", "Check", "Choice", "Column", "Indicator", "Item", "Table", "Task", "TaskTable", "Unit",
    "Evidence", "Subject", "EVIDENCE_PARTS", "EVIDENCE_SHEET", "SELF_ASSESSMENT_PARAM", "VOLUME_LIST",
    "document_number", "numeral", "subject_number",
    "default_task_table_path", "load_task_table", "ITEM_TYPES",
    "excel_accepts_name", "iter_defined_names", "ROW_NAME", "TASK_STATUS_LIST", "VETO_KIND", "YESNO_LIST", "DEFAULT_TITLE",
]


BUNDLED_NAME = "task_division.xlsx"


def default_task_table_path() -> Path:
    """The bundled task table: ``templates/task_division.xlsx`` of the checkout the package runs from
    (the administrator's copy), else the copy a wheel carries in the package (``setup.py`` puts it
    there when the wheel is built; it is never a second file in the repository)."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / "templates" / BUNDLED_NAME
    return checkout if checkout.is_file() else package / "data" / BUNDLED_NAME


def load_task_table(path: str | Path | None = None, year: int | None = None,
                    city: str | None = None) -> TaskTable:
    """Read and validate the task table; raise :class:`TaskTableError` listing every problem.

    A missing sheet is reported; the other sheets are still checked, so that every problem is
    listed at once.  Checks that depend on a missing sheet are skipped rather than flooded."""
    path = Path(path) if path else default_task_table_path()
    problems = Problems(path.name)
    rows = read_workbook(path, SHEETS, problems)
    table = read_task_table(path, rows, problems, year, city)
    for check in CHECKS:
        check(table, rows, problems)
    if problems.report.errors:
        raise TaskTableError(problems.report)
    return table
