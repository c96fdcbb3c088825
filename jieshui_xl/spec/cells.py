"""The kinds of cell a sheet declares, and how each is read: a bad cell is reported with its sheet,
cell and column, and read as blank (or the column's default) so that reading goes on."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable, Iterator, Mapping, TypeVar

from ..formula import Formula, FormulaSyntaxError, parse
from .names import is_formula_name
from .problems import Problems
from .rows import Field, Row

T = TypeVar("T")
NAMES = "names"     # the namespace of every code a formula may use (parameters, items, calcs, ...)


@dataclass
class Cells:
    """What reading a cell needs besides the cell: where problems go, the registered units (None
    when the 单位 sheet is missing: not checked), and the codes taken so far (for duplicates)."""
    problems: Problems
    units: Collection[str] | None = None
    codes: dict[str, dict[str, str]] = field(default_factory=dict)   # namespace -> code -> where

    def each(self, rows: Iterable[Row]) -> Iterator[RowCells]:
        """Each row's cells, to read."""
        return (RowCells(self, row) for row in rows)

    def bad(self, code: str, row: Row, f: Field[Any], **detail: object) -> None:
        self.problems.add(code, **detail, **row.loc(f))

    def check_unit(self, name: str, row: Row, f: Field[Any]) -> None:
        if self.units is not None and name not in self.units:
            self.bad("table-unknown-unit", row, f, value=name)


@dataclass
class RowCells:
    """One row's cells: ``get(IndicatorSheet.seq)`` is the 序号 cell, read as its kind says."""
    cells: Cells
    row: Row

    def __call__(self, f: Field[T]) -> T:
        return f.read(self.cells, self.row)


@dataclass(frozen=True)
class Text(Field[str]):
    """Text (a whole number typed as a number or a date read as text); ``filled``: no row may leave
    it blank (a missing column is reported once, not per row)."""
    filled: bool = False

    def read(self, cells: Cells, row: Row) -> str:
        value = row.text(self)
        if self.filled and not value and row.has(self):
            cells.bad("table-missing-value", row, self)
        return value


@dataclass(frozen=True)
class Raw(Field[object]):
    """The value as typed: a number, a date or text (a parameter's 值)."""

    def read(self, cells: Cells, row: Row) -> object:
        return row.get(self)


@dataclass(frozen=True)
class Number(Field["float | None"]):
    """A number, blank for none."""

    def read(self, cells: Cells, row: Row) -> float | None:
        return _number(cells, row, self)


@dataclass(frozen=True)
class Year(Field["int | None"]):
    """A whole number, blank for none (a parameter's 适用年度: blank for every year)."""

    def read(self, cells: Cells, row: Row) -> int | None:
        return _integer(cells, row, self)


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(value: object) -> _dt.date | None:
    """A date typed as a date cell or as text (2023-09-30, 2023/9/30, 2023年9月30日); None if not one."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    m = _DATE.fullmatch(str(value).strip()) if isinstance(value, str) else None
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Date(Field["_dt.date | None"]):
    """A date (a date cell, or text such as 2023-09-30), blank for none."""

    def read(self, cells: Cells, row: Row) -> _dt.date | None:
        v = row.get(self)
        if v is None:
            return None
        date = parse_date(v)
        if date is None:
            cells.bad("table-bad-value", row, self, value=row.text(self), detail="应为日期，如 2023-09-30")
        return date


@dataclass(frozen=True)
class Milestones(Field["tuple[tuple[_dt.date, str], ...]"]):
    """Dated steps, one a line (or separated by ；;): “2023-06-30 完成初稿”."""

    def read(self, cells: Cells, row: Row) -> tuple[tuple[_dt.date, str], ...]:
        out = []
        for part in (p.strip() for p in re.split(r"[\n；;]+", row.text(self)) if p.strip()):
            m = re.match(r"(\S+?)(?:[\s：:，,]+(.*))?$", part)
            date = parse_date(m[1]) if m else None
            if m is None or date is None:
                cells.bad("table-bad-value", row, self, value=part,
                          detail="每个阶段节点应以日期开头，如“2023-06-30 完成初稿”，一行一个")
                continue
            out.append((date, (m[2] or "").strip()))
        return tuple(sorted(out))


@dataclass(frozen=True)
class Integer(Field[int]):
    """A whole number; ``default`` where it is blank or bad."""
    default: int = 0

    def read(self, cells: Cells, row: Row) -> int:
        num = _integer(cells, row, self)
        return self.default if num is None else num


def _number(cells: Cells, row: Row, f: Field[Any]) -> float | None:
    v = row.get(f)
    if v is None:
        return None
    try:
        return float(str(v).strip())
    except ValueError:
        cells.bad("table-bad-value", row, f, value=v, detail="应为数字")
        return None


def _integer(cells: Cells, row: Row, f: Field[Any]) -> int | None:
    num = _number(cells, row, f)
    if num is None:
        return None
    if not num.is_integer():
        cells.bad("table-bad-value", row, f, value=row.get(f), detail="应为整数")
        return None
    return int(num)


@dataclass(frozen=True)
class FormulaCell(Field["Formula | None"]):
    """An Excel formula (blank for none)."""

    def read(self, cells: Cells, row: Row) -> Formula | None:
        text = row.text(self)
        if not text:
            return None
        try:
            return parse(text)
        except FormulaSyntaxError as exc:
            cells.bad("table-bad-formula", row, self, value=text, detail=str(exc))
            return None


@dataclass(frozen=True)
class UnitName(Text):
    """A unit's name, which the 单位 sheet must register."""

    def read(self, cells: Cells, row: Row) -> str:
        name = super().read(cells, row)
        if name:
            cells.check_unit(name, row, self)
        return name


@dataclass(frozen=True)
class UnitNames(Field["tuple[str, ...]"]):
    """Units' names, one a line (or separated by 、，,；;), each registered in the 单位 sheet."""

    def read(self, cells: Cells, row: Row) -> tuple[str, ...]:
        names = tuple(n.strip() for n in re.split(r"[\n、，,；;]+", row.text(self)) if n.strip())
        for name in names:
            cells.check_unit(name, row, self)
        return names


@dataclass(frozen=True)
class Code(Text):
    """A code, which ``rule`` accepts and which is unique among the codes of its ``namespace`` (""
    for none); no row may leave it blank."""
    filled: bool = True
    rule: Callable[[str], bool] = is_formula_name
    namespace: str = NAMES

    def read(self, cells: Cells, row: Row) -> str:
        code = super().read(cells, row)
        if not code:
            return ""
        if not self.rule(code):
            cells.bad("table-bad-code", row, self, value=code)
        if self.namespace:
            seen = cells.codes.setdefault(self.namespace, {})
            if code in seen:
                cells.bad("table-duplicate-code", row, self, value=code, other=seen[code])
            seen[code] = f"“{row.sheet}”{row.cell(self)}"
        return code


@dataclass(frozen=True, kw_only=True)
class OneOf(Field[T]):
    """One of the words of ``values`` (blank reads as ``blank``), read as what it stands for;
    another word is reported with ``detail`` and read as ``fallback``."""
    values: Mapping[str, T]
    fallback: T
    detail: str
    blank: str = ""

    def read(self, cells: Cells, row: Row) -> T:
        word = row.text(self) or self.blank
        if word in self.values:
            return self.values[word]
        cells.bad("table-bad-value", row, self, value=word, detail=self.detail)
        return self.fallback


@dataclass(frozen=True, kw_only=True)
class Flag(Field[bool]):
    """Yes unless the cell says ``no`` (and yes where the sheet has no such column)."""
    no: str

    def read(self, cells: Cells, row: Row) -> bool:
        return row.text(self) != self.no if row.has(self) else True
