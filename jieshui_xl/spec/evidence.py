"""The evidence (佐证材料) the task table asks for: one :class:`Evidence` a row of the 佐证材料 sheet,
the indicator or task it proves (:class:`Subject`), and the volumes (卷册) of the application.

The volumes are the 选项 list :data:`VOLUME_LIST`: its values are the volumes' names, its 次序 their
numbers (0: a volume without a number, such as the 申报书).  A document's number is
``<volume number>-<subject number>-<document number>`` (三-03-01): the subject's 序号 and the
document's place among the subject's documents in that volume.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EVIDENCE_SHEET", "Evidence", "Subject", "VOLUME_LIST", "SELF_ASSESSMENT_PARAM", "EVIDENCE_PARTS", "numeral",
           "document_number", "subject_number"]

VOLUME_LIST = "申报卷册"
EVIDENCE_SHEET = "佐证材料清单"                     # the sheet of a collection workbook that lists a unit's evidence
SELF_ASSESSMENT_PARAM = "self_assessment_volume"     # 参数: the volume the scorecard is bound in
# the cells of one row of a form's 佐证材料清单: defined name suffix, label
EVIDENCE_PARTS = (("title", "材料标题"), ("docno", "文号/日期"), ("file", "附件文件名"), ("note", "备注"))
_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Evidence:
    """One kind of document an indicator or task must be backed by."""
    code: str
    volume: str                    # 卷册 (a value of the 申报卷册 list)
    indicator: str                 # the indicator it proves (code), or ""
    task: int                      # the task it proves (序号), or 0
    title: str                     # 材料名称, e.g. 漏损率测算报告
    kind: str                      # 材料类型 (文件/台账/照片/报表 ...), free text
    providers: tuple[str, ...]     # who provides it: the 提供单位, else the subject's lead units
    required: bool
    note: str
    row: int = 0                   # row in the 佐证材料 sheet (for messages)

    def name(self, part: str) -> str:
        """Defined name of one cell of the unit's list: <code>_title, _docno, _file, _note."""
        return f"{self.code}_{part}"


@dataclass(frozen=True)
class Subject:
    """The indicator or task a document proves."""
    kind: str                      # "indicator" | "task"
    seq: int
    name: str

    @property
    def label(self) -> str:
        return f"{'指标' if self.kind == 'indicator' else '任务'}{self.seq}"


def numeral(rank: int) -> str:
    """A volume's number in Chinese (1 → 一, 12 → 十二); "" for 0 (a volume without a number)."""
    if rank <= 0:
        return ""
    if rank < 10:
        return _DIGITS[rank]
    tens, ones = divmod(rank, 10)
    if rank < 100:
        return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")
    return str(rank)


def subject_number(volume_rank: int, subject_seq: int) -> str:
    """三-03: the volume and the subject (the volume part left out for a volume without a number)."""
    return "-".join(([numeral(volume_rank)] if volume_rank > 0 else []) + [f"{subject_seq:02d}"])


def document_number(volume_rank: int, subject_seq: int, n: int) -> str:
    """三-03-01: volume, subject, document."""
    return f"{subject_number(volume_rank, subject_seq)}-{n:02d}"
