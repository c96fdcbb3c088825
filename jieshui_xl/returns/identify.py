"""Is a workbook one of this round's workbooks?  Each check small and alone.

A round is a data round (collection workbooks) or a progress round of one period (progress forms):
:class:`Expect` says which, so a progress form is never taken for a data workbook or the reverse,
and a progress form of another period is named, not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..identity import DATA_KIND, KIND_LABELS, PROGRESS_KIND, Identity
from ..spec import TaskTable
from ..spec.progress import progress_fingerprint, progress_units

__all__ = ["CHECKS", "DATA_ROUND", "Expect", "check_city", "problems"]

Problem = tuple[str, dict]          # (finding code, template keywords)


@dataclass(frozen=True)
class Expect:
    """The kind of workbook a round takes, and for a progress round its period (2023-06)."""
    kind: str = DATA_KIND
    period: str = ""

    def units(self, table: TaskTable) -> list[str]:
        return progress_units(table) if self.kind == PROGRESS_KIND else table.reporting_units()

    def fingerprint(self, table: TaskTable) -> str:
        return progress_fingerprint(table) if self.kind == PROGRESS_KIND else table.fingerprint

    @property
    def label(self) -> str:
        label = KIND_LABELS[self.kind]
        return f"{self.period} 期{label}" if self.period else label


DATA_ROUND = Expect()


def check_untouched(table: TaskTable, ident: Identity, expect: Expect) -> Problem | None:
    """An identity edited after generation (its check value no longer fits); none recorded: older, fine."""
    if ident.check and ident.check != ident.expected_check():
        return "identity-edited", {}
    return None


def check_kind(table: TaskTable, ident: Identity, expect: Expect) -> Problem | None:
    """A progress form in a data round, a data workbook in a progress round, or another period's form."""
    if ident.kind != expect.kind:
        return "file-wrong-kind", {"value": ident.kind_label, "expected": expect.label}
    if ident.period != expect.period:
        return "file-wrong-period", {"value": ident.period or "（未记录）", "expected": expect.period}
    return None


def check_unit(table: TaskTable, ident: Identity, expect: Expect) -> Problem | None:
    if ident.unit not in expect.units(table):
        return "file-unknown-unit", {"value": ident.unit}
    return None


def check_city(table: TaskTable, ident: Identity, expect: Expect = DATA_ROUND) -> Problem | None:
    if ident.city != table.city:
        return "file-wrong-city", {"value": ident.city, "city": table.city}
    return None


def check_year(table: TaskTable, ident: Identity, expect: Expect) -> Problem | None:
    if ident.year != table.year:
        return "file-wrong-year", {"value": ident.year, "year": table.year}
    return None


def check_version(table: TaskTable, ident: Identity, expect: Expect) -> Problem | None:
    fingerprint = expect.fingerprint(table)
    if ident.table_version == table.version and ident.fingerprint == fingerprint:
        return None
    if ident.table_version == table.version:   # same label, different layout: show the fingerprints
        return "file-version-mismatch", {"value": f"{ident.table_version}（{ident.fingerprint}）",
                                         "expected": f"{table.version}（{fingerprint}）"}
    return "file-version-mismatch", {"value": ident.table_version or "（未记录）", "expected": table.version}


CHECKS: tuple[Callable[[TaskTable, Identity, Expect], Problem | None], ...] = (
    check_untouched, check_kind, check_unit, check_city, check_year, check_version)


def problems(table: TaskTable, ident: Identity, expect: Expect = DATA_ROUND) -> list[Problem]:
    """Every reason the workbook cannot be mixed into this round (empty when it can).  A workbook of
    the wrong kind is named for that alone (its layout is another round's, not a wrong version)."""
    found = [p for check in CHECKS if (p := check(table, ident, expect)) is not None]
    wrong_kind = [p for p in found if p[0] == "file-wrong-kind"]
    return wrong_kind or found
