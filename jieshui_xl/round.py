"""Finishing a round (:class:`jieshui_xl.scored.Round`, the value every writer reads).

Finishing a round is three explicit steps, in this order:

1. :func:`prevyear.load_prev` — the only read of the history store, which also makes sure the store
   could take the record at the end (a store problem is a notice, in the scorecard and the JSON);
2. :func:`write_round` — the scorecard workbook and the JSON twin (atomically);
3. :func:`record_round` — the history store, last, and only for a real round (at least one
   collection workbook of this city and year identified) whose outputs were all written.

A folder without any collection workbook is no round: :func:`run_round` raises before writing.

:func:`run_round` does the three for one city (``consolidate``, the demo, the one-click script);
``--by-city`` writes every city and the overview before it records any.  ``summary_lines`` is the
one console summary of a round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .data import Collection
from .evidence import owed_by_unit
from .findings import severity_counts
from .history import HistoryError, record
from .labels import PASS, UNIT_STATUS_LABELS, UNREADABLE_LABEL, UnitStatus
from .outputs import write_json
from .prevyear import load_prev
from .report import scorecard_json
from .scorecard import write_scorecard
from .scored import Round, compute_round, not_a_round
from .spec import TaskTable

__all__ = ["RoundOutput", "output_lines", "owes_something", "record_round", "run_round", "summary_lines",
           "unit_lines", "write_round"]

@dataclass
class RoundOutput:
    """What a round wrote: its files, the JSON data, and the history store's run id once recorded."""
    round: Round
    scorecard: Path
    json: Path | None
    data: dict                                   # the scorecard JSON
    notices: list[str] = field(default_factory=list)   # the round's, and any from recording it
    run_id: int | None = None


def write_round(rnd: Round, scorecard: Path, json_path: Path | None = None) -> RoundOutput:
    """The scorecard workbook and (when asked) its JSON twin; each written atomically."""
    write_scorecard(rnd, Path(scorecard))
    data = scorecard_json(rnd)
    if json_path is not None:
        write_json(json_path, data)
    return RoundOutput(rnd, Path(scorecard), json_path and Path(json_path), data, list(rnd.notices))


def record_round(out: RoundOutput, history: Path | None) -> RoundOutput:
    """The last step: record the round in the history store — only a real round, only when the store
    could be read; a store that cannot be written is a notice."""
    rnd = out.round
    if history is None or not rnd.store_usable:
        return out
    if not rnd.real:
        out.notices.append(f"没有收到{rnd.city}{rnd.year}年度的填报表，本次结果未记入历史数据库。")
        return out
    try:
        out.run_id = record(history, rnd.table, rnd.collection, rnd.result, generator=f"jieshui_xl {__version__}")
    except HistoryError as exc:
        out.notices.append(str(exc).replace("，评分表照常生成", "（评分表已生成）"))
    return out


def run_round(table: TaskTable, collection: Collection, scorecard: Path, json_path: Path | None = None,
              history: Path | None = None) -> RoundOutput:
    """One city's round, finished: last year's record read, computed, written, then recorded in ``history``
    (when given).  Raises :class:`JieshuiError` — writing and recording nothing — when the folder held no
    collection workbook at all."""
    rnd = compute_round(table, collection, load_prev(history, table, recording=True))
    if not rnd.identified:
        raise not_a_round(rnd)
    return record_round(write_round(rnd, scorecard, json_path), history)


def summary_lines(out: RoundOutput) -> list[str]:
    """The console summary of a round (Chinese): figures, who owes what, problems, store notices."""
    rnd = out.round
    result = rnd.result
    lines = [f"{rnd.city}{rnd.year}年度：{result.passed}/{len(result.indicators)} 项指标达标；{result.verdict}。"]
    lines += [f"  - {r.indicator.seq}. {r.indicator.name}：{r.status_label}" for r in result.indicators
              if r.status != PASS]
    lines += unit_lines(rnd)
    counts = severity_counts(rnd.report)
    if counts:
        lines.append("问题清单：" + counts + "（详见评分表“问题清单”工作表）")
    lines += [f"注意：{n}" for n in out.notices]
    if out.run_id is not None:
        lines.append(f"已记入历史数据库（{rnd.city}{rnd.year}年度）。")
    return lines


def unit_lines(rnd: Round) -> list[str]:
    """报送 counts, then who must be chased, asked to re-save, or asked to correct."""
    counts = {k: len(rnd.units_with(k)) for k in UNIT_STATUS_LABELS}
    lines = [f"报送：共 {len(rnd.units)} 个单位，" + "，".join(f"{UNIT_STATUS_LABELS[k]} {v} 个" for k, v in counts.items())
             + "。"]
    missing = rnd.units_with(UnitStatus.MISSING)
    rejected = rnd.units_with(UnitStatus.REJECTED)
    unreadable = [u.unit for u in rejected if u.unreadable]
    if missing:
        lines.append("未报送（请催报）：" + "、".join(u.unit for u in missing))
    if unreadable:
        lines.append(f"{UNREADABLE_LABEL}（请让其用 Excel/WPS 另存为 .xlsx 后重发）：" + "、".join(unreadable))
    if any(not u.unreadable for u in rejected):
        lines.append(f"{UNIT_STATUS_LABELS[UnitStatus.REJECTED]}（请通知修改后重报）："
                     + "、".join(f"{u.unit}（错误 {u.errors} 条）" for u in rejected if not u.unreadable))
    if not (missing or rejected):
        lines.append("所有单位均已报送可用的填报表。")
    return lines


def output_lines(out: RoundOutput, pdf: Path | None = None) -> list[str]:
    """Where the round's files are (absolute paths, one per line)."""
    lines = [f"评分表：{out.scorecard.resolve()}"]
    if out.json is not None:
        lines.append(f"JSON：{out.json.resolve()}")
    if pdf is not None:
        lines.append(f"PDF：{Path(pdf).resolve()}")
    return lines


def owes_something(out: RoundOutput) -> bool:
    """Whether some unit has still to send (or re-send) a usable workbook, or required evidence."""
    rnd = out.round
    return any(u.status != UnitStatus.RETURNED for u in rnd.units) or bool(owed_by_unit(rnd.table, rnd.collection))
