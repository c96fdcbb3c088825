"""How wide text shows (East Asian wide and full-width characters take more room) and how many
lines it wraps to: spreadsheets do not grow the rows of merged or formula cells, so writers set
row heights from this estimate; the console scripts fit progress lines with it."""

from __future__ import annotations

import math
import unicodedata

__all__ = ["text_width", "wrapped_lines"]


def text_width(text: str, wide: float = 2, narrow: float = 1, wide_classes: str = "WF") -> float:
    """Display width in character cells: characters of an East Asian width class in
    ``wide_classes`` count ``wide``, the others ``narrow`` (default: 2 and 1, an int for ints)."""
    return sum(wide if unicodedata.east_asian_width(ch) in wide_classes else narrow for ch in str(text))


def wrapped_lines(text, usable: float, measure=text_width) -> int:
    """Lines ``text`` needs when wrapped ``usable`` character cells wide; every line break starts a
    line and an empty text takes one."""
    return sum(max(1, math.ceil(measure(part) / usable)) for part in str(text or "").split("\n"))
