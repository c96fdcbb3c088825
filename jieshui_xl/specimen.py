"""Evidence files made in code, as departments send them (demo and tests): a PDF of N pages, a PNG,
a .zip of several files, a saved e-mail (.eml) with attachments.  No binary is committed: every
sample is built from a readable row (:data:`DEMO_EVIDENCE`)."""

from __future__ import annotations

import csv
import struct
import zipfile
import zlib
from email.message import EmailMessage
from pathlib import Path, PurePosixPath

__all__ = ["DEMO_EVIDENCE", "pdf_bytes", "png_bytes", "sample_bytes", "write_evidence", "read_evidence_rows"]

DEMO_EVIDENCE = Path(__file__).with_name("data") / "demo_evidence.csv"
CONTAINERS = (".zip", ".eml")


def pdf_bytes(title: str, pages: int = 1) -> bytes:
    """A valid PDF of ``pages`` A4 pages, each showing ``title`` (ASCII) and its page number."""
    text = title.encode("ascii", "replace").replace(b"\\", b"/").replace(b"(", b"[").replace(b")", b"]")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for n in range(1, pages + 1):
        content = b"BT /F1 18 Tf 72 770 Td (" + text + b") Tj 0 -30 Td (page %d of %d) Tj ET" % (n, pages)
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (len(objects), 3 + 2 * pages))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (70, 130, 180)) -> bytes:
    """A plain-coloured PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def sample_bytes(name: str, title: str, pages: int = 1) -> bytes:
    """A sample file for ``name``: a PDF, a PNG, else the title as text."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".pdf":
        return pdf_bytes(title, pages)
    if suffix == ".png":
        return png_bytes()
    return title.encode("utf-8")


def read_evidence_rows(path: Path = DEMO_EVIDENCE) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_evidence(folder: Path, rows: list[dict[str, str]]) -> list[Path]:
    """Write each row's file (位置: a path in ``folder``; "x.zip/member" and "x.eml/attachment" go
    into that container, made once with all its members); return the files written."""
    plain: dict[str, bytes] = {}
    boxes: dict[str, list[tuple[str, bytes]]] = {}
    for row in rows:
        place, data = row["位置"], sample_bytes(row["位置"], row["标题"], int(row["页数"] or 1))
        holder = next((i for i, p in enumerate(PurePosixPath(place).parts[:-1])
                       if PurePosixPath(p).suffix.lower() in CONTAINERS), None)
        if holder is None:
            plain[place] = data
        else:
            parts = PurePosixPath(place).parts
            boxes.setdefault("/".join(parts[:holder + 1]), []).append(("/".join(parts[holder + 1:]), data))
    written = []
    for place, data in plain.items():
        written.append(_write(folder / place, data))
    for place, members in boxes.items():
        maker = _zip if place.lower().endswith(".zip") else _eml
        written.append(_write(folder / place, maker(members, PurePosixPath(place).stem)))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _zip(members: list[tuple[str, bytes]], _title: str) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def _eml(members: list[tuple[str, bytes]], title: str) -> bytes:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = title, "unit@example.org", "office@example.org"
    msg.set_content(f"{title}，请查收附件。")
    for name, data in members:
        kind = ("application", "pdf") if name.lower().endswith(".pdf") else ("image", "png") \
            if name.lower().endswith(".png") else ("application", "octet-stream")
        msg.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=name)
    return msg.as_bytes()
