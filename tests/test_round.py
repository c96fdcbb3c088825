"""One library call for a round (``jieshui_xl.round.run_round``): the CLI, ``--by-city``, the demo and
the one-click script give the same scorecard JSON (minus timestamps) for the same returns."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jieshui_xl import demo as demo_module
from jieshui_xl import libreoffice
from jieshui_xl.bycity import consolidate_by_city
from jieshui_xl.cli import main
from jieshui_xl.spec import load_task_table

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import consolidate_round  # noqa: E402 - from the scripts folder, added to the path above

VOLATILE = ("generated_at",)


def _plain(path: Path) -> dict:
    data = json.loads(Path(path).read_text("utf-8"))
    for key in VOLATILE:
        data.pop(key)
    return data


@pytest.fixture(scope="module")
def four_paths(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("paths")
    mp = pytest.MonkeyPatch()
    mp.setattr(libreoffice, "available", lambda: False)
    mp.setattr(demo_module, "libreoffice_available", lambda: False)
    try:
        done = demo_module.run_demo(tmp / "demo", echo=lambda _line: None)
        returns = done.returns_dir
        cli = CliRunner().invoke(main, ["consolidate", str(returns), "--out", str(tmp / "cli.xlsx"),
                                        "--json", str(tmp / "cli.json"), "--history", str(tmp / "h1.sqlite")])
        assert cli.exit_code == 0, cli.output
        by_city = consolidate_by_city(returns, tmp / "bycity", history=tmp / "h2.sqlite")
        settings = consolidate_round.Settings(path=None, returns_dir=returns, output_dir=tmp / "script",
                                              task_table=None, year=None, templates_dir=tmp / "t", outbox=tmp / "o",
                                              history=tmp / "h3.sqlite")
        assert consolidate_round.consolidate(settings, echo=lambda _line: None) == 0
    finally:
        mp.undo()
    return {"demo": _plain(done.json), "cli": _plain(tmp / "cli.json"), "bycity": _plain(by_city.cities[0].json),
            "script": _plain(next((tmp / "script").glob("评分表_*.json")))}


def test_the_four_paths_give_the_same_scorecard(four_paths):
    demo = four_paths["demo"]
    assert demo["indicators"] and demo["findings"]
    for name in ("cli", "script"):
        assert four_paths[name] == demo, name
    # --by-city: files of no city (here the Office lock file) are the overview's, not the city's
    assert four_paths["bycity"] == _without_skipped(demo)


def _without_skipped(data: dict) -> dict:
    """Without what belongs to no city: lock files, and evidence files no unit's list or folder claims."""
    of_no_city = [f for f in data["findings"] if f["code"] == "file-skipped"
                  or (f["code"] == "evidence-unlisted" and f["unit"] is None)]
    return {**data, "findings": [f for f in data["findings"] if f not in of_no_city],
            "submissions": [s for s in data["submissions"] if s["status"] != "skipped"]}


def test_the_round_is_what_compute_gives(four_paths):
    table = load_task_table()
    data = four_paths["cli"]
    assert data["year"] == table.year and len(data["indicators"]) == len(table.indicators)
    assert all(set(i) >= {"prev_year", "prev_value", "prev_status"} for i in data["indicators"])


def test_the_summary_names_who_owes_what_with_the_errors_status_reports(tmp_path):
    from conftest import make_collection

    from jieshui_xl.data import Submission
    from jieshui_xl.round import run_round, summary_lines

    table = load_task_table()
    units = table.reporting_units()
    collection = make_collection(table, units=units[2:])
    collection.submissions.append(Submission(file="改过的.xlsx", unit=units[1], status="rejected", errors=3))
    out = run_round(table, collection, tmp_path / "评分表.xlsx")
    lines = summary_lines(out)
    assert f"未报送（请催报）：{units[0]}" in lines
    assert out.round.unit(units[1]).errors == 3
    assert f"被退回（请通知修改后重报）：{units[1]}（错误 3 条）" in lines
    assert lines[0].startswith(f"{table.city}{table.year}年度：") and any(line.startswith("报送：共 ") for line in lines)
