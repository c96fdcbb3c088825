"""jieshui_xl — 节水型城市创建数据轮次：生成填报表、汇总回收表、计算指标、输出评分表。

Public API (everything else is private and may change):

- :func:`load_task_table` — read and validate ``templates/task_division.xlsx``.
- :func:`write_templates` — one collection workbook per reporting unit.
- :func:`collect` — read a folder of returned workbooks into a :class:`Collection`.
- :func:`compute` — every indicator, check and checklist task.
- :func:`write_scorecard` / :func:`scorecard_json` — the scorecard workbook and its JSON twin.
"""

__version__ = "0.1.0"

from .findings import Finding, Report, TaskTableError  # noqa: E402
from .spec import TaskTable, load_task_table  # noqa: E402
from .data import Collection  # noqa: E402
from .compute import Result, compute  # noqa: E402

__all__ = ["Finding", "Report", "TaskTableError", "TaskTable", "load_task_table", "Collection",
           "Result", "compute", "__version__"]
