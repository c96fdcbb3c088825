"""The 参数 sheet: each parameter's value for the year of the round.

A parameter may have one row per 适用年度 and a general row (适用年度 blank).  For the round's year
its value is that year's row, else the general row, else the latest earlier year's (with a notice:
national averages are published a year late), else a problem.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from .cells import Cells
from .rows import Row
from .sheets import ParamSheet as P

YEAR, CITY = "period_year", "city"      # the parameters the round's year and city default to


@dataclass
class Params:
    values: dict[str, object]
    year: int
    city: str
    labels: dict[str, tuple[str, str]]              # code -> (名称, 单位)
    notices: list[str] = field(default_factory=list)


def read_params(cells: Cells, rows: list[Row], year: int | None, city: str | None) -> Params:
    """The parameters for ``year`` (default: the period_year parameter) and ``city`` (default: city)."""
    by_code: dict[str, dict[int | None, object]] = {}
    labels: dict[str, tuple[str, str]] = {}
    for get in cells.each(rows):
        code = get(P.code)
        labels.setdefault(code, (get(P.name), get(P.unit)))
        by_code.setdefault(code, {})[get(P.year)] = get(P.value)
    params = Params({}, _round_year(cells, year or by_code.get(YEAR, {}).get(None)), "", labels)
    for code, years in by_code.items():
        value = _for_year(cells, params, code, years)
        params.values[code] = value.strftime("%Y-%m-%d") if isinstance(value, (_dt.datetime, _dt.date)) else value
    params.values[YEAR] = params.year
    params.city = params.values[CITY] = city or str(params.values.get(CITY) or "")
    return params


def _round_year(cells: Cells, given: object) -> int:
    if isinstance(given, (int, float, str)):
        try:
            return int(float(given))
        except ValueError:
            pass
    cells.problems.add("table-missing-parameter", sheet=P.title, value=YEAR, year="考核")
    return 0


def _for_year(cells: Cells, params: Params, code: str, years: dict[int | None, object]) -> object:
    year = params.year
    if year in years or None in years:
        return years.get(year, years.get(None))
    earlier = [y for y in years if y is not None and y < year]
    if earlier:
        used = max(earlier)
        params.notices.append(f"参数“{params.labels[code][0] or code}”没有{year}年的值，"
                              f"暂用{used}年的值 {years[used]}；公布后请在任务分工表“{P.title}”工作表补上{year}年一行。")
        return years[used]
    cells.problems.add("table-missing-parameter", sheet=P.title, value=code, year=year)
    cells.problems.missing_params.add(code)   # reported once here, not again by every formula using it
    return None
