"""The progress-round demo (工作调度): three periods, 2023-04, 2023-06, 2023-09, each run as an office
would run it — forms (prefilled from the period before) → filled as the lead units would → the
工作进展调度表, its JSON and the 推进会 page (PDF where LibreOffice is installed) → 督办 messages.

The units' answers live in a readable file, ``jieshui_xl/data/demo_progress.csv`` (one row per
period, unit and task: status, 完成比例, 进展情况, 存在问题, 下步计划, 预计完成时间).  In 2023-06 one unit
reports nothing, another also sends back its 2023-04 form (named, not used), task 5 is past its
完成时限, task 16 is reported lagging; in 2023-09 another unit reports nothing.  The periods are
recorded in a history store inside the output folder (never the user's), so each period's forms
and 调度表 show the trajectory of the ones before.
"""

from __future__ import annotations

import csv
import datetime as _dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .demo import typed_value
from .fill import Entry, fill_workbook
from .libreoffice import available as libreoffice_available
from .progress import ProgressOutput, collect_progress, progress_summary_lines, run_progress, write_progress_forms
from .progress.workbook import write_meeting_page
from .returns import identify_file
from .spec import load_task_table
from .spec.progress import PARTS, Period

__all__ = ["DEMO_PROGRESS", "ProgressDemo", "read_progress_rows", "run_progress_demo"]

DEMO_PROGRESS = Path(__file__).with_name("data") / "demo_progress.csv"
COLUMNS = dict(zip((p for p, _ in PARTS), ("状态", "完成比例", "进展情况", "存在问题", "下步计划", "预计完成时间")))
RESEND = ("2023-06", "区水利局")          # (period, unit) that also sends back its form of the period before


@dataclass
class ProgressDemo:
    outputs: dict[str, ProgressOutput] = field(default_factory=dict)    # period -> what it wrote
    pdfs: dict[str, Path] = field(default_factory=dict)                 # period -> 推进会 page PDF
    mail: dict[str, list[Path]] = field(default_factory=dict)           # period -> 督办 .eml files
    history: Path | None = None


def read_progress_rows(path: Path = DEMO_PROGRESS) -> dict[str, dict[str, list[Entry]]]:
    """period -> unit -> the entries typed into its form (defined name, None, value as typed)."""
    out: dict[str, dict[str, list[Entry]]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            entries = out.setdefault(rec["期次"], {}).setdefault(rec["单位"], [])
            seq = int(rec["任务"])
            entries += [(f"progress{seq:02d}_{part}", None, typed_value(rec[col]))
                        for part, col in COLUMNS.items() if rec[col].strip()]
    return out


def run_progress_demo(out_dir: Path, echo: Callable[[str], None] = print, task_table: Path | None = None,
                      data: Path = DEMO_PROGRESS) -> ProgressDemo:
    table = load_task_table(task_table)
    out_dir = Path(out_dir)
    history = out_dir / "演示历史数据库.sqlite"
    history.unlink(missing_ok=True)                # the demo's own store, rebuilt each run
    demo = ProgressDemo(history=history)
    rows = read_progress_rows(data)
    previous: Path | None = None
    for n, text in enumerate(sorted(rows), start=1):
        period = Period.parse(text)
        folder = out_dir / f"{n}_{period.text}"
        echo(f"—— 第 {n} 期：{period.label} ——")
        forms, prev_period, _ = write_progress_forms(table, folder / "1_调度表", period, history, say=lambda _: None)
        echo(f"① 已生成 {len(forms)} 份工作进展调度表" + (f"（已预填 {prev_period} 期内容）" if prev_period else "")
             + f"：{(folder / '1_调度表').resolve()}")
        returns = _simulate(forms, folder / "2_回收表", rows[text])
        if text == RESEND[0] and previous is not None:
            _resend(previous, returns, RESEND[1])
        echo(f"② 已模拟各牵头单位填报并发回：{returns.resolve()}")
        out = run_progress(table, collect_progress(table, returns, period), period,
                           folder / "3_汇总" / f"{table.city}工作进展调度表_{period.text}.xlsx",
                           folder / "3_汇总" / f"{table.city}工作进展调度表_{period.text}.json", history)
        demo.outputs[text] = out
        echo("③ 汇总完成：")
        for line in progress_summary_lines(out):
            echo("   " + line)
        _meeting_pdf(demo, out, folder / "3_汇总", echo)
        demo.mail[text] = _remind(table, period, folder, returns, echo)
        previous = returns
    return demo


def _simulate(forms: list[Path], folder: Path, answers: dict[str, list[Entry]]) -> Path:
    """Each unit with answers fills its form (saved a minute apart, all in the past)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    by_unit = {ident.unit: p for p in forms if (ident := identify_file(p)) is not None}
    start = _dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(minutes=len(answers) + 1)
    for n, (unit, entries) in enumerate(answers.items()):
        contact: list[Entry] = [("contact_name", None, f"{unit[1:3]}联络员"), ("contact_phone", None, f"023-7923{n:04d}")]
        fill_workbook(by_unit[unit], folder / f"{unit}_调度表.xlsx", entries + contact,
                      modified=start + _dt.timedelta(minutes=n))
    return folder


def _resend(previous: Path, returns: Path, unit: str) -> None:
    """A unit also mails back the form it filled for the period before (it must be named, not used)."""
    shutil.copy2(previous / f"{unit}_调度表.xlsx", returns / f"{unit}_上期调度表.xlsx")


def _meeting_pdf(demo: ProgressDemo, out: ProgressOutput, folder: Path, echo) -> None:
    page = write_meeting_page(out.round, folder / f"推进会通报_{out.round.period.text}.xlsx")
    if not libreoffice_available():
        from .printing import NO_PDF_WITHOUT_LIBREOFFICE

        echo(f"   推进会通报：{page.resolve()}（{NO_PDF_WITHOUT_LIBREOFFICE}）")
        return
    from .printing import print_pdf

    demo.pdfs[out.round.period.text] = print_pdf(page)
    echo(f"   推进会通报（一页 A4 横向）：{demo.pdfs[out.round.period.text].resolve()}")


def _remind(table, period: Period, folder: Path, returns: Path, echo) -> list[Path]:
    from .mail.progress import progress_mail
    from .mail.run import run_mail

    echo("④ 督办邮件（未报送、被退回、有逾期或滞后任务的牵头单位）：")
    result = run_mail(table, folder / "1_调度表", folder / "4_督办邮件", returned_dir=returns,
                      kind=progress_mail(table, period), echo=lambda line: echo("   " + line))
    return list(result.written.values())
