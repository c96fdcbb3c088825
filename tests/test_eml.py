"""Workbooks attached to saved e-mails: safe names, exact bytes, never outside the target folder."""

from __future__ import annotations

import os
from email import policy
from email.message import EmailMessage

import pytest

from jieshui_xl.eml import extract_workbooks, safe_filename, workbook_attachments
from jieshui_xl.findings import JieshuiError

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _message(attachments, body="请查收。"):
    msg = EmailMessage()
    msg["Subject"] = "回复：2023年度数据填报表"
    msg["From"] = "slj@example.gov.cn"
    msg["To"] = "jsb@example.gov.cn"
    msg.set_content(body)
    for name, data in attachments:
        if name is None:
            msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1])
        else:
            msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg


def _save(tmp_path, msg, name="mail.eml"):
    path = tmp_path / name
    path.write_bytes(msg.as_bytes(policy=policy.default.clone(linesep="\r\n")))
    return path


def _check_safe(name):
    assert name and name == os.path.basename(name)
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not any(ord(ch) < 32 or ch in '<>:"|?*' for ch in name)
    assert not name.startswith((".", "~$"))


def test_chinese_names_bytes_and_filtering(tmp_path):
    a, b, c = os.urandom(3000), os.urandom(50), b"PK\x03\x04" + os.urandom(100)
    name = "2023年度黔江区创建重庆市节水型城市数据填报表_区水利局（已填报，含附表）.xlsx"
    msg = _message([(name, a), ("说明.docx", b"not a workbook"), ("旧表.XLS", b), ("统计.ods", c),
                    ("照片.jpg", b"\xff\xd8")])
    found = workbook_attachments(_save(tmp_path, msg))
    assert found == [(name, a), ("旧表.xls", b), ("统计.ods", c)]


def test_hostile_names_are_made_safe(tmp_path):
    payloads = {n: os.urandom(64) for n in ("../../evil.xlsx", "/etc/cron.d/job.xlsx", "C:\\Windows\\win.xlsx",
                                             "..\\..\\up.xlsm", "~$lock.xlsx", ".hidden.xlsx", "a\tb\x01c\x7f.xlsx",
                                             "CON.xlsx", "..xlsx", "a:b|c?*<>.xlsx")}
    found = workbook_attachments(_save(tmp_path, _message(payloads.items())))
    names = [n for n, _ in found]
    assert [d for _, d in found] == list(payloads.values())
    for n in names:
        _check_safe(n)
    assert names[:4] == ["evil.xlsx", "job.xlsx", "win.xlsx", "up.xlsm"]
    assert names[4] == "lock.xlsx" and names[5] == "hidden.xlsx" and names[6] == "abc.xlsx"
    assert names[7] != "CON.xlsx" and names[7].endswith(".xlsx")
    assert len(set(n.casefold() for n in names)) == len(names)


def test_duplicate_names_get_numbered(tmp_path):
    d1, d2, d3 = b"one", b"two", b"three"
    found = workbook_attachments(_save(tmp_path, _message(
        [("区水利局.xlsx", d1), ("区水利局.xlsx", d2), ("子目录/区水利局.XLSX", d3)])))
    assert found == [("区水利局.xlsx", d1), ("区水利局 (2).xlsx", d2), ("区水利局 (3).xlsx", d3)]


def test_encoded_word_and_gbk_rfc2231_names(tmp_path):
    data = b"PK\x03\x04" + b"x" * 40
    import base64

    b64 = base64.b64encode(data).decode()
    word = "=?GB2312?B?" + base64.b64encode("区财政局填报表.xlsx".encode("gb2312")).decode() + "?="
    rfc2231 = "gbk''" + "".join(f"%{x:02X}" for x in "区商务委.xlsx".encode("gbk"))
    raw = (
        "MIME-Version: 1.0\r\nSubject: test\r\nContent-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n"
        "--BB\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n"
        f"--BB\r\nContent-Type: application/octet-stream; name=\"{word}\"\r\n"
        f"Content-Disposition: attachment; filename=\"{word}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n"
        f"--BB\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Disposition: attachment; filename*={rfc2231}\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n"
        "--BB--\r\n")
    path = tmp_path / "gbk.eml"
    path.write_bytes(raw.encode("ascii"))
    assert workbook_attachments(path) == [("区财政局填报表.xlsx", data), ("区商务委.xlsx", data)]


def test_unnamed_spreadsheet_part_and_forwarded_message(tmp_path):
    inner = _message([("区应急局.xlsx", b"inner-bytes")])
    outer = _message([(None, b"unnamed-bytes")])
    outer.add_attachment(inner)                      # a forwarded message (message/rfc822)
    found = workbook_attachments(_save(tmp_path, outer))
    assert found == [("附件.xlsx", b"unnamed-bytes"), ("区应急局.xlsx", b"inner-bytes")]


def test_extract_stays_inside_and_keeps_bytes(tmp_path):
    a, b = os.urandom(500), os.urandom(500)
    eml = _save(tmp_path, _message([("../../evil.xlsx", a), ("/abs/区水利局.xlsx", b)]))
    dest = tmp_path / "deep" / "回收表"
    paths = extract_workbooks(eml, dest)
    root = dest.resolve()
    assert [p.resolve().parent for p in paths] == [root, root]
    assert [p.read_bytes() for p in paths] == [a, b]
    assert sorted(p.name for p in dest.iterdir()) == sorted(["evil.xlsx", "区水利局.xlsx"])
    assert not (tmp_path / "evil.xlsx").exists() and not (tmp_path.parent / "evil.xlsx").exists()
    # again: identical files are reused, not duplicated
    assert extract_workbooks(eml, dest) == paths
    assert len(list(dest.iterdir())) == 2
    # a different file with the same name is kept; the new one is numbered
    (dest / "evil.xlsx").write_bytes(b"someone else's")
    again = extract_workbooks(eml, dest)
    assert again[0].name == "evil (2).xlsx" and again[0].read_bytes() == a
    assert (dest / "evil.xlsx").read_bytes() == b"someone else's"


def test_extract_refuses_symlink_escape(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    try:
        (dest / "区水利局.xlsx").symlink_to(outside / "target.xlsx")
    except (OSError, NotImplementedError):
        pytest.skip("symlinks not available")
    eml = _save(tmp_path, _message([("区水利局.xlsx", b"data")]))
    # the name is taken by the (dangling) link, so the workbook gets a numbered name inside dest
    paths = extract_workbooks(eml, dest)
    assert paths[0].name == "区水利局 (2).xlsx" and paths[0].resolve().parent == dest.resolve()
    assert not (outside / "target.xlsx").exists()


def test_safe_filename_never_empty_and_no_dotdot():
    for raw in ("", None, "..", "...", "/", "\\\\", ".xlsx", "\x00\x01", "   "):
        name = safe_filename(raw, ".xlsx")
        _check_safe(name)
        assert name.endswith(".xlsx") and len(name) > len(".xlsx")
    assert safe_filename("a..b....c.xlsx") == "a.b.c.xlsx"
    assert len(safe_filename("中" * 300 + ".xlsx").encode()) < 255


def test_unreadable_eml_is_a_clear_error(tmp_path):
    with pytest.raises(JieshuiError, match="无法读取邮件文件"):
        workbook_attachments(tmp_path / "不存在.eml")
