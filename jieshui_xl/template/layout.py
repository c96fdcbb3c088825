"""Sheet names, the column grid of the 数据填报 sheet, and the context every writer shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..logic import Logic
from ..prevyear import PrevYear
from ..spec import TaskTable
from .plan import Plan
from .selfcheck import SelfCheck
from .sheet import Names
from .styles import Styles
from .validation import ListSources

GUIDE_SHEET, DATA_SHEET = "填报说明", "数据填报"
SECTION_NUMBERS = "一二三四五六七八九十"

# 数据填报 grid: 序号 | 数据项 | 单位 | 填报值 | 填报说明 | 数据来源 … | 自检 | 结果 | 状态
COL_NO, COL_LABEL, COL_UNIT, COL_INPUT, COL_HINT, COL_SOURCE = range(6)
COL_CHECK, COL_VALUE, COL_STATUS = 6, 7, 8
LAST = COL_STATUS
DATA_WIDTHS = (6, 30, 9, 14, 24, 14, 10, 12, 12)
HELPER = LAST + 1             # first hidden helper column (check results, table row helpers)


@dataclass
class Context:
    table: TaskTable
    unit: str
    plan: Plan
    styles: Styles
    names: Names
    lists: ListSources
    logic: Logic
    selfcheck: SelfCheck
    prev: PrevYear | None = None  # last year's record from the history store (None: no store consulted)
    prefill: dict[str, float] = field(default_factory=dict)   # item code -> last year's figure prefilled

    @property
    def office(self) -> str:
        return str(self.table.params.get("office_name") or "").strip() or "节水办"

    def param(self, key: str) -> str:
        value = self.table.params.get(key)
        return "" if value is None else str(value).strip()

    @property
    def helper_col(self) -> int:
        """First hidden helper column (check results; filled/complete/pass of table rows): right of
        every visible column, including a table's computed column."""
        widths = [len(b.table.columns) + 2 for b in self.plan.blocks if b.table is not None]
        return max([HELPER] + widths)

    def yesno_source(self):
        return self.lists.source(self.table.yesno_choices())

    def status_source(self):
        return self.lists.source([c.value for c in self.table.task_status_choices()])
