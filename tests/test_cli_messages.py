"""Issue 17: every message of the command line is Chinese and names the option at fault."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from jieshui_xl.cli import main


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("args, says", [
    (["consolidate", "回收表"], "缺少选项 '--out'"),
    (["templates", "--year", "abc"], "不是有效的整数"),
    (["nosuch"], "没有名为 'nosuch' 的命令"),
    (["templates", "--yaer", "2023"], "没有选项 '--yaer'"),
])
def test_usage_errors_are_chinese(args, says):
    result = _run(*args)
    assert result.exit_code == 2 and says in result.output, result.output
    assert "用法：" in result.output and "错误：" in result.output
    for english in ("Usage:", "Error:", "Missing option", "is not a valid", "Try '"):
        assert english not in result.output, result.output


def test_help_is_chinese():
    text = _run("--help").output
    assert "用法：" in text and "[选项]" in text and "显示本帮助并退出" in text and "Usage" not in text


def test_status_and_reminders_on_an_empty_folder_list_every_unit_as_missing(tmp_path, table):
    returns = tmp_path / "回收表"
    returns.mkdir()
    result = _run("status", returns, "--json", tmp_path / "s.json")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert {u["status"] for u in data["units"]} == {"missing"} and len(data["units"]) == len(table.reporting_units())
    assert _run("templates", "--out", tmp_path / "forms").exit_code == 0
    result = _run("mail", tmp_path / "forms", "--outbox", tmp_path / "催报", "--remind", returns)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "催报").glob("*.eml"))) == len(table.reporting_units())


def test_a_scorecard_is_not_written_under_a_csv_name(tmp_path):
    result = _run("consolidate", tmp_path, "--out", tmp_path.parent / "s.csv")
    assert result.exit_code == 2 and ".xlsx" in result.output and not (tmp_path.parent / "s.csv").exists()


def test_mail_without_year_takes_the_year_of_the_workbooks(tmp_path):
    assert _run("templates", "--year", "2024", "--out", tmp_path / "填报表2024").exit_code == 0
    result = _run("mail", tmp_path / "填报表2024", "--outbox", tmp_path / "发件箱")
    assert result.exit_code == 0, result.output
    assert "--year 2023" not in result.output and list((tmp_path / "发件箱").glob("*.eml"))


def test_history_does_not_say_records_need_history(tmp_path):
    text = _run("history", "--history", tmp_path / "h.sqlite").output
    assert "自动记录" in text


@pytest.mark.skipif(shutil.which("chattr") is None, reason="chattr 不可用")
def test_an_output_folder_that_cannot_be_written_is_a_chinese_message_naming_the_option(tmp_path):
    locked = tmp_path / "只读"
    locked.mkdir()
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i 不可用（需要 root 和支持的文件系统）")
    try:
        for args, option in ((["templates", "--out", locked / "t"], "--out"), (["demo", "--out", locked / "d"], "--out"),
                             (["history", "--history", tmp_path / "h.sqlite", "--json", locked / "h.json"], "--json")):
            result = _run(*args)
            assert result.exit_code == 2, result.output
            assert "Traceback" not in result.output and f"（{option}）" in result.output, result.output
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
