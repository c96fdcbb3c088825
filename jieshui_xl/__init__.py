"""jieshui_xl — 节水型城市创建数据轮次：生成填报表、汇总回收表、计算指标、输出评分表。

Public API (everything else is private and may change):

- :func:`load_task_table` — read and validate ``templates/task_division.xlsx``.
- :func:`write_templates` — one collection workbook per reporting unit.
- :func:`collect` — read a folder of returned workbooks into a :class:`Collection`.
- :func:`compute` — every indicator, check and checklist task.
- :func:`write_scorecard` / :func:`scorecard_json` — the scorecard workbook and its JSON twin.
- :func:`run_round` — a collected round's compute, history record, scorecard and JSON in one call.
"""

__version__ = "0.1.0"

# The public names, imported on first use (PEP 562): ``jieshui-xl --help`` and argument errors load
# nothing heavy (openpyxl, lxml, xlsxwriter are imported only by the commands that need them).
_PUBLIC = {
    "Finding": "findings", "Report": "findings", "TaskTableError": "findings", "JieshuiError": "findings",
    "TaskTable": "spec", "load_task_table": "spec",
    "Collection": "data",
    "Result": "score", "compute": "score",
    "collect": "returns", "collect_by_city": "returns",
    "write_templates": "template",
    "write_scorecard": "scorecard",
    "scorecard_json": "report",
    "run_round": "round", "RoundOutput": "round",
}

__all__ = sorted(_PUBLIC) + ["__version__"]


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'jieshui_xl' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
