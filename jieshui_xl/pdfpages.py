"""The number of pages of a PDF a unit sent as evidence, read with pypdf.

pypdf follows the cross-reference table or stream (PDF 1.5 object streams, incremental updates,
damaged files rebuilt leniently) to the page tree, which a scan of the bytes cannot do reliably.
It is called only inside the isolated reader workers (:mod:`jieshui_xl.returns.isolate`), so a
hostile PDF meets the workers' memory limit and deadline.  A PDF protected by an empty user password
is opened as a viewer would; where the count cannot be told (not a PDF, damaged beyond repair, a
password needed) it is None — never a guess.
"""

from __future__ import annotations

import io
import logging

__all__ = ["count_pages", "MAX_PAGES"]

MAX_PAGES = 1_000_000          # a page count above this is a damaged or hostile page tree, not a document

logging.getLogger("pypdf").setLevel(logging.CRITICAL)     # its repair notes are not the user's business


def count_pages(data: bytes) -> int | None:
    """The number of pages of the PDF in ``data``, or None where it cannot be told."""
    if data.lstrip()[:5] != b"%PDF-":
        return None
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception:  # noqa: BLE001 - any failure of a damaged file means "unknown", not a crash
        return None
    return pages if 0 < pages <= MAX_PAGES else None
