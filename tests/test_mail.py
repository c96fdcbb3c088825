"""E-mails to the units: .eml files, attachments, addresses, SMTP sending, reminders."""

from __future__ import annotations

import email
import socket
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jieshui_xl.cli import main
from jieshui_xl.findings import JieshuiError
from jieshui_xl.mail import PASSWORD_ENV, build_message, eml_filename, run_mail
from jieshui_xl.spec import default_task_table_path, load_task_table
from jieshui_xl.specimen import pdf_bytes
from jieshui_xl.template import write_templates

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

OFFICE_EMAIL = "jsb@qianjiang.example.cn"
ADDRESSES = {  # unit -> (To, Cc)
    "区水利局": ("slj@qianjiang.example.cn", "slj.cc@qianjiang.example.cn"),
    "区住房城乡建委": ("zjw@qianjiang.example.cn；zjw2@qianjiang.example.cn", ""),
    "区财政局": ("czj@qianjiang.example.cn", ""),
}


def table_with_addresses(folder: Path, addresses=ADDRESSES, office_email=OFFICE_EMAIL) -> Path:
    """A copy of the bundled task table with e-mail addresses and the office's contact filled in."""
    wb = openpyxl.load_workbook(default_task_table_path())
    ws = wb["单位"]
    header = [c.value for c in ws[1]]
    name_col, mail_col, cc_col = (header.index(h) + 1 for h in ("单位名称", "电子邮箱", "抄送"))
    for row in range(2, ws.max_row + 1):
        unit = ws.cell(row, name_col).value
        if unit in addresses:
            ws.cell(row, mail_col).value, ws.cell(row, cc_col).value = addresses[unit]
    ws = wb["参数"]
    header = [c.value for c in ws[1]]
    code_col, value_col = header.index("代码") + 1, header.index("值") + 1
    for row in range(2, ws.max_row + 1):
        code = ws.cell(row, code_col).value
        if code in ("office_email", "office_contact", "office_phone"):
            ws.cell(row, value_col).value = {"office_email": office_email, "office_contact": "张节水",
                                             "office_phone": "023-79000000"}[code]
    path = folder / "任务分工表.xlsx"
    wb.save(path)
    return path


def write_unit_workbooks(table, folder: Path) -> list[Path]:
    """The round's real collection workbooks."""
    folder.mkdir(parents=True, exist_ok=True)
    return list(write_templates(table, folder))


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    base = tmp_path_factory.mktemp("mail")
    table = load_task_table(table_with_addresses(base))
    templates = base / "填报表"
    paths = write_unit_workbooks(table, templates)
    (templates / "说明.txt").write_text("not a workbook", encoding="utf-8")
    other = openpyxl.Workbook()
    other.save(templates / "区水利局.xlsx")          # named like a unit, but carries no identity
    return table, templates, paths


def _parse(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def _unit_of(table, path: Path) -> str:
    from helpers_template import read_identity

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return read_identity(wb).unit
    finally:
        wb.close()


def test_one_eml_per_workbook_with_exact_attachment(round_, tmp_path):
    table, templates, paths = round_
    outbox = tmp_path / "发件箱"
    lines = []
    result = run_mail(table, templates, outbox, echo=lines.append)
    by_unit = {_unit_of(table, p): p for p in paths}
    assert set(result.written) == set(by_unit) == set(table.reporting_units())
    assert sorted(p.name for p in outbox.iterdir()) == sorted(eml_filename(table, u) for u in by_unit)
    for unit, workbook in by_unit.items():
        eml = result.written[unit]
        assert str(table.year) in eml.name and unit in eml.name
        msg = _parse(eml)
        atts = list(msg.iter_attachments())
        assert len(atts) == 1
        assert atts[0].get_filename() == workbook.name
        assert atts[0].get_content() == workbook.read_bytes()
        assert atts[0].get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        # the compat32 parser recovers the same name and bytes
        old = email.message_from_bytes(eml.read_bytes())
        parts = [p for p in old.walk() if p.get_filename()]
        assert [p.get_filename() for p in parts] == [workbook.name]
        assert parts[0].get_payload(decode=True) == workbook.read_bytes()
        assert msg["Subject"] == f"【请于2024年1月20日前报送】{table.year}年度{table.city}创建" \
                                 f"{table.params['title']}数据填报表—{unit}"
        assert msg["From"].addresses[0].addr_spec == OFFICE_EMAIL
        assert msg["X-Unsent"] == "1"
        body = msg.get_body(("plain",)).get_content()
        assert body.startswith(f"{unit}：")
        assert "2024年1月20日" in body and OFFICE_EMAIL in body and "张节水" in body and "023-79000000" in body
        assert "不要重命名" in body and ".xlsx" in body
        n_items = len(table.items_of(unit))
        if n_items:
            assert f"数据项 {n_items} 项" in body
            assert all(item.label in body for item in table.items_of(unit))
        assert all(f"任务{t.seq}：{t.title}" in body for t in table.tasks_of(unit))
    # addresses from the 单位 sheet
    slj = _parse(result.written["区水利局"])
    assert [a.addr_spec for a in slj["To"].addresses] == ["slj@qianjiang.example.cn"]
    assert [a.addr_spec for a in slj["Cc"].addresses] == ["slj.cc@qianjiang.example.cn"]
    zjw = _parse(result.written["区住房城乡建委"])
    assert [a.addr_spec for a in zjw["To"].addresses] == ["zjw@qianjiang.example.cn", "zjw2@qianjiang.example.cn"]
    assert zjw["Cc"] is None
    # a unit without address: written without To, and reported
    no_address = sorted(set(table.reporting_units()) - set(ADDRESSES))
    assert sorted(result.no_address) == no_address
    for unit in no_address:
        assert _parse(result.written[unit])["To"] is None
    text = "\n".join(lines)
    assert "没有登记电子邮箱" in text and all(u in text for u in no_address)
    assert "不是本系统生成的填报表" in text            # the look-alike 区水利局.xlsx is ignored


def test_unit_without_any_address_sheet_value_and_no_office_email(tmp_path):
    table = load_task_table()                          # bundled table: no addresses, no office e-mail
    unit = table.reporting_units()[0]
    wb_path = write_unit_workbooks(table, tmp_path / "t")[0]
    msg = build_message(table, _unit_of(table, wb_path), wb_path)
    assert msg["To"] is None and msg["From"] is None
    parsed = BytesParser(policy=policy.default).parsebytes(msg.as_bytes())
    assert list(parsed.iter_attachments())[0].get_filename() == wb_path.name
    assert unit in table.units


def test_no_workbooks_is_an_error(round_, tmp_path):
    table = round_[0]
    (tmp_path / "empty").mkdir()
    with pytest.raises(JieshuiError, match="没有找到"):
        run_mail(table, tmp_path / "empty", tmp_path / "out", echo=lambda s: None)
    with pytest.raises(JieshuiError, match="找不到填报表文件夹"):
        run_mail(table, tmp_path / "nowhere", tmp_path / "out", echo=lambda s: None)


# ---------------------------------------------------------------------------------------------
# SMTP on loopback
# ---------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, reject=()):
        self.messages = []
        self.reject = set(reject)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                              getattr(session, "login_data", None) or getattr(session, "auth_data", None)))
        return "250 OK"


def password_checker(user, password, logins: list):
    """An aiosmtpd authenticator accepting ``user``/``password``; each attempt is appended to ``logins``."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and \
            auth_data.password.decode() == password
        logins.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)

    return authenticator


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    servers = []

    def start(reject=(), user=None, password=None):
        handler = _Handler(reject)
        logins = []

        authenticator = password_checker(user, password, logins)
        kwargs = dict(authenticator=authenticator, auth_require_tls=False, auth_required=True) if user else {}
        port = _free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        servers.append(controller)
        handler.port, handler.logins = port, logins
        return handler

    yield start
    for c in servers:
        c.stop()


def _received(handler):
    out = {}
    for mail_from, rcpts, content, _ in handler.messages:
        msg = BytesParser(policy=policy.default).parsebytes(content)
        unit = msg["Subject"].split("—")[-1]
        out[unit] = (mail_from, rcpts, msg)
    return out


def test_send_over_smtp_with_login(round_, tmp_path, smtp_server, monkeypatch):
    table, templates, _ = round_
    server = smtp_server(user="jsb", password="授权码-secret")
    monkeypatch.setenv(PASSWORD_ENV, "授权码-secret")
    result = CliRunner().invoke(main, [
        "mail", str(templates), "--outbox", str(tmp_path / "out"), "--task-table", str(table.path),
        "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-user", "jsb"])
    assert result.exit_code == 0, result.output
    received = _received(server)
    assert len(server.messages) == len(ADDRESSES)                 # exactly one per unit with an address
    assert set(received) == set(ADDRESSES)
    assert server.logins and all(ok for _, ok in server.logins) and server.logins[0][0] == "jsb"
    mail_from, rcpts, msg = received["区水利局"]
    assert sorted(rcpts) == ["slj.cc@qianjiang.example.cn", "slj@qianjiang.example.cn"]
    assert msg["X-Unsent"] is None
    att = list(msg.iter_attachments())[0]
    eml = _parse(tmp_path / "out" / eml_filename(table, "区水利局"))
    assert att.get_content() == list(eml.iter_attachments())[0].get_content()
    # units without an address are refused, by name, and the summary is printed
    for unit in set(table.reporting_units()) - set(ADDRESSES):
        assert f"未发送：{unit}没有登记电子邮箱" in result.output
    assert f"成功 {len(ADDRESSES)} 封" in result.output
    assert "授权码-secret" not in result.output


def test_password_only_from_environment(round_, tmp_path, smtp_server, monkeypatch):
    table, templates, _ = round_
    server = smtp_server(user="jsb", password="pw")
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    args = ["mail", str(templates), "--outbox", str(tmp_path / "out"), "--task-table", str(table.path),
            "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-user", "jsb"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and PASSWORD_ENV in result.output
    assert server.messages == []
    result = CliRunner().invoke(main, args + ["--smtp-password", "pw"])     # no such option
    assert result.exit_code != 0 and server.messages == []
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and "登录失败" in result.output and server.messages == []


def test_smtp_error_for_one_unit_others_continue(round_, tmp_path, smtp_server):
    table, templates, _ = round_
    server = smtp_server(reject={"czj@qianjiang.example.cn"})
    lines = []
    result = run_mail(table, templates, tmp_path / "out", send=True, smtp_host="127.0.0.1",
                      smtp_port=server.port, echo=lines.append)
    assert sorted(result.sent) == sorted(set(ADDRESSES) - {"区财政局"})
    assert list(result.failed) == ["区财政局"] and "czj@qianjiang.example.cn" in result.failed["区财政局"]
    assert set(_received(server)) == set(ADDRESSES) - {"区财政局"}
    text = "\n".join(lines)
    assert "发送失败：区财政局" in text
    assert sorted(result.refused) == sorted(set(table.reporting_units()) - set(ADDRESSES))


def test_nothing_sent_is_an_error(round_, tmp_path):
    table, templates, _ = round_
    port = _free_port()                                  # nobody listens here
    result = CliRunner().invoke(main, [
        "mail", str(templates), "--outbox", str(tmp_path / "out"), "--task-table", str(table.path),
        "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(port)])
    assert result.exit_code != 0
    assert "一封也没有发出" in result.output and "拒绝连接" in result.output
    assert len(list((tmp_path / "out").glob("*.eml"))) == len(table.reporting_units())   # still written


def test_send_without_any_address_is_refused(tmp_path):
    table = load_task_table(table_with_addresses(tmp_path, addresses={}))
    templates = tmp_path / "t"
    write_unit_workbooks(table, templates)
    with pytest.raises(JieshuiError, match="没有登记电子邮箱"):
        run_mail(table, templates, tmp_path / "out", send=True, smtp_host="127.0.0.1", smtp_port=_free_port(),
                 echo=lambda s: None)


def test_cli_writes_outbox(round_, tmp_path):
    table, templates, _ = round_
    result = CliRunner().invoke(main, ["mail", str(templates), "--outbox", str(tmp_path / "o"),
                                       "--task-table", str(table.path)])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "o").glob("*.eml"))) == len(table.reporting_units())
    assert "已生成" in result.output


# ---------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------

def test_remind_only_missing_and_rejected(round_, tmp_path, smtp_server):
    from conftest import SAMPLE_VALUES

    from jieshui_xl.fill import fill_workbook

    table, templates, paths = round_
    by_unit = {_unit_of(table, p): p for p in paths}
    returns = tmp_path / "回收表"
    good, bad = "区住房城乡建委", "区水利局"
    evidence = [ev for ev in table.evidence_of(good) if ev.required]      # sent with the workbook: nothing owed
    fill_workbook(by_unit[good], returns / "zjw.xlsx",
                  [(i.code, None, SAMPLE_VALUES[i.code]) for i in table.items_of(good)
                   if SAMPLE_VALUES.get(i.code) is not None] + [("contact_name", None, "李四"),
                                                                 ("contact_phone", None, "13800000000")]
                  + [(ev.name("file"), None, f"{ev.code}.pdf") for ev in evidence])
    for ev in evidence:
        (returns / f"{ev.code}.pdf").write_bytes(pdf_bytes(ev.code))
    numeric = next(i for i in table.items_of(bad) if i.numeric)
    fill_workbook(by_unit[bad], returns / "slj.xlsx", [(numeric.code, None, "约12万")])
    server = smtp_server()
    lines = []
    result = run_mail(table, templates, tmp_path / "out", returned_dir=returns, send=True, smtp_host="127.0.0.1",
                      smtp_port=server.port, echo=lines.append)
    assert good in result.up_to_date and good not in result.written
    assert set(result.written) == set(table.reporting_units()) - {good}
    received = _received(server)
    assert set(received) == {bad, "区财政局"}              # the others have no address
    slj = received[bad][2]
    assert "重新报送" in slj["Subject"]
    body = slj.get_body(("plain",)).get_content()
    assert "约12万" in body                                   # names what is wrong ...
    assert numeric.label in body and "单元格" in body          # ... and where
    czj = received["区财政局"][2]
    assert "催报" in czj["Subject"] and "尚未收到" in czj.get_body(("plain",)).get_content()
    assert all(p.name.endswith(("_催报.eml", "_退回修改.eml")) for p in (tmp_path / "out").iterdir())
    assert f"已报送，不再催报：{good}" in "\n".join(lines)


def test_a_unit_owing_evidence_is_asked_for_it(round_, tmp_path):
    from conftest import SAMPLE_VALUES

    from jieshui_xl.fill import fill_workbook

    table, templates, paths = round_
    unit = "区财政局"
    returns = tmp_path / "回收表"
    path = next(p for p in paths if _unit_of(table, p) == unit)
    fill_workbook(path, returns / "czj.xlsx", [(i.code, None, SAMPLE_VALUES[i.code]) for i in table.items_of(unit)
                                               if SAMPLE_VALUES.get(i.code) is not None]
                  + [("contact_name", None, "王五"), ("contact_phone", None, "13800000001"),
                     ("ev_I18_1_file", None, "预算文件.pdf")])
    result = run_mail(table, templates, tmp_path / "out", returned_dir=returns, echo=lambda _: None)
    eml = result.written[unit]
    assert eml.name.endswith("_补交佐证材料.eml")
    msg = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    body = msg.get_body(("plain",)).get_content()
    assert "补交佐证材料" in msg["Subject"] and "已收到，但以下佐证材料尚未收到" in body
    assert "指标18（节水资金投入占比）：节水资金预算及拨付文件（所列附件未收到）" in body
    assert "任务6（完善节水财政保障制度）：节水财政投入制度文件（清单未列出附件）" in body


def test_a_message_saved_into_the_returns_folder_is_read_back(round_, tmp_path):
    """A department that replies with the workbook: the saved message (.eml) counts as its return."""
    from jieshui_xl.returns import collect

    table, templates, paths = round_
    unit = "区水利局"
    workbook = next(p for p in paths if _unit_of(table, p) == unit)
    returns = tmp_path / "回收表"
    msg = build_message(table, unit, workbook)
    from jieshui_xl.mail import write_eml

    write_eml(msg, returns / "回复：数据填报表.eml")
    collection = collect(table, returns)
    assert collection.unit_status(unit) != "missing"
    assert [s.unit for s in collection.submissions] == [unit]
    assert collection.submissions[0].file.endswith(workbook.name)


def test_tls_mismatch_is_a_clear_message(round_, tmp_path, smtp_server):
    table, templates, _ = round_
    server = smtp_server()                                # plain SMTP, no TLS at all
    for flags, expected in ((dict(use_ssl=True), "加密连接失败"), (dict(starttls=True), "不支持")):
        lines = []
        with pytest.raises(JieshuiError, match="一封也没有发出") as info:
            run_mail(table, templates, tmp_path / "out", send=True, smtp_host="127.0.0.1", smtp_port=server.port,
                     echo=lines.append, **flags)
        assert expected in str(info.value) and expected in "\n".join(lines)
    assert server.messages == []
    with pytest.raises(JieshuiError, match="只能选一个"):
        run_mail(table, templates, tmp_path / "out", send=True, smtp_host="127.0.0.1", starttls=True, use_ssl=True)
    with pytest.raises(JieshuiError, match="--smtp-host"):
        run_mail(table, templates, tmp_path / "out", send=True)


def test_send_needs_a_sender(tmp_path, smtp_server, monkeypatch):
    table = load_task_table(table_with_addresses(tmp_path, office_email=None))
    templates = tmp_path / "t"
    write_unit_workbooks(table, templates)
    server = smtp_server(user="jsb@qianjiang.example.cn", password="pw")
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    with pytest.raises(JieshuiError, match="office_email"):
        run_mail(table, templates, tmp_path / "out", send=True, smtp_host="127.0.0.1", smtp_port=server.port,
                 echo=lambda s: None)
    assert server.messages == []
    result = run_mail(table, templates, tmp_path / "out", send=True, smtp_host="127.0.0.1", smtp_port=server.port,
                      smtp_user="jsb@qianjiang.example.cn", echo=lambda s: None)   # the login address is used
    assert sorted(result.sent) == sorted(ADDRESSES)
    assert {m[0] for m in server.messages} == {"jsb@qianjiang.example.cn"}
