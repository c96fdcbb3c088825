"""The history store: one SQLite file that remembers every round, per city and year.

``record`` writes a consolidated round (item values with provenance, indicator values and statuses,
the task-table version, when it ran) in one transaction; an earlier run of the same city and year
stays, marked superseded.  ``current`` / ``runs`` / ``series`` read it.  The schema carries a version
(``PRAGMA user_version``) and is created and migrated by :func:`_migrate`.

A store that cannot be used (damaged, locked, written by a newer version, carrying views or
triggers it never had, holding values that are no finite number) raises :class:`HistoryError` with a
Chinese message naming the file; callers turn it into a notice and go on.  Nothing here ever rewrites
such a file: a newer or foreign schema is refused before any write, a damaged file fails on its first
read, a lock times out inside a transaction that is rolled back.  The store is opened with
``trusted_schema=OFF`` and every statement runs under a progress handler with a deadline
(:data:`QUERY_SECONDS`), so a hostile file can neither run code of its schema nor hang the round.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .data import CellValue
from .findings import JieshuiError
from .labels import IndicatorStatus

__all__ = [
    "HISTORY_ENV",
    "SCHEMA_VERSION",
    "HistoryError",
    "check_writable",
    "connect",
    "Record",
    "current",
    "default_history_path",
    "history_json",
    "record",
    "runs",
    "series",
]

HISTORY_ENV = "JIESHUI_HISTORY"
SCHEMA_VERSION = 2
BUSY_MS = 10_000
QUERY_SECONDS = 30.0        # the most one connection's statements may take together (a hostile file)

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


class HistoryError(JieshuiError):
    """The store cannot be used; the message (Chinese) names the file and what to do."""


def default_history_path() -> Path:
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
    values: dict[str, float | str | None] = field(default_factory=dict)     # scalar item code -> value
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
        _guard(con)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _fail(path, f"由更新版本的 jieshui_xl 创建（结构版本 {version}），请升级本程序后再用")
        _refuse_foreign_schema(path, con)
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
        if "interrupted" in str(exc):
            raise _fail(path, f"读写超过 {QUERY_SECONDS:g} 秒仍未完成（文件可能被改动过），已中止；"
                              "请把它移走或另指定 --history，然后重新运行") from None
        if "locked" in str(exc) or "busy" in str(exc):
            raise _fail(path, "正被其他程序占用（锁定），请稍后重新运行汇总", exc) from None
        if "unable to open" in str(exc) or "readonly" in str(exc):
            raise _fail(path, "无法打开或写入，请检查路径和权限（或用 --history 另指定）", exc) from None
        raise _fail(path, "无法读取，可能已损坏；请把它移走或另指定 --history，然后重新运行", exc) from None
    except sqlite3.DatabaseError as exc:
        raise _fail(path, "已损坏或不是历史数据库；请把它移走或另指定 --history，然后重新运行", exc) from None
    finally:
        con.close()


connect = _connect      # the one guarded connection, also for the progress periods (progressstore.py)


def _guard(con: sqlite3.Connection) -> None:
    """No code from the file's schema, and a deadline on everything this connection runs."""
    deadline = time.monotonic() + QUERY_SECONDS
    con.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    con.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    con.execute("PRAGMA trusted_schema = OFF")


def _refuse_foreign_schema(path: Path, con: sqlite3.Connection) -> None:
    """The store holds our tables and indexes only: a view or trigger (code that would run on read or
    write) or a table of ours replaced by something else is refused before it is used."""
    rows = con.execute("SELECT type, name FROM sqlite_master").fetchall()
    ours = {"run": "table", "item_value": "table", "indicator_value": "table", "progress_run": "table",
            "progress_task": "table", "progress_answer": "table"}
    foreign = [name for kind, name in rows if kind in ("view", "trigger")
               or (name in ours and kind != ours[name])]
    if foreign:
        raise _fail(path, f"含有本程序不会创建的视图或触发器（{'、'.join(map(str, foreign[:3]))}），可能被改动过；"
                          "请把它移走或另指定 --history，然后重新运行")


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

def check_writable(path: Path) -> None:
    """Raise :class:`HistoryError` now if the round could not be recorded at its end (locked, read-only):
    takes the write lock and gives it back, changing nothing.  A store that does not exist yet passes."""
    with _connect(path, write=False) as con:
        if con is not None:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")


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
        check = _Check(path, f"{city}{year}年度的记录")
        rec = Record(city, year, str(row[1]))
        for code, num, text in con.execute("SELECT code, num, text FROM item_value WHERE run_id = ? AND row IS NULL",
                                           (row[0],)):
            rec.values[str(code)] = check.number(code, num) if num is not None else check.text(code, text)
        for code, value, status in con.execute("SELECT code, value, status FROM indicator_value WHERE run_id = ?",
                                               (row[0],)):
            rec.indicators[str(code)] = (check.number(code, value), check.status(code, status))
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
            check = _Check(path, f"{c}{y}年度的记录")
            inds = con.execute("SELECT code, value, status FROM indicator_value WHERE run_id = ? ORDER BY rowid",
                               (rid,)).fetchall()
            out.append({"city": check.text("city", c), "year": int(check.number("year", y) or 0),
                        "recorded_at": check.text("recorded_at", at), "superseded": bool(sup),
                        "indicators": [{"code": str(k), "value": check.number(k, v), "status": check.status(k, s)}
                                       for k, v, s in inds]})
        return out


class _Check:
    """Every value read from the store is what the store writes (a finite number, text, a status),
    or the store is refused: a file edited by hand or by another program never reaches a workbook."""

    def __init__(self, path: Path, where: str):
        self.path, self.where = path, where

    def _bad(self, code, value) -> HistoryError:
        return _fail(self.path, f"中{self.where}有无效的值（{str(code)[:40]}：{str(value)[:40]!r}），可能被改动过；"
                                "请把它移走或另指定 --history，然后重新运行")

    def number(self, code, value) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self._bad(code, value)
        return float(value)

    def text(self, code, value) -> str | None:
        if value is not None and not isinstance(value, str):
            raise self._bad(code, value)
        return value

    def status(self, code, value) -> IndicatorStatus:
        try:
            return IndicatorStatus(value)
        except ValueError:
            raise self._bad(code, value) from None


def series(path: Path, city: str) -> dict[int, dict[str, tuple[float | None, str]]]:
    """year -> indicator code -> (value, status), current runs of ``city`` only."""
    return {r["year"]: {i["code"]: (i["value"], i["status"]) for i in r["indicators"]}
            for r in runs(path, city) if not r["superseded"]}


def history_json(path: Path, city: str | None = None) -> dict:
    return {"runs": runs(path, city)}

