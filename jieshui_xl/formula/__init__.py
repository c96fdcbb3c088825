"""Excel-syntax formulas over named values: parse once, evaluate in Python, render for Excel.

The task table states every computation as an Excel formula over item codes and other names
(``permeable_area_km2/builtup_area_km2*100``).  The same text is evaluated here, with Excel's
semantics for blanks, text, booleans and errors, and written into the collection workbooks and the
scorecard, so that what Python computes and what a spreadsheet recomputes cannot drift apart.

One module a job: ``parse`` (tokens → syntax tree, Excel precedence; what a name looks like),
``values`` (coercion and operators), ``functions`` (the table of Excel functions), ``evaluate``
(the tree's value), ``render`` (the tree back to text, names renamed), ``errors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from .errors import ExcelError, FormulaSyntaxError
from .evaluate import Lookup, evaluate
from .parse import NAME_PATTERN, Node, looks_like_cell_reference, names_in, parse_tree
from .render import Rename, render
from .values import significant

__all__ = ["ExcelError", "Formula", "FormulaSyntaxError", "parse", "NAME_PATTERN", "looks_like_cell_reference"]


@dataclass(frozen=True)
class Formula:
    """A parsed formula. ``names`` are the defined names it refers to."""

    text: str
    tree: Node = field(repr=False)
    names: frozenset[str] = field(default_factory=frozenset)

    def evaluate(self, resolve: Lookup | Mapping[str, object]) -> object:
        """Value of the formula; names are looked up with ``resolve`` (callable or mapping).

        Returns a number (to Excel's 15 significant digits), text, bool, None (blank) or an
        :class:`ExcelError`.
        """
        lookup = resolve.__getitem__ if isinstance(resolve, Mapping) else resolve
        value = evaluate(self.tree, lookup)
        return significant(value) if isinstance(value, float) else value

    def render(self, rename: Rename | Mapping[str, str] | None = None) -> str:
        """Excel formula text (without ``=``); each name is replaced by ``rename(name)``
        (a callable, or a mapping where unmapped names stay)."""
        return render(self.tree, _renamer(rename))


def _renamer(rename: Rename | Mapping[str, str] | None) -> Callable[[str], str]:
    if rename is None:
        return lambda name: name
    if callable(rename):
        return rename
    mapping = rename
    return lambda name: mapping.get(name, name)


def parse(text: str) -> Formula:
    """Parse Excel formula text (with or without a leading ``=``)."""
    text = str(text).strip()
    if text.startswith("="):
        text = text[1:]
    tree = parse_tree(text)
    return Formula(text, tree, frozenset(names_in(tree)))
