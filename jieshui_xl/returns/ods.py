"""Read an OpenDocument spreadsheet (.ods, as LibreOffice and WPS save it) straight from its zip.

The same facts as :mod:`.xlsx`, from ``content.xml`` (sheets, protection, cells, named ranges) and
``meta.xml`` (custom properties, save time), streamed and bounded in the same way.  ODF compresses
empty space with ``number-rows-repeated``/``number-columns-repeated``: empty runs only move the
position; repeated content counts, cell by cell, against ``Limits.cells``.
"""

from __future__ import annotations

import re

from ..workbook_names import column_letter
from .book import VISIBLE, Book, Cell, Sheet, Source
from .container import Container, Deadline
from .limits import Limits, ReadLimit
from .xlsx import iter_elements, local, parse_time

__all__ = ["read_ods", "read_properties", "odf_reference"]

_PERCENT_FORMAT = "0%"          # a percentage cell, as a number format the value parser knows
_MAX_REPEAT = 1_048_576
_ODF_AREA = re.compile(r"""\$?(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^.'\s:]+))?\.
                           (?P<start>\$?[A-Za-z]{1,3}\$?\d+)
                           (?::\$?(?:'(?:[^']|'')+'|[^.'\s:]+)?\.(?P<end>\$?[A-Za-z]{1,3}\$?\d+))?""", re.X)


def odf_reference(address: str) -> str | None:
    """An ODF range address ("$数据填报.$D$12:.$D$21") as the A1 reference text names use."""
    m = _ODF_AREA.match((address or "").strip())
    if m is None or (m["quoted"] is None and m["bare"] is None):
        return None
    sheet = m["quoted"].replace("''", "'") if m["quoted"] is not None else m["bare"]
    ref = m["start"] + (":" + m["end"] if m["end"] else "")
    return "'" + sheet.replace("'", "''") + "'!" + ref


MAX_CELL_CHARS = 32_767          # Excel's limit for the text of one cell


def _text(el) -> str:
    """The text of a cell: its paragraphs (one per line), with ODF's coded spaces, tabs and breaks;
    a cell that would expand beyond :data:`MAX_CELL_CHARS` (``<text:s text:c="2000000000"/>``) is refused
    before anything is built."""
    budget = [MAX_CELL_CHARS]
    lines = []
    for p in el:
        if local(p.tag) in ("p", "h"):
            lines.append(_inline(p, budget))
    return "\n".join(lines)


def _inline(node, budget: list[int]) -> str:
    parts = [_spend(budget, node.text or "")]
    for child in node:
        tag = local(child.tag)
        if tag == "s":
            count = child.get(_odf("text", "c")) or "1"
            parts.append(_spend(budget, " ", int(count) if count.isdigit() else 1))
        elif tag == "tab":
            parts.append(_spend(budget, "\t"))
        elif tag == "line-break":
            parts.append(_spend(budget, "\n"))
        elif tag != "annotation":
            parts.append(_inline(child, budget))
        parts.append(_spend(budget, child.tail or ""))
    return "".join(parts)


def _spend(budget: list[int], text: str, times: int = 1) -> str:
    budget[0] -= len(text) * times
    if budget[0] < 0:
        raise ReadLimit(f"单元格文字超过 {MAX_CELL_CHARS} 个字符")
    return text * times


_NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
       "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
       "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
       "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"}


def _odf(ns: str, name: str) -> str:
    return "{%s}%s" % (_NS[ns], name)


def _repeat(el, attr: str) -> int:
    try:
        return max(1, min(int(el.get(_odf("table", attr)) or 1), _MAX_REPEAT))
    except ValueError:
        return 1


def _value(el):
    """(cached value, number format, formula) of a table-cell element."""
    kind = el.get(_odf("office", "value-type"))
    formula = el.get(_odf("table", "formula"))
    if formula is not None:
        formula = "=" + formula.split(":", 1)[1].lstrip("=") if formula[:3] in ("of:", "oooc:") or \
            formula.startswith("msoxl:") else formula
        formula = formula if formula.startswith("=") else "=" + formula
    fmt = "General"
    if kind in ("float", "currency", "percentage"):
        value = _number(el.get(_odf("office", "value")))
        fmt = _PERCENT_FORMAT if kind == "percentage" else fmt
    elif kind == "date":
        value = parse_time(el.get(_odf("office", "date-value")))
    elif kind == "boolean":
        value = (el.get(_odf("office", "boolean-value")) or "").lower() == "true"
    elif kind == "time":
        value = el.get(_odf("office", "time-value"))
    elif kind == "string":
        value = el.get(_odf("office", "string-value"))
        value = _text(el) if value is None else value
    else:
        value = _text(el) or None
    return value, fmt, formula


def _number(text: str | None):
    try:
        number = float(text or "")
    except ValueError:
        return None
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


class _Reader:
    def __init__(self, limits: Limits, deadline: Deadline):
        self.limits, self.deadline = limits, deadline
        self.sheets: dict[str, Sheet] = {}
        self.names: dict[str, str] = {}
        self.local_names: dict[str, str] = {}
        self.hidden_styles: set[str] = set()
        self.sheet: Sheet | None = None
        self.row, self.col, self.cells = 0, 0, 0
        self.row_cells: list[tuple[int, Cell]] = []

    def count(self, n: int) -> None:
        self.cells += n
        if self.cells > self.limits.cells:
            raise ReadLimit(f"工作簿的单元格超过 {self.limits.cells} 个（可能整表设置了格式或内容异常）")

    def read(self, stream) -> None:
        for event, el in iter_elements(stream, self.deadline, events=("start", "end")):
            tag = local(el.tag)
            if event == "start":
                self.start(tag, el)
            else:
                self.end(tag, el)

    def start(self, tag: str, el) -> None:
        if tag == "table":
            title = el.get(_odf("table", "name")) or f"Sheet{len(self.sheets) + 1}"
            state = "hidden" if el.get(_odf("table", "style-name")) in self.hidden_styles else VISIBLE
            protected = (el.get(_odf("table", "protected")) or "").lower() == "true"
            self.sheet = self.sheets.setdefault(title, Sheet(title, state, protected))
            self.row = 0
        elif tag == "table-row":
            self.col, self.row_cells = 0, []

    def end(self, tag: str, el) -> None:
        if tag in ("table-cell", "covered-table-cell"):
            self.cell(el)
            el.clear()
        elif tag == "table-row":
            self.end_row(_repeat(el, "number-rows-repeated"))
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
        elif tag == "table-properties" and (el.get(_odf("table", "display")) or "").lower() == "false":
            parent = el.getparent()
            if parent is not None and parent.get(_odf("style", "name")):
                self.hidden_styles.add(parent.get(_odf("style", "name")))
        elif tag == "named-range":
            ref = odf_reference(el.get(_odf("table", "cell-range-address")) or "")
            name = el.get(_odf("table", "name"))
            if name and ref:
                target = self.local_names if local(el.getparent().getparent().tag) == "table" else self.names
                target.setdefault(name, ref)
        elif tag == "table":
            el.clear()
            self.sheet = None

    def cell(self, el) -> None:
        repeat = _repeat(el, "number-columns-repeated")
        value, fmt, formula = _value(el)
        if self.sheet is not None and (value is not None or formula is not None):
            self.count(repeat)
            for k in range(repeat):
                self.row_cells.append((self.col + k + 1, Cell(value, fmt, formula)))
        self.col += repeat

    def end_row(self, repeat: int) -> None:
        if self.sheet is not None and self.row_cells:
            self.count(len(self.row_cells) * (repeat - 1))
            for r in range(self.row + 1, self.row + repeat + 1):
                for col, cell in self.row_cells:
                    self.sheet.cells[f"{column_letter(col)}{r}"] = cell
        self.row += repeat
        self.row_cells = []


def _meta(container: Container):
    member = container.find("meta.xml")
    props: dict[str, str] = {}
    modified = None
    if member is None:
        return props, modified
    from lxml import etree

    from .xlsx import xml_parser
    root = etree.fromstring(container.read(member), xml_parser())
    for el in root.iter():
        tag = local(el.tag)
        if tag == "user-defined":
            name = el.get(_odf("meta", "name"))
            if name:
                props[name] = el.text or ""
        elif tag == "date":
            parent = el.getparent()
            if parent is not None and local(parent.tag) == "meta":
                modified = parse_time(el.text)
    return props, modified


def read_ods(source: Source, limits: Limits, deadline: Deadline | None = None) -> Book:
    deadline = deadline or Deadline(limits.seconds)
    container = Container(source.data, limits)
    try:
        reader = _Reader(limits, deadline)
        member = container.find("content.xml")
        if member is None:
            raise ValueError("no content.xml")
        with container.open(member) as fh:
            reader.read(fh)
        props, modified = _meta(container)
    finally:
        container.close()
    names = {**reader.local_names, **reader.names}
    return Book(source, reader.sheets, names, props, modified, max_name_cells=limits.name_cells)


def read_properties(source: Source, limits: Limits) -> dict[str, str]:
    """Only the user-defined properties of meta.xml (the identity's copy)."""
    container = Container(source.data, limits)
    try:
        return _meta(container)[0]
    finally:
        container.close()
