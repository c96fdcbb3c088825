"""The code's shape, as docs/DESIGN.md states it: pipeline layers, sizes, the public API.

The layers read top to bottom as the pipeline runs; a module may import from its own layer or an
earlier one, never from a later one (``template`` must not need ``compute``, ``collect`` must not
need ``template``).  A new module has to be placed in a layer here, which is the point: where it sits
in the pipeline is a design decision, not an accident of imports.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import jieshui_xl

PACKAGE = Path(jieshui_xl.__file__).parent
DESIGN = PACKAGE.parent / "docs" / "DESIGN.md"

LAYERS = [
    # base: no pipeline knowledge
    {"", "lazy", "findings", "labels", "display", "textwidth", "console", "paths", "outputs", "xlsx", "workbook_names",
     "identity", "libreoffice", "formula", "eml", "pdfpages"},
    {"spec"},                                   # the task table
    # what the table implies; the collected round; the store; whose each evidence file is
    {"logic", "data", "history", "progressstore", "prevyear", "evidence"},
    {"template", "fill", "specimen"},           # generate (fill, specimen: a department's typing and files)
    {"returns"},                                # consolidate
    {"score", "scored"},                      # score
    {"scorecard", "report", "status", "overview", "historyview"},
    {"round", "printing", "mail", "progress"},  # progress: the in-year progress rounds (工作调度)
    {"bycity", "demo", "progressdemo", "dossier"},   # dossier: the application (申报材料)
    {"cli", "clitext", "__main__"},
]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        package = parts[:-1]                        # the package a relative import starts from
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield path, parts, package


def _imports(path: Path, package: list[str]):
    """The jieshui_xl modules ``path`` imports, as part lists relative to the package."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
            elif (node.module or "").startswith("jieshui_xl"):
                target = node.module.split(".")[1:]
            else:
                continue
            yield target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("jieshui_xl"):
                    yield alias.name.split(".")[1:]


def _layer(top: str) -> int:
    for n, layer in enumerate(LAYERS):
        if top in layer:
            return n
    raise AssertionError(f"module {top!r} is in no layer of tests/test_structure.py: place it in the pipeline")


def _edges():
    for path, parts, package in _modules():
        for target in _imports(path, package):
            source, dest = (parts[0] if parts else ""), (target[0] if target else "")
            if source != dest:
                yield path, source, dest


def test_every_module_has_a_layer():
    for _, parts, _ in _modules():
        _layer(parts[0] if parts else "")


def test_no_earlier_stage_imports_a_later_one():
    wrong = sorted({f"{s} → {d} ({p.relative_to(PACKAGE)})" for p, s, d in _edges() if _layer(d) > _layer(s)})
    assert not wrong, "imports against the pipeline:\n" + "\n".join(wrong)


def test_no_import_cycle_between_modules():
    graph: dict[str, set[str]] = {}
    for _, s, d in _edges():
        graph.setdefault(s, set()).add(d)

    def reaches(start, goal, seen):
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and (seen.add(nxt) or reaches(nxt, goal, seen))):
                return True
        return False

    cycles = sorted(m for m in graph if reaches(m, m, set()))
    assert not cycles, f"import cycles through {cycles}"


def test_modules_and_functions_stay_short():
    long_modules, long_functions = [], []
    for path, _, _ in _modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            long_modules.append(f"{path.relative_to(PACKAGE)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}: {length} lines")
    assert not long_modules and not long_functions, "\n".join(long_modules + long_functions)


def _design_api() -> set[str]:
    """The names in DESIGN.md's “Public API” table (first column, each in backticks)."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("## Public API", 1)[1].split("\n## ", 1)[0]
    firsts = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for cell in firsts for name in re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", cell)}


def test_design_md_lists_exactly_the_public_api():
    assert _design_api() == set(jieshui_xl.__all__) - {"__version__"}


@pytest.mark.parametrize("name", sorted(set(jieshui_xl.__all__) - {"__version__"}))
def test_every_public_name_resolves(name):
    value = getattr(jieshui_xl, name)
    assert getattr(value, "__name__", name) == name


def test_no_public_name_is_shadowed_by_a_submodule():
    """``import jieshui_xl.x`` rebinds ``jieshui_xl.x`` to the module: a public ``x`` would vanish."""
    clashes = [n for n in jieshui_xl.__all__ if (PACKAGE / f"{n}.py").exists() or (PACKAGE / n).is_dir()]
    assert not clashes
