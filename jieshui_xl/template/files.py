"""File names and the manifest that lets a re-run replace its own workbooks and nothing else.

``.jieshui_templates.json`` in the output folder lists every workbook this program wrote there,
with its SHA-256 and city.  On a re-run, a listed workbook that is unchanged is replaced (same
name) or removed (no longer produced, same city); a listed workbook that was modified since, and
any file not listed, is left exactly as it is and reported.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..outputs import write_json
from ..paths import safe_name
from ..spec import TaskTable

MANIFEST = ".jieshui_templates.json"


def file_name(table: TaskTable, unit: str) -> str:
    return safe_name(f"{table.year}年_{safe_name(table.city)}_{safe_name(unit)}_节水型城市数据填报表") + ".xlsx"


def progress_file_name(table: TaskTable, unit: str, period: str) -> str:
    return safe_name(f"{table.year}年_{safe_name(table.city)}_{safe_name(unit)}_工作进展调度表_{period}") + ".xlsx"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Manifest:
    """The files this program wrote in ``folder`` (keyed by their path below it, "/"-separated)."""

    def __init__(self, folder: Path, name: str = MANIFEST):
        self.folder, self.name = folder, name
        self.entries: dict[str, dict] = _load(folder / name)

    def key(self, path: Path) -> str:
        try:
            return path.relative_to(self.folder).as_posix()
        except ValueError:
            return path.name

    def is_ours_unchanged(self, path: Path) -> bool:
        entry = self.entries.get(self.key(path))
        return entry is not None and path.is_file() and sha256(path) == entry.get("sha256")

    def stale(self, city: str, produced: set[str], round_key: str = "") -> list[Path]:
        """Files listed for ``city`` (and round: "" for data workbooks, ``progress 2023-06`` for a
        progress round's forms) that this run does not produce (and that still exist)."""
        return [self.folder / name for name, e in self.entries.items()
                if e.get("city") == city and e.get("round", "") == round_key and name not in produced
                and (self.folder / name).exists()]

    def save(self, city: str, written: dict[str, dict], round_key: str = "") -> None:
        """Keep other cities' and rounds' entries whose files still exist; replace this city's
        round's with ``written``."""
        kept = {n: e for n, e in self.entries.items()
                if (e.get("city"), e.get("round", "")) != (city, round_key) and (self.folder / n).is_file()}
        self.entries = dict(sorted({**kept, **written}.items()))      # the same files: the same manifest
        write_json(self.folder / self.name, {"generator": "jieshui_xl", "files": self.entries})


def _load(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data.get("files", {})
        return {str(k): v for k, v in files.items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        return {}
