"""The sheets of the task table, declared: one class a sheet, one attribute a column (in header
order), each with its header and its kind (:mod:`.cells`).  Every header is written here once;
the readers and checks name a column by its attribute (``IndicatorSheet.rule``), and a column
several sheets share is declared once, above them.

A column is required (the sheet must have it) unless declared with ``required=False``.
"""

from __future__ import annotations

from dataclasses import replace

from ..findings import ERROR, SEVERITY_LABELS, WARNING
from .cells import Code, Date, Flag, FormulaCell, Integer, Milestones, Number, OneOf, Raw, Text, UnitName, UnitNames, Year
from .model import ITEM_TYPES
from .names import accepted, is_plain_name
from .rows import Sheet

VALUE = "值"        # the header of two columns of different kinds (参数, 选项)

# -- columns of several sheets --------------------------------------------------------------------
CODE = Code("代码")
NAME = Text("名称")
UNIT = Text("单位")                          # a unit of measure (m³, %), not a reporting unit
NOTE = Text("说明", required=False)
SEQ = Integer("序号", default=0)
LEADS = UnitNames("牵头单位")
RESPONSIBLE = UnitNames("责任单位")
TABLE = Text("表格")

# -- the columns of a data item, in 数据项 and 表格列 alike -----------------------------------------
ITEM_TYPE = OneOf("类型", values=ITEM_TYPES, fallback="text", detail="类型应为" + "、".join(ITEM_TYPES))
LOWER = Number("下限")
LOWER_INCLUSIVE = OneOf("下限类型", values={"≥": True, ">=": True, ">": False}, fallback=True, blank="≥",
                        detail="下限类型应为“≥”或“>”")
UPPER = Number("上限")
REQUIRED = Flag("必填", no="否")
REPORTER = UnitName("填报单位", filled=True)
HINT = Text("填报说明")


class ParamSheet(Sheet, title="参数"):
    code = replace(CODE, rule=accepted, namespace="")    # may repeat: one row per 适用年度
    name = NAME
    unit = UNIT
    year = Year("适用年度")
    value = Raw(VALUE)


class UnitSheet(Sheet, title="单位"):
    name = Text("单位名称", filled=True)
    email = Text("电子邮箱")
    code = Code("简称代码", rule=is_plain_name, namespace="units")
    cc = Text("抄送", required=False)
    contact = Text("联系人", required=False)
    phone = Text("联系电话", required=False)
    note = NOTE


class IndicatorSheet(Sheet, title="指标"):
    seq = SEQ
    goal = Text("目标")
    name = Text("指标", filled=True)
    definition = Text("指标释义")
    kind = Text("指标类型", filled=True)
    requirement = Text("具体要求")
    leads = LEADS
    responsible = RESPONSIBLE
    code = replace(CODE, rule=is_plain_name)           # its formula names are value_/target_ + code
    result_unit = Text("结果单位")
    decimals = Integer("小数位", default=2)
    target = FormulaCell("目标值")
    formula = FormulaCell("计算公式")
    rule = FormulaCell("达标规则")
    note = FormulaCell("备注公式")
    table = TABLE
    row_formula = FormulaCell("行公式")
    row_rule = FormulaCell("行规则")
    remark = NOTE


class CalcSheet(Sheet, title="计算项"):
    code = CODE
    label = NAME
    indicator = Text("所属指标")
    unit = UNIT
    formula = FormulaCell("公式")
    note = NOTE


class ItemSheet(Sheet, title="数据项"):
    code = CODE
    label = Text("数据项", filled=True)
    unit = UNIT
    type = ITEM_TYPE
    lower = LOWER
    lower_inclusive = LOWER_INCLUSIVE
    upper = UPPER
    required = REQUIRED
    reporter = REPORTER
    hint = HINT
    prev_of = Text("上年来源", required=False)


class ColumnSheet(Sheet, title="表格列"):
    table = replace(TABLE, filled=True)
    rows = Integer("行数", default=10)
    code = CODE
    label = Text("列名", filled=True)
    unit = UNIT
    type = ITEM_TYPE
    lower = LOWER
    lower_inclusive = LOWER_INCLUSIVE
    upper = UPPER
    reporter = REPORTER
    hint = HINT
    required = replace(REQUIRED, required=False)


class TaskSheet(Sheet, title="任务"):
    seq = SEQ
    category = Text("类别")
    name = Text("任务名称", filled=True)
    text = Text("任务内容")
    leads = LEADS
    responsible = RESPONSIBLE
    indicator = Text("关联指标")
    note = NOTE
    deadline = Date("完成时限", required=False)          # progress rounds (工作调度): overdue after it
    milestones = Milestones("阶段节点", required=False)


class CheckSheet(Sheet, title="一致性检查"):
    code = CODE
    rule = FormulaCell("规则")
    severity = OneOf("严重程度", values={SEVERITY_LABELS[s]: s for s in (ERROR, WARNING)}, fallback=ERROR,
                     detail="应为“错误”或“警告”")
    message = Text("提示")


class ChoiceSheet(Sheet, title="选项"):
    list_name = Text("列表", filled=True)
    value = Text(VALUE, filled=True)
    rank = Integer("次序", default=0)


class EvidenceSheet(Sheet, title="佐证材料", optional=True):
    """The evidence (佐证材料) each indicator or task must be backed by in the application (申报材料):
    one row a kind of document, bound in a volume (卷册, a value of the 选项 list 申报卷册).  A table
    without this sheet asks for no evidence."""
    code = CODE                                     # its list cells are named <code>_title, _docno, _file, _note
    volume = Text("卷册", filled=True)
    indicator = Text("关联指标", required=False)
    task = Integer("关联任务", default=0, required=False)
    material = Text("材料名称", filled=True)
    kind = Text("材料类型", required=False)
    providers = UnitNames("提供单位", required=False)   # blank: the indicator's or task's lead units
    required = Flag("必需", no="否", required=False)
    note = NOTE


SHEETS: tuple[type[Sheet], ...] = (ParamSheet, UnitSheet, IndicatorSheet, CalcSheet, ItemSheet, ColumnSheet,
                                   TaskSheet, CheckSheet, ChoiceSheet, EvidenceSheet)
