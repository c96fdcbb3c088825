"""The two kinds of failure: a formula that cannot be parsed, and Excel error values (#DIV/0!, ...)."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import JieshuiError

__all__ = ["ExcelError", "FormulaSyntaxError", "Raised", "DIV0", "VALUE", "NUM"]


class FormulaSyntaxError(JieshuiError, ValueError):
    """A formula that cannot be parsed; the message is Chinese and says what is wrong."""


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value (#DIV/0!, #VALUE!, ...), propagated like Excel does."""
    code: str

    def __str__(self) -> str:
        return self.code


DIV0 = ExcelError("#DIV/0!")
VALUE = ExcelError("#VALUE!")
NUM = ExcelError("#NUM!")


class Raised(Exception):
    """Internal: carries an ExcelError out of nested evaluation (caught by IFERROR, IS* and
    ``Formula.evaluate``, which return it as a value)."""

    def __init__(self, error: ExcelError):
        super().__init__(error.code)
        self.error = error
