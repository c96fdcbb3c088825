"""The command line: help for every command, exit statuses, Chinese messages (CliRunner)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner
from helpers_template import read_identity

from jieshui_xl import libreoffice
from jieshui_xl.cli import main
from jieshui_xl.spec import default_task_table_path

COMMANDS = ["templates", "consolidate", "status", "demo", "mail", "print"]


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_chinese_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)


def test_module_entry_point_and_version(run):
    assert run("--version").exit_code == 0
    import jieshui_xl.__main__  # noqa: F401  (python -m jieshui_xl)


@pytest.mark.parametrize("command", ["consolidate", "status"])
def test_missing_folder_is_a_chinese_message_and_exit_2(run, tmp_path, command):
    args = [command, tmp_path / "没有这个文件夹"] + (["--out", tmp_path / "s.xlsx"] if command == "consolidate" else [])
    result = run(*args)
    assert result.exit_code == 2
    assert "错误" in result.output and "文件夹" in result.output
    assert not (tmp_path / "s.xlsx").exists()


def test_folder_without_any_workbook_is_exit_2(run, tmp_path):
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / "说明.txt").write_text("不是工作簿", encoding="utf-8")
    result = run("consolidate", tmp_path / "returns", "--out", tmp_path / "s.xlsx")
    assert result.exit_code == 2 and "错误" in result.output


def test_templates_for_another_city_and_year(run, tmp_path):
    result = run("templates", "--city", "石柱县", "--year", "2022", "--out", tmp_path / "新文件夹" / "表")
    assert result.exit_code == 0, result.output
    paths = sorted((tmp_path / "新文件夹" / "表").glob("*.xlsx"))
    assert paths and all("石柱县" in p.name for p in paths)
    ident = read_identity(openpyxl.load_workbook(paths[0]))
    assert (ident.city, ident.year) == ("石柱县", 2022)


def test_consolidate_with_rejected_files_only_is_a_job_done(run, tmp_path):
    """A folder whose only workbook is last year's form: exit 0, every indicator 数据缺失."""
    assert run("templates", "--year", "2022", "--out", tmp_path / "t2022").exit_code == 0
    returns = tmp_path / "returns"
    returns.mkdir()
    src = next((tmp_path / "t2022").glob("*.xlsx"))
    (returns / src.name).write_bytes(src.read_bytes())
    result = run("consolidate", returns, "--out", tmp_path / "s.xlsx", "--json", tmp_path / "s.json")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert {i["status"] for i in data["indicators"]} == {"missing"}
    assert [s["status"] for s in data["submissions"]] == ["rejected"]


def test_print_without_libreoffice_says_how_to_get_it(run, tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    book = tmp_path / "评分表.xlsx"
    openpyxl.Workbook().save(book)
    result = run("print", book)
    assert result.exit_code == 2
    assert "LibreOffice" in result.output and "安装" in result.output


def test_broken_task_table_lists_problems_and_writes_nothing(run, tmp_path):
    wb = openpyxl.load_workbook(default_task_table_path())
    del wb["选项"]
    wb["数据项"]["I2"] = "不存在的单位"
    wb.save(tmp_path / "broken.xlsx")
    result = run("templates", "--task-table", tmp_path / "broken.xlsx", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "选项" in result.output and "不存在的单位" in result.output   # all problems at once
    assert not list(tmp_path.glob("out/*.xlsx"))
