"""One unit's collection workbook: 填报说明, 数据填报, the defined names and the identity."""

from __future__ import annotations

from pathlib import Path

from ..identity import META_SHEET, Identity, literal_digest
from ..logic import Logic
from ..prevyear import prefill_values
from ..spec import TaskTable
from ..xlsx import Workbook
from .datasheet import workbook_title, write_data_sheet
from .evidence import write_evidence_sheet
from .guide import write_guide
from .layout import Context
from .plan import plan_for
from .selfcheck import SelfCheck
from .sheet import WORKBOOK_OPTIONS, Names
from .styles import Styles
from .validation import LISTS_SHEET, ListSources


def write_workbook(table: TaskTable, unit: str, path: Path, lg: Logic, selfcheck: SelfCheck,
                   generated_at: str, prev=None) -> None:
    wb = Workbook(str(path), WORKBOOK_OPTIONS)
    ctx = Context(table=table, unit=unit, plan=plan_for(table, unit), styles=Styles(wb), names=Names(),
                  lists=ListSources(wb), logic=lg, selfcheck=selfcheck, prev=prev,
                  prefill=prefill_values(table, prev.record) if prev is not None else {})
    sheets = [write_guide(ctx, wb), write_data_sheet(ctx, wb)]
    if ctx.plan.evidence:
        sheets.append(write_evidence_sheet(ctx, wb))
    literals = {sh.title: sh.literals for sh in sheets}
    if ctx.lists.literals:
        literals[LISTS_SHEET] = ctx.lists.literals
    identity = Identity(unit=unit, unit_code=table.units[unit].code, year=table.year, city=table.city,
                        table_version=table.version, fingerprint=table.fingerprint, generated_at=generated_at,
                        cells=dict(ctx.names.refs),
                        literals={title: frozenset(map(literal_digest, texts)) for title, texts in literals.items()})
    write_identity(wb, identity)
    ctx.names.define_all(wb)
    wb.set_properties({"title": workbook_title(ctx), "subject": unit, "author": ctx.office,
                       "company": table.city, "comments": "由 jieshui_xl 生成的节水型城市数据填报表"})
    wb.close()


def write_identity(wb, identity: Identity) -> None:
    ws = wb.add_worksheet(META_SHEET)
    for row, (key, value) in enumerate(identity.rows()):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
    ws.very_hidden()
    ws.protect()
    for name, value in identity.properties().items():
        wb.set_custom_property(name, value)
