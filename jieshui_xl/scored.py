"""A round as one value: :class:`Round`, built by :func:`compute_round` without any I/O.

A Round is everything a round knows: the task table, the collected returns (last year's prefill
applied), the computed result, last year's record and the recorded years, the notices, one merged
findings report and each reporting unit's status, decided once.  Every writer (scorecard, JSON,
status, overview, console summary, reminders) only reads it; :mod:`jieshui_xl.round` finishes it
(write, then record).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .data import Collection, UnitState
from .findings import JieshuiError, Report
from .labels import UnitStatus
from .prevyear import PrevYear, apply_prefill
from .score import Result, compute
from .spec import TaskTable

__all__ = ["Round", "Trend", "compute_round", "not_a_round"]

Trend = dict[int, dict[str, tuple[float | None, str]]]   # year -> indicator code -> (value, status)


@dataclass(frozen=True)
class Round:
    """One round, computed: what every writer reads (nothing here is written or re-decided)."""
    table: TaskTable
    collection: Collection              # as collected, with last year's prefill applied
    result: Result
    prev: PrevYear                      # last year's record and the recorded years (or none)
    notices: tuple[str, ...]            # the task table's and the history store's, for people to read
    report: Report                      # every finding of the round: the returns', then the computation's
    units: tuple[UnitState, ...]        # one per reporting unit, in the task table's order

    @property
    def city(self) -> str:
        return self.table.city

    @property
    def year(self) -> int:
        return self.table.year

    @property
    def identified(self) -> bool:
        """At least one collection workbook (of any year or city) was identified among the files: else
        the folder held no round at all, and nothing is written."""
        return any(s.identified for s in self.collection.submissions)

    @property
    def real(self) -> bool:
        """At least one collection workbook of this city and year was identified: only such a round is
        recorded in the history store."""
        return any(s.year == self.year and (s.city or self.city) == self.city for s in self.collection.submissions)

    @property
    def store_usable(self) -> bool:
        """The history store could be read (its notices are none)."""
        return not self.prev.notices

    def unit(self, name: str) -> UnitState:
        return next(u for u in self.units if u.unit == name)

    def units_with(self, status: str) -> list[UnitState]:
        return [u for u in self.units if u.status == status]

    @property
    def returned(self) -> int:
        """Units from which something came (returned or rejected)."""
        return sum(1 for u in self.units if u.status != UnitStatus.MISSING)

    @cached_property
    def trend(self) -> Trend:
        """The city's recorded years, this round's figures for its own year."""
        years = dict(self.prev.series)
        years[self.year] = {r.indicator.code: (r.value if isinstance(r.value, (int, float)) else None, r.status)
                            for r in self.result.indicators}
        return dict(sorted(years.items()))


def compute_round(table: TaskTable, collection: Collection, prev: PrevYear | None = None) -> Round:
    """The round's value from the collected returns and last year's record (no I/O)."""
    prev = prev if prev is not None else PrevYear(table.year - 1)
    collection = apply_prefill(table, collection, prev)
    result = compute(table, collection)
    return Round(table, collection, result, prev, notices=(*table.notices, *prev.notices),
                 report=Report([*collection.report, *result.report]),
                 units=tuple(collection.unit_state(u) for u in table.reporting_units()))


def not_a_round(rnd: Round) -> JieshuiError:
    """Why nothing is written for a folder without any collection workbook."""
    return JieshuiError(f"回收文件夹中的 {len(rnd.collection.submissions)} 个文件没有一个是本系统下发的填报表"
                        f"（找不到填报表身份信息），未生成评分表，也未记入历史数据库。请放入各单位发回的"
                        f"{rnd.year}年度填报表后重试。")
