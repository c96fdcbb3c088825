"""Excel semantics of jieshui_xl.formula: the task table's formulas are evaluated here in Python and
written as live formulas into workbooks, so both must agree with Excel.

Table-driven.  Each case is (formula, expected); the names it may use are in ENV.  Cases that
LibreOffice computes differently from Excel (where this module follows Excel) are marked ``lo=False``
and left out of the LibreOffice cross-check at the end.
"""

from __future__ import annotations

import math
import random
import re

import openpyxl
import pytest

from jieshui_xl.formula import ExcelError, FormulaSyntaxError, parse

DIV0, VALUE, NA = ExcelError("#DIV/0!"), ExcelError("#VALUE!"), ExcelError("#N/A")

# Names the cases use.  ``nums`` is a one-column range: 1, "x", (blank), 3.
ENV = {"two": 2.0, "three": 3.0, "four": 4.0, "zero": 0.0, "blank": None, "word": "abc",
       "nums": [1.0, "x", None, 3.0]}


def case(formula, expected, lo=True):
    return pytest.param(formula, expected, lo, id=formula)


CASES = [
    # -- precedence: negation > % > ^ > * / > + - > & > comparisons; all binary operators left-assoc.
    case("-2^2", 4),
    case("0-2^2", -4),
    case("2^3^2", 64),
    case("1+2*3", 7),
    case("(1+2)*3", 9),
    case("2*3^2", 18),
    case("2-3-4", -5),
    case("12/3/2", 2),
    case("50%", 0.5),
    case("1+2%", 1.02),
    case("2*3%", 0.06),
    case("2^50%", math.sqrt(2)),
    case("10%^2", 0.01),
    case("-2%", -0.02),
    case("-two^2", 4),
    case("1&2+3", "15"),
    case("1+2=3", True),
    case("=1+1", 2),
    # -- comparisons across types: numbers < text < FALSE < TRUE; text case-insensitive; blank = 0 = "".
    case('"a">1', True),
    case('"a"<1', False),
    case('"10"=10', False),
    case('"A"="a"', True),
    case('"b">"A"', True),
    case('TRUE>1', True, lo=False),            # LibreOffice treats TRUE as the number 1
    case('FALSE<TRUE', True),
    case('TRUE>"z"', True, lo=False),          # LibreOffice says FALSE; Excel ranks logicals above text
    case("blank=0", True),
    case('blank=""', True),
    case("blank=FALSE", True),
    case("blank<1", True),
    case("blank>-1", True),
    case('0=""', False),
    case("1<>1", False),
    case("2>=2", True),
    case("word>two", True),
    # -- & and number formatting (15 significant digits, no exponent for ordinary magnitudes)
    case('"a"&1', "a1"),
    case('1.5&"x"', "1.5x"),
    case('10&""', "10"),
    case('1/4&""', "0.25"),
    case('1/3&""', "0.333333333333333"),
    case('2/3*1E-3&""', "0.000666666666666667"),
    case('0.1+0.2&""', "0.3"),
    case('-0.5&""', "-0.5"),
    case('1E-5&""', "0.00001"),
    case('100000000000000&""', "100000000000000"),
    case('5%&""', "0.05"),
    case('blank&"x"', "x"),
    case('"say ""hi"""&""', 'say "hi"'),
    case('TRUE&""', "TRUE", lo=False),           # LibreOffice gives "1"
    case('123456789012345678&""', "1.23456789012346E+17", lo=False),   # LibreOffice writes E+017
    case('DATE(2024,1,1)&""', "45292"),
    # -- arithmetic coercion
    case('"3"+1', 4),
    case("TRUE+1", 2),
    case("blank+1", 1),
    case("blank*5", 0),
    case('""+1', VALUE),
    case('"abc"+1', VALUE),
    case("word*1", VALUE),
    # -- IF is lazy; its condition must be logical or numeric
    case("IF(TRUE,1,1/0)", 1),
    case("IF(FALSE,1/0,2)", 2),
    case('IF(1>2,"y")', False),
    case("IF(blank,1,2)", 2),
    case('IF(two,"y","n")', "y"),
    case('IF("abc",1,2)', VALUE),
    case("IF(1/0,1,2)", DIV0),
    # -- IFERROR / IS* see errors without propagating them
    case('IFERROR(1/0,"x")', "x"),
    case('IFERROR(5,"x")', 5),
    case("IFERROR(#N/A,1)", 1),
    case("ISERROR(1/0)", True),
    case("ISERROR(1)", False),
    case("ISERROR(#N/A)", True),
    case("ISBLANK(blank)", True),
    case('ISBLANK("")', False),
    case("ISBLANK(0)", False),
    case("ISNUMBER(1)", True),
    case('ISNUMBER("1")', False),
    case("ISNUMBER(TRUE)", False, lo=False),   # LibreOffice: TRUE is a number
    case("ISNUMBER(blank)", False),
    case("ISNUMBER(1/0)", False),
    case('ISTEXT("a")', True),
    case("ISTEXT(blank)", False),
    # -- AND / OR / NOT (blanks ignored; no logical value at all is #VALUE!; errors propagate)
    case("AND(TRUE,1)", True),
    case("AND(TRUE,0)", False),
    case("AND(TRUE,blank)", True),
    case("AND(blank)", VALUE),
    case("OR(blank)", VALUE),
    case("OR(FALSE,0)", False),
    case("OR(FALSE,2)", True),
    case("OR(TRUE,1/0)", DIV0),
    case("AND(FALSE,1/0)", DIV0),
    case("NOT(0)", True),
    case("NOT(blank)", True),
    case("NOT(two>1)", False),
    # -- MIN / MAX / SUM / COUNT / COUNTA over lists (text and blanks in a range are skipped)
    case("SUM(nums)", 4),
    case("SUM(nums,10)", 14),
    case("COUNT(nums)", 2),
    case("COUNTA(nums)", 3),
    case("MIN(nums)", 1),
    case("MAX(nums)", 3),
    case("MIN(blank)", 0),
    case("MAX(-1,blank)", -1),
    case("COUNTA(blank,1,\"\")", 2),
    case("SUM(1,1/0)", DIV0),
    # -- ROUND half away from zero, at Excel's 15 significant digits
    case("ROUND(2.5,0)", 3),
    case("ROUND(-2.5,0)", -3),
    case("ROUND(2.675,2)", 2.68),
    case("ROUND(1.005,2)", 1.01),
    case("ROUND(0.285,2)", 0.29),
    case("ROUND(-0.125,2)", -0.13),
    case("ROUND(0.4999999999,0)", 0),
    case("ROUND(1234.5,-2)", 1200),
    # -- MOD takes the sign of the divisor
    case("MOD(7,3)", 1),
    case("MOD(-3,2)", 1),
    case("MOD(3,-2)", -1),
    case("MOD(5.5,2)", 1.5),
    case("MOD(1,0)", DIV0),
    # -- DATE serials and differences (leap years: 2024 yes, 2100 no, 2000 yes)
    case("DATE(2024,1,1)-DATE(2023,1,1)", 365),
    case("DATE(2025,1,1)-DATE(2024,1,1)", 366),
    case("DATE(2101,1,1)-DATE(2100,1,1)", 365),
    case("DATE(2001,1,1)-DATE(2000,1,1)", 366),
    case("DATE(2024,3,1)-DATE(2024,2,1)", 29),
    case("DATE(2100,3,1)-DATE(2100,2,1)", 28),
    case("DATE(2000,3,1)-DATE(2000,2,1)", 29),
    case("DATE(2024,13,1)-DATE(2025,1,1)", 0),          # month 13 rolls over
    case("DATE(2024,0,1)-DATE(2024,1,1)", -31),         # month 0 is last December
    case("DATE(2024,2,30)=DATE(2024,3,1)", True),
    # -- FIXED: thousands separators unless the third argument is TRUE
    case("FIXED(6000,2)", "6,000.00"),
    case("FIXED(6000,2,TRUE)", "6000.00"),
    case("FIXED(1234.567,1)", "1,234.6"),
    case("FIXED(-1234.567,1)", "-1,234.6"),
    case("FIXED(2.675)", "2.68"),
    case("FIXED(1234.5,-2)", "1,200"),
    case("FIXED(0.5,0)", "1"),
    case("FIXED(-0.001,2)", "0.00"),
    case('"综合漏损率"&FIXED(14,2)&"%"', "综合漏损率14.00%"),
    # -- LEN, ABS
    case('LEN("节水")', 2),
    case("LEN(1/4)", 4),
    case("ABS(-3)", 3),
    # -- #DIV/0! propagates through everything but IFERROR / IS*
    case("1/0", DIV0),
    case("two/zero", DIV0),
    case("1/blank", DIV0),
    case("1/0+1", DIV0),
    case('(1/0)&"x"', DIV0),
    case("1/0>1", DIV0),
    case("-(1/0)", DIV0),
    case("ROUND(1/0,2)", DIV0),
    case("(1/0)%", DIV0),
    case("#N/A+1", NA),
]


def same(actual, expected) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return actual == pytest.approx(expected, rel=1e-12, abs=1e-12)
    return actual == expected


@pytest.mark.parametrize("formula, expected, lo", CASES)
def test_evaluate(formula, expected, lo):
    actual = parse(formula).evaluate(ENV)
    assert same(actual, expected), f"{formula} = {actual!r}, expected {expected!r}"


def test_results_are_floats_not_ints():
    assert type(parse("1+1").evaluate({})) is float
    assert parse("two").evaluate(ENV) == 2.0


def test_resolver_may_be_a_callable_and_errors_from_names_propagate():
    looked_up = []

    def resolve(name):
        looked_up.append(name)
        return DIV0 if name == "bad" else 1.0

    assert parse("bad+ok").evaluate(resolve) == DIV0
    assert parse("IFERROR(bad,0)+ok").evaluate(resolve) == 1.0
    assert parse("ISERROR(bad)").evaluate(resolve) is True
    assert "bad" in looked_up


def test_if_does_not_look_up_the_branch_not_taken():
    looked_up = []

    def resolve(name):
        looked_up.append(name)
        return 1.0

    assert parse("IF(TRUE,yes_branch,no_branch)").evaluate(resolve) == 1.0
    assert looked_up == ["yes_branch"]


def test_names():
    assert parse("IF(ISBLANK(a_1),b_2*a_1,c_3)").names == {"a_1", "b_2", "c_3"}
    assert parse('"text_in_quotes"&1').names == frozenset()


# ---------------------------------------------------------------------------------------------
# Syntax errors: Chinese messages
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, says", [
    ("FOO(1)", "不支持的函数“FOO”"),
    ("VLOOKUP(1,a,2)", "不支持的函数“VLOOKUP”"),
    ("a+", "公式不完整"),
    ("(1+", "公式不完整"),
    ("1+)", "括号不配对"),
    ('"abc', "引号不配对"),
    ("1 2", "多出内容"),
    ("", "公式为空"),
    ("a>>b", "无法解析"),
    ("a==b", "无法解析"),
    ("1+*2", "无法解析"),
    ("SUM(1,,2)", "无法解析"),
    ("IF(TRUE)", "函数 IF 需要 2～3 个参数"),
    ("ROUND(1)", "函数 ROUND 需要 2 个参数"),
    ("ISBLANK()", "函数 ISBLANK 需要 1 个参数"),
    ("DATE(2024,1)", "函数 DATE 需要 3 个参数"),
])
def test_syntax_errors(text, says):
    with pytest.raises(FormulaSyntaxError) as caught:
        parse(text)
    message = str(caught.value)
    assert says in message
    # no English leaking from the tokenizer (e.g. “pop from empty list”, “Reached end of formula”)
    assert not re.search(r"\b(pop|list|empty|reached|string|index|error|token)\b", message, re.I), message


# ---------------------------------------------------------------------------------------------
# render(): round trip, renaming, minimal parentheses
# ---------------------------------------------------------------------------------------------

ROUND_TRIP = [c.values[0] for c in CASES] + [
    "permeable_area_km2/builtup_area_km2*100",
    'IF(wells_total_count=0,"",wells_closed_count/wells_total_count*100)',
    "MAX(-3,MIN(3,0.99*(pipe_length_km/public_supply_wm3-0.0693)*100))",
    "household_domestic_use_wm3*10^7/(household_count*persons_per_household*I05_days)",
    'IF(value_I08<target_I08,"低于全国平均值的50%",IF(ISNUMBER(I08_decline),"年降低率"&FIXED(I08_decline,2)&"%",""))',
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_render_round_trip(text):
    f = parse(text)
    again = parse(f.render())
    assert same(again.evaluate(_lenient), f.evaluate(_lenient)) or (
        isinstance(f.evaluate(_lenient), float) and math.isnan(f.evaluate(_lenient)))
    assert again.render() == f.render()          # rendering is stable
    assert again.names == f.names


def _lenient(name):
    """Values for the round-trip formulas: the ENV names, else a number derived from the name."""
    if name in ENV:
        return ENV[name]
    return float(len(name) % 7 + 1)


@pytest.mark.parametrize("text, rendered", [
    ("a-(b-c)", "a-(b-c)"),
    ("(a-b)-c", "a-b-c"),
    ("(a+b)*c", "(a+b)*c"),
    ("a+(b*c)", "a+b*c"),
    ("-(a)^2", "-a^2"),
    ("-(a^2)", "-(a^2)"),
    ("a/(b*c)", "a/(b*c)"),
    ("(a/b)*c", "a/b*c"),
    ("(a^b)^c", "a^b^c"),
    ("a^(b^c)", "a^(b^c)"),
    ("(a+b)%", "(a+b)%"),
    ("((a))", "a"),
    ("(a&b)=c", "a&b=c"),
    ("a&(b=c)", "a&(b=c)"),
    ('"x"&(1+2)', '"x"&1+2'),
    ("(a=b)=c", "a=b=c"),
    ("a=(b=c)", "a=(b=c)"),
    ("2^-a", "2^-a"),
    ("-(-a)", "--a"),
    ("a*-b", "a*-b"),
    ("a - b", "a-b"),
    ("if(a>1, b, c)", "IF(a>1,b,c)"),
    ('"He said ""no"""', '"He said ""no"""'),
    ("1.50+0.0693", "1.5+0.0693"),
])
def test_minimal_parentheses(text, rendered):
    f = parse(text)
    assert f.render() == rendered
    env = {"a": 2.0, "b": 3.0, "c": 5.0}
    assert same(parse(rendered).evaluate(env), f.evaluate(env))


def test_render_renames_names():
    f = parse('IF(ISBLANK(x_1),"",x_1*rate_y/100)')
    assert f.render({"x_1": "D5"}) == 'IF(ISBLANK(D5),"",D5*rate_y/100)'        # unmapped names stay
    assert f.render({"x_1": "数据!$D$5", "rate_y": "$B$2"}) == 'IF(ISBLANK(数据!$D$5),"",数据!$D$5*$B$2/100)'
    assert f.render(lambda n: n.upper()) == 'IF(ISBLANK(X_1),"",X_1*RATE_Y/100)'
    assert f.render() == 'IF(ISBLANK(x_1),"",x_1*rate_y/100)'
    assert f.text == 'IF(ISBLANK(x_1),"",x_1*rate_y/100)'


def test_render_row_formula_per_row():
    """How a writer renders a table indicator's row formula for row 7."""
    f = parse("product_water_m3/product_output")
    assert f.render({"product_water_m3": "F7", "product_output": "E7"}) == "F7/E7"


def _random_formula(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(["a", "b", "c", "1", "2", "0.5", '"t"', "TRUE", "blank"])
    kind = rng.random()
    if kind < 0.12:
        return "-" + _random_formula(rng, depth - 1)
    if kind < 0.2:
        return "(" + _random_formula(rng, depth - 1) + ")%"
    if kind < 0.3:
        fn = rng.choice(["IF", "MAX", "ROUND"])
        args = [_random_formula(rng, depth - 1) for _ in range({"IF": 3, "MAX": 2, "ROUND": 2}[fn])]
        return f"{fn}(" + ",".join(args) + ")"
    op = rng.choice(["+", "-", "*", "/", "^", "&", "=", "<", ">=", "<>"])
    return "(" + _random_formula(rng, depth - 1) + op + _random_formula(rng, depth - 1) + ")"


def test_render_preserves_meaning_of_random_formulas():
    """Fully parenthesised random formulas: render() drops parentheses, the value must not change."""
    rng = random.Random(2023)
    env = {"a": 2.0, "b": 3.0, "c": 5.0, "blank": None}
    for _ in range(500):
        text = _random_formula(rng, 4)
        f = parse(text)
        rendered = f.render()
        assert len(rendered) <= len(text)
        before, after = f.evaluate(env), parse(rendered).evaluate(env)
        assert same(after, before), f"{text} -> {rendered}: {before!r} != {after!r}"


# ---------------------------------------------------------------------------------------------
# LibreOffice cross-check (one conversion for all cases)
# ---------------------------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_libreoffice_agrees(tmp_path):
    import xlsxwriter

    from jieshui_xl.libreoffice import convert

    cases = [(p.values[0], p.values[1]) for p in CASES if p.values[2]]
    src = tmp_path / "formulas.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("F")
    ws.write_column("Z1", [2, 3, 4, 0, None, "abc", 1, "x", None, 3])
    for i, name in enumerate(["two", "three", "four", "zero", "blank", "word"]):
        wb.define_name(name, f"=F!$Z${i + 1}")
    wb.define_name("nums", "=F!$Z$7:$Z$10")
    for row, (formula, _) in enumerate(cases):
        ws.write_string(row, 0, formula)
        ws.write_formula(row, 1, "=" + formula.lstrip("="))
    wb.close()

    out = convert(src, "xlsx", tmp_path / "out")
    sheet = openpyxl.load_workbook(out, data_only=True)["F"]
    disagreements = []
    for row, (formula, expected) in enumerate(cases, start=1):
        assert sheet.cell(row, 1).value == formula
        got = sheet.cell(row, 2).value
        if isinstance(expected, ExcelError):
            got = ExcelError(got) if isinstance(got, str) and got.startswith("#") else got
        if not same(got, expected):
            disagreements.append(f"{formula}: LibreOffice {got!r}, jieshui_xl {expected!r}")
    assert not disagreements, "\n".join(disagreements)
