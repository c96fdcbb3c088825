"""评分说明: what a reviewer reads beside the scores, printed right after the 评分表 page."""

from __future__ import annotations

from ..xlsx import print_setup
from .context import Context, begin_sheet
from .score_sheet import footnotes
from .styles import row_height

SHEET = "评分说明"
WIDTHS = [75, 75]


def write(ctx: Context) -> None:
    ws, st = ctx.sheets[SHEET], ctx.st
    begin_sheet(ctx, ws, WIDTHS, "评分说明")
    row = 2
    for text in footnotes(ctx):
        ws.merge_range(row, 0, row, 1, text, st.note)
        ws.set_row(row, row_height([(text, sum(WIDTHS) * 0.97)], small=True))
        row += 1
    print_setup(ws, left=f"{ctx.table.city}{ctx.table.year}年度评分说明")
