"""The task table's typed model: units, data items, tables, indicators, calcs, tasks, checks and
choices, and :class:`TaskTable`, the one object the rest of the program asks about them."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..display import show
from ..formula import Formula
from .evidence import VOLUME_LIST, Evidence, Subject
from .names import accepted

ITEM_TYPES = {"小数": "decimal", "整数": "integer", "是否": "yesno", "文本": "text"}
YESNO_LIST, TASK_STATUS_LIST = "是否", "任务状态"     # the 选项 lists the workbooks use
VETO_KIND = "底线"
DEFAULT_TITLE = "节水型城市"         # where the 参数 sheet has no ``title``


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
        return split_addresses(self.email)

    @property
    def cc_emails(self) -> list[str]:
        return split_addresses(self.cc)


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
    formula: Formula | None     # None only in a table the loader refuses (blank, or did not parse)
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
    def reader_remark(self) -> str:
        """The 说明 as departments and reviewers read it: the table's “决定：” (how the office settled an
        ambiguity of the plan) reads “口径：”."""
        return self.remark.replace("决定：", "口径：")

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
    deadline: _dt.date | None = None                           # 完成时限 (progress rounds)
    milestones: tuple[tuple[_dt.date, str], ...] = ()          # 阶段节点: (date, what)

    @property
    def is_checklist(self) -> bool:
        """Tasks with no linked indicator are collected as a checklist (in the bundled table, tasks 1–8)."""
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
    evidence: list[Evidence] = field(default_factory=list)   # 佐证材料 (none where the sheet is missing)
    notices: list[str] = field(default_factory=list)   # decisions the loader took (shown to users)
    param_labels: dict[str, tuple[str, str]] = field(default_factory=dict)   # code -> (名称, 单位)

    # -- identity -------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        """What the city is qualifying as (参数 ``title``, e.g. 重庆市节水型城市), in every heading."""
        return str(self.params.get("title") or DEFAULT_TITLE)

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
        asked |= {u for e in self.evidence for u in e.providers}
        return [u for u in self.units if u in asked]

    # -- evidence (佐证材料) -----------------------------------------------------------------------
    def evidence_of(self, unit: str) -> list[Evidence]:
        return [e for e in self.evidence if unit in e.providers]

    def volumes(self) -> list[Choice]:
        """The application's volumes (the 申报卷册 list), in the order of their numbers."""
        return sorted(self.choices.get(VOLUME_LIST, []), key=lambda c: c.rank)

    def volume_rank(self, volume: str) -> int:
        return next((c.rank for c in self.volumes() if c.value == volume), 0)

    def subject(self, ev: Evidence) -> Subject:
        """The indicator or task the evidence proves."""
        if ev.indicator:
            ind = next((i for i in self.indicators if i.code == ev.indicator), None)
            return Subject("indicator", ind.seq if ind else 0, ind.name if ind else ev.indicator)
        task = next((t for t in self.tasks if t.seq == ev.task), None)
        return Subject("task", ev.task, task.title if task else "")

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
        return [k for k, v in self.params.items() if accepted(k) and isinstance(v, (int, float))]


def split_addresses(text: str) -> list[str]:
    """The addresses of an 电子邮箱 or 抄送 cell (separated by ; , or spaces, half- or full-width)."""
    return [a.strip() for a in re.split(r"[;；,，\s]+", text or "") if a.strip()]

