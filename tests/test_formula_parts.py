"""The jobs inside jieshui_xl.formula, each on its own: the parser's tree, the value rules, the
function table, evaluation and rendering of trees built by hand.  (Formula text end to end, against
Excel's results, is tests/test_formula.py.)"""

from __future__ import annotations

import pytest

from jieshui_xl.formula.errors import DIV0, VALUE, ExcelError, Raised
from jieshui_xl.formula.evaluate import evaluate
from jieshui_xl.formula.functions import FUNCTIONS, call
from jieshui_xl.formula.parse import Binary, Call, Constant, Name, Percent, Prefix, names_in, parse_tree
from jieshui_xl.formula.render import render
from jieshui_xl.formula.values import compare, format_number, to_bool, to_number, to_text

# -- parse -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, tree", [
    ("-2^2", Binary("^", Prefix("-", Constant(2.0)), Constant(2.0))),
    ("1+2*3", Binary("+", Constant(1.0), Binary("*", Constant(2.0), Constant(3.0)))),
    ("2-3-4", Binary("-", Binary("-", Constant(2.0), Constant(3.0)), Constant(4.0))),
    ("-a%%", Prefix("-", Percent(Percent(Name("a"))))),
    ('if(a,"x""y",#N/A)', Call("IF", (Name("a"), Constant('x"y'), Constant(ExcelError("#N/A"))))),
    ("(TRUE)&b", Binary("&", Constant(True), Name("b"))),
])
def test_parse_tree(text, tree):
    assert parse_tree(text) == tree


def test_names_in_counts_every_occurrence():
    assert sorted(names_in(parse_tree("IF(a>0,b/a,-c%)"))) == ["a", "a", "b", "c"]


# -- values ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (1 / 3, "0.333333333333333"), (0.00001, "0.00001"), (1e20, "1E+20"), (1.5e-25, "1.5E-25"),
    (-12.0, "-12"), (2.5, "2.5"),
])
def test_format_number(value, text):
    assert format_number(value) == text


def test_coercion():
    assert [to_number(v) for v in (None, True, " 4 ", 2)] == [0.0, 1.0, 4.0, 2.0]
    assert [to_bool(v) for v in (None, 0, 3.0, "true", "FALSE")] == [False, False, True, True, False]
    assert [to_text(v) for v in (None, False, 0.1, "x")] == ["", "FALSE", "0.1", "x"]
    with pytest.raises(Raised) as raised:
        to_number("abc")
    assert raised.value.error == VALUE
    with pytest.raises(Raised) as raised:
        to_bool(DIV0)
    assert raised.value.error == DIV0


@pytest.mark.parametrize("op, left, right, expected", [
    ("<", 99.0, "a", True),          # numbers < text < logicals
    ("<", "z", False, True),
    ("=", "A", "a", True),
    ("=", None, "", True),           # a blank takes the other side's type
    ("=", None, False, True),
    ("=", None, 0.0, True),
    ("=", None, None, True),
    (">=", 2.0, 2, True),
])
def test_compare(op, left, right, expected):
    assert compare(op, left, right) is expected


# -- functions -------------------------------------------------------------------------------------

def test_function_table_arities_are_ranges():
    for name, function in FUNCTIONS.items():
        low, high = function.arity
        assert 0 <= low <= high <= 255, name


def test_lazy_if_evaluates_only_the_branch_taken():
    seen = []

    def arg(value):
        return lambda: seen.append(value) or value

    assert call("IF", [arg(False), arg("then"), arg("else")]) == "else"
    assert seen == [False, "else"]


def test_eager_functions_see_values_and_python_errors_become_excel_errors():
    assert call("SUM", [lambda: 1.0, lambda: [2.0, "x", None]]) == 3.0
    with pytest.raises(Raised) as raised:
        call("DATE", [lambda: 1e300, lambda: 1.0, lambda: 1.0])    # int(1e300) is out of date range
    assert raised.value.error.code == "#NUM!"


# -- evaluate and render trees built by hand -------------------------------------------------------

def test_evaluate_returns_errors_as_values():
    tree = Binary("/", Name("a"), Constant(0.0))
    assert evaluate(tree, {"a": 1.0}.__getitem__) == DIV0
    assert evaluate(Call("IFERROR", (tree, Constant("none"))), {"a": 1.0}.__getitem__) == "none"


@pytest.mark.parametrize("tree, text", [
    (Binary("-", Name("a"), Binary("-", Name("b"), Name("c"))), "A-(B-C)"),
    (Prefix("-", Binary("^", Name("a"), Constant(2.0))), "-(A^2)"),
    (Binary("^", Prefix("-", Name("a")), Constant(2.0)), "-A^2"),
    (Percent(Binary("+", Name("a"), Constant(0.5))), "(A+0.5)%"),
    (Call("FIXED", (Constant(True), Constant('say "hi"'), Constant(ExcelError("#N/A")))), 'FIXED(TRUE,"say ""hi""",#N/A)'),
])
def test_render(tree, text):
    assert render(tree, str.upper) == text


# -- precision: 15 significant digits, as spreadsheets compute and compare ---------------------------

@pytest.mark.parametrize("op, left, right, expected", [
    ("=", 0.1 + 0.2, 0.3, True),
    (">=", 8.1 / 18 * 100, 45.0, True),          # 44.99999999999999
    ("<", 8.1 / 18 * 100, 45.0, False),
    ("<", 44.9999999999, 45.0, True),             # a real difference, 11 digits in
])
def test_numbers_compare_to_fifteen_digits(op, left, right, expected):
    assert compare(op, left, right) is expected


def test_a_formula_value_has_fifteen_significant_digits():
    from jieshui_xl.formula import parse

    assert parse("a/b*100").evaluate({"a": 8.1, "b": 18}) == 45.0
    assert parse("1/3").evaluate({}) == float("0.333333333333333")
