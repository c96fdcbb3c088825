"""Fill collection workbooks *in LibreOffice* through UNO, as a department would, and save them.

Run with a Python that has LibreOffice's ``uno`` module (Debian: /usr/bin/python3 with
python3-uno), not the project's interpreter:

    python3 tests/lo_fill.py JOB.json

JOB.json: {"soffice": "...", "jobs": [{"template": "...", "target": "...", "format": "xlsx"|"ods",
           "entries": [[name, row or null, value], ...]}]}
Numbers are entered as numbers, strings as text (setString, like a cell formatted as text), and
{"typed": "17.2%"} as keyboard input (Calc stores 0.172 with a percent format, as its UI does).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue

FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8"}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(soffice, profile):
    pipe = "jieshui_" + uuid.uuid4().hex
    proc = subprocess.Popen([soffice, "--headless", "--norestore", "--nologo", "--invisible",
                             "-env:UserInstallation=file://" + profile,
                             "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            return proc, desktop
        except Exception:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("could not connect to LibreOffice")


def fill(desktop, job):
    url = uno.systemPathToFileUrl(os.path.abspath(job["template"]))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    try:
        ranges = doc.NamedRanges
        for name, row, value in job["entries"]:
            cell = ranges.getByName(name).getReferredCells().getCellByPosition(0, (row or 1) - 1)
            if isinstance(value, dict):          # {"typed": "17.2%"}: what typing does in Calc's UI
                type_in(doc, cell, value["typed"])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.setValue(value)
            else:
                cell.setString(value)
        out = uno.systemPathToFileUrl(os.path.abspath(job["target"]))
        doc.storeToURL(out, (prop("FilterName", FILTERS[job.get("format", "xlsx")]),))
    finally:
        doc.close(True)


def type_in(doc, cell, text):
    """Keyboard input: Calc parses it and, for "17.2%", stores 0.172 with a percent format
    (setFormula alone parses the number but does not apply the automatic format)."""
    cell.setFormula(text)
    if text.strip().endswith("%"):
        from com.sun.star.lang import Locale
        percent = uno.getConstantByName("com.sun.star.util.NumberFormat.PERCENT")
        cell.NumberFormat = doc.NumberFormats.getStandardFormat(percent, Locale())


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="jieshui-uno-") as profile:
        proc, desktop = connect(spec["soffice"], profile)
        try:
            for job in spec["jobs"]:
                fill(desktop, job)
        finally:
            try:
                desktop.terminate()
            except Exception:
                pass
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
