"""Where each document goes in the application (申报材料), decided from the task table alone.

Volumes are folders (``三、技术考核指标``; a volume numbered 0 keeps its bare name, ``申报书``), each
indicator or task a folder in its volume (``三-03 城市公共供水管网漏损率``), each received document a
file numbered ``<volume>-<subject>-<n>`` and named after its subject and the kind of evidence
(``三-03-01 城市公共供水管网漏损率-漏损率测算报告.pdf``): names come from the task table, never from
what a unit typed.  Files no list names go to ``未列入清单/<unit>/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..data import Received
from ..evidence import Document, EvidenceState, Owed
from ..paths import safe_filename, safe_name
from ..spec import SELF_ASSESSMENT_PARAM, TaskTable, document_number, numeral, subject_number

__all__ = ["Placed", "PackagePlan", "plan_package", "UNLISTED_FOLDER", "INDEX_NAME"]

UNLISTED_FOLDER = "未列入清单"
INDEX_NAME = "申报材料目录.xlsx"
UNKNOWN_UNIT = "未识别单位"


@dataclass(frozen=True)
class Placed:
    """One received document at its place in the package."""
    number: str                    # 三-03-01
    volume: str
    folder: tuple[str, ...]        # (volume folder, subject folder)
    file_name: str
    document: Document

    @property
    def path(self) -> str:
        return "/".join((*self.folder, self.file_name))

    @property
    def received(self) -> Received:
        assert self.document.received is not None
        return self.document.received


@dataclass
class PackagePlan:
    placed: list[Placed] = field(default_factory=list)
    owed: list[Owed] = field(default_factory=list)
    unlisted: list[tuple[Received, str]] = field(default_factory=list)   # (file, its path in the package)
    scorecard_folder: str = ""


def volume_folder(table: TaskTable, volume: str) -> str:
    rank = table.volume_rank(volume)
    return f"{numeral(rank)}、{volume}" if rank > 0 else safe_name(volume)


def plan_package(table: TaskTable, state: EvidenceState) -> PackagePlan:
    """Every received document numbered and placed; what is owed; the unlisted files."""
    plan = PackagePlan(owed=list(state.owed))
    counts: dict[tuple[str, int, str], int] = {}
    for doc in state.present:
        ev, subject = doc.evidence, table.subject(doc.evidence)
        rank = table.volume_rank(ev.volume)
        key = (ev.volume, subject.seq, subject.kind)
        counts[key] = counts.get(key, 0) + 1
        number, prefix = document_number(rank, subject.seq, counts[key]), subject_number(rank, subject.seq)
        suffix = PurePosixPath(safe_filename(doc.received.base if doc.received else "")).suffix
        folder = (safe_name(volume_folder(table, ev.volume)), safe_name(f"{prefix} {subject.name}"))
        plan.placed.append(Placed(number, ev.volume, folder, safe_name(f"{number} {subject.name}-{ev.title}") + suffix,
                                  doc))
    taken: set[str] = set()
    for r in state.unlisted:
        plan.unlisted.append((r, _unique(f"{UNLISTED_FOLDER}/{safe_name(r.unit or UNKNOWN_UNIT)}", safe_filename(r.base),
                                         taken)))
    volume = str(table.params.get(SELF_ASSESSMENT_PARAM) or "")
    plan.scorecard_folder = volume_folder(table, volume) if volume else ""
    return plan


def _unique(folder: str, name: str, taken: set[str]) -> str:
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    path, n = f"{folder}/{name}", 1
    while path.casefold() in taken:
        n += 1
        path = f"{folder}/{stem} ({n}){suffix}"
    taken.add(path.casefold())
    return path
