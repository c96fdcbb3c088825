"""Build hook: a wheel carries the bundled task table.

The one source of truth is ``templates/task_division.xlsx`` (the administrator edits it in the
checkout).  A wheel has no checkout, so ``build_py`` copies that file into the built package as
``jieshui_xl/data/task_division.xlsx``, where ``spec.default_task_table_path`` finds it.  Nothing
else is configured here (see setup.cfg).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TABLE = Path(__file__).resolve().parent / "templates" / "task_division.xlsx"


class BuildWithTaskTable(build_py):
    def run(self):
        super().run()
        if not self.dry_run:
            target = Path(self.build_lib) / "jieshui_xl" / "data" / TABLE.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(TABLE, target)


setup(cmdclass={"build_py": BuildWithTaskTable})
