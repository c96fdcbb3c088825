"""What one unit's collection workbook contains, decided from the task table alone."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..spec import Evidence, Indicator, Item, Table, Task, TaskTable

REPORT, REFERENCE = "report", "reference"
OTHER_NUMBER = "附"


@dataclass
class ItemRow:
    item: Item
    number: str                       # e.g. "5.2"
    asked_at: str | None = None       # number of the row that asks it, when asked above


@dataclass
class Block:
    """One indicator on the 数据填报 sheet."""
    indicator: Indicator | None       # None: items no indicator uses (asked all the same)
    mode: str                         # REPORT (the unit fills data) or REFERENCE (read-only)
    rows: list[ItemRow] = field(default_factory=list)
    others: list[Item] = field(default_factory=list)   # items of the indicator other units report
    table: Table | None = None        # the table the unit fills (I15)
    selfcheck: bool = False           # all inputs are in this workbook
    reporters: tuple[str, ...] = ()   # who reports the indicator's data (for REFERENCE)

    @property
    def checked(self) -> Indicator:
        """The indicator of a self-check block (``selfcheck`` is only set on an indicator's block)."""
        assert self.selfcheck and self.indicator is not None, "only an indicator's block has a self-check"
        return self.indicator


@dataclass
class Plan:
    unit: str
    blocks: list[Block]
    tasks: list[Task]
    evidence: list[Evidence] = field(default_factory=list)   # the 佐证材料清单 rows (evidence the unit provides)

    @property
    def items(self) -> list[Item]:
        return [r.item for b in self.blocks for r in b.rows if r.asked_at is None]

    @property
    def has_selfcheck(self) -> bool:
        return any(b.selfcheck for b in self.blocks)


def plan_for(table: TaskTable, unit: str) -> Plan:
    blocks: list[Block] = []
    asked: dict[str, str] = {}        # item code -> number of the row that asks it
    for ind in table.indicators:
        block = _block(table, unit, ind, asked)
        if block is not None:
            blocks.append(block)
    _ask_leftovers(table, unit, blocks, asked)
    return Plan(unit=unit, blocks=blocks, tasks=table.tasks_of(unit), evidence=table.evidence_of(unit))


def _block(table: TaskTable, unit: str, ind: Indicator, asked: dict[str, str]) -> Block | None:
    used = [i for i in table.items.values() if i.code in table.indicator_items(ind)]
    mine = [i for i in used if i.reporter == unit]
    own_table = table.tables.get(ind.table) if ind.table else None
    if own_table is not None and own_table.reporter != unit:
        own_table = None
    if mine or own_table is not None:
        rows = [_row(ind, item, n, asked) for n, item in enumerate(mine, start=1)]
        return Block(indicator=ind, mode=REPORT, rows=rows, others=[i for i in used if i.reporter != unit],
                     table=own_table, selfcheck=table.indicator_reporter(ind) == unit)
    if unit in ind.leads:
        reporters = {i.reporter for i in used} | {c.reporter for c in table.indicator_columns(ind)}
        return Block(indicator=ind, mode=REFERENCE, others=used,
                     reporters=tuple(u for u in table.units if u in reporters))
    return None


def _row(ind: Indicator | None, item: Item, n: int, asked: dict[str, str]) -> ItemRow:
    number = f"{ind.seq if ind else OTHER_NUMBER}.{n}"
    row = ItemRow(item=item, number=number, asked_at=asked.get(item.code))
    asked.setdefault(item.code, number)
    return row


def _ask_leftovers(table: TaskTable, unit: str, blocks: list[Block], asked: dict[str, str]) -> None:
    """Items and tables of the unit that no indicator uses still get input cells (at the end)."""
    leftovers = [i for i in table.items_of(unit) if i.code not in asked]
    if leftovers:
        blocks.append(Block(indicator=None, mode=REPORT,
                            rows=[_row(None, item, n, asked) for n, item in enumerate(leftovers, start=1)]))
    placed = {b.table.code for b in blocks if b.table is not None}
    blocks += [Block(indicator=None, mode=REPORT, table=t) for t in table.tables_of(unit) if t.code not in placed]
