"""Progress rounds (工作调度) of the plan's tasks, between the yearly data rounds.

Same machinery as a data round: the task table (each task's 完成时限 and 阶段节点, the 进展状态
list) → one progress form per lead unit (:mod:`jieshui_xl.template.progress`) → the returned forms
read by the same reader, bounds and identity checks (:mod:`jieshui_xl.returns`, expecting progress
forms of the period) → evaluated (:mod:`.model`) → the history store (one run per period) → the
工作进展调度表 (:mod:`.workbook`, with the 推进会 page of :mod:`.meeting`) and its JSON (:mod:`.report`).
:mod:`.run` ties them together for the CLI, the demo and mail.
"""

from __future__ import annotations

from .model import ProgressRound, TaskState, UnitRank, evaluate
from .report import progress_json
from .run import (
    ProgressOutput,
    collect_progress,
    expect,
    load_progress_table,
    progress_summary_lines,
    run_progress,
    write_progress_forms,
)
from .workbook import SHEETS, write_dispatch

__all__ = ["ProgressOutput", "ProgressRound", "SHEETS", "TaskState", "UnitRank", "collect_progress", "evaluate",
           "expect", "load_progress_table", "progress_json", "progress_summary_lines", "run_progress", "write_dispatch",
           "write_progress_forms"]
