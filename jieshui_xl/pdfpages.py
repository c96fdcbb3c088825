"""The number of pages of a PDF, by a bounded scan (no PDF library): the page tree's ``/Count``.

A PDF's page tree root is a ``/Type /Pages`` dictionary whose ``/Count`` is the number of pages;
inner nodes count fewer, so the largest ``/Count`` of a ``/Pages`` dictionary is the document's.
PDF 1.5 files may keep these dictionaries in compressed object streams (``/Type /ObjStm``): those
streams are inflated, each up to :data:`MAX_INFLATE` bytes and :data:`MAX_STREAMS` of them.  Where no
page tree is found, the ``/Type /Page`` leaves are counted; where none is found either, the count is
unknown (None) — never a guess.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["count_pages", "MAX_INFLATE", "MAX_STREAMS"]

MAX_INFLATE = 16 * 2**20        # bytes one object stream may inflate to
MAX_STREAMS = 2000              # object streams inflated in one file
_PAGES = re.compile(rb"/Type\s*/Pages\b")
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_COUNT = re.compile(rb"/Count\s+(\d{1,9})\b")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_STREAM = re.compile(rb"stream\r?\n")
WINDOW = 512                    # bytes either side of /Type /Pages searched for its /Count


def _counts(data: bytes) -> list[int]:
    """The /Count of every /Pages dictionary (the /Count nearest its /Type inside the window)."""
    out = []
    for m in _PAGES.finditer(data):
        start = max(data.rfind(b"<<", 0, m.start()), m.start() - WINDOW)
        end = data.find(b">>", m.end())
        end = m.end() + WINDOW if end < 0 else min(end, m.end() + WINDOW)
        found = _COUNT.search(data, start, end)
        if found:
            out.append(int(found.group(1)))
    return out


def _object_streams(data: bytes) -> list[bytes]:
    """The inflated object streams, each bounded; a damaged one is skipped."""
    out = []
    for n, m in enumerate(_OBJSTM.finditer(data)):
        if n >= MAX_STREAMS:
            break
        s = _STREAM.search(data, m.end(), m.end() + 4096)
        if s is None:
            continue
        try:
            inflated = zlib.decompressobj().decompress(data[s.end():s.end() + MAX_INFLATE], MAX_INFLATE)
        except zlib.error:
            continue
        out.append(inflated)
    return out


def count_pages(data: bytes) -> int | None:
    """The number of pages of the PDF in ``data``, or None where it cannot be told."""
    if not data.lstrip()[:5] == b"%PDF-":
        return None
    parts = [data, *_object_streams(data)]
    counts = [c for part in parts for c in _counts(part)]
    if counts:
        return max(counts)
    leaves = sum(len(_PAGE.findall(part)) for part in parts)
    return leaves or None
