"""The coordinator's scripts: one-click consolidation and new-year preparation, run as programs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers_template import read_identity

from jieshui_xl.fill import fill_workbook
from jieshui_xl.spec import load_task_table

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
sys.path.insert(0, str(SCRIPTS))

import consolidate_round  # noqa: E402


def _templates(table, folder: Path) -> dict[str, Path]:
    from jieshui_xl.template import write_templates

    out = {}
    for p in write_templates(table, folder):
        wb = openpyxl.load_workbook(p, read_only=True)
        try:
            out[read_identity(wb).unit] = p
        finally:
            wb.close()
    return out


def _config(folder: Path, **values) -> Path:
    keys = {"returns": "回收表", "output": "输出", "table": "", "year": "", "templates": "填报表", "outbox": "发件箱",
            "package": "../申报材料"}
    keys.update(values)
    text = (
        "; 测试用设置\n[汇总]\n; 回收\n"
        f"回收文件夹 = {keys['returns']}\n输出文件夹 = {keys['output']}\n"
        f"; 任务分工表留空\n任务分工表 = {keys['table']}\n; 年度说明\n年度 = {keys['year']}\n"
        f"申报材料文件夹 = {keys['package']}\n\n"
        f"[新年度]\n填报表文件夹 = {keys['templates']}\n发件箱 = {keys['outbox']}\n\n"
        "[邮件]\nSMTP服务器 =\n端口 =\n加密方式 = ssl\n用户名 =\n")
    path = folder / "设置.ini"
    path.write_text(text, encoding="utf-8-sig")          # as Notepad saves it (with BOM)
    return path


def _run(script: str, *args, cwd: Path, env=None, stderr=subprocess.PIPE):
    environment = {k: v for k, v in os.environ.items() if k not in ("JIESHUI_PAUSE", "JIESHUI_CONFIG")}
    environment.update(env or {})
    return subprocess.run([sys.executable, str(SCRIPTS / script), *args], cwd=cwd, env=environment,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True,
                          encoding="utf-8", timeout=600)


@pytest.fixture(scope="module")
def unit_templates(tmp_path_factory):
    table = load_task_table()
    return table, _templates(table, tmp_path_factory.mktemp("tpl"))


def _send_back(template, target):
    """A department's return: its workbook with at least the contact filled (a blank one is rejected)."""
    return fill_workbook(template, target, [("contact_name", None, "张三")])


def test_consolidate_round_writes_dated_scorecard_and_who_is_missing(tmp_path, unit_templates):
    table, templates = unit_templates
    returned = "区水利局"
    returns = tmp_path / "回收表"
    returns.mkdir()
    _send_back(templates[returned], returns / "水利局发回.xlsx")
    (returns / "~$水利局发回.xlsx").write_bytes(b"lock")
    config = _config(tmp_path)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    proc = _run("consolidate_round.py", "--config", str(config), cwd=elsewhere)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "输出"
    scorecards = sorted(out.glob("评分表_*.xlsx"))
    assert len(scorecards) == 1 and re.fullmatch(r"评分表_\d{8}_\d{4}\.xlsx", scorecards[0].name)
    assert scorecards[0].with_suffix(".json").is_file()
    wb = openpyxl.load_workbook(scorecards[0])
    assert "value_I01" in wb.defined_names and "status_I01" in wb.defined_names
    text = proc.stdout
    missing_line = next(line for line in text.splitlines() if line.startswith("未报送"))
    expected_missing = [u for u in table.reporting_units() if u != returned]
    assert missing_line == "未报送（请催报）：" + "、".join(expected_missing)
    assert f"共 {len(table.reporting_units())} 个单位" in text
    assert str(scorecards[0]) in text
    assert "new_year.py\" --remind" in text
    from jieshui_xl.libreoffice import available

    if available():
        assert scorecards[0].with_suffix(".pdf").is_file() and "PDF：" in text
    else:
        assert "未安装 LibreOffice" in text
    assert "正在读取" not in proc.stderr                   # no progress display when not on a terminal
    # a second run does not overwrite the first
    proc = _run("consolidate_round.py", "--config", str(config), cwd=elsewhere)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(list(out.glob("评分表_*.xlsx"))) == 2


def test_missing_returns_folder_is_created_with_instructions(tmp_path):
    config = _config(tmp_path, returns="../各单位回收表")
    proc = _run("consolidate_round.py", "--config", str(config), cwd=tmp_path)
    folder = (tmp_path / ".." / "各单位回收表").resolve()
    try:
        assert proc.returncode == 1
        assert folder.is_dir()
        assert str(folder) in proc.stdout and "放进这个文件夹" in proc.stdout
        assert "Traceback" not in proc.stdout + proc.stderr
        # empty folder: the same instruction, no scorecard
        proc = _run("consolidate_round.py", "--config", str(config), cwd=tmp_path)
        assert proc.returncode == 1 and "回收文件夹是空的" in proc.stdout
        assert not (tmp_path / "输出").exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_an_output_folder_inside_the_returns_folder_is_refused(tmp_path, unit_templates):
    _, templates = unit_templates
    returns = tmp_path / "回收表"
    returns.mkdir()
    _send_back(next(iter(templates.values())), returns / "发回.xlsx")
    before = sorted(p.name for p in returns.rglob("*"))
    config = _config(tmp_path, output="回收表/输出")
    proc = _run("consolidate_round.py", "--config", str(config), cwd=tmp_path)
    assert proc.returncode == 2 and "回收文件夹" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    assert sorted(p.name for p in returns.rglob("*")) == before        # nothing written among the returns


def test_the_package_script_consolidates_then_numbers_the_evidence(tmp_path, unit_templates):
    """整理申报材料.bat (--package): the round, then the evidence copied byte for byte into the
    configured 申报材料文件夹, with the index and what is still owed; a package folder among the
    returns is refused before anything is written."""
    from jieshui_xl.specimen import pdf_bytes

    _, templates = unit_templates
    returns = tmp_path / "回收表"
    returns.mkdir()
    _send_back_with(templates["区水利局"], returns / "水利局.xlsx",
                    [("ev_I02_1_title", None, "自备井关停台账"), ("ev_I02_1_file", None, "关停台账.pdf")])
    (returns / "关停台账.pdf").write_bytes(sent := pdf_bytes("wells", 3))
    config = _config(tmp_path, package="申报材料")
    proc = _run("consolidate_round.py", "--config", str(config), "--package", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    package = tmp_path / "申报材料"
    copied = package / "三、技术考核指标" / "三-02 自备井关停率" / "三-02-01 自备井关停率-自备井关停台账.pdf"
    assert copied.read_bytes() == sent and (package / "申报材料目录.xlsx").is_file()
    assert "已编入 1 份佐证材料" in proc.stdout and "缺少佐证材料的单位（请催报）" in proc.stdout
    assert "new_year.py\" --remind" in proc.stdout
    config = _config(tmp_path, package="回收表/申报材料")
    before = sorted(p.name for p in returns.rglob("*"))
    proc = _run("consolidate_round.py", "--config", str(config), "--package", cwd=tmp_path)
    assert proc.returncode == 2 and "回收文件夹" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    assert sorted(p.name for p in returns.rglob("*")) == before


def _send_back_with(template, target, entries):
    return fill_workbook(template, target, [("contact_name", None, "张三"), *entries])


def test_bad_settings_give_a_chinese_message(tmp_path):
    config = _config(tmp_path, year="二〇二四")
    proc = _run("consolidate_round.py", "--config", str(config), cwd=tmp_path)
    assert proc.returncode == 2 and "年度" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    proc = _run("consolidate_round.py", "--config", str(tmp_path / "没有.ini"), cwd=tmp_path)
    assert proc.returncode == 2 and "找不到设置文件" in proc.stdout


def test_default_settings_work_relative_to_the_repository(monkeypatch):
    monkeypatch.delenv("JIESHUI_CONFIG", raising=False)
    s = consolidate_round.read_settings()
    assert s.path == SCRIPTS / "jieshui_config.ini"
    assert s.returns_dir == REPO / "回收表" and s.output_dir == REPO / "输出"
    assert s.templates_dir == REPO / "填报表" and s.outbox == REPO / "发件箱"
    assert s.task_table is None and s.year is None and s.security == "ssl"
    text = (SCRIPTS / "jieshui_config.ini").read_text(encoding="utf-8")
    for key in ("回收文件夹", "输出文件夹", "任务分工表", "年度"):
        assert re.search(rf"^{key}\s*=", text, re.M)
    assert "JIESHUI_SMTP_PASSWORD" in text and not re.search(r"^\s*(密码|password)\s*=", text, re.M | re.I)


def test_dated_names_never_collide(tmp_path):
    import datetime as dt

    now = dt.datetime(2024, 1, 21, 9, 30)
    first = consolidate_round._dated(tmp_path, "评分表", ".xlsx", now)
    assert first.name == "评分表_20240121_0930.xlsx"
    first.write_bytes(b"x")
    assert consolidate_round._dated(tmp_path, "评分表", ".xlsx", now).name == "评分表_20240121_0930_2.xlsx"


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminal needed")
def test_progress_shown_on_a_terminal(tmp_path, unit_templates):
    import pty

    table, templates = unit_templates
    returns = tmp_path / "回收表"
    returns.mkdir()
    for unit in list(templates)[:3]:
        _send_back(templates[unit], returns / templates[unit].name)
    config = _config(tmp_path)
    master, slave = pty.openpty()
    try:
        proc = _run("consolidate_round.py", "--config", str(config), cwd=tmp_path, stderr=slave,
                    env={"JIESHUI_SOFFICE": str(tmp_path / "none"), "PATH": ""})
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    assert proc.returncode == 0, proc.stdout
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "正在读取 3/3" in shown
    assert "未生成 PDF" in proc.stdout or "未安装 LibreOffice" in proc.stdout


def test_new_year_writes_templates_and_mails_without_sending(tmp_path):
    config = _config(tmp_path)
    before = config.read_text(encoding="utf-8-sig")
    proc = _run("new_year.py", "--config", str(config), "--year", "2022", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = load_task_table(year=2022)
    workbooks = sorted((tmp_path / "填报表" / "2022年度").glob("*.xlsx"))
    mails = sorted((tmp_path / "发件箱" / "2022年度").glob("*.eml"))
    assert len(workbooks) == len(mails) == len(table.reporting_units())
    for p in workbooks:
        wb = openpyxl.load_workbook(p, read_only=True)
        assert read_identity(wb).year == 2022
        wb.close()
    assert all("2022年度" in m.name for m in mails)
    assert "尚未发送" in proc.stdout and "没有登记电子邮箱" in proc.stdout
    assert (tmp_path / "回收表").is_dir()
    # the settings file now says 2022, with every comment kept
    after = config.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    text = after.decode("utf-8-sig")
    assert re.search(r"^年度 = 2022$", text, re.M)
    assert text.replace("年度 = 2022", "年度 = ") == before
    assert consolidate_round.read_settings(config).year == 2022
    # reminders: one unit has returned its workbook; the year now comes from the settings file
    returned = workbooks[0]
    wb = openpyxl.load_workbook(returned, read_only=True)
    returned_unit = read_identity(wb).unit
    wb.close()
    _send_back(returned, tmp_path / "回收表" / "发回.xlsx")
    proc = _run("new_year.py", "--config", str(config), "--remind", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reminders = sorted((tmp_path / "发件箱" / "2022年度").glob("*_催报.eml"))
    assert len(reminders) == len(table.reporting_units()) - 1
    assert not any(returned_unit in p.name for p in reminders)
    # it sent its workbook but none of its evidence (佐证材料): asked for that only
    assert (tmp_path / "发件箱" / "2022年度" / f"2022年度_{returned_unit}_补交佐证材料.eml").is_file()
    assert len(list((tmp_path / "填报表" / "2022年度").glob("*.xlsx"))) == len(workbooks)   # not rewritten


def test_new_year_send_needs_a_server(tmp_path):
    config = _config(tmp_path)
    proc = _run("new_year.py", "--config", str(config), "--send", cwd=tmp_path)
    assert proc.returncode == 2 and "SMTP服务器" in proc.stdout
    assert not (tmp_path / "发件箱").exists()


def test_unreadable_task_table_is_a_chinese_message(tmp_path):
    config = _config(tmp_path, table="不存在的任务分工表.xlsx")
    (tmp_path / "回收表").mkdir()
    (tmp_path / "回收表" / "x.xlsx").write_bytes(b"PK")
    for script in ("new_year.py", "consolidate_round.py"):
        proc = _run(script, "--config", str(config), cwd=tmp_path)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert proc.stdout.startswith("错误：") and "不存在的任务分工表.xlsx" in proc.stdout
        assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "填报表").exists() and not (tmp_path / "输出").exists()
