"""Build "returned workbooks" for tests, as a department would send them back.

The base is the round's real collection workbook (``jieshui_xl.template.write_templates``), or with
``use_templates=False`` a minimal workbook built here with the same contract: the very hidden
``_jieshui`` identity sheet and custom properties, one defined name per input (items, ``src_`` source
cells, table columns over N rows, checklist cells, contact), protected sheets with unlocked inputs.
Values are written exactly as given, so a string stays a string ("1,285.0", "约12").
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from helpers_template import read_identity
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.writer.excel import ExcelWriter

from jieshui_xl.identity import META_SHEET, PROPERTY_PREFIX, Identity, identity_check
from jieshui_xl.workbook_names import locate

__all__ = ["ReturnsBuilder", "cells_of", "set_identity", "move_name", "to_xlsm",
           "save", "cache_results"]

UNLOCKED = Protection(locked=False)
_TEMPLATES: dict[tuple, dict[str, bytes]] = {}


# ---------------------------------------------------------------------------------------------
# The minimal collection workbook (used until / unless the generator is available)
# ---------------------------------------------------------------------------------------------

def _abs(sheet: str, col: int, row: int, last_row: int | None = None) -> str:
    ref = f"${get_column_letter(col)}${row}"
    if last_row is not None:
        ref += f":${get_column_letter(col)}${last_row}"
    return f"'{sheet}'!{ref}"


def _input(ws, col: int, row: int) -> None:
    ws.cell(row=row, column=col).protection = UNLOCKED


def minimal_workbook(table, unit: str) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    refs: dict[str, str] = {}
    ws = wb.active
    ws.title = "填报（简版）"
    ws.append(["数据项", "单位", "填报值", "数据来源"])
    for item in table.items_of(unit):
        ws.append([item.label, item.unit, None, None])
        refs[item.code] = _abs(ws.title, 3, ws.max_row)
        refs["src_" + item.code] = _abs(ws.title, 4, ws.max_row)
        _input(ws, 3, ws.max_row)
        _input(ws, 4, ws.max_row)
    for name, label in (("contact_name", "填报联系人"), ("contact_phone", "联系电话"), ("fill_date", "填报日期")):
        ws.append([label, None, None])
        refs[name] = _abs(ws.title, 3, ws.max_row)
        _input(ws, 3, ws.max_row)
    for tbl in table.tables_of(unit):
        ts = wb.create_sheet(f"表{tbl.code}")
        ts.append(["序号"] + [c.label for c in tbl.columns])
        for n in range(tbl.rows):
            ts.append([n + 1])
            for col in range(2, len(tbl.columns) + 2):
                _input(ts, col, n + 2)
        for i, col in enumerate(tbl.columns, start=2):
            refs[col.code] = _abs(ts.title, i, 2, tbl.rows + 1)
    tasks = table.tasks_of(unit)
    if tasks:
        ks = wb.create_sheet("基础管理任务")
        ks.append(["任务", "进展状态", "佐证材料", "备注"])
        for task in tasks:
            ks.append([task.title])
            for col, part in enumerate(("status", "evidence", "note"), start=2):
                refs[task.name(part)] = _abs(ks.title, col, ks.max_row)
                _input(ks, col, ks.max_row)
    for name, ref in refs.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    for sheet in wb.worksheets:
        sheet.protection.sheet = True
    ident = Identity(unit=unit, unit_code=table.units[unit].code, year=table.year, city=table.city,
                     table_version=table.version, fingerprint=table.fingerprint, cells=refs)
    meta = wb.create_sheet(META_SHEET)
    for row in ident.rows():
        meta.append(list(row))
    meta.sheet_state = "veryHidden"
    for key, value in ident.properties().items():
        wb.custom_doc_props.append(StringProperty(name=key, value=value))
    return wb


# ---------------------------------------------------------------------------------------------
# Editing a workbook as a department (or a careless program) would
# ---------------------------------------------------------------------------------------------

def cells_of(wb, name: str) -> list[tuple[str, str]]:
    """(sheet, coordinate) of every cell a defined name covers, row by row."""
    place = locate(wb, name)
    assert place is not None, f"no defined name {name}"
    return [(place.sheet, coord) for coord in place.cells]


def set_identity(wb, resign: bool = True, **fields) -> None:
    """Change identity fields (year=2022, city=..., table_version=...) in the sheet and the properties.

    With ``resign`` (default) the check value is recomputed: the workbook is then like one generated
    with those fields (another year's form); without, it is an identity edited by hand."""
    if resign:
        ident = read_identity(wb)
        values = {k: getattr(ident, k) for k in ("unit", "year", "city", "table_version", "fingerprint",
                                                  "generated_at")}
        values.update(fields)
        fields = {**fields, "check": identity_check(**values)}
    meta = wb[META_SHEET]
    for row in meta.iter_rows(min_col=1, max_col=2):
        if row[0].value in fields:
            row[1].value = str(fields[row[0].value])
    for prop in list(wb.custom_doc_props.props):
        key = prop.name[len(PROPERTY_PREFIX):]
        if key in fields:
            prop.value = str(fields[key])


def move_name(wb, name: str, coordinate: str) -> tuple[str, str]:
    """Point ``name`` at another cell of its sheet (its value goes along); return (sheet, coordinate)."""
    (sheet, old), = cells_of(wb, name)
    ws = wb[sheet]
    ws[coordinate].value, ws[old].value = ws[old].value, None
    col, row = re.match(r"([A-Z]+)(\d+)", coordinate).groups()
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${col}${row}")
    return sheet, coordinate


def save(wb, path: Path, modified: _dt.datetime | None = None) -> Path:
    """Save with a chosen last-save time (openpyxl's own save always stamps "now")."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.modified = modified or _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return path


def cache_results(path: Path, sheet_index: int, results: dict[str, float]) -> Path:
    """Store cached results of formula cells (coordinate -> value), as Excel does on save."""
    part = f"xl/worksheets/sheet{sheet_index + 1}.xml"
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    xml = parts[part].decode("utf-8")
    for coord, value in results.items():
        # openpyxl writes an empty cached value as <v/> or <v></v>, depending on its XML writer
        xml, n = re.subn(rf'(<c r="{coord}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)', rf"\g<1><v>{value}</v>", xml)
        assert n == 1, f"no formula at {coord}"
    parts[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def to_xlsm(path: Path) -> Path:
    """Turn a saved .xlsx into a macro-enabled workbook (content type + a VBA part) at .xlsm."""
    target = path.with_suffix(".xlsm")
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504   # never run, never read
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    path.unlink()
    return target


# ---------------------------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------------------------

class ReturnsBuilder:
    """Returned workbooks for a task table: from the generated templates, or minimal ones."""

    def __init__(self, table, workdir: Path, use_templates: bool = True):
        self.table, self.workdir = table, Path(workdir)
        self.use_templates = use_templates

    def _templates_by_unit(self) -> dict[str, bytes]:
        """The generated templates (unit -> bytes), generated once per task table and process."""
        key = (id(self.table), self.table.fingerprint, self.table.year, self.table.city)
        if key not in _TEMPLATES:
            from jieshui_xl.template import write_templates
            with tempfile.TemporaryDirectory() as tmp:
                by_unit = {}
                for path in write_templates(self.table, Path(tmp)):
                    by_unit[read_identity(openpyxl.load_workbook(path)).unit] = path.read_bytes()
            _TEMPLATES[key] = by_unit
        return _TEMPLATES[key]

    def base(self, unit: str) -> openpyxl.Workbook:
        if self.use_templates:
            return openpyxl.load_workbook(io.BytesIO(self._templates_by_unit()[unit]))
        return minimal_workbook(self.table, unit)

    def workbook(self, unit: str, values: dict | None = None, rows: list[dict] | None = None) -> openpyxl.Workbook:
        """The unit's workbook with ``values`` (defined name -> value) and table ``rows`` typed in."""
        wb = self.base(unit)
        for name, value in (values or {}).items():
            sheet, coord = cells_of(wb, name)[0]
            wb[sheet][coord].value = value
        for i, row in enumerate(rows or []):
            for name, value in row.items():
                sheet, coord = cells_of(wb, name)[i]
                wb[sheet][coord].value = value
        return wb

    def returned(self, unit: str, path: Path, values: dict | None = None, rows: list[dict] | None = None,
                 modified: _dt.datetime | None = None, identity: dict | None = None) -> Path:
        """Save the unit's workbook; ``identity`` changes its recorded identity (year=2022, ...)."""
        wb = self.workbook(unit, values, rows)
        if identity:
            set_identity(wb, **identity)
        return save(wb, Path(path), modified)

    # -- a whole round -----------------------------------------------------------------------------
    def unit_values(self, unit: str, values: dict, tasks: dict | None = None, contact: bool = True) -> dict:
        """Named values for ``unit`` out of a round's item values (None = left blank)."""
        out = {code: v for code, v in values.items() if v is not None and self.table.items[code].reporter == unit}
        for task in self.table.tasks_of(unit):
            out[task.name("status")] = (tasks or {}).get(task.seq, self.table.task_status_choices()[0].value)
            out[task.name("evidence")] = f"{unit}文件〔{self.table.year}〕{task.seq}号"
        if contact:
            out.update(contact_name=f"{unit}联系人", contact_phone="023-79220000", fill_date="2024-01-10")
        return out

    def round(self, folder: Path, values: dict, rows: list[dict], units: list[str] | None = None) -> dict[str, Path]:
        """One returned workbook per unit (all reporting units unless ``units``)."""
        paths = {}
        for unit in units or self.table.reporting_units():
            tables = self.table.tables_of(unit)
            paths[unit] = self.returned(unit, Path(folder) / f"{self.table.units[unit].code}.xlsx",
                                        self.unit_values(unit, values), rows if tables else None)
        return paths
