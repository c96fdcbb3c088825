"""SMTP over TLS (STARTTLS and implicit SSL) with a certificate from an internal CA.

A throwaway CA and a server certificate for 127.0.0.1 / localhost are made with the ``openssl``
command; the loopback aiosmtpd server requires TLS before AUTH.  The client must trust the server
only through ``JIESHUI_SMTP_CAFILE`` and refuse it, with a Chinese message, without it.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from test_mail import (
    ADDRESSES,
    _free_port,
    _Handler,
    _parse,
    _received,
    _unit_of,
    password_checker,
    table_with_addresses,
    write_unit_workbooks,
)

from jieshui_xl.cli import main
from jieshui_xl.mail import CAFILE_ENV, PASSWORD_ENV, eml_filename
from jieshui_xl.spec import load_task_table

OPENSSL = shutil.which("openssl")
pytestmark = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is needed to make test certificates")

USER, PASSWORD = "jsb@example.gov.cn", "授权码-tls-secret"


# ---------------------------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------------------------

def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _make_ca(folder: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
             "-days", "2", "-subj", f"/O=Jieshui test/CN={name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a server certificate it signed (127.0.0.1 and localhost), and an unrelated second CA."""
    folder = tmp_path_factory.mktemp("pki")
    _make_ca(folder, "ca")
    _make_ca(folder, "other-ca")
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n", encoding="ascii")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/O=Jieshui test/CN=localhost", cwd=folder)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "4242",
             "-days", "2", "-extfile", "server.ext", "-out", "server.pem", cwd=folder)
    return SimpleNamespace(ca=folder / "ca.pem", other_ca=folder / "other-ca.pem",
                           cert=folder / "server.pem", key=folder / "server.key")


# ---------------------------------------------------------------------------------------------
# Loopback servers
# ---------------------------------------------------------------------------------------------

class _TLSHandler(_Handler):
    """Records, for each message, whether it came over TLS (as seen by the server) and after AUTH."""

    def __init__(self):
        super().__init__()
        self.tls = []

    async def handle_DATA(self, server, session, envelope):
        ssl_object = server.transport.get_extra_info("ssl_object")
        self.tls.append(SimpleNamespace(version=ssl_object.version() if ssl_object else None,
                                        session_ssl=session.ssl is not None,
                                        authenticated=session.authenticated))
        return await super().handle_DATA(server, session, envelope)


def _implicit_tls_controller():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class ImplicitTLSSMTP(SMTP):
        """aiosmtpd does not notice that an SMTPS connection is already encrypted, so with
        ``auth_require_tls`` it never offers AUTH (aio-libs/aiosmtpd#281); mark such sessions as TLS."""

        def connection_made(self, transport):
            super().connection_made(transport)
            ssl_object = transport.get_extra_info("ssl_object")
            if ssl_object is not None and self._original_transport is None:
                self.session.ssl = {"ssl_object": ssl_object, "cipher": ssl_object.cipher()}
                self._tls_protocol = getattr(transport, "_ssl_protocol", None) or True

    class ImplicitTLSController(Controller):
        def factory(self):
            return ImplicitTLSSMTP(self.handler, **self.SMTP_kwargs)

    return ImplicitTLSController


@pytest.fixture
def tls_server(pki):
    """``start("starttls" | "ssl")`` → a handler with ``.port`` and ``.logins``; TLS is required before AUTH."""
    from aiosmtpd.controller import Controller

    controllers = []

    def start(mode: str):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(pki.cert, pki.key)
        handler = _TLSHandler()
        logins = []

        authenticator = password_checker(USER, PASSWORD, logins)
        port = _free_port()
        common = dict(hostname="127.0.0.1", port=port, authenticator=authenticator, auth_required=True,
                      auth_require_tls=True)
        if mode == "starttls":
            controller = Controller(handler, tls_context=context, require_starttls=True, **common)
        else:
            controller = _implicit_tls_controller()(handler, ssl_context=context, **common)
        controller.start()
        controllers.append(controller)
        handler.port, handler.logins = port, logins
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    base = tmp_path_factory.mktemp("mail_tls")
    table = load_task_table(table_with_addresses(base))
    templates = base / "填报表"
    paths = write_unit_workbooks(table, templates)
    return table, templates, {_unit_of(table, p): p for p in paths}


def _send(table, templates, outbox: Path, port: int, mode: str):
    return CliRunner().invoke(main, [
        "mail", str(templates), "--outbox", str(outbox), "--task-table", str(table.path), "--send",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), f"--{mode}", "--smtp-user", USER])


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_send_over_tls_trusting_the_internal_ca(mode, round_, tls_server, pki, tmp_path, monkeypatch):
    table, templates, workbooks = round_
    server = tls_server(mode)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(CAFILE_ENV, str(pki.ca))
    result = _send(table, templates, tmp_path / "out", server.port, mode)
    assert result.exit_code == 0, result.output
    received = _received(server)
    assert len(server.messages) == len(ADDRESSES) and set(received) == set(ADDRESSES)   # exactly one each
    assert len(server.tls) == len(ADDRESSES)
    for tls in server.tls:                                  # every message over TLS, after AUTH
        assert tls.version and tls.version.startswith("TLS") and tls.session_ssl and tls.authenticated
    assert server.logins and all(ok for _, ok in server.logins) and {u for u, _ in server.logins} == {USER}
    for unit in ADDRESSES:
        mail_from, rcpts, msg = received[unit]
        assert mail_from == USER
        atts = list(msg.iter_attachments())
        assert len(atts) == 1 and atts[0].get_filename() == workbooks[unit].name
        assert atts[0].get_content() == workbooks[unit].read_bytes()
        eml = _parse(tmp_path / "out" / eml_filename(table, unit))
        assert list(eml.iter_attachments())[0].get_content() == workbooks[unit].read_bytes()
    assert f"成功 {len(ADDRESSES)} 封" in result.output
    assert PASSWORD not in result.output
    assert "警告：未加密" not in result.output


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_untrusted_certificate_is_refused_with_a_chinese_message(mode, round_, tls_server, tmp_path, monkeypatch):
    table, templates, _ = round_
    server = tls_server(mode)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.delenv(CAFILE_ENV, raising=False)
    result = _send(table, templates, tmp_path / "out", server.port, mode)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception      # a message, not a traceback
    assert "Traceback" not in result.output
    assert f"127.0.0.1:{server.port}" in result.output and "证书" in result.output
    assert CAFILE_ENV in result.output and "信息中心" in result.output
    assert "一封也没有发出" in result.output
    assert "其余" in result.output                                       # the others were not attempted
    assert server.messages == [] and server.logins == []                 # nothing received, no password sent
    assert PASSWORD not in result.output
    # the .eml files are still written, for sending by hand
    assert len(list((tmp_path / "out").glob("*.eml"))) == len(table.reporting_units())


def test_a_ca_file_of_another_authority_is_named(round_, tls_server, pki, tmp_path, monkeypatch):
    table, templates, _ = round_
    server = tls_server("ssl")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(CAFILE_ENV, str(pki.other_ca))
    result = _send(table, templates, tmp_path / "out", server.port, "ssl")
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert str(pki.other_ca) in result.output and "不能验证该服务器" in result.output
    assert server.messages == [] and server.logins == []


def test_a_missing_ca_file_stops_before_connecting(round_, tls_server, tmp_path, monkeypatch):
    table, templates, _ = round_
    server = tls_server("starttls")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(CAFILE_ENV, str(tmp_path / "没有这个文件.pem"))
    result = _send(table, templates, tmp_path / "out", server.port, "starttls")
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert CAFILE_ENV in result.output and "不存在" in result.output
    assert server.messages == [] and server.logins == []
    (tmp_path / "not-a-cert.pem").write_text("not a certificate", encoding="ascii")
    monkeypatch.setenv(CAFILE_ENV, str(tmp_path / "not-a-cert.pem"))
    result = _send(table, templates, tmp_path / "out", server.port, "starttls")
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert "无法读取" in result.output and "PEM" in result.output
    assert server.messages == []


def test_mail_help_mentions_the_ca_file():
    result = CliRunner().invoke(main, ["mail", "--help"])
    assert result.exit_code == 0 and CAFILE_ENV in result.output
