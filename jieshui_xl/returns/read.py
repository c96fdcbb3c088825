"""Read one identified collection workbook by its defined names: items, table rows, checklist
answers, contact and data sources.  Every problem becomes a finding in the file's own report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..data import CellValue, EvidenceEntry, ProgressAnswer, TaskAnswer
from ..findings import WARNING, Report
from ..identity import Identity
from ..spec import EVIDENCE_PARTS, Column, Evidence, Item, Table, Task, TaskTable
from ..workbook_names import Place, parse_reference
from .values import Parsed, Typed, parse_choice, parse_item, parse_text, show

__all__ = ["Returned", "Reader", "read_returned", "CONTACT_FIELDS", "SOURCE_PREFIX"]

SOURCE_PREFIX = "src_"
# defined name, key in Collection.contacts, label, required
CONTACT_FIELDS = (("contact_name", "name", "填报联系人", True), ("contact_phone", "phone", "联系电话", True),
                  ("fill_date", "date", "填报日期", False))
TASK_PARTS = (("status", "进展状态"), ("evidence", "佐证材料（文件名称及文号）"), ("note", "备注"))


@dataclass
class Returned:
    """What one workbook holds for its unit (only accepted values; the rest is in the report)."""
    file: str
    unit: str
    values: dict[str, CellValue] = field(default_factory=dict)
    tables: dict[str, list[dict[str, CellValue]]] = field(default_factory=dict)
    tasks: dict[tuple[int, str], TaskAnswer] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)
    cells: set[tuple[str, str]] = field(default_factory=set)   # (sheet, cell) of every input cell read
    progress: dict[tuple[int, str], ProgressAnswer] = field(default_factory=dict)   # a progress form's answers
    evidence: dict[tuple[str, str], EvidenceEntry] = field(default_factory=dict)    # its 佐证材料清单

    @property
    def empty(self) -> bool:
        """Nothing accepted at all: no value, table cell, task answer or contact detail."""
        answers = any(a.status or a.evidence or a.note for a in self.tasks.values())
        answers = answers or any(not a.empty for a in self.progress.values())
        answers = answers or any(not e.empty for e in self.evidence.values())
        contact = any(v for k, v in self.contact.items() if k != "file")
        return not (self.values or any(self.tables.values()) or answers or contact)


class Reader:
    """Reads named cells of one workbook and reports, with location, what was wrong."""

    def __init__(self, table: TaskTable, book, ident: Identity, report: Report):
        self.table, self.book, self.ident, self.report = table, book, ident, report
        self.unit, self.file = ident.unit, book.name
        self.moves: list[tuple[Place, Place, str, str]] = []    # (expected, found, name, label)
        self.cells: set[tuple[str, str]] = set()                 # every input cell read

    def add(self, code: str, **kw) -> None:
        self.report.add(code, unit=self.unit, file=self.file, **kw)

    # -- names ----------------------------------------------------------------------------------
    def place(self, name: str, label: str, severity: str | None = None) -> Place | None:
        """Where ``name`` points; name-missing / cell-moved findings as needed."""
        place = self.book.locate(name)
        expected = parse_reference(self.ident.cells[name]) if name in self.ident.cells else None
        if place is None and name in self.book.names:
            self.add("name-broken", field=name, label=label, severity=severity, value=self.book.names[name][:80],
                     sheet=expected.sheet if expected else None, cell=expected.ref if expected else None)
            return None
        if place is None:
            self.add("name-missing", field=name, label=label, severity=severity,
                     sheet=expected.sheet if expected else None, cell=expected.ref if expected else None)
            return None
        if expected is not None and (expected.sheet, expected.ref) != (place.sheet, place.ref):
            self.moves.append((expected, place, name, label))
        self.cells |= {(place.sheet, c) for c in place.cells}
        return place

    def report_moves(self, each_up_to: int = 3) -> None:
        """Moved input cells: one finding each when few, else one per sheet (an inserted row moves
        every cell below it; fifty identical warnings would hide the other findings)."""
        by_sheet: dict[tuple[str, str], list] = {}
        for move in self.moves:
            by_sheet.setdefault((move[0].sheet, move[1].sheet), []).append(move)
        for (old_sheet, new_sheet), moves in by_sheet.items():
            if len(moves) <= each_up_to:
                for expected, place, name, label in moves:
                    moved_to = place.ref if old_sheet == new_sheet else str(place)   # a renamed sheet: say so
                    self.add("cell-moved", sheet=place.sheet, cell=place.ref, field=name, label=label,
                             expected=str(expected), moved_to=moved_to)
                continue
            expected, place, name, label = moves[0]
            moved_to = place.ref if old_sheet == new_sheet else str(place)
            self.add("cells-moved", sheet=new_sheet, cell=place.ref, field=name, label=label,
                     expected=str(expected), moved_to=moved_to, count=len(moves), old_sheet=old_sheet)

    # -- cells ----------------------------------------------------------------------------------
    def value(self, sheet: str, coord: str, name: str, label: str, parse: Callable[[Typed], Parsed]) -> Parsed:
        """Parse one cell; report what was cleaned or rejected, and formulas."""
        typed, formula = self.book.cell(sheet, coord)
        loc = dict(sheet=sheet, cell=coord, field=name, label=label)
        if formula is not None and typed.value is None:
            self.add("value-formula-no-result", value=formula, **loc)
            return Parsed(None, formula)
        parsed = parse(typed)
        for code, kw in parsed.notes:
            self.add(code, value=parsed.raw, **loc, **kw)
        if formula is not None and parsed.value is not None:
            self.add("value-formula", value=formula, parsed=show(parsed.value), **loc)
        return parsed

    def cell_value(self, parsed: Parsed, sheet: str, coord: str, source: str = "") -> CellValue:
        raw = parsed.raw if parsed.raw != show(parsed.value) else None
        return CellValue(parsed.value, self.unit, self.file, sheet, coord, raw=raw, source=source)

    def item_parser(self, item: Item) -> Callable[[Typed], Parsed]:
        yesno = self.table.yesno_choices()
        return lambda typed: parse_item(item, typed, yesno)


# ---------------------------------------------------------------------------------------------
# Items and their data sources
# ---------------------------------------------------------------------------------------------

def read_source(r: Reader, item: Item) -> str:
    """The 数据来源 the department gave for an item ("" when its workbook has no such cell)."""
    name = SOURCE_PREFIX + item.code
    label = f"{item.label}的数据来源"
    if name not in r.ident.cells and name not in r.book.names:
        return ""          # the template has no source cell for this item
    place = r.place(name, label, severity=WARNING)
    if place is None:
        return ""
    parsed = r.value(place.sheet, place.cells[0], name, label, lambda t: parse_text(item, t))
    return str(parsed.value or "")


def read_item(r: Reader, item: Item) -> CellValue | None:
    place = r.place(item.code, item.label)
    if place is None:
        return None
    coord = place.cells[0]
    parsed = r.value(place.sheet, coord, item.code, item.label, r.item_parser(item))
    source = read_source(r, item)
    if parsed.blank and source:
        r.add("source-without-value", sheet=place.sheet, cell=coord, field=item.code, label=item.label,
              value=source)
    if parsed.blank and item.required:
        r.add("value-missing", sheet=place.sheet, cell=coord, field=item.code, label=item.label)
    if parsed.value is None:
        return None
    return r.cell_value(parsed, place.sheet, coord, source)


def read_items(r: Reader) -> dict[str, CellValue]:
    out = {}
    for item in r.table.items_of(r.unit):
        cv = read_item(r, item)
        if cv is not None:
            out[item.code] = cv
    return out


# ---------------------------------------------------------------------------------------------
# Table indicators (I15): one defined name per column, over N rows
# ---------------------------------------------------------------------------------------------

def table_title(table: TaskTable, tbl: Table) -> str:
    """What the department calls the table: its indicator's name."""
    for ind in table.indicators:
        if ind.table == tbl.code:
            return f"{ind.name}表"
    return f"表格{tbl.code}"


def _row(r: Reader, places: list[tuple[Column, Place | None]], i: int, title: str):
    """(cells accepted, labels missing, labels rejected, anything typed) of row ``i``."""
    cells, missing, rejected, typed = {}, [], [], False
    for col, place in places:
        if place is None or i >= len(place.cells):
            missing.append(col.label)
            continue
        coord = place.cells[i]
        parsed = r.value(place.sheet, coord, col.code, f"{title}第{i + 1}行的{col.label}", r.item_parser(col))
        typed = typed or not parsed.blank
        if parsed.blank:
            missing.append(col.label)
        elif parsed.rejected:
            rejected.append(col.label)
        else:
            cells[col.code] = r.cell_value(parsed, place.sheet, coord)
    return cells, missing, rejected, typed


def read_table(r: Reader, tbl: Table) -> list[dict[str, CellValue]]:
    """Rows with anything typed, in order; a partly filled (or partly rejected) row is reported."""
    title = table_title(r.table, tbl)
    places = [(col, r.place(col.code, f"{title}的{col.label}列")) for col in tbl.columns]
    found = [p for _, p in places if p is not None]
    if not found:
        return []
    rows = []
    for i in range(max(len(p.cells) for p in found)):
        cells, missing, rejected, typed = _row(r, places, i, title)
        if not typed:
            continue
        if missing or rejected:
            first = found[0]
            r.add("table-row-incomplete", sheet=first.sheet, cell=first.cells[min(i, len(first.cells) - 1)],
                  field=tbl.code, table=f"“{title}”", row=i + 1,
                  detail="、".join(missing + [f"{label}（填写有误）" for label in rejected]))
        rows.append(cells)
    return rows


# ---------------------------------------------------------------------------------------------
# Checklist tasks and contact
# ---------------------------------------------------------------------------------------------

def _task_part(r: Reader, task: Task, part: str, label: str, parse) -> tuple[str, str]:
    """(value, cell) of one checklist cell."""
    name = task.name(part)
    full = f"任务{task.seq}（{task.title}）的{label}"
    place = r.place(name, full)
    if place is None:
        return "", ""
    parsed = r.value(place.sheet, place.cells[0], name, full, parse)
    return str(parsed.value or ""), place.cells[0]


def read_task(r: Reader, task: Task) -> TaskAnswer:
    statuses = [c.value for c in r.table.task_status_choices()]
    parts = {}
    for part, label in TASK_PARTS:
        parse = (lambda t: parse_choice(None, t, statuses)) if part == "status" else (lambda t: parse_text(None, t))
        parts[part] = _task_part(r, task, part, label, parse)
    return TaskAnswer(task=task.seq, unit=r.unit, status=parts["status"][0], evidence=parts["evidence"][0],
                      note=parts["note"][0], file=r.file, cell=parts["status"][1])


def read_contact(r: Reader) -> dict[str, str]:
    contact = {"file": r.file}
    for name, key, label, required in CONTACT_FIELDS:
        place = r.place(name, label, severity=WARNING)
        value = ""
        if place is not None:
            value = str(r.value(place.sheet, place.cells[0], name, label, lambda t: parse_text(None, t)).value or "")
        contact[key] = value
        if required and not value:
            r.add("contact-missing", field=name, label=label,
                  sheet=place.sheet if place else None, cell=place.cells[0] if place else None)
    return contact


def split_files(text: str) -> tuple[str, ...]:
    """The attachment names of a 附件文件名 cell (separated by semicolons or new lines)."""
    return tuple(n.strip() for n in re.split(r"[\n\r;；]+", text) if n.strip())


def read_evidence(r: Reader, ev: Evidence) -> EvidenceEntry | None:
    """One row of the unit's 佐证材料清单 (None where its workbook has no such row: an older form)."""
    if ev.name("file") not in r.ident.cells:
        return None
    subject = r.table.subject(ev)
    parts, file_cell = {}, ""
    for part, label in EVIDENCE_PARTS:
        name, full = ev.name(part), f"{subject.label}佐证材料“{ev.title}”的{label}"
        place = r.place(name, full, severity=WARNING)
        parts[part] = "" if place is None else \
            str(r.value(place.sheet, place.cells[0], name, full, lambda t: parse_text(None, t)).value or "")
        if part == "file" and place is not None:
            file_cell = place.cells[0]
    return EvidenceEntry(code=ev.code, unit=r.unit, title=parts["title"], docno=parts["docno"],
                         files=split_files(parts["file"]), note=parts["note"], file=r.file, cell=file_cell)


def read_returned(table: TaskTable, book, ident: Identity, report: Report) -> Returned:
    """Everything the unit's workbook holds for this round."""
    r = Reader(table, book, ident, report)
    out = Returned(file=book.name, unit=ident.unit, values=read_items(r))
    for tbl in table.tables_of(ident.unit):
        out.tables[tbl.code] = read_table(r, tbl)
    for task in table.tasks_of(ident.unit):
        out.tasks[(task.seq, ident.unit)] = read_task(r, task)
    for ev in table.evidence_of(ident.unit):
        if (entry := read_evidence(r, ev)) is not None:
            out.evidence[(ev.code, ident.unit)] = entry
    out.contact = read_contact(r)
    r.report_moves()
    out.cells = r.cells
    return out
