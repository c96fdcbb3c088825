"""How the double-click scripts start on an office PC: the Python version first, the install hint for
the interpreter that runs, a settings file saved by Notepad in any of its encodings, and .bat
wrappers that find Python without PATH, work from a network share and always keep the window open."""

from __future__ import annotations

import codecs
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
sys.path.insert(0, str(SCRIPTS))

import consolidate_round  # noqa: E402
import new_year  # noqa: E402

WRAPPERS = {"一键汇总.bat": "consolidate_round.py", "新年度准备.bat": "new_year.py",
            "整理申报材料.bat": "consolidate_round.py --package"}
HELPER = "jieshui_run.bat"
INI = "[汇总]\r\n; 说明\r\n回收文件夹 = 回收表\r\n年度 = 2023\r\n\r\n[新年度]\r\n发件箱 = 发件箱\r\n"


# -- Python version and install hint ------------------------------------------------------------

def test_old_python_is_named_with_what_is_needed():
    message = consolidate_round.python_problem((3, 9, 7), r"C:\Python39\python.exe")
    assert "3.9" in message and "3.10" in message and r"C:\Python39\python.exe" in message
    assert consolidate_round.python_problem((3, 10, 0)) == consolidate_round.python_problem((3, 13)) == ""


def test_run_main_checks_the_version_before_anything_else(monkeypatch, capsys):
    monkeypatch.setattr(consolidate_round, "python_problem", lambda: "当前使用的 Python 是 3.8 版")
    ran = []
    assert consolidate_round.run_main(lambda argv: ran.append(argv) or 0) == 4
    assert ran == [] and "错误：当前使用的 Python 是 3.8 版" in capsys.readouterr().out


def test_install_hint_names_the_python_that_runs(capsys):
    def body(argv):
        raise ImportError("No module named 'openpyxl'", name="openpyxl")

    assert consolidate_round.run_main(body) == 3
    out = capsys.readouterr().out
    assert f'"{sys.executable}" -m pip install -e' in out and "openpyxl" in out


# -- settings saved by Notepad ---------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8-sig", "utf-8", "gb18030"])
def test_settings_load_in_every_notepad_encoding(tmp_path, encoding):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    path = tmp_path / "设置.ini"
    path.write_bytes(bom + INI.encode(encoding))
    s = consolidate_round.read_settings(path)
    assert s.year == 2023 and s.returns_dir == tmp_path / "回收表" and s.outbox == tmp_path / "发件箱"


@pytest.mark.parametrize("encoding, bom", [("utf-16", codecs.BOM_UTF16_LE), ("utf-8-sig", codecs.BOM_UTF8)])
def test_new_year_rewrites_the_year_in_the_files_own_encoding(tmp_path, encoding, bom):
    path = tmp_path / "设置.ini"
    path.write_bytes(INI.encode(encoding))
    assert new_year.set_config_year(path, 2024)
    raw = path.read_bytes()
    assert raw.startswith(bom) and raw.count(bom) == 1
    text = raw.decode(encoding)
    assert "年度 = 2024\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert consolidate_round.read_settings(path).year == 2024


# -- the .bat wrappers and line endings ------------------------------------------------------------

def _crlf_text(path: Path) -> str:
    raw = path.read_bytes()
    assert not raw.startswith(codecs.BOM_UTF8), path                # a BOM would break the first command
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), path   # CRLF only
    return raw.decode("utf-8")


def test_gitattributes_keep_crlf_and_the_files_have_it():
    rules = (REPO / ".gitattributes").read_text(encoding="utf-8")
    assert re.search(r"^\*\.bat\s+text eol=crlf$", rules, re.M) and re.search(r"^\*\.ini\s+text eol=crlf$", rules, re.M)
    for path in list(SCRIPTS.glob("*.bat")) + list(SCRIPTS.glob("*.ini")):
        _crlf_text(path)


@pytest.mark.parametrize("bat, script", WRAPPERS.items())
def test_wrappers_run_their_script_through_the_helper(bat, script):
    text = _crlf_text(SCRIPTS / bat)
    assert text.isascii() and (SCRIPTS / script.split()[0]).is_file()
    assert f'call "%~dp0{HELPER}" {script} %*' in text


def test_helper_finds_python_without_path_and_pauses_on_every_exit():
    lines = _crlf_text(SCRIPTS / HELPER).splitlines()
    chcp = next(i for i, line in enumerate(lines) if line.startswith("chcp 65001"))
    assert all(line.isascii() for line in lines[:chcp + 1])    # nothing non-ASCII before the code page switch
    text = "\n".join(lines)
    assert 'pushd "%~dp0"' in text and "popd" in text                  # works from a UNC path
    assert "call :try py -3" in text and r"%LOCALAPPDATA%\Programs\Python\Python3*" in text
    assert "sys.version_info >= (3, 10)" in text
    assert "JIESHUI_PAUSE" not in text            # the helper pauses itself, also when Python dies early
    code = [line.strip() for line in lines if not line.strip().lower().startswith("rem")]
    for i, line in enumerate(code):
        if re.search(r"exit /b (?!0\b)", line):                       # every exit but the subroutine's
            assert "pause" in line or any(c == "pause" for c in code[max(0, i - 3):i]), line
    # One Python, chosen once: the script is started in exactly one place.
    assert sum('"%~dp0%SCRIPT%"' in line for line in code) == 1
