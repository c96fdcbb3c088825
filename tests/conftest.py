"""Shared fixtures: the bundled task table, a complete set of sample values, LibreOffice marker."""

from __future__ import annotations

import pytest

from jieshui_xl.data import CellValue, Collection, Submission
from jieshui_xl.history import default_history_path
from jieshui_xl.libreoffice import soffice_path
from jieshui_xl.spec import load_task_table

# A complete, plausible round (all 47 items).  Hand-computed results are in test_compute.py.
SAMPLE_VALUES = dict(
    permeable_area_km2=10.5, builtup_area_km2=22.3, wells_closed_count=12, wells_total_count=12,
    public_supply_wm3=2000, billed_use_wm3=1700, free_use_wm3=20, resident_metered_use_wm3=900,
    pipe_length_km=150, outlet_pressure_mpa=0.4, frost_depth_m=0,
    dry_outfall_count=0, sewer_gap_count=0, black_odorous_count=0, water_quality_improving="是",
    household_domestic_use_wm3=950, household_count=100000, persons_per_household=2.5,
    saving_community_households=12000, total_water_use_wm3=5000, total_water_quota_wm3=6000,
    industrial_new_water_wm3=300, industrial_value_added_yi=50, industrial_intensity_prev=7,
    industrial_intensity_decline_pct=None, reclaimed_use_wm3=500, sewage_treated_wm3=1800,
    reclaimed_rate_prev_pct=None, fixture_samples_passed=20, fixture_samples_total=20,
    planned_nonres_use_wm3=400, nonres_public_use_wm3=420, saving_unit_use_wm3=60,
    city_water_use_wm3=1800, industrial_reused_wm3=2000, industrial_process_new_wm3=300,
    saving_enterprise_use_wm3=80, nonprimary_water_use_wm3=4000, gdp_nonprimary_yi=200,
    gdp_intensity_prev=None, gdp_intensity_decline_pct=None, saving_fund_wyuan=500,
    fiscal_expenditure_wyuan=600000, resource_fee_collected_wyuan=300, resource_fee_receivable_wyuan=310,
    sewage_fee_collected_wyuan=1100, sewage_fee_receivable_wyuan=1000,
)

SAMPLE_I15_ROWS = [
    dict(product_industry="造纸和纸制品业", product_name="机制纸", product_unit="t", product_output=1000.0,
         product_water_m3=20000.0, product_quota=25.0, product_quota_source="GB/T 18916.5-2012"),
    dict(product_industry="酒、饮料和精制茶制造业", product_name="白酒", product_unit="kL", product_output=500.0,
         product_water_m3=9000.0, product_quota=20.0, product_quota_source="GB/T 18916.9"),
]


def _user_store_state():
    """The user's real default store (as the environment outside the tests names it): exists, size, mtime."""
    path = default_history_path()
    return path, (path.stat().st_size, path.stat().st_mtime_ns) if path.exists() else None


@pytest.fixture(scope="session", autouse=True)
def _never_the_user_store(tmp_path_factory):
    """Before any fixture of any scope: every default location of the store points into a temporary
    folder; after the session, the user's real store must be exactly as it was (absent stays absent)."""
    real, before = _user_store_state()
    home = tmp_path_factory.mktemp("userdata")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIESHUI_HISTORY", str(home / "history.sqlite"))
        mp.setenv("XDG_DATA_HOME", str(home / "xdg"))
        mp.setenv("LOCALAPPDATA", str(home / "localappdata"))
        yield
    after = (real.stat().st_size, real.stat().st_mtime_ns) if real.exists() else None
    assert after == before, f"the tests touched the user's history store {real}"


@pytest.fixture(autouse=True)
def _history_store(tmp_path_factory, monkeypatch):
    """And each test's default store is a fresh tmp file."""
    monkeypatch.setenv("JIESHUI_HISTORY", str(tmp_path_factory.mktemp("history") / "history.sqlite"))


def pytest_configure(config):
    config.addinivalue_line("markers", "libreoffice: needs LibreOffice (soffice) installed")


def pytest_collection_modifyitems(config, items):
    if soffice_path():
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) 未安装：跳过需要真实电子表格程序的测试")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def table():
    return load_task_table()


def make_collection(table, values=None, rows=None, units=None, tasks=None):
    """A Collection as consolidation would produce it, from plain values (None = blank)."""
    values = SAMPLE_VALUES if values is None else values
    c = Collection(year=table.year, city=table.city)
    for code, v in values.items():
        if v is not None:
            item = table.items[code]
            c.values[code] = CellValue(float(v) if item.numeric else v, item.reporter, f"{item.reporter}.xlsx")
    if rows is not None:
        for tcode, tbl in table.tables.items():
            c.tables[tcode] = [{k: CellValue(v, tbl.reporter) for k, v in r.items() if v is not None}
                               for r in rows]
    for unit in (table.reporting_units() if units is None else units):
        c.submissions.append(Submission(file=f"{unit}.xlsx", unit=unit, year=table.year, city=table.city))
    for answer in tasks or []:
        c.tasks[(answer.task, answer.unit)] = answer
    return c


@pytest.fixture
def builder(table, tmp_path):
    """Returned workbooks built from the generated templates, under tmp_path/work."""
    from returns_builder import ReturnsBuilder

    return ReturnsBuilder(table, tmp_path / "work")


@pytest.fixture
def returns(tmp_path):
    """An empty returns folder."""
    folder = tmp_path / "回收"
    folder.mkdir()
    return folder


@pytest.fixture
def sample_collection(table):
    return make_collection(table, rows=SAMPLE_I15_ROWS)


@pytest.fixture(scope="module")
def good_round(table, tmp_path_factory):
    """A whole round as departments return it (unit -> file), and the item values collecting it gives."""
    from returns_builder import ReturnsBuilder

    from jieshui_xl.returns import collect

    tmp = tmp_path_factory.mktemp("good")
    paths = ReturnsBuilder(table, tmp / "work").round(tmp / "good", SAMPLE_VALUES, SAMPLE_I15_ROWS)
    return paths, {code: cv.value for code, cv in collect(table, tmp / "good").values.items()}
