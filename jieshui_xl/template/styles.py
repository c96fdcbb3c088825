"""Cell formats of a collection workbook, declared once per workbook, and CJK-aware measuring.

Colours mean the same everywhere: light yellow = to be filled, light blue = computed by the
workbook itself (self-check), white = text that cannot be changed.  The 填报说明 sheet explains them
with swatches made from these very formats.
"""

from __future__ import annotations

from ..labels import FAIL, INVALID, MISSING, PASS, STATUS_LABELS
from ..labels import STATUS_COLOURS as LABEL_COLOURS
from ..textwidth import wrapped_lines

FONT, SIZE = "宋体", 10.5
LINE_HEIGHT = 14.5            # points per line of text at SIZE
CALC_FORMAT = "0.00##"        # intermediate results: two to four decimals
INPUT_FILL, CALC_FILL, HEAD_FILL, BLOCK_FILL = "#FFF2CC", "#DDEBF7", "#F2F2F2", "#D9E1F2"

# Status colours (conditional formatting): status label -> (background, font colour, meaning);
# the colours are those of every other workbook (jieshui_xl.labels).
MEANINGS: dict[str, str] = {PASS: "按已填数据计算，达到要求", FAIL: "按已填数据计算，未达到要求，请核实数据",
            MISSING: "还有必填数据未填写", INVALID: "数据之间有矛盾或无法计算，请核实"}
STATUS_COLOURS = {STATUS_LABELS[code]: (*colours, MEANINGS[code]) for code, colours in LABEL_COLOURS.items()}


def text_lines(text: str, width: float) -> int:
    """Lines that ``text`` needs when wrapped in a cell ``width`` characters wide."""
    return wrapped_lines(text, max(1.0, width * 0.92 - 1))


class Styles:
    """Every format a collection workbook uses (XlsxWriter formats must be created per workbook)."""

    def __init__(self, wb):
        self._wb = wb
        self._rounded: dict[int, object] = {}
        self.title = self._add(bold=True, font_size=16, align="center", text_wrap=False)
        self.subtitle = self._add(align="center", font_size=11)
        self.section = self._add(bold=True, font_size=12, text_wrap=False)
        self.key = self._add(bold=True, bg_color=HEAD_FILL, border=1)
        self.header = self._add(bold=True, bg_color=HEAD_FILL, border=1, align="center")
        self.block = self._add(bold=True, bg_color=BLOCK_FILL, border=1, font_size=11)
        self.block_note = self._add(bg_color=BLOCK_FILL, border=1, font_color="#595959", align="center")
        self.label = self._add(border=1)
        self.center = self._add(border=1, align="center")
        self.text = self._add(border=1)
        self.plain = self._add()
        self.muted = self._add(border=1, font_color="#7F7F7F", italic=True)
        self.param = self._add(border=1, bg_color=HEAD_FILL, align="center")
        self.input_number = self._input(num_format="General")
        self.input_integer = self._input(num_format="0")
        self.input_text = self._input(num_format="@")
        self.input_choice = self._input(align="center")
        self.input_date = self._input(num_format="yyyy-mm-dd", align="center")
        self.calc_text = self._add(border=1, bg_color=CALC_FILL)
        self.calc_status = self._add(border=1, bg_color=CALC_FILL, bold=True, align="center")
        self.status = {label: wb.add_format({"bg_color": bg, "font_color": fg})
                       for label, (bg, fg, _) in STATUS_COLOURS.items()}
        self.swatch_input = self._add(border=1, bg_color=INPUT_FILL, align="center")
        self.swatch = {label: self._add(border=1, bg_color=bg, font_color=fg, align="center")
                       for label, (bg, fg, _) in STATUS_COLOURS.items()}
        self.row_fail = wb.add_format({"bg_color": STATUS_COLOURS[STATUS_LABELS[FAIL]][0]})
        self.row_pass = wb.add_format({"bg_color": STATUS_COLOURS[STATUS_LABELS[PASS]][0]})
        self._numbers: dict[int | None, object] = {}

    def calc_number(self, decimals: int | None = None):
        """A computed number shown with ``decimals`` places (None: two to four)."""
        if decimals not in self._numbers:
            fmt = CALC_FORMAT if decimals is None else ("0." + "0" * decimals if decimals > 0 else "0")
            self._numbers[decimals] = self._add(border=1, bg_color=CALC_FILL, num_format=fmt, align="center")
        return self._numbers[decimals]

    def input_rounded(self, decimals: int | None):
        """A number input shown to ``decimals`` places (a prefilled figure, full precision kept)."""
        key = 2 if decimals is None else decimals
        if key not in self._rounded:
            self._rounded[key] = self._input(num_format="0." + "0" * key if key else "0", align="right")
        return self._rounded[key]

    def input_for(self, item):
        """The input format for an item or table column, by its type."""
        return {"integer": self.input_integer, "decimal": self.input_number,
                "yesno": self.input_choice}.get(item.type, self.input_text)

    def _add(self, **props):
        base = {"font_name": FONT, "font_size": SIZE, "valign": "vcenter", "text_wrap": True}
        return self._wb.add_format({**base, **props})

    def _input(self, **props):
        return self._add(border=1, bg_color=INPUT_FILL, locked=False, **props)
