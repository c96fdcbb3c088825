"""Who has returned what: the status JSON of ``jieshui-xl status`` (docs/spec_interfaces.md)."""

from __future__ import annotations

from .data import Collection, Submission
from .labels import REJECTED, UNIT_STATUS_LABELS, UNREADABLE_LABEL
from .spec import TaskTable

__all__ = ["status_json", "submission_entry", "unit_entry", "unit_label"]


def unit_label(entry: dict) -> str:
    """How the console names a unit's status (an entry of :func:`status_json`)."""
    return UNREADABLE_LABEL if entry.get("unreadable") else UNIT_STATUS_LABELS[entry["status"]]


def _main_submission(collection: Collection, unit: str) -> Submission | None:
    """The file that decides the unit's status: the accepted one, else its latest rejected one."""
    accepted = collection.accepted(unit)
    if accepted is not None:
        return accepted
    rejected = [s for s in collection.submissions if s.unit == unit and s.status == REJECTED]
    return rejected[-1] if rejected else None


def submission_entry(s: Submission) -> dict:
    """One returned file in JSON (the status JSON's ``files``, the scorecard JSON's ``submissions``)."""
    return {"unit": s.unit, "file": s.file, "status": s.status,
            "saved_at": s.saved_at.isoformat(timespec="seconds") if s.saved_at else None,
            "year": s.year, "errors": s.errors, "warnings": s.warnings, "reason": s.reason}


def unit_entry(collection: Collection, unit: str) -> dict:
    main = _main_submission(collection, unit)
    unreadable = main is not None and main.status == REJECTED and main.unreadable
    return {"unit": unit, "status": collection.unit_status(unit), "file": main.file if main else None,
            "unreadable": unreadable,
            "errors": main.errors if main else 0, "warnings": main.warnings if main else 0,
            "files": [submission_entry(s) for s in collection.submissions if s.unit == unit]}


def status_json(table: TaskTable, collection: Collection) -> dict:
    """{"year", "units": [{"unit", "status", "file", "errors", ...}]}, one entry per reporting unit;
    ``other_files`` lists the files that belong to no reporting unit (not ours, unreadable, skipped)."""
    units = table.reporting_units()
    return {"year": table.year, "city": table.city,
            "units": [unit_entry(collection, unit) for unit in units],
            "other_files": [submission_entry(s) for s in collection.submissions if s.unit not in units]}
