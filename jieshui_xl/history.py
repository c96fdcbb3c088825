"""The history store: one SQLite file that remembers every round, per city and year.

``record`` writes a consolidated round (item values with provenance, indicator values and statuses,
the task-table version, when it ran) in one transaction; an earlier run of the same city and year
stays, marked superseded.  ``current`` / ``runs`` / ``series`` read it.  The schema carries a version
(``PRAGMA user_version``) and is created and migrated by :func:`_migrate`.

A store that cannot be used (damaged, locked, written by a newer version) raises
:class:`HistoryError` with a Chinese message naming the file; callers turn it into a notice and go
on.  Nothing here ever rewrites such a file: a newer schema is refused before any write, a damaged
file fails on its first read, and a lock times out inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .data import CellValue, ProgressAnswer

__all__ = [
    "HISTORY_ENV",
    "SCHEMA_VERSION",
    "HistoryError",
    "ProgressTask",
    "Record",
    "current",
    "default_path",
    "history_json",
    "progress_before",
    "progress_periods",
    "progress_trajectory",
    "record",
    "record_progress",
    "runs",
    "series",
    "trajectory_text",
]

HISTORY_ENV = "JIESHUI_HISTORY"
SCHEMA_VERSION = 2
BUSY_MS = 10_000

_MIGRATIONS = [  # _MIGRATIONS[n] takes a store from schema version n to n + 1
    """
    CREATE TABLE run (
        id INTEGER PRIMARY KEY, city TEXT NOT NULL, year INTEGER NOT NULL, recorded_at TEXT NOT NULL,
        superseded INTEGER NOT NULL DEFAULT 0, table_version TEXT, generator TEXT,
        passed INTEGER, total INTEGER);
    CREATE INDEX run_city_year ON run (city, year, superseded);
    CREATE TABLE item_value (
        run_id INTEGER NOT NULL REFERENCES run(id), code TEXT NOT NULL, row INTEGER,
        num REAL, text TEXT, unit TEXT, file TEXT, sheet TEXT, cell TEXT, contact TEXT, saved_at TEXT,
        source TEXT, raw TEXT);
    CREATE INDEX item_value_run ON item_value (run_id);
    CREATE TABLE indicator_value (
        run_id INTEGER NOT NULL REFERENCES run(id), code TEXT NOT NULL, value REAL, status TEXT NOT NULL);
    CREATE INDEX indicator_value_run ON indicator_value (run_id);
    """,
    # 1 -> 2: progress rounds (工作调度), one run per city, year and period
    """
    CREATE TABLE progress_run (
        id INTEGER PRIMARY KEY, city TEXT NOT NULL, year INTEGER NOT NULL, period TEXT NOT NULL,
        recorded_at TEXT NOT NULL, superseded INTEGER NOT NULL DEFAULT 0, table_version TEXT, generator TEXT);
    CREATE INDEX progress_run_key ON progress_run (city, year, period, superseded);
    CREATE TABLE progress_task (
        run_id INTEGER NOT NULL REFERENCES progress_run(id), task INTEGER NOT NULL, status TEXT,
        overdue_days INTEGER, deadline TEXT);
    CREATE INDEX progress_task_run ON progress_task (run_id);
    CREATE TABLE progress_answer (
        run_id INTEGER NOT NULL REFERENCES progress_run(id), task INTEGER NOT NULL, unit TEXT NOT NULL,
        status TEXT, percent REAL, report TEXT, issues TEXT, plan TEXT, eta TEXT, file TEXT, cell TEXT);
    CREATE INDEX progress_answer_run ON progress_answer (run_id);
    """,
]


class HistoryError(Exception):
    """The store cannot be used; the message (Chinese) names the file and what to do."""


def default_path() -> Path:
    """$JIESHUI_HISTORY, else %LOCALAPPDATA%\\jieshui_xl\\history.sqlite (Windows) or
    $XDG_DATA_HOME (default ~/.local/share)/jieshui_xl/history.sqlite."""
    if os.environ.get(HISTORY_ENV):
        return Path(os.environ[HISTORY_ENV])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "jieshui_xl" / "history.sqlite"


@dataclass
class Record:
    """The current run of one city and year."""
    city: str
    year: int
    recorded_at: str
    values: dict[str, float | str] = field(default_factory=dict)            # scalar item code -> value
    indicators: dict[str, tuple[float | None, str]] = field(default_factory=dict)  # code -> (value, status)


# -- connection ---------------------------------------------------------------------------------

def _fail(path: Path, what: str, exc: Exception | None = None) -> HistoryError:
    detail = f"（{exc}）" if exc else ""
    return HistoryError(f"历史数据库“{path}”{what}{detail}，本次未使用历史数据库，评分表照常生成；"
                        f"该文件未被改动。")


@contextmanager
def _connect(path: Path, write: bool, need: int = 1):
    """A connection (None when reading a store that does not exist or predates schema ``need``)."""
    path = Path(path)
    if not write and not path.is_file():
        yield None
        return
    if path.exists() and not path.is_file():
        raise _fail(path, "不是普通文件，请检查 --history 设置")
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = sqlite3.connect(str(path), timeout=BUSY_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise _fail(path, "无法打开，请检查路径和权限", exc) from None
    try:
        con.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _fail(path, f"由更新版本的 jieshui_xl 创建（结构版本 {version}），请升级本程序后再用")
        if write:
            if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                con.execute("PRAGMA journal_mode = WAL")
            _migrate(con, version)
        elif version < need:
            con.close()
            yield None
            return
        yield con
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _fail(path, "正被其他程序占用（锁定），请稍后重新运行汇总", exc) from None
        if "unable to open" in str(exc) or "readonly" in str(exc):
            raise _fail(path, "无法打开或写入，请检查路径和权限（或用 --history 另指定）", exc) from None
        raise _fail(path, "无法读取，可能已损坏；请把它移走或另指定 --history，然后重新运行", exc) from None
    except sqlite3.DatabaseError as exc:
        raise _fail(path, "已损坏或不是历史数据库；请把它移走或另指定 --history，然后重新运行", exc) from None
    finally:
        con.close()


def _migrate(con: sqlite3.Connection, version: int) -> None:
    for n in range(version, SCHEMA_VERSION):
        con.execute("BEGIN IMMEDIATE")
        try:
            if con.execute("PRAGMA user_version").fetchone()[0] == n:   # another process may have done it
                for statement in _MIGRATIONS[n].split(";"):
                    if statement.strip():
                        con.execute(statement)
                con.execute(f"PRAGMA user_version = {n + 1}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


# -- writing ------------------------------------------------------------------------------------

def record(path: Path, table, collection, result, generator: str = "") -> int:
    """Record a consolidated round; returns the new run's id.  Raises :class:`HistoryError`."""
    now = _dt.datetime.now().isoformat(timespec="seconds")
    with _connect(path, write=True) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("UPDATE run SET superseded = 1 WHERE city = ? AND year = ? AND superseded = 0",
                        (table.city, table.year))
            cur = con.execute("INSERT INTO run (city, year, recorded_at, table_version, generator, passed, total)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?)", (table.city, table.year, now, table.version,
                                                                generator, result.passed, len(result.indicators)))
            run_id = cur.lastrowid
            con.executemany("INSERT INTO item_value VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            list(_item_rows(run_id, collection)))
            con.executemany("INSERT INTO indicator_value VALUES (?, ?, ?, ?)",
                            [(run_id, r.indicator.code, _num(r.value), r.status) for r in result.indicators])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return run_id


def _item_rows(run_id: int, collection):
    saved = {s.file: s.saved_at.isoformat(timespec="seconds") if s.saved_at else None
             for s in collection.submissions}
    cells: list[tuple[str, int | None, CellValue]] = [(code, None, cv) for code, cv in collection.values.items()]
    cells += [(code, n, cv) for rows in collection.tables.values() for n, row in enumerate(rows, 1)
              for code, cv in row.items()]
    for code, row, cv in cells:
        contact = (collection.contacts.get(cv.unit) or {})
        who = " ".join(str(contact.get(k) or "") for k in ("name", "phone")).strip()
        num = _num(cv.value)
        yield (run_id, code, row, num, None if num is not None else _text(cv.value), cv.unit, cv.file, cv.sheet,
               cv.cell, who, saved.get(cv.file), cv.source, cv.raw)


def _num(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _text(value) -> str | None:
    return None if value is None or value == "" else str(value)


# -- reading ------------------------------------------------------------------------------------

def current(path: Path, city: str, year: int) -> Record | None:
    """The current run of ``city`` for ``year``, or None (no store, no record)."""
    with _connect(path, write=False) as con:
        if con is None:
            return None
        row = con.execute("SELECT id, recorded_at FROM run WHERE city = ? AND year = ? AND superseded = 0"
                          " ORDER BY id DESC LIMIT 1", (city, year)).fetchone()
        if row is None:
            return None
        rec = Record(city, year, row[1])
        for code, num, text in con.execute("SELECT code, num, text FROM item_value WHERE run_id = ? AND row IS NULL",
                                           (row[0],)):
            rec.values[code] = num if num is not None else text
        for code, value, status in con.execute("SELECT code, value, status FROM indicator_value WHERE run_id = ?",
                                               (row[0],)):
            rec.indicators[code] = (value, status)
        return rec


def runs(path: Path, city: str | None = None) -> list[dict]:
    """Every recorded run (oldest first), as the history JSON's ``runs``."""
    with _connect(path, write=False) as con:
        if con is None:
            return []
        sql = "SELECT id, city, year, recorded_at, superseded FROM run"
        args: tuple = ()
        if city:
            sql, args = sql + " WHERE city = ?", (city,)
        out = []
        for rid, c, y, at, sup in con.execute(sql + " ORDER BY city, year, id", args).fetchall():
            inds = con.execute("SELECT code, value, status FROM indicator_value WHERE run_id = ? ORDER BY rowid",
                               (rid,)).fetchall()
            out.append({"city": c, "year": y, "recorded_at": at, "superseded": bool(sup),
                        "indicators": [{"code": k, "value": v, "status": s} for k, v, s in inds]})
        return out


def series(path: Path, city: str) -> dict[int, dict[str, tuple[float | None, str]]]:
    """year -> indicator code -> (value, status), current runs of ``city`` only."""
    return {r["year"]: {i["code"]: (i["value"], i["status"]) for i in r["indicators"]}
            for r in runs(path, city) if not r["superseded"]}


def history_json(path: Path, city: str | None = None) -> dict:
    return {"runs": runs(path, city)}


# -- progress rounds (工作调度) -------------------------------------------------------------------

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
    with _connect(path, write=True) as con:
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
    with _connect(path, write=False, need=PROGRESS_SCHEMA) as con:
        return [] if con is None else [p for _, p in _progress_runs(con, city, year)]


def progress_before(path: Path, city: str, year: int, period: str) -> tuple[str, dict[tuple[int, str], ProgressAnswer]]:
    """The latest recorded period of ``year`` before ``period`` and its answers ((task, unit) ->
    answer); ("", {}) when there is none."""
    with _connect(path, write=False, need=PROGRESS_SCHEMA) as con:
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


def _blank(name: str, value):
    return value if value is not None or name == "percent" else ""


def progress_trajectory(path: Path, city: str, year: int) -> dict[int, list[tuple[str, ProgressTask]]]:
    """task -> [(period, its state)] over the recorded periods of ``year``, in order."""
    out: dict[int, list[tuple[str, ProgressTask]]] = {}
    with _connect(path, write=False, need=PROGRESS_SCHEMA) as con:
        if con is None:
            return out
        for rid, period in _progress_runs(con, city, year):
            for task, status, days, deadline in con.execute(
                    "SELECT task, status, overdue_days, deadline FROM progress_task WHERE run_id = ? ORDER BY task",
                    (rid,)):
                out.setdefault(task, []).append((period, ProgressTask(task, status or "", days or 0, deadline or "")))
    return out
