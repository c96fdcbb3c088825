"""Who has returned what: the status JSON of ``jieshui-xl status`` (docs/spec_interfaces.md).

A unit's status is decided once (:meth:`jieshui_xl.data.Collection.unit_state`); these functions only
render a :class:`~jieshui_xl.data.UnitState` — the same entry in the status JSON and the scorecard JSON.
"""

from __future__ import annotations

from .data import Collection, Submission, UnitState
from .evidence import owed_by_unit, owed_text
from .spec import TaskTable

__all__ = ["status_json", "status_lines", "submission_entry", "unit_entry"]


def submission_entry(s: Submission) -> dict:
    """One returned file in JSON (the status JSON's ``files``, the scorecard JSON's ``submissions``)."""
    return {"unit": s.unit, "file": s.file, "status": s.status,
            "saved_at": s.saved_at.isoformat(timespec="seconds") if s.saved_at else None,
            "year": s.year, "errors": s.errors, "warnings": s.warnings, "reason": s.reason}


def unit_entry(state: UnitState) -> dict:
    """A unit's status in JSON: status, the deciding file, its errors and warnings, every file of it."""
    return {"unit": state.unit, "status": state.status, "file": state.file, "unreadable": state.unreadable,
            "label": state.label, "errors": state.errors, "warnings": state.warnings,
            "files": [submission_entry(s) for s in state.files]}


def status_json(table: TaskTable, collection: Collection) -> dict:
    """{"year", "units": [{"unit", "status", "file", "errors", ...}]}, one entry per reporting unit;
    ``other_files`` lists the files that belong to no reporting unit (not ours, unreadable, skipped)."""
    units = table.reporting_units()
    owed = owed_by_unit(table, collection)
    return {"year": table.year, "city": table.city,
            "units": [dict(unit_entry(collection.unit_state(unit)),
                           evidence_owed=[owed_text(table, o) for o in owed.get(unit, [])]) for unit in units],
            "other_files": [submission_entry(s) for s in collection.submissions if s.unit not in units]}


def status_lines(states: list[UnitState], evidence_owed: dict[str, list] | None = None) -> list[str]:
    """One console line per unit: “区水利局：被退回（文件.xlsx，错误 1 条）”, and “缺佐证材料 N 项” for a
    unit that owes evidence (``evidence_owed``: unit -> what it owes, e.g. the status JSON's lists)."""
    owed = evidence_owed or {}
    return [f"{s.unit}：{s.label}" + (f"（{s.file}，错误 {s.errors} 条）" if s.file else "")
            + (f"；缺佐证材料 {len(owed[s.unit])} 项" if owed.get(s.unit) else "") for s in states]
