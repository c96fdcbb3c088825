"""`jieshui-xl package`: the application (申报材料) built from the demo round's returns.

Every copied file is byte-identical to what the unit sent (read here independently: the file, the
zip member, the e-mail attachment); every required piece of evidence is either in the package or
listed as owed by its unit; nothing is written outside --out and the returns are untouched; a
re-run gives the same tree."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jieshui_xl import build_package, collect, compute_round, load_task_table
from jieshui_xl.cli import main
from jieshui_xl.dossier import COMPLETENESS_SHEET, CONTENTS_SHEET, INDEX_NAME, UNLISTED_SHEET
from jieshui_xl.dossier.index import COMPLETENESS_COLUMNS, CONTENTS_COLUMNS, VOLUME_COLUMNS
from jieshui_xl.evidence import match


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("pkg")
    result = CliRunner().invoke(main, ["demo", "--out", str(root / "演示")])
    assert result.exit_code == 0, result.output
    returns = root / "演示" / "2_回收表"
    table = load_task_table()
    rnd = compute_round(table, collect(table, returns))
    return root, returns, rnd, result.output


def _sent(received) -> bytes:
    """What the unit sent, read without the package's code."""
    data = Path(received.path).read_bytes()
    if received.origin == "zip":
        with zipfile.ZipFile(Path(received.path)) as z:
            return z.read(received.member)
    if received.origin == "eml":
        msg = BytesParser(policy=policy.default).parsebytes(data)
        (part,) = [p for p in msg.iter_attachments() if p.get_filename() == received.member]
        return part.get_payload(decode=True)
    return data


def test_the_demo_builds_the_package(demo):
    root, _returns, _rnd, output = demo
    assert "④ 申报材料已整理" in output
    package = root / "演示" / "4_申报材料"
    assert (package / INDEX_NAME).is_file() and (package / "三、技术考核指标").is_dir()
    assert any((package / "申报书").glob("*评分表.*"))


def test_every_copy_is_byte_identical_and_every_required_item_present_or_owed(demo, tmp_path):
    _root, returns, rnd, _ = demo
    before = _tree(returns)
    out = build_package(rnd, returns, tmp_path / "申报材料")
    origins = {p.received.origin for p in out.plan.placed}
    assert origins == {"folder", "zip", "eml"} and len(out.plan.placed) == 39
    for placed in out.plan.placed:
        assert (out.out_dir / placed.path).read_bytes() == _sent(placed.received), placed.path
    for received, where in out.plan.unlisted:
        assert (out.out_dir / where).read_bytes() == _sent(received)
    assert (out.out_dir / "三、技术考核指标" / "三-03 城市公共供水管网漏损率"
            / "三-03-01 城市公共供水管网漏损率-漏损率测算报告.pdf").is_file()
    state = match(rnd.table, rnd.collection)
    present = {(d.evidence.code, d.unit) for d in state.present}
    owed = _completeness(out.index)
    for ev in rnd.table.evidence:
        for unit in ev.providers:
            if ev.required:
                assert ((ev.code, unit) in present) != ((ev.title, unit) in owed), (ev.code, unit)
    assert ("水资源费（税）征收台账", "区水利局") in owed and ("节水型单位命名文件", "区机关事务管理中心") in owed
    assert _tree(returns) == before                                     # the returns are untouched


def _completeness(index: Path) -> set[tuple[str, str]]:
    ws = openpyxl.load_workbook(index)[COMPLETENESS_SHEET]
    header = [c.value for c in ws[2]]
    col = {h: n for n, h in enumerate(header)}
    return {(r[col["所需材料"]], r[col["提供单位"]]) for r in ws.iter_rows(min_row=3, values_only=True)
            if r[col["状态"]] == "缺少"}


def test_index_sheets_and_columns(demo, tmp_path):
    _root, returns, rnd, _ = demo
    out = build_package(rnd, returns, tmp_path / "申报材料")
    wb = openpyxl.load_workbook(out.index)
    volumes = [c.value for c in rnd.table.volumes()]
    assert wb.sheetnames == [CONTENTS_SHEET, *volumes, COMPLETENESS_SHEET, UNLISTED_SHEET]
    assert [c.value for c in wb[CONTENTS_SHEET][2]] == [h for h, _ in CONTENTS_COLUMNS]
    assert [c.value for c in wb["技术考核指标"][2]] == [h for h, _ in VOLUME_COLUMNS]
    assert [c.value for c in wb[COMPLETENESS_SHEET][2]] == [h for h, _ in COMPLETENESS_COLUMNS]
    leak = next(r for r in wb["技术考核指标"].iter_rows(min_row=3, values_only=True) if r[0] == "三-03-01")
    assert leak[3:8] == ("黔江区2023年城市公共供水管网漏损率测算报告", "2023-12-20", "区城市管理局", "漏损率测算报告.pdf", 6)
    unlisted = [r for r in wb[UNLISTED_SHEET].iter_rows(min_row=3, values_only=True)]
    assert [r[0] for r in unlisted] == ["现场照片.png"]


def test_rerun_is_idempotent_and_nothing_is_written_outside_out(demo, tmp_path):
    _root, returns, rnd, _ = demo
    sandbox = tmp_path / "sandbox"
    shutil.copytree(returns, sandbox / "回收表")
    table = rnd.table
    rnd2 = compute_round(table, collect(table, sandbox / "回收表"))
    before = _tree(sandbox)
    first = build_package(rnd2, sandbox / "回收表", sandbox / "申报材料")
    after = _tree(sandbox)
    assert {k: v for k, v in after.items() if not k.startswith("申报材料/")} == before
    second = build_package(rnd2, sandbox / "回收表", sandbox / "申报材料")
    assert second.copied == [] and len(second.unchanged) == len(first.copied)
    evidence = {k: v for k, v in after.items() if k.endswith((".pdf", ".png")) and "申报书" not in k}
    assert {k: v for k, v in _tree(sandbox).items() if k in evidence} == evidence
    assert set(_tree(sandbox)) == set(after)
    # A file the unit no longer sends leaves the package on the next run; a file someone added stays.
    (sandbox / "回收表" / "漏损率测算报告.pdf").unlink()
    (sandbox / "申报材料" / "自己的说明.txt").write_text("coordinator's own note", encoding="utf-8")
    third = build_package(compute_round(table, collect(table, sandbox / "回收表")), sandbox / "回收表",
                          sandbox / "申报材料")
    assert [p.name for p in third.removed] == ["三-03-01 城市公共供水管网漏损率-漏损率测算报告.pdf"]
    assert not (sandbox / "申报材料" / "三、技术考核指标" / "三-03 城市公共供水管网漏损率").exists()
    assert (sandbox / "申报材料" / "自己的说明.txt").is_file()


def test_without_libreoffice_the_scorecard_workbook_and_a_notice(demo, tmp_path, monkeypatch):
    import jieshui_xl.printing as printing

    _root, returns, rnd, _ = demo
    monkeypatch.setattr(printing, "pdf_available", lambda: False)
    out = build_package(rnd, returns, tmp_path / "申报材料")
    assert out.scorecard is not None and out.scorecard.suffix == ".xlsx" and out.scorecard.parent.name == "申报书"
    assert any("LibreOffice" in n for n in out.notices)


def test_cli_package_and_its_refusals(demo, tmp_path):
    _root, returns, _rnd, _ = demo
    runner = CliRunner()
    ok = runner.invoke(main, ["package", str(returns), "--out", str(tmp_path / "申报材料")])
    assert ok.exit_code == 0, ok.output
    assert "已编入 39 份佐证材料" in ok.output and "未列入清单的文件 1 个" in ok.output
    inside = runner.invoke(main, ["package", str(returns), "--out", str(returns / "申报材料")])
    assert inside.exit_code == 2 and "回收文件夹" in inside.output and not (returns / "申报材料").exists()
    around = runner.invoke(main, ["package", str(returns), "--out", str(returns.parent)])
    assert around.exit_code == 2 and "包含回收文件夹" in around.output


def test_owed_evidence_in_status_and_the_scorecard(demo, tmp_path):
    root, returns, _rnd, _ = demo
    result = CliRunner().invoke(main, ["status", str(returns), "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    import json

    units = {u["unit"]: u for u in json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["units"]}
    assert "指标3（城市公共供水管网漏损率）：供水统计年报（所列附件未收到）" in units["区城市管理局"]["evidence_owed"]
    assert "区城市管理局：已报送（" in result.output and "缺佐证材料" in result.output
    scorecard = next((root / "演示" / "3_评分表").glob("*.xlsx"))
    ws = openpyxl.load_workbook(scorecard)["报送情况"]
    notes = {r[1]: r[9] for r in ws.iter_rows(values_only=True) if r and r[1] and r[9]}
    assert "缺佐证材料 1 项（指标3；" in notes["区城市管理局"] and "缺佐证材料 2 项（指标19、任务2；" in notes["区水利局"]
    assert notes["区机关事务管理中心"].startswith("未收到填报表及佐证材料")
