"""历年趋势: every indicator over all recorded years of the city (history store + this round), and a
native line chart of the indicators in the chart sheet's unit (the percentages), so “保持稳定达标”
shows at a glance."""

from __future__ import annotations

from ..labels import STATUS_LABELS
from ..xlsx import print_setup
from .chart_sheet import charted
from .context import Context, begin_sheet, sheet_ref

SHEET = "历年趋势"
HEAD_ROW, CHART_GAP = 2, 2
NAME_W, UNIT_W, YEAR_W = 34, 16, 12


def write(ctx: Context) -> None:
    ws, st, table = ctx.sheets[SHEET], ctx.st, ctx.table
    years = sorted(ctx.trend)
    begin_sheet(ctx, ws, [NAME_W, UNIT_W] + [YEAR_W] * (2 * len(years)), "各指标历年变化")
    ws.merge_range(1, 0, 1, 1 + 2 * len(years), "数值取自历史数据库中各年度的当前记录，本年度为本次汇总结果。",
                   st.subtitle)
    ws.write_string(HEAD_ROW, 0, "指标", st.header)
    ws.write_string(HEAD_ROW, 1, "单位", st.header)
    for j, year in enumerate(years):
        ws.write_string(HEAD_ROW, 2 + j, f"{year}年", st.header)
        ws.write_string(HEAD_ROW, 2 + len(years) + j, f"{year}年达标情况", st.header)
    first = HEAD_ROW + 1
    for i, ind in enumerate(table.indicators):
        r = first + i
        ws.write_string(r, 0, f"{ind.seq}. {ind.name}", st.text)
        ws.write_string(r, 1, ind.result_unit, st.text_center)
        for j, year in enumerate(years):
            value, status = ctx.trend[year].get(ind.code, (None, None))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, 2 + j, value, st.number(ind.decimals))
            else:
                ws.write_blank(r, 2 + j, None, st.text)
            ws.write_string(r, 2 + len(years) + j, STATUS_LABELS.get(status, "") if status else "", st.status)
    last = first + len(table.indicators) - 1
    st.status_rules(ws, sheet_ref(SHEET, first, 2 + len(years), last, 1 + 2 * len(years)).split("!")[1])
    _chart(ctx, ws, years, first, last + CHART_GAP)
    # The chart starts a page of its own (never split, no table header drawn over it).
    ws.set_h_pagebreaks([last + CHART_GAP])
    print_setup(ws)


def _chart(ctx: Context, ws, years: list[int], first: int, at_row: int) -> None:
    rows = {ind.code: first + i for i, ind in enumerate(ctx.table.indicators)}
    inds = charted(ctx)
    if not inds:
        return
    chart = ctx.wb.add_chart({"type": "line"})
    cats = "=" + sheet_ref(SHEET, 2, 2, 2, 1 + len(years))
    for ind in inds:
        r = rows[ind.code]
        chart.add_series({"name": "=" + sheet_ref(SHEET, r, 0), "categories": cats,
                          "values": "=" + sheet_ref(SHEET, r, 2, r, 1 + len(years)),
                          "marker": {"type": "circle", "size": 5}})
    unit = inds[0].result_unit
    chart.set_title({"name": f"各指标历年变化（{unit}）", "name_font": {"size": 12, "name": "黑体"}})
    chart.set_y_axis({"name": unit, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})     # room for every series' name
    chart.set_size({"width": 900, "height": 520})
    ws.insert_chart(at_row, 0, chart, {"x_offset": 4, "y_offset": 4})


__all__ = ["SHEET", "write"]
