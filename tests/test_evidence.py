"""Evidence (佐证材料) from the small table: the form's list, the files that come with the returns
(beside the workbook, in its folder, in a .zip, in an .eml), whose each is, what is owed, and what a
hostile zip or name becomes (a finding, never a crash or a file outside the folder)."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from table_builder import SMALL_TABLE, literal_table

from jieshui_xl.evidence import NOT_LISTED, NOT_RECEIVED, NOT_RETURNED, match, same_file
from jieshui_xl.fill import fill_workbook
from jieshui_xl.pdfpages import count_pages
from jieshui_xl.returns import collect
from jieshui_xl.spec import load_task_table
from jieshui_xl.specimen import pdf_bytes, png_bytes
from jieshui_xl.template import write_templates

JIA = {"green_km2": 4.5, "total_km2": 10, "contact_name": "张三", "contact_phone": "123", "task01_status": "已完成",
       "ev_A01_1_title": "绿地测算报告2024", "ev_A01_1_docno": "测发〔2024〕1号", "ev_A01_1_file": "绿地报告.pdf",
       "ev_t1_1_file": "规划批复.pdf；规划文本.pdf"}
YI = {"supply_wm3": 100, "leak_wm3": 12.5, "contact_name": "李四", "contact_phone": "456",
      "ev_A02_1_file": "漏水测算"}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small")
    table = load_task_table(literal_table(tmp / "table.xlsx", SMALL_TABLE))
    forms = {}
    for path in write_templates(table, tmp / "forms"):
        forms[next(u for u in table.reporting_units() if u in path.name)] = path
    return table, forms


def _returns(tmp_path: Path, small, layout: dict[str, bytes], jia=JIA, yi=YI) -> Path:
    """The returns folder: 甲局's workbook in 甲局/, 乙局's at the top, then ``layout`` (path -> bytes)."""
    _table, forms = small
    returns = tmp_path / "returns"
    fill_workbook(forms["甲局"], returns / "甲局" / "甲局.xlsx", [(n, 0, v) for n, v in jia.items()])
    if yi is not None:
        fill_workbook(forms["乙局"], returns / "乙局.xlsx", [(n, 0, v) for n, v in yi.items()])
    for rel, data in layout.items():
        (returns / rel).parent.mkdir(parents=True, exist_ok=True)
        (returns / rel).write_bytes(data)
    return returns


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _codes(collection, prefix="evidence-"):
    return sorted((f.code, f.unit, f.file) for f in collection.report if f.code.startswith(prefix))


def test_the_form_lists_the_units_evidence_with_named_cells(small):
    table, forms = small
    wb = openpyxl.load_workbook(forms["甲局"])
    assert "佐证材料清单" in wb.sheetnames and "佐证材料清单" in openpyxl.load_workbook(forms["乙局"]).sheetnames
    names = set(wb.defined_names)
    assert {f"ev_A01_1_{p}" for p in ("title", "docno", "file", "note")} <= names
    assert not any(n.startswith("ev_A02_1") for n in names)          # 乙局's evidence is not on 甲局's form
    ws = wb["佐证材料清单"]
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value}
    assert {"指标1", "绿地测算报告", "绿地照片（可选）", "任务1"} <= texts


def test_files_in_the_units_folder_zip_and_mail_are_matched(tmp_path, small):
    table, _ = small
    mail = EmailMessage()
    mail["Subject"] = "乙局补充材料"
    mail.set_content("附件")
    mail.add_attachment(pdf_bytes("leak", 3), maintype="application", subtype="pdf", filename="漏水测算.pdf")
    returns = _returns(tmp_path, small, {
        "甲局/绿地报告.pdf": pdf_bytes("green", 2),                       # in the unit's folder
        "甲局/材料.zip": _zip({"批复/规划批复.pdf": pdf_bytes("plan", 1)}),  # in a zip in that folder
        "乙局补充.eml": mail.as_bytes(),                                   # an e-mail with only evidence
        "甲局/现场照片.png": png_bytes(),                                   # unlisted, but in 甲局's folder
    })
    collection = collect(table, returns)
    owners = {r.name: (r.unit, r.pages) for r in collection.received}
    assert owners == {"甲局/绿地报告.pdf": ("甲局", 2), "甲局/材料.zip/批复/规划批复.pdf": ("甲局", 1),
                      "乙局补充.eml/漏水测算.pdf": ("乙局", 3), "甲局/现场照片.png": ("甲局", None)}
    state = match(table, collection)
    assert {(d.evidence.code, d.listed, d.received.name if d.received else None) for d in state.documents} == {
        ("ev_A01_1", "绿地报告.pdf", "甲局/绿地报告.pdf"), ("ev_t1_1", "规划批复.pdf", "甲局/材料.zip/批复/规划批复.pdf"),
        ("ev_t1_1", "规划文本.pdf", None), ("ev_A02_1", "漏水测算", "乙局补充.eml/漏水测算.pdf")}
    assert state.owed == [] and [r.name for r in state.unlisted] == ["甲局/现场照片.png"]
    assert _codes(collection) == [("evidence-file-missing", "甲局", "甲局/甲局.xlsx"),
                                  ("evidence-unlisted", "甲局", "甲局/现场照片.png")]
    assert collection.evidence[("ev_A01_1", "甲局")].docno == "测发〔2024〕1号"


def test_what_is_owed_and_why(tmp_path, small):
    table, _ = small
    jia = {k: v for k, v in JIA.items() if not k.startswith("ev_A01_1")}
    collection = collect(table, _returns(tmp_path, small, {}, jia=jia, yi=None))
    owed = {(o.evidence.code, o.unit): o.reason for o in match(table, collection).owed}
    assert owed == {("ev_A01_1", "甲局"): NOT_LISTED, ("ev_A02_1", "乙局"): NOT_RETURNED,
                    ("ev_t1_1", "甲局"): NOT_RECEIVED}                  # the optional photo is owed by nobody
    missing = [f for f in collection.report if f.code == "evidence-file-missing"]       # listed, not received
    assert [(f.unit, f.value, f.sheet) for f in missing] == [("甲局", "规划批复.pdf", "佐证材料清单"),
                                                            ("甲局", "规划文本.pdf", "佐证材料清单")]
    assert "任务1“规划批复文件”" in missing[0].message


def test_a_file_at_the_top_belongs_to_the_one_unit_that_lists_it(tmp_path, small):
    table, _ = small
    collection = collect(table, _returns(tmp_path, small, {"绿地报告.PDF": pdf_bytes("g"), "无主.pdf": pdf_bytes("x")}))
    assert {r.base: r.unit for r in collection.received} == {"绿地报告.PDF": "甲局", "无主.pdf": None}
    assert same_file("绿地报告.pdf", "绿地报告.PDF") and same_file("漏水测算", "漏水测算.pdf")
    assert not same_file("漏水测算.docx", "漏水测算.pdf")


def test_hostile_zip_and_names_are_findings(tmp_path, small):
    table, _ = small
    escape = _zip({"../../逃逸.pdf": b"%PDF-1.4 x", "/etc/绝对.pdf": b"%PDF-1.4 y", "响\x07铃.pdf": b"%PDF-1.4 z",
                   "ok/绿地报告.pdf": pdf_bytes("g")})
    dupes = io.BytesIO()
    with zipfile.ZipFile(dupes, "w") as z:
        z.writestr("a.pdf", b"one")
        with pytest.warns(UserWarning):
            z.writestr("a.pdf", b"two")
    bomb = _zip({"bomb.pdf": b"0" * (30 * 2**20)})                     # ratio far above 200:1
    returns = _returns(tmp_path, small, {"甲局/逃逸.zip": escape, "甲局/同名.zip": dupes.getvalue(),
                                         "甲局/炸弹.zip": bomb, "甲局/坏的.zip": b"PK\x03\x04 not a zip"})
    collection = collect(table, returns)
    found = _codes(collection)
    assert ("evidence-name-unsafe", None, "甲局/逃逸.zip/../../逃逸.pdf") in found
    assert ("evidence-name-unsafe", None, "甲局/逃逸.zip//etc/绝对.pdf") in found
    assert ("evidence-name-unsafe", None, "甲局/逃逸.zip/响\x07铃.pdf") in found
    assert {("evidence-zip-refused", None, f"甲局/{n}.zip") for n in ("同名", "炸弹", "坏的")} <= set(found)
    assert [r.name for r in collection.received] == ["甲局/逃逸.zip/ok/绿地报告.pdf"]
    assert not (tmp_path / "逃逸.pdf").exists() and not Path("/etc/绝对.pdf").exists()


def _pdf(edit=None, pages: int = 5, **encrypt) -> bytes:
    """A PDF made by pypdf: ``edit`` applied to an incremental update of ``pdf_bytes``, or encrypted."""
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(pdf_bytes("p", pages)), incremental=edit is not None)
    if edit is not None:
        edit(writer)
    if encrypt:
        writer.encrypt(**encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pages_are_counted_as_a_viewer_counts_them():
    assert count_pages(pdf_bytes("x", 7)) == 7
    assert count_pages(png_bytes()) is None and count_pages(b"%PDF-1.4 nothing here") is None
    assert count_pages(pdf_bytes("y", 3)[:200]) is None                         # truncated: unknown, not a guess

    def drop_three(writer):
        for _ in range(3):
            del writer.pages[-1]

    # An incremental update that removes pages: the old page tree (/Count 5) is still in the file.
    assert count_pages(_pdf(drop_three)) == 2
    assert count_pages(_pdf(pages=4, user_password="", owner_password="o")) == 4   # opens without a password
    assert count_pages(_pdf(pages=4, user_password="u", owner_password="o")) is None
