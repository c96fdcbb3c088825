"""The identity a collection workbook carries, so a returned file is known by content, not name.

It is written twice: as key/value rows on a very hidden sheet (``_jieshui``) and as custom document
properties.  Spreadsheet programs keep at least one of the two when they re-save; the reader takes
the sheet first and falls back to the properties.  The sheet also records where each defined name
pointed when the workbook was generated, so a moved input cell can be reported.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field

from . import __version__

__all__ = ["META_SHEET", "MAGIC", "Identity", "parse_identity", "DATA_KIND", "PROGRESS_KIND", "KIND_LABELS",
           "PROPERTY_PREFIX", "literal_digest", "identity_check"]

META_SHEET = "_jieshui"
MAGIC = "jieshui_xl collection workbook"
PROPERTY_PREFIX = "jieshui_"
CELL_PREFIX = "cell:"
LITERAL_PREFIX = "literals:"     # "literals:<sheet>:<n>" -> digests of the sheet's constants
DIGEST_CHARS = 8
LITERAL_ROW_CHARS = 32000 // DIGEST_CHARS * DIGEST_CHARS   # a cell holds at most 32767 characters
_KEYS = ("magic", "unit", "unit_code", "year", "city", "table_version", "fingerprint", "generated_at",
         "package_version", "kind", "period", "check")
CHECK_LENGTH = 16
# What a workbook is for: a data round's collection workbook (older generators wrote no kind) or a
# progress round's form (工作调度), which also names its period (2023-06)
DATA_KIND, PROGRESS_KIND = "data", "progress"
KIND_LABELS = {DATA_KIND: "数据填报表", PROGRESS_KIND: "工作进展调度表"}


def identity_check(unit: str, year: int | str, city: str, table_version: str, fingerprint: str,
                   generated_at: str, kind: str = DATA_KIND, period: str = "") -> str:
    """A check value over the identity (not a secret: it detects an edited identity, not a forger).
    A data workbook's value is what generators before the kind existed wrote."""
    values: tuple = (unit, year, city, table_version, fingerprint, generated_at)
    if kind != DATA_KIND or period:
        values += (kind, period)
    text = "|".join(str(v) for v in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:CHECK_LENGTH]


@dataclass
class Identity:
    unit: str
    unit_code: str
    year: int
    city: str
    table_version: str
    fingerprint: str
    generated_at: str = ""
    package_version: str = __version__
    cells: dict[str, str] = field(default_factory=dict)   # defined name -> "'sheet'!$D$12"
    # sheet -> digests of every constant the template writes there (see :func:`literal_digest`), so a
    # returned sheet can be compared with its template without regenerating it
    literals: dict[str, frozenset[str]] = field(default_factory=dict)
    check: str = ""         # as read: the check value the workbook carries ("" from older generators)
    kind: str = DATA_KIND   # data | progress
    period: str = ""        # a progress form's period (2023-06); "" for a data workbook

    def expected_check(self) -> str:
        return identity_check(self.unit, self.year, self.city, self.table_version, self.fingerprint,
                              self.generated_at, self.kind, self.period)

    @property
    def kind_label(self) -> str:
        """What the workbook is, in words (工作进展调度表 2023-06, 数据填报表)."""
        label = KIND_LABELS.get(self.kind, self.kind)
        return f"{self.period} 期{label}" if self.period else label

    def properties(self) -> dict[str, str]:
        """Custom document properties (all text)."""
        return {PROPERTY_PREFIX + k: str(v) for k, v in self._fields().items() if k != "magic"}

    def rows(self) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in self._fields().items()] + \
            [(CELL_PREFIX + name, ref) for name, ref in self.cells.items()] + self._literal_rows()

    def _literal_rows(self) -> list[tuple[str, str]]:
        rows = []
        for sheet, digests in self.literals.items():
            text = "".join(sorted(digests))
            for n, start in enumerate(range(0, len(text), LITERAL_ROW_CHARS)):
                rows.append((f"{LITERAL_PREFIX}{sheet}:{n}", text[start:start + LITERAL_ROW_CHARS]))
        return rows

    def _fields(self) -> dict[str, object]:
        if not self.generated_at:          # fixed once, so the sheet and the properties agree
            self.generated_at = _dt.datetime.now().isoformat(timespec="seconds")
        return {"magic": MAGIC, "unit": self.unit, "unit_code": self.unit_code, "year": self.year,
                "city": self.city, "table_version": self.table_version, "fingerprint": self.fingerprint,
                "generated_at": self.generated_at, "package_version": self.package_version,
                "kind": self.kind, "period": self.period, "check": self.expected_check()}


def literal_digest(text: str) -> str:
    """A short digest of a constant as a person reads it (the template's labels are compared by it)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def parse_identity(rows, properties: dict) -> Identity | None:
    """Identity from the hidden sheet's (key, value) rows, else from the custom document properties."""
    data: dict[str, str] = {}
    cells: dict[str, str] = {}
    literals: dict[str, set[str]] = {}
    for row in rows:
        key, value = (tuple(row) + (None, None))[:2]
        if key is None:
            continue
        key, value = str(key), "" if value is None else str(value)
        if key.startswith(CELL_PREFIX):
            cells[key[len(CELL_PREFIX):]] = value
        elif key.startswith(LITERAL_PREFIX):
            sheet = key[len(LITERAL_PREFIX):].rsplit(":", 1)[0]
            literals.setdefault(sheet, set()).update(
                value[i:i + DIGEST_CHARS] for i in range(0, len(value), DIGEST_CHARS))
        else:
            data[key] = value
    if data.get("magic") != MAGIC:
        data = {k[len(PROPERTY_PREFIX):]: "" if v is None else str(v) for k, v in properties.items()
                if k.startswith(PROPERTY_PREFIX)}
    if not data or not data.get("unit"):
        return None
    try:
        year = int(float(data.get("year", "")))
    except ValueError:
        return None
    return Identity(unit=data["unit"], unit_code=data.get("unit_code", ""), year=year,
                    city=data.get("city", ""), table_version=data.get("table_version", ""),
                    fingerprint=data.get("fingerprint", ""), generated_at=data.get("generated_at", ""),
                    package_version=data.get("package_version", ""), cells=cells,
                    literals={k: frozenset(v) for k, v in literals.items()}, check=data.get("check", ""),
                    kind=data.get("kind") or DATA_KIND, period=data.get("period", ""))
