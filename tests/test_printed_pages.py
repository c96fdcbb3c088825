"""Issue 17: the printed scorecard, as a reviewer reads it page by page (LibreOffice → PDF → text).

Page 1 holds the headline and all 20 indicators with their status (and the signatures); no printed
page shows an item code, a calc or check code, a raw formula's names or TRUE; every page of a table
carries its header.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from click.testing import CliRunner

from jieshui_xl.cli import main

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def pages(tmp_path_factory, table):
    out = tmp_path_factory.mktemp("print")
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pdf = next((out / "3_评分表").glob("*.pdf"))
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                               text=True, check=True).stdout)[1])
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, count + 1)]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_page_one_holds_the_headline_and_every_indicator_with_its_status(pages, table):
    first = _flat(pages[0])
    assert "达标指标：" in first and "/20项" in first and "底线指标" in first and "报送：" in first
    for ind in table.indicators:
        assert _flat(ind.name)[:8] in first, ind.name
    assert first.count("达标") >= 20
    assert "填表人" in first and "审核人" in first


def test_no_printed_page_shows_a_code_or_true(pages, table):
    codes = set(table.items) | set(table.calcs) | {c.code for c in table.checks} | \
        {n for n in table.params if "_" in n} | {f"value_{i.code}" for i in table.indicators} | \
        {c.code for t in table.tables.values() for c in t.columns} | {"row_value"}
    for n, text in enumerate(pages, start=1):
        found = [c for c in codes if re.search(rf"(?<![A-Za-z0-9_]){re.escape(c)}(?![A-Za-z0-9_])", text)]
        assert not found, (n, found[:5])
        assert not re.search(r"\bTRUE\b|\bFALSE\b", text), n


def test_every_page_of_a_table_has_its_header(pages):
    """Every page but the notes and the charts opens with its table's column header (repeated on each
    page a table continues on)."""
    for n, text in enumerate(pages, start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines or any(word in lines[0] for word in ("评分说明", "对比", "历年变化")):
            continue
        assert any(head in line for line in lines[:6] for head in ("序号", "代入数值", "参数")), (n, lines[:6])


def test_no_chart_straddles_a_page(pages):
    """The trend chart starts a page of its own: its axis numbers never open a page without its title."""
    for n, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert not (lines and re.fullmatch(r"\d+(\.\d+)?", lines[0])), (n, lines[:3])


@pytest.fixture(scope="module")
def form_pages(tmp_path_factory):
    """The printed collection form of the unit with the most indicator blocks (区城市管理局)."""
    from jieshui_xl import print_pdf

    out = tmp_path_factory.mktemp("form")
    result = CliRunner().invoke(main, ["templates", "--out", str(out), "--history", str(out / "h.sqlite")])
    assert result.exit_code == 0, result.output
    pdf = print_pdf(next(out.glob("*区城市管理局*.xlsx")), out / "form.pdf")
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                               text=True, check=True).stdout)[1])
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, count + 1)]


def test_every_form_page_carries_the_form_title_and_no_code_or_true(form_pages, table):
    assert len(form_pages) > 1
    for n, text in enumerate(form_pages, start=1):
        assert "数据填报表" in _flat(text) and "填报单位" in _flat(text), n
        assert not re.search(r"\bTRUE\b|\bFALSE\b", text), n
        found = [c for c in table.items if re.search(rf"(?<![A-Za-z0-9_]){re.escape(c)}(?![A-Za-z0-9_])", text)]
        assert not found, (n, found[:5])
        assert not re.search(r"\d+\.\d{5,}", text), n          # figures print to the item's decimals


def test_every_form_page_opens_with_a_title_or_the_header_it_continues(form_pages):
    """Each page of the data sheet starts (under the form title) with a section, an indicator block's
    title, or — where a block or the task list runs over a page — that block's title marked （续） or
    the list's column header: no page starts with rows nobody can place."""
    data_pages = [t for t in form_pages if "考核年度" in t and "填 报 说 明" not in t and "佐证材料清单" not in _flat(t)]
    assert len(data_pages) > 3
    for n, text in enumerate(data_pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        body = next(i for i, line in enumerate(lines) if "考核年度" in line) + 1
        top = "".join(_flat(line) for line in lines[body:body + 3])    # a block title's right cell prints above it
        assert re.match(r"^([一二三四]、|(自检|汇总后由[^指]*|由[^指]*)?(\d+|附)(指标\d+|其他数据项)|序号任务名称)", top), \
            (n, lines[body:body + 3])
    assert any("（续）" in _flat(t) for t in data_pages)
