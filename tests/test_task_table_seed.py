"""The bundled task table against its sources, verbatim.

The seed (docs/work_plan_2023_13.txt) and the specification (docs/spec_indicators.md) are parsed
here, independently of the table itself, and every indicator, task, unit, data item and
parameter of templates/task_division.xlsx is compared with them.

Normalisation for the attachment table (which the seed holds as a broken-up layout): all whitespace
is removed and the image placeholders “[image: imageN.png]v” (a “%” sign in the original) become “%”.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from jieshui_xl.spec import default_task_table_path, load_task_table

DOCS = Path(__file__).resolve().parent.parent / "docs"
SEED = (DOCS / "work_plan_2023_13.txt").read_text(encoding="utf-8")
SPEC = (DOCS / "spec_indicators.md").read_text(encoding="utf-8")


def norm(text: str) -> str:
    text = re.sub(r"\[image: image\d+\.png\]v", "%", text or "")
    return re.sub(r"\s+", "", text)


def split_units(text: str) -> list[str]:
    return [u.strip() for u in re.split(r"[、，\n]", text or "") if u.strip()]


# ---------------------------------------------------------------------------------------------
# The seed, parsed here
# ---------------------------------------------------------------------------------------------

def seed_attachment_rows() -> list[dict]:
    """The attachment table: every cell starts with a tab; lines without a tab continue the cell."""
    section = SEED[SEED.index("附  件"):]
    cells: list[str] = []
    for line in section.splitlines():
        if line.startswith("\t"):
            cells.append(line[1:])
        elif cells:
            cells[-1] += "\n" + line
    header, body = cells[:8], cells[8:]
    assert [norm(c) for c in header] == ["序号", "目标", "指标", "指标释义", "指标类型", "具体要求", "牵头单位", "责任单位"]
    assert len(body) == 20 * 8, "the attachment should hold 20 rows of 8 cells"
    keys = ["seq", "goal", "name", "definition", "kind", "requirement", "leads", "responsible"]
    rows = [dict(zip(keys, body[i:i + 8])) for i in range(0, len(body), 8)]
    assert [norm(r["seq"]) for r in rows] == [str(n) for n in range(1, 21)]
    return rows


SEED_ROWS = seed_attachment_rows()


def seed_tasks() -> list[dict]:
    """Tasks 1–28 of section 三、工作任务: “N.标题。内容（牵头单位：…；责任单位：…）”."""
    section = SEED[SEED.index("工作任务"):SEED.index("四、工作步骤")]
    tasks, category = [], ""
    for line in section.splitlines():
        line = line.strip()
        if re.fullmatch(r"（[一二三四]）.+。", line):
            category = line[:-1]
        m = re.match(r"(\d+)\.", line)
        if not m:
            continue
        body = line[m.end():]
        units_at = body.rindex("（")
        units = body[units_at + 1:-1]
        title, _, text = body[:units_at].partition("。")
        parts = dict(p.split("：", 1) for p in units.split("；"))
        tasks.append(dict(seq=int(m.group(1)), category=category, title=title, text=text,
                          leads=split_units(parts.get("牵头单位", "")),
                          responsible=split_units(parts.get("责任单位", ""))))
    assert [t["seq"] for t in tasks] == list(range(1, 29))
    return tasks


SEED_TASKS = seed_tasks()


# ---------------------------------------------------------------------------------------------
# The specification, parsed here
# ---------------------------------------------------------------------------------------------

def spec_section(number: int) -> str:
    start = SPEC.index(f"\n## {number}.")
    end = SPEC.find("\n## ", start + 1)
    return SPEC[start:end if end > 0 else None]


def spec_items() -> list[dict]:
    rows = []
    for line in spec_section(2).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or cells[0] in ("code", "") or set(cells[0]) <= set("-"):
            continue
        code, label, unit, kind, reporter, used_by = cells
        rows.append(dict(code=code, label=label, unit=unit, kind=kind, reporter=reporter,
                         used_by={u.strip() for u in used_by.split(",")}))
    return rows


SPEC_ITEMS = spec_items()
TYPES = {"decimal": "decimal", "integer": "integer", "yes/no": "yesno", "text": "text"}


def expected_type(kind: str) -> dict:
    """“decimal >0, optional” -> type decimal, lower 0 exclusive, not required."""
    words = kind.replace(",", " ").split()
    out = dict(type=TYPES[words[0]], lower=None, lower_inclusive=True, required="optional" not in words)
    if "≥0" in words:
        out.update(lower=0, lower_inclusive=True)
    if ">0" in words:
        out.update(lower=0, lower_inclusive=False)
    return out


@pytest.fixture(scope="module")
def raw():
    wb = openpyxl.load_workbook(default_task_table_path(), read_only=True)
    yield {name: [list(r) for r in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames}
    wb.close()


# ---------------------------------------------------------------------------------------------
# 指标
# ---------------------------------------------------------------------------------------------

def test_seed_attachment_parses_into_20_indicators():
    assert len(SEED_ROWS) == 20
    assert norm(SEED_ROWS[0]["name"]) == "城市可渗透地面面积比例"
    assert norm(SEED_ROWS[0]["requirement"]) == "不低于45%"          # the image placeholder is “%”
    assert norm(SEED_ROWS[19]["responsible"]) == "区财政局各供水企业"


def test_twenty_indicators_in_order(table):
    assert [i.seq for i in table.indicators] == list(range(1, 21))
    assert [i.code for i in table.indicators] == [f"I{n:02d}" for n in range(1, 21)]


@pytest.mark.parametrize("n", range(1, 21))
def test_indicator_text_columns_are_the_seed_verbatim(table, n):
    ind, seed = table.indicators[n - 1], SEED_ROWS[n - 1]
    assert ind.seq == n
    assert ind.name == norm(seed["name"])
    assert ind.kind == norm(seed["kind"])
    assert ind.kind in ("导向指标", "底线指标")
    assert norm(ind.requirement) == norm(seed["requirement"])
    # 指标释义: the paragraphs, in order, are the seed cell of this indicator (and no other).
    paragraphs = [p for p in ind.definition.split("\n") if p.strip()]
    assert paragraphs
    for p in paragraphs:
        assert norm(p) in norm(seed["definition"])
        others = [r for r in SEED_ROWS if r is not seed and norm(p) in norm(r["definition"])]
        assert not others, f"paragraph of indicator {n} also matches another indicator"
    assert "".join(norm(p) for p in paragraphs) == norm(seed["definition"])


def test_indicator_kinds():
    veto = [n for n, r in enumerate(SEED_ROWS, 1) if norm(r["kind"]) == "底线指标"]
    assert veto == [2, 3, 7, 11]


def test_veto_indicators_in_table(table):
    assert [i.code for i in table.indicators if i.is_veto] == ["I02", "I03", "I07", "I11"]


@pytest.mark.parametrize("n", range(1, 21))
def test_indicator_goal(table, n):
    expected = "一、生态宜居" if n <= 6 else "二、安全韧性" if n <= 16 else "三、综合类"
    assert table.indicators[n - 1].goal == expected
    # The seed names the goal in the first row of each group (and repeats it in some rows).
    seed_goal = norm(SEED_ROWS[n - 1]["goal"])
    assert seed_goal in ("", expected)


def test_seed_goals_start_each_group():
    assert norm(SEED_ROWS[0]["goal"]) == "一、生态宜居"
    assert norm(SEED_ROWS[6]["goal"]) == "二、安全韧性"
    assert norm(SEED_ROWS[16]["goal"]) == "三、综合类"


@pytest.mark.parametrize("n", [n for n in range(1, 21) if n != 11])
def test_indicator_units_are_the_seed(table, n):
    ind, seed = table.indicators[n - 1], SEED_ROWS[n - 1]
    assert set(ind.leads) == set(split_units(seed["leads"]))
    assert set(ind.responsible) == set(split_units(seed["responsible"]))
    assert ind.leads, f"indicator {n} has a lead unit in the seed"


def test_indicator_11_unit_is_responsible_without_lead(table):
    """The one documented exception (spec §1, work plan task 19): the attachment puts 区市场监管局
    in the lead column with an empty 责任单位; task 19 lists it as 责任单位 with no lead."""
    seed = SEED_ROWS[10]
    assert split_units(seed["leads"]) == ["区市场监管局"] and split_units(seed["responsible"]) == []
    task19 = SEED_TASKS[18]
    assert task19["leads"] == [] and task19["responsible"] == ["区市场监管局"]
    ind = table.indicator("I11")
    assert ind.leads == ()
    assert ind.responsible == ("区市场监管局",)


def test_indicator_12_has_two_lead_units(table):
    assert table.indicator("I12").leads == ("区城市管理局", "区水利局")


# ---------------------------------------------------------------------------------------------
# 任务
# ---------------------------------------------------------------------------------------------

def test_twenty_eight_tasks(table):
    assert [t.seq for t in table.tasks] == list(range(1, 29))


@pytest.mark.parametrize("n", range(1, 29))
def test_task_is_the_seed_verbatim(table, n):
    task, seed = table.tasks[n - 1], SEED_TASKS[n - 1]
    assert task.title == seed["title"]
    assert task.text == seed["text"]
    assert list(task.leads) == seed["leads"]
    assert list(task.responsible) == seed["responsible"]
    assert task.category == seed["category"]


@pytest.mark.parametrize("n", range(1, 29))
def test_task_indicator_link(table, n):
    task = table.tasks[n - 1]
    assert task.indicator == ("" if n <= 8 else f"I{n - 8:02d}")
    assert task.is_checklist == (n <= 8)


def test_seed_task_examples():
    """Spot checks of the seed parser itself."""
    assert SEED_TASKS[0]["title"] == "编制城市节水相关规划"
    assert SEED_TASKS[0]["leads"] == ["区住房城乡建委", "区城市管理局"]
    assert SEED_TASKS[3]["leads"] == ["区发展改革委", "区住房城乡建委", "区城市管理局", "区水利局"]
    assert SEED_TASKS[7]["leads"] == [] and len(SEED_TASKS[7]["responsible"]) == 9
    assert SEED_TASKS[8]["responsible"] == ["区规划自然资源局", "区城市管理局", "各街道办事处"]   # split on 、 and ，
    assert SEED_TASKS[8]["text"].endswith("面积占比不低于45%。")


def test_task_8_is_asked_of_its_responsible_units(table):
    task = table.tasks[7]
    assert task.leads == ()
    assert task.reporters == task.responsible
    assert "区应急局" in table.reporting_units()


# ---------------------------------------------------------------------------------------------
# 单位
# ---------------------------------------------------------------------------------------------

def test_unit_sheet_header(raw):
    header = [str(h).strip() if h is not None else "" for h in raw["单位"][0]]
    assert "单位名称" in header and "电子邮箱" in header
    assert header.index("单位名称") < header.index("电子邮箱")


def test_every_unit_named_anywhere_is_registered(table, raw):
    header = [str(h).strip() if h is not None else "" for h in raw["单位"][0]]
    registered = {r[header.index("单位名称")] for r in raw["单位"][1:] if r[header.index("单位名称")]}
    named = set()
    for r in SEED_ROWS:
        named |= set(split_units(r["leads"])) | set(split_units(r["responsible"]))
    for t in SEED_TASKS:
        named |= set(t["leads"]) | set(t["responsible"])
    for ind in table.indicators:
        named |= set(ind.leads) | set(ind.responsible)
    for t in table.tasks:
        named |= set(t.leads) | set(t.responsible)
    named |= {i.reporter for i in table.items.values()} | {c.reporter for c in table.columns.values()}
    assert named - registered == set()
    assert "区发展改革委" in registered and "正阳工业园区管委会" in registered
    assert set(table.units) == registered


# ---------------------------------------------------------------------------------------------
# 数据项 and 表格列 (spec §2)
# ---------------------------------------------------------------------------------------------

def test_spec_lists_47_items():
    assert len(SPEC_ITEMS) == 47
    assert len({i["code"] for i in SPEC_ITEMS}) == 47


def test_items_are_exactly_the_spec(table):
    assert list(table.items) == [i["code"] for i in SPEC_ITEMS]


@pytest.mark.parametrize("spec", SPEC_ITEMS, ids=[i["code"] for i in SPEC_ITEMS])
def test_item_matches_spec(table, spec):
    item = table.items[spec["code"]]
    want = expected_type(spec["kind"])
    assert item.label == spec["label"]
    assert item.unit == spec["unit"]
    assert item.reporter == spec["reporter"]
    assert item.type == want["type"]
    assert item.required == want["required"]
    assert item.lower == want["lower"]
    if want["lower"] is not None:
        assert item.lower_inclusive == want["lower_inclusive"]
    assert item.upper is None
    assert "_" in item.code


@pytest.mark.parametrize("spec", SPEC_ITEMS, ids=[i["code"] for i in SPEC_ITEMS])
def test_item_is_used_by_the_indicators_the_spec_lists(table, spec):
    using = {ind.code for ind in table.indicators if spec["code"] in table.indicator_items(ind)}
    assert using == spec["used_by"]


def test_item_type_examples(table):
    """The parser of the spec's type column, on a few rows worked out by hand."""
    assert (table.items["builtup_area_km2"].lower, table.items["builtup_area_km2"].lower_inclusive) == (0, False)
    assert (table.items["permeable_area_km2"].lower, table.items["permeable_area_km2"].lower_inclusive) == (0, True)
    assert table.items["wells_total_count"].type == "integer"
    assert table.items["water_quality_improving"].type == "yesno"
    assert table.items["industrial_intensity_decline_pct"].lower is None       # a decline may be negative
    assert not table.items["industrial_intensity_decline_pct"].required
    assert sum(not i.required for i in table.items.values()) == 5


def spec_i15_columns() -> list[tuple[str, str, list[str]]]:
    text = spec_section(2)
    text = text[text.index("Indicator I15 is a table"):text.index("Parameters")]
    out = []
    for code, inner in re.findall(r"`(product_\w+)` \(([^)]*)\)", text, flags=re.S):
        parts = [p.strip() for p in re.sub(r"\s+", " ", inner).split(",")]
        out.append((code, parts[0], parts[1:]))
    return out


def test_i15_columns_are_the_spec(table):
    spec = spec_i15_columns()
    assert [c for c, _, _ in spec] == ["product_industry", "product_name", "product_unit", "product_output",
                                       "product_water_m3", "product_quota", "product_quota_source"]
    tbl = table.tables["I15"]
    assert tbl.rows == 10
    assert [c.code for c in tbl.columns] == [c for c, _, _ in spec]
    for col, (code, label, rest) in zip(tbl.columns, spec):
        assert col.label == label
        assert col.reporter == "区经济信息委"
        kind = next(p for p in rest if p.split()[0] in TYPES)
        want = expected_type(kind)
        assert col.type == want["type"], code
        assert col.lower == want["lower"], code
        if want["lower"] is not None:
            assert col.lower_inclusive == want["lower_inclusive"], code
        units = [p for p in rest if "m³" in p]
        if units:
            assert col.unit == units[0], code
    assert table.indicator("I15").table == "I15"


# ---------------------------------------------------------------------------------------------
# 参数
# ---------------------------------------------------------------------------------------------

def spec_national_averages() -> dict[int, tuple[float, float]]:
    m = re.search(r"2021: ([\d.]+) \(GDP\) / ([\d.]+) \(industry\); 2022: ([\d.]+) / ([\d.]+); "
                  r"2023: ([\d.]+) / ([\d.]+)\.", re.sub(r"\s+", " ", spec_section(2)))
    v = [float(x) for x in m.groups()]
    return {2021: (v[0], v[1]), 2022: (v[2], v[3]), 2023: (v[4], v[5])}


def test_default_parameters(table):
    assert table.year == 2023 and table.params["period_year"] == 2023
    assert table.city == "黔江区" and table.params["city"] == "黔江区"


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_national_averages_by_year(year):
    gdp, industry = spec_national_averages()[year]
    t = load_task_table(year=year)
    assert t.year == year
    assert t.params["national_gdp_intensity"] == gdp
    assert t.params["national_industrial_intensity"] == industry


def test_spec_national_averages_parse():
    assert spec_national_averages()[2022] == (49.6, 24.1)
