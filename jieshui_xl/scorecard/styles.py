"""Every cell format and colour of the scorecard, declared once per workbook.

Sheets ask for a format by role (``st.header``, ``st.number(2)``, ``st.status_rules``) and never
build their own, so the workbook has one look and the palette can be changed here alone.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from ..labels import (
    BAD,
    GOOD,
    INFO,
    MIDWAY,
    ODD,
    SEVERITY_COLOURS,
    STATUS_COLOURS,
    STATUS_LABELS,
    UNIT_REJECTED,
    UNIT_STATUS_COLOURS,
    UNIT_STATUS_LABELS,
    UNREADABLE_LABEL,
    VETO,
    WARN,
)
from ..outputs import atomic_path
from ..textwidth import text_width, wrapped_lines
from ..xlsx import Workbook

HEADER_FILL = "#D9E1F2"
SECTION_FILL = "#F2F2F2"

FONT = "宋体"           # present on every Chinese Windows/WPS installation
TITLE_FONT = "黑体"
FONT_SIZE = 10
LINE_HEIGHT = 13.5      # points per text line at FONT_SIZE
NOTE_SIZE, NOTE_LINE_HEIGHT = 9, 12
DEFAULT_FORMAT = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}


@contextlib.contextmanager
def report_workbook(path) -> Iterator[Workbook]:
    """An xlsxwriter workbook written atomically to ``path`` (folder created) in which text is never
    turned into a formula, a number or a link: departments' text stays exactly as typed."""
    with atomic_path(Path(path)) as tmp:
        wb = Workbook(str(tmp), {
            "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
            "default_format_properties": dict(DEFAULT_FORMAT)})
        try:
            yield wb
        finally:
            wb.close()


class Styles:
    """The formats of one workbook (xlsxwriter formats belong to a workbook)."""

    def __init__(self, wb):
        self.wb = wb
        base = dict(DEFAULT_FORMAT)
        cell = dict(base, border=1, border_color="#808080")
        self.title = wb.add_format(dict(base, font_name=TITLE_FONT, font_size=16, bold=True, align="center"))
        self.subtitle = wb.add_format(dict(base, font_size=FONT_SIZE, align="left", font_color="#404040"))
        self.section = wb.add_format(dict(base, bold=True, font_size=11, bg_color=SECTION_FILL, bottom=1))
        self.header = wb.add_format(dict(cell, bold=True, bg_color=HEADER_FILL, align="center", text_wrap=True))
        self.text = wb.add_format(dict(cell, text_wrap=True))
        self.text_center = wb.add_format(dict(cell, text_wrap=True, align="center"))
        self.code = wb.add_format(dict(cell, font_name="Consolas", font_size=9))
        self.code_wrap = wb.add_format(dict(cell, font_name="Consolas", font_size=9, text_wrap=True))
        self.general = wb.add_format(dict(cell, align="right"))
        self.integer = wb.add_format(dict(cell, num_format="0", align="center"))
        self.datetime = wb.add_format(dict(cell, num_format="yyyy-mm-dd hh:mm", align="center"))
        self.boolean = wb.add_format(dict(cell, align="center"))
        self.status = wb.add_format(dict(cell, align="center", bold=True))
        self.na_hidden = wb.add_format({"font_color": "#FFFFFF"})   # conditional: a chart's #N/A, unprinted
        self.veto_type = wb.add_format(dict(cell, align="center", bold=True, font_color=VETO[0]))
        self.summary = wb.add_format(dict(base, font_size=11, bold=True, border=1, align="center",
                                          bg_color=SECTION_FILL, text_wrap=True))
        self.note = wb.add_format(dict(base, font_size=NOTE_SIZE, text_wrap=True, valign="top", font_color="#404040"))
        self.sign = wb.add_format(dict(base, font_size=11, valign="bottom"))
        self._numbers: dict[int, object] = {}
        # Conditional formats (only font/fill/border apply), one per palette colour.
        self._cf: dict[tuple[str, str], object] = {}
        self.cf_good, self.cf_bad, self.cf_warn = self.cf(GOOD), self.cf(BAD), self.cf(WARN)
        self.cf_midway = self.cf(MIDWAY)
        self.cf_odd, self.cf_info = self.cf(ODD), self.cf(INFO)
        self.cf_veto = wb.add_format({"bg_color": VETO[0], "font_color": VETO[1], "bold": True})

    def cf(self, colours: tuple[str, str]):
        """The conditional format of a palette colour pair (fill, font)."""
        if colours not in self._cf:
            self._cf[colours] = self.wb.add_format({"bg_color": colours[0], "font_color": colours[1]})
        return self._cf[colours]

    def number(self, decimals: int | None = None):
        """A number cell showing ``decimals`` places (None: as many as needed)."""
        key = -1 if decimals is None else max(0, int(decimals))
        if key not in self._numbers:
            fmt = "General" if key < 0 else ("0" if key == 0 else "0." + "0" * key)
            self._numbers[key] = self.wb.add_format(dict(DEFAULT_FORMAT, border=1, border_color="#808080",
                                                         num_format=fmt, align="right"))
        return self._numbers[key]

    # -- conditional formatting ---------------------------------------------------------------
    def status_rules(self, ws, cell_range: str) -> None:
        """Colour a range by indicator status (labels and colours of :mod:`jieshui_xl.labels`)."""
        self._label_rules(ws, cell_range, STATUS_LABELS, STATUS_COLOURS)

    def unit_status_rules(self, ws, cell_range: str) -> None:
        """Colour a range by reporting-unit status (已报送 / 被退回 / 未报送; 已收到，无法读取 as 被退回)."""
        self._label_rules(ws, cell_range, {**UNIT_STATUS_LABELS, "unreadable": UNREADABLE_LABEL},
                          {**UNIT_STATUS_COLOURS, "unreadable": UNIT_STATUS_COLOURS[UNIT_REJECTED]})

    def _label_rules(self, ws, cell_range: str, labels: dict, colours: dict) -> None:
        for code, label in labels.items():
            if code in colours:
                ws.conditional_format(cell_range, {"type": "cell", "criteria": "==", "value": _quoted(label),
                                                   "format": self.cf(colours[code])})

    def ranked_rules(self, ws, cell_range: str, values_low_to_high: list[str]) -> None:
        """Colour a range of ranked choices: lowest red, highest green, the others orange (yellow is 数据缺失)."""
        for i, value in enumerate(values_low_to_high):
            fmt = self.cf_bad if i == 0 else (self.cf_good if i == len(values_low_to_high) - 1 else self.cf_midway)
            ws.conditional_format(cell_range, {"type": "cell", "criteria": "==", "value": _quoted(value),
                                               "format": fmt})

    def severity_rules(self, ws, cell_range: str, labels: dict[str, str]) -> None:
        self._label_rules(ws, cell_range, labels, SEVERITY_COLOURS)


def _quoted(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'


# -- text measurement (for row heights; spreadsheets do not grow merged or formula rows) ----------

def _width(text: str) -> float:
    """Approximate width in column units of the scorecard fonts (ambiguous-width characters are wide)."""
    return text_width(text, wide=1.8, narrow=1.1, wide_classes="WFA")


def line_count(text: str, columns: float) -> int:
    return wrapped_lines(text, max(columns - 1.0, 2.0), _width)


def row_height(texts_and_widths, minimum: float = LINE_HEIGHT + 4, small: bool = False) -> float:
    """Height (points) that shows every (text, column width) pair without clipping; ``small`` for
    the 9-point note format (more characters per line, lower lines)."""
    scale, line = (FONT_SIZE / NOTE_SIZE, NOTE_LINE_HEIGHT) if small else (1.0, LINE_HEIGHT)
    lines = max([line_count(t, w * scale) for t, w in texts_and_widths] or [1])
    return max(minimum, lines * line + 4)
