"""The scorecard's JSON twin (``consolidate --json``): the contract in docs/spec_interfaces.md.

Contract keys (never renamed): ``year``, ``indicators`` (code, name, value, unit, status, target,
type), ``findings`` (Finding.to_dict()), ``submissions`` (unit, file, status).  Everything else is
added beside them.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from . import __version__
from .data import UnitState
from .formula import ExcelError
from .labels import STATUS_LABELS
from .score import IndicatorResult
from .scored import Round
from .spec import TaskTable
from .status import submission_entry, unit_entry

__all__ = ["scorecard_json", "json_number", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1


def scorecard_json(rnd: Round) -> dict:
    """Everything the scorecard workbook shows, as plain JSON-serialisable data; each indicator
    with ``prev_year``, ``prev_value`` and ``prev_status`` (null without a record of the year before)."""
    table, collection, result = rnd.table, rnd.collection, rnd.result
    return {
        "year": result.year,
        "city": result.city,
        "title": str(table.params.get("title") or ""),
        "schema_version": SCHEMA_VERSION,
        "generator": f"jieshui_xl {__version__}",
        "table_version": table.version,
        "notices": list(rnd.notices),
        "generated_at": _dt.datetime.now().isoformat(timespec="seconds"),
        "passed": result.passed,
        "total": len(result.indicators),
        "veto_ok": result.veto_ok,
        "verdict": result.verdict,
        "indicators": [{**_indicator(table, r), **_prev(rnd, r.indicator.code)} for r in result.indicators],
        "checks": [{"code": c.code, "ok": bool(result.checks.get(c.code, True)), "severity": c.severity,
                    "message": c.message, "rule": c.rule.text} for c in table.checks],
        "tasks": [_task(tr) for tr in result.tasks],
        "units": [_unit(state, collection.contacts.get(state.unit) or {}) for state in rnd.units],
        "returned": rnd.returned,
        "findings": rnd.report.to_list(),
        "submissions": [submission_entry(s) for s in collection.submissions],
    }


def _indicator(table: TaskTable, r: IndicatorResult) -> dict:
    ind = r.indicator
    out: dict[str, Any] = {
        "code": ind.code,
        "name": ind.name,
        "value": json_number(r.value),
        "unit": ind.result_unit,
        "status": r.status,
        "target": ind.requirement,
        "type": ind.type_label,
        "seq": ind.seq,
        "goal": ind.goal,
        "status_label": STATUS_LABELS[r.status],
        "note": r.note,
        "target_value": json_number(r.target),
        "veto": ind.is_veto,
        "decimals": ind.decimals,
        "lead_units": list(ind.leads),
        "responsible_units": list(ind.responsible),
        "reporter": table.indicator_reporter(ind),
        "remark": ind.remark,
        "calcs": {code: _plain(v) for code, v in r.calcs.items()},
        "missing_items": list(r.missing_items),
        "failed_checks": list(r.failed_checks),
    }
    if ind.table:
        out["rows"] = [{"row": row.number, "cells": {k: _plain(v) for k, v in row.cells.items()},
                        "filled": row.filled, "complete": row.complete, "value": json_number(row.value),
                        "passed": row.passed} for row in r.rows if row.filled]
    return out


def _prev(rnd: Round, code: str) -> dict:
    value, status = rnd.prev.indicator(code)
    return {"prev_year": rnd.prev.year if status is not None else None, "prev_value": json_number(value),
            "prev_status": status}


def _task(tr) -> dict:
    task = tr.task
    return {
        "seq": task.seq,
        "title": task.title,
        "category": task.category,
        "lead_units": list(task.leads),
        "reporters": list(task.reporters),
        "status": tr.status,
        "answers": [{"unit": a.unit, "status": a.status, "evidence": a.evidence, "note": a.note, "file": a.file,
                     "cell": a.cell} for a in tr.answers.values()],
        "unanswered": list(tr.unanswered),
    }


def _unit(state: UnitState, contact: dict) -> dict:
    """The unit as ``status`` reports it (the same entry), with its contact."""
    return {**unit_entry(state), "contact": {k: _plain(v) for k, v in contact.items()}}


def json_number(value) -> float | None:
    """A finite number as a float; anything else (blank, text, error, NaN, ±inf) as null."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _plain(value):
    """A JSON value: numbers stay numbers, "" and errors become null, dates become text."""
    if value is None or value == "" or isinstance(value, ExcelError):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return json_number(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)
