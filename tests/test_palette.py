"""One palette, one set of labels: a status looks and reads the same in the collection workbook, the
scorecard, the overview and the console
(the console: tests/test_status.py)."""

from __future__ import annotations

import openpyxl
from conftest import SAMPLE_I15_ROWS, make_collection

from jieshui_xl import labels
from jieshui_xl.overview import write_overview
from jieshui_xl.scorecard import write_scorecard
from jieshui_xl.scored import compute_round
from jieshui_xl.template import write_templates


def status_colours(ws) -> dict[str, tuple[str, str]]:
    """Label -> (fill, font) of every "cell == label" conditional format of a sheet."""
    out: dict[str, tuple[str, str]] = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if rule.type == "cellIs" and rule.operator == "equal" and rule.dxf and rule.dxf.fill:
                label = rule.formula[0].strip('"')
                colours = (rule.dxf.fill.bgColor.rgb[-6:], rule.dxf.font.color.rgb[-6:])
                assert out.setdefault(label, colours) == colours, label
    return out


def expected(labels_by_code: dict, colours_by_code: dict) -> dict[str, tuple[str, str]]:
    return {labels_by_code[code]: (fill.lstrip("#").upper(), font.lstrip("#").upper())
            for code, (fill, font) in colours_by_code.items()}


def test_template_and_scorecard_colour_each_status_alike(table, tmp_path):
    template = openpyxl.load_workbook(write_templates(table, tmp_path / "t")[0])
    collection = make_collection(table, rows=SAMPLE_I15_ROWS)
    scorecard = openpyxl.load_workbook(write_scorecard(compute_round(table, collection),
                                                       tmp_path / "s.xlsx"))
    want = expected(labels.STATUS_LABELS, labels.STATUS_COLOURS)
    in_template = status_colours(template["数据填报"])
    in_scorecard = status_colours(scorecard["评分表"])
    for label in want:
        assert in_template[label] == in_scorecard[label] == want[label], label
    assert want["数据缺失"] == ("FFEB9C", "7F5F00")   # yellow in both (it was grey in the template)
    units = status_colours(scorecard["报送情况"])
    assert {k: units[k] for k in labels.UNIT_STATUS_LABELS.values()} == expected(labels.UNIT_STATUS_LABELS,
                                                                               labels.UNIT_STATUS_COLOURS)


def test_overview_colours_statuses_with_the_same_palette(tmp_path):
    data = {"year": 2023, "indicators": [{"code": "I01", "name": "甲", "veto": False}],
            "cities": [{"city": "甲县", "indicators": [{"code": "I01", "status": "missing"}], "passed": 0,
                        "total": 1, "verdict": labels.VERDICTS[True], "returned": 1, "units_total": 1,
                        "scorecard": "a.xlsx", "json": "a.json"}]}
    ws = openpyxl.load_workbook(write_overview(data, tmp_path / "o.xlsx"))["汇总"]
    colours = status_colours(ws)
    for label, pair in expected(labels.STATUS_LABELS, labels.STATUS_COLOURS).items():
        assert colours[label] == pair

