"""jieshui_xl — 节水型城市创建数据轮次：生成填报表、汇总回收表、计算指标、输出评分表。

Public API (everything else is private and may change); every CLI command is one of these calls:

- :func:`load_task_table` — read and validate ``templates/task_division.xlsx``.
- :func:`write_templates` — one collection workbook per reporting unit (``templates``).
- :func:`collect` / :func:`collect_by_city` — read a folder of returned workbooks.
- :func:`compute_round` — the :class:`Round` value (pure); :func:`write_round`, :func:`record_round`;
  :func:`run_round` does read-last-year → compute → write → record for one city (``consolidate``).
- :func:`consolidate_by_city` (``consolidate --by-city``), :func:`status_json` (``status``),
  :func:`run_mail` (``mail``), :func:`print_pdf` (``print``), :func:`history_json` /
  :func:`export_history` (``history``), :func:`run_demo` (``demo``), :func:`build_package` (``package``).
- Progress rounds (``--progress YYYY-MM``): :func:`load_progress_table`, :func:`write_progress_forms`,
  :func:`collect_progress`, :func:`run_progress` (:class:`ProgressOutput`, :class:`ProgressRound`),
  :func:`progress_summary_lines`, :func:`progress_mail` (a ``run_mail`` kind), :func:`run_progress_demo`.
- Enums: :class:`IndicatorStatus`, :class:`UnitStatus`, :class:`SubmissionStatus`, :class:`Severity`,
  :class:`FindingCode`.  One exception root: :class:`JieshuiError`.
"""

__version__ = "0.1.0"

# The public names, imported on first use (PEP 562): ``jieshui-xl --help`` and argument errors load
# nothing heavy (openpyxl, lxml, xlsxwriter are imported only by the commands that need them).
_PUBLIC = {
    # findings and statuses
    "Finding": "findings", "FindingCode": "findings", "Report": "findings", "JieshuiError": "findings",
    "TaskTableError": "findings",
    "IndicatorStatus": "labels", "UnitStatus": "labels", "SubmissionStatus": "labels", "Severity": "labels",
    # the pipeline
    "TaskTable": "spec", "load_task_table": "spec",
    "write_templates": "template",
    "Collection": "data", "UnitState": "data",
    "collect": "returns", "collect_by_city": "returns", "identify_file": "returns",
    "prepare_readers": "returns.isolate",
    "Result": "score", "compute": "score",
    "Round": "scored", "compute_round": "scored",
    "write_scorecard": "scorecard",
    "scorecard_json": "report",
    "status_json": "status", "status_lines": "status",
    "run_round": "round", "write_round": "round", "record_round": "round", "RoundOutput": "round",
    "summary_lines": "round", "output_lines": "round", "owes_something": "round",
    "consolidate_by_city": "bycity", "ByCity": "bycity",
    # around the round
    "PrevYear": "prevyear", "load_prev": "prevyear", "prefill_line": "prevyear",
    "HistoryError": "history", "history_json": "history", "default_history_path": "history",
    "history_lines": "historyview", "export_history": "historyview",
    "run_mail": "mail",
    "print_pdf": "printing", "pdf_target": "printing", "pdf_available": "printing",
    "NO_PDF_WITHOUT_LIBREOFFICE": "printing",
    "run_demo": "demo",
    "build_package": "dossier", "PackageOutput": "dossier", "package_lines": "dossier",
    # progress rounds (工作调度)
    "Period": "spec.progress", "load_progress_table": "progress", "write_progress_forms": "progress",
    "collect_progress": "progress", "run_progress": "progress", "ProgressOutput": "progress",
    "ProgressRound": "progress", "progress_summary_lines": "progress", "progress_mail": "mail.progress",
    "run_progress_demo": "progressdemo",
    "refuse_outputs_over_inputs": "paths", "write_json": "outputs", "write_bytes": "outputs",
    "output_error": "outputs", "name_outputs": "outputs",
    "is_skipped_name": "returns.discover",
    "console_progress": "console",
}

__all__ = sorted(_PUBLIC) + ["__version__"]


from .lazy import lazy_names  # noqa: E402 - after __version__, which the submodules import

_lazy = lazy_names(__name__, _PUBLIC)


def __getattr__(name: str):
    return _lazy(name)


def __dir__():
    return __all__
