"""Collection workbooks: one protected, validated, print-ready .xlsx per reporting unit.

``write_templates(table, out_dir)`` is the entry point (``jieshui-xl templates``).  Everything in a
workbook comes from the task table: items and their validation, the indicators they feed, the live
self-check (the very formulas of :func:`jieshui_xl.logic.logic`), the checklist and the contact
fields.  See docs/spec_interfaces.md for the names a workbook defines.

Re-running into the same folder replaces the workbooks written there before and nothing else
(see :mod:`.files`): a workbook modified since it was written, or a foreign file with the same
name, is kept as it is; it is listed in ``.kept`` of the result and reported through ``progress``.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Callable

from ..logic import logic
from ..outputs import atomic_path
from ..spec import TaskTable
from ..spec.progress import Period, progress_units
from .files import MANIFEST, Manifest, file_name, progress_file_name, sha256
from .progress import write_progress_form
from .selfcheck import SelfCheck
from .workbook import write_workbook

__all__ = ["write_templates", "write_progress_templates", "TemplateFiles", "MANIFEST", "file_name"]


class TemplateFiles(list):
    """The workbooks written (a list of paths), plus what a re-run left alone or removed."""

    def __init__(self, written=(), kept=(), removed=()):
        super().__init__(written)
        self.kept: list[Path] = list(kept)        # modified or foreign files not overwritten
        self.removed: list[Path] = list(removed)  # own, unchanged workbooks no longer produced


def write_templates(table: TaskTable, out_dir: Path, progress: Callable[[str], None] | None = None,
                    prev=None) -> TemplateFiles:
    """Write one collection workbook per reporting unit into ``out_dir`` (created if missing).

    ``progress`` (optional) receives one Chinese line per workbook written and per file kept.
    ``prev`` (:class:`jieshui_xl.prevyear.PrevYear`): last year's record — items marked 上年来源 are
    prefilled from it, every recorded item gets a read-only ``prev_<code>`` cell; without a record the
    workbook says so.
    """
    lg = logic(table)
    selfcheck = SelfCheck(table, lg)

    def write(unit: str, tmp: Path, generated_at: str) -> None:
        write_workbook(table, unit, tmp, lg, selfcheck, generated_at, prev)

    files = {unit: file_name(table, unit) for unit in table.reporting_units()}
    return _write_all(table, Path(out_dir), files, write, progress)


def write_progress_templates(table: TaskTable, out_dir: Path, period: Period, earlier=None,
                         progress: Callable[[str], None] | None = None) -> TemplateFiles:
    """Write one progress form (工作调度) per lead unit for ``period`` into ``out_dir``; ``earlier``
    (:class:`jieshui_xl.progressstore.Earlier`): the last period's answers, prefilled, and the tasks'
    trajectory, shown."""
    def write(unit: str, tmp: Path, generated_at: str) -> None:
        write_progress_form(table, unit, period, tmp, generated_at, earlier)

    files = {unit: progress_file_name(table, unit, period.text) for unit in progress_units(table)}
    return _write_all(table, Path(out_dir), files, write, progress, round_key=f"progress {period.text}")


def _write_all(table: TaskTable, out_dir: Path, files: dict[str, str], write: Callable[[str, Path, str], None],
               progress: Callable[[str], None] | None, round_key: str = "") -> TemplateFiles:
    """Write each unit's workbook (``files``: unit -> file name) through the manifest: a re-run replaces
    its own unchanged workbooks of the same round and nothing else."""
    say = progress or (lambda _message: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out_dir)
    generated_at = _dt.datetime.now().isoformat(timespec="seconds")
    result, written = TemplateFiles(), {}
    for unit, name in files.items():
        target = out_dir / name
        if target.exists() and not manifest.is_ours_unchanged(target):
            result.kept.append(target)
            say(f"未覆盖“{target.name}”：该文件不是本程序上次生成的原样文件（可能已被修改）。"
                f"如需重新生成，请先将其移走后再运行。")
            continue
        with atomic_path(target) as tmp:
            write(unit, tmp, generated_at)
        written[target.name] = {"sha256": sha256(target), "city": table.city, "year": table.year, "unit": unit}
        if round_key:
            written[target.name]["round"] = round_key
        result.append(target)
        say(f"已生成：{target.name}")
    _remove_stale(manifest, table.city, set(written) | {p.name for p in result.kept}, result, say, round_key)
    manifest.save(table.city, written, round_key)
    return result


def _remove_stale(manifest: Manifest, city: str, produced: set[str], result: TemplateFiles, say,
                  round_key: str = "") -> None:
    for path in manifest.stale(city, produced, round_key):
        if manifest.is_ours_unchanged(path):
            path.unlink()
            result.removed.append(path)
            say(f"已删除上次生成、本次不再需要的“{path.name}”。")
        else:
            result.kept.append(path)
            say(f"保留“{path.name}”：上次生成后已被修改，本次不再需要，请自行处理。")
