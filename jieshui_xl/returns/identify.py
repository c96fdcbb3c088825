"""Is a workbook one of this round's collection workbooks?  Each check small and alone."""

from __future__ import annotations

from typing import Callable

from ..identity import Identity
from ..spec import TaskTable

__all__ = ["CHECKS", "check_city", "problems"]

Problem = tuple[str, dict]          # (finding code, template keywords)


def check_untouched(table: TaskTable, ident: Identity) -> Problem | None:
    """An identity edited after generation (its check value no longer fits); none recorded: older, fine."""
    if ident.check and ident.check != ident.expected_check():
        return "identity-edited", {}
    return None


def check_unit(table: TaskTable, ident: Identity) -> Problem | None:
    if ident.unit not in table.reporting_units():
        return "file-unknown-unit", {"value": ident.unit}
    return None


def check_city(table: TaskTable, ident: Identity) -> Problem | None:
    if ident.city != table.city:
        return "file-wrong-city", {"value": ident.city, "city": table.city}
    return None


def check_year(table: TaskTable, ident: Identity) -> Problem | None:
    if ident.year != table.year:
        return "file-wrong-year", {"value": ident.year, "year": table.year}
    return None


def check_version(table: TaskTable, ident: Identity) -> Problem | None:
    if ident.table_version == table.version and ident.fingerprint == table.fingerprint:
        return None
    if ident.table_version == table.version:   # same label, different layout: show the fingerprints
        return "file-version-mismatch", {"value": f"{ident.table_version}（{ident.fingerprint}）",
                                         "expected": f"{table.version}（{table.fingerprint}）"}
    return "file-version-mismatch", {"value": ident.table_version or "（未记录）", "expected": table.version}


CHECKS: tuple[Callable[[TaskTable, Identity], Problem | None], ...] = (
    check_untouched, check_unit, check_city, check_year, check_version)


def problems(table: TaskTable, ident: Identity) -> list[Problem]:
    """Every reason the workbook cannot be mixed into this round (empty when it can)."""
    return [p for check in CHECKS if (p := check(table, ident)) is not None]

