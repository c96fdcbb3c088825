"""Read one identified progress form (工作调度) by its defined names: per task the unit leads, its
status, 完成比例, 进展情况, 存在问题, 下步计划, 预计完成时间; and the contact.  Same reader, same
findings as a collection workbook (:class:`.read.Reader`)."""

from __future__ import annotations

from ..data import ProgressAnswer
from ..findings import Report
from ..identity import Identity
from ..spec import Item, Task, TaskTable
from ..spec.cells import parse_date
from ..spec.progress import PARTS, progress_name, progress_tasks, statuses
from .read import Reader, Returned, read_contact
from .values import Parsed, Typed, parse_choice, parse_number, parse_text

__all__ = ["read_progress"]

LABELS = dict(PARTS)


def _percent_item(task: Task, unit: str) -> Item:
    """完成比例 read as a number item: 0–100, in %."""
    return Item(code=progress_name(task, "percent"), label=f"任务{task.seq}的完成比例", unit="%", type="decimal",
                lower=0, lower_inclusive=True, upper=100, required=False, reporter=unit, hint="")


def _part(r: Reader, task: Task, part: str, parse) -> tuple[Parsed | None, str]:
    """(parsed value, cell) of one cell of the task's row; (None, "") where its name is gone."""
    name = progress_name(task, part)
    label = f"任务{task.seq}（{task.title}）的{LABELS[part]}"
    place = r.place(name, label)
    if place is None:
        return None, ""
    return r.value(place.sheet, place.cells[0], name, label, parse), place.cells[0]


def _text(parsed: Parsed | None) -> str:
    return "" if parsed is None or parsed.value is None else str(parsed.value)


def read_answer(r: Reader, task: Task, choices: list[str]) -> ProgressAnswer:
    status, cell = _part(r, task, "status", lambda t: parse_choice(None, t, choices))
    item = _percent_item(task, r.unit)
    percent, _ = _part(r, task, "percent", lambda t: parse_number(item, t))
    texts = {part: _text(_part(r, task, part, lambda t: parse_text(None, t))[0])
             for part in ("report", "issues", "plan")}
    eta, _ = _part(r, task, "eta", _eta)
    value = percent.value if percent is not None else None
    return ProgressAnswer(task=task.seq, unit=r.unit, status=_text(status),
                          percent=float(value) if isinstance(value, (int, float)) else None,
                          eta=_text(eta), file=r.file, cell=cell, **texts)


def _eta(typed: Typed) -> Parsed:
    """预计完成时间: a date as YYYY-MM-DD; other text (“年底前”) as typed."""
    parsed = parse_text(None, typed)
    date = parse_date(parsed.value) if parsed.value is not None else None
    return Parsed(date.isoformat(), parsed.raw) if date is not None else parsed


def read_progress(table: TaskTable, book, ident: Identity, report: Report) -> Returned:
    """Everything a lead unit's progress form holds for its period."""
    r = Reader(table, book, ident, report)
    choices = list(statuses(table).values)
    out = Returned(file=book.name, unit=ident.unit)
    for task in progress_tasks(table, ident.unit):
        out.progress[(task.seq, ident.unit)] = read_answer(r, task, choices)
    out.contact = read_contact(r)
    r.report_moves()
    out.cells = r.cells
    return out
