"""The application (申报材料): ``jieshui-xl package``.  By job: :mod:`.plan` (numbers and places, from the
task table), :mod:`.index` (the index workbook), :mod:`.build` (copy, index, scorecard, idempotent)."""

from __future__ import annotations

from .build import PACKAGE_MANIFEST, PackageOutput, build_package, package_lines
from .index import COMPLETENESS_SHEET, CONTENTS_SHEET, UNLISTED_SHEET
from .plan import INDEX_NAME, UNLISTED_FOLDER, PackagePlan, Placed, plan_package

__all__ = ["PACKAGE_MANIFEST", "PackageOutput", "build_package", "package_lines", "COMPLETENESS_SHEET", "CONTENTS_SHEET",
           "UNLISTED_SHEET", "INDEX_NAME", "UNLISTED_FOLDER", "PackagePlan", "Placed", "plan_package"]
