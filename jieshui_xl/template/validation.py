"""Data validation of input cells, derived from each item's type and bounds in the task table.

Prompts and error messages are Chinese and clipped to Excel's limits (title 32, message 255
characters).  A dropdown whose comma-joined values would exceed 255 characters is written to a
hidden, protected sheet and referenced as a range, so Excel never has to "repair" the workbook.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

TITLE_MAX, MESSAGE_MAX, LIST_MAX = 32, 255, 255
LISTS_SHEET = "下拉选项"
UNBOUNDED = 10 ** 15          # decimal validation needs bounds; this is "no bound" in practice


def clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


class ListSources:
    """Dropdown sources: inline where short enough, else a range on a hidden sheet."""

    def __init__(self, wb):
        self._wb, self._ws, self._cols = wb, None, {}
        self.literals: set[str] = set()     # the list values written (for the returned-layout check)

    def source(self, values: list[str]):
        if len(",".join(values)) <= LIST_MAX and not any("," in v for v in values):
            return values
        key = tuple(values)
        if key not in self._cols:
            if self._ws is None:
                self._ws = self._wb.add_worksheet(LISTS_SHEET)
                self._ws.hide()
                self._ws.protect()
            col = len(self._cols)
            for row, value in enumerate(values):
                self._ws.write_string(row, col, value)
                self.literals.add(value.strip())
            self._cols[key] = col
        col = self._cols[key]
        first = xl_rowcol_to_cell(0, col, True, True)
        last = xl_rowcol_to_cell(len(values) - 1, col, True, True)
        return f"='{LISTS_SHEET}'!{first}:{last}"


def item_rule(item, cell: str, yesno_source) -> dict:
    """XlsxWriter ``data_validation`` options for an item's (or table column's) input cell(s);
    ``cell`` is the top-left cell, for custom formulas."""
    label = item.label
    if item.type == "yesno":
        rule = {"validate": "list", "source": yesno_source}
        ask = "请从下拉列表中选择。"
        error = f"“{label}”请从下拉列表中选择。"
    elif item.numeric:
        rule = _numeric(item, cell)
        unit = f"（单位：{item.unit}）" if item.unit else ""
        ask = f"请填{item.bound_text()}{unit}，只填数字，不要带单位或文字。"
        if item.unit == "%":
            ask += "百分数填数字，如 17.2 表示 17.2%。"
        error = f"“{label}”应填{item.bound_text()}{unit}。请只填数字，不要带单位或“约”“左右”等文字。"
    else:
        rule = {"validate": "any"}
        ask, error = "请填写文字。", ""
    rule.update(input_title=clip(label, TITLE_MAX), input_message=clip(f"{ask}{item.hint}", MESSAGE_MAX))
    if error:
        rule.update(error_title="输入有误", error_message=clip(error, MESSAGE_MAX))
    return rule


def _numeric(item, cell: str) -> dict:
    kind = "integer" if item.type == "integer" else "decimal"
    low, high, inclusive = item.lower, item.upper, item.lower_inclusive
    if low is not None and high is not None:
        if inclusive:
            return {"validate": kind, "criteria": "between", "minimum": low, "maximum": high}
        integer = f",INT({cell})={cell}" if kind == "integer" else ""
        return {"validate": "custom", "value": f"=AND(ISNUMBER({cell}),{cell}>{low},{cell}<={high}{integer})"}
    if low is not None:
        return {"validate": kind, "criteria": ">=" if inclusive else ">", "value": low}
    if high is not None:
        return {"validate": kind, "criteria": "<=", "value": high}
    return {"validate": kind, "criteria": "between", "minimum": -UNBOUNDED, "maximum": UNBOUNDED}


def prompt_only(title: str, message: str) -> dict:
    """A validation that accepts anything and only shows a prompt (data sources, evidence, notes)."""
    return {"validate": "any", "input_title": clip(title, TITLE_MAX), "input_message": clip(message, MESSAGE_MAX)}
