"""What the console commands and the coordinator's scripts share on a terminal."""

from __future__ import annotations

import shutil
import sys
from typing import Callable, TextIO

from .textwidth import text_width

__all__ = ["Progress", "console_progress"]

Progress = Callable[[int, int, str], None]     # (files done, files in all, name of the current one)


def console_progress(label: str = "正在读取", stream: TextIO | None = None) -> Progress | None:
    """A ``(done, total, name)`` callback keeping one self-overwriting line on ``stream`` (stderr):
    ``正在读取 3/12：水利局.xlsx``, the name shortened from the left to the terminal's width (CJK
    characters count double).  None where the stream is not a terminal (redirected output stays clean)."""
    out = stream or sys.stderr
    if not out.isatty():
        return None

    def show(done: int, total: int, name: str) -> None:
        width = max(40, shutil.get_terminal_size((80, 20)).columns - 1)
        head = f"{label} {done}/{total}："
        room = max(8, width - text_width(head))
        while text_width(name) > room:
            name = "…" + name[2:]
        line = head + name
        out.write("\r" + line + " " * max(0, int(width - text_width(line))))
        if done >= total:
            out.write("\n")
        out.flush()

    return show
