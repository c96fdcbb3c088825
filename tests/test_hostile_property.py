"""Property: whatever a department does to a real collection workbook, consolidation never raises and
every typed value reaches the Collection or a finding (bounded: a few dozen examples, CI stays fast)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st

from jieshui_xl.fill import fill_workbook  # noqa: E402
from jieshui_xl.returns import collect  # noqa: E402
from jieshui_xl.workbook_names import locate  # noqa: E402

UNIT = "区城市管理局"
DAMAGE = ("none", "clear", "text", "rename", "insert", "truncate")


_TABLE: list = []      # the table, kept out of hypothesis' report (its repr is huge)


@pytest.fixture(scope="module")
def template(table, tmp_path_factory):
    _TABLE[:] = [table]
    from jieshui_xl.returns import identify_file
    from jieshui_xl.template import write_templates

    paths = write_templates(table, tmp_path_factory.mktemp("tpl"))
    return next(p for p in paths if identify_file(p).unit == UNIT)


def _damage(path: Path, kind: str, code: str) -> None:
    if kind == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return
    if kind == "none":
        return
    wb = openpyxl.load_workbook(path)
    where = locate(wb, code)
    ws = wb[where.sheet]
    if kind == "clear":
        ws[where.cells[0]].value = None
    elif kind == "text":
        ws[where.cells[0]].value = "见附件"
    elif kind == "rename":
        ws.title = "改名"                   # names left pointing at the old sheet
    elif kind == "insert":
        ws.insert_rows(3)                   # names not moved: the cells under them shift
    wb.save(path)


def _explained(collection, name: str, code: str, value: float) -> bool:
    got = collection.values.get(code)
    if got is not None and got.value == pytest.approx(value):
        return True
    return any(f.field == code or (f.file == name and f.severity == "error") or f.code in ("cells-moved",)
               and f.file == name for f in collection.report)


@settings(max_examples=12, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_returns_never_raise_and_nothing_is_lost(template, data):
    table = _TABLE[0]
    codes = [i.code for i in table.items_of(UNIT) if i.numeric]
    values = {c: data.draw(st.integers(0, 10**6) | st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
                           label=c) for c in codes}
    kind = data.draw(st.sampled_from(DAMAGE), label="damage")
    victim = data.draw(st.sampled_from(codes), label="victim")
    with tempfile.TemporaryDirectory() as tmp:
        returns = Path(tmp) / "回收"
        path = fill_workbook(template, returns / "返回.xlsx", [(c, None, v) for c, v in values.items()])
        _damage(path, kind, victim)
        c = collect(table, returns)                         # never raises
    for code, value in values.items():
        if kind == "clear" and code == victim:
            continue                                        # not typed any more
        assert _explained(c, "返回.xlsx", code, value), (kind, victim, code, value,
                                                         [(f.code, f.field) for f in c.report])
