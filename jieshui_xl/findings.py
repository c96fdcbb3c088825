"""Findings: problems in user data (or in the task table) as typed records, never as exceptions.

Every finding has a code from :data:`CATALOGUE`, a severity, where it was found (unit, file, sheet,
cell, field), the value as typed, and a Chinese message that says what to do.  A run collects all of
them in a :class:`Report`; the CLI's ``--json`` and the scorecard's 问题清单 are that report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Iterator

from .labels import Severity, TextEnum

__all__ = ["CATALOGUE", "Finding", "FindingCode", "JieshuiError", "Report", "SEVERITY_LABELS", "Severity", "finding",
           "severity_counts", "TaskTableError"]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SEVERITY_LABELS: dict[str, str] = {ERROR: "错误", WARNING: "警告", INFO: "提示"}

# code: (severity, message template).  Templates use the finding's own fields ({unit}, {file},
# {sheet}, {cell}, {field}, {value}) and the extra keyword arguments given to :func:`finding`.
CATALOGUE: dict[str, tuple[Severity, str]] = {
    # -- task table (the administrator's workbook) ----------------------------------------------
    "table-unreadable": (ERROR, "无法打开任务分工表“{file}”：{detail}。请确认文件存在、未被其他程序占用，且为 .xlsx 格式。"),
    "table-missing-sheet": (ERROR, "任务分工表缺少工作表“{sheet}”。请从随程序提供的 templates/task_division.xlsx 恢复该工作表。"),
    "table-missing-column": (ERROR, "工作表“{sheet}”的表头（第1行）缺少列“{field}”。请补上该列。"),
    "table-missing-value": (ERROR, "工作表“{sheet}”{cell}（{field}）不能为空。"),
    "table-duplicate-code": (ERROR, "工作表“{sheet}”{cell}的代码“{value}”与{other}重复。每个代码只能出现一次。"),
    "table-bad-code": (ERROR, "工作表“{sheet}”{cell}的代码“{value}”不合规：须以字母开头、只含字母数字和下划线"
                              "（参数以外的代码至少含一个下划线），且不能是 Excel 保留的写法：像单元格地址的"
                              "（如 A1、ab12、XFD1、R1C1、R12、C3），单独的 r、c、R、C，或 TRUE、FALSE。"),
    "table-unknown-unit": (ERROR, "工作表“{sheet}”{cell}（{field}）中的单位“{value}”未在“单位”工作表登记。"
                                  "请在“单位”表添加该单位，或改成已登记的写法。"),
    "table-unknown-name": (ERROR, "工作表“{sheet}”{cell}（{field}）的公式引用了未定义的名称“{value}”。"
                                  "可引用数据项、参数、计算项、一致性检查的代码及 value_指标代码、target_指标代码。"),
    "table-bad-formula": (ERROR, "工作表“{sheet}”{cell}（{field}）的公式“{value}”无法解析：{detail}"),
    "table-bad-value": (ERROR, "工作表“{sheet}”{cell}（{field}）的值“{value}”不合规：{detail}"),
    "table-cycle": (ERROR, "公式之间存在循环引用：{detail}。请修改“计算项”或“指标”中的公式。"),
    "table-missing-parameter": (ERROR, "参数“{value}”没有适用于{year}年的值。请在“参数”工作表添加该年度的一行"
                                       "（或“适用年度”留空的通用行）。"),
    # -- returned files -------------------------------------------------------------------------
    "file-skipped": (INFO, "已跳过“{file}”（Office 临时锁定文件或隐藏文件）。"),
    "file-link-outside": (ERROR, "“{file}”是指向回收文件夹以外（{detail}）的链接（快捷方式），出于安全未读取。"
                                 "如是填报表，请把文件本身复制到回收文件夹中。"),
    "file-link-broken": (ERROR, "“{file}”是一个失效的链接（指向的“{detail}”不存在），未读取。请把填报表本身放入回收文件夹。"),
    "file-link-loop": (ERROR, "“{file}”是循环的链接（指回自身所在的文件夹），未进入。请删除该链接。"),
    "file-not-regular": (ERROR, "“{file}”不是普通文件（{detail}），出于安全未打开。请把填报表本身放入回收文件夹。"),
    "file-name-undecodable": (WARNING, "文件名“{file}”不是 UTF-8 编码（{detail}），已按此显示并照常读取。如显示有误，请把文件改名。"),
    "city-name-cleaned": (WARNING, "“{file}”记录的区县名称“{value}”含有不能用作文件名的字符，该区县的评分表改放在文件夹"
                                   "“{folder}”中。请核对该文件是否确为某区县下发的填报表。"),
    "saved-in-future": (WARNING, "“{file}”记录的保存时间 {value} 晚于当前时间，可能是填报电脑的时钟有误；判断哪份最新时未采用该时间。"),
    "saved-before-template": (WARNING, "“{file}”记录的保存时间 {value} 早于填报表生成时间 {generated}，可能是填报电脑的时钟有误；"
                                       "判断哪份最新时未采用该时间。"),
    "identity-edited": (ERROR, "“{file}”隐藏的填报表身份信息（单位、年度、区县或版本）被改动过，与校验值不符，未采用。"
                               "请让填报单位使用下发的原表重新填报。"),
    "file-not-workbook": (ERROR, "“{file}”不是 Excel 工作簿，未处理。如是填报表，请让填报单位另存为 .xlsx 后发回。"),
    "file-unreadable": (ERROR, "无法读取“{file}”：{detail}。文件可能已损坏或加密，请让填报单位用 Excel/WPS 重新保存为 .xlsx 后发回。"),
    "file-needs-conversion": (ERROR, "“{file}”是 {detail} 格式，本机没有 LibreOffice 无法读取。请用 Excel/WPS 打开后"
                                     "“另存为”Excel 工作簿(.xlsx)，再放入回收文件夹。"),
    "file-over-limit": (ERROR, "“{file}”超出读取限制：{detail}，未读取。如确是填报表，请让填报单位用 Excel/WPS 打开后"
                               "“另存为”新的 .xlsx 再发回；如确需放宽限制，可修改任务分工表“参数”工作表中的读取上限（reader_max_…）。"),
    "file-worker-failed": (ERROR, "“{file}”文件损坏或超出读取上限，未读取（{detail}）。如确是填报表，请让填报单位用 Excel/WPS 打开后"
                                  "“另存为”新的 .xlsx 再发回。"),
    "file-converted": (INFO, "“{file}”是 {detail} 格式，已用 LibreOffice 转换为 .xlsx 后读取（原文件未改动）。"),
    "file-unknown": (ERROR, "“{file}”不是本系统下发的填报表（找不到填报表身份信息），未采用。请让报送单位使用下发的填报表填写。"),
    "file-unknown-unit": (ERROR, "“{file}”是“{value}”的填报表，但任务分工表中没有该填报单位，未采用。"),
    "file-wrong-year": (ERROR, "“{file}”是{value}年度的填报表，本次汇总的是{year}年度，未采用。请让{unit}用{year}年度的填报表重新填报。"),
    "file-wrong-city": (ERROR, "“{file}”是“{value}”的填报表，本次汇总的是“{city}”，未采用。"),
    "file-version-mismatch": (ERROR, "“{file}”按任务分工表版本 {value} 生成，与当前版本 {expected} 不一致，未采用。"
                                     "请向{unit}重新下发当前版本的填报表。"),
    "file-wrong-kind": (ERROR, "“{file}”是{value}，本次汇总的是{expected}，未采用。请放入对应轮次的回收文件夹，"
                               "或让{unit}用本轮下发的表格填报。"),
    "file-wrong-period": (ERROR, "“{file}”是 {value} 期的工作进展调度表，本次汇总的是 {expected} 期，未采用。"
                                 "请让{unit}用 {expected} 期的调度表重新填报。"),
    "file-empty": (ERROR, "“{file}”是{unit}的填报表，但没有填写任何内容（可能发回了空白表），未采用。请让{unit}填写后重新发回。"),
    "file-superseded": (WARNING, "{unit}报送了多份填报表，采用最后保存的“{kept}”；本文件未采用。"),
    "file-identical-copy": (INFO, "“{file}”与“{kept}”内容相同（重复发送），已忽略。"),
    "file-protection-removed": (WARNING, "工作表“{sheet}”的保护已被取消。数据仍按名称读取，请核对该表是否被改动。"),
    "name-missing": (ERROR, "填报表中找不到“{label}”的输入单元格（名称 {field} 已被删除），该项未读取。请让{unit}使用原表重新填报。"),
    "name-broken": (ERROR, "填报表中“{label}”的名称 {field} 指向的区域无效或过大（{value}），该项未读取。请让{unit}使用原表重新填报。"),
    "cell-moved": (WARNING, "“{label}”的输入单元格由 {expected} 移到了 {moved_to}（表格布局或工作表名称被改动），已按名称读取，请核对。"),
    "cells-moved": (WARNING, "工作表“{old_sheet}”的 {count} 个输入单元格位置与下发的填报表不同（如“{label}”由 {expected} "
                             "移到了 {moved_to}），表格布局或工作表名称被改动；已全部按名称读取，请核对。"),
    "extra-content": (WARNING, "{sheet} {cell}有模板以外的内容“{value}”，未汇总。如是数据，请让{unit}填在规定的输入单元格中。"),
    "sheet-not-read": (WARNING, "工作表“{sheet}”不是下发的填报表中的工作表，其内容未读取、未汇总。如其中有要报送的数据，"
                                "请让{unit}填在规定的输入单元格中；如是附带的原始资料，可忽略本提示。"),
    "extra-content-more": (WARNING, "工作表“{sheet}”另有 {count} 个单元格有模板以外的内容（如 {cell}），未逐一列出，也未汇总。"
                                    "请打开原文件核对。"),
    # -- evidence (佐证材料) that came with the returns ----------------------------------------------
    "evidence-zip-refused": (WARNING, "压缩包“{file}”超出读取限制或已损坏（{detail}），其中的佐证材料未读取。"
                                      "请让报送单位解压后直接发送各文件，或重新打包后发回。"),
    "evidence-name-unsafe": (WARNING, "压缩包中的“{file}”文件名{detail}，可能指向文件夹以外的位置，出于安全未读取。"
                                      "请让报送单位把该文件改名后重新打包发回。"),
    "evidence-over-limit": (WARNING, "佐证材料“{file}”超出读取限制（{detail}），未读取。请让报送单位压缩或拆分后发回；"
                                     "如确需放宽限制，可修改任务分工表“参数”工作表中的 reader_max_mail_mb。"),
    "evidence-unreadable": (WARNING, "佐证材料“{file}”{detail}，未复制到申报材料中。请核对回收文件夹后重新运行。"),
    "evidence-file-missing": (WARNING, "{unit}在佐证材料清单中为{label}列出的附件“{value}”未随填报表收到。"
                                       "请让{unit}补发该文件（附在同一邮件中、放在同一文件夹或打包为 .zip），文件名须与清单一致。"),
    "evidence-unlisted": (WARNING, "收到的文件“{file}”未列入{owner}的佐证材料清单，未编入申报材料（已复制到“未列入清单”文件夹）。"
                                   "请核对后让报送单位在清单中补列该文件，或把它移出回收文件夹。"),
    "eml-no-workbook": (WARNING, "邮件“{file}”中没有 Excel 附件，未处理。如填报表在正文链接或网盘中，请另行下载后放入回收文件夹。"),
    # -- values ---------------------------------------------------------------------------------
    "value-cleaned": (WARNING, "“{label}”填的是“{value}”，已按 {parsed} 读取（{detail}）。请核对。"),
    "value-formula": (WARNING, "“{label}”的单元格是公式，已按其计算结果 {parsed} 读取。"),
    "value-not-number": (ERROR, "“{label}”应填数字（单位：{item_unit}），填的是“{value}”，未采用。请改为纯数字，"
                                "不要带“约”“左右”等文字。"),
    "value-too-large": (ERROR, "“{label}”填的是“{value}”，数值过大（超出 Excel 可精确保存的 15 位数字），未采用。"
                               "请核实数值和单位（{item_unit}）后改正。"),
    "value-percent-fraction": (WARNING, "“{label}”的单位是 %，填的是“{value}”，已按 {parsed}% 读取。如本意是 {percent}%"
                                        "（按小数填写了百分比），请改填 {percent}。"),
    "value-not-integer": (ERROR, "“{label}”应填整数，填的是“{value}”，未采用。"),
    "value-out-of-range": (ERROR, "“{label}”应{bound}，填的是“{value}”，未采用。请核实后改正。"),
    "value-bad-choice": (ERROR, "“{label}”应从下拉列表中选择（{choices}），填的是“{value}”，未采用。"),
    "value-unit-mismatch": (ERROR, "“{label}”的单位应为{item_unit}，填的是“{value}”，未采用。请换算为{item_unit}后填写纯数字。"),
    "value-formula-no-result": (ERROR, "“{label}”的单元格是公式“{value}”，但文件中没有保存计算结果（可能由其他程序生成），"
                                       "未采用。请用 Excel/WPS 打开并保存后发回，或直接填写数值。"),
    "value-missing": (WARNING, "“{label}”未填写。相关指标将显示为“数据缺失”，请{unit}补报。"),
    "source-without-value": (WARNING, "“{label}”未填写，但填写了数据来源“{value}”。请{unit}补报数值。"),
    "table-row-incomplete": (ERROR, "{table}第{row}行未填全（缺：{detail}）。一行要么全部填写，要么全部留空。"),
    "task-status-missing": (WARNING, "任务{task}“{title}”未填写进展状态，按“未启动”计。请{unit}补报。"),
    "contact-missing": (WARNING, "未填写{label}。请{unit}补充，便于核实数据。"),
    # -- between items and units ----------------------------------------------------------------
    "check-failed": (ERROR, "数据不一致：{detail}（{values}）。相关指标记为“数据异常”，请相关单位核实。"),
    "check-warning": (WARNING, "请核实：{detail}（{values}）。"),
    "unit-not-returned": (WARNING, "未收到{unit}的填报表。其负责的数据项为“数据缺失”，请催报。"),
    # -- progress rounds (工作调度) ---------------------------------------------------------------
    "progress-not-returned": (WARNING, "未收到{unit}的 {period} 期工作进展调度表，其牵头的任务按“未报送”计，请催报。"),
    "progress-status-missing": (WARNING, "任务{task}“{title}”未选择状态，按未完成计。请{unit}补报。"),
    "progress-overdue": (WARNING, "任务{task}“{title}”完成时限为 {deadline}，到 {period_end} 仍为“{value}”，已逾期 {days} 天。"
                                  "请{unit}说明原因和完成时间。"),
    "progress-eta-after-deadline": (INFO, "任务{task}“{title}”预计完成时间 {value} 晚于完成时限 {deadline}。"),
    "progress-period-out-of-order": (WARNING, "历史数据库中{city}{year}年已有更晚的 {latest} 期调度记录，本次汇总的是较早的 {period} 期："
                                              "本期结果只记为 {period} 期（该期原有记录标为已被替代），{latest} 期及以后的记录不变。"
                                              "如期次写错，请改正 --progress 后重新汇总。"),
    # -- last year's figures (history store) ----------------------------------------------------
    "prefill-used": (INFO, "“{label}”未填写，已采用历史数据库中{prev_year}年的系统记录值 {stored}。"),
    "prefill-changed": (WARNING, "“{label}”预填的{prev_year}年系统记录值为 {stored}，{unit}改填为 {value}，"
                                 "已按填报值计算。请核实哪一个正确。"),
}


# Every code of the catalogue as an enum member (FILE_UNREADABLE = "file-unreadable" ...): a code is
# written once, in the catalogue; the enum is derived from it.
FindingCode = TextEnum("FindingCode", {code.upper().replace("-", "_"): code for code in CATALOGUE})  # type: ignore[call-overload]


@dataclass(frozen=True)
class Finding:
    code: str                   # a FindingCode member (equal to its text)
    severity: str               # a Severity member
    message: str
    unit: str | None = None
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    value: str | None = None

    def to_dict(self) -> dict:
        return {**asdict(self), "code": str(self.code), "severity": str(self.severity)}

    @property
    def where(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        return " / ".join(parts)


_LOCATION = ("unit", "file", "sheet", "cell", "field", "value")


class _Blank(dict):
    def __missing__(self, key):
        return ""


def finding(code: str, **kw) -> Finding:
    """Build a finding from the catalogue; extra keywords fill the message template."""
    severity, template = CATALOGUE[code]
    severity = Severity(kw.pop("severity", None) or severity)
    loc = {k: (None if kw.get(k) is None else str(kw[k])) for k in _LOCATION}
    message = template.format_map(_Blank({k: v for k, v in kw.items() if v is not None}))
    return Finding(code=FindingCode(code), severity=severity, message=message, **loc)


def severity_counts(findings: Iterable[Finding]) -> str:
    """“错误 2 条，警告 5 条”: findings counted by severity, in order of first appearance ("" for none)."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return "，".join(f"{SEVERITY_LABELS.get(k, k)} {v} 条" for k, v in counts.items())


@dataclass
class Report:
    """An ordered collection of findings gathered during one run."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, code: str, **kw) -> Finding:
        item = finding(code, **kw)
        self.findings.append(item)
        return item

    def extend(self, items: Iterable[Finding]) -> None:
        self.findings.extend(items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    def to_list(self) -> list[dict]:
        return [f.to_dict() for f in self.findings]

    def as_text(self) -> str:
        return "\n".join(f"[{SEVERITY_LABELS.get(f.severity, f.severity)}] {f.message}" for f in self.findings)


class JieshuiError(Exception):
    """The run cannot go on; the message (Chinese) tells the coordinator what to do.  The one root of
    every exception the package raises on purpose (task table, history store, output, mail)."""


class TaskTableError(JieshuiError):
    """The task table cannot be used; carries every problem found (a :class:`Report`)."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__("任务分工表有误，未生成任何文件：\n" + report.as_text())
