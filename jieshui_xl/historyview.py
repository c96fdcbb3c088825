"""``jieshui-xl history``: the store's runs as a readable Chinese table, and the export
(city × year × indicator, values and statuses) as CSV (UTF-8 with BOM) or xlsx, built with pandas.

pandas is imported inside the functions that use it: never at CLI start-up.
"""

from __future__ import annotations

from pathlib import Path

from .findings import JieshuiError
from .labels import PASS, STATUS_LABELS
from .outputs import atomic_path
from .textwidth import text_width

__all__ = ["EXPORT_COLUMNS", "export_frame", "export_history", "history_lines"]

EXPORT_COLUMNS = ["城市", "年度", "记录时间", "当前记录", "指标代码", "数值", "达标情况", "状态代码"]
_HEAD = ("城市", "年度", "记录时间", "记录状态", "达标")


def history_lines(store: Path, data: dict) -> list[str]:
    """One line per run, columns aligned for CJK text."""
    runs = data["runs"]
    if not runs:
        return [f"历史数据库“{store}”中还没有任何记录（每次汇总完成后自动记录；"
                "如汇总时用 --history 指定了其他文件，查看时请加同样的 --history）。"]
    rows = [_HEAD] + [(r["city"], str(r["year"]), r["recorded_at"].replace("T", " "),
                       "已被替代" if r["superseded"] else "当前",
                       f"{sum(1 for i in r['indicators'] if i['status'] == PASS)}/{len(r['indicators'])}")
                      for r in runs]
    widths = [max(text_width(row[c]) for row in rows) for c in range(len(_HEAD))]
    lines = [f"历史数据库：{store}"]
    for row in rows:
        lines.append("  ".join(cell + " " * int(w - text_width(cell)) for cell, w in zip(row, widths)).rstrip())
    return lines


def export_frame(data: dict):
    """The export as a pandas DataFrame: one row per run and indicator."""
    import pandas as pd

    runs = pd.json_normalize(data["runs"], record_path="indicators",
                             meta=["city", "year", "recorded_at", "superseded"])
    if runs.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    runs["current"] = ~runs["superseded"].astype(bool)
    runs["label"] = runs["status"].map(STATUS_LABELS)
    frame = runs[["city", "year", "recorded_at", "current", "code", "value", "label", "status"]]
    frame.columns = EXPORT_COLUMNS
    frame = frame.assign(当前记录=frame["当前记录"].map({True: "是", False: "否"}))
    return frame.sort_values(["城市", "年度", "记录时间", "指标代码"], kind="stable").reset_index(drop=True)


def export_history(data: dict, path: Path) -> Path:
    """Write the export to ``path`` (.csv: UTF-8 with BOM; .xlsx), atomically."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise JieshuiError(f"导出文件“{path.name}”的扩展名应为 .csv 或 .xlsx。")
    frame = export_frame(data)
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            frame.to_excel(tmp, index=False, sheet_name="历年指标", engine="xlsxwriter")
    return path
