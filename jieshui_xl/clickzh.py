"""Chinese for click's usage errors and help chrome.

click looks its user-facing strings up through ``gettext`` (bound as ``_`` / ``ngettext`` in its
modules); :func:`install` points those lookups at the table below, so ``Usage:``, ``Error: Missing
option '--out'.`` and ``'abc' is not a valid integer.`` print in Chinese. A string not in the table
prints as click wrote it.
"""

from __future__ import annotations

import importlib

ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看帮助。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "Did you mean {possibility}?": "您是否想用 {possibility}？",
    "(Possible options: {possibilities})": "（可能的选项：{possibilities}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value!r} is not a valid boolean.": "{value!r} 不是有效的是/否值。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是一个文件，应为文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是一个文件夹，应为文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "Aborted!": "已取消。",
    "unknown error": "未知错误",
    "Value must be an iterable.": "值必须是一个序列。",
}

_MODULES = ("core", "exceptions", "types", "formatting", "decorators", "parser", "termui", "utils")


def gettext(message: str) -> str:
    """click's ``_``: the Chinese of ``message``, else ``message``."""
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """click's ``ngettext``: Chinese has no plural, so both forms share one entry."""
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Point click's string lookups at :data:`ZH` (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    import click

    click.INT.name, click.FLOAT.name, click.STRING.name = "整数", "数字", "文本"
