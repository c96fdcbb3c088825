"""Evidence (佐证材料): whose each received file is, which listed attachment it is, and what is owed.

Consolidation reads each unit's 佐证材料清单 (:attr:`Collection.evidence`) and describes every
evidence file that came with the returns (:attr:`Collection.received`).  :func:`settle` decides once
whose each file is — the unit whose workbook is in the same folder (the nearest folder below the
returns folder holding one unit's workbooks), in the same e-mail, or else the one unit whose list
names it — and reports what does not fit.  :func:`match` (pure) pairs the listed attachments with
the received files and tells, per evidence kind and providing unit, what is present and what is owed;
``status``, the scorecard's 报送情况, reminders and the package all read it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from .data import Collection, EvidenceEntry, Received
from .findings import Report
from .spec import EVIDENCE_SHEET, Evidence, TaskTable

__all__ = ["Document", "Owed", "EvidenceState", "match", "settle", "owner_of", "same_file", "owed_text", "owed_by_unit"]

NOT_RETURNED, NOT_LISTED, NOT_RECEIVED = "未报送填报表", "清单未列出附件", "所列附件未收到"


@dataclass(frozen=True)
class Document:
    """One attachment a unit listed for one evidence kind, and the file received for it (or None)."""
    evidence: Evidence
    unit: str
    entry: EvidenceEntry
    listed: str
    received: Received | None


@dataclass(frozen=True)
class Owed:
    """A required evidence kind a providing unit has not backed with a received file."""
    evidence: Evidence
    unit: str
    reason: str                     # NOT_RETURNED | NOT_LISTED | NOT_RECEIVED


@dataclass
class EvidenceState:
    documents: list[Document] = field(default_factory=list)     # listed (received or not), in table order
    owed: list[Owed] = field(default_factory=list)
    unlisted: list[Received] = field(default_factory=list)      # received, named in no list of its unit

    @property
    def present(self) -> list[Document]:
        return [d for d in self.documents if d.received is not None]

    @property
    def not_received(self) -> list[Document]:
        return [d for d in self.documents if d.received is None]

    def owed_by(self, unit: str) -> list[Owed]:
        return [o for o in self.owed if o.unit == unit]


def owed_text(table: TaskTable, owed: Owed) -> str:
    """How people read one owed item: 指标10（居民家庭一户一表率）：一户一表改造台账（清单未列出附件）."""
    subject = table.subject(owed.evidence)
    return f"{subject.label}（{subject.name}）：{owed.evidence.title}（{owed.reason}）"


def owed_by_unit(table: TaskTable, collection: Collection) -> dict[str, list[Owed]]:
    """Each unit's owed evidence (units owing nothing left out), in the table's order."""
    out: dict[str, list[Owed]] = {}
    for owed in match(table, collection).owed:
        out.setdefault(owed.unit, []).append(owed)
    return out


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def same_file(listed: str, base: str) -> bool:
    """A listed attachment name names a received file: the same name (case, full-width forms aside), or
    the same name without its extension where the list gives none."""
    listed_key, base_key = _key(PurePosixPath(listed.replace("\\", "/")).name), _key(base)
    if listed_key == base_key:
        return True
    return not PurePosixPath(listed_key).suffix and PurePosixPath(base_key).stem == listed_key


def match(table: TaskTable, collection: Collection) -> EvidenceState:
    """Listed attachments paired with received files; the owed evidence; the unlisted files."""
    state = EvidenceState()
    used: set[int] = set()
    for ev in table.evidence:
        for unit in ev.providers:
            entry = collection.evidence.get((ev.code, unit))
            docs = [_document(ev, unit, entry, listed, collection.received, used) for listed in entry.files] \
                if entry is not None else []
            state.documents += docs
            if ev.required and not any(d.received for d in docs):
                state.owed.append(Owed(ev, unit, _reason(collection, unit, entry)))
    state.unlisted = [r for n, r in enumerate(collection.received) if n not in used]
    return state


def _document(ev: Evidence, unit: str, entry: EvidenceEntry, listed: str, received: list[Received],
              used: set[int]) -> Document:
    for n, r in enumerate(received):
        if r.unit == unit and same_file(listed, r.base):
            used.add(n)
            return Document(ev, unit, entry, listed, r)
    return Document(ev, unit, entry, listed, None)


def _reason(collection: Collection, unit: str, entry: EvidenceEntry | None) -> str:
    if collection.accepted(unit) is None:
        return NOT_RETURNED
    return NOT_RECEIVED if entry is not None and entry.files else NOT_LISTED


# ---------------------------------------------------------------------------------------------
# Whose each file is, decided once at consolidation
# ---------------------------------------------------------------------------------------------

def _container(r: Received) -> str:
    """The name, in the returns folder, of the file that holds ``r`` (itself, its .zip or its .eml)."""
    return r.name[: -(len(r.member) + 1)] if r.member else r.name


def owner_of(r: Received, collection: Collection) -> str | None:
    """The unit ``r`` belongs to: its e-mail's, its folder's, else the one unit whose list names it."""
    workbooks = [(s.file, s.unit) for s in collection.submissions if s.unit and s.identified]
    holder = _container(r)
    if r.origin == "eml":
        units = {u for f, u in workbooks if f.startswith(holder + "/")}
        if len(units) == 1:
            return units.pop()
    else:
        for folder in PurePosixPath(holder).parents:
            if str(folder) == ".":
                break
            units = {u for f, u in workbooks if PurePosixPath(f).is_relative_to(folder)}
            if units:
                if len(units) == 1:
                    return units.pop()
                break
    listing = {e.unit for e in collection.evidence.values() if any(same_file(n, r.base) for n in e.files)}
    return listing.pop() if len(listing) == 1 else None


def settle(table: TaskTable, collection: Collection, received: list[Received], found: Report) -> None:
    """Give each received file its unit, then report what reading them found, listed attachments not
    received and files no list names.  (Required evidence a unit did not list at all is not a finding:
    it is owed — :func:`match` — and shown as such in status, 报送情况, reminders and the package.)"""
    collection.received = [replace(r, unit=owner_of(r, collection)) for r in received]
    collection.report.extend(found)
    state = match(table, collection)
    for doc in state.not_received:
        subject = table.subject(doc.evidence)
        collection.report.add("evidence-file-missing", unit=doc.unit, file=doc.entry.file, cell=doc.entry.cell,
                              sheet=EVIDENCE_SHEET, field=doc.evidence.name("file"), value=doc.listed,
                              label=f"{subject.label}“{doc.evidence.title}”")
    for r in state.unlisted:
        collection.report.add("evidence-unlisted", unit=r.unit, file=r.name, owner=r.unit or "任何单位")
