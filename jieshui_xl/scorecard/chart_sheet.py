"""达标对比图: a native chart of the indicators that share the most common result unit (in the
bundled table: the percentages), each value against its target.  The chart reads a small table of
live formulas (``=IF(ISNUMBER(value_I01),value_I01,NA())``), so it follows any recalculation."""

from __future__ import annotations

from collections import Counter

from ..labels import BAD, STATUS_COLOURS
from ..spec import Indicator
from ..xlsx import print_setup
from .context import Context, begin_sheet, sheet_ref
from .styles import row_height

SHEET = "达标对比图"
CHART_ROWS, CHART_ROW_HEIGHT = 18, 22     # rows (points high) reserved for the chart
TABLE_ROW = 2 + CHART_ROWS
COLUMNS = [("指标", 36), ("实际值", 11), ("目标值", 11), ("达标情况", 10), ("具体要求", 40)]


def charted(ctx: Context) -> list[Indicator]:
    """Indicators with a numeric target in the most common result unit."""
    with_target = [ind for ind in ctx.table.indicators if ind.target is not None and ind.result_unit and not ind.table]
    if not with_target:
        return []
    unit = Counter(ind.result_unit for ind in with_target).most_common(1)[0][0]
    return [ind for ind in with_target if ind.result_unit == unit]


def write(ctx: Context) -> None:
    ws, st = ctx.sheets[SHEET], ctx.st
    inds = charted(ctx)
    begin_sheet(ctx, ws, [w for _, w in COLUMNS], "指标实际值与目标值对比")
    if not inds:
        ws.write_string(2, 0, "任务分工表中没有可作图的指标。", st.subtitle)
        return
    unit = inds[0].result_unit
    row = TABLE_ROW
    for c, (head, _) in enumerate(COLUMNS):
        ws.write_string(row, c, head + (f"（{unit}）" if head in ("实际值", "目标值") else ""), st.header)
    first = row + 1
    last = _table(ctx, ws, inds, first)
    for r in range(2, TABLE_ROW - 1):
        ws.set_row(r, CHART_ROW_HEIGHT)
    ws.insert_chart(2, 0, _chart(ctx, inds, first, last, unit), {"x_offset": 4, "y_offset": 4})
    ws.merge_range(1, 0, 1, len(COLUMNS) - 1,
                   "柱：实际值（颜色同“达标情况”：绿＝达标，红＝未达标，黄＝数据缺失，紫＝数据异常）；红色短线：目标值。"
                   "数值见下表（实时公式）。", st.subtitle)
    print_setup(ws, pages_high=1)


def _table(ctx: Context, ws, inds: list[Indicator], first: int) -> int:
    """The charted figures from row ``first``: live value, target and status formulas; returns the last row."""
    st = ctx.st
    for i, ind in enumerate(inds):
        r = first + i
        res = ctx.result.by_code(ind.code)
        ws.write_string(r, 0, f"{ind.seq}. {ind.name}" + ("（底线）" if ind.is_veto else ""), st.text)
        for col, name, cached in ((1, ind.value_name, res.value), (2, ind.target_name, res.target)):
            ctx.raw_formula(ws, r, col, f"IF(ISNUMBER({name}),{name},NA())", [name], st.number(ind.decimals),
                            cached if cached is not None else "#N/A")
        ctx.raw_formula(ws, r, 3, ind.status_name, [ind.status_name], st.status, res.status_label)
        ws.write_string(r, 4, ind.requirement, st.text)
        ws.set_row(r, row_height([(ind.requirement, 40), (ind.name + "（底线）", 36)]))
    last = first + len(inds) - 1
    st.status_rules(ws, f"D{first + 1}:D{last + 1}")
    # #N/A keeps a missing value off the chart; in the table it is not printed (the status says why).
    ws.conditional_format(first, 1, last, 2, {"type": "formula", "criteria": f"=ISNA(B{first + 1})",
                                              "format": st.na_hidden})
    return last


def _chart(ctx: Context, inds: list[Indicator], first: int, last: int, unit: str):
    """Columns of the values (coloured by status) with the targets as red dashes."""
    wb = ctx.wb
    cats = "=" + sheet_ref(SHEET, first, 0, last, 0)
    chart = wb.add_chart({"type": "column"})
    colours = [STATUS_COLOURS[ctx.result.by_code(ind.code).status] for ind in inds]   # the status palette
    points = [{"fill": {"color": fill}, "border": {"color": font}} for fill, font in colours]
    chart.add_series({"name": "实际值（颜色同达标情况）", "categories": cats,
                      "values": "=" + sheet_ref(SHEET, first, 1, last, 1), "points": points, "gap": 60,
                      "data_labels": {"value": True, "num_format": "0.0", "font": {"size": 8}}})
    target = wb.add_chart({"type": "line"})
    target.add_series({"name": "目标值", "categories": cats, "values": "=" + sheet_ref(SHEET, first, 2, last, 2),
                       "line": {"none": True},
                       "marker": {"type": "dash", "size": 14, "fill": {"color": BAD[1]}, "border": {"color": BAD[1]}}})
    chart.combine(target)
    chart.set_title({"name": f"实际值与目标值（{unit}）", "name_font": {"size": 12, "name": "黑体"}})
    chart.set_x_axis({"num_font": {"size": 8, "rotation": -40}})
    chart.set_y_axis({"name": unit, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "top"})
    width = sum(w for _, w in COLUMNS) * 7 + 5 * len(COLUMNS)
    chart.set_size({"width": width, "height": int((CHART_ROWS - 1) * CHART_ROW_HEIGHT * 4 / 3)})
    return chart


__all__ = ["SHEET", "write", "charted"]
