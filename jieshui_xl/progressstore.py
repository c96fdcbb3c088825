"""The history store's progress periods (工作调度): one run per city, year and period (the tables of
``history._MIGRATIONS[1]``), recorded and read through the store's one connection
(:func:`jieshui_xl.history.connect`: the same guards, locks and Chinese errors as the yearly runs).
Recording a period marks only that period's earlier run superseded; other periods are never touched."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from .data import ProgressAnswer
from .history import connect

__all__ = ["PROGRESS_SCHEMA", "Earlier", "ProgressTask", "earlier", "progress_before", "progress_periods", "progress_trajectory",
           "record_progress", "trajectory_text"]


@dataclass(frozen=True)
class ProgressTask:
    """A task's consolidated state in one period: its status, days overdue, deadline (YYYY-MM-DD)."""
    task: int
    status: str
    overdue_days: int = 0
    deadline: str = ""


PROGRESS_SCHEMA = 2           # the schema version that has the progress tables
def trajectory_text(steps: list[tuple[str, ProgressTask]], sep: str = " → ") -> str:
    """A task over the periods: 2023-04 推进中 → 2023-06 推进中（逾期61天） ("" for none)."""
    return sep.join(f"{p} {t.status}" + (f"（逾期{t.overdue_days}天）" if t.overdue_days else "") for p, t in steps)


_ANSWER_FIELDS = ("status", "percent", "report", "issues", "plan", "eta", "file", "cell")


def record_progress(path: Path, city: str, year: int, period: str, tasks: list[ProgressTask],
                    answers: list[ProgressAnswer], table_version: str = "", generator: str = "") -> int:
    """Record a consolidated progress period; the earlier current run of the same city, year and
    period is marked superseded (other periods are never touched).  Raises :class:`HistoryError`."""
    now = _dt.datetime.now().isoformat(timespec="seconds")
    with connect(path, write=True) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("UPDATE progress_run SET superseded = 1 WHERE city = ? AND year = ? AND period = ?"
                        " AND superseded = 0", (city, year, period))
            run_id = con.execute("INSERT INTO progress_run (city, year, period, recorded_at, table_version, generator)"
                                 " VALUES (?, ?, ?, ?, ?, ?)", (city, year, period, now, table_version,
                                                               generator)).lastrowid
            con.executemany("INSERT INTO progress_task VALUES (?, ?, ?, ?, ?)",
                            [(run_id, t.task, t.status, t.overdue_days, t.deadline) for t in tasks])
            con.executemany("INSERT INTO progress_answer VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [(run_id, a.task, a.unit, *(getattr(a, f) for f in _ANSWER_FIELDS)) for a in answers])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return run_id


def _progress_runs(con, city: str, year: int) -> list[tuple[int, str]]:
    return con.execute("SELECT id, period FROM progress_run WHERE city = ? AND year = ? AND superseded = 0"
                       " ORDER BY period, id", (city, year)).fetchall()


def progress_periods(path: Path, city: str, year: int) -> list[str]:
    """The periods of ``year`` recorded for ``city`` (current runs), in order."""
    with connect(path, write=False, need=PROGRESS_SCHEMA) as con:
        return [] if con is None else [p for _, p in _progress_runs(con, city, year)]


def progress_before(path: Path, city: str, year: int, period: str) -> tuple[str, dict[tuple[int, str], ProgressAnswer]]:
    """The latest recorded period of ``year`` before ``period`` and its answers ((task, unit) ->
    answer); ("", {}) when there is none."""
    with connect(path, write=False, need=PROGRESS_SCHEMA) as con:
        if con is None:
            return "", {}
        earlier = [(rid, p) for rid, p in _progress_runs(con, city, year) if p < period]
        if not earlier:
            return "", {}
        rid, found = earlier[-1]
        rows = con.execute(f"SELECT task, unit, {', '.join(_ANSWER_FIELDS)} FROM progress_answer WHERE run_id = ?",
                           (rid,)).fetchall()
        return found, {(r[0], r[1]): ProgressAnswer(r[0], r[1], **{f: _blank(f, v) for f, v in zip(_ANSWER_FIELDS, r[2:])})
                       for r in rows}


@dataclass
class Earlier:
    """What the store holds of a year's periods before one: the latest earlier period and its answers
    ((task, unit) -> answer, prefilled into the next forms) and every task's trajectory."""
    period: str = ""
    answers: dict[tuple[int, str], ProgressAnswer] = field(default_factory=dict)
    trajectory: dict[int, list[tuple[str, ProgressTask]]] = field(default_factory=dict)


def earlier(path: Path, city: str, year: int, period: str) -> Earlier:
    """The periods of ``year`` recorded before ``period`` (raises HistoryError like every read)."""
    found, answers = progress_before(path, city, year, period)
    steps = {task: [(p, s) for p, s in states if p < period]
             for task, states in progress_trajectory(path, city, year).items()}
    return Earlier(found, answers, {t: s for t, s in steps.items() if s})


def _blank(name: str, value):
    return value if value is not None or name == "percent" else ""


def progress_trajectory(path: Path, city: str, year: int) -> dict[int, list[tuple[str, ProgressTask]]]:
    """task -> [(period, its state)] over the recorded periods of ``year``, in order."""
    out: dict[int, list[tuple[str, ProgressTask]]] = {}
    with connect(path, write=False, need=PROGRESS_SCHEMA) as con:
        if con is None:
            return out
        for rid, period in _progress_runs(con, city, year):
            for task, status, days, deadline in con.execute(
                    "SELECT task, status, overdue_days, deadline FROM progress_task WHERE run_id = ? ORDER BY task",
                    (rid,)):
                out.setdefault(task, []).append((period, ProgressTask(task, status or "", days or 0, deadline or "")))
    return out
