#!/usr/bin/env python3
"""新年度准备：为新的考核年度生成各单位的填报表和邮件（.eml），需要时直接发送。

    python scripts/new_year.py                  # 年度取 jieshui_config.ini 或任务分工表的 period_year
    python scripts/new_year.py --year 2024      # 指定年度（并把设置文件中的“年度”改为 2024）
    python scripts/new_year.py --send           # 同时通过 SMTP 发送（设置见 jieshui_config.ini 的 [邮件]）
    python scripts/new_year.py --remind         # 只给未报送或被退回的单位写催报邮件（可加 --send）

填报表写到设置中“填报表文件夹”下的“XXXX年度”子文件夹，邮件写到“发件箱”下的同名子文件夹。
不加 --send 时只生成 .eml 文件：双击可用 Outlook / Foxmail 打开，核对后发送。
SMTP 密码只从环境变量 JIESHUI_SMTP_PASSWORD 读取。
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# consolidate_round also puts the repository root on sys.path (works without installation)
from consolidate_round import Settings, SettingsError, decode_ini, read_settings, run_main  # noqa: E402


def set_config_year(path: Path, year: int) -> bool:
    """Set ``年度`` in the [汇总] section of the settings file, keeping every comment; True if changed."""
    from jieshui_xl import write_bytes

    text, encoding = decode_ini(path.read_bytes())
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    section, changed, found = "", False, False
    for i, line in enumerate(lines):
        header = re.match(r"\s*\[(.+?)\]\s*$", line)
        if header:
            if section == "汇总" and not found:           # no 年度 line in [汇总]: add one at its end
                lines.insert(i, f"年度 = {year}{newline}")
                found = changed = True
            section = header.group(1).strip()
            continue
        m = re.match(r"(\s*年度\s*=)(.*?)(\r?\n?)$", line)
        if section == "汇总" and m and not found:
            found = True
            if m.group(2).strip() != str(year):
                lines[i] = f"{m.group(1)} {year}{m.group(3)}"
                changed = True
    if not found:
        if section != "汇总":
            lines.append(f"{newline}[汇总]{newline}")
        lines.append(f"年度 = {year}{newline}")
        changed = True
    if changed:
        write_bytes(path, "".join(lines).encode(encoding))        # utf-16 and utf-8-sig write their BOM
    return changed


def prepare(settings: Settings, year: int | None, send: bool, remind: bool = False, echo=print) -> int:
    from jieshui_xl import default_history_path, load_prev, load_task_table, prefill_line, run_mail, write_templates

    table = load_task_table(settings.task_table, year=year or settings.year)
    templates_dir = settings.templates_dir / f"{table.year}年度"
    outbox = settings.outbox / f"{table.year}年度"
    echo(f"{table.city}{table.year}年度 " + ("催报" if remind else "新年度准备"))

    smtp = {}
    if send:
        if not settings.smtp_host:
            raise SettingsError("要发送邮件，请先在 jieshui_config.ini 的 [邮件] 中填写“SMTP服务器”"
                                "（以及端口、加密方式、用户名）。")
        smtp = dict(send=True, smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
                    starttls=settings.security == "starttls", use_ssl=settings.security == "ssl",
                    smtp_user=settings.smtp_user or None)

    if remind:
        if not templates_dir.is_dir():
            raise SettingsError(f"找不到{table.year}年度的填报表文件夹“{templates_dir}”。请先运行 new_year.py"
                                f"{'' if year is None else f' --year {table.year}'} 生成填报表。")
        if not settings.returns_dir.is_dir():
            raise SettingsError(f"找不到回收文件夹“{settings.returns_dir}”。")
        run_mail(table, templates_dir, outbox, returned_dir=settings.returns_dir, echo=echo, **smtp)
        return 0
    prev = load_prev(settings.history or default_history_path(), table)
    for notice in prev.notices:
        echo(f"注意：{notice}")
    paths = write_templates(table, templates_dir, progress=echo, prev=prev)
    echo(f"已生成 {len(paths)} 份填报表，位于：{templates_dir}")
    echo(prefill_line(table, prev))
    run_mail(table, templates_dir, outbox, echo=echo, **smtp)

    if year is not None and settings.path is not None and year != settings.year:
        if set_config_year(settings.path, table.year):
            echo(f"已把设置文件 {settings.path.name} 中的“年度”改为 {table.year}：一键汇总将汇总 {table.year} 年度。")
    returns = settings.returns_dir
    returns.mkdir(parents=True, exist_ok=True)
    echo("")
    echo(f"各单位发回的填报表请放入：{returns}")
    echo("（上一年度的回收表请先移到别处，以免混在一起；混入的其他年度文件汇总时不会采用。）")
    if not send:
        echo(f"邮件尚未发送：可双击“{outbox}”中的 .eml 文件用 Outlook / Foxmail 打开后发送，"
             f"或运行 new_year.py --send 直接发送。")
    return 0


def _main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="新年度准备：生成各单位填报表和邮件（.eml）；加 --send 时发送。")
    parser.add_argument("--year", type=int, help="考核年度（默认：设置文件中的“年度”，或任务分工表的 period_year）")
    parser.add_argument("--config", type=Path, help="设置文件（默认：本脚本旁的 jieshui_config.ini）")
    parser.add_argument("--send", action="store_true",
                        help="通过 SMTP 发送（服务器见设置文件 [邮件]；密码取自环境变量 JIESHUI_SMTP_PASSWORD）")
    parser.add_argument("--remind", action="store_true",
                        help="不重新生成填报表，只给回收文件夹中未报送或被退回的单位写催报邮件")
    args = parser.parse_args(argv)
    return prepare(read_settings(args.config), args.year, args.send, args.remind)


def main(argv=None) -> int:
    return run_main(_main, argv)


if __name__ == "__main__":
    sys.exit(main())
