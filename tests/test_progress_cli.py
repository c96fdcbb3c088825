"""Progress rounds from the command line on the bundled task table: templates / consolidate / mail
--progress, the three-period demo, the 推进会 page on one A4 landscape page, and the yearly
scorecard's task sheet showing the year's periods."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_printing import _is_a4_landscape, page_sizes

from jieshui_xl.cli import main
from jieshui_xl.fill import fill_workbook
from jieshui_xl.prevyear import PrevYear
from jieshui_xl.printing import print_pdf
from jieshui_xl.progress import collect_progress, evaluate
from jieshui_xl.progress.workbook import write_meeting_page
from jieshui_xl.progressstore import progress_trajectory
from jieshui_xl.returns import collect
from jieshui_xl.scorecard import write_scorecard
from jieshui_xl.scored import compute_round
from jieshui_xl.spec.progress import Period


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def _fill(forms: Path, returns: Path, unit: str, entries: list) -> None:
    form = next(p for p in forms.glob("*.xlsx") if unit in p.name)
    fill_workbook(form, returns / f"{unit}.xlsx", entries + [("contact_name", None, "张三"), ("contact_phone", None, "1")])


def test_templates_consolidate_and_mail_with_progress(run, tmp_path):
    store = tmp_path / "h.sqlite"
    forms, returns = tmp_path / "调度表", tmp_path / "回收"
    result = run("templates", "--progress", "2023-06", "--out", forms, "--history", store)
    assert result.exit_code == 0, result.output
    assert len(list(forms.glob("*_工作进展调度表_2023-06.xlsx"))) == 13 and "未预填" in result.output
    _fill(forms, returns, "区城市管理局", [("progress03_status", None, "已完成"), ("progress05_status", None, "推进中")])
    out = tmp_path / "汇总" / "调度表.xlsx"
    result = run("consolidate", returns, "--progress", "2023-06", "--out", out, "--json", out.with_suffix(".json"),
                 "--history", store)
    assert result.exit_code == 0, result.output
    assert "逾期 61 天" in result.output and "未报送（请催报）" in result.output
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["period"] == "2023-06" and len(data["tasks"]) == 28 and len(data["units"]) == 13
    assert next(t for t in data["tasks"] if t["seq"] == 5)["overdue_days"] == 61
    assert list(progress_trajectory(store, "黔江区", 2023)) == list(range(1, 29))
    result = run("mail", forms, "--outbox", tmp_path / "督办", "--progress", "2023-06", "--remind", returns)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "督办").glob("*.eml"))) == 13          # 12 silent units + one with task 5 overdue


def test_the_period_and_year_must_agree(run, tmp_path):
    result = run("templates", "--progress", "2023-06", "--year", "2024", "--out", tmp_path / "f")
    assert result.exit_code == 2 and "年份不一致" in result.output
    result = run("templates", "--progress", "六月", "--out", tmp_path / "f")
    assert result.exit_code == 2 and "2023-06" in result.output


def test_progress_forms_do_not_remove_data_forms_in_the_same_folder(run, tmp_path):
    assert run("templates", "--out", tmp_path / "f").exit_code == 0
    data_forms = sorted(p.name for p in (tmp_path / "f").glob("*.xlsx"))
    assert run("templates", "--progress", "2023-04", "--out", tmp_path / "f").exit_code == 0
    assert run("templates", "--out", tmp_path / "f").exit_code == 0
    names = {p.name for p in (tmp_path / "f").glob("*.xlsx")}
    assert set(data_forms) <= names and sum("调度表" in n for n in names) == 13


@pytest.mark.libreoffice
def test_the_meeting_page_prints_on_one_a4_landscape_page(table, tmp_path):
    """Late in the year with almost nothing returned: every task overdue, still one page."""
    forms = tmp_path / "forms"
    from jieshui_xl.progress import write_progress_forms

    write_progress_forms(table, forms, Period.parse("2023-12"), None, say=lambda _: None)
    _fill(forms, tmp_path / "returns", "区财政局", [("progress06_status", None, "推进中")])
    period = Period.parse("2023-12")
    rnd = evaluate(table, collect_progress(table, tmp_path / "returns", period), period)
    assert len(rnd.overdue) == 27
    pdf = print_pdf(write_meeting_page(rnd, tmp_path / "推进会.xlsx"))
    sizes = page_sizes(pdf)
    assert len(sizes) == 1 and _is_a4_landscape(sizes[0])


@pytest.mark.libreoffice
def test_the_progress_demo_runs_three_periods(run, tmp_path):
    result = run("demo", "--progress", "--out", tmp_path / "演示")
    assert result.exit_code == 0, result.output
    for n, period in enumerate(("2023-04", "2023-06", "2023-09"), start=1):
        folder = tmp_path / "演示" / f"{n}_{period}"
        assert (folder / "3_汇总" / f"推进会通报_{period}.pdf").is_file()
        assert len(page_sizes(folder / "3_汇总" / f"推进会通报_{period}.pdf")) == 1
    assert "已预填 2023-06 期内容" in result.output and "逾期 61 天" in result.output
    assert (tmp_path / "演示" / "2_2023-06" / "4_督办邮件" / "2023-06_工作调度_区城市管理局_督办.eml").is_file()
    data = json.loads((tmp_path / "演示" / "2_2023-06" / "3_汇总" / "黔江区工作进展调度表_2023-06.json")
                      .read_text(encoding="utf-8"))
    assert [f["unit"] for f in data["findings"] if f["code"] == "file-wrong-period"] == ["区水利局"]


def test_the_yearly_scorecard_shows_the_years_periods(table, tmp_path):
    store = tmp_path / "h.sqlite"
    forms = tmp_path / "forms"
    for period, status in (("2023-04", "推进中"), ("2023-06", "已完成")):
        from jieshui_xl.progress import run_progress, write_progress_forms

        write_progress_forms(table, forms / period, Period.parse(period), store, say=lambda _: None)
        _fill(forms / period, tmp_path / period, "区城市管理局", [("progress03_status", None, status)])
        p = Period.parse(period)
        run_progress(table, collect_progress(table, tmp_path / period, p), p, tmp_path / f"{period}.xlsx", None, store)
    data_forms = tmp_path / "data"
    from jieshui_xl.template import write_templates

    form = next(p for p in write_templates(table, data_forms) if "区城市管理局" in p.name)
    fill_workbook(form, tmp_path / "data_returns" / "a.xlsx", [("task03_status", None, "已完成")])
    collection = collect(table, tmp_path / "data_returns")
    prev = PrevYear(table.year - 1, progress=progress_trajectory(store, table.city, table.year))
    path = write_scorecard(compute_round(table, collection, prev), tmp_path / "评分表.xlsx")
    ws = openpyxl.load_workbook(path)["基础管理"]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "2023-04 推进中\n2023-06 已完成" in texts
    assert "2023-04 推进中 → 2023-06 已完成" in texts
