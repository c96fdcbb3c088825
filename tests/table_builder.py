"""Build modified copies of the bundled task table in code (no committed binaries).

    tb = TableBuilder()                                   # a copy of templates/task_division.xlsx
    cell = tb.set("数据项", row_where_code="builtup_area_km2", column="填报单位", value="区不存在局")
    path = tb.save(tmp_path / "broken.xlsx")

``set`` returns the address of the cell it changed (e.g. "I3"), so a test can check that an error
message points at exactly that cell.  Rows are found by a column value: ``row_where_code`` looks in
the sheet's 代码 column; ``row_where={"序号": 9}`` in any column.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from jieshui_xl.spec import default_task_table_path


class TableBuilder:
    def __init__(self, source: str | Path | None = None):
        self.wb = openpyxl.load_workbook(source or default_task_table_path())

    # -- looking things up ----------------------------------------------------------------------
    def header(self, sheet: str) -> dict[str, int]:
        """Header name -> 1-based column index."""
        ws = self.wb[sheet]
        return {str(c.value).strip(): c.column for c in ws[1] if c.value is not None}

    def column_index(self, sheet: str, column: str) -> int:
        header = self.header(sheet)
        if column not in header:
            raise KeyError(f"sheet {sheet!r} has no column {column!r}; it has {list(header)}")
        return header[column]

    def row_of(self, sheet: str, row_where: dict) -> int:
        """The first data row whose cells equal every value of ``row_where`` ({column: value})."""
        ws = self.wb[sheet]
        cols = {name: self.column_index(sheet, name) for name in row_where}
        for r in range(2, ws.max_row + 1):
            if all(_same(ws.cell(r, c).value, row_where[name]) for name, c in cols.items()):
                return r
        raise KeyError(f"no row in {sheet!r} with {row_where!r}")

    def get(self, sheet: str, *, column: str, row: int | None = None, row_where_code: str | None = None,
            row_where: dict | None = None):
        r = self._row(sheet, row, row_where_code, row_where)
        return self.wb[sheet].cell(r, self.column_index(sheet, column)).value

    # -- editing ------------------------------------------------------------------------------------
    def set(self, sheet: str, *, column: str, value, row: int | None = None, row_where_code: str | None = None,
            row_where: dict | None = None) -> str:
        """Write ``value`` into one cell; return its address (e.g. "I3")."""
        r = self._row(sheet, row, row_where_code, row_where)
        c = self.column_index(sheet, column)
        self.wb[sheet].cell(r, c).value = value
        return f"{get_column_letter(c)}{r}"

    def append(self, sheet: str, **values) -> int:
        """Add a row after the last one ({column: value}); return its row number."""
        ws = self.wb[sheet]
        r = ws.max_row + 1
        for name, value in values.items():
            ws.cell(r, self.column_index(sheet, name)).value = value
        return r

    def delete_sheet(self, sheet: str) -> None:
        del self.wb[sheet]

    def delete_column(self, sheet: str, column: str) -> None:
        self.wb[sheet].delete_cols(self.column_index(sheet, column))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.wb.save(path)
        return path

    # -- internals ----------------------------------------------------------------------------------
    def _row(self, sheet, row, row_where_code, row_where) -> int:
        given = [x is not None for x in (row, row_where_code, row_where)]
        if sum(given) != 1:
            raise ValueError("give exactly one of row, row_where_code, row_where")
        if row is not None:
            return row
        if row_where_code is not None:
            return self.row_of(sheet, {"代码": row_where_code})
        return self.row_of(sheet, row_where)


def _same(cell_value, wanted) -> bool:
    if isinstance(wanted, (int, float)) and isinstance(cell_value, (int, float)):
        return float(cell_value) == float(wanted)
    return cell_value is not None and str(cell_value).strip() == str(wanted)


# ---------------------------------------------------------------------------------------------
# A task table written from readable literals (as pyxform's tests write forms)
# ---------------------------------------------------------------------------------------------

def parse_literal(text: str) -> list[list]:
    """Rows of a ``| a | b |`` table (first row: the header); blank cells are None, digits numbers."""
    rows = []
    for line in text.strip().splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append([_typed(c) for c in cells])
    return rows


def _typed(text: str):
    if text == "":
        return None
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text) if text.replace(".", "", 1).isdigit() else text
    except ValueError:
        return text


def literal_table(path: str | Path, sheets: dict[str, str]) -> Path:
    """Write a task table whose sheets are the given literal tables (sheet name -> ``| … |`` text)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, text in sheets.items():
        ws = wb.create_sheet(name)
        for row in parse_literal(text):
            ws.append(row)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# Three items, two indicators, one check, one checklist task: small enough to read at a glance.
SMALL_TABLE = {
    "参数": """
        | 代码          | 名称     | 单位 | 适用年度 | 值      |
        | city          | 城市     |      |          | 测试区  |
        | title         | 创建目标 |      |          | 节水型城市 |
        | period_year   | 考核年度 | 年   |          | 2024    |
        | table_version | 版本     |      |          | t1      |
        | self_assessment_volume | 评分表所在卷册 | |  | 申报书  |
    """,
    "单位": """
        | 单位名称 | 电子邮箱 | 简称代码 |
        | 甲局     |          | jia      |
        | 乙局     |          | yi       |
    """,
    "指标": """
        | 序号 | 目标 | 指标       | 指标释义 | 指标类型 | 具体要求 | 牵头单位 | 责任单位 | 代码 | 结果单位 | 小数位 | 目标值 | 计算公式                     | 达标规则                  | 备注公式 | 表格 | 行公式 | 行规则 |
        | 1    | 一   | 绿地比例   | 绿地÷总面积 | 导向指标 | 不低于40% | 甲局 |  | A01  | %  | 1 | 40 | green_km2/total_km2*100 | value_A01>=target_A01 |  |  |  |  |
        | 2    | 一   | 漏水率     | 漏水÷供水 | 底线指标 | 不高于10% | 乙局 |  | A02  | %  | 2 | 10 | leak_wm3/supply_wm3*100 | value_A02<=target_A02 |  |  |  |  |
    """,
    "计算项": """
        | 代码 | 名称 | 所属指标 | 单位 | 公式 |
    """,
    "数据项": """
        | 代码      | 数据项   | 单位 | 类型 | 下限 | 下限类型 | 上限 | 必填 | 填报单位 | 填报说明 |
        | green_km2 | 绿地面积 | km²  | 小数 | 0    | ≥        |      | 是   | 甲局     |          |
        | total_km2 | 总面积   | km²  | 小数 | 0    | >        |      | 是   | 甲局     |          |
        | supply_wm3 | 供水量  | 万m³ | 小数 | 0    | >        |      | 是   | 乙局     |          |
        | leak_wm3  | 漏水量   | 万m³ | 小数 | 0    | ≥        |      | 是   | 乙局     |          |
    """,
    "表格列": """
        | 表格 | 行数 | 代码 | 列名 | 单位 | 类型 | 下限 | 下限类型 | 上限 | 填报单位 | 填报说明 |
    """,
    "任务": """
        | 序号 | 类别 | 任务名称     | 任务内容         | 牵头单位 | 责任单位 | 关联指标 | 完成时限   | 阶段节点            |
        | 1    | 基础 | 编制节水规划 | 编制并报批规划   | 甲局     |          |          | 2024-04-30 | 2024-03-31 完成初稿 |
        | 2    | 指标 | 绿地         | 提高绿地比例     | 甲局     |          | A01      | 2024-09-30 |                     |
    """,
    "一致性检查": """
        | 代码           | 规则                 | 严重程度 | 提示               |
        | chk_leak_le_supply | leak_wm3<=supply_wm3 | 错误 | 漏水量不应大于供水量 |
    """,
    "选项": """
        | 列表     | 值     | 次序 |
        | 是否     | 是     | 1    |
        | 是否     | 否     | 2    |
        | 任务状态 | 已完成 | 3    |
        | 任务状态 | 推进中 | 2    |
        | 任务状态 | 未启动 | 1    |
        | 进展状态 | 已完成 | 4    |
        | 进展状态 | 推进中 | 3    |
        | 进展状态 | 未启动 | 2    |
        | 进展状态 | 滞后   | 1    |
        | 申报卷册 | 申报书 | 0    |
        | 申报卷册 | 基础管理考核指标 | 2 |
        | 申报卷册 | 技术考核指标 | 3 |
    """,
    "佐证材料": """
        | 代码     | 卷册             | 关联指标 | 关联任务 | 材料名称       | 材料类型 | 提供单位 | 必需 |
        | ev_A01_1 | 技术考核指标     | A01      |          | 绿地测算报告   | 报告     |          |      |
        | ev_A01_2 | 技术考核指标     | A01      |          | 绿地照片       | 照片     |          | 否   |
        | ev_A02_1 | 技术考核指标     | A02      |          | 漏水测算报告   | 报告     |          |      |
        | ev_t1_1  | 基础管理考核指标 |          | 1        | 规划批复文件   | 文件     |          |      |
    """,
}
