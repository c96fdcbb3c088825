"""The JSON twin of the 工作进展调度表 (docs/spec_interfaces.md, “Progress rounds”)."""

from __future__ import annotations

from ..status import submission_entry
from .model import ProgressRound, TaskState

__all__ = ["progress_json"]


def _answer(a) -> dict:
    return {"unit": a.unit, "status": a.status or None, "percent": a.percent, "report": a.report,
            "issues": a.issues, "plan": a.plan, "eta": a.eta or None, "file": a.file}


def _task(rnd: ProgressRound, s: TaskState) -> dict:
    milestone = s.next_milestone(rnd.period)
    return {"seq": s.task.seq, "title": s.task.title, "category": s.task.category, "leads": list(s.reporters),
            "indicator": s.task.indicator or None,
            "deadline": s.task.deadline.isoformat() if s.task.deadline else None,
            "milestones": [{"date": d.isoformat(), "what": w} for d, w in s.task.milestones],
            "next_milestone": {"date": milestone[0].isoformat(), "what": milestone[1]} if milestone else None,
            "status": s.status, "done": s.done, "overdue_days": s.overdue_days,
            "answers": [_answer(a) for a in s.answers.values()], "missing_units": s.missing,
            "trajectory": [{"period": p, "status": t.status, "overdue_days": t.overdue_days} for p, t in s.trajectory]}


def progress_json(rnd: ProgressRound) -> dict:
    """{"year", "city", "period", "period_end", "statuses", "tasks", "units", "findings", "submissions", "notices"}"""
    units = [{"rank": r.rank, "unit": r.unit, "status": r.status, "tasks": r.tasks, "done": r.done,
              "completion_rate": round(r.rate, 4), "lagging": r.lagging, "overdue": r.overdue}
             for r in rnd.units]
    return {"kind": "progress", "year": rnd.table.year, "city": rnd.table.city, "period": rnd.period.text,
            "period_end": rnd.period.end.isoformat(), "statuses": list(rnd.statuses.values),
            "counts": rnd.counts(), "tasks": [_task(rnd, s) for s in rnd.tasks], "units": units,
            "findings": [f.to_dict() for f in rnd.findings()],
            "submissions": [submission_entry(s) for s in rnd.collection.submissions], "notices": rnd.notices}
