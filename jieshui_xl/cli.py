"""Command line: ``jieshui-xl`` (also ``python -m jieshui_xl``), a thin layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import JieshuiError, __version__
from .clitext import install as _chinese_click

_chinese_click()

TASK_TABLE_HELP = "任务分工表路径（默认：随程序提供的 templates/task_division.xlsx）"
YEAR_HELP = "考核年度（默认：任务分工表“参数”中的 period_year）"
PROGRESS_HELP = "工作调度期次（年-月，如 2023-06）"
HISTORY_HELP = ("历史数据库文件（SQLite；默认：环境变量 JIESHUI_HISTORY，否则 Windows 为 "
                "%LOCALAPPDATA%\\jieshui_xl\\history.sqlite，其他系统为 ~/.local/share/jieshui_xl/history.sqlite）")


def _refuse(outputs: dict, inputs=(), returns=None):
    """Inputs are read-only: refuse an output (option -> path) inside the returns folder or over an
    input; remember each output's option, so that a failed write names it."""
    from . import name_outputs, refuse_outputs_over_inputs

    refuse_outputs_over_inputs(list(outputs.values()), inputs, returns)
    name_outputs(outputs)


def _table(task_table, year, city=None):
    from . import load_task_table

    return load_task_table(task_table, year=year, city=city)


class _Command(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    """Turns a :class:`JieshuiError` (and any error of the file system) into a Chinese message and exit
    status 2; usage lines in Chinese."""

    command_class = _Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except JieshuiError as exc:
            click.echo(f"错误：{exc}", err=True)
            ctx.exit(2)
        except OSError as exc:                 # a folder that cannot be created, read or written
            from . import output_error

            click.echo(f"错误：{output_error(exc.filename or '', exc)}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jieshui-xl")
def main():
    """jieshui-xl：节水型城市创建数据填报、汇总与评分。

    \b
    常用流程：
      jieshui-xl templates --out 填报表        生成各单位填报表
      jieshui-xl mail 填报表 --outbox 发件箱    生成（或发送）邮件
      jieshui-xl consolidate 回收表 --out 评分表.xlsx --json 评分表.json
      jieshui-xl consolidate 回收表 --by-city --out 评分表   按区县分别汇总
      jieshui-xl package 回收表 --out 申报材料    整理佐证材料，生成申报材料
      jieshui-xl demo --out 演示输出           用示例数据演示全过程
    """


@main.command()
@click.option("--task-table", type=click.Path(dir_okay=False), help=TASK_TABLE_HELP)
@click.option("--year", type=int, help=YEAR_HELP)
@click.option("--city", help="城市（区县）名称（默认：任务分工表“参数”中的 city）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="填报表", show_default=True,
              help="输出文件夹（不存在时自动创建）")
@click.option("--history", type=click.Path(dir_okay=False), help=HISTORY_HELP + "；用于预填上年数据")
@click.option("--progress", "period", metavar="YYYY-MM", help=PROGRESS_HELP + "：生成该期的工作进展调度表（每个牵头"
              "单位一份，只含其牵头的任务；历史数据库中有上期记录时预填上期填报内容）")
def templates(task_table, year, city, out_dir, history, period):
    """为每个填报单位生成一份填报表（.xlsx）；历史数据库中有上年记录时预填上年数据。"""
    _refuse({"--out": out_dir}, [task_table])
    if period:
        return _progress_templates(task_table, year, city, out_dir, history, period)
    table = _table(task_table, year, city)
    from . import load_prev, prefill_line, write_templates

    prev = load_prev(_store(history), table)
    _echo_notices(prev.notices)
    paths = write_templates(table, Path(out_dir), progress=click.echo, prev=prev)
    click.echo(prefill_line(table, prev))
    click.echo(f"已为 {table.city}{table.year} 年度生成 {len(paths)} 份填报表，位于：{Path(out_dir).resolve()}")


def _progress_table(task_table, year, period_text, city=None):
    """The task table and period of a progress round (the period's year is the round's year)."""
    from . import load_progress_table

    return load_progress_table(task_table, year, period_text, city)


def _progress_templates(task_table, year, city, out_dir, history, period_text):
    from . import write_progress_forms

    table, period = _progress_table(task_table, year, period_text, city)
    files, prev_period, notices = write_progress_forms(table, Path(out_dir), period, _store(history), say=click.echo)
    _echo_notices(notices)
    if prev_period:
        click.echo(f"已按历史数据库中 {prev_period} 期的记录预填各单位上期填报内容。")
    elif not notices:
        click.echo(f"历史数据库中没有{table.city}{table.year}年 {period.text} 期以前的调度记录，调度表未预填。")
    click.echo(f"已为 {table.city} {period.label}生成 {len(files)} 份工作进展调度表，位于：{Path(out_dir).resolve()}")


def _collect(folder, task_table, year, empty_ok=False):
    from . import collect, prepare_readers

    prepare_readers()                      # the reader workers start while the task table loads
    table = _table(task_table, year)
    return table, collect(table, Path(folder), progress=_progress(), empty_ok=empty_ok)


def _progress():
    from . import console_progress

    return console_progress()


@main.command()
@click.argument("folder", type=click.Path())
@click.option("--task-table", type=click.Path(dir_okay=False), help=TASK_TABLE_HELP)
@click.option("--year", type=int, help=YEAR_HELP)
@click.option("--out", "out_file", type=click.Path(), metavar="PATH", required=True,
              help="评分表输出路径（.xlsx）；加 --by-city 时为输出文件夹")
@click.option("--json", "json_file", type=click.Path(dir_okay=False),
              help="同时输出 JSON（评分表的数据版）；加 --by-city 时不需要（JSON 自动写入输出文件夹）")
@click.option("--by-city", is_flag=True,
              help="按区县分别汇总：FOLDER 中每个区县（按填报表内记录的区县识别）各出一份评分表和 JSON，"
                   "另出一份各区县汇总表和 JSON；此时 --out 为输出文件夹")
@click.option("--history", type=click.Path(dir_okay=False), help=HISTORY_HELP)
@click.option("--progress", "period", metavar="YYYY-MM",
              help=PROGRESS_HELP + "：汇总该期的工作进展调度表，输出工作进展调度表（含推进会通报页）和 JSON")
@click.pass_context
def consolidate(ctx, folder, task_table, year, out_file, json_file, by_city, history, period):
    """汇总 FOLDER 中回收的填报表，计算指标，输出评分表。

    \b
    加 --by-city 时，FOLDER 可混放共用任务分工表的多个区县发回的填报表：
      --out 输出文件夹/区县名称/<年度>年<区县>节水型城市评分表.xlsx（及 .json）
      --out 输出文件夹/<年度>年各区县节水型城市评分汇总.xlsx（及 .json）
    """
    _refuse({"--out": out_file, "--json": json_file}, [task_table], returns=folder)
    if period:
        return _consolidate_progress(folder, task_table, year, out_file, json_file, by_city, history, period)
    if by_city:
        return _consolidate_by_city(ctx, folder, task_table, year, out_file, json_file, history)
    out_param = next(p for p in ctx.command.params if p.name == "out_file")
    out_file = click.Path(dir_okay=False).convert(out_file, out_param, ctx)   # a file, as always
    _suffix(ctx, "out_file", out_file, ".xlsx", "评分表")
    _suffix(ctx, "json_file", json_file, ".json", "JSON")
    from . import output_lines, run_round, summary_lines

    table, collection = _collect(folder, task_table, year)
    out = run_round(table, collection, Path(out_file), json_file and Path(json_file), history=_store(history))
    for line in summary_lines(out) + output_lines(out):
        click.echo(line)


def _suffix(ctx, name: str, path, suffix: str, what: str) -> None:
    """An output written as ``suffix`` is named so (a scorecard under .csv would not open in Excel)."""
    if path and Path(path).suffix.lower() != suffix:
        param = next(p for p in ctx.command.params if p.name == name)
        raise click.BadParameter(f"{what}是 {suffix} 文件，请把文件名改为以 {suffix} 结尾（如“{Path(path).stem}{suffix}”）。",
                                 ctx=ctx, param=param)


def _consolidate_progress(folder, task_table, year, out_file, json_file, by_city, history, period_text):
    from . import collect_progress, progress_summary_lines, run_progress

    if by_city:
        raise JieshuiError("--progress 与 --by-city 不能同时使用：请按区县分别汇总工作进展调度表"
                           "（--task-table 指定该区县的任务分工表）。")
    table, period = _progress_table(task_table, year, period_text)
    collection = collect_progress(table, Path(folder), period, progress=_progress())
    out = run_progress(table, collection, period, Path(out_file), json_file and Path(json_file), _store(history))
    for line in progress_summary_lines(out):
        click.echo(line)


def _store(history):
    """The history store: --history, else the default (README names it; $JIESHUI_HISTORY overrides)."""
    from . import default_history_path

    return Path(history) if history else default_history_path()


def _echo_notices(notices):
    for n in notices:
        click.echo(f"注意：{n}", err=True)


def _consolidate_by_city(ctx, folder, task_table, year, out_dir, json_file, history):
    from . import consolidate_by_city

    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        out_param = next(p for p in ctx.command.params if p.name == "out_file")
        raise click.BadParameter(f"加 --by-city 时 --out 应为输出文件夹，而“{out_dir}”是一个文件。",
                                 ctx=ctx, param=out_param)
    if json_file:
        click.echo("提示：加 --by-city 时各区县及汇总的 JSON 自动写入输出文件夹，已忽略 --json。")
    from . import output_lines, summary_lines

    done = consolidate_by_city(Path(folder), Path(out_dir), task_table=task_table, year=year,
                               progress=_progress(), history=_store(history))
    for r in done.cities:
        for line in summary_lines(r) + output_lines(r):
            click.echo(line)
    if done.findings:
        click.echo(f"不属于任何区县的文件问题 {len(done.findings)} 条（见汇总表“文件问题”工作表）。")
    click.echo(f"汇总表：{done.overview.resolve()}")
    click.echo(f"汇总 JSON：{done.overview_json.resolve()}")


@main.command()
@click.argument("folder", type=click.Path())
@click.option("--task-table", type=click.Path(dir_okay=False), help=TASK_TABLE_HELP)
@click.option("--year", type=int, help=YEAR_HELP)
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="输出 JSON 文件")
def status(folder, task_table, year, json_file):
    """列出各填报单位的报送情况：已报送 / 被退回 / 未报送。"""
    from . import status_json, status_lines, write_json

    _refuse({"--json": json_file}, [task_table], returns=folder)
    table, collection = _collect(folder, task_table, year, empty_ok=True)   # nothing back yet: all 未报送
    data = status_json(table, collection)
    owed = {u["unit"]: u["evidence_owed"] for u in data["units"]}
    for line in status_lines([collection.unit_state(u) for u in table.reporting_units()], owed):
        click.echo(line)
    if json_file:
        write_json(json_file, data)


@main.command()
@click.argument("folder", type=click.Path())
@click.option("--task-table", type=click.Path(dir_okay=False), help=TASK_TABLE_HELP)
@click.option("--year", type=int, help=YEAR_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="申报材料", show_default=True,
              help="申报材料输出文件夹（不能在回收文件夹之内）")
@click.option("--history", type=click.Path(dir_okay=False), help=HISTORY_HELP + "；只读，用于评分表的上年值")
def package(folder, task_table, year, out_dir, history):
    """把 FOLDER 中回收的填报表及随附的佐证材料整理成申报材料：按卷册、指标或任务分文件夹，
    复制（不移动、不改动）并编号命名各佐证文件，生成申报材料目录（总目录、各卷目录、完整性、
    未列入清单）和评分表（申报书卷）。可重复运行。"""
    from . import build_package, compute_round, load_prev, package_lines

    _refuse({"--out": out_dir}, [task_table], returns=folder)
    table, collection = _collect(folder, task_table, year)
    out = build_package(compute_round(table, collection, load_prev(_store(history), table)), folder, out_dir)
    for line in package_lines(out):
        click.echo(line)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="演示输出", show_default=True,
              help="输出文件夹")
@click.option("--progress", "progress_demo", is_flag=True,
              help="演示三期工作调度（2023-04、2023-06、2023-09）：调度表 → 模拟填报 → 汇总 → 推进会通报（PDF）→ 督办邮件")
def demo(out_dir, progress_demo):
    """用随程序提供的示例数据演示一轮：生成填报表 → 模拟各单位填报 → 汇总评分。"""
    _refuse({"--out": out_dir})
    if progress_demo:
        from . import run_progress_demo

        run_progress_demo(Path(out_dir), echo=click.echo)
        return
    from . import run_demo

    run_demo(Path(out_dir), echo=click.echo)


@main.command()
@click.argument("templates_dir", type=click.Path(file_okay=False))
@click.option("--outbox", type=click.Path(file_okay=False), required=True, help="邮件（.eml）输出文件夹")
@click.option("--task-table", type=click.Path(dir_okay=False), help=TASK_TABLE_HELP)
@click.option("--year", type=int, help=YEAR_HELP)
@click.option("--remind", "returned_dir", type=click.Path(file_okay=False),
              help="回收文件夹：只给未交或被退回的单位写催报邮件")
@click.option("--send", is_flag=True, help="通过 SMTP 发送（否则只写 .eml 文件）")
@click.option("--smtp-host", help="SMTP 服务器")
@click.option("--smtp-port", type=int, help="SMTP 端口")
@click.option("--starttls", is_flag=True, help="使用 STARTTLS")
@click.option("--ssl", "use_ssl", is_flag=True, help="使用 SSL/TLS 连接")
@click.option("--smtp-user", help="SMTP 用户名（密码从环境变量 JIESHUI_SMTP_PASSWORD 读取）")
@click.option("--progress", "period", metavar="YYYY-MM", help=PROGRESS_HELP + "：发送该期的工作进展调度表；加 --remind "
              "时给未报送、被退回和有逾期任务的牵头单位写督办邮件（列出任务）")
def mail(templates_dir, outbox, task_table, year, returned_dir, send, smtp_host, smtp_port, starttls,
         use_ssl, smtp_user, period):
    """为每个单位写一封附带其填报表的邮件（.eml）；加 --send 时通过 SMTP 发送。

    使用 --ssl / --starttls 时总是验证邮件服务器的证书；服务器使用单位内部 CA 签发的证书时，
    请把该 CA 证书（PEM 格式，可向信息中心索取）的路径设到环境变量 JIESHUI_SMTP_CAFILE。
    """
    from . import run_mail

    _refuse({"--outbox": outbox}, [task_table, templates_dir], returns=returned_dir)
    kind = None
    if period:
        from . import progress_mail

        table, p = _progress_table(task_table, year, period)
        kind = progress_mail(table, p)
    else:
        table = _table(task_table, year or _year_of_workbooks(templates_dir))
    run_mail(table, Path(templates_dir), Path(outbox), returned_dir=returned_dir and Path(returned_dir),
             send=send, smtp_host=smtp_host, smtp_port=smtp_port, starttls=starttls, use_ssl=use_ssl,
             smtp_user=smtp_user, echo=click.echo, kind=kind)


def _year_of_workbooks(folder) -> int | None:
    """The year the collection workbooks in ``folder`` were made for, when they all say one (else None:
    the task table's period_year)."""
    from . import identify_file

    years = set()
    for path in sorted(Path(folder).glob("*.xlsx"))[:200] if Path(folder).is_dir() else []:
        ident = identify_file(path)
        if ident is not None:
            years.add(ident.year)
    return years.pop() if len(years) == 1 else None


@main.command()
@click.option("--history", type=click.Path(dir_okay=False), help=HISTORY_HELP)
@click.option("--city", help="只列出该城市（区县）的记录")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="输出 JSON 文件")
@click.option("--export", "export_file", type=click.Path(dir_okay=False),
              help="导出为表格（.csv 或 .xlsx）：城市 × 年度 × 指标的数值和达标情况")
def history(history, city, json_file, export_file):
    """列出历史数据库中记录的各年度汇总结果（城市、年度、时间、当前/已被替代、达标项数）。"""
    from . import HistoryError, export_history, history_json, history_lines

    _refuse({"--json": json_file, "--export": export_file}, [history])

    store = _store(history)
    try:
        data = history_json(store, city)
    except HistoryError as exc:
        raise JieshuiError(str(exc).replace("本次未使用历史数据库，评分表照常生成；", "")) from None
    for line in history_lines(store, data):
        click.echo(line)
    if json_file:
        from . import write_json

        write_json(json_file, data)
        click.echo(f"JSON：{Path(json_file).resolve()}")
    if export_file:
        click.echo(f"已导出：{export_history(data, Path(export_file)).resolve()}")


@main.command(name="print")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="PDF 输出路径（默认与工作簿同名）")
def print_(workbook, out_file):
    """用 LibreOffice 把工作簿（如评分表）转换为 PDF，便于打印。"""
    from . import pdf_target, print_pdf

    _refuse({"--out": pdf_target(workbook, out_file)}, [workbook])
    pdf = print_pdf(Path(workbook), Path(out_file) if out_file else None)
    click.echo(f"PDF：{pdf.resolve()}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
