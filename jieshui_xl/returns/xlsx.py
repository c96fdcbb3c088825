"""Read an .xlsx/.xlsm (Transitional or Strict Open XML) straight from its zip, within bounds.

Only what consolidation needs is read: sheets (name, visibility, protection), every cell that holds
something (cached value, number format, formula), defined names, the save time and the custom
document properties.  XML is parsed by lxml with entities, DTDs and the network off, streamed
(``iterparse``) and cleared as it goes, so memory stays flat whatever a sheet declares.
Element names are matched without their namespace: Transitional and Strict differ only there.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
from typing import IO, Any, Iterator

from lxml import etree

from ..identity import META_SHEET
from ..workbook_names import column_letter, parse_reference
from .book import VISIBLE, Book, Cell, Sheet, Source
from .container import Container, Deadline
from .limits import Limits, ReadLimit
from .numfmt import builtin_format, from_serial, is_date_format

__all__ = ["read_xlsx", "read_properties", "xml_parser", "iter_elements", "local", "parse_time"]

_TRUE = ("1", "true")
_MAX_SERIAL = 2958465            # 9999-12-31: larger "dates" stay numbers
_CHECK_EVERY = 4096              # elements between two looks at the clock


def xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _attr(el, name: str) -> str | None:
    """An attribute by local name (r:id is in another namespace in Strict files)."""
    value = el.get(name)
    if value is not None:
        return value
    for key, value in el.attrib.items():
        if key.endswith("}" + name):
            return value
    return None


def iter_elements(stream: IO[bytes], deadline: Deadline, events=("end",), tags=None
                  ) -> Iterator[tuple[str, Any]]:
    """(event, element) of a streamed XML part, hardened; the caller clears what it has used.
    ``tags`` (local names) limits what is yielded, in any namespace."""
    tag = None if tags is None else ["{*}" + t for t in tags]
    context = etree.iterparse(stream, events=events, tag=tag, resolve_entities=False, no_network=True,
                              load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    for n, (event, el) in enumerate(context):
        if n % _CHECK_EVERY == 0:
            deadline.check()
        yield event, el


_W3CDTF = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?\s*(Z|[+-]\d\d:?\d\d)?$")


def parse_time(text: str | None) -> _dt.datetime | None:
    """An ISO 8601 time (W3CDTF, any fraction of a second) as naive UTC; naive where no zone is given."""
    m = _W3CDTF.match((text or "").strip())
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g or 0) for g in m.groups()[:6])
    micro = int((m[7] or "0")[:6].ljust(6, "0"))
    try:
        when = _dt.datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None
    zone = m[8]
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        when -= sign * _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return when


# ---------------------------------------------------------------------------------------------
# Package structure
# ---------------------------------------------------------------------------------------------

class _Package:
    def __init__(self, container: Container):
        self.c = container

    def xml(self, name: str):
        member = self.c.find(name)
        return None if member is None else etree.fromstring(self.c.read(member), xml_parser())

    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(type, target part, id) of a part's relationships."""
        folder, base = posixpath.split(part.lstrip("/"))
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if root is None:
            return []
        out = []
        for rel in root:
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out.append((rel.get("Type") or "", path, rel.get("Id") or ""))
        return out

    def related(self, part: str, kind: str) -> str | None:
        for rtype, target, _ in self.rels(part):
            if rtype.endswith("/" + kind) and self.c.find(target):
                return target
        return None


def _workbook_part(pkg: _Package) -> str:
    return pkg.related("", "officeDocument") or "xl/workbook.xml"


# ---------------------------------------------------------------------------------------------
# Workbook, strings, styles, properties
# ---------------------------------------------------------------------------------------------

def _workbook(pkg: _Package, part: str):
    root = pkg.xml(part)
    if root is None:
        raise ValueError("no workbook part")
    targets = {rid: target for _, target, rid in pkg.rels(part)}
    sheets, names, date1904 = [], {}, False
    local_names: dict[tuple[int, str], str] = {}
    for el in root.iter():
        tag = local(el.tag)
        if tag == "sheet":
            sheets.append((el.get("name") or "", el.get("state") or VISIBLE, targets.get(_attr(el, "id") or "")))
        elif tag == "definedName" and el.get("name"):
            if el.get("localSheetId") is not None:
                local_names[(int(el.get("localSheetId")), el.get("name"))] = el.text or ""
            else:
                names[el.get("name")] = el.text or ""
        elif tag == "workbookPr":
            date1904 = (el.get("date1904") or "").lower() in _TRUE
    for (_, name), ref in sorted(local_names.items()):
        names.setdefault(name, ref)
    return sheets, names, date1904


def _shared_strings(pkg: _Package, part: str | None, deadline: Deadline) -> list[str]:
    if part is None:
        return []
    out = []
    with pkg.c.open(part) as fh:
        for _, el in iter_elements(fh, deadline):
            if local(el.tag) == "si":
                out.append(_rich_text(el))
                el.clear()
    return out


def _rich_text(el) -> str:
    """Text of an <si> or <is>: its <t>, or its runs' <t>; phonetic runs (<rPh>) left out."""
    parts = []
    for child in el:
        tag = local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    return "".join(parts)


def _styles(pkg: _Package, part: str | None) -> list[str]:
    """Number format code of each cell style (cellXfs index)."""
    root = pkg.xml(part) if part else None
    if root is None:
        return []
    custom = {}
    formats: list[str] = []
    for el in root.iter("{*}numFmt", "{*}cellXfs"):
        tag = local(el.tag)
        if tag == "numFmt" and el.get("numFmtId", "").isdigit():
            custom[int(el.get("numFmtId"))] = el.get("formatCode") or "General"
        elif tag == "cellXfs":
            for xf in el:
                fid = int(xf.get("numFmtId") or 0) if (xf.get("numFmtId") or "0").isdigit() else 0
                formats.append(custom.get(fid) or builtin_format(fid))
    return formats


def _properties(pkg: _Package) -> tuple[dict[str, str], _dt.datetime | None]:
    props = {}
    custom = pkg.related("", "custom-properties") or pkg.c.find("docProps/custom.xml")
    root = pkg.xml(custom) if custom else None
    for el in (root if root is not None else []):
        if local(el.tag) == "property" and el.get("name") and len(el):
            props[el.get("name")] = el[0].text or ""
    core = pkg.related("", "core-properties") or pkg.c.find("docProps/core.xml")
    root = pkg.xml(core) if core else None
    modified = None
    for el in (root if root is not None else []):
        if local(el.tag) == "modified":
            modified = parse_time(el.text)
    return props, modified


# ---------------------------------------------------------------------------------------------
# Worksheets
# ---------------------------------------------------------------------------------------------

class _SheetReader:
    """Streams one worksheet part into a :class:`Sheet` (cells with content only)."""

    def __init__(self, ctx: "_Context", sheet: Sheet):
        self.ctx, self.sheet = ctx, sheet
        self.row, self.col, self.row_el = 0, 0, None
        self.shared: dict[str, tuple[str, str]] = {}      # si -> (master formula, master cell)

    def read(self, stream: IO[bytes]) -> None:
        for _, el in iter_elements(stream, self.ctx.deadline, tags=("c", "row", "sheetProtection")):
            tag = local(el.tag)
            if tag == "c":
                self.cell(el)
            elif tag == "row":
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
            elif tag == "sheetProtection":
                self.sheet.protected = (el.get("sheet") or "").lower() in _TRUE
        if self.sheet.protected is None:
            self.sheet.protected = False

    def cell(self, el) -> None:
        self.ctx.count()
        coord = el.get("r") or self.position(el)
        value, formula = self.content(el, coord)
        style = el.get("s")
        el.clear()
        if value is None and formula is None:
            return
        fmt = self.ctx.format(style)
        if isinstance(value, float | int) and not isinstance(value, bool) and is_date_format(fmt) \
                and 0 <= value <= _MAX_SERIAL:
            value = from_serial(value, self.ctx.date1904)
        self.sheet.cells[coord] = Cell(value, fmt, formula)

    def position(self, el) -> str:
        """The coordinate of a cell written without one: its row's number, the next column."""
        row = el.getparent()
        if row is not self.row_el:
            self.row_el, self.col = row, 0
            self.row = int(row.get("r")) if row is not None and (row.get("r") or "").isdigit() else self.row + 1
        self.col += 1
        return f"{column_letter(self.col)}{self.row}"

    def content(self, el, coord: str):
        kind = el.get("t") or "n"
        raw, formula, inline = None, None, None
        for child in el:
            tag = local(child.tag)
            if tag == "v":
                raw = child.text
            elif tag == "f":
                formula = self.formula(child, coord)
            elif tag == "is":
                inline = _rich_text(child)
        return self.ctx.value(kind, raw, inline), formula

    def formula(self, f, coord: str) -> str:
        text, kind = f.text or "", f.get("t")
        if kind == "dataTable":
            return "{=TABLE()}"
        if kind == "shared" and f.get("si") is not None:
            si = f.get("si")
            if text:
                self.shared[si] = (text, coord)
            elif si in self.shared:
                return _translated(*self.shared[si], coord)
        return "=" + text


def _translated(master: str, origin: str, coord: str) -> str:
    """A shared formula as it reads in a dependent cell (openpyxl's translator, loaded only here)."""
    from openpyxl.formula.translate import Translator
    try:
        return Translator("=" + master, origin=origin).translate_formula(coord)
    except Exception:  # noqa: BLE001 - an untranslatable formula is shown as the master's
        return "=" + master


class _Context:
    def __init__(self, strings: list[str], formats: list[str], date1904: bool, limits: Limits, deadline: Deadline):
        self.strings, self.formats, self.date1904 = strings, formats, date1904
        self.limits, self.deadline = limits, deadline
        self.cells = 0

    def count(self) -> None:
        self.cells += 1
        if self.cells > self.limits.cells:
            raise ReadLimit(f"工作簿的单元格超过 {self.limits.cells} 个（可能整表设置了格式或内容异常）")

    def format(self, style: str | None) -> str:
        if style and style.isdigit() and int(style) < len(self.formats):
            return self.formats[int(style)]
        return "General"

    def value(self, kind: str, raw: str | None, inline: str | None):
        if kind == "inlineStr":
            return inline
        if raw is None or (raw == "" and kind != "str"):
            return None
        if kind == "s":
            index = int(raw)
            return self.strings[index] if 0 <= index < len(self.strings) else None
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip().lower() in _TRUE
        if kind == "d":
            return parse_time(raw)
        return _number(raw)


def _number(text: str):
    text = text.strip()
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return text


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

def read_xlsx(source: Source, limits: Limits, deadline: Deadline | None = None) -> Book:
    """The facts of an .xlsx source; raises :class:`ReadLimit`, or any parse error for a damaged file.

    Only the sheets consolidation needs are read: the identity sheet first, then the sheets the
    identity says the template had and those its names point to; a sheet the department added is read
    (its content reported) only up to :data:`EXTRA_SHEET_BYTES`, beyond that listed (``Sheet.unread``) but
    not parsed, so pasted raw data costs nothing and counts against no bound.  A workbook whose identity
    names no sheets (not ours, or an old generator's) has every sheet read."""
    deadline = deadline or Deadline(limits.seconds)
    container = Container(source.data, limits)
    try:
        pkg = _Package(container)
        part = _workbook_part(pkg)
        sheets, names, date1904 = _workbook(pkg, part)
        strings = _shared_strings(pkg, pkg.related(part, "sharedStrings"), deadline)
        ctx = _Context(strings, _styles(pkg, pkg.related(part, "styles")), date1904, limits, deadline)
        props, modified = _properties(pkg)
        book = Book(source, {}, names, props, modified, max_name_cells=limits.name_cells)
        needed: set[str] | None = None
        for title, state, target in sorted(sheets, key=lambda s: s[0] != META_SHEET):   # the identity first
            sheet = book.sheets[title] = Sheet(title, state)
            if needed is not None and title not in needed and _large(container, target):
                sheet.unread = True
                continue
            if target and container.find(target):
                with container.open(target) as fh:
                    _SheetReader(ctx, sheet).read(fh)
            if title == META_SHEET:
                needed = _needed_sheets(book)
        book.sheets = {title: book.sheets[title] for title, _, _ in sheets}   # workbook order
    finally:
        container.close()
    return book


EXTRA_SHEET_BYTES = 2**20      # a sheet the template did not have is read (its content reported) up to this size


def _needed_sheets(book: Book) -> set[str] | None:
    """The sheets of the template this workbook came from (its identity's) and the sheets its names
    point to (a renamed sheet), or None: all of them."""
    ident = book.identity()
    if ident is None or not ident.literals:
        return None
    named = {place.sheet for ref in book.names.values() if (place := parse_reference(ref, book.max_name_cells)) is not None}
    return {META_SHEET, *ident.literals, *named}


def _large(container: Container, target: str | None) -> bool:
    member = container.find(target) if target else None
    return member is not None and container.infos[member].file_size > EXTRA_SHEET_BYTES


def read_properties(source: Source, limits: Limits) -> dict[str, str]:
    """Only the custom document properties (the identity's copy), however damaged the sheets are."""
    container = Container(source.data, limits)
    try:
        return _properties(_Package(container))[0]
    finally:
        container.close()
