"""Last year's figures, from the history store: what a template prefills and what consolidation
does with a prefilled item.

Which item is last year's figure of which indicator is data (the 数据项 sheet's 上年来源 column,
``Item.prev_of``).  ``PrevYear`` is what a round knows of the years before: the store's current
record of that city for Y−1 (or none), the city's recorded years (the trend), and the notice when
the store could not be read.  :func:`load_prev` is the only read of the store a round makes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .data import CellValue, Collection
from .display import show
from .findings import ERROR, Report
from .formula.parse import Binary, Name, walk
from .history import HistoryError, Record, check_writable, current, series
from .progressstore import ProgressTask, progress_trajectory
from .spec import TaskTable

__all__ = ["STORED_FILE", "PrevYear", "apply_prefill", "load_prev", "prefill_line", "prefill_values"]

STORED_FILE = "历史数据库"          # the "file" of a value taken from the store


@dataclass
class PrevYear:
    year: int
    record: Record | None = None
    notices: list[str] = field(default_factory=list)
    series: dict[int, dict[str, tuple[float | None, str]]] = field(default_factory=dict)  # year -> code -> (value, status)
    # the round's own year's progress periods (工作调度): task -> [(period, its state)], for the scorecard
    progress: dict[int, list[tuple[str, ProgressTask]]] = field(default_factory=dict)

    def indicator(self, code: str) -> tuple[float | None, str | None]:
        if self.record is None or code not in self.record.indicators:
            return None, None
        return self.record.indicators[code]


def load_prev(path: Path | None, table: TaskTable, recording: bool = False) -> PrevYear:
    """The record of ``table.city`` for the year before and its recorded years (and the progress
    periods of the year itself); a store problem becomes a notice (and nothing of the store is used).
    ``recording``: the round will be recorded at its end, so a store that could not take it (locked,
    read-only) is found now, and its notice reaches the scorecard and the JSON."""
    prev = PrevYear(table.year - 1)
    if path is None:
        return prev
    try:
        prev.record = current(path, table.city, table.year - 1)
        prev.series = series(path, table.city)
        prev.progress = progress_trajectory(path, table.city, table.year)
        if recording:
            check_writable(path)
    except HistoryError as exc:
        prev.record, prev.series, prev.progress = None, {}, {}
        prev.notices.append(str(exc))
    return prev


def prefill_values(table: TaskTable, record: Record | None) -> dict[str, float]:
    """item code -> last year's value of the indicator its 上年来源 names (only where recorded)."""
    if record is None:
        return {}
    out = {}
    for item in table.items.values():
        value = record.indicators.get(item.prev_of, (None, ""))[0] if item.prev_of else None
        if value is not None:
            out[item.code] = value
    return out


def prefill_line(table: TaskTable, prev: PrevYear) -> str:
    """What the forms took from the store, for the console (as it is: nothing, or which items)."""
    if prev.notices:
        return "历史数据库无法读取（见上），填报表未预填上年数据。"
    if prev.record is None:
        return f"历史数据库中没有{table.city}{prev.year}年度的记录，填报表未预填上年数据。"
    filled = prefill_values(table, prev.record)
    if not filled:
        return f"历史数据库中{table.city}{prev.year}年度的记录没有可预填的数值，填报表未预填上年数据。"
    return (f"已按历史数据库中{table.city}{prev.year}年度的记录预填 {len(filled)} 项上年数据："
            + "、".join(table.items[c].label for c in filled) + "。")


def apply_prefill(table: TaskTable, collection: Collection, prev: PrevYear) -> Collection:
    """A copy of ``collection`` where a prefilled item left blank holds the stored figure, and a typed
    value that differs from the prefill is reported (it counts)."""
    values, report = dict(collection.values), Report(list(collection.report))
    rejected = {f.field for f in collection.report if f.severity == ERROR}
    for code, stored in prefill_values(table, prev.record).items():
        item, cv = table.items[code], values.get(code)
        loc = dict(field=code, label=item.label, prev_year=prev.year, stored=show(stored))
        if cv is None and code not in rejected:
            values[code] = CellValue(stored, unit=item.reporter, file=STORED_FILE,
                                     source=f"{prev.year}年系统记录值")
            report.add("prefill-used", unit=item.reporter, **loc)
        elif cv is not None and isinstance(cv.value, (int, float)) and not _same(cv.value, stored):
            report.add("prefill-changed", unit=cv.unit, file=cv.file, sheet=cv.sheet, cell=cv.cell,
                       value=show(cv.value), **loc)
    return dataclasses.replace(collection, values=values, report=report)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def better_direction(ind) -> int:
    """+1 where a higher value is better, -1 where lower, 0 where the rule does not say: the first
    comparison of the indicator's value in its 达标规则 (``value_X >= …``, ``… > value_X``, inside
    AND/IF too), read from the parsed formula."""
    if ind.rule is None:
        return 0
    value = Name(ind.value_name)
    for node in walk(ind.rule.tree):
        if isinstance(node, Binary) and node.op in ("<", "<=", ">", ">="):
            higher = node.op.startswith(">")
            if node.left == value:
                return 1 if higher else -1
            if node.right == value:
                return -1 if higher else 1
    return 0
