"""Parse returned files in isolated worker processes: no single file can take the round down.

Each entry of the returns folder is read and parsed (:func:`.parse.parse_entry`) by a worker process
started with the ``forkserver`` method on Linux (``spawn`` elsewhere), one file at a time per worker,
as many workers as there are cores (at most :data:`MAX_WORKERS`).  On POSIX a worker's address space
is bounded by ``RLIMIT_AS`` (``Limits.memory_bytes``): a parser that asks for more gets a
MemoryError, or (native code) aborts.  Every file has a wall-clock deadline (``Limits.seconds`` plus
:data:`GRACE`); a worker past it is killed.  On Windows there is no address-space limit (no Job
Object is used): the deadline alone bounds a worker there.

A worker that dies (a Rust panic that escapes, SIGABRT, SIGKILL, a segmentation fault), overruns
its memory or its time is a finding for that one file (``file-worker-failed``); a new worker takes
its place and the other files are read as usual.  Results are returned in the folder's order, so
the figures are the same as a serial read.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
import types
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Sequence

from ..findings import Report
from .discover import Found
from .limits import Limits
from .parse import EML_SUFFIX, Entry, parse_entry

__all__ = ["GRACE", "MAX_WORKERS", "parse_isolated", "prepare_readers", "start_method"]

GRACE = 5.0             # seconds a worker gets beyond Limits.seconds (start-up, sending the result)
MAX_WORKERS = 2
MAIL_FACTOR = 3         # a saved e-mail holds several workbooks: its deadline is this many files'
# Imported once by the fork server, so that a worker starts in milliseconds with its readers loaded.
PRELOAD = [__name__, "jieshui_xl.returns.xlsx", "jieshui_xl.returns.ods", "jieshui_xl.returns.xls",
           "jieshui_xl.returns.xlsb", "jieshui_xl.eml", "xlrd", "python_calamine"]


def start_method() -> str:
    """forkserver where it exists and is cheap (Linux), spawn elsewhere (Windows, macOS)."""
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


def prepare_readers() -> None:
    """Start the fork server now, without waiting: it loads the readers while the caller does other work
    (loads the task table).  Optional: the first file read starts it anyway."""
    if start_method() != "forkserver":
        return
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    from multiprocessing import forkserver

    with _without_main():
        forkserver.ensure_running()


def _serve(conn: Connection, memory: int) -> None:
    """A worker: bound its own address space, then parse what it is sent until told to stop."""
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (memory if hard == resource.RLIM_INFINITY else min(memory, hard), hard))
    except (ImportError, ValueError, OSError):
        pass                                   # Windows: the deadline alone
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        work, found, limits = job
        conn.send(work(found, limits))


@contextlib.contextmanager
def _without_main():
    """Start a worker without the parent's ``__main__``: multiprocessing would import it again in every
    worker (the CLI, a script, a test runner — slow, and wrong for a script read from stdin); the
    worker's code lives in this module and needs nothing of it."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    job: int | None = None            # index of the entry it is parsing
    deadline: float = 0.0


class _Pool:
    def __init__(self, limits: Limits, size: int):
        self.limits, self.size = limits, size
        self.ctx = multiprocessing.get_context(start_method())
        if start_method() == "forkserver":
            self.ctx.set_forkserver_preload(PRELOAD)
        self.workers: list[_Worker] = []

    def start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_serve, args=(child, self.limits.memory_bytes),  # type: ignore[attr-defined]
                                   daemon=True, name="jieshui-reader")
        with _without_main():
            process.start()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def retire(self, worker: _Worker) -> None:
        """Stop a worker (killed if it does not stop at once) and forget it."""
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)

    def close(self) -> None:
        for worker in list(self.workers):
            try:
                worker.conn.send(None)
            except OSError:
                pass
            worker.process.join(1)
            self.retire(worker)


Work = Callable[[Found, Limits], Entry]


def parse_isolated(entries: Sequence[Found], limits: Limits, done: Callable[[int, Entry], None] | None = None,
                   work: Work = parse_entry) -> list[Entry]:
    """Every entry read and parsed by a worker (``work``: a module-level function, sent by name), in the
    order given; ``done(index, entry)`` as each ends."""
    results: list[Entry | None] = [None] * len(entries)
    if not entries:
        return []
    pool = _Pool(limits, max(1, min(MAX_WORKERS, os.cpu_count() or 1, len(entries))))
    todo = deque(range(len(entries)))
    try:
        while todo or any(w.job is not None for w in pool.workers):
            _dispatch(pool, entries, todo, work)
            for index, entry in _collect(pool, entries):
                results[index] = entry
                if done is not None:
                    done(index, entry)
    finally:
        pool.close()
    return [r for r in results if r is not None]


def _dispatch(pool: _Pool, entries: Sequence[Found], todo: deque, work: Work) -> None:
    """Give every idle worker (starting workers up to the pool's size) the next entry."""
    while todo and (len(pool.workers) < pool.size or any(w.job is None for w in pool.workers)):
        worker = next((w for w in pool.workers if w.job is None), None) or pool.start()
        index = todo.popleft()
        factor = MAIL_FACTOR if entries[index].name.lower().endswith(EML_SUFFIX) else 1
        worker.job, worker.deadline = index, time.monotonic() + pool.limits.seconds * factor + GRACE
        worker.conn.send((work, entries[index], pool.limits))


def _collect(pool: _Pool, entries: Sequence[Found]):
    """Wait for a result, a worker's death or the nearest deadline; yield (index, entry) for each end."""
    busy = [w for w in pool.workers if w.job is not None]
    timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
    ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
    for worker in busy:
        index = worker.job
        assert index is not None
        if worker.conn in ready:
            try:
                entry = worker.conn.recv()
            except (EOFError, OSError):
                entry = None
            if isinstance(entry, Entry):
                worker.job = None
                yield index, entry
                continue
        elif worker.process.sentinel not in ready and time.monotonic() < worker.deadline:
            continue
        timed_out = time.monotonic() >= worker.deadline
        pool.retire(worker)
        yield index, _failed(entries[index], worker, timed_out, pool.limits)


def _failed(found: Found, worker: _Worker, timed_out: bool, limits: Limits) -> Entry:
    """The finding for a file whose worker died or ran out of time."""
    if timed_out:
        detail = f"读取超过 {limits.seconds:g} 秒仍未完成"
    else:
        code = worker.process.exitcode
        detail = (f"读取时超出内存上限或读取程序异常退出（退出码 {code}）" if code is not None
                  else "读取程序异常退出")
    entry = Entry(found.name)
    entry.findings.append(Report().add("file-worker-failed", file=found.name, detail=detail))
    return entry
