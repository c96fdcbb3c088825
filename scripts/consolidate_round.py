#!/usr/bin/env python3
"""一键汇总：读取回收文件夹中各单位发回的填报表，计算指标，输出带日期的评分表，并列出未报送的单位。
加 --package（双击“整理申报材料.bat”）时，汇总后再把随表发回的佐证材料整理成申报材料。

不需要任何参数：设置在同一文件夹的 jieshui_config.ini 中（回收文件夹、输出文件夹、任务分工表、年度、
申报材料文件夹）。在 Windows 上双击“一键汇总.bat”即可运行。

    python scripts/consolidate_round.py                 # 按 jieshui_config.ini 汇总
    python scripts/consolidate_round.py --package       # 汇总，并整理申报材料
    python scripts/consolidate_round.py --config 其他设置.ini

(Developers: this script is a thin layer over the library; it works from a clean checkout, installed
with ``pip install -e .`` or not, because the repository root is put on ``sys.path``.)
"""

from __future__ import annotations

import argparse
import codecs
import configparser
import datetime as _dt
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 10)


def python_problem(version=None, executable: str | None = None) -> str:
    """Why this Python cannot run the project (Chinese), or "" where it can."""
    version = tuple(version or sys.version_info)[:2]
    if version >= MIN_PYTHON:
        return ""
    return (f"当前使用的 Python 是 {version[0]}.{version[1]} 版（{executable or sys.executable}），"
            f"本程序需要 Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} 或更新版本。请从 https://www.python.org "
            "下载安装最新的 Python 3，然后重新运行。")


def install_hint() -> str:
    """How to install the missing packages — for the very Python that runs this script."""
    return f'"{sys.executable}" -m pip install -e "{REPO_ROOT}"'


SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent
if (REPO_ROOT / "jieshui_xl" / "__init__.py").is_file() and str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_CONFIG = SCRIPT_DIR / "jieshui_config.ini"
CONFIG_ENV = "JIESHUI_CONFIG"          # another settings file, e.g. for a second city
PAUSE_ENV = "JIESHUI_PAUSE"            # set by the .bat wrappers: wait for Enter before the window closes


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

@dataclass
class Settings:
    path: Path | None                  # the settings file read (None: defaults)
    returns_dir: Path
    output_dir: Path
    task_table: Path | None
    year: int | None
    templates_dir: Path
    outbox: Path
    smtp_host: str = ""
    smtp_port: int | None = None
    security: str = "ssl"              # ssl | starttls | none
    smtp_user: str = ""
    history: Path | None = None        # the history store (None: the default store)
    package_dir: Path | None = None    # the application (申报材料) folder of --package


class SettingsError(Exception):
    """A setting that cannot be used; the message (Chinese) says which and how to fix it."""


def decode_ini(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a settings file as Notepad saves it: UTF-8 (with or without BOM),
    "Unicode" (UTF-16 LE or BE, with BOM) or ANSI (GBK) on older Windows."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace"), "gb18030"


def _read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str                          # keep keys as written
    text, _ = decode_ini(path.read_bytes())
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise SettingsError(f"设置文件“{path}”格式有误：{exc}") from None
    return parser


def read_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default: $JIESHUI_CONFIG or jieshui_config.ini beside this script).

    Relative paths are relative to the settings file's folder.  A missing default file means the
    defaults (../回收表, ../输出, bundled task table, its period_year).
    """
    if path is None:
        path = Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else DEFAULT_CONFIG
        if not path.is_file() and path == DEFAULT_CONFIG:
            path = None
    elif not Path(path).is_file():
        raise SettingsError(f"找不到设置文件“{path}”。")
    parser = _read_ini(Path(path)) if path is not None else configparser.ConfigParser()
    base = Path(path).resolve().parent if path is not None else SCRIPT_DIR

    def get(section: str, key: str, default: str = "") -> str:
        return parser.get(section, key, fallback=default).strip().strip('"').strip()

    def folder(section: str, key: str, default: str) -> Path:
        value = get(section, key) or default
        p = Path(os.path.expandvars(os.path.expanduser(value)))
        return p if p.is_absolute() else (base / p).resolve()

    year_text = get("汇总", "年度")
    year = None
    if year_text:
        try:
            year = int(float(year_text))
        except ValueError:
            raise SettingsError(f"设置文件中“年度”的值“{year_text}”不是年份，请填写如 2024，或留空。") from None
    table_text = get("汇总", "任务分工表")
    task_table = None
    if table_text:
        task_table = folder("汇总", "任务分工表", table_text)
    port_text = get("邮件", "端口")
    try:
        port = int(port_text) if port_text else None
    except ValueError:
        raise SettingsError(f"设置文件中邮件“端口”的值“{port_text}”不是数字。") from None
    security = get("邮件", "加密方式", "ssl").lower() or "ssl"
    security = {"无": "none", "不加密": "none", "": "none", "tls": "starttls"}.get(security, security)
    if security not in ("ssl", "starttls", "none"):
        raise SettingsError(f"设置文件中“加密方式”的值“{security}”无效，请填写 ssl、starttls 或 无。")
    return Settings(
        path=Path(path) if path is not None else None,
        returns_dir=folder("汇总", "回收文件夹", "../回收表"),
        output_dir=folder("汇总", "输出文件夹", "../输出"),
        task_table=task_table, year=year,
        templates_dir=folder("新年度", "填报表文件夹", "../填报表"),
        outbox=folder("新年度", "发件箱", "../发件箱"),
        smtp_host=get("邮件", "SMTP服务器"), smtp_port=port, security=security,
        smtp_user=get("邮件", "用户名"),
        history=folder("汇总", "历史数据库", get("汇总", "历史数据库")) if get("汇总", "历史数据库") else None,
        package_dir=folder("汇总", "申报材料文件夹", "../申报材料"))


# ---------------------------------------------------------------------------------------------
# Console helpers (shared with new_year.py)
# ---------------------------------------------------------------------------------------------

def setup_console() -> None:
    """Never crash on a character the console cannot show."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def pause_if_double_clicked() -> None:
    """Keep the window open when started by double-click (the .bat wrappers set JIESHUI_PAUSE=1)."""
    if os.environ.get(PAUSE_ENV) == "1" and sys.stdin is not None and sys.stdin.isatty():
        try:
            input("\n按回车键关闭窗口……")
        except (EOFError, KeyboardInterrupt):
            pass


def run_main(body, argv=None) -> int:
    """Run ``body(argv)`` with Chinese messages for every way it can end, then pause if double-clicked."""
    setup_console()
    try:
        problem = python_problem()
        if problem:
            print(f"错误：{problem}")
            return 4
        return body(argv)
    except SettingsError as exc:
        print(f"错误：{exc}")
        return 2
    except ImportError as exc:
        print(f"缺少运行所需的 Python 程序包（{exc.name or exc}）。请在命令行窗口中运行："
              f"\n    {install_hint()}\n然后重试。")
        return 3
    except KeyboardInterrupt:
        print("\n已取消。")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence of a double-clicked script
        try:
            from jieshui_xl import JieshuiError
        except ImportError:
            JieshuiError = ()  # noqa: N806
        if JieshuiError and isinstance(exc, JieshuiError):
            print(f"错误：{exc}")
            return 2
        traceback.print_exc()
        print("\n程序出错，未能完成。请把以上信息截图发给技术支持人员。")
        return 1
    finally:
        sys.stdout.flush()
        pause_if_double_clicked()


def _dated(folder: Path, stem: str, suffix: str, now: _dt.datetime) -> Path:
    """``评分表_YYYYMMDD_HHMM.xlsx``; a second run in the same minute gets ``_2``, ``_3`` …"""
    base = f"{stem}_{now:%Y%m%d_%H%M}"
    candidate, n = folder / f"{base}{suffix}", 1
    while candidate.exists() or candidate.with_suffix(".json").exists():
        n += 1
        candidate = folder / f"{base}_{n}{suffix}"
    return candidate


def _has_files(folder: Path) -> bool:
    """Whether the folder holds a file the reader would look at (lock and hidden files do not count)."""
    from jieshui_xl import is_skipped_name

    return any(p.is_file() and not is_skipped_name(p.name) for p in folder.rglob("*"))


# ---------------------------------------------------------------------------------------------
# The round
# ---------------------------------------------------------------------------------------------

def consolidate(settings: Settings, echo=print, package: bool = False) -> int:
    """The round; with ``package``, then the application (申报材料) in ``settings.package_dir``."""
    from jieshui_xl import (
        NO_PDF_WITHOUT_LIBREOFFICE,
        build_package,
        collect,
        console_progress,
        default_history_path,
        load_task_table,
        output_lines,
        owes_something,
        package_lines,
        pdf_available,
        print_pdf,
        refuse_outputs_over_inputs,
        run_round,
        summary_lines,
    )

    returns = settings.returns_dir
    if not returns.is_dir():
        returns.mkdir(parents=True, exist_ok=True)
        echo(f"回收文件夹不存在，已新建：{returns}")
        echo("请把各单位发回的填报表（.xlsx，或整封邮件另存的 .eml）放进这个文件夹，然后重新运行一键汇总。")
        return 1
    if not _has_files(returns):
        echo(f"回收文件夹是空的：{returns}")
        echo("请把各单位发回的填报表（.xlsx，或整封邮件另存的 .eml）放进这个文件夹，然后重新运行一键汇总。")
        return 1

    package_dir = settings.package_dir if package else None
    refuse_outputs_over_inputs([settings.output_dir, package_dir], [settings.task_table], returns=returns)
    table = load_task_table(settings.task_table, year=settings.year)
    echo(f"{table.city}{table.year}年度 数据汇总")
    echo(f"回收文件夹：{returns}")
    collection = collect(table, returns, progress=console_progress())

    now = _dt.datetime.now()
    out_dir = settings.output_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = _dated(out_dir, "评分表", ".xlsx", now)
    out = run_round(table, collection, xlsx, xlsx.with_suffix(".json"), history=settings.history or default_history_path())
    pdf = None
    pdf_note = ""
    if pdf_available():
        try:
            pdf = print_pdf(xlsx)
        except Exception as exc:  # noqa: BLE001 - the scorecard is written; a PDF is a bonus
            pdf_note = f"未生成 PDF：{exc}"
    else:
        pdf_note = NO_PDF_WITHOUT_LIBREOFFICE

    echo("")
    for line in summary_lines(out):
        echo(line)
    echo("")
    for line in output_lines(out, pdf):
        echo(line)
    if pdf_note:
        echo(pdf_note)
    if package_dir is not None:
        echo("")
        echo(f"正在整理申报材料：{package_dir}")
        for line in package_lines(build_package(out.round, returns, package_dir)):
            echo(line)
    if owes_something(out):
        echo("")
        echo(f"给这些单位写催报邮件：python \"{SCRIPT_DIR / 'new_year.py'}\" --remind"
             + ("" if settings.path in (None, DEFAULT_CONFIG) else f" --config \"{settings.path}\""))
    return 0


def _main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="一键汇总：按 jieshui_config.ini 汇总回收的填报表，输出评分表。")
    parser.add_argument("--config", type=Path, help="设置文件（默认：本脚本旁的 jieshui_config.ini）")
    parser.add_argument("--package", action="store_true",
                        help="汇总后把随表发回的佐证材料整理成申报材料（设置中的“申报材料文件夹”）")
    args = parser.parse_args(argv)
    return consolidate(read_settings(args.config), package=args.package)


def main(argv=None) -> int:
    return run_main(_main, argv)


if __name__ == "__main__":
    sys.exit(main())
