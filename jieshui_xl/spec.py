"""The task table (任务分工表): typed model, loader and validation.

``templates/task_division.xlsx`` is the one editable source of truth.  :func:`load_task_table`
reads it into a :class:`TaskTable`; every problem an administrator can make (a missing sheet or
column, an unknown unit, a duplicate code, a formula naming an unknown item, a cycle) is collected
into one report, and :class:`~jieshui_xl.findings.TaskTableError` is raised with all of them.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import openpyxl
from openpyxl.utils import get_column_letter

from .display import show
from .findings import Report, TaskTableError
from .formula import Formula, FormulaSyntaxError, NAME_PATTERN, looks_like_cell_reference, parse

__all__ = [
    "Calc", "Check", "Choice", "Column", "Indicator", "Item", "Table", "Task", "TaskTable", "Unit",
    "default_task_table_path", "load_task_table", "ITEM_TYPES",
]

ITEM_TYPES = {"小数": "decimal", "整数": "integer", "是否": "yesno", "文本": "text"}
YESNO_LIST, TASK_STATUS_LIST = "是否", "任务状态"
VETO_KIND = "底线"


def default_task_table_path() -> Path:
    """The bundled task table (``templates/task_division.xlsx`` beside the package)."""
    return Path(__file__).resolve().parent.parent / "templates" / "task_division.xlsx"


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    name: str
    code: str
    email: str = ""
    cc: str = ""
    contact: str = ""
    phone: str = ""
    note: str = ""

    @property
    def emails(self) -> list[str]:
        return _split_addresses(self.email)

    @property
    def cc_emails(self) -> list[str]:
        return _split_addresses(self.cc)


@dataclass(frozen=True)
class Item:
    """A scalar data item: one input cell in one reporting unit's workbook."""
    code: str
    label: str
    unit: str
    type: str                 # decimal | integer | yesno | text
    lower: float | None
    lower_inclusive: bool
    upper: float | None
    required: bool
    reporter: str
    hint: str
    row: int = 0              # row in the 数据项 sheet (for messages)
    prev_of: str = ""         # 上年来源: this item is last year's value of that indicator (history prefill)

    @property
    def numeric(self) -> bool:
        return self.type in ("decimal", "integer")

    def bound_text(self) -> str:
        """The bounds in words (Chinese), e.g. “大于0的整数”."""
        parts = []
        if self.lower is not None:
            parts.append(("≥" if self.lower_inclusive else ">") + show(self.lower))
        if self.upper is not None:
            parts.append("≤" + show(self.upper))
        kind = {"integer": "整数", "decimal": "数字"}.get(self.type, "")
        return ("、".join(parts) + "的" if parts else "") + kind


@dataclass(frozen=True)
class Column(Item):
    """A column of a table indicator (e.g. I15); its code names a one-column range."""
    table: str = ""


@dataclass(frozen=True)
class Table:
    code: str
    rows: int
    columns: tuple[Column, ...]

    @property
    def reporter(self) -> str:
        return self.columns[0].reporter


@dataclass(frozen=True)
class Calc:
    code: str
    label: str
    indicator: str
    unit: str
    formula: Formula
    note: str


@dataclass(frozen=True)
class Indicator:
    seq: int
    goal: str
    name: str
    definition: str
    kind: str                 # 导向指标 / 底线指标 (verbatim)
    requirement: str
    leads: tuple[str, ...]
    responsible: tuple[str, ...]
    code: str
    result_unit: str
    decimals: int
    target: Formula | None
    formula: Formula | None
    rule: Formula | None
    note: Formula | None
    table: str
    row_formula: Formula | None
    row_rule: Formula | None
    remark: str

    @property
    def is_veto(self) -> bool:
        return self.kind.startswith(VETO_KIND)

    @property
    def type_label(self) -> str:
        return self.kind.replace("指标", "")

    @property
    def value_name(self) -> str:
        return f"value_{self.code}"

    @property
    def status_name(self) -> str:
        return f"status_{self.code}"

    @property
    def target_name(self) -> str:
        return f"target_{self.code}"


@dataclass(frozen=True)
class Task:
    seq: int
    category: str
    title: str
    text: str
    leads: tuple[str, ...]
    responsible: tuple[str, ...]
    indicator: str
    note: str

    @property
    def is_checklist(self) -> bool:
        """Tasks with no linked indicator are collected as a checklist (tasks 1–8)."""
        return not self.indicator

    @property
    def reporters(self) -> tuple[str, ...]:
        """Who answers the checklist: its lead units, or its responsible units where it has none."""
        if not self.is_checklist:
            return ()
        return self.leads or self.responsible

    def name(self, part: str) -> str:
        """Defined name of a checklist cell: task01_status, task01_evidence, task01_note."""
        return f"task{self.seq:02d}_{part}"


@dataclass(frozen=True)
class Check:
    code: str
    rule: Formula
    severity: str             # error | warning
    message: str


@dataclass(frozen=True)
class Choice:
    value: str
    rank: int


@dataclass
class TaskTable:
    path: Path
    year: int
    city: str
    params: dict[str, object]
    units: dict[str, Unit]
    items: dict[str, Item]
    tables: dict[str, Table]
    indicators: list[Indicator]
    calcs: dict[str, Calc]
    tasks: list[Task]
    checks: list[Check]
    choices: dict[str, list[Choice]]
    notices: list[str] = field(default_factory=list)   # decisions the loader took (shown to users)
    param_labels: dict[str, tuple[str, str]] = field(default_factory=dict)   # code -> (名称, 单位)

    # -- identity -------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return str(self.params.get("table_version", ""))

    @cached_property
    def fingerprint(self) -> str:
        """Hash of what a collection workbook's layout depends on (items, columns, checklists)."""
        data = {
            "items": [[i.code, i.type, i.unit, i.reporter] for i in self.items.values()],
            "tables": [[c.code, c.type, c.reporter, t.rows] for t in self.tables.values() for c in t.columns],
            "tasks": [[t.seq, list(t.reporters)] for t in self.tasks if t.is_checklist],
        }
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]

    # -- lookups --------------------------------------------------------------------------------
    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    @cached_property
    def columns(self) -> dict[str, Column]:
        return {c.code: c for t in self.tables.values() for c in t.columns}

    @cached_property
    def checklist(self) -> list[Task]:
        return [t for t in self.tasks if t.is_checklist]

    def items_of(self, unit: str) -> list[Item]:
        return [i for i in self.items.values() if i.reporter == unit]

    def tables_of(self, unit: str) -> list[Table]:
        return [t for t in self.tables.values() if t.reporter == unit]

    def tasks_of(self, unit: str) -> list[Task]:
        return [t for t in self.checklist if unit in t.reporters]

    def reporting_units(self) -> list[str]:
        """Units that receive a collection workbook, in the order of the 单位 sheet."""
        asked = {i.reporter for i in self.items.values()} | {t.reporter for t in self.tables.values()}
        asked |= {u for t in self.checklist for u in t.reporters}
        return [u for u in self.units if u in asked]

    def task_status_choices(self) -> list[Choice]:
        return self.choices.get(TASK_STATUS_LIST, [])

    def yesno_choices(self) -> list[str]:
        return [c.value for c in self.choices.get(YESNO_LIST, [])]

    # -- formulas -------------------------------------------------------------------------------
    def definition(self, name: str) -> Formula | None:
        """The formula behind a computed name (calc, value_Ixx, target_Ixx, check), else None."""
        if name in self.calcs:
            return self.calcs[name].formula
        for ind in self.indicators:
            if name == ind.value_name:
                return ind.formula
            if name == ind.target_name:
                return ind.target
        for chk in self.checks:
            if chk.code == name:
                return chk.rule
        return None

    def items_used(self, formula: Formula | None, _seen: frozenset = frozenset()) -> set[str]:
        """Data items a formula depends on, directly or through calcs and other values."""
        if formula is None:
            return set()
        out: set[str] = set()
        for name in formula.names:
            if name in self.items:
                out.add(name)
            elif name not in _seen:
                out |= self.items_used(self.definition(name), _seen | {name})
        return out

    def indicator_items(self, ind: Indicator) -> set[str]:
        items = set()
        for f in (ind.formula, ind.rule, ind.target, ind.note):
            items |= self.items_used(f)
        return items

    def indicator_columns(self, ind: Indicator) -> list[Column]:
        return list(self.tables[ind.table].columns) if ind.table else []

    def indicator_reporter(self, ind: Indicator) -> str | None:
        """The one unit that reports every input of the indicator, or None if spread over several."""
        units = {self.items[c].reporter for c in self.indicator_items(ind)}
        units |= {c.reporter for c in self.indicator_columns(ind)}
        return units.pop() if len(units) == 1 else None

    def indicator_calcs(self, ind: Indicator) -> list[Calc]:
        return [c for c in self.calcs.values() if c.indicator == ind.code]

    def checks_of(self, ind: Indicator) -> list[Check]:
        """Checks whose items all belong to the indicator (their failure makes it 数据异常)."""
        mine = self.indicator_items(ind)
        return [c for c in self.checks if (used := self.items_used(c.rule)) and used <= mine]

    def parameter_names(self) -> list[str]:
        return [k for k, v in self.params.items() if _is_formula_name(k, underscore=False)
                and isinstance(v, (int, float))]


def _split_addresses(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[;；,，\s]+", text or "") if a.strip()]


def excel_accepts_name(name: str) -> bool:
    """Whether Excel (and XlsxWriter) take ``name`` as a defined name: a letter or ``_`` first, then
    letters, digits, ``_`` or ``.``; not a cell reference (``ab12``, ``XFD1``, ``R1C1``, ``R12``,
    ``C3``, ``r``, ``c``), not ``TRUE``/``FALSE``, at most 255 characters."""
    return (bool(NAME_PATTERN.match(name)) and not looks_like_cell_reference(name)
            and name.upper() not in ("TRUE", "FALSE") and len(name) <= 255)


def _is_formula_name(name: str, underscore: bool = True) -> bool:
    return excel_accepts_name(name) and ("_" in name or not underscore)


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

SHEETS = {  # sheet: required header columns
    "参数": ["代码", "名称", "单位", "适用年度", "值"],
    "单位": ["单位名称", "电子邮箱", "简称代码"],
    "指标": ["序号", "目标", "指标", "指标释义", "指标类型", "具体要求", "牵头单位", "责任单位", "代码", "结果单位",
           "小数位", "目标值", "计算公式", "达标规则", "备注公式", "表格", "行公式", "行规则"],
    "计算项": ["代码", "名称", "所属指标", "单位", "公式"],
    "数据项": ["代码", "数据项", "单位", "类型", "下限", "下限类型", "上限", "必填", "填报单位", "填报说明"],
    "表格列": ["表格", "行数", "代码", "列名", "单位", "类型", "下限", "下限类型", "上限", "填报单位", "填报说明"],
    "任务": ["序号", "类别", "任务名称", "任务内容", "牵头单位", "责任单位", "关联指标"],
    "一致性检查": ["代码", "规则", "严重程度", "提示"],
    "选项": ["列表", "值", "次序"],
}
ROW_NAME = "row_value"      # in a table indicator's row rule: the row's computed value


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict
    columns: dict           # header -> column index (1-based)

    def get(self, key: str):
        v = self.values.get(key)
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    def text(self, key: str) -> str:
        v = self.get(key)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (_dt.datetime, _dt.date)):
            return v.strftime("%Y-%m-%d")
        return str(v)

    def cell(self, key: str) -> str:
        col = self.columns.get(key)
        return f"{get_column_letter(col)}{self.number}" if col else f"第{self.number}行"

    def loc(self, key: str) -> dict:
        return {"sheet": self.sheet, "cell": self.cell(key), "field": key}


class _Loader:
    def __init__(self, path: Path, year: int | None, city: str | None):
        self.path, self.year_arg, self.city_arg = path, year, city
        self.report = Report()
        self.file = path.name
        self.missing_params: set[str] = set()
        self.notices: list[str] = []
        self.units_known = self.names_known = self.choices_known = True

    # -- reading -----------------------------------------------------------------------------
    def read_sheets(self) -> dict[str, list[_Row]]:
        try:
            wb = openpyxl.load_workbook(self.path, data_only=True, read_only=True)
        except FileNotFoundError:
            self.report.add("table-unreadable", file=str(self.path), detail="文件不存在")
            raise TaskTableError(self.report) from None
        except Exception as exc:  # corrupt zip, not a workbook, ...
            self.report.add("table-unreadable", file=str(self.path), detail=type(exc).__name__)
            raise TaskTableError(self.report) from None
        sheets = {}
        try:
            for name, required in SHEETS.items():
                if name not in wb.sheetnames:
                    self.report.add("table-missing-sheet", file=self.file, sheet=name)
                    continue
                sheets[name] = self._rows(wb[name], name, required)
        finally:
            wb.close()
        return sheets

    def _rows(self, ws, sheet: str, required: list[str]) -> list[_Row]:
        rows = list(ws.iter_rows(values_only=True))
        header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
        columns = {h: i + 1 for i, h in enumerate(header) if h}
        for col in required:
            if col not in columns:
                self.report.add("table-missing-column", file=self.file, sheet=sheet, field=col)
        out = []
        for n, values in enumerate(rows[1:], start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            out.append(_Row(sheet, n, {h: values[i - 1] if i - 1 < len(values) else None
                                       for h, i in columns.items()}, columns))
        return out

    # -- helpers -------------------------------------------------------------------------------
    def need(self, row: _Row, key: str) -> str:
        value = row.text(key)
        if not value and key in row.columns:    # a missing column is reported once, not per row
            self.report.add("table-missing-value", file=self.file, **row.loc(key))
        return value

    def number(self, row: _Row, key: str, default=None, integer=False):
        v = row.get(key)
        if v is None:
            return default
        try:
            num = float(str(v).strip())
        except ValueError:
            self.report.add("table-bad-value", file=self.file, value=v, detail="应为数字", **row.loc(key))
            return default
        if integer:
            if not num.is_integer():
                self.report.add("table-bad-value", file=self.file, value=v, detail="应为整数", **row.loc(key))
                return default
            return int(num)
        return num

    def formula(self, row: _Row, key: str) -> Formula | None:
        text = row.text(key)
        if not text:
            return None
        try:
            return parse(text)
        except FormulaSyntaxError as exc:
            self.report.add("table-bad-formula", file=self.file, value=text, detail=str(exc), **row.loc(key))
            return None

    def units_in(self, row: _Row, key: str, known: dict) -> tuple[str, ...]:
        names = tuple(n.strip() for n in re.split(r"[\n、，,；;]+", row.text(key)) if n.strip())
        for n in names:
            if n not in known and self.units_known:
                self.report.add("table-unknown-unit", file=self.file, value=n, **row.loc(key))
        return names

    def code(self, row: _Row, key: str, seen: dict, underscore=True, prefixed=False) -> str:
        """A code; ``prefixed`` codes (indicators) only appear as value_/target_ names."""
        code = self.need(row, key)
        if not code:
            return ""
        valid = bool(NAME_PATTERN.match(code)) if prefixed else _is_formula_name(code, underscore)
        if not valid:
            self.report.add("table-bad-code", file=self.file, value=code, **row.loc(key))
        if code in seen:
            self.report.add("table-duplicate-code", file=self.file, value=code, other=seen[code], **row.loc(key))
        seen[code] = f"“{row.sheet}”{row.cell(key)}"
        return code

    # -- sheets --------------------------------------------------------------------------------
    def params(self, rows: list[_Row]) -> tuple[dict, int, str]:
        by_code: dict[str, dict] = {}
        self.param_labels: dict[str, tuple[str, str]] = {}
        for row in rows:
            code = self.need(row, "代码")
            if code and not excel_accepts_name(code):
                self.report.add("table-bad-code", file=self.file, value=code, **row.loc("代码"))
            self.param_labels.setdefault(code, (row.text("名称"), row.text("单位")))
            year = self.number(row, "适用年度", integer=True)
            by_code.setdefault(code, {})[year] = row.get("值")
        general = {code: years.get(None) for code, years in by_code.items()}
        year = self.year_arg or general.get("period_year")
        try:
            year = int(float(year))
        except (TypeError, ValueError):
            self.report.add("table-missing-parameter", file=self.file, sheet="参数", value="period_year", year="考核")
            year = 0
        params = {}
        for code, years in by_code.items():
            value = self._param_for_year(code, years, year)
            if isinstance(value, (_dt.datetime, _dt.date)):
                value = value.strftime("%Y-%m-%d")
            params[code] = value
        params["period_year"] = year
        city = self.city_arg or str(params.get("city") or "")
        params["city"] = city
        return params, year, city

    def _param_for_year(self, code: str, years: dict, year: int):
        """The row for ``year``, else the general row, else the latest earlier year (with a notice:
        national averages are published a year late), else a problem."""
        if year in years or None in years:
            return years.get(year, years.get(None))
        earlier = [y for y in years if y is not None and y < year]
        if earlier:
            used = max(earlier)
            self.notices.append(f"参数“{self.param_labels[code][0] or code}”没有{year}年的值，"
                                f"暂用{used}年的值 {years[used]}；公布后请在任务分工表“参数”工作表补上{year}年一行。")
            return years[used]
        self.report.add("table-missing-parameter", file=self.file, sheet="参数", value=code, year=year)
        self.missing_params.add(code)   # reported once here, not again by every formula using it
        return None

    def units(self, rows: list[_Row]) -> dict[str, Unit]:
        units, seen_codes = {}, {}
        for row in rows:
            name = self.need(row, "单位名称")
            if name in units:
                self.report.add("table-duplicate-code", file=self.file, value=name, other="前面的同名单位",
                                **row.loc("单位名称"))
            code = self.code(row, "简称代码", seen_codes, prefixed=True)
            units[name] = Unit(name=name, code=code, email=row.text("电子邮箱"), cc=row.text("抄送"),
                               contact=row.text("联系人"), phone=row.text("联系电话"), note=row.text("说明"))
        return units

    def item(self, row: _Row, cls, known_units, label_key, **extra):
        kind = row.text("类型")
        if kind not in ITEM_TYPES:
            self.report.add("table-bad-value", file=self.file, value=kind,
                            detail="类型应为" + "、".join(ITEM_TYPES), **row.loc("类型"))
        lower_kind = row.text("下限类型") or "≥"
        if lower_kind not in ("≥", ">", ">="):
            self.report.add("table-bad-value", file=self.file, value=lower_kind, detail="下限类型应为“≥”或“>”",
                            **row.loc("下限类型"))
        reporter = self.need(row, "填报单位")
        if reporter and reporter not in known_units and self.units_known:
            self.report.add("table-unknown-unit", file=self.file, value=reporter, **row.loc("填报单位"))
        required = row.text("必填") != "否" if "必填" in row.columns else True
        return cls(code=extra.pop("code"), label=self.need(row, label_key), unit=row.text("单位"),
                   type=ITEM_TYPES.get(kind, "text"), lower=self.number(row, "下限"),
                   lower_inclusive=lower_kind != ">", upper=self.number(row, "上限"), required=required,
                   reporter=reporter, hint=row.text("填报说明"), row=row.number, **extra)

    def items(self, rows, known_units, seen) -> dict[str, Item]:
        items = {}
        for row in rows:
            code = self.code(row, "代码", seen)
            items[code] = self.item(row, Item, known_units, "数据项", code=code, prev_of=row.text("上年来源"))
        return items

    def tables(self, rows, known_units, seen) -> dict[str, Table]:
        cols: dict[str, list[Column]] = {}
        sizes: dict[str, int] = {}
        for row in rows:
            table = self.need(row, "表格")
            sizes[table] = self.number(row, "行数", default=10, integer=True) or 10
            code = self.code(row, "代码", seen)
            cols.setdefault(table, []).append(self.item(row, Column, known_units, "列名", code=code, table=table))
        return {t: Table(code=t, rows=sizes[t], columns=tuple(c)) for t, c in cols.items()}

    def indicators(self, rows, known_units, seen) -> list[Indicator]:
        out = []
        for row in rows:
            code = self.code(row, "代码", seen, prefixed=True)
            for derived in (f"value_{code}", f"target_{code}", f"status_{code}"):
                seen[derived] = f"“指标”{row.cell('代码')}"
            out.append(Indicator(
                seq=self.number(row, "序号", default=0, integer=True), goal=row.text("目标"),
                name=self.need(row, "指标"), definition=row.text("指标释义"), kind=self.need(row, "指标类型"),
                requirement=row.text("具体要求"), leads=self.units_in(row, "牵头单位", known_units),
                responsible=self.units_in(row, "责任单位", known_units), code=code,
                result_unit=row.text("结果单位"), decimals=self.number(row, "小数位", default=2, integer=True),
                target=self.formula(row, "目标值"), formula=self.formula(row, "计算公式"),
                rule=self.formula(row, "达标规则"), note=self.formula(row, "备注公式"), table=row.text("表格"),
                row_formula=self.formula(row, "行公式"), row_rule=self.formula(row, "行规则"),
                remark=row.text("说明")))
            if not row.text("达标规则") and not out[-1].table:   # (a rule that did not parse is reported once)
                self.report.add("table-missing-value", file=self.file, **row.loc("达标规则"))
        return out

    def calcs(self, rows, seen) -> dict[str, Calc]:
        out = {}
        for row in rows:
            code = self.code(row, "代码", seen)
            f = self.formula(row, "公式")
            if f is None and row.text("公式") == "":
                self.report.add("table-missing-value", file=self.file, **row.loc("公式"))
            out[code] = Calc(code=code, label=row.text("名称"), indicator=row.text("所属指标"), unit=row.text("单位"),
                             formula=f, note=row.text("说明"))
        return out

    def tasks(self, rows, known_units) -> list[Task]:
        return [Task(seq=self.number(row, "序号", default=0, integer=True), category=row.text("类别"),
                     title=self.need(row, "任务名称"), text=row.text("任务内容"),
                     leads=self.units_in(row, "牵头单位", known_units),
                     responsible=self.units_in(row, "责任单位", known_units),
                     indicator=row.text("关联指标"), note=row.text("说明")) for row in rows]

    def checks(self, rows, seen) -> list[Check]:
        out = []
        for row in rows:
            code = self.code(row, "代码", seen)
            severity = {"错误": "error", "警告": "warning"}.get(row.text("严重程度"))
            if severity is None:
                self.report.add("table-bad-value", file=self.file, value=row.text("严重程度"),
                                detail="应为“错误”或“警告”", **row.loc("严重程度"))
            rule = self.formula(row, "规则")
            if rule is not None:
                out.append(Check(code=code, rule=rule, severity=severity or "error", message=row.text("提示")))
        return out

    def choices(self, rows) -> dict[str, list[Choice]]:
        out: dict[str, list[Choice]] = {}
        for row in rows:
            out.setdefault(self.need(row, "列表"), []).append(
                Choice(self.need(row, "值"), self.number(row, "次序", default=0, integer=True)))
        return out

    # -- cross checks --------------------------------------------------------------------------
    def cross_check(self, table: TaskTable, sheets: dict[str, list[_Row]]) -> None:
        scalar = set(table.items) | set(table.calcs) | set(table.parameter_names())
        scalar |= {i.value_name for i in table.indicators} | {i.target_name for i in table.indicators}
        scalar |= {c.code for c in table.checks}
        by_code = {i.code: i for i in table.indicators}
        for row, ind in zip(sheets.get("指标", []), table.indicators):
            for key, f in (("目标值", ind.target), ("计算公式", ind.formula), ("达标规则", ind.rule),
                           ("备注公式", ind.note)):
                self.known(f, scalar, row, key)
            if ind.table:
                if ind.table not in table.tables:
                    self.report.add("table-bad-value", file=self.file, value=ind.table,
                                    detail="“表格列”工作表中没有这个表格", **row.loc("表格"))
                    continue
                cols = {c.code for c in table.tables[ind.table].columns}
                self.known(ind.row_formula, scalar | cols, row, "行公式")
                self.known(ind.row_rule, scalar | cols | {ROW_NAME}, row, "行规则")
        for row in sheets.get("计算项", []):
            calc = table.calcs.get(row.text("代码"))
            if calc:
                self.known(calc.formula, scalar, row, "公式")
                if calc.indicator and calc.indicator not in by_code:
                    self.report.add("table-bad-value", file=self.file, value=calc.indicator,
                                    detail="没有这个指标代码", **row.loc("所属指标"))
        checks = {c.code: c for c in table.checks}   # a check whose rule did not parse is absent
        for row in sheets.get("一致性检查", []):
            if row.text("代码") in checks:
                self.known(checks[row.text("代码")].rule, scalar, row, "规则")
        for row, task in zip(sheets.get("任务", []), table.tasks):
            if task.indicator and task.indicator not in by_code:
                self.report.add("table-bad-value", file=self.file, value=task.indicator,
                                detail="没有这个指标代码", **row.loc("关联指标"))
        for name in (YESNO_LIST, TASK_STATUS_LIST):
            if name not in table.choices and self.choices_known:
                self.report.add("table-missing-value", file=self.file, sheet="选项", field=f"列表“{name}”")
        self.acyclic(table, sheets)

    def known(self, f: Formula | None, names: set, row: _Row, key: str) -> None:
        if f is None:
            return
        if not self.names_known:
            return
        for name in sorted(f.names - names - self.missing_params):
            self.report.add("table-unknown-name", file=self.file, value=name, **row.loc(key))

    def acyclic(self, table: TaskTable, sheets: dict[str, list[_Row]] | None = None) -> None:
        state: dict[str, int] = {}
        where = self._formula_cells(table, sheets or {})

        def visit(name: str, path: list[str]) -> None:
            f = table.definition(name)
            if f is None or state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = path[path.index(name):] if name in path else path
                steps = [f"{n}（“{where[n]['sheet']}”{where[n]['cell']}）" if n in where else n for n in cycle]
                loc = where.get(cycle[-1] if cycle else name, {})
                self.report.add("table-cycle", file=self.file, detail=" → ".join(steps + [name]), **loc)
                return
            state[name] = 1
            for dep in sorted(f.names):
                visit(dep, path + [name])
            state[name] = 2

        for name in list(table.calcs) + [i.value_name for i in table.indicators]:
            visit(name, [])

    @staticmethod
    def _formula_cells(table: TaskTable, sheets: dict[str, list[_Row]]) -> dict[str, dict]:
        """Where each computed name's formula is (sheet, cell, column), for messages."""
        where = {}
        for row in sheets.get("计算项", []):
            where[row.text("代码")] = row.loc("公式")
        for row, ind in zip(sheets.get("指标", []), table.indicators):
            where[ind.value_name] = row.loc("计算公式")
            where[ind.target_name] = row.loc("目标值")
        for row in sheets.get("一致性检查", []):
            where[row.text("代码")] = row.loc("规则")
        return where


def load_task_table(path: str | Path | None = None, year: int | None = None,
                    city: str | None = None) -> TaskTable:
    """Read and validate the task table; raise :class:`TaskTableError` listing every problem."""
    path = Path(path) if path else default_task_table_path()
    loader = _Loader(path, year, city)
    sheets = loader.read_sheets()
    # A missing sheet is reported; the other sheets are still checked, so that every problem is
    # listed at once.  Checks that depend on a missing sheet are skipped rather than flooded.
    loader.units_known = "单位" in sheets
    loader.choices_known = "选项" in sheets
    loader.names_known = all(s in sheets for s in ("参数", "数据项", "表格列", "计算项", "指标", "一致性检查"))
    sheets = {name: sheets.get(name, []) for name in SHEETS}
    params, year, city = loader.params(sheets["参数"])
    units = loader.units(sheets["单位"])
    seen: dict[str, str] = {p: "“参数”工作表" for p in params if _is_formula_name(p)}
    table = TaskTable(
        path=path, year=year, city=city, params=params, units=units,
        items=loader.items(sheets["数据项"], units, seen),
        tables=loader.tables(sheets["表格列"], units, seen),
        indicators=loader.indicators(sheets["指标"], units, seen),
        calcs=loader.calcs(sheets["计算项"], seen),
        tasks=loader.tasks(sheets["任务"], units),
        checks=loader.checks(sheets["一致性检查"], seen),
        choices=loader.choices(sheets["选项"]),
        param_labels=loader.param_labels, notices=loader.notices,
    )
    loader.cross_check(table, sheets)
    if loader.report.errors:
        raise TaskTableError(loader.report)
    return table


def iter_defined_names(table: TaskTable) -> Iterable[str]:
    """Every name a formula of the table may use (for writers that define them)."""
    yield from table.items
    yield from table.parameter_names()
    yield from table.calcs
    for ind in table.indicators:
        yield ind.value_name
        yield ind.target_name
