"""Progress rounds (工作调度): the period, who reports which task, and the status vocabulary.

Everything comes from the task table: the tasks and their lead units (任务: a task without a lead
unit is reported by its responsible units), each task's 完成时限 and 阶段节点, and the statuses
(选项, list ``进展状态``: the value with the highest 次序 means done, the lowest means lagging).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass

from ..findings import JieshuiError
from .model import Task, TaskTable

__all__ = ["PROGRESS_STATUS_LIST", "PARTS", "Period", "Statuses", "overdue_days", "progress_fingerprint",
           "progress_name", "progress_tasks", "progress_units", "statuses", "task_reporters"]

PROGRESS_STATUS_LIST = "进展状态"
# the cells of one task in a progress form: (part of its defined name, column header)
PARTS = (("status", "状态"), ("percent", "完成比例（%）"), ("report", "进展情况"), ("issues", "存在问题"),
         ("plan", "下步计划"), ("eta", "预计完成时间"))


@dataclass(frozen=True, order=True)
class Period:
    """A progress period: a month of the round's year (its end is the day overdue is counted to)."""
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2023-06`` (also 2023-6, 2023/06, 2023年6月); a JieshuiError (Chinese) otherwise."""
        m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", str(text))
        if m is None or not 1 <= int(m[2]) <= 12:
            raise JieshuiError(f"调度期次“{text}”无法识别：请写成 年-月，如 2023-06。")
        return cls(int(m[1]), int(m[2]))

    @property
    def text(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def end(self) -> _dt.date:
        return _dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


@dataclass(frozen=True)
class Statuses:
    """The 进展状态 values, most advanced first; ``done`` counts as completed, ``lagging`` as 滞后."""
    values: tuple[str, ...]

    @property
    def done(self) -> str:
        return self.values[0]

    @property
    def lagging(self) -> str:
        return self.values[-1]

    def rank(self, value: str) -> int:
        """Higher is more advanced; an unknown or blank status ranks below every value."""
        return len(self.values) - self.values.index(value) if value in self.values else 0


def statuses(table: TaskTable) -> Statuses:
    """The table's 进展状态 list; a table without it cannot run a progress round."""
    choices = sorted(table.choices.get(PROGRESS_STATUS_LIST, []), key=lambda c: -c.rank)
    if len(choices) < 2:
        raise JieshuiError(f"任务分工表“选项”工作表缺少“{PROGRESS_STATUS_LIST}”列表（至少两个值，如 已完成、推进中、"
                           f"未启动、滞后；“次序”最大的表示已完成，最小的表示滞后）。请补上后再生成或汇总进展调度表。")
    return Statuses(tuple(c.value for c in choices))


def task_reporters(task: Task) -> tuple[str, ...]:
    """Who reports a task's progress: its lead units, or its responsible units where it has none."""
    return task.leads or task.responsible


def progress_units(table: TaskTable) -> list[str]:
    """Units that receive a progress form, in the order of the 单位 sheet."""
    asked = {u for t in table.tasks for u in task_reporters(t)}
    return [u for u in table.units if u in asked]


def progress_tasks(table: TaskTable, unit: str) -> list[Task]:
    return [t for t in table.tasks if unit in task_reporters(t)]


def progress_name(task: Task, part: str) -> str:
    """Defined name of a progress form's cell: progress01_status, progress01_eta, ..."""
    return f"progress{task.seq:02d}_{part}"


def progress_fingerprint(table: TaskTable) -> str:
    """Hash of what a progress form's layout depends on (tasks and who reports them)."""
    data = [[t.seq, list(task_reporters(t))] for t in table.tasks]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


def overdue_days(task: Task, period: Period, done: bool) -> int:
    """Days past the task's 完成时限 at the period's end (0 when done, on time or without one)."""
    if done or task.deadline is None:
        return 0
    return max(0, (period.end - task.deadline).days)
